/* SPDX-License-Identifier: MIT */
/*
 * After: the same layout in the style of Linux 2.6.27. The direct map moved up to
 * PML4 slot 272, leaving slots 256-271 (0xffff800000000000-0xffff87ffffffffff)
 * to the hypervisor. The space above __PAGE_OFFSET shrinks from 127 TiB to 120 TiB,
 * and head_64.S must use pgd_index(__PAGE_OFFSET) instead of a fixed slot.
 * Compare with page_64-2.6.26.h. Written for this project.
 */
#ifndef _EXAMPLE_PAGE_64_2_6_27_H
#define _EXAMPLE_PAGE_64_2_6_27_H

#define __PAGE_OFFSET		_AC(0xffff880000000000, UL)	/* PML4 slot 272 */
#define __PHYSICAL_START	0x200000
#define __START_KERNEL_map	_AC(0xffffffff80000000, UL)

#define __PHYSICAL_MASK_SHIFT	46
#define __VIRTUAL_MASK_SHIFT	48

#define MAXMEM			_AC(0x00003fffffffffff, UL)	/* 64 TiB of RAM */
#define VMALLOC_START		_AC(0xffffc20000000000, UL)
#define VMALLOC_END		_AC(0xffffe1ffffffffff, UL)
#define VMEMMAP_START		_AC(0xffffe20000000000, UL)
#define MODULES_VADDR		_AC(0xffffffffa0000000, UL)
#define MODULES_END		_AC(0xffffffffff000000, UL)	/* below the vsyscall page again */

/* Reserved for the hypervisor: 16 PML4 slots, 8 TiB. */
#define HYPERVISOR_VIRT_START	_AC(0xffff800000000000, UL)
#define HYPERVISOR_VIRT_END	_AC(0xffff880000000000, UL)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Before: an x86-64 layout in the style of Linux 2.6.26. The direct map starts in
 * PML4 slot 258, inside the 16 slots (256-271, 8 TiB) a 64-bit Xen hypervisor
 * wants for itself, so this kernel cannot run as a Xen guest.
 * Compare with page_64-2.6.27.h. Written for this project.
 */
#ifndef _EXAMPLE_PAGE_64_2_6_26_H
#define _EXAMPLE_PAGE_64_2_6_26_H

#define __PAGE_OFFSET		_AC(0xffff810000000000, UL)	/* PML4 slot 258 */
#define __PHYSICAL_START	0x200000
#define __START_KERNEL_map	_AC(0xffffffff80000000, UL)

#define __PHYSICAL_MASK_SHIFT	46
#define __VIRTUAL_MASK_SHIFT	48

#define MAXMEM			_AC(0x00003fffffffffff, UL)	/* 64 TiB of RAM */
#define VMALLOC_START		_AC(0xffffc20000000000, UL)
#define VMALLOC_END		_AC(0xffffe1ffffffffff, UL)
#define VMEMMAP_START		_AC(0xffffe20000000000, UL)
#define MODULES_VADDR		_AC(0xffffffff88000000, UL)
#define MODULES_END		_AC(0xfffffffffff00000, UL)

#endif

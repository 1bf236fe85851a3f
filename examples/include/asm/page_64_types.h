/* SPDX-License-Identifier: MIT */
/*
 * Example x86-64 virtual memory layout for the Paging Layout extension.
 * Written for this project in the style of a kernel header; the values follow
 * the 4-level layout (47-bit virtual addresses, 48-bit with sign extension).
 */
#ifndef _EXAMPLE_ASM_PAGE_64_TYPES_H
#define _EXAMPLE_ASM_PAGE_64_TYPES_H

#ifdef __ASSEMBLY__
#define _AC(X, Y)	X
#else
#define __AC(X, Y)	(X##Y)
#define _AC(X, Y)	__AC(X, Y)
#endif

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1, UL) << PAGE_SHIFT)
#define PMD_SHIFT		21
#define PUD_SHIFT		30
#define SZ_1G			0x40000000

/* Direct mapping of all physical memory (page_offset_base). */
#define __PAGE_OFFSET_BASE_L4	_AC(0xffff888000000000, UL)
#define __PAGE_OFFSET_BASE_L5	_AC(0xff11000000000000, UL)

#ifdef CONFIG_X86_5LEVEL
#define __PAGE_OFFSET		__PAGE_OFFSET_BASE_L5
#define VMALLOC_START		_AC(0xffa0000000000000, UL)
#define VMALLOC_SIZE_TB		_AC(12800, UL)
#define VMEMMAP_START		_AC(0xffd4000000000000, UL)
#define __VIRTUAL_MASK_SHIFT	56
#else
#define __PAGE_OFFSET		__PAGE_OFFSET_BASE_L4
#define VMALLOC_START		_AC(0xffffc90000000000, UL)
#define VMALLOC_SIZE_TB		_AC(32, UL)
#define VMEMMAP_START		_AC(0xffffea0000000000, UL)
#define __VIRTUAL_MASK_SHIFT	47
#endif

#define VMALLOC_END		(VMALLOC_START + (VMALLOC_SIZE_TB << 40) - 1)

/* The kernel image is mapped here, at -2 GiB, so that it can use the kernel code model. */
#define __START_KERNEL_map	_AC(0xffffffff80000000, UL)
#define KERNEL_IMAGE_SIZE	(SZ_1G)

/* Modules live right after the kernel image mapping. */
#define MODULES_VADDR		(__START_KERNEL_map + KERNEL_IMAGE_SIZE)
#define MODULES_END		_AC(0xffffffffff000000, UL)
#define MODULES_LEN		(MODULES_END - MODULES_VADDR)

#define ESPFIX_BASE_ADDR	_AC(0xffffff0000000000, UL)
#define CPU_ENTRY_AREA_BASE	_AC(0xfffffe0000000000, UL)

#endif /* _EXAMPLE_ASM_PAGE_64_TYPES_H */

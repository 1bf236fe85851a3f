/* SPDX-License-Identifier: MIT */
/*
 * Example early boot code for the Paging Layout extension: builds the initial
 * 4-level page tables that map the kernel image at __START_KERNEL_map and the
 * first gigabyte of RAM at __PAGE_OFFSET. Written for this project.
 */
#include "../include/asm/page_64_types.h"

#define pud_index(x)	(((x) >> PUD_SHIFT) & 511)
#define pgd_index(x)	(((x) >> 39) & 511)

#define _PAGE_PRESENT	0x001
#define _PAGE_RW	0x002
#define _PAGE_PSE	0x080
#define _KERNPG_TABLE	(_PAGE_PRESENT + _PAGE_RW + 0x060)
#define __PAGE_KERNEL_LARGE_EXEC (_PAGE_PRESENT + _PAGE_RW + _PAGE_PSE + 0x060)

L4_PAGE_OFFSET = pgd_index(__PAGE_OFFSET)
L4_START_KERNEL = pgd_index(__START_KERNEL_map)
L3_START_KERNEL = pud_index(__START_KERNEL_map)

	.text
	.code64
	.globl startup_64
startup_64:
	/* Physical load address of the image: where we run minus where we were linked. */
	leaq	_text(%rip), %rbp
	movabsq	$0xffffffff81000000, %rax
	subq	%rax, %rbp

	/* Fix up the page-table entries that hold physical addresses. */
	addq	%rbp, early_level4_pgt + (L4_START_KERNEL * 8)(%rip)
	addq	%rbp, early_level4_pgt + (L4_PAGE_OFFSET * 8)(%rip)
	addq	%rbp, level3_kernel_pgt + (L3_START_KERNEL * 8)(%rip)

	/* Switch to the new tables. */
	leaq	early_level4_pgt(%rip), %rax
	movq	%rax, %cr3

	/* Jump to the kernel's virtual address: 0xffffffff81000000 + offset. */
	movq	$1f, %rax
	jmp	*%rax
1:
	movq	$0xffff888000000000, %rdi
	call	x86_64_start_kernel
	hlt

	.data
	.balign	4096
early_level4_pgt:
	.quad	0					/* identity slot, filled at run time */
	.fill	L4_PAGE_OFFSET - 1, 8, 0
	.quad	level3_ident_pgt - __START_KERNEL_map + _KERNPG_TABLE
	.fill	L4_START_KERNEL - L4_PAGE_OFFSET - 1, 8, 0
	.quad	level3_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE

	.balign	4096
level3_ident_pgt:
	.quad	level2_ident_pgt - __START_KERNEL_map + _KERNPG_TABLE
	.fill	511, 8, 0

	.balign	4096
level3_kernel_pgt:
	.fill	L3_START_KERNEL, 8, 0
	.quad	level2_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE
	.quad	0					/* fixmap, later */

	.balign	4096
level2_ident_pgt:
	/* 512 x 2 MiB = the first 1 GiB of RAM, large pages. */
	i = 0
	.rept	512
	.quad	(i << PMD_SHIFT) + __PAGE_KERNEL_LARGE_EXEC
	i = i + 1
	.endr

	.balign	4096
level2_kernel_pgt:
	/* KERNEL_IMAGE_SIZE / 2 MiB entries map the image at 0xffffffff80000000. */
	i = 0
	.rept	(KERNEL_IMAGE_SIZE / 0x200000)
	.quad	(i << PMD_SHIFT) + __PAGE_KERNEL_LARGE_EXEC
	i = i + 1
	.endr

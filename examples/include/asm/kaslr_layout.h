/* SPDX-License-Identifier: MIT */
/*
 * Example for the Paging Layout hovers and inlay hints: values that depend on the
 * kernel configuration and on variables set at boot. Written for this project.
 */
#include "page_64_types.h"

#ifdef CONFIG_RANDOMIZE_BASE
#define KASLR_IMAGE_SIZE	(1024 * 1024 * 1024)
#else
#define KASLR_IMAGE_SIZE	(512 * 1024 * 1024)
#endif

/* Modules start right after the kernel image: where depends on KASLR. */
#define KASLR_MODULES_VADDR	(__START_KERNEL_map + KASLR_IMAGE_SIZE)

/* With KASLR the direct map moves at boot: only page_offset_base knows where. */
#define RUNTIME_PAGE_OFFSET	page_offset_base

/* The PGD slot of the direct map and of the kernel image. */
#define DIRECT_MAP_SLOT		pgd_index(__PAGE_OFFSET_BASE_L4)
#define KERNEL_IMAGE_SLOT	pgd_index(__START_KERNEL_map)

/* Not addresses: a loop bound and a bit number get no layout hover. */
#define EARLY_PGT_COUNT		16
#define PTE_NX_BIT		63

/* SPDX-License-Identifier: MIT */
/*
 * A header with deliberate mistakes, for the Paging Layout diagnostics.
 * Read it with the linux-x86_64-2.6.27 layout selected. Written for this project.
 */
#ifndef _EXAMPLE_MISTAKES_H
#define _EXAMPLE_MISTAKES_H

/* Not canonical: bits 63..47 are not all equal (it sits in the hole below 0xffff800000000000). */
#define GUARD_PAGE_VADDR	_AC(0xffff7fffffff0000, UL)

/* Typo: 15 hex digits, one zero short of 0xffff880000000000. */
#define DIRECT_MAP_BASE		_AC(0xffff88000000000, UL)

/* These two ranges overlap: the trace buffer starts before the debug area ends. */
#define DEBUG_AREA_START	_AC(0xffffc90000000000, UL)
#define DEBUG_AREA_END		_AC(0xffffc90040000000, UL)
#define TRACE_BUF_START		_AC(0xffffc90020000000, UL)
#define TRACE_BUF_END		_AC(0xffffc90060000000, UL)

/* Starts in PML4 slot 258, inside the range Xen reserves (slots 256-271). */
#define EARLY_MAP_START		_AC(0xffff810000000000, UL)
#define EARLY_MAP_END		_AC(0xffff810040000000, UL)

#endif

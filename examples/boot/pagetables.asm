; SPDX-License-Identifier: MIT
; Example NASM boot stub for the Paging Layout extension: identity-maps the first
; 2 MiB and maps the higher-half kernel at 0xffffffff80000000 with 2 MiB pages,
; then enables long mode. Written for this project.

bits 32

%define KERNEL_VMA      0xffffffff80000000
%define PAGE_PRESENT    1
%define PAGE_WRITE      2
%define PAGE_HUGE       80h

PML4_KERNEL     equ (KERNEL_VMA >> 39) & 511      ; slot 511
PDPT_KERNEL     equ (KERNEL_VMA >> 30) & 511      ; slot 510
LOW_MASK        equ 0FFFFh
EFER_MSR        equ 0C0000080h

section .bss
align 4096
pml4:   resb 4096
pdpt:   resb 4096
pd:     resb 4096

section .text
global enable_paging
enable_paging:
        mov     eax, pdpt
        or      eax, PAGE_PRESENT | PAGE_WRITE
        mov     [pml4], eax                         ; identity slot 0
        mov     [pml4 + PML4_KERNEL * 8], eax       ; higher half

        mov     eax, pd
        or      eax, PAGE_PRESENT | PAGE_WRITE
        mov     [pdpt], eax
        mov     [pdpt + PDPT_KERNEL * 8], eax

        ; one 2 MiB page at physical 0
        mov     dword [pd], PAGE_PRESENT | PAGE_WRITE | PAGE_HUGE

        mov     eax, pml4
        mov     cr3, eax

        mov     eax, cr4
        or      eax, 1 << 5                         ; PAE
        mov     cr4, eax

        mov     ecx, EFER_MSR
        rdmsr
        or      eax, 1 << 8                         ; LME
        wrmsr

        mov     eax, cr0
        or      eax, 80000000h                      ; PG
        mov     cr0, eax
        ret

; the address the kernel will be entered at, for the far jump
entry_va:       dq 0xffffffff81000000
direct_map_va:  dq 0FFFF888000000000h

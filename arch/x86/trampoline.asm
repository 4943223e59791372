; arch/x86/trampoline.asm - Where an application processor starts: real mode
; at CS:IP = (page << 8):0000 after the STARTUP IPI (AMD APM Vol. 2, 16.5),
; to 64-bit mode in the hypervisor's address space.
;
; arch/x86/smp.c copies [ap_trampoline_start, ap_trampoline_end) to a free
; page below 1 MiB and fills the parameter block at its end. The code runs at
; whatever page it was copied to: it takes its base from CS (EBX = CS << 4)
; and addresses everything relative to it. The two far jumps go through
; pointers that smp.c patches with base-relative targets.
;
;   real mode -> 32-bit protected mode (own GDT) -> PAE + LME + paging with
;   the trampoline page table (identity for the low 2 MiB, plus the
;   hypervisor's upper half) -> 64-bit -> jump to ap_entry64 in .text, which
;   loads the real CR3 and calls ap_main(percpu).

bits 16
section .rodata
global ap_trampoline_start, ap_trampoline_end
global ap_tramp_pm32_ptr, ap_tramp_lm64_ptr, ap_tramp_gdt_ptr, ap_tramp_params
extern ap_main

ap_trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                              ; EBX = physical base of this page
	o32 lgdt [ap_tramp_gdt_ptr - ap_trampoline_start]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	o32 jmp far [ap_tramp_pm32_ptr - ap_trampoline_start]

bits 32
.pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, (1 << 5) | (1 << 7)            ; CR4 = PAE | PGE, nothing else
	mov cr4, eax
	mov eax, [ebx + ap_tramp_params - ap_trampoline_start + 0]   ; trampoline CR3
	mov cr3, eax
	mov ecx, 0xc0000080
	rdmsr
	or eax, (1 << 8) | (1 << 11)            ; EFER.LME | NXE
	wrmsr
	mov eax, 0x80010033                     ; CR0 = PG | WP | NE | ET | MP | PE
	mov cr0, eax
	jmp far [ebx + ap_tramp_lm64_ptr - ap_trampoline_start]

bits 64
.lm64:
	mov ebx, ebx                            ; the base, with bits 63:32 surely zero
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rax, [rbx + ap_tramp_params - ap_trampoline_start + 8]   ; the hypervisor's CR3
	mov rsp, [rbx + ap_tramp_params - ap_trampoline_start + 16]  ; this CPU's stack
	mov rdi, [rbx + ap_tramp_params - ap_trampoline_start + 24]  ; its struct percpu
	mov rcx, [rbx + ap_tramp_params - ap_trampoline_start + 32]  ; ap_entry64
	jmp rcx

align 8
ap_tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff                   ; 0x08: 32-bit code
	dq 0x00cf92000000ffff                   ; 0x10: data
	dq 0x00af9a000000ffff                   ; 0x18: 64-bit code
ap_tramp_gdt_end:
ap_tramp_gdt_ptr:                           ; patched: base + offset of ap_tramp_gdt
	dw ap_tramp_gdt_end - ap_tramp_gdt - 1
	dd 0
align 8
ap_tramp_pm32_ptr:                          ; patched: far pointer to .pm32
	dd 0
	dw 0x08
align 8
ap_tramp_lm64_ptr:                          ; patched: far pointer to .lm64
	dd 0
	dw 0x18
align 8
ap_tramp_params:                            ; filled per AP by smp.c
	dq 0                                    ; +0  trampoline page table (below 4 GiB)
	dq 0                                    ; +8  hypervisor CR3
	dq 0                                    ; +16 stack top
	dq 0                                    ; +24 struct percpu *
	dq 0                                    ; +32 ap_entry64
ap_trampoline_end:

; Offsets smp.c needs to patch.
global AP_TRAMP_PM32_OFF, AP_TRAMP_LM64_OFF
AP_TRAMP_PM32_OFF equ ap_trampoline_start.pm32 - ap_trampoline_start
AP_TRAMP_LM64_OFF equ ap_trampoline_start.lm64 - ap_trampoline_start

section .text
bits 64
global ap_entry64
; RAX = the hypervisor's CR3, RSP = this CPU's stack, RDI = its struct percpu.
ap_entry64:
	mov cr3, rax
	xor ebp, ebp
	call ap_main
.hang:
	cli
	hlt
	jmp .hang

; tests/guests/mb/lib/isr.asm - Entry points for the 32 exception vectors:
; each pushes an error code (0 where the CPU pushes none) and its vector,
; then tk_trap (lib/idt.c) reports it. A test kernel that faults says so on
; COM1 and exits, instead of resetting the machine.
bits 32
section .text
extern tk_trap
global tk_isr_table

; Vectors with an error code pushed by the CPU (Intel SDM Vol. 3, 6.13).
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign v 0
%rep 32
isr %+ v:
%if HAS_ERR(v) == 0
	push dword 0
%endif
	push dword v
	jmp isr_common
%assign v v + 1
%endrep

isr_common:
	pushad                ; EDI ... EAX: the frame tk_trap reads (struct tk_trap_frame)
	push esp
	call tk_trap          ; does not return
.hang:	cli
	hlt
	jmp .hang

section .rodata
tk_isr_table:
%assign v 0
%rep 32
	dd isr %+ v
%assign v v + 1
%endrep

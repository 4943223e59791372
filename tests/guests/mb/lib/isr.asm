; tests/guests/mb/lib/isr.asm - Entry points for all 256 vectors: each
; pushes an error code (0 where the CPU pushes none) and its vector, saves
; the general registers and calls tk_trap (lib/idt.c) with the frame
; (struct tk_trap_frame in tk.h). If tk_trap returns (a handler the kernel
; registered dealt with it), the registers are restored and IRET resumes.
bits 32
section .text
extern tk_trap
global tk_isr_table

; Vectors with an error code pushed by the CPU (Intel SDM Vol. 3, 6.13).
; An external interrupt or INT n on one of them pushes none: a kernel that
; expects one there must not return from its handler.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign v 0
%rep 256
isr %+ v:
%if HAS_ERR(v) == 0
	push dword 0
%endif
	push dword v
	jmp isr_common
%assign v v + 1
%endrep

isr_common:
	pushad                ; EDI ... EAX
	cld
	push esp
	call tk_trap
	add esp, 4
	popad
	add esp, 8            ; vector and error code
	iretd

section .rodata
tk_isr_table:
%assign v 0
%rep 256
	dd isr %+ v
%assign v v + 1
%endrep

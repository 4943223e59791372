; arch/x86/traps.asm - One entry point per IDT vector, and the common path to C.
;
; C prototype of the target: void trap_handle(struct trap_frame *f);
; Each entry point makes the frame uniform: vectors where the CPU pushes no error
; code push a 0 (AMD APM Vol. 2, 8.2 lists which do: 8, 10-14, 17, 21, 29, 30).
%include "asm-offsets.inc"

extern trap_handle

section .text
bits 64

%macro TRAP_ENTRY 1
align 16
trap_entry_%1:
%if (%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30)
	push qword %1
%else
	push qword 0
	push qword %1
%endif
	jmp trap_common
%endmacro

%assign v 0
%rep 256
	TRAP_ENTRY v
%assign v v + 1
%endrep

trap_common:
	push rax
	push rcx
	push rdx
	push rbx
	push rbp
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; Keep the C call 16-byte aligned whatever depth the trap came in at.
	mov rbx, rsp
	and rsp, -16
	call trap_handle
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rbp
	pop rbx
	pop rdx
	pop rcx
	pop rax
	add rsp, 16                         ; vector, error code
	iretq

%if TRAP_FRAME_SIZE != 22 * 8
%error "struct trap_frame does not match the push order"
%endif

section .rodata
global trap_entry_table
align 8
trap_entry_table:
%assign v 0
%rep 256
	dq trap_entry_ %+ v
%assign v v + 1
%endrep

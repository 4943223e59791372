; tests/guests/mb/lib/entry.asm - The Multiboot v1 header and the first
; instructions of every test kernel: it records the CPU state the loader left
; (registers, flags, control and segment registers, descriptor-table
; registers) before it changes any of it, switches to its own stack, and
; calls tk_start (lib/tk.c). Layout of the record: struct tk_entry in tk.h.
bits 32

MB_MAGIC  equ 0x1BADB002
MB_FLAGS  equ 0x00000003      ; bit 0: modules page-aligned, bit 1: memory information
STACK_BYTES equ 16384

section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .bss nobits alloc noexec write align=16
stack:	resb STACK_BYTES
stack_top:

section .text
global _start
extern tk_entry, tk_start
_start:
	; Nothing here may touch the loader's stack or flags before they are
	; recorded: plain moves only.
	mov [tk_entry + 0], eax
	mov [tk_entry + 4], ebx
	mov [tk_entry + 8], ecx
	mov [tk_entry + 12], edx
	mov [tk_entry + 16], esi
	mov [tk_entry + 20], edi
	mov [tk_entry + 24], ebp
	mov [tk_entry + 28], esp
	mov esp, stack_top
	pushfd
	pop dword [tk_entry + 32]
	mov eax, cr0
	mov [tk_entry + 36], eax
	mov eax, cr2
	mov [tk_entry + 40], eax
	mov eax, cr3
	mov [tk_entry + 44], eax
	mov eax, cr4
	mov [tk_entry + 48], eax
	mov word [tk_entry + 52], cs
	mov word [tk_entry + 54], ds
	mov word [tk_entry + 56], es
	mov word [tk_entry + 58], fs
	mov word [tk_entry + 60], gs
	mov word [tk_entry + 62], ss
	sgdt [tk_entry + 64]          ; 2-byte limit, 4-byte base
	sidt [tk_entry + 70]
	str word [tk_entry + 76]
	sldt word [tk_entry + 78]
	cld
	call tk_start
.hang:	cli
	hlt
	jmp .hang

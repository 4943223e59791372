; tests/guests/mb/lib/ap_boot.asm - The application processors' first
; instructions: a real-mode trampoline that lib/tksmp.c copies to
; TK_AP_TRAMPOLINE (a page below 1 MiB; the start-up IPI's vector is its
; page number), so an AP woken by INIT-SIPI-SIPI starts at its first byte
; with CS = page << 8, IP = 0 (Intel SDM Vol. 3, 9.4.4.1). It loads a flat
; GDT of its own, enters 32-bit protected mode, takes the stack and the C
; entry the BSP wrote into its two slots, and calls the entry.
bits 16
TRAMPOLINE equ 0x10000          ; TK_AP_TRAMPOLINE in lib/tksmp.h

section .rodata
global tk_ap_trampoline, tk_ap_trampoline_end, tk_ap_stack_slot, tk_ap_entry_slot
%define LINEAR(label) (TRAMPOLINE + (label) - tk_ap_trampoline)

tk_ap_trampoline:
	cli
	cld
	mov ax, cs
	mov ds, ax
	o32 lgdt [gdtr - tk_ap_trampoline]
	mov eax, cr0
	or al, 1                    ; PE
	mov cr0, eax
	jmp dword 0x08:LINEAR(pm32)
bits 32
pm32:
	mov ax, 0x10                ; what C needs first; tk_ap_setup reloads them all
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov esp, [LINEAR(tk_ap_stack_slot)]
	mov eax, [LINEAR(tk_ap_entry_slot)]
	call eax
.hang:	cli
	hlt
	jmp .hang

align 8
gdt:	dq 0
	dq 0x00cf9a000000ffff       ; flat 32-bit code, selector 0x08
	dq 0x00cf92000000ffff       ; flat data, selector 0x10
gdtr:	dw 3 * 8 - 1
	dd LINEAR(gdt)
align 4
tk_ap_stack_slot:  dd 0
tk_ap_entry_slot:  dd 0
tk_ap_trampoline_end:

; boot/efi/trampoline.asm - hvboot.efi's way out of the firmware's long mode
; into the hypervisor's 32-bit Multiboot2 entry (docs/boot.md, "hvboot.efi").
;
; Position-independent: boot/efi/handoff.c copies hvboot_tramp_start ..
; hvboot_tramp_end to a page below 4 GiB that the firmware's page tables
; map one to one (UEFI spec 2.3.4: identity mapping in boot services), puts
; struct tramp_params (boot/efi/hvboot.h) after it, and jumps there after
; ExitBootServices with RDI = the parameters (physical, below 4 GiB).
; It loads its own GDT, far-returns into a 32-bit code segment
; (compatibility mode), turns paging off, which leaves long mode (AMD APM
; Vol. 2, 14.7 "Leaving Long Mode": CR0.PG cleared from compatibility
; mode, then EFER.LME). Only then, with the firmware's page tables no
; longer used (they may lie where hv.elf goes), it copies hv.elf's
; segments from the file to their places and zeroes the rest of each, and
; jumps to the entry in the state Multiboot2 spec "I386 machine
; state" asks for: EAX = 0x36d76289, EBX = the block, CS a 32-bit code
; segment and DS/ES/FS/GS/SS data segments with base 0 and limit 4 GiB,
; CR0.PG clear, CR0.PE set, interrupts off. Nothing after the far return
; uses the stack, which may lie in the range being written too.

MB2_BOOTLOADER_MAGIC equ 0x36d76289
MSR_EFER             equ 0xc0000080
EFER_LME             equ 1 << 8
CR0_PG               equ 1 << 31
CR4_PAE              equ 1 << 5
CR4_PCIDE            equ 1 << 17
CODE32_SEL           equ 0x08
DATA32_SEL           equ 0x10

; struct tramp_params and struct tramp_seg (offsets asserted in hvboot.h)
TP_INFO              equ 0
TP_ENTRY             equ 4
TP_NSEG              equ 8
TP_SEG               equ 16
TS_DST               equ 0
TS_SRC               equ 4
TS_FILESZ            equ 8
TS_MEMSZ             equ 12
TS_SIZE              equ 16

section .text
bits 64
global hvboot_tramp_start:function hidden
global hvboot_tramp_end:data hidden
hvboot_tramp_start:
	cli
	; GDTR (2-byte limit, 8-byte base) built on the stack for this copy.
	lea rax, [rel tramp_gdt]
	sub rsp, 16
	mov word [rsp + 6], tramp_gdt_end - tramp_gdt - 1
	mov [rsp + 8], rax
	lgdt [rsp + 6]
	; The CPU refuses (#GP) to clear CR0.PG while CR4.PCIDE is set.
	mov rax, cr4
	and rax, ~CR4_PCIDE
	mov cr4, rax
	; Far return into the 32-bit code segment: pops RIP, then CS.
	lea rax, [rel compat32]
	push CODE32_SEL
	push rax
	o64 retf

bits 32
compat32:
	mov ax, DATA32_SEL
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	; Paging off: the CPU leaves long mode (EFER.LMA clears). This code
	; runs at the same address with paging off (identity mapped).
	mov eax, cr0
	and eax, ~CR0_PG & 0xffffffff
	mov cr0, eax
	mov ecx, MSR_EFER
	rdmsr
	and eax, ~EFER_LME
	wrmsr
	; PAE off as well, as GRUB leaves it (the entry writes CR4 itself).
	mov eax, cr4
	and eax, ~CR4_PAE
	mov cr4, eax
	; The segments: [src, src + filesz) -> dst, then zeroes up to memsz.
	mov ebp, edi
	mov edx, [ebp + TP_NSEG]
	lea ebx, [ebp + TP_SEG]
	cld
.segment:
	test edx, edx
	jz .enter
	mov edi, [ebx + TS_DST]
	mov esi, [ebx + TS_SRC]
	mov ecx, [ebx + TS_FILESZ]
	rep movsb
	mov ecx, [ebx + TS_MEMSZ]
	sub ecx, [ebx + TS_FILESZ]
	xor eax, eax
	rep stosb
	add ebx, TS_SIZE
	dec edx
	jmp .segment
.enter:
	mov eax, MB2_BOOTLOADER_MAGIC
	mov ebx, [ebp + TP_INFO]
	jmp [ebp + TP_ENTRY]

align 8
tramp_gdt:
	dq 0                      ; null
	dq 0x00cf9a000000ffff     ; 0x08: code, 32-bit, base 0, limit 4 GiB, execute/read
	dq 0x00cf92000000ffff     ; 0x10: data, base 0, limit 4 GiB, read/write
tramp_gdt_end:
hvboot_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits

; boot/efi64/entry64.asm - The EFI amd64 entry: from GRUB's 64-bit hand-off to mb2_entry.
;
; GRUB x86_64-efi jumps here instead of mb2_entry when our Multiboot2 header
; has the EFI boot services tag and the EFI amd64 entry address tag
; (boot/entry.asm). Machine state (Multiboot2 spec 3.5 "EFI amd64 machine
; state with boot services enabled"; UEFI 2.10, 2.3.4 "x64 Platforms"):
; 64-bit mode on the firmware's page tables, which identity-map all memory;
; RSP on the firmware's stack (GRUB's relocator does not change it);
; boot services running; EAX = 0x36d76289, RBX = the info block.
;
; 1. The TSC, first: boot-time figures count from GRUB's jump, as on BIOS.
; 2. efi64_take_over() (boot/efi64/exit_bs.c): GetMemoryMap,
;    ExitBootServices, the new info block; interrupts are off after it.
; 3. Long mode is left the way AMD64 APM vol. 2, 14.7 "Leaving Long Mode"
;    gives: to compatibility mode by a far return to a 32-bit code segment,
;    paging off (CR0.PG), then EFER.LME off. CR4.PCIDE is cleared first,
;    while paging is still on, as clearing CR0.PG with it set faults.
; 4. mb2_entry (boot/entry.asm) with EAX = the magic and EBX = the new
;    block, as BIOS GRUB and hvboot.efi enter it: the rest is one path.

MB2_BOOTLOADER_MAGIC equ 0x36d76289
MSR_EFER             equ 0xc0000080
EFER_LME             equ 1 << 8
CR0_PG               equ 1 << 31
CR4_PCIDE            equ 1 << 17

extern efi64_take_over, efi64_entry_tsc
extern mb2_entry, early_gdt_ptr64

section .boot.text progbits alloc exec nowrite align=16
bits 64
global mb2_efi64_entry
mb2_efi64_entry:
	mov r12d, eax                       ; the magic (rdtsc overwrites EAX)
	rdtsc
	mov [rel efi64_entry_tsc], eax
	mov [rel efi64_entry_tsc + 4], edx
	cld
	; UEFI calls need RSP 16-byte aligned at each call (2.3.4.1); GRUB's
	; jump leaves it as its own call chain had it.
	and rsp, -16
	mov edi, r12d
	mov rsi, rbx
	call efi64_take_over                ; returns EAX = the new block; halts on failure
	mov ebx, eax

	; Our own stack and GDT from here: the firmware's stack may lie above
	; 4 GiB, out of reach once ESP is 32 bits wide.
	mov rsp, efi64_stack_top
	lgdt [rel early_gdt_ptr64]          ; boot/entry.asm's: 0x18 32-bit code, 0x10 data
	mov rax, cr4
	and rax, ~CR4_PCIDE
	mov cr4, rax
	push qword 0x18
	lea rax, [rel .compat]
	push rax
	o64 retf                            ; to 0x18:.compat, 32-bit code

bits 32
.compat:
	mov eax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, cr0
	and eax, ~CR0_PG
	mov cr0, eax                        ; now in legacy protected mode, paging off
	mov ecx, MSR_EFER
	rdmsr
	and eax, ~EFER_LME
	wrmsr
	mov eax, MB2_BOOTLOADER_MAGIC
	jmp mb2_entry

section .boot.bss nobits alloc noexec write align=16
efi64_stack:     resb 256
efi64_stack_top:

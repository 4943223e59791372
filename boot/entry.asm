; boot/entry.asm - Multiboot2 header and the 32-bit entry that reaches long mode.
;
; GRUB i386-pc and hvboot.efi jump to mb2_entry in 32-bit protected mode with
; paging off, EAX = 0x36d76289 and EBX = physical address of the boot
; information (Multiboot2 spec 3.3 "I386 machine state"); GRUB x86_64-efi
; enters mb2_efi64_entry (boot/efi64/entry64.asm), which exits boot services
; and comes here in that same state. We check the CPU can
; run us, build early page tables, turn on long mode with NX and write-protect,
; and call hv_main(magic, info_pa) in the higher half. The early tables map the
; first 4 GiB three times, all with 2 MiB pages:
;   0x0000000000000000  identity (only until mm/vmem.c switches CR3)
;   0xffff800000000000  the direct map (mm/phys.h DIRECT_MAP_BASE)
;   0xffffffff80000000  the image (linker.ld KERNEL_VMA), first 2 GiB only

MB2_HEADER_MAGIC    equ 0xe85250d6
MB2_ARCH_I386       equ 0
KERNEL_VMA          equ 0xffffffff80000000

PTE_P               equ 1 << 0
PTE_W               equ 1 << 1
PTE_PS              equ 1 << 7

COM1                equ 0x3f8

CR0_PE              equ 1 << 0
CR0_MP              equ 1 << 1
CR0_ET              equ 1 << 4
CR0_NE              equ 1 << 5
CR0_WP              equ 1 << 16
CR0_PG              equ 1 << 31
CR4_PAE             equ 1 << 5
CR4_PGE             equ 1 << 7

extern mb2_efi64_entry

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; Information request (type 1), optional (flags bit 0): a loader that cannot
	; give one of these still boots us; hv_main copes with absent tags.
	align 8
.info_req:
	dw 1, 1
	dd .info_req_end - .info_req
	dd 1            ; command line
	dd 2            ; boot loader name
	dd 3            ; modules
	dd 6            ; memory map
	dd 8            ; framebuffer info
	dd 14           ; ACPI 1.0 RSDP
	dd 15           ; ACPI 2.0+ RSDP
	dd 17           ; EFI memory map
	dd 21           ; image load base
.info_req_end:
	; Module alignment (type 6): modules start on page boundaries, so guests
	; loaded from them can be mapped without copying.
	align 8
	dw 6, 0
	dd 8
	; EFI boot services (type 7) and EFI amd64 entry address (type 9), both
	; optional (Multiboot2 spec 3.1.12, 3.1.8): GRUB x86_64-efi then keeps
	; boot services running and jumps to mb2_efi64_entry in 64-bit mode
	; (spec 3.5), which exits them itself with the final memory map
	; (boot/efi64/). GRUB i386-pc, and a loader that knows neither tag,
	; ignore both and enter mb2_entry below, as before.
	align 8
	dw 7, 1
	dd 8
	align 8
	dw 9, 1
	dd 12
	dd mb2_efi64_entry              ; physical: .boot.text is linked there
	; End tag.
	align 8
	dw 0, 0
	dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite align=16
bits 32
global mb2_entry
mb2_entry:
	mov [mb2_saved_magic], eax
	mov [mb2_saved_info], ebx
	; The TSC next: boot-time figures (and make bench's "hand-off to first
	; VMRUN") count from the instruction GRUB jumped to.
	rdtsc
	mov [mb2_saved_tsc], eax
	mov [mb2_saved_tsc + 4], edx
	cli
	cld
	mov esp, boot_stack32_top

	; Long mode (CPUID 8000_0001h EDX[29]) and NX (EDX[20]) are required; say so
	; on COM1 rather than triple-faulting on an old CPU.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	test edx, 1 << 20
	jz .no_nx

	; Zero the early tables (GRUB zeroes NOLOAD space, but do not rely on it).
	mov edi, early_pml4
	mov ecx, (early_tables_end - early_pml4) / 4
	xor eax, eax
	rep stosd

	; PML4[0] and PML4[256] -> the low PDPT; PML4[511] -> the high PDPT.
	mov eax, early_pdpt_low + (PTE_P | PTE_W)
	mov [early_pml4 + 0 * 8], eax
	mov [early_pml4 + 256 * 8], eax
	mov eax, early_pdpt_high + (PTE_P | PTE_W)
	mov [early_pml4 + 511 * 8], eax

	; Low PDPT[0..3] -> PD0..PD3 (4 GiB); high PDPT[510..511] -> PD0..PD1.
	mov eax, early_pd + (PTE_P | PTE_W)
	mov [early_pdpt_low + 0 * 8], eax
	mov [early_pdpt_high + 510 * 8], eax
	add eax, 4096
	mov [early_pdpt_low + 1 * 8], eax
	mov [early_pdpt_high + 511 * 8], eax
	add eax, 4096
	mov [early_pdpt_low + 2 * 8], eax
	add eax, 4096
	mov [early_pdpt_low + 3 * 8], eax

	; 2048 PD entries of 2 MiB pages cover 0-4 GiB; the upper dword of each
	; entry stays zero because every address is below 4 GiB.
	mov edi, early_pd
	mov eax, PTE_P | PTE_W | PTE_PS
	mov ecx, 2048
.fill_pd:
	mov [edi], eax
	add eax, 0x200000
	add edi, 8
	loop .fill_pd

	; CR4 and CR0 get exact values, not the firmware's leftovers OR-ed with
	; ours: a CR4.LA57 left set by 5-level-paging firmware would make the CPU
	; walk early_pml4 as a PML5, a leftover CET or CR0.CD/NW would break or
	; slow everything after. GRUB's UEFI path clears only PG, PAE and LME.
	mov eax, early_pml4
	mov cr3, eax
	mov eax, CR4_PAE | CR4_PGE
	mov cr4, eax
	mov ecx, 0xc0000080                 ; EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11)        ; LME, NXE
	wrmsr
	mov eax, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG
	mov cr0, eax

	lgdt [early_gdt_ptr]
	jmp 0x08:.long_mode

.no_long_mode:
	mov esi, msg_no_long_mode
	jmp early_fail
.no_nx:
	mov esi, msg_no_nx
	jmp early_fail

bits 64
.long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_entry
	jmp rax

bits 32
; Prints the NUL-terminated string at ESI on COM1 and halts. GRUB has set the
; UART up (115200 8N1) when its serial console is on; on a machine without
; COM1 the bounded wait below just drops the bytes.
early_fail:
.next_char:
	lodsb
	test al, al
	jz .halt
	mov bl, al
	mov ecx, 100000
.wait_thre:
	mov dx, COM1 + 5
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait_thre
.send:
	mov al, bl
	mov dx, COM1
	out dx, al
	jmp .next_char
.halt:
	cli
	hlt
	jmp .halt

section .boot.data progbits alloc noexec write align=16
msg_no_long_mode: db "hv: this CPU cannot run 64-bit code (no long mode); the hypervisor needs an x86-64 CPU with AMD-V", 13, 10, 0
msg_no_nx:        db "hv: this CPU lacks the NX bit (CPUID 8000_0001h EDX[20]); cannot start", 13, 10, 0

align 16
early_gdt:
	dq 0
	dq 0x00af9a000000ffff               ; 0x08: 64-bit code, DPL 0
	dq 0x00cf92000000ffff               ; 0x10: data, DPL 0
	dq 0x00cf9a000000ffff               ; 0x18: 32-bit code, DPL 0 (the EFI amd64 entry's way down)
early_gdt_end:
early_gdt_ptr:
	dw early_gdt_end - early_gdt - 1
	dd early_gdt
; The same table for lgdt in 64-bit mode, which reads a 64-bit base
; (boot/efi64/entry64.asm).
global early_gdt_ptr64
align 8
early_gdt_ptr64:
	dw early_gdt_end - early_gdt - 1
	dq early_gdt

global mb2_saved_magic, mb2_saved_info, mb2_saved_tsc
align 8
mb2_saved_tsc:   dq 0
mb2_saved_magic: dd 0
mb2_saved_info:  dd 0

section .boot.bss nobits alloc noexec write align=4096
early_pml4:      resb 4096
early_pdpt_low:  resb 4096
early_pdpt_high: resb 4096
early_pd:        resb 4 * 4096
early_tables_end:
boot_stack32:    resb 1024
boot_stack32_top:

; The boot CPU's stack, below it a guard page that mm/vmem.c leaves unmapped
; so an overflow faults (#PF, then #DF on its IST stack) instead of corrupting .bss.
section .bss.stack nobits alloc noexec write align=4096
global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:  resb 4096
boot_stack_bottom: resb 32768
boot_stack_top:

section .text
bits 64
extern hv_main
extern __bss_start, __bss_end
higher_half_entry:
	mov rsp, boot_stack_top
	xor ebp, ebp
	; Zero .bss (includes the stack we are on: nothing is on it yet).
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	shr rcx, 3
	xor eax, eax
	rep stosq
	mov edi, [abs mb2_saved_magic]
	mov esi, [abs mb2_saved_info]
	call hv_main
.hang:
	cli
	hlt
	jmp .hang

; pm_paging.asm - protected mode with the guest's own GDT and page tables.
; Tests: LGDT + reloading every segment register (needs the guest's GDT, not
; the hypervisor's, to be used), CR3/CR4/CR0.PG writes, 32-bit (non-PAE)
; paging with 4 KiB pages, and a second virtual mapping (an alias) of one
; physical page: 0x40000000 -> the data page in this image.
; mode=protected, org/load/entry 0x100000, mem >= 8 MiB (tables at 2 MiB).
; Exit code 3; on any mismatch "FAIL ..." and exit code 1.
; Console:
;   pm_paging: protected mode, own GDT, 32-bit paging with 4 KiB pages
;   own GDT loaded, segments reloaded
;   paging on
;   alias reads: hello via virtual 0x40000000

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

; Tables live in free RAM above the image, inside the identity-mapped 4 MiB.
PD              equ 0x200000
PT_LOW          equ 0x201000        ; identity map of [0, 4 MiB)
PT_ALIAS        equ 0x202000        ; the one page at ALIAS_VA
ALIAS_VA        equ 0x40000000      ; far outside RAM: only the alias can work
PG_P_RW         equ 0x3
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MARK            equ 0x600DF00D

start:
        PRINTLN "pm_paging: protected mode, own GDT, 32-bit paging with 4 KiB pages"
        lgdt [gdt_desc]
        jmp 0x08:.reload_cs
.reload_cs:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        PRINTLN "own GDT loaded, segments reloaded"

        ; RAM starts zeroed, but clear the tables anyway: stale entries would
        ; map pages we never meant to.
        cld
        mov edi, PD
        mov ecx, 3 * 1024
        xor eax, eax
        rep stosd

        mov edi, PT_LOW
        mov eax, PG_P_RW
.identity:
        stosd
        add eax, 4096
        cmp edi, PT_LOW + 4096
        jb .identity
        mov dword [PD], PT_LOW + PG_P_RW
        mov dword [PD + (ALIAS_VA >> 22) * 4], PT_ALIAS + PG_P_RW
        mov dword [PT_ALIAS + ((ALIAS_VA >> 12) & 1023) * 4], data_page + PG_P_RW

        ; With CR4.PAE set, CR0.PG would mean PAE paging and these tables
        ; would be misread; the hypervisor gives no promise about CR4.
        mov eax, cr4
        and eax, ~CR4_PAE
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, CR0_PG
        mov cr0, eax

        ; From here every access goes through our tables.
        mov eax, cr0
        test eax, CR0_PG
        jnz .paging_on
        PRINTLN "FAIL CR0.PG reads back clear"
        EXIT 1
.paging_on:
        mov eax, cr3
        cmp eax, PD
        je .cr3_ok
        PRINTLN "FAIL CR3 does not read back"
        EXIT 1
.cr3_ok:
        PRINTLN "paging on"

        mov esi, ALIAS_VA
        mov edi, data_page
        mov ecx, data_len
        repe cmpsb
        je .alias_reads
        PRINTLN "FAIL alias does not read the data page"
        EXIT 1
.alias_reads:
        PRINT "alias reads: "
        PUTS ALIAS_VA
        NEWLINE

        ; The other direction: a store through the alias must land in the
        ; same physical page that the identity map shows.
        mov dword [ALIAS_VA + (data_slot - data_page)], MARK
        cmp dword [data_slot], MARK
        je .alias_writes
        PRINTLN "FAIL store through the alias did not reach the data page"
        EXIT 1
.alias_writes:
        EXIT 3

; The data page ends .text, which starts at org, so `align` is absolute.
        align 4096, db 0
data_page:
        db "hello via virtual 0x40000000", 0
data_len equ $ - data_page
        align 4, db 0
data_slot:
        dd 0

section .data
gdt:
        dq 0
        dq 0x00CF9A000000FFFF           ; 0x08: flat 32-bit code
        dq 0x00CF92000000FFFF           ; 0x10: flat data
gdt_desc:
        dw $ - gdt - 1
        dd gdt

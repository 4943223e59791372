; lm_paging.asm - long mode on the guest's own 4-level page tables.
; Tests: replacing the hypervisor-built tables (CR3 write in long mode),
; 4-level paging with 4 KiB pages, an alias at a high canonical address
; (0x00007f0000000000 -> the data page in this image, PML4 slot 254), and
; the hypercall path: HC_ABI_VERSION, then HC_EXIT to end the VM.
; mode=long, org/load/entry 0x100000, mem >= 8 MiB (tables at 2 MiB).
; Exit code 4, through HC_EXIT (RBX = 4); on a mismatch "FAIL ..." and exit
; code 1 through port 0xF4.
; Console:
;   lm_paging: long mode, own 4-level page tables with 4 KiB pages
;   own page tables loaded
;   alias reads: hello via virtual 0x00007f0000000000
;   abi 0x00010001
;   calling HC_EXIT with code 4

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

; Eight table pages in free RAM above the image, inside the 4 MiB we map.
PML4            equ 0x200000
PDPT_LOW        equ 0x201000
PD_LOW          equ 0x202000
PT_LOW          equ 0x203000        ; two pages: [0, 2 MiB) and [2, 4 MiB)
PDPT_ALIAS      equ 0x205000
PD_ALIAS        equ 0x206000
PT_ALIAS        equ 0x207000
TABLE_PAGES     equ 8
ALIAS_VA        equ 0x00007f0000000000
PG_P_RW         equ 0x3
MARK            equ 0x600DF00D

start:
        PRINTLN "lm_paging: long mode, own 4-level page tables with 4 KiB pages"

        cld
        mov edi, PML4
        mov ecx, TABLE_PAGES * 512
        xor eax, eax
        rep stosq

        ; Identity map [0, 4 MiB): 1024 consecutive PTEs over the two PT pages.
        mov edi, PT_LOW
        mov eax, PG_P_RW
.identity:
        stosq
        add rax, 4096
        cmp edi, PT_LOW + 2 * 4096
        jb .identity
        mov qword [abs PML4], PDPT_LOW + PG_P_RW
        mov qword [abs PDPT_LOW], PD_LOW + PG_P_RW
        mov qword [abs PD_LOW], PT_LOW + PG_P_RW
        mov qword [abs PD_LOW + 8], PT_LOW + 4096 + PG_P_RW

        ; The alias: its own PDPT, PD and PT, one entry each.
        mov qword [abs PML4 + ((ALIAS_VA >> 39) & 511) * 8], PDPT_ALIAS + PG_P_RW
        mov qword [abs PDPT_ALIAS + ((ALIAS_VA >> 30) & 511) * 8], PD_ALIAS + PG_P_RW
        mov qword [abs PD_ALIAS + ((ALIAS_VA >> 21) & 511) * 8], PT_ALIAS + PG_P_RW
        lea rax, [data_page + PG_P_RW]
        mov [abs PT_ALIAS + ((ALIAS_VA >> 12) & 511) * 8], rax

        ; Code, stack and tables are identity-mapped in both the old and the
        ; new tables, so execution just carries on.
        mov eax, PML4
        mov cr3, rax
        mov rax, cr3
        cmp rax, PML4
        je .loaded
        PRINTLN "FAIL CR3 does not read back"
        EXIT 1
.loaded:
        PRINTLN "own page tables loaded"

        ; ALIAS_VA is not mapped at all by the hypervisor's tables (they end
        ; at 4 GiB), so a match proves our tables are the ones in use.
        mov rsi, ALIAS_VA
        lea rdi, [data_page]
        mov ecx, data_len
        repe cmpsb
        je .alias_reads
        PRINTLN "FAIL alias does not read the data page"
        EXIT 1
.alias_reads:
        PRINT "alias reads: "
        mov rax, ALIAS_VA
        PUTS rax
        NEWLINE

        mov rax, ALIAS_VA + (data_slot - data_page)
        mov dword [rax], MARK
        cmp dword [data_slot], MARK
        je .alias_writes
        PRINTLN "FAIL store through the alias did not reach the data page"
        EXIT 1
.alias_writes:

        ; Dirty the upper half of RAX and RBX: in 64-bit mode the hypervisor
        ; must read all 64 bits, so a number with junk above bit 31 would be
        ; an unknown hypercall. mov eax/ebx clears the upper halves.
        mov rax, -1
        mov rbx, -1
        HYPERCALL HC_ABI_VERSION
        PRINT "abi 0x"
        PUTHEX32 eax
        NEWLINE
        mov rcx, HC_ABI_VERSION_VALUE
        cmp rax, rcx
        je .abi_ok
        PRINTLN "FAIL unexpected HC_ABI_VERSION result"
        EXIT 1
.abi_ok:
        PRINTLN "calling HC_EXIT with code 4"
        HYPERCALL HC_EXIT, 4
        PRINTLN "FAIL HC_EXIT returned"
        EXIT 1

; The data page ends .text, which starts at org, so `align` is absolute.
        align 4096, db 0
data_page:
        db "hello via virtual 0x00007f0000000000", 0
data_len equ $ - data_page
        align 4, db 0
data_slot:
        dd 0

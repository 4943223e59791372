; himem.asm - a guest with more than 3 GiB of RAM (mem=3136M): its RAM is
; split around the 3-4 GiB hole, as on QEMU's pc machine: [0, 3G) and
; [4G, 4G + 64M). The hypervisor's identity map covers only the first
; 4 GiB, so the guest maps 4-5 GiB itself (its page tables lie at the top of
; the RAM below 3 GiB, inside that map), then writes and reads back RAM on
; both sides of the hole, then reads the hole itself, which stops it.
; mode=long, org/load/entry 0x100000, mem=3136M.
; Console:
;   ok RAM below 3 GiB    ok RAM above 4 GiB    ok top of RAM above 4 GiB
;   reading the hole at 0xe0000000
; and then the VM stops: "error: read of guest-physical 0xe0000000, outside its RAM".

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

LOW_TOP     equ 0xC0000000           ; 3 GiB
TABLES      equ LOW_TOP - 24 * 1024  ; PML4, PDPT, 4 PDs (the hypervisor's)
PDPT        equ TABLES + 0x1000
NEW_PD      equ 0x300000             ; our PD for 4-5 GiB
HIGH        equ 0x100000000
HIGH_SIZE   equ 64 << 20
HOLE        equ 0xE0000000
PATTERN     equ 0x5a5aa5a5c3c33c3c

start:
        PRINTLN "himem: RAM below 3 GiB and above 4 GiB, then the hole"
        ; PD for 4-5 GiB: 512 x 2 MiB, present, writable, PS
        mov rdi, NEW_PD
        mov rax, HIGH | 0x83
        mov ecx, 512
.pd:    mov [rdi], rax
        add rdi, 8
        add rax, 2 << 20
        loop .pd
        mov rax, NEW_PD | 3
        mov rbx, PDPT               ; above 2 GiB: no disp32 reaches it
        mov [rbx + 4 * 8], rax
        mov rax, cr3
        mov cr3, rax

        mov rax, PATTERN
        mov rbx, TABLES - 8
        call roundtrip
        REPORT e, "RAM below 3 GiB"
        mov rbx, HIGH
        call roundtrip
        REPORT e, "RAM above 4 GiB"
        mov rbx, HIGH + HIGH_SIZE - 8
        call roundtrip
        REPORT e, "top of RAM above 4 GiB"
        cmp dword [g_fail_count], 0
        jne .failed
        PRINTLN "reading the hole at 0xe0000000"
        mov rbx, HOLE
        mov rax, [rbx]
        PRINTLN "FAIL the hole read as RAM"
.failed:
        EXIT 1

; Writes RAX at [RBX], reads it back: ZF set when it matches.
roundtrip:
        mov [rbx], rax
        mov rdx, [rbx]
        cmp rdx, rax
        ret

; strio_edges.asm - INS/OUTS at page and RAM edges, in long mode with the
; guest's own 4 KiB pages (the hypervisor emulates every element with the
; processor's page-walk rules). It maps, in 2-4 MiB:
;   0x200000 present, writable        0x201000 not present
;   0x202000 present, read-only       0x203000 present, but at a guest-
;                                     physical address outside its RAM
; with CR0.WP set, and catches #PF itself (recording CR2 and the error code,
; then stepping over the 2-byte REP INS/OUTS). Checks:
;   REP OUTSB of 16 bytes from 0x200ff8: 8 go out, then #PF CR2 0x201000,
;     error 0 (not present, read, supervisor), RCX 8 left, RSI at 0x201000;
;   REP INSB of 4 bytes to 0x202000: #PF CR2 0x202000, error 3 (present, write);
;   then OUTSB from 0x203000: the buffer is outside RAM, the VM stops.
; mode=long, org/load/entry 0x100000, mem=4M.
; Console: one line per observation, "ok ..." per check, then
;   "reading a buffer outside RAM" and the stop line
;   "error: string I/O at RIP ...: its buffer at 0x203000 (guest-physical 0x7fff0000) is outside its RAM".

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

PD0     equ 0x400000 - 24 * 1024 + 2 * 0x1000   ; the hypervisor's first PD
PT      equ 0x380000
PORT    equ 0x80                                 ; unclaimed: reads all ones, writes dropped

start:
        PRINTLN "strio_edges: INS/OUTS at page and RAM edges, long mode, 4 KiB pages"
        call lm_setup_traps
        ; our #PF handler in the IDT guest.inc built (vector 14)
        lea rax, [pf_handler]
        mov rdi, lm_idt + 14 * 16
        LM_WRITE_GATE
        ; a page table for 2-4 MiB: identity, but for the test pages
        mov rdi, PT
        mov rax, 0x200000 | 3
        mov ecx, 512
.pt:    mov [rdi], rax
        add rdi, 8
        add rax, 0x1000
        loop .pt
        mov rdi, PT
        mov qword [rdi + 1 * 8], 0                   ; 0x201000: not present
        mov qword [rdi + 2 * 8], 0x202000 | 1        ; 0x202000: read-only
        mov rax, 0x7fff0000 | 3
        mov [rdi + 3 * 8], rax                       ; 0x203000: outside RAM
        mov rax, PT | 3
        mov rdi, PD0
        mov [rdi + 1 * 8], rax
        mov rax, cr0
        bts rax, 16                                  ; WP: supervisor writes obey R/W
        mov cr0, rax
        mov rax, cr3
        mov cr3, rax

        ; REP OUTSB across into the missing page
        mov byte [pf_seen], 0
        mov rsi, 0x200ff8
        mov ecx, 16
        mov dx, PORT
        rep outsb
        call report_pf
        cmp byte [pf_seen], 1
        jne .f1
        cmp qword [pf_cr2], 0x201000
        jne .f1
        cmp qword [pf_err], 0
        jne .f1
        cmp rcx, 8
        jne .f1
        cmp rsi, 0x201000
.f1:    REPORT e, "REP OUTSB into a missing page: #PF at its first byte, error 0, 8 left"

        ; REP INSB to the read-only page
        mov byte [pf_seen], 0
        mov rdi, 0x202000
        mov ecx, 4
        mov dx, PORT
        rep insb
        call report_pf
        cmp byte [pf_seen], 1
        jne .f2
        cmp qword [pf_cr2], 0x202000
        jne .f2
        cmp qword [pf_err], 3
        jne .f2
        cmp rcx, 4
.f2:    REPORT e, "REP INSB to a read-only page (CR0.WP): #PF error 3, nothing done"

        cmp dword [g_fail_count], 0
        jne .failed
        PRINTLN "reading a buffer outside RAM"
        mov rsi, 0x203000
        mov dx, PORT
        outsb
        PRINTLN "FAIL OUTSB from outside RAM went on"
.failed:
        EXIT 1

report_pf:
        PRINT "#PF x"
        movzx eax, byte [pf_seen]
        PUTDEC eax
        PRINT " cr2 0x"
        mov rax, [pf_cr2]
        call guest_puthex64
        PRINT " error 0x"
        mov rax, [pf_err]
        call guest_puthex32
        PRINT " rcx "
        PUTDEC ecx
        NEWLINE
        ret

; #PF: the CPU pushed the error code; record it and CR2, step over the
; 2-byte REP INS/OUTS (so the check sees the registers as the fault left them).
pf_handler:
        push rax
        mov rax, [rsp + 8]
        mov [pf_err], rax
        mov rax, cr2
        mov [pf_cr2], rax
        inc byte [pf_seen]
        add qword [rsp + 16], 2     ; RIP
        pop rax
        add rsp, 8                  ; the error code
        iretq

        section .data
        align 8
pf_err:  dq 0
pf_cr2:  dq 0
pf_seen: db 0

; strio.asm - string I/O (INS/OUTS) as the hypervisor emulates it.
; Tests: OUTSB with and without REP, a segment override, the 0x67
; address-size prefix, DF=1 (backwards), and REP INSB from an unclaimed port
; (all ones). Without decode assists the hypervisor must take the address size
; and segment from the instruction bytes, not from EXITINFO1.
; mode=real, org/load/entry 0x7c00, mem >= 1M. Exit code 0 when all pass, 1 otherwise.
; Console:
;   strio: real mode, INS/OUTS
;   A                        (a single OUTSB)
;   BCDEFGH                  (REP OUTSB from DS:SI)
;   es override              (REP ES OUTSB, ES:SI with ES != DS)
;   a32 ok                   (REP OUTSB with the 0x67 prefix, from DS:ESI)
;   backwards                (STD; REP OUTSB from the end of the string)
;   ok rep insb read 0xff x4
;   all checks passed

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

UART    equ 0x3f8

start:
        PRINTLN "strio: real mode, INS/OUTS"
        cld
        mov dx, UART

        mov si, one
        outsb                           ; "A"
        mov al, 10
        out dx, al

        mov si, many
        mov cx, many_len
        rep outsb                       ; "BCDEFGH\n"

        ; ES:SI with ES = 0x0100 (base 0x1000): copy the text there first.
        mov ax, 0x0100
        mov es, ax
        xor di, di
        mov si, esmsg
        mov cx, esmsg_len
.copy:  mov al, [si]
        mov [es:di], al
        inc si
        inc di
        loop .copy
        xor si, si
        mov cx, esmsg_len
        rep es outsb                    ; "es override\n" from 0x1000

        mov esi, a32msg                 ; 32-bit address size: ESI, ECX
        mov ecx, a32msg_len
        a32 rep outsb

        ; Backwards: DF=1, SI at the last byte of "sdrawkcab".
        std
        mov si, rev + rev_len - 1
        mov cx, rev_len
        rep outsb
        cld
        mov al, 10
        out dx, al

        ; REP INSB from an unclaimed port: four 0xff bytes at ES:DI.
        xor ax, ax
        mov es, ax
        mov di, buf
        mov cx, 4
        mov dx, 0x1234
        rep insb
        cmp dword [buf], 0xffffffff
        jne .fail
        cmp di, buf + 4                 ; DI advanced by 4, CX counted down
        jne .fail
        test cx, cx
        jnz .fail
        PRINTLN "ok rep insb read 0xff x4"
        PRINTLN "all checks passed"
        EXIT 0
.fail:
        PRINTLN "FAIL rep insb"
        EXIT 1

one:    db "A"
many:   db "BCDEFGH", 10
many_len equ $ - many
esmsg:  db "es override", 10
esmsg_len equ $ - esmsg
a32msg: db "a32 ok", 10
a32msg_len equ $ - a32msg
rev:    db "sdrawkcab"
rev_len equ $ - rev
        align 4
buf:    dd 0

; busy.asm - a guest that only computes: it never halts and never exits, and
; prints "busy N" every 2^26 rounds of a counting loop (a few a second under
; QEMU TCG). For the shell tests: pausing, resetting and stopping a VM that
; is always in guest mode on another CPU needs the kick (an IPI) to get it
; out, and the VMs sharing its core must not starve.
; mode=protected, org/load/entry 0x100000, mem >= 2 MiB.
; Console:
;   busy: counting
;   busy 1
;   busy 2 ...

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

ROUNDS  equ 1 << 26

start:
        PRINTLN "busy: counting"
        xor ebx, ebx
.line:  mov ecx, ROUNDS
.count: dec ecx
        jnz .count
        inc ebx
        PRINT "busy "
        PUTDEC ebx
        NEWLINE
        jmp .line

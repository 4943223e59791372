; sleeper.asm - HLT with IF=1 and nothing armed: a vCPU that waits for
; input and for nothing else. Without input it must stay halted for good:
; one HLT exit, and its CPU idle (nothing polls a halted vCPU). Each byte
; typed to it wakes it once ("sleeper: woke"), and it halts again.
; mode=protected, org/load/entry 0x100000, mem >= 2 MiB.
; Console:
;   sleeper: halting with IF=1 and no timer
;   sleeper: woke                (only when input came)

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

UART_RBR        equ 0x3F8
UART_LSR_DR     equ 0x01

start:
        PRINTLN "sleeper: halting with IF=1 and no timer"
.again: sti
        hlt
        cli
        PRINTLN "sleeper: woke"
        ; Take what came: input still in the FIFO would end the next HLT too.
        mov ecx, 64
.drain: mov dx, UART_LSR
        in al, dx
        test al, UART_LSR_DR
        jz .again
        mov dx, UART_RBR
        in al, dx
        loop .drain
        jmp .again

; trickle.asm - a well-behaved guest that prints a line about every 20 ms
; (by its TSC: 50 million ticks) for about a second, then says how long it
; took and exits. Tests: while another VM floods the console (flood.asm)
; it still takes about that long (the console's backlog is the flooder's
; to wait for), and every line arrives whole and in order.
; mode=real, org/load/entry 0x7c00, any mem. Exit code 0.
; Console:
;   trickle line 1 of 40
;   ...
;   trickle line 40 of 40
;   trickle: done in N Mi TSC ticks     (N = ticks / 2^20, about 1907 + printing)

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

LINES   equ 40
GAP     equ 50000000            ; TSC ticks between lines

start:
        rdtsc
        mov [t0], eax
        mov [t0 + 4], edx
        mov dword [n], 1
.next:  PRINT "trickle line "
        PUTDEC [n]
        PRINT " of 40"
        NEWLINE
        rdtsc
        add eax, GAP
        adc edx, 0
        mov [until], eax
        mov [until + 4], edx
.wait:  rdtsc                   ; EDX:EAX below until: wait on
        cmp edx, [until + 4]
        jb .wait
        ja .done
        cmp eax, [until]
        jb .wait
.done:  inc dword [n]
        cmp dword [n], LINES
        jbe .next
        rdtsc
        sub eax, [t0]
        sbb edx, [t0 + 4]
        shrd eax, edx, 20
        PRINT "trickle: done in "
        PUTDEC eax
        PRINTLN " Mi TSC ticks"
        EXIT 0

        align 4
n:      dd 0
until:  dd 0, 0
t0:     dd 0, 0

; hello_real.asm - the smallest guest: real mode, three console lines, exit.
; Tests: real-mode entry state, UART output (LSR polling + THR writes), line
; splitting on the console, and the debug-exit port.
; mode=real, org/load/entry 0x7c00, any mem (>= 64 KiB). Exit code 42.
; Console:
;   hello from real mode
;   line 2 of 3
;   line 3 of 3

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        PRINTLN "hello from real mode"
        PRINTLN "line 2 of 3"
        PRINTLN "line 3 of 3"
        EXIT 42

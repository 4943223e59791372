; chatty_pm.asm - a well-behaved protected-mode guest that only talks.
; Runs alongside hostile.asm: whatever hostile does, this guest's 21 lines
; must all arrive, whole and in order, and it must end with exit code 0.
; mode=protected, org/load/entry 0x100000, mem >= 2 MiB. Exit code 0.
; Console:
;   chatty_pm: well-behaved protected-mode guest, 20 lines
;   line 1
;   ...            (one line per number)
;   line 20

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

LINES   equ 20

start:
        PRINTLN "chatty_pm: well-behaved protected-mode guest, 20 lines"
        ; The number is printed by code, not stored as text, so a register
        ; or stack corrupted by a neighbour would show up as a wrong line.
        mov ebx, 1
.line:  PRINT "line "
        PUTDEC ebx
        NEWLINE
        inc ebx
        cmp ebx, LINES
        jbe .line
        EXIT 0

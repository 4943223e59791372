; compute.asm - a compute-bound guest for the scheduler's fairness test.
; 40 equal slices of pure computation (no exits), a console line after each.
; Several copies pinned to one CPU must advance at about the same rate.
; mode=real, org/load/entry 0x7c00, any mem. Exit code 0.
; Console:
;   cp 1 ... cp 40

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

CHECKPOINTS equ 40
WORK        equ 8000000             ; loop iterations per checkpoint (~ two 10 ms quanta under TCG)

start:
        mov dword [cp], 1
.next:
        mov ecx, WORK
.work:  dec ecx
        jnz .work
        PRINT "cp "
        PUTDEC [cp]
        NEWLINE
        inc dword [cp]
        cmp dword [cp], CHECKPOINTS
        jbe .next
        EXIT 0

        align 4
cp:     dd 0

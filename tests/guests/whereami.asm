; whereami.asm - reports, line after line, the physical CPU it runs on.
; Tests: cpu= pinning and VMs running at the same time on several CPUs
; (their lines interleave on the console), and HC_CPU_ID.
; mode=real, org/load/entry 0x7c00, any mem. Exit code = the CPU number.
; Console (N = HC_CPU_ID):
;   on cpu N, line 1 of 8
;   ...
;   on cpu N, line 8 of 8

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

LINES   equ 8

start:
        HYPERCALL HC_CPU_ID
        mov [my_cpu], eax
        mov dword [line], 1
.next:
        PRINT "on cpu "
        PUTDEC [my_cpu]
        PRINT ", line "
        PUTDEC [line]
        PRINT " of 8"
        NEWLINE
        ; A pause between lines (pure computation, no exits), so that guests
        ; on other CPUs get lines in between.
        mov ecx, 200000
.spin:  dec ecx
        jnz .spin
        inc dword [line]
        cmp dword [line], LINES
        jbe .next
        mov al, [my_cpu]
        out DEBUG_EXIT_PORT, al
        hlt

        align 4
my_cpu: dd 0
line:   dd 0

; spin.asm - a guest that takes the CPU and never gives it back: interrupts
; off, then an endless loop with no exits at all. The hypervisor must still
; get its core back (physical interrupts exit the guest whatever its IF), so
; other VMs on the same core keep running.
; mode=real, org/load/entry 0x7c00, any mem. Never exits.
; Console:
;   spinning with interrupts off

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        PRINTLN "spinning with interrupts off"
        cli
.forever:
        jmp .forever

; triple_fault.asm - a guest that shuts itself down with a triple fault.
; Tests: the hypervisor's handling of a guest shutdown (SHUTDOWN intercept):
; only this VM stops, and it is reported as a triple fault / shutdown.
; An IDT limit of 0 covers no vector at all, so INT3 cannot be delivered
; (#GP), nor can the #GP (#DF), nor the #DF: the CPU shuts down.
; The hypervisor treats the shutdown like a PC chipset: as a reset. With
; on_reset=stop the VM ends there ("stopped: triple fault"). With
; on_reset=restart it comes back, sees HC_RESET_COUNT != 0 and exits with
; code 0 instead of triple faulting forever.
; mode=real, org/load/entry 0x7c00, mem >= 64 KiB. No exit code on the first
; boot: the shutdown must stop it. If it ever gets past INT3 it prints
; "FAIL still running" and exits with code 1.
; Console:
;   triple_fault: real mode, IDT limit 0, then int3
;   about to triple fault
; and after a restart (on_reset=restart), then exit code 0:
;   triple_fault: real mode, IDT limit 0, then int3
;   booted again after 1 reset, stopping

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        PRINTLN "triple_fault: real mode, IDT limit 0, then int3"
        HYPERCALL HC_RESET_COUNT
        cmp eax, 0xffffffff             ; unknown hypercall: take it as 0
        je .first_boot
        test eax, eax
        jz .first_boot
        PRINT "booted again after "
        PUTDEC eax
        PRINTLN " reset, stopping"
        EXIT 0

.first_boot:
        PRINTLN "about to triple fault"
        lidt [empty_idt]
        int3
        PRINTLN "FAIL still running"
        EXIT 1

section .data
empty_idt:
        dw 0                            ; limit 0: not even one vector fits
        dd 0

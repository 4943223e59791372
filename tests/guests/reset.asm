; reset.asm - a guest that asks to be reset, once.
; Tests: the keyboard-controller reset (port 0x64, 0xFE), the hypervisor's
; on_reset= handling and HC_RESET_COUNT, the hypercall from real mode.
; On the first boot HC_RESET_COUNT is 0: it asks for a reset. When it is
; started again (on_reset= restarts it) the count is >= 1: it prints the
; count and exits. With an on_reset= that stops the VM, it ends after the
; first two lines, as "reset".
; mode=real, org/load/entry 0x7c00, mem >= 64 KiB.
; Exit code 7 after the restart; 1 ("FAIL ...") if the reset request returns
; or HC_RESET_COUNT is unknown.
; Console (on_reset= restarting the VM):
;   reset: real mode, HC_RESET_COUNT then keyboard-controller reset
;   first boot, asking for a reset
;   reset: real mode, HC_RESET_COUNT then keyboard-controller reset
;   booted again after 1 reset

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        PRINTLN "reset: real mode, HC_RESET_COUNT then keyboard-controller reset"
        ; In real mode only EAX/EBX count; the hypervisor must ignore
        ; whatever the upper halves of RAX/RBX hold.
        HYPERCALL HC_RESET_COUNT
        cmp eax, 0xffffffff
        je .unknown
        test eax, eax
        jnz .again

        PRINTLN "first boot, asking for a reset"
        mov al, KBC_RESET
        out KBC_PORT, al
        PRINTLN "FAIL reset returned"
        EXIT 1

.again:
        PRINT "booted again after "
        PUTDEC eax
        PRINTLN " reset"
        EXIT 7

.unknown:
        PRINTLN "FAIL HC_RESET_COUNT is an unknown hypercall"
        EXIT 1

; hlt_if0.asm - HLT with IF=0 in a 1-vCPU VM, with its timer armed: only
; an NMI, SMI or INIT could end that HLT, and no timer does (HC_SET_TIMER
; ends HLTs with IF=1 only), so nothing can: the VM must stop with
; "error: HLT with interrupts disabled and nothing to wake it".
; mode=protected, org/load/entry 0x100000, mem >= 2 MiB.
; Console:
;   hlt_if0: timer armed for 1 ms; HLT with IF=0

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

start:
        PRINTLN "hlt_if0: timer armed for 1 ms; HLT with IF=0"
        xor ecx, ecx
        HYPERCALL HC_SET_TIMER, 1000
        cli
        hlt
        PRINTLN "FAIL the HLT with IF=0 ended"
        EXIT 1

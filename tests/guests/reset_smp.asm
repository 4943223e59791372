; reset_smp.asm - a reset from one vCPU of a 2-vCPU VM (on_reset=restart):
; every vCPU parks, the VM is rebuilt, both start again at the entry.
; Before the reset vCPU 0 spins and vCPU 1 asks the keyboard controller for
; the reset; after it vCPU 1 spins for ever and vCPU 0 says so and exits at
; once: the stop that comes right after a reset must still stop the VM,
; and a spinning sibling on the same host CPU must not starve vCPU 0.
; mode=protected, org/load/entry 0x100000, mem >= 2M, cpus=2.
; Console: "vcpu 1 resets the VM", then "vcpu 0 after 1 reset"; exit code 5.

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

STACKS_TOP equ 0x90000

start:
        VCPU_STACK STACKS_TOP
        mov eax, HC_RESET_COUNT
        VMMCALL
        test eax, eax
        jnz after_reset
        test esi, esi
        jz spin
        PRINTLN "vcpu 1 resets the VM"
        mov al, KBC_RESET
        out KBC_PORT, al
spin:   pause
        jmp spin

after_reset:
        test esi, esi
        jnz spin
        PRINT "vcpu 0 after "
        PUTDEC eax
        PRINTLN " reset"
        EXIT 5

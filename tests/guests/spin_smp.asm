; spin_smp.asm - a guest with cpus=N whose vCPUs all compute for ever (no
; exits of their own), for the shell's view of a multi-vCPU VM. Each vCPU
; takes its own stack (the flat ABI gives them all the same one: RSI holds
; the vCPU number), says it is there under a lock, then spins.
; mode=protected, org/load/entry 0x100000, mem >= 2M.
; Console: "vcpu K spinning" once per vCPU.

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

STACKS_TOP equ 0x90000

start:
        VCPU_STACK STACKS_TOP
.lock:  mov eax, 1
        xchg eax, [print_lock]
        test eax, eax
        jz .locked
        pause
        jmp .lock
.locked:
        PRINT "vcpu "
        PUTDEC esi
        PRINTLN " spinning"
        mov dword [print_lock], 0
.spin:  pause
        jmp .spin

        section .data
        align 4
print_lock: dd 0

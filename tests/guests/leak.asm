; leak.asm - what one VM leaves in the CPU, the next must not see.
; Reads DR0 and XMM0 (state VMRUN does not switch), reports them, then
; leaves its own marks there for the next VM. Run twice in one boot: the
; second copy must report zeros too.
; mode=real, org/load/entry 0x7c00, mem >= 1M. Exit code 0 if both were zero, 1 otherwise.
; Console:
;   leak: dr0=00000000 xmm0=00000000
;   clean

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        ; SSE needs CR4.OSFXSR, and CR0.EM clear / MP set.
        mov eax, cr0
        and eax, ~(1 << 2)
        or eax, 1 << 1
        mov cr0, eax
        mov eax, cr4
        or eax, 1 << 9
        mov cr4, eax

        mov eax, dr0
        mov [dr0_seen], eax
        movd eax, xmm0
        mov [xmm0_seen], eax
        PRINT "leak: dr0="
        PUTHEX32 [dr0_seen]
        PRINT " xmm0="
        PUTHEX32 [xmm0_seen]
        NEWLINE

        ; Leave marks for whoever runs next.
        mov eax, 0x12345678
        mov dr0, eax
        movd xmm0, eax

        mov eax, [dr0_seen]
        or eax, [xmm0_seen]
        jnz .dirty
        PRINTLN "clean"
        EXIT 0
.dirty:
        PRINTLN "FAIL state left by an earlier VM"
        EXIT 1

        align 4
dr0_seen:  dd 0
xmm0_seen: dd 0

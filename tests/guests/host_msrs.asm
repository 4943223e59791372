; host_msrs.asm - the MSRs that control SVM on the host are out of reach.
; Tests: WRMSR VM_HSAVE_PA (0xC0010117) = 0, WRMSR VM_CR (0xC0010114) = 0x10
; (SVMDIS), WRMSR EFER with SVME set, RDMSR VM_HSAVE_PA and RDMSR VM_CR:
; each must raise #GP inside the guest. Then EFER must still read with SVME
; clear. Faults are caught by the IDT from guest.inc (lm_setup_traps / TRY).
; mode=long, org/load/entry 0x100000, mem >= 2 MiB.
; Exit code 0 when all checks passed, else 1.
; Console:
;   host_msrs: long mode, host SVM MSRs must raise #GP
;   ok WRMSR VM_HSAVE_PA -> #GP
;   ok WRMSR VM_CR -> #GP
;   ok WRMSR EFER.SVME -> #GP
;   ok RDMSR VM_HSAVE_PA -> #GP
;   ok RDMSR VM_CR -> #GP
;   ok EFER.SVME still clear
;   all checks passed

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

VM_CR_SVMDIS    equ 1 << 4

start:
        PRINTLN "host_msrs: long mode, host SVM MSRs must raise #GP"
        call lm_setup_traps

        ; A zero host save area would make the host's next VMRUN save its
        ; state over physical page 0.
        mov ecx, MSR_VM_HSAVE_PA
        xor eax, eax
        xor edx, edx
        EXPECT_FAULT VEC_GP, "WRMSR VM_HSAVE_PA -> #GP", wrmsr

        ; SVMDIS would turn SVM off for the whole host.
        mov ecx, MSR_VM_CR
        mov eax, VM_CR_SVMDIS
        xor edx, edx
        EXPECT_FAULT VEC_GP, "WRMSR VM_CR -> #GP", wrmsr

        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_SVME
        EXPECT_FAULT VEC_GP, "WRMSR EFER.SVME -> #GP", wrmsr

        mov ecx, MSR_VM_HSAVE_PA
        EXPECT_FAULT VEC_GP, "RDMSR VM_HSAVE_PA -> #GP", rdmsr
        mov ecx, MSR_VM_CR
        EXPECT_FAULT VEC_GP, "RDMSR VM_CR -> #GP", rdmsr

        ; Even if a write above was wrongly accepted, the guest must not
        ; be able to see SVME afterwards.
        mov ecx, MSR_EFER
        rdmsr
        test eax, EFER_SVME
        REPORT z, "EFER.SVME still clear"

        FINISH_CHECKS

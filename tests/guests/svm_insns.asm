; svm_insns.asm - the SVM instructions must not exist for a guest.
; Tests: VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT and INVLPGA (0F 01 D8,
; DA, DB, DC, DD, DE, DF) each raise #UD inside the guest. RAX (the
; physical address operand of VMRUN/VMLOAD/VMSAVE, the virtual address of
; INVLPGA) and ECX (INVLPGA's ASID) are 0, so that an instruction that
; wrongly ran would at least not be pointed anywhere interesting. Faults are
; caught by the IDT from guest.inc (lm_setup_traps / TRY).
; mode=long, org/load/entry 0x100000, mem >= 2 MiB.
; Exit code 0 when all seven raised #UD, else 1.
; Console:
;   svm_insns: long mode, every SVM instruction must raise #UD
;   ok VMRUN raises #UD
;   ok VMLOAD raises #UD
;   ok VMSAVE raises #UD
;   ok STGI raises #UD
;   ok CLGI raises #UD
;   ok SKINIT raises #UD
;   ok INVLPGA raises #UD
;   all checks passed

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

; SVM_INSN "NAME", modrm: one check. Spelled as bytes, so the exact
; encoding under test is visible here.
%macro SVM_INSN 2
        xor eax, eax
        xor ecx, ecx
        EXPECT_FAULT VEC_UD, %1, db 0x0f, 0x01, %2
%endmacro

start:
        PRINTLN "svm_insns: long mode, every SVM instruction must raise #UD"
        call lm_setup_traps
        SVM_INSN "VMRUN raises #UD",   0xd8
        SVM_INSN "VMLOAD raises #UD",  0xda
        SVM_INSN "VMSAVE raises #UD",  0xdb
        SVM_INSN "STGI raises #UD",    0xdc
        SVM_INSN "CLGI raises #UD",    0xdd
        SVM_INSN "SKINIT raises #UD",  0xde
        SVM_INSN "INVLPGA raises #UD", 0xdf
        FINISH_CHECKS

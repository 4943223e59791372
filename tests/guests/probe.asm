; probe.asm - what the guest can see of the machine: CPUID, MSR and I/O
; port filtering.
; Tests: CPUID leaf 1 hypervisor bit, the hypervisor leaf 0x40000000, SVM
; hidden in leaf 0x80000001, EFER reads (SVME hidden, LME/LMA visible), EFER
; writes with SVME (#GP), an unknown MSR (#GP), a safe MSR round trip
; (FS_BASE), and unclaimed I/O ports (IN reads all ones, OUT is dropped).
; Faults are caught by the IDT from guest.inc (lm_setup_traps / TRY).
; mode=long, org/load/entry 0x100000, mem >= 2 MiB.
; Exit code 0 when every check passed, else 1.
; Console (all "ok" when the hypervisor is right; "FAIL ..." otherwise):
;   probe: long mode, checks CPUID, MSR and I/O port filtering
;   ok CPUID.1 ECX[31] hypervisor bit set
;   ok CPUID 0x40000000 max leaf >= 0x40000001
;   ok CPUID 0x40000000 signature SVMmicroHV
;   ok CPUID 0x80000001 ECX[2] SVM clear
;   ok RDMSR EFER has SVME clear, LME and LMA set
;   ok WRMSR EFER with SVME -> #GP
;   ok RDMSR 0xC0011FFF -> #GP
;   ok WRMSR 0xC0011FFF -> #GP
;   ok FS_BASE round-trips
;   ok IN byte from port 0x1234 = 0xff
;   ok IN word from port 0x1234 = 0xffff
;   ok IN dword from port 0x1234 = 0xffffffff
;   ok OUT to port 0x1234 ignored
;   all checks passed
; A wrong signature adds a line "  got [<the 12 bytes>]" after its FAIL.

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

UNKNOWN_MSR     equ 0xC0011FFF
UNCLAIMED_PORT  equ 0x1234
FS_BASE_TEST    equ 0x0000123456789abc  ; canonical, both halves non-zero

start:
        PRINTLN "probe: long mode, checks CPUID, MSR and I/O port filtering"
        call lm_setup_traps

        ; --- CPUID ---
        mov eax, 1
        xor ecx, ecx
        cpuid
        bt ecx, 31
        REPORT c, "CPUID.1 ECX[31] hypervisor bit set"

        mov eax, 0x40000000
        xor ecx, ecx
        cpuid
        cmp eax, 0x40000001
        REPORT ae, "CPUID 0x40000000 max leaf >= 0x40000001"
        ; Same layout as KVM's signature: EBX holds the first four bytes.
        mov [signature], ebx
        mov [signature + 4], ecx
        mov [signature + 8], edx
        cmp ebx, 'SVMm'
        jne .signature_compared
        cmp ecx, 'icro'
        jne .signature_compared
        cmp edx, 'HV  '
.signature_compared:
        sete r8b
        test r8b, r8b
        REPORT nz, "CPUID 0x40000000 signature SVMmicroHV"
        test r8b, r8b
        jnz .signature_done
        PRINT "  got ["
        PUTS signature
        PRINTLN "]"
.signature_done:

        mov eax, 0x80000001
        xor ecx, ecx
        cpuid
        bt ecx, 2
        REPORT nc, "CPUID 0x80000001 ECX[2] SVM clear"

        ; --- MSRs ---
        mov ecx, MSR_EFER
        EXPECT_NO_FAULT "RDMSR EFER", rdmsr
        and eax, EFER_SVME | EFER_LME | EFER_LMA
        cmp eax, EFER_LME | EFER_LMA
        REPORT e, "RDMSR EFER has SVME clear, LME and LMA set"

        ; Set SVME on top of the current value, so that if the write were
        ; (wrongly) accepted nothing else about the mode would change.
        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_SVME
        EXPECT_FAULT VEC_GP, "WRMSR EFER with SVME -> #GP", wrmsr

        mov ecx, UNKNOWN_MSR
        EXPECT_FAULT VEC_GP, "RDMSR 0xC0011FFF -> #GP", rdmsr
        mov ecx, UNKNOWN_MSR
        xor eax, eax
        xor edx, edx
        EXPECT_FAULT VEC_GP, "WRMSR 0xC0011FFF -> #GP", wrmsr

        mov ecx, MSR_FS_BASE
        mov eax, FS_BASE_TEST & 0xffffffff
        mov edx, FS_BASE_TEST >> 32
        EXPECT_NO_FAULT "WRMSR FS_BASE", wrmsr
        xor eax, eax
        xor edx, edx
        EXPECT_NO_FAULT "RDMSR FS_BASE", rdmsr
        shl rdx, 32
        or rax, rdx
        mov rdx, FS_BASE_TEST
        cmp rax, rdx
        REPORT e, "FS_BASE round-trips"
        mov ecx, MSR_FS_BASE
        xor eax, eax
        xor edx, edx
        wrmsr

        ; --- Unclaimed I/O port ---
        ; Preload the registers with zeros: an IN that is dropped instead
        ; of answered would then read 0, not the expected all ones.
        mov dx, UNCLAIMED_PORT
        xor eax, eax
        in al, dx
        cmp eax, 0xff
        REPORT e, "IN byte from port 0x1234 = 0xff"
        xor eax, eax
        in ax, dx
        cmp eax, 0xffff
        REPORT e, "IN word from port 0x1234 = 0xffff"
        xor eax, eax
        in eax, dx
        cmp eax, 0xffffffff
        REPORT e, "IN dword from port 0x1234 = 0xffffffff"

        ; Nothing to observe for a dropped OUT except that we are still
        ; here, our registers are intact and the port still reads all ones.
        mov eax, 0x5a5a5a5a
        out dx, al
        out dx, ax
        out dx, eax
        cmp eax, 0x5a5a5a5a
        jne .out_bad
        cmp dx, UNCLAIMED_PORT
        jne .out_bad
        xor eax, eax
        in al, dx
        cmp eax, 0xff
.out_bad:
        REPORT e, "OUT to port 0x1234 ignored"

        FINISH_CHECKS

section .data
signature:
        times 12 db 0
        db 0

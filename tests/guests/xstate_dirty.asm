; xstate_dirty.asm - leaves XSAVE-managed marks in the CPU for whoever runs
; next on it, then exits: XCR0 = x87|SSE|AVX, YMM0-15 all ones-and-pattern
; in both halves, MXCSR 0xff80, FCW 0x027f and a full x87 stack. The next
; VM on the same host CPU (xstate.asm) must find reset values instead.
; mode=long, org/load/entry 0x100000, mem >= 2 MiB. Exit code 0; 1 if the
; CPU offers no XSAVE/AVX (nothing to leave).
; Console:
;   dirty: left xcr0=00000007 mxcsr=0000ff80 fcw=0000027f, YMM0-15 and ST0-7 full

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

start:
        mov eax, 1
        cpuid
        and ecx, (1 << 26) | (1 << 28)      ; XSAVE, AVX
        cmp ecx, (1 << 26) | (1 << 28)
        jne .no_avx
        mov rax, cr0
        and rax, ~((1 << 2) | (1 << 3))     ; EM, TS
        or rax, 1 << 1                      ; MP
        mov cr0, rax
        mov rax, cr4
        or rax, (1 << 9) | (1 << 10) | (1 << 18)   ; OSFXSR, OSXMMEXCPT, OSXSAVE
        mov cr4, rax
        mov eax, 7
        xor edx, edx
        xor ecx, ecx
        xsetbv
        lea rsi, [marks]
%assign n 0
%rep 16
        vmovdqu ymm%[n], [rsi]
 %assign n n + 1
%endrep
        ldmxcsr [my_mxcsr]
        fldcw [my_fcw]
%rep 8
        fldpi
%endrep
        xor ecx, ecx
        xgetbv
        PRINT "dirty: left xcr0="
        PUTHEX32 eax
        stmxcsr [scratch]
        PRINT " mxcsr="
        PUTHEX32 [scratch]
        fnstcw [scratch]
        movzx eax, word [scratch]
        PRINT " fcw="
        PUTHEX32 eax
        PRINTLN ", YMM0-15 and ST0-7 full"
        EXIT 0
.no_avx:
        PRINTLN "dirty: FAIL no XSAVE/AVX in CPUID"
        EXIT 1

section .data
        align 32
marks:          dq 0xa5a5a5a5a5a5a5a5, 0x5a5a5a5a5a5a5a5a, 0xffffffffffffffff, 0x0123456789abcdef
my_mxcsr:       dd 0xff80
scratch:        dd 0
my_fcw:         dw 0x027f

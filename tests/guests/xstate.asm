; xstate.asm - the vCPU's own XCR0 and XSAVE state (x87, SSE, AVX): it
; starts at reset values whatever ran on the CPU before, and what the guest
; puts there survives other VMs running on the same CPU in between.
;
; 1. First, before printing anything (the VM before it on this CPU may only
;    just have left its marks), it records what it finds: XCR0 (XGETBV),
;    the FXSAVE image (FCW, FSW, FTW, MXCSR, ST0-7, XMM0-15) and, with XCR0
;    raised to x87|SSE|AVX, the upper halves of YMM0-15. All must be reset
;    values: XCR0 1, FCW 0x37f, MXCSR 0x1f80, everything else zero.
; 2. Then it fills YMM0-15 (both halves) with a pattern seeded from the TSC,
;    sets MXCSR 0xff80, FCW 0x027f and pushes two x87 values, and checks the
;    CPUID view of XSAVE (leaf 1 XSAVE/OSXSAVE/AVX, leaf 7 AVX2, leaf 0Dh)
;    and XSETBV's faults (#UD without CR4.OSXSAVE, #GP for bad values).
; 3. It spins, watching the TSC: a jump of more than GAP_TICKS means it was
;    off the CPU (another VM ran there, on a shared core). After each one
;    it checks that XCR0, the FXSAVE image and YMM0-15 are still its own.
;    The host's own scheduling makes such jumps too, so it goes on until it
;    has seen PREEMPTIONS of them and MIN_TICKS have passed (many slices
;    of a VM sharing the core), or MAX_TICKS have, whichever is first.
; Without XSAVE in CPUID it does the same with the FXSAVE state alone.
; mode=long, org/load/entry 0x100000, mem >= 2 MiB. Exit code 0 when all
; checks passed, else 1.
; Console (with XSAVE):
;   xstate: start xcr0=00000001 fcw=0000037f fsw=00000000 ftw=00000000 mxcsr=00001f80
;   xstate: start nonzero: st/xmm bytes 0, ymm upper bytes 0
;   ok XCR0 starts at its reset value 1
;   ok x87 and MXCSR start at reset values
;   ok ST0-7 and XMM0-15 start zero
;   ok YMM0-15 upper halves start zero
;   ... CPUID and XSETBV checks ...
;   xstate: own state intact after 17 times off the CPU
;   xstate: the first times off the CPU (2^20 TSC ticks): 23 22 24 23 22
;   all checks passed

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

CR4_OSFXSR      equ 1 << 9
CR4_OSXMMEXCPT  equ 1 << 10
CR4_OSXSAVE     equ 1 << 18
CR0_MP          equ 1 << 1
CR0_EM          equ 1 << 2
CR0_TS          equ 1 << 3
XCR0_AVX        equ 7               ; x87 | SSE | YMM
MY_MXCSR        equ 0xff80          ; FZ, round toward zero, all masked
MY_FCW          equ 0x027f          ; 53-bit precision, all masked
GAP_TICKS       equ 1 << 23         ; 3.6 ms at 2.3 GHz: far more than one loop round or host noise, less than a 10 ms slice
MIN_TICKS       equ 1 << 29         ; 230 ms at 2.3 GHz: the other VM has had many 10 ms slices
MAX_TICKS       equ 1 << 33         ; seconds under TCG: the bound on the spin
PREEMPTIONS     equ 5               ; at least this many times off the CPU (the first ones shown)
FX_CHECKED      equ 416             ; FXSAVE bytes compared: up to the end of XMM15

start:
        call lm_setup_traps
        ; ---- 1. what the CPU holds for us, before any exit that prints --
        mov eax, 1
        cpuid
        mov [cpuid1_ecx], ecx
        mov rax, cr0
        and rax, ~(CR0_EM | CR0_TS)
        or rax, CR0_MP
        mov cr0, rax
        mov rax, cr4
        or rax, CR4_OSFXSR | CR4_OSXMMEXCPT
        mov cr4, rax
        fxsave64 [fx_seen]
        bt dword [cpuid1_ecx], 26           ; XSAVE offered?
        jnc .captured
        or rax, CR4_OSXSAVE
        mov cr4, rax
        mov eax, 1
        cpuid
        mov [cpuid1_ecx_osx], ecx
        xor ecx, ecx
        xgetbv
        mov [xcr0_seen], eax
        mov [xcr0_seen + 4], edx
        bt dword [cpuid1_ecx], 28           ; AVX offered?
        jnc .captured
        mov byte [has_ymm], 1
        mov eax, XCR0_AVX
        xor edx, edx
        xor ecx, ecx
        xsetbv
        lea rdi, [ymm_seen]
%assign n 0
%rep 16
        vmovdqu [rdi + 32 * n], ymm%[n]
 %assign n n + 1
%endrep
.captured:
        ; ---- 2. our own state ----------------------------------------------
        rdtsc
        shl rdx, 32
        or rax, rdx
        mov [seed], rax
        lea rdi, [pattern]
        mov rbx, 0x9e3779b97f4a7c15
        mov ecx, 64
.fill:  mov [rdi], rax
        add rax, rbx
        add rdi, 8
        dec ecx
        jnz .fill
        ldmxcsr [my_mxcsr]
        fldcw [my_fcw]
        fild qword [seed]
        fldpi
        cmp byte [has_ymm], 0
        je .no_ymm_fill
        lea rsi, [pattern]
%assign n 0
%rep 16
        vmovdqu ymm%[n], [rsi + 32 * n]
 %assign n n + 1
%endrep
        jmp .filled
.no_ymm_fill:
        lea rsi, [pattern]
%assign n 0
%rep 16
        movdqu xmm%[n], [rsi + 16 * n]
 %assign n n + 1
%endrep
.filled:
        fxsave64 [fx_mine]
        xor ecx, ecx
        cmp byte [has_ymm], 0
        je .mine_xcr0
        xgetbv
        mov [xcr0_mine], eax
        jmp .report_start
.mine_xcr0:
        mov dword [xcr0_mine], 0            ; not checked without XSAVE

        ; ---- what we found at the start ------------------------------------
.report_start:
        bt dword [cpuid1_ecx], 26
        jc .xsave_start
        PRINTLN "xstate: no XSAVE in CPUID: checking the FXSAVE state only"
        PRINT "xstate: start"
        jmp .report_fx
.xsave_start:
        PRINT "xstate: start xcr0="
        PUTHEX32 [xcr0_seen]
.report_fx:
        PRINT " fcw="
        movzx eax, word [fx_seen + 0]
        PUTHEX32 eax
        PRINT " fsw="
        movzx eax, word [fx_seen + 2]
        PUTHEX32 eax
        PRINT " ftw="
        movzx eax, byte [fx_seen + 4]
        PUTHEX32 eax
        PRINT " mxcsr="
        PUTHEX32 [fx_seen + 24]
        NEWLINE
        ; non-zero bytes in ST0-7/XMM0-15 (bytes 32..415) and in the YMM upper halves
        lea rsi, [fx_seen + 32]
        mov ecx, FX_CHECKED - 32
        call count_nonzero
        mov [nz_fx], eax
        xor eax, eax
        cmp byte [has_ymm], 0
        je .ymm_counted
        xor ebx, ebx
        lea rsi, [ymm_seen + 16]
        mov edx, 16
.upper: mov ecx, 16
        call count_nonzero
        add ebx, eax
        add rsi, 32
        dec edx
        jnz .upper
        mov eax, ebx
.ymm_counted:
        mov [nz_ymm], eax
        PRINT "xstate: start nonzero: st/xmm bytes "
        PUTDEC [nz_fx]
        PRINT ", ymm upper bytes "
        PUTDEC [nz_ymm]
        NEWLINE

        bt dword [cpuid1_ecx], 26
        jnc .x87_start
        cmp dword [xcr0_seen], 1
        jne .xcr0_bad
        cmp dword [xcr0_seen + 4], 0
.xcr0_bad:
        REPORT e, "XCR0 starts at its reset value 1"
.x87_start:
        cmp word [fx_seen + 0], 0x037f
        jne .x87_bad
        cmp word [fx_seen + 2], 0
        jne .x87_bad
        cmp byte [fx_seen + 4], 0
        jne .x87_bad
        cmp dword [fx_seen + 24], 0x1f80
.x87_bad:
        REPORT e, "x87 and MXCSR start at reset values"
        cmp dword [nz_fx], 0
        REPORT e, "ST0-7 and XMM0-15 start zero"
        cmp byte [has_ymm], 0
        je .cpuid_checks
        cmp dword [nz_ymm], 0
        REPORT e, "YMM0-15 upper halves start zero"

        ; ---- the CPUID view and XSETBV -------------------------------------
.cpuid_checks:
        bt dword [cpuid1_ecx], 26
        jnc .no_xsave_view
        mov eax, [cpuid1_ecx]
        and eax, (1 << 26) | (1 << 27) | (1 << 28)
        cmp eax, (1 << 26) | (1 << 28)
        REPORT e, "CPUID.1: XSAVE and AVX offered, OSXSAVE clear with CR4.OSXSAVE clear"
        bt dword [cpuid1_ecx_osx], 27
        REPORT c, "CPUID.1: OSXSAVE set with CR4.OSXSAVE set"
        mov eax, 7
        xor ecx, ecx
        cpuid
        bt ebx, 5
        REPORT c, "CPUID.7: AVX2 offered"
        test ebx, (1 << 16) | (1 << 17) | (1 << 30) | (1 << 31)
        REPORT z, "CPUID.7: AVX-512 hidden"
        mov eax, 0xd
        xor ecx, ecx
        cpuid
        mov [leaf_d0], eax
        mov [leaf_d0 + 4], ebx
        mov [leaf_d0 + 8], ecx
        mov [leaf_d0 + 12], edx
        PRINT "xstate: CPUID.0Dh.0 eax="
        PUTHEX32 [leaf_d0]
        PRINT " ebx="
        PUTHEX32 [leaf_d0 + 4]
        PRINT " ecx="
        PUTHEX32 [leaf_d0 + 8]
        PRINT " edx="
        PUTHEX32 [leaf_d0 + 12]
        NEWLINE
        cmp dword [leaf_d0], 7
        jne .d0_bad
        cmp dword [leaf_d0 + 12], 0
        jne .d0_bad
        cmp dword [leaf_d0 + 4], 832        ; XCR0 = 7 now
        jne .d0_bad
        cmp dword [leaf_d0 + 8], 832
.d0_bad:
        REPORT e, "CPUID.0Dh.0: XCR0 mask 7, 832 bytes at XCR0=7"
        mov eax, 0xd
        mov ecx, 1
        cpuid
        test eax, (1 << 0) | (1 << 1) | (1 << 3)
        REPORT z, "CPUID.0Dh.1: XSAVEOPT, XSAVEC, XSAVES hidden"
        mov eax, 0xd
        mov ecx, 2
        cpuid
        cmp eax, 256
        jne .d2_bad
        cmp ebx, 576
.d2_bad:
        REPORT e, "CPUID.0Dh.2: YMM state 256 bytes at 576"
        ; XSETBV: #GP for bad values (nothing changes), #UD without OSXSAVE
        xor edx, edx
        xor ecx, ecx
        xor eax, eax
        EXPECT_FAULT VEC_GP, "XSETBV 0 (x87 clear) -> #GP", xsetbv
        mov eax, 5
        EXPECT_FAULT VEC_GP, "XSETBV 5 (YMM without SSE) -> #GP", xsetbv
        mov eax, 0xe7
        EXPECT_FAULT VEC_GP, "XSETBV 0xe7 (AVX-512, not offered) -> #GP", xsetbv
        mov eax, 7
        mov ecx, 1
        EXPECT_FAULT VEC_GP, "XSETBV ECX=1 -> #GP", xsetbv
        mov rax, cr4
        and rax, ~CR4_OSXSAVE
        mov cr4, rax
        mov eax, 7
        xor ecx, ecx
        EXPECT_FAULT VEC_UD, "XSETBV with CR4.OSXSAVE clear -> #UD", xsetbv
        EXPECT_FAULT VEC_UD, "XGETBV with CR4.OSXSAVE clear -> #UD", xgetbv
        mov rax, cr4
        or rax, CR4_OSXSAVE
        mov cr4, rax
        jmp .spin_start
.no_xsave_view:
        test dword [cpuid1_ecx], (1 << 27) | (1 << 28)
        REPORT z, "CPUID.1: no OSXSAVE, no AVX without XSAVE"
        mov eax, 0xd
        xor ecx, ecx
        cpuid
        or eax, ebx
        or eax, ecx
        or eax, edx
        REPORT z, "CPUID.0Dh: all zero without XSAVE"

        ; ---- 3. spin; after each time off the CPU our state must be there --
.spin_start:
        call check_own
        test eax, eax
        REPORT z, "own state intact after the checks"
        rdtsc
        shl rdx, 32
        or rax, rdx
        mov r12, rax                        ; last TSC
        mov r13, rax                        ; start
        xor r14d, r14d                      ; preemptions seen
        xor r15d, r15d                      ; failed checks
.spin:  rdtsc
        shl rdx, 32
        or rax, rdx
        mov rbx, rax
        sub rbx, r12
        mov r12, rax
        cmp rbx, GAP_TICKS
        jb .no_gap
        cmp r14d, PREEMPTIONS
        jae .counted
        lea rax, [gaps]
        mov [rax + r14 * 8], rbx
.counted:
        inc r14d
        call check_own
        add r15d, eax
.no_gap:
        mov rbx, r12
        sub rbx, r13
        mov rax, MAX_TICKS
        cmp rbx, rax
        jae .spun
        cmp r14d, PREEMPTIONS
        jb .spin
        cmp rbx, MIN_TICKS
        jb .spin
.spun:
        PRINT "xstate: "
        test r15d, r15d
        jz .intact
        PRINT "FAIL own state changed at "
        PUTDEC r15d
        PRINT " of "
        PUTDEC r14d
        PRINTLN " times off the CPU"
        inc dword [g_fail_count]
        jmp .done
.intact:
        PRINT "own state intact after "
        PUTDEC r14d
        PRINTLN " times off the CPU"
.done:
        PRINT "xstate: the first times off the CPU (2^20 TSC ticks):"
        xor ebx, ebx
.gap:   cmp ebx, r14d
        jae .gaps_done
        cmp ebx, PREEMPTIONS
        jae .gaps_done
        lea rax, [gaps]
        mov rax, [rax + rbx * 8]
        shr rax, 20
        PRINT " "
        PUTDEC eax
        inc ebx
        jmp .gap
.gaps_done:
        NEWLINE
        FINISH_CHECKS

; RSI = bytes, ECX = count: EAX = how many are not zero. Keeps RSI.
count_nonzero:
        push rsi
        xor eax, eax
.byte:  cmp byte [rsi], 0
        je .zero
        inc eax
.zero:  inc rsi
        dec ecx
        jnz .byte
        pop rsi
        ret

; EAX = 0 if XCR0, the FXSAVE image and YMM0-15 (or XMM0-15) are what we
; put there, else 1. Clobbers RCX, RDX, RSI, RDI.
check_own:
        cmp byte [has_ymm], 0
        je .fx
        xor ecx, ecx
        xgetbv
        cmp eax, [xcr0_mine]
        jne .bad
        test edx, edx
        jnz .bad
        lea rdi, [ymm_now]
%assign n 0
%rep 16
        vmovdqu [rdi + 32 * n], ymm%[n]
 %assign n n + 1
%endrep
        lea rsi, [ymm_now]
        lea rdi, [pattern]
        mov ecx, 64
        repe cmpsq
        jne .bad
.fx:    fxsave64 [fx_now]
        lea rsi, [fx_now]
        lea rdi, [fx_mine]
        mov ecx, FX_CHECKED / 8
        repe cmpsq
        jne .bad
        xor eax, eax
        ret
.bad:   mov eax, 1
        ret

section .data
        align 4
my_mxcsr:       dd MY_MXCSR
my_fcw:         dw MY_FCW
has_ymm:        db 0

section .bss align=64                   ; every buffer a multiple of 64 bytes
fx_seen:        resb 512
fx_mine:        resb 512
fx_now:         resb 512
ymm_seen:       resb 512
ymm_now:        resb 512
pattern:        resb 512
seed:           resq 1
xcr0_seen:      resq 1
xcr0_mine:      resq 1
leaf_d0:        resd 4
cpuid1_ecx:     resd 1
cpuid1_ecx_osx: resd 1
nz_fx:          resd 1
nz_ymm:         resd 1
gaps:           resq PREEMPTIONS

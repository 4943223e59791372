; timer.asm - HC_SET_TIMER from a guest: each check arms its timer, halts
; with IF=1, and reports the TSC ticks from before the arming to after the
; HLT (the test turns them into time with the TSC rate the hypervisor logs:
; the wake must not come before the deadline, nor much after it). Nothing
; else can end these HLTs: no input comes, no other interrupt source exists.
; mode=long, org/load/entry 0x100000, mem >= 2 MiB. Exit code 0 when every
; check passed.
; Console:
;   sleep LABEL US us: TICKS ticks      (US 0: no lower bound, only "soon")
;   ok ...  /  FAIL ...
;   all checks passed

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

VEC_A   equ 0x40
VEC_B   equ 0x41
HC_EINVAL_VALUE equ -2

; ARM us, vector: HC_SET_TIMER; RAX = result. Clobbers RAX, RBX, RCX.
%macro ARM 2
        mov rbx, %1
        mov ecx, %2
        mov eax, HC_SET_TIMER
        VMMCALL
%endmacro

; TSC_TO reg: the whole 64-bit TSC into reg (not RAX/RDX). Clobbers RAX, RDX.
%macro TSC_TO 1
        rdtsc
        shl rdx, 32
        or rax, rdx
        mov %1, rax
%endmacro

; SLEEP_REPORT "label", us: HLT with IF=1, then "sleep label us us: N ticks"
; with N counted from R12 (read before the arming).
%macro SLEEP_REPORT 2
        sti
        hlt
        cli
        TSC_TO r13
        sub r13, r12
        PRINT "sleep ", %1, " "
        PUTDEC %2
        PRINT " us: "
        mov rax, r13
        call putdec64
        PRINTLN " ticks"
%endmacro

start:
        call lm_setup_traps         ; GDT, segments, exceptions 0-31 caught
        call setup_idt              ; and our two interrupt vectors

        ; 1. vector 0: no interrupt, the expiry ends the HLT
        TSC_TO r12
        ARM 20000, 0
        test rax, rax
        REPORT z, "HC_SET_TIMER 20000 us, vector 0 -> 0"
        SLEEP_REPORT "plain", 20000

        ; 2. a vector: raised once at the deadline, it is what ends the HLT
        TSC_TO r12
        ARM 5000, VEC_A
        SLEEP_REPORT "vector", 5000
        cmp dword [count_a], 1
        REPORT e, "vector 0x40 delivered once, after the HLT"

        ; 3. cancelled: the vector never comes; a later timer ends the HLT
        TSC_TO r12
        ARM 5000, VEC_B
        ARM 0, 0
        test rax, rax
        REPORT z, "HC_SET_TIMER 0 (cancel) -> 0"
        ARM 20000, 0
        SLEEP_REPORT "after-cancel", 20000
        cmp dword [count_b], 0
        REPORT e, "a cancelled timer does not fire"

        ; 4. armed again: the deadline moves (1 s becomes 10 ms)
        TSC_TO r12
        ARM 1000000, VEC_B
        ARM 10000, 0
        SLEEP_REPORT "moved", 10000
        cmp dword [count_b], 0
        REPORT e, "the moved timer fired once, at its new deadline, without the old vector"

        ; 5. passed before the HLT: the expiry waits for it, which ends at once
        ARM 1, 0
        mov ecx, 4000000            ; a few ms: the 1 us deadline passes meanwhile
.spin:  dec ecx
        jnz .spin
        TSC_TO r12
        SLEEP_REPORT "expired", 0

        ; 6. out of range: refused, nothing changed
        ARM 1000, 31
        cmp rax, HC_EINVAL_VALUE
        REPORT e, "vector 31 refused (HC_EINVAL)"
        ARM 1000, 256
        cmp rax, HC_EINVAL_VALUE
        REPORT e, "vector 256 refused (HC_EINVAL)"
        mov rbx, 0x100000000
        xor ecx, ecx
        mov eax, HC_SET_TIMER
        VMMCALL
        cmp rax, HC_EINVAL_VALUE
        REPORT e, "2^32 us refused (HC_EINVAL)"
        cmp dword [count_a], 1
        REPORT e, "no interrupt came that was not asked for"
        FINISH_CHECKS

; RAX = value, printed in decimal, all 64 bits (lowest digit first onto the stack).
putdec64:
        push rax
        push rbx
        push rcx
        push rdx
        mov ebx, 10
        xor ecx, ecx
.div:   xor edx, edx
        div rbx
        push rdx
        inc ecx
        test rax, rax
        jnz .div
.emit:  pop rax
        add al, '0'
        call guest_putc
        loop .emit
        pop rdx
        pop rcx
        pop rbx
        pop rax
        ret

; --- the interrupts: each handler counts, nothing else (no EOI: there is no
; virtual interrupt controller, the hypervisor raised the vector itself) ---
isr_a:  inc dword [count_a]
        iretq
isr_b:  inc dword [count_b]
        iretq

; A 256-entry IDT: 0-31 copied from guest.inc's, VEC_A and VEC_B ours, the
; rest not present (an unexpected vector would be a #NP, caught and failed).
setup_idt:
        lea rsi, [lm_idt]
        lea rdi, [idt]
        mov ecx, 32 * 16
        rep movsb
        lea rax, [isr_a]
        mov edi, VEC_A
        call set_gate
        lea rax, [isr_b]
        mov edi, VEC_B
        call set_gate
        lidt [idt_desc]
        ret

; RDI = vector, RAX = handler: a 64-bit interrupt gate, selector 0x08.
set_gate:
        shl rdi, 4
        lea rdx, [idt]
        add rdi, rdx
        LM_WRITE_GATE
        ret

        section .data
        align 16
idt:    times 256 * 16 db 0
idt_desc:
        dw 256 * 16 - 1
        dq idt
count_a: dd 0
count_b: dd 0

; events.asm - event delivery as a guest sees it (hv/inject.c), cpus=2.
; vCPU 0 (RSI = 0) runs the checks; vCPU 1 only raises an interrupt on
; vCPU 0 while it waits in HLT, then parks.
; External interrupts come from the hypercall HC_RAISE_IRQ (RBX = vector,
; RCX = vCPU), the core call the interrupt controllers will use:
;   - with IF=1 one is taken right after the VMMCALL, before the next instruction;
;   - with IF=0 it waits; after STI it comes one instruction later (the STI shadow);
;   - two waiting ones come highest vector first;
;   - one raised by the other vCPU wakes this one from HLT.
; Single-step (RFLAGS.TF) over instructions the hypervisor emulates must look
; like it does over the ones the CPU executes itself (QEMU is the oracle):
;   - CPUID, RDMSR, WRMSR, VMMCALL, IN, OUT, HLT: one #DB, RIP after the
;     instruction, DR6.BS set;
;   - REP OUTSB (emulated) traps like REP MOVSB (executed by the CPU): the
;     same number of #DBs at the same RIPs relative to the instruction;
;   - MOV SS then CPUID: one #DB, after the CPUID (as MOV SS then NOP: after the NOP).
; mode=long, org/load/entry 0x100000, mem >= 4M, cpus=2.
; Console: one line per observation, then "ok ..." per check; exit code 0 if
; every check passed, else 1.

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

VEC_A       equ 0x40
VEC_B       equ 0x41
VEC_LOW     equ 0x50
VEC_HIGH    equ 0x60
VEC_CROSS   equ 0x70
DR6_BS      equ 1 << 14
TF          equ 1 << 8
LOG_MAX     equ 16
STACK1      equ 0x380000            ; vCPU 1's stack (vCPU 0 keeps the load address)

; SSTEP "name", {setup}, {insn}: TF on, setup, insn; expect one #DB at the
; label right after insn, with DR6.BS.
%macro SSTEP 3
        call clear_db
        %2
        pushfq
        or qword [rsp], TF
        popfq
        %3
%%after:
        call db_report_named
        PRINTLN " after ", %1
        cmp dword [db_n], 1
        jne %%fail
        lea rax, [%%after]
        cmp [db_rip], rax
        jne %%fail
        test dword [db_dr6], DR6_BS
        jz %%fail
        cmp eax, eax
%%fail: REPORT e, "single-step over ", %1, ": one #DB after it, DR6.BS"
%endmacro

; STEPREP log, count, {setup1}, {setup2}, {insn}: single-step a 3-element
; REP string instruction; log each #DB's RIP relative to the instruction.
%macro STEPREP 5
        call clear_db
        %3
        %4
        lea rax, [%%insn]
        mov [step_keep_rip], rax    ; the handler keeps TF while RIP stays on it
        mov ecx, 3
        pushfq
        or qword [rsp], TF
        popfq
%%insn: %5
        mov qword [step_keep_rip], 0
        mov ecx, [db_n]
        mov [%2], ecx
        xor ecx, ecx
%%copy: cmp ecx, [db_n]
        jae %%done
        mov rax, [db_rips + rcx * 8]
        lea rdx, [%%insn]
        sub rax, rdx
        mov [%1 + rcx * 8], rax
        inc ecx
        jmp %%copy
%%done:
%endmacro

start:
        test esi, esi
        jnz vcpu1
        PRINTLN "events: interrupts by hypercall, single-step over emulated instructions"
        call lm_setup_traps         ; GDT and segments; then our own IDT
        call setup_idt

        ; --- 1: IF=1, taken right after the hypercall -------------------
        call clear_log
        mov byte [marker], 0
        sti
        mov ebx, VEC_A
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
        mov byte [marker], 1        ; the interrupt must come before this
        cli
        call print_log
        cmp dword [log_n], 1
        jne .f1
        cmp byte [log_vec], VEC_A
        jne .f1
        cmp byte [log_marker], 0
.f1:    REPORT e, "IF=1: the interrupt comes right after the hypercall"

        ; --- 2: IF=0 holds it; STI's shadow delays it one instruction ---
        call clear_log
        mov byte [marker], 0
        mov ebx, VEC_B
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
        xor eax, eax                ; exits while it waits: still held
        cpuid
        cmp dword [log_n], 0
        REPORT e, "IF=0: the interrupt waits"
        sti
        mov byte [marker], 1        ; the STI shadow covers this one
        mov byte [marker], 2
        cli
        call print_log
        cmp dword [log_n], 1
        jne .f2
        cmp byte [log_vec], VEC_B
        jne .f2
        cmp byte [log_marker], 1
.f2:    REPORT e, "STI: the interrupt comes after the instruction in its shadow"

        ; --- 3: highest vector first ---------------------------------------
        call clear_log
        mov ebx, VEC_LOW
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
        mov ebx, VEC_HIGH
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
        sti
        nop
        nop
        cli
        call print_log
        cmp dword [log_n], 2
        jne .f3
        cmp byte [log_vec], VEC_HIGH
        jne .f3
        cmp byte [log_vec + 1], VEC_LOW
.f3:    REPORT e, "two waiting interrupts: the higher vector first"

        ; --- 4: bad arguments ---------------------------------------------
        mov ebx, 31                 ; an exception vector
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
        mov rdx, rax
        mov ebx, VEC_A
        mov ecx, 9                  ; no such vCPU
        mov eax, HC_RAISE_IRQ
        VMMCALL
        and rax, rdx
        cmp rax, -2
        REPORT e, "HC_RAISE_IRQ refuses vector 31 and vCPU 9 (HC_EINVAL)"

        ; --- 5: raised by the other vCPU, it ends a HLT ----------------------
        call clear_log
        mov dword [go], 1
        sti
        hlt                         ; vCPU 1 raises VEC_CROSS on us
        cli
        call print_log
        cmp dword [log_n], 1
        jne .f5
        cmp byte [log_vec], VEC_CROSS
.f5:    REPORT e, "an interrupt raised by vCPU 1 wakes vCPU 0 from HLT"

        ; --- 6: single-step over emulated instructions -----------------------
        SSTEP "cpuid", {xor eax, eax}, {cpuid}
        SSTEP "rdmsr", {mov ecx, MSR_PAT}, {rdmsr}
        mov ecx, MSR_PAT            ; wrmsr writes back what rdmsr reads
        SSTEP "wrmsr", {rdmsr}, {wrmsr}
        SSTEP "vmmcall", {mov eax, HC_ABI_VERSION}, {VMMCALL}
        SSTEP "in", {mov dx, 0x80}, {in al, dx}
        SSTEP "out", {mov dx, 0x80}, {out dx, al}
        SSTEP "hlt", {sti}, {hlt}
        cli

        ; REP OUTSB (emulated) against REP MOVSB (the CPU's own), 3 elements
        STEPREP movsb_log, movsb_n, {lea rsi, [src]}, {lea rdi, [dst]}, {rep movsb}
        STEPREP outsb_log, outsb_n, {lea rsi, [src]}, {mov dx, 0x80}, {rep outsb}
        PRINT "rep movsb: "
        PUTDEC [movsb_n]
        PRINT " traps; rep outsb: "
        PUTDEC [outsb_n]
        PRINTLN " traps"
        mov eax, [movsb_n]
        cmp eax, [outsb_n]
        jne .f6
        xor ecx, ecx
.cmp:   cmp ecx, [movsb_n]
        jae .f6ok
        mov rax, [movsb_log + rcx * 8]
        cmp rax, [outsb_log + rcx * 8]
        jne .f6
        inc ecx
        jmp .cmp
.f6ok:  cmp eax, eax
.f6:    REPORT e, "single-step REP OUTSB traps like REP MOVSB"

        ; MOV SS then an emulated CPUID: one #DB, after the CPUID
        call clear_db
        mov bx, ss
        xor eax, eax
        pushfq
        or qword [rsp], TF
        popfq
        mov ss, bx                  ; the shadow holds its trap past the next instruction,
        cpuid                       ; this one, which the hypervisor emulates
.movss_after:
        call db_report_named
        PRINT " at rip 0x"
        mov rax, [db_rip]
        call guest_puthex64
        PRINT ", cpuid ends at 0x"
        lea rax, [.movss_after]
        call guest_puthex64
        NEWLINE
        cmp dword [db_n], 1
        jne .f7
        lea rax, [.movss_after]
        cmp [db_rip], rax
.f7:    REPORT e, "single-step after MOV SS: one #DB, after the emulated CPUID"

        ; MOV to CR8 does not exit (V_TPR, V_INTR_MASKING): the xAPIC
        ; page's TPR (0x80) and PPR (0xA0) read right after it show it.
        mov edx, 0xfee00000             ; (a disp32 alone would sign-extend)
        mov eax, 5
        mov cr8, rax
        mov eax, [rdx + 0x80]
        mov ebx, [rdx + 0xa0]
        xor ecx, ecx
        mov cr8, rcx
        mov ecx, [rdx + 0x80]
        cmp eax, 0x50
        jne .f8
        cmp ebx, 0x50
        jne .f8
        test ecx, ecx
.f8:    REPORT e, "MOV CR8: the xAPIC page TPR and PPR read it at once"

        FINISH_CHECKS

; --- vCPU 1: wait for vCPU 0 to halt, raise its interrupt, park -------------
vcpu1:
        mov rsp, STACK1
        mov ecx, 0x7fffffff
.wait:  cmp dword [go], 1
        je .go
        pause
        loop .wait
.go:    ; give vCPU 0 time to reach its HLT (a few exits' worth)
        mov ecx, 2000
.delay: pause
        loop .delay
        mov ebx, VEC_CROSS
        xor ecx, ecx
        mov eax, HC_RAISE_IRQ
        VMMCALL
.park:  cli
        hlt
        jmp .park

; --- the IDT: 0-31 as guest.inc's (fault catching), #DB and 32-255 ours ----
setup_idt:
        lea rdi, [idt]
        xor ecx, ecx
.gate:  cmp ecx, 32
        jae .irq
        cmp ecx, 1
        je .db
        mov rax, [lm_isr_table + rcx * 8]
        jmp .set
.db:    lea rax, [db_handler]
        jmp .set
.irq:   lea rax, [irq_entries]
        mov edx, ecx
        sub edx, 32
        imul edx, IRQ_ENTRY_SIZE
        add rax, rdx
.set:   LM_WRITE_GATE
        add rdi, 16
        inc ecx
        cmp ecx, 256
        jb .gate
        lidt [idt_desc]
        ret

IRQ_ENTRY_SIZE equ 16
        align 16
irq_entries:
%assign v 32
%rep 224
        push v                      ; 2 bytes, or 5 from 0x80 on (imm32)
        jmp near irq_common         ; 5 bytes
        align IRQ_ENTRY_SIZE, db 0x90
 %assign v v + 1
%endrep

; Frame: vector, RIP, CS, RFLAGS, RSP, SS. Records the vector and the marker.
irq_common:
        push rax
        push rcx
        mov ecx, [log_n]
        cmp ecx, LOG_MAX
        jae .full
        mov rax, [rsp + 16]
        mov [log_vec + rcx], al
        mov al, [marker]
        mov [log_marker + rcx], al
        inc dword [log_n]
.full:  pop rcx
        pop rax
        add rsp, 8
        iretq

; #DB: record RIP and DR6, clear DR6; clear TF in the frame unless the
; return RIP is the REP instruction being stepped (step_keep_rip).
db_handler:
        push rax
        push rcx
        mov ecx, [db_n]
        cmp ecx, LOG_MAX
        jae .full
        mov rax, [rsp + 16]         ; RIP
        mov [db_rips + rcx * 8], rax
        mov [db_rip], rax
        mov rax, dr6
        mov [db_dr6], eax
        inc dword [db_n]
.full:  mov rax, [rsp + 16]
        cmp rax, [step_keep_rip]
        je .keep
        and qword [rsp + 32], ~TF   ; RFLAGS
.keep:  mov eax, 0xffff0ff0
        mov dr6, rax
        pop rcx
        pop rax
        iretq

clear_log:
        mov dword [log_n], 0
        ret

clear_db:
        mov qword [step_keep_rip], 0
        mov dword [db_n], 0
        mov qword [db_rip], 0
        mov dword [db_dr6], 0
        ret

print_log:
        PRINT "interrupts taken:"
        xor ecx, ecx
.next:  cmp ecx, [log_n]
        jae .done
        PRINT " 0x"
        movzx eax, byte [log_vec + rcx]
        call guest_puthex32
        PRINT "(marker "
        movzx eax, byte [log_marker + rcx]
        PUTDEC eax
        PRINT ")"
        inc ecx
        jmp .next
.done:  NEWLINE
        ret

db_report_named:
        PRINT "#DB x"
        PUTDEC [db_n]
        PRINT " dr6 0x"
        PUTHEX32 [db_dr6]
        ret

db_report:
        call db_report_named
        NEWLINE
        ret

        section .data
        align 16
idt:        times 256 * 16 db 0
idt_desc:   dw 256 * 16 - 1
            dq idt
        align 8
log_n:      dd 0
log_vec:    times LOG_MAX db 0
log_marker: times LOG_MAX db 0
marker:     db 0
go:         dd 0
db_n:       dd 0
db_dr6:     dd 0
db_rip:     dq 0
db_rips:    times LOG_MAX dq 0
step_keep_rip: dq 0
movsb_n:    dd 0
outsb_n:    dd 0
movsb_log:  times LOG_MAX dq 0
outsb_log:  times LOG_MAX dq 0
src:        db "abc"
dst:        db 0, 0, 0

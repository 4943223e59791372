; smp_counter.asm - a flat guest with cpus=N (protected mode): every vCPU
; enters here with its number in ESI and the vCPU count in EDI (the flat
; guest ABI, docs/guest-abi.md). Each one:
;   - takes its own stack (they all start with the same ESP);
;   - reads its APIC ID from CPUID leaf 1 EBX[31:24] and leaf 0Bh EDX, the
;     logical-processor count from leaf 1 EBX[23:16], and the host CPU it
;     runs on (HC_CPU_ID), and prints them under a print lock;
;   - adds 1 to a shared counter ITERATIONS times under a spinlock;
;   - checks in, then parks with HLT at IF=0 (vCPU 0 goes on).
; vCPU 0 waits for every vCPU to check in (bounded), then checks that the
; counter is exactly N * ITERATIONS and the APIC IDs are 0..N-1, each once.
; Console:
;   vcpu K: apic A x2apic X logical L host cpu C   (one line per vCPU)
;   counter S expected S
;   ok counter / ok distinct APIC IDs / ok logical count
;   all checks passed          (exit code 0; 1 on any FAIL)
; mode=protected, load=entry=0x100000, mem >= 2M.

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

ITERATIONS  equ 20000
STACKS_TOP  equ 0x90000             ; vCPU k's stack ends at STACKS_TOP - k * 0x1000
MAX_VCPUS   equ 64
WAIT_LIMIT  equ 0x7fffffff          ; spins before vCPU 0 gives up on the others

start:
        VCPU_STACK STACKS_TOP
        mov [my_id_tmp + esi * 4], esi

        ; what this vCPU is, by CPUID and by hypercall
        mov eax, 1
        cpuid
        mov eax, ebx
        shr eax, 24
        mov [apic + esi * 4], eax
        shr ebx, 16
        and ebx, 0xff
        mov [logical + esi * 4], ebx
        xor eax, eax
        cpuid
        xor edx, edx
        cmp eax, 0xb
        jb .no_leaf_b
        mov eax, 0xb
        xor ecx, ecx
        cpuid
.no_leaf_b:
        mov [x2apic + esi * 4], edx
        mov eax, HC_CPU_ID
        VMMCALL
        mov [hostcpu + esi * 4], eax

        mov edx, print_lock
        call take_lock
        PRINT "vcpu "
        PUTDEC esi
        PRINT ": apic "
        PUTDEC [apic + esi * 4]
        PRINT " x2apic "
        PUTDEC [x2apic + esi * 4]
        PRINT " logical "
        PUTDEC [logical + esi * 4]
        PRINT " host cpu "
        PUTDEC [hostcpu + esi * 4]
        NEWLINE
        mov dword [print_lock], 0

        ; the shared counter
        mov ecx, ITERATIONS
        mov edx, counter_lock
.add:   call take_lock
        inc dword [counter]
        mov dword [counter_lock], 0
        loop .add

        lock inc dword [checked_in]
        test esi, esi
        jz vcpu0_checks
.park:  cli
        hlt
        jmp .park

vcpu0_checks:
        mov ecx, WAIT_LIMIT
.wait:  cmp [checked_in], edi
        je .all_in
        pause
        loop .wait
        PRINTLN "FAIL not every vCPU checked in"
        EXIT 1
.all_in:
        mov eax, edi
        imul eax, ITERATIONS
        mov [expected], eax
        PRINT "counter "
        PUTDEC [counter]
        PRINT " expected "
        PUTDEC [expected]
        NEWLINE
        mov eax, [counter]
        cmp eax, [expected]
        REPORT e, "counter"
        ; APIC IDs: each of 0..N-1 exactly once
        xor ebx, ebx                ; bit mask of IDs seen (N <= 32 here)
        xor ecx, ecx
.ids:   mov eax, [apic + ecx * 4]
        cmp eax, 32
        jae .bad_id
        bts ebx, eax
        jc .bad_id
        inc ecx
        cmp ecx, edi
        jb .ids
        mov eax, 1
        mov ecx, edi
        shl eax, cl
        dec eax
        cmp ebx, eax
        REPORT e, "distinct APIC IDs"
        jmp .logical
.bad_id:
        PRINTLN "FAIL distinct APIC IDs"
        inc dword [g_fail_count]
.logical:
        mov eax, [logical]
        cmp eax, edi
        REPORT e, "logical count"
        FINISH_CHECKS

; EDX = the lock's address: spins until it is ours (XCHG is locked).
take_lock:
        push eax
.spin:  mov eax, 1
        xchg eax, [edx]
        test eax, eax
        jz .got
        pause
        jmp .spin
.got:   pop eax
        ret

        section .data
        align 4
print_lock:   dd 0
counter_lock: dd 0
counter:      dd 0
checked_in:   dd 0
expected:     dd 0
apic:         times MAX_VCPUS dd 0
x2apic:       times MAX_VCPUS dd 0
logical:      times MAX_VCPUS dd 0
hostcpu:      times MAX_VCPUS dd 0
my_id_tmp:    times MAX_VCPUS dd 0

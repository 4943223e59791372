; wild_read.asm - a read far outside guest RAM.
; Tests: a guest-physical access beyond [0, mem) stops the VM with
; "error: ..." from the hypervisor (nested page fault on an address with no
; RAM behind it); it is not reflected into the guest, nor does it read
; anything. The guest maps the address itself, with its own 4-level tables
; (2 MiB pages: [0, 16 MiB) identity, plus the target mapped to itself).
; Target: 1 TiB (0x10000000000). A CPU with MAXPHYADDR <= 40 (QEMU TCG
; reports 40) cannot put 1 TiB in a page table entry - the entry would have
; a reserved bit set and fault in the guest - so there the target is the
; last 2 MiB page it can address, 2^MAXPHYADDR - 2 MiB (0xffffe00000 for
; 40 bits), which is just as far outside 16 MiB of RAM.
; mode=long, org/load/entry 0x100000, mem = 16 MiB (tables at 2 MiB).
; No exit code: the hypervisor must stop the VM. If the read returns:
; "FAIL read returned ..." and exit code 1. A fault in the guest (e.g. #PF)
; prints "FAIL unexpected exception ..." and exits with code 1.
; Console:
;   wild_read: long mode, 16 MiB of RAM, reads far outside it
;   reading 1 TiB outside my RAM
;   address 0x0000010000000000 (MAXPHYADDR N)      when MAXPHYADDR > 40
;   address 0x000000ffffe00000 (MAXPHYADDR 40)     under QEMU TCG

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

RAM_SIZE        equ 16 << 20
PAGE_2M         equ 2 << 20
TABLE_POOL      equ 0x200000        ; free RAM above the image
PG_P_RW         equ 0x3
PG_PS           equ 0x80
ONE_TIB         equ 1 << 40

start:
        PRINTLN "wild_read: long mode, 16 MiB of RAM, reads far outside it"
        call lm_setup_traps

        ; MAXPHYADDR: CPUID 0x80000008 EAX[7:0], 36 if the leaf is missing.
        mov eax, 0x80000000
        cpuid
        mov r13d, 36
        cmp eax, 0x80000008
        jb .have_width
        mov eax, 0x80000008
        cpuid
        movzx r13d, al
.have_width:
        mov r12, ONE_TIB
        cmp r13d, 40
        ja .have_target
        mov ecx, r13d
        mov r12d, 1
        shl r12, cl
        sub r12, PAGE_2M
.have_target:

        ; Own tables: PML4 first, then identity-map all of RAM.
        cld
        call alloc_table
        mov r14, rax                    ; PML4
        xor edi, edi
.identity:
        mov rsi, rdi
        call map_2m
        add rdi, PAGE_2M
        cmp rdi, RAM_SIZE
        jb .identity
        mov rdi, r12
        mov rsi, r12
        call map_2m
        mov cr3, r14

        PRINTLN "reading 1 TiB outside my RAM"
        PRINT "address 0x"
        mov rax, r12
        call guest_puthex64
        PRINT " (MAXPHYADDR "
        PUTDEC r13d
        PRINTLN ")"

        mov rax, [r12]
        PRINT "FAIL read returned 0x"
        call guest_puthex64
        NEWLINE
        EXIT 1

; RDI = virtual, RSI = physical address, both 2 MiB aligned: one 2 MiB
; mapping in the tables at R14, with PDPT and PD pages allocated as needed.
map_2m:
        push rax
        push rbx
        push rcx
        mov rbx, r14
        mov rcx, rdi
        shr rcx, 39
        call .down
        mov rcx, rdi
        shr rcx, 30
        call .down
        mov rcx, rdi
        shr rcx, 21
        and ecx, 511
        lea rax, [rsi + PG_PS + PG_P_RW]
        mov [rbx + rcx*8], rax
        pop rcx
        pop rbx
        pop rax
        ret
; RBX = table, RCX = VA bits shifted down to this level: RBX becomes the
; next-level table, which is allocated if the entry is still empty.
.down:
        and ecx, 511
        mov rax, [rbx + rcx*8]
        test al, 1
        jnz .present
        call alloc_table
        or rax, PG_P_RW
        mov [rbx + rcx*8], rax
.present:
        and rax, -4096
        mov rbx, rax
        ret

; RAX = a zeroed page from the pool.
alloc_table:
        push rcx
        push rdi
        mov rax, [next_table]
        add qword [next_table], 4096
        mov rdi, rax
        mov ecx, 512
        push rax
        xor eax, eax
        rep stosq
        pop rax
        pop rdi
        pop rcx
        ret

section .data
        align 8
next_table:     dq TABLE_POOL

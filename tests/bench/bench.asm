; tests/bench/bench.asm - the benchmark guest: one flat binary that runs both
; under the hypervisor (module: type=flat mode=protected load=0x100000
; entry=0x100040) and directly in QEMU (qemu -kernel, through the Multiboot v1
; header below, "a.out kludge" form so no ELF is needed).
;
; Each measurement reads the TSC around N repetitions of one operation and
; prints "bench NAME TOTAL N" on COM1 (under the hypervisor that is the
; virtual UART). Under QEMU's -icount shift=0 the TSC advances one tick per
; emulated instruction, guest and host alike, so TOTAL/N is the exact number
; of instructions one round trip costs (PLATFORM.md). The loop's own cost is
; measured the same way ("bench empty") and subtracted by scripts/bench.sh.
;
; Entry state (both ways): 32-bit protected mode, flat segments, paging off,
; interrupts off. The guest sets up its own GDT, and 4 KiB page tables for the
; page-walk test.

        bits 32
        org 0x100000

MB1_MAGIC       equ 0x1badb002
MB1_FLAGS       equ 1 << 16             ; addresses below are valid (a.out kludge)
LOAD            equ 0x100000
UART            equ 0x3f8
EXIT_PORT       equ 0xf4
N_EXIT          equ 1000                ; repetitions for exit round trips
N_LOOP          equ 100000              ; iterations of the compute loop
TOUCH_BASE      equ 0x01000000          ; 16 MiB: fresh pages start here
TOUCH_PAGES     equ 16384               ; 64 MiB of them
WALK_PAGES      equ 4096                ; pages touched through 4 KiB mappings
PT_BASE         equ 0x00800000          ; page directory + tables for 0-128 MiB

mb1_header:
        dd MB1_MAGIC
        dd MB1_FLAGS
        dd -(MB1_MAGIC + MB1_FLAGS)
        dd mb1_header                   ; header_addr
        dd LOAD                         ; load_addr
        dd image_end                    ; load_end_addr
        dd bss_end                      ; bss_end_addr
        dd entry                        ; entry_addr

        align 64
entry:                                  ; = LOAD + 0x40
        cli
        lgdt [gdt_ptr]
        jmp 0x08:.reload
.reload:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, stack_top

        ; Under our hypervisor? (VMMCALL is #UD on bare hardware.)
        mov eax, 0x40000000
        cpuid
        cmp ebx, 0x6d4d5653             ; "SVMm"
        sete byte [under_hv]

        mov esi, msg_start
        call puts

        ; ---- the empty loop: the baseline every figure has subtracted -----
        mov ecx, N_EXIT
        rdtsc
        mov [t0], eax
        mov [t0 + 4], edx
.empty: dec ecx
        jnz .empty
        call bench_end
        mov esi, name_empty
        mov eax, N_EXIT
        call report

        ; ---- CPUID exit round trip ---------------------------------------
        mov edi, N_EXIT
        call start_clock
.cpuid: xor eax, eax
        cpuid
        dec edi
        jnz .cpuid
        call bench_end
        mov esi, name_cpuid
        mov eax, N_EXIT
        call report

        ; ---- OUT to a port the hypervisor absorbs (POST port 0x80) --------
        mov ecx, N_EXIT
        call start_clock_keep_ecx
.out:   out 0x80, al
        dec ecx
        jnz .out
        call bench_end
        mov esi, name_out
        mov eax, N_EXIT
        call report

        ; ---- IN from the UART's line status register ----------------------
        mov ecx, N_EXIT
        mov dx, UART + 5
        call start_clock_keep_ecx
.in:    in al, dx
        dec ecx
        jnz .in
        call bench_end
        mov esi, name_in
        mov eax, N_EXIT
        call report

        ; ---- VMMCALL round trip (HC_ABI_VERSION), hypervisor only ---------
        cmp byte [under_hv], 0
        je .no_vmmcall
        mov edi, N_EXIT
        call start_clock
.vmmcall:
        xor eax, eax
        db 0x0f, 0x01, 0xd9
        dec edi
        jnz .vmmcall
        call bench_end
        mov esi, name_vmmcall
        mov eax, N_EXIT
        call report
.no_vmmcall:

        ; ---- compute loop: no exits at all --------------------------------
        mov ecx, N_LOOP
        xor ebx, ebx
        call start_clock_keep_ecx
.compute:
        lea ebx, [ebx + ecx * 2 + 7]
        xor ebx, ecx
        rol ebx, 3
        dec ecx
        jnz .compute
        call bench_end
        mov esi, name_compute
        mov eax, N_LOOP
        call report

        ; ---- first touch of fresh 4 KiB pages (paging off) ----------------
        mov edi, TOUCH_BASE
        mov ecx, TOUCH_PAGES
        call start_clock_keep_ecx
.touch: mov byte [edi], 1
        add edi, 4096
        dec ecx
        jnz .touch
        call bench_end
        mov esi, name_touch
        mov eax, TOUCH_PAGES
        call report

        ; ---- 4096 pages through the guest's own 4 KiB mappings ------------
        call build_page_tables
        mov eax, PT_BASE
        mov cr3, eax
        mov eax, cr0
        or eax, 1 << 31
        mov cr0, eax
        mov edi, TOUCH_BASE             ; second pass over pages already touched
        mov ecx, WALK_PAGES
        call start_clock_keep_ecx
.walk:  add byte [edi], 1
        add edi, 4096
        dec ecx
        jnz .walk
        call bench_end
        mov esi, name_walk
        mov eax, WALK_PAGES
        call report

        mov esi, msg_done
        call puts
        mov al, 0
        out EXIT_PORT, al               ; under the hypervisor: exit code 0
        ; bare QEMU: isa-debug-exit makes QEMU exit with status 1
.hang:  hlt
        jmp .hang

; ---- helpers ----------------------------------------------------------------

; Identity-map 0-128 MiB with 4 KiB pages: a page directory at PT_BASE and
; 32 page tables after it.
build_page_tables:
        mov edi, PT_BASE
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov edi, PT_BASE
        mov eax, PT_BASE + 4096 + 3
        mov ecx, 32
.pde:   mov [edi], eax
        add eax, 4096
        add edi, 4
        loop .pde
        mov edi, PT_BASE + 4096
        mov eax, 3
        mov ecx, 32 * 1024
.pte:   mov [edi], eax
        add eax, 4096
        add edi, 4
        loop .pte
        ret

start_clock:
start_clock_keep_ecx:
        push eax
        push edx
        rdtsc
        mov [t0], eax
        mov [t0 + 4], edx
        pop edx
        pop eax
        ret

; t1 - t0 into [delta] (64-bit).
bench_end:
        rdtsc
        sub eax, [t0]
        sbb edx, [t0 + 4]
        mov [delta], eax
        mov [delta + 4], edx
        ret

; Prints "bench NAME DELTA N\n"; ESI = name, EAX = N.
report:
        push eax
        push esi
        mov esi, msg_bench
        call puts
        pop esi
        call puts
        mov al, ' '
        call putc
        mov eax, [delta]                ; under 2^32 for every test here
        call putdec
        mov al, ' '
        call putc
        pop eax
        call putdec
        mov al, 10
        call putc
        ret

puts:   lodsb
        test al, al
        jz .done
        call putc
        jmp puts
.done:  ret

putc:   push edx
        mov dx, UART
        out dx, al
        pop edx
        ret

; EAX in decimal.
putdec: push ebx
        push ecx
        push edx
        mov ebx, 10
        xor ecx, ecx
.div:   xor edx, edx
        div ebx
        push edx
        inc ecx
        test eax, eax
        jnz .div
.out:   pop eax
        add al, '0'
        call putc
        loop .out
        pop edx
        pop ecx
        pop ebx
        ret

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08 code 32
        dq 0x00cf92000000ffff           ; 0x10 data
gdt_ptr:
        dw gdt_ptr - gdt - 1
        dd gdt

msg_start:   db "bench: start", 10, 0
msg_done:    db "bench: done", 10, 0
msg_bench:   db "bench ", 0
name_empty:  db "empty", 0
name_cpuid:  db "cpuid", 0
name_out:    db "out_absorbed", 0
name_in:     db "in_uart_lsr", 0
name_vmmcall: db "vmmcall", 0
name_compute: db "compute_loop", 0
name_touch:  db "first_touch_4k", 0
name_walk:   db "page_walk_4k", 0
under_hv:    db 0

image_end:
        align 8
t0:     dq 0
delta:  dq 0
        align 16
stack:  times 4096 db 0
stack_top:
bss_end:

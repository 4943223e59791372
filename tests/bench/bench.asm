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
; interrupts off. The guest sets up its own GDT, an IDT for the local APIC's
; interrupts, and 4 KiB page tables for the page-walk test (identity, with
; the xAPIC page mapped uncached for the EOI test that runs with paging on).
; The local APIC: under the hypervisor a flat guest gets the power-on state
; (software-disabled, every LVT masked); bare QEMU leaves SeaBIOS's (enabled,
; LINT0 ExtINT). Either way the guest masks the 8259A pair and LINT0/LINT1
; and enables its LAPIC itself (SVR bit 8), so only its own interrupts come.
;
; A second use (scripts/bench.sh's IPI boot, no icount): a VM with cpus=2,
; where every vCPU starts at the entry with ESI = its number and EDI = the
; count (docs/guest-abi.md). With EDI = 2 under the hypervisor the guest runs
; the IPI ping-pong (ipi_bench) instead of the single-vCPU measurements.

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
PT_LAPIC        equ PT_BASE + 33 * 4096 ; the page table of 0xFEC00000-0xFEFFFFFF
N_TIMER         equ 1000                ; LAPIC timer round trips
N_IPI           equ 1000                ; IPI round trips (the IPI boot)
SPIN_LIMIT      equ 100000000           ; polls before a wait gives up (no answer)

; Local APIC (Intel SDM Vol. 3A, Table 10-1; x2APIC MSRs Table 10-6).
LAPIC_BASE      equ 0xfee00000          ; IA32_APIC_BASE's reset value
APIC_EOI        equ 0x0b0
APIC_SVR        equ 0x0f0
APIC_ICR_LO     equ 0x300
APIC_ICR_HI     equ 0x310
APIC_LVT_TIMER  equ 0x320
APIC_LVT_LINT0  equ 0x350
APIC_LVT_LINT1  equ 0x360
APIC_TIMER_INIT equ 0x380
APIC_TIMER_DIV  equ 0x3e0
APIC_SW_ENABLE  equ 1 << 8
LVT_MASKED      equ 1 << 16
MSR_APIC_BASE   equ 0x1b
APIC_BASE_EN    equ 1 << 11
APIC_BASE_EXTD  equ 1 << 10
MSR_X2APIC_EOI  equ 0x80b
CPUID1_X2APIC   equ 1 << 21             ; CPUID 1 ECX
PM_TMR          equ 0x608               ; ACPI PM timer (PIIX4 PM base 0x600)
HC_CPU_ID       equ 3                   ; hypercall: the host CPU this vCPU runs on

VEC_TIMER       equ 0x40                ; the LAPIC timer's interrupt
VEC_PING        equ 0x41                ; IPI to vCPU 1
VEC_PONG        equ 0x42                ; IPI back to vCPU 0
VEC_SPURIOUS    equ 0xff

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
        ; A stack per vCPU (all of them start here with the same ESP). ESI
        ; is only defined under the hypervisor: bare, it is masked to 0/1,
        ; a valid stack either way, and cleared below.
        mov eax, esi
        and eax, 1
        shl eax, 12
        mov esp, stack_top
        sub esp, eax

        ; Under our hypervisor? (VMMCALL is #UD on bare hardware.)
        mov eax, 0x40000000
        cpuid
        cmp ebx, 0x6d4d5653             ; "SVMm"
        sete byte [under_hv]
        jne .bare
        cmp edi, 2                      ; the IPI boot: two vCPUs
        je ipi_bench
        test esi, esi
        jnz .hang                       ; only vCPU 0 measures
        jmp .go
.bare:  xor esi, esi
.go:

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

        ; ---- IN from the ACPI PM timer ------------------------------------
        mov ecx, N_EXIT
        mov dx, PM_TMR
        call start_clock_keep_ecx
.pmtmr: in eax, dx
        dec ecx
        jnz .pmtmr
        call bench_end
        mov esi, name_pmtmr
        mov eax, N_EXIT
        call report

        ; ---- the local APIC: enabled, only its own interrupts -------------
        call setup_idt
        call mask_pic
        call lapic_enable

        ; ---- xAPIC EOI write, nothing in service (paging off) -------------
        ; `mov %eax, 0xb0(%edx)`: opcode 89, the form an OS's EOI takes.
        mov edi, N_EXIT
        mov edx, LAPIC_BASE
        xor eax, eax
        call start_clock
.eoi:   mov [edx + APIC_EOI], eax
        dec edi
        jnz .eoi
        call bench_end
        mov esi, name_eoi
        mov eax, N_EXIT
        call report

        ; ---- LAPIC one-shot timer: arm, fire, handler (EOI), back ---------
        ; Initial count 1, divide by 1: due at once, so the figure is the
        ; path (the write, the host timer, the injection, the handler's
        ; EOI), not a wait.
        mov edx, LAPIC_BASE
        mov dword [edx + APIC_TIMER_DIV], 0x0b          ; divide by 1
        mov dword [edx + APIC_LVT_TIMER], VEC_TIMER     ; one-shot, unmasked
        mov ebx, 1
        mov edi, N_TIMER
        sti
        call start_clock
.timer: mov byte [timer_fired], 0
        mov [edx + APIC_TIMER_INIT], ebx
        mov ecx, SPIN_LIMIT
.tw:    cmp byte [timer_fired], 0
        jne .tdone
        dec ecx
        jnz .tw
        cli
        mov esi, msg_no_timer
        jmp fail
.tdone: dec edi
        jnz .timer
        call bench_end
        cli
        mov edx, LAPIC_BASE
        mov dword [edx + APIC_LVT_TIMER], LVT_MASKED | VEC_TIMER
        mov esi, name_timer
        mov eax, N_TIMER
        call report

        ; ---- x2APIC EOI (WRMSR 0x80B), where CPUID offers x2APIC ----------
        mov eax, 1
        cpuid
        test ecx, CPUID1_X2APIC
        jz .no_x2apic
        mov ecx, MSR_APIC_BASE
        rdmsr
        or eax, APIC_BASE_EXTD
        wrmsr
        mov edi, N_EXIT
        mov ecx, MSR_X2APIC_EOI
        xor eax, eax
        xor edx, edx
        call start_clock
.x2eoi: wrmsr
        dec edi
        jnz .x2eoi
        call bench_end
        ; Back to xAPIC mode for the paged test below: only by way of the
        ; disabled state (SDM 10.12.5), which resets the registers.
        mov ecx, MSR_APIC_BASE
        rdmsr
        and eax, ~(APIC_BASE_EN | APIC_BASE_EXTD)
        wrmsr
        or eax, APIC_BASE_EN
        wrmsr
        call lapic_enable
        mov esi, name_x2eoi
        mov eax, N_EXIT
        call report
.no_x2apic:

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

        ; ---- xAPIC EOI write with paging on (4 KiB pages, as an OS) -------
        mov edi, N_EXIT
        mov edx, LAPIC_BASE
        xor eax, eax
        call start_clock
.eoipg: mov [edx + APIC_EOI], eax
        dec edi
        jnz .eoipg
        call bench_end
        mov esi, name_eoi_pg
        mov eax, N_EXIT
        call report

        mov esi, msg_done
        call puts
        mov al, 0
        out EXIT_PORT, al               ; under the hypervisor: exit code 0
        ; bare QEMU: isa-debug-exit makes QEMU exit with status 1
.hang:  hlt
        jmp .hang

; ---- the IPI boot: two vCPUs on two host CPUs ------------------------------
;
; vCPU 0 sends VEC_PING to vCPU 1 (fixed, physical destination 1); vCPU 1's
; handler answers with VEC_PONG to vCPU 0, whose handler sets [pong]. vCPU 0
; times each round trip with RDTSC (ICR write to the end of its wait) and
; reports the shortest and the sum:
;   bench ipi_min TICKS N / bench ipi_total TICKS N / bench ipi_cpus A B
; (A, B: the host CPUs of vCPU 0 and 1, by HC_CPU_ID). Both wait by spinning
; with interrupts on, so the figure is the delivery path, not a wake-up.
; ESI = this vCPU's number.
ipi_bench:
        call setup_idt
        call lapic_enable
        mov ebp, LAPIC_BASE
        mov eax, HC_CPU_ID
        db 0x0f, 0x01, 0xd9             ; VMMCALL
        mov [host_cpu + esi * 4], eax
        test esi, esi
        jnz ipi_responder

        call mask_pic
        mov dword [ebp + APIC_ICR_HI], 1 << 24          ; destination: APIC ID 1
        mov ecx, SPIN_LIMIT
.ap:    cmp byte [ap_ready], 0
        jne .ap_up
        pause
        dec ecx
        jnz .ap
        mov esi, msg_no_ap
        jmp fail
.ap_up: sti
        mov dword [ipi_min], 0xffffffff
        mov edi, N_IPI
.rt:    mov byte [pong], 0
        mov ecx, VEC_PING                               ; fixed, physical, no shorthand
        rdtsc
        mov ebx, eax                                    ; a round trip is far below 2^32 ticks
        mov [ebp + APIC_ICR_LO], ecx
        mov ecx, SPIN_LIMIT
.wait:  cmp byte [pong], 0
        jne .back
        pause
        dec ecx
        jnz .wait
        cli
        mov esi, msg_no_pong
        jmp fail
.back:  rdtsc
        sub eax, ebx
        add [ipi_total], eax
        adc dword [ipi_total + 4], 0
        cmp eax, [ipi_min]
        jae .next
        mov [ipi_min], eax
.next:  dec edi
        jnz .rt
        cli
        mov eax, [ipi_min]
        mov [delta], eax
        mov dword [delta + 4], 0
        mov esi, name_ipi_min
        mov eax, N_IPI
        call report
        mov eax, [ipi_total]
        mov [delta], eax
        mov esi, name_ipi_total
        mov eax, N_IPI
        call report
        mov esi, msg_bench
        call puts
        mov esi, name_ipi_cpus
        call puts
        mov al, ' '
        call putc
        mov eax, [host_cpu]
        call putdec
        mov al, ' '
        call putc
        mov eax, [host_cpu + 4]
        call putdec
        mov al, 10
        call putc
        mov esi, msg_done
        call puts
        mov al, 0
        out EXIT_PORT, al               ; stops the VM, both vCPUs
.hang:  hlt
        jmp .hang

; vCPU 1: answers every ping from its handler; spins meanwhile.
ipi_responder:
        mov dword [ebp + APIC_ICR_HI], 0                ; destination: APIC ID 0
        sti
        mov byte [ap_ready], 1
.spin:  pause
        jmp .spin

; Prints ESI's message and stops with exit code 1.
fail:   call puts
        mov al, 1
        out EXIT_PORT, al
.hang:  hlt
        jmp .hang

; ---- interrupt handlers -------------------------------------------------------

; The LAPIC timer: note it, EOI.
timer_isr:
        push eax
        push edx
        mov byte [timer_fired], 1
        mov edx, LAPIC_BASE
        xor eax, eax
        mov [edx + APIC_EOI], eax
        pop edx
        pop eax
        iret

; vCPU 1: a ping; send the pong (ICR high holds APIC ID 0), EOI.
ping_isr:
        push eax
        push edx
        mov edx, LAPIC_BASE
        mov eax, VEC_PONG
        mov [edx + APIC_ICR_LO], eax
        xor eax, eax
        mov [edx + APIC_EOI], eax
        pop edx
        pop eax
        iret

; vCPU 0: the pong.
pong_isr:
        push eax
        push edx
        mov byte [pong], 1
        mov edx, LAPIC_BASE
        xor eax, eax
        mov [edx + APIC_EOI], eax
        pop edx
        pop eax
        iret

; Vectors 32-255 that nobody asked for (the spurious vector among them): no
; EOI (a spurious interrupt takes none).
stray_isr:
        iret

; An exception: nothing here raises one on purpose.
exception_isr:
        mov esi, msg_exception
        jmp fail

; ---- helpers ----------------------------------------------------------------

; The IDT: exceptions to exception_isr, the measured vectors to their
; handlers, everything else to stray_isr. Each vCPU loads it (one table).
setup_idt:
        push eax
        push ecx
        push edi
        cmp byte [idt_built], 0
        jne .load
        mov edi, idt
        xor ecx, ecx
.gate:  mov eax, exception_isr
        cmp ecx, 32
        jb .set
        mov eax, stray_isr
        cmp ecx, VEC_TIMER
        jne .1
        mov eax, timer_isr
.1:     cmp ecx, VEC_PING
        jne .2
        mov eax, ping_isr
.2:     cmp ecx, VEC_PONG
        jne .set
        mov eax, pong_isr
.set:   mov [edi], ax                   ; offset 15:0
        mov word [edi + 2], 0x08        ; code selector
        mov word [edi + 4], 0x8e00      ; present, DPL 0, 32-bit interrupt gate
        shr eax, 16
        mov [edi + 6], ax               ; offset 31:16
        add edi, 8
        inc ecx
        cmp ecx, 256
        jb .gate
        mov byte [idt_built], 1
.load:  lidt [idt_ptr]
        pop edi
        pop ecx
        pop eax
        ret

; The 8259A pair masked (bare QEMU: SeaBIOS left the PIT's IRQ 0 unmasked).
mask_pic:
        push eax
        mov al, 0xff
        out 0x21, al
        out 0xa1, al
        pop eax
        ret

; This vCPU's LAPIC software-enabled (spurious vector 0xFF), LINT0/LINT1
; masked.
lapic_enable:
        push edx
        mov edx, LAPIC_BASE
        mov dword [edx + APIC_SVR], APIC_SW_ENABLE | VEC_SPURIOUS
        mov dword [edx + APIC_LVT_LINT0], LVT_MASKED
        mov dword [edx + APIC_LVT_LINT1], LVT_MASKED
        pop edx
        ret

; Identity-map 0-128 MiB with 4 KiB pages: a page directory at PT_BASE and
; 32 page tables after it; and the xAPIC page at LAPIC_BASE, uncached
; (PCD|PWT), through one more table.
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
        mov edi, PT_LAPIC
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [PT_BASE + (LAPIC_BASE >> 22) * 4], PT_LAPIC + 3
        mov dword [PT_LAPIC + ((LAPIC_BASE >> 12) & 0x3ff) * 4], LAPIC_BASE | 0x1b   ; P W PWT PCD
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
idt_ptr:
        dw 256 * 8 - 1
        dd idt

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
name_pmtmr:  db "pm_timer_read", 0
name_eoi:    db "lapic_eoi_xapic", 0
name_eoi_pg: db "lapic_eoi_xapic_paged", 0
name_x2eoi:  db "lapic_eoi_x2apic", 0
name_timer:  db "lapic_timer_oneshot", 0
name_ipi_min: db "ipi_min", 0
name_ipi_total: db "ipi_total", 0
name_ipi_cpus: db "ipi_cpus", 0
msg_no_timer: db "bench: the LAPIC timer did not fire", 10, 0
msg_no_ap:   db "bench: ipi: vCPU 1 did not come up", 10, 0
msg_no_pong: db "bench: ipi: no answer from vCPU 1", 10, 0
msg_exception: db "bench: unexpected exception", 10, 0
under_hv:    db 0

image_end:
        align 8
t0:     dq 0
delta:  dq 0
ipi_total: dq 0
ipi_min: dd 0
host_cpu: dd 0, 0
timer_fired: db 0
pong:   db 0
ap_ready: db 0
idt_built: db 0
        align 8
idt:    times 256 * 8 db 0
        align 16
stack:  times 2 * 4096 db 0             ; vCPU 1's, then vCPU 0's
stack_top:
bss_end:

; hostile.asm - a guest that tries everything it should not be able to do.
; Tests: isolation. Run it in the same boot as a well-behaved guest
; (chatty_pm.asm): that guest and the host must be unaffected. This guest
; itself survives its own faults (#UD / #GP are caught by the IDT from
; guest.inc and it carries on) and reports nothing but what it tried.
; In order: every SVM instruction; WRMSR VM_HSAVE_PA, VM_CR, EFER.SVME,
; SYSCFG; an unknown hypercall; writes to the PCI config ports, the PIC,
; CMOS/RTC, garbage to the UART, POST port 0x80; LAST a keyboard-controller
; reset (port 0x64, 0xFE), so with on_reset=stop the VM ends as "reset". If
; on_reset= restarts it, the second boot sees HC_RESET_COUNT != 0 and exits
; with code 0 instead of looping.
; mode=long, org/load/entry 0x100000, mem >= 2 MiB.
; Exit: none (the reset ends it); 0 after a restart; 1 with "FAIL ..." if it
; is still running after the reset request or takes an exception other than
; #UD/#GP.
; Console:
;   hostile: long mode, tries to disturb the host and other guests
;   tried VMRUN
;   tried VMLOAD
;   tried VMSAVE
;   tried STGI
;   tried CLGI
;   tried SKINIT
;   tried INVLPGA
;   tried WRMSR VM_HSAVE_PA
;   tried WRMSR VM_CR
;   tried WRMSR EFER.SVME
;   tried WRMSR SYSCFG
;   tried unknown hypercall
;   tried PCI config ports 0xCF8/0xCFC
;   tried PIC ports 0x20/0x21
;   tried CMOS ports 0x70/0x71
;   garbage:????[2J?c????(??
;     (that is the raw `garbage` bytes below as the console shows them when
;     control bytes and bytes >= 0x7f become '?' and "\r" is dropped)
;   tried UART garbage on 0x3F8
;   tried POST port 0x80
;   trying reset via port 0x64
; and after a restart (on_reset= restarting the VM), the first line again and
;   booted again after a reset, stopping

        bits 64
        org 0x100000
%include "tests/guests/guest.inc"

VM_CR_LOCK_SVMDIS equ 0x18          ; lock VM_CR with SVM disabled: host-wide

; Faults are expected and ignored: the point is only that nothing else breaks.
%macro TRY_SVM 2
        xor eax, eax
        xor ecx, ecx
        TRY db 0x0f, 0x01, %2
        PRINTLN "tried ", %1
%endmacro

%macro TRY_WRMSR 4                  ; "what", msr, edx, eax
        mov ecx, %2
        mov edx, %3
        mov eax, %4
        TRY wrmsr
        PRINTLN "tried WRMSR ", %1
%endmacro

%macro OUTB 2                       ; port, byte
        mov dx, %1
        mov al, %2
        out dx, al
%endmacro

start:
        PRINTLN "hostile: long mode, tries to disturb the host and other guests"
        HYPERCALL HC_RESET_COUNT
        cmp eax, 0xffffffff
        je .first_boot
        test eax, eax
        jz .first_boot
        PRINTLN "booted again after a reset, stopping"
        EXIT 0
.first_boot:
        call lm_setup_traps

        TRY_SVM "VMRUN",   0xd8
        TRY_SVM "VMLOAD",  0xda
        TRY_SVM "VMSAVE",  0xdb
        TRY_SVM "STGI",    0xdc
        TRY_SVM "CLGI",    0xdd
        TRY_SVM "SKINIT",  0xde
        TRY_SVM "INVLPGA", 0xdf

        ; Host save area at physical 0; SVM off and locked; SVME in our
        ; EFER; every SYSCFG bit (memory encryption, MTRR fixed-range RdMem/
        ; WrMem, ...).
        TRY_WRMSR "VM_HSAVE_PA", MSR_VM_HSAVE_PA, 0, 0
        TRY_WRMSR "VM_CR", MSR_VM_CR, 0, VM_CR_LOCK_SVMDIS
        mov ecx, MSR_EFER
        TRY rdmsr
        or eax, EFER_SVME
        TRY wrmsr
        PRINTLN "tried WRMSR EFER.SVME"
        TRY_WRMSR "SYSCFG", MSR_SYSCFG, 0xffffffff, 0xffffffff

        mov rax, 0xdeadbeef
        mov rbx, -1
        VMMCALL
        PRINTLN "tried unknown hypercall"

        ; Host bridge command register (bus 0, device 0, function 0,
        ; offset 4) and its PAM registers (offset 0x58): all ones / zeros.
        ; CONFIG_ADDRESS is written as one dword at 0xCF8; its byte at 0xCF9
        ; is 0x00, not a reset value.
        mov dx, 0xcf8
        mov eax, 0x80000004
        out dx, eax
        mov dx, 0xcfc
        mov eax, 0xffffffff
        out dx, eax
        mov dx, 0xcf8
        mov eax, 0x80000058
        out dx, eax
        mov dx, 0xcfc
        xor eax, eax
        out dx, eax
        PRINTLN "tried PCI config ports 0xCF8/0xCFC"

        ; Reinitialise the master PIC onto the exception vectors (base 8)
        ; and unmask every line.
        OUTB 0x20, 0x11
        OUTB 0x21, 0x08
        OUTB 0x21, 0x04
        OUTB 0x21, 0x01
        OUTB 0x21, 0x00
        PRINTLN "tried PIC ports 0x20/0x21"

        ; NMI off + CMOS shutdown status (0x0F) = 0x0A (warm-boot jump),
        ; RTC register B = all ones (every RTC interrupt on).
        OUTB 0x70, 0x8f
        OUTB 0x71, 0x0a
        OUTB 0x70, 0x0b
        OUTB 0x71, 0xff
        PRINTLN "tried CMOS ports 0x70/0x71"

        ; Straight to THR, bypassing guest_putc: control characters, an
        ; ANSI clear-screen and terminal reset, DEL, bytes >= 0x80. The
        ; newline ends it, so the next report gets a line of its own.
        lea rsi, [garbage]
        mov ecx, garbage_len
        mov dx, UART_THR
.garbage:
        lodsb
        out dx, al
        loop .garbage
        PRINTLN "tried UART garbage on 0x3F8"

        OUTB 0x80, 0x00
        OUTB 0x80, 0xff
        OUTB 0x80, 0xde
        PRINTLN "tried POST port 0x80"

        PRINTLN "trying reset via port 0x64"
        mov al, KBC_RESET
        out KBC_PORT, al
        PRINTLN "FAIL still running after the reset request"
        EXIT 1

section .data
garbage:
        db "garbage:", 0x00, 0x07, 0x08, 0x1b, "[2J", 0x1b, "c"
        db 0x7f, 0x80, 0x9b, 0xc3, 0x28, 0xfe, 0xff, 0x0d, 0x0a
garbage_len equ $ - garbage

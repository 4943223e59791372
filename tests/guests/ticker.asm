; ticker.asm - a long-running guest for the shell tests: it talks ("tick
; N"), listens (each line typed to it comes back as "echo: LINE"), and makes
; the exits `exits NAME` must count: IOIO (its UART), CPUID, VMMCALL, HLT
; (with IF=1: it waits 10 ms on its own timer, HC_SET_TIMER, or for input)
; and physical interrupts (its timer, armed for 0.1 ms before it computes for
; longer than that, fires while it is in guest mode: the host's LAPIC timer
; interrupt is an INTR exit). A round is its computing plus the 10 ms wait,
; so "tick N" comes 8-10 times a second under QEMU TCG.
; Never exits by itself: the operator stops, resets or pauses it.
; ticker.bin: mode=protected, org/load/entry 0x100000, mem >= 2 MiB.
; listener.bin (listener.asm: TICKS 0, LONG_MODE 1): the same code built
; for mode=long (its page tables are the hypervisor's identity map, so the
; shell's `mem NAME gva:ADDR` has a 4-level walk to show), silent until
; spoken to, and with no timer: its HLT lasts until input comes.
; Console:
;   ticker: tick every 10 rounds; type a line to hear it back
;   tick 1
;   echo: LINE             (for each line received)

%ifdef LONG_MODE
        bits 64
%else
        bits 32
%endif
        org 0x100000
%include "tests/guests/guest.inc"

%ifndef TICKS
%define TICKS 1
%endif

UART_RBR        equ 0x3F8
UART_LSR_DR     equ 0x01
ROUNDS_PER_TICK equ 10
SPIN            equ 300000      ; a few ms of computing under QEMU TCG
LINE_MAX        equ 60
WAIT_US         equ 10000       ; the HLT at the end of a round
INTR_US         equ 100         ; well inside SPIN: this expiry lands while it computes

; HC_SET_TIMER us with vector 0: only a HLT ends when it passes.
%macro SET_TIMER 1
        push G_BX
        xor ecx, ecx
        HYPERCALL HC_SET_TIMER, %1
        pop G_BX
%endmacro

start:
%if TICKS
        PRINTLN "ticker: tick every 10 rounds; type a line to hear it back"
%else
        PRINTLN "listener: type a line to hear it back"
%endif
        xor ebx, ebx            ; rounds since the last tick line
        xor edi, edi            ; tick number
.round:
        call take_input
        push G_BX               ; CPUID writes EBX
        xor eax, eax
        cpuid
        pop G_BX
%if TICKS
        SET_TIMER INTR_US
%endif
        mov ecx, SPIN
.spin:  dec ecx
        jnz .spin
        inc ebx
        cmp ebx, ROUNDS_PER_TICK
        jb .wait
        xor ebx, ebx
        inc edi
%if TICKS
        PRINT "tick "
        PUTDEC edi
        NEWLINE
%endif
.wait:
%if TICKS
        SET_TIMER WAIT_US       ; also drops the expiry of the short one
%endif
        sti                     ; HLT with IF=1 waits; IF=0 would end the VM
        hlt
        cli
        jmp .round

; Reads whatever the UART has; a CR or LF ends a line, which is echoed.
take_input:
        mov dx, UART_LSR
        in al, dx
        test al, UART_LSR_DR
        jz .done
        mov dx, UART_RBR
        in al, dx
        cmp al, 13
        je .eol
        cmp al, 10
        je .eol
        mov ecx, [line_len]
        cmp ecx, LINE_MAX
        jae take_input          ; a line too long: the rest is dropped
        lea G_DX, [line_buf]
        mov [G_DX + G_CX], al
        inc dword [line_len]
        jmp take_input
.eol:   mov ecx, [line_len]
        test ecx, ecx           ; CR LF: the LF ends an empty line, skipped
        jz take_input
        lea G_DX, [line_buf]
        mov byte [G_DX + G_CX], 0
        PRINT "echo: "
        PUTS line_buf
        NEWLINE
        mov dword [line_len], 0
        jmp take_input
.done:  ret

        section .data
line_len: dd 0
line_buf: times LINE_MAX + 1 db 0

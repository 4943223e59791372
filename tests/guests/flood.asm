; flood.asm - a guest that writes its UART as fast as the UART takes it.
; Tests: a VM flooding its console slows no other VM, and loses nothing
; when the console falls behind: its LSR.THRE reads clear while its transmit
; ring is full (the console is slow), and it waits. It counts the LSR reads
; that found THRE clear and prints the count so far on every line, so a
; test can see that the console did hold it back.
; mode=protected, org/load/entry 0x100000, mem >= 2 MiB. Exit code 0.
; Console (66 bytes a line, its "\n" included):
;   flood: 3000 lines as fast as the UART takes them
;   flood 000001 busy 0000000000 abcdefghijklmnopqrstuvwxyz0123456789
;   ...
;   flood 003000 busy NNNNNNNNNN abcdefghijklmnopqrstuvwxyz0123456789
;   flood: done, NNNNNNNNNN busy reads of LSR

        bits 32
        org 0x100000
%include "tests/guests/guest.inc"

LINES   equ 3000

start:
        PRINTLN "flood: 3000 lines as fast as the UART takes them"
        mov ebx, 1
.line:  mov eax, ebx
        mov edi, line_no
        mov ecx, 6
        call decimal
        mov eax, [busy]
        mov edi, line_busy
        mov ecx, 10
        call decimal
        mov esi, line
        call flood_puts
        inc ebx
        cmp ebx, LINES
        jbe .line
        mov eax, [busy]
        mov edi, done_busy
        mov ecx, 10
        call decimal
        mov esi, done
        call flood_puts
        EXIT 0

; EAX = value, written as ECX decimal digits (zero-padded) ending at EDI+ECX.
decimal:
        push ebx
        push edx
        mov ebx, 10
.digit: xor edx, edx
        div ebx
        add dl, '0'
        mov [edi + ecx - 1], dl
        loop .digit
        pop edx
        pop ebx
        ret

; ESI = NUL-terminated string. Like guest_puts, but the wait for THRE has no
; bound (the test's timeout is the bound) and every LSR read that finds the
; transmitter busy is counted in [busy].
flood_puts:
        push eax
        push edx
.next:  mov dx, UART_LSR
.poll:  in al, dx
        test al, UART_LSR_THRE
        jnz .ready
        inc dword [busy]
        jmp .poll
.ready: mov al, [esi]
        test al, al
        jz .done
        mov dx, UART_THR
        out dx, al
        inc esi
        jmp .next
.done:  pop edx
        pop eax
        ret

section .data
busy:   dd 0
line:   db "flood "
line_no: db "000000 busy "
line_busy: db "0000000000 abcdefghijklmnopqrstuvwxyz0123456789", 10, 0
done:   db "flood: done, "
done_busy: db "0000000000 busy reads of LSR", 10, 0

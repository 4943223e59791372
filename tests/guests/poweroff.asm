; poweroff.asm - a guest that switches its machine off the ACPI way.
; Tests: the PM1a control register at 0x604 (SLP_TYP 0 = S5, SLP_EN), which
; stops the VM with "poweroff" (not an exit code, not a reset).
; mode=real, org/load/entry 0x7c00, any mem. No exit code: the VM powers off.
; Console:
;   powering off via ACPI PM1a_CNT
;   FAIL still running   (only if the write did not stop the VM)

        bits 16
        org 0x7c00
%include "tests/guests/guest.inc"

start:
        PRINTLN "powering off via ACPI PM1a_CNT"
        mov dx, 0x604
        mov ax, 0x2000                  ; SLP_EN | SLP_TYP=0
        out dx, ax
        PRINTLN "FAIL still running"
        EXIT 1

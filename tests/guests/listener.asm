; listener.asm - ticker.asm without the ticks, in long mode: silent until
; spoken to, then each line typed to it comes back as "echo: LINE".
; mode=long, org/load/entry 0x100000, mem >= 2 MiB. See ticker.asm.
%define TICKS 0
%define LONG_MODE 1
%include "tests/guests/ticker.asm"

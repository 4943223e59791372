/* guest-loader/pc_firmware.h - What the PC's firmware leaves in low memory
 * when an OS loader starts, as SeaBIOS and QEMU's Multiboot option ROM
 * leave it on QEMU 7.2's pc machine with the differential tests' command
 * line (-M pc,hpet=off -nodefaults: no VGA, COM1 only). Measured with
 * tests/guests/mb/mbinfo.c under QEMU's -kernel; the values and what each
 * means are in docs/pc.md ("Machine state at a Multiboot entry"). Pure
 * bytes: the loaders copy them into guest RAM.
 *
 * The devices' state (PIC, PIT, RTC, LAPIC, IOAPIC) is not memory: the
 * board programs it (struct vm's firmware_state hook, hv/vm.h). */
#ifndef GUEST_LOADER_PC_FIRMWARE_H
#define GUEST_LOADER_PC_FIRMWARE_H

#include "lib/types.h"

#define PC_BDA_BYTES 256u

/* The BIOS data area at 0x400 (IBM PC/AT Technical Reference; SeaBIOS
 * src/biosvar.h struct bios_data_area_s): COM1 at 0x3F8, the EBDA's
 * segment, the equipment word, 639 KiB of base memory, the keyboard
 * buffer's pointers, the disk control byte, COM1's timeout, the keyboard
 * flags. The timer tick count (0x46C) is left 0: it is the time of day on
 * QEMU, different on every boot. */
void pc_bda_build(uint8_t bda[PC_BDA_BYTES]);

/* The EBDA's first byte: its size in KiB (the rest of its 1 KiB is zero
 * on QEMU at a Multiboot entry). */
#define PC_EBDA_SIZE_KIB 1u

/* QEMU's Multiboot option ROM enters the kernel with its own GDT loaded:
 * GDTR = this address and limit, the table (null, flat 32-bit code 0x08,
 * flat 32-bit data 0x10, 16-bit code 0x18, 16-bit data 0x20) in the ROM at
 * 0xC0000 (the first option ROM slot with no VGA BIOS). The hypervisor's
 * board has no ROM there; the loader copies the table to the same address
 * so that a kernel which reloads a segment register before its own LGDT
 * finds what it finds on QEMU. */
#define MB_ROM_GDT_GPA    0xc02b8u
#define MB_ROM_GDT_LIMIT  0x27u
extern const uint8_t mb_rom_gdt[MB_ROM_GDT_LIMIT + 1];

/* The rest of the CPU state the option ROM leaves (measured): CR0 = PE|ET
 * (it writes 1; ET reads as 1), EFLAGS = 0x6 (PF and the fixed bit: IF and
 * DF clear), ESP = 0x6f08 (SeaBIOS's stack), IDTR = the real-mode IVT
 * (base 0, limit 0x3ff), CR3 = CR4 = EFER = 0. */
#define MB_ENTRY_CR0      0x11u
#define MB_ENTRY_EFLAGS   0x6u
#define MB_ENTRY_ESP      0x6f08u
#define MB_ENTRY_IDT_LIMIT 0x3ffu

#endif

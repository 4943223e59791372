/* boot/early_com1.h - Writing to COM1 before the hypervisor's UART driver
 * runs: the boot paths that can no longer use the firmware's console (the
 * EFI amd64 entry, hvboot.efi after ExitBootServices) say why they stop
 * here. Polled, with the port as the firmware left it (115200 8N1 on the
 * machines we boot); a missing UART only costs a bounded wait per byte.
 * Header-only: the EFI amd64 entry's objects may call nothing outside
 * boot/efi64/ (mk/efi64.mk), and hvboot.efi is a program of its own. */
#ifndef BOOT_EARLY_COM1_H
#define BOOT_EARLY_COM1_H

#include "arch/x86/io.h"
#include "drivers/uart.h"

#define EARLY_COM1_LSR       (COM1_PORT + 5)
#define EARLY_COM1_LSR_THRE  0x20       /* 16550 LSR bit 5: the transmit holding register is empty */
#define EARLY_COM1_SPINS     100000u    /* per byte, then it is sent anyway */

static inline void early_com1_write(const char *s)
{
	for (; *s; s++) {
		for (unsigned n = 0; n < EARLY_COM1_SPINS && !(inb(EARLY_COM1_LSR) & EARLY_COM1_LSR_THRE); n++)
			;
		outb(COM1_PORT, (uint8_t)*s);
	}
}

#endif

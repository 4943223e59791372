/* hv/vdev/vsysctl.h - The PC's ways for software to end or reset the machine
 * that are not another model's, modelled per VM: the debug-exit ports
 * 0xF4-0xF7 (as QEMU's isa-debug-exit,iobase=0xf4,iosize=4), the reset
 * control register 0xCF9 and the fast-reset bit of port 0x92 (the 8042's
 * pulse-reset is vi8042.h's, the ACPI S5 power-off vacpi_pm.h's). Each
 * ends in a callback; what a reset means (stop or restart) is the VM's
 * decision. */
#ifndef HV_VDEV_VSYSCTL_H
#define HV_VDEV_VSYSCTL_H

#include "hv/vdev/iobus.h"

struct vsysctl {
	void (*exit_request)(void *ctx, uint8_t code);
	void (*reset_request)(void *ctx, const char *how);
	void *ctx;
	uint8_t cf9;    /* 0xCF9: SYS_RST (bit 1) as last written */
	uint8_t p92;    /* system control port A, as written (bit 0 cleared by a reset) */
};

#define VSYSCTL_DEBUG_EXIT_PORTS 4
extern const struct pio_ops vsysctl_debug_exit_ops;   /* 4 ports: 0xf4-0xf7, any size; reads 0 */
extern const struct pio_ops vsysctl_cf9_ops;          /* 1 port: 0xcf9 */
extern const struct pio_ops vsysctl_port92_ops;       /* 1 port: 0x92 */

void vsysctl_init(struct vsysctl *s, void (*exit_request)(void *ctx, uint8_t code),
		  void (*reset_request)(void *ctx, const char *how), void *ctx);
void vsysctl_reset(struct vsysctl *s);

#endif

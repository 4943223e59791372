/* hv/vdev/vsysctl.h - The PC's ways for software to end or reset the machine,
 * modelled per VM: the debug-exit port 0xF4 (as QEMU's isa-debug-exit), the
 * keyboard controller's pulse-reset command (0xFE to port 0x64), the reset
 * control register 0xCF9 and the fast-reset bit of port 0x92. Each ends in
 * a callback; what a reset means (stop or restart) is the VM's decision. */
#ifndef HV_VDEV_VSYSCTL_H
#define HV_VDEV_VSYSCTL_H

#include "hv/iobus.h"

struct vsysctl {
	void (*exit_request)(void *ctx, uint8_t code);
	void (*reset_request)(void *ctx, const char *how);
	void *ctx;
	uint8_t cf9;    /* last value written to 0xCF9 */
	uint8_t p92;    /* system control port A */
};

extern const struct pio_ops vsysctl_debug_exit_ops;   /* 1 port: 0xf4 */
extern const struct pio_ops vsysctl_i8042_ops;        /* 5 ports: 0x60-0x64 */
extern const struct pio_ops vsysctl_cf9_ops;          /* 1 port: 0xcf9 */
extern const struct pio_ops vsysctl_port92_ops;       /* 1 port: 0x92 */

void vsysctl_init(struct vsysctl *s, void (*exit_request)(void *ctx, uint8_t code),
		  void (*reset_request)(void *ctx, const char *how), void *ctx);
void vsysctl_reset(struct vsysctl *s);

#endif

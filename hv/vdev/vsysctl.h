/* hv/vdev/vsysctl.h - The PC's ways for software to end or reset the machine,
 * modelled per VM: the debug-exit port 0xF4 (as QEMU's isa-debug-exit), the
 * keyboard controller's pulse-reset command (0xFE to port 0x64), the reset
 * control register 0xCF9, the fast-reset bit of port 0x92, and the ACPI
 * PM1a control register at 0x604 (where QEMU's pc machine has it), whose
 * SLP_EN with SLP_TYP 0 is the S5 power-off. Each ends in a callback; what
 * a reset means (stop or restart) is the VM's decision. */
#ifndef HV_VDEV_VSYSCTL_H
#define HV_VDEV_VSYSCTL_H

#include "hv/vdev/iobus.h"

struct vsysctl {
	void (*exit_request)(void *ctx, uint8_t code);
	void (*reset_request)(void *ctx, const char *how);
	void (*poweroff_request)(void *ctx);
	void *ctx;
	uint8_t cf9;    /* last value written to 0xCF9 */
	uint8_t p92;    /* system control port A */
	uint16_t pm1_cnt;   /* PM1a control, without the write-only SLP_EN */
};

extern const struct pio_ops vsysctl_debug_exit_ops;   /* 1 port: 0xf4 */
extern const struct pio_ops vsysctl_i8042_ops;        /* 5 ports: 0x60-0x64 */
extern const struct pio_ops vsysctl_cf9_ops;          /* 1 port: 0xcf9 */
extern const struct pio_ops vsysctl_port92_ops;       /* 1 port: 0x92 */
extern const struct pio_ops vsysctl_pm1_cnt_ops;      /* 2 ports: 0x604-0x605 */

void vsysctl_init(struct vsysctl *s, void (*exit_request)(void *ctx, uint8_t code),
		  void (*reset_request)(void *ctx, const char *how), void (*poweroff_request)(void *ctx),
		  void *ctx);
void vsysctl_reset(struct vsysctl *s);

#endif

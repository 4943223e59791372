/* hv/vdev/vuart.h - The guest's 16550 UART (transmit side): bytes the guest
 * sends are collected into lines and handed to the console as whole lines.
 * Registers per the PC16550D datasheet; no receive, no interrupts yet. */
#ifndef HV_VDEV_VUART_H
#define HV_VDEV_VUART_H

#include "hv/iobus.h"

#define VUART_LINE_MAX 160   /* longer lines are split */

struct vuart {
	void (*line_out)(void *ctx, const char *line, size_t len);
	void *ctx;
	char line[VUART_LINE_MAX];
	size_t len;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint64_t bytes_sent;
};

extern const struct pio_ops vuart_ops;   /* 8 ports, e.g. 0x3f8-0x3ff */

void vuart_init(struct vuart *u, void (*line_out)(void *ctx, const char *line, size_t len), void *ctx);
void vuart_reset(struct vuart *u);
/* Hands out a partial last line (the VM stopped before sending "\n"). */
void vuart_flush(struct vuart *u);

#endif

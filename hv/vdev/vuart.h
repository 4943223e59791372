/* hv/vdev/vuart.h - The guest's 16550 UART: every byte the guest sends goes
 * to tx() at once (the console decides where it shows); bytes the operator
 * types for this VM wait in a receive FIFO that the guest reads from RBR,
 * with LSR.DR telling it one is there. Registers per the PC16550D datasheet.
 * No interrupt reaches the guest yet (there is no virtual PIC); IIR reports
 * received data and transmitter empty by the datasheet's priority, for
 * polling drivers (an IIR read does not clear THRE: with no interrupt
 * delivered there is nothing to acknowledge). */
#ifndef HV_VDEV_VUART_H
#define HV_VDEV_VUART_H

#include "hv/vdev/iobus.h"

#define VUART_RX_SIZE 256   /* power of two; the real part has 16, a burst of typing fits */

struct vuart {
	void (*tx)(void *ctx, uint8_t byte);
	void *ctx;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint64_t bytes_sent, bytes_received;
	/* One producer (the console, on the boot CPU) and one consumer (the
	 * VM's CPU, in its IN exits): head is written only by the consumer,
	 * tail only by the producer, so no lock is needed. */
	volatile uint32_t rx_head, rx_tail;
	uint8_t rx[VUART_RX_SIZE];
};

extern const struct pio_ops vuart_ops;   /* 8 ports, e.g. 0x3f8-0x3ff */

void vuart_init(struct vuart *u, void (*tx)(void *ctx, uint8_t byte), void *ctx);
/* Registers back to their power-on values; the receive FIFO is emptied. */
void vuart_reset(struct vuart *u);
/* Queues a byte for the guest to read. False when the FIFO is full (the byte
 * is dropped, as a real UART's overrun would). Safe against the guest's
 * concurrent reads on another CPU. */
bool vuart_receive(struct vuart *u, uint8_t byte);
/* Bytes waiting in the receive FIFO. */
uint32_t vuart_rx_pending(const struct vuart *u);

#endif

/* hv/vdev/vuart.h - The guest's 16550 UART (registers per the PC16550D
 * datasheet).
 *
 * Transmit: a byte written to THR outside loopback (or sent by
 * HC_CONSOLE_PUTC, which goes through the same vuart_transmit(), loopback
 * or not) is appended to the UART's transmit ring and the write returns;
 * it never waits for the host's UART. The
 * console owner takes the bytes out (vuart_tx_take) and prints them. The
 * ring is the transmitter the guest sees: LSR.THRE and LSR.TEMT read set
 * while it has room, clear while it is full, so a driver that polls LSR
 * before writing waits for the console and loses nothing.
 *
 *   bytes waiting            LSR.THRE/TEMT   a write to THR
 *   0 .. SIZE-2              set             queued
 *   SIZE-1 ("full")          clear           queued anyway (the spare slot)
 *   SIZE                     clear           dropped, counted in tx_overruns
 *
 * The spare slot plays the part of a real 16550's holding register next to
 * its shift register: one byte written while THRE is clear is kept, only a
 * second one overruns (a real part would overwrite THR).
 *
 * Producers are the VM's vCPUs, on their CPUs, under tx_lock (a VM may have
 * several vCPUs writing its UART at once; nobody else takes this lock). The
 * one consumer is whoever holds the console lock. tx_notify(ctx, byte,
 * queued) runs after every byte queued, outside tx_lock, with the number
 * of bytes then waiting: the console decides there whether to wake the
 * console owner (hv/console/console.c).
 *
 * Receive: bytes the operator types for this VM wait in a receive ring
 * that the guest reads from RBR, with LSR.DR telling it one is there. In
 * loopback (MCR.LOOP) a byte written to THR does not go to the transmit
 * ring (nor to the console): the receiver gets it, in a holding register
 * without FIFOs (a second byte before the first is read overruns: LSR.OE,
 * the new byte kept) or in a 16-byte FIFO with FCR.FE (a 17th is dropped,
 * LSR.OE). RBR gives the looped bytes first, then the ring's. Without
 * FIFOs RBR keeps the last byte received and reads it again when nothing
 * new came; with FIFOs an empty read gives 0 (QEMU's serial.c).
 *
 * Interrupt (the board wires it to ISA IRQ 4 for COM1), the sources by
 * the datasheet's priority as QEMU 7.2's serial_update_irq has them:
 * line status (ELSI, while LSR.OE is set: until LSR is read); character
 * timeout (ERBFI, with FIFOs: four character times at the divisor and LCR
 * after the last byte received or read, bytes still there; until RBR is
 * read or the FIFO cleared); received data (ERBFI, a byte there and, with
 * FIFOs, as many as the trigger level); THR empty (ETBEI and a THR-empty
 * event unacknowledged: one arises when ETBEI is enabled with room in the
 * ring, after every byte written while room remains, when FCR clears the
 * transmitter or changes FE, and when the console drains a full ring; an
 * IIR read that reports it, or a THR write, acknowledges it; the THR write
 * drops the line first, so the event that follows is a new edge). No
 * modem-status interrupt: the modem lines never change (MSR reads
 * DCD|DSR|CTS, without delta bits; in loopback its top nibble is MCR's
 * low one, still without delta bits, as QEMU's). INTR is not gated by
 * MCR.OUT2 (QEMU's is not either).
 *
 * Time: only the character timeout needs it, from the clock and deadline
 * hook vuart_set_clock gives (hv/vdev/vdev.h); without one the timeout
 * never comes.
 *
 * Ports: vuart_ops takes the 8 registers (VUART_PORTS from the base); a
 * word or dword access is one byte access per port, lowest first, as on
 * QEMU (its serial_io_ops implement byte accesses only). */
#ifndef HV_VDEV_VUART_H
#define HV_VDEV_VUART_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VUART_RX_SIZE 256    /* power of two; the real part has 16, a burst of typing fits */
#define VUART_TX_SIZE 1024   /* power of two: about 90 ms of a 115200-baud line */
#define VUART_PORTS   8
#define VUART_FIFO    16     /* the receive FIFO looped-back bytes wait in (the 16550's) */

typedef void (*vuart_notify_fn)(void *ctx, uint8_t byte, uint32_t queued);

struct vuart {
	vuart_notify_fn tx_notify;
	void *ctx;
	/* The guest's side: written on the VM's vCPUs only (the console
	 * reads ier, fcr and the receiver's count to decide the line). */
	uint16_t lsr_fast;           /* the offset LSR's short path answers: UART_LSR while LSR is the
				      * rings' alone, none while a looped byte or OE is there */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t iir_fifo;            /* IIR bits 7:6: set by an FCR write with FE, cleared by one without and by reset */
	uint8_t itl;                 /* the receive trigger level (FCR bits 7:6): 1, 4, 8 or 14 bytes */
	uint8_t rbr;                 /* the holding register: the last byte received without FIFOs */
	uint8_t lsr_err;             /* LSR.OE until LSR is read */
	uint8_t loop_head, loop_count;
	uint8_t loop_rx[VUART_FIFO]; /* bytes looped back, not yet read (at most 1 without FIFOs: in rbr) */
	bool thr_ipending;           /* a THR-empty interrupt not yet acknowledged */
	uint64_t char_ns;            /* a character's time at the divisor and LCR (QEMU's char_transmit_time) */
	struct irq_line irq;         /* INTR: ISA IRQ 4 on the board */
	struct spinlock irq_lock;    /* irq_level and the line's changes, the timeout: vCPUs, console, board */
	bool irq_level;
	bool timeout_ipending;       /* the character timeout, under irq_lock */
	uint64_t timeout_deadline;   /* when it comes (guest TSC), VDEV_NO_DEADLINE for never; under irq_lock */
	const struct vclock *clock;  /* NULL: no character timeout */
	struct vdev_deadline_hook hook;
	uint64_t bytes_sent, bytes_received;
	/* Receive: one producer (the console, on the boot CPU) and one
	 * consumer (the VM's CPU, in its IN exits): head is written only by
	 * the consumer, tail only by the producer, so no lock is needed. */
	volatile uint32_t rx_head, rx_tail;
	uint8_t rx[VUART_RX_SIZE];
	/* Transmit: tail and tx_overruns under tx_lock (the vCPUs), head by
	 * the console owner only. */
	struct spinlock tx_lock;
	volatile uint32_t tx_head, tx_tail;
	uint64_t tx_overruns;        /* bytes dropped: written with the ring full, spare slot taken */
	uint8_t tx[VUART_TX_SIZE];
};

extern const struct pio_ops vuart_ops;   /* 8 ports, e.g. 0x3f8-0x3ff */

/* Power-on state, both rings empty. notify may be NULL (nobody is told). */
void vuart_init(struct vuart *u, vuart_notify_fn notify, void *ctx);
/* Where the interrupt goes (the board, after vuart_init). */
void vuart_set_irq(struct vuart *u, struct irq_line irq);
/* The guest's clock and the hook told when the next deadline moves (the
 * board, after vuart_init; the clock is kept by pointer, the hook copied).
 * Without a clock the character timeout never comes. */
void vuart_set_clock(struct vuart *u, const struct vclock *clock, const struct vdev_deadline_hook *hook);
/* The character timeout's time (absolute guest TSC), VDEV_NO_DEADLINE for
 * none; vuart_expire(u, now) at or after it raises it (vdev.h). */
uint64_t vuart_next_deadline(struct vuart *u);
void vuart_expire(struct vuart *u, uint64_t now);
/* Who is told of transmitted bytes (the console, once, before the VM
 * runs); the registers, rings and interrupt wire are left as they are. */
void vuart_set_notify(struct vuart *u, vuart_notify_fn notify, void *ctx);
/* Registers back to their reset values (QEMU's serial_reset: MCR OUT2,
 * divisor 12; FCR, which it leaves, is left too, only IIR's FIFO bits are
 * cleared); the receive ring and FIFO are emptied. The transmit ring is
 * not: what the guest sent before the reset was sent, and still goes out. */
void vuart_reset(struct vuart *u);

/* The transmit path (a THR write, HC_CONSOLE_PUTC): queues byte, true; or
 * false when even the spare slot is taken (dropped, counted). */
bool vuart_transmit(struct vuart *u, uint8_t byte);
/* Bytes waiting in the transmit ring. */
uint32_t vuart_tx_pending(const struct vuart *u);
/* The consumer: moves up to max waiting bytes, oldest first, to buf;
 * returns how many. Only the holder of the console lock calls it. */
uint32_t vuart_tx_take(struct vuart *u, uint8_t *buf, uint32_t max);

/* Queues a byte for the guest to read. False when the FIFO is full (the byte
 * is dropped, as a real UART's overrun would). Safe against the guest's
 * concurrent reads on another CPU. */
bool vuart_receive(struct vuart *u, uint8_t byte);
/* Bytes waiting in the receive FIFO. */
uint32_t vuart_rx_pending(const struct vuart *u);

#endif

/* tests/unit/test_vuart.c - The 16550 as QEMU 7.2's serial.c shows it to a
 * guest, beyond the basics in test_vdev.c: loopback (MSR from MCR, bytes
 * from THR to the receiver, overruns), the line-status and character-
 * timeout interrupts and IIR's priorities, FCR's clears and trigger
 * levels, the new edge a THR write makes, QEMU's reset, LSR's short path
 * against its long one, and accesses of odd sizes and offsets. */
/* UNIT_SRC: hv/vdev/vuart.c */
#include "test.h"
#include "hv/vdev/uart16550.h"
#include "hv/vdev/vuart.h"

static uint32_t rd(struct vuart *u, uint16_t off)
{
	return vuart_ops.read(u, NULL, off, 1);
}

static void wr(struct vuart *u, uint16_t off, uint8_t v)
{
	vuart_ops.write(u, NULL, off, 1, v);
}

/* What reached the console: the notifier hears of every byte queued. */
static int nsent;
static uint8_t last_sent;
static void capture_tx(void *ctx, uint8_t byte, uint32_t queued)
{
	(void)ctx;
	(void)queued;
	nsent++;
	last_sent = byte;
}

/* The IRQ line: every change, in order. */
#define MAX_EDGES 32
static int irq_now, nchanges;
static int changes[MAX_EDGES];
static void record_irq(void *ctx, unsigned pin, bool level)
{
	(void)ctx;
	(void)pin;
	irq_now = level;
	if (nchanges < MAX_EDGES)
		changes[nchanges] = level;
	nchanges++;
}

/* A guest clock the test sets, in nanoseconds (hz 1e9), and the deadline
 * hook's calls. */
static uint64_t now_ns;
static int hook_calls;
static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return now_ns;
}
static void on_deadline(void *ctx)
{
	(void)ctx;
	hook_calls++;
}
static const struct vclock clock_ns = { .now = fake_now, .ctx = NULL, .hz = 1000000000ull };

static void setup(struct vuart *u, bool with_clock)
{
	vuart_init(u, capture_tx, NULL);
	vuart_set_irq(u, (struct irq_line){ record_irq, NULL, 4 });
	if (with_clock)
		vuart_set_clock(u, &clock_ns, &(struct vdev_deadline_hook){ on_deadline, NULL });
	nsent = 0;
	irq_now = nchanges = 0;
	now_ns = 1000;
	hook_calls = 0;
}

/* MSR in loopback: DTR -> DSR (bit 5), RTS -> CTS (4), OUT1 -> RI (6),
 * OUT2 -> DCD (7); never a delta bit (QEMU computes it from MCR), so a
 * second read is the same and no modem-status interrupt arises. Out of
 * loopback the fixed lines again. */
static void test_loopback_msr(void)
{
	struct vuart u;
	setup(&u, false);
	EXPECT_EQ(rd(&u, UART_MSR), 0xb0);
	wr(&u, UART_IER, 0x08);                                 /* EDSSI */
	for (unsigned m = 0; m < 16; m++) {
		wr(&u, UART_MCR, (uint8_t)(0x10 | m));
		uint32_t want = (m & 1) << 5 | (m & 2) << 3 | (m & 4) << 4 | (m & 8) << 4;
		EXPECT_EQ(rd(&u, UART_MSR), want);
		EXPECT_EQ(rd(&u, UART_MSR), want);
		EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	}
	wr(&u, UART_MCR, 0x1a);                                 /* Linux's autoconfig: LOOP|OUT2|RTS */
	EXPECT_EQ(rd(&u, UART_MSR) & 0xf0, 0x90);
	EXPECT_EQ(rd(&u, UART_MCR), 0x1a);
	wr(&u, UART_MCR, 0x08);
	EXPECT_EQ(rd(&u, UART_MSR), 0xb0);
	EXPECT_EQ(rd(&u, UART_MSR), 0xb0);
	EXPECT_EQ(nchanges, 0);
}

/* Loopback without FIFOs: the holding register. A byte written to THR is
 * received, never sent; a second before the first is read overruns (OE,
 * the new byte kept); LSR's read clears OE; RBR reads the last byte again
 * when nothing new came. Out of loopback THR goes to the console again. */
static void test_loopback_holding_register(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	EXPECT_EQ(u.lsr_fast, UART_LSR);
	wr(&u, UART_THR, 'A');
	EXPECT_EQ(nsent, 0);                               /* not on the console */
	EXPECT_EQ(vuart_tx_pending(&u), 0);
	EXPECT_EQ(u.bytes_sent, 0);
	EXPECT_TRUE(u.lsr_fast != UART_LSR);                    /* LSR the long way now */
	EXPECT_EQ(rd(&u, UART_LSR), 0x61);
	EXPECT_EQ(rd(&u, UART_RBR), 'A');
	EXPECT_EQ(u.lsr_fast, UART_LSR);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(rd(&u, UART_RBR), 'A');                       /* nothing new: the same byte */
	wr(&u, UART_THR, 'B');
	wr(&u, UART_THR, 'C');
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);                      /* DR, OE */
	EXPECT_EQ(rd(&u, UART_LSR), 0x61);                      /* OE cleared by the read */
	EXPECT_EQ(rd(&u, UART_RBR), 'C');
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(u.bytes_received, 0);                    /* the console's input counter */
	wr(&u, UART_MCR, 0x08);
	wr(&u, UART_THR, 'z');
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(last_sent, 'z');
	/* the hypercall's path is the console's, loopback or not */
	wr(&u, UART_MCR, 0x18);
	EXPECT_TRUE(vuart_transmit(&u, 'h'));
	EXPECT_EQ(nsent, 2);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(nchanges, 0);
}

/* A looped byte, then console input: the looped byte first; without FIFOs
 * a looped byte arriving while input waits is an overrun. */
static void test_loopback_and_console_input(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	EXPECT_TRUE(vuart_receive(&u, 'k'));
	wr(&u, UART_THR, 'L');
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);
	EXPECT_EQ(rd(&u, UART_RBR), 'L');
	EXPECT_EQ(rd(&u, UART_LSR), 0x61);
	EXPECT_EQ(rd(&u, UART_RBR), 'k');
	EXPECT_EQ(u.bytes_received, 1);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(rd(&u, UART_RBR), 'k');                       /* the holding register: the last byte */
}

/* Loopback with FIFOs: 16 bytes, in order; the 17th and later are
 * dropped with OE; an empty FIFO reads 0. */
static void test_loopback_fifo(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0x07);
	for (unsigned i = 0; i < 20; i++)
		wr(&u, UART_THR, (uint8_t)(0x30 + i));
	EXPECT_EQ(nsent, 0);
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);
	EXPECT_EQ(rd(&u, UART_LSR), 0x61);
	int in_order = 1;
	unsigned n = 0;
	while (n < 40 && (rd(&u, UART_LSR) & 0x01))
		if (rd(&u, UART_RBR) != 0x30 + n++)
			in_order = 0;
	EXPECT_EQ(n, VUART_FIFO);
	EXPECT_TRUE(in_order);
	EXPECT_EQ(rd(&u, UART_RBR), 0);
	EXPECT_EQ(u.lsr_fast, UART_LSR);
	/* the FIFO's indices wrap */
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 11; i++)
			wr(&u, UART_THR, (uint8_t)(round * 11 + i));
		for (unsigned i = 0; i < 11; i++)
			EXPECT_EQ(rd(&u, UART_RBR), round * 11 + i);
	}
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
}

/* With FIFOs, received data interrupts from the trigger level on (FCR bits
 * 7:6: 1, 4, 8, 14 bytes); below it, nothing until the timeout. */
static void test_trigger_levels(void)
{
	static const uint8_t fcr[4] = { 0x01, 0x41, 0x81, 0xc1 };
	static const unsigned level[4] = { 1, 4, 8, 14 };
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_IER, 0x01);
	for (unsigned t = 0; t < 4; t++) {
		wr(&u, UART_FCR, fcr[t] | 0x02);                   /* and clear */
		for (unsigned i = 1; i < level[t]; i++)
			wr(&u, UART_THR, (uint8_t)i);
		EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
		EXPECT_EQ(irq_now, 0);
		wr(&u, UART_THR, 0xee);
		EXPECT_EQ(rd(&u, UART_IIR), 0xc4);
		EXPECT_EQ(irq_now, 1);
		(void)rd(&u, UART_RBR);
		EXPECT_EQ(rd(&u, UART_IIR), 0xc1);                 /* one below again */
		EXPECT_EQ(irq_now, 0);
	}
	/* console input counts the same way */
	wr(&u, UART_MCR, 0x08);
	wr(&u, UART_FCR, 0x43);                                  /* 4 bytes, cleared */
	for (int i = 0; i < 3; i++)
		vuart_receive(&u, 'a');
	EXPECT_EQ(irq_now, 0);
	vuart_receive(&u, 'b');
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc4);
	/* without FIFOs any byte is enough */
	wr(&u, UART_FCR, 0x00);                                  /* FE changes: cleared */
	EXPECT_EQ(irq_now, 0);
	vuart_receive(&u, 'c');
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0x04);
}

/* IIR by priority: line status, timeout, received data, THR empty. */
static void test_iir_priorities(void)
{
	struct vuart u;
	setup(&u, true);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0xc1);                                  /* FIFOs, level 14 */
	for (unsigned i = 0; i < 17; i++)
		wr(&u, UART_THR, (uint8_t)i);                   /* 16 kept, an overrun */
	now_ns += 1000000000ull;
	wr(&u, UART_IER, 0x0f);
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc6);                       /* line status */
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);
	EXPECT_EQ(rd(&u, UART_IIR), 0xcc);                       /* the timeout: 16 bytes sat there */
	(void)rd(&u, UART_RBR);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc4);                       /* 15 >= 14 */
	(void)rd(&u, UART_RBR);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc4);
	(void)rd(&u, UART_RBR);                                  /* 13 */
	EXPECT_EQ(rd(&u, UART_IIR), 0xc2);                       /* THR empty, acknowledged by this read */
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	EXPECT_EQ(irq_now, 0);
}

/* The line-status interrupt: OE with ELSI, until LSR is read. */
static void test_line_status_interrupt(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_IER, 0x04);
	wr(&u, UART_THR, 'E');
	EXPECT_EQ(irq_now, 0);
	wr(&u, UART_THR, 'F');
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0x06);
	EXPECT_EQ(rd(&u, UART_IIR), 0x06);                       /* not acknowledged by IIR */
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);
	EXPECT_EQ(irq_now, 0);
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	EXPECT_EQ(rd(&u, UART_RBR), 'F');
	/* OE stays through a receive clear; only the LSR read ends it */
	wr(&u, UART_THR, 'G');
	wr(&u, UART_THR, 'H');
	wr(&u, UART_FCR, 0x02);
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_LSR), 0x62);
	EXPECT_EQ(irq_now, 0);
}

/* A THR write acknowledges the THR-empty interrupt and it comes back: the
 * line drops and rises, a new edge for an edge-triggered 8259 (QEMU). */
static void test_thr_write_makes_a_new_edge(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_IER, 0x02);
	EXPECT_EQ(nchanges, 1);
	EXPECT_EQ(changes[0], 1);
	wr(&u, UART_THR, 'x');                                   /* no IIR read in between */
	EXPECT_EQ(nchanges, 3);
	EXPECT_EQ(changes[1], 0);
	EXPECT_EQ(changes[2], 1);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_THR, 'y');                                   /* in loopback too */
	EXPECT_EQ(nchanges, 5);
	EXPECT_EQ(changes[3], 0);
	EXPECT_EQ(changes[4], 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0x02);
	EXPECT_EQ(irq_now, 0);
	/* a line held by received data stays up: no edge */
	wr(&u, UART_IER, 0x03);
	EXPECT_EQ(irq_now, 1);
	int before = nchanges;
	wr(&u, UART_THR, 'z');
	EXPECT_EQ(nchanges, before);
	/* with ETBEI off nothing moves */
	wr(&u, UART_IER, 0x00);
	(void)rd(&u, UART_RBR);
	(void)rd(&u, UART_RBR);
	before = nchanges;
	wr(&u, UART_MCR, 0x08);
	wr(&u, UART_THR, 'w');
	EXPECT_EQ(nchanges, before);
	EXPECT_EQ(irq_now, 0);
}

/* FCR: a change of FE clears both FIFOs (the receive ring too, and the
 * THR is empty again: a THR-empty event); the transmit clear alone makes
 * one; the receive clear without FIFOs drops DR, RBR keeps its byte; the
 * same FE again clears nothing; bit 5 (a 16750's 64-byte mode) is not
 * kept. */
static void test_fcr(void)
{
	struct vuart u;
	setup(&u, false);
	vuart_receive(&u, '1');
	wr(&u, UART_IER, 0x02);
	EXPECT_EQ(rd(&u, UART_IIR), 0x02);
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	wr(&u, UART_FCR, 0x01);
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc2);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	vuart_receive(&u, '2');
	wr(&u, UART_FCR, 0x21);                                  /* FE unchanged: nothing cleared */
	EXPECT_EQ(vuart_rx_pending(&u), 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);                       /* bit 5 not reported */
	EXPECT_EQ(u.fcr, 0x01);
	wr(&u, UART_FCR, 0x05);                                  /* transmit clear */
	EXPECT_EQ(rd(&u, UART_IIR), 0xc2);
	EXPECT_EQ(vuart_rx_pending(&u), 1);
	wr(&u, UART_FCR, 0x03);                                  /* receive clear */
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	wr(&u, UART_FCR, 0x00);
	EXPECT_EQ(rd(&u, UART_IIR), 0x02);                       /* FE changed: THR empty again */
	wr(&u, UART_IER, 0);
	/* without FIFOs: the receive clear drops DR, RBR keeps the byte */
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_THR, 'I');
	wr(&u, UART_FCR, 0x02);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(rd(&u, UART_RBR), 'I');
	/* with FIFOs the looped bytes go with a change of FE; RBR then has
	 * the holding register's old byte */
	wr(&u, UART_FCR, 0x01);
	wr(&u, UART_THR, 'x');
	wr(&u, UART_FCR, 0x00);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(rd(&u, UART_RBR), 'I');
	/* the transmit clear with the ring full: the THR is not empty */
	wr(&u, UART_MCR, 0x08);
	while (vuart_tx_pending(&u) < VUART_TX_SIZE - 1)
		vuart_transmit(&u, '.');
	wr(&u, UART_IER, 0x02);
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	wr(&u, UART_FCR, 0x04);
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	EXPECT_EQ(vuart_tx_pending(&u), VUART_TX_SIZE - 1);   /* nothing taken back */
}

/* The character timeout with a clock: four character times after a byte
 * arrives (or is read with more left), bytes still there. */
static void test_char_timeout(void)
{
	struct vuart u;
	setup(&u, true);
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	wr(&u, UART_LCR, 0x03);                                  /* 8N1 at divisor 12: 9600 baud */
	const uint64_t four = 4 * (1000000000ull / 9600) * 10;
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0xc7);
	wr(&u, UART_THR, 'T');
	EXPECT_EQ(vuart_next_deadline(&u), 1000 + four);
	EXPECT_EQ(hook_calls, 1);
	now_ns = 2000;
	wr(&u, UART_THR, 'U');                                   /* later deadline: the board need not hear */
	EXPECT_EQ(vuart_next_deadline(&u), 2000 + four);
	EXPECT_EQ(hook_calls, 1);
	vuart_expire(&u, 1000 + four);                      /* the old time: too early now */
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	wr(&u, UART_IER, 0x01);
	EXPECT_EQ(irq_now, 0);
	vuart_expire(&u, 2000 + four);
	EXPECT_EQ(irq_now, 1);                              /* the board's timer raises it */
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(&u, UART_IIR), 0xcc);
	wr(&u, UART_IER, 0x00);
	EXPECT_EQ(irq_now, 0);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);                       /* ERBFI gates it */
	wr(&u, UART_IER, 0x01);
	EXPECT_EQ(rd(&u, UART_IIR), 0xcc);                       /* still pending */
	now_ns = 10000000;
	EXPECT_EQ(rd(&u, UART_RBR), 'T');                        /* ends it, and re-arms: 'U' is left */
	EXPECT_EQ(irq_now, 0);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	EXPECT_EQ(vuart_next_deadline(&u), 10000000 + four);
	now_ns = 10000000 + four;                           /* a polling guest: no timer needed */
	EXPECT_EQ(rd(&u, UART_IIR), 0xcc);
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_RBR), 'U');
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);   /* empty: nothing armed */
	now_ns += 10 * four;
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	/* the receive clear ends a pending one and its deadline */
	wr(&u, UART_THR, 'V');
	EXPECT_TRUE(vuart_next_deadline(&u) != VDEV_NO_DEADLINE);
	wr(&u, UART_FCR, 0xc3);
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	now_ns += 10 * four;
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	/* without FIFOs no timeout is armed */
	wr(&u, UART_FCR, 0x00);
	wr(&u, UART_THR, 'W');
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(&u, UART_IIR), 0x04);
}

/* Console input with FIFOs below the trigger level: the timeout brings
 * the interrupt (an interrupt-driven guest is not left waiting). */
static void test_char_timeout_console_input(void)
{
	struct vuart u;
	setup(&u, true);
	wr(&u, UART_FCR, 0x81);                                  /* FIFOs, 8 bytes */
	wr(&u, UART_IER, 0x01);
	vuart_receive(&u, 'q');
	EXPECT_EQ(irq_now, 0);
	uint64_t d = vuart_next_deadline(&u);
	EXPECT_EQ(d, 1000 + 4 * (1000000000ull / 9600) * 10);   /* the reset's 9600 baud, 10 bits */
	EXPECT_EQ(hook_calls, 1);
	vuart_expire(&u, d);
	EXPECT_EQ(irq_now, 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xcc);
	EXPECT_EQ(rd(&u, UART_RBR), 'q');
	EXPECT_EQ(irq_now, 0);
	EXPECT_EQ(u.bytes_received, 1);
}

/* Without a clock there is no timeout. */
static void test_char_timeout_without_clock(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0xc1);
	wr(&u, UART_IER, 0x01);
	wr(&u, UART_THR, 'a');
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	vuart_expire(&u, UINT64_MAX - 1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	EXPECT_EQ(irq_now, 0);
}

/* A character's time, as QEMU's serial_update_parameters: start bit, 5-8
 * data bits, parity, 1 or 2 stop bits at 115200 / divisor (whole) baud; a
 * divisor of 0 keeps the last. Seen through the timeout's deadline. */
static uint64_t timeout_after(struct vuart *u)
{
	wr(u, UART_FCR, 0x03);                                   /* clear: no deadline */
	wr(u, UART_THR, 0);
	return vuart_next_deadline(u) - now_ns;
}

static void test_char_time(void)
{
	struct vuart u;
	setup(&u, true);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0x01);
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 9600) * 10);   /* reset: 9600, 10 bits */
	wr(&u, UART_LCR, 0x80);
	wr(&u, UART_DLL, 1);
	wr(&u, UART_LCR, 0x03);
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 115200) * 10);
	wr(&u, UART_LCR, 0x0f);                                  /* 8 bits, parity, 2 stop bits: 12 */
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 115200) * 12);
	wr(&u, UART_LCR, 0x00);                                  /* 5 bits, 1 stop bit: 7 */
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 115200) * 7);
	wr(&u, UART_LCR, 0x80);
	wr(&u, UART_DLL, 0);                                     /* divisor 0: the last time stays, */
	wr(&u, UART_LCR, 0x03);                                  /* LCR's bits with it (QEMU's early return) */
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 115200) * 7);
	wr(&u, UART_LCR, 0x80);
	wr(&u, UART_DLL, 0xff);
	wr(&u, UART_DLM, 0xff);                                  /* 65535: 1 baud */
	wr(&u, UART_LCR, 0x03);
	EXPECT_EQ(timeout_after(&u), 4 * 1000000000ull * 10);
	wr(&u, UART_LCR, 0x80);
	wr(&u, UART_DLL, 0x00);
	wr(&u, UART_DLM, 0x01);                                  /* 256: 450 baud */
	wr(&u, UART_LCR, 0x03);
	EXPECT_EQ(timeout_after(&u), 4 * (1000000000ull / 450) * 10);
}

/* QEMU's reset: MCR OUT2, divisor 12, IIR without its FIFO bits, but FCR
 * as it was (FIFO mode goes on: an empty RBR reads 0, the trigger level
 * holds); receiver, OE and timeout gone. */
static void test_reset(void)
{
	struct vuart u;
	setup(&u, true);
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_FCR, 0xc1);
	wr(&u, UART_IER, 0x05);
	for (unsigned i = 0; i < 18; i++)
		wr(&u, UART_THR, (uint8_t)i);
	EXPECT_EQ(irq_now, 1);
	vuart_reset(&u);
	EXPECT_EQ(irq_now, 0);
	EXPECT_EQ(rd(&u, UART_MCR), 0x08);
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	EXPECT_EQ(rd(&u, UART_MSR), 0xb0);
	EXPECT_EQ(vuart_next_deadline(&u), VDEV_NO_DEADLINE);
	EXPECT_EQ(u.lsr_fast, UART_LSR);
	EXPECT_EQ(rd(&u, UART_RBR), 0);
	wr(&u, UART_IER, 0x01);
	for (int i = 0; i < 13; i++)
		vuart_receive(&u, 'r');
	EXPECT_EQ(rd(&u, UART_IIR), 0x01);                       /* level 14 still */
	vuart_receive(&u, 'r');
	EXPECT_EQ(rd(&u, UART_IIR), 0x04);                       /* and no FIFO bits until an FCR write */
	wr(&u, UART_FCR, 0xc1);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc4);
	wr(&u, UART_LCR, 0x80);
	EXPECT_EQ(rd(&u, UART_DLL), 12);
	EXPECT_EQ(rd(&u, UART_DLM), 0);
}

/* LSR's short path and the long one agree on every state the receiver
 * and the error bit can be in. */
static void test_lsr_paths_agree(void)
{
	struct vuart u;
	setup(&u, false);
	for (int fifo = 0; fifo <= 1; fifo++) {
		wr(&u, UART_FCR, fifo ? 0x07 : 0x00);
		wr(&u, UART_MCR, 0x18);
		wr(&u, UART_THR, 1);
		EXPECT_TRUE(u.lsr_fast != UART_LSR);
		EXPECT_EQ(rd(&u, UART_LSR), 0x61);
		(void)rd(&u, UART_RBR);
		EXPECT_EQ(u.lsr_fast, UART_LSR);
		EXPECT_EQ(rd(&u, UART_LSR), 0x60);
		vuart_receive(&u, 2);                     /* the ring alone: the short path */
		EXPECT_EQ(u.lsr_fast, UART_LSR);
		EXPECT_EQ(rd(&u, UART_LSR), 0x61);
		(void)rd(&u, UART_RBR);
		EXPECT_EQ(rd(&u, UART_LSR), 0x60);
		for (unsigned i = 0; i < 17; i++)
			wr(&u, UART_THR, 3);
		EXPECT_EQ(rd(&u, UART_LSR), 0x63);
		EXPECT_TRUE(u.lsr_fast != UART_LSR);               /* a byte is still there */
		while (rd(&u, UART_LSR) & 1)
			(void)rd(&u, UART_RBR);
		EXPECT_EQ(u.lsr_fast, UART_LSR);
		wr(&u, UART_MCR, 0x08);
	}
}

/* Accesses the bus never makes, by direct call: sizes 0, 3 and 8, offsets
 * past the 8 ports. Only the ports' bytes of the first four are touched;
 * the rest reads as 0. */
static void test_odd_accesses(void)
{
	struct vuart u;
	setup(&u, false);
	wr(&u, UART_SCR, 0x5a);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 7, 0), 0);
	vuart_ops.write(&u, NULL, 7, 0, 0x11);
	EXPECT_EQ(rd(&u, UART_SCR), 0x5a);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 3, 3), 0x600800);      /* LCR, MCR, LSR */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 4, 8), 0x5ab06008);    /* MCR..SCR, then nothing */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 6, 4), 0x5ab0);        /* MSR, SCR */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 7, 2), 0x5a);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 8, 1), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0xffff, 1), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 9, 4), 0);
	vuart_ops.write(&u, NULL, 6, 4, 0x33221100);             /* MSR (read-only), SCR 0x11 */
	EXPECT_EQ(rd(&u, UART_SCR), 0x11);
	vuart_ops.write(&u, NULL, 4, 8, 0x44000008);             /* MCR 8, LSR, MSR, SCR 0x44 */
	EXPECT_EQ(rd(&u, UART_SCR), 0x44);
	EXPECT_EQ(rd(&u, UART_MCR), 0x08);
	vuart_ops.write(&u, NULL, 8, 1, 0x77);
	vuart_ops.write(&u, NULL, 0xffff, 4, 0xffffffff);
	EXPECT_EQ(rd(&u, UART_SCR), 0x44);
	EXPECT_EQ(nsent, 0);
	/* with LSR on its long path (a looped byte, OE) an offset past the
	 * ports takes nothing from it: the byte and OE are still there */
	wr(&u, UART_MCR, 0x18);
	wr(&u, UART_THR, 'n');
	wr(&u, UART_THR, 'o');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 8, 1), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 9, 4), 0);
	(void)vuart_ops.read(&u, NULL, 0xffff, 1);          /* (the short path's offset when off) */
	EXPECT_EQ(rd(&u, UART_LSR), 0x63);
	/* a word at RBR in loopback: the byte and IER */
	wr(&u, UART_IER, 0x05);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 2), 0x0500 | 'o');
	EXPECT_EQ(rd(&u, UART_LSR), 0x60);
	/* a dword write from THR: the byte looped, then IER, FCR, LCR */
	vuart_ops.write(&u, NULL, 0, 4, 0x0301006b);
	EXPECT_EQ(rd(&u, UART_IER), 0x00);
	EXPECT_EQ(rd(&u, UART_LCR), 0x03);
	EXPECT_EQ(rd(&u, UART_IIR), 0xc1);
	EXPECT_EQ(rd(&u, UART_RBR), 0);                          /* FE went on after the byte: cleared */
	EXPECT_EQ(nsent, 0);
}

int main(void)
{
	RUN(test_loopback_msr);
	RUN(test_loopback_holding_register);
	RUN(test_loopback_and_console_input);
	RUN(test_loopback_fifo);
	RUN(test_trigger_levels);
	RUN(test_iir_priorities);
	RUN(test_line_status_interrupt);
	RUN(test_thr_write_makes_a_new_edge);
	RUN(test_fcr);
	RUN(test_char_timeout);
	RUN(test_char_timeout_console_input);
	RUN(test_char_timeout_without_clock);
	RUN(test_char_time);
	RUN(test_reset);
	RUN(test_lsr_paths_agree);
	RUN(test_odd_accesses);
	TEST_MAIN_END();
}

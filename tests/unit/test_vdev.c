/* tests/unit/test_vdev.c - The I/O bus and the device models behind it. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vuart.c hv/vdev/vsysctl.c */
#include <pthread.h>
#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/vsysctl.h"
#include "hv/vdev/vuart.h"

/* The UART's notifier: told of every byte queued in its transmit ring. */
static uint8_t sent[64];
static int nsent;
static uint32_t last_queued;
static void capture_tx(void *ctx, uint8_t byte, uint32_t queued)
{
	(void)ctx;
	if (nsent < (int)sizeof(sent))
		sent[nsent] = byte;
	nsent++;
	last_queued = queued;
}

static int exits, resets, last_code;
static const char *last_how;
static void on_exit_req(void *ctx, uint8_t code) { (void)ctx; exits++; last_code = code; }
static void on_reset_req(void *ctx, const char *how) { (void)ctx; resets++; last_how = how; }

static void test_bus_unclaimed_reads_all_ones(void)
{
	struct iobus bus;
	iobus_init(&bus);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x1234, 1), 0xff);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x1234, 2), 0xffff);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x1234, 4), 0xffffffff);
	iobus_write(&bus, NULL, 0x1234, 4, 0);
	EXPECT_EQ(bus.unclaimed_reads, 3);
	EXPECT_EQ(bus.unclaimed_writes, 1);
}

static void test_bus_register_rules(void)
{
	struct iobus bus;
	struct vuart u;
	iobus_init(&bus);
	vuart_init(&u, capture_tx, NULL);
	EXPECT_EQ(iobus_register(&bus, 0x3f8, 8, &vuart_ops, &u), 0);
	EXPECT_EQ(iobus_register(&bus, 0x3ff, 1, &vuart_ops, &u), -1);    /* overlaps */
	EXPECT_EQ(iobus_register(&bus, 0x3f0, 9, &vuart_ops, &u), -1);    /* overlaps the start */
	EXPECT_EQ(iobus_register(&bus, 0x3f0, 8, &vuart_ops, &u), 0);     /* touches, fine */
	EXPECT_EQ(iobus_register(&bus, 0xfffc, 8, &vuart_ops, &u), -1);   /* wraps */
	EXPECT_EQ(iobus_register(&bus, 0x100, 0, &vuart_ops, &u), -1);
	for (int i = 0; i < IOBUS_MAX_RANGES; i++)
		iobus_register(&bus, (uint16_t)(0x1000 + i * 8), 8, &vuart_ops, &u);
	EXPECT_EQ(bus.count, IOBUS_MAX_RANGES);
	/* an access straddling the end of a range is unclaimed */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3ff, 2), 0xffff);
}

static void test_uart_transmit(void)
{
	struct iobus bus;
	struct vuart u;
	iobus_init(&bus);
	vuart_init(&u, capture_tx, NULL);
	iobus_register(&bus, 0x3f8, 8, &vuart_ops, &u);
	nsent = 0;
	/* every byte goes into the transmit ring, control characters and all,
	 * and the notifier hears of each with the count waiting */
	const uint8_t text[] = { 'h', 'i', '\r', '\n', 0x1b, 0xff, 'x' };
	for (size_t i = 0; i < sizeof(text); i++)
		iobus_write(&bus, NULL, 0x3f8, 1, text[i]);
	EXPECT_EQ(nsent, sizeof(text));
	EXPECT_TRUE(memcmp(sent, text, sizeof(text)) == 0);
	EXPECT_EQ(last_queued, sizeof(text));
	EXPECT_EQ(u.bytes_sent, sizeof(text));
	EXPECT_EQ(vuart_tx_pending(&u), sizeof(text));
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3fd, 1), 0x60);   /* LSR: THRE|TEMT, no data */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3fe, 1), 0xb0);   /* MSR: DCD|DSR|CTS */
	uint8_t out[16];
	EXPECT_EQ(vuart_tx_take(&u, out, 3), 3);       /* the consumer, oldest first */
	EXPECT_TRUE(memcmp(out, text, 3) == 0);
	EXPECT_EQ(vuart_tx_take(&u, out, sizeof(out)), sizeof(text) - 3);
	EXPECT_TRUE(memcmp(out, text + 3, sizeof(text) - 3) == 0);
	EXPECT_EQ(vuart_tx_pending(&u), 0);
	EXPECT_EQ(vuart_tx_take(&u, out, sizeof(out)), 0);
	iobus_write(&bus, NULL, 0x3f8, 1, 'y');
	EXPECT_EQ(last_queued, 1);                     /* empty again: the first byte */
}

/* LSR reads as vuart.h's table says: THRE/TEMT while a byte fits with the
 * spare slot left, clear from SIZE-1 waiting; the spare takes one more
 * write, the next is dropped and counted; draining brings THRE back, and
 * nothing queued is lost or reordered. */
static uint8_t ring_byte(uint32_t i) { return (uint8_t)(i * 7 + 3); }

static void test_uart_transmit_ring_full(void)
{
	static struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	/* start the indices away from zero so the ring wraps */
	uint8_t out[VUART_TX_SIZE];
	for (int i = 0; i < 100; i++)
		vuart_transmit(&u, 0);
	EXPECT_EQ(vuart_tx_take(&u, out, sizeof(out)), 100);
	nsent = 0;

	for (uint32_t i = 0; i < VUART_TX_SIZE - 2; i++)
		vuart_ops.write(&u, NULL, 0, 1, ring_byte(i));
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x60, 0x60);   /* room for one with the spare */
	vuart_ops.write(&u, NULL, 0, 1, ring_byte(VUART_TX_SIZE - 2));
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x60, 0);      /* full: THRE and TEMT clear */
	vuart_ops.write(&u, NULL, 1, 1, 0x02);                    /* ETBEI: no THRE interrupt either */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);
	EXPECT_TRUE(vuart_transmit(&u, ring_byte(VUART_TX_SIZE - 1)));   /* the spare slot */
	EXPECT_EQ(last_queued, VUART_TX_SIZE);
	EXPECT_EQ(u.tx_overruns, 0);
	int told = nsent;
	EXPECT_TRUE(!vuart_transmit(&u, 0xee));             /* overrun: dropped */
	vuart_ops.write(&u, NULL, 0, 1, 0xef);
	EXPECT_EQ(u.tx_overruns, 2);
	EXPECT_EQ(nsent, told);                             /* no notice for a dropped byte */
	EXPECT_EQ(vuart_tx_pending(&u), VUART_TX_SIZE);
	EXPECT_EQ(u.bytes_sent, 100 + VUART_TX_SIZE);

	EXPECT_EQ(vuart_tx_take(&u, out, 1), 1);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x60, 0);      /* SIZE-1 waiting: still full */
	EXPECT_EQ(vuart_tx_take(&u, out + 1, 1), 1);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x60, 0x60);   /* room again */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x02);          /* and the THRE interrupt */
	EXPECT_EQ(vuart_tx_take(&u, out + 2, sizeof(out)), VUART_TX_SIZE - 2);
	int in_order = 1;
	for (uint32_t i = 0; i < VUART_TX_SIZE; i++)
		if (out[i] != ring_byte(i))
			in_order = 0;
	EXPECT_TRUE(in_order);
	EXPECT_EQ(vuart_tx_pending(&u), 0);
}

/* The hypercall's path is the THR write's: the same ring, LSR and count,
 * whatever LCR.DLAB says (with DLAB set, offset 0 is the divisor latch). */
static void test_uart_transmit_ignores_dlab(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	nsent = 0;
	vuart_ops.write(&u, NULL, 3, 1, 0x80);                    /* DLAB */
	EXPECT_TRUE(vuart_transmit(&u, 'k'));
	EXPECT_EQ(u.dll, 12);                               /* the divisor is untouched */
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(sent[0], 'k');
	EXPECT_EQ(u.bytes_sent, 1);
	uint8_t b;
	EXPECT_EQ(vuart_tx_take(&u, &b, 1), 1);
	EXPECT_EQ(b, 'k');
}

/* A reset empties the receive FIFO but not the transmit ring: what was
 * sent before it still goes out. */
static void test_uart_reset_keeps_transmitted_bytes(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	vuart_transmit(&u, 'a');
	vuart_transmit(&u, 'b');
	vuart_reset(&u);
	EXPECT_EQ(vuart_tx_pending(&u), 2);
	uint8_t out[2];
	EXPECT_EQ(vuart_tx_take(&u, out, 2), 2);
	EXPECT_TRUE(out[0] == 'a' && out[1] == 'b');
}

/* Several vCPUs write one UART at once while the console drains it. A
 * guest that serialises its writers (its own lock around "poll LSR, write
 * THR", as an OS's serial driver does) loses nothing and keeps each
 * writer's order. One that lets them race can overrun the ring (two saw
 * THRE set for the last room), but each byte is still queued whole or
 * dropped and counted, never torn or doubled. */
#define WRITERS 3
#define PER_WRITER 100000
static struct vuart shared_uart;
static struct spinlock guest_lock;
static bool guest_locks;
static volatile int writers_done;

static void *writer(void *arg)
{
	uint8_t id = (uint8_t)(uintptr_t)arg;
	for (uint32_t i = 0; i < PER_WRITER; i++) {
		if (guest_locks)
			spin_lock(&guest_lock);
		/* a polite driver: wait for THRE, as guest.inc's putc does */
		while (!(vuart_ops.read(&shared_uart, NULL, 5, 1) & 0x20))
			;
		/* high 2 bits: the writer; low 6: its sequence, mod 64 */
		vuart_ops.write(&shared_uart, NULL, 0, 1, (uint8_t)(id << 6 | (i & 63)));
		if (guest_locks)
			spin_unlock(&guest_lock);
	}
	__atomic_add_fetch(&writers_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Runs the writers and a consumer; returns the bytes taken, and whether
 * each writer's bytes came in order (only meaningful without overruns). */
static uint32_t run_writers(bool locked, int *in_order)
{
	pthread_t t[WRITERS];
	uint32_t next[WRITERS] = { 0 }, total = 0;
	uint8_t buf[256];

	vuart_init(&shared_uart, NULL, NULL);
	guest_locks = locked;
	writers_done = 0;
	*in_order = 1;
	for (uintptr_t i = 0; i < WRITERS; i++)
		pthread_create(&t[i], NULL, writer, (void *)i);
	for (;;) {
		bool done = __atomic_load_n(&writers_done, __ATOMIC_SEQ_CST) == WRITERS;
		uint32_t n = vuart_tx_take(&shared_uart, buf, sizeof(buf));
		for (uint32_t k = 0; k < n; k++) {
			unsigned id = buf[k] >> 6;
			if (id >= WRITERS || (buf[k] & 63) != (next[id] & 63))
				*in_order = 0;
			else
				next[id]++;
		}
		total += n;
		if (done && !n)
			break;
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	return total;
}

static void test_uart_transmit_concurrent_writers(void)
{
	int in_order;
	uint32_t total = run_writers(true, &in_order);
	EXPECT_TRUE(in_order);
	EXPECT_EQ(total, WRITERS * PER_WRITER);
	EXPECT_EQ(shared_uart.tx_overruns, 0);
	EXPECT_EQ(shared_uart.bytes_sent, WRITERS * PER_WRITER);

	total = run_writers(false, &in_order);
	EXPECT_EQ(total + shared_uart.tx_overruns, WRITERS * PER_WRITER);
	EXPECT_EQ(shared_uart.bytes_sent, total);
}

static void test_uart_divisor_latch(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	nsent = 0;
	EXPECT_EQ(u.dll, 12);
	vuart_ops.write(&u, NULL, 3, 1, 0x80);       /* DLAB */
	vuart_ops.write(&u, NULL, 0, 1, 1);          /* DLL, not a byte to send */
	vuart_ops.write(&u, NULL, 1, 1, 0);          /* DLM, not IER */
	EXPECT_EQ(u.dll, 1);
	EXPECT_EQ(u.dlm, 0);
	EXPECT_EQ(u.ier, 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 1);
	EXPECT_EQ(nsent, 0);
	EXPECT_EQ(u.bytes_sent, 0);
	vuart_ops.write(&u, NULL, 3, 1, 0x03);       /* 8N1, DLAB off */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 3, 1), 0x03);
	vuart_ops.write(&u, NULL, 0, 1, 'z');
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(sent[0], 'z');
	EXPECT_EQ(u.bytes_sent, 1);
	EXPECT_EQ(u.dll, 1);
}

static void test_uart_scratch(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	nsent = 0;
	vuart_ops.write(&u, NULL, 7, 1, 0x5a);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 7, 1), 0x5a);
	vuart_ops.write(&u, NULL, 7, 1, 0xa5);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 7, 1), 0xa5);
	EXPECT_EQ(nsent, 0);
}

static void test_uart_receive(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 0);   /* LSR.DR clear: empty */
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 0);          /* RBR when empty */
	EXPECT_EQ(u.bytes_received, 0);

	EXPECT_TRUE(vuart_receive(&u, 'a'));
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1), 0x61);       /* DR|THRE|TEMT */
	EXPECT_TRUE(vuart_receive(&u, 'b'));
	EXPECT_TRUE(vuart_receive(&u, 'c'));
	EXPECT_EQ(vuart_rx_pending(&u), 3);

	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'a');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 1);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'b');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 1);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'c');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 0);   /* drained */
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(u.bytes_received, 3);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'c');        /* empty again: the holding register's last byte */
	EXPECT_EQ(u.bytes_received, 3);

	/* with DLAB set, offset 0 is DLL and does not consume */
	EXPECT_TRUE(vuart_receive(&u, 'd'));
	vuart_ops.write(&u, NULL, 3, 1, 0x80);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 12);
	EXPECT_EQ(vuart_rx_pending(&u), 1);
	vuart_ops.write(&u, NULL, 3, 1, 0x03);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'd');
	EXPECT_EQ(u.bytes_received, 4);
}

static void test_uart_receive_fifo_full(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	/* start the indices away from zero so the FIFO wraps */
	for (int i = 0; i < 10; i++) {
		vuart_receive(&u, 0);
		vuart_ops.read(&u, NULL, 0, 1);
	}
	for (int i = 0; i < VUART_RX_SIZE; i++)
		EXPECT_TRUE(vuart_receive(&u, (uint8_t)i));
	EXPECT_EQ(vuart_rx_pending(&u), VUART_RX_SIZE);
	EXPECT_TRUE(!vuart_receive(&u, 0xee));           /* full: dropped */
	EXPECT_TRUE(!vuart_receive(&u, 0xef));
	EXPECT_EQ(vuart_rx_pending(&u), VUART_RX_SIZE);
	int in_order = 1;
	for (int i = 0; i < VUART_RX_SIZE; i++)
		if (vuart_ops.read(&u, NULL, 0, 1) != (uint8_t)i)
			in_order = 0;
	EXPECT_TRUE(in_order);
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 0);   /* the dropped bytes never arrive */
	EXPECT_TRUE(vuart_receive(&u, 'x'));              /* room again */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'x');
}

static void test_uart_iir(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);       /* IER=0: no interrupt pending */
	vuart_receive(&u, 'q');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);       /* data, but IER=0 */

	vuart_ops.write(&u, NULL, 1, 1, 0x01);                 /* ERBFI */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x04);       /* RDA */
	vuart_ops.read(&u, NULL, 0, 1);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);       /* drained: nothing */

	vuart_ops.write(&u, NULL, 1, 1, 0x02);                 /* ETBEI, THR empty */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x02);       /* THRE, no data; the read acknowledges it */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);
	vuart_ops.write(&u, NULL, 1, 1, 0x03);                 /* ETBEI stays on: no new event */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);
	vuart_ops.write(&u, NULL, 0, 1, 'x');                  /* a byte sent: the THR empties again */
	vuart_receive(&u, 'r');
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x04);       /* RDA outranks THRE */

	vuart_ops.write(&u, NULL, 2, 1, 0x01);                 /* FCR: FIFOs on */
	EXPECT_EQ(vuart_rx_pending(&u), 0);              /* a change of FE clears both FIFOs (QEMU) */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0xc2);       /* bits 7:6 = 11; THR emptied by the clear */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0xc1);
	vuart_ops.write(&u, NULL, 1, 1, 0x01);                 /* ETBEI off, then on: raised again */
	vuart_ops.write(&u, NULL, 1, 1, 0x03);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0xc2);
	vuart_ops.write(&u, NULL, 1, 1, 0x00);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0xc1);
	vuart_ops.write(&u, NULL, 2, 1, 0x00);                 /* FIFOs off */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);
}

/* The interrupt line follows IIR: raised with a source, lowered when the
 * last source is acknowledged or disabled. */
static int irq_changes, irq_now;
static void record_irq(void *ctx, unsigned pin, bool level)
{
	(void)ctx;
	EXPECT_EQ(pin, 4);
	irq_changes++;
	irq_now = level;
}

static void test_uart_irq_line(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	vuart_set_irq(&u, (struct irq_line){ record_irq, NULL, 4 });
	irq_changes = irq_now = 0;
	vuart_ops.write(&u, NULL, 0, 1, 'a');            /* no interrupt enabled: the line stays */
	vuart_receive(&u, 'b');
	EXPECT_EQ(irq_changes, 0);
	vuart_ops.write(&u, NULL, 1, 1, 0x01);           /* ERBFI with data waiting */
	EXPECT_EQ(irq_now, 1);
	vuart_ops.read(&u, NULL, 0, 1);                  /* FIFO drained */
	EXPECT_EQ(irq_now, 0);
	vuart_ops.write(&u, NULL, 1, 1, 0x03);           /* ETBEI: THR empty */
	EXPECT_EQ(irq_now, 1);
	vuart_ops.read(&u, NULL, 2, 1);                  /* IIR acknowledges it */
	EXPECT_EQ(irq_now, 0);
	vuart_ops.write(&u, NULL, 0, 1, 'c');            /* sent: empty again */
	EXPECT_EQ(irq_now, 1);
	vuart_ops.write(&u, NULL, 1, 1, 0x00);
	EXPECT_EQ(irq_now, 0);
	/* A full ring: THR not empty until the console takes bytes. */
	vuart_ops.write(&u, NULL, 1, 1, 0x02);
	vuart_ops.read(&u, NULL, 2, 1);
	while (vuart_tx_pending(&u) < VUART_TX_SIZE - 1)
		vuart_transmit(&u, 'z');
	vuart_ops.write(&u, NULL, 0, 1, 'y');
	EXPECT_EQ(irq_now, 0);
	uint8_t buf[16];
	EXPECT_EQ(vuart_tx_take(&u, buf, sizeof(buf)), 16);
	EXPECT_EQ(irq_now, 1);
}

/* The console's notifier, set after the board wired the line, leaves the
 * wire (and the registers) alone: THR empty still raises IRQ 4, and the
 * new notifier hears the bytes. */
static void test_uart_set_notify_keeps_irq(void)
{
	struct vuart u;
	vuart_init(&u, NULL, NULL);
	vuart_set_irq(&u, (struct irq_line){ record_irq, NULL, 4 });
	vuart_ops.write(&u, NULL, 3, 1, 0x03);           /* LCR 8N1 */
	irq_changes = irq_now = 0;
	nsent = 0;
	vuart_set_notify(&u, capture_tx, NULL);
	EXPECT_EQ(irq_changes, 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 3, 1), 0x03);
	vuart_ops.write(&u, NULL, 1, 1, 0x02);           /* ETBEI with THR empty */
	EXPECT_EQ(irq_now, 1);
	vuart_ops.write(&u, NULL, 0, 1, 'n');
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(sent[0], 'n');
	vuart_ops.write(&u, NULL, 1, 1, 0x00);
	EXPECT_EQ(irq_now, 0);
}

static void test_uart_fcr_clears_receive_fifo(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	vuart_receive(&u, '1');
	vuart_receive(&u, '2');
	vuart_receive(&u, '3');
	EXPECT_EQ(vuart_rx_pending(&u), 3);
	vuart_ops.write(&u, NULL, 2, 1, 0x03);                 /* enable + clear receive FIFO */
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1) & 0x01, 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 0);
	EXPECT_EQ(u.bytes_received, 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0xc1);       /* the clear bit self-clears; FIFOs stay on */
	EXPECT_TRUE(vuart_receive(&u, '4'));
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), '4');
}

static void test_uart_reset(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	vuart_ops.write(&u, NULL, 3, 1, 0x80);
	vuart_ops.write(&u, NULL, 0, 1, 1);
	vuart_ops.write(&u, NULL, 1, 1, 2);
	vuart_ops.write(&u, NULL, 3, 1, 0x03);
	vuart_ops.write(&u, NULL, 1, 1, 0x0f);
	vuart_ops.write(&u, NULL, 2, 1, 0x01);
	vuart_ops.write(&u, NULL, 4, 1, 0x0b);
	vuart_ops.write(&u, NULL, 7, 1, 0x77);
	vuart_receive(&u, 'a');
	vuart_receive(&u, 'b');
	vuart_reset(&u);
	EXPECT_EQ(vuart_rx_pending(&u), 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1), 0x60);
	EXPECT_EQ(u.dll, 12);
	EXPECT_EQ(u.dlm, 0);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 1, 1), 0);          /* IER */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 2, 1), 0x01);       /* IIR: FIFOs off, nothing pending */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 3, 1), 0);          /* LCR */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 4, 1), 0x08);       /* MCR: OUT2, as QEMU's reset */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 7, 1), 0);          /* SCR */
	vuart_ops.write(&u, NULL, 3, 1, 0x80);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 12);         /* DLL back to 9600 baud */
	vuart_ops.write(&u, NULL, 3, 1, 0x00);
	EXPECT_TRUE(vuart_receive(&u, 'c'));             /* still works after reset */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 0, 1), 'c');
}

static void test_uart_register_masks(void)
{
	struct vuart u;
	vuart_init(&u, capture_tx, NULL);
	vuart_ops.write(&u, NULL, 4, 1, 0xff);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 4, 1), 0x1f);       /* MCR: 5 bits */
	vuart_ops.write(&u, NULL, 1, 1, 0xff);
	EXPECT_EQ(vuart_ops.read(&u, NULL, 1, 1), 0x0f);       /* IER: 4 bits */
	vuart_ops.write(&u, NULL, 5, 1, 0x00);                 /* LSR is read-only */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 5, 1), 0x60);
}

/* Word and dword accesses are byte accesses at consecutive registers, as
 * QEMU's serial_io_ops (byte-only) make them. */
static void test_uart_wide_accesses(void)
{
	struct iobus bus;
	struct vuart u;
	iobus_init(&bus);
	vuart_init(&u, capture_tx, NULL);
	EXPECT_EQ(iobus_register(&bus, 0x3f8, VUART_PORTS, &vuart_ops, &u), 0);
	nsent = 0;
	iobus_write(&bus, NULL, 0x3f8, 2, 'A' | 0x0200);         /* THR 'A', IER 0x02 */
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(sent[0], 'A');
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3f9, 1), 0x02);
	iobus_write(&bus, NULL, 0x3fb, 4, 0x5a000380);           /* LCR DLAB, MCR 3, LSR (ro), MSR (ro) */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3f8, 2), 0x000c);     /* DLL, DLM: divisor 12 at reset */
	iobus_write(&bus, NULL, 0x3f8, 2, 0x0001);               /* divisor 1 */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3f8, 2), 0x0001);
	EXPECT_EQ(nsent, 1);                                     /* with DLAB, nothing sent */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3fb, 2), 0x0380);     /* LCR, MCR */
	iobus_write(&bus, NULL, 0x3fb, 1, 0x03);
	uint32_t d = iobus_read(&bus, NULL, 0x3fc, 4);           /* MCR, LSR, MSR, SCR */
	EXPECT_EQ(d & 0xff, 0x03);
	EXPECT_EQ((d >> 8) & 0xff, 0x60);
	EXPECT_EQ(d >> 24, 0);
	iobus_write(&bus, NULL, 0x3fe, 2, 0x7700);               /* MSR (ro), SCR 0x77 */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3ff, 1), 0x77);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x3fe, 4), 0xffffffffu); /* past the 8 ports: refused */
	/* an out-of-range offset from a direct call does not reach past them */
	EXPECT_EQ(vuart_ops.read(&u, NULL, 6, 4), vuart_ops.read(&u, NULL, 6, 2));
}

static void test_sysctl_ports(void)
{
	struct iobus bus;
	struct vsysctl s;
	iobus_init(&bus);
	vsysctl_init(&s, on_exit_req, on_reset_req, NULL);
	EXPECT_EQ(iobus_register(&bus, 0xf4, VSYSCTL_DEBUG_EXIT_PORTS, &vsysctl_debug_exit_ops, &s), 0);
	EXPECT_EQ(iobus_register(&bus, 0xcf9, 1, &vsysctl_cf9_ops, &s), 0);
	EXPECT_EQ(iobus_register(&bus, 0x92, 1, &vsysctl_port92_ops, &s), 0);
	exits = resets = 0;

	iobus_write(&bus, NULL, 0xf4, 1, 42);
	EXPECT_EQ(exits, 1);
	EXPECT_EQ(last_code, 42);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xf4, 1), 0);         /* QEMU's reads 0 */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xf4, 4), 0);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xf7, 1), 0);
	/* any size at any of its 4 ports: the value's low byte */
	iobus_write(&bus, NULL, 0xf4, 2, 0x1234);
	EXPECT_EQ(exits, 2);
	EXPECT_EQ(last_code, 0x34);
	iobus_write(&bus, NULL, 0xf4, 4, 0xabcdef07);
	EXPECT_EQ(last_code, 0x07);
	iobus_write(&bus, NULL, 0xf6, 1, 3);
	EXPECT_EQ(exits, 4);
	EXPECT_EQ(last_code, 3);
	iobus_write(&bus, NULL, 0xf6, 4, 5);                   /* past 0xf7: the bus refuses it */
	EXPECT_EQ(exits, 4);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xf8, 1), 0xff);      /* not its port */

	iobus_write(&bus, NULL, 0xcf9, 1, 0x02);               /* arm: no reset yet */
	EXPECT_EQ(resets, 0);
	iobus_write(&bus, NULL, 0xcf9, 1, 0x06);
	EXPECT_EQ(resets, 1);
	iobus_write(&bus, NULL, 0xcf9, 1, 0x0e);
	EXPECT_EQ(resets, 2);
	EXPECT_STREQ(last_how, "port 0xCF9");
	iobus_write(&bus, NULL, 0xcf9, 1, 0xfa);               /* no RST_CPU: SYS_RST kept, alone */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xcf9, 1), 0x02);
	EXPECT_EQ(resets, 2);

	iobus_write(&bus, NULL, 0x92, 1, 0x02);                /* A20 only */
	EXPECT_EQ(resets, 2);
	iobus_write(&bus, NULL, 0x92, 1, 0x03);
	EXPECT_EQ(resets, 3);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x92, 1), 0x03);      /* as written, until the reset */
	iobus_write(&bus, NULL, 0x92, 1, 0x03);                /* bit 0 already set: no new reset */
	EXPECT_EQ(resets, 3);
	vsysctl_reset(&s);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x92, 1), 0x02);      /* the reset keeps A20 */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xcf9, 1), 0x00);
	/* registered alone, one port each: the bus refuses an access running
	 * past the range, nothing resets (on the board 0xCF9 sits inside
	 * vpci's 0xCF8-0xCFB, which hands it the byte: docs/pc.md) */
	iobus_write(&bus, NULL, 0x92, 2, 0x0101);
	iobus_write(&bus, NULL, 0x92, 4, 0xffffffff);
	iobus_write(&bus, NULL, 0xcf9, 2, 0x0606);
	iobus_write(&bus, NULL, 0xcf9, 4, 0xffffffff);
	EXPECT_EQ(resets, 3);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x92, 2), 0xffff);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xcf9, 4), 0xffffffffu);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x92, 1), 0x02);
	EXPECT_EQ(exits, 4);
}

int main(void)
{
	RUN(test_bus_unclaimed_reads_all_ones);
	RUN(test_bus_register_rules);
	RUN(test_uart_transmit);
	RUN(test_uart_transmit_ring_full);
	RUN(test_uart_transmit_ignores_dlab);
	RUN(test_uart_reset_keeps_transmitted_bytes);
	RUN(test_uart_transmit_concurrent_writers);
	RUN(test_uart_divisor_latch);
	RUN(test_uart_scratch);
	RUN(test_uart_receive);
	RUN(test_uart_receive_fifo_full);
	RUN(test_uart_iir);
	RUN(test_uart_irq_line);
	RUN(test_uart_set_notify_keeps_irq);
	RUN(test_uart_fcr_clears_receive_fifo);
	RUN(test_uart_reset);
	RUN(test_uart_register_masks);
	RUN(test_uart_wide_accesses);
	RUN(test_sysctl_ports);
	TEST_MAIN_END();
}

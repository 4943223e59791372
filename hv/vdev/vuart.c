/* hv/vdev/vuart.c - 16550 UART model (register map: PC16550D datasheet). */
#include "hv/vdev/vuart.h"

_Static_assert((VUART_RX_SIZE & (VUART_RX_SIZE - 1)) == 0, "receive FIFO size is a power of two");
_Static_assert((VUART_TX_SIZE & (VUART_TX_SIZE - 1)) == 0, "transmit ring size is a power of two");

#define REG_THR_RBR_DLL 0
#define REG_IER_DLM     1
#define REG_IIR_FCR     2
#define REG_LCR         3
#define REG_MCR         4
#define REG_LSR         5
#define REG_MSR         6
#define REG_SCR         7

#define LCR_DLAB        0x80
#define LSR_DR          0x01    /* data ready: the receive FIFO holds a byte */
#define LSR_THRE_TEMT   0x60    /* the transmit ring has room (vuart.h: THRE and TEMT together) */
#define IER_ERBFI       0x01    /* interrupt on received data */
#define IER_ETBEI       0x02    /* interrupt on transmitter empty */
#define IIR_NO_INT      0x01
#define IIR_THRE        0x02
#define IIR_RDA         0x04
#define IIR_FIFOS_ON    0xc0    /* IIR bits 7:6 read 11 when FCR enabled the FIFOs */
#define FCR_ENABLE      0x01
#define FCR_CLEAR_RX    0x02
#define MSR_DCD_DSR_CTS 0xb0

/* ---- the interrupt ------------------------------------------------------------- */

/* The sources, by the datasheet's priority (PC16550D table 4): received
 * data (while the FIFO holds a byte and ERBFI is set), then transmitter
 * empty (a THR-empty event not yet acknowledged, with ETBEI). No line
 * status or modem status interrupt ever arises: no receive errors, and the
 * modem lines never change. As on QEMU's serial.c the interrupt pin is not
 * gated by MCR.OUT2. */
static uint8_t iir_source(const struct vuart *u)
{
	if ((u->ier & IER_ERBFI) && vuart_rx_pending(u))
		return IIR_RDA;
	if ((u->ier & IER_ETBEI) && u->thr_ipending)
		return IIR_THRE;
	return IIR_NO_INT;
}

/* Drives the IRQ line to what the sources say; only when it changes, so a
 * driver that never enables an interrupt pays one compare per access. */
static void update_irq(struct vuart *u)
{
	spin_lock(&u->irq_lock);
	bool level = iir_source(u) != IIR_NO_INT;
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
	spin_unlock(&u->irq_lock);
}

/* The THR is empty again (a byte left it, or room came back in the
 * transmit ring): a THR-empty event (datasheet: "THRE interrupt"). */
static void thr_emptied(struct vuart *u)
{
	if (!(u->ier & IER_ETBEI) && !u->irq_level)
		return;
	u->thr_ipending = true;
	update_irq(u);
}

void vuart_set_irq(struct vuart *u, struct irq_line irq)
{
	u->irq = irq;
}

void vuart_set_notify(struct vuart *u, vuart_notify_fn notify, void *ctx)
{
	u->tx_notify = notify;
	u->ctx = ctx;
}

void vuart_init(struct vuart *u, vuart_notify_fn notify, void *ctx)
{
	u->tx_notify = notify;
	u->ctx = ctx;
	u->irq = (struct irq_line){ 0 };
	u->irq_lock = (struct spinlock){ 0 };
	u->irq_level = false;
	u->bytes_sent = u->bytes_received = 0;
	u->rx_head = u->rx_tail = 0;
	u->tx_lock = (struct spinlock){ 0 };
	u->tx_head = u->tx_tail = 0;
	u->tx_overruns = 0;
	vuart_reset(u);
}

void vuart_reset(struct vuart *u)
{
	u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
	u->thr_ipending = false;
	u->dll = 12;   /* 9600 baud, as after a PC's power-on */
	u->dlm = 0;
	/* Emptying is the consumer's move (head catches up with tail); reset
	 * runs on the VM's own CPU, which is the receive FIFO's consumer. The
	 * transmit ring's consumer is the console owner: it is left alone. */
	__atomic_store_n(&u->rx_head, __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
	update_irq(u);
}

/* ---- transmit ---------------------------------------------------------------- */

/* THRE (in LSR and IIR): room for a byte with the spare slot still free
 * (the table in vuart.h). A plain read of tail is enough: a stale value
 * only makes the guest poll once more, or write into the spare slot. */
static bool tx_room(const struct vuart *u)
{
	return u->tx_tail - __atomic_load_n(&u->tx_head, __ATOMIC_ACQUIRE) < VUART_TX_SIZE - 1;
}

bool vuart_transmit(struct vuart *u, uint8_t byte)
{
	spin_lock(&u->tx_lock);
	uint32_t tail = u->tx_tail;
	if (tail - __atomic_load_n(&u->tx_head, __ATOMIC_ACQUIRE) >= VUART_TX_SIZE) {
		/* Read without the lock by the console, to report the loss. */
		__atomic_store_n(&u->tx_overruns, u->tx_overruns + 1, __ATOMIC_RELAXED);
		spin_unlock(&u->tx_lock);
		return false;
	}
	u->tx[tail & (VUART_TX_SIZE - 1)] = byte;
	u->bytes_sent++;
	/* The byte before the index, and sequentially consistent: the
	 * notifier's reads come after it in the one total order, which is
	 * what keeps hv/console/console.c from missing a wake-up. */
	__atomic_store_n(&u->tx_tail, tail + 1, __ATOMIC_SEQ_CST);
	uint32_t queued = tail + 1 - __atomic_load_n(&u->tx_head, __ATOMIC_SEQ_CST);
	spin_unlock(&u->tx_lock);
	if (u->tx_notify)
		u->tx_notify(u->ctx, byte, queued);
	return true;
}

uint32_t vuart_tx_pending(const struct vuart *u)
{
	return __atomic_load_n(&u->tx_tail, __ATOMIC_SEQ_CST) - __atomic_load_n(&u->tx_head, __ATOMIC_ACQUIRE);
}

uint32_t vuart_tx_take(struct vuart *u, uint8_t *buf, uint32_t max)
{
	uint32_t head = u->tx_head;
	uint32_t n = __atomic_load_n(&u->tx_tail, __ATOMIC_SEQ_CST) - head;

	if (n > max)
		n = max;
	for (uint32_t i = 0; i < n; i++)
		buf[i] = u->tx[(head + i) & (VUART_TX_SIZE - 1)];
	/* The copies before the index: from here the producers may reuse the slots. */
	__atomic_store_n(&u->tx_head, head + n, __ATOMIC_SEQ_CST);
	if (n)
		thr_emptied(u);   /* room again: a driver waiting for THR empty is told */
	return n;
}

/* ---- receive ------------------------------------------------------------------ */

uint32_t vuart_rx_pending(const struct vuart *u)
{
	return __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE) - __atomic_load_n(&u->rx_head, __ATOMIC_ACQUIRE);
}

bool vuart_receive(struct vuart *u, uint8_t byte)
{
	uint32_t tail = u->rx_tail;

	if (tail - __atomic_load_n(&u->rx_head, __ATOMIC_ACQUIRE) >= VUART_RX_SIZE)
		return false;
	u->rx[tail & (VUART_RX_SIZE - 1)] = byte;
	__atomic_store_n(&u->rx_tail, tail + 1, __ATOMIC_RELEASE);   /* the byte before the index */
	if (u->ier & IER_ERBFI)
		update_irq(u);
	return true;
}

static uint8_t rx_take(struct vuart *u)
{
	uint32_t head = u->rx_head;

	if (head == __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE))
		return 0;   /* empty: a real 16550 returns the last byte again; 0 is as good */
	uint8_t b = u->rx[head & (VUART_RX_SIZE - 1)];
	__atomic_store_n(&u->rx_head, head + 1, __ATOMIC_RELEASE);
	u->bytes_received++;
	if (u->irq_level)
		update_irq(u);   /* the FIFO may be empty now */
	return b;
}

/* IIR: the highest-priority source; reading it while it names the THR-
 * empty interrupt acknowledges that one (datasheet table 4: "reading the
 * IIR register (if source of interrupt)"). */
static uint8_t iir_read(struct vuart *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFOS_ON : 0;
	uint8_t src = iir_source(u);

	if (src == IIR_THRE) {
		u->thr_ipending = false;
		update_irq(u);
	}
	return fifo | src;
}

/* LSR, the register a polling driver reads before every byte it sends,
 * without branches, by the top bit of a difference (neither ring ever
 * holds 2^31 bytes): THRE|TEMT while fewer than VUART_TX_SIZE - 1 bytes
 * wait to be sent (tx_room), DR while receive's tail is ahead of its head. */
static uint32_t lsr(const struct vuart *u)
{
	uint32_t room = (u->tx_tail - __atomic_load_n(&u->tx_head, __ATOMIC_ACQUIRE) - (VUART_TX_SIZE - 1)) >> 31;
	uint32_t dr = (u->rx_head - __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE)) >> 31;

	_Static_assert(LSR_DR == 1, "DR is bit 0: the top bit shifted down");
	return ((0u - room) & LSR_THRE_TEMT) | dr;
}

static inline __attribute__((always_inline)) uint32_t read_register(struct vuart *u, uint16_t off)
{
	if (off == REG_LSR)   /* first: the hot one */
		return lsr(u);
	switch (off) {
	case REG_THR_RBR_DLL:
		return (u->lcr & LCR_DLAB) ? u->dll : rx_take(u);
	case REG_IER_DLM:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return iir_read(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_MSR:
		return MSR_DCD_DSR_CTS;
	default:
		return u->scr;
	}
}

static void write_register(struct vuart *u, uint16_t off, uint8_t v)
{
	switch (off) {
	case REG_THR_RBR_DLL:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
		} else {
			/* Writing THR acknowledges a THR-empty interrupt; the byte
			 * moves on at once while the ring has room, so the THR is
			 * empty again (a full ring says so when it drains). */
			u->thr_ipending = false;
			vuart_transmit(u, v);
			if (tx_room(u))
				thr_emptied(u);
			else if (u->irq_level)
				update_irq(u);
		}
		break;
	case REG_IER_DLM:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling ETBEI with the THR empty raises the interrupt at
			 * once, even after an IIR read acknowledged it; disabling
			 * it drops the event (QEMU's serial.c: Windows toggles IER
			 * to get it again). */
			bool thri_changed = (v ^ u->ier) & IER_ETBEI;
			u->ier = v & 0x0f;
			if (thri_changed)
				u->thr_ipending = (u->ier & IER_ETBEI) && tx_room(u);
			update_irq(u);
		}
		break;
	case REG_IIR_FCR:
		u->fcr = v & 0xc9;   /* enable, DMA mode, trigger level; the clear bits self-clear */
		if (v & FCR_CLEAR_RX)
			__atomic_store_n(&u->rx_head, __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE),
					 __ATOMIC_RELEASE);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:   /* LSR, MSR: read-only status */
		break;
	}
}

/* The registers are bytes; a word or dword access is one byte access per
 * port, from the lowest, as QEMU's serial_io_ops (impl 1..1: its memory
 * core splits the access, little-endian). The bus delivers only accesses
 * inside the 8 ports. */
/* Out of line, so that the byte read (the LSR poll of every console
 * write) keeps a frame without the loop's saved registers. */
static __attribute__((noinline)) uint32_t read_bytes(struct vuart *u, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size && off + i < VUART_PORTS; i++)
		val |= (read_register(u, (uint16_t)(off + i)) & 0xffu) << (8 * i);
	return val;
}

static uint32_t vuart_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vuart *u = dev;

	(void)vcpu;
	if (likely(size == 1))
		return read_register(u, off);
	return read_bytes(u, off, size);
}

static void vuart_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vuart *u = dev;

	(void)vcpu;
	for (unsigned i = 0; i < size && off + i < VUART_PORTS; i++)
		write_register(u, (uint16_t)(off + i), (uint8_t)(val >> (8 * i)));
}

static void vuart_reset_op(void *dev)
{
	vuart_reset(dev);
}

const struct pio_ops vuart_ops = { .name = "uart16550", .read = vuart_read, .write = vuart_write,
				   .reset = vuart_reset_op };

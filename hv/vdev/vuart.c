/* hv/vdev/vuart.c - 16550 UART model (register map: PC16550D datasheet;
 * what a guest sees of it: QEMU 7.2's hw/char/serial.c, the oracle). */
#include "hv/vdev/vuart.h"
#include "hv/vdev/uart16550.h"
#include "lib/muldiv.h"

_Static_assert((VUART_RX_SIZE & (VUART_RX_SIZE - 1)) == 0, "receive FIFO size is a power of two");
_Static_assert((VUART_TX_SIZE & (VUART_TX_SIZE - 1)) == 0, "transmit ring size is a power of two");
_Static_assert((VUART_FIFO & (VUART_FIFO - 1)) == 0 && VUART_FIFO <= 128, "receive FIFO: a power of two, counted in a byte");

/* lsr_fast while LSR takes lsr_read(): no offset the bus gives (a direct
 * call with 0xffff gets lsr()'s value, which changes nothing). */
#define LSR_SLOW        UINT16_MAX
#define LSR_THRE_TEMT   (UART_LSR_THRE | UART_LSR_TEMT)   /* the transmit ring has room (vuart.h) */
#define MSR_LINES       (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)   /* the modem lines, fixed */

#define NS_PER_S        1000000000ull
#define BAUD_BASE       115200u /* the divisor's clock: 1.8432 MHz / 16 */
#define TIMEOUT_CHARS   4       /* the character timeout: four character times */

/* ---- the interrupt ------------------------------------------------------------- */

/* Bytes the guest can read: looped back, then from the receive ring. */
static uint32_t rx_count(const struct vuart *u)
{
	return u->loop_count + vuart_rx_pending(u);
}

/* The sources, by the datasheet's priority (PC16550D table 4) as QEMU's
 * serial_update_irq orders them: line status (OE, the only error a byte
 * can meet here: a loopback overrun), character timeout, received data (a
 * byte there and, with FIFOs, the trigger level reached), transmitter
 * empty (a THR-empty event not yet acknowledged). ERBFI gates the timeout
 * too (QEMU: "observed on existing hardware"). No modem status interrupt:
 * MSR never has a delta bit. As on QEMU's serial.c the interrupt pin is
 * not gated by MCR.OUT2. */
static uint8_t iir_source(const struct vuart *u)
{
	if ((u->ier & UART_IER_ELSI) && u->lsr_err)
		return UART_IIR_RLS;
	if (u->ier & UART_IER_ERBFI) {
		if (u->timeout_ipending)
			return UART_IIR_CTI;
		uint32_t n = rx_count(u);
		if (n && (!(u->fcr & UART_FCR_ENABLE) || n >= u->itl))
			return UART_IIR_RDA;
	}
	if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
		return UART_IIR_THRE;
	return UART_IIR_NO_INT;
}

/* Under irq_lock: drives the IRQ line to what the sources say; only when
 * it changes, so a driver that never enables an interrupt pays one
 * compare per access. */
static void update_irq_locked(struct vuart *u)
{
	bool level = iir_source(u) != UART_IIR_NO_INT;
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

static void update_irq(struct vuart *u)
{
	spin_lock(&u->irq_lock);
	update_irq_locked(u);
	spin_unlock(&u->irq_lock);
}

/* LSR's short path is exact while no looped-back byte waits and no OE is
 * set (vuart_read); otherwise LSR goes the long way, lsr_read(). */
static void lsr_mode(struct vuart *u)
{
	u->lsr_fast = (u->loop_count | u->lsr_err) ? LSR_SLOW : UART_LSR;
}

/* ---- the character timeout ------------------------------------------------------ */

/* QEMU's fifo_timeout_timer: with FIFOs, four character times after a
 * byte is received, or read with more left, the timeout is pending if
 * bytes are still there. */
static uint64_t clock_now(const struct vuart *u)
{
	return u->clock ? vclock_now(u->clock) : 0;
}

/* Under irq_lock. The board is told only when the deadline comes sooner:
 * a later one is found when the earlier fires (vuart_expire), as the
 * board re-reads the deadline then. */
static void timeout_arm_locked(struct vuart *u, uint64_t now)
{
	if (!u->clock)
		return;
	uint64_t d = now + muldiv64(TIMEOUT_CHARS * u->char_ns, u->clock->hz, NS_PER_S);
	uint64_t old = u->timeout_deadline;
	u->timeout_deadline = d;
	if (d < old)
		vdev_deadline_changed(&u->hook);
}

/* Under irq_lock: the deadline passed by now raises the timeout. */
static void timeout_catch_up_locked(struct vuart *u, uint64_t now)
{
	if (u->timeout_deadline > now)
		return;
	u->timeout_deadline = VDEV_NO_DEADLINE;
	if (rx_count(u))
		u->timeout_ipending = true;
}

static void timeout_clear(struct vuart *u)
{
	spin_lock(&u->irq_lock);
	u->timeout_ipending = false;
	u->timeout_deadline = VDEV_NO_DEADLINE;   /* later, or never: the board finds out when it fires */
	spin_unlock(&u->irq_lock);
}

uint64_t vuart_next_deadline(struct vuart *u)
{
	spin_lock(&u->irq_lock);
	uint64_t d = u->timeout_deadline;
	spin_unlock(&u->irq_lock);
	return d;
}

void vuart_expire(struct vuart *u, uint64_t now)
{
	spin_lock(&u->irq_lock);
	timeout_catch_up_locked(u, now);
	update_irq_locked(u);
	spin_unlock(&u->irq_lock);
}

/* QEMU's serial_update_parameters: a character is a start bit, 5-8 data
 * bits, the parity bit if any and 1 or 2 stop bits, at 115200 / divisor
 * baud (whole baud, as QEMU 7.2 divides); a divisor of 0 keeps the last
 * speed. */
static void update_char_time(struct vuart *u)
{
	uint32_t divisor = (uint32_t)u->dlm << 8 | u->dll;

	if (!divisor)
		return;
	uint32_t bits = 1 + 5 + (u->lcr & 0x03) + ((u->lcr & 0x04) ? 2 : 1) + ((u->lcr & 0x08) ? 1 : 0);
	u->char_ns = (NS_PER_S / (BAUD_BASE / divisor)) * bits;
}

/* The THR is empty again (a byte left it, or room came back in the
 * transmit ring): a THR-empty event (datasheet: "THRE interrupt"). */
static void thr_emptied(struct vuart *u)
{
	if (!(u->ier & UART_IER_ETBEI) && !u->irq_level)
		return;
	u->thr_ipending = true;
	update_irq(u);
}

void vuart_set_irq(struct vuart *u, struct irq_line irq)
{
	u->irq = irq;
}

void vuart_set_clock(struct vuart *u, const struct vclock *clock, const struct vdev_deadline_hook *hook)
{
	u->clock = clock;
	u->hook = hook ? *hook : (struct vdev_deadline_hook){ 0 };
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
	u->fcr = 0;
	u->itl = 1;
	u->clock = NULL;
	u->hook = (struct vdev_deadline_hook){ 0 };
	u->timeout_deadline = VDEV_NO_DEADLINE;
	vuart_reset(u);
}

/* Empties the receiver: the looped-back bytes and the receive ring. Emptying
 * the ring is the consumer's move (head catches up with tail); this runs
 * on the VM's own CPU, which is the ring's consumer. */
static void rx_flush(struct vuart *u)
{
	u->loop_count = u->loop_head = 0;
	lsr_mode(u);
	__atomic_store_n(&u->rx_head, __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}

/* As QEMU's serial_reset, which leaves FCR (and with it FIFO mode and the
 * trigger level) as the guest wrote it but clears IIR's FIFO bits. The
 * transmit ring's consumer is the console owner: it is left alone. */
void vuart_reset(struct vuart *u)
{
	u->ier = u->lcr = u->scr = 0;
	u->mcr = UART_MCR_OUT2;
	u->iir_fifo = 0;
	u->rbr = 0;
	u->lsr_err = 0;
	u->thr_ipending = false;
	u->dll = 12;   /* 9600 baud, 8N1 for the timeout, as QEMU's reset */
	u->dlm = 0;
	u->char_ns = (NS_PER_S / 9600) * 10;
	rx_flush(u);
	timeout_clear(u);
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
	if (u->fcr & UART_FCR_ENABLE) {
		spin_lock(&u->irq_lock);
		timeout_arm_locked(u, clock_now(u));
		update_irq_locked(u);
		spin_unlock(&u->irq_lock);
	} else if (u->ier & UART_IER_ERBFI) {
		update_irq(u);
	}
	return true;
}

/* A byte the transmitter sent in loopback (QEMU's serial_receive1):
 * without FIFOs into the holding register, an overrun if a byte was
 * still there (the new one is kept); with FIFOs into the FIFO, an
 * overrun if it is full (the new one is dropped), and the timeout armed.
 * The caller updates the line. */
static void loop_receive(struct vuart *u, uint8_t byte)
{
	if (u->fcr & UART_FCR_ENABLE) {
		if (u->loop_count < VUART_FIFO) {
			u->loop_rx[(u->loop_head + u->loop_count) & (VUART_FIFO - 1)] = byte;
			u->loop_count++;
		} else {
			u->lsr_err |= UART_LSR_OE;
		}
		spin_lock(&u->irq_lock);
		timeout_arm_locked(u, clock_now(u));
		spin_unlock(&u->irq_lock);
	} else {
		if (u->loop_count || vuart_rx_pending(u))
			u->lsr_err |= UART_LSR_OE;
		u->rbr = byte;
		u->loop_count = 1;
	}
	lsr_mode(u);
}

/* RBR: a looped-back byte first, then the receive ring's; with nothing
 * there, the holding register again without FIFOs, 0 with them (QEMU).
 * With FIFOs a read ends the timeout and, bytes left, arms it again. */
static __attribute__((noinline)) uint8_t rbr_read(struct vuart *u)
{
	bool fifo = u->fcr & UART_FCR_ENABLE;
	uint8_t b;

	if (u->loop_count) {
		if (fifo) {
			b = u->loop_rx[u->loop_head];
			u->loop_head = (uint8_t)((u->loop_head + 1) & (VUART_FIFO - 1));
			u->loop_count--;
		} else {
			b = u->rbr;
			u->loop_count = 0;
		}
		lsr_mode(u);
	} else {
		uint32_t head = u->rx_head;
		if (head != __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE)) {
			b = u->rx[head & (VUART_RX_SIZE - 1)];
			__atomic_store_n(&u->rx_head, head + 1, __ATOMIC_RELEASE);
			u->bytes_received++;
			if (!fifo)
				u->rbr = b;
		} else {
			b = fifo ? 0 : u->rbr;
		}
	}
	if (fifo) {
		spin_lock(&u->irq_lock);
		u->timeout_ipending = false;
		if (rx_count(u))
			timeout_arm_locked(u, clock_now(u));
		update_irq_locked(u);
		spin_unlock(&u->irq_lock);
	} else if (u->irq_level) {
		update_irq(u);   /* the receiver may be empty now */
	}
	return b;
}

/* IIR: the highest-priority source; reading it while it names the THR-
 * empty interrupt acknowledges that one (datasheet table 4: "reading the
 * IIR register (if source of interrupt)"). A timeout whose time passed
 * counts even if the board's timer has not fired yet. */
static __attribute__((noinline)) uint8_t iir_read(struct vuart *u)
{
	spin_lock(&u->irq_lock);
	timeout_catch_up_locked(u, clock_now(u));
	uint8_t src = iir_source(u);
	if (src == UART_IIR_THRE)
		u->thr_ipending = false;
	update_irq_locked(u);
	spin_unlock(&u->irq_lock);
	return u->iir_fifo | src;
}

/* LSR, the register a polling driver reads before every byte it sends,
 * without branches, by the top bit of a difference (neither ring ever
 * holds 2^31 bytes): THRE|TEMT while fewer than VUART_TX_SIZE - 1 bytes
 * wait to be sent (tx_room), DR while receive's tail is ahead of its head.
 * Exact while lsr_fast says so (no looped-back byte, no OE). */
static uint32_t lsr(const struct vuart *u)
{
	uint32_t room = (u->tx_tail - __atomic_load_n(&u->tx_head, __ATOMIC_ACQUIRE) - (VUART_TX_SIZE - 1)) >> 31;
	uint32_t dr = (u->rx_head - __atomic_load_n(&u->rx_tail, __ATOMIC_ACQUIRE)) >> 31;

	_Static_assert(UART_LSR_DR == 1, "DR is bit 0: the top bit shifted down");
	return ((0u - room) & LSR_THRE_TEMT) | dr;
}

/* LSR the long way: DR for a looped-back byte too, and OE, which the
 * read clears (and with it the line status interrupt). */
static __attribute__((noinline)) uint8_t lsr_read(struct vuart *u)
{
	uint8_t v = (uint8_t)(lsr(u) | (u->loop_count ? UART_LSR_DR : 0) | u->lsr_err);

	if (u->lsr_err) {
		u->lsr_err = 0;
		lsr_mode(u);
		if (u->irq_level)
			update_irq(u);
	}
	return v;
}

/* MSR: the fixed modem lines, no delta bits ever; in loopback the outputs
 * read back as the inputs, DTR as DSR, RTS as CTS, OUT1 as RI, OUT2 as DCD
 * (QEMU's serial_ioport_read: no delta bits there either). */
static uint8_t msr(const struct vuart *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return MSR_LINES;
	return (uint8_t)((u->mcr & 0x0c) << 4 | (u->mcr & 0x02) << 3 | (u->mcr & 0x01) << 5);
}

static inline __attribute__((always_inline)) uint32_t read_register(struct vuart *u, uint16_t off)
{
	if (off == u->lsr_fast)   /* first: the hot one, LSR while it is the rings' alone */
		return lsr(u);
	switch (off) {
	case UART_RBR:
		return (u->lcr & UART_LCR_DLAB) ? u->dll : rbr_read(u);
	case UART_IER:
		return (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR:
		return iir_read(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return lsr_read(u);
	case UART_MSR:
		return msr(u);
	default:   /* SCR; past the 8 ports (only a direct call gets there) nothing */
		return off == UART_SCR ? u->scr : 0;
	}
}

/* THR: the THR-empty event is acknowledged and the line follows at once
 * (QEMU lowers it here, so the event that comes back is a new edge);
 * then the byte goes to the transmit ring, or in loopback to the
 * receiver, and the THR is empty again (for the ring: while it has room;
 * a full ring says so when it drains). */
static void thr_write(struct vuart *u, uint8_t v)
{
	u->thr_ipending = false;
	if (u->irq_level)
		update_irq(u);
	if (u->mcr & UART_MCR_LOOP) {
		loop_receive(u, v);
		u->thr_ipending = true;
		update_irq(u);
	} else {
		vuart_transmit(u, v);
		if (tx_room(u))
			thr_emptied(u);
	}
}

/* FCR (QEMU's): a change of FE clears both FIFOs; the receive clear
 * empties the receiver and ends the timeout (OE stays); the transmit
 * clear makes the THR empty again, a THR-empty event (the ring's bytes are
 * not taken back: they are sent, as a real transmitter's would be long
 * gone at QEMU's speed). */
static void fcr_write(struct vuart *u, uint8_t v)
{
	static const uint8_t levels[4] = { 1, 4, 8, 14 };

	if ((v ^ u->fcr) & UART_FCR_ENABLE)
		v |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
	if (v & UART_FCR_CLEAR_RX) {
		rx_flush(u);
		timeout_clear(u);
	}
	if (v & UART_FCR_CLEAR_TX)
		u->thr_ipending = tx_room(u);
	u->fcr = v & UART_FCR_KEPT;
	if (u->fcr & UART_FCR_ENABLE) {
		u->iir_fifo = UART_IIR_FIFOS;
		u->itl = levels[u->fcr >> 6];
	} else {
		u->iir_fifo = 0;
	}
	update_irq(u);
}

static void write_register(struct vuart *u, uint16_t off, uint8_t v)
{
	switch (off) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = v;
			update_char_time(u);
		} else {
			thr_write(u, v);
		}
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = v;
			update_char_time(u);
		} else {
			/* Enabling ETBEI with the THR empty raises the interrupt at
			 * once, even after an IIR read acknowledged it; disabling
			 * it drops the event (QEMU's serial.c: Windows toggles IER
			 * to get it again). */
			bool thri_changed = (v ^ u->ier) & UART_IER_ETBEI;
			u->ier = v & UART_IER_MASK;
			if (thri_changed)
				u->thr_ipending = (u->ier & UART_IER_ETBEI) && tx_room(u);
			vuart_expire(u, clock_now(u));   /* the line, with a timeout whose time passed */
		}
		break;
	case UART_FCR:
		fcr_write(u, v);
		break;
	case UART_LCR:
		u->lcr = v;
		update_char_time(u);
		break;
	case UART_MCR:
		u->mcr = v & UART_MCR_MASK;   /* the loop bit takes effect at the next THR write and MSR read */
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:   /* LSR, MSR: read-only status */
		break;
	}
}

/* The registers are bytes; a word or dword access is one byte access per
 * port, from the lowest, as QEMU's serial_io_ops (impl 1..1: its memory
 * core splits the access, little-endian). The bus delivers only accesses
 * inside the 8 ports, of 1, 2 or 4 bytes; a direct call with more, or
 * reaching past the ports, gets the ports' bytes of the first four and
 * zeros (a write: the ports' bytes only). */
/* Out of line, so that the byte read (the LSR poll of every console
 * write) keeps a frame without the loop's saved registers. */
static __attribute__((noinline)) uint32_t read_bytes(struct vuart *u, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size && i < 4 && off + i < VUART_PORTS; i++)
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
	for (unsigned i = 0; i < size && i < 4 && off + i < VUART_PORTS; i++)
		write_register(u, (uint16_t)(off + i), (uint8_t)(val >> (8 * i)));
}

static void vuart_reset_op(void *dev)
{
	vuart_reset(dev);
}

const struct pio_ops vuart_ops = { .name = "uart16550", .read = vuart_read, .write = vuart_write,
				   .reset = vuart_reset_op };

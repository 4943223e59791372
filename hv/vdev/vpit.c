/* hv/vdev/vpit.c - The 8254 PIT and port 0x61 (see vpit.h; control word,
 * modes, read-back: Intel 82C54 datasheet). */
#include "hv/vdev/vpit.h"
#include "lib/muldiv.h"

#define PORT_CONTROL     3u
/* Control word */
#define CW_SC_SHIFT      6
#define CW_SC_READBACK   3u
#define CW_RW_SHIFT      4
#define CW_RW_MASK       0x3u
#define CW_RW_LATCH      0u
#define CW_MODE_SHIFT    1
#define CW_MODE_MASK     0x7u
#define CW_BCD           0x01u
/* Read-back command: bits 5, 4 are active low. */
#define RB_NO_COUNT      0x20u
#define RB_NO_STATUS     0x10u
#define RB_CHANNEL(i)    (0x02u << (i))
/* Status byte */
#define ST_OUTPUT        0x80u
#define ST_NULL_COUNT    0x40u

#define ACCESS_LSB       1u
#define ACCESS_MSB       2u
#define ACCESS_WORD      3u

/* Port 0x61 (QEMU's pcspk_io_read/write) */
#define P61_GATE2        0x01u
#define P61_SPEAKER      0x02u
#define P61_REFRESH      0x10u
#define P61_OUT2         0x20u
#define REFRESH_CLOCKS   18u       /* 18 / 1193182 Hz = 15.085 us */

#define BINARY_MODULUS   65536u
#define BCD_MODULUS      10000u
#define NO_EDGE          UINT64_MAX

/* ---- the guest clock in PIT clocks ------------------------------------------ */

/* Whole PIT clocks from guest TSC t0 to t (0 if t <= t0, or with no clock
 * rate); saturates. */
static uint64_t clocks_between(const struct vpit *pit, uint64_t t0, uint64_t t)
{
	uint64_t hz = pit->clock->hz;

	if (t <= t0 || hz == 0)
		return 0;
	return muldiv64(t - t0, PIT_HZ, hz);
}

/* The first guest TSC at which k PIT clocks have passed since t0: the
 * inverse of clocks_between, exact (no rounding carried from one period to
 * the next: every edge is computed from t0). UINT64_MAX if beyond. */
static uint64_t tsc_after_clocks(const struct vpit *pit, uint64_t t0, uint64_t k)
{
	uint64_t hz = pit->clock->hz;

	if (k == 0)
		return t0;
	if (hz == 0)
		return UINT64_MAX;
	uint64_t q = muldiv64(k, hz, PIT_HZ);
	if (q == UINT64_MAX)
		return UINT64_MAX;
	if (muldiv64(q, PIT_HZ, hz) < k)
		q++;
	return q > UINT64_MAX - t0 ? UINT64_MAX : t0 + q;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* ---- one mode's counter and OUT, as functions of d -------------------------- */

static uint32_t modulus(const struct vpit_channel *c)
{
	return c->bcd ? BCD_MODULUS : BINARY_MODULUS;
}

/* Mode 3: the high half-cycle, ceil(N/2) clocks (datasheet: odd counts
 * are high for (N+1)/2, low for (N-1)/2). */
static uint64_t high_half(uint32_t n)
{
	return ((uint64_t)n + 1) / 2;
}

/* The counting element d clocks after loading n, in 0..modulus-1. */
static uint32_t count_at(const struct vpit_channel *c, uint32_t n, uint64_t d)
{
	uint32_t m = modulus(c);
	uint64_t v;

	switch (c->mode) {
	case 2:
		v = n - d % n;                       /* n .. 1, reloaded after 1 */
		break;
	case 3: {
		/* down by 2 from n (even) or n-1 (odd), in each half-cycle */
		uint64_t p = d % n, h = high_half(n), top = n & ~1u;
		v = p < h ? top - 2 * p : top - 2 * (p - h);
		break;
	}
	default:                                     /* 0, 1, 4, 5: on through 0, wrapping */
		v = ((uint64_t)n % m + m - d % m);
		break;
	}
	return (uint32_t)(v % m);
}

static bool out_at(const struct vpit_channel *c, uint32_t n, uint64_t d)
{
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		return d % n != n - 1u;
	case 3:
		return d % n < high_half(n);
	default:                                     /* 4, 5: the strobe */
		return d != n;
	}
}

/* The first d > after at which OUT rises, NO_EDGE if it never does. */
static uint64_t next_rise(const struct vpit_channel *c, uint32_t n, uint64_t after)
{
	switch (c->mode) {
	case 0:
	case 1:
		return after < n ? n : NO_EDGE;
	case 2:
	case 3:
		if (n < 2 || after / n + 1 > UINT64_MAX / n)
			return NO_EDGE;                  /* N = 1: OUT never changes */
		return (after / n + 1) * n;
	default:
		return after < (uint64_t)n + 1 ? (uint64_t)n + 1 : NO_EDGE;
	}
}

/* ---- a channel's state against the clock ------------------------------------ */

static uint64_t chan_d(const struct vpit *pit, const struct vpit_channel *c, uint64_t t)
{
	return c->counting ? sat_add(c->d_base, clocks_between(pit, c->t_start, t)) : c->d_base;
}

/* The count a write put in CR, as a count: 0 is the largest. */
static uint32_t cr_count(const struct vpit_channel *c)
{
	if (!c->bcd)
		return c->cr ? c->cr : BINARY_MODULUS;
	uint32_t v = 0;
	for (int shift = 12; shift >= 0; shift -= 4)
		v = v * 10 + ((c->cr >> shift) & 0xfu);
	v %= BCD_MODULUS;
	return v ? v : BCD_MODULUS;
}

static uint16_t to_display(const struct vpit_channel *c, uint32_t v)
{
	if (!c->bcd)
		return (uint16_t)v;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* What the counter shows at t, in the channel's format. */
static uint16_t chan_count(const struct vpit *pit, const struct vpit_channel *c, uint64_t t)
{
	if (!c->loaded)
		return c->ce_frozen;
	return to_display(c, count_at(c, c->n, chan_d(pit, c, t)));
}

static bool chan_out(const struct vpit *pit, const struct vpit_channel *c, uint64_t t)
{
	if (!c->loaded)
		return c->mode != 0;                 /* the level the control word set */
	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true;
	if (c->hold)
		return false;
	return out_at(c, c->n, chan_d(pit, c, t));
}

/* The CR into the counting element: d = d_base from t. */
static void chan_load(struct vpit_channel *c, uint64_t t, uint64_t d_base, bool counting)
{
	c->n = cr_count(c);
	c->loaded = true;
	c->counting = counting;
	c->t_start = t;
	c->d_base = d_base;
	c->null_count = false;
	c->switch_pending = false;
	c->hold = false;
}

static void chan_freeze(const struct vpit *pit, struct vpit_channel *c, uint64_t t)
{
	c->d_base = chan_d(pit, c, t);
	c->counting = false;
}

/* Guest TSC at which a counting channel reaches d (>= d_base). */
static uint64_t chan_time_of(const struct vpit *pit, const struct vpit_channel *c, uint64_t d)
{
	return tsc_after_clocks(pit, c->t_start, d - c->d_base);
}

/* Modes 2, 3: the deferred count takes over at the end of the period or
 * half-cycle (see vpit.h): a new load at that instant, in mode 3 into the
 * low half when the high one ended. */
static void chan_switch(struct vpit_channel *c, uint64_t t_switch)
{
	uint64_t d_base = c->switch_to_low ? high_half(cr_count(c)) : 0;
	chan_load(c, t_switch, d_base, true);
}

static uint64_t chan_switch_time(const struct vpit *pit, const struct vpit_channel *c)
{
	return chan_time_of(pit, c, c->d_switch);
}

/* Any rising edge of OUT at a d in (chan_d(ta), d_end], in the current load. */
static bool chan_rose(const struct vpit *pit, const struct vpit_channel *c, uint64_t ta, uint64_t d_end)
{
	if (!c->loaded || !c->counting || c->hold)
		return false;
	uint64_t e = next_rise(c, c->n, chan_d(pit, c, ta));
	return e != NO_EDGE && e <= d_end;
}

/* Brings a channel to t: a deferred count due by then takes over. Returns
 * whether OUT rose in (from, t] (from: where the caller last looked). The
 * old count's edges end at d_switch; the new load starts at the first
 * guest tick at or after that instant (with a guest clock slower than the
 * PIT's, the clocks of the rest of that tick are not counted). */
static bool chan_advance(const struct vpit *pit, struct vpit_channel *c, uint64_t from, uint64_t t)
{
	bool rose = false;

	if (c->switch_pending && c->counting) {
		uint64_t ts = chan_switch_time(pit, c);
		if (ts <= t) {
			rose = chan_rose(pit, c, from, c->d_switch);
			chan_switch(c, ts);
			from = ts;
		}
	}
	return chan_rose(pit, c, from, chan_d(pit, c, t)) || rose;
}

/* ---- the whole chip at "now" -------------------------------------------------- */

/* Every port access and expiry first: the channels brought to now; true
 * if OUT0 rose since the last look. */
static bool pit_sync(struct vpit *pit, uint64_t now)
{
	if (now < pit->irq0_seen)
		now = pit->irq0_seen;
	bool rose = chan_advance(pit, &pit->ch[0], pit->irq0_seen, now);
	pit->irq0_seen = now;
	for (unsigned i = 1; i < VPIT_CHANNELS; i++)
		chan_advance(pit, &pit->ch[i], now, now);
	return rose;
}

/* Every port access, expiry and reset last: irq0 to OUT0, with a low-high
 * transition first if OUT0 rose unseen; the hook if channel 0's deadline
 * may have moved. */
static void pit_finish(struct vpit *pit, uint64_t now, bool rose, bool deadline_moved)
{
	if (now < pit->irq0_seen)
		now = pit->irq0_seen;
	bool out = chan_out(pit, &pit->ch[0], now);
	if (rose) {
		if (pit->irq0_level)
			irq_line_set(&pit->irq0, false);
		irq_line_set(&pit->irq0, true);
		pit->irq0_level = true;
	}
	if (out != pit->irq0_level) {
		irq_line_set(&pit->irq0, out);
		pit->irq0_level = out;
	}
	if (rose || deadline_moved)
		vdev_deadline_changed(&pit->hook);
}

static uint64_t pit_now(const struct vpit *pit)
{
	return vclock_now(pit->clock);
}

/* ---- gate ------------------------------------------------------------------------ */

static void chan_set_gate(const struct vpit *pit, struct vpit_channel *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	switch (c->mode) {
	case 0:
	case 4:
		/* suspends / resumes counting where it was */
		if (!gate) {
			if (c->counting)
				chan_freeze(pit, c, now);
		} else if (c->loaded && !c->hold) {
			c->t_start = now;
			c->counting = true;
		}
		break;
	case 2:
	case 3:
		/* low stops (OUT high); the rising edge reloads from CR */
		if (!gate) {
			if (c->counting)
				chan_freeze(pit, c, now);
		} else if (c->has_count) {
			chan_load(c, now, 0, true);
		}
		break;
	default:
		/* 1, 5: the rising edge (re)triggers; the level does not matter */
		if (gate && c->has_count)
			chan_load(c, now, 0, true);
		break;
	}
}

/* ---- control word, counts, latches -------------------------------------------- */

static void chan_control_word(const struct vpit *pit, struct vpit_channel *c, uint8_t v, uint64_t now)
{
	/* The counting element keeps its value but stops until a count (or,
	 * modes 1 and 5, a trigger) comes; OUT takes the mode's initial level.
	 * Latched count and status survive, as in QEMU. */
	c->ce_frozen = chan_count(pit, c, now);
	c->mode_bits = (v >> CW_MODE_SHIFT) & CW_MODE_MASK;
	c->mode = c->mode_bits > 5 ? (uint8_t)(c->mode_bits - 4) : c->mode_bits;
	c->access = (v >> CW_RW_SHIFT) & CW_RW_MASK;
	c->bcd = v & CW_BCD;
	c->read_msb_next = c->write_msb_next = false;
	c->has_count = false;
	c->null_count = true;
	c->hold = false;
	c->loaded = c->counting = false;
	c->switch_pending = false;
}

/* The count (all its bytes) is in CR: where it goes depends on the mode. */
static void chan_count_written(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	c->has_count = true;
	c->null_count = true;
	switch (c->mode) {
	case 0:
	case 4:
		chan_load(c, now, 0, c->gate);
		break;
	case 2:
	case 3:
		if (!c->loaded) {
			chan_load(c, now, 0, c->gate);
		} else if (c->counting && !c->switch_pending) {
			uint64_t d = chan_d(pit, c, now), p = d % c->n;
			if (c->mode == 2) {
				c->d_switch = d - p + c->n;
				c->switch_to_low = false;
			} else {
				uint64_t h = high_half(c->n);
				c->switch_to_low = p < h;
				c->d_switch = d - p + (p < h ? h : c->n);
			}
			c->switch_pending = true;
		}
		/* gate low: the next rising edge loads it */
		break;
	default:
		break;   /* 1, 5: the next trigger loads it */
	}
}

static void chan_write_count_byte(const struct vpit *pit, struct vpit_channel *c, uint8_t v, uint64_t now)
{
	switch (c->access) {
	case ACCESS_LSB:
		c->cr = v;
		break;
	case ACCESS_MSB:
		c->cr = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb_next) {
			c->cr_lsb = v;
			c->write_msb_next = true;
			if (c->mode == 0) {
				/* datasheet mode 0: the first byte stops counting, OUT low */
				if (c->counting)
					chan_freeze(pit, c, now);
				c->hold = c->loaded;
			}
			return;
		}
		c->cr = (uint16_t)(c->cr_lsb | v << 8);
		c->write_msb_next = false;
		break;
	}
	chan_count_written(pit, c, now);
}

/* Counter latch (and read-back COUNT): once until read. */
static void chan_latch_count(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->latch_bytes)
		return;
	c->latched = chan_count(pit, c, now);
	c->latch_bytes = c->access == ACCESS_WORD ? 2 : 1;
	c->latch_msb_next = c->access == ACCESS_MSB;
}

static void chan_latch_status(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((chan_out(pit, c, now) ? ST_OUTPUT : 0) | (c->null_count ? ST_NULL_COUNT : 0) |
			      c->access << CW_RW_SHIFT | c->mode_bits << CW_MODE_SHIFT | (c->bcd ? CW_BCD : 0));
	c->status_latched = true;
}

/* Port 0x43. True if channel 0 was reprogrammed. */
static bool write_control(struct vpit *pit, uint8_t v, uint64_t now)
{
	unsigned sc = v >> CW_SC_SHIFT;

	if (sc == CW_SC_READBACK) {
		for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
			if (!(v & RB_CHANNEL(i)))
				continue;
			if (!(v & RB_NO_STATUS))
				chan_latch_status(pit, &pit->ch[i], now);
			if (!(v & RB_NO_COUNT))
				chan_latch_count(pit, &pit->ch[i], now);
		}
		return false;
	}
	if (((v >> CW_RW_SHIFT) & CW_RW_MASK) == CW_RW_LATCH) {
		chan_latch_count(pit, &pit->ch[sc], now);
		return false;
	}
	chan_control_word(pit, &pit->ch[sc], v, now);
	return sc == 0;
}

static uint8_t read_counter(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latch_bytes) {
		uint8_t b = (uint8_t)(c->latch_msb_next ? c->latched >> 8 : c->latched);
		c->latch_bytes--;
		c->latch_msb_next = !c->latch_msb_next;
		return b;
	}
	uint16_t v = chan_count(pit, c, now);
	bool msb = c->access == ACCESS_MSB || (c->access == ACCESS_WORD && c->read_msb_next);
	if (c->access == ACCESS_WORD)
		c->read_msb_next = !c->read_msb_next;
	return (uint8_t)(msb ? v >> 8 : v);
}

/* ---- init, reset, deadlines --------------------------------------------------- */

static void reset_state(struct vpit *pit, uint64_t now)
{
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		struct vpit_channel *c = &pit->ch[i];
		*c = (struct vpit_channel){
			.mode_bits = 3, .mode = 3, .access = ACCESS_WORD,
			.gate = i != 2, .cr = 0, .has_count = true,
		};
		chan_load(c, now, 0, c->gate);
	}
	pit->irq0_seen = now;
	pit->speaker_data = false;
}

void vpit_init(struct vpit *pit, const struct vclock *clock, struct irq_line irq0,
	       struct vdev_deadline_hook hook)
{
	pit->lock = (struct spinlock){ 0 };
	pit->clock = clock;
	pit->irq0 = irq0;
	pit->hook = hook;
	uint64_t now = pit_now(pit);
	reset_state(pit, now);
	pit->irq0_level = chan_out(pit, &pit->ch[0], now);
}

void vpit_reset(struct vpit *pit)
{
	spin_lock(&pit->lock);
	uint64_t now = pit_now(pit);
	reset_state(pit, now);
	pit_finish(pit, now, false, true);
	spin_unlock(&pit->lock);
}

uint64_t vpit_next_deadline(struct vpit *pit)
{
	spin_lock(&pit->lock);
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t t = VDEV_NO_DEADLINE;

	if (c->loaded && c->counting && !c->hold) {
		uint64_t e = next_rise(c, c->n, chan_d(pit, c, pit->irq0_seen));
		if (c->switch_pending && (e == NO_EDGE || e > c->d_switch)) {
			/* the next edge belongs to the count that takes over */
			struct vpit_channel after = *c;
			chan_switch(&after, chan_switch_time(pit, c));
			e = next_rise(&after, after.n, after.d_base);
			if (e != NO_EDGE)
				t = chan_time_of(pit, &after, e);
		} else if (e != NO_EDGE) {
			t = chan_time_of(pit, c, e);
		}
	}
	spin_unlock(&pit->lock);
	return t;
}

void vpit_expire(struct vpit *pit, uint64_t now)
{
	spin_lock(&pit->lock);
	bool rose = pit_sync(pit, now);
	pit_finish(pit, now, rose, true);
	spin_unlock(&pit->lock);
}

/* ---- ports ----------------------------------------------------------------------- */

static uint32_t pit_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vpit *pit = dev;
	uint32_t val = 0;
	(void)v;

	if (size > 4)
		size = 4;
	spin_lock(&pit->lock);
	uint64_t now = pit_now(pit);
	bool rose = pit_sync(pit, now);
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		uint8_t b = 0xff;
		if (port < PORT_CONTROL)
			b = read_counter(pit, &pit->ch[port], now);
		else if (port == PORT_CONTROL)
			b = 0;
		val |= (uint32_t)b << (8 * i);
	}
	pit_finish(pit, now, rose, false);
	spin_unlock(&pit->lock);
	return val;
}

static void pit_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vpit *pit = dev;
	bool moved = false;
	(void)v;

	if (size > 4)
		size = 4;
	spin_lock(&pit->lock);
	uint64_t now = pit_now(pit);
	bool rose = pit_sync(pit, now);
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		if (port == PORT_CONTROL) {
			moved |= write_control(pit, b, now);
		} else if (port < PORT_CONTROL) {
			chan_write_count_byte(pit, &pit->ch[port], b, now);
			moved |= port == 0;
		}
	}
	pit_finish(pit, now, rose, moved);
	spin_unlock(&pit->lock);
}

static uint32_t port61_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vpit *pit = dev;
	(void)v;

	spin_lock(&pit->lock);
	uint64_t now = pit_now(pit);
	bool rose = pit_sync(pit, now);
	const struct vpit_channel *c2 = &pit->ch[2];
	bool refresh = (clocks_between(pit, 0, now) / REFRESH_CLOCKS) & 1;
	uint8_t b = (uint8_t)((c2->gate ? P61_GATE2 : 0) | (pit->speaker_data ? P61_SPEAKER : 0) |
			      (refresh ? P61_REFRESH : 0) | (chan_out(pit, c2, now) ? P61_OUT2 : 0));
	pit_finish(pit, now, rose, false);
	spin_unlock(&pit->lock);
	/* one byte register: the other bytes of a wider access are not ours */
	uint32_t val = 0;
	for (unsigned i = 0; i < size && i < 4; i++)
		val |= (uint32_t)((unsigned)off + i == 0 ? b : 0xff) << (8 * i);
	return val;
}

static void port61_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vpit *pit = dev;
	(void)v;

	if (off != 0 || size == 0)
		return;
	spin_lock(&pit->lock);
	uint64_t now = pit_now(pit);
	bool rose = pit_sync(pit, now);
	chan_set_gate(pit, &pit->ch[2], val & P61_GATE2, now);
	pit->speaker_data = val & P61_SPEAKER;
	pit_finish(pit, now, rose, false);
	spin_unlock(&pit->lock);
}

/* One reset function for both ranges: iobus_reset() calls it once. */
static void vpit_reset_op(void *dev)
{
	vpit_reset(dev);
}

const struct pio_ops vpit_ops = { .name = "pit", .read = pit_read, .write = pit_write, .reset = vpit_reset_op };
const struct pio_ops vpit_port61_ops = { .name = "port61", .read = port61_read, .write = port61_write, .reset = vpit_reset_op };

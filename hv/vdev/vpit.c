/* hv/vdev/vpit.c - The 8254 PIT and port 0x61 as QEMU 7.2 has them (see
 * vpit.h; the per-mode arithmetic and channel 0's IRQ timer are in
 * vpit_wave.c). Function comments name the QEMU function each follows. */
#include "hv/vdev/vpit.h"
#include "lib/muldiv.h"

#define PORT_CONTROL     3u
/* Control word (82C54 datasheet, "Control Word Format") */
#define CW_SC_SHIFT      6
#define CW_SC_READBACK   3u
#define CW_RW_SHIFT      4
#define CW_RW_MASK       0x3u
#define CW_RW_LATCH      0u
#define CW_MODE_SHIFT    1
#define CW_MODE_MASK     0x7u
#define CW_BCD           0x01u
/* Read-back command: bits 5 and 4 are active low. */
#define RB_NO_COUNT      0x20u
#define RB_NO_STATUS     0x10u
#define RB_CHANNEL(i)    (0x02u << (i))
#define ST_OUTPUT_SHIFT  7

/* Port 0x61 (QEMU's pcspk_io_read/write) */
#define P61_GATE2        0x01u
#define P61_SPEAKER      0x02u
#define P61_REFRESH      0x10u
#define P61_OUT2         0x20u

#define COUNT_MAX        0x10000u   /* a count of 0 */

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
 * inverse of clocks_between, exact, every edge computed from t0 (no
 * rounding carried from one period to the next). UINT64_MAX if beyond. */
static uint64_t tsc_after_clocks(const struct vpit *pit, uint64_t t0, uint64_t k)
{
	uint64_t hz = pit->clock->hz;

	if (k == 0)
		return t0;
	if (hz == 0 || k == VPIT_WAVE_NONE)
		return UINT64_MAX;
	uint64_t q = muldiv64(k, hz, PIT_HZ);
	if (q == UINT64_MAX)
		return UINT64_MAX;
	if (muldiv64(q, PIT_HZ, hz) < k)
		q++;
	return q > UINT64_MAX - t0 ? UINT64_MAX : t0 + q;
}

static uint64_t chan_d(const struct vpit *pit, const struct vpit_channel *c, uint64_t now)
{
	return clocks_between(pit, c->load_tsc, now);
}

static uint16_t chan_count(const struct vpit *pit, const struct vpit_channel *c, uint64_t now)
{
	return vpit_wave_count(c->mode, c->count, chan_d(pit, c, now));
}

static bool chan_out(const struct vpit *pit, const struct vpit_channel *c, uint64_t now)
{
	return vpit_wave_out(c->mode, c->count, chan_d(pit, c, now));
}

/* ---- channel 0's timer and irq0 ------------------------------------------------ */

/* Every port access and expiry first: channel 0's timer run up to now
 * (time taken as never going back). */
static uint64_t pit_sync(struct vpit *pit, uint64_t now)
{
	if (now < pit->last_now)
		now = pit->last_now;
	pit->last_now = now;
	const struct vpit_channel *c = &pit->ch[0];
	vpit_timer_run(&pit->timer, c->mode, c->count, chan_d(pit, c, now));
	return now;
}

/* Every port access, expiry and reset last: irq0 to the timer's line,
 * with a low-high transition first if the line rose since the last look;
 * the hook if channel 0's deadline may have moved. */
static void pit_finish(struct vpit *pit, bool deadline_moved)
{
	bool rose = pit->timer.rose;

	pit->timer.rose = false;
	if (rose) {
		if (pit->irq0_level)
			irq_line_set(&pit->irq0, false);
		irq_line_set(&pit->irq0, true);
		pit->irq0_level = true;
	}
	if (pit->timer.level != pit->irq0_level) {
		irq_line_set(&pit->irq0, pit->timer.level);
		pit->irq0_level = pit->timer.level;
	}
	if (rose || deadline_moved)
		vdev_deadline_changed(&pit->hook);
}

/* The counter (re)starts at now: pit_load_count, and the gate's restart in
 * pit_set_channel_gate; channel 0's timer follows (pit_irq_timer_update). */
static void chan_restart(struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	c->load_tsc = now;
	if (c == &pit->ch[0])
		vpit_timer_load(&pit->timer, c->mode, c->count);
}

/* pit_load_count: 0 is the largest count. */
static void chan_load(struct vpit *pit, struct vpit_channel *c, uint32_t val, uint64_t now)
{
	c->count = val ? val : COUNT_MAX;
	chan_restart(pit, c, now);
}

/* pit_set_channel_gate: only a rising edge matters, and only in modes 1, 2,
 * 3 and 5 (the datasheet's triggers), where it restarts the count; a low
 * gate stops nothing. */
static void chan_set_gate(struct vpit *pit, struct vpit_channel *c, bool gate, uint64_t now)
{
	bool rising = gate && !c->gate;

	c->gate = gate;
	if (rising && c->mode >= 1 && c->mode <= 5 && c->mode != 4)
		chan_restart(pit, c, now);
}

/* ---- control word, counts, latches (pit_ioport_write/read) --------------------- */

/* pit_latch_count: once until read, in the access of now; with no access
 * yet (rw_mode 0) nothing is latched. */
static void chan_latch_count(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->count_latched)
		return;
	c->latched_count = chan_count(pit, c, now);
	c->count_latched = c->rw_mode;
}

static void chan_latch_status(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((chan_out(pit, c, now) ? 1u : 0u) << ST_OUTPUT_SHIFT | (unsigned)c->rw_mode << CW_RW_SHIFT |
			      (unsigned)c->mode << CW_MODE_SHIFT | (c->bcd ? CW_BCD : 0u));
	c->status_latched = true;
}

/* Port 0x43. True if channel 0's deadline may have moved: its mode is
 * what judges the timer's next expiry. */
static bool write_control(struct vpit *pit, uint8_t v, uint64_t now)
{
	unsigned sc = v >> CW_SC_SHIFT;

	if (sc == CW_SC_READBACK) {
		for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
			if (!(v & RB_CHANNEL(i)))
				continue;
			if (!(v & RB_NO_COUNT))
				chan_latch_count(pit, &pit->ch[i], now);
			if (!(v & RB_NO_STATUS))
				chan_latch_status(pit, &pit->ch[i], now);
		}
		return false;
	}
	struct vpit_channel *c = &pit->ch[sc];
	uint8_t access = (v >> CW_RW_SHIFT) & CW_RW_MASK;
	if (access == CW_RW_LATCH) {
		chan_latch_count(pit, c, now);
		return false;
	}
	c->rw_mode = c->read_state = c->write_state = access;
	c->mode = (v >> CW_MODE_SHIFT) & CW_MODE_MASK;
	c->bcd = v & CW_BCD;
	return sc == 0;
}

/* A byte to a counter port. True if it loaded a count. */
static bool write_counter(struct vpit *pit, struct vpit_channel *c, uint8_t v, uint64_t now)
{
	switch (c->write_state) {
	case VPIT_RW_MSB:
		chan_load(pit, c, (uint32_t)v << 8, now);
		return true;
	case VPIT_RW_WORD0:
		c->write_latch = v;
		c->write_state = VPIT_RW_WORD1;
		return false;
	case VPIT_RW_WORD1:
		chan_load(pit, c, c->write_latch | (uint32_t)v << 8, now);
		c->write_state = VPIT_RW_WORD0;
		return true;
	default:                     /* LSB, and 0 before any control word */
		chan_load(pit, c, v, now);
		return true;
	}
}

static uint8_t read_latched_count(struct vpit_channel *c)
{
	switch (c->count_latched) {
	case VPIT_RW_MSB:
		c->count_latched = 0;
		return (uint8_t)(c->latched_count >> 8);
	case VPIT_RW_WORD0:
		c->count_latched = VPIT_RW_MSB;
		return (uint8_t)c->latched_count;
	default:
		c->count_latched = 0;
		return (uint8_t)c->latched_count;
	}
}

static uint8_t read_counter(const struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched)
		return read_latched_count(c);
	uint16_t count = chan_count(pit, c, now);
	switch (c->read_state) {
	case VPIT_RW_MSB:
		return (uint8_t)(count >> 8);
	case VPIT_RW_WORD0:
		c->read_state = VPIT_RW_WORD1;
		return (uint8_t)count;
	case VPIT_RW_WORD1:
		c->read_state = VPIT_RW_WORD0;
		return (uint8_t)(count >> 8);
	default:
		return (uint8_t)count;
	}
}

/* ---- init, reset, deadlines --------------------------------------------------- */

/* pit_reset_common and pit_reset: mode, gate, count and load; channel 0's
 * timer set for its first transition, the line untouched. */
static void reset_channels(struct vpit *pit, uint64_t now)
{
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		struct vpit_channel *c = &pit->ch[i];
		c->mode = 3;
		c->gate = i != 2;
		c->load_tsc = now;
		c->count = COUNT_MAX;
	}
	vpit_timer_arm(&pit->timer, pit->ch[0].mode, pit->ch[0].count);
}

void vpit_init(struct vpit *pit, const struct vclock *clock, struct irq_line irq0,
	       struct vdev_deadline_hook hook)
{
	*pit = (struct vpit){ .clock = clock, .irq0 = irq0, .hook = hook };
	uint64_t now = vclock_now(clock);
	pit->last_now = now;
	reset_channels(pit, now);
}

void vpit_reset(struct vpit *pit)
{
	spin_lock(&pit->lock);
	uint64_t now = pit_sync(pit, vclock_now(pit->clock));
	reset_channels(pit, now);
	pit_finish(pit, true);
	spin_unlock(&pit->lock);
}

uint64_t vpit_next_deadline(struct vpit *pit)
{
	spin_lock(&pit->lock);
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t d = vpit_timer_next_rise(&pit->timer, c->mode, c->count);
	uint64_t t = d == VPIT_WAVE_NONE ? VDEV_NO_DEADLINE : tsc_after_clocks(pit, c->load_tsc, d);
	spin_unlock(&pit->lock);
	return t;
}

void vpit_expire(struct vpit *pit, uint64_t now)
{
	spin_lock(&pit->lock);
	pit_sync(pit, now);
	pit_finish(pit, true);
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
	uint64_t now = pit_sync(pit, vclock_now(pit->clock));
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		uint8_t b = 0xff;
		if (port < PORT_CONTROL)
			b = read_counter(pit, &pit->ch[port], now);
		else if (port == PORT_CONTROL)
			b = 0;       /* "Mode/Command register is write only, read is ignored" */
		val |= (uint32_t)b << (8 * i);
	}
	pit_finish(pit, false);
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
	uint64_t now = pit_sync(pit, vclock_now(pit->clock));
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		if (port == PORT_CONTROL)
			moved |= write_control(pit, b, now);
		else if (port < PORT_CONTROL)
			moved |= write_counter(pit, &pit->ch[port], b, now) && port == 0;
	}
	pit_finish(pit, moved);
	spin_unlock(&pit->lock);
}

/* pcspk_io_read: GATE2, the speaker bit, the refresh bit flipped by this
 * very read, OUT2. */
static uint32_t port61_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vpit *pit = dev;
	uint8_t b = 0xff;
	(void)v;

	if (off == 0 && size != 0) {
		spin_lock(&pit->lock);
		uint64_t now = pit_sync(pit, vclock_now(pit->clock));
		const struct vpit_channel *c2 = &pit->ch[2];
		pit->refresh = !pit->refresh;
		b = (uint8_t)((c2->gate ? P61_GATE2 : 0) | (pit->speaker_data ? P61_SPEAKER : 0) |
			      (pit->refresh ? P61_REFRESH : 0) | (chan_out(pit, c2, now) ? P61_OUT2 : 0));
		pit_finish(pit, false);
		spin_unlock(&pit->lock);
	}
	/* one byte register: the other bytes of a wider access are not ours */
	uint32_t val = 0;
	for (unsigned i = 0; i < size && i < 4; i++)
		val |= (uint32_t)((unsigned)off + i == 0 ? b : 0xff) << (8 * i);
	return val;
}

/* pcspk_io_write: the speaker bit kept, GATE2 to the PIT. */
static void port61_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vpit *pit = dev;
	(void)v;

	if (off != 0 || size == 0)
		return;
	spin_lock(&pit->lock);
	uint64_t now = pit_sync(pit, vclock_now(pit->clock));
	chan_set_gate(pit, &pit->ch[2], val & P61_GATE2, now);
	pit->speaker_data = val & P61_SPEAKER;
	pit_finish(pit, false);
	spin_unlock(&pit->lock);
}

/* One reset function for both ranges: iobus_reset() calls it once. */
static void vpit_reset_op(void *dev)
{
	vpit_reset(dev);
}

const struct pio_ops vpit_ops = { .name = "pit", .read = pit_read, .write = pit_write, .reset = vpit_reset_op };
const struct pio_ops vpit_port61_ops = { .name = "port61", .read = port61_read, .write = port61_write, .reset = vpit_reset_op };

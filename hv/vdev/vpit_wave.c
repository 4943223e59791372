/* hv/vdev/vpit_wave.c - A counter's count, OUT and IRQ 0 timer as QEMU
 * 7.2's i8254 computes them (see vpit_wave.h). */
#include "hv/vdev/vpit_wave.h"

#define WRAP_16BIT 0x10000u

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* Mode 3's first half-cycle, (count + 1) >> 1 clocks (QEMU's period2). */
static uint64_t mode3_half(uint32_t count)
{
	return ((uint64_t)count + 1) >> 1;
}

/* pit_get_count: modes 0, 1, 4, 5 count down through 0 and wrap in 16
 * bits; mode 3 steps by 2 modulo the count, so an odd count shows odd and
 * even values (QEMU's own comment doubts it for odd counts); everything else
 * (2, 6, 7) counts count .. 1. A count of 65536 reads as 0. */
uint16_t vpit_wave_count(unsigned mode, uint32_t count, uint64_t d)
{
	uint64_t v;

	if (count == 0)
		return 0;
	switch (mode) {
	case 0:
	case 1:
	case 4:
	case 5:
		v = (uint64_t)count + WRAP_16BIT - d % WRAP_16BIT;
		break;
	case 3:
		v = count - (2 * (d % count)) % count;
		break;
	default:
		v = count - d % count;
		break;
	}
	return (uint16_t)v;
}

/* pit_get_out: mode 1 is high until the count runs out, modes 4 and 5 high
 * for the one clock at d = count, mode 2 high for the one clock of each
 * reload (not at the load), mode 3 high in the first half-cycle; mode 0,
 * 6, 7 low until the count runs out. */
bool vpit_wave_out(unsigned mode, uint32_t count, uint64_t d)
{
	if (count == 0)
		return false;
	switch (mode) {
	case 1:
		return d < count;
	case 2:
		return d % count == 0 && d != 0;
	case 3:
		return d % count < mode3_half(count);
	case 4:
	case 5:
		return d == count;
	default:
		return d >= count;
	}
}

/* pit_get_next_transition_time, before its conversion to nanoseconds.
 * Mode 2's "next" from inside a period is one clock past its reload, the
 * falling edge: its rising edge is seen only because the expiry for that
 * clock comes a nanosecond early (vpit_wave.h). */
uint64_t vpit_wave_next(unsigned mode, uint32_t count, uint64_t d)
{
	if (count == 0)
		return VPIT_WAVE_NONE;
	uint64_t base = d - d % count;

	switch (mode) {
	case 2:
		if (d == base && d != 0)
			return sat_add(base, count);
		return sat_add(base, (uint64_t)count + 1);
	case 3:
		if (d - base < mode3_half(count))
			return sat_add(base, mode3_half(count));
		return sat_add(base, count);
	case 4:
	case 5:
		if (d < count)
			return count;
		return d == count ? (uint64_t)count + 1 : VPIT_WAVE_NONE;
	default:
		return d < count ? count : VPIT_WAVE_NONE;
	}
}

/* ---- QEMU's channel 0 timer ------------------------------------------------------- */

static void set_level(struct vpit_irq_timer *t, bool level)
{
	if (level && !t->level)
		t->rose = true;
	t->level = level;
}

/* pit_irq_timer_update at the d the timer sees: the line to OUT there,
 * the timer to the next transition, 1 ns on if that is where it is. */
static void timer_update(struct vpit_irq_timer *t, unsigned mode, uint32_t count, uint64_t seen)
{
	set_level(t, vpit_wave_out(mode, count, seen));
	uint64_t next = vpit_wave_next(mode, count, seen);
	if (next == VPIT_WAVE_NONE) {
		t->armed = false;
	} else if (!t->nudged && t->armed && next <= t->at) {
		t->nudged = true;        /* next > seen always, so next == at here */
	} else {
		t->armed = true;
		t->at = next;
		t->nudged = false;
	}
}

/* pit_irq_timer: an expiry for transition `at` sees at - 1, or `at` once
 * nudged. */
static void timer_expire(struct vpit_irq_timer *t, unsigned mode, uint32_t count)
{
	uint64_t seen = t->nudged || t->at == 0 ? t->at : t->at - 1;
	timer_update(t, mode, count, seen);
}

void vpit_timer_load(struct vpit_irq_timer *t, unsigned mode, uint32_t count)
{
	t->armed = false;
	t->nudged = false;
	timer_update(t, mode, count, 0);
}

void vpit_timer_arm(struct vpit_irq_timer *t, unsigned mode, uint32_t count)
{
	uint64_t next = vpit_wave_next(mode, count, 0);
	t->armed = next != VPIT_WAVE_NONE;
	t->at = next;
	t->nudged = false;
}

/* How far behind (in periods) the timer may be before whole periods are
 * skipped: more than one so that the skip starts and ends in the periodic
 * pattern, which has a rising edge every period for counts above 1. */
#define SKIP_SLACK_PERIODS 2u

void vpit_timer_run(struct vpit_irq_timer *t, unsigned mode, uint32_t count, uint64_t d_now)
{
	while (t->armed && t->at <= d_now) {
		bool periodic = (mode == 2 || mode == 3) && count != 0;
		if (periodic && t->at >= 2 && (d_now - t->at) / count > 2 * SKIP_SLACK_PERIODS) {
			uint64_t skip = (d_now - t->at) / count - SKIP_SLACK_PERIODS;
			t->at += skip * count;   /* translation by whole periods: the same pattern */
			if (count > 1)
				t->rose = true;  /* count 1 holds the line high: no edge */
			continue;
		}
		timer_expire(t, mode, count);
	}
}

/* Enough expiries to reach any rise: modes 2 and 3 have one within two
 * periods (at most 4 expiries each), the one-shot modes at most 4 in all. */
#define RISE_SEARCH_EXPIRIES 16u

uint64_t vpit_timer_next_rise(const struct vpit_irq_timer *t, unsigned mode, uint32_t count)
{
	struct vpit_irq_timer sim = *t;

	sim.rose = false;
	for (unsigned i = 0; i < RISE_SEARCH_EXPIRIES && sim.armed; i++) {
		uint64_t at = sim.at;
		timer_expire(&sim, mode, count);
		if (sim.rose)
			return at;
	}
	return VPIT_WAVE_NONE;
}

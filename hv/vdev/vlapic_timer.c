/* hv/vdev/vlapic_timer.c - The local APIC timer (Intel SDM Vol. 3A, 10.5.4;
 * QEMU 7.2 apic_common.c apic_next_timer / apic_get_current_count).
 *
 * The clock. The timer counts the APIC bus clock divided by the divide
 * configuration (1-128). The bus runs at 1 GHz, as in QEMU, whose timer is
 * "nanoseconds >> count_shift" (one bus cycle per ns). Bus time is
 * computed from the guest TSC (hv/vdev/vdev.h): bus = floor(tsc * 1e9 /
 * hz); a deadline for bus time B is the first TSC tick at which that
 * reaches B, ceil(B * hz / 1e9), so the expiry and the current count agree.
 *
 * The count (one-shot and periodic; QEMU's arithmetic). A write of the
 * initial count N (non-zero) starts it at bus time S. After t counter
 * ticks (t = (bus - S) >> shift):
 *   one-shot   current = N - t down to 0; the interrupt at t = N + 1, then
 *              the timer stops (current stays 0)
 *   periodic   current = N - t mod (N + 1); interrupts at t = k (N + 1):
 *              each period is N + 1 ticks, 0 showing for the last one
 * Writing 0 stops it. A masked LVT timer still counts (the current count
 * moves) but has no deadline: no interrupt is due. Unmasked again, a
 * periodic timer's next interrupt is the next period boundary; a one-shot
 * that ran out while masked has fired into nothing (SDM 10.5.1: masked
 * interrupts are not delivered). An expiry found late delivers once:
 * periods missed coalesce (the next deadline is the first boundary after
 * "now", and at least 20 us after it: VLAPIC_TIMER_MIN_GAP_NS). A change of the divide configuration applies to the time
 * already counted too, as QEMU computes it.
 *
 * Mode changes (LVT timer bits 18:17, SDM 10.5.4.1): one-shot <->
 * periodic does not start or stop the timer: a running one-shot carries on
 * as periodic, a periodic one finishes its current period as a one-shot;
 * a one-shot that has run out stays stopped when made periodic (the SDM:
 * only an initial-count write starts the timer; QEMU 7.2 would restart it
 * by phase, later QEMU does not). Entering or leaving TSC-deadline mode
 * disarms both the count and IA32_TSC_DEADLINE. Mode 11b (reserved)
 * counts as one-shot. TSC-deadline mode exists only if the board offers it
 * (bit 18 is otherwise not writable): the interrupt comes when the guest
 * TSC reaches IA32_TSC_DEADLINE (at once for a deadline in the past), then
 * the MSR reads 0, masked or not (a masked entry only withholds the
 * interrupt); writing 0 disarms it; initial-count writes are ignored and
 * the current count reads 0 (SDM 10.5.4.1).
 *
 * Before a write changes how the timer runs, an expiry that was already
 * due is delivered by the old settings: the board may not have called
 * vlapic_timer_expire yet, and the interrupt happened before the write. */
#include "hv/vdev/vlapic_priv.h"
#include "lib/muldiv.h"

#define APIC_BUS_HZ 1000000000ull   /* QEMU: one bus cycle per nanosecond */

/* The host's guard against a guest-chosen period of a few ns: after an
 * expiry the next periodic deadline is at least this far ahead, the
 * periods in between coalesce (at most 50000 timer interrupts a second;
 * KVM clamps periodic timers harder, to 200 us). The count is unchanged. */
#define VLAPIC_TIMER_MIN_GAP_NS 20000ull

static uint64_t bus_time(const struct vlapic *v, uint64_t tsc)
{
	return v->clock->hz ? muldiv64(tsc, APIC_BUS_HZ, v->clock->hz) : 0;
}

/* The first guest-TSC tick whose bus time is at least bus. */
static uint64_t tsc_at_bus(const struct vlapic *v, uint64_t bus)
{
	uint64_t tsc = muldiv64(bus, v->clock->hz, APIC_BUS_HZ);

	if (tsc == UINT64_MAX)
		return VDEV_NO_DEADLINE;
	if (muldiv64(tsc, APIC_BUS_HZ, v->clock->hz) < bus)
		tsc++;
	return tsc;
}

static unsigned mode_of(uint32_t lvt)
{
	unsigned m = timer_mode(lvt);
	return m == 3 ? TIMER_ONESHOT : m;   /* 11b is reserved: a one-shot */
}

/* One period (periodic) or the whole run (one-shot), in bus cycles. */
static uint64_t period_bus(const struct vlapic *v)
{
	return ((uint64_t)v->timer_initial + 1) << v->timer_shift;
}

static uint64_t elapsed_bus(const struct vlapic *v, uint64_t now_bus)
{
	return now_bus > v->timer_start_bus ? now_bus - v->timer_start_bus : 0;
}

/* A one-shot count past its end has stopped. */
static void stop_if_run_out(struct vlapic *v, unsigned mode, uint64_t now_bus)
{
	if (v->timer_running && mode == TIMER_ONESHOT && elapsed_bus(v, now_bus) >= period_bus(v))
		v->timer_running = false;
}

/* ahead: bus cycles past now before which no periodic deadline is set
 * (0 after a register write; VLAPIC_TIMER_MIN_GAP_NS after an expiry). */
static uint64_t compute_deadline(struct vlapic *v, uint64_t now, uint64_t ahead)
{
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_TIMER]);
	unsigned mode = mode_of(lvt);

	/* A TSC deadline is reported even masked: reaching it clears the MSR,
	 * interrupt or not (SDM 10.5.4.1). */
	if (mode == TIMER_TSC_DEADLINE)
		return v->tsc_deadline ? v->tsc_deadline : VDEV_NO_DEADLINE;
	if (lvt & LVT_MASKED)
		return VDEV_NO_DEADLINE;
	if (!v->clock->hz)
		return VDEV_NO_DEADLINE;
	uint64_t now_bus = bus_time(v, now);
	stop_if_run_out(v, mode, now_bus);
	if (!v->timer_running)
		return VDEV_NO_DEADLINE;
	uint64_t period = period_bus(v), end = period;
	if (mode == TIMER_PERIODIC) {
		/* the first boundary after now, and not before now + ahead */
		uint64_t elapsed = elapsed_bus(v, now_bus), k = elapsed / period + 1;
		if (k * period < elapsed + ahead)
			k = (elapsed + ahead + period - 1) / period;
		end = k * period;
	}
	return tsc_at_bus(v, v->timer_start_bus + end);
}

static void refresh_ahead(struct vlapic *v, uint64_t now, uint64_t ahead)
{
	uint64_t d = compute_deadline(v, now, ahead);

	if (d != v->timer_deadline) {
		v->timer_deadline = d;
		vdev_deadline_changed(&v->deadline_hook);
	}
}

static void refresh(struct vlapic *v, uint64_t now)
{
	refresh_ahead(v, now, 0);
}

/* Delivers the expiry due at now, if one is, by the settings of lvt (the
 * entry as it was when the deadline was computed). */
static void fire_if_due(struct vlapic *v, uint64_t now, uint32_t lvt)
{
	if (v->timer_deadline == VDEV_NO_DEADLINE || now < v->timer_deadline)
		return;
	v->timer_deadline = VDEV_NO_DEADLINE;   /* the caller's refresh sets the next one */
	switch (mode_of(lvt)) {
	case TIMER_TSC_DEADLINE:
		v->tsc_deadline = 0;
		break;
	case TIMER_ONESHOT:
		v->timer_running = false;
		break;
	default:
		break;
	}
	if (!(lvt & LVT_MASKED))
		vlapic_accept(v, (uint8_t)(lvt & LVT_VECTOR), false);
}

void vlapic_timer_reset(struct vlapic *v)
{
	v->timer_initial = 0;
	v->timer_divide = 0;
	v->timer_shift = 1;   /* divide configuration 0: by 2 */
	v->timer_running = false;
	v->timer_start_bus = 0;
	v->tsc_deadline = 0;
	if (v->timer_deadline != VDEV_NO_DEADLINE) {
		v->timer_deadline = VDEV_NO_DEADLINE;
		vdev_deadline_changed(&v->deadline_hook);
	}
}

uint64_t vlapic_timer_next_deadline(const struct vlapic *v)
{
	return v->timer_deadline;
}

void vlapic_timer_expire(struct vlapic *v, uint64_t now)
{
	fire_if_due(v, now, LOAD(&v->lvt[VLAPIC_LVT_TIMER]));
	refresh_ahead(v, now, VLAPIC_TIMER_MIN_GAP_NS);
}

void vlapic_timer_set_initial(struct vlapic *v, uint32_t count)
{
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_TIMER]);

	if (mode_of(lvt) == TIMER_TSC_DEADLINE)
		return;   /* SDM 10.5.4.1: ignored in TSC-deadline mode */
	uint64_t now = vclock_now(v->clock);
	fire_if_due(v, now, lvt);
	v->timer_initial = count;
	v->timer_start_bus = bus_time(v, now);
	v->timer_running = count != 0;
	refresh(v, now);
}

void vlapic_timer_set_divide(struct vlapic *v, uint32_t val)
{
	uint64_t now = vclock_now(v->clock);

	fire_if_due(v, now, LOAD(&v->lvt[VLAPIC_LVT_TIMER]));
	v->timer_divide = val & 0xb;
	/* SDM Figure 10-10: bits 3,1:0 = 000b -> 2, 001b -> 4 ... 110b -> 128, 111b -> 1 */
	unsigned code = (v->timer_divide & 3) | ((v->timer_divide >> 1) & 4);
	v->timer_shift = (code + 1) & 7;
	refresh(v, now);
}

void vlapic_timer_lvt_changed(struct vlapic *v, uint32_t old_lvt)
{
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_TIMER]);
	unsigned from = mode_of(old_lvt), to = mode_of(lvt);
	uint64_t now = vclock_now(v->clock);

	fire_if_due(v, now, old_lvt);
	if (from != to && v->clock->hz) {
		uint64_t now_bus = bus_time(v, now);
		stop_if_run_out(v, from, now_bus);
		if (from == TIMER_TSC_DEADLINE || to == TIMER_TSC_DEADLINE) {
			v->timer_running = false;
			v->tsc_deadline = 0;
		} else if (from == TIMER_PERIODIC && v->timer_running) {
			/* The current period, from its start, becomes the one-shot run. */
			uint64_t period = period_bus(v);
			v->timer_start_bus += elapsed_bus(v, now_bus) / period * period;
		}
	}
	refresh(v, now);
}

uint32_t vlapic_timer_current(struct vlapic *v)
{
	unsigned mode = mode_of(LOAD(&v->lvt[VLAPIC_LVT_TIMER]));

	if (mode == TIMER_TSC_DEADLINE || !v->timer_running)
		return 0;
	uint64_t now_bus = bus_time(v, vclock_now(v->clock));
	stop_if_run_out(v, mode, now_bus);
	if (!v->timer_running)
		return 0;
	uint64_t ticks = elapsed_bus(v, now_bus) >> v->timer_shift;
	uint64_t n = v->timer_initial;
	if (mode == TIMER_PERIODIC)
		return (uint32_t)(n - ticks % (n + 1));
	return ticks >= n ? 0 : (uint32_t)(n - ticks);
}

uint64_t vlapic_tsc_deadline_read(struct vlapic *v)
{
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_TIMER]);

	if (mode_of(lvt) != TIMER_TSC_DEADLINE)
		return 0;
	/* A deadline already reached reads 0, its interrupt delivered. */
	uint64_t now = vclock_now(v->clock);
	fire_if_due(v, now, lvt);
	refresh(v, now);
	return v->tsc_deadline;
}

void vlapic_tsc_deadline_write(struct vlapic *v, uint64_t val)
{
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_TIMER]);

	if (mode_of(lvt) != TIMER_TSC_DEADLINE)
		return;   /* SDM 10.5.4.1: ignored in the other modes */
	uint64_t now = vclock_now(v->clock);
	fire_if_due(v, now, lvt);
	v->tsc_deadline = val;
	refresh(v, now);
}

/* hv/vdev/vdev.h - What every device model of the virtual PC is built on:
 * the guest clock it reads, the interrupt lines it drives, and how it
 * tells the board that its next deadline moved.
 *
 * Models are pure C: no host hardware, no allocation, no printing, no
 * waiting; everything outside them (time, interrupts, other devices) comes
 * through the structures below, so each model builds and is tested on the
 * host (tests/unit/) with a fake clock and recorded IRQ lines.
 *
 * Time. A model reads the guest's clock, in guest TSC ticks (the TSC the
 * guest itself reads), and converts with lib/muldiv.h at clock->hz: so the
 * guest's TSC, PIT, PM timer, RTC and LAPIC timer all count from one
 * source and agree. A model never keeps time by counting its own events.
 *
 * Deadlines. A model that must act at a time (a PIT interrupt, the RTC's
 * update, the LAPIC timer) says when through a `..._next_deadline()`
 * function (absolute guest TSC, UINT64_MAX for none) and acts in an
 * `..._expire(dev, now)` function the board calls at or after that time.
 * Whenever its next deadline may have changed (a register write, an
 * expiry), the model calls its deadline hook; the hook only takes note
 * (it may run on any CPU, under the model's lock): the board re-reads the
 * deadline later, outside the model's lock, and arms a host timer.
 *
 * Locking. A model that several vCPUs can reach at once (everything but a
 * LAPIC, which only its own vCPU touches) has a spinlock of its own and
 * takes it in every entry point. It may call its IRQ lines and hooks with
 * that lock held; lines only go "downstream" (PIT -> PIC/IOAPIC -> LAPIC
 * -> the vCPU's event state), never back, so no lock order can cycle. */
#ifndef HV_VDEV_VDEV_H
#define HV_VDEV_VDEV_H

#include "lib/types.h"

/* The guest's clock: now() in guest TSC ticks, hz of them per second. */
struct vclock {
	uint64_t (*now)(void *ctx);
	void *ctx;
	uint64_t hz;
};

static inline uint64_t vclock_now(const struct vclock *c)
{
	return c->now(c->ctx);
}

/* An interrupt line a model drives. level: true = asserted. An edge source
 * raises and lowers it (a PIC/IOAPIC pin in edge mode latches the rising
 * edge); a level source holds it while its condition lasts. set may be NULL
 * (the line goes nowhere). `pin` is handed back to set(): the GSI, or the
 * input number on the receiving chip. */
struct irq_line {
	void (*set)(void *ctx, unsigned pin, bool level);
	void *ctx;
	unsigned pin;
};

static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctx, l->pin, level);
}

/* "My next deadline may have moved": see Deadlines above. changed may be
 * NULL. */
struct vdev_deadline_hook {
	void (*changed)(void *ctx);
	void *ctx;
};

static inline void vdev_deadline_changed(const struct vdev_deadline_hook *h)
{
	if (h->changed)
		h->changed(h->ctx);
}

#define VDEV_NO_DEADLINE UINT64_MAX

/* The bits an access of size bytes (1-8) carries: buses and models cut
 * values to it both ways. */
static inline uint64_t vdev_size_mask(unsigned size)
{
	return size >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * size)) - 1;
}

#endif

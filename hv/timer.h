/* hv/timer.h - Each host CPU's deadline queue (hv/timerq.h) on its LAPIC
 * timer: the hardware holds one interrupt, for the earliest deadline, and
 * none while nothing is armed, so a CPU with nothing due is never woken by
 * its timer. The clients: the scheduler's quantum and the boot CPU's
 * console polling (hv/sched.c), and each vCPU's own timer (HC_SET_TIMER,
 * below; a virtual PIT or LAPIC timer later).
 *
 * Everything here runs on the CPU whose queue it touches, with interrupts
 * off (the scheduler, exit handlers, the timer interrupt itself), which is
 * the queue's whole locking rule; the timer interrupt can only arrive where
 * the scheduler lets interrupts in (the halt in cpu_idle_wait, and around
 * VMRUN), never in the middle of a queue operation. Deadlines are absolute
 * TSC values (drivers/tsc.h has the rate). */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include "hv/timerq.h"
#include "lib/types.h"

struct vcpu;

/* This CPU's timer: TSC-deadline mode where CPUID 1 ECX[24] offers it,
 * else one-shot at the rate measured at bring-up; installs the interrupt
 * handler. Idempotent; the first use of this CPU's queue does it too. */
void timer_cpu_init(void);
/* False when this CPU's timer cannot interrupt (no TSC-deadline mode and a
 * LAPIC timer that did not count): then only timer_poll() fires timers,
 * and the CPU must not halt while timer_cpu_busy(). */
bool timer_cpu_has_interrupt(void);
bool timer_cpu_busy(void);

/* Arms t on this CPU's queue for deadline (moving it if it is armed there
 * already; a deadline already passed fires at once) and reprograms the
 * hardware if the earliest deadline changed. False, changing nothing, if t
 * is armed on another CPU's queue. */
bool timer_arm(struct timer *t, uint64_t deadline);
/* Disarms t if it is armed on this CPU's queue. */
void timer_cancel(struct timer *t);
/* Fires what is due without an interrupt (see timer_cpu_has_interrupt). */
void timer_poll(void);
/* From a timer callback: this CPU's scheduler must look again now. The
 * vCPU in guest mode here, if any, leaves at its next exit (the timer's
 * own interrupt is one), the same as a kick from another CPU does. */
void timer_kick_scheduler(void);

/* TSC ticks in us microseconds / ms milliseconds, at the measured rate. */
uint64_t timer_us(uint64_t us);
uint64_t timer_ms(uint64_t ms);

/* ---- a vCPU's own timer: HC_SET_TIMER (hv/hypercall.h) ------------------ */

#define VCPU_TIMER_MAX_US 0xffffffffull   /* about 71 minutes: what EBX holds in 32-bit code */

/* One-shot, on v's CPU (call there): fires us microseconds from now, 0
 * cancels; arming again moves it. When it fires, vector (32-255) is raised
 * on v (vcpu_raise_irq: the interrupt ends a HLT with IF=1 like any other),
 * or with vector 0 the expiry is latched until it ends a HLT with IF=1 (the
 * one in progress, or the next one). Every call drops a latched expiry.
 * False, changing nothing, if us or vector is out of range. */
bool vcpu_timer_set(struct vcpu *v, uint64_t us, uint64_t vector);
/* Cancels v's timer and drops a latched expiry (v parks, resets or takes
 * an INIT). On v's CPU. */
void vcpu_timer_clear(struct vcpu *v);

/* ---- pure arithmetic (host-tested: tests/unit/test_timer.c) ------------- */

/* us microseconds in TSC ticks at tsc_khz, rounded down; saturates
 * instead of wrapping. Whole milliseconds and the rest apart, so nothing
 * needs 128 bits (whose division is a libgcc call the hypervisor lacks). */
static inline uint64_t timer_tsc_from_us(uint64_t us, uint64_t tsc_khz)
{
	uint64_t ms = us / 1000, rest = us % 1000;

	if (tsc_khz && (ms > UINT64_MAX / tsc_khz || tsc_khz > UINT64_MAX / 1000))
		return UINT64_MAX;
	uint64_t whole = ms * tsc_khz, part = rest * tsc_khz / 1000;
	return whole > UINT64_MAX - part ? UINT64_MAX : whole + part;
}

/* The next deadline of a periodic timer whose deadline `fired` has just
 * been run at `now`: one period later; or, when that has passed too (the
 * CPU was busy for longer than a period), the first deadline of the same
 * phase after now. Missed periods are skipped, not fired back to back,
 * and the phase does not drift. A period of 0 counts as 1. */
static inline uint64_t timer_period_next(uint64_t fired, uint64_t period, uint64_t now)
{
	if (!period)
		period = 1;
	if (now < fired || now - fired < period)
		return fired + period;
	return fired + ((now - fired) / period + 1) * period;
}

#endif

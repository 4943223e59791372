/* hv/timer.c - The per-CPU deadline queues on the LAPIC timers, and the
 * vCPU timer behind HC_SET_TIMER (the model is in timer.h).
 *
 * The hardware is only ever asked for the queue's earliest deadline
 * (program()). In TSC-deadline mode that is the deadline itself (Intel SDM
 * Vol. 3A, 10.5.4.1: the interrupt comes when the TSC reaches
 * IA32_TSC_DEADLINE; a value already passed fires at once). In one-shot
 * mode it is a count of LAPIC timer ticks from now (SDM 10.5.4; AMD APM
 * Vol. 2, 16.4.1), rounded up; the two clocks are only as close as the
 * bring-up calibration, so an interrupt may come a little early: it then
 * finds nothing due and programs the rest. */
#define LOG_PREFIX "timer: "
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/regs.h"
#include "arch/x86/traps.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "hv/timer.h"
#include "hv/vcpu.h"
#include "lib/log.h"
#include "lib/panic.h"

struct cpu_timer {
	struct timerq q;
	uint64_t programmed;     /* the deadline the hardware holds; UINT64_MAX: none */
	bool tsc_deadline;       /* TSC-deadline mode, else one-shot */
	bool has_interrupt;      /* the hardware can interrupt at all */
	bool ready;              /* timer_cpu_init() ran */
};

static struct cpu_timer cpu_timers[MAX_CPUS];

/* This CPU's, set up on first use (the scheduler does it when it starts;
 * anyone arming a timer earlier gets it then: after bring-up measured the
 * LAPIC timer, which is before anything can arm one). */
static struct cpu_timer *this_timer(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu()->cpu_id];

	/* The queue's rule (hv/timerq.h): its own CPU, interrupts off. */
	BUG_ON(read_rflags() & RFLAGS_IF);
	if (unlikely(!ct->ready))
		timer_cpu_init();
	return ct;
}

/* Makes the hardware hold the queue's earliest deadline. */
static void program(struct cpu_timer *ct)
{
	uint64_t next = timerq_next_deadline(&ct->q);

	if (next == ct->programmed)
		return;
	ct->programmed = next;
	if (!ct->has_interrupt)
		return;
	if (ct->tsc_deadline) {
		/* 0 would disarm; any deadline that low has passed anyway. */
		lapic_timer_deadline(next == UINT64_MAX ? 0 : next ? next : 1);
		return;
	}
	if (next == UINT64_MAX) {
		lapic_timer_oneshot(0);
		return;
	}
	uint64_t now = rdtsc();
	lapic_timer_oneshot(lapic_oneshot_count(next > now ? next - now : 0, tsc_khz(),
						this_cpu()->timer_ticks_per_ms));
}

/* VEC_TIMER (traps.c sends the EOI after it). The hardware holds nothing
 * once it has fired, in either mode. */
static void timer_interrupt(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu()->cpu_id];

	if (!ct->ready)
		return;   /* left over from before timer_cpu_init(): nothing to run */
	ct->programmed = UINT64_MAX;
	timerq_expire(&ct->q, rdtsc());
	program(ct);
}

void timer_cpu_init(void)
{
	struct percpu *me = this_cpu();
	struct cpu_timer *ct = &cpu_timers[me->cpu_id];

	if (ct->ready)
		return;
	traps_set_irq_handler(VEC_TIMER, timer_interrupt);   /* one table for all CPUs */
	timerq_init(&ct->q);
	ct->programmed = UINT64_MAX;
	ct->tsc_deadline = lapic_timer_has_tsc_deadline();
	ct->has_interrupt = ct->tsc_deadline || me->timer_ticks_per_ms;
	if (ct->has_interrupt)
		lapic_timer_setup(ct->tsc_deadline);
	if (me->cpu_id == 0 || !ct->has_interrupt)
		pr_info("cpu%u: %s", me->cpu_id,
			ct->tsc_deadline ? "LAPIC timer in TSC-deadline mode" :
			ct->has_interrupt ? "LAPIC timer in one-shot mode (no TSC-deadline mode: CPUID 1 ECX[24] = 0)" :
			"no LAPIC timer: deadlines are only polled");
	ct->ready = true;
}

bool timer_cpu_has_interrupt(void)
{
	return this_timer()->has_interrupt;
}

bool timer_cpu_busy(void)
{
	return this_timer()->q.count != 0;
}

bool timer_arm(struct timer *t, uint64_t deadline)
{
	struct cpu_timer *ct = this_timer();

	if (!timerq_arm(&ct->q, t, deadline))
		return false;
	if (!ct->q.expiring)   /* an expiry in progress programs when it is done */
		program(ct);
	return true;
}

void timer_cancel(struct timer *t)
{
	struct cpu_timer *ct = this_timer();

	if (timerq_cancel(&ct->q, t) && !ct->q.expiring)
		program(ct);
}

void timer_poll(void)
{
	struct cpu_timer *ct = this_timer();

	timerq_expire(&ct->q, rdtsc());
	program(ct);
}

void timer_kick_scheduler(void)
{
	struct percpu *me = this_cpu();
	struct vcpu *running = me->current_vcpu;

	__atomic_store_n(&me->resched, true, __ATOMIC_SEQ_CST);
	if (running)
		__atomic_or_fetch(&running->requests, VCPU_REQ_KICK, __ATOMIC_SEQ_CST);
}

uint64_t timer_us(uint64_t us)
{
	return timer_tsc_from_us(us, tsc_khz());
}

uint64_t timer_ms(uint64_t ms)
{
	return timer_tsc_from_us(ms * 1000, tsc_khz());
}

/* ---- the vCPU timer ------------------------------------------------------ */

/* On v's CPU, from the expiry. */
static void vcpu_timer_fired(struct timerq *q, struct timer *t)
{
	struct vcpu *v = t->owner;

	(void)q;
	if (v->timer_vector)
		vcpu_raise_irq(v, v->timer_vector);   /* the pending interrupt wakes it (wake_check) */
	else
		__atomic_store_n(&v->timer_expired, true, __ATOMIC_SEQ_CST);
	/* Only a vCPU blocked in HLT with IF=1 has anything to gain now: the
	 * scheduler must run it, even if another vCPU holds the core with no
	 * quantum armed (it was the only runnable one). A running vCPU sees
	 * the interrupt at its next entry, the latch at its next HLT. */
	if (__atomic_load_n(&v->state, __ATOMIC_SEQ_CST) == VCPU_HALTED)
		timer_kick_scheduler();
}

bool vcpu_timer_set(struct vcpu *v, uint64_t us, uint64_t vector)
{
	if (us > VCPU_TIMER_MAX_US || (vector != 0 && (vector < 32 || vector > 255)))
		return false;
	BUG_ON(v->cpu != this_cpu()->cpu_id);   /* its queue is its CPU's; vCPUs do not migrate */
	if (!us) {
		vcpu_timer_clear(v);
		return true;
	}
	if (!v->timer.fn)   /* never armed: the record is zeroed at vm_reserve() */
		timer_init(&v->timer, vcpu_timer_fired, v);
	v->timer_vector = (uint8_t)vector;
	__atomic_store_n(&v->timer_expired, false, __ATOMIC_SEQ_CST);
	/* An armed timer is moved, not cancelled and armed again: the LAPIC
	 * is reprogrammed at most once (a register write costs about as much
	 * as an exit under emulation). */
	timer_arm(&v->timer, rdtsc() + timer_us(us));
	return true;
}

void vcpu_timer_clear(struct vcpu *v)
{
	/* A zeroed, never armed timer has no queue: cancelling it is a no-op. */
	timer_cancel(&v->timer);
	__atomic_store_n(&v->timer_expired, false, __ATOMIC_SEQ_CST);
}

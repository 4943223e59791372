/* hv/timerq.h - One host CPU's deadline queue: the timers that CPU must
 * fire, earliest first, so its LAPIC timer only ever needs programming for
 * timerq_next_deadline(). Clients: the scheduler quantum, a vCPU's own
 * timers (virtual LAPIC timer, PIT), a halted vCPU's wake-up.
 *
 * No lock: a queue is touched only by the CPU it belongs to, with interrupts
 * off, so the timer interrupt and the code arming timers never overlap. A
 * timer armed on another CPU's queue is moved by asking that CPU to do it.
 *
 * Deadlines are absolute TSC values. Compared with plain <=: the 64-bit TSC
 * takes well over a century to wrap. UINT64_MAX means "never".
 * Pure logic, no allocation: host-tested (tests/unit/test_timerq.c). */
#ifndef HV_TIMERQ_H
#define HV_TIMERQ_H

#include "lib/types.h"

struct timer;
struct timerq;

/* Runs on the queue's CPU with interrupts off. q is the queue that fired t,
 * handed over so a periodic timer can re-arm itself without looking its
 * CPU up. t is already unarmed; the callback may arm or cancel any timer on
 * q, t included. t->deadline still holds the deadline that fired, so
 * timerq_arm(q, t, t->deadline + period) keeps a period without drift. */
typedef void (*timer_fn)(struct timerq *q, struct timer *t);

/* Embedded in its owner; every field but owner belongs to hv/timerq.c. */
struct timer {
	uint64_t       deadline;    /* TSC; meaningful while armed, and in fn */
	timer_fn       fn;          /* never NULL */
	void          *owner;       /* the caller's: vCPU, per-CPU data, ... */
	struct timer  *next, *prev; /* in q->head or q->due; NULL at the ends */
	struct timerq *queue;       /* the queue it is armed on; NULL = unarmed */
	bool           due;         /* on q->due: picked by the running expiry */
};

struct timerq {
	struct timer *head;         /* armed, by deadline, ties in arming order */
	struct timer *due;          /* inside timerq_expire(): still to run */
	unsigned      count;        /* armed timers, on either list */
	bool          expiring;     /* refuses a nested timerq_expire() */
};

void timerq_init(struct timerq *q);
/* An unarmed timer that will call fn(q, t) when it fires. */
void timer_init(struct timer *t, timer_fn fn, void *owner);

static inline bool timer_is_armed(const struct timer *t) { return t->queue != NULL; }

/* Arms t to fire at deadline; if t is already armed on q, moves it (it then
 * ranks after timers already armed for the same deadline). Returns false,
 * changing nothing, if t is armed on another queue: that CPU owns it, and
 * must cancel it first. Arming during expiry never adds to that expiry's
 * work: a deadline <= now fires at the next timerq_expire() (see there). */
bool timerq_arm(struct timerq *q, struct timer *t, uint64_t deadline);
/* Disarms t, so its callback will not run, even if an expiry in progress
 * had already picked it. Returns whether it was armed on q; unarmed (or
 * armed on another queue, untouched) is not an error. */
bool timerq_cancel(struct timerq *q, struct timer *t);

/* The earliest armed deadline, UINT64_MAX when none. May be <= now when a
 * callback re-armed a timer in the past: program the hardware to fire as
 * soon as it can (a TSC-deadline write in the past fires at once). */
uint64_t timerq_next_deadline(const struct timerq *q);

/* Runs, in deadline order (ties in arming order), the timers that were
 * armed with deadline <= now when the call began and are still armed when
 * their turn comes; returns how many ran. Timers armed by the callbacks wait
 * for the next call, even if already due: that bounds one call by the
 * number of timers armed at entry, so a timer that keeps re-arming itself
 * in the past fires once per call instead of locking the CPU up. Called
 * from a callback (nested), it does nothing and returns 0. */
unsigned timerq_expire(struct timerq *q, uint64_t now);

#endif

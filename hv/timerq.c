/* hv/timerq.c - A per-CPU deadline queue as a sorted doubly linked list.
 * A CPU has a few dozen timers, so an O(n) insert is cheaper than a heap's
 * bookkeeping, and the list gives O(1) cancel and earliest deadline.
 *
 * Expiry first moves the due prefix of q->head onto q->due, then runs q->due
 * from the front. Callbacks only ever insert into q->head, so the walk ends
 * after at most the timers due at entry, and q->due being a real list (not a
 * cursor into q->head) means a callback may cancel or re-arm any timer,
 * including the next one to run, without the walk losing its place. */
#include "hv/timerq.h"

void timerq_init(struct timerq *q)
{
	q->head = NULL;
	q->due = NULL;
	q->count = 0;
	q->expiring = false;
}

void timer_init(struct timer *t, timer_fn fn, void *owner)
{
	t->deadline = 0;
	t->fn = fn;
	t->owner = owner;
	t->next = NULL;
	t->prev = NULL;
	t->queue = NULL;
	t->due = false;
}

static void list_remove(struct timer **head, struct timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		*head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->next = NULL;
	t->prev = NULL;
}

/* After every timer with deadline <= t's, so equal deadlines keep the
 * order they were armed in. */
static void list_insert_sorted(struct timer **head, struct timer *t)
{
	struct timer *before = NULL;
	struct timer *after = *head;

	while (after && after->deadline <= t->deadline) {
		before = after;
		after = after->next;
	}
	t->prev = before;
	t->next = after;
	if (before)
		before->next = t;
	else
		*head = t;
	if (after)
		after->prev = t;
}

/* Takes t off whichever list of q it is on; the caller fixes t->queue. */
static void timer_unlink(struct timerq *q, struct timer *t)
{
	list_remove(t->due ? &q->due : &q->head, t);
	t->due = false;
}

bool timerq_arm(struct timerq *q, struct timer *t, uint64_t deadline)
{
	if (t->queue && t->queue != q)
		return false;
	if (t->queue)
		timer_unlink(q, t);
	else
		q->count++;
	t->queue = q;
	t->deadline = deadline;
	list_insert_sorted(&q->head, t);
	return true;
}

bool timerq_cancel(struct timerq *q, struct timer *t)
{
	if (t->queue != q)
		return false;
	timer_unlink(q, t);
	t->queue = NULL;
	q->count--;
	return true;
}

uint64_t timerq_next_deadline(const struct timerq *q)
{
	uint64_t next = UINT64_MAX;

	/* Both lists are sorted, so their heads are the only candidates. */
	if (q->head)
		next = q->head->deadline;
	if (q->due && q->due->deadline < next)
		next = q->due->deadline;
	return next;
}

unsigned timerq_expire(struct timerq *q, uint64_t now)
{
	struct timer *last_due = NULL;
	struct timer *t;
	unsigned ran = 0;

	if (q->expiring)
		return 0;
	for (t = q->head; t && t->deadline <= now; t = t->next) {
		t->due = true;
		last_due = t;
	}
	if (!last_due)
		return 0;

	q->due = q->head;
	q->head = last_due->next;
	if (q->head)
		q->head->prev = NULL;
	last_due->next = NULL;

	q->expiring = true;
	while ((t = q->due) != NULL) {
		timer_unlink(q, t);
		t->queue = NULL;
		q->count--;
		ran++;
		/* t is unarmed before fn runs, so a self re-arm lands in
		 * q->head, and nothing here touches t after the call. */
		t->fn(q, t);
	}
	q->expiring = false;
	return ran;
}

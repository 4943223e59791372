/* tests/unit/test_timerq.c - The per-CPU deadline queue: order, cancel, expiry, callbacks, a model check. */
/* UNIT_SRC: hv/timerq.c */
#include "test.h"
#include "hv/timerq.h"

/* Callbacks append their timer's owner index here, so a case can check
 * which timers ran and in what order. */
static unsigned fired[64];
static unsigned fired_count;

static void record(struct timerq *q, struct timer *t)
{
	(void)q;
	if (fired_count < ARRAY_SIZE(fired))
		fired[fired_count++] = (unsigned)(uintptr_t)t->owner;
}

static void reset_fired(void)
{
	fired_count = 0;
}

/* Timers t[0..n) recording their own index. */
static void init_recorders(struct timer *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		timer_init(&t[i], record, (void *)(uintptr_t)i);
}

/* The queue's links agree both ways, it is sorted, and count matches. */
static void expect_well_formed(const struct timerq *q)
{
	unsigned n = 0;
	const struct timer *prev = NULL;

	for (const struct timer *t = q->head; t; prev = t, t = t->next, n++) {
		EXPECT_TRUE(t->prev == prev);
		EXPECT_TRUE(t->queue == q);
		EXPECT_TRUE(!t->due);
		if (prev)
			EXPECT_TRUE(prev->deadline <= t->deadline);
		if (n > q->count)
			break;   /* a cycle: the expectation below reports it */
	}
	EXPECT_EQ(n, q->count);
	EXPECT_TRUE(q->due == NULL);
	EXPECT_TRUE(!q->expiring);
}

/* The owner indices of q's timers, front to back, must be want[0..n). */
static void expect_order(const struct timerq *q, const unsigned *want, unsigned n)
{
	unsigned i = 0;
	for (const struct timer *t = q->head; t && i <= n; t = t->next, i++)
		if (i < n)
			EXPECT_EQ((uintptr_t)t->owner, want[i]);
	EXPECT_EQ(i, n);
	expect_well_formed(q);
}

static void expect_fired(const unsigned *want, unsigned n)
{
	EXPECT_EQ(fired_count, n);
	for (unsigned i = 0; i < n && i < fired_count; i++)
		EXPECT_EQ(fired[i], want[i]);
}

static void test_init(void)
{
	struct timerq q;
	struct timer t;
	timerq_init(&q);
	timer_init(&t, record, &q);
	EXPECT_TRUE(!timer_is_armed(&t));
	EXPECT_TRUE(t.owner == &q);
	EXPECT_EQ(q.count, 0);
	EXPECT_EQ(timerq_next_deadline(&q), UINT64_MAX);
	EXPECT_EQ(timerq_expire(&q, UINT64_MAX), 0);
	expect_well_formed(&q);
}

static void test_order(void)
{
	struct timerq q;
	struct timer t[6];
	static const uint64_t deadline[6] = { 500, 100, 300, 600, 200, 400 };
	static const unsigned by_deadline[6] = { 1, 4, 2, 5, 0, 3 };
	timerq_init(&q);
	init_recorders(t, 6);
	for (unsigned i = 0; i < 6; i++)
		EXPECT_TRUE(timerq_arm(&q, &t[i], deadline[i]));
	EXPECT_EQ(q.count, 6);
	expect_order(&q, by_deadline, 6);
	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 1000), 6);
	expect_fired(by_deadline, 6);
	EXPECT_EQ(q.count, 0);
	for (unsigned i = 0; i < 6; i++)
		EXPECT_TRUE(!timer_is_armed(&t[i]));
}

static void test_ties_in_arming_order(void)
{
	struct timerq q;
	struct timer t[5];
	static const unsigned want[5] = { 3, 0, 2, 4, 1 };
	timerq_init(&q);
	init_recorders(t, 5);
	timerq_arm(&q, &t[0], 50);
	timerq_arm(&q, &t[1], 70);
	timerq_arm(&q, &t[2], 50);
	timerq_arm(&q, &t[3], 10);
	timerq_arm(&q, &t[4], 50);
	expect_order(&q, want, 5);
	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 70), 5);
	expect_fired(want, 5);
}

static void test_rearm_moves(void)
{
	struct timerq q;
	struct timer t[3];
	timerq_init(&q);
	init_recorders(t, 3);
	timerq_arm(&q, &t[0], 10);
	timerq_arm(&q, &t[1], 20);
	timerq_arm(&q, &t[2], 30);

	EXPECT_TRUE(timerq_arm(&q, &t[0], 40));           /* head to tail */
	expect_order(&q, (const unsigned[]){ 1, 2, 0 }, 3);
	EXPECT_EQ(t[0].deadline, 40);
	timerq_arm(&q, &t[2], 5);                          /* middle to head */
	expect_order(&q, (const unsigned[]){ 2, 1, 0 }, 3);
	timerq_arm(&q, &t[2], 20);     /* ties with 1, armed later: after it */
	expect_order(&q, (const unsigned[]){ 1, 2, 0 }, 3);
	timerq_arm(&q, &t[1], 20);     /* same deadline again: now the later */
	expect_order(&q, (const unsigned[]){ 2, 1, 0 }, 3);
	EXPECT_EQ(q.count, 3);
	EXPECT_EQ(timerq_next_deadline(&q), 20);
}

static void test_cancel(void)
{
	struct timerq q;
	struct timer t[5];
	timerq_init(&q);
	init_recorders(t, 5);
	for (unsigned i = 0; i < 5; i++)
		timerq_arm(&q, &t[i], 100 * (i + 1));

	EXPECT_TRUE(timerq_cancel(&q, &t[2]));             /* middle */
	expect_order(&q, (const unsigned[]){ 0, 1, 3, 4 }, 4);
	EXPECT_TRUE(timerq_cancel(&q, &t[0]));             /* head */
	expect_order(&q, (const unsigned[]){ 1, 3, 4 }, 3);
	EXPECT_EQ(timerq_next_deadline(&q), 200);
	EXPECT_TRUE(timerq_cancel(&q, &t[4]));             /* tail */
	expect_order(&q, (const unsigned[]){ 1, 3 }, 2);
	EXPECT_TRUE(!timerq_cancel(&q, &t[4]));            /* already unarmed */
	EXPECT_TRUE(!timerq_cancel(&q, &t[2]));
	EXPECT_EQ(q.count, 2);
	EXPECT_TRUE(!timer_is_armed(&t[0]) && timer_is_armed(&t[1]));

	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 1000), 2);             /* cancelled never run */
	expect_fired((const unsigned[]){ 1, 3 }, 2);

	timerq_arm(&q, &t[0], 7);                           /* the only one */
	EXPECT_TRUE(timerq_cancel(&q, &t[0]));
	expect_well_formed(&q);
	EXPECT_TRUE(q.head == NULL);
	EXPECT_EQ(timerq_next_deadline(&q), UINT64_MAX);
}

static void test_next_deadline(void)
{
	struct timerq q;
	struct timer t[3];
	timerq_init(&q);
	init_recorders(t, 3);
	EXPECT_EQ(timerq_next_deadline(&q), UINT64_MAX);
	timerq_arm(&q, &t[0], 900);
	EXPECT_EQ(timerq_next_deadline(&q), 900);
	timerq_arm(&q, &t[1], 300);
	EXPECT_EQ(timerq_next_deadline(&q), 300);
	timerq_arm(&q, &t[2], 0);                           /* already in the past */
	EXPECT_EQ(timerq_next_deadline(&q), 0);
	timerq_arm(&q, &t[2], 1000);
	EXPECT_EQ(timerq_next_deadline(&q), 300);
	timerq_expire(&q, 300);
	EXPECT_EQ(timerq_next_deadline(&q), 900);
}

static void test_expire_none_some_all(void)
{
	struct timerq q;
	struct timer t[4];
	timerq_init(&q);
	init_recorders(t, 4);
	for (unsigned i = 0; i < 4; i++)
		timerq_arm(&q, &t[i], 100 * (i + 1));

	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 99), 0);               /* none due */
	EXPECT_EQ(fired_count, 0);
	EXPECT_EQ(q.count, 4);

	EXPECT_EQ(timerq_expire(&q, 200), 2);              /* some: <= is due */
	expect_fired((const unsigned[]){ 0, 1 }, 2);
	expect_order(&q, (const unsigned[]){ 2, 3 }, 2);
	EXPECT_EQ(timerq_next_deadline(&q), 300);
	EXPECT_EQ(t[0].deadline, 100);     /* kept for the callback's benefit */

	reset_fired();
	EXPECT_EQ(timerq_expire(&q, UINT64_MAX), 2);       /* all */
	expect_fired((const unsigned[]){ 2, 3 }, 2);
	EXPECT_EQ(q.count, 0);
	EXPECT_EQ(timerq_expire(&q, UINT64_MAX), 0);
	expect_well_formed(&q);
}

/* The scheduler quantum: re-arms itself one period on from when it was
 * due, not from when it ran, so late interrupts do not add up to drift. */
#define QUANTUM 1000
static unsigned quantum_ticks;

static void quantum_tick(struct timerq *q, struct timer *t)
{
	quantum_ticks++;
	EXPECT_TRUE(!timer_is_armed(t));
	EXPECT_TRUE(timerq_arm(q, t, t->deadline + QUANTUM));
}

static void test_periodic_quantum(void)
{
	struct timerq q;
	struct timer quantum;
	timerq_init(&q);
	timer_init(&quantum, quantum_tick, NULL);
	quantum_ticks = 0;
	timerq_arm(&q, &quantum, QUANTUM);

	EXPECT_EQ(timerq_expire(&q, QUANTUM + 10), 1);     /* a little late */
	EXPECT_EQ(timerq_next_deadline(&q), 2 * QUANTUM);
	EXPECT_EQ(timerq_expire(&q, 2 * QUANTUM), 1);
	EXPECT_EQ(timerq_next_deadline(&q), 3 * QUANTUM);
	EXPECT_EQ(timerq_expire(&q, 2 * QUANTUM + 999), 0);

	/* Due at 3Q but run just before 6Q: one tick per call, the backlog
	 * visible in next_deadline so the caller fires again at once. */
	EXPECT_EQ(timerq_expire(&q, 6 * QUANTUM - 1), 1);
	EXPECT_EQ(timerq_next_deadline(&q), 4 * QUANTUM);
	EXPECT_EQ(timerq_expire(&q, 6 * QUANTUM - 1), 1);
	EXPECT_EQ(timerq_expire(&q, 6 * QUANTUM - 1), 1);
	EXPECT_EQ(timerq_expire(&q, 6 * QUANTUM - 1), 0);
	EXPECT_EQ(timerq_next_deadline(&q), 6 * QUANTUM);
	EXPECT_EQ(quantum_ticks, 5);
	EXPECT_EQ(q.count, 1);
	expect_well_formed(&q);
}

/* A callback that meddles with the other timers, all due at the same expiry:
 * cancels one about to run, moves one about to run, cancels one not due,
 * and arms a fresh one in the past. */
static struct timer meddle_timers[6];

static void meddler(struct timerq *q, struct timer *t)
{
	record(q, t);
	EXPECT_TRUE(!timerq_cancel(q, t));                    /* itself: unarmed */
	EXPECT_TRUE(timerq_cancel(q, &meddle_timers[1]));     /* due next */
	EXPECT_TRUE(timerq_arm(q, &meddle_timers[2], 25));    /* due, moved: still due */
	EXPECT_TRUE(timerq_cancel(q, &meddle_timers[4]));     /* not due */
	EXPECT_TRUE(timerq_arm(q, &meddle_timers[5], 1));     /* new, in the past */
	EXPECT_EQ(timerq_next_deadline(q), 1);
}

static void test_callback_changes_others(void)
{
	struct timerq q;
	struct timer *t = meddle_timers;
	timerq_init(&q);
	init_recorders(t, 6);
	timer_init(&t[0], meddler, (void *)(uintptr_t)0);
	timerq_arm(&q, &t[0], 10);
	timerq_arm(&q, &t[1], 20);
	timerq_arm(&q, &t[2], 30);
	timerq_arm(&q, &t[3], 40);
	timerq_arm(&q, &t[4], 100);

	/* 1 is cancelled before its turn; 2 was re-armed during the expiry,
	 * so like 5 it waits for the next call although it is due. */
	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 50), 2);
	expect_fired((const unsigned[]){ 0, 3 }, 2);
	expect_order(&q, (const unsigned[]){ 5, 2 }, 2);
	EXPECT_EQ(timerq_next_deadline(&q), 1);

	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 50), 2);
	expect_fired((const unsigned[]){ 5, 2 }, 2);
	EXPECT_EQ(q.count, 0);
	expect_well_formed(&q);
}

/* A callback that cancels the timer due right after it, the very node the
 * walk would visit next, and one that re-arms the last due timer for later. */
static struct timer chain_timers[4];

static void cancel_next(struct timerq *q, struct timer *t)
{
	record(q, t);
	EXPECT_TRUE(timerq_cancel(q, &chain_timers[1]));
	EXPECT_TRUE(timerq_arm(q, &chain_timers[3], 500));
}

static void test_callback_cancels_next_due(void)
{
	struct timerq q;
	struct timer *t = chain_timers;
	timerq_init(&q);
	init_recorders(t, 4);
	timer_init(&t[0], cancel_next, (void *)(uintptr_t)0);
	for (unsigned i = 0; i < 4; i++)
		timerq_arm(&q, &t[i], 10 + i);
	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 100), 2);
	expect_fired((const unsigned[]){ 0, 2 }, 2);
	expect_order(&q, (const unsigned[]){ 3 }, 1);
	EXPECT_EQ(timerq_next_deadline(&q), 500);
}

/* The guard: a timer that always re-arms itself in the past runs once per
 * expiry call, however often it asks, instead of spinning for ever. */
static unsigned rearms_in_the_past_runs;

static void rearms_in_the_past(struct timerq *q, struct timer *t)
{
	rearms_in_the_past_runs++;
	timerq_arm(q, t, 0);
}

static void test_self_rearm_in_past_runs_next_call(void)
{
	struct timerq q;
	struct timer t[2];
	timerq_init(&q);
	init_recorders(t, 2);
	timer_init(&t[0], rearms_in_the_past, NULL);
	rearms_in_the_past_runs = 0;
	timerq_arm(&q, &t[0], 5);
	timerq_arm(&q, &t[1], 8);   /* due behind it: must not be starved */

	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 10), 2);
	EXPECT_EQ(rearms_in_the_past_runs, 1);
	expect_fired((const unsigned[]){ 1 }, 1);
	EXPECT_EQ(timerq_next_deadline(&q), 0);
	for (unsigned i = 0; i < 100; i++)
		EXPECT_EQ(timerq_expire(&q, 10), 1);
	EXPECT_EQ(rearms_in_the_past_runs, 101);
	EXPECT_EQ(q.count, 1);
	expect_well_formed(&q);
}

/* Expiry from inside a callback is refused rather than run re-entrantly. */
static unsigned nested_result;

static void expire_from_callback(struct timerq *q, struct timer *t)
{
	(void)t;
	nested_result = timerq_expire(q, UINT64_MAX);
}

static void test_nested_expire_refused(void)
{
	struct timerq q;
	struct timer t[2];
	timerq_init(&q);
	init_recorders(t, 2);
	timer_init(&t[0], expire_from_callback, NULL);
	timerq_arm(&q, &t[0], 1);
	timerq_arm(&q, &t[1], 2);
	nested_result = 99;
	reset_fired();
	EXPECT_EQ(timerq_expire(&q, 2), 2);
	EXPECT_EQ(nested_result, 0);
	expect_fired((const unsigned[]){ 1 }, 1);
	expect_well_formed(&q);
}

static void test_other_queue_refused(void)
{
	struct timerq mine, theirs;
	struct timer t;
	timerq_init(&mine);
	timerq_init(&theirs);
	timer_init(&t, record, NULL);
	timerq_arm(&theirs, &t, 50);
	EXPECT_TRUE(!timerq_arm(&mine, &t, 10));
	EXPECT_TRUE(!timerq_cancel(&mine, &t));
	EXPECT_EQ(mine.count, 0);
	EXPECT_EQ(theirs.count, 1);
	EXPECT_EQ(t.deadline, 50);
	EXPECT_TRUE(t.queue == &theirs);
	EXPECT_TRUE(timerq_cancel(&theirs, &t));
	EXPECT_TRUE(timerq_arm(&mine, &t, 10));            /* free to move now */
	EXPECT_EQ(timerq_next_deadline(&mine), 10);
	expect_well_formed(&mine);
	expect_well_formed(&theirs);
}

/* --- the model check: random operations against a plain array ----------- */

#define MODEL_TIMERS 24
#define MODEL_STEPS  20000

struct model_timer {
	bool     armed;
	bool     pending;   /* picked by the running expiry, not yet run */
	uint64_t deadline;
	uint64_t arm_seq;   /* ties fire in this order */
};

static struct model_timer model[MODEL_TIMERS];
static struct timer real[MODEL_TIMERS];
static struct timerq model_q;
static uint64_t model_arm_seq;
static uint64_t model_clock;
static uint64_t model_now;          /* of the running expiry */
static unsigned model_due[MODEL_TIMERS], model_due_count, model_due_next;
static unsigned model_ran;
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* Mostly near the clock, so ties and past deadlines are common. */
static uint64_t random_deadline(void)
{
	if (rng_below(50) == 0)
		return UINT64_MAX;
	uint64_t offset = rng_below(48);
	return model_clock + offset >= 16 ? model_clock + offset - 16 : 0;
}

static void model_arm(unsigned i, uint64_t deadline)
{
	EXPECT_TRUE(timerq_arm(&model_q, &real[i], deadline));
	model[i] = (struct model_timer){ .armed = true, .deadline = deadline,
					 .arm_seq = ++model_arm_seq };
}

static void model_cancel(unsigned i)
{
	EXPECT_EQ(timerq_cancel(&model_q, &real[i]), model[i].armed);
	model[i].armed = false;
	model[i].pending = false;
}

static bool model_before(unsigned a, unsigned b)
{
	if (model[a].deadline != model[b].deadline)
		return model[a].deadline < model[b].deadline;
	return model[a].arm_seq < model[b].arm_seq;
}

static uint64_t model_earliest(void)
{
	uint64_t earliest = UINT64_MAX;
	for (unsigned i = 0; i < MODEL_TIMERS; i++)
		if (model[i].armed)
			earliest = MIN(earliest, model[i].deadline);
	return earliest;
}

/* Checks the callback is the model's next pending timer, then meddles at
 * random the way real callbacks may. */
static void model_fire(struct timerq *q, struct timer *t)
{
	unsigned i = (unsigned)(t - real);
	EXPECT_TRUE(q == &model_q);
	while (model_due_next < model_due_count && !model[model_due[model_due_next]].pending)
		model_due_next++;
	EXPECT_TRUE(model_due_next < model_due_count);
	if (model_due_next < model_due_count)
		EXPECT_EQ(model_due[model_due_next], i);
	EXPECT_TRUE(model[i].pending);
	EXPECT_EQ(t->deadline, model[i].deadline);
	EXPECT_TRUE(!timer_is_armed(t));
	model[i].armed = false;
	model[i].pending = false;
	model_ran++;

	for (unsigned n = rng_below(3); n > 0; n--) {
		switch (rng_below(5)) {
		case 0: model_arm(i, random_deadline()); break;
		case 1: model_arm(rng_below(MODEL_TIMERS), random_deadline()); break;
		case 2: model_arm(rng_below(MODEL_TIMERS), model_now); break;
		case 3: model_cancel(rng_below(MODEL_TIMERS)); break;
		default: EXPECT_EQ(timerq_expire(q, model_now), 0); break;
		}
	}
	/* Mid-expiry the earliest may still be waiting its turn on q->due. */
	EXPECT_EQ(timerq_next_deadline(q), model_earliest());
}

static void model_expire(uint64_t now)
{
	model_due_count = 0;
	for (unsigned i = 0; i < MODEL_TIMERS; i++) {
		if (!model[i].armed || model[i].deadline > now)
			continue;
		unsigned at = model_due_count++;   /* insertion sort: few timers */
		while (at > 0 && model_before(i, model_due[at - 1])) {
			model_due[at] = model_due[at - 1];
			at--;
		}
		model_due[at] = i;
		model[i].pending = true;
	}
	model_due_next = 0;
	model_ran = 0;
	model_now = now;
	EXPECT_EQ(timerq_expire(&model_q, now), model_ran);
	for (unsigned i = 0; i < MODEL_TIMERS; i++)
		EXPECT_TRUE(!model[i].pending);
}

/* The real queue holds exactly the model's armed timers, in model order. */
static void model_compare(void)
{
	unsigned armed = 0;
	const struct timer *prev = NULL;

	for (unsigned i = 0; i < MODEL_TIMERS; i++) {
		EXPECT_EQ(timer_is_armed(&real[i]), model[i].armed);
		if (!model[i].armed)
			continue;
		armed++;
		EXPECT_EQ(real[i].deadline, model[i].deadline);
	}
	for (const struct timer *t = model_q.head; t; prev = t, t = t->next) {
		unsigned i = (unsigned)(t - real);
		EXPECT_TRUE(model[i].armed);
		if (prev)
			EXPECT_TRUE(model_before((unsigned)(prev - real), i));
	}
	expect_well_formed(&model_q);
	EXPECT_EQ(model_q.count, armed);
	EXPECT_EQ(timerq_next_deadline(&model_q), model_earliest());
}

static void test_model_random(void)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	model_clock = 1000;
	model_arm_seq = 0;
	timerq_init(&model_q);
	for (unsigned i = 0; i < MODEL_TIMERS; i++) {
		timer_init(&real[i], model_fire, NULL);
		model[i] = (struct model_timer){ 0 };
	}
	for (unsigned step = 0; step < MODEL_STEPS && !test_case_failed; step++) {
		unsigned op = rng_below(10);
		if (op < 4) {
			model_arm(rng_below(MODEL_TIMERS), random_deadline());
		} else if (op < 6) {
			model_cancel(rng_below(MODEL_TIMERS));
		} else {
			model_clock += rng_below(24);
			model_expire(rng_below(200) == 0 ? UINT64_MAX : model_clock);
		}
		model_compare();
		if (test_case_failed)
			fprintf(stderr, "  model diverged at step %u\n", step);
	}
}

int main(void)
{
	RUN(test_init);
	RUN(test_order);
	RUN(test_ties_in_arming_order);
	RUN(test_rearm_moves);
	RUN(test_cancel);
	RUN(test_next_deadline);
	RUN(test_expire_none_some_all);
	RUN(test_periodic_quantum);
	RUN(test_callback_changes_others);
	RUN(test_callback_cancels_next_due);
	RUN(test_self_rearm_in_past_runs_next_call);
	RUN(test_nested_expire_refused);
	RUN(test_other_queue_refused);
	RUN(test_model_random);
	TEST_MAIN_END();
}

/* tests/unit/test_asid.c - ASID allocation per (vCPU, host CPU) with generations and the flushes it asks for. */
/* UNIT_SRC: hv/asid.c */
#include "test.h"
#include "hv/asid.h"

#define NASID_TCG 16   /* what QEMU TCG reports: guest ASIDs 1..15 */

static void test_tlb_control_values(void)
{
	EXPECT_EQ(asid_tlb_control(ASID_FLUSH_NONE), 0);
	EXPECT_EQ(asid_tlb_control(ASID_FLUSH_ALL), 1);
	EXPECT_EQ(asid_tlb_control(ASID_FLUSH_THIS_ASID), 3);
}

static void test_first_assign_flushes_all(void)
{
	struct asid_cpu c;
	struct asid_vcpu v;
	asid_cpu_init(&c, NASID_TCG);
	asid_vcpu_init(&v);
	EXPECT_EQ(asid_assign(&c, 0, &v, true), ASID_FLUSH_ALL);
	EXPECT_EQ(v.asid, 1);
	EXPECT_EQ(v.cpu, 0);
	EXPECT_EQ(v.generation, c.generation);
	EXPECT_EQ(c.rollovers, 0);   /* the boot flush is not a roll-over */
}

static void test_same_vcpu_keeps_asid(void)
{
	struct asid_cpu c;
	struct asid_vcpu v;
	asid_cpu_init(&c, NASID_TCG);
	asid_vcpu_init(&v);
	asid_assign(&c, 3, &v, false);
	uint32_t asid = v.asid;
	uint64_t gen = c.generation;
	for (int i = 0; i < 100; i++) {
		EXPECT_EQ(asid_assign(&c, 3, &v, false), ASID_FLUSH_NONE);
		EXPECT_EQ(v.asid, asid);
	}
	EXPECT_EQ(c.generation, gen);
	EXPECT_EQ(c.rollovers, 0);
}

/* 24 vCPUs round-robin on 15 ASIDs: none ever finds its ASID still live
 * (24 loans happen between two runs of the same vCPU, more than one
 * generation), so loan k gets ASID k % 15 + 1 and loan k = 0 mod 15 opens a
 * generation. */
static void test_24_vcpus_cycle_through_15_asids(void)
{
	enum { NVCPU = 24, ROUNDS = 10, GUEST_ASIDS = NASID_TCG - 1 };
	struct asid_cpu c;
	struct asid_vcpu v[NVCPU];
	unsigned loan = 0, flush_alls = 0;
	asid_cpu_init(&c, NASID_TCG);
	for (int i = 0; i < NVCPU; i++)
		asid_vcpu_init(&v[i]);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NVCPU; i++, loan++) {
			enum asid_flush f = asid_assign(&c, 0, &v[i], true);
			EXPECT_TRUE(v[i].asid >= 1 && v[i].asid < NASID_TCG);
			EXPECT_EQ(v[i].asid, loan % GUEST_ASIDS + 1);
			EXPECT_EQ(f, loan % GUEST_ASIDS == 0 ? ASID_FLUSH_ALL : ASID_FLUSH_NONE);
			flush_alls += f == ASID_FLUSH_ALL;
		}
	}
	/* 240 loans fill ceil(240 / 15) = 16 generations; all but the first
	 * were opened by a roll-over. */
	unsigned generations = (NVCPU * ROUNDS + GUEST_ASIDS - 1) / GUEST_ASIDS;
	EXPECT_EQ(generations, 16);
	EXPECT_EQ(flush_alls, generations);
	EXPECT_EQ(c.rollovers, generations - 1);
	EXPECT_EQ(c.generation, generations);
}

static void test_rollover_renews_every_old_loan(void)
{
	struct asid_cpu c;
	struct asid_vcpu v[NASID_TCG];   /* 15 that fit, and one more */
	asid_cpu_init(&c, NASID_TCG);
	for (int i = 0; i < NASID_TCG; i++)
		asid_vcpu_init(&v[i]);
	for (int i = 0; i < NASID_TCG - 1; i++)
		asid_assign(&c, 0, &v[i], true);
	for (int i = 0; i < NASID_TCG - 1; i++) {   /* all 15 fit: all kept */
		EXPECT_EQ(asid_assign(&c, 0, &v[i], true), ASID_FLUSH_NONE);
		EXPECT_EQ(v[i].asid, (uint32_t)i + 1);
	}
	uint64_t old_gen = c.generation;
	EXPECT_EQ(asid_assign(&c, 0, &v[NASID_TCG - 1], true), ASID_FLUSH_ALL);
	EXPECT_EQ(v[NASID_TCG - 1].asid, 1);
	EXPECT_EQ(c.rollovers, 1);
	EXPECT_EQ(c.generation, old_gen + 1);
	/* Every loan of the old generation is dead, even ASID 1's, whose
	 * number the newcomer now holds. Loans 2..15 fit; the last opens a
	 * third generation. */
	for (int i = 0; i < NASID_TCG - 1; i++) {
		enum asid_flush f = asid_assign(&c, 0, &v[i], true);
		EXPECT_TRUE(v[i].generation != old_gen);
		EXPECT_EQ(v[i].generation, c.generation);
		if (i < NASID_TCG - 2) {
			EXPECT_EQ(f, ASID_FLUSH_NONE);
			EXPECT_EQ(v[i].asid, (uint32_t)i + 2);
		} else {
			EXPECT_EQ(f, ASID_FLUSH_ALL);
			EXPECT_EQ(v[i].asid, 1);
		}
	}
	EXPECT_EQ(c.rollovers, 2);
}

static void test_migration_gets_new_asid(void)
{
	struct asid_cpu c[2];
	struct asid_vcpu a, b, m;
	asid_cpu_init(&c[0], NASID_TCG);
	asid_cpu_init(&c[1], NASID_TCG);
	asid_vcpu_init(&a);
	asid_vcpu_init(&b);
	asid_vcpu_init(&m);
	EXPECT_EQ(asid_assign(&c[0], 0, &a, true), ASID_FLUSH_ALL);   /* cpu0: 1 */
	EXPECT_EQ(asid_assign(&c[1], 1, &b, true), ASID_FLUSH_ALL);   /* cpu1: 1 */
	EXPECT_EQ(asid_assign(&c[0], 0, &m, true), ASID_FLUSH_NONE);  /* cpu0: 2 */
	EXPECT_EQ(m.asid, 2);
	/* Same generation number on cpu1, but a different CPU's counter. */
	EXPECT_EQ(c[1].generation, m.generation);
	EXPECT_EQ(asid_assign(&c[1], 1, &m, true), ASID_FLUSH_NONE);
	EXPECT_EQ(m.asid, 2);
	EXPECT_EQ(m.cpu, 1);
	EXPECT_EQ(c[1].next, 3);
	/* Back on cpu0, whose generation has not moved: still a new ASID,
	 * because cpu0 never lends 2 twice in a generation. */
	EXPECT_EQ(asid_assign(&c[0], 0, &m, true), ASID_FLUSH_NONE);
	EXPECT_EQ(m.asid, 3);
	EXPECT_EQ(m.cpu, 0);
	/* A migration onto a CPU that has never lent flushes it whole. */
	struct asid_cpu fresh;
	asid_cpu_init(&fresh, NASID_TCG);
	EXPECT_EQ(asid_assign(&fresh, 7, &m, true), ASID_FLUSH_ALL);
	EXPECT_EQ(m.asid, 1);
	EXPECT_EQ(m.cpu, 7);
}

static void test_invalidate_with_flush_by_asid(void)
{
	struct asid_cpu c;
	struct asid_vcpu v;
	asid_cpu_init(&c, NASID_TCG);
	asid_vcpu_init(&v);
	asid_assign(&c, 0, &v, true);
	asid_assign(&c, 0, &v, true);
	uint32_t asid = v.asid;
	asid_invalidate(&v);
	EXPECT_EQ(asid_assign(&c, 0, &v, true), ASID_FLUSH_THIS_ASID);
	EXPECT_EQ(v.asid, asid);
	EXPECT_TRUE(!v.invalid);
	EXPECT_EQ(asid_assign(&c, 0, &v, true), ASID_FLUSH_NONE);   /* once only */
	EXPECT_EQ(c.next, 2);                                       /* nothing new lent */
	/* Invalidated and migrated: the fresh ASID elsewhere is clean. */
	struct asid_cpu other;
	asid_cpu_init(&other, NASID_TCG);
	asid_invalidate(&v);
	EXPECT_EQ(asid_assign(&other, 1, &v, true), ASID_FLUSH_ALL);
	EXPECT_TRUE(!v.invalid);
	EXPECT_EQ(asid_assign(&other, 1, &v, true), ASID_FLUSH_NONE);
	/* Invalidated before it ever ran: nothing to flush beyond the boot flush. */
	struct asid_vcpu w;
	asid_vcpu_init(&w);
	asid_invalidate(&w);
	EXPECT_EQ(asid_assign(&other, 1, &w, true), ASID_FLUSH_NONE);
	EXPECT_EQ(w.asid, 2);
	EXPECT_TRUE(!w.invalid);
}

static void test_invalidate_without_flush_by_asid(void)
{
	struct asid_cpu c;
	struct asid_vcpu v;
	asid_cpu_init(&c, NASID_TCG);
	asid_vcpu_init(&v);
	asid_assign(&c, 0, &v, false);
	EXPECT_EQ(v.asid, 1);
	/* Each invalidation costs one ASID of the generation... */
	for (uint32_t want = 2; want < NASID_TCG; want++) {
		asid_invalidate(&v);
		EXPECT_EQ(asid_assign(&c, 0, &v, false), ASID_FLUSH_NONE);
		EXPECT_EQ(v.asid, want);
		EXPECT_TRUE(!v.invalid);
		EXPECT_EQ(asid_assign(&c, 0, &v, false), ASID_FLUSH_NONE);
		EXPECT_EQ(v.asid, want);
	}
	/* ...until they run out and the generation rolls over. */
	asid_invalidate(&v);
	EXPECT_EQ(asid_assign(&c, 0, &v, false), ASID_FLUSH_ALL);
	EXPECT_EQ(v.asid, 1);
	EXPECT_EQ(c.rollovers, 1);
}

static void test_nasid_2_one_guest_asid(void)
{
	struct asid_cpu c;
	struct asid_vcpu a, b;
	asid_cpu_init(&c, 2);
	asid_vcpu_init(&a);
	asid_vcpu_init(&b);
	EXPECT_TRUE(asid_cpu_has_guest_asids(&c));
	EXPECT_EQ(asid_assign(&c, 0, &a, false), ASID_FLUSH_ALL);
	EXPECT_EQ(a.asid, 1);
	EXPECT_EQ(asid_assign(&c, 0, &a, false), ASID_FLUSH_NONE);
	/* Two vCPUs share the one ASID by flushing at every switch. */
	for (int i = 0; i < 10; i++) {
		struct asid_vcpu *v = (i & 1) ? &a : &b;
		EXPECT_EQ(asid_assign(&c, 0, v, false), ASID_FLUSH_ALL);
		EXPECT_EQ(v->asid, 1);
	}
	EXPECT_EQ(c.rollovers, 10);
	asid_invalidate(&a);   /* a ran last */
	EXPECT_EQ(asid_assign(&c, 0, &a, true), ASID_FLUSH_THIS_ASID);
	asid_invalidate(&a);
	EXPECT_EQ(asid_assign(&c, 0, &a, false), ASID_FLUSH_ALL);
	EXPECT_EQ(a.asid, 1);
	EXPECT_EQ(c.rollovers, 11);
}

static void test_nasid_0_and_1_lend_nothing(void)
{
	for (uint32_t nasid = 0; nasid < 2; nasid++) {
		struct asid_cpu c;
		struct asid_vcpu v;
		asid_cpu_init(&c, nasid);
		asid_vcpu_init(&v);
		EXPECT_TRUE(!asid_cpu_has_guest_asids(&c));
		for (int i = 0; i < 3; i++) {
			EXPECT_EQ(asid_assign(&c, 0, &v, true), ASID_FLUSH_NONE);
			EXPECT_EQ(v.asid, 0);
		}
		asid_invalidate(&v);
		EXPECT_EQ(asid_assign(&c, 0, &v, false), ASID_FLUSH_NONE);
		EXPECT_EQ(v.asid, 0);
		EXPECT_EQ(c.next, 0);
		EXPECT_EQ(c.generation, 0);
		EXPECT_EQ(c.rollovers, 0);
		/* A vCPU arriving from a CPU with ASIDs gives its old one up. */
		struct asid_cpu good;
		asid_cpu_init(&good, NASID_TCG);
		asid_assign(&good, 1, &v, true);
		EXPECT_EQ(v.asid, 1);
		asid_assign(&c, 0, &v, true);
		EXPECT_EQ(v.asid, 0);
	}
}

/* The largest NASID the field can state: next must not wrap past it. */
static void test_nasid_max_does_not_overflow(void)
{
	struct asid_cpu c;
	struct asid_vcpu a, b;
	asid_cpu_init(&c, UINT32_MAX);
	asid_vcpu_init(&a);
	asid_vcpu_init(&b);
	asid_assign(&c, 0, &a, true);
	c.next = UINT32_MAX - 1;   /* skip ahead to the last ASID */
	EXPECT_EQ(asid_assign(&c, 0, &b, true), ASID_FLUSH_NONE);
	EXPECT_EQ(b.asid, UINT32_MAX - 1);
	EXPECT_EQ(asid_assign(&c, 0, &a, true), ASID_FLUSH_NONE);   /* still live */
	asid_vcpu_init(&a);
	EXPECT_EQ(asid_assign(&c, 0, &a, true), ASID_FLUSH_ALL);
	EXPECT_EQ(a.asid, 1);
	EXPECT_EQ(c.rollovers, 1);
}

/* ------------------------------------------------------------------------ */
/* Randomized: a model TLB checks that no vCPU ever sees a translation that
 * is not its own and current, and that no ASID is lent twice at once.      */
/* ------------------------------------------------------------------------ */

enum { R_NCPU = 2, R_NVCPU = 40, R_MAX_NASID = 16, R_OPS = 20000 };

struct tlb_tag {
	int      vcpu;    /* -1: empty; -2: left behind by whoever ran before us */
	uint32_t epoch;   /* the vCPU's translations as of that invalidation count */
};

static uint64_t rng_state;
static uint32_t rng_next(void)   /* xorshift64: fixed seed, same run every time */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static void random_run(uint32_t nasid, bool flush_by_asid, uint64_t seed)
{
	struct asid_cpu cpu[R_NCPU];
	struct asid_vcpu v[R_NVCPU];
	int on_cpu[R_NVCPU];
	uint32_t epoch[R_NVCPU];
	struct tlb_tag tlb[R_NCPU][R_MAX_NASID];
	uint64_t flush_alls[R_NCPU] = { 0 };
	int bad = 0;

	rng_state = seed;
	for (int p = 0; p < R_NCPU; p++) {
		asid_cpu_init(&cpu[p], nasid);
		for (uint32_t a = 0; a < R_MAX_NASID; a++)
			tlb[p][a] = (struct tlb_tag){ -2, 0 };
	}
	for (int i = 0; i < R_NVCPU; i++) {
		asid_vcpu_init(&v[i]);
		on_cpu[i] = (int)(rng_next() % R_NCPU);
		epoch[i] = 0;
	}

	for (int op = 0; op < R_OPS && !bad; op++) {
		int i = (int)(rng_next() % R_NVCPU);
		uint32_t what = rng_next() % 10;
		if (what == 0) {                 /* reset or NPT change */
			epoch[i]++;
			asid_invalidate(&v[i]);
			continue;
		}
		if (what == 1)                   /* the scheduler moves it */
			on_cpu[i] = (on_cpu[i] + 1) % R_NCPU;

		int p = on_cpu[i];
		uint64_t gen_before = cpu[p].generation;
		enum asid_flush f = asid_assign(&cpu[p], (uint32_t)p, &v[i], flush_by_asid);
		uint32_t a = v[i].asid;

		bad |= !(a >= 1 && a < nasid);
		bad |= !flush_by_asid && f == ASID_FLUSH_THIS_ASID;
		bad |= (f == ASID_FLUSH_ALL) != (cpu[p].generation != gen_before);
		bad |= v[i].cpu != (uint32_t)p || v[i].generation != cpu[p].generation;
		if (bad)
			break;
		for (int j = 0; j < R_NVCPU; j++)   /* one holder per (cpu, gen, asid) */
			if (j != i && v[j].asid == a && v[j].cpu == (uint32_t)p &&
			    v[j].generation == cpu[p].generation)
				bad = 1;

		/* What VMRUN with this TLB_CONTROL does to the model TLB. */
		if (f == ASID_FLUSH_ALL) {
			flush_alls[p]++;
			for (uint32_t k = 0; k < R_MAX_NASID; k++)
				tlb[p][k].vcpu = -1;
		} else if (f == ASID_FLUSH_THIS_ASID) {
			tlb[p][a].vcpu = -1;
		}
		struct tlb_tag *t = &tlb[p][a];
		if (t->vcpu != -1 && (t->vcpu != i || t->epoch != epoch[i]))
			bad = 1;                 /* stale or foreign entries visible */
		*t = (struct tlb_tag){ i, epoch[i] };
	}
	EXPECT_TRUE(!bad);
	for (int p = 0; p < R_NCPU; p++) {
		EXPECT_TRUE(flush_alls[p] >= 1);
		EXPECT_EQ(cpu[p].rollovers, flush_alls[p] - 1);
		EXPECT_EQ(cpu[p].generation, flush_alls[p]);
	}
}

static void test_random_two_cpus_flush_by_asid(void)
{
	random_run(NASID_TCG, true, 0x9e3779b97f4a7c15ull);
	random_run(3, true, 0x0123456789abcdefull);
}

static void test_random_two_cpus_without_flush_by_asid(void)
{
	random_run(NASID_TCG, false, 0xfeedfacecafebeefull);
	random_run(2, false, 0x5eed5eed5eed5eedull);
}

int main(void)
{
	RUN(test_tlb_control_values);
	RUN(test_first_assign_flushes_all);
	RUN(test_same_vcpu_keeps_asid);
	RUN(test_24_vcpus_cycle_through_15_asids);
	RUN(test_rollover_renews_every_old_loan);
	RUN(test_migration_gets_new_asid);
	RUN(test_invalidate_with_flush_by_asid);
	RUN(test_invalidate_without_flush_by_asid);
	RUN(test_nasid_2_one_guest_asid);
	RUN(test_nasid_0_and_1_lend_nothing);
	RUN(test_nasid_max_does_not_overflow);
	RUN(test_random_two_cpus_flush_by_asid);
	RUN(test_random_two_cpus_without_flush_by_asid);
	TEST_MAIN_END();
}

/* tests/unit/test_vlapic_timer.c - The local APIC timer against the fake
 * guest clock (2.5 GHz TSC, the 1 GHz APIC bus): one-shot and periodic
 * with every divider, the current count, masking, mode changes, TSC-
 * deadline mode and the deadline hook. */
/* UNIT_SRC: hv/vdev/vlapic.c hv/vdev/vlapic_regs.c hv/vdev/vlapic_timer.c hv/vdev/apic_bus.c */
#include "vlapic_fake.h"

#define T0      1000000ull    /* fake_board's TSC: bus time 400000 ns */
#define BUS0    400000ull

/* The first TSC tick at bus time ns (2.5 ticks per ns, rounded up). */
static uint64_t tsc_at(uint64_t ns)
{
	return (ns * 5 + 1) / 2;
}

/* The guest clock at bus time BUS0 + elapsed. */
static void at(uint64_t elapsed_ns)
{
	fake_tsc = tsc_at(BUS0 + elapsed_ns);
}

static struct vlapic *timer_lapic(bool tsc_deadline)
{
	fake_board(1, false, tsc_deadline);
	sw_enable(&cpus[0].lapic);
	return &cpus[0].lapic;
}

static const struct { uint32_t code; uint64_t divisor; } dividers[] = {
	{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
};

static void test_one_shot_every_divider(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(dividers); i++) {
		struct vlapic *v = timer_lapic(false);
		uint64_t d = dividers[i].divisor;
		wr(v, 0x3e0, dividers[i].code | 0xf4);     /* reserved bits dropped */
		EXPECT_EQ(rd(v, 0x3e0), dividers[i].code);
		wr(v, 0x320, 0x30);                          /* one-shot, vector 0x30 */
		at(0);
		wr(v, 0x380, 1000);
		EXPECT_EQ(rd(v, 0x380), 1000);
		EXPECT_EQ(rd(v, 0x390), 1000);
		/* QEMU: N + 1 ticks to the interrupt */
		EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 1001 * d));
		at(10 * d - 1);
		EXPECT_EQ(rd(v, 0x390), 991);
		at(10 * d);
		EXPECT_EQ(rd(v, 0x390), 990);
		at(999 * d);
		EXPECT_EQ(rd(v, 0x390), 1);
		at(1000 * d);
		EXPECT_EQ(rd(v, 0x390), 0);
		vlapic_timer_expire(v, tsc_at(BUS0 + 1001 * d) - 1);   /* early: nothing */
		EXPECT_EQ(vlapic_pending(v), -1);
		EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 1001 * d));
		at(1001 * d);
		vlapic_timer_expire(v, fake_tsc);
		EXPECT_EQ(vlapic_pending(v), 0x30);
		EXPECT_TRUE(!tmr_has(v, 0x30));              /* the timer is edge */
		EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
		at(5000 * d);
		EXPECT_EQ(rd(v, 0x390), 0);
		vlapic_timer_expire(v, fake_tsc);
		EXPECT_EQ(drain(v), 1);                      /* once */
	}
}

static void test_periodic(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(dividers); i++) {
		struct vlapic *v = timer_lapic(false);
		uint64_t d = dividers[i].divisor, period = 40000 * d;
		wr(v, 0x3e0, dividers[i].code);
		wr(v, 0x320, 0x20031);                       /* periodic, vector 0x31 */
		at(0);
		wr(v, 0x380, 39999);
		EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + period));
		at(d * 37);
		EXPECT_EQ(rd(v, 0x390), 39999 - 37);
		at(period - 1);
		EXPECT_EQ(rd(v, 0x390), 0);
		at(period);
		EXPECT_EQ(rd(v, 0x390), 39999);              /* reloaded */
		vlapic_timer_expire(v, fake_tsc);
		EXPECT_EQ(drain(v), 1);
		EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 2 * period));
		/* late by several periods: one interrupt, re-armed by phase */
		at(5 * period + 3 * d);
		EXPECT_EQ(rd(v, 0x390), 39996);
		vlapic_timer_expire(v, fake_tsc);
		EXPECT_EQ(drain(v), 1);
		EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 6 * period));
		/* writing 0 stops it */
		wr(v, 0x380, 0);
		EXPECT_EQ(rd(v, 0x390), 0);
		EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
		at(100 * period);
		vlapic_timer_expire(v, fake_tsc);
		EXPECT_EQ(vlapic_pending(v), -1);
	}
}

/* Masked: still counting, no deadline; unmasked: the next boundary. */
static void test_masked_counts(void)
{
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x320, 0x30031);                           /* periodic, masked */
	at(0);
	wr(v, 0x380, 99);                                /* divide by 2: 200 ns periods */
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	at(450);
	EXPECT_EQ(rd(v, 0x390), 99 - 25);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_pending(v), -1);
	wr(v, 0x320, 0x20031);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 600));
	EXPECT_EQ(vlapic_pending(v), -1);                /* the missed ones are gone */
	/* a masked one-shot that runs out fires into nothing */
	wr(v, 0x320, 0x10032);
	at(1000);
	wr(v, 0x380, 99);
	at(1300);
	wr(v, 0x320, 0x00032);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(v, 0x390), 0);
	EXPECT_EQ(vlapic_pending(v), -1);
}

/* Times in units of 100 ns: the periods are 20 us (9999 + 1 ticks by 2). */
static void test_mode_changes(void)
{
	/* a running one-shot carries on as periodic */
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x320, 0x33);
	at(0);
	wr(v, 0x380, 9999);
	at(5000);
	wr(v, 0x320, 0x20033);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 20000));
	EXPECT_EQ(rd(v, 0x390), 9999 - 2500);
	at(20000);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(drain(v), 1);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 40000));
	at(40000);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(drain(v), 1);
	/* a periodic one finishes its period as a one-shot */
	at(45000);
	wr(v, 0x320, 0x33);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 60000));
	EXPECT_EQ(rd(v, 0x390), 9999 - 2500);
	at(60000);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(drain(v), 1);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	/* a one-shot that has run out stays stopped when made periodic */
	at(90000);
	wr(v, 0x320, 0x20033);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(v, 0x390), 0);
	at(500000);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_pending(v), -1);
	/* only an initial-count write starts it again */
	wr(v, 0x380, 9);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 500000 + 20));
}

/* An expiry already due when a write changes the timer is delivered by
 * the old settings first. */
static void test_due_expiry_before_a_write(void)
{
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x320, 0x34);
	at(0);
	wr(v, 0x380, 99);
	at(250);                                         /* due at 200, not yet expired */
	wr(v, 0x380, 49);
	EXPECT_EQ(vlapic_pending(v), 0x34);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 250 + 100));
	drain(v);
	at(400);                                         /* due at 350 */
	wr(v, 0x320, 0x10035);                           /* masked now: the old vector fired */
	EXPECT_EQ(vlapic_pending(v), 0x34);
	EXPECT_TRUE(!irr_has(v, 0x35));
}

/* A period of a few ns: after an expiry the next deadline is at least
 * 20 us ahead (the host's guard), the count goes on unchanged. */
static void test_tiny_period_coalesces(void)
{
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x3e0, 0xb);                               /* by 1 */
	wr(v, 0x320, 0x2003a);
	at(0);
	wr(v, 0x380, 1);                                 /* 2 ns periods */
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 2));
	at(2);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 20002));
	at(20002);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 40002));
	EXPECT_EQ(drain(v), 1);
	at(20003);
	EXPECT_EQ(rd(v, 0x390), 0);                      /* the count keeps its own 2-tick pace */
	at(20004);
	EXPECT_EQ(rd(v, 0x390), 1);
	/* a period of exactly the gap loses nothing */
	wr(v, 0x380, 19999);                             /* at 20004 */
	at(40004);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(drain(v), 1);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 60004));
}

/* The divide configuration applies to the time already counted (QEMU). */
static void test_divide_change_mid_count(void)
{
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x320, 0x36);
	at(0);
	wr(v, 0x380, 1000);                              /* by 2 */
	at(200);
	EXPECT_EQ(rd(v, 0x390), 900);
	wr(v, 0x3e0, 0xb);                               /* by 1 */
	EXPECT_EQ(rd(v, 0x390), 800);
	EXPECT_EQ(vlapic_timer_next_deadline(v), tsc_at(BUS0 + 1001));
}

static void test_tsc_deadline(void)
{
	struct vlapic *v = timer_lapic(true);
	uint64_t val;
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 500), 0);   /* one-shot mode: ignored */
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, 0);
	wr(v, 0x320, 0x40037);                           /* TSC-deadline, vector 0x37 */
	EXPECT_EQ(rd(v, 0x320), 0x40037);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	int changes = cpus[0].deadline_changes;
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 500), 0);
	EXPECT_EQ(cpus[0].deadline_changes, changes + 1);
	EXPECT_EQ(vlapic_timer_next_deadline(v), T0 + 500);
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, T0 + 500);
	wr(v, 0x380, 1000);                              /* the count is ignored */
	EXPECT_EQ(rd(v, 0x380), 0);
	EXPECT_EQ(rd(v, 0x390), 0);
	vlapic_timer_expire(v, T0 + 499);
	EXPECT_EQ(vlapic_pending(v), -1);
	fake_tsc = T0 + 500;
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_pending(v), 0x37);
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, 0);                               /* cleared by the expiry */
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	drain(v);
	/* a deadline in the past: due at once */
	fake_tsc = T0 + 2000;
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 1000), 0);
	EXPECT_TRUE(vlapic_timer_next_deadline(v) <= fake_tsc);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(drain(v), 1);
	/* 0 disarms */
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 5000), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, 0), 0);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	/* a read after the deadline: 0, the interrupt delivered */
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 3000), 0);
	fake_tsc = T0 + 3001;
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, 0);
	EXPECT_EQ(drain(v), 1);
	/* masked: the deadline still clears the MSR, no interrupt */
	wr(v, 0x320, 0x50037);
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 4000), 0);
	EXPECT_EQ(vlapic_timer_next_deadline(v), T0 + 4000);
	vlapic_timer_expire(v, T0 + 4000);
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, 0);
	EXPECT_EQ(vlapic_pending(v), -1);
	/* leaving the mode disarms, and so does coming back */
	wr(v, 0x320, 0x40037);
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, T0 + 9000), 0);
	wr(v, 0x320, 0x20037);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	wr(v, 0x320, 0x40037);
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), 0);
	EXPECT_EQ(val, 0);
	/* and a count running when the mode is entered stops */
	wr(v, 0x320, 0x00037);
	wr(v, 0x380, 100);
	wr(v, 0x320, 0x40037);
	EXPECT_EQ(rd(v, 0x390), 0);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
}

static void test_deadline_hook_and_reset(void)
{
	struct vlapic *v = timer_lapic(false);
	int changes = cpus[0].deadline_changes;
	wr(v, 0x320, 0x38);
	at(0);
	wr(v, 0x380, 10);
	EXPECT_EQ(cpus[0].deadline_changes, changes + 1);
	wr(v, 0x3e0, 0);                                 /* the same divider: same deadline */
	EXPECT_EQ(cpus[0].deadline_changes, changes + 1);
	vlapic_init_reset(v);
	EXPECT_EQ(cpus[0].deadline_changes, changes + 2);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(v, 0x380), 0);
	EXPECT_EQ(rd(v, 0x3e0), 0);
}

/* An illegal timer vector is an error, not an interrupt. */
static void test_illegal_timer_vector(void)
{
	struct vlapic *v = timer_lapic(false);
	wr(v, 0x320, 0x0f);
	at(0);
	wr(v, 0x380, 1);
	at(4);
	vlapic_timer_expire(v, fake_tsc);
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(esr(v), 0x40);
}

/* At 1 GHz a bus cycle is a TSC tick; in x2APIC mode the MSRs drive the
 * same timer. */
static void test_x2apic_timer_at_1ghz(void)
{
	fake_board(1, false, false);
	fake_clock.hz = 1000000000ull;
	struct vlapic *v = &cpus[0].lapic;
	EXPECT_EQ(to_x2apic(v), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x80f, 0x1ff), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x83e, 0xa), 0);     /* by 128 */
	EXPECT_EQ(vlapic_msr_write(v, 0x832, 0x20039), 0);
	fake_tsc = 5000;
	EXPECT_EQ(vlapic_msr_write(v, 0x838, 199), 0);     /* 200 ticks of 128 ns */
	EXPECT_EQ(vlapic_timer_next_deadline(v), 5000 + 200 * 128);
	fake_tsc = 5000 + 128 * 3;
	uint64_t val;
	EXPECT_EQ(vlapic_msr_read(v, 0x839, &val), 0);
	EXPECT_EQ(val, 196);
	EXPECT_EQ(vlapic_msr_write(v, 0x839, 1), -1);      /* current count: read-only */
	vlapic_timer_expire(v, 5000 + 200 * 128);
	EXPECT_EQ(vlapic_pending(v), 0x39);
	EXPECT_EQ(vlapic_timer_next_deadline(v), 5000 + 400 * 128);
	fake_clock.hz = 2500000000ull;
}

int main(void)
{
	RUN(test_one_shot_every_divider);
	RUN(test_periodic);
	RUN(test_masked_counts);
	RUN(test_mode_changes);
	RUN(test_due_expiry_before_a_write);
	RUN(test_tiny_period_coalesces);
	RUN(test_divide_change_mid_count);
	RUN(test_tsc_deadline);
	RUN(test_deadline_hook_and_reset);
	RUN(test_illegal_timer_vector);
	RUN(test_x2apic_timer_at_1ghz);
	TEST_MAIN_END();
}

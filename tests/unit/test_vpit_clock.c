/* tests/unit/test_vpit_clock.c - The 8254 against the guest clock
 * (hv/vdev/vpit.c, vpit_wave.c): periods at real TSC rates without drift,
 * the TSC calibration loops of Linux and SeaBIOS through port 0x61, IRQ 0
 * edges as QEMU 7.2's channel 0 timer makes them (i8254_common.c
 * pit_get_next_transition_time, i8254.c pit_irq_timer_update) from
 * vpit_expire and their coalescing, vpit_next_deadline, the hook, and
 * random programming against the deadline contract. The register-level
 * cases are in test_vpit.c. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpit.c hv/vdev/vpit_wave.c */
#include "vpit_fake.h"

#define GHZ_2_5   2500000000ull
#define GHZ_ODD   1000001000ull          /* 1.000001 GHz */

/* Mode 2 and 3 periods: every edge at exactly the first tick of PIT clock
 * kN (mode 3) or kN + 1 (mode 2: QEMU's timer raises the line one clock
 * after the reload, vpit_wave.h), one interrupt edge per expiry, for 10^6
 * periods. */
static void run_periods(uint64_t hz, unsigned mode, uint32_t n, unsigned periods)
{
	struct pit_rig r;
	const uint64_t t0 = 987654321ull;
	rig_init(&r, hz, 5);
	r.clk.t = t0;
	program(&r, 0, mode, (uint16_t)n);           /* 65536 is written as 0 */
	unsigned rises = r.irq.rises, late = mode == 2;
	EXPECT_EQ(r.irq.level, mode == 3);           /* OUT at the load: mode 2 low, 3 high */
	bool ok = true;
	for (unsigned k = 1; k <= periods && ok; k++) {
		uint64_t expect = exact_tsc(t0, (uint64_t)k * n + late, hz);
		uint64_t dl = vpit_next_deadline(&r.pit);
		if (k % 4096 == 0) {
			/* one tick early: nothing yet */
			r.clk.t = dl - 1;
			vpit_expire(&r.pit, dl - 1);
			ok &= r.irq.rises == rises + k - 1;
		}
		r.clk.t = dl;
		vpit_expire(&r.pit, dl);
		ok &= dl == expect && r.irq.rises == rises + k && r.irq.last_rise == expect && r.irq.level;
		if (!ok) {
			EXPECT_EQ(dl, expect);
			EXPECT_EQ(r.irq.rises, rises + k);
		}
	}
	EXPECT_TRUE(ok);
	EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(t0, (uint64_t)(periods + 1) * n + late, hz));
}

static void test_mode2_periods_2_5ghz(void) { run_periods(GHZ_2_5, 2, 1193, 1000000); }
static void test_mode2_periods_odd_rate(void) { run_periods(GHZ_ODD, 2, 1193, 1000000); }
static void test_mode3_periods(void)
{
	run_periods(GHZ_2_5, 3, 11931, 100000);
	run_periods(GHZ_ODD, 3, 65535, 100000);
	run_periods(GHZ_ODD, 3, 65536, 1000);
	run_periods(PIT_HZ, 3, 2, 1000);
	run_periods(300000, 2, 7, 1000);            /* a clock slower than the PIT's: 4 PIT clocks a tick */
}

/* The phase after 10^6 periods, reached in one jump: the count at a time
 * is computed from the load, not accumulated. */
static void test_no_drift_long_jump(void)
{
	const uint64_t hzs[] = { GHZ_2_5, GHZ_ODD };
	for (unsigned i = 0; i < 2; i++) {
		struct pit_rig r;
		uint64_t hz = hzs[i], t0 = 42;
		rig_init(&r, hz, t0);
		program(&r, 0, 2, 1193);
		uint64_t t = exact_tsc(t0, 1000000ull * 1193 + 100, hz);
		r.clk.t = t;
		EXPECT_EQ(latched_count(&r, 0), 1193 - 100);
		r.clk.t = t - 1;                          /* the model's time never goes back */
		EXPECT_EQ(latched_count(&r, 0), 1193 - 100);
		r.clk.t = exact_tsc(t0, 1000001ull * 1193, hz) - 1;
		EXPECT_TRUE(!out_of(&r, 0));
		r.clk.t += 1;
		EXPECT_TRUE(out_of(&r, 0));               /* the one-clock reload pulse, exactly there */
		r.clk.t = exact_tsc(t0, 1000001ull * 1193 + 1, hz);
		EXPECT_TRUE(!out_of(&r, 0));
	}
}

/* The calibration of Linux (pit_calibrate_tsc) and SeaBIOS (tsctimer_setup):
 * GATE2 on with the speaker off, channel 2 mode 0 LSB/MSB, then poll OUT2
 * in port 0x61: it must rise exactly count/1193182 s after the count. */
static void test_calibration_gate_first(void)
{
	const uint64_t hzs[] = { GHZ_2_5, GHZ_ODD, PIT_HZ };
	const uint16_t counts[] = { 11932, 2386, 0xffff, 1 };
	for (unsigned i = 0; i < 3; i++) {
		for (unsigned j = 0; j < 4; j++) {
			struct pit_rig r;
			uint64_t hz = hzs[i];
			rig_init(&r, hz, 777777);
			outb(&r, 0x61, (uint8_t)((inb(&r, 0x61) & ~0x02) | 0x01));
			outb(&r, 0x43, 0xb0);
			outb(&r, 0x42, (uint8_t)counts[j]);
			r.clk.t += 123;                   /* the MSB comes a little later */
			uint64_t t_w = r.clk.t;
			outb(&r, 0x42, (uint8_t)(counts[j] >> 8));
			uint64_t flip = exact_tsc(t_w, counts[j], hz);
			uint64_t step = hz / 100000 + 1, seen = 0;
			r.clk.t = flip - 1;
			EXPECT_TRUE(!out2(&r));
			for (uint64_t t = flip - 1; t < flip + 2 * step; t += step) {
				r.clk.t = t;
				if (out2(&r)) {
					seen = t;
					break;
				}
			}
			EXPECT_TRUE(seen >= flip && seen < flip + step);
			r.clk.t = flip;
			EXPECT_TRUE(out2(&r));
			r.clk.t = flip + 1000000;
			EXPECT_TRUE(out2(&r));            /* and stays */
		}
	}
}

/* The other order (tests/guests/mb/lib/tkdev.c): count written with GATE2
 * low, then the gate turned on. As in QEMU the count runs from its write:
 * mode 0 ignores the gate. */
static void test_calibration_count_first(void)
{
	struct pit_rig r;
	rig_init(&r, GHZ_2_5, 0);
	outb(&r, 0x61, 0x00);
	program(&r, 2, 0, 11932);
	uint64_t flip = exact_tsc(0, 11932, GHZ_2_5);
	EXPECT_EQ(flip, 25000378ull);                     /* 11932 / 1193182 s = 10.00015 ms at 2.5 GHz */
	r.clk.t = 5000000;
	EXPECT_TRUE(!out2(&r));
	gate2(&r, true);
	r.clk.t = flip - 1;
	EXPECT_TRUE(!out2(&r));
	EXPECT_EQ(latched_count(&r, 2), 1);
	r.clk.t = flip;
	EXPECT_TRUE(out2(&r));
	EXPECT_EQ(latched_count(&r, 2), 0);
}

/* Linux's quick_pit_calibrate: mode 0 from 0xffff, reading LSB and MSB
 * without a latch: every byte is the live count at its read. */
static void test_live_reads_against_clock(void)
{
	struct pit_rig r;
	rig_init(&r, GHZ_ODD, 100);
	gate2(&r, true);
	program(&r, 2, 0, 0xffff);
	uint64_t t_w = r.clk.t;
	for (uint64_t t = t_w; t < t_w + 50000000; t += 99991) {
		r.clk.t = t;
		uint64_t d = (uint64_t)((unsigned __int128)(t - t_w) * PIT_HZ / GHZ_ODD);
		uint16_t expect = (uint16_t)(0xffff - d);
		EXPECT_EQ(inb(&r, 0x42), expect & 0xff);
		EXPECT_EQ(inb(&r, 0x42), expect >> 8);
	}
}

/* Mode 0 on channel 0 (Linux's clockevent shutdown, SeaBIOS's oneshots):
 * a control word alone leaves the power-on count running, now judged as
 * mode 0 (its timer's pending expiry included); the count lowers irq0,
 * one edge at the terminal count, kept high. */
static void test_irq_mode0(void)
{
	struct pit_rig r;
	rig_init(&r, GHZ_2_5, 1000);
	outb(&r, 0x43, 0x30);
	EXPECT_EQ(r.irq.calls, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(1000, 65536, GHZ_2_5));
	outb(&r, 0x40, 0x00);
	EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(1000, 65536, GHZ_2_5));   /* half a count: nothing */
	outb(&r, 0x40, 0x10);
	EXPECT_TRUE(!r.irq.level);
	uint64_t dl = exact_tsc(1000, 0x1000, GHZ_2_5);
	EXPECT_EQ(vpit_next_deadline(&r.pit), dl);
	unsigned rises = r.irq.rises;
	r.clk.t = dl - 1;
	vpit_expire(&r.pit, dl - 1);
	EXPECT_EQ(r.irq.rises, rises);
	EXPECT_TRUE(!r.irq.level);
	r.clk.t = dl + 5000;                          /* late */
	vpit_expire(&r.pit, dl + 5000);
	EXPECT_EQ(r.irq.rises, rises + 1);
	EXPECT_TRUE(r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	r.clk.t += 100000000;
	vpit_expire(&r.pit, r.clk.t);
	EXPECT_EQ(r.irq.rises, rises + 1);
	EXPECT_TRUE(r.irq.level);
	/* a new count lowers it until the next terminal count */
	outb(&r, 0x40, 0x01);
	outb(&r, 0x40, 0x00);
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(r.clk.t, 1, GHZ_2_5));
}

/* Mode 4 (Linux's one-shot clockevent) and mode 1 on channel 0: QEMU's
 * OUT and so irq0 are high for the strobe's one clock at d = N (mode 4),
 * and from the count's write until d = N (mode 1: the write is the edge). */
static void test_irq_mode4(void)
{
	struct pit_rig r;
	rig_init(&r, GHZ_2_5, 0);
	program(&r, 0, 4, 1193);
	EXPECT_TRUE(!r.irq.level);
	uint64_t dl = exact_tsc(0, 1193, GHZ_2_5);
	EXPECT_EQ(vpit_next_deadline(&r.pit), dl);
	unsigned rises = r.irq.rises;
	r.clk.t = dl - 1;
	vpit_expire(&r.pit, dl - 1);
	EXPECT_EQ(r.irq.rises, rises);
	r.clk.t = dl;
	vpit_expire(&r.pit, dl);
	EXPECT_EQ(r.irq.rises, rises + 1);
	EXPECT_TRUE(r.irq.level);
	EXPECT_TRUE(out_of(&r, 0));
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	/* a look after the strobe: low again, and nothing more */
	r.clk.t = exact_tsc(0, 1194, GHZ_2_5);
	EXPECT_TRUE(!out_of(&r, 0));
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	/* mode 1: high at the write, low at d = N, no deadline */
	rises = r.irq.rises;
	uint64_t t_w = r.clk.t;
	program(&r, 0, 1, 100);
	EXPECT_EQ(r.irq.rises, rises + 1);
	EXPECT_TRUE(r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	r.clk.t = exact_tsc(t_w, 100, GHZ_2_5);
	vpit_expire(&r.pit, r.clk.t);
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(r.irq.rises, rises + 1);
}

/* The host was busy for 1000 periods: one interrupt edge, and the next
 * deadline is the next period in the original phase. */
static void test_coalescing(void)
{
	for (unsigned mode = 2; mode <= 3; mode++) {
		struct pit_rig r;
		const uint64_t t0 = 10;
		rig_init(&r, GHZ_ODD, t0);
		program(&r, 0, mode, 1193);
		unsigned rises = r.irq.rises, hooks = r.hooks;
		uint64_t late = exact_tsc(t0, 1000ull * 1193 + 1193 / 2 + 1, GHZ_ODD);
		r.clk.t = late;
		vpit_expire(&r.pit, late);
		EXPECT_EQ(r.irq.rises, rises + 1);
		EXPECT_EQ(r.hooks, hooks + 1);
		unsigned late_clock = mode == 2;         /* mode 2's line rises one clock after the reload */
		EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(t0, 1001ull * 1193 + late_clock, GHZ_ODD));
		/* mode 3 is in its low half there, mode 2's line high: irq0 follows */
		EXPECT_EQ(r.irq.level, mode == 2);
		vpit_expire(&r.pit, late);                /* again: nothing new */
		EXPECT_EQ(r.irq.rises, rises + 1);
		vpit_expire(&r.pit, t0);                  /* from the past: nothing */
		EXPECT_EQ(r.irq.rises, rises + 1);
		uint64_t dl = vpit_next_deadline(&r.pit);
		r.clk.t = dl;
		vpit_expire(&r.pit, dl);
		EXPECT_EQ(r.irq.rises, rises + 2);
		/* one edge even when the calls come from a much later register access */
		r.clk.t = exact_tsc(t0, 5000ull * 1193 + 3, GHZ_ODD);
		(void)inb(&r, 0x41);
		EXPECT_EQ(r.irq.rises, rises + 3);
		EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(t0, 5001ull * 1193 + late_clock, GHZ_ODD));
	}
}

/* What calls the hook: channel 0's control words and count loads and
 * every expiry; not the first byte of two, channel 2, port 0x61 or plain
 * reads. */
static void test_hook_calls(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	EXPECT_EQ(r.hooks, 0);
	outb(&r, 0x43, 0x34);
	EXPECT_EQ(r.hooks, 1);
	outb(&r, 0x40, 100);
	EXPECT_EQ(r.hooks, 1);
	outb(&r, 0x40, 0);
	EXPECT_EQ(r.hooks, 2);
	unsigned h = r.hooks;
	program(&r, 2, 3, 10);
	gate2(&r, true);
	gate2(&r, false);
	(void)inb(&r, 0x61);
	(void)latched_count(&r, 0);
	(void)status_of(&r, 0);
	program(&r, 1, 2, 10);
	EXPECT_EQ(r.hooks, h);
	vpit_expire(&r.pit, 50);                      /* no edge yet: still called */
	EXPECT_EQ(r.hooks, h + 1);
	r.clk.t = 101;
	(void)inb(&r, 0x42);                          /* a read that delivers an edge (mode 2: d = N + 1) */
	EXPECT_EQ(r.hooks, h + 2);
	outb(&r, 0x43, 0x00);                         /* a latch does not move it */
	EXPECT_EQ(r.hooks, h + 2);
}

static void test_next_deadline_values(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	/* mode 2, N = 1: OUT low at the load, high from d = 1 on; QEMU's
	 * timer first looks at d = 1 (its expiry for 2), then keeps it high */
	program(&r, 0, 2, 1);
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 2);
	r.clk.t = 2;
	vpit_expire(&r.pit, 2);
	EXPECT_TRUE(r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	r.clk.t = 1000;
	vpit_expire(&r.pit, 1000);
	EXPECT_TRUE(r.irq.level);
	program(&r, 0, 3, 1);                         /* mode 3, N = 1: OUT stays high */
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	EXPECT_TRUE(r.irq.level);
	/* mode 2, LSB, over count 1 from 1000: the mode 3 expiry pending for
	 * d = 1 sees d = 0, where mode 2's OUT is low, so the line dips and
	 * its next expiry (for 2) raises it again */
	outb(&r, 0x43, 0x14);
	EXPECT_TRUE(r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 1002);
	outb(&r, 0x40, 5);                            /* low at the load; up at d = 6 */
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 1006);
	/* a new count mid-period restarts at once */
	r.clk.t = 1100;
	program(&r, 0, 2, 100);
	r.clk.t = 1130;
	outb(&r, 0x43, 0x34);
	outb(&r, 0x40, 10);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 1201);  /* the first byte changes nothing */
	outb(&r, 0x40, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 1141);
	r.clk.t = 1141;
	vpit_expire(&r.pit, 1141);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 1151);
	/* mode 3: up at the load, down at (N+1)/2, up at N */
	r.clk.t = 2000;
	program(&r, 0, 3, 5);
	EXPECT_TRUE(r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 2005);
	r.clk.t = 2003;
	vpit_expire(&r.pit, 2003);
	EXPECT_TRUE(!r.irq.level);
	/* a slow clock: several PIT clocks per tick */
	struct pit_rig s;
	rig_init(&s, 1000, 0);
	program(&s, 0, 0, 1193);                      /* 1193/1193182 s = 0.9998 ms */
	EXPECT_EQ(vpit_next_deadline(&s.pit), 1);
	program(&s, 0, 0, 1194);
	EXPECT_EQ(vpit_next_deadline(&s.pit), 2);
}

/* Reprogramming: the edges due before it are delivered first, then the
 * load's level; a control word alone changes nothing at once, but the
 * timer's pending expiry is judged by the new mode (QEMU's control-word
 * write does not re-arm it). */
static void test_irq_reprogramming(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	program(&r, 0, 2, 10);
	unsigned rises = r.irq.rises;
	r.clk.t = 35;                                 /* edges at 11, 21, 31 unseen */
	program(&r, 0, 0, 100);
	EXPECT_EQ(r.irq.rises, rises + 1);
	EXPECT_TRUE(!r.irq.level);
	r.clk.t = 50;
	unsigned calls = r.irq.calls;
	outb(&r, 0x43, 0x34);                         /* mode 2 over mode 0's count 100 from 35 */
	EXPECT_EQ(r.irq.calls, calls);
	/* the expiry set for d = 100 sees 99 (low) and is reset for 101,
	 * which sees mode 2's reload at 100: up */
	EXPECT_EQ(vpit_next_deadline(&r.pit), 35 + 101);
	outb(&r, 0x40, 20);
	outb(&r, 0x40, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 50 + 21);
	EXPECT_EQ(r.irq.rises, rises + 1);
	/* mode 3 written over a low line: the load is the edge */
	program(&r, 0, 3, 20);
	EXPECT_EQ(r.irq.rises, rises + 2);
	EXPECT_TRUE(r.irq.level);
}

/* IRQ 0's level clock by clock, as QEMU's timer leaves it (vpit_wave.h):
 * mode 2 high from d = N + 1 but at the reload clocks d = kN; mode 3 its
 * OUT; mode 4 only at d = N; and the power-on count's first edge at its
 * half-cycle, a pulse. */
static void test_irq_line_shape(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 32768);
	r.clk.t = 32767;
	vpit_expire(&r.pit, r.clk.t);
	EXPECT_TRUE(!r.irq.level);
	r.clk.t = 32768;
	vpit_expire(&r.pit, r.clk.t);
	/* QEMU's PIC input starts low: the expiry for 32768 sees 32767 and
	 * raises it, the one 1 ns on sees 32768 and drops it: an edge */
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(r.irq.rises, 1);
	EXPECT_EQ(vpit_next_deadline(&r.pit), 65536);
	for (unsigned mode = 2; mode <= 4; mode++) {
		const unsigned n = 5;
		uint64_t t_load = r.clk.t = 100000 * mode;
		program(&r, 0, mode, n);
		for (unsigned d = 0; d < 4 * n; d++) {
			r.clk.t = t_load + d;
			vpit_expire(&r.pit, r.clk.t);
			bool want = mode == 2 ? d > n && d % n != 0 : mode == 3 ? d % n < (n + 1) / 2 : d == n;
			EXPECT_EQ(r.irq.level, want);
			if (test_case_failed) {
				fprintf(stderr, "  mode %u d %u\n", mode, d);
				return;
			}
		}
	}
}

/* Random programming, reads, gates and expiries with the clock moving on:
 * at every point the deadline is the first instant an expiry delivers an
 * edge (one tick before: none; at it: exactly one), and irq0's recorded
 * level is the model's. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_random_against_deadline(void)
{
	static const uint64_t hzs[] = { 1, 3, PIT_HZ, GHZ_2_5, GHZ_ODD };
	static const uint64_t t0s[] = { 0, 1ull << 40, 1ull << 62 };
	static const unsigned sizes[] = { 1, 2, 4 };
	for (unsigned h = 0; h < ARRAY_SIZE(hzs); h++) {
		struct pit_rig r;
		rig_init(&r, hzs[h], t0s[h % 3]);
		unsigned checks = 0;
		bool ok = true;
		for (int i = 0; i < 100000 && ok; i++) {
			uint64_t x = rng();
			switch (x % 8) {
			case 0:
			case 1: {
				/* mostly sensible control words, sometimes anything */
				uint8_t cw = (x >> 8) & 1 ? (uint8_t)(x >> 16) : (uint8_t)((x >> 16) & 0x3e);
				outb(&r, 0x43, cw);
				break;
			}
			case 2:
				iobus_write(&r.bus, NULL, (uint16_t)(0x40 + (x >> 8) % 4), sizes[(x >> 12) % 3],
					    (uint32_t)(x >> 24));
				break;
			case 3:
				(void)iobus_read(&r.bus, NULL, (uint16_t)(0x40 + (x >> 8) % 4), sizes[(x >> 12) % 3]);
				break;
			case 4:
				outb(&r, 0x61, (uint8_t)(x >> 8));
				(void)inb(&r, 0x61);
				break;
			case 5:
				r.clk.t += (x >> 8) % 100000;
				vpit_expire(&r.pit, r.clk.t);
				break;
			default: {
				uint64_t dl = vpit_next_deadline(&r.pit);
				if (dl == VDEV_NO_DEADLINE)
					break;
				ok &= dl > r.pit.last_now;
				if (dl <= r.clk.t)
					break;   /* the board is late: covered by case 5 */
				unsigned rises = r.irq.rises;
				r.clk.t = dl - 1;
				vpit_expire(&r.pit, dl - 1);
				ok &= r.irq.rises == rises;
				r.clk.t = dl;
				vpit_expire(&r.pit, dl);
				ok &= r.irq.rises == rises + 1;
				checks++;
				break;
			}
			}
			ok &= r.irq.level == r.pit.irq0_level;
		}
		EXPECT_TRUE(ok);
		EXPECT_TRUE(checks > 1000);
		/* and a reset brings back mode 3 from 65536 (access, BCD and
		 * latches are the reset's to leave, as QEMU's) */
		vpit_reset(&r.pit);
		drain(&r, 0);
		drain(&r, 2);
		EXPECT_EQ(status_of(&r, 0) & 0x8e, 0x86);
		EXPECT_EQ(status_of(&r, 2) & 0x8e, 0x86);
		EXPECT_EQ(vpit_next_deadline(&r.pit), exact_tsc(r.clk.t, r.irq.level ? 65536 : 32768, hzs[h]));
	}
}

/* A clock without a rate: nothing counts, nothing is due, nothing breaks. */
static void test_zero_hz(void)
{
	struct pit_rig r;
	rig_init(&r, 0, 100);
	program(&r, 0, 2, 10);
	r.clk.t = 1000000;
	EXPECT_EQ(latched_count(&r, 0), 10);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	vpit_expire(&r.pit, UINT64_MAX);
	EXPECT_EQ(inb(&r, 0x61) & 0x10, 0x10);        /* the refresh bit flips by reads, not time */
	EXPECT_EQ(inb(&r, 0x61) & 0x10, 0);
}

int main(void)
{
	RUN(test_mode2_periods_2_5ghz);
	RUN(test_mode2_periods_odd_rate);
	RUN(test_mode3_periods);
	RUN(test_no_drift_long_jump);
	RUN(test_calibration_gate_first);
	RUN(test_calibration_count_first);
	RUN(test_live_reads_against_clock);
	RUN(test_irq_mode0);
	RUN(test_irq_mode4);
	RUN(test_coalescing);
	RUN(test_hook_calls);
	RUN(test_next_deadline_values);
	RUN(test_irq_reprogramming);
	RUN(test_irq_line_shape);
	RUN(test_random_against_deadline);
	RUN(test_zero_hz);
	TEST_MAIN_END();
}

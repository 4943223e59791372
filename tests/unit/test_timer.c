/* tests/unit/test_timer.c - The timer arithmetic: microseconds to TSC ticks,
 * the next deadline of a periodic timer, the LAPIC one-shot count. */
#include "test.h"
#include "drivers/lapic.h"
#include "hv/timer.h"

static void test_us_to_tsc(void)
{
	EXPECT_EQ(timer_tsc_from_us(0, 2000000), 0);
	EXPECT_EQ(timer_tsc_from_us(1, 2000000), 2000);            /* 2 GHz: 2000 ticks per us */
	EXPECT_EQ(timer_tsc_from_us(10000, 3000000), 30000000);    /* 10 ms at 3 GHz */
	EXPECT_EQ(timer_tsc_from_us(1, 999), 0);                   /* below one tick: truncated */
	/* The largest HC_SET_TIMER value at a 10 GHz TSC does not wrap. */
	EXPECT_EQ(timer_tsc_from_us(VCPU_TIMER_MAX_US, 10000000), VCPU_TIMER_MAX_US * 10000);
	/* Absurd products saturate instead of wrapping to a near deadline. */
	EXPECT_EQ(timer_tsc_from_us(UINT64_MAX, 1000000), UINT64_MAX);
}

static void test_period_next_on_time(void)
{
	/* Fired on time (or a little late): exactly one period on, no drift. */
	EXPECT_EQ(timer_period_next(1000, 100, 1000), 1100);
	EXPECT_EQ(timer_period_next(1000, 100, 1099), 1100);
	/* Run before its deadline (now < fired): still one period on. */
	EXPECT_EQ(timer_period_next(1000, 100, 900), 1100);
}

static void test_period_next_skips_missed(void)
{
	/* Late by a whole period or more: the missed ones are skipped, the
	 * phase kept, and the result is always in the future. */
	EXPECT_EQ(timer_period_next(1000, 100, 1100), 1200);
	EXPECT_EQ(timer_period_next(1000, 100, 1150), 1200);
	EXPECT_EQ(timer_period_next(1000, 100, 1999), 2000);
	EXPECT_EQ(timer_period_next(1000, 100, 2000), 2100);
	for (uint64_t now = 1000; now < 5000; now += 37) {
		uint64_t next = timer_period_next(1000, 100, now);
		EXPECT_TRUE(next > now && next <= now + 100 && (next - 1000) % 100 == 0);
	}
	EXPECT_EQ(timer_period_next(5, 0, 9), 10);   /* period 0 counts as 1 */
}

static void test_oneshot_count(void)
{
	/* QEMU's LAPIC: 1 GHz / 16 = 62500 ticks per ms; a 2 GHz TSC. */
	EXPECT_EQ(lapic_oneshot_count(2000000, 2000000, 62500), 62500);   /* 1 ms */
	EXPECT_EQ(lapic_oneshot_count(20000000, 2000000, 62500), 625000); /* 10 ms */
	/* Rounded up: never an interrupt before the deadline. */
	EXPECT_EQ(lapic_oneshot_count(1, 2000000, 62500), 1);
	EXPECT_EQ(lapic_oneshot_count(33, 2000000, 62500), 2);             /* 1.03 ticks -> 2 */
	EXPECT_EQ(lapic_oneshot_count(32, 2000000, 62500), 1);             /* exactly 1 tick */
	/* A deadline now or passed: the smallest count, never 0 (0 stops it). */
	EXPECT_EQ(lapic_oneshot_count(0, 2000000, 62500), 1);
	/* Beyond what 32 bits count: the most it can, then programmed again. */
	EXPECT_EQ(lapic_oneshot_count(UINT64_MAX, 2000000, 62500), 0xffffffffu);
	EXPECT_EQ(lapic_oneshot_count(2000000ull * 100000, 2000000, 62500), 0xffffffffu);  /* 100 s */
	/* Rates unknown: the longest wait rather than a division by zero. */
	EXPECT_EQ(lapic_oneshot_count(1000, 0, 62500), 0xffffffffu);
	EXPECT_EQ(lapic_oneshot_count(1000, 2000000, 0), 0xffffffffu);
}

/* Against the plain formulas in 128 bits (the host has the division the
 * hypervisor does not), over a spread of values: the split arithmetic
 * gives the same results. */
static void test_split_arithmetic_matches_wide(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;   /* xorshift: reproducible spread */

	for (int i = 0; i < 20000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		uint64_t us = x >> (x & 31), khz = 1000 + (x >> 40) % 10000000;   /* 1 MHz .. 10 GHz */
		unsigned __int128 t = (unsigned __int128)us * khz / 1000;
		EXPECT_EQ(timer_tsc_from_us(us, khz), t > UINT64_MAX ? UINT64_MAX : (uint64_t)t);
		uint64_t delta = x >> (x & 63);
		uint32_t rate = 1 + (uint32_t)((x >> 20) % 200000);
		unsigned __int128 n = ((unsigned __int128)delta * rate + khz - 1) / khz;
		uint64_t want = n == 0 ? 1 : n > 0xffffffffu ? 0xffffffffu : (uint64_t)n;
		EXPECT_EQ(lapic_oneshot_count(delta, khz, rate), want);
		if (test_case_failed)
			break;
	}
	/* A TSC rate beyond 32 bits of kHz (4 THz) is refused, not overflowed. */
	EXPECT_EQ(lapic_oneshot_count(1000, 1ull << 33, 62500), 0xffffffffu);
}

int main(void)
{
	RUN(test_us_to_tsc);
	RUN(test_period_next_on_time);
	RUN(test_period_next_skips_missed);
	RUN(test_oneshot_count);
	RUN(test_split_arithmetic_matches_wide);
	TEST_MAIN_END();
}

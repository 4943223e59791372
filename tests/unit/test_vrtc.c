/* tests/unit/test_vrtc.c - The MC146818A RTC/CMOS model against a fake
 * guest clock: the time in every format, date rollovers, UIP, SET, the
 * divider, each interrupt with its flag and IRQ 8, deadlines, the alarm's
 * don't-care codes, the memory-size bytes, malformed accesses. */
/* UNIT_SRC: hv/vdev/vrtc.c lib/calendar.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vrtc.h"
#include "lib/calendar.h"

/* 32768 * 100000: one cycle of the RTC's time base is 100000 ticks, so
 * every periodic rate and the UIP window (800000 ticks) are exact. */
#define HZ        3276800000ull
#define CYCLE     100000ull
#define UIP_TICKS (HZ / 4096)

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) { (void)ctx; return fake_now; }

static bool irq_level;
static int irq_raises, irq_lowers, hook_calls;
static unsigned irq_pin_seen;
static void irq_set(void *ctx, unsigned pin, bool level)
{
	(void)ctx;
	irq_pin_seen = pin;
	if (level && !irq_level)
		irq_raises++;
	if (!level && irq_level)
		irq_lowers++;
	irq_level = level;
}
static void hook_changed(void *ctx) { (void)ctx; hook_calls++; }

static void setup(struct vrtc *rtc, uint64_t start)
{
	struct vclock clock = { .now = fake_clock, .ctx = NULL, .hz = HZ };
	struct irq_line irq = { .set = irq_set, .ctx = NULL, .pin = PC_IRQ_RTC };
	struct vdev_deadline_hook hook = { .changed = hook_changed, .ctx = NULL };

	fake_now = start;
	irq_level = false;
	irq_raises = irq_lowers = hook_calls = 0;
	vrtc_init(rtc, &clock, &irq, &hook);
}

static uint8_t rd(struct vrtc *rtc, uint8_t index)
{
	vrtc_ops.write(rtc, NULL, 0, 1, index);
	return (uint8_t)vrtc_ops.read(rtc, NULL, 1, 1);
}

static void wr(struct vrtc *rtc, uint8_t index, uint8_t val)
{
	vrtc_ops.write(rtc, NULL, 0, 1, index);
	vrtc_ops.write(rtc, NULL, 1, 1, val);
}

/* The clock bytes, in order: s, m, h, dow, dom, month, year, century. */
static void expect_bytes(struct vrtc *rtc, const uint8_t want[8], int line)
{
	static const uint8_t idx[8] = { 0, 2, 4, 6, 7, 8, 9, PC_CMOS_CENTURY };
	for (int i = 0; i < 8; i++) {
		uint8_t got = rd(rtc, idx[i]);
		if (got != want[i]) {
			test_case_failed = 1;
			fprintf(stderr, "  line %d: byte 0x%02x = 0x%02x, want 0x%02x\n", line, idx[i], got, want[i]);
		}
	}
}
#define EXPECT_BYTES(rtc, ...) do { const uint8_t _w[8] = { __VA_ARGS__ }; expect_bytes(rtc, _w, __LINE__); } while (0)

static void test_power_on_state(void)
{
	struct vrtc rtc;
	setup(&rtc, 12345);
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & 0x7f, 0x26);
	EXPECT_EQ(rd(&rtc, VRTC_REG_B), 0x02);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0x00);
	EXPECT_EQ(rd(&rtc, VRTC_REG_D), 0x80);
	EXPECT_EQ(vrtc_ops.read(&rtc, NULL, 0, 1), 0xff);    /* the index port reads all ones */
	EXPECT_BYTES(&rtc, 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x70, 0x19);   /* Thu 1970-01-01 */
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	EXPECT_TRUE(!vrtc_nmi_masked(&rtc));
	EXPECT_EQ(vrtc_cmos_read(&rtc, 0x40), 0);
}

static void test_time_in_every_format(void)
{
	struct vrtc rtc;
	setup(&rtc, 1000);
	vrtc_set_time(&rtc, 1721051130, 1000);          /* Mon 2024-07-15 13:45:30 */
	EXPECT_BYTES(&rtc, 0x30, 0x45, 0x13, 0x02, 0x15, 0x07, 0x24, 0x20);   /* BCD, 24 h */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_DM);
	EXPECT_BYTES(&rtc, 30, 45, 13, 2, 15, 7, 24, 20);                     /* binary, 24 h */
	wr(&rtc, VRTC_REG_B, 0);
	EXPECT_BYTES(&rtc, 0x30, 0x45, 0x81, 0x02, 0x15, 0x07, 0x24, 0x20);   /* BCD, 12 h: 1 PM */
	wr(&rtc, VRTC_REG_B, VRTC_B_DM);
	EXPECT_BYTES(&rtc, 30, 45, 0x81, 2, 15, 7, 24, 20);                   /* binary, 12 h */

	/* midnight is 12 AM, noon 12 PM */
	vrtc_set_time(&rtc, 1721003400, fake_now);      /* 00:30:00 */
	EXPECT_EQ(rd(&rtc, VRTC_HOURS), 12);
	wr(&rtc, VRTC_REG_B, 0);
	EXPECT_EQ(rd(&rtc, VRTC_HOURS), 0x12);
	vrtc_set_time(&rtc, 1721046600, fake_now);      /* 12:30:00 */
	EXPECT_EQ(rd(&rtc, VRTC_HOURS), 0x92);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H);
	EXPECT_EQ(rd(&rtc, VRTC_HOURS), 0x12);
}

static void test_time_counts_from_the_clock(void)
{
	struct vrtc rtc;
	setup(&rtc, 5);
	vrtc_set_time(&rtc, 1721051130, 5);
	fake_now += HZ - 1;                              /* not yet a second */
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	fake_now += 1;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x31);
	fake_now += 3600 * HZ;                           /* an hour in one step */
	EXPECT_BYTES(&rtc, 0x31, 0x45, 0x14, 0x02, 0x15, 0x07, 0x24, 0x20);
	fake_now += 366ull * 86400 * HZ;                 /* over a year, never read in between */
	EXPECT_BYTES(&rtc, 0x31, 0x45, 0x14, 0x04, 0x16, 0x07, 0x25, 0x20);   /* Wed 2025-07-16 */
}

struct rollover { uint64_t before; uint8_t after[8]; };

static void test_date_rollovers(void)
{
	static const struct rollover cases[] = {
		{ 946684799,  { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20 } },  /* -> Sat 2000-01-01 */
		{ 1709164799, { 0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20 } },  /* -> Thu 2024-02-29 */
		{ 1677628799, { 0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x23, 0x20 } },  /* -> Wed 2023-03-01 */
		{ 4107542399, { 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 } },  /* -> Mon 2100-03-01 */
		{ 951782399,  { 0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20 } },  /* -> Tue 2000-02-29 */
		{ 1714521599, { 0x00, 0x00, 0x00, 0x04, 0x01, 0x05, 0x24, 0x20 } },  /* -> Wed 2024-05-01 */
		{ 4102444799, { 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21 } },  /* -> Fri 2100-01-01 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vrtc rtc;
		setup(&rtc, 777);
		vrtc_set_time(&rtc, cases[i].before, 777);
		EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x59);
		fake_now += HZ;
		expect_bytes(&rtc, cases[i].after, __LINE__ + (int)i * 1000);
	}
	/* the leap day itself rolls into March */
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1709164799 + 86400, 0);     /* 2024-02-29 23:59:59 */
	fake_now += HZ;
	EXPECT_EQ(rd(&rtc, VRTC_MONTH), 0x03);
	EXPECT_EQ(rd(&rtc, VRTC_DAY_OF_MONTH), 0x01);
	/* and the century byte counts in binary mode too */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_DM);
	EXPECT_EQ(rd(&rtc, PC_CMOS_CENTURY), 20);
}

/* Dates written by the guest (under SET) are read with the calendar too:
 * the day of week follows, and the next second rolls over right. */
struct written { uint8_t century, year, month, day, dow_after_midnight, month_after, day_after; };

static void test_written_dates(void)
{
	static const struct written cases[] = {
		{ 0x21, 0x00, 0x02, 0x28, 0x02, 0x03, 0x01 },   /* 2100: no leap day; Mon 1 March */
		{ 0x20, 0x00, 0x02, 0x28, 0x03, 0x02, 0x29 },   /* 2000: leap; Tue 29 Feb */
		{ 0x24, 0x00, 0x02, 0x28, 0x03, 0x02, 0x29 },   /* 2400: leap; Tue 29 Feb */
		{ 0x19, 0x99, 0x12, 0x31, 0x07, 0x01, 0x01 },   /* Sat 2000-01-01 */
		{ 0x19, 0x00, 0x02, 0x28, 0x05, 0x03, 0x01 },   /* 1900: no leap day; Thu 1 March */
		{ 0x21, 0x23, 0x07, 0x31, 0x01, 0x08, 0x01 },   /* Sun 2123-08-01 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct written *w = &cases[i];
		struct vrtc rtc;
		setup(&rtc, 0);
		wr(&rtc, VRTC_REG_B, VRTC_B_SET | VRTC_B_24H);
		wr(&rtc, VRTC_SECONDS, 0x59);
		wr(&rtc, VRTC_MINUTES, 0x59);
		wr(&rtc, VRTC_HOURS, 0x23);
		wr(&rtc, VRTC_DAY_OF_MONTH, w->day);
		wr(&rtc, VRTC_MONTH, w->month);
		wr(&rtc, VRTC_YEAR, w->year);
		wr(&rtc, PC_CMOS_CENTURY, w->century);
		wr(&rtc, VRTC_REG_B, VRTC_B_24H);
		fake_now += HZ;
		EXPECT_EQ(rd(&rtc, VRTC_HOURS), 0x00);
		EXPECT_EQ(rd(&rtc, VRTC_DAY_OF_WEEK), w->dow_after_midnight);
		EXPECT_EQ(rd(&rtc, VRTC_MONTH), w->month_after);
		EXPECT_EQ(rd(&rtc, VRTC_DAY_OF_MONTH), w->day_after);
		if (test_case_failed)
			fprintf(stderr, "  case %zu\n", i);
	}
	/* the calendar both ways, over 4000 years either side of 1970 */
	for (int64_t d = -1500002; d <= 1500002; d += 7) {   /* multiples of 7 */
		struct cal_date date = cal_date_from_days(d);
		EXPECT_TRUE(date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= 31);
		EXPECT_EQ(cal_days_from_date(date.year, date.month, date.day), d);
		EXPECT_EQ(cal_weekday(d), 4);                   /* every 7th day from a Thursday */
		if (test_case_failed)
			break;
	}
	/* out-of-range months and days carry */
	EXPECT_EQ(cal_days_from_date(2023, 13, 1), cal_days_from_date(2024, 1, 1));
	EXPECT_EQ(cal_days_from_date(2024, 3, 0), cal_days_from_date(2024, 2, 29));
	EXPECT_EQ(cal_days_from_date(2024, 0, 1), cal_days_from_date(2023, 12, 1));
	EXPECT_EQ(cal_days_from_date(1970, 1, 1), 0);
}

static void test_uip_window(void)
{
	struct vrtc rtc;
	setup(&rtc, 1000);
	vrtc_set_time(&rtc, 1721051130, 1000);           /* an update at 1000 + k * HZ */
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, 0);
	fake_now = 1000 + HZ - UIP_TICKS - 1;
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, 0);
	fake_now++;
	EXPECT_EQ(rd(&rtc, VRTC_REG_A), VRTC_A_UIP | 0x26);
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);          /* the update has not happened */
	fake_now = 1000 + HZ - 1;
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, VRTC_A_UIP);
	fake_now++;
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, 0);
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x31);
	/* a write to UIP is ignored; no UIP while SET holds or the divider is held */
	wr(&rtc, VRTC_REG_A, 0xa6);
	EXPECT_EQ(rd(&rtc, VRTC_REG_A), 0x26);
	fake_now = 1000 + 2 * HZ - 10;
	wr(&rtc, VRTC_REG_B, VRTC_B_SET | VRTC_B_24H);
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, 0);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H);
	EXPECT_EQ(rd(&rtc, VRTC_REG_A) & VRTC_A_UIP, VRTC_A_UIP);
	wr(&rtc, VRTC_REG_A, 0x76);
	EXPECT_EQ(rd(&rtc, VRTC_REG_A), 0x76);
}

static void test_set_stops_updates_and_sets_the_time(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1721051130, 0);
	fake_now = 2 * HZ + HZ / 4;                       /* a quarter into second :32, unread */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_UIE);
	wr(&rtc, VRTC_REG_B, VRTC_B_SET | VRTC_B_24H | VRTC_B_UIE);
	EXPECT_EQ(rd(&rtc, VRTC_REG_B), VRTC_B_SET | VRTC_B_24H);   /* SET clears UIE */
	EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_UF, VRTC_C_UF);     /* the updates before SET */
	fake_now += 5 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x32);          /* stands where SET found it */
	EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_UF, 0);   /* no updates, no UF */
	/* write 2030-01-02 03:04:05 (a Wednesday; the day of week written is
	 * wrong on purpose: it follows from the date) */
	wr(&rtc, VRTC_SECONDS, 0x05);
	wr(&rtc, VRTC_MINUTES, 0x04);
	wr(&rtc, VRTC_HOURS, 0x03);
	wr(&rtc, VRTC_DAY_OF_WEEK, 0x01);
	wr(&rtc, VRTC_DAY_OF_MONTH, 0x02);
	wr(&rtc, VRTC_MONTH, 0x01);
	wr(&rtc, VRTC_YEAR, 0x30);
	wr(&rtc, PC_CMOS_CENTURY, 0x20);
	EXPECT_BYTES(&rtc, 0x05, 0x04, 0x03, 0x01, 0x02, 0x01, 0x30, 0x20);   /* as written */
	fake_now += 7 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x05);
	uint64_t cleared_at = fake_now;                   /* = 14.25 s: divider phase 0.25 */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H);
	EXPECT_BYTES(&rtc, 0x05, 0x04, 0x03, 0x04, 0x02, 0x01, 0x30, 0x20);
	/* the divider kept its phase: the next update is at 15 s */
	fake_now = 15 * HZ - 1;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x05);
	fake_now = 15 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x06);
	EXPECT_TRUE(cleared_at < fake_now);

	/* a clock byte written while the clock runs takes effect at once, the
	 * others as they are now (3 s on, not read since) */
	fake_now += 3 * HZ;
	wr(&rtc, VRTC_MINUTES, 0x59);
	EXPECT_BYTES(&rtc, 0x09, 0x59, 0x03, 0x04, 0x02, 0x01, 0x30, 0x20);
	fake_now += 51 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_HOURS), 0x04);
	EXPECT_EQ(rd(&rtc, VRTC_MINUTES), 0x00);
	wr(&rtc, VRTC_YEAR, 0x31);                      /* 2031-01-02: a Thursday */
	EXPECT_EQ(rd(&rtc, VRTC_YEAR), 0x31);
	EXPECT_EQ(rd(&rtc, VRTC_DAY_OF_WEEK), 0x05);
	fake_now += 86400 * HZ;                         /* each byte alone is current */
	EXPECT_EQ(rd(&rtc, VRTC_DAY_OF_MONTH), 0x03);
	fake_now += 365 * 86400 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_YEAR), 0x32);
	fake_now += 31 * 86400 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_MONTH), 0x02);
}

static void test_divider_holds_the_clock(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1721051130, 0);
	fake_now = HZ / 10;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);               /* 1024 Hz ticks, PIE clear: no PF (QEMU 7.2) */
	wr(&rtc, VRTC_REG_A, 0x70 | 0x06);                /* divider reset */
	fake_now += 10 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);               /* no updates, no periodic flag */
	wr(&rtc, VRTC_REG_A, 0x00 | 0x06);                /* DV = 000 holds it too */
	fake_now += 10 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	uint64_t released = fake_now;
	wr(&rtc, VRTC_REG_A, 0x26);                       /* run: first update half a second on */
	fake_now = released + HZ / 2 - 1;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	fake_now = released + HZ / 2;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x31);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_UF, VRTC_C_UF);
}

static void test_update_interrupt(void)
{
	struct vrtc rtc;
	setup(&rtc, 500);
	vrtc_set_time(&rtc, 1721051130, 500);
	fake_now = 600;
	wr(&rtc, VRTC_REG_A, 0x20);                       /* no periodic rate */
	hook_calls = 0;
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_UIE);
	EXPECT_TRUE(hook_calls > 0);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 500 + HZ);
	fake_now = 500 + HZ;
	vrtc_expire(&rtc, fake_now);
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(irq_raises, 1);
	EXPECT_EQ(irq_pin_seen, PC_IRQ_RTC);
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);   /* asserted: nothing to add */
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	EXPECT_TRUE(!irq_level);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 500 + 2 * HZ);
	/* missed updates make one flag, one edge */
	fake_now = 500 + 10 * HZ + 3;
	vrtc_expire(&rtc, fake_now);
	EXPECT_EQ(irq_raises, 2);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 500 + 11 * HZ);
	/* an expire earlier than the deadline changes nothing */
	vrtc_expire(&rtc, fake_now + 1);
	EXPECT_TRUE(!irq_level);
}

static void test_periodic_rates(void)
{
	for (unsigned rs = 0; rs < 16; rs++) {
		struct vrtc rtc;
		setup(&rtc, 0);
		uint64_t cycles = rs == 0 ? 0 : rs <= 2 ? (1u << (rs + 6)) : (1u << (rs - 1));
		wr(&rtc, VRTC_REG_A, (uint8_t)(0x20 | rs));
		wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE);
		if (rs == 0) {
			EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
			fake_now += 3 * HZ;
			EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_PF, 0);
			continue;
		}
		EXPECT_EQ(vrtc_next_deadline(&rtc), cycles * CYCLE);
		fake_now = cycles * CYCLE - 1;
		vrtc_expire(&rtc, fake_now);
		EXPECT_TRUE(!irq_level);
		fake_now++;
		vrtc_expire(&rtc, fake_now);
		EXPECT_TRUE(irq_level);
		EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_PF);
		EXPECT_EQ(vrtc_next_deadline(&rtc), 2 * cycles * CYCLE);
		EXPECT_EQ(irq_raises, 1);
	}
	/* 1024 Hz for a second: 1024 interrupts, one per deadline */
	struct vrtc rtc;
	setup(&rtc, 0);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE);
	int ticks = 0;
	for (;;) {
		uint64_t d = vrtc_next_deadline(&rtc);
		if (d > HZ)
			break;
		fake_now = d;
		vrtc_expire(&rtc, d);
		ticks += (rd(&rtc, VRTC_REG_C) & VRTC_C_PF) != 0;
	}
	EXPECT_EQ(ticks, 1024);
	EXPECT_EQ(irq_raises, 1024);
	/* the period changes at once, aligned to the divider chain */
	wr(&rtc, VRTC_REG_A, 0x2f);                       /* 2 Hz */
	EXPECT_EQ(vrtc_next_deadline(&rtc), HZ + HZ / 2);
}

static void test_flags_read_right_when_polled(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1721051130, 0);
	wr(&rtc, VRTC_SECONDS_ALARM, 0x31);
	wr(&rtc, VRTC_MINUTES_ALARM, 0xff);
	wr(&rtc, VRTC_HOURS_ALARM, 0xff);
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);   /* nothing enabled */
	fake_now = HZ / 2;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);               /* 1024 Hz ticks, PIE clear: no PF (QEMU 7.2) */
	fake_now = HZ;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_UF | VRTC_C_AF);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	EXPECT_EQ(irq_raises, 0);
	EXPECT_TRUE(!irq_level);
	/* an enable set while its flag is set raises IRQ 8 at once */
	fake_now = 2 * HZ;
	EXPECT_EQ(vrtc_cmos_read(&rtc, VRTC_REG_C), VRTC_C_UF);   /* the board's read: no clear */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_UIE);
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(vrtc_cmos_read(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	/* and clearing it lowers the line again */
	wr(&rtc, VRTC_REG_B, VRTC_B_24H);
	EXPECT_TRUE(!irq_level);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_UF);
}

/* PF follows PIE, as on QEMU 7.2: no flag while PIE is clear, the first one
 * a period after PIE is set (aligned to the divider chain), none again once
 * PIE is cleared. */
static void test_periodic_flag_only_with_pie(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	wr(&rtc, VRTC_REG_A, 0x26);                       /* 1024 Hz */
	fake_now = HZ / 3;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_PF, 0);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE);
	uint64_t first = vrtc_next_deadline(&rtc);
	EXPECT_TRUE(first > fake_now && first <= fake_now + HZ / 1024 + 1);
	fake_now = first;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_PF);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H);
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	fake_now += HZ / 2;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	EXPECT_EQ(irq_raises, 1);
}

static void test_alarm_and_dont_care(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1721037600, 0);              /* 10:00:00 */
	wr(&rtc, VRTC_REG_A, 0x20);
	wr(&rtc, VRTC_HOURS_ALARM, 0x10);
	wr(&rtc, VRTC_MINUTES_ALARM, 0x00);
	wr(&rtc, VRTC_SECONDS_ALARM, 0x05);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_AIE);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 5 * HZ);
	fake_now = 5 * HZ - 1;
	vrtc_expire(&rtc, fake_now);
	EXPECT_TRUE(!irq_level);
	fake_now = 5 * HZ;
	vrtc_expire(&rtc, fake_now);
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);
	EXPECT_EQ(vrtc_next_deadline(&rtc), (5 + 86400) * HZ);    /* tomorrow */

	/* hour don't-care: every hour at :00:05 */
	wr(&rtc, VRTC_HOURS_ALARM, 0xc0);
	EXPECT_EQ(vrtc_next_deadline(&rtc), (5 + 3600) * HZ);
	/* hour and minute don't-care: every minute at :05 */
	wr(&rtc, VRTC_MINUTES_ALARM, 0xff);
	EXPECT_EQ(vrtc_next_deadline(&rtc), (5 + 60) * HZ);
	/* all don't-care: every second */
	wr(&rtc, VRTC_SECONDS_ALARM, 0xd7);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 6 * HZ);
	/* minute don't-care only: 10:xx:05 after 10:00:05 is 10:01:05 */
	wr(&rtc, VRTC_HOURS_ALARM, 0x10);
	wr(&rtc, VRTC_SECONDS_ALARM, 0x05);
	EXPECT_EQ(vrtc_next_deadline(&rtc), (5 + 60) * HZ);
	/* second don't-care at 10:00: 10:00:06 next */
	wr(&rtc, VRTC_MINUTES_ALARM, 0x00);
	wr(&rtc, VRTC_SECONDS_ALARM, 0xc0);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 6 * HZ);
	/* second don't-care at 11:30: 11:30:00 */
	wr(&rtc, VRTC_HOURS_ALARM, 0x11);
	wr(&rtc, VRTC_MINUTES_ALARM, 0x30);
	EXPECT_EQ(vrtc_next_deadline(&rtc), (5400 - 5 + 5) * HZ);
	/* a value no time takes never matches */
	wr(&rtc, VRTC_SECONDS_ALARM, 0x75);
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	wr(&rtc, VRTC_SECONDS_ALARM, 0x00);
	wr(&rtc, VRTC_HOURS_ALARM, 0x24);
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	fake_now += 2 * 86400 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_REG_C) & VRTC_C_AF, 0);

	/* 12-hour mode: the alarm hour has its own PM bit; 10 PM = 22:00:00 */
	wr(&rtc, VRTC_REG_B, VRTC_B_AIE);                 /* 12 h, BCD */
	wr(&rtc, VRTC_HOURS_ALARM, 0x80 | 0x10);
	wr(&rtc, VRTC_MINUTES_ALARM, 0x00);
	wr(&rtc, VRTC_SECONDS_ALARM, 0x00);
	uint64_t day_start = fake_now - (fake_now % HZ) - 36005ull * HZ;   /* the clock shows 10:00:05 */
	EXPECT_EQ(vrtc_next_deadline(&rtc), day_start + 22ull * 3600 * HZ);
	wr(&rtc, VRTC_HOURS_ALARM, 0x10);                 /* 10 AM: tomorrow */
	EXPECT_EQ(vrtc_next_deadline(&rtc), day_start + (86400ull + 36000) * HZ);
	wr(&rtc, VRTC_HOURS_ALARM, 0x13);                 /* no 13 o'clock in 12-hour mode */
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	/* binary mode */
	wr(&rtc, VRTC_REG_B, VRTC_B_AIE | VRTC_B_24H | VRTC_B_DM);
	wr(&rtc, VRTC_HOURS_ALARM, 10);
	wr(&rtc, VRTC_MINUTES_ALARM, 0);
	wr(&rtc, VRTC_SECONDS_ALARM, 7);
	EXPECT_EQ(vrtc_next_deadline(&rtc), day_start + 36007ull * HZ);
}

static void test_reg_c_clears_on_read(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE | VRTC_B_UIE);
	fake_now = 3 * HZ;
	vrtc_expire(&rtc, fake_now);
	EXPECT_TRUE(irq_level);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_PF | VRTC_C_UF);
	EXPECT_EQ(irq_lowers, 1);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	wr(&rtc, VRTC_REG_C, 0xff);                        /* read-only */
	wr(&rtc, VRTC_REG_D, 0x00);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	EXPECT_EQ(rd(&rtc, VRTC_REG_D), 0x80);
}

static void test_reset_keeps_time_and_memory(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_time(&rtc, 1721051130, 0);
	wr(&rtc, 0x40, 0x5a);
	wr(&rtc, 0x0f, 0x0a);
	vrtc_ops.write(&rtc, NULL, 0, 1, 0x80 | 0x20);
	EXPECT_TRUE(vrtc_nmi_masked(&rtc));
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE | VRTC_B_AIE | VRTC_B_UIE | VRTC_B_SQWE | VRTC_B_DM);
	fake_now = 2 * HZ;
	vrtc_expire(&rtc, fake_now);
	EXPECT_TRUE(irq_level);
	vrtc_ops.reset(&rtc);
	EXPECT_TRUE(!irq_level);
	EXPECT_TRUE(!vrtc_nmi_masked(&rtc));
	EXPECT_EQ(rd(&rtc, VRTC_REG_B), VRTC_B_24H | VRTC_B_DM);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), 0);
	EXPECT_EQ(rd(&rtc, 0x40), 0x5a);
	EXPECT_EQ(rd(&rtc, 0x0f), 0);                      /* shutdown status cleared */
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 32);             /* binary; still counting */
	wr(&rtc, 0x0f, 0xfe);
	vrtc_reset(&rtc);
	EXPECT_EQ(rd(&rtc, 0x0f), 0xfe);                   /* S3 resume survives */
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
}

static void test_memory_size_bytes(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	vrtc_set_memory_size(&rtc, 128 * MiB, 0, 1);
	EXPECT_EQ(rd(&rtc, 0x15), 0x80);   EXPECT_EQ(rd(&rtc, 0x16), 0x02);   /* 640 KiB */
	EXPECT_EQ(rd(&rtc, 0x17), 0xff);   EXPECT_EQ(rd(&rtc, 0x18), 0xff);   /* 127 MiB: capped */
	EXPECT_EQ(rd(&rtc, 0x30), 0xff);   EXPECT_EQ(rd(&rtc, 0x31), 0xff);
	EXPECT_EQ(rd(&rtc, 0x34), 0x00);   EXPECT_EQ(rd(&rtc, 0x35), 0x07);   /* 112 MiB / 64 KiB */
	EXPECT_EQ(rd(&rtc, 0x5b), 0);      EXPECT_EQ(rd(&rtc, 0x5c), 0);      EXPECT_EQ(rd(&rtc, 0x5d), 0);
	EXPECT_EQ(rd(&rtc, 0x5f), 0);
	EXPECT_EQ(rd(&rtc, 0x14), 0x06);
	EXPECT_EQ(rd(&rtc, 0x10), 0x00);

	vrtc_set_memory_size(&rtc, 3 * GiB, 0, 4);
	EXPECT_EQ(rd(&rtc, 0x34), 0x00);   EXPECT_EQ(rd(&rtc, 0x35), 0xbf);   /* 3056 MiB / 64 KiB */
	EXPECT_EQ(rd(&rtc, 0x5b), 0);      EXPECT_EQ(rd(&rtc, 0x5c), 0);      EXPECT_EQ(rd(&rtc, 0x5d), 0);
	EXPECT_EQ(rd(&rtc, 0x5f), 3);

	vrtc_set_memory_size(&rtc, 3 * GiB, 2 * GiB, 8);                       /* 5 GiB */
	EXPECT_EQ(rd(&rtc, 0x35), 0xbf);
	EXPECT_EQ(rd(&rtc, 0x5b), 0x00);   EXPECT_EQ(rd(&rtc, 0x5c), 0x80);   EXPECT_EQ(rd(&rtc, 0x5d), 0x00);
	EXPECT_EQ(rd(&rtc, 0x5f), 7);

	/* small and absurd sizes, CPU counts */
	vrtc_set_memory_size(&rtc, 512 * KiB, 2048 * GiB, 300);
	EXPECT_EQ(rd(&rtc, 0x15), 0x00);   EXPECT_EQ(rd(&rtc, 0x16), 0x02);   /* 512 KiB */
	EXPECT_EQ(rd(&rtc, 0x17), 0);      EXPECT_EQ(rd(&rtc, 0x34), 0);
	EXPECT_EQ(rd(&rtc, 0x5b), 0xff);   EXPECT_EQ(rd(&rtc, 0x5c), 0xff);   EXPECT_EQ(rd(&rtc, 0x5d), 0xff);
	EXPECT_EQ(rd(&rtc, 0x5f), 0);
	vrtc_set_memory_size(&rtc, 20 * MiB, 0, 0);
	EXPECT_EQ(rd(&rtc, 0x17), 0x00);   EXPECT_EQ(rd(&rtc, 0x18), 0x4c);   /* 19 MiB = 19456 KiB */
	EXPECT_EQ(rd(&rtc, 0x34), 0x40);   EXPECT_EQ(rd(&rtc, 0x35), 0x00);   /* 4 MiB / 64 KiB */
	EXPECT_EQ(rd(&rtc, 0x5f), 0);
	/* the board's byte access: memory only */
	vrtc_cmos_write(&rtc, 0x70, 0xab);
	EXPECT_EQ(vrtc_cmos_read(&rtc, 0x70), 0xab);
	vrtc_cmos_write(&rtc, VRTC_SECONDS, 0x99);
	vrtc_cmos_write(&rtc, VRTC_REG_B, 0xff);
	vrtc_cmos_write(&rtc, PC_CMOS_CENTURY, 0x99);
	EXPECT_EQ(vrtc_cmos_read(&rtc, VRTC_SECONDS), 0x00);
	EXPECT_EQ(vrtc_cmos_read(&rtc, VRTC_REG_B), 0x02);
	EXPECT_EQ(vrtc_cmos_read(&rtc, PC_CMOS_CENTURY), 0x19);
	EXPECT_EQ(vrtc_cmos_read(&rtc, 200), 0xff);
	vrtc_cmos_write(&rtc, 200, 1);
}

static void test_set_time_at_another_instant(void)
{
	struct vrtc rtc;
	setup(&rtc, 10 * HZ);
	/* the time will be 13:45:30 in 2.5 s: now it is 13:45:27.5 */
	vrtc_set_time(&rtc, 1721051130, fake_now + 5 * HZ / 2);
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x27);
	fake_now += HZ / 2;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x28);
	fake_now += 2 * HZ;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	/* and in the past, before guest-clock 0 */
	setup(&rtc, 100);
	vrtc_set_time(&rtc, 1721051130, 100 + HZ / 4);
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x29);
	fake_now = 100 + HZ / 4;
	EXPECT_EQ(rd(&rtc, VRTC_SECONDS), 0x30);
	wr(&rtc, VRTC_REG_B, VRTC_B_24H | VRTC_B_UIE);
	EXPECT_TRUE(irq_level);                            /* the update just passed set UF */
	EXPECT_EQ(vrtc_next_deadline(&rtc), VDEV_NO_DEADLINE);
	EXPECT_EQ(rd(&rtc, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	EXPECT_EQ(vrtc_next_deadline(&rtc), 100 + HZ / 4 + HZ);
	/* absurd times are clamped, not wrapped */
	vrtc_set_time(&rtc, UINT64_MAX, fake_now);
	EXPECT_BYTES(&rtc, 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x99);   /* Fri 9999-12-31 */
}

static void test_wide_and_malformed_accesses(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	/* OUTW 0x70: index in the low byte, value in the high byte */
	vrtc_ops.write(&rtc, NULL, 0, 2, (0x5a << 8) | 0x41);
	EXPECT_EQ(rd(&rtc, 0x41), 0x5a);
	vrtc_ops.write(&rtc, NULL, 0, 1, 0x41);
	EXPECT_EQ(vrtc_ops.read(&rtc, NULL, 0, 2), 0x5aff);
	EXPECT_EQ(vrtc_ops.read(&rtc, NULL, 0, 4), 0xffff5affu);
	EXPECT_EQ(vrtc_ops.read(&rtc, NULL, 1, 4), 0xffffff5au);
	EXPECT_EQ(vrtc_ops.read(&rtc, NULL, 2, 1), 0xff);
	vrtc_ops.write(&rtc, NULL, 2, 4, 0xffffffff);      /* past the ports: dropped */
	vrtc_ops.write(&rtc, NULL, 1, 0, 0x77);            /* no bytes */
	EXPECT_EQ(rd(&rtc, 0x41), 0x5a);
	/* the index keeps 7 bits; bit 7 is the NMI mask */
	vrtc_ops.write(&rtc, NULL, 0, 1, 0xff);
	EXPECT_TRUE(vrtc_nmi_masked(&rtc));
	vrtc_ops.write(&rtc, NULL, 1, 1, 0x33);
	EXPECT_EQ(vrtc_cmos_read(&rtc, 0x7f), 0x33);
	EXPECT_TRUE(vrtc_nmi_masked(&rtc));
	/* every memory byte holds every value */
	for (unsigned i = VRTC_FIRST_MEMORY; i < VRTC_CMOS_SIZE; i++) {
		if (i == PC_CMOS_CENTURY)
			continue;
		for (unsigned v = 0; v < 256; v += 51) {
			wr(&rtc, (uint8_t)i, (uint8_t)v);
			EXPECT_EQ(rd(&rtc, (uint8_t)i), v);
		}
	}
	/* garbage in every clock byte, then SET cleared: some time, counting */
	wr(&rtc, VRTC_REG_B, VRTC_B_SET);
	for (unsigned i = 0; i <= VRTC_YEAR; i++)
		wr(&rtc, (uint8_t)i, 0xff);
	wr(&rtc, PC_CMOS_CENTURY, 0xff);
	wr(&rtc, VRTC_REG_B, 0);
	uint8_t s0 = rd(&rtc, VRTC_SECONDS);
	EXPECT_TRUE((s0 & 0x0f) <= 9 && s0 < 0x60);
	EXPECT_TRUE(rd(&rtc, VRTC_MONTH) >= 1 && rd(&rtc, VRTC_MONTH) <= 0x12);
	fake_now += HZ;
	EXPECT_TRUE(rd(&rtc, VRTC_SECONDS) != s0);
}

/* Random registers, values and clock steps: nothing breaks the rules the
 * guest can see. */
static void test_random_sequences(void)
{
	struct vrtc rtc;
	setup(&rtc, 0);
	srand(7);
	for (int i = 0; i < 20000; i++) {
		fake_now += (uint64_t)(rand() % 5000000);
		uint8_t index = (uint8_t)(rand() % 16);
		if (rand() & 1) {
			wr(&rtc, index, (uint8_t)rand());
		} else {
			uint8_t v = rd(&rtc, index);
			if (index == VRTC_REG_C)
				EXPECT_TRUE(!irq_level);
			if (index == VRTC_REG_D)
				EXPECT_EQ(v, 0x80);
		}
		if (rand() % 8 == 0) {
			uint64_t d = vrtc_next_deadline(&rtc);
			EXPECT_TRUE(d == VDEV_NO_DEADLINE || d > rtc.accounted_tsc);
			if (d != VDEV_NO_DEADLINE && d - fake_now < 100 * HZ) {
				fake_now = d;
				vrtc_expire(&rtc, d);
				EXPECT_TRUE(irq_level);
			}
		}
		uint8_t c = vrtc_cmos_read(&rtc, VRTC_REG_C);
		EXPECT_EQ((c & VRTC_C_IRQF) != 0, irq_level);
		EXPECT_EQ(c & 0x0f, 0);
	}
}

int main(void)
{
	RUN(test_power_on_state);
	RUN(test_time_in_every_format);
	RUN(test_time_counts_from_the_clock);
	RUN(test_date_rollovers);
	RUN(test_written_dates);
	RUN(test_uip_window);
	RUN(test_set_stops_updates_and_sets_the_time);
	RUN(test_divider_holds_the_clock);
	RUN(test_update_interrupt);
	RUN(test_periodic_rates);
	RUN(test_flags_read_right_when_polled);
	RUN(test_periodic_flag_only_with_pie);
	RUN(test_alarm_and_dont_care);
	RUN(test_reg_c_clears_on_read);
	RUN(test_reset_keeps_time_and_memory);
	RUN(test_memory_size_bytes);
	RUN(test_set_time_at_another_instant);
	RUN(test_wide_and_malformed_accesses);
	RUN(test_random_sequences);
	TEST_MAIN_END();
}

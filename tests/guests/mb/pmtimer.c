/* tests/guests/mb/pmtimer.c - The ACPI PM timer at port 0x608 (ACPI 6.5,
 * 4.8.3.3 "Power Management Timer"): a 24-bit count at 3.579545 MHz, bits
 * 31:24 zero (the FADT's TMR_VAL_EXT is 0). It never goes back over many
 * reads, counted modulo 2^24; its rate against the PIT (channel 2 timing
 * 100 ms) is within 2 % of 3.579545 MHz; it wraps to 0 after 0xffffff. Also the PM1 registers
 * as the firmware leaves them (PM1_STS without the timer bit, PM1_EN,
 * PM1_CNT in legacy mode) and the SMI handshake on APM control 0xB2 that
 * switches to ACPI mode and back. Everything is printed as pass/fail or
 * exact values; the counts themselves only in "~" lines. Exit code: the number of failed checks. */
#include "tkdev.h"

#define PM1_STS     0x600
#define PM1_EN      0x602
#define APM_CNT     0xb2
#define APM_STS     0xb3
#define PM_TMR_HZ   3579545u
#define PM_TMR_MASK 0x00ffffffu
#define READS       20000u
#define RATE_US     100000u
#define RATE_EXPECT (PM_TMR_HZ / 10)    /* counts in 100 ms */
#define WRAP_POLL_US 5000u
#define WRAP_POLLS  1200u               /* 6 s: more than one period */

static uint32_t pm_tmr(void)
{
	return inl(PM_TMR);
}

static void monotonic(void)
{
	uint32_t prev = pm_tmr(), high_bits = 0, backwards = 0, same = 0;
	uint64_t total = 0;

	for (uint32_t i = 0; i < READS; i++) {
		uint32_t v = pm_tmr();
		high_bits |= v & ~PM_TMR_MASK;
		uint32_t step = (v - prev) & PM_TMR_MASK;
		if (step >= 1u << 23)
			backwards++;        /* a step of half the range or more is one back */
		same += step == 0;
		total += step;
		prev = v;
	}
	tk_check(high_bits == 0, "bits 31:24 read 0");
	tk_check(backwards == 0, "%u reads: never a step back (modulo 2^24)", READS);
	tk_vary("%u reads: %u unchanged, %llu counts in all", READS, same, total);
}

static void rate(void)
{
	uint32_t t0 = pm_tmr();
	tk_delay_us(RATE_US);
	uint32_t t1 = pm_tmr();
	uint32_t d = (t1 - t0) & PM_TMR_MASK;
	uint32_t tol = RATE_EXPECT / 50;     /* 2 % */

	tk_check(d > RATE_EXPECT - tol && d < RATE_EXPECT + tol + RATE_EXPECT / 20,
		 "rate: 100 ms of PIT time is 357954 counts within 2 %% (and the reads' own time)");
	tk_vary("rate: %u counts in 100 ms of PIT time", d);
}

/* Across 2^24 counts (4.69 s) the count wraps to 0: polled every 5 ms (a
 * step of 17898 counts), a value below the one before is the wrap. */
static void wrap(void)
{
	uint32_t prev = pm_tmr();
	bool wrapped = false;

	for (uint32_t i = 0; i < WRAP_POLLS && !wrapped; i++) {
		tk_delay_us(WRAP_POLL_US);
		uint32_t v = pm_tmr();
		wrapped = v < prev;
		prev = v;
	}
	tk_check(wrapped, "the count wraps from 0xffffff to 0 within 4.69 s");
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("pmtimer: ACPI PM timer\n");
	tk_cli();
	tk_printf("pm1: sts 0x%04x without TMR_STS, en 0x%04x, cnt 0x%04x\n", inw(PM1_STS) & 0xfffe, inw(PM1_EN),
		  inw(PM1A_CNT));
	/* QEMU's pc with SMM starts in legacy mode: ACPI_ENABLE (0xf1) on
	 * SMI_CMD (APM control, 0xb2) sets SCI_EN, ACPI_DISABLE (0xf0) clears
	 * it, and both APM bytes read back. */
	outb(APM_CNT, 0xf1);
	tk_printf("apm: after ACPI_ENABLE pm1_cnt 0x%04x, apm control 0x%02x\n", inw(PM1A_CNT), inb(APM_CNT));
	outb(APM_STS, 0x5a);
	tk_printf("apm: status reads 0x%02x, pm1_cnt 0x%04x\n", inb(APM_STS), inw(PM1A_CNT));
	outb(APM_CNT, 0xf0);
	tk_printf("apm: after ACPI_DISABLE pm1_cnt 0x%04x\n", inw(PM1A_CNT));
	outb(APM_CNT, 0xf1);
	monotonic();
	rate();
	wrap();
	tk_printf("pmtimer: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

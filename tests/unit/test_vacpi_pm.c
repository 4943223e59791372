/* tests/unit/test_vacpi_pm.c - The ACPI PM block against a fake guest
 * clock: the PM timer's rate, wrap and byte reads, TMR_STS and its
 * deadline, the SCI, the power button, write-1-to-clear, S5 and the sleep
 * types we do not support, accesses out of range. */
/* UNIT_SRC: hv/vdev/vacpi_pm.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vacpi_pm.h"

#define F        3579545ull
#define EXACT_HZ (F * 1000)      /* one PM-timer count = 1000 ticks */
#define FLIP     (1ull << 23)

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) { (void)ctx; return fake_now; }

static bool sci;
static int sci_raises, hook_calls, poweroffs;
static void sci_set(void *ctx, unsigned pin, bool level)
{
	(void)ctx;
	(void)pin;
	if (level && !sci)
		sci_raises++;
	sci = level;
}
static void hook_changed(void *ctx) { (void)ctx; hook_calls++; }
static void on_poweroff(void *ctx) { (void)ctx; poweroffs++; }

static void setup(struct vacpi_pm *pm, uint64_t hz, uint64_t start)
{
	struct vclock clock = { .now = fake_clock, .hz = hz };
	struct irq_line line = { .set = sci_set, .pin = PC_IRQ_SCI };
	struct vdev_deadline_hook hook = { .changed = hook_changed };

	fake_now = start;
	sci = false;
	sci_raises = hook_calls = poweroffs = 0;
	vacpi_pm_init(pm, &clock, &line, &hook, on_poweroff, NULL);
}

static uint32_t evt_rd(struct vacpi_pm *pm, uint16_t off, unsigned size) { return vacpi_pm_evt_ops.read(pm, NULL, off, size); }
static void evt_wr(struct vacpi_pm *pm, uint16_t off, unsigned size, uint32_t v) { vacpi_pm_evt_ops.write(pm, NULL, off, size, v); }
static uint32_t cnt_rd(struct vacpi_pm *pm, uint16_t off, unsigned size) { return vacpi_pm_cnt_ops.read(pm, NULL, off, size); }
static void cnt_wr(struct vacpi_pm *pm, uint16_t off, unsigned size, uint32_t v) { vacpi_pm_cnt_ops.write(pm, NULL, off, size, v); }
static uint32_t tmr_rd(struct vacpi_pm *pm, uint16_t off, unsigned size) { return vacpi_pm_tmr_ops.read(pm, NULL, off, size); }
static uint32_t gpe_rd(struct vacpi_pm *pm, uint16_t off, unsigned size) { return vacpi_pm_gpe_ops.read(pm, NULL, off, size); }
static void gpe_wr(struct vacpi_pm *pm, uint16_t off, unsigned size, uint32_t v) { vacpi_pm_gpe_ops.write(pm, NULL, off, size, v); }

static uint32_t apm_rd(struct vacpi_pm *pm, uint16_t off, unsigned size) { return vacpi_pm_apm_ops.read(pm, NULL, off, size); }
static void apm_wr(struct vacpi_pm *pm, uint16_t off, unsigned size, uint32_t v) { vacpi_pm_apm_ops.write(pm, NULL, off, size, v); }

static uint64_t count_at(uint64_t t, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)t * F / hz);
}

static void test_reset_values(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	EXPECT_EQ(evt_rd(&pm, 0, 4), 0);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), 0);                  /* legacy mode until ACPI_ENABLE (QEMU with SMM) */
	EXPECT_EQ(apm_rd(&pm, 0, 2), 0);
	EXPECT_EQ(gpe_rd(&pm, 0, 4), 0);
	EXPECT_EQ(tmr_rd(&pm, 0, 4), 0);
	EXPECT_TRUE(!sci);
	EXPECT_EQ(vacpi_pm_next_deadline(&pm), VDEV_NO_DEADLINE);
	/* dirty everything, then reset through the bus op */
	evt_wr(&pm, 2, 2, 0xffff);
	cnt_wr(&pm, 0, 2, 0x1c06);
	gpe_wr(&pm, 2, 2, 0xffff);
	vacpi_pm_set_gpe(&pm, 1);
	EXPECT_TRUE(vacpi_pm_power_button(&pm));
	EXPECT_TRUE(sci);
	apm_wr(&pm, 0, 2, 0x55f1);
	vacpi_pm_tmr_ops.reset(&pm);
	EXPECT_TRUE(!sci);
	EXPECT_EQ(evt_rd(&pm, 0, 4), 0);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), 0);
	EXPECT_EQ(apm_rd(&pm, 0, 2), 0);
	EXPECT_EQ(gpe_rd(&pm, 0, 4), 0);
}

/* The SMI handshake (ACPI 6.5, 4.8.2.5) as QEMU's piix4 answers it:
 * ACPI_ENABLE on APM_CNT sets SCI_EN, ACPI_DISABLE clears it, anything
 * else leaves it; both bytes read back; SCI_EN is also writable directly
 * (QEMU keeps the bit as written). */
static void test_apm_smi_handshake(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	apm_wr(&pm, 0, 1, 0x12);
	EXPECT_EQ(cnt_rd(&pm, 0, 2) & VACPI_CNT_SCI_EN, 0);
	EXPECT_EQ(apm_rd(&pm, 0, 1), 0x12);
	apm_wr(&pm, 0, 1, PC_ACPI_ENABLE);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN);
	apm_wr(&pm, 0, 1, 0x00);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN);
	apm_wr(&pm, 1, 1, 0xa5);                          /* status: a byte, no effect */
	EXPECT_EQ(apm_rd(&pm, 0, 2), 0xa500);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN);
	apm_wr(&pm, 0, 1, PC_ACPI_DISABLE);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), 0);
	/* a word write is two byte writes, control first */
	apm_wr(&pm, 0, 2, 0x3cf1);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN);
	EXPECT_EQ(apm_rd(&pm, 0, 2), 0x3cf1);
	/* malformed: past the two ports, any size */
	for (unsigned off = 0; off < 8; off++)
		for (unsigned size = 0; size <= 8; size++) {
			apm_wr(&pm, (uint16_t)off, size, 0xffffffffu);
			(void)apm_rd(&pm, (uint16_t)off, size);
		}
	EXPECT_EQ(apm_rd(&pm, 2, 1), 0xff);
	EXPECT_EQ(apm_rd(&pm, 1, 2), 0xffff);             /* status 0xff, then past the end */
}

static void test_timer_rate(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	fake_now = 999;
	EXPECT_EQ(tmr_rd(&pm, 0, 4), 0);
	fake_now = 1000;
	EXPECT_EQ(tmr_rd(&pm, 0, 4), 1);
	fake_now = EXACT_HZ;                        /* one second */
	EXPECT_EQ(tmr_rd(&pm, 0, 4), F);
	EXPECT_EQ(vacpi_pm_timer(&pm), F);
	fake_now = 5 * EXACT_HZ;                    /* 17897725 counts: wrapped once */
	EXPECT_EQ(tmr_rd(&pm, 0, 4), (5 * F) & 0xffffff);
	/* the count is the guest clock's, not reset with the device */
	vacpi_pm_reset(&pm);
	EXPECT_EQ(tmr_rd(&pm, 0, 4), (5 * F) & 0xffffff);
}

/* A clock that is no multiple of the timer's: the count is floor(t * F /
 * hz) mod 2^24 at every step, so it never goes back (modulo 2^24). */
static void test_timer_monotonic_across_wraps(void)
{
	const uint64_t hz = 2500000000ull;
	struct vacpi_pm pm;
	setup(&pm, hz, 123456789);
	srand(3);
	uint32_t prev = tmr_rd(&pm, 0, 4);
	uint64_t wraps = 0, prev_full = count_at(fake_now, hz);
	while (wraps < 12) {
		fake_now += (uint64_t)(rand() % 1000000000);   /* < 0.4 s: less than a wrap */
		uint32_t v = tmr_rd(&pm, 0, 4);
		uint64_t full = count_at(fake_now, hz);
		EXPECT_EQ(v, full & 0xffffff);
		EXPECT_EQ((v - prev) & 0xffffff, full - prev_full);   /* forward, by what passed */
		EXPECT_EQ(v >> 24, 0);
		wraps += (full >> 24) != (prev_full >> 24);
		prev = v;
		prev_full = full;
		if (test_case_failed)
			break;
	}
}

static void test_timer_byte_and_word_reads(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	fake_now = 0xabcdefull * 1000;
	uint32_t v = tmr_rd(&pm, 0, 4);
	EXPECT_EQ(v, 0xabcdef);
	EXPECT_EQ(tmr_rd(&pm, 0, 1), 0xef);
	EXPECT_EQ(tmr_rd(&pm, 1, 1), 0xcd);
	EXPECT_EQ(tmr_rd(&pm, 2, 1), 0xab);
	EXPECT_EQ(tmr_rd(&pm, 3, 1), 0x00);
	EXPECT_EQ(tmr_rd(&pm, 0, 2), 0xcdef);
	EXPECT_EQ(tmr_rd(&pm, 1, 2), 0xabcd);       /* odd offset */
	EXPECT_EQ(tmr_rd(&pm, 2, 2), 0x00ab);
	EXPECT_EQ(tmr_rd(&pm, 3, 2), 0xff00);       /* past the end: all ones */
	EXPECT_EQ(tmr_rd(&pm, 1, 4), 0xff00abcdu);
	EXPECT_EQ(tmr_rd(&pm, 4, 1), 0xff);
	EXPECT_EQ(tmr_rd(&pm, 0, 0), 0);
	vacpi_pm_tmr_ops.write(&pm, NULL, 0, 4, 0);  /* read-only */
	EXPECT_EQ(tmr_rd(&pm, 0, 4), 0xabcdef);
}

static void test_tmr_sts_and_sci(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	fake_now = FLIP * 1000 - 1;                  /* bit 23 about to change */
	EXPECT_EQ(evt_rd(&pm, 0, 2), 0);
	fake_now++;
	EXPECT_EQ(evt_rd(&pm, 0, 2), VACPI_PM1_TMR);
	EXPECT_TRUE(!sci);                            /* TMR_EN clear */
	fake_now += 5 * FLIP * 1000;                  /* sticky: still just set */
	EXPECT_EQ(evt_rd(&pm, 0, 2), VACPI_PM1_TMR);
	/* enabling with the status set asserts the SCI at once */
	hook_calls = 0;
	evt_wr(&pm, 2, 2, VACPI_PM1_TMR);
	EXPECT_TRUE(sci);
	EXPECT_TRUE(hook_calls > 0);
	EXPECT_EQ(vacpi_pm_next_deadline(&pm), VDEV_NO_DEADLINE);   /* nothing to add while set */
	evt_wr(&pm, 0, 2, 0);                         /* writing 0 clears nothing */
	EXPECT_TRUE(sci);
	fake_now += 1234 * 1000;
	evt_wr(&pm, 0, 2, VACPI_PM1_TMR);             /* clear: at count 6 * 2^23 + 1234 */
	EXPECT_TRUE(!sci);
	EXPECT_EQ(vacpi_pm_next_deadline(&pm), 7 * FLIP * 1000);
	fake_now = 7 * FLIP * 1000 - 1;
	vacpi_pm_expire(&pm, fake_now);
	EXPECT_TRUE(!sci);
	fake_now++;
	vacpi_pm_expire(&pm, fake_now);
	EXPECT_TRUE(sci);
	EXPECT_EQ(sci_raises, 2);
	EXPECT_EQ(evt_rd(&pm, 0, 4), (VACPI_PM1_TMR << 16) | VACPI_PM1_TMR);
	/* a byte write to the low status byte clears it too */
	evt_wr(&pm, 0, 1, 0x01);
	EXPECT_TRUE(!sci);
	EXPECT_EQ(vacpi_pm_next_deadline(&pm), 8 * FLIP * 1000);
	evt_wr(&pm, 2, 2, 0);
	EXPECT_EQ(vacpi_pm_next_deadline(&pm), VDEV_NO_DEADLINE);

	/* a clock that is no multiple: the deadline is the first tick at the flip */
	const uint64_t hz = 2999999999ull;
	setup(&pm, hz, 77);
	evt_wr(&pm, 2, 2, VACPI_PM1_TMR);
	for (int k = 0; k < 5; k++) {
		uint64_t d = vacpi_pm_next_deadline(&pm);
		EXPECT_TRUE(count_at(d, hz) % FLIP == 0 && count_at(d - 1, hz) % FLIP != 0);
		fake_now = d;
		vacpi_pm_expire(&pm, d);
		EXPECT_TRUE(sci);
		evt_wr(&pm, 0, 2, VACPI_PM1_TMR);
		EXPECT_TRUE(!sci);
	}
}

static void test_power_button(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	EXPECT_TRUE(!vacpi_pm_power_button(&pm));     /* PWRBTN_EN clear: dropped, as QEMU */
	EXPECT_EQ(evt_rd(&pm, 0, 2), 0);
	EXPECT_TRUE(!sci);
	evt_wr(&pm, 2, 2, VACPI_PM1_PWRBTN);
	EXPECT_TRUE(!sci);                            /* enabling later brings nothing */
	EXPECT_TRUE(vacpi_pm_power_button(&pm));
	EXPECT_EQ(evt_rd(&pm, 0, 2), VACPI_PM1_PWRBTN);
	EXPECT_TRUE(sci);
	evt_wr(&pm, 0, 2, VACPI_PM1_TMR);             /* another bit: stays */
	EXPECT_TRUE(sci);
	evt_wr(&pm, 1, 1, VACPI_PM1_PWRBTN >> 8);     /* the high status byte alone */
	EXPECT_TRUE(!sci);
	EXPECT_EQ(evt_rd(&pm, 0, 2), 0);
	EXPECT_TRUE(vacpi_pm_power_button(&pm));
	EXPECT_TRUE(sci);
	evt_wr(&pm, 0, 4, (0u << 16) | VACPI_PM1_PWRBTN);   /* dword: clears and disables */
	EXPECT_TRUE(!sci);
	EXPECT_EQ(evt_rd(&pm, 2, 2), 0);
}

static void test_enables_and_gpe(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	evt_wr(&pm, 2, 2, 0xa5c3);
	EXPECT_EQ(evt_rd(&pm, 2, 2), 0xa5c3);         /* read back as written */
	evt_wr(&pm, 3, 1, 0x01);
	EXPECT_EQ(evt_rd(&pm, 2, 2), 0x01c3);
	evt_wr(&pm, 2, 2, 0);
	/* status bits nothing sets cannot be set by writing */
	evt_wr(&pm, 0, 2, 0xffff);
	EXPECT_EQ(evt_rd(&pm, 0, 2), 0);

	vacpi_pm_set_gpe(&pm, 3);
	EXPECT_EQ(gpe_rd(&pm, 0, 2), 0x0008);
	EXPECT_TRUE(!sci);
	gpe_wr(&pm, 2, 1, 0x08);
	EXPECT_TRUE(sci);
	gpe_wr(&pm, 0, 1, 0x08);
	EXPECT_TRUE(!sci);
	vacpi_pm_set_gpe(&pm, 9);                     /* the second byte counts too */
	gpe_wr(&pm, 3, 1, 0x02);
	EXPECT_TRUE(sci);
	EXPECT_EQ(gpe_rd(&pm, 0, 4), 0x02080200u);
	gpe_wr(&pm, 1, 1, 0x02);
	EXPECT_TRUE(!sci);
	vacpi_pm_set_gpe(&pm, 16);                    /* no such bit */
	vacpi_pm_set_gpe(&pm, 1000);
	EXPECT_EQ(gpe_rd(&pm, 0, 2), 0);
	gpe_wr(&pm, 0, 4, 0x0000ffff);                /* status clear, enables 0 */
	EXPECT_EQ(gpe_rd(&pm, 0, 4), 0);
}

static void test_s5_and_other_sleep_types(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	cnt_wr(&pm, 0, 2, VACPI_CNT_SCI_EN | VACPI_CNT_SLP_EN);   /* SLP_TYP 0: S5 */
	EXPECT_EQ(poweroffs, 1);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN);           /* SLP_EN reads 0 */
	cnt_wr(&pm, 1, 1, VACPI_CNT_SLP_EN >> 8);                 /* the high byte alone */
	EXPECT_EQ(poweroffs, 2);
	cnt_wr(&pm, 0, 1, 0xff);                                  /* the low byte: no sleep */
	EXPECT_EQ(poweroffs, 2);
	EXPECT_EQ(cnt_rd(&pm, 0, 2), 0x00ff);
	cnt_wr(&pm, 0, 2, VACPI_CNT_SCI_EN);
	/* ACPICA's way: SLP_TYP first, then SLP_TYP | SLP_EN */
	cnt_wr(&pm, 0, 2, VACPI_CNT_SCI_EN | (0 << 10));
	cnt_wr(&pm, 0, 2, VACPI_CNT_SCI_EN | (0 << 10) | VACPI_CNT_SLP_EN);
	EXPECT_EQ(poweroffs, 3);
	/* every other type: no sleep, an immediate wake */
	for (unsigned typ = 1; typ < 8; typ++) {
		evt_wr(&pm, 0, 2, VACPI_PM1_WAK_STS);
		cnt_wr(&pm, 0, 2, VACPI_CNT_SCI_EN | (typ << 10) | VACPI_CNT_SLP_EN);
		EXPECT_EQ(poweroffs, 3);
		EXPECT_EQ(evt_rd(&pm, 0, 2), VACPI_PM1_WAK_STS);
		EXPECT_EQ(cnt_rd(&pm, 0, 2), VACPI_CNT_SCI_EN | (typ << 10));
	}
	EXPECT_TRUE(!sci);                                        /* WAK_STS is no SCI source */
	evt_wr(&pm, 0, 2, VACPI_PM1_WAK_STS);
	EXPECT_EQ(evt_rd(&pm, 0, 2), 0);
	/* SCI_EN does not gate the SCI (QEMU) */
	cnt_wr(&pm, 0, 2, 0);
	evt_wr(&pm, 2, 2, VACPI_PM1_PWRBTN);
	vacpi_pm_power_button(&pm);
	EXPECT_TRUE(sci);
	/* no callback: nothing happens */
	struct vclock clock = { .now = fake_clock, .hz = EXACT_HZ };
	vacpi_pm_init(&pm, &clock, NULL, NULL, NULL, NULL);
	cnt_wr(&pm, 0, 2, VACPI_CNT_SLP_EN);
	vacpi_pm_power_button(&pm);
	EXPECT_EQ(poweroffs, 3);
}

static void test_out_of_range_accesses(void)
{
	struct vacpi_pm pm;
	setup(&pm, EXACT_HZ, 0);
	evt_wr(&pm, 2, 2, 0x1234);
	EXPECT_EQ(evt_rd(&pm, 3, 4), 0xffffff12u);    /* byte 3, then past the block */
	EXPECT_EQ(evt_rd(&pm, 4, 1), 0xff);
	EXPECT_EQ(evt_rd(&pm, 0xffff, 4), 0xffffffffu);
	evt_wr(&pm, 4, 4, 0);                          /* dropped */
	evt_wr(&pm, 3, 4, 0x000000ff);                 /* only byte 3 is in the block */
	EXPECT_EQ(evt_rd(&pm, 2, 2), 0xff34);
	EXPECT_EQ(cnt_rd(&pm, 1, 2), 0xff00);
	EXPECT_EQ(cnt_rd(&pm, 2, 1), 0xff);
	cnt_wr(&pm, 2, 2, 0xffff);                     /* no SLP_EN reaches the register */
	cnt_wr(&pm, 0, 4, 0xffff0001);                 /* bytes 2-3 past the end */
	EXPECT_EQ(poweroffs, 0);
	EXPECT_EQ(cnt_rd(&pm, 0, 4), 0xffff0001u);
	EXPECT_EQ(gpe_rd(&pm, 4, 2), 0xffff);
	gpe_wr(&pm, 4, 4, 0xffffffff);
	EXPECT_EQ(gpe_rd(&pm, 0, 4), 0);
	EXPECT_EQ(cnt_rd(&pm, 0, 0), 0);

	/* random accesses everywhere: the SCI always matches the registers */
	srand(11);
	for (int i = 0; i < 30000; i++) {
		uint16_t off = (uint16_t)(rand() % 6);
		unsigned size = 1u << (rand() % 3);
		uint32_t v = (uint32_t)rand() & ~0x20202020u;   /* no byte carries SLP_EN (bit 5 of the high byte) */
		fake_now += (uint64_t)(rand() % 100000000);
		switch (rand() % 8) {
		case 0: evt_wr(&pm, off, size, v); break;
		case 1: cnt_wr(&pm, off, size, v); break;
		case 2: gpe_wr(&pm, off, size, v); break;
		case 3: vacpi_pm_tmr_ops.write(&pm, NULL, off, size, v); break;
		case 4: vacpi_pm_power_button(&pm); break;
		case 5: vacpi_pm_set_gpe(&pm, (unsigned)rand() % 20); break;
		case 6: vacpi_pm_expire(&pm, fake_now); break;
		default: tmr_rd(&pm, off, size); break;
		}
		uint32_t evt = evt_rd(&pm, 0, 4), gpe = gpe_rd(&pm, 0, 4);
		bool want = ((evt & (evt >> 16) & 0x0721) != 0) || ((gpe & (gpe >> 16) & 0xffff) != 0);
		EXPECT_EQ(sci, want);
		EXPECT_EQ(evt & 0x7efe, 0);                 /* only TMR, PWRBTN, WAK status bits */
		uint64_t d = vacpi_pm_next_deadline(&pm);
		if ((evt & (1u << 16)) && !(evt & 1))
			EXPECT_TRUE(d != VDEV_NO_DEADLINE && d > fake_now - 1);
		else
			EXPECT_EQ(d, VDEV_NO_DEADLINE);
		if (test_case_failed)
			break;
	}
	EXPECT_EQ(poweroffs, 0);
}

int main(void)
{
	RUN(test_reset_values);
	RUN(test_apm_smi_handshake);
	RUN(test_timer_rate);
	RUN(test_timer_monotonic_across_wraps);
	RUN(test_timer_byte_and_word_reads);
	RUN(test_tmr_sts_and_sci);
	RUN(test_power_button);
	RUN(test_enables_and_gpe);
	RUN(test_s5_and_other_sleep_types);
	RUN(test_out_of_range_accesses);
	TEST_MAIN_END();
}

/* tests/guests/mb/rtc.c - The MC146818A RTC (its datasheet; QEMU 7.2's
 * mc146818rtc.c): the time is plausible and ticks; one instant read in
 * all four formats (BCD or binary, 24- or 12-hour) says the same time;
 * UIP rises before an update and the seconds change after it; the
 * update-ended interrupt arrives on IRQ 8 through the slave 8259 with UF
 * and IRQF in register C; the alarm interrupt two seconds on, hours and
 * minutes "don't care" (0xC0), with AF; the periodic interrupt's rate (256 Hz) measured
 * against the PIT; the firmware's registers A, B and D given back.
 *
 * The time itself is the host's (both runs take it from the host's clock)
 * and is printed as a "~" line; the rate as a "~/REGEX/" line with a
 * tolerance. Exit code: the number of failed checks. */
#include "tkdev.h"

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define A_UIP 0x80
#define A_RS  0x0f
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define C_AF  0x20
#define ALARM_SEC 1
#define ALARM_MIN 3
#define ALARM_HOUR 5
#define ALARM_DONT_CARE 0xc0
#define B_BINARY 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_UF  0x10
#define HOUR_PM 0x80
#define RATE_256HZ 0x08           /* RS 8: 2^7 cycles of 32.768 kHz */
#define IRQ8_MASK 0xfefb          /* IRQ 8 and the cascade (IRQ 2) open */

struct rtc_time { uint8_t sec, min, hour, day, mon, year; bool pm; };

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

/* The clock bytes in the format register B says, decoded; the hour in
 * 0-23 either way. */
static struct rtc_time read_time(uint8_t b)
{
	uint8_t raw[6] = { tk_cmos_read(0), tk_cmos_read(2), tk_cmos_read(4), tk_cmos_read(7),
			   tk_cmos_read(8), tk_cmos_read(9) };
	struct rtc_time t;
	uint8_t hour = raw[2] & (uint8_t)~HOUR_PM;

	t.pm = raw[2] & HOUR_PM;
	if (!(b & B_BINARY)) {
		for (int i = 0; i < 6; i++)
			raw[i] = (uint8_t)from_bcd(i == 2 ? hour : raw[i]);
		hour = raw[2];
	}
	t.sec = raw[0];
	t.min = raw[1];
	t.day = raw[3];
	t.mon = raw[4];
	t.year = raw[5];
	if (b & B_24H)
		t.hour = hour;
	else
		t.hour = (uint8_t)(hour % 12 + (t.pm ? 12 : 0));
	return t;
}

static bool same(const struct rtc_time *a, const struct rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day && a->mon == b->mon &&
	       a->year == b->year;
}

/* Polls UIP; true if it was seen set and then clear (an update just ran). */
static bool wait_update(uint32_t max_polls)
{
	uint32_t i = 0;

	while (i < max_polls && !(tk_cmos_read(REG_A) & A_UIP))
		i++;
	if (i == max_polls)
		return false;
	while (i < max_polls && (tk_cmos_read(REG_A) & A_UIP))
		i++;
	return i < max_polls;
}

#define UPDATE_POLLS 20000000u

static void time_and_formats(uint8_t b_fw)
{
	struct rtc_time t[4];
	static const uint8_t formats[4] = { B_24H, B_24H | B_BINARY, 0, B_BINARY };
	static const char *const names[4] = { "bcd 24h", "binary 24h", "bcd 12h", "binary 12h" };

	tk_check(wait_update(UPDATE_POLLS), "uip: set before an update, clear after");
	uint8_t sec0 = tk_cmos_read(0);
	for (int i = 0; i < 4; i++) {
		tk_cmos_write(REG_B, (uint8_t)((b_fw & ~(B_BINARY | B_24H)) | formats[i]));
		t[i] = read_time(formats[i]);
	}
	tk_cmos_write(REG_B, b_fw);
	tk_vary("rtc: 20%02u-%02u-%02u %02u:%02u:%02u", t[0].year, t[0].mon, t[0].day, t[0].hour, t[0].min, t[0].sec);
	tk_check(t[0].year >= 20 && t[0].mon >= 1 && t[0].mon <= 12 && t[0].day >= 1 && t[0].day <= 31 &&
			 t[0].hour < 24 && t[0].min < 60 && t[0].sec < 60,
		 "time is plausible (20xx, valid fields)");
	for (int i = 1; i < 4; i++)
		tk_check(same(&t[0], &t[i]), "%s reads the same instant as bcd 24h", names[i]);
	tk_check(t[2].pm == (t[0].hour >= 12) && t[3].pm == t[2].pm, "12h formats: PM bit is hour >= 12");
	/* One more update: the seconds move on. */
	tk_check(wait_update(UPDATE_POLLS) && tk_cmos_read(0) != sec0, "the time ticks: the seconds changed");
}

static volatile uint32_t irq8_count;
static volatile uint8_t irq8_c;

static void on_irq8(struct tk_trap_frame *f)
{
	(void)f;
	irq8_c = tk_cmos_read(REG_C);      /* acknowledges: IRQ 8 drops */
	irq8_count = irq8_count + 1;
	tk_pic_eoi(8);
}

static void update_interrupt(uint8_t b_fw)
{
	tk_set_vector(TK_PIC_BASE2 + 0, on_irq8);
	(void)tk_cmos_read(REG_C);
	irq8_count = 0;
	tk_cmos_write(REG_B, b_fw | B_UIE);
	tk_pic_mask(IRQ8_MASK);
	bool got = tk_wait_count(&irq8_count, 1, 1500000);
	tk_cmos_write(REG_B, b_fw);
	tk_pic_mask(0xffff);
	tk_check(got, "update-ended interrupt on IRQ 8 at vector 0x%02x", TK_PIC_BASE2);
	tk_check((irq8_c & (C_IRQF | C_UF)) == (C_IRQF | C_UF), "register C: IRQF and UF set");
	/* PIE clear: QEMU 7.2 sets no PF then (the MC146818A would). */
	tk_printf("register C at the update interrupt: 0x%02x\n", irq8_c);
	tk_printf("register C after it was read: 0x%02x\n", tk_cmos_read(REG_C));
}

static uint8_t to_bcd(unsigned v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

/* The alarm: right after an update, the seconds alarm set two seconds on
 * (minutes and hours "don't care"), AIE on: one interrupt with AF, about
 * two seconds later. */
static void alarm_interrupt(uint8_t b_fw)
{
	tk_set_vector(TK_PIC_BASE2 + 0, on_irq8);
	tk_check(wait_update(UPDATE_POLLS), "alarm: an update seen first");
	unsigned sec = read_time(b_fw).sec, at = (sec + 2) % 60;
	tk_cmos_write(ALARM_SEC, (b_fw & B_BINARY) ? (uint8_t)at : to_bcd(at));
	tk_cmos_write(ALARM_MIN, ALARM_DONT_CARE);
	tk_cmos_write(ALARM_HOUR, ALARM_DONT_CARE);
	(void)tk_cmos_read(REG_C);
	irq8_count = 0;
	irq8_c = 0;
	tk_cmos_write(REG_B, b_fw | B_AIE);
	tk_pic_mask(IRQ8_MASK);
	bool early = tk_wait_count(&irq8_count, 1, 1200000);
	bool got = early || tk_wait_count(&irq8_count, 1, 2000000);
	unsigned now = read_time(b_fw).sec;
	tk_cmos_write(REG_B, b_fw);
	tk_pic_mask(0xffff);
	tk_check(!early && got, "alarm interrupt on IRQ 8, not before 1.2 s, by 3.2 s");
	tk_check(now == at || now == (at + 1) % 60, "alarm: the seconds read the alarm's at it");
	tk_vary("alarm: seconds %u at it, the alarm's %u", now, at);
	tk_printf("register C at the alarm interrupt: 0x%02x\n", irq8_c);
	tk_printf("register C after it was read: 0x%02x\n", tk_cmos_read(REG_C));
}

static void periodic_rate(uint8_t a_fw, uint8_t b_fw)
{
	tk_cmos_write(REG_A, (uint8_t)((a_fw & ~A_RS) | RATE_256HZ));
	tk_printf("register A 0x%02x for 256 Hz\n", tk_cmos_read(REG_A) & 0x7f);
	(void)tk_cmos_read(REG_C);
	irq8_count = 0;
	tk_cmos_write(REG_B, b_fw | B_PIE);
	tk_pic_mask(IRQ8_MASK);
	bool got = tk_wait_count(&irq8_count, 1, 500000);
	uint32_t first = irq8_count;
	tk_wait_count(&irq8_count, 0xffffffffu, 250000);   /* 250 ms of PIT time */
	uint32_t n = irq8_count - first;
	tk_cmos_write(REG_B, b_fw);
	tk_pic_mask(0xffff);
	(void)tk_cmos_read(REG_C);
	tk_pic_eoi(8);
	tk_check(got, "periodic interrupt on IRQ 8");
	/* 256 Hz; a loaded host lets ticks coalesce, so the window is wide. */
	tk_vary_match("rate (1[5-9][0-9]|2[0-9][0-9]) Hz", "periodic: %u interrupts in 250 ms of PIT time: rate %u Hz", n, n * 4);
	tk_cmos_write(REG_A, a_fw);
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("rtc: MC146818A\n");
	tk_cli();
	tk_pic_init(0);
	uint8_t a = tk_cmos_read(REG_A) & 0x7f, b = tk_cmos_read(REG_B);
	tk_printf("firmware's registers: a 0x%02x b 0x%02x d 0x%02x\n", a, b, tk_cmos_read(REG_D));
	time_and_formats(b);
	update_interrupt(b);
	alarm_interrupt(b);
	periodic_rate(a, b);
	tk_printf("registers at the end: a 0x%02x b 0x%02x d 0x%02x\n", tk_cmos_read(REG_A) & 0x7f,
		  tk_cmos_read(REG_B), tk_cmos_read(REG_D));
	tk_printf("rtc: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

/* tests/guests/mb/pit.c - The 8254 (Intel 82C54 datasheet) and port 0x61:
 * first the TSC-calibration loop every OS runs (channel 2 in mode 0 behind
 * GATE2, OUT2 polled at port 0x61 bit 5), which gives this kernel its TSC
 * rate and so its delays; then channel 0 in modes 0, 2, 3 and 4 seen
 * through the counter latch and the read-back command (the counts' ranges
 * and steps, a second latch ignored, OUT at the terminal count, the mode-4
 * strobe's IRQ 0), the LSB-only and MSB-only access modes, the read-back
 * of status and count together, BCD, port 0x61's bits and refresh toggle,
 * GATE2 in modes 0, 1, 2 and 5 (a low gate, a rising edge's restart, OUT2
 * around it), and IRQ 0 of a 100 Hz rate generator at the vector the 8259
 * was given.
 *
 * Counts depend on time, so the report prints what must hold (ranges,
 * parity, order, OUT in most samples), never a count itself, except in "~"
 * lines. Where QEMU 7.2's i8254 simplifies the datasheet (OUT in modes 1,
 * 2, 4 and 5, odd counts in mode 3, BCD counted as binary, a low gate that
 * stops nothing, modes 1 and 5 counting before their trigger), the line
 * prints what QEMU does and is compared: the board follows QEMU
 * (hv/vdev/vpit.h). Exit code: the number of failed checks. */
#include "tkdev.h"

#define CW_LATCH(ch)       ((uint8_t)((ch) << 6))
#define CW(ch, rw, mode, bcd) ((uint8_t)((ch) << 6 | (rw) << 4 | (mode) << 1 | (bcd)))
#define RW_LSB     1
#define RW_MSB     2
#define RW_WORD    3
#define READBACK(count, status, chmask) ((uint8_t)(0xc0 | (count ? 0 : 0x20) | (status ? 0 : 0x10) | (chmask) << 1))
#define ST_OUT     0x80
#define CALIB_TICKS 11932u          /* 10 ms */
#define SAMPLES    48

static uint32_t tsc_khz;            /* from the calibration */

static void write_count(unsigned ch, unsigned rw, uint16_t n)
{
	if (rw != RW_MSB)
		outb((uint16_t)(PIT_CH0 + ch), (uint8_t)n);
	if (rw != RW_LSB)
		outb((uint16_t)(PIT_CH0 + ch), (uint8_t)(n >> 8));
}

static void program(unsigned ch, unsigned rw, unsigned mode, bool bcd, uint16_t n)
{
	outb(PIT_CMD, CW(ch, rw, mode, bcd));
	write_count(ch, rw, n);
}

static uint16_t latch16(unsigned ch)
{
	outb(PIT_CMD, CW_LATCH(ch));
	uint8_t lo = inb((uint16_t)(PIT_CH0 + ch));
	return (uint16_t)(lo | inb((uint16_t)(PIT_CH0 + ch)) << 8);
}

static uint8_t status(unsigned ch)
{
	outb(PIT_CMD, READBACK(false, true, 1u << ch));
	return inb((uint16_t)(PIT_CH0 + ch));
}

static void tsc_delay_us(uint32_t us)
{
	uint64_t end = rdtsc() + tk_udiv64((uint64_t)us * tsc_khz, 1000, NULL);
	while (rdtsc() < end)
		__asm__ volatile("pause");
}

/* ---- channel 2 and port 0x61 ----------------------------------------------------- */

static void calibrate(void)
{
	uint32_t polls = 0;

	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORT_B_SPKR) | PORT_B_GATE2));
	program(2, RW_WORD, 0, false, CALIB_TICKS);
	uint64_t t0 = rdtsc();
	tk_check(!(inb(PORT_B) & PORT_B_OUT2), "calibration: OUT2 low once the count is written");
	while (!(inb(PORT_B) & PORT_B_OUT2) && polls < 100000000u)
		polls++;
	uint64_t t1 = rdtsc();
	tk_check(inb(PORT_B) & PORT_B_OUT2, "calibration: OUT2 high at the terminal count");
	uint64_t khz = tk_udiv64((t1 - t0) * PIT_HZ, CALIB_TICKS * 1000u, NULL);
	tsc_khz = khz ? (uint32_t)khz : 1000000u;
	tk_vary("calibration: %u polls, TSC %u.%03u MHz", polls, tsc_khz / 1000, tsc_khz % 1000);
}

static void port_b(void)
{
	static const uint8_t writes[] = { 0x03, 0x00, 0x01, 0x02, 0x0c, 0xf0 };
	unsigned seen[2] = { 0, 0 };

	for (unsigned i = 0; i < sizeof(writes); i++) {
		outb(PORT_B, writes[i]);
		tk_printf("port 0x61: 0x%02x written, bits 3:0 read 0x%x\n", writes[i], inb(PORT_B) & 0x0f);
	}
	for (unsigned i = 0; i < 256; i++)
		seen[(inb(PORT_B) >> 4) & 1]++;
	tk_check(seen[0] && seen[1], "port 0x61: the refresh bit (4) toggles");
}

/* GATE2: a rising edge restarts a mode 2 count; in mode 0 a low gate
 * stops the count on an 8254, QEMU's counts on. */
static void gate2(void)
{
	outb(PORT_B, PORT_B_GATE2);
	program(2, RW_WORD, 2, false, 0x8000);
	tsc_delay_us(10000);
	uint16_t before = latch16(2);
	outb(PORT_B, 0);
	outb(PORT_B, PORT_B_GATE2);
	uint16_t after = latch16(2);
	tk_check(before < 0x8000 - 2000 && after > before && after > 0x8000 - 0x1000,
		 "gate 2 rising edge restarts mode 2 at its count");
	tk_vary("gate 2 mode 2: 0x%04x before the edge, 0x%04x after", before, after);

	program(2, RW_WORD, 0, false, 0x8000);
	outb(PORT_B, 0);
	uint16_t c1 = latch16(2);
	tsc_delay_us(5000);
	uint16_t c2 = latch16(2);
	tk_printf("gate 2 low in mode 0: the count %s in 5 ms\n", c1 != c2 ? "moves on" : "stays");
	outb(PORT_B, 0);
}

static unsigned out2(void)
{
	return (inb(PORT_B) & PORT_B_OUT2) ? 1 : 0;
}

/* Modes 1 and 5, hardware-triggered: on an 8254 they wait for GATE2's
 * rising edge; QEMU's start at the count's write and the edge restarts
 * them. OUT2 around the count and the trigger, in each. */
static void gate2_triggered(unsigned mode)
{
	const uint16_t n = 0x4000;       /* 13.7 ms */

	outb(PORT_B, 0);
	program(2, RW_WORD, mode, false, n);
	uint16_t c1 = latch16(2);
	tsc_delay_us(2000);
	uint16_t c2 = latch16(2);
	tk_printf("mode %u, gate 2 low: the count %s, OUT2 %u\n", mode,
		  c1 != c2 ? "moves" : "waits for the trigger", out2());
	tsc_delay_us(16000);
	tk_printf("mode %u: OUT2 %u past the count\n", mode, out2());
	outb(PORT_B, PORT_B_GATE2);
	uint16_t c3 = latch16(2);
	tk_check(c3 <= n && c3 > n - 0x1000, "mode %u: a gate 2 rising edge restarts the count", mode);
	tk_printf("mode %u: OUT2 %u after the trigger\n", mode, out2());
	tsc_delay_us(16000);
	tk_printf("mode %u: OUT2 %u past the count again\n", mode, out2());
	outb(PORT_B, 0);
}

/* ---- channel 0 modes ------------------------------------------------------------------ */

static void mode0(void)
{
	const uint16_t n = 0xc000;        /* 41 ms */

	program(0, RW_WORD, 0, false, n);
	uint16_t c = latch16(0);
	tk_check(c <= n && c > n - 0x4000, "mode 0: counts down from its count");
	tk_printf("mode 0: status 0x%02x while counting\n", status(0));
	/* Latch, wait, latch again: the second is ignored until the first is read. */
	outb(PIT_CMD, CW_LATCH(0));
	tsc_delay_us(3000);
	outb(PIT_CMD, CW_LATCH(0));
	uint8_t lo = inb(PIT_CH0);
	uint16_t first = (uint16_t)(lo | inb(PIT_CH0) << 8);
	uint16_t now = latch16(0);
	tk_check(first > now && (unsigned)(first - now) > 2000u, "mode 0: a second latch before the read is ignored");
	unsigned polls = 0;
	while (!(status(0) & ST_OUT) && polls < 10000000u)
		polls++;
	tk_printf("mode 0: status 0x%02x at the terminal count\n", status(0));
	c = latch16(0);
	tk_check(c > n, "mode 0: after the terminal count it counts on from 0xffff");
	tk_check(tk_pic_irr(PIC1) & 0x01, "mode 0: OUT0 rising requested IRQ 0");
}

/* Samples of a periodic mode: min, max, whether all were even, wraps. */
struct samples { uint16_t min, max; bool all_even, all_decimal; unsigned wraps, out_high, out_low; };

/* Whether every hex digit of v is 0-9. */
static bool decimal_digits(uint16_t v)
{
	for (unsigned i = 0; i < 4; i++)
		if (((v >> (4 * i)) & 0xf) > 9)
			return false;
	return true;
}

static struct samples sample(unsigned ch, unsigned rw, uint32_t spacing_us)
{
	struct samples s = { 0xffff, 0, true, true, 0, 0, 0 };
	uint16_t prev = 0;

	for (unsigned i = 0; i < SAMPLES; i++) {
		uint16_t v;
		outb(PIT_CMD, CW_LATCH(ch));
		if (rw == RW_WORD) {
			uint8_t lo = inb((uint16_t)(PIT_CH0 + ch));
			v = (uint16_t)(lo | inb((uint16_t)(PIT_CH0 + ch)) << 8);
		} else {
			v = inb((uint16_t)(PIT_CH0 + ch));
		}
		if (status(ch) & ST_OUT)
			s.out_high++;
		else
			s.out_low++;
		s.min = v < s.min ? v : s.min;
		s.max = v > s.max ? v : s.max;
		s.all_even &= !(v & 1);
		s.all_decimal &= decimal_digits(v);
		s.wraps += i && v > prev;
		prev = v;
		tsc_delay_us(spacing_us);
	}
	return s;
}

static void mode2(void)
{
	program(0, RW_WORD, 2, false, 1000);
	struct samples s = sample(0, RW_WORD, 110);
	tk_check(s.min >= 1 && s.max <= 1000, "mode 2: counts within 1..1000");
	tk_check(s.wraps >= 2, "mode 2: reloads at the end of each period");
	tk_printf("mode 2: status 0x%02x without OUT\n", status(0) & 0x7f);
	/* 8254: high but for one clock a period; QEMU: low but for one. */
	tk_printf("mode 2: OUT %s in most samples\n", s.out_high > s.out_low ? "high" : "low");
	outb(PIT_CMD, CW(0, RW_WORD, 6, 0));
	write_count(0, RW_WORD, 1000);
	tk_printf("mode 6 (as 2): status 0x%02x without OUT\n", status(0) & 0x7f);
}

static void mode3(void)
{
	program(0, RW_WORD, 3, false, 1000);
	struct samples s = sample(0, RW_WORD, 110);
	tk_check(s.all_even && s.min >= 2 && s.max <= 1000, "mode 3: even counts within 2..1000 (down by 2)");
	tk_check(s.out_high && s.out_low, "mode 3: OUT is a square wave");
	tk_printf("mode 3: status 0x%02x without OUT\n", status(0) & 0x7f);
	program(0, RW_WORD, 3, false, 1001);
	s = sample(0, RW_WORD, 110);
	tk_check(s.min >= 1 && s.max <= 1001, "mode 3, count 1001: counts within 1..1001");
	/* 8254: N-1, N-3, ... (all even); QEMU steps by 2 modulo N. */
	tk_printf("mode 3, count 1001: %s\n", s.all_even ? "all even" : "odd ones too");
}

static void mode4(void)
{
	const uint16_t n = 0x2000;       /* 6.9 ms */

	program(0, RW_WORD, 4, false, n);
	tk_pic_init(0);                  /* IRR clear: the request must be the strobe's */
	uint16_t c = latch16(0);
	tk_check(c <= n && c > n - 0x1800, "mode 4: counts down from its count");
	tk_check(!(tk_pic_irr(PIC1) & 0x01), "mode 4: no IRQ 0 before the strobe");
	tsc_delay_us(12000);
	tk_check(tk_pic_irr(PIC1) & 0x01, "mode 4: the strobe requested IRQ 0");
	c = latch16(0);
	tk_check(c > n, "mode 4: after the strobe it counts on from 0xffff");
	tk_printf("mode 4: status 0x%02x without OUT\n", status(0) & 0x7f);
	/* 8254: 1 (low for the strobe's clock only); QEMU: high at it only. */
	tk_printf("mode 4: OUT %u after the strobe\n", status(0) >> 7);
}

static void access_modes(void)
{
	program(0, RW_LSB, 2, false, 200);
	struct samples s = sample(0, RW_LSB, 50);
	tk_check(s.min >= 1 && s.max <= 200 && s.wraps >= 2, "LSB only: count 200 reads 1..200, one byte");
	tk_printf("LSB only: status 0x%02x without OUT\n", status(0) & 0x7f);
	program(0, RW_MSB, 2, false, 0x1000);     /* the byte 0x10: count 0x1000 */
	s = sample(0, RW_MSB, 200);
	tk_check(s.max <= 0x10 && s.min < s.max, "MSB only: count 0x1000 reads 0x00..0x10, one byte");
	tk_printf("MSB only: status 0x%02x without OUT\n", status(0) & 0x7f);

	program(0, RW_WORD, 2, false, 0x8000);
	outb(PIT_CMD, READBACK(true, true, 1));
	uint8_t st = inb(PIT_CH0);
	uint8_t lo = inb(PIT_CH0);
	uint16_t c = (uint16_t)(lo | inb(PIT_CH0) << 8);
	tk_printf("read-back of status and count: status 0x%02x without OUT first\n", st & 0x7f);
	tk_check(c <= 0x8000 && c > 0x4000, "read-back of status and count: then the count");
}

/* BCD: the 8254 counts decimal digits (0x1000 is 1000 clocks); QEMU
 * 7.2's i8254 takes the count as binary (it has no BCD counting): 4096 clocks,
 * whose reads show hex digits A-F. */
static void bcd(void)
{
	program(0, RW_WORD, 2, true, 0x1000);
	struct samples s = sample(0, RW_WORD, 110);
	tk_check(s.min >= 1 && s.max <= 0x1000, "bcd: count 0x1000 reads within 1..0x1000");
	tk_printf("bcd: status 0x%02x without OUT\n", status(0) & 0x7f);
	tk_printf("bcd: count 0x1000 reads %s\n", s.all_decimal ? "decimal digits only" : "hex digits too");
}

/* ---- IRQ 0 ------------------------------------------------------------------------------ */

#define TICKS 11
static volatile uint32_t ticks;
static uint64_t tick_tsc[TICKS];
static volatile uint32_t tick_vector;

static void on_tick(struct tk_trap_frame *f)
{
	if (ticks < TICKS)
		tick_tsc[ticks] = rdtsc();
	tick_vector = f->vector;
	ticks = ticks + 1;
	outb(PIC1, OCW2_EOI);
}

static void irq0(void)
{
	tk_set_vector(TK_PIC_BASE1, on_tick);
	tk_pic_init(0);
	program(0, RW_WORD, 2, false, 11932);    /* 100 Hz */
	tk_pic_mask(0xfffe);
	bool got = tk_wait_count(&ticks, TICKS, 2000000);
	tk_pic_mask(0xffff);
	tk_check(got, "irq 0: %u interrupts of the 100 Hz rate generator", TICKS);
	tk_printf("irq 0: at vector 0x%02x (the 8259's base 0x%02x)\n", tick_vector, TK_PIC_BASE1);
	uint64_t span = tick_tsc[TICKS - 1] - tick_tsc[0];
	uint32_t hz = span && span < 0xffffffffu
			      ? (uint32_t)tk_udiv64((uint64_t)(TICKS - 1) * tsc_khz * 1000, (uint32_t)span, NULL)
			      : 0;
	/* Wide: on a loaded host late ticks arrive bunched (QEMU's TCG and the
	 * host timer both slip), which shortens the span; a wrong divisor or
	 * mode is still off by 2x or more. */
	tk_vary_match("rate ([5-9][0-9]|1[0-9][0-9]) Hz", "irq 0: rate %u Hz", hz);
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("pit: 8254 and port 0x61\n");
	tk_cli();
	tk_pic_init(0);
	calibrate();
	port_b();
	gate2();
	gate2_triggered(1);
	gate2_triggered(5);
	mode0();
	mode2();
	mode3();
	mode4();
	access_modes();
	bcd();
	irq0();
	tk_printf("pit: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

/* hv/vdev/vrtc.c - MC146818A real-time clock and CMOS memory (the contract
 * is in vrtc.h; register behaviour per the MC146818A datasheet, where it
 * is silent per QEMU 7.2's hw/rtc/mc146818rtc.c).
 *
 * Nothing here runs on its own: every entry point first brings the model
 * up to the guest clock's present (catch_up), working out from the clock
 * which updates, alarm matches and periodic ticks happened since it last
 * looked, and sets their flags. The cost does not depend on how long that
 * was. */
#include "hv/vdev/vrtc.h"
#include "hv/vdev/pc_layout.h"
#include "lib/calendar.h"
#include "lib/muldiv.h"
#include "lib/string.h"

#define TIME_BASE_HZ          32768u        /* the time base DV = 010 selects */
#define UIP_LEAD_PER_SECOND   4096u         /* UIP leads the update by 1/4096 s = 244 us (datasheet tBUC) */
#define SECONDS_PER_DAY       86400
#define MAX_UNIX_SECONDS      253402300799ull   /* 9999-12-31 23:59:59 */
#define TIME_LIMIT            ((int64_t)1 << 50)
#define INDEX_MASK            0x7fu
#define INDEX_NMI_DISABLE     0x80u
#define HOUR_PM               0x80u         /* 12-hour mode: bit 7 of an hour byte */
#define ALARM_DONT_CARE       0xc0u         /* both top bits set: matches anything */
#define CMOS_SHUTDOWN_STATUS  0x0fu
#define SHUTDOWN_S3_RESUME    0xfeu
#define RESET_CLEARS_B        (VRTC_B_PIE | VRTC_B_AIE | VRTC_B_UIE | VRTC_B_SQWE)
#define FLAGS                 (VRTC_C_PF | VRTC_C_AF | VRTC_C_UF)

_Static_assert(PC_CMOS_CENTURY >= VRTC_FIRST_MEMORY && PC_CMOS_CENTURY < VRTC_CMOS_SIZE,
	       "the century byte is one of the memory bytes");
_Static_assert(VRTC_C_PF == VRTC_B_PIE && VRTC_C_AF == VRTC_B_AIE && VRTC_C_UF == VRTC_B_UIE,
	       "each flag of register C sits where its enable sits in register B");

/* ---- time ------------------------------------------------------------------ */

/* The guest clock's present, never before what was already accounted for
 * (a board's expire() may have been told a later time than the clock). */
static uint64_t present(const struct vrtc *rtc)
{
	uint64_t t = vclock_now(&rtc->clock);
	return t < rtc->accounted_tsc ? rtc->accounted_tsc : t;
}

static bool clock_running(const struct vrtc *rtc)
{
	return rtc->divider_running && !(rtc->cmos[VRTC_REG_B] & VRTC_B_SET);
}

/* Since the divider's reference second boundary, for any t at or after
 * accounted_tsc (which is at or after divider_tsc, modulo 2^64: the
 * reference may lie before guest-clock 0). */
static uint64_t divider_seconds(const struct vrtc *rtc, uint64_t t)
{
	return (t - rtc->divider_tsc) / rtc->clock.hz;
}

static uint64_t divider_cycles(const struct vrtc *rtc, uint64_t t)
{
	return muldiv64(t - rtc->divider_tsc, TIME_BASE_HZ, rtc->clock.hz);
}

/* The clock's time at t, in seconds since 1970, kept within +-2^50 s (35
 * million years) so that no calendar step can overflow, whatever clock the
 * board gave. */
static int64_t clock_time(const struct vrtc *rtc, uint64_t t)
{
	int64_t secs = (int64_t)((uint64_t)rtc->seconds_at_divider + divider_seconds(rtc, t));

	return MAX(MIN(secs, TIME_LIMIT), -TIME_LIMIT);
}

/* UIP: in the last 1/4096 s before an update, while updates run. */
static bool update_in_progress(const struct vrtc *rtc, uint64_t t)
{
	uint64_t hz = rtc->clock.hz, lead = hz / UIP_LEAD_PER_SECOND;

	return clock_running(rtc) && lead && (t - rtc->divider_tsc) % hz >= hz - lead;
}

/* The periodic interval in cycles of the time base (datasheet table
 * "Periodic Interrupt Rate"): RS 1 and 2 repeat RS 8 and 9. */
static uint32_t periodic_cycles(uint8_t reg_a)
{
	unsigned rs = reg_a & VRTC_A_RS;

	if (rs == 0)
		return 0;
	if (rs <= 2)
		rs += 7;
	return 1u << (rs - 1);
}

/* ---- the clock bytes --------------------------------------------------------- */

static uint8_t encode(const struct vrtc *rtc, unsigned v)
{
	return (rtc->cmos[VRTC_REG_B] & VRTC_B_DM) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* Any byte, valid code or not: BCD digits above 9 count as their value. */
static int64_t decode(const struct vrtc *rtc, uint8_t b)
{
	return (rtc->cmos[VRTC_REG_B] & VRTC_B_DM) ? b : (b >> 4) * 10 + (b & 0x0f);
}

/* The clock bytes for time t (clock_time's range), in the format register
 * B selects. */
static void show_time(struct vrtc *rtc, int64_t t)
{
	int64_t days = cal_floor_div(t, SECONDS_PER_DAY);
	unsigned sod = (unsigned)(t - days * SECONDS_PER_DAY);
	unsigned hour = sod / 3600;
	struct cal_date date = cal_date_from_days(days);
	uint8_t *c = rtc->cmos;

	c[VRTC_SECONDS] = encode(rtc, sod % 60);
	c[VRTC_MINUTES] = encode(rtc, sod / 60 % 60);
	if (c[VRTC_REG_B] & VRTC_B_24H)
		c[VRTC_HOURS] = encode(rtc, hour);
	else
		c[VRTC_HOURS] = (uint8_t)(encode(rtc, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? HOUR_PM : 0));
	c[VRTC_DAY_OF_WEEK] = encode(rtc, cal_weekday(days) + 1);
	c[VRTC_DAY_OF_MONTH] = encode(rtc, date.day);
	c[VRTC_MONTH] = encode(rtc, date.month);
	c[VRTC_YEAR] = encode(rtc, (unsigned)cal_floor_mod(date.year, 100));
	c[PC_CMOS_CENTURY] = encode(rtc, (unsigned)cal_floor_mod(cal_floor_div(date.year, 100), 100));
}

/* The time the clock bytes say, read in the format register B selects.
 * Values out of range carry over (second 60 is the next minute, month 13
 * January of the next year), as QEMU's mktimegm does; the day of the week
 * is not read: it follows from the date. */
static int64_t written_time(const struct vrtc *rtc)
{
	const uint8_t *c = rtc->cmos;
	int64_t hour = decode(rtc, c[VRTC_HOURS] & 0x7f);

	if (!(c[VRTC_REG_B] & VRTC_B_24H))
		hour = hour % 12 + ((c[VRTC_HOURS] & HOUR_PM) ? 12 : 0);
	int64_t year = decode(rtc, c[PC_CMOS_CENTURY]) * 100 + decode(rtc, c[VRTC_YEAR]);
	int64_t days = cal_days_from_date(year, decode(rtc, c[VRTC_MONTH]), decode(rtc, c[VRTC_DAY_OF_MONTH]));
	return days * SECONDS_PER_DAY + hour * 3600 + decode(rtc, c[VRTC_MINUTES]) * 60 + decode(rtc, c[VRTC_SECONDS]);
}

/* The clock starts (again) at t from what its bytes say, keeping the
 * divider's phase; the bytes are then rewritten in normal form. */
static void start_from_bytes(struct vrtc *rtc, uint64_t t)
{
	rtc->seconds_at_divider = (int64_t)((uint64_t)written_time(rtc) - divider_seconds(rtc, t));
	show_time(rtc, clock_time(rtc, t));
}

static bool is_clock_byte(uint8_t index)
{
	/* 0x00, 0x02, 0x04, 0x06-0x09 and the century; the odd ones below 0x06
	 * are the alarm. */
	return index <= VRTC_YEAR ? !(index & 1) || index >= VRTC_DAY_OF_MONTH : index == PC_CMOS_CENTURY;
}

/* ---- the alarm --------------------------------------------------------------- */

/* One alarm byte: matches anything (the don't-care codes), one value, or
 * nothing (a code no time byte ever holds). */
struct alarm_field {
	bool any, never;
	unsigned value;
};

static struct alarm_field alarm_field(const struct vrtc *rtc, uint8_t b, unsigned limit, bool is_hour)
{
	struct alarm_field f = { .any = (b & ALARM_DONT_CARE) == ALARM_DONT_CARE };
	bool twelve_hour = is_hour && !(rtc->cmos[VRTC_REG_B] & VRTC_B_24H);
	bool pm = twelve_hour && (b & HOUR_PM);
	unsigned v;

	if (f.any)
		return f;
	if (twelve_hour)
		b &= (uint8_t)~HOUR_PM;
	if (rtc->cmos[VRTC_REG_B] & VRTC_B_DM) {
		v = b;
	} else {
		f.never = (b & 0x0f) > 9 || (b >> 4) > 9;
		v = (b >> 4) * 10u + (b & 0x0fu);
	}
	if (twelve_hour) {
		f.never |= v < 1 || v > 12;
		v = v % 12 + (pm ? 12 : 0);
	} else {
		f.never |= v >= limit;
	}
	f.value = v;
	return f;
}

/* The least value >= lo (and < limit) the field matches. */
static bool field_next(const struct alarm_field *f, unsigned lo, unsigned limit, unsigned *out)
{
	unsigned v = f->any ? lo : f->value;

	if (v < lo || v >= limit)
		return false;
	*out = v;
	return true;
}

/* The first second of the day at or after h0:m0:s0 that the alarm matches,
 * counting hours, then minutes, then seconds as an odometer does. */
static bool alarm_match_from(const struct alarm_field f[3], unsigned h0, unsigned m0, unsigned s0, unsigned *sod)
{
	unsigned h, m, s;

	if (!field_next(&f[0], h0, 24, &h))
		return false;
	if (h == h0 && field_next(&f[1], m0, 60, &m)) {
		if (m == m0 && field_next(&f[2], s0, 60, &s))
			goto found;
		if (field_next(&f[1], m0 + 1, 60, &m)) {   /* a later minute of this hour */
			if (!field_next(&f[2], 0, 60, &s))
				return false;
			goto found;
		}
	}
	if (h == h0 && !field_next(&f[0], h0 + 1, 24, &h))
		return false;
	if (!field_next(&f[1], 0, 60, &m) || !field_next(&f[2], 0, 60, &s))
		return false;
found:
	*sod = h * 3600 + m * 60 + s;
	return true;
}

/* Seconds from time t to the next second that matches the alarm: 1..86400,
 * or 0 when no second ever does. */
static uint32_t alarm_delta(const struct vrtc *rtc, int64_t t)
{
	const uint8_t *c = rtc->cmos;
	struct alarm_field f[3] = {
		alarm_field(rtc, c[VRTC_HOURS_ALARM], 24, true),
		alarm_field(rtc, c[VRTC_MINUTES_ALARM], 60, false),
		alarm_field(rtc, c[VRTC_SECONDS_ALARM], 60, false),
	};
	unsigned now_sod = (unsigned)cal_floor_mod(t, SECONDS_PER_DAY);
	unsigned start = now_sod + 1, day = 0, match;

	if (f[0].never || f[1].never || f[2].never)
		return 0;
	if (start == SECONDS_PER_DAY) {
		start = 0;
		day = 1;
	}
	if (alarm_match_from(f, start / 3600, start / 60 % 60, start % 60, &match))
		return day * SECONDS_PER_DAY + match - now_sod;
	if (day == 0 && alarm_match_from(f, 0, 0, 0, &match))
		return SECONDS_PER_DAY + match - now_sod;
	return 0;
}

/* ---- flags and IRQ 8 ---------------------------------------------------------- */

/* IRQF and the line follow the flags and their enables (vrtc.h). */
static void update_irq(struct vrtc *rtc)
{
	uint8_t flags = rtc->cmos[VRTC_REG_C] & FLAGS;
	bool level = (flags & rtc->cmos[VRTC_REG_B]) != 0;

	rtc->cmos[VRTC_REG_C] = (uint8_t)(flags | (level ? VRTC_C_IRQF : 0));
	if (level != rtc->irq_level) {
		rtc->irq_level = level;
		irq_line_set(&rtc->irq, level);
		vdev_deadline_changed(&rtc->hook);   /* no deadline while asserted */
	}
}

/* Sets the flags of the events in (accounted_tsc, t]: a periodic tick when
 * the time base's cycle count passed a multiple of the period; an update
 * when a second boundary passed with updates running, and an alarm when
 * one of the seconds reached matches. */
static void catch_up(struct vrtc *rtc, uint64_t t)
{
	uint64_t from = rtc->accounted_tsc;
	uint8_t flags = 0;

	if (t <= from)
		return;
	rtc->accounted_tsc = t;
	if (!rtc->divider_running)
		return;
	/* PF only while PIE is set: QEMU 7.2 runs its periodic timer only
	 * then (mc146818rtc.c rtc_periodic_clock_ticks), where the MC146818A
	 * sets PF whatever PIE says. QEMU is the board's oracle. */
	uint32_t period = (rtc->cmos[VRTC_REG_B] & VRTC_B_PIE) ? periodic_cycles(rtc->cmos[VRTC_REG_A]) : 0;
	if (period && divider_cycles(rtc, t) / period != divider_cycles(rtc, from) / period)
		flags |= VRTC_C_PF;
	if (clock_running(rtc)) {
		uint64_t s0 = divider_seconds(rtc, from), s1 = divider_seconds(rtc, t);
		if (s1 > s0) {
			uint32_t alarm = alarm_delta(rtc, clock_time(rtc, from));
			flags |= VRTC_C_UF;
			if (alarm && s1 - s0 >= alarm)
				flags |= VRTC_C_AF;
		}
	}
	if (flags) {
		rtc->cmos[VRTC_REG_C] |= flags;
		update_irq(rtc);
	}
}

/* ---- deadlines ------------------------------------------------------------------ */

/* The guest-clock time divider_tsc + offset, given that it lies after
 * from (= accounted_tsc); VDEV_NO_DEADLINE if it does not fit. */
static uint64_t divider_time(const struct vrtc *rtc, uint64_t from, uint64_t offset)
{
	uint64_t past = from - rtc->divider_tsc, t;

	if (offset <= past || __builtin_add_overflow(from, offset - past, &t))
		return VDEV_NO_DEADLINE;
	return t;
}

static uint64_t second_boundary(const struct vrtc *rtc, uint64_t from, uint64_t k)
{
	uint64_t offset;

	if (__builtin_mul_overflow(k, rtc->clock.hz, &offset))
		return VDEV_NO_DEADLINE;
	return divider_time(rtc, from, offset);
}

/* The first guest-clock time at which the cycle count reaches the next
 * multiple of period: ceil(n * hz / 32768) ticks after divider_tsc. */
static uint64_t next_periodic_tick(const struct vrtc *rtc, uint64_t from, uint32_t period)
{
	uint64_t n = (divider_cycles(rtc, from) / period + 1) * period;
	uint64_t ticks = muldiv64(n, rtc->clock.hz, TIME_BASE_HZ);

	if (ticks == UINT64_MAX)
		return VDEV_NO_DEADLINE;
	if (muldiv64(ticks, TIME_BASE_HZ, rtc->clock.hz) < n)
		ticks++;
	return divider_time(rtc, from, ticks);
}

uint64_t vrtc_next_deadline(struct vrtc *rtc)
{
	uint64_t best = VDEV_NO_DEADLINE;

	spin_lock(&rtc->lock);
	uint64_t from = rtc->accounted_tsc;
	uint8_t b = rtc->cmos[VRTC_REG_B];
	uint32_t period = periodic_cycles(rtc->cmos[VRTC_REG_A]);
	if (!rtc->irq_level && rtc->divider_running) {
		if ((b & VRTC_B_PIE) && period)
			best = MIN(best, next_periodic_tick(rtc, from, period));
		if (clock_running(rtc)) {
			uint64_t s0 = divider_seconds(rtc, from);
			if (b & VRTC_B_UIE)
				best = MIN(best, second_boundary(rtc, from, s0 + 1));
			uint32_t alarm = (b & VRTC_B_AIE) ? alarm_delta(rtc, clock_time(rtc, from)) : 0;
			if (alarm)
				best = MIN(best, second_boundary(rtc, from, s0 + alarm));
		}
	}
	spin_unlock(&rtc->lock);
	return best;
}

void vrtc_expire(struct vrtc *rtc, uint64_t now)
{
	spin_lock(&rtc->lock);
	catch_up(rtc, now);
	vdev_deadline_changed(&rtc->hook);
	spin_unlock(&rtc->lock);
}

/* ---- registers -------------------------------------------------------------------- */

/* Registers A and B take new values at t (caught up to t). Starting or
 * stopping the divider or SET starts or freezes the clock there. */
static void write_control(struct vrtc *rtc, uint64_t t, uint8_t a, uint8_t b)
{
	bool was_running = clock_running(rtc), divider_was_running = rtc->divider_running;

	if (was_running)
		show_time(rtc, clock_time(rtc, t));   /* the bytes a stopped clock keeps */
	rtc->cmos[VRTC_REG_A] = a;
	rtc->cmos[VRTC_REG_B] = b;
	rtc->divider_running = (a & VRTC_A_DV) == VRTC_A_DV_RUN;
	if (rtc->divider_running && !divider_was_running)
		rtc->divider_tsc = t - rtc->clock.hz / 2;   /* the first update half a second on */
	if (clock_running(rtc) && !was_running)
		start_from_bytes(rtc, t);
	update_irq(rtc);
}

static uint8_t read_register(struct vrtc *rtc, uint8_t index, bool clear_flags)
{
	uint64_t t = present(rtc);

	catch_up(rtc, t);
	if (is_clock_byte(index)) {
		if (clock_running(rtc))
			show_time(rtc, clock_time(rtc, t));
		return rtc->cmos[index];
	}
	switch (index) {
	case VRTC_REG_A:
		return (uint8_t)(rtc->cmos[VRTC_REG_A] | (update_in_progress(rtc, t) ? VRTC_A_UIP : 0));
	case VRTC_REG_C: {
		uint8_t c = rtc->cmos[VRTC_REG_C];
		if (clear_flags) {
			rtc->cmos[VRTC_REG_C] = 0;
			update_irq(rtc);
			vdev_deadline_changed(&rtc->hook);
		}
		return c;
	}
	case VRTC_REG_D:
		return VRTC_D_VRT;
	default:
		return rtc->cmos[index];
	}
}

static void write_register(struct vrtc *rtc, uint8_t index, uint8_t val)
{
	uint64_t t = present(rtc);

	catch_up(rtc, t);
	if (is_clock_byte(index)) {
		if (clock_running(rtc)) {
			show_time(rtc, clock_time(rtc, t));   /* the other bytes as of now */
			rtc->cmos[index] = val;
			start_from_bytes(rtc, t);
		} else {
			rtc->cmos[index] = val;           /* takes effect when the clock starts */
		}
		vdev_deadline_changed(&rtc->hook);
		return;
	}
	switch (index) {
	case VRTC_REG_A:
		write_control(rtc, t, val & (uint8_t)~VRTC_A_UIP, rtc->cmos[VRTC_REG_B]);
		break;
	case VRTC_REG_B:
		write_control(rtc, t, rtc->cmos[VRTC_REG_A], (val & VRTC_B_SET) ? val & (uint8_t)~VRTC_B_UIE : val);
		break;
	case VRTC_REG_C:
	case VRTC_REG_D:
		return;   /* read-only */
	default:
		rtc->cmos[index] = val;   /* alarm bytes and memory */
		if (index >= VRTC_FIRST_MEMORY)
			return;
		break;
	}
	vdev_deadline_changed(&rtc->hook);
}

/* ---- ports ---------------------------------------------------------------------- */

/* Byte by byte, as QEMU's 1-byte region splits wider accesses; bytes past
 * port 0x71 read as all ones and are dropped on write. */
static uint32_t vrtc_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vrtc *rtc = dev;
	uint32_t val = 0;
	(void)vcpu;

	spin_lock(&rtc->lock);
	for (unsigned i = 0; i < MIN(size, 4u); i++) {
		uint8_t b = 0xff;   /* port 0x70 reads all ones, as on QEMU */
		if ((unsigned)off + i == 1)
			b = read_register(rtc, rtc->index, true);
		val |= (uint32_t)b << (8 * i);
	}
	spin_unlock(&rtc->lock);
	return val;
}

static void vrtc_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vrtc *rtc = dev;
	(void)vcpu;

	spin_lock(&rtc->lock);
	for (unsigned i = 0; i < MIN(size, 4u); i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		unsigned port = (unsigned)off + i;
		if (port == 0) {
			rtc->index = b & INDEX_MASK;
			rtc->nmi_masked = (b & INDEX_NMI_DISABLE) != 0;
		} else if (port == 1) {
			write_register(rtc, rtc->index, b);
		}
	}
	spin_unlock(&rtc->lock);
}

static void vrtc_reset_op(void *dev)
{
	vrtc_reset(dev);
}

const struct pio_ops vrtc_ops = { .name = "rtc-mc146818", .read = vrtc_read, .write = vrtc_write,
				  .reset = vrtc_reset_op };

/* ---- the board's side ---------------------------------------------------------------- */

void vrtc_init(struct vrtc *rtc, const struct vclock *clock, const struct irq_line *irq,
	       const struct vdev_deadline_hook *hook)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = *clock;
	if (rtc->clock.hz == 0)
		rtc->clock.hz = 1;
	if (irq)
		rtc->irq = *irq;
	if (hook)
		rtc->hook = *hook;
	rtc->cmos[VRTC_REG_A] = VRTC_A_DV_RUN | 0x06;   /* 1024 Hz periodic rate, as a PC BIOS leaves it */
	rtc->cmos[VRTC_REG_B] = VRTC_B_24H;
	rtc->cmos[VRTC_REG_D] = VRTC_D_VRT;
	rtc->accounted_tsc = vclock_now(&rtc->clock);
	rtc->divider_running = true;
	rtc->divider_tsc = rtc->accounted_tsc;
	rtc->seconds_at_divider = 0;
	show_time(rtc, 0);
}

void vrtc_reset(struct vrtc *rtc)
{
	spin_lock(&rtc->lock);
	catch_up(rtc, present(rtc));
	rtc->cmos[VRTC_REG_B] &= (uint8_t)~RESET_CLEARS_B;
	rtc->cmos[VRTC_REG_C] = 0;
	if (rtc->cmos[CMOS_SHUTDOWN_STATUS] != SHUTDOWN_S3_RESUME)
		rtc->cmos[CMOS_SHUTDOWN_STATUS] = 0;
	rtc->nmi_masked = false;
	rtc->irq_level = false;
	irq_line_set(&rtc->irq, false);   /* whatever the receiver's state after its own reset */
	vdev_deadline_changed(&rtc->hook);
	spin_unlock(&rtc->lock);
}

void vrtc_set_time(struct vrtc *rtc, uint64_t unix_seconds, uint64_t at_guest_tsc)
{
	spin_lock(&rtc->lock);
	uint64_t t = present(rtc), hz = rtc->clock.hz;
	uint64_t secs = MIN(unix_seconds, MAX_UNIX_SECONDS);
	catch_up(rtc, t);
	/* The reference second boundary: the last one at or before t that is
	 * a whole number of seconds from at_guest_tsc. */
	if (at_guest_tsc <= t) {
		uint64_t k = (t - at_guest_tsc) / hz;
		rtc->divider_tsc = at_guest_tsc + k * hz;
		secs += k;
	} else {
		uint64_t k = (at_guest_tsc - t) / hz + ((at_guest_tsc - t) % hz != 0);
		rtc->divider_tsc = at_guest_tsc - k * hz;   /* modulo 2^64 (vrtc.h) */
		secs -= k;
	}
	rtc->seconds_at_divider = (int64_t)secs;
	show_time(rtc, clock_time(rtc, t));
	vdev_deadline_changed(&rtc->hook);
	spin_unlock(&rtc->lock);
}

void vrtc_cmos_write(struct vrtc *rtc, uint8_t index, uint8_t val)
{
	if (index >= VRTC_CMOS_SIZE || index < VRTC_FIRST_MEMORY || index == PC_CMOS_CENTURY)
		return;
	spin_lock(&rtc->lock);
	rtc->cmos[index] = val;
	spin_unlock(&rtc->lock);
}

uint8_t vrtc_cmos_read(struct vrtc *rtc, uint8_t index)
{
	if (index >= VRTC_CMOS_SIZE)
		return 0xff;
	spin_lock(&rtc->lock);
	uint8_t v = read_register(rtc, index, false);
	spin_unlock(&rtc->lock);
	return v;
}

static void put16(struct vrtc *rtc, uint8_t index, uint64_t v)
{
	rtc->cmos[index] = (uint8_t)v;
	rtc->cmos[index + 1] = (uint8_t)(v >> 8);
}

#define CMOS_FLOPPY_TYPES  0x10u
#define CMOS_DISK_TYPES    0x12u
#define CMOS_EQUIPMENT     0x14u
#define CMOS_BASE_MEM      0x15u
#define CMOS_EXT_MEM       0x17u
#define CMOS_EXT_MEM_COPY  0x30u
#define CMOS_MEM_ABOVE_16M 0x34u
#define CMOS_MEM_ABOVE_4G  0x5bu
#define CMOS_CPUS_MINUS_1  0x5fu
#define EQUIPMENT_FPU       0x02u
#define EQUIPMENT_PS2_MOUSE 0x04u

void vrtc_set_memory_size(struct vrtc *rtc, uint64_t below_4g_bytes, uint64_t above_4g_bytes, unsigned cpus)
{
	uint64_t ext = below_4g_bytes > 1 * MiB ? (below_4g_bytes - 1 * MiB) / KiB : 0;
	uint64_t above_16m = below_4g_bytes > 16 * MiB ? (below_4g_bytes - 16 * MiB) / (64 * KiB) : 0;
	uint64_t above_4g = MIN(above_4g_bytes / (64 * KiB), 0xffffffu);

	spin_lock(&rtc->lock);
	put16(rtc, CMOS_BASE_MEM, MIN(below_4g_bytes / KiB, 640u));
	put16(rtc, CMOS_EXT_MEM, MIN(ext, 65535u));
	put16(rtc, CMOS_EXT_MEM_COPY, MIN(ext, 65535u));
	put16(rtc, CMOS_MEM_ABOVE_16M, MIN(above_16m, 65535u));
	rtc->cmos[CMOS_MEM_ABOVE_4G] = (uint8_t)above_4g;
	rtc->cmos[CMOS_MEM_ABOVE_4G + 1] = (uint8_t)(above_4g >> 8);
	rtc->cmos[CMOS_MEM_ABOVE_4G + 2] = (uint8_t)(above_4g >> 16);
	rtc->cmos[CMOS_CPUS_MINUS_1] = (uint8_t)(cpus >= 1 && cpus <= 255 ? cpus - 1 : 0);
	rtc->cmos[CMOS_EQUIPMENT] = EQUIPMENT_FPU | EQUIPMENT_PS2_MOUSE;
	rtc->cmos[CMOS_FLOPPY_TYPES] = 0;
	rtc->cmos[CMOS_DISK_TYPES] = 0;
	spin_unlock(&rtc->lock);
}

bool vrtc_nmi_masked(struct vrtc *rtc)
{
	spin_lock(&rtc->lock);
	bool masked = rtc->nmi_masked;
	spin_unlock(&rtc->lock);
	return masked;
}

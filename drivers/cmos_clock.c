/* drivers/cmos_clock.c - Reading the host's RTC (MC146818A datasheet:
 * registers 0x00-0x09 time and date, A bit 7 update in progress, B bit 2
 * binary mode, bit 1 24-hour mode; the century at 0x32 as ACPI's FADT
 * names it on PCs). A read is repeated until two in a row agree, so an
 * update between the fields cannot give a torn time. */
#include "arch/x86/io.h"
#include "drivers/cmos_clock.h"
#include "lib/calendar.h"

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define NMI_DISABLE  0x80    /* keep NMIs off while the index points at the clock */
#define REG_A_UIP    0x80
#define REG_B_24H    0x02
#define REG_B_BINARY 0x04
#define HOUR_PM      0x80
#define CENTURY      0x32
#define TRIES        1000000   /* an update lasts at most ~2 ms; this bounds a dead clock */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

struct raw_time { uint8_t sec, min, hour, day, mon, year, cent; };

static bool read_raw(struct raw_time *r)
{
	for (unsigned i = 0; i < TRIES; i++) {
		if (cmos_read(0x0a) & REG_A_UIP)
			continue;
		r->sec = cmos_read(0x00);
		r->min = cmos_read(0x02);
		r->hour = cmos_read(0x04);
		r->day = cmos_read(0x07);
		r->mon = cmos_read(0x08);
		r->year = cmos_read(0x09);
		r->cent = cmos_read(CENTURY);
		return true;
	}
	return false;
}

static uint8_t from_bcd(uint8_t v)
{
	return (uint8_t)((v >> 4) * 10 + (v & 0xf));
}

bool cmos_clock_read(uint64_t *unix_seconds)
{
	struct raw_time a, b;

	for (unsigned i = 0; i < 5; i++) {
		if (!read_raw(&a) || !read_raw(&b))
			return false;
		if (__builtin_memcmp(&a, &b, sizeof(a)) == 0)
			break;
		if (i == 4)
			return false;
	}
	uint8_t regb = cmos_read(0x0b);
	outb(CMOS_INDEX, 0x0d);   /* leave the index on register D, NMIs enabled, as firmware does */
	bool pm = !(regb & REG_B_24H) && (a.hour & HOUR_PM);
	uint8_t hour = a.hour & (uint8_t)~HOUR_PM;
	if (!(regb & REG_B_BINARY)) {
		a.sec = from_bcd(a.sec);
		a.min = from_bcd(a.min);
		hour = from_bcd(hour);
		a.day = from_bcd(a.day);
		a.mon = from_bcd(a.mon);
		a.year = from_bcd(a.year);
		a.cent = from_bcd(a.cent);
	}
	if (!(regb & REG_B_24H))
		hour = (uint8_t)(hour % 12 + (pm ? 12 : 0));   /* 12 AM is 0 h, 12 PM is 12 h */
	/* A century byte outside 19-21 is not believed (some machines keep
	 * none): the years 2000-2099 then. */
	uint32_t century = a.cent >= 19 && a.cent <= 21 ? a.cent : 20;
	int64_t year = century * 100 + a.year;
	/* A field out of range is a clock that was never set, not a date to
	 * carry over into the next month. */
	if (year < 1970 || a.mon < 1 || a.mon > 12 || a.day < 1 || a.day > 31 || hour > 23 || a.min > 59 || a.sec > 59)
		return false;
	struct cal_date d = cal_date_from_days(cal_days_from_date(year, a.mon, a.day));
	if (d.month != a.mon)   /* 31 April and the like */
		return false;
	*unix_seconds = (uint64_t)cal_days_from_date(year, a.mon, a.day) * 86400 + hour * 3600u + a.min * 60u + a.sec;
	return true;
}

/* lib/calendar.h - Proleptic Gregorian calendar arithmetic (the host's
 * clock read at boot, the guests' RTC): days since 1970-01-01 to a date
 * and back, and the day of the week. Pure integer math (no tables, no
 * libc), valid for any year an int64_t day count reaches. */
#ifndef LIB_CALENDAR_H
#define LIB_CALENDAR_H

#include "lib/types.h"

struct cal_date {
	int64_t year;     /* e.g. 2024 */
	unsigned month;   /* 1..12 */
	unsigned day;     /* 1..31 */
};

/* a / b and a mod b rounded toward minus infinity (b > 0). */
int64_t cal_floor_div(int64_t a, int64_t b);
int64_t cal_floor_mod(int64_t a, int64_t b);

/* Days from 1970-01-01 to year-month-day. month and day need not be in
 * range: month 13 is January of the next year, day 0 the last day of the
 * previous month, day 32 of January is 1 February (as C's mktime does). */
int64_t cal_days_from_date(int64_t year, int64_t month, int64_t day);
struct cal_date cal_date_from_days(int64_t days);
/* 0 = Sunday .. 6 = Saturday. */
unsigned cal_weekday(int64_t days);

#endif

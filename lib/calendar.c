/* lib/calendar.c - Gregorian dates and day counts (calendar.h).
 *
 * The method counts years from 1 March, so that the leap day is the last
 * day of its "year": a 400-year era has 146097 days, a year of the era
 * 365 days plus one every 4th year, less one every 100th, plus one every
 * 400th; a day of the March-based year maps to its month by the linear
 * formula (153 * m + 2) / 5, the length of five months March..July being
 * 153 days. 1970-01-01 is day 719468 counted from 0000-03-01. */
#include "lib/calendar.h"

#define DAYS_PER_ERA        146097   /* 400 Gregorian years */
#define DAYS_0000_03_01_TO_EPOCH 719468

int64_t cal_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t cal_floor_mod(int64_t a, int64_t b)
{
	return a - cal_floor_div(a, b) * b;
}

int64_t cal_days_from_date(int64_t year, int64_t month, int64_t day)
{
	/* Bring the month into 1..12, carrying whole years. */
	year += cal_floor_div(month - 1, 12);
	month = cal_floor_mod(month - 1, 12) + 1;

	int64_t y = month <= 2 ? year - 1 : year;         /* the March-based year */
	int64_t era = cal_floor_div(y, 400);
	int64_t year_of_era = y - era * 400;                 /* 0..399 */
	int64_t month_from_march = month > 2 ? month - 3 : month + 9;   /* 0..11 */
	int64_t day_of_year = (153 * month_from_march + 2) / 5;          /* day 1 of the month */
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH + (day - 1);
}

struct cal_date cal_date_from_days(int64_t days)
{
	int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
	int64_t era = cal_floor_div(z, DAYS_PER_ERA);
	int64_t day_of_era = z - era * DAYS_PER_ERA;         /* 0..146096 */
	/* Years of the era: take out the leap days before this one (one per
	 * 1460 days, back one per 36524, again one per 146096). */
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	struct cal_date d;

	d.day = (unsigned)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	d.month = (unsigned)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	d.year = year_of_era + era * 400 + (d.month <= 2);
	return d;
}

unsigned cal_weekday(int64_t days)
{
	return (unsigned)cal_floor_mod(days + 4, 7);   /* 1970-01-01 was a Thursday */
}

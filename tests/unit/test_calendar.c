/* tests/unit/test_calendar.c - Days from civil dates and back, against
 * dates whose Unix time is known (date -u -d ... +%s), a round trip over
 * every day from 1970 to 2400, carries of out-of-range fields, weekdays. */
/* UNIT_SRC: lib/calendar.c */
#include "test.h"
#include "lib/calendar.h"

static void test_known_dates(void)
{
	EXPECT_EQ(cal_days_from_date(1970, 1, 1), 0);
	EXPECT_EQ(cal_days_from_date(2000, 2, 29) * 86400 + 12 * 3600, 951825600);
	EXPECT_EQ(cal_days_from_date(2026, 12, 3) * 86400 + 16 * 3600 + 32 * 60 + 49, 1796315569);
	EXPECT_EQ(cal_days_from_date(2100, 3, 1) * 86400, 4107542400ll);
	EXPECT_EQ(cal_days_from_date(1969, 12, 31), -1);
	EXPECT_EQ(cal_weekday(0), 4);                       /* 1970-01-01: a Thursday */
	EXPECT_EQ(cal_weekday(cal_days_from_date(2026, 12, 3)), 4);
}

static void test_carries(void)
{
	EXPECT_EQ(cal_days_from_date(2026, 13, 1), cal_days_from_date(2027, 1, 1));
	EXPECT_EQ(cal_days_from_date(2026, 3, 0), cal_days_from_date(2026, 2, 28));
	EXPECT_EQ(cal_days_from_date(2024, 3, 0), cal_days_from_date(2024, 2, 29));
	EXPECT_EQ(cal_days_from_date(2026, 1, 32), cal_days_from_date(2026, 2, 1));
	EXPECT_EQ(cal_floor_div(-1, 7), -1);
	EXPECT_EQ(cal_floor_mod(-1, 7), 6);
}

static void test_round_trip_every_day(void)
{
	int64_t days = 0;
	for (int64_t y = 1970; y < 2400; y++)
		for (unsigned m = 1; m <= 12; m++) {
			unsigned len = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28)
					      : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
			for (unsigned d = 1; d <= len; d++, days++) {
				struct cal_date back = cal_date_from_days(days);
				if (cal_days_from_date(y, m, d) != days || back.year != y || back.month != m ||
				    back.day != d) {
					EXPECT_EQ(cal_days_from_date(y, m, d), days);
					EXPECT_EQ(back.year * 10000 + back.month * 100 + back.day, y * 10000 + m * 100 + d);
					return;
				}
			}
		}
}

int main(void)
{
	RUN(test_known_dates);
	RUN(test_carries);
	RUN(test_round_trip_every_day);
	TEST_MAIN_END();
}

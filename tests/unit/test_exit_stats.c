/* tests/unit/test_exit_stats.c - Exit counters and their summary. */
/* UNIT_SRC: hv/exit_stats.c lib/printf.c */
#include "test.h"
#include "hv/exit_stats.h"

static const char *name_of(uint64_t code)
{
	switch (code) {
	case 0x72: return "CPUID";
	case 0x7b: return "IOIO";
	case 0x78: return "HLT";
	case 0x400: return "NPF";
	default: return "X";
	}
}

static void test_slots(void)
{
	EXPECT_EQ(exit_stats_slot(0x72), 0x72);
	EXPECT_EQ(exit_stats_slot(0xa7), 0xa7);
	EXPECT_EQ(exit_stats_slot(0x400), EXIT_STATS_DIRECT);
	EXPECT_EQ(exit_stats_slot(0x403), EXIT_STATS_DIRECT + 3);
	EXPECT_EQ(exit_stats_slot(0xa8), EXIT_STATS_SLOTS - 1);
	EXPECT_EQ(exit_stats_slot(~0ull), EXIT_STATS_SLOTS - 1);   /* VMEXIT_INVALID */
	EXPECT_EQ(exit_stats_code(EXIT_STATS_DIRECT + 1), 0x401);
	for (unsigned i = 0; i < EXIT_STATS_SLOTS - 1; i++)
		EXPECT_EQ(exit_stats_slot(exit_stats_code(i)), i);
}

static void test_add_and_summary(void)
{
	struct exit_stats s;
	char buf[128];
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 5; i++)
		exit_stats_add(&s, 0x7b, 100 + (uint64_t)i);
	exit_stats_add(&s, 0x72, 50);
	exit_stats_add(&s, 0x72, 70);
	exit_stats_add(&s, 0x400, 900);
	exit_stats_add(&s, 0x12345, 1);
	EXPECT_EQ(s.total, 9);
	EXPECT_EQ(s.slot[0x7b].cycles, 510);
	EXPECT_EQ(s.slot[0x7b].max_cycles, 104);
	EXPECT_EQ(s.slot[0x72].max_cycles, 70);
	exit_stats_summary(&s, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "IOIO 5, CPUID 2, NPF 1, other 1");
	exit_stats_summary(&s, buf, sizeof(buf), 2, name_of);
	EXPECT_STREQ(buf, "IOIO 5, CPUID 2");
	exit_stats_summary(&s, buf, 8, 8, name_of);   /* truncated, still terminated */
	EXPECT_EQ(strlen(buf), 7);
}

static void test_empty(void)
{
	struct exit_stats s;
	char buf[16] = "junk";
	memset(&s, 0, sizeof(s));
	exit_stats_summary(&s, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "");
}

static void test_merge_and_clear(void)
{
	struct exit_stats a, b;
	char buf[128];
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	exit_stats_add(&a, 0x7b, 100);
	exit_stats_add(&a, 0x7b, 300);
	exit_stats_add(&a, 0x72, 50);
	exit_stats_add(&b, 0x7b, 200);
	exit_stats_add(&b, 0x72, 90);
	exit_stats_add(&b, 0x400, 900);
	exit_stats_add(&b, 0x12345, 7);
	exit_stats_merge(&a, &b);
	EXPECT_EQ(a.total, 7);
	EXPECT_EQ(a.slot[0x7b].count, 3);
	EXPECT_EQ(a.slot[0x7b].cycles, 600);
	EXPECT_EQ(a.slot[0x7b].max_cycles, 300);        /* dst's max was larger */
	EXPECT_EQ(a.slot[0x72].count, 2);
	EXPECT_EQ(a.slot[0x72].cycles, 140);
	EXPECT_EQ(a.slot[0x72].max_cycles, 90);         /* src's max was larger */
	EXPECT_EQ(a.slot[EXIT_STATS_DIRECT].count, 1);  /* only in src */
	EXPECT_EQ(a.slot[EXIT_STATS_DIRECT].max_cycles, 900);
	EXPECT_EQ(a.slot[EXIT_STATS_SLOTS - 1].cycles, 7);
	EXPECT_EQ(b.total, 4);                          /* src untouched */
	EXPECT_EQ(b.slot[0x7b].count, 1);
	exit_stats_summary(&a, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "IOIO 3, CPUID 2, NPF 1, other 1");

	exit_stats_clear(&a);
	EXPECT_EQ(a.total, 0);
	int all_zero = 1;
	for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++)
		if (a.slot[i].count || a.slot[i].cycles || a.slot[i].max_cycles)
			all_zero = 0;
	EXPECT_TRUE(all_zero);
	exit_stats_summary(&a, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "");
	exit_stats_add(&a, 0x78, 5);                    /* counts afresh after a clear */
	EXPECT_EQ(a.total, 1);
	EXPECT_EQ(a.slot[0x78].max_cycles, 5);
}

static void test_summary_of_two(void)
{
	static struct exit_stats a, b;
	char buf[128];
	for (int i = 0; i < 5; i++)
		exit_stats_add(&a, 0x7b, 10);
	for (int i = 0; i < 3; i++)
		exit_stats_add(&b, 0x7b, 10);
	for (int i = 0; i < 7; i++)
		exit_stats_add(&b, 0x72, 10);
	exit_stats_summary2(&a, &b, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "IOIO 8, CPUID 7");      /* 5 + 3 outranks 7 */
	exit_stats_summary2(&b, NULL, buf, sizeof(buf), 8, name_of);
	EXPECT_STREQ(buf, "CPUID 7, IOIO 3");
	EXPECT_EQ(a.total, 5);                     /* neither input changes */
	EXPECT_EQ(b.total, 10);
}

static void test_busiest_order(void)
{
	static struct exit_stats a, b;
	unsigned order[EXIT_STATS_SLOTS];
	exit_stats_add(&a, 0x72, 1);
	exit_stats_add(&b, 0x400, 1);
	exit_stats_add(&b, 0x400, 1);
	for (int i = 0; i < 3; i++)
		exit_stats_add(&a, 0x7b, 1);
	exit_stats_add(&a, 0x1234, 1);                    /* the shared "other" slot */
	EXPECT_EQ(exit_stats_busiest(&a, &b, order, EXIT_STATS_SLOTS), 4);
	EXPECT_EQ(order[0], exit_stats_slot(0x7b));       /* 3 */
	EXPECT_EQ(order[1], exit_stats_slot(0x400));      /* 2, all from b */
	EXPECT_EQ(exit_stats_busiest(&a, NULL, order, 2), 2);
	EXPECT_EQ(order[1], exit_stats_slot(0x72));       /* ties: the lower slot first */
	EXPECT_STREQ(exit_stats_slot_name(exit_stats_slot(0x1234), name_of), "other");
	EXPECT_STREQ(exit_stats_slot_name(exit_stats_slot(0x400), name_of), "NPF");
}

int main(void)
{
	RUN(test_busiest_order);
	RUN(test_summary_of_two);
	RUN(test_slots);
	RUN(test_add_and_summary);
	RUN(test_empty);
	RUN(test_merge_and_clear);
	TEST_MAIN_END();
}

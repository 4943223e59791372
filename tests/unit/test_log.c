/* tests/unit/test_log.c - The logger's line format, filtering and cutting, through a fake sink and clock. */
/* UNIT_SRC: lib/log.c lib/printf.c lib/loglevel.c */
#define LOG_PREFIX "unit: "
#include "lib/log.h"
#include "tests/unit/test.h"

/* Everything the sink received, plus how many calls delivered it, since
 * each line must arrive in exactly one call. */
static char captured[4096];
static size_t captured_len;
static int sink_calls;
static size_t last_call_len;

static uint64_t fake_now_ns;

static void capture_sink(const char *s, size_t len)
{
	sink_calls++;
	last_call_len = len;
	if (captured_len + len < sizeof(captured)) {
		memcpy(captured + captured_len, s, len);
		captured_len += len;
	}
	captured[captured_len] = '\0';
}

static uint64_t fake_clock(void)
{
	return fake_now_ns;
}

/* The logger keeps global state, so every case starts from the same one. */
static void reset(void)
{
	captured_len = 0;
	captured[0] = '\0';
	sink_calls = 0;
	last_call_len = 0;
	fake_now_ns = 0;
	log_set_sink(capture_sink);
	log_set_clock(fake_clock);
	log_set_level(LOG_INFO);
}

static void test_timestamp_format(void)
{
	reset();
	fake_now_ns = 1234567891;
	hv_log(LOG_INFO, "hello %d", 42);
	EXPECT_STREQ(captured, "[    1.234567] hello 42\n");
	EXPECT_EQ(sink_calls, 1);
	EXPECT_EQ(last_call_len, strlen(captured));
}

static void test_timestamp_edges(void)
{
	reset();
	fake_now_ns = 999;                 /* below a microsecond */
	hv_log(LOG_INFO, "a");
	fake_now_ns = 99999999999999ull;   /* the seconds field fills its width */
	hv_log(LOG_INFO, "b");
	fake_now_ns = 1234567000000000ull; /* and then grows past it */
	hv_log(LOG_INFO, "c");
	EXPECT_STREQ(captured, "[    0.000000] a\n"
			       "[99999.999999] b\n"
			       "[1234567.000000] c\n");
}

static void test_no_clock(void)
{
	reset();
	log_set_clock(NULL);
	hv_log(LOG_WARN, "early");
	EXPECT_STREQ(captured, "[    0.000000] early\n");
}

static void test_default_level(void)
{
	/* Runs before any case changes the level: INFO is the boot default. */
	EXPECT_EQ(log_get_level(), LOG_INFO);
}

static void test_level_filter(void)
{
	reset();
	hv_log(LOG_DEBUG, "d");
	hv_log(LOG_INFO, "i");
	hv_log(LOG_WARN, "w");
	hv_log(LOG_ERROR, "e");
	EXPECT_STREQ(captured, "[    0.000000] i\n[    0.000000] w\n[    0.000000] e\n");

	reset();
	log_set_level(LOG_ERROR);
	EXPECT_EQ(log_get_level(), LOG_ERROR);
	hv_log(LOG_WARN, "w");
	hv_log(LOG_ERROR, "e");
	EXPECT_STREQ(captured, "[    0.000000] e\n");

	reset();
	log_set_level(LOG_DEBUG);
	hv_log(LOG_DEBUG, "d");
	EXPECT_STREQ(captured, "[    0.000000] d\n");
}

static void test_pr_macros_add_prefix(void)
{
	reset();
	log_set_level(LOG_DEBUG);
	pr_err("e%d", 1);
	pr_warn("w");
	pr_info("i");
	pr_debug("d");
	EXPECT_STREQ(captured, "[    0.000000] unit: e1\n[    0.000000] unit: w\n"
			       "[    0.000000] unit: i\n[    0.000000] unit: d\n");
	EXPECT_EQ(sink_calls, 4);
}

#define TIMESTAMP_LEN 15   /* "[    0.000000] " */

/* Logs a message of `n` x's, which with the timestamp makes a line of
 * TIMESTAMP_LEN + n characters before the newline. */
static void log_xs(size_t n)
{
	char msg[1024];

	memset(msg, 'x', n);
	msg[n] = '\0';
	hv_log(LOG_INFO, "%s", msg);
}

static void test_line_at_limit_is_whole(void)
{
	reset();
	log_xs(LOG_LINE_MAX - TIMESTAMP_LEN);
	EXPECT_EQ(sink_calls, 1);
	EXPECT_EQ(captured_len, LOG_LINE_MAX + 1);
	EXPECT_EQ(captured[LOG_LINE_MAX - 1], 'x');
	EXPECT_EQ(captured[LOG_LINE_MAX], '\n');
}

static void test_long_line_is_cut(void)
{
	for (size_t extra = 1; extra <= 600; extra += 599) {
		reset();
		log_xs(LOG_LINE_MAX - TIMESTAMP_LEN + extra);
		EXPECT_EQ(sink_calls, 1);
		EXPECT_EQ(captured_len, LOG_LINE_MAX + 1);
		EXPECT_TRUE(strncmp(captured, "[    0.000000] xxx", 18) == 0);
		EXPECT_EQ(captured[LOG_LINE_MAX - 4], 'x');
		EXPECT_STREQ(captured + LOG_LINE_MAX - 3, "...\n");
	}
}

static void test_raw_output(void)
{
	reset();
	log_set_level(LOG_ERROR);   /* raw output ignores the level */
	fake_now_ns = 5000000000ull;
	log_raw("abc", 2);
	log_raw("\0z", 2);          /* bytes as they are, NULs included */
	EXPECT_EQ(captured_len, 4);
	EXPECT_TRUE(memcmp(captured, "ab\0z", 4) == 0);
	EXPECT_EQ(sink_calls, 2);

	reset();
	log_set_level(LOG_ERROR);
	log_rawf("guest> %s %u", "boot", 7u);
	EXPECT_STREQ(captured, "guest> boot 7");
	EXPECT_EQ(sink_calls, 1);
}

static void test_rawf_long_is_cut(void)
{
	char msg[600];

	reset();
	memset(msg, 'y', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	log_rawf("%s", msg);
	EXPECT_EQ(captured_len, LOG_LINE_MAX + 1);
	EXPECT_STREQ(captured + LOG_LINE_MAX - 3, "...\n");   /* a cut line still ends */
}

static void test_no_sink_discards(void)
{
	reset();
	log_set_sink(NULL);
	hv_log(LOG_ERROR, "lost");
	log_raw("lost", 4);
	log_rawf("lost %d", 1);
	/* Nothing is buffered for a sink set later. */
	log_set_sink(capture_sink);
	hv_log(LOG_ERROR, "kept");
	EXPECT_STREQ(captured, "[    0.000000] kept\n");
	EXPECT_EQ(sink_calls, 1);
}

static void test_level_names(void)
{
	enum log_level l = LOG_INFO;
	EXPECT_STREQ(log_level_name(LOG_ERROR), "error");
	EXPECT_STREQ(log_level_name(LOG_DEBUG), "debug");
	EXPECT_TRUE(log_level_name((enum log_level)4) == NULL);
	EXPECT_TRUE(log_level_parse("warn", &l) && l == LOG_WARN);
	EXPECT_TRUE(log_level_parse("3", &l) && l == LOG_DEBUG);
	EXPECT_TRUE(!log_level_parse("4", &l) && l == LOG_DEBUG);
	EXPECT_TRUE(!log_level_parse("", &l));
	EXPECT_TRUE(!log_level_parse("infos", &l));
	EXPECT_TRUE(!log_level_parse("01", &l));
}

int main(void)
{
	RUN(test_level_names);
	RUN(test_default_level);
	RUN(test_timestamp_format);
	RUN(test_timestamp_edges);
	RUN(test_no_clock);
	RUN(test_level_filter);
	RUN(test_pr_macros_add_prefix);
	RUN(test_line_at_limit_is_whole);
	RUN(test_long_line_is_cut);
	RUN(test_raw_output);
	RUN(test_rawf_long_is_cut);
	RUN(test_no_sink_discards);
	TEST_MAIN_END();
}

/* tests/unit/test_cmdline.c - The hypervisor command-line parser. */
/* UNIT_SRC: hv/init/cmdline.c lib/words.c lib/printf.c */
#include "test.h"
#include "hv/init/cmdline.h"
#include "lib/words.h"

static char last_msg[CMDLINE_MSG_MAX];
static int msgs;

static void capture(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	msgs++;
}

static int parse(const char *s, struct hv_options *o)
{
	msgs = 0;
	last_msg[0] = '\0';
	cmdline_defaults(o);
	return cmdline_parse(s, o, capture, NULL);
}

static void test_defaults(void)
{
	struct hv_options o;
	EXPECT_EQ(parse(NULL, &o), 0);
	EXPECT_EQ(o.console_port, 0x3f8);
	EXPECT_EQ(o.loglevel, LOG_INFO);
	EXPECT_EQ(o.on_idle, IDLE_HALT);
	EXPECT_EQ(o.on_panic, PANIC_HALT);
	EXPECT_EQ(o.selftest, SELFTEST_NONE);
	EXPECT_EQ(o.exit_stats, true);
	EXPECT_EQ(parse("exitstats=off", &o), 0);
	EXPECT_EQ(o.exit_stats, false);
	EXPECT_EQ(parse("exitstats=maybe", &o), 1);
	EXPECT_EQ(o.exit_stats, true);
	EXPECT_EQ(parse("", &o), 0);
	EXPECT_EQ(parse("   \t ", &o), 0);
}

static void test_all_options(void)
{
	struct hv_options o;
	EXPECT_EQ(parse("console=com2 loglevel=debug on_idle=poweroff on_panic=reset selftest=pagefault", &o), 0);
	EXPECT_EQ(o.console_port, 0x2f8);
	EXPECT_EQ(o.loglevel, LOG_DEBUG);
	EXPECT_EQ(o.on_idle, IDLE_POWEROFF);
	EXPECT_EQ(o.on_panic, PANIC_RESET);
	EXPECT_EQ(o.selftest, SELFTEST_PAGEFAULT);
	EXPECT_EQ(msgs, 0);
}

static void test_console_port_numbers(void)
{
	struct hv_options o;
	EXPECT_EQ(parse("console=0x2e8", &o), 0);
	EXPECT_EQ(o.console_port, 0x2e8);
	EXPECT_EQ(parse("console=1016", &o), 0);
	EXPECT_EQ(o.console_port, 1016);
	EXPECT_EQ(parse("console=0x10000", &o), 1);
	EXPECT_EQ(o.console_port, 0x3f8);
	EXPECT_EQ(parse("console=0x", &o), 1);
	EXPECT_EQ(parse("console=0", &o), 1);
	EXPECT_EQ(parse("console=0x80", &o), 1);        /* POST port, not a UART */
	EXPECT_EQ(parse("console=0xcf8", &o), 1);       /* PCI config address */
	EXPECT_EQ(parse("console=0xcf4", &o), 1);       /* would span 0xcf8 */
	EXPECT_EQ(parse("console=0xcf0", &o), 0);       /* ends just below it */
	EXPECT_EQ(parse("console=0xd00", &o), 0);
	EXPECT_EQ(o.console_port, 0xd00);
	EXPECT_EQ(parse("console=0xe000", &o), 0);      /* a PCI serial card's BAR */
	EXPECT_EQ(o.console_port, 0xe000);
	EXPECT_EQ(parse("console=com9", &o), 1);
	EXPECT_TRUE(strstr(last_msg, "console=com9") != NULL);
	EXPECT_TRUE(strstr(last_msg, "com1|com2|com3|com4") != NULL);
	EXPECT_EQ(o.console_port, 0x3f8);
}

static void test_unknown_and_malformed(void)
{
	struct hv_options o;
	EXPECT_EQ(parse("foo=bar on_idle=poweroff", &o), 1);
	EXPECT_TRUE(strstr(last_msg, "unknown option 'foo=bar'") != NULL);
	EXPECT_EQ(o.on_idle, IDLE_POWEROFF);
	EXPECT_EQ(parse("on_idle", &o), 1);
	EXPECT_TRUE(strstr(last_msg, "has no value") != NULL);
	EXPECT_EQ(parse("on_idle=sleep", &o), 1);
	EXPECT_TRUE(strstr(last_msg, "halt|poweroff|reset") != NULL);
	EXPECT_EQ(o.on_idle, IDLE_HALT);
	EXPECT_EQ(parse("on_idle=", &o), 1);
	EXPECT_EQ(parse("=x", &o), 1);
	EXPECT_EQ(parse("loglevel=7 a b=c", &o), 3);
	EXPECT_EQ(msgs, 3);
	/* key must match exactly, not by prefix */
	EXPECT_EQ(parse("on_idlex=halt on_i=halt", &o), 2);
}

static void test_last_wins_and_spacing(void)
{
	struct hv_options o;
	EXPECT_EQ(parse("  loglevel=error\t\tloglevel=warn  ", &o), 0);
	EXPECT_EQ(o.loglevel, LOG_WARN);
}

static void test_leading_path_skipped(void)
{
	struct hv_options o;
	EXPECT_EQ(parse("/boot/hv.elf on_idle=reset", &o), 0);
	EXPECT_EQ(o.on_idle, IDLE_RESET);
	/* only the first word may be a path */
	EXPECT_EQ(parse("on_idle=reset /boot/x", &o), 1);
}

static void test_overlong_word(void)
{
	struct hv_options o;
	char buf[400];
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	memcpy(buf, "x=", 2);
	EXPECT_EQ(parse(buf, &o), 1);
	EXPECT_TRUE(strstr(last_msg, "longer than") != NULL);
}

static void test_no_report_callback(void)
{
	struct hv_options o;
	cmdline_defaults(&o);
	EXPECT_EQ(cmdline_parse("bogus", &o, NULL, NULL), 1);
}

static void test_focus(void)
{
	struct hv_options o;
	EXPECT_EQ(parse(NULL, &o), 0);
	EXPECT_STREQ(o.focus, "");
	EXPECT_EQ(parse("focus=linux-1", &o), 0);
	EXPECT_STREQ(o.focus, "linux-1");
	EXPECT_EQ(parse("focus=", &o), 1);
	EXPECT_STREQ(o.focus, "");
	EXPECT_TRUE(strstr(last_msg, "focus=") != NULL);
	EXPECT_EQ(parse("focus=a/b", &o), 1);
	EXPECT_TRUE(strstr(last_msg, "A-Z a-z 0-9 _ -") != NULL);
	EXPECT_EQ(parse("focus=0123456789abcdef", &o), 1);   /* 16 characters: one too many */
	EXPECT_STREQ(o.focus, "");
	EXPECT_EQ(parse("focus=0123456789abcde", &o), 0);
	EXPECT_STREQ(o.focus, "0123456789abcde");
}

static void test_word_to_u64(void)
{
	uint64_t v = 7;
	EXPECT_TRUE(word_to_u64("0", 10, &v) && v == 0);
	EXPECT_TRUE(word_to_u64("0x1F", 0xff, &v) && v == 0x1f);
	EXPECT_TRUE(word_to_u64("18446744073709551615", ~0ull, &v) && v == ~0ull);
	EXPECT_TRUE(!word_to_u64("18446744073709551616", ~0ull, &v));   /* one past */
	EXPECT_TRUE(!word_to_u64("0x10000000000000000", ~0ull, &v));
	EXPECT_TRUE(!word_to_u64("11", 10, &v));                        /* above max */
	EXPECT_TRUE(!word_to_u64("", 10, &v));
	EXPECT_TRUE(!word_to_u64("0x", 10, &v));
	EXPECT_TRUE(!word_to_u64("12a", 1000, &v));
	EXPECT_TRUE(!word_to_u64("-1", 1000, &v));
	EXPECT_TRUE(!word_to_u64("zz", 1000, &v));
}

int main(void)
{
	RUN(test_word_to_u64);
	RUN(test_focus);
	RUN(test_defaults);
	RUN(test_all_options);
	RUN(test_console_port_numbers);
	RUN(test_unknown_and_malformed);
	RUN(test_last_wins_and_spacing);
	RUN(test_leading_path_skipped);
	RUN(test_overlong_word);
	RUN(test_no_report_callback);
	TEST_MAIN_END();
}

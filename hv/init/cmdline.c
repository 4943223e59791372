/* hv/init/cmdline.c - Parser for the hypervisor command line (grammar in cmdline.h).
 * A table maps each key to its parser, so adding an option is one line plus
 * one function, and every option gets the same error reporting. */
#include "hv/init/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/words.h"

#define WORD_MAX 128

struct choice { const char *name; int value; };

static const struct choice level_choices[] = {
	{ "error", LOG_ERROR }, { "warn", LOG_WARN }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ "0", LOG_ERROR }, { "1", LOG_WARN }, { "2", LOG_INFO }, { "3", LOG_DEBUG }, { NULL, 0 },
};
static const struct choice idle_choices[] = {
	{ "halt", IDLE_HALT }, { "poweroff", IDLE_POWEROFF }, { "reset", IDLE_RESET }, { NULL, 0 },
};
static const struct choice panic_choices[] = {
	{ "halt", PANIC_HALT }, { "poweroff", PANIC_POWEROFF }, { "reset", PANIC_RESET }, { NULL, 0 },
};
static const struct choice selftest_choices[] = {
	{ "pagefault", SELFTEST_PAGEFAULT }, { "stackoverflow", SELFTEST_STACKOVERFLOW },
	{ "ud", SELFTEST_UD }, { "panic", SELFTEST_PANIC }, { "writetext", SELFTEST_WRITE_TEXT },
	{ "writetextdirect", SELFTEST_WRITE_TEXT_DIRECT },
	{ "execdata", SELFTEST_EXEC_DATA }, { NULL, 0 },
};
static const struct choice on_off_choices[] = {
	{ "on", 1 }, { "off", 0 }, { NULL, 0 },
};
static const struct choice console_choices[] = {
	{ "com1", 0x3f8 }, { "com2", 0x2f8 }, { "com3", 0x3e8 }, { "com4", 0x2e8 }, { NULL, 0 },
};

/* Returns the choice's value, or -1 and the list of accepted names in `expected`. */
static int match_choice(const struct choice *c, const char *val, char *expected, size_t len)
{
	size_t used = 0;

	for (const struct choice *p = c; p->name; p++)
		if (strcmp(p->name, val) == 0)
			return p->value;
	expected[0] = '\0';
	for (const struct choice *p = c; p->name && used < len; p++)
		used += (size_t)hv_snprintf(expected + used, len - used, "%s%s", p == c ? "" : "|", p->name);
	return -1;
}

/* Each option parser returns true, or false with the reason in err. */
typedef bool (*option_fn)(struct hv_options *o, const char *val, char *err, size_t len);

#define CHOICE_OPTION(fn, table, field, type)                                   \
	static bool fn(struct hv_options *o, const char *val, char *err, size_t len) \
	{                                                                        \
		char expected[96];                                               \
		int v = match_choice(table, val, expected, sizeof(expected));   \
		if (v < 0) {                                                     \
			hv_snprintf(err, len, "expected %s", expected);          \
			return false;                                            \
		}                                                                \
		o->field = (type)v;                                              \
		return true;                                                     \
	}
CHOICE_OPTION(opt_loglevel, level_choices, loglevel, enum log_level)
CHOICE_OPTION(opt_on_idle, idle_choices, on_idle, enum idle_action)
CHOICE_OPTION(opt_on_panic, panic_choices, on_panic, enum panic_action)
CHOICE_OPTION(opt_selftest, selftest_choices, selftest, enum selftest)
CHOICE_OPTION(opt_exit_stats, on_off_choices, exit_stats, bool)
CHOICE_OPTION(opt_x2apic, on_off_choices, x2apic, bool)

static bool opt_console(struct hv_options *o, const char *val, char *err, size_t len)
{
	char expected[64];
	uint64_t port;
	int v = match_choice(console_choices, val, expected, sizeof(expected));

	if (v >= 0) {
		o->console_port = (uint16_t)v;
		return true;
	}
	/* A UART takes 8 ports and the probe writes to one of them, so keep away
	 * from the motherboard devices below 0x100 and the PCI configuration
	 * ports 0xcf8-0xcff (a write there would select a config register). */
	if (word_to_u64(val, 0xfff8, &port) && port >= 0x100 && (port + 8 <= 0xcf8 || port >= 0xd00)) {
		o->console_port = (uint16_t)port;
		return true;
	}
	hv_snprintf(err, len, "expected %s or a UART I/O port such as 0x3f8 (0x100-0xfff8, not 0xcf8-0xcff)",
		    expected);
	return false;
}

static bool opt_focus(struct hv_options *o, const char *val, char *err, size_t len)
{
	size_t n = strnlen(val, sizeof(o->focus));

	if (n == 0 || n >= sizeof(o->focus)) {
		hv_snprintf(err, len, "expected a VM name of 1-%u characters", (unsigned)sizeof(o->focus) - 1);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = val[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
			hv_snprintf(err, len, "a VM name uses only A-Z a-z 0-9 _ -");
			return false;
		}
	}
	memcpy(o->focus, val, n + 1);
	return true;
}

static const struct { const char *key; option_fn parse; } options[] = {
	{ "console", opt_console },
	{ "loglevel", opt_loglevel },
	{ "on_idle", opt_on_idle },
	{ "on_panic", opt_on_panic },
	{ "selftest", opt_selftest },
	{ "exitstats", opt_exit_stats },
	{ "x2apic", opt_x2apic },
	{ "focus", opt_focus },
};

void cmdline_defaults(struct hv_options *o)
{
	o->console_port = 0x3f8;
	o->loglevel = LOG_INFO;
	o->on_idle = IDLE_HALT;
	o->on_panic = PANIC_HALT;
	o->selftest = SELFTEST_NONE;
	o->exit_stats = true;
	o->x2apic = false;
	o->focus[0] = '\0';
}

static int report_problem(cmdline_report_fn report, void *ctx, const char *fmt, ...) __printf(3, 4);
static int report_problem(cmdline_report_fn report, void *ctx, const char *fmt, ...)
{
	char msg[CMDLINE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (report)
		report(ctx, msg);
	return 1;
}

static int parse_word(const char *word, struct hv_options *o, cmdline_report_fn report, void *ctx)
{
	char err[CMDLINE_MSG_MAX];
	const char *eq = strchr(word, '=');
	size_t key_len = eq ? (size_t)(eq - word) : strlen(word);

	if (!eq)
		return report_problem(report, ctx, "option '%s' has no value (write %s=VALUE)", word, word);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		if (strlen(options[i].key) != key_len || strncmp(options[i].key, word, key_len) != 0)
			continue;
		if (!options[i].parse(o, eq + 1, err, sizeof(err)))
			return report_problem(report, ctx, "bad value in '%s': %s; keeping the default", word, err);
		return 0;
	}
	return report_problem(report, ctx, "unknown option '%s' ignored", word);
}

int cmdline_parse(const char *cmdline, struct hv_options *o, cmdline_report_fn report, void *ctx)
{
	char word[WORD_MAX];
	int problems = 0;
	bool first = true;
	const char *p = cmdline ? cmdline : "", *w;
	size_t len;

	while ((len = word_next(&p, &w)) != 0) {
		if (len >= sizeof(word)) {
			problems += report_problem(report, ctx, "option '%.40s...' is longer than %d bytes; ignored",
						   w, WORD_MAX - 1);
		} else {
			memcpy(word, w, len);
			word[len] = '\0';
			/* GRUB may pass the image path first; it is not an option. */
			if (!(first && word[0] == '/'))
				problems += parse_word(word, o, report, ctx);
		}
		first = false;
	}
	return problems;
}

const char *idle_action_name(enum idle_action a)
{
	return a == IDLE_POWEROFF ? "poweroff" : a == IDLE_RESET ? "reset" : "halt";
}

const char *panic_action_name(enum panic_action a)
{
	return a == PANIC_POWEROFF ? "poweroff" : a == PANIC_RESET ? "reset" : "halt";
}

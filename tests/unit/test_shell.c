/* tests/unit/test_shell.c - The debug shell: command table, line splitting,
 * argument errors, argument helpers and tab completion (hv/console/shell.c). The
 * commands themselves, the VM table and the logger are the test's stand-ins here. */
/* UNIT_SRC: hv/console/shell.c lib/words.c lib/printf.c lib/loglevel.c */
#include <stdarg.h>
#include "test.h"
#include "hv/sched.h"
#include "hv/console/shell.h"
#include "hv/console/shell_cmd.h"
#include "drivers/tsc.h"

/* ---- stand-ins for what shell.c calls in kernel-only files --------------- */

struct vm vms[MAX_VMS];
unsigned vm_count;

struct vm *vm_find(const char *name)
{
	for (unsigned i = 0; i < vm_count; i++)
		if (strcmp(vms[i].cfg.name, name) == 0)
			return &vms[i];
	return NULL;
}

static uint64_t khz;
uint64_t tsc_khz(void) { return khz; }

static char out[8192];
static size_t out_len;

void log_rawf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		out_len = MIN(out_len + (size_t)n, sizeof(out) - 1);
}

static char called[16];
static int calls, got_argc;
static char got_argv[SHELL_MAX_ARGS + 1][64];

static void record(const char *name, int argc, char **argv)
{
	calls++;
	snprintf(called, sizeof(called), "%s", name);
	got_argc = argc;
	for (int i = 0; i < argc && i <= SHELL_MAX_ARGS; i++)
		snprintf(got_argv[i], sizeof(got_argv[i]), "%s", argv[i]);
}

#define STAND_IN(n) void cmd_##n(int argc, char **argv) { record(#n, argc, argv); }
STAND_IN(help) STAND_IN(version) STAND_IN(cpus) STAND_IN(vms) STAND_IN(loglevel) STAND_IN(reboot) STAND_IN(poweroff)
STAND_IN(vcpu) STAND_IN(vmcb) STAND_IN(mem) STAND_IN(npt) STAND_IN(exits) STAND_IN(pause) STAND_IN(resume) STAND_IN(reset)
STAND_IN(stop) STAND_IN(powerbtn) STAND_IN(console) STAND_IN(log)
void cmd_host_mem(void) { record("host_mem", 0, NULL); }

static void setup(void)
{
	out[0] = '\0';
	out_len = 0;
	called[0] = '\0';
	calls = got_argc = 0;
	memset(got_argv, 0, sizeof(got_argv));
	khz = 1000000;
	vm_count = 3;
	memset(vms, 0, sizeof(vms));
	strcpy(vms[0].cfg.name, "chatty");
	strcpy(vms[1].cfg.name, "quiet");
	strcpy(vms[2].cfg.name, "wild");
	for (int i = 0; i < 3; i++)
		vms[i].vcpu_count = 1;
}

static unsigned lines(void)
{
	unsigned n = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* Runs the line: the command is not called and the output is exactly `want`. */
static void expect_error(const char *line, const char *want, int at)
{
	setup();
	shell_run_line(line);
	if (calls != 0 || lines() != 1 || strcmp(out, want) != 0) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: \"%s\": %d calls (%s), output \"%s\", wanted \"%s\"\n", at, line,
			calls, called, out, want);
	}
}
#define EXPECT_ERROR(line, want) expect_error((line), (want), __LINE__)

/* ---- dispatch ------------------------------------------------------------ */

static void test_every_command_dispatches(void)
{
	static const char *const args[] = { "chatty", "0x10", "16" };
	char line[128];

	EXPECT_EQ(shell_cmd_count, 19);
	for (unsigned i = 0; i < shell_cmd_count; i++) {
		const struct shell_cmd *c = &shell_cmds[i];
		for (int nargs = c->min_args; nargs <= c->max_args; nargs++) {
			setup();
			int n = snprintf(line, sizeof(line), "%s", c->name);
			for (int a = 0; a < nargs; a++)
				n += snprintf(line + n, sizeof(line) - (size_t)n, " %s", args[a]);
			shell_run_line(line);
			EXPECT_EQ(calls, 1);
			EXPECT_STREQ(called, c->name);   /* each stand-in records its own name */
			EXPECT_EQ(got_argc, nargs + 1);
			EXPECT_STREQ(got_argv[0], c->name);
			for (int a = 0; a < nargs; a++)
				EXPECT_STREQ(got_argv[a + 1], args[a]);
			EXPECT_EQ(out_len, 0);
		}
	}
}

static void test_blanks(void)
{
	setup();
	shell_run_line("  \t vcpu\t chatty  \t\t0 \t ");
	EXPECT_EQ(calls, 1);
	EXPECT_STREQ(called, "vcpu");
	EXPECT_EQ(got_argc, 3);
	EXPECT_STREQ(got_argv[1], "chatty");
	EXPECT_STREQ(got_argv[2], "0");
	EXPECT_EQ(out_len, 0);

	const char *empty[] = { "", " ", "\t", "  \t \t  " };
	for (unsigned i = 0; i < ARRAY_SIZE(empty); i++) {
		setup();
		shell_run_line(empty[i]);
		EXPECT_EQ(calls, 0);
		EXPECT_EQ(out_len, 0);
	}
}

static void test_unknown_command(void)
{
	EXPECT_ERROR("vsm", "error: unknown command 'vsm' (help lists the commands)\n");
	EXPECT_ERROR("  vsm chatty ", "error: unknown command 'vsm' (help lists the commands)\n");
	EXPECT_ERROR("HELP", "error: unknown command 'HELP' (help lists the commands)\n");
	EXPECT_ERROR("ver", "error: unknown command 'ver' (help lists the commands)\n");
}

static void test_argument_count(void)
{
	EXPECT_ERROR("vcpu", "error: vcpu takes NAME [N] (missing arguments)\n");
	EXPECT_ERROR("npt chatty", "error: npt takes NAME GPA (missing arguments)\n");
	EXPECT_ERROR("pause a b", "error: pause takes NAME (too many arguments)\n");
	EXPECT_ERROR("help x", "error: help takes no arguments\n");
	EXPECT_ERROR("vcpu chatty 0 1", "error: vcpu takes NAME [N] (too many arguments)\n");
	/* 7 words fit the splitter: mem's own maximum answers. */
	EXPECT_ERROR("mem a b c d e f", "error: mem takes [NAME GPA|gva:ADDR [LEN]] (too many arguments)\n");
	/* An 8th word is one too many for the splitter. */
	EXPECT_ERROR("vcpu a b c d e f g", "error: too many words (at most 6 arguments)\n");
	EXPECT_ERROR("x 1 2 3 4 5 6 7 8 9", "error: too many words (at most 6 arguments)\n");
}

static void test_long_word(void)
{
	char line[160];
	memset(line, 'a', 64);
	line[64] = '\0';
	EXPECT_ERROR(line, "error: 'aaaaaaaaaaaaaaaaaaaa...' is longer than 63 characters\n");
	memcpy(line, "vcpu ", 5);   /* an argument too */
	memset(line + 5, 'a', 64);
	line[69] = '\0';
	EXPECT_ERROR(line, "error: 'aaaaaaaaaaaaaaaaaaaa...' is longer than 63 characters\n");
	/* 63 characters still fit: the unknown command is what is wrong. */
	memset(line, 'c', 63);
	line[63] = '\0';
	setup();
	shell_run_line(line);
	EXPECT_EQ(lines(), 1);
	EXPECT_TRUE(strstr(out, "error: unknown command 'ccc") == out);
}

/* ---- argument helpers ---------------------------------------------------- */

static void test_sh_number(void)
{
	uint64_t v;
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "42", 42 }, { "0x1f", 0x1f }, { "0XAbC", 0xabc },
		{ "18446744073709551615", ~0ull }, { "0xffffffffffffffff", ~0ull },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(good); i++) {
		setup();
		v = 7;
		EXPECT_TRUE(sh_number(good[i].s, &v, "the GPA"));
		EXPECT_EQ(v, good[i].v);
		EXPECT_EQ(out_len, 0);
	}
	static const char *const bad[] = { "", "0x", "12a", "-1", "18446744073709551616",
					   "0x10000000000000000", "0x1g", " 1" };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[160];
		setup();
		v = 7;
		EXPECT_TRUE(!sh_number(bad[i], &v, "the GPA"));
		EXPECT_EQ(v, 7);
		snprintf(want, sizeof(want), "error: bad number '%s' for the GPA (decimal, or hex with 0x)\n", bad[i]);
		EXPECT_STREQ(out, want);
		EXPECT_EQ(lines(), 1);
	}
}

static void test_sh_vm_and_vcpu_index(void)
{
	char a0[] = "vcpu", a1[] = "chatty", zero[] = "0", one[] = "1", x[] = "x";
	char *argv[3] = { a0, a1, zero };

	setup();
	EXPECT_TRUE(sh_vm("quiet") == &vms[1]);
	EXPECT_EQ(out_len, 0);
	EXPECT_TRUE(sh_vm("nope") == NULL);
	EXPECT_STREQ(out, "error: no VM named 'nope' (vms lists them)\n");

	unsigned id = 99;
	setup();
	EXPECT_TRUE(sh_vcpu_index(&vms[0], 2, argv, 2, &id));   /* absent */
	EXPECT_EQ(id, 0);
	EXPECT_TRUE(sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_EQ(out_len, 0);
	argv[2] = one;
	EXPECT_TRUE(!sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_STREQ(out, "error: vm chatty has 1 vCPU (number 0); there is no vCPU 1\n");

	setup();
	vms[0].vcpu_count = 4;
	EXPECT_TRUE(sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_EQ(id, 1);
	argv[2] = x;
	EXPECT_TRUE(!sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_STREQ(out, "error: bad number 'x' for the vCPU number (decimal, or hex with 0x)\n");
	setup();
	vms[0].vcpu_count = 4;
	char four[] = "4";
	argv[2] = four;
	EXPECT_TRUE(!sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_STREQ(out, "error: vm chatty has 4 vCPUs (numbers 0-3); there is no vCPU 4\n");
	vms[0].vcpu_count = 1;

	setup();
	argv[2] = x;
	EXPECT_TRUE(!sh_vcpu_index(&vms[0], 3, argv, 2, &id));
	EXPECT_STREQ(out, "error: bad number 'x' for the vCPU number (decimal, or hex with 0x)\n");
}

static void test_sh_tsc_ms(void)
{
	setup();
	EXPECT_EQ(sh_tsc_ms(5000000000ull), 5000);   /* 1 GHz */
	EXPECT_EQ(sh_tsc_ms(999999), 0);
	khz = 2500000;
	EXPECT_EQ(sh_tsc_ms(5000000000ull), 2000);
	khz = 0;   /* uncalibrated: taken as 1 GHz */
	EXPECT_EQ(sh_tsc_ms(3000000000ull), 3000);
}

/* ---- completion ---------------------------------------------------------- */

static const char *comp_out[40];
static unsigned comp_n;

/* Completes the last word of `line` (as lib/lineedit.c asks: line_len is the
 * text before that word) and joins the candidates with spaces. */
static const char *comp(const char *line, unsigned word_index, unsigned max)
{
	static char joined[512];
	size_t len = strlen(line), start = len;

	while (start > 0 && line[start - 1] != ' ')
		start--;
	memset(comp_out, 0, sizeof(comp_out));
	comp_n = shell_complete(NULL, line, start, word_index, line + start, len - start, comp_out, max);
	joined[0] = '\0';
	for (unsigned i = 0; i < comp_n && i < ARRAY_SIZE(comp_out); i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", i ? " " : "", comp_out[i]);
	return joined;
}

static void test_complete_commands(void)
{
	setup();
	EXPECT_STREQ(comp("v", 0, 32), "version vms vcpu vmcb");
	EXPECT_STREQ(comp("", 0, 32), "help version cpus vms vcpu vmcb mem npt exits pause resume reset stop "
		     "powerbtn console log loglevel reboot poweroff");
	EXPECT_EQ(comp_n, 19);
	EXPECT_STREQ(comp("pow", 0, 32), "powerbtn poweroff");
	EXPECT_STREQ(comp("zz", 0, 32), "");
	EXPECT_EQ(comp_n, 0);
	EXPECT_STREQ(comp("  re", 0, 32), "resume reset reboot");
	EXPECT_EQ(out_len, 0);
}

static void test_complete_arguments(void)
{
	setup();
	EXPECT_STREQ(comp("vcpu q", 1, 32), "quiet");
	EXPECT_STREQ(comp("vcpu ", 1, 32), "chatty quiet wild");
	/* pause, resume, reset, stop, console: only VMs that have not stopped;
	 * vcpu and log still offer a stopped one (post-mortem) */
	vms[2].state = VM_STOPPED;
	EXPECT_STREQ(comp("stop ", 1, 32), "chatty quiet");
	EXPECT_STREQ(comp("console ", 1, 32), "chatty quiet");
	EXPECT_STREQ(comp("log ", 1, 32), "chatty quiet wild");
	vms[2].state = VM_READY;
	EXPECT_STREQ(comp("  console  w", 1, 32), "wild");
	EXPECT_STREQ(comp("vcpu chatty ", 2, 32), "");   /* the vCPU number: nothing to offer */
	EXPECT_STREQ(comp("loglevel ", 1, 32), "error warn info debug");
	EXPECT_STREQ(comp("loglevel d", 1, 32), "debug");
	EXPECT_STREQ(comp("loglevel info ", 2, 32), "");
	EXPECT_STREQ(comp("exits chatty ", 2, 32), "reset");
	EXPECT_STREQ(comp("exits chatty x", 2, 32), "");
	EXPECT_STREQ(comp("exits chatty reset ", 3, 32), "");
	EXPECT_STREQ(comp("mem chatty ", 2, 32), "gva:");
	EXPECT_STREQ(comp("mem chatty 0x", 2, 32), "");
	EXPECT_STREQ(comp("vsm ", 1, 32), "");            /* unknown command */
	EXPECT_STREQ(comp("help ", 1, 32), "");           /* takes no arguments */
	EXPECT_STREQ(comp("averyveryverylongcommandname ", 1, 32), "");
	EXPECT_EQ(comp_n, 0);
	EXPECT_EQ(out_len, 0);
}

static void test_complete_max(void)
{
	setup();
	EXPECT_STREQ(comp("", 0, 2), "help version");
	EXPECT_EQ(comp_n, 2);
	EXPECT_STREQ(comp("vcpu ", 1, 2), "chatty quiet");
	EXPECT_STREQ(comp("loglevel ", 1, 1), "error");
	EXPECT_STREQ(comp("v", 0, 0), "");
	EXPECT_TRUE(comp_n == 0 && comp_out[0] == NULL);   /* nothing written past max */
}

int main(void)
{
	RUN(test_every_command_dispatches);
	RUN(test_blanks);
	RUN(test_unknown_command);
	RUN(test_argument_count);
	RUN(test_long_word);
	RUN(test_sh_number);
	RUN(test_sh_vm_and_vcpu_index);
	RUN(test_sh_tsc_ms);
	RUN(test_complete_commands);
	RUN(test_complete_arguments);
	RUN(test_complete_max);
	TEST_MAIN_END();
}

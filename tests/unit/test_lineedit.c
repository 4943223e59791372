/* tests/unit/test_lineedit.c - The debug shell's line editor, fed bytes as a terminal sends them. */
/* UNIT_SRC: lib/lineedit.c */
#include "lib/lineedit.h"
#include "tests/unit/test.h"

/* Everything the editor wrote since the last reset, as one string. */
static char out[16384];
static size_t out_len;

static void sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (out_len + len < sizeof(out)) {
		memcpy(out + out_len, s, len);
		out_len += len;
	}
	out[out_len] = '\0';
}

static void out_reset(void)
{
	out_len = 0;
	out[0] = '\0';
}

/* A completer in the shape of the shell's: commands for word 0, a fixed
 * set of arguments for word 1. It records how it was called. */
static const char *const commands[] = { "help", "hexdump", "history", "historic", "log", "vm", "vmcb" };
static const char *const args[] = { "start", "stop", "status" };
static unsigned calls, last_index;
static char last_line[LINEEDIT_MAX + 1], last_prefix[LINEEDIT_MAX + 1];
static bool return_junk;   /* also offer a candidate that does not match */

static unsigned completer(void *ctx, const char *line, size_t line_len, unsigned word_index,
			  const char *prefix, size_t prefix_len, const char **cand, unsigned max)
{
	const char *const *list = word_index == 0 ? commands : args;
	size_t count = word_index == 0 ? ARRAY_SIZE(commands) : ARRAY_SIZE(args);
	unsigned n = 0;

	(void)ctx;
	calls++;
	last_index = word_index;
	snprintf(last_line, sizeof(last_line), "%.*s", (int)line_len, line);
	snprintf(last_prefix, sizeof(last_prefix), "%.*s", (int)prefix_len, prefix);
	if (word_index > 1)
		return 0;
	if (return_junk && n < max)
		cand[n++] = "zzz-not-a-match";
	if (word_index == 1 && prefix_len && prefix[0] == 'g' && n < max)
		cand[n++] = "gva:";   /* a prefix word, as the shell's mem has */
	for (size_t i = 0; i < count && n < max; i++)
		if (strncmp(list[i], prefix, prefix_len) == 0)
			cand[n++] = list[i];
	return n;
}

static struct lineedit le;

/* A fresh editor with its prompt shown and the output buffer empty. */
static void setup(void)
{
	lineedit_init(&le, "hv> ", sink, completer, NULL);
	out_reset();
	lineedit_show_prompt(&le);
	EXPECT_STREQ(out, "hv> ");
	EXPECT_TRUE(lineedit_prompt_visible(&le));
	out_reset();
	calls = 0;
	return_junk = false;
}

/* Feeds s; returns how many lines it completed. */
static int feed(const char *s)
{
	int lines = 0;

	for (; *s; s++)
		lines += lineedit_key(&le, (uint8_t)*s);
	return lines;
}

/* A whole line through Enter, the prompt back afterwards as the shell does. */
static void enter_line(const char *s)
{
	feed(s);
	EXPECT_EQ(feed("\r"), 1);
	lineedit_show_prompt(&le);
}

#define UP    "\x1b[A"
#define DOWN  "\x1b[B"
#define RIGHT "\x1b[C"
#define LEFT  "\x1b[D"

static void test_type_line(void)
{
	setup();
	EXPECT_EQ(feed("help"), 0);
	EXPECT_STREQ(out, "help");
	EXPECT_STREQ(lineedit_buffer(&le), "help");
	EXPECT_EQ(lineedit_cursor(&le), 4);
	out_reset();
	EXPECT_EQ(feed("\r"), 1);
	EXPECT_STREQ(out, "\r\n");
	EXPECT_STREQ(lineedit_line(&le), "help");
	EXPECT_STREQ(lineedit_buffer(&le), "");
	EXPECT_TRUE(!lineedit_prompt_visible(&le));
	/* The entered line survives the next prompt. */
	out_reset();
	lineedit_show_prompt(&le);
	EXPECT_STREQ(out, "hv> ");
	EXPECT_STREQ(lineedit_line(&le), "help");
}

static void test_enter_variants(void)
{
	setup();
	EXPECT_EQ(feed("ab\n"), 1);
	EXPECT_STREQ(lineedit_line(&le), "ab");
	EXPECT_EQ(feed("cd\r\n"), 1);   /* CRLF: one Enter */
	EXPECT_STREQ(lineedit_line(&le), "cd");
	EXPECT_EQ(feed("ef\n\r"), 1);   /* LFCR: one Enter */
	EXPECT_STREQ(lineedit_line(&le), "ef");
	EXPECT_EQ(feed("gh\r\r"), 2);   /* two CRs: a second, empty line */
	EXPECT_STREQ(lineedit_line(&le), "");
	/* An LF right after that second CR is its partner; the next two are lines. */
	EXPECT_EQ(feed("\n\n\n"), 2);
	/* The pair only counts when adjacent. */
	EXPECT_EQ(feed("x\ry\n"), 2);
	EXPECT_STREQ(lineedit_line(&le), "y");
	/* CRLF split by the caller printing a prompt in between. */
	EXPECT_EQ(feed("z\r"), 1);
	lineedit_show_prompt(&le);
	out_reset();
	EXPECT_EQ(feed("\n"), 0);
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_line(&le), "z");
}

static void test_backspace(void)
{
	setup();
	feed("abc");
	out_reset();
	feed("\x7f");
	EXPECT_STREQ(out, "\b \b");
	EXPECT_STREQ(lineedit_buffer(&le), "ab");
	out_reset();
	feed("\x08");
	EXPECT_STREQ(out, "\b \b");
	EXPECT_STREQ(lineedit_buffer(&le), "a");
	feed("\x7f");
	out_reset();
	feed("\x7f");   /* nothing left to delete */
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "");

	/* In the middle: the tail shifts left and a blank covers its old end. */
	feed("abcd" LEFT LEFT);
	out_reset();
	feed("\x7f");
	EXPECT_STREQ(lineedit_buffer(&le), "acd");
	EXPECT_EQ(lineedit_cursor(&le), 1);
	EXPECT_STREQ(out, "\bcd \x1b[3D");
	feed("\x7f");
	EXPECT_STREQ(lineedit_buffer(&le), "cd");
	EXPECT_EQ(lineedit_cursor(&le), 0);
	out_reset();
	feed("\x7f");
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "cd");
}

static void test_ctrl_u(void)
{
	setup();
	feed("hello world" LEFT LEFT LEFT LEFT LEFT);
	out_reset();
	feed("\x15");
	EXPECT_STREQ(lineedit_buffer(&le), "world");
	EXPECT_EQ(lineedit_cursor(&le), 0);
	EXPECT_STREQ(out, "\r\x1b[Khv> world\x1b[5D");
	out_reset();
	feed("\x15");   /* nothing before the cursor */
	EXPECT_STREQ(out, "");
	feed("\x05\x15");
	EXPECT_STREQ(lineedit_buffer(&le), "");
}

static void test_length_limit(void)
{
	setup();
	for (int i = 0; i < LINEEDIT_MAX; i++)
		feed("a");
	EXPECT_EQ(strlen(lineedit_buffer(&le)), LINEEDIT_MAX);
	out_reset();
	feed("b");
	EXPECT_STREQ(out, "\a");
	EXPECT_EQ(strlen(lineedit_buffer(&le)), LINEEDIT_MAX);
	EXPECT_TRUE(strchr(lineedit_buffer(&le), 'b') == NULL);
	/* Full in the middle too. */
	feed(LEFT);
	out_reset();
	feed("c");
	EXPECT_STREQ(out, "\a");
	EXPECT_EQ(feed("\r"), 1);
	EXPECT_EQ(strlen(lineedit_line(&le)), LINEEDIT_MAX);
}

static void test_history(void)
{
	setup();
	enter_line("one");
	enter_line("two");
	enter_line("");        /* not kept */
	enter_line("three");
	enter_line("three");   /* a repeat: not kept */
	feed("par");
	out_reset();
	feed(UP);
	EXPECT_STREQ(lineedit_buffer(&le), "three");
	EXPECT_STREQ(out, "\r\x1b[Khv> three");
	feed(UP);
	EXPECT_STREQ(lineedit_buffer(&le), "two");
	feed("\x1bOA");   /* SS3 form */
	EXPECT_STREQ(lineedit_buffer(&le), "one");
	out_reset();
	feed(UP);   /* the oldest */
	EXPECT_STREQ(out, "\a");
	EXPECT_STREQ(lineedit_buffer(&le), "one");
	feed(DOWN);
	EXPECT_STREQ(lineedit_buffer(&le), "two");
	feed("\x1bOB");
	EXPECT_STREQ(lineedit_buffer(&le), "three");
	out_reset();
	feed(DOWN);   /* past the newest: the line being typed */
	EXPECT_STREQ(lineedit_buffer(&le), "par");
	EXPECT_EQ(lineedit_cursor(&le), 3);
	EXPECT_STREQ(out, "\r\x1b[Khv> par");
	out_reset();
	feed(DOWN);
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "par");

	/* An entry recalled and edited is a new line; entering it adds it. */
	feed("\x15" UP UP "s");
	EXPECT_EQ(feed("\r"), 1);
	EXPECT_STREQ(lineedit_line(&le), "twos");
	lineedit_show_prompt(&le);
	feed(UP);
	EXPECT_STREQ(lineedit_buffer(&le), "twos");
	feed(UP);
	EXPECT_STREQ(lineedit_buffer(&le), "three");
}

static void test_history_wrap(void)
{
	char s[16];

	setup();
	for (int i = 0; i < LINEEDIT_HISTORY + 4; i++) {
		snprintf(s, sizeof(s), "c%d", i);
		enter_line(s);
	}
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		feed(UP);
	snprintf(s, sizeof(s), "c%d", 4);   /* the oldest kept */
	EXPECT_STREQ(lineedit_buffer(&le), s);
	out_reset();
	feed(UP);
	EXPECT_STREQ(out, "\a");
	EXPECT_STREQ(lineedit_buffer(&le), s);
	for (int i = 0; i < LINEEDIT_HISTORY - 1; i++)
		feed(DOWN);
	snprintf(s, sizeof(s), "c%d", LINEEDIT_HISTORY + 3);
	EXPECT_STREQ(lineedit_buffer(&le), s);
	feed(DOWN);
	EXPECT_STREQ(lineedit_buffer(&le), "");
}

static void test_cursor_keys(void)
{
	setup();
	feed("acd");
	out_reset();
	feed(LEFT LEFT);
	EXPECT_STREQ(out, "\x1b[D\x1b[D");
	EXPECT_EQ(lineedit_cursor(&le), 1);
	out_reset();
	feed("b");   /* insert: the tail redrawn, the cursor back over it */
	EXPECT_STREQ(out, "bcd\x1b[2D");
	EXPECT_STREQ(lineedit_buffer(&le), "abcd");
	EXPECT_EQ(lineedit_cursor(&le), 2);
	out_reset();
	feed(RIGHT);
	EXPECT_STREQ(out, "\x1b[C");
	EXPECT_EQ(lineedit_cursor(&le), 3);

	static const char *const home[] = { "\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01" };
	static const char *const end[] = { "\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05" };
	for (size_t i = 0; i < ARRAY_SIZE(home); i++) {
		feed(end[i]);
		EXPECT_EQ(lineedit_cursor(&le), 4);
		feed(home[i]);
		EXPECT_EQ(lineedit_cursor(&le), 0);
	}
	out_reset();
	feed(LEFT);   /* already at the start */
	EXPECT_STREQ(out, "");
	feed("\x1bOC\x1bOC");
	EXPECT_EQ(lineedit_cursor(&le), 2);
	feed("\x1bOD");
	EXPECT_EQ(lineedit_cursor(&le), 1);
	out_reset();
	feed("\x1b[3~");   /* Delete: the byte under the cursor */
	EXPECT_STREQ(lineedit_buffer(&le), "acd");
	EXPECT_EQ(lineedit_cursor(&le), 1);
	EXPECT_STREQ(out, "cd \x1b[3D");
	feed("\x05");
	out_reset();
	feed("\x1b[3~" RIGHT);   /* at the end: nothing */
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "acd");
	feed("\x01\x1b[3~");
	EXPECT_STREQ(lineedit_buffer(&le), "cd");
	/* A longer move takes a count. */
	feed("0123456789ab\x05");
	out_reset();
	feed("\x01");
	EXPECT_STREQ(out, "\x1b[14D");
	out_reset();
	feed("\x1b[F");
	EXPECT_STREQ(out, "\x1b[14C");
}

static void test_complete_command(void)
{
	setup();
	out_reset();
	feed("zz\t");   /* no candidate */
	EXPECT_STREQ(out, "zz\a");
	EXPECT_EQ(last_index, 0);
	EXPECT_STREQ(last_prefix, "zz");
	feed("\x15");

	out_reset();
	feed("lo\t");   /* one: the rest and a space */
	EXPECT_STREQ(lineedit_buffer(&le), "log ");
	EXPECT_STREQ(out, "log ");
	feed("\x15");

	out_reset();
	feed("hi\t");   /* several with more in common */
	EXPECT_STREQ(lineedit_buffer(&le), "histor");
	EXPECT_STREQ(out, "histor");
	out_reset();
	feed("\t");   /* nothing more in common: the list, then the line */
	EXPECT_STREQ(out, "\r\nhistory  historic\r\nhv> histor");
	EXPECT_STREQ(lineedit_buffer(&le), "histor");
	feed("y\t");
	EXPECT_STREQ(lineedit_buffer(&le), "history ");
	feed("\x15");

	out_reset();
	feed("vm\t");   /* "vm" itself and "vmcb" */
	EXPECT_STREQ(out, "vm\r\nvm  vmcb\r\nhv> vm");

	/* In the middle of the line: BEL, the completer is not asked. */
	feed("\x15" "he" LEFT);
	calls = 0;
	out_reset();
	feed("\t");
	EXPECT_STREQ(out, "\a");
	EXPECT_EQ(calls, 0);

	/* Candidates that do not extend the word are ignored. */
	feed("\x05\x15");
	return_junk = true;
	feed("lo\t");
	EXPECT_STREQ(lineedit_buffer(&le), "log ");

	/* Without a completer Tab only rings. */
	lineedit_init(&le, "hv> ", sink, NULL, NULL);
	lineedit_show_prompt(&le);
	out_reset();
	feed("he\t");
	EXPECT_STREQ(out, "he\a");
}

static void test_complete_argument(void)
{
	setup();
	feed("vm st\t");
	EXPECT_EQ(last_index, 1);
	EXPECT_STREQ(last_line, "vm ");
	EXPECT_STREQ(last_prefix, "st");
	EXPECT_STREQ(lineedit_buffer(&le), "vm st");
	feed("a\t");
	EXPECT_STREQ(lineedit_buffer(&le), "vm sta");   /* start, status */
	feed("r\t");
	EXPECT_STREQ(lineedit_buffer(&le), "vm start ");

	/* After blanks, with an empty word: every argument, so their common
	 * "st" first, then the list. */
	feed("\x15" "  vm   ");
	out_reset();
	feed("\t");
	EXPECT_EQ(last_index, 1);
	EXPECT_STREQ(last_line, "  vm   ");
	EXPECT_STREQ(last_prefix, "");
	EXPECT_STREQ(out, "st");
	out_reset();
	feed("\t");
	EXPECT_STREQ(out, "\r\nstart  stop  status\r\nhv>   vm   st");
	feed("\x7f\x7f");

	/* The third word. */
	feed("start x\t");
	EXPECT_EQ(last_index, 2);
	EXPECT_STREQ(last_prefix, "x");
}

static void test_unknown_sequences(void)
{
	setup();
	feed("abc" LEFT);
	out_reset();
	feed("\x1b[1;5C");     /* Ctrl-Right */
	feed("\x1b[200~");     /* bracketed paste start */
	feed("\x1b[201~");
	feed("\x1b[?25h");
	feed("\x1b[2~");       /* Insert */
	feed("\x1b[15~");      /* F5 */
	feed("\x1bOP");        /* F1 */
	feed("\x1b[ q");       /* intermediate byte */
	feed("\x1b[1C");       /* counted: not a plain key */
	feed("\x1b[99999999999999999999D");
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "abc");
	EXPECT_EQ(lineedit_cursor(&le), 2);

	/* A control byte cuts a sequence short and still counts. */
	EXPECT_EQ(feed("\x1b[1\r"), 1);
	EXPECT_STREQ(lineedit_line(&le), "abc");
}

static void test_lone_escape(void)
{
	setup();
	feed("ab\x1bx");
	EXPECT_STREQ(lineedit_buffer(&le), "abx");
	feed("\x1b\x1b[D");   /* ESC, then a real sequence */
	EXPECT_STREQ(lineedit_buffer(&le), "abx");
	EXPECT_EQ(lineedit_cursor(&le), 2);
	EXPECT_EQ(feed("\x1b\r"), 1);
	EXPECT_STREQ(lineedit_line(&le), "abx");
}

static void test_ctrl_c(void)
{
	setup();
	enter_line("old");
	feed("abc");
	out_reset();
	EXPECT_EQ(feed("\x03"), 0);
	EXPECT_STREQ(out, "^C\r\nhv> ");
	EXPECT_STREQ(lineedit_buffer(&le), "");
	EXPECT_STREQ(lineedit_line(&le), "old");
	EXPECT_TRUE(lineedit_prompt_visible(&le));
	feed(UP);   /* the abandoned line was not kept */
	EXPECT_STREQ(lineedit_buffer(&le), "old");
}

static void test_screen_ops(void)
{
	setup();
	feed("abc" LEFT);
	out_reset();
	feed("\x0c");
	EXPECT_STREQ(out, "\x1b[H\x1b[2Jhv> abc\x1b[D");
	out_reset();
	lineedit_hide(&le);
	EXPECT_STREQ(out, "\r\x1b[K");
	EXPECT_TRUE(!lineedit_prompt_visible(&le));
	lineedit_hide(&le);   /* already hidden */
	EXPECT_STREQ(out, "\r\x1b[K");
	out_reset();
	lineedit_redraw(&le);
	EXPECT_STREQ(out, "hv> abc\x1b[D");
	EXPECT_TRUE(lineedit_prompt_visible(&le));
	/* A key while hidden brings the prompt back before its echo. */
	lineedit_hide(&le);
	out_reset();
	feed("x");
	EXPECT_STREQ(out, "hv> abc\x1b[Dxc\x1b[D");
	EXPECT_TRUE(lineedit_prompt_visible(&le));
	/* Other control bytes: nothing at all. */
	out_reset();
	feed("\x02\x06\x0b\x0e\x1f\x80\xff");
	EXPECT_STREQ(out, "");
	EXPECT_STREQ(lineedit_buffer(&le), "abxc");
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Random bytes, half of them drawn from the ones that matter (escape
 * introducers, parameters, finals, Enter, Tab, editing keys). */
static void test_fuzz(void)
{
	static const char interesting[] = "\x1b\x1b\x1b[[O0123456789;~ABCDFH\r\n\t\t\x7f\x08\x15\x03\x0c\x01\x05a b";
	uint32_t x = 12345;
	bool ok = true;
	int lines = 0;

	setup();
	for (int i = 0; i < 200000 && ok; i++) {
		uint8_t c;

		x = x * 1103515245u + 12345u;
		if ((x >> 16) & 1)
			c = (uint8_t)interesting[(x >> 17) % (sizeof(interesting) - 1)];
		else
			c = (uint8_t)(x >> 24);
		out_reset();
		if (lineedit_key(&le, c)) {
			lines++;
			lineedit_show_prompt(&le);
		}
		if ((x >> 8) % 997 == 0)
			lineedit_hide(&le);
		const char *b = lineedit_buffer(&le), *l = lineedit_line(&le);
		ok = strnlen(b, LINEEDIT_MAX + 1) <= LINEEDIT_MAX && lineedit_cursor(&le) <= strlen(b) &&
		     strnlen(l, LINEEDIT_MAX + 1) <= LINEEDIT_MAX && printable(b) && printable(l);
		if (!ok)
			fprintf(stderr, "  fuzz: bad state after byte %d (0x%02x)\n", i, c);
	}
	EXPECT_TRUE(ok);
	EXPECT_TRUE(lines > 1000);
}

static void test_tab_prefix_word_takes_no_space(void)
{
	/* "gva:" is the start of a word, not a word: the address follows it. */
	setup();
	feed("vm g\t");
	EXPECT_STREQ(lineedit_buffer(&le), "vm gva:");
	feed("0x10");
	EXPECT_STREQ(lineedit_buffer(&le), "vm gva:0x10");
}

int main(void)
{
	RUN(test_tab_prefix_word_takes_no_space);
	RUN(test_type_line);
	RUN(test_enter_variants);
	RUN(test_backspace);
	RUN(test_ctrl_u);
	RUN(test_length_limit);
	RUN(test_history);
	RUN(test_history_wrap);
	RUN(test_cursor_keys);
	RUN(test_complete_command);
	RUN(test_complete_argument);
	RUN(test_unknown_sequences);
	RUN(test_lone_escape);
	RUN(test_ctrl_c);
	RUN(test_screen_ops);
	RUN(test_fuzz);
	TEST_MAIN_END();
}

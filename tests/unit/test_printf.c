/* tests/unit/test_printf.c - hv_snprintf checked against the host libc and by hand. */
/* UNIT_SRC: lib/printf.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/printf.h"
#include "tests/unit/test.h"

#define OUT_SIZE 160
#define SENTINEL 0x5a

/* Mismatches past this many are counted but not printed, so one systematic
 * bug does not bury the rest of the output. */
#define MAX_REPORTED 30

static int diff_cases;
static int diff_mismatches;

static void report_mismatch(const char *fmt, size_t size, int ours, int theirs,
			    const char *our_buf, const char *their_buf)
{
	test_case_failed = 1;
	if (++diff_mismatches > MAX_REPORTED)
		return;
	fprintf(stderr, "  fmt \"%s\" size %zu: hv %d \"%.*s\" libc %d \"%.*s\"\n", fmt, size,
		ours, (int)MIN(size, (size_t)OUT_SIZE), our_buf,
		theirs, (int)MIN(size, (size_t)OUT_SIZE), their_buf);
}

/* Formats with both implementations into sentinel-filled buffers and wants
 * identical return values and identical bytes, including the untouched tail
 * past `size`, so any write beyond the limit shows up too. */
static void diff_one(size_t size, const char *fmt, va_list ap)
{
	char ours[OUT_SIZE], theirs[OUT_SIZE];
	va_list ap_ours, ap_theirs;

	memset(ours, SENTINEL, sizeof(ours));
	memset(theirs, SENTINEL, sizeof(theirs));
	va_copy(ap_ours, ap);
	va_copy(ap_theirs, ap);
	int n_ours = hv_vsnprintf(ours, size, fmt, ap_ours);
	int n_theirs = vsnprintf(theirs, size, fmt, ap_theirs);
	va_end(ap_ours);
	va_end(ap_theirs);

	diff_cases++;
	if (n_ours != n_theirs || memcmp(ours, theirs, sizeof(ours)) != 0)
		report_mismatch(fmt, size, n_ours, n_theirs, ours, theirs);
}

/* Each case is run whole and cut at several sizes, so truncation and the
 * return value are compared for every format, not just a few. */
static void diff_check(const char *fmt, ...)
{
	static const size_t sizes[] = { OUT_SIZE, 0, 1, 2, 7 };
	va_list ap;

	va_start(ap, fmt);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		diff_one(sizes[i], fmt, ap);
	va_end(ap);
}

/* --- hand-picked differential cases ------------------------------------ */

static void test_diff_signed(void)
{
	diff_check("%d", 0);
	diff_check("%d", 42);
	diff_check("%d", -42);
	diff_check("%i", INT32_MAX);
	diff_check("%d", INT32_MIN);
	diff_check("%lld", (long long)INT64_MIN);
	diff_check("%lld", (long long)INT64_MAX);
	diff_check("%ld", (long)INT64_MIN);
	diff_check("%jd", (intmax_t)INT64_MIN);
	diff_check("%td", (ptrdiff_t)-5);
	diff_check("%zd", (size_t)-1);
	diff_check("%hd", -32768);
	diff_check("%hd", 40000);          /* narrowed to short */
	diff_check("%hhd", -128);
	diff_check("%hhd", 200);           /* narrowed to signed char */
	diff_check("%.5d", -42);
	diff_check("%8.5d", -42);
	diff_check("%-8.5d|", -42);
	diff_check("%08.5d", -42);         /* '0' ignored with a precision */
	diff_check("%-08d|", 42);          /* '-' beats '0' */
	diff_check("%08d", -42);
	diff_check("%+08d", 42);
	diff_check("% 08d", 42);
	diff_check("%+ d", 42);            /* '+' beats ' ' */
	diff_check("% d", -42);
	diff_check("%.0d", 0);
	diff_check("%5.0d|", 0);
	diff_check("%+.0d", 0);
	diff_check("% .0d", 0);
	diff_check("%.0d", 7);
	diff_check("%.25lld", (long long)INT64_MIN);
	diff_check("%30lld", (long long)INT64_MIN);
	diff_check("%-30lld|", (long long)INT64_MIN);
	diff_check("%030lld", (long long)INT64_MIN);
	diff_check("%1d", 12345);          /* width smaller than the number */
}

static void test_diff_unsigned(void)
{
	diff_check("%u", 0u);
	diff_check("%u", UINT32_MAX);
	diff_check("%llu", (unsigned long long)UINT64_MAX);
	diff_check("%lu", (unsigned long)UINT64_MAX);
	diff_check("%zu", SIZE_MAX);
	diff_check("%ju", UINTMAX_MAX);
	diff_check("%tu", (ptrdiff_t)-1);
	diff_check("%hu", 70000);
	diff_check("%hhu", 511);
	diff_check("%+u", 5u);             /* '+' and ' ' apply to signed only */
	diff_check("% u", 5u);
	diff_check("%x", 0xdeadbeefu);
	diff_check("%X", 0xdeadbeefu);
	diff_check("%llx", (unsigned long long)UINT64_MAX);
	diff_check("%llX", 0x0123456789abcdefull);
	diff_check("%#x", 0u);             /* no prefix on zero */
	diff_check("%#x", 255u);
	diff_check("%#X", 255u);
	diff_check("%#010x", 255u);        /* zeros go after the prefix */
	diff_check("%#-10x|", 255u);
	diff_check("%#.6x", 255u);
	diff_check("%#10.6x", 255u);
	diff_check("%#.0x", 0u);
	diff_check("%#hhx", 0x1ffu);
	diff_check("%#hx", 0x1ffffu);
	diff_check("%o", 8u);
	diff_check("%o", 0u);
	diff_check("%#o", 0u);
	diff_check("%#o", 8u);
	diff_check("%#.0o", 0u);           /* '#' still yields the one zero */
	diff_check("%.0o", 0u);
	diff_check("%#5.3o", 8u);
	diff_check("%#.3o", 0777u);        /* precision already gives a leading zero */
	diff_check("%#llo", (unsigned long long)UINT64_MAX);
	diff_check("%-#8o|", 8u);
	diff_check("%08.3x", 0xabu);
	diff_check("%.0x", 0u);
}

static void test_diff_star(void)
{
	diff_check("%*d|", 6, 42);
	diff_check("%*d|", -6, 42);        /* negative width means '-' */
	diff_check("%0*d|", -6, 42);
	diff_check("%.*d|", 5, 42);
	diff_check("%.*d|", -1, 42);       /* negative precision means none */
	diff_check("%0.*d|", -3, 42);      /* ... so '0' applies again */
	diff_check("%*.*x|", 10, 4, 0xabu);
	diff_check("%*.*x|", -10, 4, 0xabu);
	diff_check("%.*s|", 3, "abcdef");
	diff_check("%.*s|", -3, "abcdef");
	diff_check("%*s|", -8, "ab");
	diff_check("%*c|", 3, 'z');
	diff_check("%*s|%*d", 4, "x", -4, 7);
}

static void test_diff_char_string(void)
{
	const char unterminated[3] = { 'a', 'b', 'c' };

	diff_check("%c", 'a');
	diff_check("%5c|", 'a');
	diff_check("%-5c|", 'a');
	diff_check("%c", 0xe9);            /* converted to unsigned char */
	diff_check("[%c]", 0);             /* a NUL byte is output and counted */
	diff_check("%s", "");
	diff_check("%s", "hello");
	diff_check("%10s|", "hello");
	diff_check("%-10s|", "hello");
	diff_check("%.2s|", "hello");
	diff_check("%.0s|", "hello");
	diff_check("%.10s|", "hello");
	diff_check("%8.3s|", "hello");
	diff_check("%-8.3s|", "hello");
	diff_check("%.3s", unterminated);  /* must not read past the precision */
	diff_check("%s", "(null)");
	diff_check("%s=%c", "key", 'v');
}

static void test_diff_literal_and_mixed(void)
{
	diff_check("");
	diff_check("plain text");
	diff_check("100%%");
	diff_check("%%d %d %%", 3);
	diff_check("%s:%d: %llx (%c) %-4u|%#o", "file.c", 12, 0xfeedull, 'q', 9u, 8u);
	diff_check("%d%d%d%d%d%d%d%d", 1, 2, 3, 4, 5, 6, 7, 8);   /* past the register args */
	diff_check("%lld %d %lld", (long long)INT64_MIN, -1, (long long)INT64_MAX);
	diff_check("%0000005d|", 4);       /* repeated flags */
	diff_check("%-+ #0x|", 1u);
}

/* --- generated differential sweep -------------------------------------- */

enum lengths { L_HH, L_H, L_NONE, L_L, L_LL, L_Z, L_J, L_T, L_COUNT };
static const char *const length_text[L_COUNT] = { "hh", "h", "", "l", "ll", "z", "j", "t" };

static const uint64_t sweep_values[] = {
	0, 1, 7, 8, 9, 10, 15, 16, 99, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 1234567890123ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	(uint64_t)-1 - 1, (uint64_t)-42, (uint64_t)-1000000,
};

/* Passes the value as the type the length modifier makes va_arg read, so the
 * two implementations see a well-defined call. */
#define PASS_AS(fmt, w, p, star_w, star_p, value)                                  \
	do {                                                                        \
		if ((star_w) && (star_p)) diff_check(fmt, w, p, value);             \
		else if (star_w) diff_check(fmt, w, value);                         \
		else if (star_p) diff_check(fmt, p, value);                         \
		else diff_check(fmt, value);                                        \
	} while (0)

static void sweep_call(const char *fmt, enum lengths len, bool is_signed,
		       bool star_w, bool star_p, int w, int p, uint64_t v)
{
	switch (len) {
	case L_HH:
	case L_H:
	case L_NONE:
		if (is_signed) PASS_AS(fmt, w, p, star_w, star_p, (int)v);
		else PASS_AS(fmt, w, p, star_w, star_p, (unsigned int)v);
		break;
	case L_L:
		if (is_signed) PASS_AS(fmt, w, p, star_w, star_p, (long)v);
		else PASS_AS(fmt, w, p, star_w, star_p, (unsigned long)v);
		break;
	case L_LL:
		if (is_signed) PASS_AS(fmt, w, p, star_w, star_p, (long long)v);
		else PASS_AS(fmt, w, p, star_w, star_p, (unsigned long long)v);
		break;
	case L_Z:
		PASS_AS(fmt, w, p, star_w, star_p, (size_t)v);
		break;
	case L_J:
		if (is_signed) PASS_AS(fmt, w, p, star_w, star_p, (intmax_t)v);
		else PASS_AS(fmt, w, p, star_w, star_p, (uintmax_t)v);
		break;
	default:
		PASS_AS(fmt, w, p, star_w, star_p, (ptrdiff_t)v);
		break;
	}
}

/* Width and precision shapes: absent, literal (small, larger than any
 * number, zero) and '*' with positive and negative arguments. */
struct field { const char *text; bool star; int star_value; };
static const struct field widths[] = {
	{ "", false, 0 }, { "1", false, 0 }, { "6", false, 0 }, { "25", false, 0 },
	{ "*", true, 12 }, { "*", true, -12 }, { "*", true, 0 },
};
static const struct field precisions[] = {
	{ "", false, 0 }, { ".", false, 0 }, { ".0", false, 0 }, { ".1", false, 0 },
	{ ".4", false, 0 }, { ".23", false, 0 }, { ".*", true, 3 }, { ".*", true, -1 },
	{ ".*", true, 0 },
};

/* Every subset of the flags; '#' only where C defines it (o x X). */
static void flags_text(unsigned mask, bool allow_alt, char *out)
{
	static const char flag_chars[] = "-0+ #";

	for (unsigned i = 0; i < 5; i++) {
		if ((mask & (1u << i)) && (flag_chars[i] != '#' || allow_alt))
			*out++ = flag_chars[i];
	}
	*out = '\0';
}

static void test_diff_integer_sweep(void)
{
	static const char conversions[] = "diuxXo";
	int before = diff_cases;

	for (const char *conv = conversions; *conv; conv++) {
		bool is_signed = *conv == 'd' || *conv == 'i';
		bool allow_alt = !is_signed && *conv != 'u';
		unsigned flag_masks = allow_alt ? 32 : 16;

		for (unsigned mask = 0; mask < flag_masks; mask++)
		for (size_t wi = 0; wi < ARRAY_SIZE(widths); wi++)
		for (size_t pi = 0; pi < ARRAY_SIZE(precisions); pi++)
		for (int len = 0; len < L_COUNT; len++) {
			char flags[8], fmt[48];

			flags_text(mask, allow_alt, flags);
			snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags, widths[wi].text,
				 precisions[pi].text, length_text[len], *conv);
			for (size_t vi = 0; vi < ARRAY_SIZE(sweep_values); vi++)
				sweep_call(fmt, (enum lengths)len, is_signed, widths[wi].star,
					   precisions[pi].star, widths[wi].star_value,
					   precisions[pi].star_value, sweep_values[vi]);
		}
	}
	EXPECT_TRUE(diff_cases - before > 100000);
}

static void test_diff_string_sweep(void)
{
	static const char *const strings[] = { "", "a", "hello", "a longer string than any width" };

	for (unsigned mask = 0; mask < 2; mask++)   /* '-' is the only flag C defines for %s */
	for (size_t wi = 0; wi < ARRAY_SIZE(widths); wi++)
	for (size_t pi = 0; pi < ARRAY_SIZE(precisions); pi++)
	for (size_t si = 0; si < ARRAY_SIZE(strings); si++) {
		char fmt[32];

		snprintf(fmt, sizeof(fmt), "<%s%s%ss>", mask ? "-" : "", widths[wi].text,
			 precisions[pi].text);
		PASS_AS(fmt, widths[wi].star_value, precisions[pi].star_value,
			widths[wi].star, precisions[pi].star, strings[si]);
	}
}

/* --- behaviour checked by hand (libc differs or it is our extension) -- */

static void test_pointer(void)
{
	char buf[64];

	EXPECT_EQ(hv_snprintf(buf, sizeof(buf), "%p", (void *)0xdeadbeefull), 18);
	EXPECT_STREQ(buf, "0x00000000deadbeef");
	hv_snprintf(buf, sizeof(buf), "%p", (void *)NULL);
	EXPECT_STREQ(buf, "0x0000000000000000");
	hv_snprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
	EXPECT_STREQ(buf, "0xffffffffffffffff");
	hv_snprintf(buf, sizeof(buf), "[%20p]", (void *)0x1000);
	EXPECT_STREQ(buf, "[  0x0000000000001000]");
	hv_snprintf(buf, sizeof(buf), "[%-20p]", (void *)0x1000);
	EXPECT_STREQ(buf, "[0x0000000000001000  ]");
	hv_snprintf(buf, sizeof(buf), "[%*p]", -19, (void *)0xabc);
	EXPECT_STREQ(buf, "[0x0000000000000abc ]");
}

/* hv_snprintf without the format attribute, for the calls gcc's format
 * checking rejects at compile time: unknown conversions, a NULL %s. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_null_string(void)
{
	char buf[32];

	EXPECT_EQ(format_unchecked(buf, sizeof(buf), "%s", (char *)NULL), 6);
	EXPECT_STREQ(buf, "(null)");
	format_unchecked(buf, sizeof(buf), "[%8s]", (char *)NULL);
	EXPECT_STREQ(buf, "[  (null)]");
	format_unchecked(buf, sizeof(buf), "[%-8s]", (char *)NULL);
	EXPECT_STREQ(buf, "[(null)  ]");
	/* The precision still bounds the output, even for the placeholder. */
	format_unchecked(buf, sizeof(buf), "[%.3s]", (char *)NULL);
	EXPECT_STREQ(buf, "[(nu]");
}

static void test_unknown_conversion(void)
{
	char buf[32];

	EXPECT_EQ(format_unchecked(buf, sizeof(buf), "%y"), 2);
	EXPECT_STREQ(buf, "%y");
	format_unchecked(buf, sizeof(buf), "a%yb%d", 5);
	EXPECT_STREQ(buf, "a%yb5");
	format_unchecked(buf, sizeof(buf), "[%-5.2lly]");
	EXPECT_STREQ(buf, "[%-5.2lly]");
	EXPECT_EQ(format_unchecked(buf, sizeof(buf), "end%"), 4);
	EXPECT_STREQ(buf, "end%");
	format_unchecked(buf, sizeof(buf), "end%08l");
	EXPECT_STREQ(buf, "end%08l");
	/* Flags on %% are ignored, as glibc does (ASan's interceptor objects
	 * to this one, so it is not in the differential tables). */
	format_unchecked(buf, sizeof(buf), "[%5%]");
	EXPECT_STREQ(buf, "[%]");
}

static void test_truncation(void)
{
	char buf[16];

	/* size 0: nothing written, the buffer may even be NULL. */
	EXPECT_EQ(hv_snprintf(NULL, 0, "%d", 12345), 5);
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(hv_snprintf(buf, 0, "abc"), 3);
	EXPECT_EQ(buf[0], 'X');

	/* size 1: only the terminator. */
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(hv_snprintf(buf, 1, "abc"), 3);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(buf[1], 'X');

	/* exactly fitting, and one byte short of fitting. */
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(hv_snprintf(buf, 4, "abc"), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(buf[4], 'X');
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(hv_snprintf(buf, 3, "abc"), 3);
	EXPECT_STREQ(buf, "ab");
	EXPECT_EQ(buf[3], 'X');

	/* a short buffer still reports the full length, padding included. */
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(hv_snprintf(buf, 8, "%-20s|%lld", "pad", (long long)INT64_MIN), 41);
	EXPECT_STREQ(buf, "pad    ");
	EXPECT_EQ(buf[8], 'X');
}

static void test_long_output(void)
{
	char buf[8];

	/* Widths far beyond the buffer are counted, never written. */
	EXPECT_EQ(hv_snprintf(buf, sizeof(buf), "%100000d", 1), 100000);
	EXPECT_STREQ(buf, "       ");
	EXPECT_EQ(hv_snprintf(buf, sizeof(buf), "%.5000x", 0xffu), 5000);
	EXPECT_STREQ(buf, "0000000");
}

int main(void)
{
	RUN(test_diff_signed);
	RUN(test_diff_unsigned);
	RUN(test_diff_star);
	RUN(test_diff_char_string);
	RUN(test_diff_literal_and_mixed);
	RUN(test_diff_integer_sweep);
	RUN(test_diff_string_sweep);
	RUN(test_pointer);
	RUN(test_null_string);
	RUN(test_unknown_conversion);
	RUN(test_truncation);
	RUN(test_long_output);
	printf("%d differential comparisons, %d mismatches\n", diff_cases, diff_mismatches);
	TEST_MAIN_END();
}

/* lib/printf.c - Freestanding snprintf: the C99 integer/string subset described in lib/printf.h. */
#include "lib/printf.h"

/* Bounded output: every byte is counted, but only those that fit before the
 * terminating NUL are stored, so the return value is the untruncated length. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* Cap on width and precision: large enough for any real use, small enough
 * that parsing and padding arithmetic cannot overflow an int. */
#define FIELD_MAX (__INT_MAX__ / 2)

enum length_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct spec {
	bool left;        /* '-' */
	bool zero;        /* '0' */
	bool plus;        /* '+' */
	bool space;       /* ' ' */
	bool alt;         /* '#' */
	int width;        /* 0 when absent */
	int precision;    /* -1 when absent */
	enum length_mod length;
};

static void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_bytes(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_char(o, s[i]);
}

static void put_repeated(struct out *o, char c, int count)
{
	for (int i = 0; i < count; i++)
		put_char(o, c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal field, saturating instead of overflowing on absurd input. */
static int parse_number(const char **p)
{
	int n = 0;

	while (is_digit(**p)) {
		if (n < FIELD_MAX)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return MIN(n, FIELD_MAX);
}

static void parse_flags(const char **p, struct spec *sp)
{
	for (;; (*p)++) {
		switch (**p) {
		case '-': sp->left = true; break;
		case '0': sp->zero = true; break;
		case '+': sp->plus = true; break;
		case ' ': sp->space = true; break;
		case '#': sp->alt = true; break;
		default: return;
		}
	}
}

/* A negative '*' width is a '-' flag plus its magnitude (C99 7.19.6.1p5). */
static void parse_width(const char **p, struct spec *sp, va_list *ap)
{
	if (**p != '*') {
		sp->width = parse_number(p);
		return;
	}
	(*p)++;
	int w = va_arg(*ap, int);
	if (w < 0) {
		sp->left = true;
		sp->width = w < -FIELD_MAX ? FIELD_MAX : -w;
	} else {
		sp->width = MIN(w, FIELD_MAX);
	}
}

/* A negative '*' precision is taken as if the precision were omitted. */
static void parse_precision(const char **p, struct spec *sp, va_list *ap)
{
	sp->precision = -1;
	if (**p != '.')
		return;
	(*p)++;
	if (**p != '*') {
		sp->precision = parse_number(p);
		return;
	}
	(*p)++;
	int prec = va_arg(*ap, int);
	sp->precision = prec < 0 ? -1 : MIN(prec, FIELD_MAX);
}

static void parse_length(const char **p, struct spec *sp)
{
	const char *s = *p;

	switch (*s) {
	case 'h':
		sp->length = s[1] == 'h' ? LEN_HH : LEN_H;
		break;
	case 'l':
		sp->length = s[1] == 'l' ? LEN_LL : LEN_L;
		break;
	case 'z': sp->length = LEN_Z; break;
	case 'j': sp->length = LEN_J; break;
	case 't': sp->length = LEN_T; break;
	default:
		sp->length = LEN_NONE;
		return;
	}
	*p += (sp->length == LEN_HH || sp->length == LEN_LL) ? 2 : 1;
}

/* Fetches a signed argument and narrows it as the length modifier says,
 * since e.g. %hhd receives an int but must print it as a signed char. */
static intmax_t fetch_signed(enum length_mod length, va_list *ap)
{
	switch (length) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H:  return (short)va_arg(*ap, int);
	case LEN_L:  return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:  return (ptrdiff_t)va_arg(*ap, size_t);   /* signed size_t */
	case LEN_J:  return va_arg(*ap, intmax_t);
	case LEN_T:  return va_arg(*ap, ptrdiff_t);
	default:     return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(enum length_mod length, va_list *ap)
{
	switch (length) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:  return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:  return va_arg(*ap, size_t);
	case LEN_J:  return va_arg(*ap, uintmax_t);
	case LEN_T:  return (size_t)va_arg(*ap, ptrdiff_t);   /* unsigned ptrdiff_t */
	default:     return va_arg(*ap, unsigned int);
	}
}

/* Writes the digits of value into the end of buf, returning where they start. */
static char *format_digits(char *end, uintmax_t value, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[value % base];
		value /= base;
	} while (value);
	return p;
}

/* Lays out [pad][prefix][zeros][digits][pad]: the shape shared by every
 * integer conversion once sign, base prefix and digits are known. */
static void emit_integer(struct out *o, const struct spec *sp, const char *prefix,
			 const char *digits, int ndigits, int min_zeros)
{
	int prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;

	int zeros = MAX(sp->precision - ndigits, min_zeros);
	/* '0' pads to the width only when no precision is given and not left-aligned. */
	if (sp->zero && !sp->left && sp->precision < 0)
		zeros = MAX(zeros, sp->width - prefix_len - ndigits);

	int pad = sp->width - prefix_len - zeros - ndigits;
	if (!sp->left)
		put_repeated(o, ' ', pad);
	put_bytes(o, prefix, (size_t)prefix_len);
	put_repeated(o, '0', zeros);
	put_bytes(o, digits, (size_t)ndigits);
	if (sp->left)
		put_repeated(o, ' ', pad);
}

static const char *sign_prefix(const struct spec *sp, bool negative)
{
	if (negative)
		return "-";
	if (sp->plus)
		return "+";
	return sp->space ? " " : "";
}

static void format_signed(struct out *o, const struct spec *sp, intmax_t value)
{
	bool negative = value < 0;
	/* Negate in unsigned arithmetic so INTMAX_MIN does not overflow. */
	uintmax_t magnitude = negative ? -(uintmax_t)value : (uintmax_t)value;
	char buf[24];
	char *end = buf + sizeof(buf);
	char *start = format_digits(end, magnitude, 10, false);
	int ndigits = (int)(end - start);

	if (sp->precision == 0 && magnitude == 0)
		ndigits = 0;   /* C99: zero with precision 0 prints no digits */
	emit_integer(o, sp, sign_prefix(sp, negative), start, ndigits, 0);
}

static void format_unsigned(struct out *o, const struct spec *sp, uintmax_t value, char conv)
{
	unsigned base = conv == 'o' ? 8 : conv == 'u' ? 10 : 16;
	char buf[24];
	char *end = buf + sizeof(buf);
	char *start = format_digits(end, value, base, conv == 'X');
	int ndigits = (int)(end - start);
	const char *prefix = "";
	int min_zeros = 0;

	if (sp->precision == 0 && value == 0)
		ndigits = 0;
	if (sp->alt && conv == 'o') {
		/* '#' on octal guarantees a leading 0, which also covers %#.0o of 0. */
		if (ndigits == 0 || start[0] != '0')
			min_zeros = 1;
	} else if (sp->alt && value != 0 && base == 16) {
		/* C gives a zero no 0x prefix; it stays plain "0". */
		prefix = conv == 'X' ? "0X" : "0x";
	}
	emit_integer(o, sp, prefix, start, ndigits, min_zeros);
}

/* Always the full 16 digits so addresses line up in dumps and logs. */
static void format_pointer(struct out *o, const struct spec *sp, const void *ptr)
{
	struct spec fixed = { .left = sp->left, .width = sp->width, .precision = 16 };
	char buf[24];
	char *end = buf + sizeof(buf);
	char *start = format_digits(end, (uintptr_t)ptr, 16, false);

	emit_integer(o, &fixed, "0x", start, (int)(end - start), 0);
}

static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

	if (!sp->left)
		put_repeated(o, ' ', pad);
	put_bytes(o, s, n);
	if (sp->left)
		put_repeated(o, ' ', pad);
}

/* Never reads past the precision: the string need not be NUL-terminated then. */
static void format_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	while ((sp->precision < 0 || n < (size_t)sp->precision) && s[n])
		n++;
	emit_padded(o, sp, s, n);
}

static void format_char(struct out *o, const struct spec *sp, int c)
{
	char ch = (char)(unsigned char)c;

	emit_padded(o, sp, &ch, 1);
}

/* Handles one conversion whose spec is already parsed; returns false if the
 * conversion character is unknown so the caller can print it literally. */
static bool format_conversion(struct out *o, const struct spec *sp, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i':
		format_signed(o, sp, fetch_signed(sp->length, ap));
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_unsigned(o, sp, fetch_unsigned(sp->length, ap), conv);
		return true;
	case 'c':
		format_char(o, sp, va_arg(*ap, int));
		return true;
	case 's':
		format_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		format_pointer(o, sp, va_arg(*ap, const void *));
		return true;
	case '%':
		put_char(o, '%');
		return true;
	default:
		return false;
	}
}

/* Parses and prints the directive at *p (just past its '%'), leaving *p after it. */
static void format_directive(struct out *o, const char **p, va_list *ap)
{
	const char *directive = *p - 1;
	struct spec sp = { 0 };

	parse_flags(p, &sp);
	parse_width(p, &sp, ap);
	parse_precision(p, &sp, ap);
	parse_length(p, &sp);

	char conv = **p;
	if (conv == '\0') {
		/* A format ending mid-directive: show what there was. */
		put_bytes(o, directive, (size_t)(*p - directive));
		return;
	}
	(*p)++;
	if (!format_conversion(o, &sp, conv, ap))
		put_bytes(o, directive, (size_t)(*p - directive));
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	/* A local copy, because va_list may be an array type that cannot be
	 * passed on by address from a parameter. */
	va_copy(args, ap);
	for (const char *p = fmt; *p;) {
		if (*p != '%') {
			put_char(&o, *p++);
			continue;
		}
		p++;
		format_directive(&o, &p, &args);
	}
	va_end(args);

	if (size > 0)
		buf[MIN(o.len, size - 1)] = '\0';
	return o.len > __INT_MAX__ ? -1 : (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void hv_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	hv_vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

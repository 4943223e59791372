/* tests/guests/mb/lib/tk.c - The test-kernel runtime (interface in tk.h):
 * COM1 output, a small printf, the report's line kinds, exit. */
#include "tk.h"

#define COM1        0x3f8
#define COM1_LSR    (COM1 + 5)
#define LSR_THRE    0x20
#define DEBUG_EXIT  0xf4
/* Polls of LSR before a byte is written anyway: a UART that never says
 * ready must not hang the test (its timeout would hide the report). */
#define THRE_POLLS  1000000

struct tk_entry tk_entry;
static unsigned failures;

void tk_putc(char c)
{
	for (unsigned i = 0; i < THRE_POLLS && !(inb(COM1_LSR) & LSR_THRE); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void puts_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		tk_putc(s[i]);
}

size_t tk_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Whether the argument string has the word w. */
static bool has_word(const char *args, const char *w)
{
	size_t n = tk_strlen(w);

	for (const char *p = args; *p;) {
		size_t len = 0;
		while (p[len] && p[len] != ' ')
			len++;
		if (len == n) {
			size_t i = 0;
			while (i < n && p[i] == w[i])
				i++;
			if (i == n)
				return true;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

const char *tk_args_of(const char *s)
{
	while (*s && *s != ' ')
		s++;
	return *s ? s + 1 : s;
}

#define MB_INFO_CMDLINE (1u << 2)

bool tk_has_arg(const struct tk_entry *e, const char *w)
{
	/* Multiboot 0.6.96, 3.3: flags at 0, cmdline at 16 */
	uint32_t flags = rd32(e->ebx), cmdline = rd32(e->ebx + 16);

	return (flags & MB_INFO_CMDLINE) && has_word(tk_args_of((const char *)phys(cmdline)), w);
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;

	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}

/* Shift-and-subtract: libgcc's __udivdi3 is not linked. */
uint64_t tk_udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	if (rem)
		*rem = (uint32_t)r;
	return q;
}

uint32_t tk_fnv1a(uint32_t addr, uint32_t len)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ rd8(addr + i)) * 16777619u;
	return h;
}

static void put_num(uint64_t v, unsigned base, int width, bool zero, bool upper)
{
	char buf[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		uint32_t r;
		v = tk_udiv64(v, base, &r);
		buf[n++] = digits[r];
	} while (v);
	while (n < width && n < (int)sizeof(buf))
		buf[n++] = zero ? '0' : ' ';
	while (n)
		tk_putc(buf[--n]);
}

/* %[0][width][l|ll](d|i|u|x|X|c|s|p|%), %.Ns for at most N bytes. */
void tk_vprintf(const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			tk_putc(*p);
			continue;
		}
		bool zero = false;
		int width = 0, longs = 0, prec = -1;
		p++;
		if (*p == '0') {
			zero = true;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (*p == '.') {
			prec = 0;
			for (p++; *p >= '0' && *p <= '9'; p++)
				prec = prec * 10 + (*p - '0');
		}
		while (*p == 'l') {
			longs++;
			p++;
		}
		uint64_t u;
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t s = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
			if (s < 0) {
				tk_putc('-');
				u = (uint64_t)-s;
			} else {
				u = (uint64_t)s;
			}
			put_num(u, 10, width, zero, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			u = longs >= 2 ? va_arg(ap, unsigned long long) : longs ? va_arg(ap, unsigned long)
									  : va_arg(ap, unsigned);
			put_num(u, *p == 'u' ? 10 : 16, width, zero, *p == 'X');
			break;
		case 'p':
			tk_putc('0');
			tk_putc('x');
			put_num((uintptr_t)va_arg(ap, void *), 16, 8, true, false);
			break;
		case 'c':
			tk_putc((char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			puts_n(s, prec >= 0 ? (size_t)prec : (size_t)-1);
			break;
		}
		case '%':
			tk_putc('%');
			break;
		default:
			if (!*p)
				return;
			tk_putc('%');
			tk_putc(*p);
		}
	}
}

void tk_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tk_vprintf(fmt, ap);
	va_end(ap);
}

void tk_vary(const char *fmt, ...)
{
	va_list ap;

	tk_printf("~ ");
	va_start(ap, fmt);
	tk_vprintf(fmt, ap);
	va_end(ap);
	tk_putc('\n');
}

void tk_vary_match(const char *regex, const char *fmt, ...)
{
	va_list ap;

	tk_printf("~/%s/ ", regex);
	va_start(ap, fmt);
	tk_vprintf(fmt, ap);
	va_end(ap);
	tk_putc('\n');
}

bool tk_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	tk_printf(ok ? "ok " : "FAIL ");
	va_start(ap, fmt);
	tk_vprintf(fmt, ap);
	va_end(ap);
	tk_putc('\n');
	failures += !ok;
	return ok;
}

unsigned tk_failures(void)
{
	return failures;
}

void tk_hexdump(const char *label, uint32_t addr, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 16) {
		tk_printf("%s+%03x:", label, off);
		for (uint32_t i = off; i < off + 16 && i < len; i++)
			tk_printf(" %02x", rd8(addr + i));
		tk_putc('\n');
	}
}

void tk_exit(uint8_t code)
{
	outb(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Called by lib/entry.asm on the kernel's own stack. */
void tk_start(void);
void tk_start(void)
{
	tk_idt_init();
	int rc = tk_main(&tk_entry);
	tk_exit((uint8_t)(rc < 0 ? 255 : rc > 255 ? 255 : rc));
}

/* lib/log.c - The timestamped, level-filtered line logger declared in lib/log.h. */
#include "lib/log.h"
#include "lib/printf.h"

#define NS_PER_SEC 1000000000ull
#define NS_PER_US  1000ull

/* Room for a cut line (LOG_LINE_MAX), its newline and the formatter's NUL. */
#define LINE_BUF_SIZE (LOG_LINE_MAX + 2)

static log_sink_fn log_sink;
static log_clock_fn log_clock;
static enum log_level log_level = LOG_INFO;

void log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

void log_set_clock(log_clock_fn clock)
{
	log_clock = clock;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

static void emit(const char *s, size_t len)
{
	if (log_sink)
		log_sink(s, len);
}

static size_t format_timestamp(char *buf, size_t size)
{
	uint64_t ns = log_clock ? log_clock() : 0;
	int n = hv_snprintf(buf, size, "[%5llu.%06llu] ",
			    (unsigned long long)(ns / NS_PER_SEC),
			    (unsigned long long)(ns % NS_PER_SEC / NS_PER_US));

	return n < 0 ? 0 : MIN((size_t)n, size - 1);
}

/* Formats into buf (LINE_BUF_SIZE bytes) after `used` bytes already there and
 * returns the total text length, cut to LOG_LINE_MAX with a visible "..." so a
 * reader knows the line was longer. */
static size_t append_cut(char *buf, size_t used, const char *fmt, va_list ap, bool *cut)
{
	size_t room = LOG_LINE_MAX + 1 - used;   /* the formatter keeps one byte for NUL */
	int n = hv_vsnprintf(buf + used, room, fmt, ap);

	*cut = !(n >= 0 && (size_t)n < room);
	if (!*cut)
		return used + (size_t)n;
	for (size_t i = LOG_LINE_MAX - 3; i < LOG_LINE_MAX; i++)
		buf[i] = '.';
	return LOG_LINE_MAX;
}

void hv_vlog(enum log_level level, const char *fmt, va_list ap)
{
	char line[LINE_BUF_SIZE];

	/* Checked first so filtered-out lines cost no clock read or formatting. */
	if (level > log_level || !log_sink)
		return;
	bool cut;
	size_t len = format_timestamp(line, LOG_LINE_MAX + 1);
	len = append_cut(line, len, fmt, ap, &cut);
	line[len++] = '\n';
	/* One sink call per line, so lines from different CPUs stay whole
	 * if the sink serialises its calls. */
	emit(line, len);
}

void hv_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vlog(level, fmt, ap);
	va_end(ap);
}

void log_raw(const char *s, size_t len)
{
	emit(s, len);
}

/* Bounded like hv_log (no heap): text beyond LOG_LINE_MAX is cut to "...",
 * and then ends its line, since what was cut may have held the newline. */
void log_rawf(const char *fmt, ...)
{
	char buf[LINE_BUF_SIZE];
	va_list ap;

	if (!log_sink)
		return;
	bool cut;
	va_start(ap, fmt);
	size_t len = append_cut(buf, 0, fmt, ap, &cut);
	va_end(ap);
	if (cut)
		buf[len++] = '\n';
	emit(buf, len);
}

/* lib/log.h - The hypervisor's logger: one printf-checked call per line.
 *
 * Each line is written as "[SSSSS.uuuuuu] PREFIX text\n": seconds since boot
 * from the clock hook, then the per-file prefix (define LOG_PREFIX before
 * including this header, e.g. "mm: "). Lines above the current level are
 * dropped. Where the bytes go is set by log_set_sink(); before that they are
 * discarded. Pure logic: builds and tests on the host. */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include "lib/types.h"

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

#define LOG_LINE_MAX 256   /* longer lines are cut and end in "..." */

typedef void (*log_sink_fn)(const char *s, size_t len);
typedef uint64_t (*log_clock_fn)(void);   /* nanoseconds since boot */

void log_set_sink(log_sink_fn sink);
void log_set_clock(log_clock_fn clock);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "error", "warn", "info", "debug"; NULL for a value outside the enum. */
const char *log_level_name(enum log_level level);
/* A level from its name or its number ("0"-"3"); false for anything else. */
bool log_level_parse(const char *s, enum log_level *level);

/* Formats one line (no trailing newline in fmt; the logger adds it). */
void hv_log(enum log_level level, const char *fmt, ...) __printf(2, 3);
void hv_vlog(enum log_level level, const char *fmt, va_list ap);
/* Writes bytes to the sink as they are: no timestamp, no level filter.
 * For output that has its own framing (guest console lines, dumps). */
void log_raw(const char *s, size_t len);
/* printf straight to the sink, no timestamp or filter. */
void log_rawf(const char *fmt, ...) __printf(1, 2);

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif
#define pr_err(f, ...)   hv_log(LOG_ERROR, LOG_PREFIX f, ##__VA_ARGS__)
#define pr_warn(f, ...)  hv_log(LOG_WARN, LOG_PREFIX f, ##__VA_ARGS__)
#define pr_info(f, ...)  hv_log(LOG_INFO, LOG_PREFIX f, ##__VA_ARGS__)
#define pr_debug(f, ...) hv_log(LOG_DEBUG, LOG_PREFIX f, ##__VA_ARGS__)

#endif

/* lib/printf.h - Freestanding formatted output (a C99 subset, no floats).
 * Conversions: d i u x X o c s p %; flags - 0 + space #; width and
 * precision (also *); length hh h l ll z j t. %p prints 0x and 16 hex digits.
 * A NULL %s prints "(null)". Return values follow C99: the length that would
 * have been written, the buffer always NUL-terminated when size > 0. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include "lib/types.h"

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* For parsers' one-line error messages: formats into err unless err is
 * NULL or errlen is 0 (the caller did not ask for a reason). */
void hv_set_err(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);

#endif

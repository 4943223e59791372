/* lib/muldiv.h - a * mul / div without overflow in between, for clock
 * conversions (guest TSC ticks to PIT, PM-timer, RTC and LAPIC-timer
 * ticks and back). x86-64 only (MUL gives the 128-bit product, DIV takes
 * it), so it builds the same in the hypervisor and in host tests, with no
 * libgcc 128-bit division. */
#ifndef LIB_MULDIV_H
#define LIB_MULDIV_H

#include "lib/types.h"

/* floor(a * mul / div); UINT64_MAX when the quotient does not fit (or div
 * is 0) instead of the #DE that DIV would raise. */
static inline uint64_t muldiv64(uint64_t a, uint64_t mul, uint64_t div)
{
	uint64_t lo, hi, q, r;

	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(mul) : "cc");
	if (hi >= div)
		return UINT64_MAX;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(div) : "cc");
	(void)r;
	return q;
}

#endif

/* arch/x86/xsave.c - The XCR0 rules of XSETBV (AMD APM Vol. 2, 11.5.2;
 * XSETBV in Vol. 4). Pure: hv/exit_xsetbv.c applies them to a guest's
 * XSETBV, the unit tests check them. */
#include "arch/x86/xsave.h"

bool xcr0_valid(uint64_t supported, uint64_t value)
{
	if (!(value & XCR0_X87) || (value & ~supported))
		return false;
	/* AVX state extends the SSE registers: YMM without SSE has nothing
	 * to extend. */
	if ((value & XCR0_YMM) && !(value & XCR0_SSE))
		return false;
	/* AVX-512 needs all three of its components and the YMM halves below them. */
	uint64_t avx512 = value & XCR0_AVX512;
	if (avx512 && (avx512 != XCR0_AVX512 || !(value & XCR0_YMM)))
		return false;
	return true;
}

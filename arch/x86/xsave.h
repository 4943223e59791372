/* arch/x86/xsave.h - The XSAVE feature set as the architecture defines it
 * (AMD APM Vol. 2, 11.5 "XSAVE/XRSTOR Instructions"; CPUID Fn0000_000D in
 * APM Vol. 3, Appendix E): the XCR0 components beyond x87/SSE/YMM (those
 * three are in arch/x86/regs.h), the standard-format save area, and
 * the rules XSETBV enforces on a new XCR0 value. Pure: the unit tests
 * include it too; arch/x86/fpu.c runs the instructions.
 *
 * Standard (non-compacted) format, APM Vol. 2, 11.5 (and XSAVE in Vol. 4):
 *     0  legacy region, the FXSAVE image: FCW FSW FTW ... MXCSR (at 24),
 *        ST0-7, XMM0-15                                         512 bytes
 *   512  XSAVE header: XSTATE_BV (which components hold data; 0 = init
 *        state), XCOMP_BV (0: standard format), reserved (must be 0) 64 bytes
 *   576  extended components, each at the offset CPUID 0Dh sub-leaf i
 *        gives in EBX, EAX bytes long (YMM_Hi128: 576, 256 bytes)
 * The area must be 64-byte aligned. */
#ifndef ARCH_X86_XSAVE_H
#define ARCH_X86_XSAVE_H

#include "arch/x86/regs.h"

#define XCR0_OPMASK    BIT(5)   /* AVX-512 k0-k7 */
#define XCR0_ZMM_HI256 BIT(6)   /* upper 256 bits of ZMM0-15 */
#define XCR0_HI16_ZMM  BIT(7)   /* ZMM16-31 */
#define XCR0_AVX512    (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_PKRU      BIT(9)
#define XCR0_RESET     XCR0_X87 /* XCR0 after RESET (APM Vol. 2, 11.5.2) */

#define XSAVE_ALIGN         64
#define XSAVE_LEGACY_SIZE   512
#define XSAVE_HDR_OFFSET    512
#define XSAVE_HDR_SIZE      64
#define XSAVE_EXT_OFFSET    576  /* legacy region + header: the smallest area */
#define XSAVE_FCW_OFFSET    0
#define XSAVE_MXCSR_OFFSET  24
#define XSAVE_MAX_COMPONENT 62   /* bit 63 of XCR0 is reserved for extension */

/* Power-on values of the x87 control word and MXCSR (APM Vol. 2, the
 * processor state after RESET): what XRSTOR gives for components whose
 * XSTATE_BV bit is 0, except MXCSR, which the standard form loads from the
 * legacy region. */
#define FCW_RESET   0x037f
#define MXCSR_RESET 0x1f80

/* True if XSETBV may write value to XCR0 on a CPU whose settable
 * components are `supported` (APM Vol. 2, 11.5.2; XSETBV in Vol. 4): x87
 * always set, nothing outside `supported`, YMM only with SSE, and the three
 * AVX-512 components all or none, and only with YMM. False means #GP(0). */
bool xcr0_valid(uint64_t supported, uint64_t value);

#endif

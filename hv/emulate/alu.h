/* hv/emulate/alu.h - The integer ALU of the MMIO emulator: results and
 * arithmetic flags exactly as the processor computes them.
 *
 * Flags per APM Vol. 3, chapter 3 (each instruction's "rFLAGS Affected")
 * and Appendix E; where a flag is "undefined" the value is what AMD Zen
 * produces (checked against the host CPU by tests/unit/test_emulate_alu.c):
 * AND/OR/XOR/TEST clear AF. Pure functions, no state. */
#ifndef HV_EMULATE_ALU_H
#define HV_EMULATE_ALU_H

#include "lib/types.h"

/* The first eight in the order of the opcode rows 00-3F and of group 1's
 * ModRM.reg (APM Vol. 3, Table A-6), so (opcode >> 3) and reg index it. */
enum x86_alu_op {
	X86_ALU_ADD, X86_ALU_OR, X86_ALU_ADC, X86_ALU_SBB,
	X86_ALU_AND, X86_ALU_SUB, X86_ALU_XOR, X86_ALU_CMP,
	X86_ALU_TEST,   /* AND without a result */
	X86_ALU_INC,    /* dst + 1; CF unchanged */
	X86_ALU_DEC,    /* dst - 1; CF unchanged */
	X86_ALU_NEG,    /* 0 - dst; CF = (dst != 0) */
	X86_ALU_NOT,    /* ~dst; no flag changes */
	X86_ALU_COUNT
};

/* dst op src on size bytes (1, 2, 4, 8; src is ignored by INC/DEC/NEG/NOT).
 * Returns the result truncated to size (for CMP and TEST the value the
 * instruction computes but does not store). *rflags: the flags op defines
 * are replaced, every other bit is kept; ADC/SBB take their carry in from
 * its CF. */
uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src, unsigned size, uint64_t *rflags);

/* Whether op writes its result back (all but CMP and TEST). */
static inline bool x86_alu_writes(enum x86_alu_op op)
{
	return op != X86_ALU_CMP && op != X86_ALU_TEST;
}

#endif

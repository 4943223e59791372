/* hv/emulate/alu.c - Integer results and arithmetic flags (see alu.h).
 *
 * Carry and overflow come from the operand and result sign bits, which
 * works for every width up to 64 bits without a wider type:
 *   add: carry out  = (a & b) | ((a | b) & ~r)     at the top bit
 *        overflow   = ~(a ^ b) & (a ^ r)           (same signs in, other out)
 *   sub: borrow out = (~a & b) | (~(a ^ b) & r)    at the top bit
 *        overflow   = (a ^ b) & (a ^ r)            (signs differ, result's is b's)
 *   AF is the carry/borrow out of bit 3: bit 4 of a ^ b ^ r.
 * They hold with a carry in (ADC/SBB) too: r already includes it. */
#include "hv/emulate/alu.h"
#include "hv/emulate/emulate.h"

static uint64_t width_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* PF is set when the low byte of the result has an even number of ones. */
static uint64_t parity_flag(uint64_t r)
{
	uint8_t v = (uint8_t)r;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return (v & 1) ? 0 : X86_FLAG_PF;
}

/* ZF, SF, PF from a result already truncated to its width. */
static uint64_t result_flags(uint64_t r, uint64_t sign)
{
	return (r == 0 ? X86_FLAG_ZF : 0) | ((r & sign) ? X86_FLAG_SF : 0) | parity_flag(r);
}

uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src, unsigned size, uint64_t *rflags)
{
	size = size >= 8 ? 8 : size ? size : 1;
	uint64_t m = width_mask(size), sign = 1ull << (8 * size - 1);
	uint64_t a = dst & m, b = src & m, r, flags = 0;
	uint64_t defined = X86_FLAGS_ARITH;
	uint64_t cin = *rflags & X86_FLAG_CF;

	switch (op) {
	case X86_ALU_INC:
	case X86_ALU_DEC:
		defined &= ~X86_FLAG_CF;
		b = 1;
		cin = 0;
		if (op == X86_ALU_INC)
			goto add;
		goto sub;
	case X86_ALU_ADD:
		cin = 0;
		/* fallthrough */
	case X86_ALU_ADC:
	add:
		r = (a + b + cin) & m;
		if (((a & b) | ((a | b) & ~r)) & sign)
			flags |= X86_FLAG_CF;
		if ((~(a ^ b) & (a ^ r)) & sign)
			flags |= X86_FLAG_OF;
		flags |= (a ^ b ^ r) & X86_FLAG_AF;
		break;
	case X86_ALU_NEG:
		b = a;
		a = 0;
		cin = 0;
		goto sub;
	case X86_ALU_SUB:
	case X86_ALU_CMP:
		cin = 0;
		/* fallthrough */
	case X86_ALU_SBB:
	sub:
		r = (a - b - cin) & m;
		if (((~a & b) | (~(a ^ b) & r)) & sign)
			flags |= X86_FLAG_CF;
		if (((a ^ b) & (a ^ r)) & sign)
			flags |= X86_FLAG_OF;
		flags |= (a ^ b ^ r) & X86_FLAG_AF;
		break;
	case X86_ALU_AND:
	case X86_ALU_TEST:
		r = a & b;   /* CF = OF = 0; AF cleared as on Zen (the APM leaves it undefined) */
		break;
	case X86_ALU_OR:
		r = a | b;
		break;
	case X86_ALU_XOR:
		r = a ^ b;
		break;
	case X86_ALU_NOT:
		return ~a & m;
	default:
		return a;
	}
	flags |= result_flags(r, sign);
	*rflags = (*rflags & ~defined) | (flags & defined);
	return r;
}

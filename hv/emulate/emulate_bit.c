/* hv/emulate/emulate_bit.c - BT, BTS, BTR, BTC: 0F A3/AB/B3/BB with the
 * bit offset in a register, 0F BA /4-/7 with an imm8 (APM Vol. 3, "BT").
 *
 * With a register offset and a memory operand the offset is a signed
 * integer of the operand size that can reach outside the operand: the
 * operand accessed is the one at EA + (offset SAR log2(width)) * (width/8),
 * bit offset & (width - 1) of it. An immediate offset, or a register
 * operand, only selects a bit of the operand (offset mod width). The
 * operand is accessed at the operand size (the processor may use a wider
 * access for 16-bit operands; the bytes that matter are the same).
 * CF gets the bit; ZF, OF, SF, AF, PF are left as they were, as Zen does
 * (the APM leaves OF/SF/AF/PF undefined and ZF unchanged). */
#include "hv/emulate/emulate_priv.h"

enum bit_op { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

/* log2 of the operand width in bits: 16 -> 4, 32 -> 5, 64 -> 6 (8-bit
 * operands do not exist for these). */
static unsigned width_shift(unsigned size)
{
	return size == 2 ? 4 : size == 4 ? 5 : 6;
}

enum x86_emul_result emul_bit(struct emul *e)
{
	const struct x86_insn *in = e->in;
	unsigned size = in->op_size, shift = width_shift(size);
	uint64_t width_bits = 1ull << shift;
	bool imm = in->opcode == 0xba;
	enum bit_op op = imm ? (enum bit_op)((in->reg & 7) - 4) : (enum bit_op)((in->opcode >> 3) & 3);
	uint64_t offset = imm ? (uint64_t)in->imm & 0xff : emul_get_reg(e, in->reg, size);
	uint64_t bit = offset & (width_bits - 1), val;
	enum x86_emul_result r;
	uint64_t lin = 0;

	if (size < 2)
		return X86_EMUL_UNSUPPORTED;
	if (in->has_mem) {
		uint64_t ea = emul_mem_ea(e);
		if (!imm) {
			/* floor(offset / width) for a signed offset, without a
			 * signed shift: complement, shift, complement. */
			uint64_t s = emul_sext(offset, size);
			uint64_t word = (s >> 63) ? ~(~s >> shift) : s >> shift;
			ea = (ea + word * size) & emul_mask(in->addr_size);
		}
		lin = emul_linear(e, in->seg, ea);
		r = emul_read(e, in->seg, lin, size, &val);
	} else {
		val = emul_get_reg(e, in->rm, size);
		r = X86_EMUL_OK;
	}
	if (r != X86_EMUL_OK)
		return r;

	bool was_set = (val >> bit) & 1;
	uint64_t nv = val;
	switch (op) {
	case BIT_SET: nv |= 1ull << bit; break;
	case BIT_RESET: nv &= ~(1ull << bit); break;
	case BIT_COMPLEMENT: nv ^= 1ull << bit; break;
	default: break;
	}
	if (op != BIT_TEST) {
		if (in->has_mem)
			r = emul_write(e, in->seg, lin, size, nv);
		else
			emul_set_reg(e, in->rm, size, nv);
		if (r != X86_EMUL_OK)
			return r;
	}
	emul_set_flags(e, X86_FLAG_CF, was_set ? X86_FLAG_CF : 0);
	return X86_EMUL_OK;
}

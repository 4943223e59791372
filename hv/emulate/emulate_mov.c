/* hv/emulate/emulate_mov.c - The data moves: MOV (88-8B, C6/C7, A0-A3,
 * B0-BF), MOVZX/MOVSX (0F B6/B7/BE/BF), MOVSXD (63, 64-bit mode), XCHG
 * (86/87). No flags change (APM Vol. 3, "MOV", "MOVZX", "MOVSX", "XCHG"). */
#include "hv/emulate/emulate_priv.h"

/* XCHG r/m, reg: one read and one write of the memory operand, which the
 * processor always performs locked. With two registers the write to r/m
 * goes first, so XCHG r, r with the same register leaves it as it was. */
static enum x86_emul_result xchg(struct emul *e, unsigned size)
{
	uint64_t mem;
	enum x86_emul_result r = emul_read_rm(e, size, &mem);
	if (r != X86_EMUL_OK)
		return r;
	r = emul_write_rm(e, size, emul_get_reg(e, e->in->reg, size));
	if (r != X86_EMUL_OK)
		return r;
	emul_set_reg(e, e->in->reg, size, mem);
	return X86_EMUL_OK;
}

/* A load into a register of size bytes from an r/m of src_size bytes,
 * sign- or zero-extended. */
static enum x86_emul_result load(struct emul *e, unsigned reg, unsigned size, unsigned src_size, bool sign)
{
	uint64_t v;
	enum x86_emul_result r = emul_read_rm(e, src_size, &v);
	if (r != X86_EMUL_OK)
		return r;
	emul_set_reg(e, reg, size, sign ? emul_sext(v, src_size) : v);
	return X86_EMUL_OK;
}

enum x86_emul_result emul_mov(struct emul *e)
{
	const struct x86_insn *in = e->in;
	unsigned size = in->op_size;

	if (in->map == X86_MAP_0F) {
		/* MOVZX/MOVSX Gv, Eb (B6, BE) or Ew (B7, BF): the source width is
		 * fixed, the destination is the operand size. */
		unsigned src_size = (in->opcode & 1) ? 2 : 1;
		return load(e, in->reg, size, src_size, in->opcode >= 0xbe);
	}
	switch (in->opcode) {
	case 0x63:
		/* MOVSXD: from 32 bits with REX.W; with a 32- or 16-bit operand
		 * size it moves that many bits unchanged (Intel SDM "MOVSX/MOVSXD"). */
		return load(e, in->reg, size, size < 4 ? size : 4, true);
	case 0x86: case 0x87:
		return xchg(e, size);
	case 0x88: case 0x89:
		return emul_write_rm(e, size, emul_get_reg(e, in->reg, size));
	case 0x8a: case 0x8b:
		return load(e, in->reg, size, size, false);
	case 0xa0: case 0xa1:   /* MOV AL/rAX, moffs: the memory operand is the moffs */
		return load(e, X86_RAX, size, size, false);
	case 0xa2: case 0xa3:
		return emul_write_rm(e, size, emul_get_reg(e, X86_RAX, size));
	case 0xc6: case 0xc7:   /* imm8, imm16, or imm32 sign-extended to 64 bits */
		return emul_write_rm(e, size, (uint64_t)in->imm);
	default:
		if (in->opcode >= 0xb0 && in->opcode <= 0xbf) {   /* MOV r, imm (B8+r with REX.W: imm64) */
			emul_set_reg(e, in->reg, size, (uint64_t)in->imm);
			return X86_EMUL_OK;
		}
		return X86_EMUL_UNSUPPORTED;
	}
}

/* hv/emulate/emulate_alu.c - Arithmetic and logic on memory (or register)
 * operands: the ALU rows 00-3D, group 1 (80-83), TEST (84/85, A8/A9,
 * F6/F7 /0 /1), NOT/NEG (F6/F7 /2 /3), INC/DEC (FE/FF /0 /1), and the
 * exchanging ones CMPXCHG (0F B0/B1) and XADD (0F C0/C1). Results and flags
 * come from x86_alu() (alu.h). A memory destination is read once and, for
 * everything but CMP and TEST, written once. */
#include "hv/emulate/emulate_priv.h"
#include "hv/emulate/alu.h"

enum place { AT_RM, AT_REG, AT_ACC, AT_IMM, AT_NONE };

struct alu_form {
	enum x86_alu_op op;
	enum place dst, src;
};

/* Which operation and where its operands are, from the opcode (and
 * ModRM.reg for the groups): APM Vol. 3, Tables. */
static bool alu_form(const struct x86_insn *in, struct alu_form *f)
{
	uint8_t op = in->opcode;
	unsigned r = in->reg & 7;

	if (op < 0x40) {
		static const enum place dst[6] = { AT_RM, AT_RM, AT_REG, AT_REG, AT_ACC, AT_ACC };
		static const enum place src[6] = { AT_REG, AT_REG, AT_RM, AT_RM, AT_IMM, AT_IMM };
		if ((op & 7) > 5)
			return false;
		*f = (struct alu_form){ (enum x86_alu_op)(op >> 3), dst[op & 7], src[op & 7] };
		return true;
	}
	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		*f = (struct alu_form){ (enum x86_alu_op)r, AT_RM, AT_IMM };
		return true;
	case 0x84: case 0x85:
		*f = (struct alu_form){ X86_ALU_TEST, AT_RM, AT_REG };
		return true;
	case 0xa8: case 0xa9:
		*f = (struct alu_form){ X86_ALU_TEST, AT_ACC, AT_IMM };
		return true;
	case 0xf6: case 0xf7:
		if (r > 3)
			return false;
		if (r <= 1)
			*f = (struct alu_form){ X86_ALU_TEST, AT_RM, AT_IMM };
		else
			*f = (struct alu_form){ r == 2 ? X86_ALU_NOT : X86_ALU_NEG, AT_RM, AT_NONE };
		return true;
	case 0xfe: case 0xff:
		if (r > 1)
			return false;
		*f = (struct alu_form){ r == 0 ? X86_ALU_INC : X86_ALU_DEC, AT_RM, AT_NONE };
		return true;
	default:
		return false;
	}
}

static enum x86_emul_result fetch(struct emul *e, enum place p, unsigned size, uint64_t *v)
{
	switch (p) {
	case AT_RM: return emul_read_rm(e, size, v);
	case AT_REG: *v = emul_get_reg(e, e->in->reg, size); return X86_EMUL_OK;
	case AT_ACC: *v = emul_get_reg(e, X86_RAX, size); return X86_EMUL_OK;
	case AT_IMM: *v = (uint64_t)e->in->imm; return X86_EMUL_OK;   /* sign-extended: 83 /r ib */
	default: *v = 0; return X86_EMUL_OK;
	}
}

enum x86_emul_result emul_alu(struct emul *e)
{
	struct alu_form f;
	unsigned size = e->in->op_size;
	uint64_t dst, src, flags = e->s.rflags;
	enum x86_emul_result r;

	if (!alu_form(e->in, &f))
		return X86_EMUL_UNSUPPORTED;
	if ((r = fetch(e, f.dst, size, &dst)) != X86_EMUL_OK)
		return r;
	if ((r = fetch(e, f.src, size, &src)) != X86_EMUL_OK)
		return r;
	uint64_t res = x86_alu(f.op, dst, src, size, &flags);
	if (x86_alu_writes(f.op)) {
		if (f.dst == AT_RM)
			r = emul_write_rm(e, size, res);
		else
			emul_set_reg(e, f.dst == AT_ACC ? X86_RAX : e->in->reg, size, res);
		if (r != X86_EMUL_OK)
			return r;
	}
	e->s.rflags = flags;
	return X86_EMUL_OK;
}

/* CMPXCHG r/m, reg: compares rAX with the destination; equal: ZF=1 and the
 * destination gets reg; else ZF=0 and rAX gets the destination. Flags as
 * CMP rAX, dest. The destination is written in both cases (the old value
 * when unequal: Intel SDM "CMPXCHG", the bus always sees a write), and rAX
 * only when unequal (so EAX's upper half survives a match).
 * XADD r/m, reg: reg gets the destination, the destination the sum; with
 * two registers the destination is written last (SDM "XADD": TEMP <- SRC +
 * DEST; SRC <- DEST; DEST <- TEMP). Flags as ADD. */
enum x86_emul_result emul_xalu(struct emul *e)
{
	const struct x86_insn *in = e->in;
	unsigned size = in->op_size;
	uint64_t dst, flags = e->s.rflags;
	enum x86_emul_result r = emul_read_rm(e, size, &dst);

	if (r != X86_EMUL_OK)
		return r;
	uint64_t reg = emul_get_reg(e, in->reg, size);
	if (in->opcode == 0xb0 || in->opcode == 0xb1) {
		uint64_t acc = emul_get_reg(e, X86_RAX, size);
		x86_alu(X86_ALU_CMP, acc, dst, size, &flags);
		bool equal = (flags & X86_FLAG_ZF) != 0;
		r = emul_write_rm(e, size, equal ? reg : dst);
		if (r != X86_EMUL_OK)
			return r;
		if (!equal)
			emul_set_reg(e, X86_RAX, size, dst);
	} else {
		uint64_t sum = x86_alu(X86_ALU_ADD, dst, reg, size, &flags);
		emul_set_reg(e, in->reg, size, dst);
		r = emul_write_rm(e, size, sum);
		if (r != X86_EMUL_OK)
			return r;
	}
	e->s.rflags = flags;
	return X86_EMUL_OK;
}

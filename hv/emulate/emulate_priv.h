/* hv/emulate/emulate_priv.h - What the emulator's files share: the working
 * context, operand access and the per-family handlers. Private to
 * hv/emulate/emulate*.c. */
#ifndef HV_EMULATE_EMULATE_PRIV_H
#define HV_EMULATE_EMULATE_PRIV_H

#include "hv/emulate/emulate.h"

/* One emulation. Handlers change s, a copy of the caller's state; it is
 * copied back only when the instruction completes (or, for REP strings,
 * after each completed iteration: partial), so a failed access leaves the
 * caller's registers as they were. */
struct emul {
	struct x86_emul_state s;
	const struct x86_insn *in;
	const struct x86_emul_ops *ops;
	void *ctx;
	bool partial;     /* s holds completed REP iterations: commit it even on failure */
};

static inline uint64_t emul_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* v's low size bytes, sign-extended to 64 bits. */
static inline uint64_t emul_sext(uint64_t v, unsigned size)
{
	if (size >= 8)
		return v;
	uint64_t m = emul_mask(size);
	v &= m;
	return (v >> (8 * size - 1)) & 1 ? v | ~m : v;
}

/* General registers by number at an operand size: with size 1 and no REX,
 * 4-7 are AH CH DH BH (APM Vol. 3, 1.2.7, Table 1-9); writes of 1 and 2
 * bytes keep the other bits, writes of 4 zero the upper half (APM Vol. 1,
 * 3.1.2.3 "Implicit Zero Extension"). */
uint64_t emul_get_reg(const struct emul *e, unsigned reg, unsigned size);
void emul_set_reg(struct emul *e, unsigned reg, unsigned size, uint64_t v);

/* The effective address of the instruction's memory operand (truncated to
 * its address size), and a linear address for an offset in a segment. */
uint64_t emul_mem_ea(const struct emul *e);
uint64_t emul_linear(const struct emul *e, unsigned seg, uint64_t ea);

/* One access through the callbacks; anything but X86_EMUL_OK stops the
 * instruction (the result to return). */
enum x86_emul_result emul_read(struct emul *e, unsigned seg, uint64_t linear, unsigned size, uint64_t *val);
enum x86_emul_result emul_write(struct emul *e, unsigned seg, uint64_t linear, unsigned size, uint64_t val);

/* The ModRM r/m operand, a register (mod = 3) or the memory operand. */
enum x86_emul_result emul_read_rm(struct emul *e, unsigned size, uint64_t *val);
enum x86_emul_result emul_write_rm(struct emul *e, unsigned size, uint64_t val);

/* Replaces the bits of mask in RFLAGS with those of flags. */
static inline void emul_set_flags(struct emul *e, uint64_t mask, uint64_t flags)
{
	e->s.rflags = (e->s.rflags & ~mask) | (flags & mask);
}

/* Handlers by family. Each returns X86_EMUL_OK when the instruction is done
 * (the dispatcher then moves RIP past it), X86_EMUL_UNSUPPORTED for a form
 * it does not emulate (before any access), or the failing access's result;
 * emul_string may also return X86_EMUL_INCOMPLETE. */
enum x86_emul_result emul_mov(struct emul *e);       /* emulate_mov.c: MOV, MOVZX/SX/SXD, XCHG */
enum x86_emul_result emul_alu(struct emul *e);       /* emulate_alu.c: ALU ops, TEST, INC/DEC/NOT/NEG */
enum x86_emul_result emul_xalu(struct emul *e);      /* emulate_alu.c: CMPXCHG, XADD */
enum x86_emul_result emul_bit(struct emul *e);       /* emulate_bit.c: BT/BTS/BTR/BTC */
enum x86_emul_result emul_string(struct emul *e);    /* emulate_string.c: MOVS/STOS/LODS */

#endif

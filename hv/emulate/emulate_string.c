/* hv/emulate/emulate_string.c - MOVS (A4/A5), STOS (AA/AB), LODS (AC/AD),
 * with or without REP (APM Vol. 3, "MOVS", "STOS", "LODS", 1.2.6 "Repeat
 * Prefixes").
 *
 * The source is seg:rSI (DS unless overridden), the destination ES:rDI
 * (never overridden); rSI/rDI move by the element size, down when
 * RFLAGS.DF is set. The address size picks SI/ESI/RSI, DI/EDI/RDI and the
 * count CX/ECX/RCX; a 16-bit update keeps the upper bits, a 32-bit one
 * zeroes them (as a 32-bit register write does).
 *
 * With REP (F3, or F2: both repeat these three) at most X86_EMUL_REP_MAX
 * elements are done per call, and fewer when rSI or rDI crosses a 4 KiB
 * page: the registers then hold the remaining count and positions and RIP
 * still points at the instruction, so the guest re-executes it for the
 * rest, natively where it is RAM: what an interrupted REP does on the
 * processor. A failing element leaves the registers at the elements done. */
#include "hv/emulate/emulate_priv.h"

#define PAGE_OF(lin) ((lin) >> PAGE_SHIFT)

enum x86_emul_result emul_string(struct emul *e)
{
	const struct x86_insn *in = e->in;
	unsigned size = in->op_size, asize = in->addr_size;
	uint64_t amask = emul_mask(asize);
	uint64_t step = (e->s.rflags & X86_FLAG_DF) ? (uint64_t)0 - size : size;
	uint8_t kind = in->opcode & 0xfe;   /* A4 MOVS, AA STOS, AC LODS */
	bool reads = kind == 0xa4 || kind == 0xac, writes = kind == 0xa4 || kind == 0xaa;
	bool rep = in->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	enum x86_emul_result r;

	for (unsigned done = 0;;) {
		if (rep && (e->s.gpr[X86_RCX] & amask) == 0)
			return X86_EMUL_OK;
		uint64_t si = e->s.gpr[X86_RSI] & amask, di = e->s.gpr[X86_RDI] & amask;
		uint64_t src = emul_linear(e, in->seg, si), dst = emul_linear(e, X86_SEG_ES, di);
		uint64_t v;

		if (reads) {
			if ((r = emul_read(e, in->seg, src, size, &v)) != X86_EMUL_OK)
				return r;
		} else {
			v = emul_get_reg(e, X86_RAX, size);
		}
		if (writes) {
			if ((r = emul_write(e, X86_SEG_ES, dst, size, v)) != X86_EMUL_OK)
				return r;
		} else {
			emul_set_reg(e, X86_RAX, size, v);
		}
		if (reads)
			emul_set_reg(e, X86_RSI, asize, si + step);
		if (writes)
			emul_set_reg(e, X86_RDI, asize, di + step);
		if (!rep)
			return X86_EMUL_OK;

		uint64_t count = (e->s.gpr[X86_RCX] - 1) & amask;
		emul_set_reg(e, X86_RCX, asize, count);
		e->partial = true;
		if (count == 0)
			return X86_EMUL_OK;
		if (++done >= X86_EMUL_REP_MAX)
			return X86_EMUL_INCOMPLETE;
		uint64_t next_src = emul_linear(e, in->seg, e->s.gpr[X86_RSI] & amask);
		uint64_t next_dst = emul_linear(e, X86_SEG_ES, e->s.gpr[X86_RDI] & amask);
		if ((reads && PAGE_OF(next_src) != PAGE_OF(src)) || (writes && PAGE_OF(next_dst) != PAGE_OF(dst)))
			return X86_EMUL_INCOMPLETE;
	}
}

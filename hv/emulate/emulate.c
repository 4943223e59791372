/* hv/emulate/emulate.c - The MMIO emulator's entry points, dispatch,
 * operand access and the unsupported-instruction message (see emulate.h). */
#include "hv/emulate/emulate_priv.h"
#include "hv/emulate/alu.h"

typedef enum x86_emul_result (*emul_handler)(struct emul *e);

/* --- operands ------------------------------------------------------------ */

uint64_t emul_get_reg(const struct emul *e, unsigned reg, unsigned size)
{
	reg &= 15;
	if (size == 1 && !e->in->rex && reg >= 4 && reg <= 7)
		return (e->s.gpr[reg - 4] >> 8) & 0xff;   /* AH CH DH BH */
	return e->s.gpr[reg] & emul_mask(size);
}

void emul_set_reg(struct emul *e, unsigned reg, unsigned size, uint64_t v)
{
	reg &= 15;
	if (size == 1 && !e->in->rex && reg >= 4 && reg <= 7) {
		uint64_t *r = &e->s.gpr[reg - 4];
		*r = (*r & ~0xff00ull) | ((v & 0xff) << 8);
	} else if (size >= 4) {
		e->s.gpr[reg] = v & emul_mask(size);
	} else {
		uint64_t m = emul_mask(size);
		e->s.gpr[reg] = (e->s.gpr[reg] & ~m) | (v & m);
	}
}

uint64_t emul_mem_ea(const struct emul *e)
{
	const struct x86_insn *in = e->in;
	uint64_t ea = in->disp;

	if (in->base == X86_REG_RIP)
		ea += e->s.rip + in->len;   /* the next instruction's address */
	else if (in->base < X86_GPR_COUNT)
		ea += e->s.gpr[in->base];
	if (in->index < X86_GPR_COUNT)
		ea += e->s.gpr[in->index] * in->scale;
	return ea & emul_mask(in->addr_size);
}

/* In 64-bit mode the ES/CS/SS/DS bases are treated as 0 and nothing is
 * truncated (APM Vol. 2, 4.12.2); elsewhere base + offset wraps at 4 GiB
 * (real mode included: A20 is assumed on). */
uint64_t emul_linear(const struct emul *e, unsigned seg, uint64_t ea)
{
	if (e->s.mode == CPU_MODE_LONG64)
		return (seg == X86_SEG_FS || seg == X86_SEG_GS) ? ea + e->s.seg_base[seg] : ea;
	return (e->s.seg_base[seg < X86_SEG_COUNT ? seg : X86_SEG_DS] + ea) & 0xffffffffull;
}

static enum x86_emul_result mem_result(enum x86_mem_result r)
{
	switch (r) {
	case X86_MEM_OK: return X86_EMUL_OK;
	case X86_MEM_FAULT: return X86_EMUL_FAULT;
	default: return X86_EMUL_UNHANDLED;
	}
}

enum x86_emul_result emul_read(struct emul *e, unsigned seg, uint64_t linear, unsigned size, uint64_t *val)
{
	uint8_t buf[8] = { 0 };
	if (size > 8)
		return X86_EMUL_UNSUPPORTED;
	enum x86_emul_result r = mem_result(e->ops->read_mem(e->ctx, (enum x86_seg)seg, linear, buf, size));
	if (r != X86_EMUL_OK)
		return r;
	uint64_t v = 0;
	for (unsigned k = 0; k < size; k++)
		v |= (uint64_t)buf[k] << (8 * k);
	*val = v;
	return X86_EMUL_OK;
}

enum x86_emul_result emul_write(struct emul *e, unsigned seg, uint64_t linear, unsigned size, uint64_t val)
{
	uint8_t buf[8];
	if (size > 8)
		return X86_EMUL_UNSUPPORTED;
	for (unsigned k = 0; k < size; k++)
		buf[k] = (uint8_t)(val >> (8 * k));
	return mem_result(e->ops->write_mem(e->ctx, (enum x86_seg)seg, linear, buf, size));
}

enum x86_emul_result emul_read_rm(struct emul *e, unsigned size, uint64_t *val)
{
	if (!e->in->has_mem) {
		*val = emul_get_reg(e, e->in->rm, size);
		return X86_EMUL_OK;
	}
	return emul_read(e, e->in->seg, emul_linear(e, e->in->seg, emul_mem_ea(e)), size, val);
}

enum x86_emul_result emul_write_rm(struct emul *e, unsigned size, uint64_t val)
{
	if (!e->in->has_mem) {
		emul_set_reg(e, e->in->rm, size, val);
		return X86_EMUL_OK;
	}
	return emul_write(e, e->in->seg, emul_linear(e, e->in->seg, emul_mem_ea(e)), size, val);
}

/* --- dispatch ------------------------------------------------------------ */

static emul_handler handler_1byte(const struct x86_insn *in)
{
	uint8_t op = in->opcode;
	unsigned r = in->reg & 7;

	if (op < 0x40 && (op & 7) <= 5)
		return emul_alu;                 /* ADD ... CMP, all six forms */
	switch (op) {
	case 0x63:
		return in->mode == CPU_MODE_LONG64 ? emul_mov : NULL;   /* MOVSXD (ARPL elsewhere) */
	case 0x80: case 0x81: case 0x82: case 0x83:
	case 0x84: case 0x85: case 0xa8: case 0xa9:
		return emul_alu;
	case 0x86: case 0x87: case 0x88: case 0x89: case 0x8a: case 0x8b:
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
	case 0xc6: case 0xc7:
		return emul_mov;
	case 0xa4: case 0xa5: case 0xaa: case 0xab: case 0xac: case 0xad:
		return emul_string;
	case 0xf6: case 0xf7:
		return r <= 3 ? emul_alu : NULL;    /* TEST, TEST, NOT, NEG; not MUL/DIV */
	case 0xfe: case 0xff:
		return r <= 1 ? emul_alu : NULL;    /* INC, DEC; not CALL/JMP/PUSH */
	default:
		return op >= 0xb0 && op <= 0xbf ? emul_mov : NULL;
	}
}

static emul_handler handler_for(const struct x86_insn *in)
{
	if (in->map == X86_MAP_1BYTE)
		return handler_1byte(in);
	if (in->map != X86_MAP_0F)
		return NULL;
	switch (in->opcode) {
	case 0xa3: case 0xab: case 0xb3: case 0xbb: case 0xba:
		return emul_bit;
	case 0xb0: case 0xb1: case 0xc0: case 0xc1:
		return emul_xalu;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		return emul_mov;
	default:
		return NULL;
	}
}

/* LOCK is valid only on these, and only with a memory destination
 * (APM Vol. 3, 1.2.5 "Lock Prefix"); anywhere else it is #UD. */
static bool lock_allowed(const struct x86_insn *in)
{
	uint8_t op = in->opcode;
	unsigned r = in->reg & 7;

	if (!in->has_mem)
		return false;
	if (in->map == X86_MAP_1BYTE) {
		if (op < 0x40)
			return (op & 7) <= 1 && (op >> 3) != X86_ALU_CMP;
		switch (op) {
		case 0x80: case 0x81: case 0x82: case 0x83: return r != X86_ALU_CMP;
		case 0x86: case 0x87: return true;
		case 0xf6: case 0xf7: return r == 2 || r == 3;
		case 0xfe: case 0xff: return r <= 1;
		default: return false;
		}
	}
	if (in->map == X86_MAP_0F) {
		switch (op) {
		case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1: return true;
		case 0xba: return r >= 5;
		default: return false;
		}
	}
	return false;
}

bool x86_insn_locked(const struct x86_insn *in)
{
	if (in->prefixes & X86_PFX_LOCK)
		return true;
	return in->map == X86_MAP_1BYTE && (in->opcode == 0x86 || in->opcode == 0x87) && in->has_mem;
}

static uint64_t ip_mask(enum cpu_mode mode)
{
	return mode == CPU_MODE_LONG64 ? ~0ull : mode == CPU_MODE_PROT32 ? 0xffffffffull : 0xffffull;
}

enum x86_emul_result x86_emulate_insn(struct x86_emul_state *st, const struct x86_emul_ops *ops, void *ctx,
				      const struct x86_insn *insn)
{
	if (!st || !ops || !ops->read_mem || !ops->write_mem || !insn || insn->len == 0 ||
	    insn->mode != (uint8_t)st->mode)
		return X86_EMUL_UNSUPPORTED;
	emul_handler h = handler_for(insn);
	if (!h || ((insn->prefixes & X86_PFX_LOCK) && !lock_allowed(insn)))
		return X86_EMUL_UNSUPPORTED;

	struct emul e = { .s = *st, .in = insn, .ops = ops, .ctx = ctx };
	enum x86_emul_result r = h(&e);
	if (r == X86_EMUL_OK)
		e.s.rip = (e.s.rip + insn->len) & ip_mask(st->mode);
	if (r == X86_EMUL_OK || r == X86_EMUL_INCOMPLETE || e.partial)
		*st = e.s;
	return r;
}

enum x86_emul_result x86_emulate(struct x86_emul_state *st, const struct x86_emul_ops *ops, void *ctx,
				 const uint8_t *bytes, size_t n, struct x86_insn *insn)
{
	struct x86_insn local;
	struct x86_insn *in = insn ? insn : &local;

	if (!st) {
		*in = (struct x86_insn){ 0 };
		return X86_EMUL_UNSUPPORTED;
	}
	if (x86_decode(bytes, n, st->mode, in) != X86_DECODE_OK)
		return X86_EMUL_UNSUPPORTED;
	return x86_emulate_insn(st, ops, ctx, in);
}

static const char *const result_names[] = {
	[X86_EMUL_OK] = "ok",
	[X86_EMUL_INCOMPLETE] = "incomplete",
	[X86_EMUL_FAULT] = "fault",
	[X86_EMUL_UNHANDLED] = "unhandled",
	[X86_EMUL_UNSUPPORTED] = "unsupported",
};

const char *x86_emul_result_name(enum x86_emul_result r)
{
	if ((unsigned)r >= ARRAY_SIZE(result_names))
		return "?";
	return result_names[r];
}

/* --- the message for an instruction the VM stops on ---------------------- */

struct outbuf { char *buf; size_t size, len; };

static void put_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_str(struct outbuf *o, const char *s)
{
	while (*s)
		put_char(o, *s++);
}

static void put_hex(struct outbuf *o, uint64_t v, unsigned min_digits)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	unsigned n = 0;
	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v && n < sizeof(tmp));
	while (n < min_digits && n < sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		put_char(o, tmp[--n]);
}

size_t x86_format_unsupported(char *buf, size_t size, uint64_t rip, const uint8_t *bytes, size_t n)
{
	struct outbuf o = { buf, size, 0 };

	if (!buf || !size)
		return 0;
	put_str(&o, "unsupported instruction at RIP 0x");
	put_hex(&o, rip, 1);
	put_char(&o, ':');
	if (!bytes || !n)
		put_str(&o, " (no bytes)");
	for (size_t k = 0; bytes && k < n && k < INSN_MAX_LEN; k++) {
		put_char(&o, ' ');
		put_hex(&o, bytes[k], 2);
	}
	buf[o.len] = '\0';
	return o.len;
}

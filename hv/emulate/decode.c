/* hv/emulate/decode.c - x86 instruction decoder (see decode.h).
 *
 * One pass over the bytes in the order of AMD APM Vol. 3, 1.1 "Instruction
 * Encoding Overview": legacy prefixes, REX, opcode (1, 2 or 3 bytes),
 * ModRM, SIB, displacement, immediate. Every read is checked against both
 * the bytes given and the 15-byte architectural limit, so the outcome for a
 * too-long instruction does not depend on how many bytes the caller had. */
#include "hv/emulate/decode.h"
#include "hv/emulate/decode_tables.h"

static const char *const status_names[] = {
	[X86_DECODE_OK] = "ok",
	[X86_DECODE_TRUNCATED] = "truncated",
	[X86_DECODE_TOO_LONG] = "longer than 15 bytes",
	[X86_DECODE_INVALID] = "invalid opcode",
	[X86_DECODE_UNSUPPORTED] = "VEX/EVEX, not decoded",
};

const char *x86_decode_status_name(enum x86_decode_status s)
{
	if ((unsigned)s >= ARRAY_SIZE(status_names))
		return "?";
	return status_names[s];
}

/* Whether an instruction that ends at byte end (exclusive) can be read:
 * beyond 15 bytes it is #GP whatever follows, beyond avail it is cut off. */
static enum x86_decode_status need(size_t end, size_t avail)
{
	if (end > INSN_MAX_LEN)
		return X86_DECODE_TOO_LONG;
	if (end > avail)
		return X86_DECODE_TRUNCATED;
	return X86_DECODE_OK;
}

/* A little-endian field of size bytes, sign-extended to 64 bits. */
static uint64_t read_signed(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < size; k++)
		v |= (uint64_t)p[k] << (8 * k);
	if (size && size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~0ull << (8 * size);
	return v;
}

static uint64_t read_unsigned(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < size; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

/* The 16-bit addressing forms, APM Vol. 3, Table 1-12 (ModRM.rm 0-7):
 * [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP] [BX]; mod=00 rm=110 is
 * [disp16] instead of [BP]. */
static const uint8_t base16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX };
static const uint8_t index16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
				    X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE };

/* The memory operand of a ModRM with mod != 3: fills base/index/scale
 * and returns how many displacement bytes follow; *pos is past the ModRM
 * and, on return, past the SIB if there is one. APM Vol. 3, 1.4 and
 * Tables 1-12 to 1-17: rm=100 (32/64-bit) means a SIB follows; SIB
 * index=100 without REX.X is "no index"; SIB base=101 with mod=00 is "no
 * base, disp32"; mod=00 rm=101 is disp32 alone, RIP-relative in 64-bit
 * mode. REX.B extends the base but never changes those special cases. */
static enum x86_decode_status decode_mem(const uint8_t *b, size_t avail, size_t *pos,
					 struct x86_insn *in, unsigned *disp_size)
{
	unsigned mod = in->mod, rm = in->modrm & 7;
	bool rex_b = in->rex & X86_REX_B, rex_x = in->rex & X86_REX_X;

	in->has_mem = true;
	in->scale = 1;
	in->index = X86_REG_NONE;
	if (in->addr_size == 2) {
		in->base = base16[rm];
		in->index = index16[rm];
		*disp_size = mod == 1 ? 1 : mod == 2 ? 2 : 0;
		if (mod == 0 && rm == 6) {
			in->base = X86_REG_NONE;
			*disp_size = 2;
		}
		return X86_DECODE_OK;
	}
	*disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		enum x86_decode_status s = need(*pos + 1, avail);
		if (s != X86_DECODE_OK)
			return s;
		uint8_t sib = b[(*pos)++];
		unsigned idx = ((sib >> 3) & 7) | (rex_x ? 8 : 0);
		in->has_sib = true;
		in->sib = sib;
		in->scale = (uint8_t)(1u << (sib >> 6));
		in->index = idx == X86_RSP ? X86_REG_NONE : (uint8_t)idx;
		in->base = (uint8_t)((sib & 7) | (rex_b ? 8 : 0));
		if (mod == 0 && (sib & 7) == 5) {
			in->base = X86_REG_NONE;
			*disp_size = 4;
		}
	} else if (mod == 0 && rm == 5) {
		in->base = in->mode == CPU_MODE_LONG64 ? X86_REG_RIP : X86_REG_NONE;
		*disp_size = 4;
	} else {
		in->base = (uint8_t)(rm | (rex_b ? 8 : 0));
	}
	return X86_DECODE_OK;
}

/* Operand size in bytes: APM Vol. 3, 1.2.2 and Tables 1-3 / 1-5. */
static uint8_t operand_size(uint16_t attr, enum cpu_mode mode, bool osz, uint8_t rex)
{
	if (attr & OP_BYTE)
		return 1;
	if (attr & OP_CTLREG)
		return mode == CPU_MODE_LONG64 ? 8 : 4;
	if (mode == CPU_MODE_LONG64) {
		if (rex & X86_REX_W)
			return 8;
		if (attr & OP_DEF64)
			return osz ? 2 : 8;
		return osz ? 2 : 4;
	}
	uint8_t def = mode == CPU_MODE_PROT32 ? 4 : 2;
	return osz ? (uint8_t)(6 - def) : def;
}

/* Rules the tables cannot say, once the ModRM (if any) is known: the
 * ModRM.reg extensions that do not exist (APM Vol. 3, Table A-6) and the
 * groups whose immediate or operand size depends on ModRM.reg. */
static enum x86_decode_status group_rules(struct x86_insn *in, unsigned *imm_size, unsigned *imm2_size)
{
	unsigned r = in->reg & 7;
	bool long64 = in->mode == CPU_MODE_LONG64;

	if (in->map == X86_MAP_1BYTE) {
		switch (in->opcode) {
		case 0xc6: case 0xc7:   /* group 11: MOV /0; C6 F8 / C7 F8 are TSX, not on Zen */
			return r == 0 ? X86_DECODE_OK : X86_DECODE_INVALID;
		case 0x8f:              /* group 1a: POP /0; the rest is XOP */
			return r == 0 ? X86_DECODE_OK : X86_DECODE_INVALID;
		case 0xf6: case 0xf7:   /* group 3: TEST /0 and its alias /1 take an immediate */
			if (r <= 1)
				*imm_size = in->opcode == 0xf6 ? 1 : in->op_size == 2 ? 2 : 4;
			return X86_DECODE_OK;
		case 0xfe:              /* group 4: INC/DEC Eb only */
			return r <= 1 ? X86_DECODE_OK : X86_DECODE_INVALID;
		case 0xff:              /* group 5 */
			if (r == 7 || ((r == 3 || r == 5) && in->mod == 3))
				return X86_DECODE_INVALID;
			if ((r == 2 || r == 4 || r == 6) && long64)   /* near CALL/JMP, PUSH: 64 by default */
				in->op_size = (in->prefixes & X86_PFX_OPSIZE) && !(in->rex & X86_REX_W) ? 2 : 8;
			return X86_DECODE_OK;
		default:
			return X86_DECODE_OK;
		}
	}
	if (in->map == X86_MAP_0F) {
		switch (in->opcode) {
		case 0xba:              /* group 8: BT/BTS/BTR/BTC are /4-/7 */
			return r >= 4 ? X86_DECODE_OK : X86_DECODE_INVALID;
		case 0x78:              /* EXTRQ/INSERTQ xmm, imm8, imm8 */
			*imm_size = 1;
			*imm2_size = 1;
			return X86_DECODE_OK;
		default:
			return X86_DECODE_OK;
		}
	}
	return X86_DECODE_OK;
}

/* Rules that must be applied before the ModRM is read: escapes whose
 * meaning hangs on the next byte or a mandatory prefix. */
static enum x86_decode_status pre_modrm_rules(const struct x86_insn *in, const uint8_t *b,
					       size_t avail, size_t i)
{
	bool long64 = in->mode == CPU_MODE_LONG64;

	if (in->map == X86_MAP_1BYTE && (in->opcode == 0xc4 || in->opcode == 0xc5 || in->opcode == 0x62)) {
		/* LES/LDS/BOUND need a memory operand; with mod=11, and always
		 * in 64-bit mode, these bytes start a VEX/EVEX prefix (APM
		 * Vol. 3, 1.9 "VEX and XOP Prefixes"). */
		enum x86_decode_status s = need(i + 1, avail);
		if (s != X86_DECODE_OK)
			return s;
		if (long64 || (b[i] >> 6) == 3)
			return X86_DECODE_UNSUPPORTED;
		return X86_DECODE_OK;
	}
	if (in->map == X86_MAP_0F) {
		if ((in->opcode == 0x78 || in->opcode == 0x79) &&
		    !(in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REPNE)))
			return X86_DECODE_INVALID;   /* VMREAD/VMWRITE: Intel VMX */
		if (in->opcode == 0xb8 && !(in->prefixes & X86_PFX_REP))
			return X86_DECODE_INVALID;   /* JMPE (IA-64 only) */
	}
	return X86_DECODE_OK;
}

#define TRY(expr) do { enum x86_decode_status s_ = (expr); \
	if (s_ != X86_DECODE_OK) { *out = (struct x86_insn){ 0 }; return s_; } } while (0)

enum x86_decode_status x86_decode(const uint8_t *b, size_t n, enum cpu_mode mode, struct x86_insn *out)
{
	struct x86_insn in = { 0 };
	size_t avail = b ? MIN(n, (size_t)INSN_MAX_LEN) : 0;
	bool long64 = mode == CPU_MODE_LONG64;
	int seg = -1;
	size_t i = 0;

	in.mode = (uint8_t)mode;

	/* Legacy prefixes, any order, any number (up to the length limit). A
	 * REX counts only as the last byte before the opcode: a legacy prefix
	 * after it makes it ignored (APM Vol. 3, 1.2.7). Outside 64-bit mode
	 * 40-4F are INC/DEC. */
	for (;;) {
		TRY(need(i + 1, avail));
		uint8_t p = b[i];
		switch (p) {
		case 0xf0: in.prefixes |= X86_PFX_LOCK; break;
		case 0xf2: in.prefixes |= X86_PFX_REPNE; break;
		case 0xf3: in.prefixes |= X86_PFX_REP; break;
		case 0x66: in.prefixes |= X86_PFX_OPSIZE; break;
		case 0x67: in.prefixes |= X86_PFX_ADSIZE; break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/* ES CS SS DS (bits 4:3 of the byte): no effect in 64-bit mode */
			if (!long64)
				seg = (p >> 3) & 3;
			break;
		case 0x64: seg = X86_SEG_FS; break;
		case 0x65: seg = X86_SEG_GS; break;
		default:
			if (long64 && (p & 0xf0) == 0x40) {
				in.rex = p;
				i++;
				continue;
			}
			goto opcode;
		}
		in.rex = 0;
		i++;
	}

opcode:;
	uint16_t attr;
	in.map = X86_MAP_1BYTE;
	in.opcode = b[i++];
	attr = x86_map1_attr[in.opcode];
	if (in.opcode == 0x0f) {
		TRY(need(i + 1, avail));
		in.map = X86_MAP_0F;
		in.opcode = b[i++];
		attr = x86_map0f_attr[in.opcode];
		if (in.opcode == 0x38 || in.opcode == 0x3a) {
			/* APM Vol. 3, Tables: every 0F 38 opcode has a
			 * ModRM and no immediate, every 0F 3A one has ModRM + imm8. */
			TRY(need(i + 1, avail));
			attr = in.opcode == 0x38 ? OP_MODRM : OP_MODRM | OP_IMM8;
			in.map = in.opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			in.opcode = b[i++];
		}
	}

	TRY(pre_modrm_rules(&in, b, avail, i));
	if ((attr & OP_INVALID) || (long64 && (attr & OP_INV64)))
		TRY(X86_DECODE_INVALID);

	bool osz = in.prefixes & X86_PFX_OPSIZE, asz = in.prefixes & X86_PFX_ADSIZE;
	in.op_size = operand_size(attr, mode, osz, in.rex);
	if (long64)
		in.addr_size = asz ? 4 : 8;
	else if (mode == CPU_MODE_PROT32)
		in.addr_size = asz ? 2 : 4;
	else
		in.addr_size = asz ? 4 : 2;
	if (attr & OP_REGOP)
		in.reg = (uint8_t)((in.opcode & 7) | (in.rex & X86_REX_B ? 8 : 0));

	unsigned disp_size = 0, imm_size = 0, imm2_size = 0;
	if (attr & OP_MODRM) {
		TRY(need(i + 1, avail));
		in.has_modrm = true;
		in.modrm = b[i++];
		in.mod = (attr & OP_CTLREG) ? 3 : in.modrm >> 6;
		in.reg = (uint8_t)(((in.modrm >> 3) & 7) | (in.rex & X86_REX_R ? 8 : 0));
		if (in.mod == 3)
			in.rm = (uint8_t)((in.modrm & 7) | (in.rex & X86_REX_B ? 8 : 0));
		else
			TRY(decode_mem(b, avail, &i, &in, &disp_size));
	}
	if (attr & OP_IMM8)
		imm_size = 1;
	else if (attr & OP_IMMZ)
		imm_size = in.op_size == 2 ? 2 : 4;
	else if (attr & OP_IMMV)
		imm_size = in.op_size;
	else if (attr & OP_IMM16)
		imm_size = 2;
	else if (attr & OP_ENTER)
		imm_size = 2, imm2_size = 1;
	else if (attr & OP_FARPTR)
		imm_size = in.op_size, imm2_size = 2;
	if (attr & OP_MOFFS) {
		in.has_mem = true;
		in.base = in.index = X86_REG_NONE;
		in.scale = 1;
		disp_size = in.addr_size;
	}
	if (attr & OP_SPECIAL)
		TRY(group_rules(&in, &imm_size, &imm2_size));

	TRY(need(i + disp_size + imm_size + imm2_size, avail));
	if (attr & OP_MOFFS)
		in.disp = read_unsigned(&b[i], disp_size);
	else
		in.disp = read_signed(&b[i], disp_size);
	i += disp_size;
	in.imm = (int64_t)read_signed(&b[i], imm_size);
	i += imm_size;
	in.imm2 = (uint16_t)read_unsigned(&b[i], imm2_size);
	i += imm2_size;
	in.disp_size = (uint8_t)disp_size;
	in.imm_size = (uint8_t)imm_size;

	/* The segment: an override that counts, else SS for an rBP/rSP base
	 * (APM Vol. 1, 4.7.2 / Intel SDM Vol. 1, 3.7.4 Table 3-5), else DS. */
	if (seg >= 0) {
		in.seg = (uint8_t)seg;
		in.prefixes |= X86_PFX_SEG;
	} else if (in.has_mem && (in.base == X86_RSP || in.base == X86_RBP)) {
		in.seg = X86_SEG_SS;
	} else {
		in.seg = X86_SEG_DS;
	}
	in.len = (uint8_t)i;
	*out = in;
	return X86_DECODE_OK;
}

/* The LAPIC EOI fast path. Bytes after the ModRM by (mod << 3 | rm), from
 * the same tables as decode_mem() (APM Vol. 3, Tables 1-12 and 1-14):
 * 32/64-bit addressing counts the SIB (rm = 100) and its displacement, but
 * not the extra disp32 of a SIB whose base is 101 under mod = 00; 16-bit
 * addressing has [disp16] at mod = 00 rm = 110. Row mod = 11 is refused
 * before the lookup. */
static const uint8_t after_modrm32[24] = {
	0, 0, 0, 0, 1, 4, 0, 0,  1, 1, 1, 1, 2, 1, 1, 1,  4, 4, 4, 4, 5, 4, 4, 4,
};
static const uint8_t after_modrm16[24] = {
	0, 0, 0, 0, 0, 0, 2, 0,  1, 1, 1, 1, 1, 1, 1, 1,  2, 2, 2, 2, 2, 2, 2, 2,
};

bool x86_decode_mov_store_general(const uint8_t *b, size_t n, enum cpu_mode mode,
			  unsigned *len, unsigned *src_reg, unsigned *size)
{
	/* At most 9 bytes (66 REX 89 ModRM SIB disp32): never near the 15-byte
	 * limit. With n >= 2, p[0] and p[1] can be read before the checks. */
	const uint8_t *p = b, *end = b + n;
	bool a16 = mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16;
	unsigned opsize = a16 ? 2 : 4, rex = 0;

	if (n < 2)
		return false;
	if (*p == 0x66) {
		p++;
		opsize ^= 6;   /* 2 <-> 4 */
	}
	if (mode == CPU_MODE_LONG64 && (*p & 0xf0) == 0x40)
		rex = *p++;
	if (end - p < 2 || p[0] != 0x89 || p[1] >= 0xc0)
		return false;
	unsigned modrm = p[1];
	p += 2;
	if (a16) {
		p += after_modrm16[((modrm >> 3) & 0x18) | (modrm & 7)];
	} else {
		if ((modrm & 0xc7) == 0x04 && p < end && (*p & 7) == 5)
			p += 4;   /* SIB, mod = 00, base = 101: no base, disp32 */
		p += after_modrm32[((modrm >> 3) & 0x18) | (modrm & 7)];
	}
	*len = (unsigned)(p - b);
	*src_reg = ((modrm >> 3) & 7) | ((rex & X86_REX_R) << 1);
	*size = (rex & X86_REX_W) ? 8 : opsize;
	return p <= end;
}

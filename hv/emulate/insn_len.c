/* hv/emulate/insn_len.c - Length decoder for the x86 instructions the hypervisor intercepts.
 *
 * The instruction format is AMD APM Vol. 3, chapter 1 ("Instruction
 * Encoding"): legacy prefixes, an optional REX prefix (64-bit mode only),
 * the opcode (one byte, or 0F and a second byte), ModRM, SIB, displacement
 * and immediate. Only the opcodes listed in insn_len.h are accepted; anything
 * else returns 0 so the caller never advances RIP past bytes it did not
 * understand. */
#include "hv/emulate/insn_len.h"

static const char *const insn_names[INSN_COUNT] = {
	[INSN_NONE] = "none",
	[INSN_CPUID] = "cpuid", [INSN_RDMSR] = "rdmsr", [INSN_WRMSR] = "wrmsr",
	[INSN_RDTSC] = "rdtsc", [INSN_RDTSCP] = "rdtscp", [INSN_RDPMC] = "rdpmc",
	[INSN_HLT] = "hlt", [INSN_INVD] = "invd", [INSN_WBINVD] = "wbinvd",
	[INSN_PAUSE] = "pause",
	[INSN_VMRUN] = "vmrun", [INSN_VMMCALL] = "vmmcall", [INSN_VMLOAD] = "vmload",
	[INSN_VMSAVE] = "vmsave", [INSN_STGI] = "stgi", [INSN_CLGI] = "clgi",
	[INSN_SKINIT] = "skinit", [INSN_INVLPGA] = "invlpga",
	[INSN_MONITOR] = "monitor", [INSN_MONITORX] = "monitorx",
	[INSN_MWAIT] = "mwait", [INSN_MWAITX] = "mwaitx", [INSN_XSETBV] = "xsetbv",
	[INSN_INVLPG] = "invlpg",
	[INSN_IN8_IMM] = "in8-imm", [INSN_IN_IMM] = "in-imm",
	[INSN_OUT8_IMM] = "out8-imm", [INSN_OUT_IMM] = "out-imm",
	[INSN_IN8_DX] = "in8-dx", [INSN_IN_DX] = "in-dx",
	[INSN_OUT8_DX] = "out8-dx", [INSN_OUT_DX] = "out-dx",
	[INSN_INS8] = "ins8", [INSN_INS] = "ins", [INSN_OUTS8] = "outs8", [INSN_OUTS] = "outs",
	[INSN_MOV_FROM_CR] = "mov-from-cr", [INSN_MOV_TO_CR] = "mov-to-cr",
	[INSN_INT3] = "int3", [INSN_INT] = "int", [INSN_INTO] = "into", [INSN_IRET] = "iret",
	[INSN_UD2] = "ud2",
	[INSN_MOV_STORE8] = "mov-store8", [INSN_MOV_STORE] = "mov-store",
	[INSN_MOV_LOAD8] = "mov-load8", [INSN_MOV_LOAD] = "mov-load",
	[INSN_MOV_STORE8_IMM] = "mov-store8-imm", [INSN_MOV_STORE_IMM] = "mov-store-imm",
	[INSN_MOV_LOAD8_MOFFS] = "mov-load8-moffs", [INSN_MOV_LOAD_MOFFS] = "mov-load-moffs",
	[INSN_MOV_STORE8_MOFFS] = "mov-store8-moffs", [INSN_MOV_STORE_MOFFS] = "mov-store-moffs",
	[INSN_MOVZX8] = "movzx8", [INSN_MOVZX16] = "movzx16",
	[INSN_MOVSX8] = "movsx8", [INSN_MOVSX16] = "movsx16",
};

const char *insn_id_name(enum insn_id id)
{
	if ((unsigned)id >= INSN_COUNT || !insn_names[id])
		return "?";
	return insn_names[id];
}

/* The legacy prefixes of APM Vol. 3, 1.2 "Instruction Prefixes": operand
 * size, address size, LOCK, REP/REPNE and the six segment overrides. */
static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

/* The bytes the 0F 01 group encodes with ModRM.mod = 11 that we accept:
 * APM Vol. 3 Table A-7 ("ModRM.reg Extensions for the Secondary Opcode
 * Map"), group 7. */
static enum insn_id group7_reg_form(uint8_t modrm)
{
	switch (modrm) {
	case 0xc8: return INSN_MONITOR;
	case 0xc9: return INSN_MWAIT;
	case 0xd1: return INSN_XSETBV;
	case 0xd8: return INSN_VMRUN;
	case 0xd9: return INSN_VMMCALL;
	case 0xda: return INSN_VMLOAD;
	case 0xdb: return INSN_VMSAVE;
	case 0xdc: return INSN_STGI;
	case 0xdd: return INSN_CLGI;
	case 0xde: return INSN_SKINIT;
	case 0xdf: return INSN_INVLPGA;
	case 0xf9: return INSN_RDTSCP;
	case 0xfa: return INSN_MONITORX;
	case 0xfb: return INSN_MWAITX;
	default:   return INSN_NONE;
	}
}

/* Steps *pos past a ModRM byte and the SIB byte and displacement it implies.
 * *pos indexes the ModRM byte; limit is how many bytes may be used in all.
 * False if they do not fit. Addressing forms: APM Vol. 3, 1.4 "ModRM and SIB
 * Bytes", Tables 1-12 (16-bit) and 1-14/1-16 (32/64-bit). In 64-bit mode
 * mod=00 rm=101 is RIP-relative with a disp32, the same length as the 32-bit
 * absolute form; REX.B does not change which forms carry a SIB or disp. */
static bool skip_modrm(const uint8_t *b, size_t limit, size_t *pos, unsigned addr_size)
{
	size_t i = *pos;
	if (i >= limit)
		return false;
	uint8_t modrm = b[i++];
	unsigned mod = modrm >> 6, rm = modrm & 7;
	size_t disp = 0;

	if (mod == 3) {
		/* register operand: nothing follows */
	} else if (addr_size == 16) {
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || rm == 6)   /* mod=00 rm=110 is [disp16] */
			disp = 2;
	} else {
		if (rm == 4) {                    /* a SIB byte follows */
			if (i >= limit)
				return false;
			uint8_t sib = b[i++];
			if (mod == 0 && (sib & 7) == 5)   /* base=101, mod=00: no base, disp32 */
				disp = 4;
		} else if (mod == 0 && rm == 5) { /* disp32 (RIP-relative in 64-bit mode) */
			disp = 4;
		}
		if (mod == 1)
			disp = 1;
		else if (mod == 2)
			disp = 4;
	}
	i += disp;
	if (i > limit)
		return false;
	*pos = i;
	return true;
}

/* The two-byte opcodes 0F xx; *pos indexes the byte after 0F. Returns the id
 * and advances *pos past the instruction, or INSN_NONE. */
static enum insn_id decode_0f(const uint8_t *b, size_t limit, size_t *pos, unsigned addr_size)
{
	size_t i = *pos;
	if (i >= limit)
		return INSN_NONE;
	uint8_t op = b[i++];
	enum insn_id id = INSN_NONE;

	switch (op) {
	case 0xa2: id = INSN_CPUID; break;
	case 0x32: id = INSN_RDMSR; break;
	case 0x30: id = INSN_WRMSR; break;
	case 0x31: id = INSN_RDTSC; break;
	case 0x33: id = INSN_RDPMC; break;
	case 0x08: id = INSN_INVD; break;
	case 0x09: id = INSN_WBINVD; break;
	case 0x0b: id = INSN_UD2; break;
	case 0x01: {
		if (i >= limit)
			return INSN_NONE;
		uint8_t modrm = b[i];
		if ((modrm >> 6) == 3) {
			id = group7_reg_form(modrm);
			i++;
		} else if (((modrm >> 3) & 7) == 7) {
			/* INVLPG m: 0F 01 /7 with a memory operand (with mod=11,
			 * /7 is SWAPGS, RDTSCP, MONITORX, ...). */
			if (!skip_modrm(b, limit, &i, addr_size))
				return INSN_NONE;
			id = INSN_INVLPG;
		}
		break;
	}
	case 0x20:
	case 0x22:
		/* MOV CRn: the mod field is ignored and the operand is always a
		 * register (Intel SDM Vol. 2B, "MOV - Move to/from Control
		 * Registers"; APM Vol. 3, "MOV (CRn)"): no SIB or displacement. */
		if (i >= limit)
			return INSN_NONE;
		i++;
		id = op == 0x20 ? INSN_MOV_FROM_CR : INSN_MOV_TO_CR;
		break;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		if (!skip_modrm(b, limit, &i, addr_size))
			return INSN_NONE;
		id = op == 0xb6 ? INSN_MOVZX8 : op == 0xb7 ? INSN_MOVZX16 :
		     op == 0xbe ? INSN_MOVSX8 : INSN_MOVSX16;
		break;
	default:
		break;
	}
	if (id != INSN_NONE)
		*pos = i;
	return id;
}

/* The segment register a prefix byte overrides to, or -1 (ES=0 ... GS=5). */
static int segment_override(uint8_t b)
{
	switch (b) {
	case 0x26: return 0;
	case 0x2e: return 1;
	case 0x36: return 2;
	case 0x3e: return 3;
	case 0x64: return 4;
	case 0x65: return 5;
	default: return -1;
	}
}

unsigned insn_length(const uint8_t *bytes, size_t avail, enum cpu_mode mode, enum insn_id *opcode_out)
{
	struct insn_info info;
	unsigned len = insn_decode(bytes, avail, mode, &info);

	if (opcode_out)
		*opcode_out = info.id;
	return len;
}

unsigned insn_decode(const uint8_t *bytes, size_t avail, enum cpu_mode mode, struct insn_info *out)
{
	out->id = INSN_NONE;
	out->addr_size = 0;
	out->seg = -1;
	if (!bytes)
		return 0;

	/* Never look past 15 bytes: a longer instruction raises #GP, so
	 * anything that needs more is reported as unsupported. */
	size_t limit = MIN(avail, (size_t)INSN_MAX_LEN);
	bool long64 = mode == CPU_MODE_LONG64;
	bool osz = false, asz = false, rep = false;
	int seg = -1;
	uint8_t rex = 0;
	size_t i;

	/* Prefixes. A REX prefix counts only when it is the last byte before
	 * the opcode; a legacy prefix after it makes it ignored (APM Vol. 3,
	 * 1.2.7 "REX Prefix"). Outside 64-bit mode 40-4F are INC/DEC. */
	for (i = 0; i < limit; i++) {
		uint8_t b = bytes[i];
		if (is_legacy_prefix(b)) {
			if (b == 0x66)
				osz = true;
			else if (b == 0x67)
				asz = true;
			else if (b == 0xf3)
				rep = true;
			else if (segment_override(b) >= 0)
				seg = segment_override(b);   /* the last one counts */
			rex = 0;
			continue;
		}
		if (long64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}
	if (i >= limit)
		return 0;   /* only prefixes: truncated, or more than 15 bytes */

	/* Effective sizes: APM Vol. 3, 1.2.2 and 1.2.3 (Tables 1-3 and 1-4).
	 * In 64-bit mode REX.W wins over 66 and 67 selects 32-bit addresses;
	 * elsewhere 66 and 67 toggle between 16 and 32 bits. */
	unsigned op_size, addr_size;
	if (long64) {
		op_size = (rex & 0x08) ? 64 : osz ? 16 : 32;
		addr_size = asz ? 32 : 64;
	} else {
		unsigned def = mode == CPU_MODE_PROT32 ? 32 : 16;
		op_size = osz ? (def == 32 ? 16 : 32) : def;
		addr_size = asz ? (def == 32 ? 16 : 32) : def;
	}

	uint8_t op = bytes[i++];
	enum insn_id id = INSN_NONE;
	size_t imm = 0;

	switch (op) {
	case 0x0f:
		id = decode_0f(bytes, limit, &i, addr_size);
		break;
	case 0xf4: id = INSN_HLT; break;
	case 0x90:
		/* PAUSE is F3 90; with REX.B the 90 is XCHG r8, rAX instead. */
		if (rep && !(rex & 0x01))
			id = INSN_PAUSE;
		break;
	case 0xe4: id = INSN_IN8_IMM; imm = 1; break;
	case 0xe5: id = INSN_IN_IMM; imm = 1; break;
	case 0xe6: id = INSN_OUT8_IMM; imm = 1; break;
	case 0xe7: id = INSN_OUT_IMM; imm = 1; break;
	case 0xec: id = INSN_IN8_DX; break;
	case 0xed: id = INSN_IN_DX; break;
	case 0xee: id = INSN_OUT8_DX; break;
	case 0xef: id = INSN_OUT_DX; break;
	case 0x6c: id = INSN_INS8; break;
	case 0x6d: id = INSN_INS; break;
	case 0x6e: id = INSN_OUTS8; break;
	case 0x6f: id = INSN_OUTS; break;
	case 0xcc: id = INSN_INT3; break;
	case 0xcd: id = INSN_INT; imm = 1; break;
	case 0xce:
		/* INTO is invalid (#UD) in 64-bit mode (APM Vol. 3, "INTO"). */
		if (!long64)
			id = INSN_INTO;
		break;
	case 0xcf: id = INSN_IRET; break;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		if (!skip_modrm(bytes, limit, &i, addr_size))
			return 0;
		id = op == 0x88 ? INSN_MOV_STORE8 : op == 0x89 ? INSN_MOV_STORE :
		     op == 0x8a ? INSN_MOV_LOAD8 : INSN_MOV_LOAD;
		break;
	case 0xc6: case 0xc7:
		/* MOV r/m, imm is /0 only (C6 F8 and C7 F8 are XABORT and
		 * XBEGIN). The immediate of C7 is 16 or 32 bits: with REX.W it
		 * stays 32 bits, sign-extended (APM Vol. 3, 1.5 "Immediate"). */
		if (i >= limit || ((bytes[i] >> 3) & 7) != 0)
			return 0;
		if (!skip_modrm(bytes, limit, &i, addr_size))
			return 0;
		if (op == 0xc6) {
			id = INSN_MOV_STORE8_IMM;
			imm = 1;
		} else {
			id = INSN_MOV_STORE_IMM;
			imm = op_size == 16 ? 2 : 4;
		}
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* The moffs is as wide as the address size: 2, 4 or 8 bytes
		 * (APM Vol. 3, "MOV"; 64-bit mode: 2.2.1 "Displacement"). */
		id = op == 0xa0 ? INSN_MOV_LOAD8_MOFFS : op == 0xa1 ? INSN_MOV_LOAD_MOFFS :
		     op == 0xa2 ? INSN_MOV_STORE8_MOFFS : INSN_MOV_STORE_MOFFS;
		imm = addr_size / 8;
		break;
	default:
		break;
	}
	if (id == INSN_NONE)
		return 0;
	i += imm;
	if (i > limit)
		return 0;
	out->id = id;
	out->addr_size = addr_size / 8;
	out->seg = seg;
	return (unsigned)i;
}

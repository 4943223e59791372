/* hv/emulate/decode.h - x86 instruction decoder: prefixes, REX, opcode maps
 * 1 / 0F (and the 0F 38 / 0F 3A escapes), ModRM, SIB, displacement and
 * immediates, into a struct x86_insn the MMIO emulator (emulate.h) works on.
 *
 * The format is AMD APM Vol. 3, chapter 1 "Instruction Encoding" and
 * Appendix A "Opcode and Operand Encodings" (Intel SDM Vol. 2, chapter 2
 * and Appendix A say the same). Pure logic on a byte buffer: the caller
 * fetches up to 15 bytes at the guest's CS:RIP and passes them in; nothing
 * here reads guest memory, the VMCB or device state. Host-tested against
 * nasm (tests/unit/test_decode_oracle.c).
 *
 * Where AMD and Intel differ the decoder follows AMD (this hypervisor runs
 * on SVM): 66 shortens near branches in 64-bit mode to 16 bits; 0F 78/79
 * are SSE4a EXTRQ/INSERTQ (with 66/F2), not VMREAD/VMWRITE; XOP (8F /1-7),
 * 3DNow! (0F 0F, 0F 0E) and TSX (C6 F8, C7 F8) are #UD, as on Zen.
 *
 * Not decoded (X86_DECODE_UNSUPPORTED): VEX (C4/C5), EVEX (62) encodings.
 * Not checked: whether every ModRM.reg extension and mandatory-prefix form
 * of the 0F map exists; such an instruction is decoded by its shape (it
 * raises #UD on hardware before any memory access, so it never reaches the
 * MMIO emulator except through a guest that rewrote its code). */
#ifndef HV_EMULATE_DECODE_H
#define HV_EMULATE_DECODE_H

#include "lib/types.h"
#include "hv/emulate/insn_len.h"   /* enum cpu_mode, INSN_MAX_LEN */

/* General registers in x86 encoding order (ModRM.reg/rm with REX.R/B). */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_GPR_COUNT
};
#define X86_REG_RIP  16     /* as a base: RIP-relative (64-bit mode, mod=00 rm=101) */
#define X86_REG_NONE 0xff   /* no base / no index */

/* Segment registers in encoding order (the Sreg field of MOV Sreg). */
enum x86_seg { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS, X86_SEG_COUNT };

enum x86_map { X86_MAP_1BYTE, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

/* Legacy prefixes seen (APM Vol. 3, 1.2). X86_PFX_SEG: a segment override
 * that counts (in 64-bit mode only FS and GS do: 26/2E/36/3E are ignored
 * there even after a 64/65, APM Vol. 3, 1.2.4). */
#define X86_PFX_LOCK   BIT(0)   /* F0 */
#define X86_PFX_REP    BIT(1)   /* F3 REP/REPE */
#define X86_PFX_REPNE  BIT(2)   /* F2 REPNE */
#define X86_PFX_OPSIZE BIT(3)   /* 66 */
#define X86_PFX_ADSIZE BIT(4)   /* 67 */
#define X86_PFX_SEG    BIT(5)

/* REX bits (APM Vol. 3, 1.2.7). rex is 0 when there is none or it does
 * not apply (not the last byte before the opcode: then it is ignored). */
#define X86_REX_B 0x01
#define X86_REX_X 0x02
#define X86_REX_R 0x04
#define X86_REX_W 0x08

/* Laid out without padding (wide fields first) so two decodes compare
 * with memcmp. */
struct x86_insn {
	uint64_t disp;        /* sign-extended displacement; a moffs zero-extended */
	int64_t imm;          /* the first immediate, sign-extended from imm_size */
	uint16_t imm2;        /* the second: ENTER's imm8, a far pointer's selector,
	                       * EXTRQ/INSERTQ's second imm8 */
	uint8_t len;          /* bytes, 1-15 */
	uint8_t mode;         /* enum cpu_mode it was decoded in */
	uint8_t map;          /* enum x86_map */
	uint8_t opcode;       /* the opcode byte within its map */
	uint8_t prefixes;     /* X86_PFX_* */
	uint8_t rex;          /* the REX byte that applies (0x40-0x4f), or 0 */
	uint8_t op_size;      /* operand size in bytes: 1, 2, 4, 8 (the destination's for MOVZX/MOVSX) */
	uint8_t addr_size;    /* address size in bytes: 2, 4, 8 */
	bool has_modrm;
	uint8_t modrm;        /* the raw byte */
	uint8_t mod;          /* ModRM.mod; 3 for MOV CRn/DRn whatever the byte says */
	uint8_t reg;          /* ModRM.reg | REX.R; for opcodes that name a register in their
	                       * low three bits (40+r, 50+r, 90+r, B0+r, B8+r, 0F C8+r): that | REX.B */
	uint8_t rm;           /* ModRM.rm | REX.B when mod = 3 (a register operand) */
	bool has_sib;
	uint8_t sib;
	/* The memory operand (ModRM with mod != 3, or the moffs of A0-A3):
	 * effective address = base + index * scale + disp, truncated to
	 * addr_size; base X86_REG_RIP means the address of the next instruction. */
	bool has_mem;
	uint8_t base;         /* 0-15, X86_REG_RIP or X86_REG_NONE */
	uint8_t index;        /* 0-15 or X86_REG_NONE */
	uint8_t scale;        /* 1, 2, 4, 8 */
	uint8_t seg;          /* enum x86_seg: the override that counts, else the default
	                       * (SS for a BP/SP base, else DS; DS for string sources) */
	uint8_t disp_size;    /* bytes of displacement or moffs: 0, 1, 2, 4, 8 */
	uint8_t imm_size;     /* bytes of the first immediate: 0, 1, 2, 4, 8 */
};
_Static_assert(sizeof(struct x86_insn) == 40, "struct x86_insn has no padding");

enum x86_decode_status {
	X86_DECODE_OK,
	X86_DECODE_TRUNCATED,    /* the bytes end inside the instruction, before its
	                          * length is known to pass 15 */
	X86_DECODE_TOO_LONG,     /* more than 15 bytes: #GP on hardware */
	X86_DECODE_INVALID,      /* an opcode that is #UD in this mode */
	X86_DECODE_UNSUPPORTED,  /* VEX / EVEX: not decoded here */
};

/* Decodes the instruction at bytes[0..n) in mode. Never reads more than
 * min(n, 15) bytes. *out is filled on X86_DECODE_OK, zeroed (len 0)
 * otherwise. */
enum x86_decode_status x86_decode(const uint8_t *bytes, size_t n, enum cpu_mode mode, struct x86_insn *out);

/* "ok", "truncated", ...; "?" for a value out of range. */
const char *x86_decode_status_name(enum x86_decode_status s);

/* The decoder of the LAPIC EOI write's fast path (opcode 89, MOV r/m, reg, with a
 * memory operand in any ModRM/SIB/displacement form, optionally after one
 * 66 and, in 64-bit mode, one REX): true and the instruction's length, the
 * source register number (0-15) and the store's size in bytes (2, 4, 8).
 * False for anything else (other prefixes, 67, a register destination,
 * too few bytes): use x86_decode() then; the outputs are unspecified.
 * No loop, one 24-byte table lookup: 77 instructions executed for
 * `mov %eax, 0xb0(%rdx)` (host gcc -O2, 14 of them saving registers),
 * a third of what x86_decode() takes. Call it as x86_decode_mov_store(). */
bool x86_decode_mov_store_general(const uint8_t *bytes, size_t n, enum cpu_mode mode, unsigned *len,
				  unsigned *src_reg, unsigned *size);
/* x86_decode_mov_store: the plain 32/64-bit forms inline (no prefix, no
 * SIB: `mov %reg, disp(%base)`, `mov %reg, (%base)`, an absolute or
 * RIP-relative disp32), a dozen instructions; the rest out of line. */
static inline bool x86_decode_mov_store(const uint8_t *bytes, size_t n, enum cpu_mode mode, unsigned *len,
					unsigned *src_reg, unsigned *size)
{
	if (n >= 6 && bytes[0] == 0x89 && (mode == CPU_MODE_PROT32 || mode == CPU_MODE_LONG64)) {
		unsigned modrm = bytes[1], mod = modrm >> 6, rm = modrm & 7;
		if (mod != 3 && rm != 4) {
			*len = 2 + (mod == 1 ? 1u : mod == 2 || rm == 5 ? 4u : 0u);
			*src_reg = (modrm >> 3) & 7;
			*size = 4;
			return true;
		}
	}
	return x86_decode_mov_store_general(bytes, n, mode, len, src_reg, size);
}

#endif

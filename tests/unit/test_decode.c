/* tests/unit/test_decode.c - The x86 decoder on hand-assembled encodings:
 * prefix and REX rules, addressing forms, immediates, operand and address
 * sizes, segments, invalid and truncated input, the 15-byte limit. The
 * nasm-generated cases are in test_decode_oracle.c, random input in
 * test_decode_fuzz.c. */
/* UNIT_SRC: hv/emulate/decode.c hv/emulate/decode_tables.c */
#include "test.h"
#include "hv/emulate/decode.h"

#define R   CPU_MODE_REAL
#define P16 CPU_MODE_PROT16
#define P32 CPU_MODE_PROT32
#define L64 CPU_MODE_LONG64
#define NONE X86_REG_NONE

static struct x86_insn insn;

/* Decodes the bytes in mode into insn; the status. */
#define DEC(mode, ...) \
	x86_decode((const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), (mode), &insn)

/* Every byte count short of a decodable instruction is TRUNCATED (or
 * TOO_LONG when its length is already known to pass 15), never OK. */
static void expect_truncations(const uint8_t *b, size_t len, enum cpu_mode mode)
{
	struct x86_insn t;
	for (size_t k = 0; k < len; k++) {
		enum x86_decode_status s = x86_decode(b, k, mode, &t);
		EXPECT_TRUE(s == X86_DECODE_TRUNCATED);
		EXPECT_EQ(t.len, 0);
	}
}

/* The memory operand of the last decode. */
static void expect_mem(unsigned base, unsigned index, unsigned scale, uint64_t disp, unsigned seg)
{
	EXPECT_TRUE(insn.has_mem);
	EXPECT_EQ(insn.base, base);
	EXPECT_EQ(insn.index, index);
	EXPECT_EQ(insn.scale, scale);
	EXPECT_EQ(insn.disp, disp);
	EXPECT_EQ(insn.seg, seg);
}

static void test_operand_and_address_size_by_mode(void)
{
	/* mov [bx+si], ax / eax */
	EXPECT_EQ(DEC(R, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 2);
	EXPECT_EQ(insn.op_size, 2);
	EXPECT_EQ(insn.addr_size, 2);
	EXPECT_EQ(DEC(P16, 0x66, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 4);
	EXPECT_EQ(insn.addr_size, 2);
	EXPECT_EQ(DEC(R, 0x67, 0x89, 0x00), X86_DECODE_OK);   /* [eax] */
	EXPECT_EQ(insn.addr_size, 4);
	expect_mem(X86_RAX, NONE, 1, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 4);
	EXPECT_EQ(insn.addr_size, 4);
	EXPECT_EQ(DEC(P32, 0x66, 0x67, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 2);
	EXPECT_EQ(insn.addr_size, 2);
	expect_mem(X86_RBX, X86_RSI, 1, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 4);
	EXPECT_EQ(insn.addr_size, 8);
	EXPECT_EQ(DEC(L64, 0x67, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.addr_size, 4);
	EXPECT_EQ(DEC(L64, 0x66, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 2);
	EXPECT_EQ(DEC(L64, 0x66, 0x48, 0x89, 0x00), X86_DECODE_OK);   /* REX.W beats 66 */
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(DEC(L64, 0x88, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 1);
	EXPECT_EQ(DEC(L64, 0x48, 0x88, 0x00), X86_DECODE_OK);         /* byte ops stay bytes */
	EXPECT_EQ(insn.op_size, 1);
	/* 64-bit default operand size: PUSH r, near branches; 66 gives 16 */
	EXPECT_EQ(DEC(L64, 0x50), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(DEC(L64, 0x66, 0x50), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 2);
	EXPECT_EQ(DEC(L64, 0xff, 0x30), X86_DECODE_OK);               /* push qword [rax] */
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(DEC(L64, 0xff, 0x00), X86_DECODE_OK);               /* inc dword [rax] */
	EXPECT_EQ(insn.op_size, 4);
	/* MOV CRn: 64-bit in long mode, 32 elsewhere, whatever 66 says */
	EXPECT_EQ(DEC(L64, 0x0f, 0x20, 0xc0), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(DEC(R, 0x66, 0x0f, 0x20, 0xc0), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 4);
}

static void test_rex_rules(void)
{
	/* REX.R/X/B extend reg, index, base */
	EXPECT_EQ(DEC(L64, 0x4f, 0x89, 0x44, 0xc8, 0x10), X86_DECODE_OK);  /* mov [r8+r9*8+16], r8 */
	EXPECT_EQ(insn.rex, 0x4f);
	EXPECT_EQ(insn.reg, 8);
	expect_mem(X86_R8, X86_R9, 8, 16, X86_SEG_DS);
	/* REX then a legacy prefix: the REX is ignored (APM Vol. 3, 1.2.7) */
	EXPECT_EQ(DEC(L64, 0x4d, 0x66, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(insn.rex, 0);
	EXPECT_EQ(insn.op_size, 2);
	EXPECT_EQ(insn.reg, 0);
	expect_mem(X86_RAX, NONE, 1, 0, X86_SEG_DS);
	/* two REX: the last one counts */
	EXPECT_EQ(DEC(L64, 0x48, 0x41, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.rex, 0x41);
	EXPECT_EQ(insn.op_size, 4);
	expect_mem(X86_R8, NONE, 1, 0, X86_SEG_DS);
	/* index 100 is "none" without REX.X, R12 with it */
	EXPECT_EQ(DEC(L64, 0x8b, 0x04, 0x20), X86_DECODE_OK);
	expect_mem(X86_RAX, NONE, 1, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x42, 0x8b, 0x04, 0x60), X86_DECODE_OK);
	expect_mem(X86_RAX, X86_R12, 2, 0, X86_SEG_DS);
	/* REX.B does not change the special cases: SIB base 101 mod 00 is
	 * still "no base + disp32", rm 101 mod 00 still RIP-relative */
	EXPECT_EQ(DEC(L64, 0x41, 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 8);
	expect_mem(NONE, NONE, 1, 0x12345678, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x41, 0x8b, 0x05, 0xfc, 0xff, 0xff, 0xff), X86_DECODE_OK);
	expect_mem(X86_REG_RIP, NONE, 1, (uint64_t)-4, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x41, 0x8b, 0x45, 0x00), X86_DECODE_OK);   /* [r13+0] */
	expect_mem(X86_R13, NONE, 1, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x41, 0x8b, 0x04, 0x24), X86_DECODE_OK);   /* [r12]: needs the SIB */
	EXPECT_EQ(insn.len, 4);
	expect_mem(X86_R12, NONE, 1, 0, X86_SEG_DS);
	/* register operands */
	EXPECT_EQ(DEC(L64, 0x45, 0x89, 0xc1), X86_DECODE_OK);         /* mov r9d, r8d */
	EXPECT_TRUE(!insn.has_mem);
	EXPECT_EQ(insn.reg, 8);
	EXPECT_EQ(insn.rm, 9);
	/* registers in the opcode */
	EXPECT_EQ(DEC(L64, 0x49, 0xbf, 1, 2, 3, 4, 5, 6, 7, 8), X86_DECODE_OK);   /* mov r15, imm64 */
	EXPECT_EQ(insn.len, 10);
	EXPECT_EQ(insn.reg, 15);
	EXPECT_EQ(insn.imm_size, 8);
	EXPECT_EQ((uint64_t)insn.imm, 0x0807060504030201ull);
	/* outside 64-bit mode 40-4F are INC/DEC */
	EXPECT_EQ(DEC(P32, 0x48, 0x89, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 1);
	EXPECT_EQ(insn.opcode, 0x48);
	EXPECT_EQ(insn.reg, 0);
	EXPECT_EQ(insn.rex, 0);
	/* a REX alone, or REX + prefixes, is truncated */
	EXPECT_EQ(DEC(L64, 0x48), X86_DECODE_TRUNCATED);
}

static void test_segments(void)
{
	/* default: DS; SS for a BP/SP base */
	EXPECT_EQ(DEC(R, 0x8b, 0x02), X86_DECODE_OK);   /* [bp+si] */
	expect_mem(X86_RBP, X86_RSI, 1, 0, X86_SEG_SS);
	EXPECT_EQ(DEC(R, 0x8b, 0x46, 0xfe), X86_DECODE_OK);   /* [bp-2] */
	expect_mem(X86_RBP, NONE, 1, (uint64_t)-2, X86_SEG_SS);
	EXPECT_EQ(DEC(R, 0x8b, 0x06, 0xfe, 0xff), X86_DECODE_OK);   /* [0xfffe]: not BP */
	expect_mem(NONE, NONE, 1, (uint64_t)-2, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x04, 0x24), X86_DECODE_OK);       /* [esp] */
	EXPECT_EQ(insn.seg, X86_SEG_SS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x04, 0x2c), X86_DECODE_OK);       /* [esp+ebp]: base esp */
	expect_mem(X86_RSP, X86_RBP, 1, 0, X86_SEG_SS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x04, 0x28), X86_DECODE_OK);       /* [eax+ebp]: index ebp, DS */
	expect_mem(X86_RAX, X86_RBP, 1, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x04, 0x6d, 0, 0, 0, 0), X86_DECODE_OK);  /* [ebp*2+0]: no base */
	expect_mem(NONE, X86_RBP, 2, 0, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x44, 0x25, 0x08), X86_DECODE_OK); /* [ebp+8] via SIB */
	expect_mem(X86_RBP, NONE, 1, 8, X86_SEG_SS);
	EXPECT_EQ(DEC(L64, 0x41, 0x8b, 0x04, 0x24), X86_DECODE_OK); /* [r12]: DS */
	EXPECT_EQ(insn.seg, X86_SEG_DS);
	/* overrides outside 64-bit mode: the last one wins */
	EXPECT_EQ(DEC(P32, 0x26, 0x8b, 0x04, 0x24), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_ES);
	EXPECT_TRUE(insn.prefixes & X86_PFX_SEG);
	EXPECT_EQ(DEC(P32, 0x26, 0x64, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_FS);
	EXPECT_EQ(DEC(P32, 0x64, 0x2e, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_CS);
	EXPECT_EQ(DEC(R, 0x36, 0x8b, 0x07), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_SS);
	EXPECT_EQ(DEC(R, 0x3e, 0x8b, 0x46, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_DS);
	/* 64-bit mode: only FS and GS count, whatever comes after them */
	EXPECT_EQ(DEC(L64, 0x26, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_DS);
	EXPECT_TRUE(!(insn.prefixes & X86_PFX_SEG));
	EXPECT_EQ(DEC(L64, 0x3e, 0x8b, 0x45, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_SS);
	EXPECT_EQ(DEC(L64, 0x64, 0x26, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_FS);
	EXPECT_EQ(DEC(L64, 0x2e, 0x65, 0x36, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_GS);
	EXPECT_EQ(DEC(L64, 0x65, 0x64, 0x8b, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_FS);
	/* string instructions: the source's segment */
	EXPECT_EQ(DEC(L64, 0x65, 0xa4), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_GS);
	EXPECT_EQ(DEC(R, 0xa5), X86_DECODE_OK);
	EXPECT_EQ(insn.seg, X86_SEG_DS);
	EXPECT_TRUE(!insn.has_mem);
}

static void test_addr16_forms(void)
{
	static const uint8_t base[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX };
	static const uint8_t index[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI, NONE, NONE, NONE, NONE };
	for (unsigned mod = 0; mod < 3; mod++) {
		for (unsigned rm = 0; rm < 8; rm++) {
			uint8_t b[6] = { 0x8b, (uint8_t)(mod << 6 | 3 << 3 | rm), 0x80, 0x91, 0x90, 0x90 };
			EXPECT_EQ(x86_decode(b, sizeof(b), R, &insn), X86_DECODE_OK);
			bool abs16 = mod == 0 && rm == 6;
			unsigned disp = abs16 || mod == 2 ? 2 : mod;
			EXPECT_EQ(insn.len, 2 + disp);
			EXPECT_EQ(insn.reg, X86_RBX);
			EXPECT_EQ(insn.disp_size, disp);
			uint64_t want = disp == 1 ? (uint64_t)-128 : disp == 2 ? (uint64_t)(int16_t)0x9180 : 0;
			unsigned b0 = abs16 ? NONE : base[rm];
			expect_mem(b0, index[rm], 1, want, b0 == X86_RBP ? X86_SEG_SS : X86_SEG_DS);
			EXPECT_TRUE(!insn.has_sib);
			expect_truncations(b, insn.len, R);
		}
	}
}

static void test_addr32_forms(void)
{
	/* every ModRM with every SIB in 32-bit mode: the length follows the
	 * APM's tables; nothing is ever read beyond it */
	for (unsigned modrm = 0; modrm < 256; modrm++) {
		for (unsigned sib = 0; sib < 256; sib++) {
			uint8_t b[8] = { 0x8b, (uint8_t)modrm, (uint8_t)sib, 0x11, 0x22, 0x33, 0x44, 0x55 };
			unsigned mod = modrm >> 6, rm = modrm & 7;
			unsigned len = 2;
			if (mod != 3 && rm == 4)
				len++;
			if (mod == 1)
				len += 1;
			else if (mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && rm == 4 && (sib & 7) == 5))
				len += 4;
			EXPECT_EQ(x86_decode(b, sizeof(b), P32, &insn), X86_DECODE_OK);
			EXPECT_EQ(insn.len, len);
			EXPECT_EQ(insn.has_mem, mod != 3);
			EXPECT_EQ(insn.has_sib, mod != 3 && rm == 4);
			EXPECT_EQ(x86_decode(b, len - 1, P32, &insn), X86_DECODE_TRUNCATED);
			if (rm != 4 || mod == 3)
				break;   /* the SIB byte does not matter */
		}
	}
	/* disp32 absolute outside 64-bit mode, RIP-relative inside */
	EXPECT_EQ(DEC(P32, 0x8b, 0x05, 0x44, 0x33, 0x22, 0x11), X86_DECODE_OK);
	expect_mem(NONE, NONE, 1, 0x11223344, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x8b, 0x05, 0x44, 0x33, 0x22, 0x11), X86_DECODE_OK);
	expect_mem(X86_REG_RIP, NONE, 1, 0x11223344, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0x67, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x80), X86_DECODE_OK);   /* EIP-relative */
	expect_mem(X86_REG_RIP, NONE, 1, 0xffffffff80000000ull, X86_SEG_DS);
	EXPECT_EQ(insn.addr_size, 4);
	/* scales */
	EXPECT_EQ(DEC(P32, 0x8b, 0x44, 0xcb, 0x7f), X86_DECODE_OK);   /* [ebx+ecx*8+127] */
	expect_mem(X86_RBX, X86_RCX, 8, 127, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x8b, 0x84, 0x93, 0x00, 0x00, 0x00, 0x80), X86_DECODE_OK);
	expect_mem(X86_RBX, X86_RDX, 4, 0xffffffff80000000ull, X86_SEG_DS);
	/* MOV CRn ignores mod: no SIB, no displacement */
	EXPECT_EQ(DEC(L64, 0x0f, 0x22, 0x04, 0x24), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 3);
	EXPECT_TRUE(!insn.has_mem);
	EXPECT_EQ(insn.rm, 4);
	EXPECT_EQ(DEC(L64, 0x44, 0x0f, 0x20, 0xc0), X86_DECODE_OK);   /* mov rax, cr8 */
	EXPECT_EQ(insn.reg, 8);
}

static void test_immediates(void)
{
	EXPECT_EQ(DEC(P32, 0x83, 0x00, 0xff), X86_DECODE_OK);          /* add dword [eax], -1 */
	EXPECT_EQ(insn.imm, -1);
	EXPECT_EQ(insn.imm_size, 1);
	EXPECT_EQ(DEC(P32, 0x81, 0x00, 0x00, 0x00, 0x00, 0x80), X86_DECODE_OK);
	EXPECT_EQ(insn.imm, (int64_t)0xffffffff80000000ull);
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(DEC(P32, 0x66, 0x81, 0x00, 0x34, 0x92), X86_DECODE_OK);
	EXPECT_EQ(insn.imm, (int16_t)0x9234);
	EXPECT_EQ(insn.len, 5);
	EXPECT_EQ(DEC(R, 0x81, 0x00, 0x34, 0x12), X86_DECODE_OK);
	EXPECT_EQ(insn.imm_size, 2);
	EXPECT_EQ(DEC(L64, 0x48, 0x81, 0x00, 0x00, 0x00, 0x00, 0x80), X86_DECODE_OK);   /* imm32 even with REX.W */
	EXPECT_EQ(insn.imm_size, 4);
	EXPECT_EQ(insn.imm, (int64_t)0xffffffff80000000ull);
	EXPECT_EQ(DEC(L64, 0x48, 0xc7, 0x05, 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 11);
	EXPECT_EQ(insn.imm, -2);
	expect_mem(X86_REG_RIP, NONE, 1, 1, X86_SEG_DS);
	EXPECT_EQ(DEC(L64, 0xb8, 1, 2, 3, 4), X86_DECODE_OK);          /* mov eax, imm32 */
	EXPECT_EQ(insn.len, 5);
	EXPECT_EQ(DEC(L64, 0x66, 0xb8, 1, 2), X86_DECODE_OK);          /* mov ax, imm16 */
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(DEC(R, 0xb4, 0x80), X86_DECODE_OK);                  /* mov ah, 0x80 */
	EXPECT_EQ(insn.reg, 4);
	EXPECT_EQ(insn.op_size, 1);
	EXPECT_EQ(insn.imm, -128);
	/* group 3: TEST /0 and /1 have an immediate, NOT /2 none */
	EXPECT_EQ(DEC(P32, 0xf6, 0x00, 0x80), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 3);
	EXPECT_EQ(DEC(P32, 0xf7, 0x08, 1, 2, 3, 4), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(DEC(P32, 0xf7, 0x10), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 2);
	EXPECT_EQ(insn.imm_size, 0);
	/* moffs: as wide as the address size, zero-extended */
	EXPECT_EQ(DEC(R, 0xa1, 0x00, 0x80), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 3);
	expect_mem(NONE, NONE, 1, 0x8000, X86_SEG_DS);
	EXPECT_EQ(DEC(P32, 0x64, 0xa3, 0, 0, 0, 0x80), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 6);
	expect_mem(NONE, NONE, 1, 0x80000000, X86_SEG_FS);
	EXPECT_EQ(DEC(L64, 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 0x88), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 10);
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(insn.disp, 0x8807060504030201ull);
	EXPECT_EQ(DEC(L64, 0x67, 0xa0, 1, 2, 3, 4), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(insn.addr_size, 4);
	/* branches and the rest of the immediate kinds */
	EXPECT_EQ(DEC(L64, 0xe8, 1, 2, 3, 4), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 5);
	EXPECT_EQ(DEC(L64, 0x66, 0xe8, 1, 2), X86_DECODE_OK);          /* AMD: rel16 */
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(DEC(L64, 0x0f, 0x84, 1, 2, 3, 4), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(DEC(R, 0x0f, 0x84, 1, 2), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(DEC(L64, 0x66, 0x68, 1, 2), X86_DECODE_OK);          /* push imm16 */
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(DEC(L64, 0xc2, 0x08, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 3);
	EXPECT_EQ(DEC(P32, 0xc8, 0x10, 0x00, 0x02), X86_DECODE_OK);    /* enter 16, 2 */
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(insn.imm, 16);
	EXPECT_EQ(insn.imm2, 2);
	EXPECT_EQ(DEC(P32, 0xea, 1, 2, 3, 4, 0x08, 0x00), X86_DECODE_OK);   /* jmp 8:0x04030201 */
	EXPECT_EQ(insn.len, 7);
	EXPECT_EQ(insn.imm2, 8);
	EXPECT_EQ(DEC(R, 0x9a, 1, 2, 0x00, 0xf0), X86_DECODE_OK);      /* call 0xf000:0x0201 */
	EXPECT_EQ(insn.len, 5);
	EXPECT_EQ(insn.imm2, 0xf000);
	EXPECT_EQ(DEC(L64, 0x66, 0x0f, 0x78, 0xc1, 0x08, 0x10), X86_DECODE_OK);   /* extrq xmm1, 8, 16 */
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(insn.imm, 8);
	EXPECT_EQ(insn.imm2, 16);
	EXPECT_EQ(DEC(L64, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x04), X86_DECODE_OK);   /* palignr */
	EXPECT_EQ(insn.map, X86_MAP_0F3A);
	EXPECT_EQ(insn.len, 6);
	EXPECT_EQ(DEC(L64, 0x66, 0x0f, 0x38, 0x00, 0x44, 0x24, 0x08), X86_DECODE_OK);   /* pshufb */
	EXPECT_EQ(insn.map, X86_MAP_0F38);
	EXPECT_EQ(insn.len, 7);
}

static void test_prefix_bits(void)
{
	EXPECT_EQ(DEC(L64, 0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x01, 0x00), X86_DECODE_OK);
	EXPECT_EQ(insn.prefixes, X86_PFX_LOCK | X86_PFX_REP | X86_PFX_REPNE | X86_PFX_OPSIZE | X86_PFX_ADSIZE);
	EXPECT_EQ(insn.len, 7);
	EXPECT_EQ(DEC(R, 0xf3, 0xa4), X86_DECODE_OK);
	EXPECT_EQ(insn.prefixes, X86_PFX_REP);
	EXPECT_EQ(insn.op_size, 1);
	EXPECT_EQ(DEC(R, 0x66, 0xf3, 0xab), X86_DECODE_OK);
	EXPECT_EQ(insn.op_size, 4);
}

static void test_invalid_and_unsupported(void)
{
	static const uint8_t inv64[] = { 0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f,
					 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea };
	for (size_t k = 0; k < ARRAY_SIZE(inv64); k++) {
		uint8_t b[8] = { inv64[k], 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
		EXPECT_EQ(x86_decode(b, sizeof(b), L64, &insn), X86_DECODE_INVALID);
		EXPECT_EQ(insn.len, 0);
		EXPECT_EQ(x86_decode(b, sizeof(b), P32, &insn), X86_DECODE_OK);
	}
	EXPECT_EQ(DEC(L64, 0xc4, 0xe2, 0x79, 0x18, 0x00), X86_DECODE_UNSUPPORTED);   /* VEX */
	EXPECT_EQ(DEC(P32, 0xc4, 0xe2, 0x79, 0x18, 0x00), X86_DECODE_UNSUPPORTED);
	EXPECT_EQ(DEC(P32, 0xc4, 0x06, 0x18), X86_DECODE_OK);                        /* les eax, [esi] */
	EXPECT_EQ(insn.len, 2);
	EXPECT_EQ(DEC(P32, 0xc5, 0xf8, 0x77), X86_DECODE_UNSUPPORTED);               /* vzeroupper */
	EXPECT_EQ(DEC(L64, 0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00), X86_DECODE_UNSUPPORTED);   /* EVEX */
	EXPECT_EQ(DEC(P16, 0x62, 0x07), X86_DECODE_OK);                              /* bound ax, [bx] */
	EXPECT_EQ(DEC(L64, 0x0f, 0x0f, 0xc1, 0x9e), X86_DECODE_INVALID);             /* 3DNow! */
	EXPECT_EQ(DEC(L64, 0x8f, 0xe8, 0x78, 0xc0), X86_DECODE_INVALID);             /* XOP */
	EXPECT_EQ(DEC(L64, 0x8f, 0x00), X86_DECODE_OK);                              /* pop qword [rax] */
	EXPECT_EQ(insn.op_size, 8);
	EXPECT_EQ(DEC(L64, 0xc6, 0x08, 0x00), X86_DECODE_INVALID);                   /* C6 /1 */
	EXPECT_EQ(DEC(L64, 0xc7, 0xf8, 0, 0, 0, 0), X86_DECODE_INVALID);             /* XBEGIN */
	EXPECT_EQ(DEC(L64, 0xfe, 0x10), X86_DECODE_INVALID);                         /* FE /2 */
	EXPECT_EQ(DEC(L64, 0xff, 0x38), X86_DECODE_INVALID);                         /* FF /7 */
	EXPECT_EQ(DEC(L64, 0xff, 0xd8), X86_DECODE_INVALID);                         /* CALLF reg */
	EXPECT_EQ(DEC(L64, 0xff, 0x18), X86_DECODE_OK);                              /* callf [rax] */
	EXPECT_EQ(DEC(L64, 0x0f, 0xba, 0x00, 0x01), X86_DECODE_INVALID);             /* 0F BA /0 */
	EXPECT_EQ(DEC(L64, 0x0f, 0xba, 0x20, 0x01), X86_DECODE_OK);                  /* bt dword [rax], 1 */
	EXPECT_EQ(insn.len, 4);
	EXPECT_EQ(DEC(L64, 0x0f, 0x78, 0xc1), X86_DECODE_INVALID);                   /* VMREAD */
	EXPECT_EQ(DEC(L64, 0x0f, 0xb8, 0xc1), X86_DECODE_INVALID);                   /* JMPE */
	EXPECT_EQ(DEC(L64, 0xf3, 0x0f, 0xb8, 0xc1), X86_DECODE_OK);                  /* popcnt */
	EXPECT_EQ(DEC(L64, 0x0f, 0xff, 0x00), X86_DECODE_INVALID);                   /* UD0 */
	EXPECT_EQ(DEC(L64, 0x0f, 0x0b), X86_DECODE_OK);                              /* UD2 decodes */
	EXPECT_EQ(DEC(L64, 0x0f, 0x04), X86_DECODE_INVALID);
	EXPECT_STREQ(x86_decode_status_name(X86_DECODE_TOO_LONG), "longer than 15 bytes");
	EXPECT_STREQ(x86_decode_status_name((enum x86_decode_status)99), "?");
}

static void test_length_limit(void)
{
	/* 13 prefixes + 89 00 = 15: valid */
	uint8_t b[24];
	memset(b, 0x66, sizeof(b));
	b[13] = 0x89;
	b[14] = 0x00;
	EXPECT_EQ(x86_decode(b, 15, P32, &insn), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 15);
	expect_truncations(b, 15, P32);
	/* 14 prefixes + 89 00 = 16: #GP, whether the caller had 15 bytes or 16 */
	memset(b, 0x2e, sizeof(b));
	b[14] = 0x89;
	b[15] = 0x00;
	EXPECT_EQ(x86_decode(b, 16, P32, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(insn.len, 0);
	EXPECT_EQ(x86_decode(b, 15, P32, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(x86_decode(b, sizeof(b), P32, &insn), X86_DECODE_TOO_LONG);
	/* only prefixes, 15 of them or more */
	memset(b, 0xf3, sizeof(b));
	EXPECT_EQ(x86_decode(b, 15, L64, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(x86_decode(b, sizeof(b), L64, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(x86_decode(b, 14, L64, &insn), X86_DECODE_TRUNCATED);
	/* the length is known past 15 before the bytes run out: too long */
	static const uint8_t longer[] = { 0x64, 0x64, 0x64, 0x64, 0x48, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8 };
	EXPECT_EQ(x86_decode(longer, 9, L64, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(x86_decode(longer, sizeof(longer), L64, &insn), X86_DECODE_TOO_LONG);
	EXPECT_EQ(x86_decode(&longer[1], 15, L64, &insn), X86_DECODE_OK);
	EXPECT_EQ(insn.len, 15);
	expect_truncations(&longer[1], 15, L64);
	/* no bytes at all */
	EXPECT_EQ(x86_decode(NULL, 15, L64, &insn), X86_DECODE_TRUNCATED);
	EXPECT_EQ(x86_decode(b, 0, L64, &insn), X86_DECODE_TRUNCATED);
}

/* The fast path against the full decoder: every ModRM, the SIB bytes that
 * matter, with and without 66 and every REX, in every mode. */
static void test_mov_store_fast_path(void)
{
	static const enum cpu_mode modes[] = { R, P16, P32, L64 };
	unsigned checked = 0;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (unsigned pfx = 0; pfx < 34; pfx++) {   /* 0: none, 1: 66, 2-17: REX, 18-33: 66 REX */
			uint8_t b[16];
			size_t p = 0;
			if (pfx == 1 || pfx >= 18)
				b[p++] = 0x66;
			if (pfx >= 2)
				b[p++] = (uint8_t)(0x40 + (pfx - 2) % 16);
			b[p] = 0x89;
			for (unsigned modrm = 0; modrm < 256; modrm++) {
				for (unsigned sib = 0; sib < 8; sib++) {
					b[p + 1] = (uint8_t)modrm;
					b[p + 2] = (uint8_t)(sib | 0x48);   /* base = sib, index rcx */
					for (size_t k = p + 3; k < sizeof(b); k++)
						b[k] = (uint8_t)(k * 37);
					unsigned len = 0, reg = 99, size = 0;
					bool fast = x86_decode_mov_store(b, sizeof(b), modes[m], &len, &reg, &size);
					enum x86_decode_status s = x86_decode(b, sizeof(b), modes[m], &insn);
					bool want = s == X86_DECODE_OK && insn.opcode == 0x89 && insn.map == X86_MAP_1BYTE &&
						    insn.has_mem && !(insn.prefixes & ~X86_PFX_OPSIZE);
					EXPECT_EQ(fast, want);
					if (fast && want) {
						EXPECT_EQ(len, insn.len);
						EXPECT_EQ(reg, insn.reg);
						EXPECT_EQ(size, insn.op_size);
						/* one byte short: no */
						EXPECT_TRUE(!x86_decode_mov_store(b, len - 1, modes[m], &len, &reg, &size));
						checked++;
					}
				}
			}
		}
	}
	EXPECT_TRUE(checked > 10000);
	/* what it refuses: 67, a segment override, a register destination, other opcodes */
	unsigned len, reg, size;
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x67, 0x89, 0x00 }, 3, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x64, 0x89, 0x00 }, 3, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x89, 0xc0 }, 2, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x8b, 0x00 }, 2, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x48, 0x89, 0x00 }, 3, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store((const uint8_t[]){ 0x89 }, 1, P32, &len, &reg, &size));
	EXPECT_TRUE(!x86_decode_mov_store(NULL, 0, P32, &len, &reg, &size));
	/* Linux's EOI write: mov %eax, 0xb0(%rdx) and mov %esi, 0xfee000b0 */
	EXPECT_TRUE(x86_decode_mov_store((const uint8_t[]){ 0x89, 0x82, 0xb0, 0, 0, 0 }, 6, L64, &len, &reg, &size));
	EXPECT_EQ(len, 6);
	EXPECT_EQ(reg, X86_RAX);
	EXPECT_EQ(size, 4);
	EXPECT_TRUE(x86_decode_mov_store((const uint8_t[]){ 0x89, 0x34, 0x25, 0xb0, 0, 0xe0, 0xfe, 0x90 }, 8, L64,
					 &len, &reg, &size));
	EXPECT_EQ(len, 7);
	EXPECT_EQ(reg, X86_RSI);
	EXPECT_TRUE(x86_decode_mov_store((const uint8_t[]){ 0x44, 0x89, 0x6f, 0x10 }, 4, L64, &len, &reg, &size));
	EXPECT_EQ(reg, X86_R13);
	EXPECT_EQ(len, 4);
}

int main(void)
{
	RUN(test_operand_and_address_size_by_mode);
	RUN(test_rex_rules);
	RUN(test_segments);
	RUN(test_addr16_forms);
	RUN(test_addr32_forms);
	RUN(test_immediates);
	RUN(test_prefix_bits);
	RUN(test_invalid_and_unsupported);
	RUN(test_length_limit);
	RUN(test_mov_store_fast_path);
	TEST_MAIN_END();
}

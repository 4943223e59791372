/* tests/unit/test_insn_len.c - The instruction length decoder, on hand-assembled encodings. */
/* UNIT_SRC: hv/emulate/insn_len.c */
#include "test.h"
#include "hv/emulate/insn_len.h"

#define R   CPU_MODE_REAL
#define P16 CPU_MODE_PROT16
#define P32 CPU_MODE_PROT32
#define L64 CPU_MODE_LONG64

/* One encoding: its bytes, the mode, the expected length (0: rejected) and id. */
struct insn_case {
	uint8_t b[20];
	size_t n;
	enum cpu_mode mode;
	unsigned len;
	enum insn_id id;
};
#define C(mode, len, id, ...) \
	{ { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), mode, len, id }

static const char *mode_name(enum cpu_mode m)
{
	return m == R ? "real" : m == P16 ? "prot16" : m == P32 ? "prot32" : "long64";
}

/* Checks one case exactly, then the properties every accepted encoding must
 * have: each shorter prefix of it is rejected as truncated, and trailing
 * bytes after it do not change the answer. */
static void check_case(const struct insn_case *c)
{
	enum insn_id id = INSN_COUNT;
	unsigned len = insn_length(c->b, c->n, c->mode, &id);
	if (len != c->len || id != (c->len ? c->id : INSN_NONE)) {
		test_case_failed = 1;
		fprintf(stderr, "  %s:", mode_name(c->mode));
		for (size_t k = 0; k < c->n; k++)
			fprintf(stderr, " %02x", c->b[k]);
		fprintf(stderr, ": got len %u id %s, want len %u id %s\n", len, insn_id_name(id),
			c->len, insn_id_name(c->len ? c->id : INSN_NONE));
		return;
	}
	if (!c->len)
		return;
	for (size_t k = 0; k < c->len; k++) {
		enum insn_id tid = INSN_COUNT;
		if (insn_length(c->b, k, c->mode, &tid) != 0 || tid != INSN_NONE) {
			test_case_failed = 1;
			fprintf(stderr, "  %s: %s truncated to %zu bytes was accepted\n",
				mode_name(c->mode), insn_id_name(c->id), k);
		}
	}
	uint8_t padded[32];
	memset(padded, 0x90, sizeof(padded));
	memcpy(padded, c->b, c->len);
	EXPECT_EQ(insn_length(padded, sizeof(padded), c->mode, NULL), c->len);
}

static void check_table(const struct insn_case *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		check_case(&t[k]);
}

/* Encodings whose length does not depend on the mode. */
static const struct insn_case any_mode[] = {
	C(R, 2, INSN_CPUID, 0x0f, 0xa2),
	C(R, 2, INSN_RDMSR, 0x0f, 0x32),
	C(R, 2, INSN_WRMSR, 0x0f, 0x30),
	C(R, 2, INSN_RDTSC, 0x0f, 0x31),
	C(R, 3, INSN_RDTSCP, 0x0f, 0x01, 0xf9),
	C(R, 2, INSN_RDPMC, 0x0f, 0x33),
	C(R, 1, INSN_HLT, 0xf4),
	C(R, 2, INSN_INVD, 0x0f, 0x08),
	C(R, 2, INSN_WBINVD, 0x0f, 0x09),
	C(R, 2, INSN_PAUSE, 0xf3, 0x90),
	C(R, 3, INSN_VMRUN, 0x0f, 0x01, 0xd8),
	C(R, 3, INSN_VMMCALL, 0x0f, 0x01, 0xd9),
	C(R, 3, INSN_VMLOAD, 0x0f, 0x01, 0xda),
	C(R, 3, INSN_VMSAVE, 0x0f, 0x01, 0xdb),
	C(R, 3, INSN_STGI, 0x0f, 0x01, 0xdc),
	C(R, 3, INSN_CLGI, 0x0f, 0x01, 0xdd),
	C(R, 3, INSN_SKINIT, 0x0f, 0x01, 0xde),
	C(R, 3, INSN_INVLPGA, 0x0f, 0x01, 0xdf),
	C(R, 3, INSN_MONITOR, 0x0f, 0x01, 0xc8),
	C(R, 3, INSN_MONITORX, 0x0f, 0x01, 0xfa),
	C(R, 3, INSN_MWAIT, 0x0f, 0x01, 0xc9),
	C(R, 3, INSN_MWAITX, 0x0f, 0x01, 0xfb),
	C(R, 3, INSN_XSETBV, 0x0f, 0x01, 0xd1),
	C(R, 2, INSN_IN8_IMM, 0xe4, 0x60),
	C(R, 2, INSN_IN_IMM, 0xe5, 0x71),
	C(R, 2, INSN_OUT8_IMM, 0xe6, 0x80),
	C(R, 2, INSN_OUT_IMM, 0xe7, 0xf4),
	C(R, 1, INSN_IN8_DX, 0xec),
	C(R, 1, INSN_IN_DX, 0xed),
	C(R, 1, INSN_OUT8_DX, 0xee),
	C(R, 1, INSN_OUT_DX, 0xef),
	C(R, 1, INSN_INS8, 0x6c),
	C(R, 1, INSN_INS, 0x6d),
	C(R, 1, INSN_OUTS8, 0x6e),
	C(R, 1, INSN_OUTS, 0x6f),
	C(R, 3, INSN_MOV_FROM_CR, 0x0f, 0x20, 0xc0),     /* mov eax, cr0 */
	C(R, 3, INSN_MOV_TO_CR, 0x0f, 0x22, 0xd8),       /* mov cr3, eax */
	C(R, 3, INSN_MOV_TO_CR, 0x0f, 0x22, 0x05),       /* mod ignored: still 3 bytes */
	C(R, 3, INSN_MOV_FROM_CR, 0x0f, 0x20, 0x44),     /* mod=01: no disp8 */
	C(R, 4, INSN_MOV_TO_CR, 0xf0, 0x0f, 0x22, 0xc0), /* AMD's LOCK MOV CR0 = CR8 */
	C(R, 1, INSN_INT3, 0xcc),
	C(R, 2, INSN_INT, 0xcd, 0x80),
	C(R, 1, INSN_IRET, 0xcf),
	C(R, 2, INSN_UD2, 0x0f, 0x0b),
	C(R, 2, INSN_MOV_STORE8, 0x88, 0xc8),
	C(R, 2, INSN_MOV_STORE, 0x89, 0xd8),
	C(R, 2, INSN_MOV_LOAD8, 0x8a, 0xc1),
	C(R, 2, INSN_MOV_LOAD, 0x8b, 0xc3),
	C(R, 3, INSN_MOV_STORE8_IMM, 0xc6, 0xc0, 0x12),
	C(R, 3, INSN_MOVZX8, 0x0f, 0xb6, 0xc1),
	C(R, 3, INSN_MOVZX16, 0x0f, 0xb7, 0xc1),
	C(R, 3, INSN_MOVSX8, 0x0f, 0xbe, 0xc1),
	C(R, 3, INSN_MOVSX16, 0x0f, 0xbf, 0xc1),
	/* prefixes that do not change these lengths */
	C(R, 3, INSN_IN_IMM, 0x66, 0xe5, 0x71),
	C(R, 3, INSN_OUT_DX, 0x66, 0x67, 0xef),
	C(R, 2, INSN_INS8, 0xf3, 0x6c),
	C(R, 3, INSN_OUTS, 0xf3, 0x66, 0x6f),
	C(R, 3, INSN_OUTS, 0x2e, 0xf3, 0x6f),
	C(R, 3, INSN_PAUSE, 0x2e, 0xf3, 0x90),
	C(R, 4, INSN_CPUID, 0x66, 0x67, 0x0f, 0xa2),
	C(R, 12, INSN_CPUID, 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x36, 0xf0, 0xf2, 0x66, 0x67, 0x0f, 0xa2),
	/* 13 prefixes + 2 opcode bytes = 15: the limit, still valid */
	C(R, 15, INSN_CPUID, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x0f, 0xa2),
	C(R, 15, INSN_HLT, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	  0x2e, 0x2e, 0x2e, 0x2e, 0xf4),
	/* 16 bytes: #GP on hardware, rejected here */
	C(R, 0, INSN_NONE, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x66, 0x0f, 0xa2),
	C(R, 0, INSN_NONE, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	  0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xf4),
	C(R, 0, INSN_NONE, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	  0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xf4),
	C(R, 0, INSN_NONE, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x66, 0x66),
	/* not supported */
	C(R, 0, INSN_NONE, 0x90),                         /* NOP without F3 */
	C(R, 0, INSN_NONE, 0x00, 0x00),
	C(R, 0, INSN_NONE, 0xc3),
	C(R, 0, INSN_NONE, 0x0f, 0x05),
	C(R, 0, INSN_NONE, 0x0f, 0xff),
	C(R, 0, INSN_NONE, 0x0f, 0x21, 0xc0),             /* MOV from DR */
	C(R, 0, INSN_NONE, 0x0f, 0x01, 0xd0),             /* XGETBV */
	C(R, 0, INSN_NONE, 0x0f, 0x01, 0xf8),             /* SWAPGS (/7, mod=11) */
	C(R, 0, INSN_NONE, 0x0f, 0x01, 0xc1),             /* VMCALL (Intel) */
	C(R, 0, INSN_NONE, 0x0f, 0x01, 0x00),             /* SGDT */
	C(R, 0, INSN_NONE, 0x0f, 0x01, 0x30),             /* LMSW /6 */
	C(R, 0, INSN_NONE, 0xc6, 0x08, 0x00),             /* C6 /1 */
	C(R, 0, INSN_NONE, 0xc6, 0xf8, 0x00),             /* XABORT */
	C(R, 0, INSN_NONE, 0xc7, 0xf8, 0x00, 0x00),       /* XBEGIN */
	C(R, 0, INSN_NONE, 0x8c, 0xd8),                   /* MOV from Sreg */
	C(R, 0, INSN_NONE, 0xc4, 0xe2, 0x79, 0x18, 0x00), /* VEX */
	C(R, 0, INSN_NONE, 0xe8, 0x00, 0x00),
};

static void test_every_mode(void)
{
	static const enum cpu_mode modes[] = { R, P16, P32, L64 };
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (size_t k = 0; k < ARRAY_SIZE(any_mode); k++) {
			struct insn_case c = any_mode[k];
			c.mode = modes[m];
			check_case(&c);
		}
	}
}

/* 16-bit addressing: real mode, 16-bit protected mode, and 67 elsewhere. */
static const struct insn_case addr16[] = {
	C(R, 2, INSN_MOV_LOAD, 0x8b, 0x07),                   /* [bx] */
	C(R, 2, INSN_MOV_LOAD, 0x8b, 0x00),                   /* [bx+si] */
	C(R, 4, INSN_MOV_LOAD, 0x8b, 0x06, 0x34, 0x12),       /* [0x1234]: mod=00 rm=110 */
	C(P16, 4, INSN_MOV_STORE, 0x89, 0x1e, 0x00, 0x80),
	C(R, 3, INSN_MOV_LOAD, 0x8b, 0x46, 0x10),             /* [bp+0x10] */
	C(R, 4, INSN_MOV_LOAD, 0x8b, 0x86, 0x34, 0x12),       /* [bp+0x1234] */
	C(R, 4, INSN_MOV_LOAD, 0x8b, 0x84, 0x34, 0x12),       /* rm=100 is [si+disp16], no SIB */
	C(R, 3, INSN_MOV_LOAD, 0x8b, 0x44, 0x24),             /* [si+disp8], no SIB */
	C(R, 2, INSN_MOV_LOAD, 0x8b, 0x04),                   /* [si] */
	C(P16, 5, INSN_MOV_LOAD, 0x66, 0x8b, 0x06, 0x34, 0x12),
	C(R, 6, INSN_MOV_STORE_IMM, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56),
	C(R, 9, INSN_MOV_STORE_IMM, 0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12),
	C(P16, 5, INSN_MOV_STORE_IMM, 0xc7, 0x47, 0x02, 0xcd, 0xab),
	C(R, 5, INSN_MOV_STORE8_IMM, 0xc6, 0x06, 0x34, 0x12, 0xff),
	C(R, 3, INSN_MOV_LOAD8_MOFFS, 0xa0, 0x34, 0x12),
	C(P16, 3, INSN_MOV_LOAD_MOFFS, 0xa1, 0x34, 0x12),
	C(R, 3, INSN_MOV_STORE8_MOFFS, 0xa2, 0x34, 0x12),
	C(R, 4, INSN_MOV_STORE_MOFFS, 0x66, 0xa3, 0x34, 0x12),
	C(R, 5, INSN_INVLPG, 0x0f, 0x01, 0x3e, 0x34, 0x12),   /* invlpg [0x1234] */
	C(P16, 3, INSN_INVLPG, 0x0f, 0x01, 0x3f),             /* invlpg [bx] */
	C(R, 4, INSN_INVLPG, 0x0f, 0x01, 0x7e, 0x08),         /* invlpg [bp+8] */
	C(R, 5, INSN_MOVZX8, 0x0f, 0xb6, 0x06, 0x34, 0x12),
	C(P16, 4, INSN_MOVSX16, 0x0f, 0xbf, 0x47, 0x10),
	C(P32, 5, INSN_MOV_LOAD, 0x67, 0x8b, 0x06, 0x34, 0x12), /* 67 in 32-bit mode */
	C(P32, 4, INSN_MOV_LOAD, 0x67, 0x8b, 0x44, 0x24),
	C(P32, 4, INSN_MOV_LOAD_MOFFS, 0x67, 0xa1, 0x34, 0x12),
	C(P32, 6, INSN_INVLPG, 0x67, 0x0f, 0x01, 0x3e, 0x34, 0x12),
	C(R, 1, INSN_INTO, 0xce),
	C(P16, 1, INSN_INTO, 0xce),
	C(P16, 0, INSN_NONE, 0x40),                           /* INC AX */
	C(R, 0, INSN_NONE, 0x48, 0x0f, 0xa2),                 /* DEC AX; not a REX */
};

/* 32-bit addressing, ModRM and SIB (APM Vol. 3, Tables 1-14 and 1-16). */
static const struct insn_case addr32[] = {
	C(P32, 2, INSN_MOV_LOAD, 0x8b, 0x00),                         /* [eax] */
	C(P32, 3, INSN_MOV_LOAD, 0x8b, 0x04, 0x24),                   /* [esp] via SIB */
	C(P32, 7, INSN_MOV_LOAD, 0x8b, 0x04, 0x25, 1, 2, 3, 4),       /* SIB base=101 mod=00: disp32 */
	C(P32, 7, INSN_MOV_LOAD, 0x8b, 0x04, 0x8d, 1, 2, 3, 4),       /* [ecx*4+disp32] */
	C(P32, 4, INSN_MOV_LOAD, 0x8b, 0x44, 0x25, 0x08),             /* base=101 mod=01: [ebp+..+d8] */
	C(P32, 7, INSN_MOV_LOAD, 0x8b, 0x84, 0x25, 1, 2, 3, 4),
	C(P32, 4, INSN_MOV_LOAD, 0x8b, 0x44, 0x24, 0x08),             /* [esp+8] */
	C(P32, 7, INSN_MOV_LOAD, 0x8b, 0x84, 0x24, 1, 2, 3, 4),
	C(P32, 6, INSN_MOV_LOAD, 0x8b, 0x05, 1, 2, 3, 4),             /* [disp32] */
	C(P32, 3, INSN_MOV_LOAD, 0x8b, 0x45, 0x08),                   /* [ebp+8] */
	C(P32, 6, INSN_MOV_LOAD, 0x8b, 0x85, 1, 2, 3, 4),
	C(P32, 2, INSN_MOV_LOAD, 0x8b, 0x06),                         /* [esi]: no disp16 here */
	C(P32, 2, INSN_MOV_STORE8, 0x88, 0x01),
	C(P32, 6, INSN_MOV_STORE_IMM, 0xc7, 0x00, 1, 2, 3, 4),
	C(P32, 5, INSN_MOV_STORE_IMM, 0x66, 0xc7, 0x00, 1, 2),        /* imm16 with 66 */
	C(P32, 10, INSN_MOV_STORE_IMM, 0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8),
	C(P32, 11, INSN_MOV_STORE_IMM, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8),
	C(P32, 4, INSN_MOV_STORE8_IMM, 0xc6, 0x40, 0x10, 0xaa),
	C(P32, 5, INSN_MOV_LOAD8_MOFFS, 0xa0, 1, 2, 3, 4),
	C(P32, 5, INSN_MOV_STORE_MOFFS, 0xa3, 1, 2, 3, 4),
	C(P32, 6, INSN_MOV_STORE_MOFFS, 0x64, 0xa3, 1, 2, 3, 4),
	C(P32, 3, INSN_INVLPG, 0x0f, 0x01, 0x38),                     /* invlpg [eax] */
	C(P32, 5, INSN_INVLPG, 0x0f, 0x01, 0x7c, 0x24, 0x08),
	C(P32, 7, INSN_INVLPG, 0x0f, 0x01, 0x3d, 1, 2, 3, 4),
	C(P32, 4, INSN_MOVZX16, 0x0f, 0xb7, 0x04, 0x24),
	C(P32, 4, INSN_MOVSX8, 0x66, 0x0f, 0xbe, 0xc1),
	C(P32, 7, INSN_MOVZX8, 0x0f, 0xb6, 0x80, 1, 2, 3, 4),
	C(P32, 1, INSN_INTO, 0xce),
	C(P16, 4, INSN_MOV_LOAD, 0x67, 0x8b, 0x04, 0x24),             /* 67 in 16-bit mode */
	C(R, 8, INSN_MOV_LOAD, 0x67, 0x8b, 0x04, 0x25, 1, 2, 3, 4),
	C(R, 6, INSN_MOV_LOAD_MOFFS, 0x67, 0xa1, 1, 2, 3, 4),
	C(P32, 0, INSN_NONE, 0x40, 0x0f, 0xa2),                       /* INC EAX */
	C(P32, 0, INSN_NONE, 0x48, 0x8b, 0x00),
};

/* 64-bit mode: REX, RIP-relative, 8-byte moffs, no INTO. */
static const struct insn_case long64[] = {
	C(L64, 3, INSN_CPUID, 0x40, 0x0f, 0xa2),
	C(L64, 4, INSN_CPUID, 0x48, 0x66, 0x0f, 0xa2),                /* REX then legacy: REX ignored */
	C(L64, 4, INSN_CPUID, 0x41, 0x48, 0x0f, 0xa2),                /* two REX: the last counts */
	C(L64, 3, INSN_MOV_LOAD, 0x48, 0x8b, 0x00),                   /* mov rax, [rax] */
	C(L64, 6, INSN_MOV_LOAD, 0x8b, 0x05, 1, 2, 3, 4),             /* RIP-relative */
	C(L64, 7, INSN_MOV_LOAD, 0x48, 0x8b, 0x05, 1, 2, 3, 4),
	C(L64, 8, INSN_MOV_LOAD, 0x48, 0x8b, 0x04, 0x25, 1, 2, 3, 4), /* [disp32] via SIB */
	C(L64, 4, INSN_MOV_LOAD, 0x41, 0x8b, 0x45, 0x00),             /* [r13+0]: REX.B keeps the disp8 */
	C(L64, 3, INSN_MOV_LOAD, 0x41, 0x8b, 0x06),                   /* [r14] */
	C(L64, 4, INSN_MOV_LOAD, 0x41, 0x8b, 0x04, 0x24),             /* [r12] via SIB */
	C(L64, 8, INSN_MOV_LOAD, 0x42, 0x8b, 0x04, 0x25, 1, 2, 3, 4),
	C(L64, 3, INSN_MOV_LOAD, 0x67, 0x8b, 0x06),                   /* 67: [esi], not disp16 */
	C(L64, 7, INSN_MOV_LOAD, 0x67, 0x8b, 0x05, 1, 2, 3, 4),       /* EIP-relative */
	C(L64, 4, INSN_MOV_STORE8, 0x44, 0x88, 0x45, 0x08),
	C(L64, 3, INSN_MOV_LOAD8, 0x40, 0x8a, 0xf1),                  /* mov sil, cl */
	C(L64, 6, INSN_MOV_STORE_IMM, 0xc7, 0x00, 1, 2, 3, 4),
	C(L64, 7, INSN_MOV_STORE_IMM, 0x48, 0xc7, 0x00, 1, 2, 3, 4),  /* REX.W: still imm32 */
	C(L64, 5, INSN_MOV_STORE_IMM, 0x66, 0xc7, 0x00, 1, 2),
	C(L64, 8, INSN_MOV_STORE_IMM, 0x66, 0x48, 0xc7, 0x00, 1, 2, 3, 4), /* REX.W beats 66 */
	C(L64, 6, INSN_MOV_STORE_IMM, 0x48, 0x66, 0xc7, 0x00, 1, 2),  /* ignored REX.W: 66 applies */
	C(L64, 10, INSN_MOV_STORE_IMM, 0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 0x90), /* RIP-rel + imm32 */
	C(L64, 15, INSN_MOV_STORE_IMM, 0x64, 0x64, 0x64, 0x48, 0xc7, 0x84, 0x24,
	  1, 2, 3, 4, 5, 6, 7, 8),                                       /* exactly 15 */
	C(L64, 0, INSN_NONE, 0x64, 0x64, 0x64, 0x64, 0x48, 0xc7, 0x84, 0x24,
	  1, 2, 3, 4, 5, 6, 7, 8),                                       /* 16 */
	C(L64, 4, INSN_MOV_STORE8_IMM, 0x41, 0xc6, 0x00, 0x12),
	C(L64, 9, INSN_MOV_LOAD8_MOFFS, 0xa0, 1, 2, 3, 4, 5, 6, 7, 8),
	C(L64, 9, INSN_MOV_LOAD_MOFFS, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8),
	C(L64, 10, INSN_MOV_STORE_MOFFS, 0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8),
	C(L64, 6, INSN_MOV_STORE8_MOFFS, 0x67, 0xa2, 1, 2, 3, 4),
	C(L64, 7, INSN_INVLPG, 0x0f, 0x01, 0x3d, 1, 2, 3, 4),         /* invlpg [rip+d32] */
	C(L64, 4, INSN_INVLPG, 0x41, 0x0f, 0x01, 0x3f),               /* invlpg [r15] */
	C(L64, 4, INSN_INVLPG, 0x0f, 0x01, 0x3c, 0x24),               /* invlpg [rsp] */
	C(L64, 8, INSN_INVLPG, 0x0f, 0x01, 0xbc, 0x24, 1, 2, 3, 4),
	C(L64, 4, INSN_MOV_FROM_CR, 0x44, 0x0f, 0x20, 0xc0),          /* mov rax, cr8 */
	C(L64, 4, INSN_MOV_TO_CR, 0x41, 0x0f, 0x22, 0xdf),            /* mov cr3, r15 */
	C(L64, 8, INSN_MOVZX8, 0x48, 0x0f, 0xb6, 0x05, 1, 2, 3, 4),
	C(L64, 5, INSN_MOVSX16, 0x4c, 0x0f, 0xbf, 0x04, 0x24),
	C(L64, 3, INSN_PAUSE, 0xf3, 0x40, 0x90),                      /* REX without B: still PAUSE */
	C(L64, 0, INSN_NONE, 0xf3, 0x41, 0x90),                       /* XCHG r8, rax */
	C(L64, 3, INSN_OUT_IMM, 0x48, 0xe7, 0x80),
	C(L64, 2, INSN_RDMSR, 0x0f, 0x32),
	C(L64, 2, INSN_IRET, 0x48, 0xcf),                             /* IRETQ */
	C(L64, 0, INSN_NONE, 0xce),                                   /* INTO: #UD in 64-bit mode */
	C(L64, 0, INSN_NONE, 0x48),                                   /* only a REX */
	C(L64, 0, INSN_NONE, 0x48, 0x90),                             /* NOP */
	C(L64, 0, INSN_NONE, 0x48, 0xc7, 0xc0 | (1 << 3), 1, 2, 3, 4),/* C7 /1 */
};

/* Input that ends inside an instruction, beyond what check_case() already
 * tries for every table entry. */
static void test_truncated(void)
{
	static const uint8_t invlpg[] = { 0x0f, 0x01, 0x3c, 0x24 };   /* [rsp]: 0F 01 ModRM SIB */
	enum insn_id id;
	EXPECT_EQ(insn_length(invlpg, 4, L64, &id), 4);
	EXPECT_EQ(id, INSN_INVLPG);
	EXPECT_EQ(insn_length(invlpg, 3, L64, &id), 0);   /* SIB missing */
	EXPECT_EQ(id, INSN_NONE);

	static const uint8_t moffs64[] = { 0xa1, 1, 2, 3, 4, 5, 6, 7 };
	EXPECT_EQ(insn_length(moffs64, sizeof(moffs64), L64, NULL), 0);
	EXPECT_EQ(insn_length(moffs64, sizeof(moffs64), P32, NULL), 5);
	EXPECT_EQ(insn_length(moffs64, 2, R, NULL), 0);

	static const uint8_t disp16[] = { 0x8b, 0x06, 0x34 };         /* [disp16] missing a byte */
	EXPECT_EQ(insn_length(disp16, sizeof(disp16), R, NULL), 0);
	EXPECT_EQ(insn_length(disp16, sizeof(disp16), P32, NULL), 2);

	static const uint8_t two_byte[] = { 0x0f };
	EXPECT_EQ(insn_length(two_byte, 1, P32, NULL), 0);
	EXPECT_EQ(insn_length(two_byte, 0, P32, NULL), 0);
	EXPECT_EQ(insn_length(NULL, 5, P32, &id), 0);
	EXPECT_EQ(id, INSN_NONE);

	static const uint8_t prefixes_only[] = { 0x66, 0x67, 0xf3 };
	EXPECT_EQ(insn_length(prefixes_only, sizeof(prefixes_only), R, NULL), 0);
}

static void test_addr16(void) { check_table(addr16, ARRAY_SIZE(addr16)); }
static void test_addr32(void) { check_table(addr32, ARRAY_SIZE(addr32)); }

static void test_long64(void) { check_table(long64, ARRAY_SIZE(long64)); }

static void test_names(void)
{
	EXPECT_STREQ(insn_id_name(INSN_CPUID), "cpuid");
	EXPECT_STREQ(insn_id_name(INSN_MOVSX16), "movsx16");
	EXPECT_STREQ(insn_id_name(INSN_NONE), "none");
	EXPECT_STREQ(insn_id_name(INSN_COUNT), "?");
	for (int k = 0; k < INSN_COUNT; k++)
		EXPECT_TRUE(strcmp(insn_id_name((enum insn_id)k), "?") != 0);
}

static void test_decode_string_io_operands(void)
{
	struct insn_info info;
	const uint8_t outsb[] = { 0x6e };
	const uint8_t es_a32_rep_outsb[] = { 0x26, 0x67, 0xf3, 0x6e };
	const uint8_t fs_then_gs_insw[] = { 0x64, 0x65, 0x66, 0x6d };

	EXPECT_EQ(insn_decode(outsb, 1, CPU_MODE_REAL, &info), 1);
	EXPECT_EQ(info.id, INSN_OUTS8);
	EXPECT_EQ(info.addr_size, 2);
	EXPECT_EQ(info.seg, -1);
	EXPECT_EQ(insn_decode(es_a32_rep_outsb, 4, CPU_MODE_REAL, &info), 4);
	EXPECT_EQ(info.addr_size, 4);
	EXPECT_EQ(info.seg, 0);
	EXPECT_EQ(insn_decode(es_a32_rep_outsb, 4, CPU_MODE_PROT32, &info), 4);
	EXPECT_EQ(info.addr_size, 2);
	EXPECT_EQ(insn_decode(es_a32_rep_outsb, 4, CPU_MODE_LONG64, &info), 4);
	EXPECT_EQ(info.addr_size, 4);
	EXPECT_EQ(insn_decode(outsb, 1, CPU_MODE_LONG64, &info), 1);
	EXPECT_EQ(info.addr_size, 8);
	EXPECT_EQ(insn_decode(fs_then_gs_insw, 4, CPU_MODE_PROT32, &info), 4);
	EXPECT_EQ(info.id, INSN_INS);
	EXPECT_EQ(info.seg, 5);   /* the last override counts */
	EXPECT_EQ(insn_decode(fs_then_gs_insw, 3, CPU_MODE_PROT32, &info), 0);
	EXPECT_EQ(info.id, INSN_NONE);
}

int main(void)
{
	RUN(test_decode_string_io_operands);
	RUN(test_every_mode);
	RUN(test_addr16);
	RUN(test_addr32);
	RUN(test_long64);
	RUN(test_truncated);
	RUN(test_names);
	TEST_MAIN_END();
}

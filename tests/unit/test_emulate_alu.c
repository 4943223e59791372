/* tests/unit/test_emulate_alu.c - Arithmetic: x86_alu() against the host
 * CPU executing the same operation (results and all six arithmetic flags,
 * edge values and random ones, every width), hand-computed edge cases
 * (0x7f+1, 0x80-1, 0, carry, borrow), and the emulated instructions with
 * memory operands: ALU rows, group 1, TEST, INC/DEC/NOT/NEG, CMPXCHG, XADD,
 * BT/BTS/BTR/BTC (their bit addressing checked against the host CPU on
 * real memory). */
/* UNIT_SRC: hv/emulate/emulate.c hv/emulate/emulate_mov.c hv/emulate/emulate_alu.c hv/emulate/emulate_bit.c hv/emulate/emulate_string.c hv/emulate/alu.c hv/emulate/decode.c hv/emulate/decode_tables.c */
#include <cpuid.h>
#include "emulate_fake.h"
#include "hv/emulate/alu.h"

#define A X86_FLAGS_ARITH
#define CF X86_FLAG_CF
#define PF X86_FLAG_PF
#define AF X86_FLAG_AF
#define ZF X86_FLAG_ZF
#define SF X86_FLAG_SF
#define OF X86_FLAG_OF

/* --- the host CPU as the oracle --------------------------------------- */

/* Runs "op b, a" on the host with the arithmetic flags of *flags in, and
 * returns the arithmetic flags out. The stack pointer steps over the red
 * zone before the pushes. */
#define HOST2(mn, sz, m) __asm__ volatile( \
	"lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopfq\n\t" mn sz " %" m "[b], %" m "[a]\n\t" \
	"pushfq\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" : [a] "+r"(a), [f] "+r"(f) : [b] "r"(b) : "cc", "memory")
#define HOST1(mn, sz, m) __asm__ volatile( \
	"lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopfq\n\t" mn sz " %" m "[a]\n\t" \
	"pushfq\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" : [a] "+r"(a), [f] "+r"(f) : : "cc", "memory")
#define SIZES(H, mn) switch (size) { \
	case 1: H(mn, "b", "b"); break; case 2: H(mn, "w", "w"); break; \
	case 4: H(mn, "l", "k"); break; default: H(mn, "q", "q"); break; }

static uint64_t host_flags_base(void)
{
	uint64_t f;
	__asm__ volatile("pushfq\n\tpop %0" : "=r"(f));
	return f & ~(A | X86_FLAG_DF | BIT(8));   /* never TF or DF */
}

static uint64_t host_alu(enum x86_alu_op op, uint64_t a, uint64_t b, unsigned size, uint64_t *flags)
{
	uint64_t f = host_flags_base() | (*flags & A);
	switch (op) {
	case X86_ALU_ADD: SIZES(HOST2, "add") break;
	case X86_ALU_OR: SIZES(HOST2, "or") break;
	case X86_ALU_ADC: SIZES(HOST2, "adc") break;
	case X86_ALU_SBB: SIZES(HOST2, "sbb") break;
	case X86_ALU_AND: SIZES(HOST2, "and") break;
	case X86_ALU_SUB: SIZES(HOST2, "sub") break;
	case X86_ALU_XOR: SIZES(HOST2, "xor") break;
	case X86_ALU_CMP: SIZES(HOST2, "cmp") break;
	case X86_ALU_TEST: SIZES(HOST2, "test") break;
	case X86_ALU_INC: SIZES(HOST1, "inc") break;
	case X86_ALU_DEC: SIZES(HOST1, "dec") break;
	case X86_ALU_NEG: SIZES(HOST1, "neg") break;
	case X86_ALU_NOT: SIZES(HOST1, "not") break;
	default: break;
	}
	*flags = f & A;
	return size == 8 ? a : a & ((1ull << (8 * size)) - 1);
}

/* "bt{s,r,c} b, a" on a register. */
static uint64_t host_bit_reg(unsigned kind, uint64_t a, uint64_t b, unsigned size, uint64_t *flags)
{
	uint64_t f = host_flags_base() | (*flags & A);
	switch (kind) {
	case 0: SIZES(HOST2, "bt") break;
	case 1: SIZES(HOST2, "bts") break;
	case 2: SIZES(HOST2, "btr") break;
	default: SIZES(HOST2, "btc") break;
	}
	*flags = f & A;
	return size == 8 ? a : a & ((1ull << (8 * size)) - 1);
}

/* "bt{s,r,c} off, (p)" on host memory, 16/32/64-bit: the bit addressing
 * beyond the operand, as the processor does it. */
#define HOSTM(mn, sz, m) __asm__ volatile( \
	"lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopfq\n\t" mn sz " %" m "[o], (%[p])\n\t" \
	"pushfq\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" : [f] "+r"(f) : [o] "r"(off), [p] "r"(p) : "cc", "memory")
static uint64_t host_bit_mem(unsigned kind, uint8_t *p, uint64_t off, unsigned size)
{
	uint64_t f = host_flags_base();
	switch (kind * 8 + size) {
	case 0 * 8 + 2: HOSTM("bt", "w", "w"); break;
	case 0 * 8 + 4: HOSTM("bt", "l", "k"); break;
	case 0 * 8 + 8: HOSTM("bt", "q", "q"); break;
	case 1 * 8 + 2: HOSTM("bts", "w", "w"); break;
	case 1 * 8 + 4: HOSTM("bts", "l", "k"); break;
	case 1 * 8 + 8: HOSTM("bts", "q", "q"); break;
	case 2 * 8 + 2: HOSTM("btr", "w", "w"); break;
	case 2 * 8 + 4: HOSTM("btr", "l", "k"); break;
	case 2 * 8 + 8: HOSTM("btr", "q", "q"); break;
	case 3 * 8 + 2: HOSTM("btc", "w", "w"); break;
	case 3 * 8 + 4: HOSTM("btc", "l", "k"); break;
	default: HOSTM("btc", "q", "q"); break;
	}
	return f & CF;
}

static bool host_is_amd(void)
{
	unsigned a, b, c, d;
	__cpuid(0, a, b, c, d);
	return b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   /* "AuthenticAMD" */
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t edges[] = {
	0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
};

static void test_alu_against_host_cpu(void)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	bool amd = host_is_amd();
	unsigned compared = 0;
	if (!amd)
		printf("  host is not AMD: AF after AND/OR/XOR/TEST not compared\n");
	for (int op = 0; op < X86_ALU_COUNT; op++) {
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			for (size_t k = 0; k < ARRAY_SIZE(edges) * ARRAY_SIZE(edges) + 20000; k++) {
				uint64_t a, b;
				if (k < ARRAY_SIZE(edges) * ARRAY_SIZE(edges)) {
					a = edges[k % ARRAY_SIZE(edges)];
					b = edges[k / ARRAY_SIZE(edges)];
				} else {
					a = rng();
					b = rng();
					if (k & 1)
						b = a + (rng() & 3) - 1;   /* near-equal: borrows and zeros */
				}
				uint64_t flags_in = rng() & A;
				uint64_t hf = flags_in, ef = flags_in | 0x202;   /* other bits must survive */
				uint64_t hr = host_alu((enum x86_alu_op)op, a, b, sizes[s], &hf);
				uint64_t er = x86_alu((enum x86_alu_op)op, a, b, sizes[s], &ef);
				uint64_t mask = A;
				if (!amd && (op == X86_ALU_AND || op == X86_ALU_OR || op == X86_ALU_XOR || op == X86_ALU_TEST))
					mask &= ~AF;
				bool writes = x86_alu_writes((enum x86_alu_op)op);
				if ((writes && hr != er) || ((hf ^ ef) & mask) || (ef & ~A) != 0x202) {
					test_case_failed = 1;
					fprintf(stderr, "  op %d size %u a 0x%llx b 0x%llx flags 0x%llx: host 0x%llx/0x%llx, "
						"emulated 0x%llx/0x%llx\n", op, sizes[s], (unsigned long long)a,
						(unsigned long long)b, (unsigned long long)flags_in, (unsigned long long)hr,
						(unsigned long long)hf, (unsigned long long)er, (unsigned long long)ef);
					return;
				}
				compared++;
			}
		}
	}
	EXPECT_TRUE(compared > 1000000);
}

/* The brief's edge values, by hand (APM Vol. 3, "ADD", "SUB"). */
static void test_alu_edge_values(void)
{
	uint64_t f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_ADD, 0x7f, 1, 1, &f), 0x80);
	EXPECT_EQ(f, OF | SF | AF);                                /* 0x80: one bit set, PF clear */
	f = A;
	EXPECT_EQ(x86_alu(X86_ALU_SUB, 0x80, 1, 1, &f), 0x7f);
	EXPECT_EQ(f, OF | AF);                                     /* seven bits: PF clear */
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_ADD, 0xff, 1, 1, &f), 0);
	EXPECT_EQ(f, CF | ZF | AF | PF);
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_SUB, 0, 1, 4, &f), 0xffffffff);
	EXPECT_EQ(f, CF | SF | AF | PF);                           /* borrow */
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_CMP, 5, 5, 2, &f), 0);
	EXPECT_EQ(f, ZF | PF);
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_ADD, 0x7fffffffffffffffull, 1, 8, &f), 0x8000000000000000ull);
	EXPECT_EQ(f, OF | SF | AF | PF);
	f = CF;
	EXPECT_EQ(x86_alu(X86_ALU_ADC, 0xffff, 0, 2, &f), 0);      /* carry in */
	EXPECT_EQ(f, CF | ZF | AF | PF);
	f = CF;
	EXPECT_EQ(x86_alu(X86_ALU_SBB, 0, 0, 1, &f), 0xff);        /* borrow in */
	EXPECT_EQ(f, CF | SF | AF | PF);
	f = CF;
	EXPECT_EQ(x86_alu(X86_ALU_INC, 0xff, 0, 1, &f), 0);        /* CF kept */
	EXPECT_EQ(f, CF | ZF | AF | PF);
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_DEC, 0x80000000, 0, 4, &f), 0x7fffffff);
	EXPECT_EQ(f, OF | AF | PF);
	f = 0;
	EXPECT_EQ(x86_alu(X86_ALU_NEG, 0x80, 0, 1, &f), 0x80);
	EXPECT_EQ(f, CF | OF | SF);
	f = CF;
	EXPECT_EQ(x86_alu(X86_ALU_NEG, 0, 0, 8, &f), 0);
	EXPECT_EQ(f, ZF | PF);
	f = A;
	EXPECT_EQ(x86_alu(X86_ALU_AND, 0xf0, 0x0f, 1, &f), 0);     /* CF OF AF cleared */
	EXPECT_EQ(f, ZF | PF);
	f = A;
	EXPECT_EQ(x86_alu(X86_ALU_NOT, 0x0f, 0, 1, &f), 0xf0);     /* no flag changes */
	EXPECT_EQ(f, A);
}

/* --- the instructions, with memory operands ----------------------------- */

static void test_alu_memory_forms(void)
{
	fake_init(0x4000);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RBX] = 0x4000;
	fake_put(0x4000, 1, 0x7f);
	EXPECT_EQ(EMU(s, 0x80, 0x03, 0x01), X86_EMUL_OK);               /* add byte [rbx], 1 */
	EXPECT_EQ(fake_get(0x4000, 1), 0x80);
	EXPECT_EQ(s.rflags & A, OF | SF | AF);
	EXPECT_EQ(fake.nlog, 2);
	expect_access(0, false, X86_SEG_DS, 0x4000, 1, 0x7f);
	expect_access(1, true, X86_SEG_DS, 0x4000, 1, 0x80);
	EXPECT_EQ(s.rflags & ~A, 2);

	fake_put(0x4008, 8, 0);
	EXPECT_EQ(EMU(s, 0x83, 0x6b, 0x08, 0x01), X86_EMUL_OK);         /* sub dword [rbx+8], 1 */
	EXPECT_EQ(fake_get(0x4008, 4), 0xffffffff);
	EXPECT_EQ(s.rflags & A, CF | SF | AF | PF);
	EXPECT_EQ(EMU(s, 0x48, 0x83, 0x43, 0x08, 0xff), X86_EMUL_OK);   /* add qword [rbx+8], -1 */
	EXPECT_EQ(fake_get(0x4008, 8), 0xfffffffeull);
	EXPECT_EQ(s.rflags & A, CF | AF);                               /* 0xfe: seven bits */

	/* reg destination: the register changes, memory is only read */
	unsigned before = fake.nlog;
	s.gpr[X86_RCX] = 0xffffffff00000001ull;
	EXPECT_EQ(EMU(s, 0x2b, 0x4b, 0x08), X86_EMUL_OK);               /* sub ecx, [rbx+8] */
	EXPECT_EQ(s.gpr[X86_RCX], 3);                                   /* 1 - 0xfffffffe; upper half zeroed */
	EXPECT_EQ(s.rflags & A, CF | PF | AF);
	EXPECT_EQ(fake.nlog, before + 1);
	/* CMP and TEST: read only */
	EXPECT_EQ(EMU(s, 0x3b, 0x4b, 0x08), X86_EMUL_OK);               /* cmp ecx, [rbx+8] */
	EXPECT_EQ(EMU(s, 0x81, 0x7b, 0x08, 0xfe, 0xff, 0xff, 0xff), X86_EMUL_OK);  /* cmp dword [rbx+8], -2 */
	EXPECT_EQ(s.rflags & A, ZF | PF);
	EXPECT_EQ(EMU(s, 0xf6, 0x43, 0x08, 0x01), X86_EMUL_OK);         /* test byte [rbx+8], 1 */
	EXPECT_EQ(s.rflags & A, ZF | PF);
	EXPECT_EQ(EMU(s, 0x85, 0x4b, 0x08), X86_EMUL_OK);               /* test [rbx+8], ecx */
	EXPECT_EQ(s.rflags & A, 0);                                     /* 2: one bit, PF clear */
	EXPECT_EQ(fake.nlog, before + 5);
	for (unsigned k = before + 1; k < fake.nlog; k++)
		EXPECT_TRUE(!fake.log[k].write);
	/* ADC/SBB take CF in; OR/XOR/AND on memory */
	fake_put(0x4010, 2, 0xffff);
	s.rflags |= CF;
	EXPECT_EQ(EMU(s, 0x66, 0x83, 0x53, 0x10, 0x00), X86_EMUL_OK);   /* adc word [rbx+16], 0 */
	EXPECT_EQ(fake_get(0x4010, 2), 0);
	EXPECT_EQ(s.rflags & A, CF | ZF | AF | PF);
	EXPECT_EQ(EMU(s, 0x66, 0x83, 0x5b, 0x10, 0x00), X86_EMUL_OK);   /* sbb word [rbx+16], 0 */
	EXPECT_EQ(fake_get(0x4010, 2), 0xffff);
	s.gpr[X86_RDX] = 0x0ff0;
	EXPECT_EQ(EMU(s, 0x66, 0x31, 0x53, 0x10), X86_EMUL_OK);         /* xor [rbx+16], dx */
	EXPECT_EQ(fake_get(0x4010, 2), 0xf00f);
	EXPECT_EQ(s.rflags & A, SF | PF);
	EXPECT_EQ(EMU(s, 0x08, 0x73, 0x10), X86_EMUL_OK);               /* or [rbx+16], dh */
	EXPECT_EQ(fake_get(0x4010, 1), 0x0f);
	EXPECT_EQ(EMU(s, 0x20, 0x53, 0x10), X86_EMUL_OK);               /* and [rbx+16], dl */
	EXPECT_EQ(fake_get(0x4010, 1), 0x00);
	EXPECT_EQ(s.rflags & A, ZF | PF);
	/* accumulator and register forms (no memory) */
	s.gpr[X86_RAX] = 0x100;
	EXPECT_EQ(EMU(s, 0x04, 0xff), X86_EMUL_OK);                     /* add al, 0xff */
	EXPECT_EQ(s.gpr[X86_RAX], 0x1ff);
	EXPECT_EQ(EMU(s, 0x48, 0x2d, 0x00, 0x02, 0x00, 0x00), X86_EMUL_OK);   /* sub rax, 0x200 */
	EXPECT_EQ(s.gpr[X86_RAX], (uint64_t)-1);
	EXPECT_EQ(EMU(s, 0xa9, 0x00, 0x00, 0x00, 0x80), X86_EMUL_OK);   /* test eax, 0x80000000 */
	EXPECT_EQ(s.rflags & A, SF | PF);
	EXPECT_EQ(s.gpr[X86_RAX], (uint64_t)-1);
	EXPECT_EQ(EMU(s, 0x00, 0xe0), X86_EMUL_OK);                     /* add al, ah */
	EXPECT_EQ(s.gpr[X86_RAX], (uint64_t)-1 - 1);
}

static void test_inc_dec_not_neg(void)
{
	fake_init(0x4000);
	struct x86_emul_state s = fake_state(P32);
	s.gpr[X86_RSI] = 0x4100;
	fake_put(0x4100, 4, 0xffffffff);
	s.rflags = 2 | CF;
	EXPECT_EQ(EMU(s, 0xff, 0x06), X86_EMUL_OK);                     /* inc dword [esi] */
	EXPECT_EQ(fake_get(0x4100, 4), 0);
	EXPECT_EQ(s.rflags & A, CF | ZF | AF | PF);                     /* CF untouched */
	s.rflags = 2;
	EXPECT_EQ(EMU(s, 0xfe, 0x0e), X86_EMUL_OK);                     /* dec byte [esi] */
	EXPECT_EQ(fake_get(0x4100, 1), 0xff);
	EXPECT_EQ(s.rflags & A, SF | AF | PF);
	EXPECT_EQ(EMU(s, 0x66, 0xf7, 0x16), X86_EMUL_OK);               /* not word [esi] */
	EXPECT_EQ(fake_get(0x4100, 2), 0xff00);
	EXPECT_EQ(s.rflags & A, SF | AF | PF);                          /* unchanged */
	EXPECT_EQ(EMU(s, 0xf7, 0x1e), X86_EMUL_OK);                     /* neg dword [esi]: -0xff00 */
	EXPECT_EQ(fake_get(0x4100, 4), 0xffff0100);
	EXPECT_EQ(s.rflags & A, CF | SF | PF);
	EXPECT_EQ(EMU(s, 0xf0, 0xf6, 0x1e), X86_EMUL_OK);               /* lock neg byte [esi] */
	EXPECT_EQ(fake_get(0x4100, 1), 0);
	EXPECT_EQ(s.rflags & A, ZF | PF);
	EXPECT_EQ(fake.nlog, 10);
	/* group 3 /4-/7 and group 5 /2-/6 are not emulated */
	struct x86_emul_state b = s;
	EXPECT_EQ(EMU(s, 0xf7, 0x26), X86_EMUL_UNSUPPORTED);            /* mul dword [esi] */
	EXPECT_EQ(EMU(s, 0xff, 0x36), X86_EMUL_UNSUPPORTED);            /* push dword [esi] */
	EXPECT_TRUE(memcmp(&s, &b, sizeof(s)) == 0);
	EXPECT_EQ(fake.nlog, 10);
}

static void test_cmpxchg_and_xadd(void)
{
	fake_init(0x4000);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RDI] = 0x4200;
	fake_put(0x4200, 8, 0x1111);
	/* equal: destination gets the source, rAX keeps its upper half */
	s.gpr[X86_RAX] = 0xaaaaaaaa00001111ull;
	s.gpr[X86_RCX] = 0x2222;
	EXPECT_EQ(EMU(s, 0xf0, 0x0f, 0xb1, 0x0f), X86_EMUL_OK);         /* lock cmpxchg [rdi], ecx */
	EXPECT_TRUE(x86_insn_locked(&insn));
	EXPECT_EQ(fake_get(0x4200, 4), 0x2222);
	EXPECT_EQ(s.gpr[X86_RAX], 0xaaaaaaaa00001111ull);
	EXPECT_EQ(s.rflags & A, ZF | PF);
	expect_access(0, false, X86_SEG_DS, 0x4200, 4, 0x1111);
	expect_access(1, true, X86_SEG_DS, 0x4200, 4, 0x2222);
	/* unequal: the old value is written back, EAX gets it (zero-extended) */
	EXPECT_EQ(EMU(s, 0x0f, 0xb1, 0x0f), X86_EMUL_OK);
	EXPECT_EQ(fake_get(0x4200, 4), 0x2222);
	EXPECT_EQ(s.gpr[X86_RAX], 0x2222);
	EXPECT_EQ(s.rflags & (ZF | CF), CF);                            /* 0x1111 - 0x2222 borrows */
	expect_access(3, true, X86_SEG_DS, 0x4200, 4, 0x2222);
	/* byte form, now equal */
	s.gpr[X86_RAX] = 0x22;
	s.gpr[X86_RBX] = 0x99;
	EXPECT_EQ(EMU(s, 0x0f, 0xb0, 0x1f), X86_EMUL_OK);               /* cmpxchg [rdi], bl */
	EXPECT_EQ(fake_get(0x4200, 2), 0x2299);
	EXPECT_TRUE(s.rflags & ZF);
	/* XADD: memory gets the sum, the register the old value; flags of ADD */
	fake_put(0x4208, 8, 0xffffffffffffffffull);
	s.gpr[X86_RDX] = 1;
	EXPECT_EQ(EMU(s, 0xf0, 0x48, 0x0f, 0xc1, 0x57, 0x08), X86_EMUL_OK);   /* lock xadd [rdi+8], rdx */
	EXPECT_EQ(fake_get(0x4208, 8), 0);
	EXPECT_EQ(s.gpr[X86_RDX], 0xffffffffffffffffull);
	EXPECT_EQ(s.rflags & A, CF | ZF | AF | PF);
	/* XADD with two registers, the same one: the sum wins */
	s.gpr[X86_RCX] = 5;
	EXPECT_EQ(EMU(s, 0x0f, 0xc1, 0xc9), X86_EMUL_OK);               /* xadd ecx, ecx */
	EXPECT_EQ(s.gpr[X86_RCX], 10);
	s.gpr[X86_RAX] = 3;
	s.gpr[X86_RBX] = 4;
	EXPECT_EQ(EMU(s, 0x0f, 0xc1, 0xc3), X86_EMUL_OK);               /* xadd ebx, eax */
	EXPECT_EQ(s.gpr[X86_RBX], 7);
	EXPECT_EQ(s.gpr[X86_RAX], 4);
}

/* BT* on memory with a register offset, against the host doing the same
 * on a real buffer: offsets inside, beyond and before the operand. */
static void test_bit_ops_against_host(void)
{
	static const unsigned sizes[] = { 2, 4, 8 };
	static const uint8_t opc[4] = { 0xa3, 0xab, 0xb3, 0xbb };
	uint8_t host[512], init[512];
	for (unsigned k = 0; k < sizeof(init); k++)
		init[k] = (uint8_t)rng();
	unsigned compared = 0;
	for (unsigned kind = 0; kind < 4; kind++) {
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			for (int off = -1500; off <= 1500; off += 7) {
				unsigned size = sizes[s];
				memcpy(host, init, sizeof(host));
				uint64_t hcf = host_bit_mem(kind, host + 256, (uint64_t)(int64_t)off, size);

				fake_init(0x5000);
				memcpy(fake.mem, init, sizeof(init));
				struct x86_emul_state st = fake_state(L64);
				st.gpr[X86_RBX] = 0x5000 + 256;
				st.gpr[X86_RCX] = (uint64_t)(int64_t)off;
				st.rflags = 2 | (A & ~CF);
				uint8_t enc[5];   /* bt* [rbx], cx / ecx / rcx */
				size_t n = 0;
				if (size == 2)
					enc[n++] = 0x66;
				if (size == 8)
					enc[n++] = 0x48;
				enc[n++] = 0x0f;
				enc[n++] = opc[kind];
				enc[n++] = 0x0b;
				EXPECT_EQ(x86_emulate(&st, &fake_ops, &fake, enc, n, &insn), X86_EMUL_OK);
				EXPECT_EQ(insn.op_size, size);
				EXPECT_EQ(st.rflags & CF, hcf);
				EXPECT_EQ(st.rflags & (A & ~CF), A & ~CF);   /* the others unchanged */
				EXPECT_TRUE(memcmp(fake.mem, host, sizeof(host)) == 0);
				EXPECT_EQ(fake.nlog, kind == 0 ? 1u : 2u);
				compared++;
			}
		}
	}
	EXPECT_TRUE(compared > 5000);
}

static void test_bit_ops_forms(void)
{
	fake_init(0x5000);
	struct x86_emul_state s = fake_state(P32);
	s.gpr[X86_RBX] = 0x5100;
	fake_put(0x5100, 4, 0);
	/* immediate: the offset wraps within the operand (33 -> bit 1) */
	EXPECT_EQ(EMU(s, 0x0f, 0xba, 0x2b, 33), X86_EMUL_OK);           /* bts dword [ebx], 33 */
	EXPECT_EQ(fake_get(0x5100, 4), 2);
	expect_access(0, false, X86_SEG_DS, 0x5100, 4, 0);
	EXPECT_EQ(s.rflags & CF, 0);
	EXPECT_EQ(EMU(s, 0x66, 0x0f, 0xba, 0x23, 17), X86_EMUL_OK);     /* bt word [ebx], 17 */
	EXPECT_EQ(s.rflags & CF, CF);
	EXPECT_EQ(fake.nlog, 3);
	EXPECT_EQ(EMU(s, 0x0f, 0xba, 0x3b, 1), X86_EMUL_OK);            /* btc dword [ebx], 1 */
	EXPECT_EQ(fake_get(0x5100, 4), 0);
	EXPECT_EQ(s.rflags & CF, CF);
	/* register offset, 16-bit operand: -1 is bit 15 of the word below */
	s.gpr[X86_RAX] = 0xffff;
	fake_put(0x50fe, 2, 0x8000);
	EXPECT_EQ(EMU(s, 0x66, 0x0f, 0xb3, 0x03), X86_EMUL_OK);         /* btr [ebx], ax */
	EXPECT_EQ(fake_get(0x50fe, 2), 0);
	EXPECT_EQ(s.rflags & CF, CF);
	expect_access(5, false, X86_SEG_DS, 0x50fe, 2, 0x8000);
	/* register operands: offset mod width */
	s.gpr[X86_RDX] = 0;
	s.gpr[X86_RCX] = 35;
	EXPECT_EQ(EMU(s, 0x0f, 0xab, 0xca), X86_EMUL_OK);               /* bts edx, ecx */
	EXPECT_EQ(s.gpr[X86_RDX], 8);
	/* against the host on registers */
	for (unsigned k = 0; k < 20000; k++) {
		unsigned kind = k & 3, size = (k >> 2) % 3 == 0 ? 2 : (k >> 2) % 3 == 1 ? 4 : 8;
		uint64_t val = rng(), off = rng(), hf = rng() & A, ef = hf | 2;
		uint64_t hr = host_bit_reg(kind, val, off, size, &hf);
		struct x86_emul_state r = fake_state(L64);
		r.gpr[X86_RDX] = val;
		r.gpr[X86_RCX] = off;
		r.rflags = ef;
		uint8_t enc[4] = { 0x48, 0x0f, (uint8_t)(0xa3 + 8 * kind), 0xca };   /* bt* rdx, rcx */
		const uint8_t *p = enc;
		size_t n = 4;
		if (size == 2)
			enc[0] = 0x66;
		if (size == 4) {
			p = enc + 1;
			n = 3;
		}
		EXPECT_EQ(x86_emulate(&r, &fake_ops, &fake, p, n, NULL), X86_EMUL_OK);
		uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		EXPECT_EQ(r.gpr[X86_RDX] & m, hr);
		EXPECT_EQ(r.rflags & A, hf);
		if (test_case_failed)
			break;
	}
}

int main(void)
{
	RUN(test_alu_against_host_cpu);
	RUN(test_alu_edge_values);
	RUN(test_alu_memory_forms);
	RUN(test_inc_dec_not_neg);
	RUN(test_cmpxchg_and_xadd);
	RUN(test_bit_ops_against_host);
	RUN(test_bit_ops_forms);
	TEST_MAIN_END();
}

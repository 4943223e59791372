/* tests/unit/test_emulate_string.c - MOVS/STOS/LODS with and without REP:
 * direction, element sizes, address sizes (16-bit wrap, 32-bit in 64-bit
 * mode), segments, the per-call bound and the page-boundary stop with RIP
 * left on the instruction, resumption to completion, and faults part-way
 * keeping the elements done. */
/* UNIT_SRC: hv/emulate/emulate.c hv/emulate/emulate_mov.c hv/emulate/emulate_alu.c hv/emulate/emulate_bit.c hv/emulate/emulate_string.c hv/emulate/alu.c hv/emulate/decode.c hv/emulate/decode_tables.c */
#include "emulate_fake.h"

static void test_single_movs_and_direction(void)
{
	fake_init(0x8000);
	struct x86_emul_state s = fake_state(L64), before;
	s.gpr[X86_RSI] = 0x8100;
	s.gpr[X86_RDI] = 0x8200;
	s.seg_base[X86_SEG_ES] = 0x1000;   /* ignored in 64-bit mode */
	before = s;
	EXPECT_EQ(EMU(s, 0xa5), X86_EMUL_OK);                           /* movsd */
	expect_access(0, false, X86_SEG_DS, 0x8100, 4, fake_get(0x8100, 4));
	expect_access(1, true, X86_SEG_ES, 0x8200, 4, fake_get(0x8100, 4));
	EXPECT_EQ(s.gpr[X86_RSI], 0x8104);
	EXPECT_EQ(s.gpr[X86_RDI], 0x8204);
	EXPECT_EQ(s.gpr[X86_RCX], before.gpr[X86_RCX]);                 /* no REP: RCX untouched */
	EXPECT_EQ(s.rip, before.rip + 1);
	/* DF=1: backwards */
	s.rflags |= X86_FLAG_DF;
	EXPECT_EQ(EMU(s, 0x48, 0xa5), X86_EMUL_OK);                     /* movsq */
	EXPECT_EQ(s.gpr[X86_RSI], 0x80fc);
	EXPECT_EQ(s.gpr[X86_RDI], 0x81fc);
	EXPECT_EQ(fake_get(0x8204, 8), fake_get(0x8104, 8));
	EXPECT_EQ(s.rflags, before.rflags | X86_FLAG_DF);               /* no flags change */
	/* FS override on the source; the destination is always ES */
	s.rflags = 2;
	s.seg_base[X86_SEG_FS] = 0x400;
	EXPECT_EQ(EMU(s, 0x64, 0xa4), X86_EMUL_OK);                     /* fs movsb */
	expect_access(4, false, X86_SEG_FS, 0x84fc, 1, fake_get(0x84fc, 1));
	expect_access(5, true, X86_SEG_ES, 0x81fc, 1, fake_get(0x84fc, 1));
}

/* A guest-visible copy done by the emulator across several calls equals
 * memmove's result; each call does at most X86_EMUL_REP_MAX elements and
 * leaves RIP on the instruction until the last. */
static void rep_movs_run(unsigned size, bool backwards, unsigned count)
{
	fake_init(0x8000);
	uint8_t want[FAKE_SIZE];
	uint64_t src = 0x8010, dst = 0x9020;
	if (backwards) {
		src += (count - 1) * size;
		dst += (count - 1) * size;
	}
	memcpy(want, fake.mem, sizeof(want));
	uint64_t lo_src = backwards ? src - (count - 1) * size : src;
	uint64_t lo_dst = backwards ? dst - (count - 1) * size : dst;
	memmove(&want[lo_dst - fake.base], &fake.mem[lo_src - fake.base], (size_t)count * size);

	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RSI] = src;
	s.gpr[X86_RDI] = dst;
	s.gpr[X86_RCX] = count;
	s.rflags = 2 | (backwards ? X86_FLAG_DF : 0);
	uint64_t rip = s.rip;
	uint8_t b[3] = { 0xf3 }, n = 1;
	if (size == 2)
		b[n++] = 0x66;
	if (size == 8)
		b[n++] = 0x48;
	b[n++] = size == 1 ? 0xa4 : 0xa5;

	unsigned calls = 0;
	enum x86_emul_result r;
	do {
		uint64_t rcx = s.gpr[X86_RCX];
		unsigned accesses = fake.nlog;
		r = x86_emulate(&s, &fake_ops, &fake, b, n, NULL);
		unsigned done = (unsigned)(rcx - s.gpr[X86_RCX]);
		EXPECT_TRUE(done >= 1 && done <= X86_EMUL_REP_MAX);
		EXPECT_EQ(fake.nlog - accesses, 2 * done);
		if (r == X86_EMUL_INCOMPLETE)
			EXPECT_EQ(s.rip, rip);
		calls++;
	} while (r == X86_EMUL_INCOMPLETE && calls < 1000);
	EXPECT_EQ(r, X86_EMUL_OK);
	EXPECT_EQ(s.rip, rip + n);
	EXPECT_EQ(s.gpr[X86_RCX], 0);
	uint64_t moved = (uint64_t)count * size;
	EXPECT_EQ(s.gpr[X86_RSI], backwards ? src - moved : src + moved);
	EXPECT_EQ(s.gpr[X86_RDI], backwards ? dst - moved : dst + moved);
	EXPECT_TRUE(memcmp(want, fake.mem, sizeof(want)) == 0);
	EXPECT_TRUE(calls >= (count + X86_EMUL_REP_MAX - 1) / X86_EMUL_REP_MAX);
	EXPECT_EQ(fake.outside, 0);
}

static void test_rep_movs_in_bounded_steps(void)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		rep_movs_run(sizes[k], false, 1);
		rep_movs_run(sizes[k], false, 10);
		rep_movs_run(sizes[k], false, 200);
		rep_movs_run(sizes[k], true, 10);
		rep_movs_run(sizes[k], true, 200);
	}
	/* exactly: the first call of 200 dwords does 64 (no page in between) */
	fake_init(0x8000);
	struct x86_emul_state s = fake_state(P32);
	s.gpr[X86_RSI] = 0x8000;
	s.gpr[X86_RDI] = 0xa000;
	s.gpr[X86_RCX] = 200;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_INCOMPLETE);
	EXPECT_EQ(s.gpr[X86_RCX], 200 - X86_EMUL_REP_MAX);
	EXPECT_EQ(s.gpr[X86_RSI], 0x8000 + 4 * X86_EMUL_REP_MAX);
	EXPECT_EQ(s.rip, 0x1000);
	/* F2 repeats MOVS too */
	s.gpr[X86_RCX] = 3;
	EXPECT_EQ(EMU(s, 0xf2, 0xa5), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RCX], 0);
	EXPECT_EQ(s.rip, 0x1002);
	/* REP with a zero count: nothing, RIP moves on */
	unsigned n = fake.nlog;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_OK);
	EXPECT_EQ(fake.nlog, n);
	EXPECT_EQ(s.rip, 0x1004);
}

static void test_rep_stops_at_page_boundary(void)
{
	fake_init(0x8000);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RDI] = 0x8ff0;            /* 4 qwords to the end of the page */
	s.gpr[X86_RCX] = 100;
	s.gpr[X86_RAX] = 0x0123456789abcdefull;
	EXPECT_EQ(EMU(s, 0xf3, 0x48, 0xab), X86_EMUL_INCOMPLETE);       /* rep stosq */
	EXPECT_EQ(s.gpr[X86_RCX], 98);
	EXPECT_EQ(s.gpr[X86_RDI], 0x9000);
	EXPECT_EQ(fake_get(0x8ff8, 8), 0x0123456789abcdefull);
	EXPECT_EQ(EMU(s, 0xf3, 0x48, 0xab), X86_EMUL_INCOMPLETE);       /* then a whole call's worth */
	EXPECT_EQ(s.gpr[X86_RCX], 98 - X86_EMUL_REP_MAX);
	/* the source side counts too, and so does an unaligned element */
	s.gpr[X86_RSI] = 0x9ffe;
	s.gpr[X86_RDI] = 0x8100;
	s.gpr[X86_RCX] = 50;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_INCOMPLETE);             /* rep movsd, straddling */
	EXPECT_EQ(s.gpr[X86_RCX], 49);
	EXPECT_EQ(s.gpr[X86_RSI], 0xa002);
	expect_access(fake.nlog - 2, false, X86_SEG_DS, 0x9ffe, 4, fake_get(0x9ffe, 4));
	/* backwards across a page */
	s.rflags |= X86_FLAG_DF;
	s.gpr[X86_RSI] = 0x9004;
	s.gpr[X86_RCX] = 10;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_INCOMPLETE);
	EXPECT_EQ(s.gpr[X86_RCX], 8);
	EXPECT_EQ(s.gpr[X86_RSI], 0x8ffc);
	/* LODS only reads, so the destination does not stop it */
	s.rflags = 2;
	s.gpr[X86_RSI] = 0x8000;
	s.gpr[X86_RDI] = 0xfff;
	s.gpr[X86_RCX] = 5;
	EXPECT_EQ(EMU(s, 0xf3, 0xac), X86_EMUL_OK);                     /* rep lodsb */
	EXPECT_EQ(s.gpr[X86_RSI], 0x8005);
	EXPECT_EQ(s.gpr[X86_RAX] & 0xff, fake_get(0x8004, 1));
}

static void test_address_sizes(void)
{
	/* 16-bit: SI/DI/CX wrap at 64 KiB, the upper bits are kept */
	fake_init(0x20000);
	struct x86_emul_state s = fake_state(R);
	s.seg_base[X86_SEG_DS] = 0x20000;
	s.seg_base[X86_SEG_ES] = 0x21000;
	s.gpr[X86_RSI] = 0xabcd0000ffffull;
	s.gpr[X86_RDI] = 0x1234000000ffull;
	s.gpr[X86_RCX] = 0x7777000000000002ull;
	EXPECT_EQ(EMU(s, 0xf3, 0xa4), X86_EMUL_INCOMPLETE);             /* rep movsb: SI wraps to another page */
	expect_access(0, false, X86_SEG_DS, 0x2ffff, 1, fake_get(0x2ffff, 1));
	EXPECT_EQ(s.gpr[X86_RSI], 0xabcd00000000ull);
	EXPECT_EQ(s.gpr[X86_RCX], 0x7777000000000001ull);
	EXPECT_EQ(EMU(s, 0xf3, 0xa4), X86_EMUL_OK);
	expect_access(2, false, X86_SEG_DS, 0x20000, 1, fake_get(0x20000, 1));
	expect_access(3, true, X86_SEG_ES, 0x21100, 1, fake_get(0x20000, 1));
	EXPECT_EQ(s.gpr[X86_RSI], 0xabcd00000001ull);
	EXPECT_EQ(s.gpr[X86_RDI], 0x123400000101ull);
	EXPECT_EQ(s.gpr[X86_RCX], 0x7777000000000000ull);
	/* 67 in real mode: ESI/EDI/ECX */
	s.gpr[X86_RSI] = 0x10;
	s.gpr[X86_RDI] = 0x20;
	s.gpr[X86_RCX] = 0xffff0001;   /* a 32-bit count: not 1 */
	EXPECT_EQ(EMU(s, 0x67, 0xf3, 0x66, 0xa5), X86_EMUL_INCOMPLETE);  /* rep movsd, a32 */
	EXPECT_EQ(s.gpr[X86_RCX], 0xffff0001 - X86_EMUL_REP_MAX);

	/* 32-bit addresses in 64-bit mode: ESI/EDI/ECX, written zero-extended */
	fake_init(0x8000);
	s = fake_state(L64);
	s.gpr[X86_RSI] = 0xffffffff00008000ull;
	s.gpr[X86_RDI] = 0x1111111100009000ull;
	s.gpr[X86_RCX] = 0x2222222200000002ull;
	EXPECT_EQ(EMU(s, 0x67, 0xf3, 0xa4), X86_EMUL_OK);
	expect_access(0, false, X86_SEG_DS, 0x8000, 1, fake_get(0x8000, 1));
	EXPECT_EQ(s.gpr[X86_RSI], 0x8002);
	EXPECT_EQ(s.gpr[X86_RDI], 0x9002);
	EXPECT_EQ(s.gpr[X86_RCX], 0);
	/* 32-bit protected mode: DS and ES bases apart */
	fake_init(0x8000);
	s = fake_state(P32);
	s.seg_base[X86_SEG_DS] = 0x8000;
	s.seg_base[X86_SEG_ES] = 0x9000;
	s.gpr[X86_RSI] = 0x10;
	s.gpr[X86_RDI] = 0x20;
	EXPECT_EQ(EMU(s, 0xa5), X86_EMUL_OK);
	expect_access(0, false, X86_SEG_DS, 0x8010, 4, fake_get(0x8010, 4));
	expect_access(1, true, X86_SEG_ES, 0x9020, 4, fake_get(0x8010, 4));
}

static void test_stos_and_lods(void)
{
	fake_init(0x8000);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RDI] = 0x8400;
	s.gpr[X86_RCX] = 16;
	s.gpr[X86_RAX] = 0x5a;
	EXPECT_EQ(EMU(s, 0xf3, 0xaa), X86_EMUL_OK);                     /* rep stosb */
	for (unsigned k = 0; k < 16; k++)
		EXPECT_EQ(fake_get(0x8400 + k, 1), 0x5a);
	EXPECT_EQ(fake_get(0x8410, 1), (uint8_t)(0x410 * 7 + 3));      /* not one more */
	EXPECT_EQ(fake.nlog, 16);
	s.gpr[X86_RAX] = 0xaabbccdd11223344ull;
	EXPECT_EQ(EMU(s, 0x66, 0xab), X86_EMUL_OK);                     /* stosw */
	EXPECT_EQ(fake_get(0x8410, 2), 0x3344);
	EXPECT_EQ(s.gpr[X86_RDI], 0x8412);
	/* LODS: AL keeps the rest of RAX, EAX zero-extends */
	fake_put(0x8500, 4, 0x80818283);
	s.gpr[X86_RSI] = 0x8500;
	EXPECT_EQ(EMU(s, 0xac), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RAX], 0xaabbccdd11223383ull);
	EXPECT_EQ(s.gpr[X86_RSI], 0x8501);
	s.gpr[X86_RSI] = 0x8500;
	EXPECT_EQ(EMU(s, 0xad), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RAX], 0x80818283);
	EXPECT_EQ(s.gpr[X86_RDI], 0x8412);                              /* LODS leaves RDI */
}

/* A fault part-way: the elements before it stay done (RCX/RSI/RDI), RIP
 * stays on the instruction, the failing element changes nothing. */
static void test_fault_part_way(void)
{
	fake_init(0x8000);
	struct x86_emul_state s = fake_state(P32);
	s.gpr[X86_RSI] = 0x8000;
	s.gpr[X86_RDI] = 0x9000;
	s.gpr[X86_RCX] = 20;
	fake.fail_at = 2 * 5 + 1;   /* the write of element 5 */
	fake.fail_with = X86_MEM_FAULT;
	uint32_t old = (uint32_t)fake_get(0x9014, 4);
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_FAULT);
	EXPECT_EQ(s.gpr[X86_RCX], 15);
	EXPECT_EQ(s.gpr[X86_RSI], 0x8014);
	EXPECT_EQ(s.gpr[X86_RDI], 0x9014);
	EXPECT_EQ(s.rip, 0x1000);
	EXPECT_EQ(fake_get(0x9014, 4), old);
	EXPECT_EQ(fake_get(0x9010, 4), fake_get(0x8010, 4));
	/* the guest takes its exception, returns, re-executes: the rest gets done */
	fake.fail_at = FAKE_NONE;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RCX], 0);
	EXPECT_TRUE(memcmp(&fake.mem[0x1000], &fake.mem[0], 80) == 0);
	/* refused at the first element: nothing at all changes */
	fake_init(0x8000);
	s.gpr[X86_RCX] = 4;
	struct x86_emul_state before = s;
	fake.fail_at = 0;
	fake.fail_with = X86_MEM_UNHANDLED;
	EXPECT_EQ(EMU(s, 0xf3, 0xa5), X86_EMUL_UNHANDLED);
	EXPECT_TRUE(memcmp(&s, &before, sizeof(s)) == 0);
}

int main(void)
{
	RUN(test_single_movs_and_direction);
	RUN(test_rep_movs_in_bounded_steps);
	RUN(test_rep_stops_at_page_boundary);
	RUN(test_address_sizes);
	RUN(test_stos_and_lods);
	RUN(test_fault_part_way);
	TEST_MAIN_END();
}

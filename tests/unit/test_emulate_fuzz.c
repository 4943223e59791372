/* tests/unit/test_emulate_fuzz.c - The emulator on garbage: 100k random
 * 15-byte buffers per mode (half of them biased towards the opcodes it
 * emulates), random registers, a memory whose accesses randomly fault or
 * are refused. Nothing may crash or trip ASan/UBSan, and the invariants of
 * expect_invariants() hold for every outcome. */
/* UNIT_SRC: hv/emulate/emulate.c hv/emulate/emulate_mov.c hv/emulate/emulate_alu.c hv/emulate/emulate_bit.c hv/emulate/emulate_string.c hv/emulate/alu.c hv/emulate/decode.c hv/emulate/decode_tables.c */
#include <stdlib.h>
#include "emulate_fake.h"

static const uint8_t biased[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x64, 0x65, 0x48, 0x4c, 0x41, 0x0f,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x3b, 0x63,
	0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0xa0, 0xa1, 0xa2, 0xa3,
	0xa4, 0xa5, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xb0, 0xb8, 0xc6, 0xc7, 0xf6, 0xf7, 0xfe, 0xff,
	0xb6, 0xb7, 0xbe, 0xbf, 0xa3, 0xab, 0xb3, 0xbb, 0xba, 0xb0, 0xb1, 0xc0, 0xc1,
	0x00, 0x04, 0x05, 0x08, 0x18, 0x28, 0x38, 0x44, 0x45, 0x84, 0x85, 0x24, 0x25, 0xc0, 0xc8,
};

static const enum cpu_mode modes[] = { R, P16, P32, L64 };

static struct x86_emul_state random_state(enum cpu_mode mode)
{
	struct x86_emul_state s = { .mode = mode };
	for (unsigned k = 0; k < X86_GPR_COUNT; k++) {
		uint64_t r = chaos_rng();
		/* small counts and pointers too, so REP runs and stops */
		s.gpr[k] = (r & 3) == 0 ? (r >> 8) & 0x1ff : (r & 3) == 1 ? (r >> 8) & 0xffffffff : r;
	}
	s.rip = chaos_rng();
	if (mode != L64)
		s.rip &= mode == P32 ? 0xffffffffull : 0xffffull;
	s.rflags = 2 | (chaos_rng() & (X86_FLAGS_ARITH | X86_FLAG_DF));
	for (unsigned k = 0; k < X86_SEG_COUNT; k++)
		s.seg_base[k] = mode == L64 ? chaos_rng() : chaos_rng() & 0xffffffffull;
	return s;
}

static void test_random_bytes(void)
{
	uint8_t *b = malloc(INSN_MAX_LEN);   /* exactly 15: an overread trips ASan */
	unsigned by_result[X86_EMUL_UNSUPPORTED + 1] = { 0 };
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (unsigned k = 0; k < 100000 && !test_case_failed; k++) {
			for (unsigned i = 0; i < INSN_MAX_LEN; i++) {
				uint64_t r = chaos_rng();
				b[i] = (k & 1) && (r % 100) < 50 ? biased[(r >> 8) % sizeof(biased)] : (uint8_t)(r >> 20);
			}
			if (k % 8 == 3) {   /* a REP string instruction, with whatever prefixes follow */
				static const uint8_t strings[] = { 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad };
				b[0] = k & 8 ? 0xf3 : 0xf2;
				b[2] = strings[b[2] % sizeof(strings)];
				if (b[1] != 0x66 && b[1] != 0x67 && b[1] != 0x48 && b[1] != 0x64)
					b[1] = 0x3e;
			}
			chaos_fail_pct = (unsigned)((k / 8) % 4) * 10;   /* 0, 10, 20, 30 % */
			struct x86_emul_state s = random_state(modes[m]), before = s;
			struct x86_insn in;
			fake.nlog = 0;
			enum x86_emul_result r = x86_emulate(&s, &chaos_ops, &fake, b, INSN_MAX_LEN, &in);
			expect_invariants(&before, &s, r, &in, fake.nlog);
			by_result[r <= X86_EMUL_UNSUPPORTED ? r : X86_EMUL_UNSUPPORTED]++;
		}
	}
	free(b);
	printf("  ok %u, incomplete %u, fault %u, unhandled %u, unsupported %u\n", by_result[X86_EMUL_OK],
	       by_result[X86_EMUL_INCOMPLETE], by_result[X86_EMUL_FAULT], by_result[X86_EMUL_UNHANDLED],
	       by_result[X86_EMUL_UNSUPPORTED]);
	/* the bias must make every outcome common enough to mean something */
	EXPECT_TRUE(by_result[X86_EMUL_OK] > 20000);
	EXPECT_TRUE(by_result[X86_EMUL_INCOMPLETE] > 100);
	EXPECT_TRUE(by_result[X86_EMUL_FAULT] > 2000 && by_result[X86_EMUL_UNHANDLED] > 2000);
}

/* Shorter buffers, each of its exact size, and the two-step interface. */
static void test_short_buffers_and_insn_interface(void)
{
	for (size_t n = 0; n <= INSN_MAX_LEN; n++) {
		uint8_t *b = malloc(n ? n : 1);
		for (unsigned k = 0; k < 3000; k++) {
			for (size_t i = 0; i < n; i++)
				b[i] = biased[chaos_rng() % sizeof(biased)];
			enum cpu_mode mode = modes[k % ARRAY_SIZE(modes)];
			struct x86_emul_state s = random_state(mode), before = s;
			struct x86_insn in;
			chaos_fail_pct = 10;
			fake.nlog = 0;
			if (x86_decode(b, n, mode, &in) == X86_DECODE_OK) {
				enum x86_emul_result r = x86_emulate_insn(&s, &chaos_ops, &fake, &in);
				expect_invariants(&before, &s, r, &in, fake.nlog);
			} else {
				EXPECT_EQ(x86_emulate(&s, &chaos_ops, &fake, b, n, &in), X86_EMUL_UNSUPPORTED);
				EXPECT_TRUE(memcmp(&s, &before, sizeof(s)) == 0);
			}
		}
		free(b);
	}
}

int main(void)
{
	RUN(test_random_bytes);
	RUN(test_short_buffers_and_insn_interface);
	TEST_MAIN_END();
}

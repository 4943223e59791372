/* tests/unit/test_emulate_oracle.c - The emulator on nasm's encodings
 * (decode_oracle.h, see test_decode_oracle.c): for every instruction it
 * emulates with a memory operand, the linear address and size of its first
 * access must be what the nasm source text says (base + index * scale +
 * disp at the address size, plus the segment base that counts in the
 * mode), for random register values; and every row, emulated or not, keeps
 * the invariants of expect_invariants(). */
/* UNIT_SRC: hv/emulate/emulate.c hv/emulate/emulate_mov.c hv/emulate/emulate_alu.c hv/emulate/emulate_bit.c hv/emulate/emulate_string.c hv/emulate/alu.c hv/emulate/decode.c hv/emulate/decode_tables.c */
#include "emulate_fake.h"
#include "decode_oracle_case.h"

static enum cpu_mode row_mode(const struct oracle_case *c, unsigned variant)
{
	if (c->bits == 16)
		return variant & 1 ? P16 : R;
	return c->bits == 32 ? P32 : L64;
}

/* The first access's address from the row alone. */
static uint64_t expected_linear(const struct oracle_case *c, const struct x86_emul_state *s)
{
	uint64_t am = c->addr_size == 8 ? ~0ull : (1ull << (8 * c->addr_size)) - 1;
	uint64_t ea = c->disp;
	if (c->base == 16)
		ea += s->rip + c->len;
	else if (c->base >= 0)
		ea += s->gpr[c->base];
	if (c->index >= 0)
		ea += s->gpr[c->index] * c->scale;
	ea &= am;
	if (s->mode == L64)
		return c->seg == X86_SEG_FS || c->seg == X86_SEG_GS ? ea + s->seg_base[c->seg] : ea;
	return (ea + s->seg_base[c->seg]) & 0xffffffffull;
}

/* Whether the first access is at the operand itself, op_size wide: not
 * for BT with a register offset (it moves the address), MOVZX/MOVSX/MOVSXD
 * (narrower source). */
static bool plain_access(const struct x86_insn *in, unsigned *size)
{
	*size = in->op_size;
	if (in->map == X86_MAP_0F) {
		switch (in->opcode) {
		case 0xa3: case 0xab: case 0xb3: case 0xbb: return false;
		case 0xb6: case 0xbe: *size = 1; return true;
		case 0xb7: case 0xbf: *size = 2; return true;
		default: return true;
		}
	}
	if (in->opcode == 0x63)
		*size = in->op_size < 4 ? in->op_size : 4;
	return true;
}

static void test_addresses_match_nasm_operands(void)
{
	unsigned checked = 0, emulated = 0;
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct oracle_case *c = &cases[k];
		for (unsigned variant = 0; variant < 4; variant++) {
			enum cpu_mode mode = row_mode(c, variant);
			struct x86_emul_state s = { .mode = mode, .rflags = 2 };
			for (unsigned r = 0; r < X86_GPR_COUNT; r++)
				s.gpr[r] = chaos_rng();
			s.rip = chaos_rng() & (mode == L64 ? ~0ull : mode == P32 ? 0xffffffffull : 0xffffull);
			for (unsigned r = 0; r < X86_SEG_COUNT; r++)
				s.seg_base[r] = chaos_rng() & (mode == L64 ? ~0ull : 0xffffffffull);
			struct x86_emul_state before = s;
			struct x86_insn in;
			fake.nlog = 0;
			chaos_fail_pct = 0;
			enum x86_emul_result res = x86_emulate(&s, &chaos_ops, &fake, c->bytes, c->len, &in);
			expect_invariants(&before, &s, res, &in, fake.nlog);
			if (res == X86_EMUL_UNSUPPORTED)
				continue;
			emulated++;
			unsigned size;
			if (c->has_mem != 1 || !plain_access(&in, &size))
				continue;
			checked++;
			if (fake.nlog == 0 || fake.log[0].lin != expected_linear(c, &before) ||
			    fake.log[0].len != size || fake.log[0].seg != c->seg) {
				test_case_failed = 1;
				fprintf(stderr, "  [%u-bit] %s: access at 0x%llx size %u seg %d, want 0x%llx size %u seg %u\n",
					c->bits, c->text, (unsigned long long)fake.log[0].lin, fake.log[0].len,
					fake.log[0].seg, (unsigned long long)expected_linear(c, &before), size, c->seg);
				return;
			}
		}
	}
	printf("  %u emulations of nasm rows, %u memory operands' addresses checked\n", emulated, checked);
	EXPECT_TRUE(checked > 4000);
}

/* The same rows with accesses failing: invariants only. */
static void test_rows_with_failing_memory(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct oracle_case *c = &cases[k];
		enum cpu_mode mode = row_mode(c, (unsigned)k);
		struct x86_emul_state s = { .mode = mode, .rflags = 2 | X86_FLAG_DF };
		for (unsigned r = 0; r < X86_GPR_COUNT; r++)
			s.gpr[r] = chaos_rng() & 0xff;
		struct x86_emul_state before = s;
		struct x86_insn in;
		fake.nlog = 0;
		chaos_fail_pct = 50;
		enum x86_emul_result res = x86_emulate(&s, &chaos_ops, &fake, c->bytes, c->len, &in);
		expect_invariants(&before, &s, res, &in, fake.nlog);
	}
}

int main(void)
{
	RUN(test_addresses_match_nasm_operands);
	RUN(test_rows_with_failing_memory);
	TEST_MAIN_END();
}

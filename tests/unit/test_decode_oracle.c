/* tests/unit/test_decode_oracle.c - The decoder against nasm: each row of
 * decode_oracle.h (scripts/gen-decode-oracle.py, built by mk/emulate.mk) is
 * an instruction nasm assembled from source text, with the operands that
 * text names. The decoder must find nasm's length and those operands, and
 * the old length decoder (insn_len.c) must agree on every length it knows. */
/* UNIT_SRC: hv/emulate/decode.c hv/emulate/decode_tables.c hv/emulate/insn_len.c */
#include "test.h"
#include "hv/emulate/decode.h"
#include "decode_oracle_case.h"

static uint64_t sext(uint64_t v, unsigned width)
{
	if (width >= 8)
		return v;
	uint64_t m = (1ull << (8 * width)) - 1;
	v &= m;
	return (v >> (8 * width - 1)) & 1 ? v | ~m : v;
}

/* A row's register against the decoder's number: AH..BH (20..23) are
 * 4..7 without a REX prefix. */
static bool reg_matches(int want, unsigned got, const struct x86_insn *in)
{
	if (want < 0)
		return true;
	if (want >= 20)
		return got == (unsigned)want - 16 && in->rex == 0;
	return got == (unsigned)want;
}

static unsigned reg_or_none(int r)
{
	return r < 0 ? X86_REG_NONE : (unsigned)r;
}

static int reported;

static void mismatch(const struct oracle_case *c, enum cpu_mode mode, const char *what)
{
	test_case_failed = 1;
	if (reported++ >= 30)
		return;
	fprintf(stderr, "  [%u-bit, mode %d] %s:", c->bits, mode, c->text);
	for (unsigned k = 0; k < c->len; k++)
		fprintf(stderr, " %02x", c->bytes[k]);
	fprintf(stderr, ": %s\n", what);
}

static void check(const struct oracle_case *c, enum cpu_mode mode)
{
	struct x86_insn in;
	enum x86_decode_status s = x86_decode(c->bytes, c->len, mode, &in);

	if (s != X86_DECODE_OK) {
		mismatch(c, mode, x86_decode_status_name(s));
		return;
	}
	if (in.len != c->len)
		mismatch(c, mode, "length");
	if (c->op_size && in.op_size != (unsigned)c->op_size)
		mismatch(c, mode, "operand size");
	if (in.addr_size != c->addr_size)
		mismatch(c, mode, "address size");
	if (!reg_matches(c->reg, in.reg, &in))
		mismatch(c, mode, "ModRM.reg");
	if (c->rm >= 0 && (in.has_mem || !reg_matches(c->rm, in.rm, &in)))
		mismatch(c, mode, "register r/m");
	if (in.has_mem != (c->has_mem == 1))
		mismatch(c, mode, "memory operand presence");
	if (c->has_mem == 1) {
		uint64_t amask = c->addr_size == 8 ? ~0ull : (1ull << (8 * c->addr_size)) - 1;
		if (in.base != reg_or_none(c->base))
			mismatch(c, mode, "base");
		if (in.index != reg_or_none(c->index))
			mismatch(c, mode, "index");
		if (c->index >= 0 && in.scale != c->scale)
			mismatch(c, mode, "scale");
		if (((in.disp ^ c->disp) & amask) != 0)
			mismatch(c, mode, "displacement");
		if (in.seg != c->seg)
			mismatch(c, mode, "segment");
	}
	if (c->imm_width && sext((uint64_t)in.imm, c->imm_width) != sext(c->imm, c->imm_width))
		mismatch(c, mode, "immediate");
	if (c->imm2 >= 0 && in.imm2 != (unsigned)c->imm2)
		mismatch(c, mode, "second immediate");

	/* shorter is truncated; more bytes after it change nothing */
	for (unsigned k = 0; k < c->len; k++) {
		struct x86_insn t;
		if (x86_decode(c->bytes, k, mode, &t) != X86_DECODE_TRUNCATED) {
			mismatch(c, mode, "accepted truncated");
			break;
		}
	}
	uint8_t padded[15];
	memset(padded, 0xcc, sizeof(padded));
	memcpy(padded, c->bytes, c->len);
	struct x86_insn p;
	if (x86_decode(padded, sizeof(padded), mode, &p) != X86_DECODE_OK || memcmp(&p, &in, sizeof(p)) != 0)
		mismatch(c, mode, "trailing bytes changed the decode");
}

static void test_nasm_oracle(void)
{
	unsigned per_bits[65] = { 0 }, with_mem = 0;
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct oracle_case *c = &cases[k];
		per_bits[c->bits]++;
		with_mem += c->has_mem == 1;
		if (c->bits == 16) {
			check(c, CPU_MODE_REAL);
			check(c, CPU_MODE_PROT16);
		} else {
			check(c, c->bits == 32 ? CPU_MODE_PROT32 : CPU_MODE_LONG64);
		}
	}
	printf("  %zu nasm instructions (%u 16-bit, %u 32-bit, %u 64-bit; %u with a memory operand)\n",
	       ARRAY_SIZE(cases), per_bits[16], per_bits[32], per_bits[64], with_mem);
	EXPECT_TRUE(ARRAY_SIZE(cases) >= 3000);
	EXPECT_TRUE(per_bits[16] >= 1000 && per_bits[32] >= 1000 && per_bits[64] >= 1000);
}

/* insn_len.c is the length decoder the instruction intercepts use; where
 * it accepts one of nasm's encodings it must find nasm's length. */
static void test_insn_len_agrees(void)
{
	unsigned known = 0;
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct oracle_case *c = &cases[k];
		enum cpu_mode mode = c->bits == 16 ? CPU_MODE_REAL : c->bits == 32 ? CPU_MODE_PROT32 : CPU_MODE_LONG64;
		unsigned len = insn_length(c->bytes, c->len, mode, NULL);
		if (!len)
			continue;
		known++;
		if (len != c->len)
			mismatch(c, mode, "insn_length() disagrees");
	}
	printf("  insn_length() knew %u of them\n", known);
	EXPECT_TRUE(known >= 500);
}

int main(void)
{
	RUN(test_nasm_oracle);
	RUN(test_insn_len_agrees);
	TEST_MAIN_END();
}

/* tests/unit/test_decode_fuzz.c - The decoder on random bytes (100k
 * buffers of 15 bytes per mode, plus prefix-heavy ones): it never reads
 * past what it is given (ASan), its answers are self-consistent, and the
 * fast path and insn_len.c agree with it wherever they accept. */
/* UNIT_SRC: hv/emulate/decode.c hv/emulate/decode_tables.c hv/emulate/insn_len.c */
#include <stdlib.h>
#include "test.h"
#include "hv/emulate/decode.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static const enum cpu_mode modes[] = { CPU_MODE_REAL, CPU_MODE_PROT16, CPU_MODE_PROT32, CPU_MODE_LONG64 };

/* Bytes that make decodable instructions likelier than uniform noise:
 * prefixes, REX, and the opcodes the emulator and insn_len care about. */
static const uint8_t interesting[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x40, 0x48, 0x4f, 0x41, 0x44,
	0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa, 0xab,
	0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x87, 0xf6, 0xf7, 0xfe, 0xff, 0xb6, 0xb7, 0xbe, 0xbf,
	0xa3, 0xab, 0xb3, 0xbb, 0xba, 0xb0, 0xb1, 0xc0, 0xc1, 0x01, 0x20, 0x22, 0x38, 0x3a, 0xc4, 0xc5,
	0x62, 0x8f, 0x04, 0x05, 0x24, 0x25, 0x44, 0x84, 0x45, 0x85, 0x06, 0x0c,
};

static void fill(uint8_t *b, size_t n, unsigned bias)
{
	for (size_t k = 0; k < n; k++) {
		uint64_t r = rng();
		b[k] = (r % 100) < bias ? interesting[(r >> 8) % sizeof(interesting)] : (uint8_t)(r >> 16);
	}
}

static unsigned ok_count, mem_count, fast_count, insn_len_count;

static void check_buffer(const uint8_t *b, size_t n, enum cpu_mode mode)
{
	struct x86_insn in;
	enum x86_decode_status s = x86_decode(b, n, mode, &in);

	EXPECT_TRUE(s <= X86_DECODE_UNSUPPORTED);
	unsigned flen = 0, freg = 0, fsize = 0;
	bool fast = x86_decode_mov_store(b, n, mode, &flen, &freg, &fsize);
	enum insn_id id;
	unsigned old_len = insn_length(b, n, mode, &id);

	if (s != X86_DECODE_OK) {
		EXPECT_EQ(in.len, 0);
		EXPECT_TRUE(!fast);
		if (old_len) {   /* insn_len never accepts what the decoder rejects */
			test_case_failed = 1;
			fprintf(stderr, "  insn_len accepted (%s) what x86_decode calls %s:", insn_id_name(id),
				x86_decode_status_name(s));
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, " %02x", b[k]);
			fprintf(stderr, "\n");
		}
		return;
	}
	ok_count++;
	EXPECT_TRUE(in.len >= 1 && in.len <= INSN_MAX_LEN && in.len <= n);
	EXPECT_TRUE(in.op_size == 1 || in.op_size == 2 || in.op_size == 4 || in.op_size == 8);
	if (mode == CPU_MODE_LONG64)
		EXPECT_TRUE(in.addr_size == 4 || in.addr_size == 8);
	else
		EXPECT_TRUE(in.addr_size == 2 || in.addr_size == 4);
	EXPECT_TRUE(in.disp_size + in.imm_size < in.len);
	EXPECT_TRUE(in.seg < X86_SEG_COUNT);
	if (mode == CPU_MODE_LONG64)   /* ES/CS overrides never count there */
		EXPECT_TRUE(in.seg == X86_SEG_DS || in.seg == X86_SEG_SS || in.seg == X86_SEG_FS || in.seg == X86_SEG_GS);
	if (in.has_mem) {
		mem_count++;
		EXPECT_TRUE(in.base < X86_GPR_COUNT || in.base == X86_REG_NONE ||
			    (in.base == X86_REG_RIP && mode == CPU_MODE_LONG64));
		EXPECT_TRUE(in.index < X86_GPR_COUNT || in.index == X86_REG_NONE);
		EXPECT_TRUE(in.scale == 1 || in.scale == 2 || in.scale == 4 || in.scale == 8);
	}
	EXPECT_TRUE(in.reg < X86_GPR_COUNT && in.rm < X86_GPR_COUNT);

	/* the same decode from exactly its bytes; one byte fewer is truncated */
	struct x86_insn again;
	EXPECT_EQ(x86_decode(b, in.len, mode, &again), X86_DECODE_OK);
	EXPECT_TRUE(memcmp(&again, &in, sizeof(in)) == 0);
	EXPECT_EQ(x86_decode(b, in.len - 1u, mode, &again), X86_DECODE_TRUNCATED);

	if (fast) {
		fast_count++;
		EXPECT_TRUE(in.map == X86_MAP_1BYTE && in.opcode == 0x89 && in.has_mem);
		EXPECT_EQ(flen, in.len);
		EXPECT_EQ(freg, in.reg);
		EXPECT_EQ(fsize, in.op_size);
	}
	if (old_len) {
		insn_len_count++;
		EXPECT_EQ(old_len, in.len);
	}
}

static void test_random_buffers(void)
{
	uint8_t *b = malloc(INSN_MAX_LEN);   /* exactly 15 bytes: ASan sees any overread */
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (unsigned k = 0; k < 100000; k++) {
			fill(b, INSN_MAX_LEN, k % 2 ? 0 : 40);
			check_buffer(b, INSN_MAX_LEN, modes[m]);
		}
	}
	free(b);
	printf("  %u decoded (%u with memory operands), fast path took %u, insn_len knew %u\n",
	       ok_count, mem_count, fast_count, insn_len_count);
	EXPECT_TRUE(ok_count > 200000 && mem_count > 100000 && insn_len_count > 1000);
}

/* Every length of buffer, each allocated to its exact size. */
static void test_short_buffers(void)
{
	for (size_t n = 0; n <= INSN_MAX_LEN + 2; n++) {
		uint8_t *b = malloc(n ? n : 1);
		for (unsigned k = 0; k < 5000; k++) {
			fill(b, n, 60);
			for (size_t m = 0; m < ARRAY_SIZE(modes); m++)
				check_buffer(b, n, modes[m]);
		}
		free(b);
	}
}

/* The fast path's own inputs: 66/REX then 89 and random bytes. */
static void test_mov_store_shapes(void)
{
	uint8_t *b = malloc(INSN_MAX_LEN);
	unsigned took = 0;
	for (unsigned k = 0; k < 100000; k++) {
		fill(b, INSN_MAX_LEN, 0);
		size_t p = 0;
		if (k & 1)
			b[p++] = 0x66;
		if (k & 2)
			b[p++] = (uint8_t)(0x40 | (rng() & 15));
		b[p] = 0x89;
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			unsigned len, reg, size;
			took += x86_decode_mov_store(b, INSN_MAX_LEN, modes[m], &len, &reg, &size);
			check_buffer(b, INSN_MAX_LEN, modes[m]);
		}
	}
	free(b);
	EXPECT_TRUE(took > 150000);   /* mod=3 and REX outside 64-bit mode are refused */
}

int main(void)
{
	RUN(test_random_buffers);
	RUN(test_short_buffers);
	RUN(test_mov_store_shapes);
	TEST_MAIN_END();
}

/* tests/unit/emulate_fake.h - The emulator tests' guest memory: a window
 * of bytes at a linear base behind the read_mem/write_mem callbacks, a log
 * of every access, and a way to make the Nth access fail. Included by the
 * test_emulate*.c programs; not every one uses every helper, hence no
 * unused-function warnings here. */
#ifndef TESTS_UNIT_EMULATE_FAKE_H
#define TESTS_UNIT_EMULATE_FAKE_H

#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"

#include "test.h"
#include "hv/emulate/emulate.h"

#define R   CPU_MODE_REAL
#define P16 CPU_MODE_PROT16
#define P32 CPU_MODE_PROT32
#define L64 CPU_MODE_LONG64

#define FAKE_SIZE 0x11000   /* 64 KiB + a page: a real-mode segment wraps inside it */
#define FAKE_LOG  512
#define FAKE_NONE (~0u)

struct fake_access {
	bool write;
	enum x86_seg seg;
	uint64_t lin;
	unsigned len;
	uint64_t val;
};

struct fake_mem {
	uint64_t base;                    /* linear address of mem[0] */
	uint8_t mem[FAKE_SIZE];
	struct fake_access log[FAKE_LOG];
	unsigned nlog;                    /* accesses made (the log keeps the first FAKE_LOG) */
	unsigned outside;                 /* accesses outside the window (answered UNHANDLED) */
	unsigned fail_at;                 /* the access number (from 0) that fails, or FAKE_NONE */
	enum x86_mem_result fail_with;
};

static struct fake_mem fake;

static void fake_init(uint64_t base)
{
	memset(&fake, 0, sizeof(fake));
	fake.base = base;
	fake.fail_at = FAKE_NONE;
	for (unsigned k = 0; k < FAKE_SIZE; k++)
		fake.mem[k] = (uint8_t)(k * 7 + 3);
}

static bool fake_in_window(uint64_t lin, unsigned len)
{
	return lin >= fake.base && lin - fake.base <= FAKE_SIZE - len;
}

static enum x86_mem_result fake_access(bool write, enum x86_seg seg, uint64_t lin, uint8_t *buf, unsigned len)
{
	unsigned n = fake.nlog++;
	uint64_t val = 0;

	if (len < 1 || len > 8) {
		test_case_failed = 1;
		fprintf(stderr, "  access of %u bytes\n", len);
		return X86_MEM_UNHANDLED;
	}
	if (write)
		for (unsigned k = 0; k < len; k++)
			val |= (uint64_t)buf[k] << (8 * k);
	if (n < FAKE_LOG)
		fake.log[n] = (struct fake_access){ write, seg, lin, len, val };
	if (n == fake.fail_at)
		return fake.fail_with;
	if (!fake_in_window(lin, len)) {
		fake.outside++;
		return X86_MEM_UNHANDLED;
	}
	uint8_t *p = &fake.mem[lin - fake.base];
	if (write) {
		memcpy(p, buf, len);
	} else {
		memcpy(buf, p, len);
		if (n < FAKE_LOG)
			for (unsigned k = 0; k < len; k++)
				fake.log[n].val |= (uint64_t)buf[k] << (8 * k);
	}
	return X86_MEM_OK;
}

static enum x86_mem_result fake_read(void *ctx, enum x86_seg seg, uint64_t lin, void *buf, unsigned len)
{
	EXPECT_TRUE(ctx == &fake);
	return fake_access(false, seg, lin, buf, len);
}

static enum x86_mem_result fake_write(void *ctx, enum x86_seg seg, uint64_t lin, const void *buf, unsigned len)
{
	EXPECT_TRUE(ctx == &fake);
	uint8_t copy[8] = { 0 };
	memcpy(copy, buf, len <= 8 ? len : 8);
	return fake_access(true, seg, lin, copy, len);
}

static const struct x86_emul_ops fake_ops = { fake_read, fake_write };

/* Little-endian values in the window, by linear address. */
static uint64_t fake_get(uint64_t lin, unsigned len)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < len; k++)
		v |= (uint64_t)fake.mem[lin - fake.base + k] << (8 * k);
	return v;
}

static void fake_put(uint64_t lin, unsigned len, uint64_t v)
{
	for (unsigned k = 0; k < len; k++)
		fake.mem[lin - fake.base + k] = (uint8_t)(v >> (8 * k));
}

/* A state with every register distinct, RFLAGS with only bit 1 set. */
static struct x86_emul_state fake_state(enum cpu_mode mode)
{
	struct x86_emul_state s = { .mode = mode, .rflags = 2, .rip = 0x1000 };
	for (unsigned k = 0; k < X86_GPR_COUNT; k++)
		s.gpr[k] = 0x0101010101010101ull * (k + 1) + 0x1000000000000000ull * k;
	return s;
}

/* Emulates the listed bytes on st (a struct x86_emul_state lvalue) with
 * the fake memory; the decode goes to the global insn. */
static struct x86_insn insn;
#define EMU(st, ...) x86_emulate(&(st), &fake_ops, &fake, (const uint8_t[]){ __VA_ARGS__ }, \
				 sizeof((uint8_t[]){ __VA_ARGS__ }), &insn)

/* The logged access number n. */
static void expect_access(unsigned n, bool write, enum x86_seg seg, uint64_t lin, unsigned len, uint64_t val)
{
	if (n >= fake.nlog || n >= FAKE_LOG) {
		test_case_failed = 1;
		fprintf(stderr, "  access %u was not made (%u made)\n", n, fake.nlog);
		return;
	}
	const struct fake_access *a = &fake.log[n];
	if (a->write != write || a->seg != seg || a->lin != lin || a->len != len || a->val != val) {
		test_case_failed = 1;
		fprintf(stderr, "  access %u: %s seg %d lin 0x%llx len %u val 0x%llx;"
			" want %s seg %d lin 0x%llx len %u val 0x%llx\n",
			n, a->write ? "write" : "read", a->seg, (unsigned long long)a->lin, a->len,
			(unsigned long long)a->val, write ? "write" : "read", seg, (unsigned long long)lin, len,
			(unsigned long long)val);
	}
}

/* A second guest for the random tests: every address exists, reads
 * return pseudo-random bytes, and each access fails (FAULT or UNHANDLED)
 * with probability chaos_fail_pct. Accesses are logged in fake.log. */
static uint64_t chaos_rng_state = 0x853c49e6748fea9bull;
static unsigned chaos_fail_pct;

static uint64_t chaos_rng(void)
{
	chaos_rng_state ^= chaos_rng_state >> 12;
	chaos_rng_state ^= chaos_rng_state << 25;
	chaos_rng_state ^= chaos_rng_state >> 27;
	return chaos_rng_state * 0x2545f4914f6cdd1dull;
}

static enum x86_mem_result chaos_access(bool write, enum x86_seg seg, uint64_t lin, uint8_t *buf, unsigned len)
{
	unsigned n = fake.nlog++;
	uint64_t r = chaos_rng();
	if (n < FAKE_LOG)
		fake.log[n] = (struct fake_access){ write, seg, lin, len, 0 };
	if (len < 1 || len > 8 || (unsigned)seg >= X86_SEG_COUNT) {
		test_case_failed = 1;
		fprintf(stderr, "  access of %u bytes through segment %d\n", len, seg);
		return X86_MEM_UNHANDLED;
	}
	if (r % 100 < chaos_fail_pct)
		return (r >> 8) & 1 ? X86_MEM_FAULT : X86_MEM_UNHANDLED;
	if (!write)
		for (unsigned k = 0; k < len; k++)
			buf[k] = (uint8_t)(chaos_rng() >> 24);
	return X86_MEM_OK;
}

static enum x86_mem_result chaos_read(void *ctx, enum x86_seg seg, uint64_t lin, void *buf, unsigned len)
{
	(void)ctx;
	return chaos_access(false, seg, lin, buf, len);
}

static enum x86_mem_result chaos_write(void *ctx, enum x86_seg seg, uint64_t lin, const void *buf, unsigned len)
{
	(void)ctx;
	(void)buf;
	return chaos_access(true, seg, lin, NULL, len);
}

static const struct x86_emul_ops chaos_ops = { chaos_read, chaos_write };

/* What holds after any emulation, whatever the bytes and the memory did:
 * the result says what happened to RIP and the registers, segment state
 * and non-arithmetic flags never change, accesses are bounded and, outside
 * 64-bit mode, below 4 GiB. */
static void expect_invariants(const struct x86_emul_state *b, const struct x86_emul_state *a,
			      enum x86_emul_result r, const struct x86_insn *in, unsigned accesses)
{
	uint8_t op = in->opcode;
	bool string = in->map == X86_MAP_1BYTE && (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab ||
						   op == 0xac || op == 0xad);
	bool rep = string && (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE));
	uint64_t ip_mask = b->mode == L64 ? ~0ull : b->mode == P32 ? 0xffffffffull : 0xffffull;

	EXPECT_TRUE(r <= X86_EMUL_UNSUPPORTED);
	EXPECT_EQ(a->mode, b->mode);
	EXPECT_TRUE(memcmp(a->seg_base, b->seg_base, sizeof(a->seg_base)) == 0);
	EXPECT_EQ(a->rflags & ~X86_FLAGS_ARITH, b->rflags & ~X86_FLAGS_ARITH);
	EXPECT_TRUE(accesses <= 2 * X86_EMUL_REP_MAX);
	switch (r) {
	case X86_EMUL_OK:
		EXPECT_EQ(a->rip, (b->rip + in->len) & ip_mask);
		break;
	case X86_EMUL_INCOMPLETE: {
		uint64_t am = in->addr_size == 8 ? ~0ull : (1ull << (8 * in->addr_size)) - 1;
		uint64_t done = (b->gpr[X86_RCX] - a->gpr[X86_RCX]) & am;
		EXPECT_TRUE(rep);
		EXPECT_EQ(a->rip, b->rip);
		EXPECT_TRUE(done >= 1 && done <= X86_EMUL_REP_MAX);
		EXPECT_TRUE((a->gpr[X86_RCX] & am) != 0);
		break;
	}
	case X86_EMUL_FAULT:
	case X86_EMUL_UNHANDLED:
		EXPECT_EQ(a->rip, b->rip);
		EXPECT_TRUE(accesses > 0);
		if (!rep)
			EXPECT_TRUE(memcmp(a, b, sizeof(*a)) == 0);
		break;
	default:
		EXPECT_TRUE(memcmp(a, b, sizeof(*a)) == 0);
		EXPECT_EQ(accesses, 0);
		break;
	}
	for (unsigned k = 0; k < accesses && k < FAKE_LOG; k++)
		if (b->mode != L64)
			EXPECT_TRUE(fake.log[k].lin <= 0xffffffffull);
}

#endif

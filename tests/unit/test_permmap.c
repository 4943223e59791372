/* tests/unit/test_permmap.c - The SVM IOPM and MSRPM builders, on exactly
 * sized heap buffers so ASan catches any write past the maps' ends. The
 * expected positions are worked out here from the APM's definition (15.10.1,
 * 15.11), not from the code under test. */
/* UNIT_SRC: arch/x86/svm/permmap.c */
#include <stdlib.h>
#include "test.h"
#include "arch/x86/svm/permmap.h"

/* Fresh maps filled with junk, so an init that skips a byte shows. */
static uint8_t *new_map(size_t size)
{
	uint8_t *m = malloc(size);
	memset(m, 0x5a, size);
	return m;
}

static bool raw_bit(const uint8_t *map, uint32_t bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static size_t count_zero_bits(const uint8_t *map, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < size; i++)
		n += 8 - (size_t)__builtin_popcount(map[i]);
	return n;
}

/* APM 15.11: vector v of 2 KiB covers MSRs base..base+0x1FFF at two bits
 * each, so MSR m's read bit is bit 2*(m - base) counted from the vector's
 * first bit. Returns the absolute bit number in the MSRPM, or -1. */
static long ref_msr_read_bit(uint32_t msr)
{
	static const uint32_t base[3] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
	for (int v = 0; v < 3; v++)
		if (msr >= base[v] && msr <= base[v] + 0x1fff)
			return (long)v * 2048 * 8 + 2L * (msr - base[v]);
	return -1;
}

/* ---- MSRPM -------------------------------------------------------------- */

static void test_msrpm_locate_known(void)
{
	size_t byte; unsigned bit;

	/* EFER: vector 1 at 0x800; index 0x80 -> bit 0x100 = byte 0x20, bit 0 */
	EXPECT_EQ(msrpm_locate(0xc0000080, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x820); EXPECT_EQ(bit, 0);
	/* TSC: index 0x10 -> bit 0x20 = byte 4, bit 0 */
	EXPECT_EQ(msrpm_locate(0x10, &byte, &bit), 0);
	EXPECT_EQ(byte, 4); EXPECT_EQ(bit, 0);
	/* VM_HSAVE_PA: vector 2 at 0x1000; index 0x117 -> bit 0x22e = byte 0x45, bit 6 */
	EXPECT_EQ(msrpm_locate(0xc0010117, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x1045); EXPECT_EQ(bit, 6);
	/* SYSENTER_CS 0x174: bit 0x2e8 = byte 0x5d, bit 0 */
	EXPECT_EQ(msrpm_locate(0x174, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x5d); EXPECT_EQ(bit, 0);
	/* LSTAR 0xc0000082: index 0x82 -> bit 0x104 = byte 0x20, bit 4 */
	EXPECT_EQ(msrpm_locate(0xc0000082, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x820); EXPECT_EQ(bit, 4);
	/* first and last MSR of each vector */
	EXPECT_EQ(msrpm_locate(0x0, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x0); EXPECT_EQ(bit, 0);
	EXPECT_EQ(msrpm_locate(0x1fff, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x7ff); EXPECT_EQ(bit, 6);
	EXPECT_EQ(msrpm_locate(0xc0000000, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x800); EXPECT_EQ(bit, 0);
	EXPECT_EQ(msrpm_locate(0xc0001fff, &byte, &bit), 0);
	EXPECT_EQ(byte, 0xfff); EXPECT_EQ(bit, 6);
	EXPECT_EQ(msrpm_locate(0xc0010000, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x1000); EXPECT_EQ(bit, 0);
	EXPECT_EQ(msrpm_locate(0xc0011fff, &byte, &bit), 0);
	EXPECT_EQ(byte, 0x17ff); EXPECT_EQ(bit, 6);
	/* outputs are optional */
	EXPECT_EQ(msrpm_locate(0xc0000080, NULL, NULL), 0);
}

static void test_msrpm_locate_matches_apm_everywhere(void)
{
	/* Every mapped MSR, against the bit-numbering reference. */
	static const uint32_t base[3] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
	int bad = 0;
	for (int v = 0; v < 3; v++) {
		for (uint32_t i = 0; i < 0x2000; i++) {
			size_t byte; unsigned bit;
			long ref = ref_msr_read_bit(base[v] + i);
			if (msrpm_locate(base[v] + i, &byte, &bit) != 0 ||
			    (long)(byte * 8 + bit) != ref || byte >= 0x1800 || bit % 2 != 0)
				bad++;
		}
	}
	EXPECT_EQ(bad, 0);
}

static void test_msrpm_unmapped(void)
{
	static const uint32_t unmapped[] = {
		0x2000, 0x40000000, 0x40000001, 0xbfffffff, 0xc0002000,
		0xc000ffff, 0xc0012000, 0xffffffff,
	};
	uint8_t *m = new_map(MSRPM_SIZE);
	uint8_t *copy = malloc(MSRPM_SIZE);
	size_t byte = 0x1234; unsigned bit = 77;

	/* An all-zero map would pass everything mapped through; unmapped MSRs
	 * still exit because the hardware never looks them up. */
	memset(m, 0, MSRPM_SIZE);
	memcpy(copy, m, MSRPM_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(unmapped); i++) {
		EXPECT_EQ(msrpm_locate(unmapped[i], &byte, &bit), -1);
		EXPECT_EQ(msrpm_set(m, unmapped[i], false, false), -1);
		EXPECT_TRUE(msrpm_read_intercepted(m, unmapped[i]));
		EXPECT_TRUE(msrpm_write_intercepted(m, unmapped[i]));
	}
	EXPECT_EQ(byte, 0x1234);   /* outputs untouched on failure */
	EXPECT_EQ(bit, 77);
	EXPECT_EQ(memcmp(m, copy, MSRPM_SIZE), 0);   /* refused sets left no trace */
	/* a mapped MSR in the zeroed map is passed through */
	EXPECT_TRUE(!msrpm_read_intercepted(m, 0xc0000080));
	EXPECT_TRUE(!msrpm_write_intercepted(m, 0xc0000080));
	free(copy);
	free(m);
}

static void test_msrpm_intercept_all(void)
{
	uint8_t *m = new_map(MSRPM_SIZE);
	msrpm_init_intercept_all(m);
	int not_ff = 0;
	for (size_t i = 0; i < MSRPM_SIZE; i++)
		not_ff += m[i] != 0xff;
	EXPECT_EQ(not_ff, 0);            /* reserved 0x1800-0x1fff included */
	EXPECT_TRUE(msrpm_read_intercepted(m, 0x10));
	EXPECT_TRUE(msrpm_write_intercepted(m, 0x10));
	EXPECT_TRUE(msrpm_read_intercepted(m, 0xc0011fff));
	EXPECT_TRUE(msrpm_write_intercepted(m, 0xc0000000));
	free(m);
}

static void test_msrpm_passthrough_neighbours(void)
{
	uint8_t *m = new_map(MSRPM_SIZE);
	msrpm_init_intercept_all(m);

	EXPECT_EQ(msrpm_set(m, 0x10, false, false), 0);         /* TSC: both */
	EXPECT_EQ(msrpm_set(m, 0xc0000080, false, true), 0);    /* EFER: reads only */
	EXPECT_EQ(msrpm_set(m, 0xc0010117, true, false), 0);    /* VM_HSAVE_PA: writes only */

	/* raw bytes: TSC is byte 4 bits 0/1, EFER byte 0x820 bit 0,
	 * VM_HSAVE_PA byte 0x1045 bit 7 */
	EXPECT_EQ(m[4], 0xfc);
	EXPECT_EQ(m[0x820], 0xfe);
	EXPECT_EQ(m[0x1045], 0x7f);
	EXPECT_EQ(count_zero_bits(m, MSRPM_SIZE), 4);   /* nothing else moved */

	EXPECT_TRUE(!msrpm_read_intercepted(m, 0x10));
	EXPECT_TRUE(!msrpm_write_intercepted(m, 0x10));
	EXPECT_TRUE(!msrpm_read_intercepted(m, 0xc0000080));
	EXPECT_TRUE(msrpm_write_intercepted(m, 0xc0000080));
	EXPECT_TRUE(msrpm_read_intercepted(m, 0xc0010117));
	EXPECT_TRUE(!msrpm_write_intercepted(m, 0xc0010117));

	/* neighbours, including those sharing the byte */
	static const uint32_t nb[] = { 0x0f, 0x11, 0x12, 0x13, 0xc000007f, 0xc0000081,
		0xc0000082, 0xc0000083, 0xc0010114, 0xc0010116, 0xc0010118 };
	for (size_t i = 0; i < ARRAY_SIZE(nb); i++) {
		EXPECT_TRUE(msrpm_read_intercepted(m, nb[i]));
		EXPECT_TRUE(msrpm_write_intercepted(m, nb[i]));
	}
	/* same index in another vector is a different MSR: still intercepted */
	EXPECT_TRUE(msrpm_read_intercepted(m, 0x80));
	EXPECT_TRUE(msrpm_read_intercepted(m, 0xc0000010));
	EXPECT_TRUE(msrpm_read_intercepted(m, 0xc0010010));

	/* re-intercepting restores the all-ones map */
	EXPECT_EQ(msrpm_set(m, 0x10, true, true), 0);
	EXPECT_EQ(msrpm_set(m, 0xc0000080, true, true), 0);
	EXPECT_EQ(msrpm_set(m, 0xc0010117, true, true), 0);
	EXPECT_EQ(count_zero_bits(m, MSRPM_SIZE), 0);
	free(m);
}

static void test_msrpm_every_msr_whole_map(void)
{
	static const uint32_t base[3] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
	uint8_t *m = new_map(MSRPM_SIZE);
	msrpm_init_intercept_all(m);

	/* Reads passed for every mapped MSR: every even bit of the three vectors
	 * clears (0xaa), the reserved quarter stays 0xff. */
	for (int v = 0; v < 3; v++)
		for (uint32_t i = 0; i < 0x2000; i++)
			msrpm_set(m, base[v] + i, false, true);
	int bad = 0;
	for (size_t i = 0; i < MSRPM_SIZE; i++)
		bad += m[i] != (i < 0x1800 ? 0xaa : 0xff);
	EXPECT_EQ(bad, 0);

	/* Then writes too: 0x00 in the vectors, reserved still 0xff. */
	for (int v = 0; v < 3; v++)
		for (uint32_t i = 0; i < 0x2000; i++)
			msrpm_set(m, base[v] + i, false, false);
	bad = 0;
	for (size_t i = 0; i < MSRPM_SIZE; i++)
		bad += m[i] != (i < 0x1800 ? 0x00 : 0xff);
	EXPECT_EQ(bad, 0);
	EXPECT_TRUE(msrpm_read_intercepted(m, 0xc0002000));   /* unmapped still exits */
	free(m);
}

static void test_msrpm_single_bit_each(void)
{
	/* Each MSR alone, for reads then for writes: exactly its reference bit
	 * clears. Sampled across every byte position and vector edge. */
	static const uint32_t msrs[] = { 0x0, 0x1, 0x2, 0x3, 0x10, 0x1b, 0x174, 0x277,
		0x1ffe, 0x1fff, 0xc0000000, 0xc0000081, 0xc0000103, 0xc0001fff,
		0xc0010000, 0xc0010015, 0xc0010117, 0xc0011fff };
	uint8_t *m = new_map(MSRPM_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
		long ref = ref_msr_read_bit(msrs[i]);
		msrpm_init_intercept_all(m);
		EXPECT_EQ(msrpm_set(m, msrs[i], false, true), 0);
		EXPECT_EQ(count_zero_bits(m, MSRPM_SIZE), 1);
		EXPECT_TRUE(!raw_bit(m, (uint32_t)ref));
		msrpm_init_intercept_all(m);
		EXPECT_EQ(msrpm_set(m, msrs[i], true, false), 0);
		EXPECT_EQ(count_zero_bits(m, MSRPM_SIZE), 1);
		EXPECT_TRUE(!raw_bit(m, (uint32_t)ref + 1));
	}
	free(m);
}

/* ---- IOPM --------------------------------------------------------------- */

static void test_iopm_intercept_all(void)
{
	uint8_t *io = new_map(IOPM_SIZE);
	iopm_init_intercept_all(io);
	int not_ff = 0;
	for (size_t i = 0; i < IOPM_SIZE; i++)
		not_ff += io[i] != 0xff;
	EXPECT_EQ(not_ff, 0);   /* third page too */
	int missed = 0;
	for (uint32_t p = 0; p <= 0xffff; p++)
		missed += !iopm_intercepted(io, (uint16_t)p, 1) + !iopm_intercepted(io, (uint16_t)p, 2) +
			  !iopm_intercepted(io, (uint16_t)p, 4);
	EXPECT_EQ(missed, 0);
	free(io);
}

static void test_iopm_com1_bits(void)
{
	uint8_t *io = new_map(IOPM_SIZE);
	iopm_init_intercept_all(io);

	/* port 0x3f8 = bit 0x3f8 = byte 0x7f, bit 0 */
	iopm_set(io, 0x3f8, 1, false);
	EXPECT_EQ(io[0x7f], 0xfe);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 1);
	EXPECT_TRUE(!iopm_intercepted(io, 0x3f8, 1));
	EXPECT_TRUE(iopm_intercepted(io, 0x3f9, 1));
	EXPECT_TRUE(iopm_intercepted(io, 0x3f8, 2));    /* touches 0x3f9 */
	EXPECT_TRUE(iopm_intercepted(io, 0x3f7, 2));    /* touches 0x3f7 */

	/* the whole UART, 0x3f8-0x3ff = all of byte 0x7f */
	iopm_set(io, 0x3f8, 8, false);
	EXPECT_EQ(io[0x7e], 0xff);
	EXPECT_EQ(io[0x7f], 0x00);
	EXPECT_EQ(io[0x80], 0xff);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 8);
	EXPECT_TRUE(!iopm_intercepted(io, 0x3f8, 4));
	EXPECT_TRUE(!iopm_intercepted(io, 0x3fc, 4));
	EXPECT_TRUE(!iopm_intercepted(io, 0x3fe, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0x3ff, 2));    /* spills into 0x400 */
	EXPECT_TRUE(iopm_intercepted(io, 0x3fd, 4));
	EXPECT_TRUE(iopm_intercepted(io, 0x3f6, 4));

	/* and back */
	iopm_set(io, 0x3f8, 8, true);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 0);
	free(io);
}

static void test_iopm_span_mixed(void)
{
	uint8_t *io = new_map(IOPM_SIZE);
	iopm_init_intercept_all(io);

	/* 0x60 passed, 0x61 intercepted: a word at 0x60 touches both and exits */
	iopm_set(io, 0x60, 1, false);
	EXPECT_TRUE(!iopm_intercepted(io, 0x60, 1));
	EXPECT_TRUE(iopm_intercepted(io, 0x60, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0x5f, 2));

	/* the same across a byte boundary: 0x70-0x77 passed (byte 0xe), 0x78 not */
	iopm_set(io, 0x70, 8, false);
	EXPECT_TRUE(!iopm_intercepted(io, 0x76, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0x77, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0x75, 4));
	EXPECT_TRUE(!iopm_intercepted(io, 0x74, 4));
	iopm_set(io, 0x78, 1, false);
	EXPECT_TRUE(!iopm_intercepted(io, 0x77, 2));
	EXPECT_TRUE(!iopm_intercepted(io, 0x76, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0x77, 4));      /* 0x79, 0x7a */

	/* bad sizes are answered conservatively */
	EXPECT_TRUE(iopm_intercepted(io, 0x70, 0));
	EXPECT_TRUE(iopm_intercepted(io, 0x70, 3));
	EXPECT_TRUE(iopm_intercepted(io, 0x70, 8));
	free(io);
}

static void test_iopm_wrap_third_page(void)
{
	uint8_t *io = new_map(IOPM_SIZE);
	iopm_init_intercept_all(io);

	/* Pass 0xfff0-0xffff (bytes 0x1ffe, 0x1fff) and ports 0-3, so a
	 * wrong "wrap to port 0" reading would say not intercepted. */
	iopm_set(io, 0xfff0, 16, false);
	iopm_set(io, 0, 4, false);
	EXPECT_EQ(io[0x1ffe], 0x00);
	EXPECT_EQ(io[0x1fff], 0x00);
	EXPECT_EQ(io[0x2000], 0xff);
	EXPECT_TRUE(!iopm_intercepted(io, 0xffff, 1));
	EXPECT_TRUE(!iopm_intercepted(io, 0xfffc, 4));
	EXPECT_TRUE(!iopm_intercepted(io, 0xfffe, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0xffff, 2));    /* bit 0x10000 */
	EXPECT_TRUE(iopm_intercepted(io, 0xfffe, 4));    /* bits 0x10000, 0x10001 */
	EXPECT_TRUE(iopm_intercepted(io, 0xfffd, 4));    /* bit 0x10000 */

	/* Proof it is the third page that answers: clear bits 0x10000-0x10001
	 * by hand (nothing in the API may) and the 4-byte access at 0xfffe
	 * goes through; bit 0x10002 still catches 0xffff x4. */
	io[0x2000] &= (uint8_t)~0x03;
	EXPECT_TRUE(!iopm_intercepted(io, 0xfffe, 4));
	EXPECT_TRUE(!iopm_intercepted(io, 0xffff, 2));
	EXPECT_TRUE(iopm_intercepted(io, 0xffff, 4));
	free(io);
}

static void test_iopm_set_clamped(void)
{
	uint8_t *io = new_map(IOPM_SIZE);
	iopm_init_intercept_all(io);

	/* 0xff00 + 0x200 runs 0x100 ports past 0xffff: clamped, third page kept */
	iopm_set(io, 0xff00, 0x200, false);
	int bad = 0;
	for (size_t i = 0x1fe0; i < 0x2000; i++)
		bad += io[i] != 0x00;
	for (size_t i = 0x2000; i < IOPM_SIZE; i++)
		bad += io[i] != 0xff;
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 0x100);

	/* the largest possible request, from the last port */
	iopm_init_intercept_all(io);
	iopm_set(io, 0xffff, 0xffff, false);
	EXPECT_EQ(io[0x1fff], 0x7f);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 1);

	/* nearly everything, with an unaligned start: ports 1..0xffff */
	iopm_init_intercept_all(io);
	iopm_set(io, 1, 0xffff, false);
	EXPECT_EQ(io[0], 0x01);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 0xffff);
	for (size_t i = 0x2000; i < IOPM_SIZE; i++)
		bad += io[i] != 0xff;
	EXPECT_EQ(bad, 0);

	/* count 0 is a no-op */
	iopm_init_intercept_all(io);
	iopm_set(io, 0x80, 0, false);
	EXPECT_EQ(count_zero_bits(io, IOPM_SIZE), 0);
	free(io);
}

static void test_iopm_set_ranges_exact(void)
{
	/* Unaligned ranges of various shapes: each port's bit must equal the
	 * reference, checked for every port. */
	static const struct { uint16_t port, count; } r[] = {
		{ 0x3, 0x1234 }, { 0x5, 2 }, { 0x8, 8 }, { 0x9, 7 }, { 0xcf8, 8 },
		{ 0x1f1, 0x17 }, { 0x7ff9, 0x10 }, { 0xfff9, 7 }, { 0x0, 0xffff },
	};
	uint8_t *io = new_map(IOPM_SIZE);
	for (size_t k = 0; k < ARRAY_SIZE(r); k++) {
		uint32_t lo = r[k].port, hi = MIN((uint32_t)r[k].port + r[k].count, 0x10000u);
		int bad = 0;

		/* pass through on an all-ones map */
		iopm_init_intercept_all(io);
		iopm_set(io, r[k].port, r[k].count, false);
		for (uint32_t p = 0; p < 0x18000; p++)
			bad += raw_bit(io, p) != !(p >= lo && p < hi);
		EXPECT_EQ(bad, 0);

		/* intercept on an all-zero map (third page aside) */
		memset(io, 0, 0x2000);
		iopm_set(io, r[k].port, r[k].count, true);
		bad = 0;
		for (uint32_t p = 0; p < 0x10000; p++)
			bad += raw_bit(io, p) != (p >= lo && p < hi);
		EXPECT_EQ(bad, 0);
	}
	free(io);
}

int main(void)
{
	RUN(test_msrpm_locate_known);
	RUN(test_msrpm_locate_matches_apm_everywhere);
	RUN(test_msrpm_unmapped);
	RUN(test_msrpm_intercept_all);
	RUN(test_msrpm_passthrough_neighbours);
	RUN(test_msrpm_every_msr_whole_map);
	RUN(test_msrpm_single_bit_each);
	RUN(test_iopm_intercept_all);
	RUN(test_iopm_com1_bits);
	RUN(test_iopm_span_mixed);
	RUN(test_iopm_wrap_third_page);
	RUN(test_iopm_set_clamped);
	RUN(test_iopm_set_ranges_exact);
	TEST_MAIN_END();
}

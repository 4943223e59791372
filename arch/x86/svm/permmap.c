/* arch/x86/svm/permmap.c - The SVM I/O permission map (IOPM) and MSR
 * permission map (MSRPM). AMD APM Vol. 2, 15.10 "I/O Intercepts",
 * 15.10.1 "I/O Permissions Map" and 15.11 "MSR Intercepts".
 *
 * IOPM, 12 KiB, one bit per port, bit n = byte n/8, bit n%8 (set = exit):
 *
 *   0x0000 +-------------------------+
 *          | ports 0x0000 - 0x7FFF   |  page 0
 *   0x1000 +-------------------------+
 *          | ports 0x8000 - 0xFFFF   |  page 1
 *   0x2000 +-------------------------+
 *          | bits 0x10000 - 0x17FFF  |  page 2: only reached by a 2- or
 *   0x3000 +-------------------------+  4-byte access that runs past 0xFFFF
 *
 * A multi-byte access at port p checks bits p .. p+size-1 straight on (it
 * does not wrap to port 0), so an access at 0xFFFE of 4 bytes reads bits
 * 0x10000 and 0x10001 from page 2. Keeping page 2 all ones makes every such
 * wrapping access exit, which is what we want.
 *
 * MSRPM, 8 KiB, two bits per MSR (even = intercept RDMSR, odd = WRMSR),
 * four MSRs per byte, MSR i of a vector at byte i/4, read bit 2*(i%4):
 *
 *   0x0000 +-------------------------+
 *          | MSR 0000_0000-0000_1FFF |  2 KiB
 *   0x0800 +-------------------------+
 *          | MSR C000_0000-C000_1FFF |  2 KiB
 *   0x1000 +-------------------------+
 *          | MSR C001_0000-C001_1FFF |  2 KiB
 *   0x1800 +-------------------------+
 *          | reserved (kept all 1s)  |  2 KiB
 *   0x2000 +-------------------------+
 *
 * An MSR outside the three ranges exits unconditionally, so for those the
 * queries answer "intercepted" and msrpm_set refuses. */
#include "arch/x86/svm/permmap.h"
#include "lib/string.h"

/* ---- IOPM --------------------------------------------------------------- */

#define IOPM_PORTS 0x10000u   /* bits a port number can name; page 2 lies past */

static bool bit_test(const uint8_t *map, uint32_t bit)
{
	return (map[bit >> 3] >> (bit & 7)) & 1;
}

static void bit_assign(uint8_t *map, uint32_t bit, bool value)
{
	uint8_t mask = (uint8_t)(1u << (bit & 7));

	if (value)
		map[bit >> 3] |= mask;
	else
		map[bit >> 3] &= (uint8_t)~mask;
}

void iopm_init_intercept_all(uint8_t *iopm)
{
	memset(iopm, 0xff, IOPM_SIZE);
}

void iopm_set(uint8_t *iopm, uint16_t port, uint16_t count, bool intercept)
{
	/* 32-bit arithmetic so port+count cannot wrap to a low port; the clamp
	 * keeps us out of page 2, which must stay all ones. */
	uint32_t p = port;
	uint32_t end = MIN((uint32_t)port + count, IOPM_PORTS);

	/* Odd bits up to a byte boundary, whole bytes, then the odd bits left:
	 * passing through a big range should not cost 64K read-modify-writes. */
	while (p < end && (p & 7))
		bit_assign(iopm, p++, intercept);
	if (end - p >= 8) {
		uint32_t bytes = (end - p) / 8;
		memset(iopm + p / 8, intercept ? 0xff : 0x00, bytes);
		p += bytes * 8;
	}
	while (p < end)
		bit_assign(iopm, p++, intercept);
}

bool iopm_intercepted(const uint8_t *iopm, uint16_t port, unsigned size)
{
	if (size != 1 && size != 2 && size != 4)
		return true;
	/* Every byte of the access has its own port; bits past 0xFFFF are the
	 * page-2 bits, exactly as the CPU reads them (at most bit 0x10002). */
	for (unsigned i = 0; i < size; i++)
		if (bit_test(iopm, (uint32_t)port + i))
			return true;
	return false;
}

/* ---- MSRPM -------------------------------------------------------------- */

#define MSRPM_VECTOR_BYTES 0x800u                        /* 2 KiB per range */
#define MSRPM_VECTOR_MSRS  (MSRPM_VECTOR_BYTES * 8 / 2)  /* 0x2000 MSRs, 2 bits each */

static const struct {
	uint32_t first_msr;
	uint32_t byte_offset;
} msrpm_vectors[] = {
	{ 0x00000000u, 0x0000 },
	{ 0xc0000000u, 0x0800 },
	{ 0xc0010000u, 0x1000 },
};

int msrpm_locate(uint32_t msr, size_t *byte_offset, unsigned *read_bit)
{
	for (size_t v = 0; v < ARRAY_SIZE(msrpm_vectors); v++) {
		/* Unsigned: an msr below first_msr becomes huge and fails the test. */
		uint32_t index = msr - msrpm_vectors[v].first_msr;

		if (index >= MSRPM_VECTOR_MSRS)
			continue;
		if (byte_offset)
			*byte_offset = msrpm_vectors[v].byte_offset + index / 4;
		if (read_bit)
			*read_bit = (index % 4) * 2;
		return 0;
	}
	return -1;
}

void msrpm_init_intercept_all(uint8_t *msrpm)
{
	/* The reserved quarter too: nothing reads it today, and ones there are
	 * the conservative value should a future CPU give it meaning. */
	memset(msrpm, 0xff, MSRPM_SIZE);
}

int msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read, bool intercept_write)
{
	size_t byte;
	unsigned bit;

	if (msrpm_locate(msr, &byte, &bit) != 0)
		return -1;
	bit_assign(msrpm, (uint32_t)byte * 8 + bit, intercept_read);
	bit_assign(msrpm, (uint32_t)byte * 8 + bit + 1, intercept_write);
	return 0;
}

/* which = 0 for the read bit, 1 for the write bit. */
static bool msrpm_intercepted(const uint8_t *msrpm, uint32_t msr, unsigned which)
{
	size_t byte;
	unsigned bit;

	if (msrpm_locate(msr, &byte, &bit) != 0)
		return true;   /* unmapped MSRs always exit */
	return bit_test(msrpm, (uint32_t)byte * 8 + bit + which);
}

bool msrpm_read_intercepted(const uint8_t *msrpm, uint32_t msr)
{
	return msrpm_intercepted(msrpm, msr, 0);
}

bool msrpm_write_intercepted(const uint8_t *msrpm, uint32_t msr)
{
	return msrpm_intercepted(msrpm, msr, 1);
}

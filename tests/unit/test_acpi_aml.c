/* tests/unit/test_acpi_aml.c - The \_S5 finder of drivers/acpi_tables.c on AML
 * byte streams: every integer encoding, PkgLength forms, truncation. */
/* UNIT_SRC: drivers/acpi_tables.c */
#include <stdlib.h>
#include "tests/unit/test.h"
#include "drivers/acpi_tables.h"

/* ---- _S5 ------------------------------------------------------------------ */

static bool s5(const uint8_t *aml, size_t len, unsigned *a, unsigned *b)
{
	uint8_t ta = 0xEE, tb = 0xEE;
	/* Copy to an exact-size heap block so ASan flags any read past len. */
	uint8_t *copy = malloc(len ? len : 1);
	bool found;

	if (aml)
		memcpy(copy, aml, len);
	found = acpi_aml_find_s5(aml ? copy : NULL, len, &ta, &tb);
	free(copy);
	*a = ta;
	*b = tb;
	return found;
}

#define S5_HDR 0x08, '_', 'S', '5', '_', 0x12

static void s5_zero_one(void)
{
	const uint8_t aml[] = { S5_HDR, 0x04, 0x02, 0x01, 0x00 };
	unsigned a, b;

	EXPECT_TRUE(s5(aml, sizeof(aml), &a, &b));
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 0);
}

static void s5_byte_prefix(void)
{
	const uint8_t aml[] = { S5_HDR, 0x08, 0x04, 0x0A, 0x07, 0x0A, 0x05, 0x00, 0x00 };
	unsigned a, b;

	EXPECT_TRUE(s5(aml, sizeof(aml), &a, &b));
	EXPECT_EQ(a, 7);
	EXPECT_EQ(b, 5);
}

static void s5_word_dword_prefix(void)
{
	const uint8_t aml[] = { S5_HDR, 0x0A, 0x02, 0x0B, 0x05, 0x12, 0x0C, 0x06, 0x00, 0x00, 0x80 };
	const uint8_t aml_q[] = { S5_HDR, 0x0C, 0x02, 0x0E, 3, 0, 0, 0, 0, 0, 0, 1, 0x01 };
	unsigned a, b;

	EXPECT_TRUE(s5(aml, sizeof(aml), &a, &b));
	EXPECT_EQ(a, 0x05);   /* low bits of 0x1205 */
	EXPECT_EQ(b, 0x06);   /* low bits of 0x80000006 */
	EXPECT_TRUE(s5(aml_q, sizeof(aml_q), &a, &b));
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 1);
}

static void s5_single_packed_element(void)
{
	const uint8_t aml[] = { S5_HDR, 0x05, 0x01, 0x0B, 0x07, 0x05 };
	unsigned a, b;

	EXPECT_TRUE(s5(aml, sizeof(aml), &a, &b));
	EXPECT_EQ(a, 7);
	EXPECT_EQ(b, 5);
}

static void s5_root_and_parent_prefix(void)
{
	const uint8_t root[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x05, 0x01 };
	const uint8_t parent[] = { 0x08, '^', '^', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0A, 0x06 };
	const uint8_t both[] = { 0x08, '\\', '^', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01 };
	unsigned a, b;

	EXPECT_TRUE(s5(root, sizeof(root), &a, &b));
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 1);
	EXPECT_TRUE(s5(parent, sizeof(parent), &a, &b));
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 6);
	EXPECT_TRUE(!s5(both, sizeof(both), &a, &b));   /* not a valid NameString */
}

/* Name(_S5_, Package(n){a, b, 0...}) with the PkgLength in pkglen_bytes bytes. */
static size_t build_s5_pkg(uint8_t *out, size_t pkglen_bytes, size_t pad, uint8_t a, uint8_t b)
{
	size_t n = 0, len = pkglen_bytes + 1 + 4 + pad;

	memcpy(out, (const uint8_t[]){ S5_HDR }, 6);
	n = 6;
	if (pkglen_bytes == 1) {
		out[n++] = (uint8_t)len;
	} else {
		out[n++] = (uint8_t)(((pkglen_bytes - 1) << 6) | (len & 0x0F));
		for (size_t i = 1; i < pkglen_bytes; i++)
			out[n++] = (uint8_t)(len >> (4 + 8 * (i - 1)));
	}
	out[n++] = (uint8_t)(2 + pad > 255 ? 255 : 2 + pad);
	out[n++] = 0x0A;
	out[n++] = a;
	out[n++] = 0x0A;
	out[n++] = b;
	memset(out + n, 0, pad);
	return n + pad;
}

static void s5_pkglength_encodings(void)
{
	static uint8_t buf[0x20000];
	unsigned a, b;
	size_t n;

	n = build_s5_pkg(buf, 1, 40, 3, 4);
	EXPECT_TRUE(buf[6] < 0x40);
	EXPECT_TRUE(s5(buf, n, &a, &b));
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 4);

	n = build_s5_pkg(buf, 2, 200, 5, 6);
	EXPECT_EQ(buf[6] >> 6, 1);
	EXPECT_TRUE(s5(buf, n, &a, &b));
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 6);
	EXPECT_TRUE(!s5(buf, n - 1, &a, &b));   /* package one byte past the table */

	n = build_s5_pkg(buf, 3, 5000, 7, 1);
	EXPECT_EQ(buf[6] >> 6, 2);
	EXPECT_TRUE(s5(buf, n, &a, &b));
	EXPECT_EQ(a, 7);
	EXPECT_EQ(b, 1);
	EXPECT_TRUE(!s5(buf, n - 1, &a, &b));

	n = build_s5_pkg(buf, 4, 70000, 2, 2);
	EXPECT_EQ(buf[6] >> 6, 3);
	EXPECT_TRUE(s5(buf, n, &a, &b));
	EXPECT_EQ(a, 2);

	/* Multi-byte lead with reserved bits 4-5 set is malformed. */
	n = build_s5_pkg(buf, 2, 200, 5, 6);
	buf[6] |= 0x10;
	EXPECT_TRUE(!s5(buf, n + 0x100, &a, &b));
}

static void s5_truncated_at_end(void)
{
	const uint8_t name_only[] = { 0x00, 0x00, 0x08, '_', 'S', '5', '_' };
	const uint8_t no_pkglen[] = { 0x00, 0x08, '_', 'S', '5', '_', 0x12 };
	const uint8_t short_pkg[] = { S5_HDR, 0x06, 0x04, 0x00, 0x00 };       /* claims 6, has 3 */
	const uint8_t cut_elem[] = { S5_HDR, 0x04, 0x02, 0x0A, 0x05, 0x0B, 0x01 };
	const uint8_t cut_pkglen[] = { S5_HDR, 0x41 };                         /* 1 byte follows, absent */
	const uint8_t partial_name[] = { 0x08, '_', 'S', '5' };
	unsigned a, b;

	EXPECT_TRUE(!s5(name_only, sizeof(name_only), &a, &b));
	EXPECT_TRUE(!s5(no_pkglen, sizeof(no_pkglen), &a, &b));
	EXPECT_TRUE(!s5(short_pkg, sizeof(short_pkg), &a, &b));
	EXPECT_TRUE(!s5(cut_elem, sizeof(cut_elem), &a, &b));
	EXPECT_TRUE(!s5(cut_pkglen, sizeof(cut_pkglen), &a, &b));
	EXPECT_TRUE(!s5(partial_name, sizeof(partial_name), &a, &b));
	EXPECT_EQ(a, 0xEE);   /* outputs untouched */
	EXPECT_TRUE(!s5(NULL, 0, &a, &b));
}

static void s5_malformed_then_good(void)
{
	const uint8_t aml[] = {
		0x08, '_', 'S', '5', '_', 0x0D, 'x', 0x00,                 /* not a package */
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0D, 0x01,    /* string element */
		0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x02, 0x01, 0x01,    /* PkgLength shorter than elements */
		0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x00,                /* PkgLength too small for NumElements */
		0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00,                /* zero elements */
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x05, 0x01,
	};
	unsigned a, b;

	EXPECT_TRUE(s5(aml, sizeof(aml), &a, &b));
	EXPECT_EQ(a, 5);
	EXPECT_EQ(b, 1);
	EXPECT_TRUE(!s5(aml, sizeof(aml) - 11, &a, &b));
}

int main(void)
{
	RUN(s5_zero_one);
	RUN(s5_byte_prefix);
	RUN(s5_word_dword_prefix);
	RUN(s5_single_packed_element);
	RUN(s5_root_and_parent_prefix);
	RUN(s5_pkglength_encodings);
	RUN(s5_truncated_at_end);
	RUN(s5_malformed_then_good);
	TEST_MAIN_END();
}

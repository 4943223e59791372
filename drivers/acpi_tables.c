/* drivers/acpi_tables.c - ACPI table discovery (RSDP, RSDT/XSDT, FADT, _S5): pure logic, host-testable.
 *
 * Firmware tables are untrusted input: every length is checked against what
 * the map callback could actually provide before a byte is read, every loop
 * is bounded by a table length, and any table that fails its checksum is
 * skipped rather than half-used. Multi-byte fields are assembled byte by byte
 * (little-endian, as ACPI specifies) so nothing depends on alignment. */
#include "drivers/acpi_tables.h"

#define ACPI_RSDP_MAX_LEN 1024u   /* the RSDP is 36 bytes; anything much larger is garbage */

/* ---- Byte helpers (no libc: this file builds freestanding and hosted) ----- */

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static bool bytes_eq(const void *a, const char *b, size_t n)
{
	const uint8_t *p = a;

	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)b[i])
			return false;
	return true;
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static void zero_bytes(void *d, size_t n)
{
	uint8_t *p = d;

	for (size_t i = 0; i < n; i++)
		p[i] = 0;
}

static void copy_bytes(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	for (size_t i = 0; i < n; i++)
		dp[i] = sp[i];
}

/* Firmware identifiers are fixed-width, space-padded and not always
 * printable: copy n of them into a NUL-terminated string for the log,
 * '?' for anything unprintable, optionally dropping the trailing padding. */
static void copy_ident(char *dst, const void *src, size_t n, bool trim)
{
	const uint8_t *s = src;
	size_t i;

	for (i = 0; i < n && s[i] != 0; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	while (trim && i > 0 && dst[i - 1] == ' ')
		i--;
	dst[i] = '\0';
}

/* ---- Errors -------------------------------------------------------------- */

static const char *const acpi_err_str[ACPI_ERR_COUNT] = {
	[ACPI_OK]                  = "ok",
	[ACPI_ERR_BAD_ARG]         = "bad argument",
	[ACPI_ERR_RSDP_NOT_FOUND]  = "no RSDP found",
	[ACPI_ERR_RSDP_UNMAPPED]   = "RSDP not mapped",
	[ACPI_ERR_RSDP_SHORT]      = "RSDP shorter than 20 bytes",
	[ACPI_ERR_RSDP_SIGNATURE]  = "RSDP signature mismatch",
	[ACPI_ERR_RSDP_CHECKSUM]   = "RSDP checksum mismatch",
	[ACPI_ERR_RSDP_LENGTH]     = "RSDP length out of range",
	[ACPI_ERR_RSDP_XCHECKSUM]  = "RSDP extended checksum mismatch",
	[ACPI_ERR_NO_ROOT]         = "RSDP has no RSDT/XSDT address",
	[ACPI_ERR_TABLE_NULL]      = "null table address",
	[ACPI_ERR_TABLE_UNMAPPED]  = "table header not mapped",
	[ACPI_ERR_TABLE_SIGNATURE] = "table signature mismatch",
	[ACPI_ERR_TABLE_LENGTH]    = "table length out of range",
	[ACPI_ERR_TABLE_TRUNCATED] = "table runs past mapped memory",
	[ACPI_ERR_TABLE_CHECKSUM]  = "table checksum mismatch",
	[ACPI_ERR_NOT_FOUND]       = "table not found",
	[ACPI_ERR_NO_FADT]         = "no FADT",
	[ACPI_ERR_NO_DSDT]         = "no DSDT address in FADT",
	[ACPI_ERR_NO_S5]           = "no _S5 object in DSDT/SSDTs",
};

const char *acpi_strerror(int err)
{
	if (err < 0 || err >= ACPI_ERR_COUNT || !acpi_err_str[err])
		return "unknown ACPI error";
	return acpi_err_str[err];
}

/* ---- RSDP (ACPI 6.x 5.2.5) ----------------------------------------------- */

int acpi_rsdp_check(const void *buf, size_t avail, bool *xsdt_ok)
{
	const uint8_t *p = buf;
	uint32_t len;

	if (xsdt_ok)
		*xsdt_ok = false;
	if (!p)
		return ACPI_ERR_BAD_ARG;
	if (avail < ACPI_RSDP_V1_LEN)
		return ACPI_ERR_RSDP_SHORT;
	if (!bytes_eq(p, "RSD PTR ", 8))
		return ACPI_ERR_RSDP_SIGNATURE;
	/* The 1.0 checksum covers only the first 20 bytes, for every revision. */
	if (sum8(p, ACPI_RSDP_V1_LEN) != 0)
		return ACPI_ERR_RSDP_CHECKSUM;
	if (p[offsetof(struct acpi_rsdp, revision)] < 2)
		return ACPI_OK;
	/* A 2.0+ RSDP delivered as a 20-byte copy (Multiboot2's "old RSDP" tag)
	 * is still a valid 1.0 RSDP: use its RSDT and ignore the XSDT fields. */
	if (avail < ACPI_RSDP_V2_LEN)
		return ACPI_OK;
	len = rd32(p + offsetof(struct acpi_rsdp, length));
	if (len < ACPI_RSDP_V2_LEN || len > ACPI_RSDP_MAX_LEN || len > avail)
		return ACPI_ERR_RSDP_LENGTH;
	if (sum8(p, len) != 0)
		return ACPI_ERR_RSDP_XCHECKSUM;
	if (xsdt_ok)
		*xsdt_ok = true;
	return ACPI_OK;
}

int acpi_rsdp_scan(const void *buf, size_t len, size_t *offset)
{
	const uint8_t *p = buf;

	if (!p)
		return ACPI_ERR_BAD_ARG;
	/* 5.2.5.1: the RSDP sits on a 16-byte boundary. Keep scanning past a
	 * candidate with a bad checksum: stale copies and data that happen to
	 * spell "RSD PTR " exist. */
	for (size_t off = 0; len >= ACPI_RSDP_V1_LEN && off <= len - ACPI_RSDP_V1_LEN; off += 16) {
		if (acpi_rsdp_check(p + off, len - off, NULL) == ACPI_OK) {
			if (offset)
				*offset = off;
			return ACPI_OK;
		}
	}
	return ACPI_ERR_RSDP_NOT_FOUND;
}

static bool scan_area(acpi_map_fn map, void *ctx, hpa_t base, size_t len, hpa_t *rsdp_pa)
{
	const void *area = map(ctx, base, len);
	size_t off;

	if (!area || acpi_rsdp_scan(area, len, &off) != ACPI_OK)
		return false;
	*rsdp_pa = base + off;
	return true;
}

int acpi_find_rsdp_bios(acpi_map_fn map, void *ctx, hpa_t *rsdp_pa)
{
	const uint8_t *bda;

	if (!map || !rsdp_pa)
		return ACPI_ERR_BAD_ARG;
	/* 5.2.5.1: first the first KiB of the EBDA, whose real-mode segment the
	 * BIOS leaves in the BDA word at 0x40E. The EBDA lives below 640 KiB
	 * and above the BDA; any other value is not an EBDA pointer. */
	bda = map(ctx, ACPI_BDA_EBDA_SEG, 2);
	if (bda) {
		hpa_t ebda = (hpa_t)rd16(bda) << 4;

		if (ebda >= 0x500 && ebda < 0xA0000 &&
		    scan_area(map, ctx, ebda, MIN(1024u, 0xA0000 - ebda), rsdp_pa))
			return ACPI_OK;
	}
	/* Then the BIOS read-only area 0xE0000-0xFFFFF. */
	if (scan_area(map, ctx, ACPI_BIOS_AREA_BASE, ACPI_BIOS_AREA_LEN, rsdp_pa))
		return ACPI_OK;
	return ACPI_ERR_RSDP_NOT_FOUND;
}

/* ---- System description tables (ACPI 6.x 5.2.6-5.2.8) -------------------- */

const struct acpi_sdt_header *acpi_table_map(const struct acpi_tables *t, hpa_t pa,
					     const char *sig, int *err)
{
	const uint8_t *hdr, *full;
	uint32_t len;
	int dummy;

	if (!err)
		err = &dummy;
	if (!t || !t->map) {
		*err = ACPI_ERR_BAD_ARG;
		return NULL;
	}
	if (pa == 0) {
		*err = ACPI_ERR_TABLE_NULL;
		return NULL;
	}
	hdr = t->map(t->map_ctx, pa, sizeof(struct acpi_sdt_header));
	if (!hdr) {
		*err = ACPI_ERR_TABLE_UNMAPPED;
		return NULL;
	}
	if (sig && !bytes_eq(hdr, sig, 4)) {
		*err = ACPI_ERR_TABLE_SIGNATURE;
		return NULL;
	}
	len = rd32(hdr + offsetof(struct acpi_sdt_header, length));
	if (len < sizeof(struct acpi_sdt_header) || len > ACPI_TABLE_MAX_LEN) {
		*err = ACPI_ERR_TABLE_LENGTH;
		return NULL;
	}
	full = t->map(t->map_ctx, pa, len);
	if (!full) {
		*err = ACPI_ERR_TABLE_TRUNCATED;
		return NULL;
	}
	/* 5.2.6: the entire table, including the checksum field, sums to zero. */
	if (sum8(full, len) != 0) {
		*err = ACPI_ERR_TABLE_CHECKSUM;
		return NULL;
	}
	*err = ACPI_OK;
	return (const struct acpi_sdt_header *)full;
}

/* The root table's entry count: RSDT entries are 32-bit, XSDT entries 64-bit
 * (5.2.7, 5.2.8); a length that is not a whole number of entries is
 * rounded down so no entry is read past the end. */
static uint32_t root_entry_size(const struct acpi_tables *t) { return t->root_is_xsdt ? 8 : 4; }

static hpa_t root_entry(const struct acpi_tables *t, const uint8_t *root, uint32_t i)
{
	const uint8_t *e = root + sizeof(struct acpi_sdt_header) + (size_t)i * root_entry_size(t);

	return t->root_is_xsdt ? rd64(e) : rd32(e);
}

static int root_open(struct acpi_tables *t, hpa_t pa, bool xsdt)
{
	const struct acpi_sdt_header *root;
	int err;

	root = acpi_table_map(t, pa, xsdt ? "XSDT" : "RSDT", &err);
	if (!root)
		return err;
	t->root_is_xsdt = xsdt;
	t->root_pa = pa;
	t->root_len = rd32((const uint8_t *)root + offsetof(struct acpi_sdt_header, length));
	t->nentries = (t->root_len - (uint32_t)sizeof(struct acpi_sdt_header)) / root_entry_size(t);
	return ACPI_OK;
}

/* Validates one root entry and, while there is room, records it for the log. */
static void record_entry(struct acpi_tables *t, uint32_t i, hpa_t pa)
{
	struct acpi_table_ent scratch, *e = i < ACPI_MAX_TABLES ? &t->ent[i] : &scratch;
	const uint8_t *hdr = NULL;
	int err;

	zero_bytes(e, sizeof(*e));
	e->pa = pa;
	if (pa)
		hdr = t->map(t->map_ctx, pa, sizeof(struct acpi_sdt_header));
	if (hdr) {
		copy_ident(e->sig, hdr, 4, false);
		copy_ident(e->oem_table_id, hdr + offsetof(struct acpi_sdt_header, oem_table_id), 8, true);
		e->length = rd32(hdr + offsetof(struct acpi_sdt_header, length));
		e->revision = hdr[offsetof(struct acpi_sdt_header, revision)];
	}
	acpi_table_map(t, pa, NULL, &err);
	e->status = (uint8_t)err;
	if (err != ACPI_OK)
		t->nskipped++;
}

int acpi_tables_init(struct acpi_tables *t, acpi_map_fn map, void *ctx,
		     const void *rsdp_copy, size_t rsdp_len, hpa_t rsdp_pa)
{
	const uint8_t *rsdp, *root;
	size_t avail;
	bool xsdt_ok;
	hpa_t rsdt, xsdt;
	int err;

	if (!t)
		return ACPI_ERR_BAD_ARG;
	zero_bytes(t, sizeof(*t));
	if (!map)
		return ACPI_ERR_BAD_ARG;
	t->map = map;
	t->map_ctx = ctx;

	if (rsdp_copy) {
		rsdp = rsdp_copy;
		avail = rsdp_len;
	} else {
		/* Read the 1.0 part first: only a revision >= 2 RSDP is longer,
		 * and its own length field says by how much. */
		rsdp = map(ctx, rsdp_pa, ACPI_RSDP_V1_LEN);
		if (!rsdp)
			return ACPI_ERR_RSDP_UNMAPPED;
		avail = ACPI_RSDP_V1_LEN;
		if (rsdp[offsetof(struct acpi_rsdp, revision)] >= 2) {
			const uint8_t *v2 = map(ctx, rsdp_pa, ACPI_RSDP_V2_LEN);

			if (v2) {
				uint32_t len = rd32(v2 + offsetof(struct acpi_rsdp, length));
				const uint8_t *full = NULL;

				rsdp = v2;
				avail = ACPI_RSDP_V2_LEN;
				if (len > ACPI_RSDP_V2_LEN && len <= ACPI_RSDP_MAX_LEN)
					full = map(ctx, rsdp_pa, len);
				if (full) {
					rsdp = full;
					avail = len;
				}
			}
		}
	}
	err = acpi_rsdp_check(rsdp, avail, &xsdt_ok);
	if (err)
		return err;
	t->rsdp_revision = rsdp[offsetof(struct acpi_rsdp, revision)];
	copy_ident(t->oem_id, rsdp + offsetof(struct acpi_rsdp, oem_id), 6, true);

	/* 5.2.5.3: on 2.0+ the XSDT supersedes the RSDT. Some firmware ships a
	 * broken XSDT next to a good RSDT, so a failing XSDT falls back to the
	 * RSDT (and says so in xsdt_err) instead of giving up. */
	rsdt = rd32(rsdp + offsetof(struct acpi_rsdp, rsdt_address));
	xsdt = xsdt_ok ? rd64(rsdp + offsetof(struct acpi_rsdp, xsdt_address)) : 0;
	err = ACPI_ERR_NO_ROOT;
	if (xsdt) {
		err = root_open(t, xsdt, true);
		t->xsdt_err = err;
	}
	if (err && rsdt)
		err = root_open(t, rsdt, false);
	if (err)
		return err;

	root = map(ctx, t->root_pa, t->root_len);
	if (!root)
		return ACPI_ERR_TABLE_TRUNCATED;   /* it was readable a moment ago */
	t->nlisted = MIN(t->nentries, (uint32_t)ACPI_MAX_TABLES);
	for (uint32_t i = 0; i < t->nentries; i++)
		record_entry(t, i, root_entry(t, root, i));
	return ACPI_OK;
}

const struct acpi_sdt_header *acpi_table_find(const struct acpi_tables *t, const char *sig,
					      unsigned instance, hpa_t *pa)
{
	const uint8_t *root;

	if (!t || !t->map || !sig || !t->root_pa)
		return NULL;
	root = t->map(t->map_ctx, t->root_pa, t->root_len);
	if (!root)
		return NULL;
	for (uint32_t i = 0; i < t->nentries; i++) {
		hpa_t tpa = root_entry(t, root, i);
		const struct acpi_sdt_header *h = acpi_table_map(t, tpa, sig, NULL);

		if (!h)
			continue;
		if (instance-- == 0) {
			if (pa)
				*pa = tpa;
			return h;
		}
	}
	return NULL;
}

/* ---- AML (ACPI 6.x chapter 20) ------------------------------------------- */

#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_NAME_OP     0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE_OP  0x12
#define AML_ONES_OP     0xFF
#define AML_ROOT_CHAR   '\\'
#define AML_PARENT_CHAR '^'

/* PkgLength, 20.2.4: bits 7-6 of the lead byte count the bytes that follow
 * (0-3). With none, bits 5-0 are the length; otherwise bits 3-0 are its low
 * nibble, each following byte the next 8 bits, and bits 5-4 must be zero.
 * The value counts from the first PkgLength byte to the end of the package. */
static bool aml_pkglength(const uint8_t *p, size_t avail, uint32_t *value, size_t *nbytes)
{
	uint8_t lead;
	uint32_t follow, v;

	if (avail < 1)
		return false;
	lead = p[0];
	follow = lead >> 6;
	if (follow == 0) {
		*value = lead & 0x3F;
		*nbytes = 1;
		return true;
	}
	if ((lead & 0x30) != 0 || avail < 1 + (size_t)follow)
		return false;
	v = lead & 0x0F;
	for (uint32_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*value = v;
	*nbytes = 1 + follow;
	return true;
}

/* An integer DataObject, 20.2.3 (ComputationalData / ConstObj). */
static bool aml_integer(const uint8_t *p, size_t avail, uint64_t *value, size_t *used)
{
	size_t n;

	if (avail < 1)
		return false;
	switch (p[0]) {
	case AML_ZERO_OP:      *value = 0;  *used = 1; return true;
	case AML_ONE_OP:       *value = 1;  *used = 1; return true;
	case AML_ONES_OP:      *value = ~0ull; *used = 1; return true;
	case AML_BYTE_PREFIX:  n = 1; break;
	case AML_WORD_PREFIX:  n = 2; break;
	case AML_DWORD_PREFIX: n = 4; break;
	case AML_QWORD_PREFIX: n = 8; break;
	default:
		return false;
	}
	if (avail < 1 + n)
		return false;
	*value = 0;
	for (size_t i = 0; i < n; i++)
		*value |= (uint64_t)p[1 + i] << (8 * i);
	*used = 1 + n;
	return true;
}

/* Tries to decode DefName(_S5_, DefPackage) with the NameOp at aml[i]. */
static bool aml_s5_at(const uint8_t *aml, size_t len, size_t i, uint8_t *slp_typa, uint8_t *slp_typb)
{
	size_t p = i + 1, pkg, end, nb, used;
	uint32_t pkglen;
	uint64_t a, b;
	uint8_t count;

	/* NameString, 20.2.2: an optional RootChar or run of ParentPrefixChars,
	 * then the NameSeg. */
	if (p < len && aml[p] == AML_ROOT_CHAR)
		p++;
	else
		while (p < len && aml[p] == AML_PARENT_CHAR && p - i < 256)
			p++;
	if (len - p < 4 || !bytes_eq(aml + p, "_S5_", 4))
		return false;
	p += 4;
	/* DefPackage := PackageOp PkgLength NumElements PackageElementList */
	if (p >= len || aml[p] != AML_PACKAGE_OP)
		return false;
	pkg = ++p;
	if (!aml_pkglength(aml + p, len - p, &pkglen, &nb))
		return false;
	if (pkglen < nb + 1 || pkglen > len - pkg)
		return false;   /* too short for NumElements, or runs past the table */
	end = pkg + pkglen;
	p += nb;
	count = aml[p++];
	if (count == 0 || !aml_integer(aml + p, end - p, &a, &used))
		return false;
	p += used;
	if (count >= 2) {
		if (!aml_integer(aml + p, end - p, &b, &used))
			return false;
	} else {
		/* Some firmware packs both values into a single element. */
		b = a >> 8;
	}
	*slp_typa = (uint8_t)a;
	*slp_typb = (uint8_t)b;
	return true;
}

bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	uint8_t a, b;

	if (!aml)
		return false;
	/* Not an AML interpreter: look for the byte pattern of a DefName of
	 * \_S5 (7.4.2 "\_Sx System States") and accept the first occurrence
	 * that decodes completely inside the table. */
	for (size_t i = 0; i < len; i++) {
		if (aml[i] != AML_NAME_OP || !aml_s5_at(aml, len, i, &a, &b))
			continue;
		if (slp_typa)
			*slp_typa = a;
		if (slp_typb)
			*slp_typb = b;
		return true;
	}
	return false;
}

/* ---- FADT and power information (ACPI 6.x 5.2.9) ------------------------- */

/* Where two FADT fields give the same address (DSDT/X_DSDT,
 * PM1x_CNT_BLK/X_PM1x_CNT_BLK), the spec says the 64-bit one wins when
 * nonzero. Firmware with a corrupt 64-bit copy next to a correct 32-bit one
 * exists, so like common OS practice the 32-bit value wins on a mismatch. */
static void pick_pm1(struct acpi_gas *out, uint32_t port, const struct acpi_gas *x, uint8_t cnt_len)
{
	zero_bytes(out, sizeof(*out));
	if (port == 0 && x->address == 0)
		return;
	if (port != 0 && !(x->space_id == ACPI_GAS_IO && x->address == port)) {
		out->space_id = ACPI_GAS_IO;
		out->bit_width = (uint8_t)MIN(cnt_len * 8u, 255u);
		out->access_size = 2;   /* word: 4.8.3.2.1 allows byte and word access */
		out->address = port;
		return;
	}
	*out = *x;
}

static const struct acpi_sdt_header *map_dsdt(struct acpi_power_info *info, const struct acpi_fadt *f)
{
	hpa_t first = f->dsdt ? f->dsdt : f->x_dsdt;
	hpa_t second = f->dsdt ? f->x_dsdt : 0;
	const struct acpi_sdt_header *d;

	if (!first) {
		info->dsdt_err = ACPI_ERR_NO_DSDT;
		return NULL;
	}
	d = acpi_table_map(&info->tables, first, "DSDT", &info->dsdt_err);
	if (d) {
		info->dsdt_pa = first;
		return d;
	}
	info->dsdt_pa = first;
	if (second && second != first) {
		int err;

		d = acpi_table_map(&info->tables, second, "DSDT", &err);
		if (d) {
			info->dsdt_pa = second;
			info->dsdt_err = ACPI_OK;
		}
	}
	return d;
}

static bool s5_in_table(struct acpi_power_info *info, const struct acpi_sdt_header *h)
{
	uint32_t len = rd32((const uint8_t *)h + offsetof(struct acpi_sdt_header, length));

	return acpi_aml_find_s5((const uint8_t *)h + sizeof(*h), len - sizeof(*h),
				&info->slp_typa, &info->slp_typb);
}

int acpi_probe_power(acpi_map_fn map, void *ctx, const void *rsdp_copy, size_t rsdp_len,
		     hpa_t rsdp_pa, struct acpi_power_info *info)
{
	const struct acpi_sdt_header *h;
	struct acpi_fadt f;
	uint32_t len;
	int err;

	if (!info)
		return ACPI_ERR_BAD_ARG;
	zero_bytes(info, sizeof(*info));
	info->dsdt_err = ACPI_ERR_NO_DSDT;
	err = acpi_tables_init(&info->tables, map, ctx, rsdp_copy, rsdp_len, rsdp_pa);
	if (err)
		return err;

	h = acpi_table_find(&info->tables, "FACP", 0, &info->fadt_pa);
	if (!h)
		return ACPI_ERR_NO_FADT;
	/* Older FADTs are shorter (ACPI 1.0: 116 bytes): fields past the end
	 * read as zero, which the spec defines as "not present". */
	len = rd32((const uint8_t *)h + offsetof(struct acpi_sdt_header, length));
	zero_bytes(&f, sizeof(f));
	copy_bytes(&f, h, MIN((size_t)len, sizeof(f)));
	info->found_fadt = true;
	info->fadt_len = len;
	info->fadt_revision = f.hdr.revision;
	info->fadt_flags = f.flags;
	info->hw_reduced = (f.flags & ACPI_FADT_HW_REDUCED_ACPI) != 0;
	info->pm1_cnt_len = f.pm1_cnt_len;
	info->smi_cmd = f.smi_cmd;
	info->acpi_enable = f.acpi_enable;
	pick_pm1(&info->pm1a_cnt, f.pm1a_cnt_blk, &f.x_pm1a_cnt_blk, f.pm1_cnt_len);
	pick_pm1(&info->pm1b_cnt, f.pm1b_cnt_blk, &f.x_pm1b_cnt_blk, f.pm1_cnt_len);
	/* RESET_REG and RESET_VALUE exist from FADT revision 2 (offset 116..128). */
	info->reset_reg_supported = (f.flags & ACPI_FADT_RESET_REG_SUP) &&
				    len > offsetof(struct acpi_fadt, reset_value);
	info->reset_reg = f.reset_reg;
	info->reset_value = f.reset_value;

	/* \_S5 is normally in the DSDT; some firmware defines it in an SSDT. */
	h = map_dsdt(info, &f);
	if (h && s5_in_table(info, h)) {
		info->s5_found = true;
		copy_ident(info->s5_table, "DSDT", 4, false);
		return ACPI_OK;
	}
	for (unsigned n = 0; n < info->tables.nentries; n++) {
		h = acpi_table_find(&info->tables, "SSDT", n, NULL);
		if (!h)
			break;
		if (s5_in_table(info, h)) {
			info->s5_found = true;
			info->s5_instance = n;
			copy_ident(info->s5_table, "SSDT", 4, false);
			break;
		}
	}
	return ACPI_OK;
}

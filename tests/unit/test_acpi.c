/* tests/unit/test_acpi.c - Unit tests for drivers/acpi_tables.c against fake physical memory. */
/* UNIT_SRC: drivers/acpi_tables.c */
#include <stdlib.h>
#include "tests/unit/test.h"
#include "drivers/acpi_tables.h"

/* ---- Fake physical memory: phys [0, limit) readable, NULL beyond -------- */

#define MEM_SIZE 0x200000u
static uint8_t mem[MEM_SIZE];
static struct fake_mem { uint8_t *base; uint64_t limit; unsigned calls; } fm;

static const void *fake_map(void *ctx, hpa_t pa, size_t len)
{
	struct fake_mem *f = ctx;

	f->calls++;
	if (pa > f->limit || len > f->limit - pa)
		return NULL;
	return f->base + pa;
}

static void mem_reset(void)
{
	memset(mem, 0, sizeof(mem));
	fm.base = mem;
	fm.limit = MEM_SIZE;
	fm.calls = 0;
}

/* Physical layout of the fake machine. */
#define PA_EBDA  0x9FC00u
#define PA_RSDP  0xF5A60u
#define PA_XSDT  0x100000u
#define PA_RSDT  0x100400u
#define PA_FADT  0x101000u
#define PA_FADT2 0x101400u
#define PA_DSDT  0x102000u
#define PA_APIC  0x104000u
#define PA_HPET  0x104400u
#define PA_WAET  0x104800u
#define PA_SSDT0 0x105000u
#define PA_SSDT1 0x106000u
#define PA_SSDT2 0x107000u

static uint8_t sum_of(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t table_len(hpa_t pa)
{
	uint32_t len;

	memcpy(&len, mem + pa + 4, 4);
	return len;
}

static void fix_sum(hpa_t pa)
{
	mem[pa + 9] = 0;
	mem[pa + 9] = (uint8_t)-sum_of(mem + pa, table_len(pa));
}

/* Writes header + body at pa with a correct checksum. */
static void put_table(hpa_t pa, const char *sig, const void *body, size_t body_len)
{
	struct acpi_sdt_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, sig, 4);
	h.length = (uint32_t)(sizeof(h) + body_len);
	h.revision = 1;
	memcpy(h.oem_id, "BOCHS ", 6);
	memcpy(h.oem_table_id, "BXPC", 4);
	memcpy(h.oem_table_id + 4, sig, 4);
	memcpy(mem + pa, &h, sizeof(h));
	if (body_len)
		memcpy(mem + pa + sizeof(h), body, body_len);
	fix_sum(pa);
}

static void put_root(hpa_t pa, bool xsdt, const hpa_t *ents, unsigned n)
{
	uint8_t body[8 * 128];
	size_t esz = xsdt ? 8 : 4;

	for (unsigned i = 0; i < n; i++)
		memcpy(body + i * esz, &ents[i], esz);   /* little-endian host */
	put_table(pa, xsdt ? "XSDT" : "RSDT", body, n * esz);
}

static void put_rsdp_at(uint8_t *dst, unsigned rev, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, "BOCHS ", 6);
	r.revision = (uint8_t)rev;
	r.rsdt_address = rsdt;
	r.length = ACPI_RSDP_V2_LEN;
	r.xsdt_address = xsdt;
	r.checksum = (uint8_t)-sum_of((uint8_t *)&r, ACPI_RSDP_V1_LEN);
	r.extended_checksum = (uint8_t)-sum_of((uint8_t *)&r, ACPI_RSDP_V2_LEN);
	memcpy(dst, &r, rev >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN);
}

static void put_fadt(hpa_t pa, const struct acpi_fadt *f, uint32_t len, uint8_t rev)
{
	memcpy(mem + pa, f, len);
	memcpy(mem + pa, "FACP", 4);
	memcpy(mem + pa + 4, &len, 4);
	mem[pa + 8] = rev;
	memcpy(mem + pa + 10, "BOCHS BXPCFACP", 14);
	fix_sum(pa);
}

/* QEMU -M pc (PIIX4): PM base 0x600, SMI_CMD 0xB2, ACPI_ENABLE 0xF1, reset via 0xCF9. */
static void qemu_fadt(struct acpi_fadt *f, uint32_t dsdt, uint16_t pm1a)
{
	memset(f, 0, sizeof(*f));
	f->dsdt = dsdt;
	f->smi_cmd = 0xB2;
	f->acpi_enable = 0xF1;
	f->acpi_disable = 0xF0;
	f->pm1a_evt_blk = (uint32_t)(pm1a - 4);
	f->pm1a_cnt_blk = pm1a;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	f->flags = ACPI_FADT_RESET_REG_SUP;
	f->reset_reg.space_id = ACPI_GAS_IO;
	f->reset_reg.bit_width = 8;
	f->reset_reg.address = 0xCF9;
	f->reset_value = 0x06;
	f->x_pm1a_cnt_blk.space_id = ACPI_GAS_IO;
	f->x_pm1a_cnt_blk.bit_width = 16;
	f->x_pm1a_cnt_blk.address = pm1a;
}

/* Name(_S3_, Package(4){1,1,0,0}) then Name(_S5_, Package(4){0,0,0,0}) as QEMU emits. */
static const uint8_t qemu_aml[] = {
	0x10, 0x05, '\\', 0x00, 0x00,     /* a ScopeOp-ish prefix that is not _S5 */
	0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
	0xA3, 0xA3,
};
static const uint8_t aml_no_s5[] = {
	0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
};

/* A complete QEMU-like machine: RSDP rev `rev` at PA_RSDP; XSDT -> FACP APIC
 * HPET WAET; RSDT -> a different FADT (PM1a 0x404) so tests can tell which
 * root table was used. */
static void build_machine(unsigned rev)
{
	struct acpi_fadt f;
	const hpa_t x[] = { PA_FADT, PA_APIC, PA_HPET, PA_WAET };
	const hpa_t r[] = { PA_FADT2, PA_APIC };
	const uint8_t apic[8] = { 0, 0, 0xE0, 0xFE, 1, 0, 0, 0 };

	mem_reset();
	qemu_fadt(&f, PA_DSDT, 0x604);
	put_fadt(PA_FADT, &f, 244, 3);
	qemu_fadt(&f, PA_DSDT, 0x404);
	memset(&f.x_pm1a_cnt_blk, 0, sizeof(f.x_pm1a_cnt_blk));
	put_fadt(PA_FADT2, &f, 116, 1);
	put_table(PA_DSDT, "DSDT", qemu_aml, sizeof(qemu_aml));
	put_table(PA_APIC, "APIC", apic, sizeof(apic));
	put_table(PA_HPET, "HPET", apic, sizeof(apic));
	put_table(PA_WAET, "WAET", apic, 4);
	put_root(PA_XSDT, true, x, 4);
	put_root(PA_RSDT, false, r, 2);
	put_rsdp_at(mem + PA_RSDP, rev, PA_RSDT, rev >= 2 ? PA_XSDT : 0);
}

static int probe_pa(struct acpi_power_info *info)
{
	return acpi_probe_power(fake_map, &fm, NULL, 0, PA_RSDP, info);
}

static struct acpi_power_info info;   /* big: keep it off the stack */

/* ---- RSDP ---------------------------------------------------------------- */

static void rsdp_v1_valid(void)
{
	uint8_t buf[20];
	bool x = true;

	put_rsdp_at(buf, 0, 0x1234, 0);
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), &x), ACPI_OK);
	EXPECT_TRUE(!x);
}

static void rsdp_v2_valid(void)
{
	uint8_t buf[36];
	bool x = false;

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), &x), ACPI_OK);
	EXPECT_TRUE(x);
}

static void rsdp_bad_signature(void)
{
	uint8_t buf[36];

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	buf[3] = 'X';
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_SIGNATURE);
}

static void rsdp_bad_checksum(void)
{
	uint8_t buf[36];

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	buf[8]++;
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_CHECKSUM);
	EXPECT_STREQ(acpi_strerror(ACPI_ERR_RSDP_CHECKSUM), "RSDP checksum mismatch");
}

static void rsdp_bad_extended_checksum(void)
{
	uint8_t buf[36];

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	buf[24] ^= 0x10;   /* XSDT address: covered only by the extended checksum */
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_XCHECKSUM);
}

static void rsdp_bad_length(void)
{
	uint8_t buf[36];
	struct acpi_rsdp *r = (struct acpi_rsdp *)buf;

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	r->length = 20;
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_LENGTH);
	r->length = 64;   /* longer than what is readable */
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_LENGTH);
	r->length = 0x100000;
	EXPECT_EQ(acpi_rsdp_check(buf, sizeof(buf), NULL), ACPI_ERR_RSDP_LENGTH);
}

static void rsdp_short(void)
{
	uint8_t buf[36];
	bool x = true;

	put_rsdp_at(buf, 2, 0x1234, 0x5678);
	EXPECT_EQ(acpi_rsdp_check(buf, 19, NULL), ACPI_ERR_RSDP_SHORT);
	/* A rev-2 RSDP seen through a 20-byte window is a valid 1.0 RSDP. */
	EXPECT_EQ(acpi_rsdp_check(buf, 20, &x), ACPI_OK);
	EXPECT_TRUE(!x);
	EXPECT_EQ(acpi_rsdp_check(NULL, 36, NULL), ACPI_ERR_BAD_ARG);
}

/* ---- BIOS area scan ------------------------------------------------------ */

static void scan_finds_aligned_ignores_bad(void)
{
	static uint8_t area[0x200];
	size_t off = 0;

	memset(area, 0, sizeof(area));
	put_rsdp_at(area + 0x10, 2, 0x1000, 0x2000);
	area[0x10 + 8]++;                          /* bad checksum: skipped */
	put_rsdp_at(area + 0x28, 0, 0x3000, 0);    /* valid but not 16-aligned: never looked at */
	put_rsdp_at(area + 0x80, 2, 0x4000, 0x5000);
	EXPECT_EQ(acpi_rsdp_scan(area, sizeof(area), &off), ACPI_OK);
	EXPECT_EQ(off, 0x80);
}

/* Scans an exact-size heap copy of the first len bytes so ASan catches over-reads. */
static int scan_exact(const uint8_t *area, size_t len, size_t *off)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	memcpy(copy, area, len);
	err = acpi_rsdp_scan(copy, len, off);
	free(copy);
	return err;
}

static void scan_not_found(void)
{
	static uint8_t area[0x210];
	size_t off = 0x77;

	memset(area, 0, sizeof(area));
	put_rsdp_at(area + 0x28, 0, 0x3000, 0);    /* unaligned only */
	put_rsdp_at(area + 0x40, 0, 0x3000, 0);
	area[0x40 + 8] ^= 1;                       /* aligned but bad checksum */
	EXPECT_EQ(acpi_rsdp_scan(area, sizeof(area), &off), ACPI_ERR_RSDP_NOT_FOUND);
	EXPECT_EQ(off, 0x77);
	/* A candidate whose 20 bytes would pass the end is not read. */
	put_rsdp_at(area + 0x1F0, 0, 0x3000, 0);
	EXPECT_EQ(scan_exact(area, 0x1F0 + 19, &off), ACPI_ERR_RSDP_NOT_FOUND);
	EXPECT_EQ(scan_exact(area, 0x1F0 + 20, &off), ACPI_OK);
	EXPECT_EQ(off, 0x1F0);
	EXPECT_EQ(scan_exact(area, 5, &off), ACPI_ERR_RSDP_NOT_FOUND);
	EXPECT_EQ(scan_exact(area, 0, &off), ACPI_ERR_RSDP_NOT_FOUND);
}

static void bios_scan_ebda_then_rom(void)
{
	hpa_t pa = 0;
	uint16_t seg = PA_EBDA >> 4;

	mem_reset();
	memcpy(mem + ACPI_BDA_EBDA_SEG, &seg, 2);
	put_rsdp_at(mem + 0xE1230, 0, 0x1000, 0);
	put_rsdp_at(mem + PA_EBDA + 0x20, 0, 0x2000, 0);
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, &fm, &pa), ACPI_OK);
	EXPECT_EQ(pa, PA_EBDA + 0x20);
	/* Outside the first KiB of the EBDA: not searched there, found in the ROM area. */
	memset(mem + PA_EBDA, 0, 0x40);
	put_rsdp_at(mem + PA_EBDA + 0x400, 0, 0x2000, 0);
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, &fm, &pa), ACPI_OK);
	EXPECT_EQ(pa, 0xE1230);
	memset(mem + 0xE1230, 0, 20);
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, &fm, &pa), ACPI_ERR_RSDP_NOT_FOUND);
}

static void bios_scan_machine(void)
{
	hpa_t pa = 0;

	build_machine(2);
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, &fm, &pa), ACPI_OK);
	EXPECT_EQ(pa, PA_RSDP);
	/* Nothing mapped at all: not found, no crash. */
	fm.limit = 0x400;
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, &fm, &pa), ACPI_ERR_RSDP_NOT_FOUND);
}

/* ---- Root table walk ----------------------------------------------------- */

static void probe_qemu_xsdt_preferred(void)
{
	const struct acpi_tables *t = &info.tables;

	build_machine(2);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(t->rsdp_revision, 2);
	EXPECT_STREQ(t->oem_id, "BOCHS");
	EXPECT_TRUE(t->root_is_xsdt);
	EXPECT_EQ(t->root_pa, PA_XSDT);
	EXPECT_EQ(t->xsdt_err, ACPI_OK);
	EXPECT_EQ(t->nentries, 4);
	EXPECT_EQ(t->nlisted, 4);
	EXPECT_EQ(t->nskipped, 0);
	EXPECT_STREQ(t->ent[0].sig, "FACP");
	EXPECT_STREQ(t->ent[1].sig, "APIC");
	EXPECT_STREQ(t->ent[2].sig, "HPET");
	EXPECT_STREQ(t->ent[3].sig, "WAET");
	EXPECT_EQ(t->ent[0].pa, PA_FADT);
	EXPECT_EQ(t->ent[0].length, 244);
	EXPECT_STREQ(t->ent[1].oem_table_id, "BXPCAPIC");

	EXPECT_TRUE(info.found_fadt);
	EXPECT_EQ(info.fadt_pa, PA_FADT);
	EXPECT_EQ(info.fadt_revision, 3);
	EXPECT_EQ(info.pm1a_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(info.pm1a_cnt.address, 0x604);
	EXPECT_EQ(info.pm1b_cnt.address, 0);
	EXPECT_EQ(info.pm1_cnt_len, 2);
	EXPECT_EQ(info.smi_cmd, 0xB2);
	EXPECT_EQ(info.acpi_enable, 0xF1);
	EXPECT_TRUE(!info.hw_reduced);
	EXPECT_EQ(info.dsdt_pa, PA_DSDT);
	EXPECT_EQ(info.dsdt_err, ACPI_OK);
	EXPECT_TRUE(info.s5_found);
	EXPECT_STREQ(info.s5_table, "DSDT");
	EXPECT_EQ(info.slp_typa, 0);
	EXPECT_EQ(info.slp_typb, 0);
	EXPECT_TRUE(info.reset_reg_supported);
	EXPECT_EQ(info.reset_reg.space_id, ACPI_GAS_IO);
	EXPECT_EQ(info.reset_reg.address, 0xCF9);
	EXPECT_EQ(info.reset_value, 6);
}

static void probe_from_copy(void)
{
	uint8_t copy[36];

	build_machine(2);
	memcpy(copy, mem + PA_RSDP, sizeof(copy));
	memset(mem + PA_RSDP, 0, sizeof(copy));   /* only the copy exists */
	EXPECT_EQ(acpi_probe_power(fake_map, &fm, copy, sizeof(copy), 0, &info), ACPI_OK);
	EXPECT_TRUE(info.tables.root_is_xsdt);
	EXPECT_EQ(info.pm1a_cnt.address, 0x604);
	/* Multiboot2's old-RSDP tag: 20 bytes only -> the RSDT is used. */
	EXPECT_EQ(acpi_probe_power(fake_map, &fm, copy, 20, 0, &info), ACPI_OK);
	EXPECT_TRUE(!info.tables.root_is_xsdt);
	EXPECT_EQ(info.tables.root_pa, PA_RSDT);
	EXPECT_EQ(info.pm1a_cnt.address, 0x404);
}

static void probe_rsdt_only_rev0(void)
{
	build_machine(0);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.tables.rsdp_revision, 0);
	EXPECT_TRUE(!info.tables.root_is_xsdt);
	EXPECT_EQ(info.tables.root_pa, PA_RSDT);
	EXPECT_EQ(info.tables.nentries, 2);
	EXPECT_EQ(info.fadt_pa, PA_FADT2);
	EXPECT_EQ(info.fadt_len, 116);
	/* ACPI 1.0 FADT: PM1a from the 32-bit port, no reset register even if
	 * the flag bit were set, _S5 still found through the 32-bit DSDT. */
	EXPECT_EQ(info.pm1a_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(info.pm1a_cnt.address, 0x404);
	EXPECT_EQ(info.pm1a_cnt.bit_width, 16);
	EXPECT_TRUE(!info.reset_reg_supported);
	EXPECT_TRUE(info.s5_found);
}

static void rev2_with_zero_xsdt_uses_rsdt(void)
{
	build_machine(2);
	put_rsdp_at(mem + PA_RSDP, 2, PA_RSDT, 0);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_TRUE(!info.tables.root_is_xsdt);
	EXPECT_EQ(info.tables.xsdt_err, ACPI_OK);
	EXPECT_EQ(info.pm1a_cnt.address, 0x404);
}

static void bad_xsdt_falls_back_to_rsdt(void)
{
	build_machine(2);
	mem[PA_XSDT + 40] ^= 0xFF;   /* corrupt an entry, not the checksum */
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_TRUE(!info.tables.root_is_xsdt);
	EXPECT_EQ(info.tables.xsdt_err, ACPI_ERR_TABLE_CHECKSUM);
	EXPECT_EQ(info.tables.root_pa, PA_RSDT);
	/* Both bad: the RSDT's error is reported. */
	memcpy(mem + PA_RSDT, "XXXX", 4);
	EXPECT_EQ(probe_pa(&info), ACPI_ERR_TABLE_SIGNATURE);
	EXPECT_TRUE(!info.found_fadt);
}

static void probe_bad_rsdp(void)
{
	build_machine(2);
	mem[PA_RSDP + 8]++;
	EXPECT_EQ(probe_pa(&info), ACPI_ERR_RSDP_CHECKSUM);
	EXPECT_TRUE(!info.found_fadt);
	EXPECT_EQ(info.tables.root_pa, 0);
	EXPECT_EQ(acpi_probe_power(fake_map, &fm, NULL, 0, MEM_SIZE + 0x1000, &info),
		  ACPI_ERR_RSDP_UNMAPPED);
	build_machine(0);
	put_rsdp_at(mem + PA_RSDP, 0, 0, 0);
	EXPECT_EQ(probe_pa(&info), ACPI_ERR_NO_ROOT);
}

static void bad_table_checksum_skipped(void)
{
	const hpa_t x[] = { PA_APIC, PA_FADT, PA_HPET };

	build_machine(2);
	put_root(PA_XSDT, true, x, 3);
	mem[PA_APIC + 40] ^= 1;      /* APIC body changed after its checksum */
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.tables.nentries, 3);
	EXPECT_EQ(info.tables.nskipped, 1);
	EXPECT_STREQ(info.tables.ent[0].sig, "APIC");
	EXPECT_EQ(info.tables.ent[0].status, ACPI_ERR_TABLE_CHECKSUM);
	EXPECT_EQ(info.tables.ent[1].status, ACPI_OK);
	EXPECT_TRUE(acpi_table_find(&info.tables, "APIC", 0, NULL) == NULL);
	EXPECT_TRUE(acpi_table_find(&info.tables, "HPET", 0, NULL) != NULL);
	EXPECT_TRUE(info.found_fadt);
}

static void bad_fadt_skipped_for_next(void)
{
	const hpa_t x[] = { PA_FADT2, PA_FADT };

	build_machine(2);
	put_root(PA_XSDT, true, x, 2);
	mem[PA_FADT2 + 64] ^= 1;
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.fadt_pa, PA_FADT);
	EXPECT_EQ(info.pm1a_cnt.address, 0x604);
}

static void tables_unmapped_truncated_null(void)
{
	const hpa_t trunc = MEM_SIZE - 64;
	const hpa_t x[] = { 0, MEM_SIZE + 0x10000, trunc, PA_FADT, 0x1FFFFFFFFFFull };
	uint8_t body[100];

	build_machine(2);
	memset(body, 0x5A, sizeof(body));
	put_table(trunc, "TRNC", body, 0);        /* 64 bytes of memory left: the header fits... */
	{
		uint32_t len = 36 + sizeof(body);     /* ...but its length runs past the end */
		memcpy(mem + trunc + 4, &len, 4);
	}
	put_root(PA_XSDT, true, x, 5);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.tables.nskipped, 4);
	EXPECT_EQ(info.tables.ent[0].status, ACPI_ERR_TABLE_NULL);
	EXPECT_EQ(info.tables.ent[1].status, ACPI_ERR_TABLE_UNMAPPED);
	EXPECT_STREQ(info.tables.ent[1].sig, "");
	EXPECT_EQ(info.tables.ent[2].status, ACPI_ERR_TABLE_TRUNCATED);
	EXPECT_STREQ(info.tables.ent[2].sig, "TRNC");
	EXPECT_EQ(info.tables.ent[3].status, ACPI_OK);
	EXPECT_EQ(info.tables.ent[4].status, ACPI_ERR_TABLE_UNMAPPED);
	EXPECT_TRUE(info.found_fadt);
	EXPECT_STREQ(acpi_strerror(ACPI_ERR_TABLE_TRUNCATED), "table runs past mapped memory");
}

static void table_bad_length(void)
{
	const hpa_t x[] = { PA_APIC, PA_HPET, PA_FADT };
	uint32_t len;

	build_machine(2);
	put_root(PA_XSDT, true, x, 3);
	len = 10;                       /* shorter than its own header */
	memcpy(mem + PA_APIC + 4, &len, 4);
	len = 0xFFFFFFF0u;              /* absurd */
	memcpy(mem + PA_HPET + 4, &len, 4);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.tables.ent[0].status, ACPI_ERR_TABLE_LENGTH);
	EXPECT_EQ(info.tables.ent[1].status, ACPI_ERR_TABLE_LENGTH);
	EXPECT_EQ(info.tables.nskipped, 2);
}

static void root_runs_past_memory(void)
{
	build_machine(2);
	fm.limit = PA_XSDT + 40;        /* XSDT header readable, entries not */
	EXPECT_EQ(probe_pa(&info), ACPI_ERR_TABLE_UNMAPPED);   /* RSDT is above the limit too */
	EXPECT_EQ(info.tables.xsdt_err, ACPI_ERR_TABLE_TRUNCATED);
}

static void entry_count_bounded_by_length(void)
{
	const hpa_t x[] = { PA_APIC, PA_FADT, PA_HPET };
	uint32_t len = 36 + 2 * 8 + 4;   /* two whole entries and half a third */

	build_machine(2);
	put_root(PA_XSDT, true, x, 3);  /* the third pointer is in memory... */
	memcpy(mem + PA_XSDT + 4, &len, 4);
	fix_sum(PA_XSDT);               /* ...but outside the table's length */
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_TRUE(info.tables.root_is_xsdt);
	EXPECT_EQ(info.tables.nentries, 2);
	EXPECT_EQ(info.tables.nlisted, 2);
	EXPECT_TRUE(acpi_table_find(&info.tables, "APIC", 0, NULL) != NULL);
	EXPECT_TRUE(acpi_table_find(&info.tables, "HPET", 0, NULL) == NULL);
	EXPECT_TRUE(info.found_fadt);
}

static void many_entries_listed_up_to_max(void)
{
	static hpa_t x[ACPI_MAX_TABLES + 6];

	build_machine(2);
	for (unsigned i = 0; i < ARRAY_SIZE(x); i++)
		x[i] = PA_APIC;
	x[ARRAY_SIZE(x) - 1] = PA_FADT;   /* past the listed ones, still found */
	put_root(PA_XSDT, true, x, ARRAY_SIZE(x));
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.tables.nentries, ARRAY_SIZE(x));
	EXPECT_EQ(info.tables.nlisted, ACPI_MAX_TABLES);
	EXPECT_TRUE(info.found_fadt);
}

static void no_fadt(void)
{
	const hpa_t x[] = { PA_APIC, PA_HPET };

	build_machine(2);
	put_root(PA_XSDT, true, x, 2);
	EXPECT_EQ(probe_pa(&info), ACPI_ERR_NO_FADT);
	EXPECT_STREQ(acpi_strerror(ACPI_ERR_NO_FADT), "no FADT");
	EXPECT_TRUE(!info.found_fadt);
	EXPECT_TRUE(!info.s5_found);
	EXPECT_EQ(info.tables.nentries, 2);   /* still there for the log */
	EXPECT_STREQ(info.tables.ent[1].sig, "HPET");
}

static void find_ssdt_instances(void)
{
	const hpa_t x[] = { PA_FADT, PA_SSDT0, PA_APIC, PA_SSDT1, PA_SSDT2 };
	hpa_t pa = 0;

	build_machine(2);
	put_table(PA_SSDT0, "SSDT", aml_no_s5, sizeof(aml_no_s5));
	put_table(PA_SSDT1, "SSDT", aml_no_s5, 6);
	put_table(PA_SSDT2, "SSDT", aml_no_s5, 7);
	put_root(PA_XSDT, true, x, 5);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_TRUE(acpi_table_find(&info.tables, "SSDT", 0, &pa) != NULL);
	EXPECT_EQ(pa, PA_SSDT0);
	EXPECT_TRUE(acpi_table_find(&info.tables, "SSDT", 1, &pa) != NULL);
	EXPECT_EQ(pa, PA_SSDT1);
	EXPECT_TRUE(acpi_table_find(&info.tables, "SSDT", 2, &pa) != NULL);
	EXPECT_EQ(pa, PA_SSDT2);
	EXPECT_EQ(table_len(PA_SSDT2), 36 + 7);
	EXPECT_TRUE(acpi_table_find(&info.tables, "SSDT", 3, &pa) == NULL);
	EXPECT_TRUE(acpi_table_find(&info.tables, "DSDT", 0, &pa) == NULL);   /* not a root entry */
	/* A checksum failure in the middle shifts the instances. */
	mem[PA_SSDT1 + 36] ^= 1;
	EXPECT_TRUE(acpi_table_find(&info.tables, "SSDT", 1, &pa) != NULL);
	EXPECT_EQ(pa, PA_SSDT2);
}

/* ---- _S5 found through the tables (AML parsing itself: test_acpi_aml.c) -- */

#define S5_HDR 0x08, '_', 'S', '5', '_', 0x12

static void s5_only_in_ssdt(void)
{
	const uint8_t s5aml[] = { 0xA0, 0x00, S5_HDR, 0x08, 0x04, 0x0A, 0x07, 0x0A, 0x07, 0x00, 0x00 };
	const hpa_t x[] = { PA_FADT, PA_SSDT0, PA_SSDT1 };

	build_machine(2);
	put_table(PA_DSDT, "DSDT", aml_no_s5, sizeof(aml_no_s5));
	put_table(PA_SSDT0, "SSDT", aml_no_s5, sizeof(aml_no_s5));
	put_table(PA_SSDT1, "SSDT", s5aml, sizeof(s5aml));
	put_root(PA_XSDT, true, x, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.dsdt_err, ACPI_OK);
	EXPECT_TRUE(info.s5_found);
	EXPECT_STREQ(info.s5_table, "SSDT");
	EXPECT_EQ(info.s5_instance, 1);
	EXPECT_EQ(info.slp_typa, 7);
	EXPECT_EQ(info.slp_typb, 7);
}

static void s5_not_found_anywhere(void)
{
	build_machine(2);
	put_table(PA_DSDT, "DSDT", aml_no_s5, sizeof(aml_no_s5));
	EXPECT_EQ(probe_pa(&info), ACPI_OK);   /* the FADT is there; S5 is reported separately */
	EXPECT_TRUE(info.found_fadt);
	EXPECT_TRUE(!info.s5_found);
	EXPECT_STREQ(acpi_strerror(ACPI_ERR_NO_S5), "no _S5 object in DSDT/SSDTs");
}

static void dsdt_bad_checksum(void)
{
	build_machine(2);
	mem[PA_DSDT + 40] ^= 0x40;
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.dsdt_err, ACPI_ERR_TABLE_CHECKSUM);
	EXPECT_TRUE(!info.s5_found);
}

static void dsdt_from_x_dsdt(void)
{
	struct acpi_fadt f;

	build_machine(2);
	qemu_fadt(&f, 0, 0x604);
	f.x_dsdt = PA_DSDT;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.dsdt_pa, PA_DSDT);
	EXPECT_TRUE(info.s5_found);
	/* A bad 32-bit DSDT pointer next to a good X_DSDT: the good one is used. */
	f.dsdt = PA_APIC;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.dsdt_pa, PA_DSDT);
	EXPECT_EQ(info.dsdt_err, ACPI_OK);
	EXPECT_TRUE(info.s5_found);
	/* No DSDT at all. */
	f.dsdt = 0;
	f.x_dsdt = 0;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.dsdt_err, ACPI_ERR_NO_DSDT);
	EXPECT_TRUE(!info.s5_found);
}

/* ---- FADT details --------------------------------------------------------- */

static void fadt_pm1_selection(void)
{
	struct acpi_fadt f;

	/* Memory-space X_PM1a with no 32-bit port; PM1b as a plain port. */
	build_machine(2);
	qemu_fadt(&f, PA_DSDT, 0);
	f.x_pm1a_cnt_blk.space_id = ACPI_GAS_MEMORY;
	f.x_pm1a_cnt_blk.bit_width = 16;
	f.x_pm1a_cnt_blk.address = 0xFED80000;
	f.pm1b_cnt_blk = 0x8804;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.pm1a_cnt.space_id, ACPI_GAS_MEMORY);
	EXPECT_EQ(info.pm1a_cnt.address, 0xFED80000);
	EXPECT_EQ(info.pm1b_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(info.pm1b_cnt.address, 0x8804);

	/* 32-bit port and X_ disagree: the 32-bit port wins. */
	qemu_fadt(&f, PA_DSDT, 0x604);
	f.x_pm1a_cnt_blk.address = 0x1004;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.pm1a_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(info.pm1a_cnt.address, 0x604);

	/* X_ fields past the end of a revision-2 FADT are ignored. */
	qemu_fadt(&f, PA_DSDT, 0x604);
	f.x_pm1a_cnt_blk.address = 0x1004;
	f.flags |= ACPI_FADT_HW_REDUCED_ACPI;
	put_fadt(PA_FADT, &f, 132, 2);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_EQ(info.pm1a_cnt.address, 0x604);
	EXPECT_TRUE(info.reset_reg_supported);
	EXPECT_TRUE(info.hw_reduced);

	/* Reset register not advertised. */
	qemu_fadt(&f, PA_DSDT, 0x604);
	f.flags = 0;
	put_fadt(PA_FADT, &f, 244, 3);
	EXPECT_EQ(probe_pa(&info), ACPI_OK);
	EXPECT_TRUE(!info.reset_reg_supported);
}

static void strerror_all(void)
{
	for (int e = 0; e < ACPI_ERR_COUNT; e++) {
		EXPECT_TRUE(acpi_strerror(e) != NULL);
		EXPECT_TRUE(strcmp(acpi_strerror(e), "unknown ACPI error") != 0);
	}
	EXPECT_STREQ(acpi_strerror(-1), "unknown ACPI error");
	EXPECT_STREQ(acpi_strerror(ACPI_ERR_COUNT), "unknown ACPI error");
}

static void bad_args(void)
{
	struct acpi_tables t;

	EXPECT_EQ(acpi_probe_power(NULL, NULL, NULL, 0, 0, &info), ACPI_ERR_BAD_ARG);
	EXPECT_EQ(acpi_probe_power(fake_map, &fm, NULL, 0, 0, NULL), ACPI_ERR_BAD_ARG);
	EXPECT_EQ(acpi_tables_init(&t, NULL, NULL, NULL, 0, 0), ACPI_ERR_BAD_ARG);
	EXPECT_TRUE(acpi_table_find(&t, "FACP", 0, NULL) == NULL);
	EXPECT_EQ(acpi_find_rsdp_bios(NULL, NULL, NULL), ACPI_ERR_BAD_ARG);
}

int main(void)
{
	RUN(rsdp_v1_valid);
	RUN(rsdp_v2_valid);
	RUN(rsdp_bad_signature);
	RUN(rsdp_bad_checksum);
	RUN(rsdp_bad_extended_checksum);
	RUN(rsdp_bad_length);
	RUN(rsdp_short);
	RUN(scan_finds_aligned_ignores_bad);
	RUN(scan_not_found);
	RUN(bios_scan_ebda_then_rom);
	RUN(bios_scan_machine);
	RUN(probe_qemu_xsdt_preferred);
	RUN(probe_from_copy);
	RUN(probe_rsdt_only_rev0);
	RUN(rev2_with_zero_xsdt_uses_rsdt);
	RUN(bad_xsdt_falls_back_to_rsdt);
	RUN(probe_bad_rsdp);
	RUN(bad_table_checksum_skipped);
	RUN(bad_fadt_skipped_for_next);
	RUN(tables_unmapped_truncated_null);
	RUN(table_bad_length);
	RUN(root_runs_past_memory);
	RUN(entry_count_bounded_by_length);
	RUN(many_entries_listed_up_to_max);
	RUN(no_fadt);
	RUN(find_ssdt_instances);
	RUN(s5_only_in_ssdt);
	RUN(s5_not_found_anywhere);
	RUN(dsdt_bad_checksum);
	RUN(dsdt_from_x_dsdt);
	RUN(fadt_pm1_selection);
	RUN(strerror_all);
	RUN(bad_args);
	TEST_MAIN_END();
}

/* tests/unit/test_acpi_build.c - The virtual PC's ACPI tables (hv/vdev/acpi_build.c and its
 * parts), read back as an OS would: RSDP scan, root tables, FADT, MADT, DSDT and SSDT, with
 * the hypervisor's own reader (drivers/acpi_tables.c, drivers/acpi_madt.c). */
/* UNIT_SRC: hv/vdev/acpi_build.c hv/vdev/acpi_madt_build.c hv/vdev/acpi_ssdt_build.c build/hv/vdev/dsdt_aml.c drivers/acpi_tables.c drivers/acpi_madt.c lib/printf.c */
#include <stdlib.h>
#include "tests/unit/test.h"
#include "hv/vdev/acpi_build.h"
#include "hv/vdev/acpi_dsdt.h"
#include "drivers/acpi_madt.h"

/* ---- Fake guest memory: gpa [0, MEM_SIZE), a canary pattern everywhere --- */

#define MEM_SIZE   0x110000u
#define CANARY     0xa5u
#define WIN_LEN    (PC_ACPI_TABLES_END - PC_ACPI_RSDP_GPA)
static uint8_t mem[MEM_SIZE];

static const void *fake_map(void *ctx, hpa_t pa, size_t len)
{
	(void)ctx;
	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return NULL;
	return mem + pa;
}

static void mem_fill(void)
{
	memset(mem, CANARY, sizeof(mem));
}

/* Bytes of [lo, hi) that differ from the canary. */
static size_t touched(uint64_t lo, uint64_t hi)
{
	size_t n = 0;

	for (uint64_t i = lo; i < hi; i++)
		n += mem[i] != CANARY;
	return n;
}

static uint8_t sum_of(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Builds the window [PC_ACPI_RSDP_GPA, PC_ACPI_TABLES_END) for a board. */
static gpa_t build_window(const struct acpi_board *b, int *err)
{
	return acpi_build_tables(b, mem + PC_ACPI_RSDP_GPA, PC_ACPI_RSDP_GPA, WIN_LEN, err);
}

static struct acpi_power_info power;   /* big: off the stack */
static struct madt_info madt;

/* ---- Reading the tables back ---------------------------------------------- */

/* The header fields every one of our tables has. */
static void expect_header(const uint8_t *t, const char *sig, uint8_t rev)
{
	EXPECT_TRUE(memcmp(t, sig, 4) == 0);
	EXPECT_EQ(t[8], rev);
	EXPECT_TRUE(memcmp(t + 10, ACPI_OEM_ID, 6) == 0);
	EXPECT_TRUE(memcmp(t + 16, ACPI_OEM_TABLE_ID, 8) == 0);
	EXPECT_EQ(rd32(t + 24), ACPI_OEM_REVISION);
	EXPECT_EQ(sum_of(t, rd32(t + 4)), 0);
	EXPECT_TRUE(rd32(t + 4) >= sizeof(struct acpi_sdt_header));
}

static void expect_gas(const struct acpi_gas *g, uint8_t space, unsigned width, uint64_t addr)
{
	EXPECT_EQ(g->space_id, space);
	EXPECT_EQ(g->bit_width, width);
	EXPECT_EQ(g->bit_offset, 0);
	EXPECT_EQ(g->access_size, 0);
	EXPECT_EQ(g->address, addr);
}

static void expect_fadt(const struct acpi_board *b, const uint8_t *t)
{
	struct acpi_fadt f;
	uint32_t want = (uint32_t)(BIT(0) | BIT(2) | BIT(5) | BIT(15) | ACPI_FADT_RESET_REG_SUP);

	memset(&f, 0, sizeof(f));
	memcpy(&f, t, ACPI_FADT_REV3_LEN);
	expect_header(t, "FACP", ACPI_FADT_REVISION);
	EXPECT_EQ(f.hdr.length, 244);
	if (b->vcpus > 8)
		want |= (uint32_t)BIT(18);     /* FORCE_APIC_CLUSTER_MODEL, as QEMU above 8 CPUs */
	EXPECT_EQ(f.flags, want);          /* TMR_VAL_EXT (bit 8) clear: 24-bit PM timer */
	EXPECT_EQ(f.sci_int, b->sci_irq);
	EXPECT_EQ(f.smi_cmd, b->smi_cmd_port);
	EXPECT_EQ(f.acpi_enable, b->smi_cmd_port ? b->acpi_enable : 0);
	EXPECT_EQ(f.acpi_disable, b->smi_cmd_port ? b->acpi_disable : 0);
	EXPECT_EQ(f.pm1a_evt_blk, b->pm1a_evt_port);
	EXPECT_EQ(f.pm1b_evt_blk, 0);
	EXPECT_EQ(f.pm1a_cnt_blk, b->pm1a_cnt_port);
	EXPECT_EQ(f.pm1b_cnt_blk, 0);
	EXPECT_EQ(f.pm2_cnt_blk, 0);
	EXPECT_EQ(f.pm_tmr_blk, b->pm_tmr_port);
	EXPECT_EQ(f.gpe0_blk, b->gpe0_port);
	EXPECT_EQ(f.gpe1_blk, 0);
	EXPECT_EQ(f.pm1_evt_len, 4);
	EXPECT_EQ(f.pm1_cnt_len, 2);
	EXPECT_EQ(f.pm2_cnt_len, 0);
	EXPECT_EQ(f.pm_tmr_len, 4);
	EXPECT_EQ(f.gpe0_blk_len, b->gpe0_len);
	EXPECT_EQ(f.p_lvl2_lat, 0xfff);
	EXPECT_EQ(f.p_lvl3_lat, 0xfff);
	EXPECT_EQ(f.century, b->cmos_century);
	EXPECT_EQ(f.iapc_boot_arch, b->has_i8042 ? 2 : 0);
	expect_gas(&f.reset_reg, ACPI_GAS_IO, 8, b->reset_port);
	EXPECT_EQ(f.reset_value, b->reset_value);
	/* Every 32-bit field and its X_ twin agree. */
	EXPECT_TRUE(f.dsdt != 0 && f.x_dsdt == f.dsdt);
	EXPECT_TRUE(f.firmware_ctrl != 0 && f.x_firmware_ctrl == f.firmware_ctrl);
	expect_gas(&f.x_pm1a_evt_blk, ACPI_GAS_IO, 32, b->pm1a_evt_port);
	expect_gas(&f.x_pm1a_cnt_blk, ACPI_GAS_IO, 16, b->pm1a_cnt_port);
	expect_gas(&f.x_pm_tmr_blk, ACPI_GAS_IO, 32, b->pm_tmr_port);
	expect_gas(&f.x_gpe0_blk, ACPI_GAS_IO, 8u * b->gpe0_len, b->gpe0_port);
	EXPECT_EQ(f.x_pm1b_evt_blk.address, 0);
	EXPECT_EQ(f.x_pm1b_cnt_blk.address, 0);
	EXPECT_EQ(f.x_pm2_cnt_blk.address, 0);
	EXPECT_EQ(f.x_gpe1_blk.address, 0);

	/* The FACS: 64 bytes on a 64-byte boundary, in the window. */
	EXPECT_EQ(f.firmware_ctrl % 64, 0);
	EXPECT_TRUE(f.firmware_ctrl >= PC_ACPI_TABLES_GPA && f.firmware_ctrl + 64 <= PC_ACPI_TABLES_END);
	EXPECT_TRUE(memcmp(mem + f.firmware_ctrl, "FACS", 4) == 0);
	EXPECT_EQ(rd32(mem + f.firmware_ctrl + 4), 64);
	EXPECT_EQ(mem[f.firmware_ctrl + 32], ACPI_FACS_VERSION);
	EXPECT_EQ(rd32(mem + f.firmware_ctrl + 12), 0);     /* no waking vector */
	EXPECT_EQ(rd32(mem + f.firmware_ctrl + 16), 0);     /* global lock free */
}

/* The MADT, parsed by drivers/acpi_madt.c, and its routing of each ISA IRQ. */
static void expect_madt(const struct acpi_board *b, const uint8_t *t)
{
	char err[128];
	uint32_t len = rd32(t + 4);
	uint32_t gsi;
	bool level, low;

	expect_header(t, "APIC", ACPI_MADT_REVISION);
	EXPECT_EQ(madt_parse(t, len, &madt, err, sizeof(err)), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(madt.lapic_address64, b->lapic_gpa);
	EXPECT_TRUE(madt.pcat_compat);
	EXPECT_EQ(madt.cpu_count, b->vcpus);
	EXPECT_EQ(madt.cpus_disabled + madt.cpus_dropped + madt.cpus_invalid + madt.cpus_duplicate, 0);
	for (unsigned i = 0; i < madt.cpu_count; i++) {
		EXPECT_EQ(madt.cpus[i].apic_id, i);
		EXPECT_EQ(madt.cpus[i].acpi_uid, i);
		EXPECT_TRUE(!madt.cpus[i].x2apic && !madt.cpus[i].online_capable);
	}
	EXPECT_EQ(madt.ioapic_count, 1);
	EXPECT_EQ(madt.ioapics[0].id, b->ioapic_id);
	EXPECT_EQ(madt.ioapics[0].address, b->ioapic_gpa);
	EXPECT_EQ(madt.ioapics[0].gsi_base, 0);
	EXPECT_EQ(madt.nmis, 1);
	EXPECT_EQ(madt.unknown_entries, 0);
	/* Local APIC NMI, the last entry: all processors, conforms, LINT1. */
	EXPECT_TRUE(memcmp(t + len - 6, "\x04\x06\xff\x00\x00\x01", 6) == 0);

	for (uint8_t irq = 0; irq < 16; irq++) {
		bool pci = irq == ACPI_PCI_LNKA_GSI || irq == ACPI_PCI_LNKB_GSI || irq == ACPI_PCI_LNKC_GSI ||
			   irq == ACPI_PCI_LNKD_GSI || irq == ACPI_PCI_LNKS_GSI;
		bool lvl = pci || irq == b->sci_irq;

		if (irq == 2) {   /* the PIT took GSI 2: IRQ 2 (the cascade) goes nowhere */
			EXPECT_TRUE(!madt_isa_irq_route(&madt, irq, &gsi, &level, &low));
			continue;
		}
		EXPECT_TRUE(madt_isa_irq_route(&madt, irq, &gsi, &level, &low));
		EXPECT_EQ(gsi, irq == 0 ? 2u : irq);
		EXPECT_EQ(level, lvl);
		EXPECT_TRUE(!low);
	}
	/* In IRQ order, each once; the PIT's with "conforms" flags (0). */
	EXPECT_EQ(madt.isos_dropped, 0);
	EXPECT_EQ(madt.isos[0].source_irq, 0);
	EXPECT_EQ(madt.isos[0].flags, 0);
	for (unsigned i = 1; i < madt.iso_count; i++) {
		EXPECT_TRUE(madt.isos[i].source_irq > madt.isos[i - 1].source_irq);
		EXPECT_EQ(madt.isos[i].flags, 0x000d);   /* active high, level */
		EXPECT_EQ(madt.isos[i].gsi, madt.isos[i].source_irq);
	}
	EXPECT_EQ(len, 44 + 8 * b->vcpus + 12 + 10 * madt.iso_count + 6);
}

/* The SSDT, byte by byte: one processor device per vCPU in the order of
 * the MADT (ACPI 6.5, 20.2: DeviceOp 5B 82, PkgLength, \_SB_.Cnnn, then
 * Name (_HID, "ACPI0007"), Name (_UID, ByteConst n)), then, without an
 * 8042, Name (\_SB_.PCI0.ISA_.KBD_._STA, Zero) and the same for MOU_. */
static void expect_ssdt(const struct acpi_board *b, const uint8_t *t)
{
	static const uint8_t dev0[35] = {
		0x5b, 0x82, 33, 0x5c, 0x2e, '_', 'S', 'B', '_', 'C', '0', '0', '0',
		0x08, '_', 'H', 'I', 'D', 0x0d, 'A', 'C', 'P', 'I', '0', '0', '0', '7', 0,
		0x08, '_', 'U', 'I', 'D', 0x0a, 0x00,
	};
	static const uint8_t kbd_absent[25] = {
		0x08, 0x5c, 0x2f, 5, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_',
		'K', 'B', 'D', '_', '_', 'S', 'T', 'A', 0x00,
	};
	uint32_t len = rd32(t + 4);
	const uint8_t *p = t + 36;

	expect_header(t, "SSDT", ACPI_SSDT_REVISION);
	EXPECT_EQ(len, 36 + 35 * b->vcpus + (b->has_i8042 ? 0 : 50));
	for (unsigned n = 0; n < b->vcpus && 36 + 35 * (n + 1) <= len; n++, p += 35) {
		char name[5];
		uint8_t want[35];

		snprintf(name, sizeof(name), "C%03X", n & 0xfff);
		memcpy(want, dev0, sizeof(want));
		memcpy(want + 10, name + 1, 3);
		want[34] = (uint8_t)n;
		EXPECT_TRUE(memcmp(p, want, sizeof(want)) == 0);
	}
	if (!b->has_i8042 && len == 36 + 35 * b->vcpus + 50) {
		EXPECT_TRUE(memcmp(p, kbd_absent, 25) == 0);
		EXPECT_TRUE(memcmp(p + 25, kbd_absent, 16) == 0);
		EXPECT_TRUE(memcmp(p + 25 + 16, "MOU__STA\x00", 9) == 0);
	}
}

/* Finds Device (seg) in AML (ACPI 6.5, 20.2.5.2: DeviceOp 5B 82,
 * PkgLength, NameString) whose name is the one NameSeg seg; returns its
 * package (after the name) in *body / *body_len. PkgLength, 20.2.4: the
 * lead byte's bits 7:6 count the bytes that follow; a one-byte length is
 * bits 5:0, else bits 3:0 then 8 bits per following byte. */
static bool find_device(const uint8_t *aml, size_t len, const char *seg, const uint8_t **body, size_t *body_len)
{
	for (size_t i = 0; i + 8 <= len; i++) {
		size_t nb, plen, at;

		if (aml[i] != 0x5b || aml[i + 1] != 0x82)
			continue;
		nb = (size_t)(aml[i + 2] >> 6) + 1;
		plen = nb == 1 ? (size_t)(aml[i + 2] & 0x3f) : (size_t)(aml[i + 2] & 0x0f);
		for (size_t k = 1; k < nb; k++)
			plen |= (size_t)aml[i + 2 + k] << (4 + 8 * (k - 1));
		at = i + 2 + nb;
		if (at + 4 > len || memcmp(aml + at, seg, 4) != 0 || i + 2 + plen > len || plen < nb + 4)
			continue;
		*body = aml + at + 4;
		*body_len = plen - nb - 4;
		return true;
	}
	return false;
}

/* The PCI links' interrupts (Extended Interrupt descriptor, ACPI 6.5,
 * 6.4.3.6: 89, length 6, flags, count 1, the GSI) agree with acpi_dsdt.h
 * and with the MADT's overrides: consumer, level, active high, shared. */
static void expect_dsdt_link(const char *seg, uint32_t gsi)
{
	const uint8_t *d;
	size_t n;
	bool found = false;

	if (!find_device(acpi_dsdt_aml, acpi_dsdt_aml_len, seg, &d, &n)) {
		EXPECT_TRUE(!"device in the DSDT");
		return;
	}
	for (size_t i = 0; i + 9 <= n; i++) {
		if (d[i] != 0x89 || d[i + 1] != 0x06 || d[i + 2] != 0x00)
			continue;
		EXPECT_EQ(d[i + 3], 0x09);
		EXPECT_EQ(d[i + 4], 1);
		EXPECT_EQ(rd32(d + i + 5), gsi);
		found = true;
		break;
	}
	EXPECT_TRUE(found);
}

/* A legacy device's IRQ (IRQ descriptor without flags, 6.4.2.1: 22, then
 * the 16-bit mask of IRQs) is the board's. */
static void expect_dsdt_irq(const char *seg, unsigned irq)
{
	const uint8_t *d;
	size_t n;
	bool found = false;

	if (!find_device(acpi_dsdt_aml, acpi_dsdt_aml_len, seg, &d, &n)) {
		EXPECT_TRUE(!"device in the DSDT");
		return;
	}
	for (size_t i = 0; i + 3 <= n; i++) {
		if (d[i] != 0x22)
			continue;
		EXPECT_EQ(d[i + 1] | d[i + 2] << 8, 1u << irq);
		found = true;
		break;
	}
	EXPECT_TRUE(found);
}

/* The DSDT is iasl's output, whole: header, \_S5 as the PM model wants it
 * (checked through acpi_probe_power), the links, the legacy IRQs. */
static void expect_dsdt(const uint8_t *t)
{
	expect_header(t, "DSDT", ACPI_DSDT_REVISION);
	EXPECT_EQ(rd32(t + 4), acpi_dsdt_aml_len);
	EXPECT_TRUE(memcmp(t, acpi_dsdt_aml, acpi_dsdt_aml_len) == 0);
	EXPECT_TRUE(memcmp(t + 28, "INTL", 4) == 0);        /* compiled by iasl */
	expect_dsdt_link("LNKA", ACPI_PCI_LNKA_GSI);
	expect_dsdt_link("LNKB", ACPI_PCI_LNKB_GSI);
	expect_dsdt_link("LNKC", ACPI_PCI_LNKC_GSI);
	expect_dsdt_link("LNKD", ACPI_PCI_LNKD_GSI);
	expect_dsdt_link("LNKS", PC_IRQ_SCI);
	expect_dsdt_irq("KBD_", PC_IRQ_KBD);
	expect_dsdt_irq("MOU_", PC_IRQ_MOUSE);
	expect_dsdt_irq("RTC_", PC_IRQ_RTC);
	expect_dsdt_irq("COM1", PC_IRQ_COM1);
}

/* Everything an OS checks, for one board, on tables built into `mem`. */
static void expect_tables(const struct acpi_board *b)
{
	struct acpi_tables *tt = &power.tables;
	hpa_t rsdp_pa = 0, pa[3];
	const uint8_t *rsdt;
	const uint8_t *r = mem + PC_ACPI_RSDP_GPA;
	const char *order[3] = { "FACP", "APIC", "SSDT" };
	uint64_t lo[5], hi[5];

	/* Found where an OS looks: EBDA's first KiB, then 0xE0000-0xFFFFF in 16-byte steps. */
	mem[0x40e] = 0x00;
	mem[0x40f] = 0x9f;
	memset(mem + 0x9f000, 0, 1024);
	EXPECT_EQ(acpi_find_rsdp_bios(fake_map, NULL, &rsdp_pa), ACPI_OK);
	EXPECT_EQ(rsdp_pa, PC_ACPI_RSDP_GPA);
	EXPECT_EQ(sum_of(r, 20), 0);
	EXPECT_EQ(sum_of(r, 36), 0);
	EXPECT_EQ(r[15], 2);
	EXPECT_TRUE(memcmp(r + 9, ACPI_OEM_ID, 6) == 0);

	EXPECT_EQ(acpi_probe_power(fake_map, NULL, NULL, 0, rsdp_pa, &power), ACPI_OK);
	EXPECT_TRUE(tt->root_is_xsdt);
	EXPECT_EQ(tt->xsdt_err, ACPI_OK);
	EXPECT_STREQ(tt->oem_id, "SVMHV");               /* the reader drops the padding */
	EXPECT_EQ(tt->nentries, 3);
	EXPECT_EQ(tt->nskipped, 0);
	for (unsigned i = 0; i < 3; i++) {
		EXPECT_STREQ(tt->ent[i].sig, order[i]);
		EXPECT_EQ(tt->ent[i].status, ACPI_OK);
		EXPECT_STREQ(tt->ent[i].oem_table_id, "SVMHVPC");
		pa[i] = tt->ent[i].pa;
	}
	expect_header(mem + tt->root_pa, "XSDT", ACPI_ROOT_REVISION);
	EXPECT_EQ(rd64(r + 24), tt->root_pa);

	/* The RSDT lists the same tables. */
	rsdt = mem + rd32(r + 16);
	expect_header(rsdt, "RSDT", ACPI_ROOT_REVISION);
	EXPECT_EQ(rd32(rsdt + 4), 36 + 4 * 3);
	for (unsigned i = 0; i < 3; i++)
		EXPECT_EQ(rd32(rsdt + 36 + 4 * i), pa[i]);

	/* FADT as the driver reads it: PM1 control, no SMI, reset, \_S5. */
	EXPECT_TRUE(power.found_fadt);
	EXPECT_EQ(power.fadt_revision, 3);
	EXPECT_TRUE(!power.hw_reduced);
	EXPECT_EQ(power.pm1a_cnt.space_id, ACPI_GAS_IO);
	EXPECT_EQ(power.pm1a_cnt.address, b->pm1a_cnt_port);
	EXPECT_EQ(power.pm1b_cnt.address, 0);
	EXPECT_EQ(power.smi_cmd, 0xb2);            /* QEMU's SMI handshake: ACPI_ENABLE 0xf1 */
	EXPECT_EQ(power.acpi_enable, 0xf1);
	EXPECT_TRUE(power.reset_reg_supported);
	EXPECT_EQ(power.reset_reg.address, b->reset_port);
	EXPECT_EQ(power.reset_value, b->reset_value);
	EXPECT_EQ(power.dsdt_err, ACPI_OK);
	EXPECT_TRUE(power.s5_found);
	EXPECT_STREQ(power.s5_table, "DSDT");
	EXPECT_EQ(power.slp_typa, ACPI_S5_SLP_TYP);
	EXPECT_EQ(power.slp_typb, ACPI_S5_SLP_TYP);

	expect_fadt(b, mem + pa[0]);
	expect_dsdt(mem + power.dsdt_pa);
	expect_madt(b, mem + pa[1]);
	expect_ssdt(b, mem + pa[2]);

	/* Every table in the window, none overlapping another or the RSDP. */
	lo[0] = rd32(mem + pa[0] + 36); hi[0] = lo[0] + 64;                     /* FACS */
	lo[1] = power.dsdt_pa;          hi[1] = lo[1] + rd32(mem + lo[1] + 4);
	for (unsigned i = 0; i < 3; i++) {
		lo[2 + i] = pa[i];
		hi[2 + i] = pa[i] + rd32(mem + pa[i] + 4);
	}
	for (unsigned i = 0; i < 5; i++) {
		EXPECT_TRUE(lo[i] >= PC_ACPI_TABLES_GPA && hi[i] <= PC_ACPI_TABLES_END);
		for (unsigned j = 0; j < i; j++)
			EXPECT_TRUE(hi[i] <= lo[j] || hi[j] <= lo[i]);
	}
}

/* ---- Cases ---------------------------------------------------------------- */

static void builds_for(unsigned vcpus, bool i8042)
{
	struct acpi_board b;
	int err = -1;
	size_t size;

	acpi_board_pc(&b, vcpus, i8042);
	mem_fill();
	EXPECT_EQ(build_window(&b, &err), PC_ACPI_RSDP_GPA);
	EXPECT_EQ(err, ACPI_BUILD_OK);
	expect_tables(&b);
	/* Nothing outside the window changed (but the EBDA expect_tables set
	 * up); inside it, the gaps are zero. */
	EXPECT_EQ(touched(0xa0000, PC_ACPI_RSDP_GPA), 0);
	EXPECT_EQ(touched(PC_ACPI_TABLES_END, MEM_SIZE), 0);
	size = acpi_build_tables_size(&b);
	EXPECT_TRUE(size > 0 && PC_ACPI_TABLES_GPA + size <= PC_ACPI_TABLES_END);
	for (uint64_t a = PC_ACPI_TABLES_GPA + size; a < PC_ACPI_TABLES_END; a++)
		if (mem[a] != 0) {
			EXPECT_EQ(a, 0);   /* report the first non-zero byte past the tables */
			break;
		}
	for (uint64_t a = PC_ACPI_RSDP_GPA + 36; a < PC_ACPI_TABLES_GPA; a++)
		EXPECT_EQ(mem[a], 0);
}

static void one_vcpu(void)    { builds_for(1, true); }
static void four_vcpus(void)  { builds_for(4, true); }
static void many_vcpus(void)  { builds_for(64, true); }
static void most_vcpus(void)  { builds_for(ACPI_BUILD_MAX_VCPUS, true); }
static void no_i8042(void)    { builds_for(4, false); }

/* Other ports and values are taken from the board, not pc_layout.h. */
static void board_values_used(void)
{
	struct acpi_board b;

	acpi_board_pc(&b, 3, true);
	b.lapic_gpa = 0xfee10000;
	b.ioapic_id = 5;
	b.ioapic_gpa = 0xfec01000;
	b.pm1a_evt_port = 0xb000;
	b.pm1a_cnt_port = 0xb004;
	b.pm_tmr_port = 0xb008;
	b.gpe0_port = 0xafe0;
	b.gpe0_len = 16;
	b.reset_port = 0x92;
	b.reset_value = 1;
	b.cmos_century = 0;
	mem_fill();
	EXPECT_EQ(build_window(&b, NULL), PC_ACPI_RSDP_GPA);
	expect_tables(&b);
}

/* The buffer must cover the RSDP and the tables; on failure nothing is written. */
static void buffer_too_small(void)
{
	struct acpi_board b;
	size_t size, exact;
	int err = -1;

	acpi_board_pc(&b, 64, true);
	size = acpi_build_tables_size(&b);
	exact = PC_ACPI_TABLES_GPA + size - PC_ACPI_RSDP_GPA;

	mem_fill();
	EXPECT_EQ(acpi_build_tables(&b, mem + PC_ACPI_RSDP_GPA, PC_ACPI_RSDP_GPA, exact - 1, &err), 0);
	EXPECT_EQ(err, ACPI_BUILD_ERR_NO_ROOM);
	EXPECT_STREQ(acpi_build_strerror(err), "tables do not fit the buffer");
	EXPECT_EQ(touched(0, MEM_SIZE), 0);
	/* Starting past the RSDP, or empty, or NULL. */
	EXPECT_EQ(acpi_build_tables(&b, mem + PC_ACPI_RSDP_GPA + 16, PC_ACPI_RSDP_GPA + 16, WIN_LEN - 16, &err), 0);
	EXPECT_EQ(err, ACPI_BUILD_ERR_NO_ROOM);
	EXPECT_EQ(acpi_build_tables(&b, mem + PC_ACPI_RSDP_GPA, PC_ACPI_RSDP_GPA, 0, &err), 0);
	EXPECT_EQ(acpi_build_tables(&b, NULL, PC_ACPI_RSDP_GPA, WIN_LEN, &err), 0);
	EXPECT_EQ(err, ACPI_BUILD_ERR_NO_ROOM);
	/* A buffer elsewhere in guest memory, or one whose end would wrap. */
	EXPECT_EQ(acpi_build_tables(&b, mem, 0x200000, WIN_LEN, &err), 0);
	EXPECT_EQ(acpi_build_tables(&b, mem, UINT64_MAX - 0x10, SIZE_MAX, &err), 0);
	EXPECT_EQ(err, ACPI_BUILD_ERR_NO_ROOM);
	EXPECT_EQ(touched(0, MEM_SIZE), 0);

	/* Exactly big enough: built, and nothing written past the buffer. */
	EXPECT_EQ(acpi_build_tables(&b, mem + PC_ACPI_RSDP_GPA, PC_ACPI_RSDP_GPA, exact, &err), PC_ACPI_RSDP_GPA);
	EXPECT_EQ(err, ACPI_BUILD_OK);
	EXPECT_EQ(touched(PC_ACPI_RSDP_GPA + exact, MEM_SIZE), 0);
	expect_tables(&b);
}

/* A buffer for all of low memory: only the window is written. */
static void buffer_covers_more(void)
{
	struct acpi_board b;
	int err;

	acpi_board_pc(&b, 4, true);
	mem_fill();
	EXPECT_EQ(acpi_build_tables(&b, mem, 0, MEM_SIZE, &err), PC_ACPI_RSDP_GPA);
	EXPECT_EQ(err, ACPI_BUILD_OK);
	EXPECT_EQ(touched(0, PC_ACPI_RSDP_GPA), 0);
	EXPECT_EQ(touched(PC_ACPI_TABLES_END, MEM_SIZE), 0);
	expect_tables(&b);
}

/* A rebuild (VM reset) leaves one RSDP: stale ones in the window are gone. */
static void rebuild_clears_window(void)
{
	struct acpi_board b;
	size_t off;
	unsigned found = 0;

	acpi_board_pc(&b, 4, true);
	mem_fill();
	EXPECT_EQ(build_window(&b, NULL), PC_ACPI_RSDP_GPA);
	memcpy(mem + 0xf8000, mem + PC_ACPI_RSDP_GPA, 36);    /* a valid copy, as old tables might leave */
	acpi_board_pc(&b, 1, false);
	EXPECT_EQ(build_window(&b, NULL), PC_ACPI_RSDP_GPA);
	for (size_t at = PC_ACPI_RSDP_GPA; at < PC_ACPI_TABLES_END; at += off + 16) {
		if (acpi_rsdp_scan(mem + at, PC_ACPI_TABLES_END - at, &off) != ACPI_OK)
			break;
		found++;
		EXPECT_EQ(at + off, PC_ACPI_RSDP_GPA);
	}
	EXPECT_EQ(found, 1);
	expect_tables(&b);
}

static void expect_bad(const struct acpi_board *b)
{
	int err = -1;

	mem_fill();
	EXPECT_EQ(build_window(b, &err), 0);
	EXPECT_EQ(err, ACPI_BUILD_ERR_BAD_BOARD);
	EXPECT_EQ(acpi_build_tables_size(b), 0);
	EXPECT_EQ(touched(0, MEM_SIZE), 0);
}

static void bad_boards(void)
{
	static const uint8_t bad_sci[] = { 0, 1, 2, 4, 5, 8, 10, 11, 12, 16, 255 };   /* the DSDT's LNKS is on 9 */
	static const uint8_t bad_gpe[] = { 0, 1, 3, 31, 32, 254 };
	static const uint8_t bad_century[] = { 1, 0x0d, 0x80, 0xff };
	struct acpi_board b;

	expect_bad(NULL);
	acpi_board_pc(&b, 0, true);
	expect_bad(&b);
	acpi_board_pc(&b, ACPI_BUILD_MAX_VCPUS + 1, true);
	expect_bad(&b);
	for (unsigned i = 0; i < ARRAY_SIZE(bad_sci); i++) {
		acpi_board_pc(&b, 1, true);
		b.sci_irq = bad_sci[i];
		expect_bad(&b);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bad_gpe); i++) {
		acpi_board_pc(&b, 1, true);
		b.gpe0_len = bad_gpe[i];
		expect_bad(&b);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bad_century); i++) {
		acpi_board_pc(&b, 1, true);
		b.cmos_century = bad_century[i];
		expect_bad(&b);
	}
	acpi_board_pc(&b, 1, true);
	b.ioapic_gsi_base = 24;
	expect_bad(&b);
	acpi_board_pc(&b, 1, true);
	b.pm1a_cnt_port = 0;
	expect_bad(&b);
	acpi_board_pc(&b, 1, true);
	b.reset_port = 0;
	expect_bad(&b);
	acpi_board_pc(&b, 1, true);
	b.lapic_gpa = 0;
	expect_bad(&b);
	EXPECT_STREQ(acpi_build_strerror(ACPI_BUILD_ERR_BAD_BOARD), "board description out of range");
	EXPECT_STREQ(acpi_build_strerror(ACPI_BUILD_OK), "ok");
	EXPECT_STREQ(acpi_build_strerror(-1), "unknown ACPI build error");
	EXPECT_STREQ(acpi_build_strerror(ACPI_BUILD_ERR_COUNT), "unknown ACPI build error");
}

/* Random boards: each is refused untouched or builds tables that read back. */
static void random_boards(void)
{
	struct acpi_board b;
	unsigned built = 0;

	srand(12345);
	for (int i = 0; i < 400; i++) {
		int err = -1;
		gpa_t r;

		acpi_board_pc(&b, 1 + (unsigned)rand() % 300, rand() & 1);
		b.sci_irq = (uint8_t)(rand() % 3 ? PC_IRQ_SCI : rand() % 20);
		b.gpe0_len = (uint8_t)(rand() % 34);
		b.cmos_century = (uint8_t)(rand() & 0xff);
		b.pm_tmr_port = (uint16_t)rand();
		b.ioapic_id = (uint8_t)rand();
		mem_fill();
		r = build_window(&b, &err);
		if (err == ACPI_BUILD_OK) {
			built++;
			EXPECT_EQ(r, PC_ACPI_RSDP_GPA);
			expect_tables(&b);
		} else {
			EXPECT_EQ(err, ACPI_BUILD_ERR_BAD_BOARD);
			EXPECT_EQ(touched(0, MEM_SIZE), 0);
		}
		EXPECT_EQ(touched(PC_ACPI_TABLES_END, MEM_SIZE), 0);
		if (test_case_failed)
			break;
	}
	EXPECT_TRUE(built > 10);
}

int main(void)
{
	RUN(one_vcpu);
	RUN(four_vcpus);
	RUN(many_vcpus);
	RUN(most_vcpus);
	RUN(no_i8042);
	RUN(board_values_used);
	RUN(buffer_too_small);
	RUN(buffer_covers_more);
	RUN(rebuild_clears_window);
	RUN(bad_boards);
	RUN(random_boards);
	TEST_MAIN_END();
}

/* hv/vdev/acpi_build.c - The virtual PC's ACPI tables put together: the
 * layout in the window, RSDP, XSDT, RSDT, FACS, FADT and the DSDT's AML;
 * the MADT and SSDT come from acpi_madt_build.c and acpi_ssdt_build.c.
 * All multi-byte fields are little-endian, as on the host (x86). */
#include "hv/vdev/acpi_build.h"
#include "hv/vdev/acpi_dsdt.h"
#include "lib/string.h"

/* The FADT fields written here that drivers/acpi_tables.h does not already
 * pin down (ACPI 6.5, 5.2.9, Table 5.9). */
_Static_assert(offsetof(struct acpi_fadt, firmware_ctrl) == 36, "FADT FIRMWARE_CTRL");
_Static_assert(offsetof(struct acpi_fadt, reserved0) == 44, "FADT INT_MODEL (reserved since 2.0)");
_Static_assert(offsetof(struct acpi_fadt, sci_int) == 46, "FADT SCI_INT");
_Static_assert(offsetof(struct acpi_fadt, pm1a_evt_blk) == 56, "FADT PM1a_EVT_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, gpe0_blk) == 80, "FADT GPE0_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm1_evt_len) == 88, "FADT PM1_EVT_LEN");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_len) == 91, "FADT PM_TMR_LEN");
_Static_assert(offsetof(struct acpi_fadt, gpe0_blk_len) == 92, "FADT GPE0_BLK_LEN");
_Static_assert(offsetof(struct acpi_fadt, p_lvl2_lat) == 96, "FADT P_LVL2_LAT");
_Static_assert(offsetof(struct acpi_fadt, century) == 108, "FADT CENTURY");
_Static_assert(offsetof(struct acpi_fadt, x_firmware_ctrl) == 132, "FADT X_FIRMWARE_CTRL");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_evt_blk) == 148, "FADT X_PM1a_EVT_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_gpe0_blk) == 220, "FADT X_GPE0_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_gpe1_blk) == 232, "FADT X_GPE1_BLK");

_Static_assert(PC_ACPI_RSDP_GPA + ACPI_RSDP_V2_LEN <= PC_ACPI_TABLES_GPA, "RSDP ends before the tables");
_Static_assert(PC_ACPI_RSDP_GPA % 16 == 0, "RSDP on a 16-byte boundary (ACPI 6.5, 5.2.5.1)");
_Static_assert(PC_ACPI_RSDP_GPA >= ACPI_BIOS_AREA_BASE &&
	       PC_ACPI_RSDP_GPA + ACPI_RSDP_V2_LEN <= ACPI_BIOS_AREA_BASE + ACPI_BIOS_AREA_LEN,
	       "RSDP where an OS scans for it");
_Static_assert(PC_ACPI_TABLES_END <= 4ull * GiB, "the RSDT's 32-bit entries reach every table");

/* FADT Flags (ACPI 6.5, 5.2.9, Table 5.10) set here. QEMU's pc and q35
 * set WBINVD, PROC_C1, SLP_BUTTON, RTC_S4 and USE_PLATFORM_CLOCK, and
 * FORCE_APIC_CLUSTER_MODEL above 8 CPUs (hw/i386/acpi-build.c,
 * init_common_fadt_data). We drop RTC_S4 (there is no S4 to wake from) and
 * add RESET_REG_SUP (q35 sets it with its reset register). PWR_BUTTON
 * stays clear as on QEMU: the power button is the fixed one, PM1 PWRBTN. */
#define FADT_WBINVD                   BIT(0)   /* WBINVD works (flushes and invalidates) */
#define FADT_PROC_C1                  BIT(2)   /* C1 (HLT) on every processor */
#define FADT_SLP_BUTTON               BIT(5)   /* no fixed sleep button */
#define FADT_USE_PLATFORM_CLOCK       BIT(15)  /* time with the PM timer rather than the TSC */
#define FADT_FORCE_APIC_CLUSTER_MODEL BIT(18)  /* logical flat mode reaches 8 CPUs only */
#define FADT_FLAT_MODEL_MAX_CPUS      8u

/* IAPC_BOOT_ARCH (Table 5.11), bit 1: an 8042 at ports 0x60/0x64. The
 * other bits of a revision 3 FADT (LEGACY_DEVICES) stay clear as on QEMU. */
#define FADT_BOOT_ARCH_8042           BIT(1)

/* P_LVL2_LAT > 100 and P_LVL3_LAT > 1000 say "no C2 / C3" (no P_BLK). */
#define FADT_NO_C2_LATENCY            0x0fffu
#define FADT_NO_C3_LATENCY            0x0fffu

#define ROOT_ENTRIES   3u   /* FADT, MADT, SSDT */
#define TABLE_ALIGN    16u

/* Where each table goes, in guest-physical addresses. */
struct acpi_layout {
	gpa_t facs, dsdt, fadt, madt, ssdt, xsdt, rsdt, end;
	size_t madt_len, ssdt_len;
};

static const char *const build_errors[ACPI_BUILD_ERR_COUNT] = {
	[ACPI_BUILD_OK]            = "ok",
	[ACPI_BUILD_ERR_BAD_BOARD] = "board description out of range",
	[ACPI_BUILD_ERR_NO_ROOM]   = "tables do not fit the buffer",
};

const char *acpi_build_strerror(int err)
{
	if (err < 0 || err >= ACPI_BUILD_ERR_COUNT)
		return "unknown ACPI build error";
	return build_errors[err];
}

void acpi_board_pc(struct acpi_board *b, unsigned vcpus, bool has_i8042)
{
	memset(b, 0, sizeof(*b));
	b->vcpus = vcpus;
	b->lapic_gpa = PC_LAPIC_GPA;
	b->ioapic_id = 0;
	b->ioapic_gpa = PC_IOAPIC_GPA;
	b->ioapic_gsi_base = 0;
	b->sci_irq = PC_IRQ_SCI;
	b->pm1a_evt_port = PC_PM1A_EVT;
	b->pm1a_cnt_port = PC_PM1A_CNT;
	b->pm_tmr_port = PC_PM_TMR;
	b->gpe0_port = PC_GPE0_BLK;
	b->gpe0_len = 4;
	b->smi_cmd_port = PC_SMI_CMD;
	b->acpi_enable = PC_ACPI_ENABLE;
	b->acpi_disable = PC_ACPI_DISABLE;
	b->reset_port = PC_RESET_PORT;
	b->reset_value = PC_RESET_VALUE;
	b->cmos_century = PC_CMOS_CENTURY;
	b->has_i8042 = has_i8042;
}

/* The SCI's IRQ is fixed by the DSDT too: its link LNKS carries slot 1's
 * INTA, the PM function's interrupt, which is the SCI (acpi_dsdt.h). */
static bool sci_irq_valid(uint8_t irq)
{
	return irq == ACPI_PCI_LNKS_GSI;
}

static bool board_valid(const struct acpi_board *b)
{
	if (!b || b->vcpus == 0 || b->vcpus > ACPI_BUILD_MAX_VCPUS)
		return false;
	if (b->lapic_gpa == 0 || b->ioapic_gpa == 0)
		return false;
	/* ISA IRQ n is GSI n everywhere in the tables (the overrides, the
	 * links' interrupts): that needs the one IOAPIC to start at GSI 0. */
	if (b->ioapic_gsi_base != 0 || !sci_irq_valid(b->sci_irq))
		return false;
	if (b->pm1a_evt_port == 0 || b->pm1a_cnt_port == 0 || b->pm_tmr_port == 0 ||
	    b->gpe0_port == 0 || b->reset_port == 0)
		return false;
	/* With an SMI_CMD port, the two commands it takes differ (ACPI 6.5,
	 * 5.2.9: ACPI_ENABLE "must be" a value the port takes). */
	if (b->smi_cmd_port != 0 && (b->acpi_enable == 0 || b->acpi_enable == b->acpi_disable))
		return false;
	/* Two equal halves (status, enable), and a bit width that fits the
	 * GAS's 8 bits. */
	if (b->gpe0_len < 2 || b->gpe0_len > 30 || (b->gpe0_len & 1))
		return false;
	/* MC146818 RAM: bytes 0x0E-0x7F follow the clock registers. */
	if (b->cmos_century != 0 && (b->cmos_century < 0x0e || b->cmos_century > 0x7f))
		return false;
	return true;
}

static gpa_t next_table(gpa_t after, gpa_t align)
{
	return ALIGN_UP(after, align);
}

static void layout_compute(const struct acpi_board *b, struct acpi_layout *l)
{
	l->madt_len = acpi_madt_size(b);
	l->ssdt_len = acpi_ssdt_size(b);
	l->facs = next_table(PC_ACPI_TABLES_GPA, ACPI_FACS_ALIGN);
	l->dsdt = next_table(l->facs + sizeof(struct acpi_facs), TABLE_ALIGN);
	l->fadt = next_table(l->dsdt + acpi_dsdt_aml_len, TABLE_ALIGN);
	l->madt = next_table(l->fadt + ACPI_FADT_REV3_LEN, TABLE_ALIGN);
	l->ssdt = next_table(l->madt + l->madt_len, TABLE_ALIGN);
	l->xsdt = next_table(l->ssdt + l->ssdt_len, TABLE_ALIGN);
	l->rsdt = next_table(l->xsdt + sizeof(struct acpi_sdt_header) + 8 * ROOT_ENTRIES, TABLE_ALIGN);
	l->end = l->rsdt + sizeof(struct acpi_sdt_header) + 4 * ROOT_ENTRIES;
}

size_t acpi_build_tables_size(const struct acpi_board *b)
{
	struct acpi_layout l;

	if (!board_valid(b))
		return 0;
	layout_compute(b, &l);
	return (size_t)(l.end - PC_ACPI_TABLES_GPA);
}

void acpi_sdt_header_init(struct acpi_sdt_header *h, const char *sig, uint32_t length, uint8_t revision)
{
	uint32_t creator;

	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = ACPI_OEM_REVISION;
	memcpy(&creator, ACPI_CREATOR_ID, 4);
	h->creator_id = creator;
	h->creator_revision = ACPI_CREATOR_REVISION;
}

static uint8_t byte_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

void acpi_table_checksum(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + offsetof(struct acpi_sdt_header, length), 4);
	t[offsetof(struct acpi_sdt_header, checksum)] = 0;
	t[offsetof(struct acpi_sdt_header, checksum)] = (uint8_t)-byte_sum(t, len);
}

/* A register block in system I/O, as QEMU writes them: bit width from
 * the block's length, access size 0 (reserved in an ACPI 2.0 GAS). */
static struct acpi_gas io_block(uint16_t port, unsigned bytes)
{
	struct acpi_gas g = { .space_id = ACPI_GAS_IO, .bit_width = (uint8_t)(bytes * 8), .address = port };

	return g;
}

/* Legacy mode from power-on, as QEMU's pc with SMM: the OS writes
 * ACPI_ENABLE to SMI_CMD and waits for PM1_CNT.SCI_EN (ACPI 6.5, 5.2.9,
 * 4.8.2.5; hv/vdev/vacpi_pm.h). A board without SMI_CMD (0) is in ACPI
 * mode from power-on instead. Each 32-bit field has its X_ twin with the
 * same value. */
static void fadt_write(const struct acpi_board *b, const struct acpi_layout *l, uint8_t *dst)
{
	struct acpi_fadt f;

	memset(&f, 0, sizeof(f));
	acpi_sdt_header_init(&f.hdr, "FACP", ACPI_FADT_REV3_LEN, ACPI_FADT_REVISION);
	f.firmware_ctrl = (uint32_t)l->facs;
	f.dsdt = (uint32_t)l->dsdt;
	f.reserved0 = 0;                      /* "should be zero" since ACPI 2.0 */
	f.preferred_pm_profile = 0;           /* unspecified */
	f.sci_int = b->sci_irq;
	f.smi_cmd = b->smi_cmd_port;
	f.acpi_enable = b->smi_cmd_port ? b->acpi_enable : 0;
	f.acpi_disable = b->smi_cmd_port ? b->acpi_disable : 0;
	f.pm1a_evt_blk = b->pm1a_evt_port;
	f.pm1a_cnt_blk = b->pm1a_cnt_port;
	f.pm_tmr_blk = b->pm_tmr_port;
	f.gpe0_blk = b->gpe0_port;
	f.pm1_evt_len = ACPI_PM1_EVT_LEN;
	f.pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f.pm_tmr_len = ACPI_PM_TMR_LEN;
	f.gpe0_blk_len = b->gpe0_len;
	f.p_lvl2_lat = FADT_NO_C2_LATENCY;
	f.p_lvl3_lat = FADT_NO_C3_LATENCY;
	f.century = b->cmos_century;
	f.iapc_boot_arch = (uint16_t)(b->has_i8042 ? FADT_BOOT_ARCH_8042 : 0);
	f.flags = (uint32_t)(FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_USE_PLATFORM_CLOCK |
			     ACPI_FADT_RESET_REG_SUP);
	if (b->vcpus > FADT_FLAT_MODEL_MAX_CPUS)
		f.flags |= (uint32_t)FADT_FORCE_APIC_CLUSTER_MODEL;
	/* TMR_VAL_EXT (bit 8) clear: the PM timer counts 24 bits. */
	f.reset_reg = io_block(b->reset_port, 1);
	f.reset_value = b->reset_value;
	f.x_firmware_ctrl = l->facs;
	f.x_dsdt = l->dsdt;
	f.x_pm1a_evt_blk = io_block(b->pm1a_evt_port, ACPI_PM1_EVT_LEN);
	f.x_pm1a_cnt_blk = io_block(b->pm1a_cnt_port, ACPI_PM1_CNT_LEN);
	f.x_pm_tmr_blk = io_block(b->pm_tmr_port, ACPI_PM_TMR_LEN);
	f.x_gpe0_blk = io_block(b->gpe0_port, b->gpe0_len);
	/* PM1b, PM2, GPE1: absent (all-zero GAS, address 0). */
	memcpy(dst, &f, ACPI_FADT_REV3_LEN);
	acpi_table_checksum(dst);
}

static void facs_write(uint8_t *dst)
{
	struct acpi_facs facs;

	memset(&facs, 0, sizeof(facs));
	memcpy(facs.signature, "FACS", 4);
	facs.length = sizeof(facs);
	facs.version = ACPI_FACS_VERSION;
	/* hardware_signature 0, no waking vector: no S4/S3 to resume from. */
	memcpy(dst, &facs, sizeof(facs));
}

static void dsdt_write(uint8_t *dst)
{
	memcpy(dst, acpi_dsdt_aml, acpi_dsdt_aml_len);
}

/* XSDT (64-bit entries) or RSDT (32-bit), listing the FADT first. */
static void root_write(const struct acpi_layout *l, bool xsdt, uint8_t *dst)
{
	const gpa_t entries[ROOT_ENTRIES] = { l->fadt, l->madt, l->ssdt };
	size_t esz = xsdt ? 8 : 4;
	struct acpi_sdt_header h;

	acpi_sdt_header_init(&h, xsdt ? "XSDT" : "RSDT",
			     (uint32_t)(sizeof(h) + esz * ROOT_ENTRIES), ACPI_ROOT_REVISION);
	memcpy(dst, &h, sizeof(h));
	for (unsigned i = 0; i < ROOT_ENTRIES; i++) {
		uint64_t e64 = entries[i];
		uint32_t e32 = (uint32_t)entries[i];

		/* Entries at offset 36 are not naturally aligned: copy them. */
		if (xsdt)
			memcpy(dst + sizeof(h) + i * esz, &e64, 8);
		else
			memcpy(dst + sizeof(h) + i * esz, &e32, 4);
	}
	acpi_table_checksum(dst);
}

static void rsdp_write(const struct acpi_layout *l, uint8_t *dst)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, ACPI_OEM_ID, 6);
	r.revision = ACPI_RSDP_REVISION;
	r.rsdt_address = (uint32_t)l->rsdt;
	r.length = ACPI_RSDP_V2_LEN;
	r.xsdt_address = l->xsdt;
	r.checksum = (uint8_t)-byte_sum((const uint8_t *)&r, ACPI_RSDP_V1_LEN);
	r.extended_checksum = (uint8_t)-byte_sum((const uint8_t *)&r, ACPI_RSDP_V2_LEN);
	memcpy(dst, &r, sizeof(r));
}

/* [lo, hi) lies within [buf_gpa, buf_end). */
static bool covered(gpa_t lo, gpa_t hi, gpa_t buf_gpa, gpa_t buf_end)
{
	return lo >= buf_gpa && hi <= buf_end && lo <= hi;
}

gpa_t acpi_build_tables(const struct acpi_board *b, uint8_t *buf, gpa_t buf_gpa, size_t buf_len,
			int *err)
{
	struct acpi_layout l;
	gpa_t buf_end, zero_lo, zero_hi;
	int dummy;

	if (!err)
		err = &dummy;
	if (!board_valid(b)) {
		*err = ACPI_BUILD_ERR_BAD_BOARD;
		return 0;
	}
	layout_compute(b, &l);
	buf_end = buf_len > UINT64_MAX - buf_gpa ? UINT64_MAX : buf_gpa + buf_len;
	if (!buf || l.end > PC_ACPI_TABLES_END ||
	    !covered(PC_ACPI_RSDP_GPA, PC_ACPI_RSDP_GPA + ACPI_RSDP_V2_LEN, buf_gpa, buf_end) ||
	    !covered(PC_ACPI_TABLES_GPA, l.end, buf_gpa, buf_end)) {
		*err = ACPI_BUILD_ERR_NO_ROOM;
		return 0;
	}

#define AT(gpa) (buf + ((gpa) - buf_gpa))
	zero_lo = MAX(buf_gpa, (gpa_t)PC_ACPI_RSDP_GPA);
	zero_hi = MIN(buf_end, (gpa_t)PC_ACPI_TABLES_END);
	memset(AT(zero_lo), 0, (size_t)(zero_hi - zero_lo));
	facs_write(AT(l.facs));
	dsdt_write(AT(l.dsdt));
	fadt_write(b, &l, AT(l.fadt));
	acpi_madt_write(b, AT(l.madt));
	acpi_ssdt_write(b, AT(l.ssdt));
	root_write(&l, true, AT(l.xsdt));
	root_write(&l, false, AT(l.rsdt));
	rsdp_write(&l, AT(PC_ACPI_RSDP_GPA));
#undef AT
	*err = ACPI_BUILD_OK;
	return PC_ACPI_RSDP_GPA;
}

/* tests/unit/test_ioapic.c - Unit tests for drivers/ioapic.c: redirection entry layout, and
 * routing / masking against fake I/O APICs that model IOREGSEL/IOWIN and log every access. */
/* UNIT_SRC: drivers/ioapic.c drivers/acpi_madt.c lib/printf.c */
#include "tests/unit/test.h"
#include "drivers/ioapic.h"

/* ---- Fake I/O APICs -------------------------------------------------------- */

#define NFAKE   3
#define LOG_CAP 4096

struct fake {
	hpa_t    base;
	bool     present;               /* absent: reads all ones, writes vanish */
	uint32_t sel;                   /* IOREGSEL */
	uint32_t ver;                   /* version register: 23:16 highest entry */
	uint64_t rte[256];
	unsigned rte_writes;
};

struct access { hpa_t pa; uint32_t val; bool write; };

static struct fake fakes[NFAKE];
static struct access log_[LOG_CAP];
static unsigned nlog, strays;

static struct fake *fake_at(hpa_t pa, bool *window)
{
	for (unsigned i = 0; i < NFAKE; i++) {
		if (fakes[i].base && (pa == fakes[i].base + IOAPIC_IOREGSEL || pa == fakes[i].base + IOAPIC_IOWIN)) {
			*window = pa == fakes[i].base + IOAPIC_IOWIN;
			return &fakes[i];
		}
	}
	return NULL;
}

static unsigned fake_entries(const struct fake *f) { return ((f->ver >> 16) & 0xff) + 1; }

/* The redirection entry a register index selects, or NULL (and *hi). */
static uint64_t *fake_rte(struct fake *f, uint32_t reg, bool *hi)
{
	if (reg < 0x10 || reg >= 0x10 + 2 * fake_entries(f))
		return NULL;
	*hi = reg & 1;
	return &f->rte[(reg - 0x10) / 2];
}

uint32_t ioapic_test_mmio_read(hpa_t pa)
{
	bool window, hi;
	struct fake *f = fake_at(pa, &window);
	uint64_t *e;

	if (nlog < LOG_CAP)
		log_[nlog++] = (struct access){ pa, 0, false };
	if (!f) {
		strays++;
		return 0xffffffffu;
	}
	if (!f->present)
		return 0xffffffffu;
	if (!window)
		return f->sel;
	if (f->sel == IOAPIC_REG_VER)
		return f->ver;
	e = fake_rte(f, f->sel, &hi);
	if (!e) {
		strays++;                       /* the driver has no business elsewhere */
		return 0;
	}
	return hi ? (uint32_t)(*e >> 32) : (uint32_t)*e;
}

void ioapic_test_mmio_write(hpa_t pa, uint32_t val)
{
	bool window, hi;
	struct fake *f = fake_at(pa, &window);
	uint64_t *e;

	if (nlog < LOG_CAP)
		log_[nlog++] = (struct access){ pa, val, true };
	if (!f) {
		strays++;
		return;
	}
	if (!f->present)
		return;
	if (!window) {
		f->sel = val;
		return;
	}
	e = fake_rte(f, f->sel, &hi);
	if (!e) {
		strays++;
		return;
	}
	f->rte_writes++;
	if (hi)
		*e = (*e & 0xffffffffull) | (uint64_t)val << 32;
	else
		*e = (*e & ~0xffffffffull) | val;
}

static struct madt_info info;   /* big: keep it off the stack */
static char err[160];

/* One present I/O APIC at 0xFEC00000 with 24 entries (QEMU's), firmware
 * leftovers in every entry, and a MADT with just that I/O APIC. */
static void reset(void)
{
	memset(fakes, 0, sizeof(fakes));
	memset(&info, 0, sizeof(info));
	nlog = strays = 0;
	memset(err, 'X', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	fakes[0] = (struct fake){ .base = 0xFEC00000u, .present = true, .ver = 0x00170020u };
	for (unsigned i = 0; i < 256; i++)
		fakes[0].rte[i] = 0x5A000000000000A0ull | i;   /* unmasked garbage */
	info.ioapics[0] = (struct madt_ioapic){ .id = 0, .address = 0xFEC00000u, .gsi_base = 0 };
	info.ioapic_count = 1;
}

static void add_iso(uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
	info.isos[info.iso_count++] = (struct madt_override){ bus, src, gsi, flags };
	info.overrides++;
}

/* ---- ioapic_rte() ---------------------------------------------------------- */

static void rte_layout(void)
{
	EXPECT_EQ(ioapic_rte(0x31, 0, false, false, false), 0x31);
	EXPECT_EQ(ioapic_rte(0x31, 3, false, false, false), 0x0300000000000031ull);
	EXPECT_EQ(ioapic_rte(0x40, 0, true, false, false), 0x40 | BIT(15));
	EXPECT_EQ(ioapic_rte(0x40, 0, false, true, false), 0x40 | BIT(13));
	EXPECT_EQ(ioapic_rte(0x40, 0, false, false, true), 0x40 | BIT(16));
	EXPECT_EQ(ioapic_rte(0xFE, 0xFF, true, true, true), 0xFF0000000001A0FEull);
	EXPECT_EQ(ioapic_rte(0x20, 0x1FF, false, false, false), 0xFF00000000000020ull); /* 8 bits only */
	/* Fixed delivery, physical destination, nothing in the reserved bits,
	 * whatever the arguments. */
	for (unsigned v = 0; v < 256; v++)
		for (unsigned k = 0; k < 8; k++) {
			uint64_t r = ioapic_rte((uint8_t)v, 0xA5 + k, k & 1, k & 2, k & 4);

			EXPECT_EQ(r & IOAPIC_RTE_VECTOR_MASK, v);
			EXPECT_EQ(r & IOAPIC_RTE_DELIVERY_MASK, IOAPIC_RTE_DELIVERY_FIXED);
			EXPECT_EQ(r & (IOAPIC_RTE_DEST_LOGICAL | IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR), 0);
			EXPECT_EQ(r & 0x00FFFFFFFFFE0000ull, 0);
			EXPECT_EQ(r >> IOAPIC_RTE_DEST_SHIFT, 0xA5 + k);
		}
	EXPECT_EQ(IOAPIC_REG_RTE_LO(4), 0x18);
	EXPECT_EQ(IOAPIC_REG_RTE_HI(4), 0x19);
	EXPECT_EQ(IOAPIC_VER_MAX_ENTRY(0x00170020u), 23);
}

/* ---- ioapic_route_isa_irq() ------------------------------------------------ */

/* COM1 on QEMU: IRQ 4, no override of its own, GSI 4 edge high. */
static void route_com1(void)
{
	static const struct access want[] = {
		{ 0xFEC00000u, IOAPIC_REG_VER, true }, { 0xFEC00010u, 0, false },
		{ 0xFEC00000u, 0x18, true }, { 0xFEC00010u, (uint32_t)IOAPIC_RTE_MASKED, true },
		{ 0xFEC00000u, 0x19, true }, { 0xFEC00010u, 0x01000000u, true },
		{ 0xFEC00000u, 0x18, true }, { 0xFEC00010u, 0x24, true },
	};

	reset();
	add_iso(0, 0, 2, 0);
	add_iso(0, 9, 9, 0xD);
	EXPECT_TRUE(ioapic_route_isa_irq(&info, 4, 0x24, 1, err, sizeof(err)));
	EXPECT_STREQ(err, "");
	EXPECT_EQ(fakes[0].rte[4], 0x0100000000000024ull);
	EXPECT_EQ(fakes[0].rte[3], 0x5A000000000000A3ull);  /* neighbours untouched */
	EXPECT_EQ(fakes[0].rte[5], 0x5A000000000000A5ull);
	EXPECT_EQ(fakes[0].rte_writes, 3);
	EXPECT_EQ(strays, 0);
	/* Masked, then the high half, then the live low half: never a live
	 * entry with a half-written destination. */
	EXPECT_EQ(nlog, ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want) && i < nlog; i++) {
		EXPECT_EQ(log_[i].pa, want[i].pa);
		EXPECT_EQ(log_[i].write, want[i].write);
		if (want[i].write)
			EXPECT_EQ(log_[i].val, want[i].val);
	}
}

/* IRQ 4 moved to GSI 30, level, active low: the second I/O APIC's pin 6. */
static void route_override_second_ioapic(void)
{
	reset();
	fakes[1] = (struct fake){ .base = 0xFEC01000u, .present = true, .ver = 0x000F0011u };
	info.ioapics[1] = info.ioapics[0];
	info.ioapics[0] = (struct madt_ioapic){ .id = 5, .address = 0xFEC01000u, .gsi_base = 24 };
	info.ioapic_count = 2;
	add_iso(1, 4, 7, 0);                                /* another bus: ignored */
	add_iso(0, 4, 30, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	EXPECT_TRUE(ioapic_route_isa_irq(&info, 4, 0x80, 255, err, sizeof(err)));
	EXPECT_STREQ(err, "");
	EXPECT_EQ(fakes[1].rte[6], 0xFF00000000000080ull | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW);
	EXPECT_EQ(fakes[1].rte_writes, 3);
	EXPECT_EQ(fakes[0].rte_writes, 0);
	EXPECT_EQ(strays, 0);
}

/* Each failure leaves every redirection entry as it was. */
static void expect_refused(uint8_t irq, uint8_t vector, uint32_t dest, const char *why)
{
	EXPECT_TRUE(!ioapic_route_isa_irq(&info, irq, vector, dest, err, sizeof(err)));
	EXPECT_STREQ(err, why);
	for (unsigned i = 0; i < NFAKE; i++)
		EXPECT_EQ(fakes[i].rte_writes, 0);
	EXPECT_EQ(strays, 0);
}

static void route_refused(void)
{
	reset();
	info.ioapic_count = 0;
	expect_refused(4, 0x24, 0, "no I/O APIC in the MADT");
	EXPECT_EQ(nlog, 0);
	EXPECT_TRUE(!ioapic_route_isa_irq(NULL, 4, 0x24, 0, err, sizeof(err)));
	EXPECT_STREQ(err, "no I/O APIC in the MADT");

	reset();
	expect_refused(4, 0x24, 256, "destination APIC ID 256 is above 255, which an I/O APIC entry cannot address");
	expect_refused(4, 0x1F, 0, "vector 0x1f is below 0x20 (CPU exceptions)");
	expect_refused(16, 0x24, 0, "IRQ 16 is not an ISA IRQ (0-15)");
	EXPECT_EQ(nlog, 0);

	reset();
	add_iso(0, 0, 2, 0);
	expect_refused(2, 0x22, 0, "ISA IRQ 2: GSI 2 belongs to another ISA IRQ's override");

	reset();
	info.isos_dropped = 3;
	expect_refused(4, 0x24, 0, "ISA IRQ 4: route unknown, 3 interrupt source overrides beyond the 16 kept");

	reset();
	fakes[0].ver = 0x000F0011u;                         /* 16 entries */
	add_iso(0, 4, 23, 0);
	expect_refused(4, 0x24, 0, "ISA IRQ 4: GSI 23 is not covered: I/O APIC 0 serves GSIs 0-15");

	reset();
	info.ioapics[0].gsi_base = 24;
	expect_refused(4, 0x24, 0, "ISA IRQ 4: GSI 4 is below every I/O APIC's GSI base");

	reset();
	fakes[0].present = false;
	expect_refused(4, 0x24, 0, "I/O APIC 0 at 0xfec00000 does not answer (version register reads all ones)");
}

static void route_err_buffers(void)
{
	reset();
	EXPECT_TRUE(!ioapic_route_isa_irq(&info, 4, 0x24, 256, NULL, 0));
	err[0] = 'X'; err[1] = 'Y';
	EXPECT_TRUE(!ioapic_route_isa_irq(&info, 4, 0x24, 256, err, 1));
	EXPECT_EQ(err[0], '\0');
	EXPECT_EQ(err[1], 'Y');
	EXPECT_TRUE(ioapic_route_isa_irq(&info, 4, 0x24, 0, NULL, 0));
	EXPECT_EQ(fakes[0].rte[4], 0x24);
}

/* ---- ioapic_mask_all() ----------------------------------------------------- */

static void mask_all(void)
{
	reset();
	fakes[1] = (struct fake){ .base = 0xFEC01000u, .present = true, .ver = 0x000F0011u };
	for (unsigned i = 0; i < 256; i++)
		fakes[1].rte[i] = 0x0300000000008041ull;        /* level, unmasked */
	fakes[2] = (struct fake){ .base = 0xFEC02000u, .present = false };
	info.ioapics[1] = (struct madt_ioapic){ .id = 1, .address = 0xFEC01000u, .gsi_base = 24 };
	info.ioapics[2] = (struct madt_ioapic){ .id = 2, .address = 0xFEC02000u, .gsi_base = 40 };
	info.ioapic_count = 3;

	ioapic_mask_all(&info);
	for (unsigned i = 0; i < 24; i++)
		EXPECT_EQ(fakes[0].rte[i], IOAPIC_RTE_MASKED);
	EXPECT_EQ(fakes[0].rte[24], 0x5A000000000000A0ull | 24); /* past the last entry: untouched */
	for (unsigned i = 0; i < 16; i++)
		EXPECT_EQ(fakes[1].rte[i], IOAPIC_RTE_MASKED);
	EXPECT_EQ(fakes[1].rte[16], 0x0300000000008041ull);
	EXPECT_EQ(fakes[0].rte_writes, 48);
	EXPECT_EQ(fakes[1].rte_writes, 32);
	EXPECT_EQ(strays, 0);
	/* The mask bit goes in just before the other half of each entry changes. */
	unsigned his = 0;
	for (unsigned i = 0; i < nlog; i++) {
		bool sel = log_[i].write && (log_[i].pa & 0xFF) == IOAPIC_IOREGSEL;

		if (sel && log_[i].val >= 0x10 && (log_[i].val & 1)) {
			his++;
			EXPECT_TRUE(i >= 2 && log_[i - 1].write && log_[i - 1].val == IOAPIC_RTE_MASKED);
			EXPECT_TRUE(i >= 2 && log_[i - 2].val == log_[i].val - 1);
		}
	}
	EXPECT_EQ(his, 24 + 16);

	/* Then routing one entry leaves the others masked. */
	EXPECT_TRUE(ioapic_route_isa_irq(&info, 4, 0x24, 0, err, sizeof(err)));
	EXPECT_EQ(fakes[0].rte[4], 0x24);
	EXPECT_EQ(fakes[0].rte[3], IOAPIC_RTE_MASKED);

	ioapic_mask_all(NULL);                              /* nothing to do, no crash */
}

int main(void)
{
	RUN(rte_layout);
	RUN(route_com1);
	RUN(route_override_second_ioapic);
	RUN(route_refused);
	RUN(route_err_buffers);
	RUN(mask_all);
	TEST_MAIN_END();
}

/* tests/unit/test_madt.c - Unit tests for drivers/acpi_madt.c: MADTs built byte by byte, malformed ones, a fuzz loop. */
/* UNIT_SRC: drivers/acpi_madt.c lib/printf.c */
#include <stdlib.h>
#include "tests/unit/test.h"
#include "drivers/acpi_madt.h"

/* ---- A small MADT builder ------------------------------------------------ */

#define MB_CAP 8192u
struct mb { uint8_t b[MB_CAP]; size_t len; };

static void put8(struct mb *m, uint32_t v)  { m->b[m->len++] = (uint8_t)v; }
static void put16(struct mb *m, uint32_t v) { put8(m, v); put8(m, v >> 8); }
static void put32(struct mb *m, uint32_t v) { put16(m, v); put16(m, v >> 16); }
static void put64(struct mb *m, uint64_t v) { put32(m, (uint32_t)v); put32(m, (uint32_t)(v >> 32)); }

/* Header with length/checksum left for mb_done(), then the MADT fixed part. */
static void mb_init(struct mb *m, uint32_t lapic, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "APIC", 4);
	m->b[8] = 5;                                  /* revision */
	memcpy(m->b + 10, "BOCHS BXPCAPIC", 14);
	m->len = sizeof(struct acpi_sdt_header);
	put32(m, lapic);
	put32(m, flags);
}

/* Length and checksum, as firmware would leave them; returns the length. */
static size_t mb_done(struct mb *m)
{
	uint32_t l = (uint32_t)m->len;
	uint8_t s = 0;

	memcpy(m->b + 4, &l, 4);
	m->b[9] = 0;
	for (size_t i = 0; i < m->len; i++)
		s = (uint8_t)(s + m->b[i]);
	m->b[9] = (uint8_t)-s;
	return m->len;
}

static void lapic(struct mb *m, uint8_t uid, uint8_t id, uint32_t flags)
{
	put8(m, 0); put8(m, 8); put8(m, uid); put8(m, id); put32(m, flags);
}

static void ioapic(struct mb *m, uint8_t id, uint32_t addr, uint32_t gsi)
{
	put8(m, 1); put8(m, 12); put8(m, id); put8(m, 0); put32(m, addr); put32(m, gsi);
}

static void iso_on(struct mb *m, uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
	put8(m, 2); put8(m, 10); put8(m, bus); put8(m, src); put32(m, gsi); put16(m, flags);
}

static void iso(struct mb *m, uint8_t src, uint32_t gsi, uint16_t flags)
{
	iso_on(m, 0, src, gsi, flags);
}

static void lapic_nmi(struct mb *m, uint8_t uid, uint16_t flags, uint8_t lint)
{
	put8(m, 4); put8(m, 6); put8(m, uid); put16(m, flags); put8(m, lint);
}

static void lapic_ovr(struct mb *m, uint64_t addr)
{
	put8(m, 5); put8(m, 12); put16(m, 0); put64(m, addr);
}

static void x2apic(struct mb *m, uint32_t id, uint32_t flags, uint32_t uid)
{
	put8(m, 9); put8(m, 16); put16(m, 0); put32(m, id); put32(m, flags); put32(m, uid);
}

static void x2apic_nmi(struct mb *m, uint16_t flags, uint32_t uid, uint8_t lint)
{
	put8(m, 0xA); put8(m, 12); put16(m, flags); put32(m, uid); put8(m, lint);
	put8(m, 0); put8(m, 0); put8(m, 0);
}

/* An entry of any type with a raw length byte and n body bytes of filler. */
static void raw(struct mb *m, uint8_t type, uint8_t length, size_t n)
{
	put8(m, type); put8(m, length);
	for (size_t i = 0; i < n; i++)
		put8(m, 0xA5);
}

/* What QEMU -M pc builds for -smp 4: LAPICs 0-3, one I/O APIC, IRQ0->GSI2
 * plus the level-triggered, active-high PCI IRQs 5, 9, 10, 11, and LINT1 NMI. */
static void qemu_madt(struct mb *m)
{
	mb_init(m, 0xFEE00000u, ACPI_MADT_PCAT_COMPAT);
	for (unsigned i = 0; i < 4; i++)
		lapic(m, (uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED);
	ioapic(m, 0, 0xFEC00000u, 0);
	iso(m, 0, 2, 0);
	iso(m, 5, 5, 0xD);
	iso(m, 9, 9, 0xD);
	iso(m, 10, 10, 0xD);
	iso(m, 11, 11, 0xD);
	lapic_nmi(m, 0xFF, 0, 1);
	mb_done(m);
}

static struct madt_info info;   /* big: keep it off the stack */
static struct mb m;
static char err[160];

static int parse(void)
{
	memset(err, 'X', sizeof(err));
	return madt_parse(m.b, m.len, &info, err, sizeof(err));
}

/* ---- Well-formed tables -------------------------------------------------- */

static void qemu_like(void)
{
	qemu_madt(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(info.lapic_address, 0xFEE00000u);
	EXPECT_EQ(info.lapic_address64, 0xFEE00000u);
	EXPECT_TRUE(info.pcat_compat);
	EXPECT_EQ(info.cpu_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_EQ(info.cpus[i].apic_id, i);
		EXPECT_EQ(info.cpus[i].acpi_uid, i);
		EXPECT_TRUE(!info.cpus[i].x2apic);
		EXPECT_TRUE(!info.cpus[i].online_capable);
	}
	EXPECT_EQ(info.cpus_disabled, 0);
	EXPECT_EQ(info.cpus_dropped, 0);
	EXPECT_EQ(info.cpus_invalid, 0);
	EXPECT_EQ(info.cpus_duplicate, 0);
	EXPECT_EQ(info.ioapic_count, 1);
	EXPECT_EQ(info.ioapics[0].id, 0);
	EXPECT_EQ(info.ioapics[0].address, 0xFEC00000u);
	EXPECT_EQ(info.ioapics[0].gsi_base, 0);
	EXPECT_EQ(info.overrides, 5);
	EXPECT_EQ(info.iso_count, 5);
	EXPECT_EQ(info.isos_dropped, 0);
	EXPECT_EQ(info.isos[0].bus, 0);
	EXPECT_EQ(info.isos[0].source_irq, 0);
	EXPECT_EQ(info.isos[0].gsi, 2);
	EXPECT_EQ(info.isos[0].flags, 0);
	EXPECT_EQ(info.isos[4].source_irq, 11);
	EXPECT_EQ(info.isos[4].gsi, 11);
	EXPECT_EQ(info.isos[4].flags, 0xD);
	EXPECT_EQ(info.nmis, 1);
	EXPECT_EQ(info.unknown_entries, 0);
}

static void no_entries_no_pcat(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_TRUE(!info.pcat_compat);
	EXPECT_EQ(info.cpu_count, 0);
	EXPECT_EQ(info.ioapic_count, 0);
}

static void disabled_and_online_capable(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	lapic(&m, 1, 1, 0);                                 /* disabled */
	lapic(&m, 2, 2, ACPI_MADT_ONLINE_CAPABLE);          /* hot-pluggable */
	lapic(&m, 3, 3, ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE); /* reserved bit set: just enabled */
	x2apic(&m, 0x100, 0, 0x100);                        /* disabled */
	x2apic(&m, 0x101, ACPI_MADT_ONLINE_CAPABLE, 0x101);
	lapic(&m, 4, 4, 0xFFFFFFFCu);                       /* other bits only: still disabled */
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.cpus[0].apic_id, 0);
	EXPECT_TRUE(!info.cpus[0].online_capable);
	EXPECT_EQ(info.cpus[1].apic_id, 2);
	EXPECT_TRUE(info.cpus[1].online_capable);
	EXPECT_EQ(info.cpus[2].apic_id, 3);
	EXPECT_TRUE(!info.cpus[2].online_capable);
	EXPECT_EQ(info.cpus[3].apic_id, 0x101);
	EXPECT_TRUE(info.cpus[3].online_capable);
	EXPECT_TRUE(info.cpus[3].x2apic);
	EXPECT_EQ(info.cpus_disabled, 3);
}

static void x2apic_entries(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	x2apic(&m, 0x100, ACPI_MADT_ENABLED, 1000);
	x2apic(&m, 0x12345678u, ACPI_MADT_ENABLED, 0xDEADBEEFu);
	x2apic_nmi(&m, 0, 0xFFFFFFFFu, 1);
	x2apic(&m, 0xFFFFFFFFu, ACPI_MADT_ENABLED, 7);     /* invalid ID */
	x2apic(&m, 0xFF, ACPI_MADT_ENABLED, 8);            /* 0xFF is a fine x2APIC ID */
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.cpus[1].apic_id, 0x100);
	EXPECT_EQ(info.cpus[1].acpi_uid, 1000);
	EXPECT_TRUE(info.cpus[1].x2apic);
	EXPECT_EQ(info.cpus[2].apic_id, 0x12345678u);
	EXPECT_EQ(info.cpus[2].acpi_uid, 0xDEADBEEFu);
	EXPECT_EQ(info.cpus[3].apic_id, 0xFF);
	EXPECT_EQ(info.cpus_invalid, 1);
	EXPECT_EQ(info.nmis, 1);
	EXPECT_EQ(info.unknown_entries, 0);
}

static void duplicate_xapic_x2apic(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	lapic(&m, 1, 1, ACPI_MADT_ONLINE_CAPABLE);
	x2apic(&m, 0, ACPI_MADT_ENABLED, 0);                /* same CPU again */
	x2apic(&m, 1, ACPI_MADT_ENABLED, 1);                /* upgrades the online-capable one */
	x2apic(&m, 2, ACPI_MADT_ENABLED, 2);
	lapic(&m, 2, 2, ACPI_MADT_ENABLED);                 /* x2APIC first, then xAPIC */
	x2apic(&m, 2, 0, 2);                                /* a disabled duplicate */
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, 3);
	EXPECT_EQ(info.cpus[0].apic_id, 0);
	EXPECT_TRUE(!info.cpus[0].x2apic);
	EXPECT_EQ(info.cpus[1].apic_id, 1);
	EXPECT_TRUE(!info.cpus[1].online_capable);
	EXPECT_EQ(info.cpus[2].apic_id, 2);
	EXPECT_TRUE(info.cpus[2].x2apic);
	EXPECT_EQ(info.cpus_duplicate, 3);
	EXPECT_EQ(info.cpus_disabled, 1);
}

static void apic_id_ff_skipped(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	lapic(&m, 1, 0xFF, ACPI_MADT_ENABLED);
	lapic(&m, 2, 0xFF, 0);                              /* placeholder: counted as disabled */
	lapic(&m, 3, 1, ACPI_MADT_ENABLED);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, 2);
	EXPECT_EQ(info.cpus[0].apic_id, 0);
	EXPECT_EQ(info.cpus[1].apic_id, 1);
	EXPECT_EQ(info.cpus[1].acpi_uid, 3);
	EXPECT_EQ(info.cpus_invalid, 1);
	EXPECT_EQ(info.cpus_disabled, 1);
}

static void lapic_address_override(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	lapic_ovr(&m, 0x0000000123456000ull);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.lapic_address, 0xFEE00000u);
	EXPECT_EQ(info.lapic_address64, 0x123456000ull);
	EXPECT_EQ(info.cpu_count, 1);
}

static void too_many_cpus(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	for (unsigned i = 0; i < 250; i++)
		lapic(&m, (uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED);
	for (unsigned i = 0; i < 20; i++)
		x2apic(&m, 0x1000 + i, ACPI_MADT_ENABLED, 250 + i);
	lapic(&m, 0, 0, 0);                                 /* disabled: not dropped */
	mb_done(&m);
	EXPECT_TRUE(m.len < MB_CAP);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, MADT_MAX_CPUS);
	EXPECT_EQ(info.cpus_dropped, 270 - MADT_MAX_CPUS);
	EXPECT_EQ(info.cpus_disabled, 1);
	EXPECT_EQ(info.cpus[249].apic_id, 249);
	EXPECT_EQ(info.cpus[255].apic_id, 0x1005);
}

static void too_many_ioapics(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	for (unsigned i = 0; i < MADT_MAX_IOAPICS + 2; i++)
		ioapic(&m, (uint8_t)i, 0xFEC00000u + i * 0x1000, i * 24);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.ioapic_count, MADT_MAX_IOAPICS);
	EXPECT_EQ(info.ioapics_dropped, 2);
	EXPECT_EQ(info.ioapics[15].id, 15);
	EXPECT_EQ(info.ioapics[15].address, 0xFEC0F000u);
	EXPECT_EQ(info.ioapics[15].gsi_base, 15 * 24);
}

static void unknown_types_skipped(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	raw(&m, 0xB, 80, 78);                               /* GICC: an ARM entry */
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	raw(&m, 0x7F, 2, 0);                                /* minimal entry */
	raw(&m, 0x80, 5, 3);                                /* OEM-reserved range */
	raw(&m, 0xFF, 255, 253);
	lapic(&m, 1, 1, ACPI_MADT_ENABLED);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.unknown_entries, 4);
	EXPECT_EQ(info.cpu_count, 2);
	EXPECT_EQ(info.cpus[1].apic_id, 1);
}

static void longer_known_entry_accepted(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	raw(&m, 0, 10, 8);                                  /* a LAPIC with 2 extra bytes */
	m.b[m.len - 8] = 7;                                 /* UID */
	m.b[m.len - 7] = 9;                                 /* APIC ID */
	m.b[m.len - 6] = 1; m.b[m.len - 5] = 0; m.b[m.len - 4] = 0; m.b[m.len - 3] = 0;
	lapic(&m, 1, 1, ACPI_MADT_ENABLED);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.cpu_count, 2);
	EXPECT_EQ(info.cpus[0].apic_id, 9);
	EXPECT_EQ(info.cpus[0].acpi_uid, 7);
	EXPECT_EQ(info.cpus[1].apic_id, 1);
}

/* The table may sit at any alignment in firmware memory. */
static void unaligned_table(void)
{
	static uint8_t buf[MB_CAP + 1];

	qemu_madt(&m);
	memcpy(buf + 1, m.b, m.len);
	EXPECT_EQ(madt_parse(buf + 1, m.len, &info, err, sizeof(err)), 0);
	EXPECT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.ioapics[0].address, 0xFEC00000u);
}

/* ---- ISA IRQ routing, I/O APIC choice ------------------------------------ */

static uint32_t r_gsi;
static bool r_level, r_low;

/* madt_isa_irq_route() on the last parse, outputs poisoned first. */
static bool route(uint8_t irq)
{
	r_gsi = 0xDEAD; r_level = r_low = true;
	return madt_isa_irq_route(&info, irq, &r_gsi, &r_level, &r_low);
}

#define EXPECT_ROUTE(irq, ok, g, lvl, lo) do { EXPECT_EQ(route(irq), ok); EXPECT_EQ(r_gsi, g); \
	EXPECT_EQ(r_level, lvl); EXPECT_EQ(r_low, lo); } while (0)

static void route_no_override(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	ioapic(&m, 0, 0xFEC00000u, 0);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.iso_count, 0);
	EXPECT_ROUTE(4, true, 4, false, false);             /* COM1: identity, edge, high */
	EXPECT_ROUTE(0, true, 0, false, false);
	EXPECT_ROUTE(15, true, 15, false, false);
	EXPECT_ROUTE(16, false, 16, false, false);          /* not an ISA IRQ */
	EXPECT_TRUE(!madt_isa_irq_route(NULL, 4, &r_gsi, NULL, NULL));
	EXPECT_TRUE(madt_isa_irq_route(&info, 4, NULL, NULL, NULL));
}

static void route_qemu(void)
{
	qemu_madt(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_ROUTE(0, true, 2, false, false);             /* the PIT: IRQ0 -> GSI2, conforms */
	EXPECT_ROUTE(4, true, 4, false, false);
	EXPECT_ROUTE(9, true, 9, true, false);              /* 0xD: level, active high */
	EXPECT_ROUTE(11, true, 11, true, false);
	EXPECT_ROUTE(2, false, 2, false, false);            /* GSI 2 is IRQ0's now */
}

static void route_override_level_low(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 0, 0xFEC00000u, 0);
	ioapic(&m, 1, 0xFEC01000u, 24);
	iso(&m, 4, 20, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	iso(&m, 4, 7, 0);                                   /* a second one: the first wins */
	iso(&m, 3, 30, ACPI_MPS_TRIGGER_EDGE | ACPI_MPS_POLARITY_LOW);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.iso_count, 3);
	EXPECT_ROUTE(4, true, 20, true, true);
	EXPECT_ROUTE(3, true, 30, false, true);
	EXPECT_ROUTE(7, true, 7, false, false);             /* the ignored duplicate takes no GSI */
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 30)->id, 1);
}

static void route_other_bus_ignored(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 0, 0xFEC00000u, 0);
	iso_on(&m, 1, 4, 20, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	iso_on(&m, 1, 9, 5, 0);                             /* nor does it take GSI 5 */
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.iso_count, 2);
	EXPECT_EQ(info.isos[0].bus, 1);
	EXPECT_ROUTE(4, true, 4, false, false);
	EXPECT_ROUTE(5, true, 5, false, false);
}

static void route_reserved_flags(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 0, 0xFEC00000u, 0);
	iso(&m, 4, 4, 0x2 | 0x8);                           /* both fields reserved (10b) */
	iso(&m, 3, 3, 0x2 | ACPI_MPS_TRIGGER_LEVEL);        /* polarity reserved, level */
	iso(&m, 5, 5, ACPI_MPS_POLARITY_LOW | 0x8);         /* low, trigger reserved */
	iso(&m, 6, 6, ACPI_MPS_POLARITY_HIGH | ACPI_MPS_TRIGGER_EDGE | 0xFFF0); /* upper bits: ignored */
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_ROUTE(4, true, 4, false, false);
	EXPECT_ROUTE(3, true, 3, true, false);
	EXPECT_ROUTE(5, true, 5, false, true);
	EXPECT_ROUTE(6, true, 6, false, false);
}

static void route_too_many_overrides(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 0, 0xFEC00000u, 0);
	for (unsigned i = 0; i < MADT_MAX_OVERRIDES + 3; i++)
		iso_on(&m, 1, (uint8_t)i, i, 0);                /* fill up on another bus */
	iso(&m, 4, 20, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.overrides, MADT_MAX_OVERRIDES + 4);
	EXPECT_EQ(info.iso_count, MADT_MAX_OVERRIDES);
	EXPECT_EQ(info.isos_dropped, 4);
	EXPECT_EQ(info.isos[15].source_irq, 15);
	/* IRQ 4's override was dropped: identity would be a guess, so no route. */
	EXPECT_ROUTE(4, false, 4, false, false);

	mb_init(&m, 0xFEE00000u, 1);
	iso(&m, 4, 20, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);
	for (unsigned i = 0; i < MADT_MAX_OVERRIDES; i++)
		iso_on(&m, 1, (uint8_t)i, i, 0);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(info.isos_dropped, 1);
	EXPECT_ROUTE(4, true, 20, true, true);              /* kept: still known */
}

static void ioapic_for_gsi(void)
{
	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 9, 0xFEC01000u, 24);                     /* listed first: order is not GSI order */
	ioapic(&m, 8, 0xFEC00000u, 0);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 0)->id, 8);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 4)->id, 8);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 23)->id, 8);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 24)->id, 9);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 24)->address, 0xFEC01000u);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 0xFFFFFFFFu)->id, 9);   /* entry count: the caller's check */
	EXPECT_TRUE(madt_ioapic_for_gsi(NULL, 4) == NULL);

	mb_init(&m, 0xFEE00000u, 1);
	ioapic(&m, 1, 0xFEC01000u, 24);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_TRUE(madt_ioapic_for_gsi(&info, 4) == NULL);
	EXPECT_EQ(madt_ioapic_for_gsi(&info, 24)->id, 1);

	mb_init(&m, 0xFEE00000u, 1);
	mb_done(&m);
	EXPECT_EQ(parse(), 0);
	EXPECT_TRUE(madt_ioapic_for_gsi(&info, 0) == NULL);
}

/* ---- Malformed tables ---------------------------------------------------- */

static void truncated_header(void)
{
	qemu_madt(&m);
	for (size_t l = 0; l < sizeof(struct acpi_madt); l++) {
		memset(err, 0, sizeof(err));
		EXPECT_EQ(madt_parse(m.b, l, &info, err, sizeof(err)), -1);
		EXPECT_TRUE(err[0] != '\0');
	}
	EXPECT_EQ(madt_parse(m.b, 43, &info, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "table length 43 is shorter than the MADT's fixed part (44 bytes)");
	EXPECT_EQ(madt_parse(m.b, 44, &info, err, sizeof(err)), 0);
	EXPECT_EQ(info.cpu_count, 0);
	EXPECT_EQ(info.lapic_address, 0xFEE00000u);
}

static void entry_length_zero(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	raw(&m, 0, 0, 6);
	mb_done(&m);
	EXPECT_EQ(parse(), -1);
	EXPECT_STREQ(err, "entry at offset 0x34 (type 0) has length 0, less than 2");
	EXPECT_EQ(info.cpu_count, 1);                      /* what came before is kept */
}

static void entry_length_one(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	raw(&m, 0x42, 1, 6);
	mb_done(&m);
	EXPECT_EQ(parse(), -1);
	EXPECT_STREQ(err, "entry at offset 0x2c (type 66) has length 1, less than 2");
}

static void entry_past_end(void)
{
	qemu_madt(&m);
	/* Cut the table inside the I/O APIC entry at 0x4c. */
	EXPECT_EQ(madt_parse(m.b, 0x4c + 8, &info, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "entry at offset 0x4c (type 1) has length 12, past the table's end 0x54");

	/* A length byte that overshoots a correctly-sized table. */
	mb_init(&m, 0xFEE00000u, 0);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	raw(&m, 0x20, 200, 10);
	mb_done(&m);
	EXPECT_EQ(parse(), -1);
	EXPECT_STREQ(err, "entry at offset 0x34 (type 32) has length 200, past the table's end 0x40");

	/* A lone trailing byte: not even a length. */
	mb_init(&m, 0xFEE00000u, 0);
	put8(&m, 0);
	mb_done(&m);
	EXPECT_EQ(parse(), -1);
	EXPECT_STREQ(err, "entry at offset 0x2c (type 0) has no length byte, past the table's end 0x2d");
}

static void short_processor_entry(void)
{
	mb_init(&m, 0xFEE00000u, 0);
	raw(&m, 0, 6, 4);
	lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	mb_done(&m);
	EXPECT_EQ(parse(), -1);
	EXPECT_STREQ(err, "entry at offset 0x2c (type 0, processor local APIC) has length 6, shorter than 8");
	EXPECT_EQ(info.cpu_count, 0);
}

static void short_entries_each_type(void)
{
	static const struct { uint8_t type, min; } t[] = {
		{ 0, 8 }, { 1, 12 }, { 2, 10 }, { 4, 6 }, { 5, 12 }, { 9, 16 }, { 0xA, 12 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		mb_init(&m, 0xFEE00000u, 0);
		raw(&m, t[i].type, (uint8_t)(t[i].min - 1), t[i].min - 3);
		mb_done(&m);
		EXPECT_EQ(parse(), -1);
		EXPECT_TRUE(strstr(err, "shorter than") != NULL);

		mb_init(&m, 0xFEE00000u, 0);
		raw(&m, t[i].type, t[i].min, t[i].min - 2);
		mb_done(&m);
		EXPECT_EQ(parse(), 0);
		EXPECT_EQ(info.unknown_entries, 0);
	}
}

static void bad_arguments(void)
{
	qemu_madt(&m);
	EXPECT_EQ(madt_parse(NULL, 100, &info, err, sizeof(err)), -1);
	EXPECT_TRUE(err[0] != '\0');
	EXPECT_EQ(madt_parse(m.b, m.len, NULL, err, sizeof(err)), -1);
	EXPECT_TRUE(err[0] != '\0');
	/* No error buffer, or a tiny one: still safe. */
	EXPECT_EQ(madt_parse(m.b, 10, &info, NULL, 0), -1);
	err[0] = 'X'; err[1] = 'Y';
	EXPECT_EQ(madt_parse(m.b, 10, &info, err, 1), -1);
	EXPECT_EQ(err[0], '\0');
	EXPECT_EQ(err[1], 'Y');
}

/* ---- Fuzz ---------------------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void fuzz(void)
{
	static struct mb base;
	unsigned ok = 0, bad = 0;

	mb_init(&base, 0xFEE00000u, 1);
	for (unsigned i = 0; i < 6; i++)
		lapic(&base, (uint8_t)i, (uint8_t)i, i == 4 ? 0 : ACPI_MADT_ENABLED);
	ioapic(&base, 0, 0xFEC00000u, 0);
	ioapic(&base, 1, 0xFEC01000u, 24);
	iso(&base, 0, 2, 0);
	iso(&base, 9, 9, 0xD);
	lapic_nmi(&base, 0xFF, 0, 1);
	lapic_ovr(&base, 0xFEE00000u);
	x2apic(&base, 0x100, ACPI_MADT_ENABLED, 100);
	x2apic(&base, 3, ACPI_MADT_ENABLED, 3);
	x2apic_nmi(&base, 0, 0xFFFFFFFFu, 1);
	raw(&base, 0x10, 6, 4);
	mb_done(&base);

	rng_state = 0x9E3779B97F4A7C15ull;
	for (unsigned iter = 0; iter < 5000; iter++) {
		uint8_t work[MB_CAP];
		size_t len = base.len;
		unsigned nmut = 1 + rng() % 4;
		uint8_t *copy;
		int rc;

		memcpy(work, base.b, base.len);
		for (unsigned k = 0; k < nmut; k++) {
			switch (rng() % 5) {
			case 0:         /* flip a bit anywhere after the signature */
				work[4 + rng() % (base.len - 4)] ^= (uint8_t)(1u << (rng() % 8));
				break;
			case 1:         /* random byte in the entry area */
				work[44 + rng() % (base.len - 44)] = (uint8_t)rng();
				break;
			case 2:         /* small length byte: the interesting edge */
				work[44 + rng() % (base.len - 44)] = (uint8_t)(rng() % 20);
				break;
			case 3:         /* truncate */
				len = rng() % (len + 1);
				break;
			default:        /* grow with random bytes */
				if (len + 8 <= MB_CAP) {
					for (unsigned j = 0; j < 8; j++)
						work[len + j] = (uint8_t)rng();
					len += 8;
				}
				break;
			}
		}

		/* An exactly-sized heap copy, so ASan flags any read past len. */
		copy = malloc(len ? len : 1);
		if (!copy) {
			EXPECT_TRUE(copy != NULL);
			return;
		}
		memcpy(copy, work, len);
		memset(err, 0, sizeof(err));
		rc = madt_parse(copy, len, &info, err, sizeof(err));
		free(copy);

		EXPECT_TRUE(rc == 0 || rc == -1);
		if (rc == 0) {
			ok++;
			EXPECT_EQ(err[0], '\0');
		} else {
			bad++;
			EXPECT_TRUE(err[0] != '\0');
		}
		EXPECT_TRUE(info.cpu_count <= MADT_MAX_CPUS);
		EXPECT_TRUE(info.ioapic_count <= MADT_MAX_IOAPICS);
		EXPECT_TRUE(info.iso_count <= MADT_MAX_OVERRIDES);
		EXPECT_EQ(info.iso_count + info.isos_dropped, info.overrides);
		for (uint8_t irq = 0; irq < 20; irq++) {
			uint32_t g;
			bool lvl, lo;

			if (!madt_isa_irq_route(&info, irq, &g, &lvl, &lo))
				EXPECT_TRUE(!lvl && !lo);
		}
		for (uint32_t i = 0; i < info.cpu_count; i++)
			for (uint32_t j = i + 1; j < info.cpu_count; j++)
				EXPECT_TRUE(info.cpus[i].apic_id != info.cpus[j].apic_id);
		if (test_case_failed) {
			fprintf(stderr, "  fuzz iteration %u failed (len %zu, rc %d, err \"%s\")\n",
				iter, len, rc, err);
			return;
		}
	}
	/* Both outcomes must actually be exercised for the loop to mean anything. */
	EXPECT_TRUE(ok > 100);
	EXPECT_TRUE(bad > 100);
}

int main(void)
{
	RUN(qemu_like);
	RUN(no_entries_no_pcat);
	RUN(disabled_and_online_capable);
	RUN(x2apic_entries);
	RUN(duplicate_xapic_x2apic);
	RUN(apic_id_ff_skipped);
	RUN(lapic_address_override);
	RUN(too_many_cpus);
	RUN(too_many_ioapics);
	RUN(unknown_types_skipped);
	RUN(longer_known_entry_accepted);
	RUN(unaligned_table);
	RUN(route_no_override);
	RUN(route_qemu);
	RUN(route_override_level_low);
	RUN(route_other_bus_ignored);
	RUN(route_reserved_flags);
	RUN(route_too_many_overrides);
	RUN(ioapic_for_gsi);
	RUN(truncated_header);
	RUN(entry_length_zero);
	RUN(entry_length_one);
	RUN(entry_past_end);
	RUN(short_processor_entry);
	RUN(short_entries_each_type);
	RUN(bad_arguments);
	RUN(fuzz);
	TEST_MAIN_END();
}

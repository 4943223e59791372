/* drivers/acpi_madt.h - MADT ("APIC") parser, ACPI 6.5 section 5.2.12: pure logic, host-testable.
 *
 * The Multiple APIC Description Table lists every processor (by local APIC
 * or x2APIC ID) and every I/O APIC. madt_parse() reads a table the caller has
 * already mapped and checksum-checked (acpi_table_find(t, "APIC", 0, ...))
 * and never reads a byte outside [table, table + len). */
#ifndef DRIVERS_ACPI_MADT_H
#define DRIVERS_ACPI_MADT_H

#include "lib/types.h"
#include "drivers/acpi_tables.h"

/* ---- Hardware layouts (ACPI 6.5 5.2.12) ----------------------------------- */

/* The fixed part, Table 5.19: SDT header, local APIC address, flags. */
struct acpi_madt {
	struct acpi_sdt_header hdr;     /* signature "APIC" */
	uint32_t lapic_address;         /* 36: 32-bit local APIC base */
	uint32_t flags;                 /* 40: ACPI_MADT_PCAT_COMPAT */
} __packed;
_Static_assert(offsetof(struct acpi_madt, lapic_address) == 36, "MADT local APIC address");
_Static_assert(offsetof(struct acpi_madt, flags) == 40, "MADT flags");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part is 44 bytes");

#define ACPI_MADT_PCAT_COMPAT BIT(0)    /* a dual-8259 setup is also present */

/* Every interrupt controller structure starts with type and length. */
struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;                 /* of the whole entry, these 2 bytes included */
} __packed;
_Static_assert(sizeof(struct acpi_madt_entry) == 2, "MADT entry header");

#define ACPI_MADT_LAPIC          0x0u
#define ACPI_MADT_IOAPIC         0x1u
#define ACPI_MADT_ISO            0x2u   /* interrupt source override */
#define ACPI_MADT_LAPIC_NMI      0x4u
#define ACPI_MADT_LAPIC_ADDR_OVR 0x5u
#define ACPI_MADT_X2APIC         0x9u
#define ACPI_MADT_X2APIC_NMI     0xAu

/* Local APIC flags (Table 5.23), shared by types 0 and 9. Online Capable is
 * only meaningful when Enabled is clear: the CPU may be hot-enabled later. */
#define ACPI_MADT_ENABLED        BIT(0)
#define ACPI_MADT_ONLINE_CAPABLE BIT(1)

/* Type 0, Processor Local APIC, 5.2.12.2. */
struct acpi_madt_lapic {
	struct acpi_madt_entry h;
	uint8_t  acpi_uid;              /* ACPI Processor UID */
	uint8_t  apic_id;
	uint32_t flags;
} __packed;
_Static_assert(offsetof(struct acpi_madt_lapic, apic_id) == 3, "LAPIC APIC ID");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "LAPIC entry is 8 bytes");

/* Type 1, I/O APIC, 5.2.12.3. */
struct acpi_madt_ioapic {
	struct acpi_madt_entry h;
	uint8_t  id;
	uint8_t  reserved;
	uint32_t address;               /* 32-bit physical MMIO base */
	uint32_t gsi_base;              /* first global system interrupt it serves */
} __packed;
_Static_assert(offsetof(struct acpi_madt_ioapic, address) == 4, "IOAPIC address");
_Static_assert(offsetof(struct acpi_madt_ioapic, gsi_base) == 8, "IOAPIC GSI base");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "IOAPIC entry is 12 bytes");

/* Type 2, Interrupt Source Override, 5.2.12.5. */
struct acpi_madt_iso {
	struct acpi_madt_entry h;
	uint8_t  bus;                   /* 0 = ISA */
	uint8_t  source;                /* bus-relative IRQ */
	uint32_t gsi;
	uint16_t flags;                 /* MPS INTI flags: polarity, trigger mode */
} __packed;
_Static_assert(offsetof(struct acpi_madt_iso, gsi) == 4, "ISO GSI");
_Static_assert(offsetof(struct acpi_madt_iso, flags) == 8, "ISO flags");
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "ISO entry is 10 bytes");

#define ACPI_MADT_BUS_ISA 0u            /* 5.2.12.5: the only bus value defined */

/* MPS INTI flags, ACPI 6.5 5.2.12.5 (MPS INTI Flags table): polarity in
 * bits 1:0, trigger mode in bits 3:2. "Conforms" means the bus's own
 * default: for ISA, active high and edge triggered. The value 2 is reserved
 * in both fields. */
#define ACPI_MPS_POLARITY_MASK     0x3u
#define ACPI_MPS_POLARITY_CONFORMS 0x0u
#define ACPI_MPS_POLARITY_HIGH     0x1u
#define ACPI_MPS_POLARITY_LOW      0x3u
#define ACPI_MPS_TRIGGER_SHIFT     2
#define ACPI_MPS_TRIGGER_MASK      (0x3u << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MPS_TRIGGER_CONFORMS  (0x0u << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MPS_TRIGGER_EDGE      (0x1u << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MPS_TRIGGER_LEVEL     (0x3u << ACPI_MPS_TRIGGER_SHIFT)

/* Type 4, Local APIC NMI, 5.2.12.7. */
struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry h;
	uint8_t  acpi_uid;              /* 0xFF = all processors */
	uint16_t flags;
	uint8_t  lint;                  /* LINT0 or LINT1 */
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "LAPIC NMI entry is 6 bytes");

/* Type 5, Local APIC Address Override, 5.2.12.8. */
struct acpi_madt_lapic_addr_ovr {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint64_t address;               /* 64-bit local APIC base, replaces the header's */
} __packed;
_Static_assert(offsetof(struct acpi_madt_lapic_addr_ovr, address) == 4, "LAPIC override address");
_Static_assert(sizeof(struct acpi_madt_lapic_addr_ovr) == 12, "LAPIC override entry is 12 bytes");

/* Type 9, Processor Local x2APIC, 5.2.12.12. */
struct acpi_madt_x2apic {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;                 /* as the local APIC flags */
	uint32_t acpi_uid;
} __packed;
_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "x2APIC ID");
_Static_assert(offsetof(struct acpi_madt_x2apic, flags) == 8, "x2APIC flags");
_Static_assert(offsetof(struct acpi_madt_x2apic, acpi_uid) == 12, "x2APIC UID");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "x2APIC entry is 16 bytes");

/* Type 0xA, Local x2APIC NMI, 5.2.12.13. */
struct acpi_madt_x2apic_nmi {
	struct acpi_madt_entry h;
	uint16_t flags;
	uint32_t acpi_uid;              /* 0xFFFFFFFF = all processors */
	uint8_t  lint;
	uint8_t  reserved[3];
} __packed;
_Static_assert(offsetof(struct acpi_madt_x2apic_nmi, acpi_uid) == 4, "x2APIC NMI UID");
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "x2APIC NMI entry is 12 bytes");

/* ---- Parsed result -------------------------------------------------------- */

#define MADT_MAX_CPUS      256
#define MADT_MAX_IOAPICS   16
#define MADT_MAX_OVERRIDES 16           /* one per ISA IRQ is all a sane table needs */

#define ISA_IRQ_COUNT      16           /* ISA IRQs 0-15 */

struct madt_cpu {
	uint32_t apic_id;               /* xAPIC ID (< 0xFF) or x2APIC ID */
	uint32_t acpi_uid;
	bool     x2apic;                /* came from a type 9 entry */
	bool     online_capable;        /* not enabled now, only hot-pluggable: may not answer INIT-SIPI */
};

struct madt_ioapic {
	uint8_t  id;
	uint32_t address;
	uint32_t gsi_base;
};

/* One interrupt source override (type 2), as found. */
struct madt_override {
	uint8_t  bus;                   /* ACPI_MADT_BUS_ISA; others are ignored when routing */
	uint8_t  source_irq;            /* bus-relative IRQ */
	uint32_t gsi;
	uint16_t flags;                 /* ACPI_MPS_* */
};

struct madt_info {
	uint32_t lapic_address;         /* the header's 32-bit field, as found */
	uint64_t lapic_address64;       /* the one to use: the header's, or a type 5 override (last wins) */
	bool     pcat_compat;           /* flags bit 0: dual 8259s present */

	/* Enabled or online-capable processors only, in table order, each APIC
	 * ID once. The first is usually the boot CPU but the caller decides by
	 * APIC ID. */
	struct madt_cpu cpus[MADT_MAX_CPUS];
	uint32_t cpu_count;
	uint32_t cpus_disabled;         /* entries neither enabled nor online-capable */
	uint32_t cpus_dropped;          /* usable ones beyond MADT_MAX_CPUS */
	uint32_t cpus_invalid;          /* usable-flagged, but ID 0xFF (xAPIC) / 0xFFFFFFFF (x2APIC) */
	uint32_t cpus_duplicate;        /* usable entries whose APIC ID was already listed */

	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	uint32_t ioapic_count;
	uint32_t ioapics_dropped;       /* beyond MADT_MAX_IOAPICS */

	uint32_t overrides;             /* interrupt source overrides seen (type 2) */
	struct madt_override isos[MADT_MAX_OVERRIDES];   /* in table order */
	uint32_t iso_count;
	uint32_t isos_dropped;          /* beyond MADT_MAX_OVERRIDES: overrides == iso_count + isos_dropped */
	uint32_t nmis;                  /* local APIC / x2APIC NMI entries (types 4, 0xA) */
	uint32_t unknown_entries;       /* other types, skipped by their length */
};

/* Parses a MADT whose bytes are [table, table+len) (len from its header,
 * already checksum-checked by the caller). Returns 0, or -1 with a one-line
 * reason in err (when err is non-NULL and errlen > 0; err is "" on success):
 * too short for the fixed part (44 bytes), an entry with length < 2, an entry
 * running past the end ("entry at offset 0x.. (type N) has length L, past
 * the table's end 0x.."), or a known entry shorter than its type's fixed
 * size. Longer known entries are accepted (later revisions may append
 * fields) and skipped by their length. A processor whose APIC ID is 0xFF
 * (xAPIC) or 0xFFFFFFFF (x2APIC) is skipped as not usable. The same APIC ID
 * listed twice (e.g. once as xAPIC, once as x2APIC) counts once, the first
 * entry kept. *out is fully written either way; on error it holds what was
 * parsed before the bad entry. */
int madt_parse(const void *table, size_t len, struct madt_info *out, char *err, size_t errlen);

/* Where ISA IRQ isa_irq (0-15) arrives, ACPI 6.5 5.2.12.5: at the GSI of the
 * same number, edge triggered, active high, unless a bus-0 interrupt source
 * override for that source says otherwise (the first one in table order, if
 * firmware lists several). An override's "conforms" or reserved polarity /
 * trigger keeps the ISA default for that field. Writes *gsi,
 * *level_triggered and *active_low (each may be NULL) and returns true;
 * returns false, the outputs then holding the identity defaults, when m
 * is NULL or isa_irq > 15, when no stored override matches but some were
 * dropped (the missing one may have been this IRQ's), or when the IRQ has no override
 * and another ISA IRQ's override takes its GSI (QEMU's IRQ0->GSI2 leaves
 * IRQ 2 with nowhere to go: it is the 8259 cascade, absent in APIC mode). */
bool madt_isa_irq_route(const struct madt_info *m, uint8_t isa_irq, uint32_t *gsi,
			bool *level_triggered, bool *active_low);

/* The I/O APIC whose GSI range can hold gsi: the one with the greatest
 * gsi_base <= gsi (ACPI 6.5 5.2.12.3: each I/O APIC serves gsi_base up to
 * gsi_base + its number of redirection entries - 1). That number is only in
 * the I/O APIC's version register, so the caller must still check that gsi -
 * gsi_base is below it. NULL if every I/O APIC starts above gsi. */
const struct madt_ioapic *madt_ioapic_for_gsi(const struct madt_info *m, uint32_t gsi);

#endif

/* drivers/acpi_madt.c - MADT ("APIC") parser, ACPI 6.5 section 5.2.12: pure logic, host-testable.
 *
 * The table is firmware input: the entry walk checks each entry's length
 * against the table's end before reading it, a length below 2 stops the walk
 * (it could never advance), and fields are assembled byte by byte at the
 * offsets of the packed layouts in the header, so nothing depends on the
 * table's alignment. */
#include "drivers/acpi_madt.h"
#include "lib/printf.h"

#define MADT_XAPIC_ID_NONE  0xFFu          /* broadcast ID: never a real processor */
#define MADT_X2APIC_ID_NONE 0xFFFFFFFFu

static uint32_t rd8(const uint8_t *p) { return p[0]; }
static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static void __printf(3, 4) set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	hv_vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Fixed size and name of each known entry type; 0 = unknown type. */
static size_t entry_min_len(uint8_t type, const char **name)
{
	switch (type) {
	case ACPI_MADT_LAPIC:          *name = "processor local APIC";  return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_IOAPIC:         *name = "I/O APIC";              return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_ISO:            *name = "interrupt source override"; return sizeof(struct acpi_madt_iso);
	case ACPI_MADT_LAPIC_NMI:      *name = "local APIC NMI";        return sizeof(struct acpi_madt_lapic_nmi);
	case ACPI_MADT_LAPIC_ADDR_OVR: *name = "local APIC address override"; return sizeof(struct acpi_madt_lapic_addr_ovr);
	case ACPI_MADT_X2APIC:         *name = "processor local x2APIC"; return sizeof(struct acpi_madt_x2apic);
	case ACPI_MADT_X2APIC_NMI:     *name = "local x2APIC NMI";      return sizeof(struct acpi_madt_x2apic_nmi);
	default:                       *name = "unknown";               return 0;
	}
}

/* One processor entry (type 0 or 9) with its ID, UID and flags decoded. */
static void add_cpu(struct madt_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
	bool enabled = flags & ACPI_MADT_ENABLED;
	/* ACPI 6.5 Table 5.23: Online Capable is reserved (must be zero) when
	 * Enabled is set, so it only means something for a disabled entry. */
	bool online_capable = !enabled && (flags & ACPI_MADT_ONLINE_CAPABLE);

	if (!enabled && !online_capable) {
		out->cpus_disabled++;
		return;
	}
	if (apic_id == (x2apic ? MADT_X2APIC_ID_NONE : MADT_XAPIC_ID_NONE)) {
		out->cpus_invalid++;
		return;
	}
	/* Firmware may describe one processor twice (a type 0 and a type 9
	 * entry, ACPI 6.5 5.2.12.12); starting it twice would be a bug, so keep
	 * the first. Bounded by MADT_MAX_CPUS. An ID already dropped for lack
	 * of room cannot be recognised and is counted as dropped again. */
	for (uint32_t i = 0; i < out->cpu_count; i++) {
		if (out->cpus[i].apic_id == apic_id) {
			/* An enabled listing beats an online-capable-only one. */
			if (enabled)
				out->cpus[i].online_capable = false;
			out->cpus_duplicate++;
			return;
		}
	}
	if (out->cpu_count >= MADT_MAX_CPUS) {
		out->cpus_dropped++;
		return;
	}
	out->cpus[out->cpu_count++] = (struct madt_cpu){
		.apic_id = apic_id, .acpi_uid = uid, .x2apic = x2apic, .online_capable = online_capable,
	};
}

static void add_ioapic(struct madt_info *out, const uint8_t *e)
{
	if (out->ioapic_count >= MADT_MAX_IOAPICS) {
		out->ioapics_dropped++;
		return;
	}
	out->ioapics[out->ioapic_count++] = (struct madt_ioapic){
		.id = (uint8_t)rd8(e + offsetof(struct acpi_madt_ioapic, id)),
		.address = rd32(e + offsetof(struct acpi_madt_ioapic, address)),
		.gsi_base = rd32(e + offsetof(struct acpi_madt_ioapic, gsi_base)),
	};
}

int madt_parse(const void *table, size_t len, struct madt_info *out, char *err, size_t errlen)
{
	const uint8_t *t = table;
	size_t off;

	if (err && errlen)
		err[0] = '\0';
	if (!out) {
		set_err(err, errlen, "no output buffer");
		return -1;
	}
	*out = (struct madt_info){ 0 };
	if (!t) {
		set_err(err, errlen, "no table");
		return -1;
	}
	if (len < sizeof(struct acpi_madt)) {
		set_err(err, errlen, "table length %zu is shorter than the MADT's fixed part (%zu bytes)",
			len, sizeof(struct acpi_madt));
		return -1;
	}

	out->lapic_address = rd32(t + offsetof(struct acpi_madt, lapic_address));
	out->lapic_address64 = out->lapic_address;
	out->pcat_compat = rd32(t + offsetof(struct acpi_madt, flags)) & ACPI_MADT_PCAT_COMPAT;

	/* Each pass advances off by at least 2 (shorter lengths are rejected),
	 * so the walk ends within len / 2 iterations. */
	for (off = sizeof(struct acpi_madt); off < len;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0];
		const char *name;
		size_t min_len = entry_min_len(type, &name);
		size_t elen;

		if (len - off < sizeof(struct acpi_madt_entry)) {
			set_err(err, errlen, "entry at offset 0x%zx (type %u) has no length byte, past the table's end 0x%zx",
				off, type, len);
			return -1;
		}
		elen = e[1];
		if (elen < sizeof(struct acpi_madt_entry)) {
			set_err(err, errlen, "entry at offset 0x%zx (type %u) has length %zu, less than 2",
				off, type, elen);
			return -1;
		}
		if (elen > len - off) {
			set_err(err, errlen, "entry at offset 0x%zx (type %u) has length %zu, past the table's end 0x%zx",
				off, type, elen, len);
			return -1;
		}
		if (elen < min_len) {
			set_err(err, errlen, "entry at offset 0x%zx (type %u, %s) has length %zu, shorter than %zu",
				off, type, name, elen, min_len);
			return -1;
		}

		switch (type) {
		case ACPI_MADT_LAPIC:
			add_cpu(out, rd8(e + offsetof(struct acpi_madt_lapic, apic_id)),
				rd8(e + offsetof(struct acpi_madt_lapic, acpi_uid)),
				rd32(e + offsetof(struct acpi_madt_lapic, flags)), false);
			break;
		case ACPI_MADT_X2APIC:
			add_cpu(out, rd32(e + offsetof(struct acpi_madt_x2apic, x2apic_id)),
				rd32(e + offsetof(struct acpi_madt_x2apic, acpi_uid)),
				rd32(e + offsetof(struct acpi_madt_x2apic, flags)), true);
			break;
		case ACPI_MADT_IOAPIC:
			add_ioapic(out, e);
			break;
		case ACPI_MADT_ISO:
			out->overrides++;
			break;
		case ACPI_MADT_LAPIC_NMI:
		case ACPI_MADT_X2APIC_NMI:
			out->nmis++;
			break;
		case ACPI_MADT_LAPIC_ADDR_OVR:
			/* ACPI 6.5 5.2.12.8: at most one; if several, the last wins as in Linux. */
			out->lapic_address64 = rd64(e + offsetof(struct acpi_madt_lapic_addr_ovr, address));
			break;
		default:
			out->unknown_entries++;
			break;
		}
		off += elen;
	}
	return 0;
}

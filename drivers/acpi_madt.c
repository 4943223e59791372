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

static void add_override(struct madt_info *out, const uint8_t *e)
{
	out->overrides++;
	if (out->iso_count >= MADT_MAX_OVERRIDES) {
		out->isos_dropped++;
		return;
	}
	out->isos[out->iso_count++] = (struct madt_override){
		.bus = (uint8_t)rd8(e + offsetof(struct acpi_madt_iso, bus)),
		.source_irq = (uint8_t)rd8(e + offsetof(struct acpi_madt_iso, source)),
		.gsi = rd32(e + offsetof(struct acpi_madt_iso, gsi)),
		.flags = (uint16_t)rd16(e + offsetof(struct acpi_madt_iso, flags)),
	};
}

int madt_parse(const void *table, size_t len, struct madt_info *out, char *err, size_t errlen)
{
	const uint8_t *t = table;
	size_t off;

	if (err && errlen)
		err[0] = '\0';
	if (!out) {
		hv_set_err(err, errlen, "no output buffer");
		return -1;
	}
	*out = (struct madt_info){ 0 };
	if (!t) {
		hv_set_err(err, errlen, "no table");
		return -1;
	}
	if (len < sizeof(struct acpi_madt)) {
		hv_set_err(err, errlen, "table length %zu is shorter than the MADT's fixed part (%zu bytes)",
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
			hv_set_err(err, errlen, "entry at offset 0x%zx (type %u) has no length byte, past the table's end 0x%zx",
				off, type, len);
			return -1;
		}
		elen = e[1];
		if (elen < sizeof(struct acpi_madt_entry)) {
			hv_set_err(err, errlen, "entry at offset 0x%zx (type %u) has length %zu, less than 2",
				off, type, elen);
			return -1;
		}
		if (elen > len - off) {
			hv_set_err(err, errlen, "entry at offset 0x%zx (type %u) has length %zu, past the table's end 0x%zx",
				off, type, elen, len);
			return -1;
		}
		if (elen < min_len) {
			hv_set_err(err, errlen, "entry at offset 0x%zx (type %u, %s) has length %zu, shorter than %zu",
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
			add_override(out, e);
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

/* Whether isos[i] is the first bus-0 override for its source: the one in
 * force (madt_isa_irq_route() ignores later duplicates). */
static bool first_for_source(const struct madt_info *m, uint32_t i)
{
	for (uint32_t j = 0; j < i; j++)
		if (m->isos[j].bus == ACPI_MADT_BUS_ISA && m->isos[j].source_irq == m->isos[i].source_irq)
			return false;
	return true;
}

/* ACPI 6.5 5.2.12.5: "It is assumed that the ISA interrupts will be
 * identity-mapped into the first I/O APIC sources", with interrupt source
 * overrides for the exceptions, and ISA interrupts are edge triggered,
 * active high (what "conforms to the bus" means for ISA, MPS INTI Flags table). */
bool madt_isa_irq_route(const struct madt_info *m, uint8_t isa_irq, uint32_t *gsi,
			bool *level_triggered, bool *active_low)
{
	uint32_t g = isa_irq;
	bool level = false, low = false, found = false, ok = true;

	if (!m || isa_irq >= ISA_IRQ_COUNT) {
		ok = false;
		goto out;
	}
	for (uint32_t i = 0; i < m->iso_count; i++) {
		const struct madt_override *o = &m->isos[i];

		if (o->bus != ACPI_MADT_BUS_ISA || o->source_irq != isa_irq)
			continue;
		g = o->gsi;
		/* Only an explicit value changes the default; "conforms" and
		 * the reserved encoding 2 both leave the ISA default in place:
		 * a reserved value says nothing, and the bus default is what
		 * an ISA device drives. */
		switch (o->flags & ACPI_MPS_POLARITY_MASK) {
		case ACPI_MPS_POLARITY_LOW:  low = true;  break;
		case ACPI_MPS_POLARITY_HIGH: low = false; break;
		default: break;
		}
		switch (o->flags & ACPI_MPS_TRIGGER_MASK) {
		case ACPI_MPS_TRIGGER_LEVEL: level = true;  break;
		case ACPI_MPS_TRIGGER_EDGE:  level = false; break;
		default: break;
		}
		found = true;
		break;
	}
	if (!found) {
		/* The override we needed may be among the ones not stored. */
		if (m->isos_dropped) {
			ok = false;
			goto out;
		}
		/* Identity mapping, unless another ISA IRQ has been moved onto
		 * this GSI: then the GSI is that IRQ's, and this one has none. */
		for (uint32_t i = 0; i < m->iso_count; i++) {
			const struct madt_override *o = &m->isos[i];

			if (o->bus == ACPI_MADT_BUS_ISA && o->gsi == isa_irq && first_for_source(m, i)) {
				ok = false;
				goto out;
			}
		}
	}
out:
	if (gsi)
		*gsi = g;
	if (level_triggered)
		*level_triggered = level;
	if (active_low)
		*active_low = low;
	return ok;
}

const struct madt_ioapic *madt_ioapic_for_gsi(const struct madt_info *m, uint32_t gsi)
{
	const struct madt_ioapic *best = NULL;

	if (!m)
		return NULL;
	/* Table order is not GSI order on every machine, so look at them all. */
	for (uint32_t i = 0; i < m->ioapic_count; i++) {
		const struct madt_ioapic *io = &m->ioapics[i];

		if (io->gsi_base <= gsi && (!best || io->gsi_base > best->gsi_base))
			best = io;
	}
	return best;
}

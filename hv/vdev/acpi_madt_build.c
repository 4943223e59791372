/* hv/vdev/acpi_madt_build.c - The virtual PC's MADT (ACPI 6.5, 5.2.12):
 * where the local APICs and the IOAPIC are, and how ISA IRQs reach GSIs.
 *
 * Entries in QEMU 7.2's order (hw/i386/acpi-common.c, acpi_build_madt):
 *   - one Processor Local APIC per vCPU: processor UID = APIC ID = index,
 *     enabled (the SSDT's processor devices have the same _UID);
 *   - the IOAPIC;
 *   - interrupt source overrides, by ISA IRQ: 0 -> GSI 2 with "conforms"
 *     flags (the PIT on IOAPIC pin 2, as on QEMU and most PCs), then the
 *     SCI and the PCI links' IRQs (9, 10, 11), each on its own GSI, level
 *     triggered and active high, because that is how the SCI and the PCI
 *     INTx lines drive the IOAPIC pins (QEMU lists 5, 9, 10, 11: its links
 *     may pick 5, ours never do, so 5 keeps ISA's edge/high default);
 *   - Local APIC NMI: LINT1 of every processor (UID 0xFF), conforms.
 * PCAT_COMPAT is set: the board has the two 8259s too. */
#include "hv/vdev/acpi_build.h"
#include "hv/vdev/acpi_dsdt.h"
#include "drivers/acpi_madt.h"
#include "lib/string.h"

#define MADT_ALL_PROCESSORS 0xffu
#define MADT_LINT1          1u
#define ISO_LEVEL_HIGH      (ACPI_MPS_POLARITY_HIGH | ACPI_MPS_TRIGGER_LEVEL)

_Static_assert(sizeof(struct acpi_madt_lapic) == 8 && sizeof(struct acpi_madt_ioapic) == 12 &&
	       sizeof(struct acpi_madt_iso) == 10 && sizeof(struct acpi_madt_lapic_nmi) == 6,
	       "MADT entry sizes (ACPI 6.5, Tables 5.22, 5.24, 5.25, 5.28)");
_Static_assert(offsetof(struct acpi_madt_iso, source) == 3, "ISO source");
_Static_assert(offsetof(struct acpi_madt_lapic_nmi, lint) == 5, "LAPIC NMI LINT#");

/* ISA IRQs routed level/active-high: the SCI and the PCI links' IRQs. */
static bool isa_irq_level_high(const struct acpi_board *b, unsigned irq)
{
	return irq == b->sci_irq || irq == ACPI_PCI_LNKA_GSI || irq == ACPI_PCI_LNKB_GSI ||
	       irq == ACPI_PCI_LNKC_GSI || irq == ACPI_PCI_LNKD_GSI || irq == ACPI_PCI_LNKS_GSI;
}

/* The overrides, in IRQ order; returns how many (at most 16). */
static unsigned iso_list(const struct acpi_board *b, struct acpi_madt_iso *out)
{
	unsigned n = 0;

	for (unsigned irq = 0; irq < 16; irq++) {
		uint32_t gsi;
		uint16_t flags;

		if (irq == PC_IRQ_PIT) {
			gsi = PC_GSI_PIT;
			flags = ACPI_MPS_POLARITY_CONFORMS | ACPI_MPS_TRIGGER_CONFORMS;
		} else if (isa_irq_level_high(b, irq)) {
			gsi = irq;
			flags = ISO_LEVEL_HIGH;
		} else {
			continue;
		}
		if (out) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].h.type = ACPI_MADT_ISO;
			out[n].h.length = sizeof(out[n]);
			out[n].bus = ACPI_MADT_BUS_ISA;
			out[n].source = (uint8_t)irq;
			out[n].gsi = b->ioapic_gsi_base + gsi;
			out[n].flags = flags;
		}
		n++;
	}
	return n;
}

size_t acpi_madt_size(const struct acpi_board *b)
{
	return sizeof(struct acpi_madt) + b->vcpus * sizeof(struct acpi_madt_lapic) +
	       sizeof(struct acpi_madt_ioapic) + iso_list(b, NULL) * sizeof(struct acpi_madt_iso) +
	       sizeof(struct acpi_madt_lapic_nmi);
}

void acpi_madt_write(const struct acpi_board *b, uint8_t *dst)
{
	struct acpi_madt m;
	struct acpi_madt_ioapic io;
	struct acpi_madt_iso isos[16];
	struct acpi_madt_lapic_nmi nmi;
	size_t len = acpi_madt_size(b), at = sizeof(m);
	unsigned niso = iso_list(b, isos);

	memset(&m, 0, sizeof(m));
	acpi_sdt_header_init(&m.hdr, "APIC", (uint32_t)len, ACPI_MADT_REVISION);
	m.lapic_address = b->lapic_gpa;
	m.flags = ACPI_MADT_PCAT_COMPAT;
	memcpy(dst, &m, sizeof(m));

	for (unsigned i = 0; i < b->vcpus; i++) {
		struct acpi_madt_lapic lapic = {
			.h = { .type = ACPI_MADT_LAPIC, .length = sizeof(lapic) },
			.acpi_uid = (uint8_t)i,
			.apic_id = (uint8_t)i,
			.flags = ACPI_MADT_ENABLED,
		};
		memcpy(dst + at, &lapic, sizeof(lapic));
		at += sizeof(lapic);
	}

	memset(&io, 0, sizeof(io));
	io.h.type = ACPI_MADT_IOAPIC;
	io.h.length = sizeof(io);
	io.id = b->ioapic_id;
	io.address = b->ioapic_gpa;
	io.gsi_base = b->ioapic_gsi_base;
	memcpy(dst + at, &io, sizeof(io));
	at += sizeof(io);

	memcpy(dst + at, isos, niso * sizeof(isos[0]));
	at += niso * sizeof(isos[0]);

	memset(&nmi, 0, sizeof(nmi));
	nmi.h.type = ACPI_MADT_LAPIC_NMI;
	nmi.h.length = sizeof(nmi);
	nmi.acpi_uid = MADT_ALL_PROCESSORS;
	nmi.flags = ACPI_MPS_POLARITY_CONFORMS | ACPI_MPS_TRIGGER_CONFORMS;
	nmi.lint = MADT_LINT1;
	memcpy(dst + at, &nmi, sizeof(nmi));   /* the last entry: at + 6 == len */
	acpi_table_checksum(dst);
}

/* drivers/ioapic.c - The I/O APIC (Intel 82093AA datasheet), found through
 * the MADT (ACPI 6.5 5.2.12.3). Its registers sit in the 32-bit MMIO window,
 * which the direct map always covers, uncached through the MTRRs (mm/vmem.c),
 * so phys_to_virt() reaches them as it does the xAPIC page (drivers/lapic.c).
 * Every access is a 32-bit load or store: 82093AA 3.1 allows no other size.
 *
 * The hardware part builds on the host too (HOST_TEST): the unit test then
 * stands in for the MMIO accesses and checks their order. */
#include "drivers/ioapic.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#ifndef HOST_TEST
#include "mm/phys.h"
#endif

/* IOREGSEL and IOWIN are one shared pair per I/O APIC: a CPU that selects a
 * register while another is between its select and its window access makes
 * the other read or write the wrong register. One lock for all I/O APICs is
 * plenty: they are touched at boot and when a route changes. */
static struct spinlock ioapic_lock;

uint64_t ioapic_rte(uint8_t vector, uint32_t dest_apic_id, bool level, bool active_low, bool masked)
{
	uint64_t rte = vector | IOAPIC_RTE_DELIVERY_FIXED;   /* bit 11 clear: physical destination */

	if (active_low)
		rte |= IOAPIC_RTE_ACTIVE_LOW;
	if (level)
		rte |= IOAPIC_RTE_LEVEL;
	if (masked)
		rte |= IOAPIC_RTE_MASKED;
	return rte | ((uint64_t)(dest_apic_id & 0xffu) << IOAPIC_RTE_DEST_SHIFT);
}

static uint32_t mmio_read32(hpa_t pa)
{
#ifdef HOST_TEST
	return ioapic_test_mmio_read(pa);
#else
	return *(volatile uint32_t *)phys_to_virt(pa);
#endif
}

static void mmio_write32(hpa_t pa, uint32_t val)
{
#ifdef HOST_TEST
	ioapic_test_mmio_write(pa, val);
#else
	*(volatile uint32_t *)phys_to_virt(pa) = val;
#endif
}

/* Indirect register access; the caller holds ioapic_lock. */
static uint32_t reg_read(const struct madt_ioapic *io, uint32_t reg)
{
	mmio_write32((hpa_t)io->address + IOAPIC_IOREGSEL, reg);
	return mmio_read32((hpa_t)io->address + IOAPIC_IOWIN);
}

static void reg_write(const struct madt_ioapic *io, uint32_t reg, uint32_t val)
{
	mmio_write32((hpa_t)io->address + IOAPIC_IOREGSEL, reg);
	mmio_write32((hpa_t)io->address + IOAPIC_IOWIN, val);
}

/* Number of redirection entries (82093AA 3.2.2: the version register's
 * 23:16 is the highest entry's index), or 0 if nothing answers at the
 * address: a read of unclaimed MMIO returns all ones. Caller holds the lock. */
static uint32_t entry_count(const struct madt_ioapic *io)
{
	uint32_t ver = reg_read(io, IOAPIC_REG_VER);

	return ver == 0xffffffffu ? 0 : IOAPIC_VER_MAX_ENTRY(ver) + 1;
}

bool ioapic_route_isa_irq(const struct madt_info *m, uint8_t isa_irq, uint8_t vector,
			  uint32_t dest_apic_id, char *err, size_t errlen)
{
	const struct madt_ioapic *io;
	uint32_t gsi, pin, entries;
	bool level, low;
	uint64_t rte;

	if (err && errlen)
		err[0] = '\0';
	if (!m || m->ioapic_count == 0) {
		hv_set_err(err, errlen, "no I/O APIC in the MADT");
		return false;
	}
	if (vector < IOAPIC_MIN_VECTOR) {
		hv_set_err(err, errlen, "vector 0x%x is below 0x%x (CPU exceptions)", vector, IOAPIC_MIN_VECTOR);
		return false;
	}
	/* xAPIC-format entries carry an 8-bit destination (82093AA 3.2.4);
	 * a larger x2APIC ID needs interrupt remapping, which we do not do. */
	if (dest_apic_id > 0xffu) {
		hv_set_err(err, errlen, "destination APIC ID %u is above 255, which an I/O APIC entry cannot address",
			dest_apic_id);
		return false;
	}
	if (!madt_isa_irq_route(m, isa_irq, &gsi, &level, &low)) {
		if (isa_irq >= ISA_IRQ_COUNT)
			hv_set_err(err, errlen, "IRQ %u is not an ISA IRQ (0-15)", isa_irq);
		else if (m->isos_dropped)
			hv_set_err(err, errlen, "ISA IRQ %u: route unknown, %u interrupt source overrides beyond the %u kept",
				isa_irq, m->isos_dropped, MADT_MAX_OVERRIDES);
		else
			hv_set_err(err, errlen, "ISA IRQ %u: GSI %u belongs to another ISA IRQ's override", isa_irq, gsi);
		return false;
	}
	io = madt_ioapic_for_gsi(m, gsi);
	if (!io) {
		hv_set_err(err, errlen, "ISA IRQ %u: GSI %u is below every I/O APIC's GSI base", isa_irq, gsi);
		return false;
	}
	pin = gsi - io->gsi_base;
	rte = ioapic_rte(vector, dest_apic_id, level, low, false);

	spin_lock(&ioapic_lock);
	entries = entry_count(io);
	if (pin >= entries) {
		spin_unlock(&ioapic_lock);
		if (entries == 0)
			hv_set_err(err, errlen, "I/O APIC %u at 0x%x does not answer (version register reads all ones)",
				io->id, io->address);
		else
			hv_set_err(err, errlen, "ISA IRQ %u: GSI %u is not covered: I/O APIC %u serves GSIs %u-%u",
				isa_irq, gsi, io->id, io->gsi_base, io->gsi_base + entries - 1);
		return false;
	}
	/* Mask first, then the destination, then the low half with the vector
	 * and the mask bit clear: whatever the entry held before, it is never
	 * live with a mix of old and new halves. */
	reg_write(io, IOAPIC_REG_RTE_LO(pin), IOAPIC_RTE_MASKED);
	reg_write(io, IOAPIC_REG_RTE_HI(pin), (uint32_t)(rte >> 32));
	reg_write(io, IOAPIC_REG_RTE_LO(pin), (uint32_t)rte);
	spin_unlock(&ioapic_lock);
	return true;
}

void ioapic_mask_all(const struct madt_info *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; i < m->ioapic_count; i++) {
		const struct madt_ioapic *io = &m->ioapics[i];

		spin_lock(&ioapic_lock);
		uint32_t entries = entry_count(io);
		/* Masked, edge, vector 0, destination 0: the state Linux leaves
		 * an unused pin in. Mask (low half) before touching the rest. */
		for (uint32_t pin = 0; pin < entries; pin++) {
			reg_write(io, IOAPIC_REG_RTE_LO(pin), IOAPIC_RTE_MASKED);
			reg_write(io, IOAPIC_REG_RTE_HI(pin), 0);
		}
		spin_unlock(&ioapic_lock);
	}
}

/* tests/guests/mb/lib/tkacpi.c - ACPI table look-ups (tkacpi.h). */
#include "tkacpi.h"

#define MADT_ENTRIES  44u      /* after the header, the LAPIC address and the flags */
#define MADT_LAPIC    0
#define MADT_IOAPIC   1
#define MADT_OVERRIDE 2
#define MADT_ENABLED  1u

uint8_t tk_acpi_sum(uint32_t addr, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + rd8(addr + i));
	return s;
}

bool tk_acpi_sig_is(uint32_t addr, const char *sig, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (rd8(addr + i) != (uint8_t)sig[i])
			return false;
	return true;
}

uint32_t tk_acpi_find_rsdp(void)
{
	for (uint32_t a = TK_ACPI_SCAN_START; a < TK_ACPI_SCAN_END; a += 16)
		if (tk_acpi_sig_is(a, "RSD PTR ", 8) && tk_acpi_sum(a, 20) == 0)
			return a;
	return 0;
}

uint32_t tk_acpi_root_find(uint32_t root, unsigned entry_size, const char *sig)
{
	uint32_t len = rd32(root + 4);

	for (uint32_t off = 36; off + entry_size <= len && off < 0x10000; off += entry_size) {
		uint32_t t = rd32(root + off);
		if (tk_acpi_sig_is(t, sig, 4))
			return t;
	}
	return 0;
}

uint32_t tk_acpi_find(const char *sig)
{
	uint32_t rsdp = tk_acpi_find_rsdp();

	return rsdp ? tk_acpi_root_find(rd32(rsdp + 16), 4, sig) : 0;
}

bool tk_madt_read(uint32_t madt, struct tk_madt *m)
{
	uint32_t len = rd32(madt + 4);
	bool ioapic = false;

	m->cpus = 0;
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len && off < 0x10000;) {
		uint32_t e = madt + off;
		uint8_t type = rd8(e), elen = rd8(e + 1);
		if (elen < 2)
			return false;
		if (type == MADT_LAPIC && (rd32(e + 4) & MADT_ENABLED) && m->cpus < TK_MADT_MAX_CPUS)
			m->apic_id[m->cpus++] = rd8(e + 3);
		if (type == MADT_IOAPIC && !ioapic) {
			m->ioapic_id = rd8(e + 2);
			m->ioapic_addr = rd32(e + 4);
			m->gsi_base = rd32(e + 8);
			ioapic = true;
		}
		off += elen;
	}
	return ioapic && m->cpus > 0;
}

uint32_t tk_madt_isa_gsi(uint32_t madt, uint8_t irq)
{
	uint32_t len = rd32(madt + 4);

	for (uint32_t off = MADT_ENTRIES; off + 2 <= len && off < 0x10000;) {
		uint32_t e = madt + off;
		uint8_t elen = rd8(e + 1);
		if (elen < 2)
			break;
		if (rd8(e) == MADT_OVERRIDE && rd8(e + 2) == 0 && rd8(e + 3) == irq)
			return rd32(e + 4);
		off += elen;
	}
	return irq;
}

/* tests/guests/mb/lib/tkacpi.h - Finding ACPI tables as an OS does (ACPI
 * 6.5, 5.2.5.1 "Finding the RSDP on IA-PC Systems", 5.2.7 RSDT, 5.2.12
 * MADT) for the test kernels (lib/tkacpi.c). Physical addresses: paging
 * is off. Nothing prints. */
#ifndef TKACPI_H
#define TKACPI_H

#include "tk.h"

#define TK_ACPI_SCAN_START 0xe0000u
#define TK_ACPI_SCAN_END   0x100000u
#define TK_MADT_MAX_CPUS   32u

uint8_t tk_acpi_sum(uint32_t addr, uint32_t len);
bool tk_acpi_sig_is(uint32_t addr, const char *sig, unsigned n);
/* The RSDP: "RSD PTR " on a 16-byte boundary in 0xE0000-0xFFFFF whose
 * first 20 bytes sum to 0; 0 if there is none. */
uint32_t tk_acpi_find_rsdp(void);
/* The first table with signature sig among root's entries (entry_size 4
 * for the RSDT, 8 for the XSDT: the low 32 bits are taken), or 0. */
uint32_t tk_acpi_root_find(uint32_t root, unsigned entry_size, const char *sig);
/* The table sig through the RSDP's RSDT, or 0. */
uint32_t tk_acpi_find(const char *sig);

/* What the MADT says: the enabled local APICs in its order, the first I/O
 * APIC. */
struct tk_madt {
	unsigned cpus;
	uint8_t apic_id[TK_MADT_MAX_CPUS];
	uint32_t ioapic_addr, gsi_base;
	uint8_t ioapic_id;
};
bool tk_madt_read(uint32_t madt, struct tk_madt *out);
/* ISA IRQ irq's GSI: an interrupt source override's, else irq itself. */
uint32_t tk_madt_isa_gsi(uint32_t madt, uint8_t irq);

#endif

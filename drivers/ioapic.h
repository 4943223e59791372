/* drivers/ioapic.h - The I/O APIC (Intel 82093AA datasheet): routes a
 * device's interrupt line, named by its global system interrupt (GSI), to
 * a local APIC as a message with a vector.
 *
 * Registers are indirect: write the register's index to IOREGSEL, then read
 * or write its value through IOWIN, both 32-bit MMIO (82093AA 3.1). The
 * redirection entries are 64 bits wide, two such registers each (3.2.4). */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include "lib/types.h"
#include "drivers/acpi_madt.h"

/* MMIO offsets from the base the MADT gives (82093AA 3.1). */
#define IOAPIC_IOREGSEL 0x00u
#define IOAPIC_IOWIN    0x10u

/* Indirect registers (82093AA 3.2). */
#define IOAPIC_REG_ID       0x00u
#define IOAPIC_REG_VER      0x01u           /* 7:0 version, 23:16 highest entry index */
#define IOAPIC_REG_RTE_LO(n) (0x10u + 2u * (n))
#define IOAPIC_REG_RTE_HI(n) (0x11u + 2u * (n))
#define IOAPIC_VER_MAX_ENTRY(ver) (((ver) >> 16) & 0xffu)

/* Redirection table entry (82093AA 3.2.4). */
#define IOAPIC_RTE_VECTOR_MASK     0xffull         /* 7:0 */
#define IOAPIC_RTE_DELIVERY_MASK   (7ull << 8)     /* 10:8, 000 = fixed */
#define IOAPIC_RTE_DELIVERY_FIXED  (0ull << 8)
#define IOAPIC_RTE_DEST_LOGICAL    BIT(11)         /* 0 = physical: destination is an APIC ID */
#define IOAPIC_RTE_DELIVERY_STATUS BIT(12)         /* read-only: send pending */
#define IOAPIC_RTE_ACTIVE_LOW      BIT(13)
#define IOAPIC_RTE_REMOTE_IRR      BIT(14)         /* read-only: level interrupt not yet EOIed */
#define IOAPIC_RTE_LEVEL           BIT(15)
#define IOAPIC_RTE_MASKED          BIT(16)
#define IOAPIC_RTE_DEST_SHIFT      56              /* 63:56 */
#define IOAPIC_RTE_DEST_MASK       (0xffull << IOAPIC_RTE_DEST_SHIFT)

/* Lowest vector a routed interrupt may use: 0-31 are the CPU's exceptions,
 * and a local APIC refuses 0-15 outright as illegal vectors. */
#define IOAPIC_MIN_VECTOR 0x20u

/* Pure: the redirection entry for fixed delivery of `vector` to the local
 * APIC with ID dest_apic_id in physical destination mode. Only the low 8
 * bits of dest_apic_id fit (bits 63:56; the original 82093AA decodes only
 * 59:56 in physical mode, later I/O APICs all 8); callers reject larger IDs. */
uint64_t ioapic_rte(uint8_t vector, uint32_t dest_apic_id, bool level, bool active_low, bool masked);

/* Routes ISA IRQ isa_irq (0-15) to vector on the CPU whose local APIC ID is
 * dest_apic_id, as a fixed, physical-destination interrupt with the
 * trigger mode and polarity the MADT gives (madt_isa_irq_route()), and
 * unmasks it. Returns true, or false with a one-line reason in err (when
 * err is non-NULL and errlen > 0; "" on success) and the hardware untouched:
 * no I/O APIC in the MADT, the IRQ's route unknown, vector below
 * IOAPIC_MIN_VECTOR, dest_apic_id above 255 (xAPIC-format entries cannot
 * address it), an I/O APIC that does not answer, or a GSI no I/O APIC has
 * an entry for. Safe against concurrent calls. */
bool ioapic_route_isa_irq(const struct madt_info *m, uint8_t isa_irq, uint8_t vector,
			  uint32_t dest_apic_id, char *err, size_t errlen);

/* Masks every redirection entry of every I/O APIC in the MADT: firmware may
 * leave some unmasked, and only the ones routed afterwards should fire. An
 * I/O APIC that does not answer (version register all ones) is skipped. */
void ioapic_mask_all(const struct madt_info *m);

#ifdef HOST_TEST
/* Host unit tests play the hardware: every 32-bit MMIO access goes here. */
uint32_t ioapic_test_mmio_read(hpa_t pa);
void ioapic_test_mmio_write(hpa_t pa, uint32_t val);
#endif

#endif

/* hv/vdev/apic_bus.h - The virtual PC's interrupt messages and the bus that
 * carries them to the local APICs: what a LAPIC's ICR (an IPI), the I/O
 * APIC's redirection table or an MSI sends (Intel SDM Vol. 3A, 10.6
 * "Issuing Interprocessor Interrupts" and 10.6.2 "Determining IPI
 * Destination"; 82093AA datasheet 3.2.4).
 *
 * apic_bus_deliver() is a pure function over the VM's array of LAPICs: it
 * resolves the destination set and hands the message to each target, on
 * the CPU that calls it (the sender's), through the targets' any-CPU entry
 * points only (vlapic_accept and the ops init/sipi/nmi): it never touches
 * another vCPU's registers.
 *
 * Destination, per target (as QEMU 7.2+ hw/intc/apic.c
 * apic_get_delivery_bitmask, which decides each LAPIC by its own mode):
 *   hardware-disabled target (IA32_APIC_BASE.EN = 0): never (SDM 10.4.3: it
 *       is a CPU without an APIC; QEMU would still set its IRR)
 *   shorthand self / all / all-but-self: relative to msg->src (NULL, as from
 *       the I/O APIC, is nobody's self)
 *   physical, x2APIC target: dest == its x2APIC ID, or dest == 0xFFFFFFFF
 *   physical, xAPIC target:  (uint8_t)dest == its APIC ID, or dest == 0xFF
 *       or 0xFFFFFFFF (broadcast)
 *   logical, x2APIC target:  dest == 0xFFFFFFFF, or dest[31:16] == its
 *       cluster (LDR[31:16]) and dest[15:0] & LDR[15:0] != 0 (SDM 10.12.10.2)
 *   logical, xAPIC target, by its DFR model (SDM 10.6.2.2):
 *       flat (DFR[31:28] = 1111b): (uint8_t)dest & LDR[31:24] != 0
 *       cluster (0000b): dest[7:4] is its cluster (LDR[31:28]) or 0xF (all
 *       clusters), and dest[3:0] & LDR[27:24] != 0
 *       any other model: no match
 *     (logical 0xFF reaches only LAPICs whose LDR has a matching bit: an
 *     LDR of 0, the reset value, is never a logical target, as in QEMU)
 *
 * Delivery, per mode:
 *   fixed         vlapic_accept on every target (a software-disabled one
 *                 holds it in IRR, as QEMU's apic_set_irq does)
 *   lowest prio.  vlapic_accept on one target: the first in the array
 *                 (the lowest APIC ID), whatever the priorities, as QEMU
 *                 7.2's apic_bus_deliver (it does no focus-processor
 *                 search and no arbitration), the oracle a guest's report is
 *                 compared with; a software-disabled first target holds
 *                 it in IRR, as for fixed. The SDM's arbitration by
 *                 priority (10.6.2.4) is implementation-specific, and no
 *                 OS depends on which target wins.
 *   SMI           dropped (no SMM in the virtual PC)
 *   NMI           ops->nmi of every target
 *   INIT          ops->init of every target; the level de-assert form
 *                 (level 0, trigger level) reaches nobody (SDM 10.6.1)
 *   SIPI          ops->sipi(vector) of every target
 *   ExtINT        as fixed, with the vector the sender put in the message
 *                 (QEMU: the I/O APIC did the PIC's INTA before sending,
 *                 apic_bus_deliver falls through to fixed delivery)
 *   reserved (3)  dropped */
#ifndef HV_VDEV_APIC_BUS_H
#define HV_VDEV_APIC_BUS_H

#include "lib/types.h"

struct vlapic;

/* Delivery modes: ICR[10:8], LVT[10:8], redirection entry [10:8] (SDM
 * Figure 10-12; 82093AA 3.2.4). */
#define APIC_DM_FIXED    0u
#define APIC_DM_LOWEST   1u
#define APIC_DM_SMI      2u
#define APIC_DM_NMI      4u
#define APIC_DM_INIT     5u
#define APIC_DM_SIPI     6u   /* ICR only ("start-up") */
#define APIC_DM_EXTINT   7u   /* LVT and I/O APIC only */

/* Destination shorthands: ICR[19:18]. */
#define APIC_SH_NONE         0u
#define APIC_SH_SELF         1u
#define APIC_SH_ALL          2u
#define APIC_SH_ALL_BUT_SELF 3u

#define APIC_DEST_X2APIC_BROADCAST 0xffffffffu
#define APIC_DEST_XAPIC_BROADCAST  0xffu

struct apic_msg {
	uint32_t dest;            /* APIC ID or logical mask: 8 bits from xAPIC ICRs and the I/O APIC, 32 from x2APIC */
	uint8_t vector;
	uint8_t delivery_mode;    /* APIC_DM_* */
	uint8_t shorthand;        /* APIC_SH_* */
	bool dest_logical;        /* ICR[11] / redirection entry [11] */
	bool level_triggered;     /* the target's TMR bit; with INIT: ICR[15] */
	bool level_assert;        /* ICR[14]; true for everything but INIT de-assert */
	const struct vlapic *src; /* the sending LAPIC, for the shorthands; NULL otherwise */
};

/* Delivers msg to its destinations among lapics[0..count-1] (NULL entries
 * are skipped); returns how many LAPICs it reached (0 when none matched,
 * or for a dropped mode). Any CPU; no lock. */
unsigned apic_bus_deliver(struct vlapic *const *lapics, unsigned count, const struct apic_msg *msg);

#endif

/* hv/vdev/vioapic.h - The virtual PC's I/O APIC: an 82093AA with the EOI
 * register of the later ones (version 0x20, as QEMU 7.2's hw/intc/ioapic.c
 * offers), PC_IOAPIC_PINS inputs, at PC_IOAPIC_GPA (hv/vdev/pc_layout.h).
 * Not the host's chip (drivers/ioapic.c).
 *
 * Registers (82093AA datasheet 3.1, 3.2): IOREGSEL at 0x00, IOWIN at 0x10,
 * EOI at 0x40; through IOWIN: 0x00 ID (bits 27:24 writable, 0 after reset,
 * as QEMU: the MADT must say 0), 0x01 version 0x00170020 (read-only), 0x02
 * arbitration (reads as the ID, read-only), 0x10 + 2n / 0x11 + 2n the low
 * / high half of pin n's redirection entry; other IOWIN registers read 0
 * and ignore writes. Redirection entry (82093AA 3.2.4):
 *   7:0 vector   10:8 delivery mode   11 logical   12 delivery status (RO,
 *   reads 0: delivery is at once)   13 polarity (1 = active low)
 *   14 remote IRR (RO)   15 level   16 masked   63:56 destination
 * The reserved bits keep what is written (QEMU keeps all but the RO ones).
 * Reset: every entry masked (0x10000), ID 0, IOREGSEL 0.
 *
 * Accesses (offset within the 4 KiB window, size 1, 2, 4 or 8, naturally
 * aligned; anything else reads 0 and is dropped). The low byte of the
 * offset decides (QEMU decodes offset & 0xff: the window repeats every 256
 * bytes). An 8-byte access is two 4-byte ones, low half first (QEMU's
 * memory core splits it so). IOREGSEL: any size, keeps the low 8 bits.
 * IOWIN and EOI: 4 bytes only (QEMU): narrower reads 0, writes dropped.
 * The EOI register takes the vector in bits 7:0.
 *
 * Inputs (vioapic_set_irq, pin < PC_IOAPIC_PINS, else ignored): level is
 * the pin's electrical level; an active-low entry sees it inverted (QEMU
 * ignores the polarity bit: the board must drive each pin as the MADT /
 * ACPI describe it, active-high for the ISA IRQs). Then, for an unmasked
 * entry:
 *   edge     the asserting edge delivers (none while masked: 82093AA,
 *            an edge on a masked pin is lost)
 *   level    while asserted and remote IRR clear: delivers and sets remote
 *            IRR; the EOI for its vector (vioapic_eoi, or the EOI register)
 *            clears remote IRR and, the pin still asserted, delivers again.
 *            Unmasking, or any write of the entry, with the pin asserted
 *            and remote IRR clear delivers. Switching an entry to edge
 *            clears its remote IRR (QEMU, for Linux's EOI emulation).
 * NMI, INIT, SMI and ExtINT entries behave as edge whatever bit 15 says
 * (82093AA: those modes are edge-triggered); ExtINT takes its vector from
 * the PIC (the extint_vector callback, QEMU's pic_read_irq) and sends it
 * like a fixed interrupt (apic_bus.h).
 *
 * Interrupt storms: one EOI delivers at most once per pin, so no call
 * loops. A level line that re-fires at every EOI 10000 times in a row has
 * its next delivery held for 10 ms of guest time, as QEMU does ("real
 * hardware does not deliver the interrupt immediately during EOI
 * broadcast"), so a guest that never quiets it still makes progress:
 * vioapic_next_deadline / vioapic_expire (hv/vdev/vdev.h). Without a
 * clock there is no holding back.
 *
 * Locking: every entry point takes the model's lock; send, extint_vector
 * and the deadline hook run under it. Lock order: I/O APIC, then the PIC
 * (extint_vector); the PIC must never call into the I/O APIC with its own
 * lock held. */
#ifndef HV_VDEV_VIOAPIC_H
#define HV_VDEV_VIOAPIC_H

#include "hv/vdev/apic_bus.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VIOAPIC_VERSION     (0x20u | ((PC_IOAPIC_PINS - 1u) << 16))
#define VIOAPIC_MMIO_SIZE   0x1000u
#define VIOAPIC_STORM_EOIS  10000u    /* QEMU's SUCCESSIVE_IRQ_MAX_COUNT */

_Static_assert(PC_IOAPIC_PINS <= 32, "pin bitmaps are 32 bits");

struct vioapic {
	struct spinlock lock;
	void (*send)(void *ctx, const struct apic_msg *msg);   /* the board: apic_bus_deliver */
	int (*extint_vector)(void *ctx);                        /* the PIC's INTA, or -1; may be NULL */
	void *ctx;
	const struct vclock *clock;                             /* may be NULL: no storm holding */
	struct vdev_deadline_hook deadline_hook;

	uint32_t id;                        /* bits 27:24 of register 0 */
	uint32_t ioregsel;
	uint64_t redir[PC_IOAPIC_PINS];
	uint32_t pin_level;                 /* bit n: pin n electrically high */
	uint32_t eoi_refires[PC_IOAPIC_PINS];   /* successive deliveries at EOI */
	uint32_t held;                      /* pins whose re-delivery waits for held_until */
	uint64_t held_until;
};

void vioapic_init(struct vioapic *s, void (*send)(void *ctx, const struct apic_msg *msg),
		  int (*extint_vector)(void *ctx), void *ctx, const struct vclock *clock,
		  struct vdev_deadline_hook hook);
/* Registers to their reset values; the pins' levels are the wires' and
 * stay. */
void vioapic_reset(struct vioapic *s);

void vioapic_mmio_read(struct vioapic *s, uint32_t off, unsigned size, uint64_t *val);
void vioapic_mmio_write(struct vioapic *s, uint32_t off, unsigned size, uint64_t val);

/* An input pin's level (any CPU). */
void vioapic_set_irq(struct vioapic *s, unsigned pin, bool level);
/* A LAPIC's EOI broadcast for a level-triggered vector (any CPU). */
void vioapic_eoi(struct vioapic *s, uint8_t vector);

uint64_t vioapic_next_deadline(struct vioapic *s);
void vioapic_expire(struct vioapic *s, uint64_t now);

#endif

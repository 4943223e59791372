/* hv/vdev/vpic.h - The PC's pair of 8259A interrupt controllers (register
 * behaviour: the Intel 8259A datasheet; where it is silent, QEMU 7.2's
 * hw/intc/i8259.c and i8259_common.c) and the PIIX edge/level control
 * registers (ELCR).
 *
 *   ports          what
 *   0x20-0x21      master: ICW1/OCW2/OCW3 | ICW2-4/OCW1 (IMR)
 *   0xA0-0xA1      slave, the same; its INT output is the master's IR2
 *   0x4D0-0x4D1    ELCR of the master | of the slave: bit n = 1 makes IRQ n
 *                  level triggered. The bits of IRQ 0, 1, 2 (master mask
 *                  0xF8) and 8, 13 (slave mask 0xDE) are not writable and
 *                  read 0, as on the PIIX and in QEMU.
 *
 * Modelled: the ICW1-ICW4 sequence (ICW3 only when ICW1.SNGL is clear,
 * ICW4 only when ICW1.IC4 is set, else its functions are zero), the vector
 * base (ICW2 bits 7:3), auto-EOI, special fully nested mode (master: a
 * request on IR2 is granted while IR2 is in service, so a higher slave IRQ
 * nests), OCW1 mask, OCW2 non-specific/specific EOI, rotate on EOI, set
 * priority, rotate in auto-EOI, OCW3 read IRR/ISR, poll (the next read of
 * either port of that chip returns 0x80|IR and acknowledges it, or 0),
 * special mask mode (a masked level in service does not hold back others).
 * A master initialised in single mode (ICW1.SNGL) has no slave: its IR2 is
 * then acknowledged as base+2.
 *
 * Inputs. IRQ n (0-15, vpic_set_irq) is IR n&7 of chip n>>3. Edge inputs
 * (ELCR bit clear) latch the rising edge in IRR; IRR is cleared by the
 * acknowledge. Level inputs (ELCR bit set) put the line's level in IRR:
 * IRR follows the line and the acknowledge leaves it, so a level IRQ
 * asserts INT again after its EOI while its line stays high. IRQ 2 is the
 * cascade, driven by the slave only: vpic_set_irq(p, 2, ...) is ignored.
 *
 * INTA (vpic_ack). The master's highest request wins; IR2 (cascaded) goes
 * on to the slave's. The vector is base + IR; ISR is set and an edge IRR
 * bit cleared, or with auto-EOI ISR is left clear (and the priority
 * rotates if rotate-in-auto-EOI is on). When the master picks IR2 and the
 * slave has nothing (its request was masked after the master latched IR2,
 * which is edge triggered), the slave's spurious vector, its base + 7 (IRQ
 * 15), is returned: the slave's ISR is unchanged, the master's IR2 is
 * acknowledged (ISR bit 2 set, as the real part and QEMU do: the guest
 * sends the master an EOI). An INTA that finds no request on the master
 * (INTR seen asserted by the core, the request withdrawn before the INTA:
 * masked, or its level line lowered, from another vCPU; or an I/O APIC pin
 * in ExtINT mode, which reads the PIC whatever it holds) returns the
 * master's spurious vector, its base + 7 (IRQ 7), and changes nothing: no
 * ISR bit, so the guest's handler sees ISR bit 7 clear and sends no EOI,
 * as on the real part and in QEMU's pic_read_irq.
 *
 * INTR (the master's INT) is p->intr: driven with irq_line_set() on every
 * change of its level, from whichever entry point changed it.
 *
 * Power-on (vpic_init, vpic_reset): both chips as QEMU's reset leaves them,
 * uninitialised: IMR, IRR, ISR 0, vector base 0, ELCR 0 (all edge), no
 * auto-EOI; OCW1 writes go to IMR until an ICW1. Line levels are kept by a
 * reset (they are the sources' wires), but an edge needs a new rising edge.
 *
 * Departures from QEMU 7.2, where the datasheet is explicit: a master in
 * single mode does not cascade (QEMU always does); special fully nested
 * mode lets only IR2 through past an IR2 in service (QEMU ignores ISR bit
 * 2 there, so IR3-7 would pass as well); after ICW1 a line that is high
 * must go low and high again to latch ("the edge sense circuit is reset";
 * QEMU latches it at its source's next call). And an ELCR write that makes
 * a line level takes the line's level into IRR at once (QEMU at the
 * source's next call).
 *
 * Not modelled (no PC OS needs them; QEMU ignores them too): ICW1's LTIM
 * (the PIIX replaces it by the ELCR) and ADI/A7-A5, ICW4's uPM (8080 mode:
 * vectors are always 8086 style), buffered mode and M/S; ICW3 is accepted
 * and ignored (the slave is on IR2 and answers as slave 2, as the board
 * wires it).
 *
 * Access sizes. The i8259 and ELCR ports are byte registers (QEMU's regions
 * take 1-byte accesses only and split wider ones): a 2-byte access at the
 * first port of a pair is done as two byte accesses, to the first port then
 * the second (low byte first), reads assembling the bytes little-endian,
 * as QEMU's memory core does. Bytes past a range's end (the bus never sends
 * them) read 0xFF and are not written.
 *
 * Locking: every entry point takes p->lock; p->intr is called with it held
 * (vdev.h: downstream only, to the LAPIC). */
#ifndef HV_VDEV_VPIC_H
#define HV_VDEV_VPIC_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VPIC_MASTER_BASE  0x20u
#define VPIC_SLAVE_BASE   0xa0u
#define VPIC_ELCR_BASE    0x4d0u
#define VPIC_PORTS        2u      /* each of the three ranges */
#define VPIC_IRQS         16u
#define VPIC_CASCADE_IR   2u      /* the master input the slave's INT drives */

#define VPIC_MASTER       0u
#define VPIC_SLAVE        1u

/* One 8259A. */
struct vpic_chip {
	uint8_t irr, isr, imr;
	uint8_t input;           /* the IR lines' levels now */
	uint8_t elcr, elcr_mask; /* 1 = level triggered; the writable bits */
	uint8_t vector_base;     /* ICW2 & 0xF8 */
	uint8_t highest_ir;      /* the IR of highest priority (0 until an OCW2 rotates it) */
	uint8_t init_step;       /* the next port-1 write: 0 OCW1, 2-4 ICW2-ICW4 */
	bool ic4, single;        /* ICW1: ICW4 follows; no cascade (no ICW3) */
	bool auto_eoi, sfnm;     /* ICW4 */
	bool rotate_auto_eoi;    /* OCW2 R with auto-EOI */
	bool read_isr, poll, special_mask;   /* OCW3 */
};

/* Run before each port read (either chip, the ELCR), outside the lock:
 * the board brings the timers that drive the IR lines up to now. vpic_init
 * leaves none; a reset keeps it. */
struct vpic_read_hook {
	void (*before_read)(void *ctx);
	void *ctx;
};

struct vpic {
	struct spinlock lock;
	struct vpic_chip chip[2];    /* VPIC_MASTER, VPIC_SLAVE */
	struct irq_line intr;        /* the master's INT: vCPU 0's LAPIC LINT0 */
	bool intr_level;             /* the level last driven on intr */
	struct vpic_read_hook read_hook;
};

extern const struct pio_ops vpic_master_ops;   /* 2 ports: 0x20-0x21 */
extern const struct pio_ops vpic_slave_ops;    /* 2 ports: 0xa0-0xa1 */
extern const struct pio_ops vpic_elcr_ops;     /* 2 ports: 0x4d0-0x4d1 */

/* Power-on state, inputs low, intr low. Drives nothing: the receiver of
 * intr may not be wired yet, and its power-on level is low as well. */
void vpic_init(struct vpic *p, struct irq_line intr);
/* Every port read first runs `hook` (see above). */
void vpic_set_read_hook(struct vpic *p, struct vpic_read_hook hook);
/* Power-on state of both chips and the ELCR (see above); drives intr with
 * the resulting level (low). Also the ops' reset. */
void vpic_reset(struct vpic *p);

/* ISA IRQ line `irq` (0-15) is now at `level`. Out of range, or 2: ignored. */
void vpic_set_irq(struct vpic *p, unsigned irq, bool level);
/* The INTA cycle: the vector; the master's base + 7 (spurious IRQ 7, no
 * state changed) when it has no request (see above). Callers ask only when
 * they saw INTR asserted, or for an I/O APIC ExtINT pin. */
int vpic_ack(struct vpic *p);
/* The INTR level now. */
bool vpic_output(struct vpic *p);

#endif

/* hv/vdev/vtestdev.h - QEMU's pc-testdev (QEMU 7.2 hw/misc/pc-testdev.c),
 * the ISA test device kvm-unit-tests style kernels drive; on the board
 * only with the VM option testdev=on (hv/vdev/pc.c). What a guest sees is
 * QEMU's under TCG, the differential tests' reference (tests/guests/mb/
 * testdev.c measures it):
 *
 * Ports, one bus range VTESTDEV_PORT_BASE.. of VTESTDEV_PORTS (offsets):
 *   0-3   "ioport": a 32-bit scratch register; a byte, word or dword at its
 *         natural alignment reads/writes those bytes of it. QEMU's memory
 *         core refuses an unaligned access to a region that does not ask
 *         for them (memory_region_access_valid): it reads 0, a write is
 *         dropped;
 *   4-7   "flush": a dword write at 4 makes QEMU mprotect the host page of
 *         the guest-physical address written (a test of KVM's MMU
 *         notifiers): nothing a guest can see, so nothing here. Every read
 *         gives 0 (its read op, or refused: 0);
 *   8-11  "ioport_byte": the same register byte by byte (QEMU splits the
 *         access into byte lanes): byte i is the register's byte i, so an
 *         aligned access here is the same as at 0-3; unaligned: 0/dropped;
 *   12-14 not the device's: registered so that an access starting at 8-11
 *         reaches it whole, as QEMU hands it to the region of its first
 *         port (the port bus delivers only an access inside one range).
 *         Reads all ones, writes dropped: an unclaimed port.
 * IRQ lines, one bus range VTESTDEV_IRQ_BASE.. of VTESTDEV_IRQ_PORTS:
 *   0-23  a byte write of v at offset n sets ISA interrupt line n to v != 0
 *         (qemu_set_irq of the ISA bus's line n: on QEMU's pc, GSI n, which
 *         reaches the 8259 input n and the I/O APIC pin n, IRQ 0 on pin 2:
 *         the board's line n). Only byte accesses act (valid 1..1); every
 *         read gives 0. Lines 16-23: QEMU 7.2's isa_get_irq asserts
 *         n < 16 and the process aborts; here the abort hook is called
 *         (the board stops the VM with the reason) and no line moves;
 *   24-26 as 12-14 above (an access starting at 21-23 reaches it whole).
 * MMIO window (vtestdev_iomem_ops) of VTESTDEV_IOMEM_SIZE at
 * VTESTDEV_IOMEM_GPA: 64 KiB of memory, little-endian, any size 1-8 at any
 * offset inside it (QEMU's TCG splits an unaligned one into bytes or
 * aligned halves: the same bytes).
 *
 * Reset: none. QEMU's pc-testdev has no reset handler: the register and
 * the window keep their contents across a machine reset.
 * Locking: one spinlock, taken in every entry point; the IRQ lines and the
 * abort hook are called with it held (lines only go downstream; one
 * line's two receivers, the 8259 and the I/O APIC, are then set as one
 * step). Sizes
 * other than 1, 2, 4 (ports) or 1-8 (window), and offsets outside the
 * ranges, read 0 (ports: all ones past the device) and change nothing. */
#ifndef HV_VDEV_VTESTDEV_H
#define HV_VDEV_VTESTDEV_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/mmiobus.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VTESTDEV_PORT_BASE   0xe0u
#define VTESTDEV_DEVICE_PORTS 12u       /* 0xE0-0xEB: ioport, flush, ioport_byte */
#define VTESTDEV_PORTS       15u        /* with the three that let an access end past them */
#define VTESTDEV_IRQ_BASE    0x2000u
#define VTESTDEV_IRQ_LINES   24u        /* QEMU's region; lines 16-23 abort QEMU */
#define VTESTDEV_ISA_IRQS    16u        /* the lines that exist on the ISA bus */
#define VTESTDEV_IRQ_PORTS   27u
#define VTESTDEV_IOMEM_GPA   0xff000000u
#define VTESTDEV_IOMEM_SIZE  0x10000u   /* QEMU's IOMEM_LEN */

struct vtestdev {
	struct spinlock lock;
	uint32_t scratch;                           /* QEMU's ioport_data */
	struct irq_line lines[VTESTDEV_ISA_IRQS];   /* ISA IRQ n */
	void (*abort)(void *ctx, unsigned line);    /* a write to line 16-23; may be NULL */
	void *abort_ctx;
	uint8_t iomem[VTESTDEV_IOMEM_SIZE];         /* QEMU's iomem_buf */
};

extern const struct pio_ops vtestdev_port_ops;   /* VTESTDEV_PORTS at VTESTDEV_PORT_BASE */
extern const struct pio_ops vtestdev_irq_ops;    /* VTESTDEV_IRQ_PORTS at VTESTDEV_IRQ_BASE */
extern const struct mmio_ops vtestdev_iomem_ops; /* VTESTDEV_IOMEM_SIZE at VTESTDEV_IOMEM_GPA */

/* Register 0, window zero (QEMU allocates the device zeroed), lines[n]
 * for ISA IRQ n (copied), abort for lines 16-23. */
void vtestdev_init(struct vtestdev *d, const struct irq_line lines[VTESTDEV_ISA_IRQS],
		   void (*abort)(void *ctx, unsigned line), void *abort_ctx);

#endif

/* hv/vdev/vtestdev.c - QEMU's pc-testdev (the contract is in vtestdev.h). */
#include "hv/vdev/vtestdev.h"
#include "hv/vdev/vdev.h"
#include "lib/string.h"

#define OFF_IOPORT      0u
#define OFF_FLUSH       4u
#define OFF_IOPORT_BYTE 8u
#define REGION_PORTS    4u

_Static_assert(OFF_IOPORT_BYTE + REGION_PORTS == VTESTDEV_DEVICE_PORTS, "three 4-port regions");
_Static_assert(VTESTDEV_PORTS == VTESTDEV_DEVICE_PORTS + 3, "a dword at the last port fits");
_Static_assert(VTESTDEV_IRQ_PORTS == VTESTDEV_IRQ_LINES + 3, "a dword at the last line fits");

static bool port_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

void vtestdev_init(struct vtestdev *d, const struct irq_line lines[VTESTDEV_ISA_IRQS],
		   void (*abort)(void *ctx, unsigned line), void *abort_ctx)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->lines, lines, sizeof(d->lines));
	d->abort = abort;
	d->abort_ctx = abort_ctx;
}

/* ---- 0xE0-0xEE ------------------------------------------------------------------ */

/* The scratch register's bytes at lane..lane+size-1 of an access QEMU
 * accepts: natural alignment inside the 4-port region (lane is the offset
 * in it; QEMU's test_ioport_read masks (addr & 3)). */
static bool scratch_access(unsigned lane, unsigned size)
{
	return port_size_ok(size) && lane % size == 0 && lane + size <= REGION_PORTS;
}

static uint32_t port_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vtestdev *d = dev;
	uint32_t val = 0;
	(void)v;

	if (!port_size_ok(size))
		return 0;
	if (off >= VTESTDEV_DEVICE_PORTS)
		return (uint32_t)vdev_size_mask(size);   /* not the device's: an unclaimed port */
	spin_lock(&d->lock);
	unsigned lane = off % REGION_PORTS;
	if (off / REGION_PORTS != OFF_FLUSH / REGION_PORTS && scratch_access(lane, size))
		val = (d->scratch >> (8 * lane)) & (uint32_t)vdev_size_mask(size);
	spin_unlock(&d->lock);
	return val;
}

static void port_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vtestdev *d = dev;
	(void)v;

	/* The flush port: QEMU's mprotect of a host page leaves the guest's
	 * memory as it was; nothing to do. */
	if (off >= VTESTDEV_DEVICE_PORTS || off / REGION_PORTS == OFF_FLUSH / REGION_PORTS)
		return;
	unsigned lane = off % REGION_PORTS;
	if (!scratch_access(lane, size))
		return;
	uint32_t mask = (uint32_t)vdev_size_mask(size) << (8 * lane);
	spin_lock(&d->lock);
	d->scratch = (d->scratch & ~mask) | ((val << (8 * lane)) & mask);
	spin_unlock(&d->lock);
}

const struct pio_ops vtestdev_port_ops = { .name = "pc-testdev", .read = port_read, .write = port_write };

/* ---- 0x2000-0x201A: the IRQ lines ------------------------------------------------------ */

static uint32_t irq_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)dev;
	(void)v;
	if (!port_size_ok(size))
		return 0;
	return off < VTESTDEV_IRQ_LINES ? 0 : (uint32_t)vdev_size_mask(size);
}

static void irq_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vtestdev *d = dev;
	(void)v;

	/* QEMU's test_irq_ops take bytes only: a wider access is refused.
	 * Under the lock: a line reaches two chips (the 8259 and the I/O
	 * APIC, each locking itself), and two vCPUs writing one line must not
	 * interleave between them (QEMU's global lock serialises the same). */
	if (size != 1 || off >= VTESTDEV_IRQ_LINES)
		return;
	spin_lock(&d->lock);
	if (off < VTESTDEV_ISA_IRQS)
		irq_line_set(&d->lines[off], (val & 0xff) != 0);
	else if (d->abort)
		d->abort(d->abort_ctx, off);
	spin_unlock(&d->lock);
}

const struct pio_ops vtestdev_irq_ops = { .name = "pc-testdev-irq", .read = irq_read, .write = irq_write };

/* ---- the MMIO window ------------------------------------------------------------------- */

static bool iomem_access(uint64_t off, unsigned size)
{
	return size >= 1 && size <= 8 && off < VTESTDEV_IOMEM_SIZE && size <= VTESTDEV_IOMEM_SIZE - off;
}

static uint64_t iomem_read(void *dev, struct vcpu *v, uint64_t off, unsigned size)
{
	struct vtestdev *d = dev;
	uint64_t val = 0;
	(void)v;

	if (!iomem_access(off, size))
		return 0;
	spin_lock(&d->lock);
	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)d->iomem[off + i] << (8 * i);
	spin_unlock(&d->lock);
	return val;
}

static void iomem_write(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	struct vtestdev *d = dev;
	(void)v;

	if (!iomem_access(off, size))
		return;
	spin_lock(&d->lock);
	for (unsigned i = 0; i < size; i++)
		d->iomem[off + i] = (uint8_t)(val >> (8 * i));
	spin_unlock(&d->lock);
}

const struct mmio_ops vtestdev_iomem_ops = { "pc-testdev-iomem", iomem_read, iomem_write };

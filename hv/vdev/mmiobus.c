/* hv/vdev/mmiobus.c - The MMIO bus: a short sorted table searched in order.
 * A PC has two or three MMIO models (the IOAPIC, test devices, later virtio
 * BARs), so a linear walk beats anything cleverer. */
#include "hv/vdev/mmiobus.h"
#include "hv/vdev/vdev.h"

void mmiobus_init(struct mmiobus *bus)
{
	bus->count = 0;
	bus->fallback = (struct mmio_fallback){ 0 };
}

void mmiobus_set_fallback(struct mmiobus *bus, const struct mmio_fallback *fb)
{
	bus->fallback = fb ? *fb : (struct mmio_fallback){ 0 };
}

bool mmiobus_claims(const struct mmiobus *bus, gpa_t gpa)
{
	return mmiobus_find(bus, gpa, 1) ||
	       (bus->fallback.claims && bus->fallback.claims(bus->fallback.ctx, gpa));
}

int mmiobus_register(struct mmiobus *bus, gpa_t base, uint64_t len, const struct mmio_ops *ops, void *dev)
{
	if (!len || base + len < base || bus->count >= MMIOBUS_MAX_RANGES)
		return -1;
	unsigned at = 0;
	while (at < bus->count && bus->ranges[at].base < base)
		at++;
	/* Overlap with the neighbours only: the table is sorted and disjoint. */
	if (at > 0 && bus->ranges[at - 1].base + bus->ranges[at - 1].len > base)
		return -1;
	if (at < bus->count && base + len > bus->ranges[at].base)
		return -1;
	for (unsigned i = bus->count; i > at; i--)
		bus->ranges[i] = bus->ranges[i - 1];
	bus->ranges[at] = (struct mmio_range){ .base = base, .len = len, .ops = ops, .dev = dev };
	bus->count++;
	return 0;
}

const struct mmio_range *mmiobus_find(const struct mmiobus *bus, gpa_t gpa, unsigned size)
{
	if (!size || gpa + size < gpa)
		return NULL;
	for (unsigned i = 0; i < bus->count && i < MMIOBUS_MAX_RANGES; i++) {
		const struct mmio_range *r = &bus->ranges[i];
		if (gpa < r->base)
			return NULL;
		if (gpa - r->base < r->len)
			return size <= r->len - (gpa - r->base) ? r : NULL;
	}
	return NULL;
}

bool mmiobus_read(const struct mmiobus *bus, struct vcpu *v, gpa_t gpa, unsigned size, uint64_t *val)
{
	const struct mmio_range *r = mmiobus_find(bus, gpa, size);

	if (!r) {
		uint64_t fv = 0;
		if (!bus->fallback.read || !bus->fallback.read(bus->fallback.ctx, gpa, size, &fv))
			return false;
		*val = fv & vdev_size_mask(size);
		return true;
	}
	*val = (r->ops->read ? r->ops->read(r->dev, v, gpa - r->base, size) : UINT64_MAX) & vdev_size_mask(size);
	return true;
}

bool mmiobus_write(const struct mmiobus *bus, struct vcpu *v, gpa_t gpa, unsigned size, uint64_t val)
{
	const struct mmio_range *r = mmiobus_find(bus, gpa, size);

	if (!r)
		return bus->fallback.write && bus->fallback.write(bus->fallback.ctx, gpa, size, val & vdev_size_mask(size));
	if (r->ops->write)
		r->ops->write(r->dev, v, gpa - r->base, size, val & vdev_size_mask(size));
	return true;
}

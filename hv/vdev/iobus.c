/* hv/vdev/iobus.c - Dispatch of guest port I/O to device models. A linear scan:
 * a PC has a dozen port ranges, fewer than a cache line of comparisons. */
#include "hv/vdev/iobus.h"

void iobus_init(struct iobus *bus)
{
	bus->count = 0;
	bus->unclaimed_reads = bus->unclaimed_writes = 0;
}

int iobus_register(struct iobus *bus, uint16_t base, uint16_t len, const struct pio_ops *ops, void *dev)
{
	uint32_t end = (uint32_t)base + len;

	if (len == 0 || end > 0x10000 || bus->count >= IOBUS_MAX_RANGES)
		return -1;
	for (unsigned i = 0; i < bus->count; i++) {
		uint32_t b = bus->ranges[i].base, e = b + bus->ranges[i].len;
		if (base < e && b < end)
			return -1;
	}
	bus->ranges[bus->count].base = base;
	bus->ranges[bus->count].len = len;
	bus->ranges[bus->count].ops = ops;
	bus->ranges[bus->count].dev = dev;
	bus->count++;
	return 0;
}

/* The range holding the whole access [port, port+size), or -1. An access
 * straddling two devices is treated as unclaimed. */
static int find(const struct iobus *bus, uint16_t port, unsigned size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		uint32_t b = bus->ranges[i].base, e = b + bus->ranges[i].len;
		if (port >= b && (uint32_t)port + size <= e)
			return (int)i;
	}
	return -1;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t iobus_read(struct iobus *bus, uint16_t port, unsigned size)
{
	int i = find(bus, port, size);

	if (i < 0 || !bus->ranges[i].ops->read) {
		bus->unclaimed_reads++;
		return size_mask(size);
	}
	return bus->ranges[i].ops->read(bus->ranges[i].dev, (uint16_t)(port - bus->ranges[i].base), size) &
	       size_mask(size);
}

void iobus_write(struct iobus *bus, uint16_t port, unsigned size, uint32_t val)
{
	int i = find(bus, port, size);

	if (i < 0 || !bus->ranges[i].ops->write) {
		bus->unclaimed_writes++;
		return;
	}
	bus->ranges[i].ops->write(bus->ranges[i].dev, (uint16_t)(port - bus->ranges[i].base), size,
				  val & size_mask(size));
}

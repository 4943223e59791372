/* hv/vdev/iobus.c - Dispatch of guest port I/O to device models (the
 * contract is in iobus.h). */
#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/string.h"

_Static_assert(IOBUS_MAX_RANGES < 256, "a port map byte holds a range index + 1");
_Static_assert(IOBUS_MAP_PAGES < 256, "a page_of byte holds a page index + 1");

void iobus_init(struct iobus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

/* The map pages [base, end) needs that the bus has not got yet. */
static unsigned pages_missing(const struct iobus *bus, uint32_t base, uint32_t end)
{
	unsigned missing = 0;

	for (uint32_t pg = base >> 8; pg <= (end - 1) >> 8; pg++)
		missing += !bus->page_of[pg];
	return missing;
}

int iobus_register(struct iobus *bus, uint16_t base, uint16_t len, const struct pio_ops *ops, void *dev)
{
	uint32_t end = (uint32_t)base + len;

	if (len == 0 || end > IOBUS_PORTS || bus->count >= IOBUS_MAX_RANGES)
		return -1;
	for (unsigned i = 0; i < bus->count; i++) {
		uint32_t b = bus->ranges[i].base, e = b + bus->ranges[i].len;
		if (base < e && b < end)
			return -1;
	}
	if (bus->pages_used + pages_missing(bus, base, end) > IOBUS_MAP_PAGES)
		return -1;
	bus->ranges[bus->count] = (struct iobus_range){ .base = base, .len = len, .ops = ops, .dev = dev };
	bus->count++;
	for (uint32_t port = base; port < end; port++) {
		uint8_t *pg = &bus->page_of[port >> 8];
		if (!*pg)
			*pg = (uint8_t)++bus->pages_used;
		bus->pages[*pg - 1][port & 0xff] = (uint8_t)bus->count;
	}
	return 0;
}

/* The range holding the whole access [port, port+size), or NULL. An access
 * straddling two devices, or running off the end of one, is unclaimed. */
static inline __attribute__((always_inline)) const struct iobus_range *find(const struct iobus *bus, uint16_t port,
									    unsigned size)
{
	unsigned pg = bus->page_of[port >> 8];
	if (!pg)
		return NULL;
	unsigned i = bus->pages[pg - 1][port & 0xff];
	if (!i)
		return NULL;
	const struct iobus_range *r = &bus->ranges[i - 1];
	return (uint32_t)port + size <= (uint32_t)r->base + r->len ? r : NULL;
}

void iobus_set_fallback(struct iobus *bus, const struct iobus_fallback *fb)
{
	bus->fallback = fb ? *fb : (struct iobus_fallback){ 0 };
}

/* A port no range holds, with a fallback installed (only a board with
 * BAR-decoded devices has one): out of line, so that the plain paths
 * below keep their short prologue-free form (an unclaimed port is a hot
 * path: port 0x80). */
static __attribute__((noinline)) uint32_t read_fallback(struct iobus *bus, uint16_t port, unsigned size)
{
	uint32_t val;

	if (bus->fallback.read(bus->fallback.ctx, port, size, &val))
		return val & (uint32_t)vdev_size_mask(size);
	bus->unclaimed_reads++;
	return (uint32_t)vdev_size_mask(size);
}

static __attribute__((noinline)) void write_fallback(struct iobus *bus, uint16_t port, unsigned size, uint32_t val)
{
	if (!bus->fallback.write(bus->fallback.ctx, port, size, val & (uint32_t)vdev_size_mask(size)))
		bus->unclaimed_writes++;
}

uint32_t iobus_read(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size)
{
	const struct iobus_range *r = find(bus, port, size);

	if (!r && bus->fallback.read)
		return read_fallback(bus, port, size);
	if (!r || !r->ops->read) {
		bus->unclaimed_reads++;
		return (uint32_t)vdev_size_mask(size);
	}
	return r->ops->read(r->dev, v, (uint16_t)(port - r->base), size) & (uint32_t)vdev_size_mask(size);
}

void iobus_write(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	const struct iobus_range *r = find(bus, port, size);

	if (!r && bus->fallback.write) {
		write_fallback(bus, port, size, val);
		return;
	}
	if (!r || !r->ops->write) {
		bus->unclaimed_writes++;
		return;
	}
	r->ops->write(r->dev, v, (uint16_t)(port - r->base), size, val & (uint32_t)vdev_size_mask(size));
}

void iobus_reset(struct iobus *bus)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct iobus_range *r = &bus->ranges[i];
		bool seen = false;
		/* A model with several port ranges (the system-control ports)
		 * is one device: reset it once, at its first range. */
		for (unsigned k = 0; k < i && !seen; k++)
			seen = bus->ranges[k].dev == r->dev && bus->ranges[k].ops->reset == r->ops->reset;
		if (!seen && r->ops->reset)
			r->ops->reset(r->dev);
	}
}

/* hv/vdev/iobus.c - Dispatch of guest port I/O to device models (the
 * contract is in iobus.h). */
#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/string.h"

_Static_assert(IOBUS_MAX_RANGES + 1 < 256, "a port map byte holds a range index + 1, the fallback's too");
_Static_assert(IOBUS_MAP_PAGES + 1 < 256, "a page_of byte holds a page index + 1, the shared page's too");

/* The map bytes that name the fallback: its range (after the devices')
 * and the page shared by every 256 ports without a device. */
#define FALLBACK_ENTRY ((uint8_t)(IOBUS_MAX_RANGES + 1))
#define FALLBACK_PAGE  ((uint8_t)(IOBUS_MAP_PAGES + 1))

void iobus_init(struct iobus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static bool has_fallback(const struct iobus *bus)
{
	return bus->ranges[IOBUS_MAX_RANGES].ops != NULL;
}

/* Whether 256-port page pg has a map page of its own. */
static bool page_owned(const struct iobus *bus, unsigned pg)
{
	return bus->page_of[pg] && bus->page_of[pg] != FALLBACK_PAGE;
}

/* The map pages [base, end) needs that the bus has not got yet. */
static unsigned pages_missing(const struct iobus *bus, uint32_t base, uint32_t end)
{
	unsigned missing = 0;

	for (uint32_t pg = base >> 8; pg <= (end - 1) >> 8; pg++)
		missing += !page_owned(bus, pg);
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
		unsigned pg = port >> 8;
		if (!page_owned(bus, pg)) {
			/* a fresh page: its other ports stay where they went */
			memset(bus->pages[bus->pages_used], has_fallback(bus) ? FALLBACK_ENTRY : 0, 256);
			bus->page_of[pg] = (uint8_t)++bus->pages_used;
		}
		bus->pages[bus->page_of[pg] - 1][port & 0xff] = (uint8_t)bus->count;
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

/* The fallback's range (base 0: off is the port): its answer, or the
 * unclaimed port's when it declines. */
static uint32_t fallback_read(void *dev, struct vcpu *v, uint16_t port, unsigned size)
{
	struct iobus *bus = dev;
	uint32_t val;

	(void)v;
	if (bus->fallback.read && bus->fallback.read(bus->fallback.ctx, port, size, &val))
		return val;
	bus->unclaimed_reads++;
	return UINT32_MAX;
}

static void fallback_write(void *dev, struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	struct iobus *bus = dev;

	(void)v;
	if (!bus->fallback.write || !bus->fallback.write(bus->fallback.ctx, port, size, val))
		bus->unclaimed_writes++;
}

static const struct pio_ops fallback_ops = { .name = "fallback", .read = fallback_read, .write = fallback_write };

void iobus_set_fallback(struct iobus *bus, const struct iobus_fallback *fb)
{
	bool on = fb && (fb->read || fb->write);
	uint8_t from = on ? 0 : FALLBACK_ENTRY, to = on ? FALLBACK_ENTRY : 0;

	bus->fallback = on ? *fb : (struct iobus_fallback){ 0 };
	bus->ranges[IOBUS_MAX_RANGES] = on ? (struct iobus_range){ .base = 0, .len = IOBUS_PORTS, .ops = &fallback_ops, .dev = bus }
					   : (struct iobus_range){ 0 };
	memset(bus->pages[IOBUS_MAP_PAGES], on ? FALLBACK_ENTRY : 0, 256);
	for (unsigned p = 0; p < bus->pages_used; p++)
		for (unsigned i = 0; i < 256; i++)
			if (bus->pages[p][i] == from)
				bus->pages[p][i] = to;
	for (unsigned pg = 0; pg < IOBUS_PORTS / 256; pg++)
		if (!page_owned(bus, pg))
			bus->page_of[pg] = on ? FALLBACK_PAGE : 0;
}

/* vdev_size_mask for a port access, by table: one AND on the exit path
 * instead of a compare and a shift (sizes are 1, 2 or 4; the index is
 * bounded whatever a caller passes). */
static const uint32_t port_size_masks[8] = {
	0, 0xffu, 0xffffu, 0xffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
};

static inline uint32_t port_size_mask(unsigned size)
{
	return port_size_masks[size & 7];
}

uint32_t iobus_read(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size)
{
	const struct iobus_range *r = find(bus, port, size);

	if (!r || !r->ops->read) {
		bus->unclaimed_reads++;
		return port_size_mask(size);
	}
	return r->ops->read(r->dev, v, (uint16_t)(port - r->base), size) & port_size_mask(size);
}

void iobus_write(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	const struct iobus_range *r = find(bus, port, size);

	if (!r || !r->ops->write) {
		bus->unclaimed_writes++;
		return;
	}
	r->ops->write(r->dev, v, (uint16_t)(port - r->base), size, val & port_size_mask(size));
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

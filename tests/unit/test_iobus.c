/* tests/unit/test_iobus.c - The I/O bus's two-level port map gives exactly what a scan of its ranges gives. */
/* UNIT_SRC: hv/vdev/iobus.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/iobus.h"

/* A device that answers with its own tag and the offset, and records writes. */
struct tagdev { uint32_t tag; uint32_t last_off, last_val, writes, resets; };

static uint32_t tag_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	(void)size;
	return ((struct tagdev *)dev)->tag << 16 | off;
}

static void tag_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct tagdev *d = dev;
	(void)size;
	d->last_off = off;
	d->last_val = val;
	d->writes++;
}

static void tag_reset(void *dev)
{
	((struct tagdev *)dev)->resets++;
}

static const struct pio_ops tag_ops = { .name = "tag", .read = tag_read, .write = tag_write, .reset = tag_reset };

static struct tagdev devs[IOBUS_MAX_RANGES];

/* What the bus should answer, by a scan of its ranges: the model. */
static uint32_t model_read(const struct iobus *bus, uint32_t port, unsigned size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct iobus_range *r = &bus->ranges[i];
		if (port >= r->base && port + size <= (uint32_t)r->base + r->len) {
			uint32_t v = ((struct tagdev *)r->dev)->tag << 16 | (port - r->base);
			return size == 4 ? v : v & ((1u << (8 * size)) - 1);
		}
	}
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void test_map_matches_scan(void)
{
	static struct iobus bus;
	unsigned seed = 12345, refused = 0;

	iobus_init(&bus);
	/* Random ranges, some overlapping (refused), some in pages the map
	 * has no room for any more (refused, nothing changed). */
	for (int i = 0; i < 400; i++) {
		seed = seed * 1103515245 + 12345;
		uint16_t base = (uint16_t)(seed >> 8);
		uint16_t len = (uint16_t)(1 + (seed >> 24) % 16);
		unsigned k = bus.count < IOBUS_MAX_RANGES ? bus.count : 0;
		unsigned before = bus.count, pages = bus.pages_used;
		devs[k].tag = k + 1;
		if (iobus_register(&bus, base, len, &tag_ops, &devs[k]) != 0) {
			refused++;
			EXPECT_EQ(bus.count, before);
			EXPECT_EQ(bus.pages_used, pages);
		}
	}
	EXPECT_TRUE(refused > 0);
	EXPECT_TRUE(bus.pages_used <= IOBUS_MAP_PAGES);
	/* Every port, every size: what the scan says. */
	for (uint32_t port = 0; port < IOBUS_PORTS; port++)
		for (unsigned size = 1; size <= 4; size <<= 1)
			if (iobus_read(&bus, NULL, (uint16_t)port, size) != model_read(&bus, port, size)) {
				EXPECT_TRUE(!"the port map and the scan of the ranges disagree");
				return;
			}
}

/* A PC's devices fit: a few pages, whatever the number of ranges. */
static void test_pc_ports_use_few_pages(void)
{
	static struct iobus bus;
	static const uint16_t pc[][2] = { { 0x20, 2 }, { 0x40, 4 }, { 0x60, 1 }, { 0x64, 1 }, { 0x70, 2 },
					  { 0x92, 1 }, { 0xa0, 2 }, { 0xf4, 1 }, { 0x3f8, 8 }, { 0x2f8, 8 },
					  { 0x510, 2 }, { 0x600, 64 }, { 0xcf8, 8 }, { 0xcf9, 1 } };
	iobus_init(&bus);
	for (unsigned i = 0; i < ARRAY_SIZE(pc); i++) {
		devs[i].tag = i + 1;
		int r = iobus_register(&bus, pc[i][0], pc[i][1], &tag_ops, &devs[i]);
		EXPECT_EQ(r, (pc[i][0] == 0xcf9) ? -1 : 0);   /* 0xcf9 overlaps 0xcf8-0xcff */
	}
	EXPECT_EQ(bus.pages_used, 6);   /* 0x0xx 0x2xx 0x3xx 0x5xx 0x6xx 0xcxx */
}

static void test_straddling_and_edges(void)
{
	static struct iobus bus;
	struct tagdev a = { .tag = 1 }, b = { .tag = 2 };

	iobus_init(&bus);
	EXPECT_EQ(iobus_register(&bus, 0x60, 4, &tag_ops, &a), 0);
	EXPECT_EQ(iobus_register(&bus, 0x64, 4, &tag_ops, &b), 0);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x60, 4), 0x10000);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x64, 4), 0x20000);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x63, 1), 0x03);            /* masked to the size */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x63, 2), 0xffff);         /* across two devices: unclaimed */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x66, 4), 0xffffffff);     /* off the end of one */
	EXPECT_EQ(iobus_register(&bus, 0xfffc, 4, &tag_ops, &a), 0);   /* the last ports */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xfffc, 4), 0x10000);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xffff, 1), 0x03);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xffff, 2), 0xffff);       /* would run past 0xffff */
	iobus_write(&bus, NULL, 0x65, 2, 0x12345);
	EXPECT_EQ(b.writes, 1);
	EXPECT_EQ(b.last_off, 1);
	EXPECT_EQ(b.last_val, 0x2345);                         /* masked to the size */
}

/* Reset reaches every device once, however many port ranges it has. */
static void test_reset_once_per_device(void)
{
	static struct iobus bus;
	struct tagdev a = { .tag = 1 }, b = { .tag = 2 };

	iobus_init(&bus);
	EXPECT_EQ(iobus_register(&bus, 0x60, 1, &tag_ops, &a), 0);
	EXPECT_EQ(iobus_register(&bus, 0x64, 1, &tag_ops, &a), 0);
	EXPECT_EQ(iobus_register(&bus, 0x3f8, 8, &tag_ops, &b), 0);
	iobus_reset(&bus);
	EXPECT_EQ(a.resets, 1);
	EXPECT_EQ(b.resets, 1);
}

/* A fallback that takes the ports [lo, hi) and records what it saw. */
struct fakebars { uint16_t lo, hi; uint32_t reads, writes, last_port, last_val; unsigned last_size; };

static bool bars_take(const struct fakebars *f, uint16_t port, unsigned size)
{
	return port >= f->lo && (uint32_t)port + size <= f->hi;
}

static bool bars_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	struct fakebars *f = ctx;
	if (!bars_take(f, port, size))
		return false;
	f->reads++;
	*val = 0xb0b0b000u | (port & 0xff);     /* more bits than the size: the bus masks */
	return true;
}

static bool bars_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	struct fakebars *f = ctx;
	if (!bars_take(f, port, size))
		return false;
	f->writes++;
	f->last_port = port;
	f->last_val = val;
	f->last_size = size;
	return true;
}

/* The fallback sees the accesses whose first port no range has, in pages
 * with devices and in pages without; what it declines is unclaimed; the
 * devices keep theirs; it can be installed before or after they are, and
 * removed. */
static void test_fallback(void)
{
	static struct iobus bus;
	struct tagdev a = { .tag = 1 }, b = { .tag = 2 };
	struct fakebars bars = { .lo = 0x68, .hi = 0x70 };
	struct fakebars far = { .lo = 0xc000, .hi = 0xc040 };
	const struct iobus_fallback fb = { .read = bars_read, .write = bars_write, .ctx = &bars };
	const struct iobus_fallback fb_far = { .read = bars_read, .write = bars_write, .ctx = &far };

	iobus_init(&bus);
	EXPECT_EQ(iobus_register(&bus, 0x60, 4, &tag_ops, &a), 0);
	unsigned pages = bus.pages_used;
	iobus_set_fallback(&bus, &fb);
	EXPECT_EQ(bus.pages_used, pages);                       /* no page of its own */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x60, 2), 0x0000);     /* the device's */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x6a, 1), 0x6a);       /* the fallback's, masked */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x6c, 4), 0xb0b0b06cu);
	EXPECT_EQ(bars.reads, 2);
	EXPECT_EQ(bus.unclaimed_reads, 0);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x70, 1), 0xff);       /* declined: unclaimed */
	EXPECT_EQ(iobus_read(&bus, NULL, 0x9000, 2), 0xffff);   /* a page without devices */
	EXPECT_EQ(bus.unclaimed_reads, 2);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x63, 2), 0xffff);     /* runs off the device: unclaimed */
	EXPECT_EQ(bars.reads, 2);
	iobus_write(&bus, NULL, 0x6e, 2, 0x12345678u);
	EXPECT_EQ(bars.writes, 1);
	EXPECT_EQ(bars.last_port, 0x6e);
	EXPECT_EQ(bars.last_size, 2);
	EXPECT_EQ(bars.last_val, 0x5678);                       /* masked before it */
	iobus_write(&bus, NULL, 0x80, 1, 0);                   /* declined */
	EXPECT_EQ(bus.unclaimed_writes, 1);
	EXPECT_EQ(a.writes, 0);

	/* a device registered afterwards, in a page that had none */
	EXPECT_EQ(iobus_register(&bus, 0xc010, 8, &tag_ops, &b), 0);
	EXPECT_EQ(bus.pages_used, pages + 1);
	bars.lo = 0xc000;                                       /* the installed one takes 0xc000.. now */
	bars.hi = 0xc040;
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc008, 1), 0x08);     /* the new page's other ports: still its */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc012, 1), 0x02);     /* the device's */
	EXPECT_EQ(bars.reads, 3);
	iobus_set_fallback(&bus, &fb_far);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc012, 1), 0x02);     /* the device's */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc008, 1), 0x08);     /* its page's other ports: the fallback's */
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc030, 1), 0x30);
	EXPECT_EQ(far.reads, 2);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x6a, 1), 0xff);       /* the new one declines the old ports */

	/* removed: unclaimed again everywhere, the devices unchanged */
	iobus_set_fallback(&bus, NULL);
	unsigned unclaimed = bus.unclaimed_reads;
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc008, 1), 0xff);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x9000, 4), 0xffffffffu);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x6a, 1), 0xff);
	EXPECT_EQ(bus.unclaimed_reads, unclaimed + 3);
	EXPECT_EQ(far.reads, 2);
	EXPECT_EQ(iobus_read(&bus, NULL, 0xc012, 1), 0x02);
	EXPECT_EQ(iobus_read(&bus, NULL, 0x61, 1), 0x01);
	/* and every port agrees with the scan again */
	for (uint32_t port = 0; port < IOBUS_PORTS; port++)
		if (iobus_read(&bus, NULL, (uint16_t)port, 1) != model_read(&bus, port, 1)) {
			EXPECT_TRUE(!"the map after the fallback's removal disagrees with the scan");
			return;
		}
}

/* With a fallback that declines everything the bus answers as without one,
 * at every port and size (the map and the scan agree). */
static void test_fallback_declining_is_transparent(void)
{
	static struct iobus bus;
	struct fakebars none = { .lo = 0, .hi = 0 };
	const struct iobus_fallback fb = { .read = bars_read, .write = bars_write, .ctx = &none };
	static const uint16_t at[][2] = { { 0x20, 2 }, { 0x3f8, 8 }, { 0xcf8, 8 }, { 0xfffc, 4 } };

	iobus_init(&bus);
	iobus_set_fallback(&bus, &fb);
	for (unsigned i = 0; i < ARRAY_SIZE(at); i++) {
		devs[i].tag = i + 1;
		EXPECT_EQ(iobus_register(&bus, at[i][0], at[i][1], &tag_ops, &devs[i]), 0);
	}
	for (uint32_t port = 0; port < IOBUS_PORTS; port++)
		for (unsigned size = 1; size <= 4; size <<= 1)
			if (iobus_read(&bus, NULL, (uint16_t)port, size) != model_read(&bus, port, size)) {
				EXPECT_TRUE(!"a declining fallback changed an answer");
				return;
			}
}

int main(void)
{
	RUN(test_fallback);
	RUN(test_fallback_declining_is_transparent);
	RUN(test_reset_once_per_device);
	RUN(test_pc_ports_use_few_pages);
	RUN(test_map_matches_scan);
	RUN(test_straddling_and_edges);
	TEST_MAIN_END();
}

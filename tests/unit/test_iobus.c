/* tests/unit/test_iobus.c - The I/O bus's port map gives exactly what the scan of its ranges gives. */
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

static uint8_t map[IOBUS_PORTS];
static struct tagdev devs[IOBUS_MAX_RANGES];

static void test_map_matches_scan(void)
{
	static struct iobus with_map, scan;
	unsigned seed = 12345;

	iobus_init(&with_map);
	iobus_init(&scan);
	iobus_set_port_map(&with_map, map);
	/* Random ranges, some overlapping (refused by both the same way). */
	for (int i = 0; i < 200; i++) {
		seed = seed * 1103515245 + 12345;
		uint16_t base = (uint16_t)(seed >> 8);
		uint16_t len = (uint16_t)(1 + (seed >> 24) % 16);
		unsigned k = with_map.count < IOBUS_MAX_RANGES ? with_map.count : 0;
		devs[k].tag = k + 1;
		int a = iobus_register(&with_map, base, len, &tag_ops, &devs[k]);
		int b = iobus_register(&scan, base, len, &tag_ops, &devs[k]);
		EXPECT_EQ(a, b);
	}
	EXPECT_EQ(with_map.count, IOBUS_MAX_RANGES);
	/* Every port, every size: the same value. */
	for (uint32_t port = 0; port < IOBUS_PORTS; port++)
		for (unsigned size = 1; size <= 4; size <<= 1)
			if (iobus_read(&with_map, NULL, (uint16_t)port, size) != iobus_read(&scan, NULL, (uint16_t)port, size)) {
				EXPECT_TRUE(!"port map and scan disagree");
				return;
			}
	EXPECT_EQ(with_map.unclaimed_reads, scan.unclaimed_reads);
}

static void test_straddling_and_edges(void)
{
	static struct iobus bus;
	struct tagdev a = { .tag = 1 }, b = { .tag = 2 };

	iobus_init(&bus);
	iobus_set_port_map(&bus, map);
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
	iobus_set_port_map(&bus, map);
	EXPECT_EQ(iobus_register(&bus, 0x60, 1, &tag_ops, &a), 0);
	EXPECT_EQ(iobus_register(&bus, 0x64, 1, &tag_ops, &a), 0);
	EXPECT_EQ(iobus_register(&bus, 0x3f8, 8, &tag_ops, &b), 0);
	iobus_reset(&bus);
	EXPECT_EQ(a.resets, 1);
	EXPECT_EQ(b.resets, 1);
}

int main(void)
{
	RUN(test_reset_once_per_device);
	RUN(test_map_matches_scan);
	RUN(test_straddling_and_edges);
	TEST_MAIN_END();
}

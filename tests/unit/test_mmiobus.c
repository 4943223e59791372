/* tests/unit/test_mmiobus.c - The MMIO bus: registration rules, lookup at
 * range edges, accesses that cross an end, all-ones for write-only models. */
/* UNIT_SRC: hv/vdev/mmiobus.c */
#include "test.h"
#include "hv/vdev/mmiobus.h"

struct fake { uint64_t last_off, last_val; unsigned last_size, reads, writes; };

static uint64_t fake_read(void *dev, struct vcpu *v, uint64_t off, unsigned size)
{
	(void)v;
	struct fake *f = dev;
	f->reads++;
	f->last_off = off;
	f->last_size = size;
	return 0x1122334455667788ull;
}

static void fake_write(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	(void)v;
	struct fake *f = dev;
	f->writes++;
	f->last_off = off;
	f->last_size = size;
	f->last_val = val;
}

static const struct mmio_ops fake_ops = { "fake", fake_read, fake_write };
static const struct mmio_ops write_only_ops = { "wo", NULL, fake_write };

static void test_register_rules(void)
{
	struct mmiobus bus;
	struct fake a = { 0 };
	mmiobus_init(&bus);
	EXPECT_EQ(mmiobus_register(&bus, 0xfec00000, 0x1000, &fake_ops, &a), 0);
	EXPECT_EQ(mmiobus_register(&bus, 0xfec00fff, 1, &fake_ops, &a), -1);     /* overlaps the end */
	EXPECT_EQ(mmiobus_register(&bus, 0xfebfffff, 2, &fake_ops, &a), -1);     /* overlaps the start */
	EXPECT_EQ(mmiobus_register(&bus, 0xfebff000, 0x1000, &fake_ops, &a), 0); /* adjacent below */
	EXPECT_EQ(mmiobus_register(&bus, 0xfec01000, 0x1000, &fake_ops, &a), 0); /* adjacent above */
	EXPECT_EQ(mmiobus_register(&bus, 0x1000, 0, &fake_ops, &a), -1);          /* empty */
	EXPECT_EQ(mmiobus_register(&bus, UINT64_MAX - 10, 100, &fake_ops, &a), -1); /* wraps */
	EXPECT_EQ(bus.count, 3);
	for (unsigned i = 1; i < bus.count; i++)
		EXPECT_TRUE(bus.ranges[i - 1].base < bus.ranges[i].base);
}

static void test_full(void)
{
	struct mmiobus bus;
	struct fake a = { 0 };
	mmiobus_init(&bus);
	for (unsigned i = 0; i < MMIOBUS_MAX_RANGES; i++)
		EXPECT_EQ(mmiobus_register(&bus, 0x100000ull * (MMIOBUS_MAX_RANGES - i), 0x1000, &fake_ops, &a), 0);
	EXPECT_EQ(mmiobus_register(&bus, 0x10000000, 0x1000, &fake_ops, &a), -1);
	EXPECT_EQ(bus.count, MMIOBUS_MAX_RANGES);
}

static void test_access_edges(void)
{
	struct mmiobus bus;
	struct fake a = { 0 };
	uint64_t val = 0;
	mmiobus_init(&bus);
	mmiobus_register(&bus, 0xfec00000, 0x20, &fake_ops, &a);
	EXPECT_TRUE(mmiobus_read(&bus, NULL, 0xfec0001c, 4, &val));
	EXPECT_EQ(a.last_off, 0x1c);
	EXPECT_EQ(val, 0x55667788);                     /* masked to the size */
	EXPECT_TRUE(!mmiobus_read(&bus, NULL, 0xfec0001d, 4, &val));   /* crosses the end */
	EXPECT_TRUE(!mmiobus_read(&bus, NULL, 0xfebffffe, 4, &val));   /* starts before */
	EXPECT_TRUE(!mmiobus_read(&bus, NULL, 0xfec00020, 1, &val));
	EXPECT_TRUE(mmiobus_write(&bus, NULL, 0xfec00000, 8, 0xdeadbeefcafef00dull));
	EXPECT_EQ(a.last_val, 0xdeadbeefcafef00dull);
	EXPECT_TRUE(mmiobus_write(&bus, NULL, 0xfec00001, 2, 0x12345));
	EXPECT_EQ(a.last_val, 0x2345);
	EXPECT_EQ(a.last_size, 2);
	EXPECT_TRUE(!mmiobus_write(&bus, NULL, UINT64_MAX, 2, 0));     /* wraps */
	EXPECT_TRUE(mmiobus_find(&bus, 0xfec00000, 0) == NULL);
}

static void test_null_ops(void)
{
	struct mmiobus bus;
	struct fake a = { 0 };
	uint64_t val = 0;
	mmiobus_init(&bus);
	mmiobus_register(&bus, 0x1000, 0x1000, &write_only_ops, &a);
	EXPECT_TRUE(mmiobus_read(&bus, NULL, 0x1000, 2, &val));
	EXPECT_EQ(val, 0xffff);
	EXPECT_TRUE(mmiobus_write(&bus, NULL, 0x1ff8, 8, 7));
	EXPECT_EQ(a.writes, 1);
}

int main(void)
{
	RUN(test_register_rules);
	RUN(test_full);
	RUN(test_access_edges);
	RUN(test_null_ops);
	TEST_MAIN_END();
}

/* tests/unit/test_vtestdev.c - QEMU's pc-testdev (hv/vdev/vtestdev.h),
 * through the port and MMIO buses as a guest reaches it: the scratch
 * register and its byte lanes, the flush port, the IRQ lines, the window,
 * and every size at every offset never leaving the model. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/mmiobus.c hv/vdev/vtestdev.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/mmiobus.h"
#include "hv/vdev/vtestdev.h"

/* The lines as recorded: level and number of changes per ISA IRQ, and the
 * lines 16-23 the abort hook heard of. */
struct lines_seen {
	bool level[VTESTDEV_ISA_IRQS];
	unsigned sets[VTESTDEV_ISA_IRQS];
	unsigned aborts, last_abort;
};

static void record_line(void *ctx, unsigned pin, bool level)
{
	struct lines_seen *s = ctx;
	s->level[pin] = level;
	s->sets[pin]++;
}

static void record_abort(void *ctx, unsigned line)
{
	struct lines_seen *s = ctx;
	s->aborts++;
	s->last_abort = line;
}

struct board {
	struct iobus io;
	struct mmiobus mmio;
	struct lines_seen seen;
	struct vtestdev dev;
};

static struct board *board_new(void)
{
	struct board *b = calloc(1, sizeof(*b));
	struct irq_line lines[VTESTDEV_ISA_IRQS];
	for (unsigned i = 0; i < VTESTDEV_ISA_IRQS; i++)
		lines[i] = (struct irq_line){ record_line, &b->seen, i };
	vtestdev_init(&b->dev, lines, record_abort, &b->seen);
	iobus_init(&b->io);
	mmiobus_init(&b->mmio);
	EXPECT_EQ(iobus_register(&b->io, VTESTDEV_PORT_BASE, VTESTDEV_PORTS, &vtestdev_port_ops, &b->dev), 0);
	EXPECT_EQ(iobus_register(&b->io, VTESTDEV_IRQ_BASE, VTESTDEV_IRQ_PORTS, &vtestdev_irq_ops, &b->dev), 0);
	EXPECT_EQ(mmiobus_register(&b->mmio, VTESTDEV_IOMEM_GPA, VTESTDEV_IOMEM_SIZE, &vtestdev_iomem_ops, &b->dev),
		  0);
	return b;
}

static uint32_t in(struct board *b, uint16_t port, unsigned size)
{
	return iobus_read(&b->io, NULL, port, size);
}

static void out(struct board *b, uint16_t port, unsigned size, uint32_t val)
{
	iobus_write(&b->io, NULL, port, size, val);
}

/* What tests/guests/mb/testdev.c measured on QEMU: every aligned size at
 * 0xE0-0xE3 reads and writes those bytes of the register. */
static void test_scratch_register_sizes(void)
{
	struct board *b = board_new();
	EXPECT_EQ(in(b, 0xe0, 4), 0);
	out(b, 0xe0, 4, 0x12345678);
	EXPECT_EQ(in(b, 0xe0, 4), 0x12345678);
	EXPECT_EQ(in(b, 0xe0, 2), 0x5678);
	EXPECT_EQ(in(b, 0xe2, 2), 0x1234);
	EXPECT_EQ(in(b, 0xe0, 1), 0x78);
	EXPECT_EQ(in(b, 0xe3, 1), 0x12);
	out(b, 0xe1, 1, 0xab);
	EXPECT_EQ(in(b, 0xe0, 4), 0x1234ab78);
	out(b, 0xe2, 2, 0xcdef);
	EXPECT_EQ(in(b, 0xe0, 4), 0xcdefab78);
	out(b, 0xe3, 1, 0x01);
	EXPECT_EQ(in(b, 0xe0, 4), 0x01efab78);
	free(b);
}

/* QEMU refuses an unaligned access: it reads 0, its write is dropped. */
static void test_scratch_unaligned_refused(void)
{
	struct board *b = board_new();
	out(b, 0xe0, 4, 0x01efab78);
	EXPECT_EQ(in(b, 0xe1, 2), 0);
	EXPECT_EQ(in(b, 0xe3, 2), 0);
	EXPECT_EQ(in(b, 0xe1, 4), 0);
	EXPECT_EQ(in(b, 0xe2, 4), 0);
	out(b, 0xe1, 2, 0x5555);
	out(b, 0xe2, 4, 0x66666666);
	out(b, 0xe3, 2, 0x7777);
	EXPECT_EQ(in(b, 0xe0, 4), 0x01efab78);
	free(b);
}

/* 0xE8-0xEB: the same register, byte by byte. */
static void test_byte_lanes(void)
{
	struct board *b = board_new();
	out(b, 0xe0, 4, 0x01efab78);
	EXPECT_EQ(in(b, 0xe8, 1), 0x78);
	EXPECT_EQ(in(b, 0xe9, 1), 0xab);
	EXPECT_EQ(in(b, 0xeb, 1), 0x01);
	EXPECT_EQ(in(b, 0xea, 2), 0x01ef);
	EXPECT_EQ(in(b, 0xe8, 4), 0x01efab78);
	out(b, 0xea, 1, 0x11);
	EXPECT_EQ(in(b, 0xe0, 4), 0x0111ab78);
	out(b, 0xe8, 2, 0x2233);
	EXPECT_EQ(in(b, 0xe0, 4), 0x01112233);
	out(b, 0xe8, 4, 0x8899aabb);
	EXPECT_EQ(in(b, 0xe0, 4), 0x8899aabb);
	EXPECT_EQ(in(b, 0xe9, 2), 0);
	EXPECT_EQ(in(b, 0xeb, 2), 0);
	EXPECT_EQ(in(b, 0xea, 4), 0);
	out(b, 0xe9, 2, 0x4444);
	out(b, 0xe9, 4, 0x55555555);
	out(b, 0xeb, 4, 0x55555555);
	EXPECT_EQ(in(b, 0xe0, 4), 0x8899aabb);
	free(b);
}

/* The flush port reads 0 at every size and offset, and its writes change
 * nothing a guest sees; the ports after the device read all ones. */
static void test_flush_port_and_past_the_device(void)
{
	struct board *b = board_new();
	out(b, 0xe0, 4, 0xcafef00d);
	out(b, 0xe4, 4, 0x200000);
	out(b, 0xe4, 1, 0xff);
	out(b, 0xe6, 2, 0xffff);
	for (uint16_t p = 0xe4; p < 0xe8; p++)
		for (unsigned size = 1; size <= 4; size *= 2)
			EXPECT_EQ(in(b, p, size), 0);
	EXPECT_EQ(in(b, 0xe0, 4), 0xcafef00d);
	EXPECT_EQ(in(b, 0xec, 1), 0xff);
	EXPECT_EQ(in(b, 0xec, 2), 0xffff);
	EXPECT_EQ(in(b, 0xee, 1), 0xff);
	EXPECT_EQ(in(b, 0xef, 1), 0xff);     /* not on the bus at all */
	EXPECT_EQ(in(b, 0xec, 4), 0xffffffff);
	out(b, 0xec, 4, 0);
	EXPECT_EQ(in(b, 0xe0, 4), 0xcafef00d);
	free(b);
}

/* A byte write of v at 0x2000 + n sets ISA line n to v != 0; other sizes
 * do nothing; reads give 0 at every size; lines 16-23 go to the abort
 * hook and move no line. */
static void test_irq_lines(void)
{
	struct board *b = board_new();
	out(b, 0x2005, 1, 1);
	EXPECT_TRUE(b->seen.level[5]);
	out(b, 0x2005, 1, 0x80);
	EXPECT_TRUE(b->seen.level[5]);
	out(b, 0x2005, 1, 0);
	EXPECT_TRUE(!b->seen.level[5]);
	out(b, 0x200f, 1, 2);
	EXPECT_TRUE(b->seen.level[15]);
	out(b, 0x2000, 1, 1);
	EXPECT_TRUE(b->seen.level[0]);
	unsigned sets = 0;
	for (unsigned i = 0; i < VTESTDEV_ISA_IRQS; i++)
		sets += b->seen.sets[i];
	out(b, 0x2004, 2, 0x0101);
	out(b, 0x2004, 4, 0x01010101);
	out(b, 0x2016, 4, 0x01010101);
	unsigned after = 0;
	for (unsigned i = 0; i < VTESTDEV_ISA_IRQS; i++)
		after += b->seen.sets[i];
	EXPECT_EQ(after, sets);
	EXPECT_EQ(b->seen.aborts, 0);
	out(b, 0x2010, 1, 1);
	EXPECT_EQ(b->seen.aborts, 1);
	EXPECT_EQ(b->seen.last_abort, 16);
	out(b, 0x2017, 1, 0);
	EXPECT_EQ(b->seen.last_abort, 23);
	out(b, 0x2018, 1, 1);               /* past the lines: nothing */
	out(b, 0x201a, 1, 1);
	EXPECT_EQ(b->seen.aborts, 2);
	for (uint16_t p = 0x2000; p < 0x2018; p++)
		for (unsigned size = 1; size <= 4; size *= 2)
			if (p + size <= VTESTDEV_IRQ_BASE + VTESTDEV_IRQ_PORTS)
				EXPECT_EQ(in(b, p, size), 0);
	EXPECT_EQ(in(b, 0x2018, 1), 0xff);
	EXPECT_EQ(in(b, 0x2018, 2), 0xffff);
	free(b);
}

/* The window: memory at every size and offset, little-endian, up to its
 * last byte; an access past its end is not the bus's. */
static void test_iomem_window(void)
{
	struct board *b = board_new();
	uint64_t v = 1;
	EXPECT_TRUE(mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA, 4, &v));
	EXPECT_EQ(v, 0);
	EXPECT_TRUE(mmiobus_write(&b->mmio, NULL, VTESTDEV_IOMEM_GPA, 4, 0x04030201));
	EXPECT_TRUE(mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 2, 2, &v));
	EXPECT_EQ(v, 0x0403);
	EXPECT_TRUE(mmiobus_write(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0x101, 4, 0x11223344));
	EXPECT_TRUE(mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0x100, 8, &v));
	EXPECT_EQ(v, 0x0000001122334400ull);
	EXPECT_TRUE(mmiobus_write(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0xfff8, 8, 0x0807060504030201ull));
	EXPECT_TRUE(mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0xffff, 1, &v));
	EXPECT_EQ(v, 0x08);
	EXPECT_TRUE(mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0xfffc, 4, &v));
	EXPECT_EQ(v, 0x08070605);
	EXPECT_TRUE(!mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0xfffd, 4, &v));
	EXPECT_TRUE(!mmiobus_write(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + 0xffff, 2, 0));
	EXPECT_TRUE(!mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA + VTESTDEV_IOMEM_SIZE, 1, &v));
	EXPECT_TRUE(!mmiobus_read(&b->mmio, NULL, VTESTDEV_IOMEM_GPA - 1, 1, &v));
	free(b);
}

/* The ops called directly, as a bus that checked nothing would: any size,
 * any offset, reads 0 or all ones and writes change nothing outside the
 * model (ASan watches the window's ends). */
static void test_garbage_accesses(void)
{
	struct board *b = board_new();
	out(b, 0xe0, 4, 0x5a5aa5a5);
	static const unsigned sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 4096, 0xffffffffu };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned size = sizes[i];
		for (uint32_t off = 0; off < 64; off++) {
			(void)vtestdev_port_ops.read(&b->dev, NULL, (uint16_t)off, size);
			(void)vtestdev_irq_ops.read(&b->dev, NULL, (uint16_t)off, size);
			if (size != 1 && size != 2 && size != 4)
				vtestdev_port_ops.write(&b->dev, NULL, (uint16_t)off, size, 0);
			if (size != 1)
				vtestdev_irq_ops.write(&b->dev, NULL, (uint16_t)off, size, 1);
		}
		static const uint64_t offs[] = { 0, 1, 0xfff8, 0xfffc, 0xffff, 0x10000, 0x10001, 0xfffffffful,
						 UINT64_MAX - 3, UINT64_MAX };
		for (unsigned k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			uint64_t v = vtestdev_iomem_ops.read(&b->dev, NULL, offs[k], size);
			if (size == 0 || size > 8 || offs[k] + size > VTESTDEV_IOMEM_SIZE || offs[k] + size < offs[k])
				EXPECT_EQ(v, 0);
			vtestdev_iomem_ops.write(&b->dev, NULL, offs[k], size, ~0ull);
		}
	}
	for (unsigned off = 0; off < 0x10000; off += 0x1000)
		EXPECT_EQ(b->dev.iomem[off + 0x800], 0);
	EXPECT_EQ(in(b, 0xe0, 4), 0x5a5aa5a5);
	EXPECT_EQ(b->seen.aborts, 0);
	free(b);
}

int main(void)
{
	RUN(test_scratch_register_sizes);
	RUN(test_scratch_unaligned_refused);
	RUN(test_byte_lanes);
	RUN(test_flush_port_and_past_the_device);
	RUN(test_irq_lines);
	RUN(test_iomem_window);
	RUN(test_garbage_accesses);
	TEST_MAIN_END();
}

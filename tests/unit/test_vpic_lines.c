/* tests/unit/test_vpic_lines.c - The 8259A pair's inputs (hv/vdev/vpic.c):
 * edge and level lines through the ELCR, the cascade (special fully nested
 * mode, the slave's spurious IRQ 15), lines out of range, access sizes and
 * random accesses. The command words: test_vpic.c. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpic.c */
#include "vpic_fake.h"

/* ELCR: level IRQs follow their line and come back after EOI; edge ones
 * need a new edge. */
static void test_level_vs_edge(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0xa1, 0x00);
	outb(&r, 0x4d1, 0x04);                    /* IRQ 10 level */
	EXPECT_EQ(inb(&r, 0x4d1), 0x04);
	vpic_set_irq(&r.pic, 10, true);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x72);
	EXPECT_EQ(read_irr(&r, 0xa0), 0x04);      /* a level request stays in IRR */
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(r.intr.level);                /* line still high: asserted again */
	EXPECT_EQ(vpic_ack(&r.pic), 0x72);
	vpic_set_irq(&r.pic, 10, false);          /* the device is served */
	EXPECT_EQ(read_irr(&r, 0xa0), 0x00);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
	/* an edge IRQ 11 held high: once */
	vpic_set_irq(&r.pic, 11, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x73);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	vpic_set_irq(&r.pic, 11, true);           /* no edge */
	EXPECT_TRUE(!r.intr.level);
	vpic_set_irq(&r.pic, 11, false);
	vpic_set_irq(&r.pic, 11, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x73);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	/* a level request withdrawn before the INTA (INTR was seen high):
	 * the INTA answers the master's spurious IRQ 7, ISR untouched */
	outb(&r, 0x4d0, 0x20);
	outb(&r, 0x21, 0x00);
	vpic_set_irq(&r.pic, 5, true);
	EXPECT_TRUE(r.intr.level);
	vpic_set_irq(&r.pic, 5, false);
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	/* turning a line level takes its level at once; back to edge keeps IRR */
	vpic_set_irq(&r.pic, 6, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0e);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x4d0, 0x60);
	EXPECT_TRUE(r.intr.level);
	outb(&r, 0x4d0, 0x20);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0e);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
}

static void test_elcr_fixed_bits(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x4d0, 0xff);
	outb(&r, 0x4d1, 0xff);
	EXPECT_EQ(inb(&r, 0x4d0), 0xf8);
	EXPECT_EQ(inb(&r, 0x4d1), 0xde);
	/* IRQ 0 stays edge whatever the guest writes */
	outb(&r, 0x21, 0xfa);
	vpic_set_irq(&r.pic, 0, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	/* IRQ 8 too; IRQ 9 is level */
	outb(&r, 0xa1, 0xfc);
	vpic_set_irq(&r.pic, 8, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x70);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	vpic_set_irq(&r.pic, 9, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x71);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(r.intr.level);
	/* reset (through the bus: once for the three ranges): all edge */
	unsigned calls = r.intr.calls;
	iobus_reset(&r.bus);
	EXPECT_EQ(r.intr.calls, calls + 1);
	EXPECT_EQ(inb(&r, 0x4d0), 0);
	EXPECT_EQ(inb(&r, 0x4d1), 0);
}

/* The master latched IR2 (an edge) and the slave's request went away: the
 * slave's spurious IRQ 15. */
static void test_spurious_15(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0xa1, 0x00);
	pulse(&r, 9);
	EXPECT_TRUE(r.intr.level);
	outb(&r, 0xa1, 0x02);                     /* masked on the slave */
	EXPECT_TRUE(r.intr.level);                /* the master's IR2 stays latched */
	EXPECT_EQ(vpic_ack(&r.pic), 0x77);
	EXPECT_EQ(read_isr(&r, 0xa0), 0x00);      /* slave: nothing in service */
	EXPECT_EQ(read_irr(&r, 0xa0), 0x02);      /* the request still waits */
	EXPECT_EQ(read_isr(&r, 0x20), 0x04);      /* master: IR2 acknowledged */
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0xa1, 0x00);                     /* unmasked: a new slave INT edge */
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x71);
	/* the master with nothing at all: its spurious IRQ 7, no state touched */
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(read_isr(&r, 0xa0), 0);
	EXPECT_TRUE(!r.intr.level);
}

/* Special fully nested mode on the master: a higher slave IRQ nests over a
 * lower one in service; master levels below IR2 still wait. */
static void test_special_fully_nested(void)
{
	for (int sfnm = 0; sfnm < 2; sfnm++) {
		struct rig r;
		rig_init(&r);
		outb(&r, 0x20, 0x11);
		outb(&r, 0x21, 0x08);
		outb(&r, 0x21, 0x04);
		outb(&r, 0x21, sfnm ? 0x11 : 0x01);
		outb(&r, 0xa0, 0x11);
		outb(&r, 0xa1, 0x70);
		outb(&r, 0xa1, 0x02);
		outb(&r, 0xa1, 0x01);
		outb(&r, 0x21, 0x00);
		outb(&r, 0xa1, 0x00);
		pulse(&r, 12);
		EXPECT_EQ(vpic_ack(&r.pic), 0x74);
		pulse(&r, 3);
		EXPECT_TRUE(!r.intr.level);          /* below IR2 in service: waits either way */
		pulse(&r, 8);
		EXPECT_EQ(r.intr.level, sfnm);
		EXPECT_EQ(vpic_ack(&r.pic), sfnm ? 0x70 : 0x0f);   /* else: spurious IRQ 7 */
		if (sfnm)
			EXPECT_EQ(read_isr(&r, 0xa0), 0x11);
		pulse(&r, 1);
		EXPECT_TRUE(r.intr.level);           /* above IR2: nests in both modes */
		EXPECT_EQ(vpic_ack(&r.pic), 0x09);
	}
}

/* Input lines out of range, and IRQ 2 (the cascade): ignored. */
static void test_irq_out_of_range(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	outb(&r, 0xa1, 0x00);
	unsigned calls = r.intr.calls;
	vpic_set_irq(&r.pic, 2, true);
	vpic_set_irq(&r.pic, 16, true);
	vpic_set_irq(&r.pic, 255, true);
	vpic_set_irq(&r.pic, 0xffffffffu, true);
	EXPECT_EQ(r.intr.calls, calls);
	EXPECT_EQ(read_irr(&r, 0x20), 0);
	EXPECT_EQ(read_irr(&r, 0xa0), 0);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
}

/* 2-byte accesses: two byte accesses, lowest port first (QEMU's split);
 * wider or past the end: the bus keeps them away; called directly the
 * bytes past the range read 0xFF and are not written. */
static void test_access_sizes(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 3);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
	pulse(&r, 5);
	EXPECT_TRUE(!r.intr.level);
	/* OUTW 0x20: 0x20 (EOI) to 0x20, then 0xDF to 0x21 (IMR: 5 unmasked) */
	iobus_write(&r.bus, NULL, 0x20, 2, 0xdf20);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(inb(&r, 0x21), 0xdf);
	EXPECT_TRUE(r.intr.level);
	/* INW 0x20: IRR | IMR << 8 */
	outb(&r, 0x20, 0x0a);
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x20, 2), 0xdf20);
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x4d0, 2), 0x0000);
	iobus_write(&r.bus, NULL, 0x4d0, 2, 0xffff);
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x4d0, 2), 0xdef8);
	iobus_write(&r.bus, NULL, 0x4d0, 2, 0x0000);
	/* straddling or wider than a range: unclaimed, nothing changes */
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x21, 2), 0xffff);
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x20, 4), 0xffffffffu);
	iobus_write(&r.bus, NULL, 0x20, 4, 0x11111111u);
	iobus_write(&r.bus, NULL, 0xa1, 2, 0x1111);
	EXPECT_EQ(inb(&r, 0x21), 0xdf);
	EXPECT_EQ(inb(&r, 0xa1), 0xff);
	/* the ops called directly with odd offsets and sizes */
	EXPECT_EQ(vpic_master_ops.read(&r.pic, NULL, 1, 2), 0xffdf);
	EXPECT_EQ(vpic_master_ops.read(&r.pic, NULL, 2, 1), 0xff);
	EXPECT_EQ(vpic_master_ops.read(&r.pic, NULL, 0xffff, 4), 0xffffffffu);
	EXPECT_EQ(vpic_master_ops.read(&r.pic, NULL, 0, 0), 0);
	vpic_master_ops.write(&r.pic, NULL, 1, 4, 0x111111f3u);   /* IMR 0xF3, then nothing */
	vpic_master_ops.write(&r.pic, NULL, 2, 1, 0x11);
	vpic_master_ops.write(&r.pic, NULL, 0xffff, 4, 0x11111111u);
	vpic_elcr_ops.write(&r.pic, NULL, 1, 2, 0xffff);
	EXPECT_EQ(inb(&r, 0x21), 0xf3);
	EXPECT_EQ(inb(&r, 0x4d0), 0x00);
	EXPECT_EQ(inb(&r, 0x4d1), 0xde);
	EXPECT_EQ(vpic_elcr_ops.read(&r.pic, NULL, 1, 4), 0xffffffdeu);
	EXPECT_EQ(vpic_slave_ops.read(&r.pic, NULL, 0, 8), 0xffffff00u | read_irr(&r, 0xa0));  /* taken as 4 */
	vpic_slave_ops.write(&r.pic, NULL, 1, 8, 0xffffffffu);
	EXPECT_EQ(inb(&r, 0xa1), 0xff);
	/* and the machine still works (the ELCR round trip through level
	 * dropped IRQ 5's edge: its line is low) */
	outb(&r, 0x21, 0x00);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
	pulse(&r, 5);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0d);
}

/* Random bytes to every port, at every size, with lines toggling and
 * INTAs: no crash, the invariants hold, and a reset brings it back. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void test_random_accesses(void)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	static const unsigned sizes[] = { 1, 2, 4 };
	struct rig r;
	rig_init(&r);
	for (int i = 0; i < 200000; i++) {
		uint32_t x = rng();
		uint16_t port = ports[x % ARRAY_SIZE(ports)];
		unsigned size = sizes[(x >> 8) % 3];
		switch ((x >> 12) % 4) {
		case 0:
			iobus_write(&r.bus, NULL, port, size, rng());
			break;
		case 1:
			(void)iobus_read(&r.bus, NULL, port, size);
			break;
		case 2:
			vpic_set_irq(&r.pic, (x >> 16) % 20, (x >> 24) & 1);
			break;
		default: {
			bool out = vpic_output(&r.pic);
			unsigned mbase = r.pic.chip[VPIC_MASTER].vector_base, sbase = r.pic.chip[VPIC_SLAVE].vector_base;
			int vec = vpic_ack(&r.pic);
			if (!out)
				EXPECT_EQ(vec, (int)mbase + 7);   /* spurious IRQ 7 */
			else
				EXPECT_TRUE(vec >= 0 && (((unsigned)vec & ~7u) == mbase || ((unsigned)vec & ~7u) == sbase));
			break;
		}
		}
		if (r.intr.level != vpic_output(&r.pic) || r.intr.level != r.pic.intr_level) {
			EXPECT_TRUE(r.intr.level == vpic_output(&r.pic));
			break;
		}
		if ((inb(&r, 0x4d0) & ~0xf8) || (inb(&r, 0x4d1) & ~0xde)) {
			EXPECT_TRUE(false);
			break;
		}
	}
	vpic_reset(&r.pic);
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(inb(&r, 0x21), 0);
	EXPECT_EQ(inb(&r, 0xa1), 0);
	EXPECT_EQ(inb(&r, 0x4d0), 0);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(read_isr(&r, 0xa0), 0);
	EXPECT_EQ(read_irr(&r, 0x20), 0);
	seabios_init(&r);
	outb(&r, 0x21, 0xfa);
	for (unsigned irq = 0; irq < 16; irq++)
		vpic_set_irq(&r.pic, irq, false);
	pulse(&r, 0);
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
}

/* The board's catch-up: a request that a timer makes in the hook is in the
 * IRR that the same read returns (the hook runs before the chip is read,
 * outside its lock), once per read whatever its width. */
struct hook_rec {
	struct rig *rig;
	unsigned calls;
};

static void raise_irq0(void *ctx)
{
	struct hook_rec *h = ctx;
	h->calls++;
	vpic_set_irq(&h->rig->pic, 0, true);
}

static void test_read_hook_runs_first(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	struct hook_rec h = { &r, 0 };
	vpic_set_read_hook(&r.pic, (struct vpic_read_hook){ raise_irq0, &h });
	outb(&r, 0x20, 0x0a);
	EXPECT_EQ(h.calls, 0u);                 /* writes do not run it */
	EXPECT_EQ(inb(&r, 0x20) & 0x01, 0x01);
	EXPECT_EQ(h.calls, 1u);
	(void)iobus_read(&r.bus, NULL, 0xa0, 2);
	EXPECT_EQ(h.calls, 2u);
	vpic_reset(&r.pic);                     /* a reset keeps the board's wiring */
	(void)inb(&r, 0x21);
	EXPECT_EQ(h.calls, 3u);
}

int main(void)
{
	RUN(test_level_vs_edge);
	RUN(test_elcr_fixed_bits);
	RUN(test_spurious_15);
	RUN(test_special_fully_nested);
	RUN(test_irq_out_of_range);
	RUN(test_access_sizes);
	RUN(test_random_accesses);
	RUN(test_read_hook_runs_first);
	TEST_MAIN_END();
}

/* tests/unit/test_vpic.c - The 8259A pair (hv/vdev/vpic.c) through the I/O
 * bus as a guest reaches it, INTR recorded: power-on, initialisation
 * sequences, vectors, priorities, masking, the EOI kinds, rotation,
 * auto-EOI, special mask and poll modes. Input lines, the ELCR, the
 * cascade's spurious IRQ 15, odd accesses: test_vpic_lines.c. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpic.c */
#include "vpic_fake.h"

static void test_power_on(void)
{
	struct rig r;
	rig_init(&r);
	EXPECT_EQ(r.intr.calls, 0);               /* init drives nothing */
	EXPECT_EQ(inb(&r, 0x21), 0);              /* IMR clear, as QEMU's reset */
	EXPECT_EQ(inb(&r, 0xa1), 0);
	EXPECT_EQ(inb(&r, 0x20), 0);              /* IRR */
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(inb(&r, 0x4d0), 0);
	EXPECT_EQ(inb(&r, 0x4d1), 0);
	EXPECT_TRUE(!vpic_output(&r.pic));
	EXPECT_EQ(vpic_ack(&r.pic), 7);            /* nothing: spurious IRQ 7 at base 0 */
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	/* uninitialised: OCW1 reaches IMR; vector base 0 */
	outb(&r, 0x21, 0xfd);
	EXPECT_EQ(inb(&r, 0x21), 0xfd);
	pulse(&r, 1);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 1);
	/* reset: back to power-on, and intr driven low */
	unsigned calls = r.intr.calls;
	vpic_reset(&r.pic);
	EXPECT_EQ(r.intr.calls, calls + 1);
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(inb(&r, 0x21), 0);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
}

static void test_seabios_init_and_vectors(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	EXPECT_EQ(inb(&r, 0x21), 0xfb);
	EXPECT_EQ(inb(&r, 0xa1), 0xff);
	EXPECT_TRUE(!r.intr.level);
	/* SeaBIOS unmasks the timer: IRQ 0 is vector 0x08 */
	outb(&r, 0x21, 0xfa);
	pulse(&r, 0);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(r.intr.pin, 0);
	EXPECT_EQ(read_irr(&r, 0x20), 0x01);
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(read_isr(&r, 0x20), 0x01);
	EXPECT_EQ(read_irr(&r, 0x20), 0x00);
	outb(&r, 0x20, 0x20);                     /* EOI */
	EXPECT_EQ(read_isr(&r, 0x20), 0x00);
	/* the RTC, IRQ 8: vector 0x70 through the cascade */
	outb(&r, 0xa1, 0xfe);
	pulse(&r, 8);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(read_irr(&r, 0xa0), 0x01);
	EXPECT_EQ(vpic_ack(&r.pic), 0x70);
	EXPECT_EQ(read_isr(&r, 0xa0), 0x01);
	EXPECT_EQ(read_isr(&r, 0x20), 0x04);      /* the master has IR2 in service */
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(read_isr(&r, 0xa0), 0);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	/* IRQ 15 is 0x77, IRQ 7 is 0x0f */
	outb(&r, 0xa1, 0x7f);
	pulse(&r, 15);
	EXPECT_EQ(vpic_ack(&r.pic), 0x77);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	outb(&r, 0x21, 0x7b);
	pulse(&r, 7);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);
}

/* Linux's init_8259A: master at 0x30, slave at 0x38, ICW2 bits 2:0 ignored. */
static void test_vector_base_low_bits_ignored(void)
{
	struct rig r;
	rig_init(&r);
	outb(&r, 0x20, 0x11);
	outb(&r, 0x21, 0x37);
	outb(&r, 0x21, 0x04);
	outb(&r, 0x21, 0x01);
	outb(&r, 0xa0, 0x11);
	outb(&r, 0xa1, 0x3f);
	outb(&r, 0xa1, 0x02);
	outb(&r, 0xa1, 0x01);
	pulse(&r, 4);
	EXPECT_EQ(vpic_ack(&r.pic), 0x34);
	pulse(&r, 12);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x3c);
}

static void test_priority_and_nesting(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 3);
	pulse(&r, 1);
	EXPECT_EQ(read_irr(&r, 0x20), 0x0a);
	EXPECT_EQ(vpic_ack(&r.pic), 0x09);        /* IRQ 1 outranks IRQ 3 */
	EXPECT_TRUE(!r.intr.level);               /* 3 waits while 1 is in service */
	pulse(&r, 0);
	EXPECT_TRUE(r.intr.level);                /* 0 nests over 1 */
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
	EXPECT_EQ(read_isr(&r, 0x20), 0x03);
	outb(&r, 0x20, 0x20);                     /* non-specific EOI: ends 0, the highest */
	EXPECT_EQ(read_isr(&r, 0x20), 0x02);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x20);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
	/* a slave IRQ ranks as IR2: above 3, below 1 */
	outb(&r, 0xa1, 0x00);
	pulse(&r, 3);
	pulse(&r, 14);
	EXPECT_EQ(vpic_ack(&r.pic), 0x76);
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
}

static void test_masking(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	unsigned calls = r.intr.calls;
	pulse(&r, 5);
	EXPECT_EQ(read_irr(&r, 0x20), 0x20);      /* latched though masked */
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x21, 0xfb);
	EXPECT_EQ(r.intr.calls, calls);           /* INTR is driven on changes only */
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);        /* nothing: spurious IRQ 7 */
	outb(&r, 0x21, 0xdb);
	EXPECT_TRUE(r.intr.level);
	outb(&r, 0x21, 0xfb);                     /* masked again before the INTA */
	EXPECT_TRUE(!r.intr.level);
	EXPECT_EQ(read_irr(&r, 0x20), 0x20);
	/* the cascade masked on the master hides every slave IRQ */
	outb(&r, 0xa1, 0x00);
	outb(&r, 0x21, 0xff);
	pulse(&r, 9);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x21, 0xfb);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x71);
}

static void test_eoi_kinds(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 6);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0e);
	pulse(&r, 4);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0c);
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x09);
	EXPECT_EQ(read_isr(&r, 0x20), 0x52);
	outb(&r, 0x20, 0x64);                     /* specific EOI 4: only 4 */
	EXPECT_EQ(read_isr(&r, 0x20), 0x42);
	outb(&r, 0x20, 0x63);                     /* specific EOI of a level not in service */
	EXPECT_EQ(read_isr(&r, 0x20), 0x42);
	outb(&r, 0x20, 0x40);                     /* OCW2 no-op */
	EXPECT_EQ(read_isr(&r, 0x20), 0x42);
	outb(&r, 0x20, 0x20);                     /* non-specific: the highest, 1 */
	EXPECT_EQ(read_isr(&r, 0x20), 0x40);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(read_isr(&r, 0x20), 0x00);
	outb(&r, 0x20, 0x20);                     /* nothing in service: no effect */
	EXPECT_EQ(read_isr(&r, 0x20), 0x00);
	EXPECT_EQ(inb(&r, 0x21), 0x00);
}

/* Rotation: the serviced level becomes the lowest. */
static void test_rotation(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x09);
	outb(&r, 0x20, 0xa0);                     /* rotate on non-specific EOI: 1 lowest, 2 highest */
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	pulse(&r, 1);
	pulse(&r, 3);
	pulse(&r, 0);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);        /* 3 first, then 0, then 1 */
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
	/* the in-service 0 now blocks 1 (lower after the rotation) */
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x09);
	outb(&r, 0x20, 0x20);
	/* set priority: 4 lowest, 5 highest */
	outb(&r, 0x20, 0xc4);
	pulse(&r, 4);
	pulse(&r, 7);
	pulse(&r, 5);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0d);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);
	/* rotate on specific EOI 7: 7 lowest, 0 highest again */
	outb(&r, 0x20, 0xe7);
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	pulse(&r, 3);
	EXPECT_EQ(read_irr(&r, 0x20), 0x18);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0c);
	/* ICW1 puts the priorities back: 0 highest */
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	outb(&r, 0x20, 0xc0);                     /* 0 lowest */
	pulse(&r, 0);
	pulse(&r, 7);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0f);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 0);
	pulse(&r, 7);
	EXPECT_EQ(vpic_ack(&r.pic), 0x08);
}

static void test_auto_eoi(void)
{
	struct rig r;
	rig_init(&r);
	outb(&r, 0x20, 0x11);
	outb(&r, 0x21, 0x20);
	outb(&r, 0x21, 0x04);
	outb(&r, 0x21, 0x03);                     /* ICW4: 8086, AEOI */
	outb(&r, 0x21, 0x00);
	pulse(&r, 3);
	EXPECT_EQ(vpic_ack(&r.pic), 0x23);
	EXPECT_EQ(read_isr(&r, 0x20), 0);         /* nothing left in service */
	pulse(&r, 5);
	EXPECT_TRUE(r.intr.level);                /* a lower one goes at once */
	EXPECT_EQ(vpic_ack(&r.pic), 0x25);
	/* rotate in auto-EOI: each acknowledged level becomes the lowest */
	outb(&r, 0x20, 0x80);
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x21);        /* now 2 is highest */
	pulse(&r, 0);
	pulse(&r, 6);
	EXPECT_EQ(vpic_ack(&r.pic), 0x26);        /* 6 (prio 4) before 0 (prio 6) */
	EXPECT_EQ(vpic_ack(&r.pic), 0x20);
	/* cleared again (OCW2 000): no rotation */
	outb(&r, 0x20, 0x00);                     /* highest is 1 after the last ack */
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x21);
	pulse(&r, 1);
	pulse(&r, 3);
	EXPECT_EQ(vpic_ack(&r.pic), 0x21);        /* still 1 highest: not rotated */
	EXPECT_EQ(vpic_ack(&r.pic), 0x23);
}

static void test_icw4_optional_and_single(void)
{
	struct rig r;
	rig_init(&r);
	/* no IC4: ICW2, ICW3, then OCW1; the ICW4 functions are off */
	outb(&r, 0x20, 0x10);
	outb(&r, 0x21, 0x40);
	outb(&r, 0x21, 0x04);
	outb(&r, 0x21, 0x55);
	EXPECT_EQ(inb(&r, 0x21), 0x55);
	outb(&r, 0x21, 0x00);
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x41);
	EXPECT_EQ(read_isr(&r, 0x20), 0x02);      /* not auto-EOI */
	/* single (SNGL) with IC4: ICW2, ICW4, then OCW1: no ICW3 */
	outb(&r, 0x20, 0x13);
	outb(&r, 0x21, 0x48);
	outb(&r, 0x21, 0x01);
	outb(&r, 0x21, 0xf0);
	EXPECT_EQ(inb(&r, 0x21), 0xf0);
	/* single, no IC4: ICW2 then OCW1 */
	outb(&r, 0x20, 0x12);
	outb(&r, 0x21, 0x50);
	outb(&r, 0x21, 0x0f);
	EXPECT_EQ(inb(&r, 0x21), 0x0f);
	/* a single master has no slave: IR2 is its own vector, the slave's ISR stays */
	outb(&r, 0x21, 0x00);
	outb(&r, 0xa0, 0x11);
	outb(&r, 0xa1, 0x70);
	outb(&r, 0xa1, 0x02);
	outb(&r, 0xa1, 0x01);
	pulse(&r, 9);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x52);
	EXPECT_EQ(read_isr(&r, 0xa0), 0);
	EXPECT_EQ(read_isr(&r, 0x20), 0x04);
}

/* ICW1 in the middle of things: IMR and ISR cleared, edge requests
 * dropped; a line that stays high needs a new rising edge. */
static void test_icw1_resets(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	outb(&r, 0x4d0, 0x20);                    /* IRQ 5 level */
	vpic_set_irq(&r.pic, 5, true);
	vpic_set_irq(&r.pic, 3, true);            /* edge, held high */
	pulse(&r, 4);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
	outb(&r, 0x20, 0x0c);                     /* a poll armed, then ICW1: the poll is gone too */
	outb(&r, 0x21, 0x80);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	EXPECT_EQ(inb(&r, 0x20), 0x20);           /* IRR, and no poll: only the level line */
	EXPECT_EQ(read_isr(&r, 0x20), 0);
	EXPECT_EQ(read_irr(&r, 0x20), 0x20);
	EXPECT_EQ(inb(&r, 0x4d0), 0x20);          /* ELCR kept */
	EXPECT_EQ(vpic_ack(&r.pic), 0x0d);
	vpic_set_irq(&r.pic, 5, false);
	vpic_set_irq(&r.pic, 3, true);            /* still high: no edge */
	outb(&r, 0x20, 0x20);
	EXPECT_EQ(read_irr(&r, 0x20), 0);
	EXPECT_TRUE(!r.intr.level);
	vpic_set_irq(&r.pic, 3, false);
	vpic_set_irq(&r.pic, 3, true);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
}

static void test_special_mask_mode(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	pulse(&r, 1);
	EXPECT_EQ(vpic_ack(&r.pic), 0x09);
	pulse(&r, 3);
	EXPECT_TRUE(!r.intr.level);
	/* the handler masks its own level and sets special mask mode */
	outb(&r, 0x21, 0x02);
	outb(&r, 0x20, 0x68);
	EXPECT_TRUE(r.intr.level);                /* the lower 3 gets through */
	EXPECT_EQ(vpic_ack(&r.pic), 0x0b);
	EXPECT_EQ(read_isr(&r, 0x20), 0x0a);
	pulse(&r, 5);
	EXPECT_TRUE(!r.intr.level);               /* 3 is in service and unmasked: 5 waits */
	outb(&r, 0x20, 0x63);
	EXPECT_TRUE(r.intr.level);
	/* reset special mask: 1 in service blocks 5 again */
	outb(&r, 0x20, 0x48);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x28);                     /* ESMM clear: no change */
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x61);
	EXPECT_TRUE(r.intr.level);
	EXPECT_EQ(vpic_ack(&r.pic), 0x0d);
}

static void test_poll_mode(void)
{
	struct rig r;
	rig_init(&r);
	seabios_init(&r);
	outb(&r, 0x21, 0x00);
	outb(&r, 0x20, 0x0c);                     /* poll, nothing pending */
	EXPECT_EQ(inb(&r, 0x20), 0x00);
	EXPECT_EQ(inb(&r, 0x21), 0x00);           /* poll used up: IMR again */
	pulse(&r, 6);
	pulse(&r, 4);
	EXPECT_TRUE(r.intr.level);
	outb(&r, 0x20, 0x0c);
	EXPECT_EQ(inb(&r, 0x20), 0x84);           /* I + level 4, and acknowledged */
	EXPECT_EQ(read_isr(&r, 0x20), 0x10);
	EXPECT_TRUE(!r.intr.level);
	outb(&r, 0x20, 0x20);
	outb(&r, 0x20, 0x0c);
	EXPECT_EQ(inb(&r, 0x21), 0x86);           /* port 1 answers a poll too */
	EXPECT_EQ(inb(&r, 0x21), 0x00);
	outb(&r, 0x20, 0x20);
	/* the master's poll stops at IR2; the slave is polled on its own */
	outb(&r, 0xa1, 0x00);
	pulse(&r, 11);
	outb(&r, 0x20, 0x0c);
	EXPECT_EQ(inb(&r, 0x20), 0x82);
	EXPECT_EQ(read_isr(&r, 0xa0), 0x00);
	outb(&r, 0xa0, 0x0c);
	EXPECT_EQ(inb(&r, 0xa0), 0x83);
	EXPECT_EQ(read_isr(&r, 0xa0), 0x08);
	/* poll with the read register selection in the same OCW3: the poll wins once */
	outb(&r, 0xa0, 0x20);
	outb(&r, 0x20, 0x20);
	outb(&r, 0x21, 0x80);
	pulse(&r, 7);                             /* masked: in IRR, not polled */
	outb(&r, 0x20, 0x0f);
	EXPECT_EQ(inb(&r, 0x20), 0x00);
	EXPECT_EQ(inb(&r, 0x20), 0x00);           /* now ISR, which is empty */
	outb(&r, 0x20, 0x0a);
	EXPECT_EQ(inb(&r, 0x20), 0x80);           /* IRR */
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_seabios_init_and_vectors);
	RUN(test_vector_base_low_bits_ignored);
	RUN(test_priority_and_nesting);
	RUN(test_masking);
	RUN(test_eoi_kinds);
	RUN(test_rotation);
	RUN(test_auto_eoi);
	RUN(test_icw4_optional_and_single);
	RUN(test_icw1_resets);
	RUN(test_special_mask_mode);
	RUN(test_poll_mode);
	TEST_MAIN_END();
}

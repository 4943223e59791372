/* tests/unit/test_vpit.c - The 8254 (hv/vdev/vpit.c): each mode's counter
 * sequence and OUT against the 82C54 datasheet's timing diagrams, gates,
 * latches, read-back, byte order, BCD, port 0x61 and odd accesses. With the
 * guest clock at PIT_HZ one TSC tick is one PIT clock, so d (clocks since
 * the load) is the time. The clock-rate, deadline and IRQ cases are in
 * test_vpit_clock.c. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpit.c */
#include "vpit_fake.h"

#define T0 1000u

/* The datasheet's diagrams, from the load on: count and OUT at d = 0, 1,
 * ... (the diagrams' first "N" column is the load clock, our d = 0). */
struct sequence {
	unsigned len;
	uint16_t count[10];
	bool out[10];
};

static void expect_sequence(struct pit_rig *r, unsigned ch, uint64_t t_load, const struct sequence *s)
{
	for (unsigned d = 0; d < s->len; d++) {
		r->clk.t = t_load + d;
		EXPECT_EQ(latched_count(r, ch), s->count[d]);
		EXPECT_EQ(out_of(r, ch), s->out[d]);
		if (ch == 2)
			EXPECT_EQ(out2(r), s->out[d]);
	}
}

static void test_power_on(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	EXPECT_EQ(r.irq.calls, 0);
	EXPECT_EQ(r.hooks, 0);
	/* mode 3, LSB/MSB, binary, loaded (no null count), OUT high */
	EXPECT_EQ(status_of(&r, 0), 0xb6);
	EXPECT_EQ(status_of(&r, 1), 0xb6);
	EXPECT_EQ(status_of(&r, 2), 0xb6);
	/* count 65536 shows as 0, then 65534 (mode 3 counts by two) */
	EXPECT_EQ(latched_count(&r, 0), 0x0000);
	r.clk.t = T0 + 1;
	EXPECT_EQ(latched_count(&r, 0), 0xfffe);
	EXPECT_EQ(latched_count(&r, 1), 0xfffe);
	EXPECT_EQ(latched_count(&r, 2), 0x0000);   /* GATE2 low: not counting */
	EXPECT_EQ(inb(&r, 0x61) & 0x23, 0x20);     /* gate 0, speaker 0, OUT2 high */
	EXPECT_EQ(inb(&r, 0x43), 0x00);            /* the control register reads 0 */
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 65536);
}

static void test_mode0(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x30);
	EXPECT_TRUE(!out_of(&r, 0));               /* the control word sets OUT low */
	EXPECT_EQ(status_of(&r, 0) & 0x40, 0x40);  /* null count until the count comes */
	outb(&r, 0x40, 4);
	outb(&r, 0x40, 0);
	static const struct sequence s = { 7, { 4, 3, 2, 1, 0, 0xffff, 0xfffe }, { 0, 0, 0, 0, 1, 1, 1 } };
	expect_sequence(&r, 0, T0, &s);
	EXPECT_EQ(status_of(&r, 0), 0x80 | 0x30);
	/* a new count restarts it, OUT low again */
	r.clk.t = T0 + 20;
	program(&r, 0, 0, 2);
	EXPECT_TRUE(!out_of(&r, 0));
	r.clk.t = T0 + 22;
	EXPECT_TRUE(out_of(&r, 0));
	/* datasheet: the first byte of a two-byte count stops counting and
	 * sets OUT low; the second loads the new count */
	r.clk.t = T0 + 30;
	program(&r, 0, 0, 10);
	r.clk.t = T0 + 33;
	outb(&r, 0x40, 5);
	EXPECT_TRUE(!out_of(&r, 0));
	r.clk.t = T0 + 60;                          /* well past 10: held */
	EXPECT_EQ(latched_count(&r, 0), 7);
	EXPECT_TRUE(!out_of(&r, 0));
	outb(&r, 0x40, 0);
	EXPECT_EQ(latched_count(&r, 0), 5);
	r.clk.t = T0 + 65;
	EXPECT_TRUE(out_of(&r, 0));
	EXPECT_TRUE(r.irq.level);
	/* after terminal count too: the first byte brings OUT0 (and irq0) down */
	r.clk.t = T0 + 80;
	outb(&r, 0x40, 9);
	EXPECT_TRUE(!out_of(&r, 0));
	EXPECT_TRUE(!r.irq.level);
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
	r.clk.t = T0 + 100;
	EXPECT_EQ(latched_count(&r, 0), (uint16_t)(5 - 20));
	EXPECT_TRUE(!out_of(&r, 0));
	outb(&r, 0x40, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 109);
}

/* Mode 0 on channel 2: GATE2 low suspends counting, high resumes it. */
static void test_mode0_gate(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	gate2(&r, true);
	program(&r, 2, 0, 5);
	r.clk.t = T0 + 2;
	EXPECT_EQ(latched_count(&r, 2), 3);
	gate2(&r, false);
	r.clk.t = T0 + 50;
	EXPECT_EQ(latched_count(&r, 2), 3);
	EXPECT_TRUE(!out2(&r));
	gate2(&r, true);
	r.clk.t = T0 + 52;
	EXPECT_EQ(latched_count(&r, 2), 1);
	EXPECT_TRUE(!out2(&r));
	r.clk.t = T0 + 53;
	EXPECT_TRUE(out2(&r));
	/* programmed with the gate low: the count waits at N */
	gate2(&r, false);
	program(&r, 2, 0, 3);
	r.clk.t = T0 + 100;
	EXPECT_EQ(latched_count(&r, 2), 3);
	EXPECT_EQ(status_of(&r, 2) & 0x40, 0);      /* but it is loaded */
	gate2(&r, true);
	r.clk.t = T0 + 103;
	EXPECT_TRUE(out2(&r));
}

/* Mode 1: the gate's rising edge triggers; retriggerable. */
static void test_mode1(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 2, 1, 3);
	EXPECT_TRUE(out2(&r));                      /* high until triggered */
	EXPECT_EQ(status_of(&r, 2) & 0x40, 0x40);   /* count not in the CE until the trigger */
	r.clk.t = T0 + 10;
	EXPECT_TRUE(out2(&r));
	EXPECT_EQ(latched_count(&r, 2), 0);         /* what the CE held (65536) */
	gate2(&r, true);
	static const struct sequence s = { 5, { 3, 2, 1, 0, 0xffff }, { 0, 0, 0, 1, 1 } };
	expect_sequence(&r, 2, T0 + 10, &s);
	EXPECT_EQ(status_of(&r, 2) & 0x40, 0);
	/* the gate's level does not matter, its rising edge retriggers */
	r.clk.t = T0 + 20;
	gate2(&r, false);
	gate2(&r, true);
	EXPECT_TRUE(!out2(&r));
	r.clk.t = T0 + 21;
	gate2(&r, false);
	EXPECT_EQ(latched_count(&r, 2), 2);
	r.clk.t = T0 + 22;
	gate2(&r, true);                            /* retrigger before the end */
	r.clk.t = T0 + 24;
	EXPECT_TRUE(!out2(&r));
	r.clk.t = T0 + 25;
	EXPECT_TRUE(out2(&r));
	/* a new count waits for the next trigger */
	outb(&r, 0x42, 6);
	outb(&r, 0x42, 0);
	EXPECT_EQ(status_of(&r, 2) & 0x40, 0x40);
	r.clk.t = T0 + 30;
	gate2(&r, false);
	gate2(&r, true);
	r.clk.t = T0 + 35;
	EXPECT_EQ(latched_count(&r, 2), 1);
	r.clk.t = T0 + 36;
	EXPECT_TRUE(out2(&r));
	/* channel 0's gate is always high: mode 1 never triggers there */
	program(&r, 0, 1, 3);
	r.clk.t = T0 + 1000;
	EXPECT_TRUE(out_of(&r, 0));
	EXPECT_EQ(vpit_next_deadline(&r.pit), VDEV_NO_DEADLINE);
}

static void test_mode2(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x34);
	EXPECT_TRUE(out_of(&r, 0));                 /* high from the control word */
	outb(&r, 0x40, 3);
	outb(&r, 0x40, 0);
	static const struct sequence s = { 10, { 3, 2, 1, 3, 2, 1, 3, 2, 1, 3 }, { 1, 1, 0, 1, 1, 0, 1, 1, 0, 1 } };
	expect_sequence(&r, 0, T0, &s);
	/* mode 6 is mode 2, and the status shows the bits as written */
	outb(&r, 0x43, 0x3c);
	EXPECT_EQ(status_of(&r, 0), 0x80 | 0x40 | 0x30 | 0x0c);
	r.clk.t = T0 + 100;
	outb(&r, 0x40, 3);
	outb(&r, 0x40, 0);
	expect_sequence(&r, 0, T0 + 100, &s);
}

/* Mode 2 and 3 on channel 2: gate low forces OUT high and stops; the rising
 * edge reloads. */
static void test_mode2_3_gate(void)
{
	for (unsigned mode = 2; mode <= 3; mode++) {
		struct pit_rig r;
		rig_init(&r, PIT_HZ, T0);
		gate2(&r, true);
		program(&r, 2, mode, 8);
		r.clk.t = T0 + (mode == 2 ? 7 : 5);         /* OUT low: the pulse / the low half */
		EXPECT_TRUE(!out2(&r));
		uint16_t held = latched_count(&r, 2);
		gate2(&r, false);
		EXPECT_TRUE(out2(&r));
		r.clk.t += 100;
		EXPECT_EQ(latched_count(&r, 2), held);
		EXPECT_TRUE(out2(&r));
		uint64_t t_rise = r.clk.t;
		gate2(&r, true);                            /* reload: a fresh period */
		EXPECT_EQ(latched_count(&r, 2), 8);
		r.clk.t = t_rise + (mode == 2 ? 7 : 4);
		EXPECT_TRUE(!out2(&r));
		r.clk.t = t_rise + 8;
		EXPECT_TRUE(out2(&r));
		EXPECT_EQ(latched_count(&r, 2), 8);
	}
}

static void test_mode3(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 3, 6);
	static const struct sequence even = { 7, { 6, 4, 2, 6, 4, 2, 6 }, { 1, 1, 1, 0, 0, 0, 1 } };
	expect_sequence(&r, 0, T0, &even);
	/* odd: high for (N+1)/2, low for (N-1)/2, counting from N-1 */
	r.clk.t = T0 + 100;
	program(&r, 0, 3, 5);
	static const struct sequence odd = { 10, { 4, 2, 0, 4, 2, 4, 2, 0, 4, 2 }, { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0 } };
	expect_sequence(&r, 0, T0 + 100, &odd);
	/* mode 7 is mode 3 */
	r.clk.t = T0 + 200;
	program(&r, 0, 7, 6);
	expect_sequence(&r, 0, T0 + 200, &even);
	EXPECT_EQ(status_of(&r, 0) & 0x0e, 0x0e);
}

/* A new count in mode 3 takes effect at the end of the current half-cycle;
 * in mode 2 at the end of the period. */
static void test_mode2_3_new_count(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 3, 10);
	r.clk.t = T0 + 2;                           /* high half, 5 clocks */
	outb(&r, 0x40, 4);
	outb(&r, 0x40, 0);
	EXPECT_EQ(status_of(&r, 0) & 0x40, 0x40);   /* null count: not loaded yet */
	r.clk.t = T0 + 4;
	EXPECT_EQ(latched_count(&r, 0), 2);         /* still the old count: 10, 8, 6, 4, 2 */
	EXPECT_TRUE(out_of(&r, 0));
	/* at 5 the half-cycle ends: the low half of the new count, 4 then 2 */
	static const struct sequence s = { 8, { 4, 2, 4, 2, 4, 2, 4, 2 }, { 0, 0, 1, 1, 0, 0, 1, 1 } };
	expect_sequence(&r, 0, T0 + 5, &s);
	EXPECT_EQ(status_of(&r, 0) & 0x40, 0);
	/* mode 2: the current period runs out first */
	r.clk.t = T0 + 100;
	program(&r, 0, 2, 5);
	r.clk.t = T0 + 101;
	outb(&r, 0x40, 3);
	outb(&r, 0x40, 0);
	r.clk.t = T0 + 104;
	EXPECT_EQ(latched_count(&r, 0), 1);
	EXPECT_TRUE(!out_of(&r, 0));
	static const struct sequence s2 = { 6, { 3, 2, 1, 3, 2, 1 }, { 1, 1, 0, 1, 1, 0 } };
	expect_sequence(&r, 0, T0 + 105, &s2);
	/* a gate trigger before the end loads it at once (channel 2) */
	gate2(&r, true);
	r.clk.t = T0 + 200;
	program(&r, 2, 2, 50);
	r.clk.t = T0 + 210;
	outb(&r, 0x42, 4);
	outb(&r, 0x42, 0);
	gate2(&r, false);
	gate2(&r, true);
	EXPECT_EQ(latched_count(&r, 2), 4);
	EXPECT_EQ(status_of(&r, 2) & 0x40, 0);
}

static void test_mode4(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 4, 3);
	static const struct sequence s = { 6, { 3, 2, 1, 0, 0xffff, 0xfffe }, { 1, 1, 1, 0, 1, 1 } };
	expect_sequence(&r, 0, T0, &s);
	/* a new count while counting: taken at once */
	r.clk.t = T0 + 20;
	program(&r, 0, 4, 10);
	r.clk.t = T0 + 25;
	outb(&r, 0x40, 2);
	EXPECT_EQ(latched_count(&r, 0), 5);         /* the first byte changes nothing */
	outb(&r, 0x40, 0);
	EXPECT_EQ(latched_count(&r, 0), 2);
	r.clk.t = T0 + 27;
	EXPECT_TRUE(!out_of(&r, 0));
	r.clk.t = T0 + 28;
	EXPECT_TRUE(out_of(&r, 0));
}

static void test_mode5(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 2, 5, 3);
	r.clk.t = T0 + 7;
	EXPECT_TRUE(out2(&r));
	gate2(&r, true);
	static const struct sequence s = { 6, { 3, 2, 1, 0, 0xffff, 0xfffe }, { 1, 1, 1, 0, 1, 1 } };
	expect_sequence(&r, 2, T0 + 7, &s);
	/* retriggered */
	r.clk.t = T0 + 20;
	gate2(&r, false);
	gate2(&r, true);
	expect_sequence(&r, 2, T0 + 20, &s);
}

/* Counter latch: the value at the latch, however long the read waits;
 * a second latch before the read is ignored. */
static void test_counter_latch(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 2, 0x1234);
	r.clk.t = T0 + 0x34;
	outb(&r, 0x43, 0x00);
	r.clk.t = T0 + 0x100;
	outb(&r, 0x43, 0x00);                       /* ignored */
	EXPECT_EQ(inb(&r, 0x40), 0x00);
	r.clk.t = T0 + 0x200;
	EXPECT_EQ(inb(&r, 0x40), 0x12);
	/* latch released: live reads again (LSB, then MSB, each live) */
	EXPECT_EQ(inb(&r, 0x40), (0x1234 - 0x200) & 0xff);
	r.clk.t = T0 + 0x300;
	EXPECT_EQ(inb(&r, 0x40), (0x1234 - 0x300) >> 8);
	/* latched in the LSB-only format: one byte */
	outb(&r, 0x43, 0x54);                       /* channel 1, LSB, mode 2 */
	outb(&r, 0x41, 0x80);
	r.clk.t = T0 + 0x310;
	outb(&r, 0x43, 0x40);
	r.clk.t = T0 + 0x320;
	EXPECT_EQ(inb(&r, 0x41), 0x70);
	EXPECT_EQ(inb(&r, 0x41), 0x60);             /* live */
	/* MSB only */
	outb(&r, 0x43, 0x64);
	outb(&r, 0x41, 0x02);                       /* 0x200 */
	r.clk.t = T0 + 0x420;
	outb(&r, 0x43, 0x40);
	r.clk.t = T0 + 0x500;
	EXPECT_EQ(inb(&r, 0x41), 0x01);
	EXPECT_EQ(inb(&r, 0x41), 0x00);             /* live: 0x200 - 0x1e0 = 0x020 */
}

static void test_read_back(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 2, 100);
	program(&r, 2, 0, 50);                      /* GATE2 low: waits at 50 */
	r.clk.t = T0 + 10;
	/* count and status of channels 0 and 2 at once */
	outb(&r, 0x43, 0xc0 | 0x02 | 0x08);
	r.clk.t = T0 + 20;
	EXPECT_EQ(inb(&r, 0x40), 0x80 | 0x34);      /* status first */
	EXPECT_EQ(inb(&r, 0x40), 90);
	EXPECT_EQ(inb(&r, 0x40), 0);
	EXPECT_EQ(inb(&r, 0x42), 0x30);             /* OUT low, mode 0, loaded */
	EXPECT_EQ(inb(&r, 0x42), 50);
	EXPECT_EQ(inb(&r, 0x42), 0);
	EXPECT_EQ(latched_count(&r, 1), 65536 - 2 * 20);   /* channel 1 untouched: mode 3 from T0 */
	/* status only, then count only: the count still comes after the status */
	outb(&r, 0x43, 0xe2);
	outb(&r, 0x43, 0xd2);
	EXPECT_EQ(inb(&r, 0x40), 0xb4);
	EXPECT_EQ(inb(&r, 0x40), 80);
	EXPECT_EQ(inb(&r, 0x40), 0);
	/* a latched status is kept until read: a second one is ignored */
	outb(&r, 0x43, 0xe2);
	r.clk.t = T0 + 99;                          /* OUT low now */
	outb(&r, 0x43, 0xe2);
	EXPECT_EQ(inb(&r, 0x40), 0xb4);
	EXPECT_EQ(inb(&r, 0x40), 1);                /* live LSB */
	inb(&r, 0x40);
	EXPECT_EQ(status_of(&r, 0), 0x34);
	/* null count: after the control word, until the count is loaded */
	outb(&r, 0x43, 0x34);
	EXPECT_EQ(status_of(&r, 0), 0xf4);
	outb(&r, 0x40, 10);
	EXPECT_EQ(status_of(&r, 0), 0xf4);          /* half a count */
	outb(&r, 0x40, 0);
	EXPECT_EQ(status_of(&r, 0), 0xb4);
	/* a read-back with no channel selected latches nothing */
	outb(&r, 0x43, 0xc0);
	EXPECT_EQ(inb(&r, 0x40), 10);
}

/* LSB-only and MSB-only formats, and the lo/hi flip-flops of reads and of
 * writes working apart (datasheet: read LSB, write LSB, read MSB, write
 * MSB is valid). */
static void test_byte_order(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x10);                       /* LSB only, mode 0 */
	outb(&r, 0x40, 0x34);
	EXPECT_EQ(inb(&r, 0x40), 0x34);
	EXPECT_EQ(inb(&r, 0x40), 0x34);
	EXPECT_EQ(latched_count(&r, 0) & 0xff, 0x34);
	outb(&r, 0x43, 0x20);                       /* MSB only */
	outb(&r, 0x40, 0x12);
	EXPECT_EQ(inb(&r, 0x40), 0x12);
	r.clk.t = T0 + 1;
	EXPECT_EQ(inb(&r, 0x40), 0x11);             /* 0x11ff */
	outb(&r, 0x43, 0x30);
	outb(&r, 0x40, 0x00);
	outb(&r, 0x40, 0x20);                       /* 0x2000 at T0 + 1 */
	r.clk.t = T0 + 3;
	EXPECT_EQ(inb(&r, 0x40), 0xfe);             /* read LSB */
	outb(&r, 0x40, 0x00);                       /* write LSB */
	EXPECT_EQ(inb(&r, 0x40), 0x1f);             /* read MSB: the old count, held */
	outb(&r, 0x40, 0x30);                       /* write MSB: 0x3000 */
	EXPECT_EQ(inb(&r, 0x40), 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x30);
	/* a control word resets both flip-flops */
	inb(&r, 0x40);
	outb(&r, 0x40, 0x55);
	outb(&r, 0x43, 0x30);
	outb(&r, 0x40, 0x08);
	outb(&r, 0x40, 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x08);
	EXPECT_EQ(inb(&r, 0x40), 0x00);
}

static void test_bcd(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x31);                       /* mode 0, BCD */
	outb(&r, 0x40, 0x00);
	outb(&r, 0x40, 0x01);                       /* 0100 = 100 */
	EXPECT_EQ(latched_count(&r, 0), 0x0100);
	r.clk.t = T0 + 1;
	EXPECT_EQ(latched_count(&r, 0), 0x0099);
	r.clk.t = T0 + 91;
	EXPECT_EQ(latched_count(&r, 0), 0x0009);
	r.clk.t = T0 + 100;
	EXPECT_EQ(latched_count(&r, 0), 0x0000);
	EXPECT_TRUE(out_of(&r, 0));
	r.clk.t = T0 + 101;
	EXPECT_EQ(latched_count(&r, 0), 0x9999);
	EXPECT_EQ(status_of(&r, 0), 0xb1);
	/* count 0 is 10000 */
	outb(&r, 0x43, 0x35);                       /* mode 2, BCD */
	outb(&r, 0x40, 0);
	outb(&r, 0x40, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 101 + 10000);
	r.clk.t = T0 + 101 + 1;
	EXPECT_EQ(latched_count(&r, 0), 0x9999);
	r.clk.t = T0 + 101 + 9999;
	EXPECT_EQ(latched_count(&r, 0), 0x0001);
	EXPECT_TRUE(!out_of(&r, 0));
	/* mode 3 BCD 0x0010: by two from 10 */
	r.clk.t = T0 + 20000;
	outb(&r, 0x43, 0x37);
	outb(&r, 0x40, 0x10);
	outb(&r, 0x40, 0x00);
	r.clk.t = T0 + 20001;
	EXPECT_EQ(latched_count(&r, 0), 0x0008);
	/* digits A-F: counted by value, modulo 10000; nothing breaks */
	outb(&r, 0x43, 0x31);
	outb(&r, 0x40, 0xff);
	outb(&r, 0x40, 0xff);                       /* 15*1111 = 16665 -> 6665 */
	EXPECT_EQ(latched_count(&r, 0), 0x6665);
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 20001 + 6665);
}

static void test_port61(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	outb(&r, 0x61, 0xff);
	EXPECT_EQ(inb(&r, 0x61) & 0xcf, 0x03);      /* gate, speaker; 2, 3, 6, 7 read 0 */
	outb(&r, 0x61, 0x02);
	EXPECT_EQ(inb(&r, 0x61) & 0x0f, 0x02);
	/* refresh: 18 PIT clocks each way */
	for (uint64_t t = 0; t < 18 * 6; t++) {
		r.clk.t = t;
		EXPECT_EQ(inb(&r, 0x61) & 0x10, ((t / 18) & 1) ? 0x10 : 0);
	}
	/* OUT2 in bit 5 */
	outb(&r, 0x61, 0x01);
	program(&r, 2, 0, 10);
	EXPECT_EQ(inb(&r, 0x61) & 0x20, 0);
	r.clk.t += 10;
	EXPECT_EQ(inb(&r, 0x61) & 0x20, 0x20);
	/* wider accesses: the bus keeps them off the 1-port range */
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x61, 2), 0xffff);
	iobus_write(&r.bus, NULL, 0x61, 2, 0);
	EXPECT_EQ(inb(&r, 0x61) & 0x01, 0x01);
	/* called directly: byte 0 is ours, the rest reads 0xFF */
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 0, 4) & 0xffffff0fu, 0xffffff01u);
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 1, 1), 0xff);
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 0, 0), 0);
	vpit_port61_ops.write(&r.pit, NULL, 1, 1, 0);
	vpit_port61_ops.write(&r.pit, NULL, 0, 0, 0);
	EXPECT_EQ(inb(&r, 0x61) & 0x01, 0x01);
	vpit_port61_ops.write(&r.pit, NULL, 0, 4, 0xffffff00u);
	EXPECT_EQ(inb(&r, 0x61) & 0x03, 0x00);
}

/* Wider accesses at 0x40-0x43 are byte accesses port after port, as QEMU
 * splits them; anything outside reads 0xFF and writes nothing. */
static void test_access_sizes(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	/* OUTW 0x42 = 0x42 then 0x43: LSB of channel 2, then a control word */
	iobus_write(&r.bus, NULL, 0x42, 2, 0xb0u << 8 | 0x99);
	EXPECT_EQ(status_of(&r, 2), 0x70);          /* control word b0: mode 0 lo/hi, null count */
	/* OUTD 0x40: bytes to 0x40, 0x41, 0x42, 0x43 */
	iobus_write(&r.bus, NULL, 0x40, 4, 0x00u << 24 | 0x07u << 16 | 0x22u << 8 | 0x11u);
	/* 0x11 as channel 0's LSB, 0x22 as channel 1's, 0x07 as channel 2's LSB,
	 * 0x00 a latch of channel 0 */
	EXPECT_EQ(inb(&r, 0x40), 0x00);             /* latched 65536 - ... */
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x43, 1), 0);
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x43, 2), 0xffff);   /* straddles: unclaimed */
	EXPECT_EQ(iobus_read(&r.bus, NULL, 0x40, 4) >> 24, 0);   /* 0x43 reads 0 */
	/* direct calls with offsets past the range */
	EXPECT_EQ(vpit_ops.read(&r.pit, NULL, 4, 1), 0xff);
	EXPECT_EQ(vpit_ops.read(&r.pit, NULL, 3, 4), 0xffffff00u);
	EXPECT_EQ(vpit_ops.read(&r.pit, NULL, 0xffff, 4), 0xffffffffu);
	EXPECT_EQ(vpit_ops.read(&r.pit, NULL, 0, 0), 0);
	EXPECT_EQ(vpit_ops.read(&r.pit, NULL, 3, 8), 0xffffff00u);   /* taken as 4 */
	unsigned hooks = r.hooks;
	vpit_ops.write(&r.pit, NULL, 4, 4, 0x30303030u);
	vpit_ops.write(&r.pit, NULL, 0xffff, 1, 0x30);
	vpit_ops.write(&r.pit, NULL, 3, 8, 0x30303000u);              /* a latch of channel 0, the rest dropped */
	EXPECT_EQ(r.hooks, hooks);
	(void)inb(&r, 0x40);
	(void)inb(&r, 0x40);
	EXPECT_EQ(r.hooks, hooks);
	/* and the channels still work */
	program(&r, 0, 0, 5);
	r.clk.t += 5;
	EXPECT_TRUE(out_of(&r, 0));
}

static void test_reset(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 0, 1000);
	gate2(&r, true);
	outb(&r, 0x61, 0x03);
	outb(&r, 0x43, 0xc2);                       /* latched status and count */
	EXPECT_TRUE(!r.irq.level);
	unsigned hooks = r.hooks;
	r.clk.t = T0 + 10;
	vpit_reset(&r.pit);
	EXPECT_EQ(r.hooks, hooks + 1);
	EXPECT_TRUE(r.irq.level);                   /* OUT0 high again (mode 3) */
	EXPECT_EQ(inb(&r, 0x40), 0x00);             /* no latch left: live LSB of 65536 */
	EXPECT_EQ(status_of(&r, 0), 0xb6);
	EXPECT_EQ(inb(&r, 0x61) & 0x03, 0);
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 10 + 65536);
	/* through the bus: one reset for both ranges */
	hooks = r.hooks;
	iobus_reset(&r.bus);
	EXPECT_EQ(r.hooks, hooks + 1);
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_mode0);
	RUN(test_mode0_gate);
	RUN(test_mode1);
	RUN(test_mode2);
	RUN(test_mode2_3_gate);
	RUN(test_mode3);
	RUN(test_mode2_3_new_count);
	RUN(test_mode4);
	RUN(test_mode5);
	RUN(test_counter_latch);
	RUN(test_read_back);
	RUN(test_byte_order);
	RUN(test_bcd);
	RUN(test_port61);
	RUN(test_access_sizes);
	RUN(test_reset);
	TEST_MAIN_END();
}

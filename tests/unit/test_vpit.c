/* tests/unit/test_vpit.c - The 8254 (hv/vdev/vpit.c, vpit_wave.c) against
 * QEMU 7.2's i8254 (hw/timer/i8254.c pit_get_count, pit_ioport_read/write,
 * pit_set_channel_gate; i8254_common.c pit_get_out): each mode's counter
 * sequence and OUT, gates, latches, read-back, byte states, BCD, port 0x61
 * (hw/audio/pcspk.c) and malformed accesses. With the guest clock at PIT_HZ
 * one TSC tick is one PIT clock, so d (clocks since the load) is the time.
 * The clock-rate, deadline and IRQ cases are in test_vpit_clock.c. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpit.c hv/vdev/vpit_wave.c */
#include "vpit_fake.h"

#define T0 1000u

/* Count and OUT at d = 0, 1, ... from the load. */
struct sequence {
	unsigned len;
	uint16_t count[12];
	bool out[12];
};

static void expect_sequence(struct pit_rig *r, unsigned ch, uint64_t t_load, const struct sequence *s)
{
	for (unsigned d = 0; d < s->len; d++) {
		r->clk.t = t_load + d;
		EXPECT_EQ(latched_count(r, ch), s->count[d]);
		EXPECT_EQ(out_of(r, ch), s->out[d]);
		if (ch == 2)
			EXPECT_EQ(out2(r), s->out[d]);
		if (test_case_failed) {
			fprintf(stderr, "  at d = %u\n", d);
			return;
		}
	}
}

/* Device creation and pit_reset: mode 3, count 65536 from T0 in every
 * channel (channel 2 counts with its gate low); no access mode yet, so
 * reads are LSB only and a counter latch takes nothing. */
static void test_power_on(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	EXPECT_EQ(r.irq.calls, 0);
	EXPECT_EQ(r.hooks, 0);
	EXPECT_EQ(status_of(&r, 0), 0x86);          /* OUT high, RW 0, mode 3, binary */
	EXPECT_EQ(status_of(&r, 1), 0x86);
	EXPECT_EQ(status_of(&r, 2), 0x86);
	r.clk.t = T0 + 1;
	EXPECT_EQ(inb(&r, 0x40), 0xfe);             /* 65536 - 2: LSB, and LSB again */
	EXPECT_EQ(inb(&r, 0x40), 0xfe);
	EXPECT_EQ(inb(&r, 0x42), 0xfe);             /* GATE2 low: counting all the same */
	outb(&r, 0x43, 0x00);                       /* latch with RW 0: nothing */
	r.clk.t = T0 + 2;
	EXPECT_EQ(inb(&r, 0x40), 0xfc);
	EXPECT_EQ(inb(&r, 0x61), 0x30);             /* gate 0, speaker 0, refresh 1 (first read), OUT2 */
	EXPECT_EQ(inb(&r, 0x61), 0x20);
	EXPECT_EQ(inb(&r, 0x43), 0x00);             /* the control register reads 0 */
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 32768);   /* the first half-cycle ends */
	/* a count written before any control word is an LSB count */
	outb(&r, 0x40, 10);
	EXPECT_EQ(inb(&r, 0x40), 10);
	EXPECT_EQ(status_of(&r, 0), 0x86);
}

static void test_mode0(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 0, 4);
	static const struct sequence s = { 7, { 4, 3, 2, 1, 0, 0xffff, 0xfffe }, { 0, 0, 0, 0, 1, 1, 1 } };
	expect_sequence(&r, 0, T0, &s);
	EXPECT_EQ(status_of(&r, 0), 0x80 | 0x30);   /* no NULL COUNT, ever */
	/* a new count restarts it, OUT low again */
	r.clk.t = T0 + 20;
	program(&r, 0, 0, 2);
	EXPECT_TRUE(!out_of(&r, 0));
	r.clk.t = T0 + 22;
	EXPECT_TRUE(out_of(&r, 0));
	/* the first byte of two changes nothing; the second loads */
	r.clk.t = T0 + 30;
	program(&r, 0, 0, 10);
	r.clk.t = T0 + 33;
	outb(&r, 0x40, 5);
	EXPECT_EQ(latched_count(&r, 0), 7);
	r.clk.t = T0 + 60;
	EXPECT_EQ(latched_count(&r, 0), (uint16_t)(10 - 30));
	EXPECT_TRUE(out_of(&r, 0));
	outb(&r, 0x40, 0);                          /* count 5 from T0 + 60 */
	EXPECT_TRUE(!out_of(&r, 0));
	EXPECT_EQ(latched_count(&r, 0), 5);
	r.clk.t = T0 + 65;
	EXPECT_TRUE(out_of(&r, 0));
	/* a control word alone: the old count goes on, judged by the new mode */
	r.clk.t = T0 + 100;
	program(&r, 0, 0, 100);
	r.clk.t = T0 + 150;
	outb(&r, 0x43, 0x30);
	EXPECT_EQ(status_of(&r, 0), 0x30);
	r.clk.t = T0 + 160;
	EXPECT_EQ(latched_count(&r, 0), 40);
	r.clk.t = T0 + 200;
	EXPECT_TRUE(out_of(&r, 0));
	outb(&r, 0x43, 0x34);                       /* now mode 2 over the same load */
	EXPECT_EQ(latched_count(&r, 0), 100);       /* d = 100: 100 - 100 % 100 */
	EXPECT_TRUE(out_of(&r, 0));                 /* a reload clock */
}

/* Gates as QEMU's pit_set_channel_gate: in modes 0 and 4 nothing at all. */
static void test_mode0_4_gate(void)
{
	for (unsigned mode = 0; mode <= 4; mode += 4) {
		struct pit_rig r;
		rig_init(&r, PIT_HZ, T0);
		gate2(&r, true);
		program(&r, 2, mode, 100);
		r.clk.t = T0 + 10;
		gate2(&r, false);
		r.clk.t = T0 + 30;
		EXPECT_EQ(latched_count(&r, 2), 70);    /* a low gate stops nothing */
		gate2(&r, true);
		r.clk.t = T0 + 40;
		EXPECT_EQ(latched_count(&r, 2), 60);    /* nor does its rising edge restart */
		r.clk.t = T0 + 100;
		EXPECT_TRUE(out2(&r));                  /* d = N: high in both modes */
	}
}

/* Mode 1: counts from the count's write whatever the gate; OUT high until
 * d = N, then low; the gate's rising edge restarts it. */
static void test_mode1(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	gate2(&r, false);
	program(&r, 2, 1, 5);
	static const struct sequence s = { 8, { 5, 4, 3, 2, 1, 0, 0xffff, 0xfffe }, { 1, 1, 1, 1, 1, 0, 0, 0 } };
	expect_sequence(&r, 2, T0, &s);
	r.clk.t = T0 + 20;
	gate2(&r, true);                            /* the trigger: from 5 again */
	expect_sequence(&r, 2, T0 + 20, &s);
	r.clk.t = T0 + 30;
	gate2(&r, false);
	r.clk.t = T0 + 31;
	EXPECT_EQ(latched_count(&r, 2), 0xfffa);    /* low: no effect */
	gate2(&r, true);
	EXPECT_EQ(latched_count(&r, 2), 5);         /* retriggered */
	gate2(&r, true);                            /* high again is no edge */
	r.clk.t = T0 + 33;
	EXPECT_EQ(latched_count(&r, 2), 3);
	EXPECT_EQ(status_of(&r, 2), 0x80 | 0x32);
	/* channel 0, gate high for good: counts from the count */
	program(&r, 0, 1, 3);
	EXPECT_TRUE(out_of(&r, 0));
	r.clk.t = T0 + 36;
	EXPECT_TRUE(!out_of(&r, 0));
}

static void test_mode2(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 2, 3);
	/* OUT high only at the reloads (d = kN, not the load itself) */
	static const struct sequence s = { 8, { 3, 2, 1, 3, 2, 1, 3, 2 }, { 0, 0, 0, 1, 0, 0, 1, 0 } };
	expect_sequence(&r, 0, T0, &s);
	EXPECT_EQ(status_of(&r, 0), 0x34);
	/* count 1: 1 for good, OUT high after the load */
	r.clk.t = T0 + 100;
	program(&r, 0, 2, 1);
	static const struct sequence one = { 3, { 1, 1, 1 }, { 0, 1, 1 } };
	expect_sequence(&r, 0, T0 + 100, &one);
	/* a new count mid-period takes effect at once */
	r.clk.t = T0 + 200;
	program(&r, 0, 2, 10);
	r.clk.t = T0 + 204;
	program(&r, 0, 2, 5);
	r.clk.t = T0 + 205;
	EXPECT_EQ(latched_count(&r, 0), 4);
}

/* Modes 2 and 3 on channel 2: the gate's rising edge restarts from the
 * count; low stops nothing and OUT is not forced. */
static void test_mode2_3_gate(void)
{
	for (unsigned mode = 2; mode <= 3; mode++) {
		struct pit_rig r;
		rig_init(&r, PIT_HZ, T0);
		gate2(&r, true);
		program(&r, 2, mode, 10);
		r.clk.t = T0 + 7;
		gate2(&r, false);
		r.clk.t = T0 + 8;
		EXPECT_EQ(latched_count(&r, 2), mode == 2 ? 2 : 4);
		EXPECT_EQ(out2(&r), mode == 3 ? false : false);
		gate2(&r, true);                        /* restart at T0 + 8 */
		EXPECT_EQ(latched_count(&r, 2), 10);
		r.clk.t = T0 + 9;
		EXPECT_EQ(latched_count(&r, 2), mode == 2 ? 9 : 8);
		r.clk.t = T0 + 18;
		EXPECT_EQ(out2(&r), true);              /* mode 2: the reload; mode 3: a new high half */
	}
}

static void test_mode3(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 3, 4);
	static const struct sequence even = { 9, { 4, 2, 4, 2, 4, 2, 4, 2, 4 }, { 1, 1, 0, 0, 1, 1, 0, 0, 1 } };
	expect_sequence(&r, 0, T0, &even);
	EXPECT_EQ(status_of(&r, 0) & 0x7f, 0x36);
	/* odd: N - (2d mod N): odd and even values; high for (N+1)/2 clocks */
	r.clk.t = T0 + 100;
	program(&r, 0, 3, 5);
	static const struct sequence odd = { 11, { 5, 3, 1, 4, 2, 5, 3, 1, 4, 2, 5 },
					     { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1 } };
	expect_sequence(&r, 0, T0 + 100, &odd);
	r.clk.t = T0 + 200;
	program(&r, 0, 3, 1);
	static const struct sequence one = { 3, { 1, 1, 1 }, { 1, 1, 1 } };
	expect_sequence(&r, 0, T0 + 200, &one);
	/* 65536: reads 0 at the load, then 65534 */
	r.clk.t = T0 + 300;
	program(&r, 0, 3, 0);
	EXPECT_EQ(latched_count(&r, 0), 0);
	r.clk.t = T0 + 301;
	EXPECT_EQ(latched_count(&r, 0), 0xfffe);
}

/* Modes 4 and 5: on through 0 like mode 0; OUT high only at d = N. Mode 5
 * counts from the write whatever the gate, and its rising edge restarts. */
static void test_mode4_5(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 4, 3);
	static const struct sequence s = { 6, { 3, 2, 1, 0, 0xffff, 0xfffe }, { 0, 0, 0, 1, 0, 0 } };
	expect_sequence(&r, 0, T0, &s);
	EXPECT_EQ(status_of(&r, 0), 0x38);
	r.clk.t = T0 + 50;
	gate2(&r, false);
	program(&r, 2, 5, 3);
	expect_sequence(&r, 2, T0 + 50, &s);
	EXPECT_EQ(status_of(&r, 2), 0x3a);
	r.clk.t = T0 + 60;
	gate2(&r, true);
	expect_sequence(&r, 2, T0 + 60, &s);
}

/* Modes 6 and 7 (the datasheet's "X10", "X11"): kept in the status byte;
 * QEMU's switches send both to their default: the count of mode 2, the
 * OUT of mode 0, no gate effect. */
static void test_mode6_7(void)
{
	for (unsigned mode = 6; mode <= 7; mode++) {
		struct pit_rig r;
		rig_init(&r, PIT_HZ, T0);
		program(&r, 2, mode, 3);
		static const struct sequence s = { 7, { 3, 2, 1, 3, 2, 1, 3 }, { 0, 0, 0, 1, 1, 1, 1 } };
		expect_sequence(&r, 2, T0, &s);
		EXPECT_EQ(status_of(&r, 2), 0x80 | 0x30 | mode << 1);
		gate2(&r, true);
		EXPECT_EQ(latched_count(&r, 2), 3);     /* d = 6: not restarted */
	}
}

static void test_counter_latch(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 0, 1000);
	r.clk.t = T0 + 10;
	outb(&r, 0x43, 0x00);
	r.clk.t = T0 + 50;
	outb(&r, 0x43, 0x00);                       /* ignored until the first is read */
	EXPECT_EQ(inb(&r, 0x40), (990 & 0xff));
	r.clk.t = T0 + 60;
	outb(&r, 0x43, 0x00);                       /* still ignored: one byte left */
	EXPECT_EQ(inb(&r, 0x40), 990 >> 8);
	EXPECT_EQ(latched_count(&r, 0), 940);
	/* the byte order is the access at the latch; a control word after it
	 * keeps the latch */
	outb(&r, 0x43, 0x00);
	outb(&r, 0x43, 0x10);                       /* LSB only, mode 0 */
	EXPECT_EQ(inb(&r, 0x40), 940 & 0xff);
	EXPECT_EQ(inb(&r, 0x40), 940 >> 8);
	outb(&r, 0x40, 200);
	r.clk.t = T0 + 61;
	outb(&r, 0x43, 0x00);
	r.clk.t = T0 + 62;
	EXPECT_EQ(inb(&r, 0x40), 199);              /* the latch: one byte */
	EXPECT_EQ(inb(&r, 0x40), 198);              /* then live */
	outb(&r, 0x43, 0x20);                       /* MSB only */
	outb(&r, 0x40, 0x12);
	outb(&r, 0x43, 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x12);
	r.clk.t = T0 + 63;
	EXPECT_EQ(inb(&r, 0x40), 0x11);             /* live: 0x11ff */
	/* reading a latch does not move the live byte state */
	program(&r, 0, 0, 0x1234);
	EXPECT_EQ(inb(&r, 0x40), 0x34);             /* live LSB: next is the MSB */
	outb(&r, 0x43, 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x34);
	EXPECT_EQ(inb(&r, 0x40), 0x12);
	EXPECT_EQ(inb(&r, 0x40), 0x12);             /* the live MSB */
	EXPECT_EQ(inb(&r, 0x40), 0x34);
	/* other channels are their own */
	outb(&r, 0x43, 0x40);                       /* latch channel 1: RW 0 at power-on, nothing */
	EXPECT_EQ(inb(&r, 0x41), (uint8_t)(0x10000 - 2 * 63 % 0x10000));
}

static void test_read_back(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	program(&r, 0, 2, 100);
	program(&r, 1, 4, 50);
	outb(&r, 0x43, 0x13);                       /* channel 0: LSB only, mode 1, BCD: status only */
	r.clk.t = T0 + 10;
	outb(&r, 0x43, 0xce);                       /* count and status of all three */
	EXPECT_EQ(inb(&r, 0x40), 0x93);             /* the status first: OUT (mode 1, d < N), no NULL COUNT */
	EXPECT_EQ(inb(&r, 0x40), (uint8_t)(100 - 10));   /* mode 1 now: (100 - 10) & 0xffff, LSB */
	EXPECT_EQ(inb(&r, 0x40), (uint8_t)(100 - 10));   /* then live */
	EXPECT_EQ(inb(&r, 0x41), 0x38);
	EXPECT_EQ(inb(&r, 0x41), 40);
	EXPECT_EQ(inb(&r, 0x41), 0);
	EXPECT_EQ(inb(&r, 0x42), 0x86);             /* channel 2 as at power-on */
	EXPECT_EQ(inb(&r, 0x42), (uint8_t)(0x10000 - 20));   /* RW 0: the latch took nothing: live */
	/* status latched once until read; count only; status only */
	outb(&r, 0x43, 0xe2);
	r.clk.t = T0 + 50;
	outb(&r, 0x43, 0xe2);
	EXPECT_EQ(inb(&r, 0x40), 0x93);
	r.clk.t = T0 + 60;
	outb(&r, 0x43, 0xd2);                       /* count only */
	r.clk.t = T0 + 70;
	EXPECT_EQ(inb(&r, 0x40), 40);
	/* neither, or no channel: nothing */
	outb(&r, 0x43, 0xf2);
	outb(&r, 0x43, 0xc0);
	EXPECT_EQ(inb(&r, 0x40), 30);
	/* OUT in the status is OUT at the read-back */
	program(&r, 0, 0, 5);
	outb(&r, 0x43, 0xe2);
	r.clk.t = T0 + 80;
	EXPECT_EQ(inb(&r, 0x40), 0x30);
	EXPECT_EQ(status_of(&r, 0), 0xb0);
}

/* Byte states: a control word sets both to its access; LSB then MSB
 * toggles each apart (read LSB, write LSB, read MSB, write MSB). */
static void test_byte_order(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x10);                       /* LSB only, mode 0 */
	outb(&r, 0x40, 0x34);
	EXPECT_EQ(inb(&r, 0x40), 0x34);
	EXPECT_EQ(inb(&r, 0x40), 0x34);
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
	outb(&r, 0x40, 0x00);                       /* write LSB: nothing loaded */
	EXPECT_EQ(inb(&r, 0x40), 0x1f);             /* read MSB: the old count */
	outb(&r, 0x40, 0x30);                       /* write MSB: 0x3000 */
	EXPECT_EQ(inb(&r, 0x40), 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x30);
	/* a control word resets both */
	(void)inb(&r, 0x40);
	outb(&r, 0x40, 0x55);
	outb(&r, 0x43, 0x30);
	outb(&r, 0x40, 0x08);
	outb(&r, 0x40, 0x00);
	EXPECT_EQ(inb(&r, 0x40), 0x08);
	EXPECT_EQ(inb(&r, 0x40), 0x00);
	/* LSB only: 0 is 65536 */
	outb(&r, 0x43, 0x14);
	outb(&r, 0x40, 0);
	r.clk.t = T0 + 4;
	EXPECT_EQ(inb(&r, 0x40), 0xff);             /* 65535 */
}

/* BCD: the bit is kept in the status and nothing else: counts are binary. */
static void test_bcd(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x35);                       /* mode 2, BCD */
	outb(&r, 0x40, 0x00);
	outb(&r, 0x40, 0x10);                       /* 0x1000: 4096 clocks */
	EXPECT_EQ(status_of(&r, 0), 0x35);
	r.clk.t = T0 + 1;
	EXPECT_EQ(latched_count(&r, 0), 0x0fff);
	r.clk.t = T0 + 4096;
	EXPECT_TRUE(out_of(&r, 0));
	EXPECT_EQ(latched_count(&r, 0), 0x1000);
	r.clk.t = T0 + 5000;
	outb(&r, 0x43, 0x31);                       /* mode 0, BCD, count 0 */
	outb(&r, 0x40, 0);
	outb(&r, 0x40, 0);
	r.clk.t = T0 + 5001;
	EXPECT_EQ(latched_count(&r, 0), 0xffff);
	r.clk.t = T0 + 5000 + 65536;
	EXPECT_TRUE(out_of(&r, 0));
	EXPECT_EQ(status_of(&r, 0), 0xb1);
	outb(&r, 0x43, 0x37);                       /* mode 3 BCD 0x00ff: odd binary count */
	outb(&r, 0x40, 0xff);
	outb(&r, 0x40, 0x00);
	r.clk.t += 1;
	EXPECT_EQ(latched_count(&r, 0), 0xfd);
}

static void test_port61(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, 0);
	outb(&r, 0x61, 0xff);
	EXPECT_EQ(inb(&r, 0x61) & 0xcf, 0x03);      /* gate, speaker; 2, 3, 6, 7 read 0 */
	outb(&r, 0x61, 0x02);
	EXPECT_EQ(inb(&r, 0x61) & 0x0f, 0x02);
	/* refresh: flips at every read, whatever the time */
	bool prev = inb(&r, 0x61) & 0x10;
	for (unsigned i = 0; i < 10; i++) {
		r.clk.t += i & 1 ? 0 : 1000;
		bool now = inb(&r, 0x61) & 0x10;
		EXPECT_TRUE(now != prev);
		prev = now;
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
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 1, 4), 0xffffffffu);
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 0, 0), 0);
	EXPECT_EQ(vpit_port61_ops.read(&r.pit, NULL, 0, 9) & 0xffffff0fu, 0xffffff01u);
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
	/* OUTW 0x42 = 0x42 then 0x43: an LSB count of channel 2 (RW 0), then a control word */
	iobus_write(&r.bus, NULL, 0x42, 2, 0xb0u << 8 | 0x99);
	EXPECT_EQ(status_of(&r, 2), 0x30);          /* b0: mode 0 lo/hi over count 0x99 at d = 0 */
	/* OUTD 0x40: bytes to 0x40, 0x41, 0x42, 0x43 */
	iobus_write(&r.bus, NULL, 0x40, 4, 0x00u << 24 | 0x07u << 16 | 0x22u << 8 | 0x11u);
	/* 0x11 and 0x22 as LSB counts of channels 0 and 1, 0x07 as channel
	 * 2's LSB of two, 0x00 a latch of channel 0 (RW 0: nothing) */
	EXPECT_EQ(inb(&r, 0x40), 0x11);
	EXPECT_EQ(inb(&r, 0x41), 0x22);
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
	vpit_ops.write(&r.pit, NULL, 0xfffe, 4, 0x34343434u);
	vpit_ops.write(&r.pit, NULL, 3, 8, 0x30303000u);              /* a latch of channel 0, the rest dropped */
	vpit_ops.write(&r.pit, NULL, 0, 0, 0x12345678u);
	EXPECT_EQ(r.hooks, hooks);
	EXPECT_EQ(inb(&r, 0x40), 0x11);
	/* and the channels still work */
	program(&r, 0, 0, 5);
	r.clk.t += 5;
	EXPECT_TRUE(out_of(&r, 0));
}

/* pit_reset: mode 3, 65536 from now, GATE2 low; the access modes, byte
 * states, latches and BCD bits stay, as do port 0x61's speaker bit and
 * IRQ 0's level. */
static void test_reset(void)
{
	struct pit_rig r;
	rig_init(&r, PIT_HZ, T0);
	outb(&r, 0x43, 0x11);                       /* LSB only, mode 0, BCD */
	outb(&r, 0x40, 100);
	gate2(&r, true);
	outb(&r, 0x61, 0x03);
	r.clk.t = T0 + 200;
	outb(&r, 0x43, 0xd2);                       /* a latched count */
	EXPECT_TRUE(r.irq.level);                   /* mode 0's count ran out */
	unsigned hooks = r.hooks;
	r.clk.t = T0 + 300;
	vpit_reset(&r.pit);
	EXPECT_EQ(r.hooks, hooks + 1);
	EXPECT_TRUE(r.irq.level);                   /* untouched */
	EXPECT_EQ(inb(&r, 0x40), (uint8_t)(100 - 200));  /* the latch survived */
	r.clk.t = T0 + 301;
	EXPECT_EQ(inb(&r, 0x40), 0xfe);             /* live, LSB only: 65536 - 2 */
	EXPECT_EQ(status_of(&r, 0), 0x80 | 0x10 | 0x06 | 0x01);
	EXPECT_EQ(inb(&r, 0x61) & 0x03, 0x02);      /* gate 2 low, the speaker bit kept */
	/* the line is high already: the next rise ends the first period */
	EXPECT_EQ(vpit_next_deadline(&r.pit), T0 + 300 + 65536);
	/* through the bus: one reset for both ranges */
	hooks = r.hooks;
	iobus_reset(&r.bus);
	EXPECT_EQ(r.hooks, hooks + 1);
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_mode0);
	RUN(test_mode0_4_gate);
	RUN(test_mode1);
	RUN(test_mode2);
	RUN(test_mode2_3_gate);
	RUN(test_mode3);
	RUN(test_mode4_5);
	RUN(test_mode6_7);
	RUN(test_counter_latch);
	RUN(test_read_back);
	RUN(test_byte_order);
	RUN(test_bcd);
	RUN(test_port61);
	RUN(test_access_sizes);
	RUN(test_reset);
	TEST_MAIN_END();
}

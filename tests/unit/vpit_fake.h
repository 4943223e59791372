/* tests/unit/vpit_fake.h - What test_vpit.c and test_vpit_clock.c share: a
 * PIT on an I/O bus with a guest clock the test moves by hand, irq0 and the
 * deadline hook recorded. */
#ifndef TESTS_UNIT_VPIT_FAKE_H
#define TESTS_UNIT_VPIT_FAKE_H

#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/vpit.h"

struct fake_clock { uint64_t t; };

static inline uint64_t fake_clock_now(void *ctx)
{
	return ((const struct fake_clock *)ctx)->t;
}

/* irq0 as the PIC would see it: its level, every call, the rising edges
 * and the guest time of the last one. */
struct irq_rec {
	bool level;
	unsigned calls, rises;
	uint64_t last_rise;
	unsigned pin;
	const struct fake_clock *clock;
};

static inline void irq_rec_set(void *ctx, unsigned pin, bool level)
{
	struct irq_rec *r = ctx;
	r->calls++;
	if (level && !r->level) {
		r->rises++;
		r->last_rise = r->clock->t;
	}
	r->level = level;
	r->pin = pin;
}

static inline void hook_count(void *ctx)
{
	(*(unsigned *)ctx)++;
}

struct pit_rig {
	struct fake_clock clk;
	struct vclock clock;
	struct iobus bus;
	struct vpit pit;
	struct irq_rec irq;
	unsigned hooks;
};

/* The rig at guest time t0; irq0 recorded as low (what vpit_init takes
 * it to be: a PIC input's power-on level, as under QEMU). */
static inline void rig_init(struct pit_rig *r, uint64_t hz, uint64_t t0)
{
	memset(r, 0, sizeof(*r));
	r->clk.t = t0;
	r->clock = (struct vclock){ .now = fake_clock_now, .ctx = &r->clk, .hz = hz };
	r->irq.clock = &r->clk;
	r->irq.level = false;
	iobus_init(&r->bus);
	vpit_init(&r->pit, &r->clock, (struct irq_line){ .set = irq_rec_set, .ctx = &r->irq, .pin = 0 },
		  (struct vdev_deadline_hook){ .changed = hook_count, .ctx = &r->hooks });
	EXPECT_EQ(iobus_register(&r->bus, VPIT_BASE, VPIT_PORTS, &vpit_ops, &r->pit), 0);
	EXPECT_EQ(iobus_register(&r->bus, VPIT_PORT61, 1, &vpit_port61_ops, &r->pit), 0);
}

static inline void outb(struct pit_rig *r, uint16_t port, uint8_t v) { iobus_write(&r->bus, NULL, port, 1, v); }
static inline uint8_t inb(struct pit_rig *r, uint16_t port) { return (uint8_t)iobus_read(&r->bus, NULL, port, 1); }

/* Control word for channel ch: access 3 (LSB then MSB), mode, binary. */
static inline void program(struct pit_rig *r, unsigned ch, unsigned mode, uint16_t count)
{
	outb(r, 0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	outb(r, (uint16_t)(0x40 + ch), (uint8_t)count);
	outb(r, (uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* Counter latch, then the two bytes (access mode 3). */
static inline uint16_t latched_count(struct pit_rig *r, unsigned ch)
{
	outb(r, 0x43, (uint8_t)(ch << 6));
	uint16_t lo = inb(r, (uint16_t)(0x40 + ch));
	return (uint16_t)(lo | inb(r, (uint16_t)(0x40 + ch)) << 8);
}

/* Whatever a channel still has latched, read out (a status byte and two
 * count bytes at most), so that the next read-back is fresh. */
static inline void drain(struct pit_rig *r, unsigned ch)
{
	for (unsigned i = 0; i < 3; i++)
		(void)inb(r, (uint16_t)(0x40 + ch));
}

/* Read-back of the status byte alone. */
static inline uint8_t status_of(struct pit_rig *r, unsigned ch)
{
	outb(r, 0x43, (uint8_t)(0xe0 | 2u << ch));
	return inb(r, (uint16_t)(0x40 + ch));
}

static inline bool out_of(struct pit_rig *r, unsigned ch)
{
	return status_of(r, ch) & 0x80;
}

/* Port 0x61: GATE2 on or off, the speaker bit clear. */
static inline void gate2(struct pit_rig *r, bool on)
{
	outb(r, 0x61, on ? 0x01 : 0x00);
}

static inline bool out2(struct pit_rig *r)
{
	return inb(r, 0x61) & 0x20;
}

/* The exact guest TSC of PIT clock k after t0 at hz: the first tick at
 * which floor((t - t0) * PIT_HZ / hz) >= k, computed in 128 bits. */
static inline uint64_t exact_tsc(uint64_t t0, uint64_t k, uint64_t hz)
{
	unsigned __int128 num = (unsigned __int128)k * hz;
	uint64_t q = (uint64_t)(num / PIT_HZ);
	if ((unsigned __int128)q * PIT_HZ < num)
		q++;
	return t0 + q;
}

#endif

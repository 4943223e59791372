/* tests/unit/vpic_fake.h - What test_vpic.c and test_vpic_lines.c share:
 * the PIC pair and its ELCR on an I/O bus, INTR recorded, and the guest's
 * usual moves (SeaBIOS's initialisation, reading IRR and ISR). */
#ifndef TESTS_UNIT_VPIC_FAKE_H
#define TESTS_UNIT_VPIC_FAKE_H

#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/vpic.h"

/* INTR as vCPU 0's LINT0 would see it: the level and the number of calls. */
struct intr_rec {
	bool level;
	unsigned calls;
	unsigned pin;
};

static inline void intr_set(void *ctx, unsigned pin, bool level)
{
	struct intr_rec *r = ctx;
	r->calls++;
	r->level = level;
	r->pin = pin;
}

struct rig {
	struct iobus bus;
	struct vpic pic;
	struct intr_rec intr;
};

static inline void rig_init(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	iobus_init(&r->bus);
	vpic_init(&r->pic, (struct irq_line){ .set = intr_set, .ctx = &r->intr, .pin = 0 });
	EXPECT_EQ(iobus_register(&r->bus, VPIC_MASTER_BASE, VPIC_PORTS, &vpic_master_ops, &r->pic), 0);
	EXPECT_EQ(iobus_register(&r->bus, VPIC_SLAVE_BASE, VPIC_PORTS, &vpic_slave_ops, &r->pic), 0);
	EXPECT_EQ(iobus_register(&r->bus, VPIC_ELCR_BASE, VPIC_PORTS, &vpic_elcr_ops, &r->pic), 0);
}

static inline void outb(struct rig *r, uint16_t port, uint8_t v) { iobus_write(&r->bus, NULL, port, 1, v); }
static inline uint8_t inb(struct rig *r, uint16_t port) { return (uint8_t)iobus_read(&r->bus, NULL, port, 1); }

/* OCW3 read-register selection, then the read (the guest's way to see them). */
static inline uint8_t read_irr(struct rig *r, uint16_t cmd) { outb(r, cmd, 0x0a); return inb(r, cmd); }
static inline uint8_t read_isr(struct rig *r, uint16_t cmd) { outb(r, cmd, 0x0b); return inb(r, cmd); }

/* SeaBIOS's pic_setup(): ICW1 0x11 (edge, cascade, ICW4), bases 0x08 and
 * 0x70, ICW3 0x04 / 0x02, ICW4 0x01 (8086), then all masked but the
 * cascade. */
static inline void seabios_init(struct rig *r)
{
	outb(r, 0x20, 0x11);
	outb(r, 0xa0, 0x11);
	outb(r, 0x21, 0x08);
	outb(r, 0xa1, 0x70);
	outb(r, 0x21, 0x04);
	outb(r, 0xa1, 0x02);
	outb(r, 0x21, 0x01);
	outb(r, 0xa1, 0x01);
	outb(r, 0x21, 0xfb);
	outb(r, 0xa1, 0xff);
}

static inline void pulse(struct rig *r, unsigned irq)
{
	vpic_set_irq(&r->pic, irq, true);
	vpic_set_irq(&r->pic, irq, false);
}

#endif

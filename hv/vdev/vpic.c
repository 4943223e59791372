/* hv/vdev/vpic.c - The 8259A pair and the PIIX ELCR (see vpic.h; command
 * words: Intel 8259A datasheet, "Programming the 8259A"). */
#include "hv/vdev/vpic.h"

/* ICW1: a port-0 write with bit 4 set. */
#define ICW1_IC4        0x01u     /* ICW4 follows */
#define ICW1_SNGL       0x02u     /* single: no slaves, no ICW3 */
#define ICW1_SELECT     0x10u
/* ICW4 */
#define ICW4_AEOI       0x02u
#define ICW4_SFNM       0x10u
#define ICW2_BASE_MASK  0xf8u     /* T7-T3: 8086 mode, IR in bits 2:0 */
/* OCW3: a port-0 write with bits 4:3 = 01; OCW2 has them 00. */
#define OCW3_SELECT     0x08u
#define OCW3_RIS        0x01u     /* with RR: 1 = read ISR, 0 = IRR */
#define OCW3_RR         0x02u
#define OCW3_POLL       0x04u
#define OCW3_SMM        0x20u     /* with ESMM: 1 = set special mask, 0 = reset */
#define OCW3_ESMM       0x40u
/* OCW2 bits 7:5 (R, SL, EOI); bits 2:0 the level for the specific ones. */
#define OCW2_CMD_SHIFT  5
#define OCW2_LEVEL_MASK 0x07u
enum ocw2_cmd {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI               = 1,   /* non-specific */
	OCW2_NOP               = 2,
	OCW2_EOI_SPECIFIC      = 3,
	OCW2_ROTATE_AEOI_SET   = 4,
	OCW2_ROTATE_EOI        = 5,   /* non-specific EOI, then the level is lowest */
	OCW2_SET_PRIORITY      = 6,   /* the level becomes lowest */
	OCW2_ROTATE_EOI_SPECIFIC = 7,
};

#define POLL_INT        0x80u     /* poll word: I, then W2-W0 */
#define SPURIOUS_IR     7u
#define NO_PRIORITY     8u

/* What a port-1 write is next (datasheet figure "Initialization Sequence"). */
enum init_step { STEP_OCW1 = 0, STEP_ICW2, STEP_ICW3, STEP_ICW4 };

/* PIIX (and QEMU's elcr_mask): IRQ 0, 1, 2 and 8, 13 are always edge. */
#define ELCR_MASK_MASTER 0xf8u
#define ELCR_MASK_SLAVE  0xdeu

enum port_range { RANGE_MASTER = VPIC_MASTER, RANGE_SLAVE = VPIC_SLAVE, RANGE_ELCR };

_Static_assert(VPIC_MASTER == 0 && VPIC_SLAVE == 1, "chip index = IRQ >> 3");

/* ---- one chip's priority logic ---------------------------------------------- */

/* The priority (0 = highest, 7 = lowest) of the highest-priority IR in
 * mask, NO_PRIORITY for none: IR highest_ir has priority 0, the next IR up
 * (modulo 8) priority 1, and so on. */
static unsigned top_priority(const struct vpic_chip *c, uint8_t mask)
{
	for (unsigned prio = 0; prio < 8; prio++)
		if (mask & (1u << ((prio + c->highest_ir) & 7)))
			return prio;
	return NO_PRIORITY;
}

static unsigned ir_of_priority(const struct vpic_chip *c, unsigned prio)
{
	return (prio + c->highest_ir) & 7;
}

/* The IR this chip asserts INT for, or -1: the highest unmasked request,
 * if it outranks everything in service. In special mask mode a masked
 * level's ISR bit does not count. In special fully nested mode the master
 * lets IR2 through while IR2 is in service (a higher IRQ of the slave is
 * then recognised; the slave's own priority logic picks among them). */
static int chip_request(const struct vpic_chip *c, bool sfnm_applies)
{
	unsigned req = top_priority(c, (uint8_t)(c->irr & ~c->imr));
	if (req == NO_PRIORITY)
		return -1;
	uint8_t in_service = c->isr;
	if (c->special_mask)
		in_service &= (uint8_t)~c->imr;
	unsigned cur = top_priority(c, in_service);
	unsigned ir = ir_of_priority(c, req);
	if (req < cur || (sfnm_applies && c->sfnm && ir == VPIC_CASCADE_IR && req == cur))
		return (int)ir;
	return -1;
}

/* An IR line's new level: an edge input latches a rising edge, a level
 * input's IRR bit is the line. */
static void chip_set_input(struct vpic_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->elcr & bit)
		c->irr = level ? (uint8_t)(c->irr | bit) : (uint8_t)(c->irr & ~bit);
	else if (level && !(c->input & bit))
		c->irr |= bit;
	c->input = level ? (uint8_t)(c->input | bit) : (uint8_t)(c->input & ~bit);
}

/* The acknowledge of `ir` (INTA or poll): into service unless auto-EOI;
 * an edge request is consumed, a level one stays while its line is high. */
static void chip_intack(struct vpic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->auto_eoi) {
		if (c->rotate_auto_eoi)
			c->highest_ir = (uint8_t)((ir + 1) & 7);
	} else {
		c->isr |= bit;
	}
	if (!(c->elcr & bit))
		c->irr &= (uint8_t)~bit;
}

/* What ICW1 resets (datasheet "Initialization Command Words"; QEMU's
 * pic_reset_common): mask, in-service, rotation, OCW3 state, the ICW4
 * functions; edge requests are dropped (the edge sense is reset: a line
 * that is high must go low and high again), level requests stay, since
 * they are the lines. The ELCR belongs to the PIIX and is kept. */
static void chip_init_reset(struct vpic_chip *c)
{
	c->irr &= c->elcr;
	c->isr = c->imr = 0;
	c->vector_base = 0;
	c->highest_ir = 0;
	c->init_step = STEP_OCW1;
	c->ic4 = c->single = false;
	c->auto_eoi = c->sfnm = c->rotate_auto_eoi = false;
	c->read_isr = c->poll = c->special_mask = false;
}

/* ---- the pair ------------------------------------------------------------------ */

static bool master_cascades(const struct vpic *p)
{
	return !p->chip[VPIC_MASTER].single;
}

/* The slave's INT onto the master's IR2 (an edge input: ELCR bit 2 is not
 * writable). */
static void propagate_cascade(struct vpic *p)
{
	chip_set_input(&p->chip[VPIC_MASTER], VPIC_CASCADE_IR, chip_request(&p->chip[VPIC_SLAVE], false) >= 0);
}

static bool master_int(const struct vpic *p)
{
	return chip_request(&p->chip[VPIC_MASTER], master_cascades(p)) >= 0;
}

/* After any change: the cascade, then INTR if its level moved. */
static void update_output(struct vpic *p)
{
	propagate_cascade(p);
	bool level = master_int(p);
	if (level != p->intr_level) {
		p->intr_level = level;
		irq_line_set(&p->intr, level);
	}
}

static void reset_locked(struct vpic *p)
{
	for (unsigned i = 0; i < 2; i++) {
		struct vpic_chip *c = &p->chip[i];
		c->elcr = 0;
		chip_init_reset(c);
	}
	p->chip[VPIC_MASTER].elcr_mask = ELCR_MASK_MASTER;
	p->chip[VPIC_SLAVE].elcr_mask = ELCR_MASK_SLAVE;
}

void vpic_init(struct vpic *p, struct irq_line intr)
{
	p->lock = (struct spinlock){ 0 };
	p->intr = intr;
	p->intr_level = false;
	p->read_hook = (struct vpic_read_hook){ 0 };
	for (unsigned i = 0; i < 2; i++)
		p->chip[i].input = 0;
	reset_locked(p);
}

void vpic_set_read_hook(struct vpic *p, struct vpic_read_hook hook)
{
	p->read_hook = hook;
}

void vpic_reset(struct vpic *p)
{
	spin_lock(&p->lock);
	reset_locked(p);
	propagate_cascade(p);
	/* Driven whatever it was: the receiver may have been reset apart. */
	p->intr_level = master_int(p);
	irq_line_set(&p->intr, p->intr_level);
	spin_unlock(&p->lock);
}

void vpic_set_irq(struct vpic *p, unsigned irq, bool level)
{
	if (irq >= VPIC_IRQS || irq == VPIC_CASCADE_IR)
		return;
	spin_lock(&p->lock);
	chip_set_input(&p->chip[irq >> 3], irq & 7, level);
	update_output(p);
	spin_unlock(&p->lock);
}

int vpic_ack(struct vpic *p)
{
	struct vpic_chip *m = &p->chip[VPIC_MASTER], *s = &p->chip[VPIC_SLAVE];
	int vector;

	spin_lock(&p->lock);
	int ir = chip_request(m, master_cascades(p));
	if (ir < 0) {
		vector = m->vector_base + SPURIOUS_IR;   /* spurious IRQ 7: ISR unchanged */
		spin_unlock(&p->lock);
		return vector;
	}
	if ((unsigned)ir == VPIC_CASCADE_IR && master_cascades(p)) {
		int slave_ir = chip_request(s, false);
		if (slave_ir >= 0) {
			chip_intack(s, (unsigned)slave_ir);
			vector = s->vector_base + slave_ir;
		} else {
			vector = s->vector_base + SPURIOUS_IR;   /* ISR unchanged */
		}
	} else {
		vector = m->vector_base + ir;
	}
	chip_intack(m, (unsigned)ir);
	update_output(p);
	spin_unlock(&p->lock);
	return vector;
}

bool vpic_output(struct vpic *p)
{
	spin_lock(&p->lock);
	bool level = master_int(p);
	spin_unlock(&p->lock);
	return level;
}

/* ---- command words ------------------------------------------------------------- */

static void write_icw1(struct vpic_chip *c, uint8_t v)
{
	chip_init_reset(c);
	c->ic4 = v & ICW1_IC4;
	c->single = v & ICW1_SNGL;
	c->init_step = STEP_ICW2;
}

static void write_ocw2(struct vpic_chip *c, uint8_t v)
{
	unsigned level = v & OCW2_LEVEL_MASK;
	unsigned prio;

	switch ((enum ocw2_cmd)(v >> OCW2_CMD_SHIFT)) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_auto_eoi = (v >> OCW2_CMD_SHIFT) == OCW2_ROTATE_AEOI_SET;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		/* The highest level in service is the one being ended (fully
		 * nested); nothing in service: nothing happens, no rotation. */
		prio = top_priority(c, c->isr);
		if (prio != NO_PRIORITY) {
			unsigned ir = ir_of_priority(c, prio);
			c->isr &= (uint8_t)~(1u << ir);
			if ((v >> OCW2_CMD_SHIFT) == OCW2_ROTATE_EOI)
				c->highest_ir = (uint8_t)((ir + 1) & 7);
		}
		break;
	case OCW2_EOI_SPECIFIC:
		c->isr &= (uint8_t)~(1u << level);
		break;
	case OCW2_SET_PRIORITY:
		c->highest_ir = (uint8_t)((level + 1) & 7);
		break;
	case OCW2_ROTATE_EOI_SPECIFIC:
		c->isr &= (uint8_t)~(1u << level);
		c->highest_ir = (uint8_t)((level + 1) & 7);
		break;
	case OCW2_NOP:
		break;
	}
}

static void write_ocw3(struct vpic_chip *c, uint8_t v)
{
	if (v & OCW3_POLL)
		c->poll = true;
	if (v & OCW3_RR)
		c->read_isr = v & OCW3_RIS;
	if (v & OCW3_ESMM)
		c->special_mask = v & OCW3_SMM;
}

/* Port 1: the next ICW of an initialisation sequence, else OCW1. */
static void write_data(struct vpic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case STEP_ICW2:
		c->vector_base = v & ICW2_BASE_MASK;
		c->init_step = c->single ? (c->ic4 ? STEP_ICW4 : STEP_OCW1) : STEP_ICW3;
		break;
	case STEP_ICW3:
		/* Not modelled: the slave is on IR2 and is slave 2 (vpic.h). */
		c->init_step = c->ic4 ? STEP_ICW4 : STEP_OCW1;
		break;
	case STEP_ICW4:
		c->auto_eoi = v & ICW4_AEOI;
		c->sfnm = v & ICW4_SFNM;
		c->init_step = STEP_OCW1;
		break;
	default:
		c->imr = v;
		break;
	}
}

static void chip_write(struct vpic *p, unsigned chip, unsigned port, uint8_t v)
{
	struct vpic_chip *c = &p->chip[chip];

	if (port == 1)
		write_data(c, v);
	else if (v & ICW1_SELECT)
		write_icw1(c, v);
	else if (v & OCW3_SELECT)
		write_ocw3(c, v);
	else
		write_ocw2(c, v);
}

/* A read: the poll word when a poll is armed (on either port, as QEMU),
 * else IRR/ISR (port 0, as OCW3 chose) or IMR (port 1). */
static uint8_t chip_read(struct vpic *p, unsigned chip, unsigned port)
{
	struct vpic_chip *c = &p->chip[chip];

	if (c->poll) {
		c->poll = false;
		int ir = chip_request(c, chip == VPIC_MASTER && master_cascades(p));
		if (ir < 0)
			return 0;
		chip_intack(c, (unsigned)ir);
		return (uint8_t)(POLL_INT | (unsigned)ir);
	}
	if (port == 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* The ELCR: a line turned level takes its IRR bit from the line at once. */
static void elcr_write(struct vpic *p, unsigned chip, uint8_t v)
{
	struct vpic_chip *c = &p->chip[chip];

	c->elcr = v & c->elcr_mask;
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->input & c->elcr));
}

/* ---- port access ------------------------------------------------------------- */

static uint8_t range_read_byte(struct vpic *p, enum port_range r, unsigned port)
{
	if (r == RANGE_ELCR)
		return p->chip[port].elcr;
	return chip_read(p, (unsigned)r, port);
}

static void range_write_byte(struct vpic *p, enum port_range r, unsigned port, uint8_t v)
{
	if (r == RANGE_ELCR)
		elcr_write(p, port, v);
	else
		chip_write(p, (unsigned)r, port, v);
}

/* Byte by byte, lowest port first (vpic.h "Access sizes"). */
static uint32_t range_read(struct vpic *p, enum port_range r, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	if (size > 4)
		size = 4;
	if (p->read_hook.before_read)
		p->read_hook.before_read(p->read_hook.ctx);
	spin_lock(&p->lock);
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		uint8_t b = port < VPIC_PORTS ? range_read_byte(p, r, port) : 0xff;
		val |= (uint32_t)b << (8 * i);
	}
	update_output(p);   /* a poll read acknowledges */
	spin_unlock(&p->lock);
	return val;
}

static void range_write(struct vpic *p, enum port_range r, uint16_t off, unsigned size, uint32_t val)
{
	if (size > 4)
		size = 4;
	spin_lock(&p->lock);
	for (unsigned i = 0; i < size; i++) {
		unsigned port = (unsigned)off + i;
		if (port < VPIC_PORTS)
			range_write_byte(p, r, port, (uint8_t)(val >> (8 * i)));
		/* Each byte is a command of its own, as separate OUTs would be. */
		update_output(p);
	}
	spin_unlock(&p->lock);
}

static uint32_t master_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)v;
	return range_read(dev, RANGE_MASTER, off, size);
}

static void master_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	(void)v;
	range_write(dev, RANGE_MASTER, off, size, val);
}

static uint32_t slave_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)v;
	return range_read(dev, RANGE_SLAVE, off, size);
}

static void slave_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	(void)v;
	range_write(dev, RANGE_SLAVE, off, size, val);
}

static uint32_t elcr_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)v;
	return range_read(dev, RANGE_ELCR, off, size);
}

static void elcr_port_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	(void)v;
	range_write(dev, RANGE_ELCR, off, size, val);
}

/* One function for all three ranges: iobus_reset() then resets the pair once. */
static void vpic_reset_op(void *dev)
{
	vpic_reset(dev);
}

const struct pio_ops vpic_master_ops = { .name = "pic-master", .read = master_read, .write = master_write, .reset = vpic_reset_op };
const struct pio_ops vpic_slave_ops = { .name = "pic-slave", .read = slave_read, .write = slave_write, .reset = vpic_reset_op };
const struct pio_ops vpic_elcr_ops = { .name = "elcr", .read = elcr_read, .write = elcr_port_write, .reset = vpic_reset_op };

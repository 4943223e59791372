/* hv/vdev/vioapic.c - The I/O APIC model (82093AA datasheet; QEMU 7.2
 * hw/intc/ioapic.c). The rules are in vioapic.h. */
#include "hv/vdev/vioapic.h"

#define IOREGSEL      0x00u
#define IOWIN         0x10u
#define IOAPIC_EOI    0x40u

#define IOAPIC_REG_ID     0x00u
#define IOAPIC_REG_VER    0x01u
#define IOAPIC_REG_ARB    0x02u
#define IOAPIC_REG_REDTBL 0x10u

#define ID_SHIFT          24
#define ID_MASK           0xfu

#define RTE_VECTOR        0xffull
#define RTE_DM_SHIFT      8
#define RTE_LOGICAL       BIT(11)
#define RTE_DELIVS        BIT(12)
#define RTE_ACTIVE_LOW    BIT(13)
#define RTE_REMOTE_IRR    BIT(14)
#define RTE_LEVEL         BIT(15)
#define RTE_MASKED        BIT(16)
#define RTE_DEST_SHIFT    56
#define RTE_READ_ONLY     (RTE_DELIVS | RTE_REMOTE_IRR)

static unsigned rte_mode(uint64_t e)
{
	return (unsigned)(e >> RTE_DM_SHIFT) & 7;
}

/* Level semantics (remote IRR, EOI) for fixed and lowest-priority entries
 * programmed level; the other modes are edge (82093AA 3.2.4). */
static bool rte_level(uint64_t e)
{
	unsigned mode = rte_mode(e);
	return (e & RTE_LEVEL) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST);
}

/* The pin as the entry sees it: asserted, polarity applied. */
static bool asserted(const struct vioapic *s, unsigned pin)
{
	bool high = (s->pin_level >> pin) & 1;
	return high != ((s->redir[pin] & RTE_ACTIVE_LOW) != 0);
}

static void deliver(struct vioapic *s, unsigned pin)
{
	uint64_t e = s->redir[pin];
	struct apic_msg msg = {
		.dest = (uint32_t)(e >> RTE_DEST_SHIFT),
		.vector = (uint8_t)(e & RTE_VECTOR),
		.delivery_mode = (uint8_t)rte_mode(e),
		.shorthand = APIC_SH_NONE,
		.dest_logical = e & RTE_LOGICAL,
		.level_triggered = rte_level(e),
		.level_assert = true,
		.src = NULL,
	};

	if (msg.delivery_mode == APIC_DM_EXTINT) {
		int vector = s->extint_vector ? s->extint_vector(s->ctx) : -1;
		if (vector < 0 || vector > 0xff)
			return;
		msg.vector = (uint8_t)vector;
	}
	if (s->send)
		s->send(s->ctx, &msg);
}

/* A level entry's request: delivered when unmasked, asserted and not
 * already being serviced (remote IRR). */
static void service_level(struct vioapic *s, unsigned pin)
{
	uint64_t e = s->redir[pin];

	if (!rte_level(e) || (e & (RTE_MASKED | RTE_REMOTE_IRR)) || !asserted(s, pin))
		return;
	s->redir[pin] = e | RTE_REMOTE_IRR;
	deliver(s, pin);
}

void vioapic_init(struct vioapic *s, void (*send)(void *ctx, const struct apic_msg *msg),
		  int (*extint_vector)(void *ctx), void *ctx, const struct vclock *clock,
		  struct vdev_deadline_hook hook)
{
	s->lock = (struct spinlock){ 0 };
	s->send = send;
	s->extint_vector = extint_vector;
	s->ctx = ctx;
	s->clock = clock;
	s->deadline_hook = hook;
	s->pin_level = 0;
	s->held = 0;
	vioapic_reset(s);
}

void vioapic_reset(struct vioapic *s)
{
	spin_lock(&s->lock);
	s->id = 0;
	s->ioregsel = 0;
	for (unsigned i = 0; i < PC_IOAPIC_PINS; i++) {
		s->redir[i] = RTE_MASKED;
		s->eoi_refires[i] = 0;
	}
	bool was_held = s->held != 0;
	s->held = 0;
	if (was_held)
		vdev_deadline_changed(&s->deadline_hook);
	spin_unlock(&s->lock);
}

/* ---- EOI and the storm hold-back --------------------------------------------- */

static void hold(struct vioapic *s, unsigned pin)
{
	uint64_t until = vclock_now(s->clock) + s->clock->hz / 100;   /* QEMU: 10 ms */

	if (!s->held || until < s->held_until)
		s->held_until = until;
	s->held |= 1u << pin;
	vdev_deadline_changed(&s->deadline_hook);
}

static void eoi_locked(struct vioapic *s, uint8_t vector)
{
	for (unsigned pin = 0; pin < PC_IOAPIC_PINS; pin++) {
		uint64_t e = s->redir[pin];
		if ((e & RTE_VECTOR) != vector || !(e & RTE_LEVEL) || !(e & RTE_REMOTE_IRR))
			continue;
		s->redir[pin] = e & ~RTE_REMOTE_IRR;
		if ((e & RTE_MASKED) || !asserted(s, pin)) {
			s->eoi_refires[pin] = 0;
			continue;
		}
		if (s->clock && ++s->eoi_refires[pin] >= VIOAPIC_STORM_EOIS) {
			s->eoi_refires[pin] = 0;
			hold(s, pin);
		} else {
			service_level(s, pin);   /* once: the next needs the next EOI */
		}
	}
}

void vioapic_eoi(struct vioapic *s, uint8_t vector)
{
	spin_lock(&s->lock);
	eoi_locked(s, vector);
	spin_unlock(&s->lock);
}

uint64_t vioapic_next_deadline(struct vioapic *s)
{
	spin_lock(&s->lock);
	uint64_t d = s->held ? s->held_until : VDEV_NO_DEADLINE;
	spin_unlock(&s->lock);
	return d;
}

void vioapic_expire(struct vioapic *s, uint64_t now)
{
	spin_lock(&s->lock);
	if (s->held && now >= s->held_until) {
		uint32_t pins = s->held;
		s->held = 0;
		for (unsigned pin = 0; pin < PC_IOAPIC_PINS; pin++)
			if (pins & (1u << pin))
				service_level(s, pin);
		vdev_deadline_changed(&s->deadline_hook);
	}
	spin_unlock(&s->lock);
}

/* ---- inputs ---------------------------------------------------------------------- */

void vioapic_set_irq(struct vioapic *s, unsigned pin, bool level)
{
	if (pin >= PC_IOAPIC_PINS)
		return;
	spin_lock(&s->lock);
	bool was = asserted(s, pin);
	if (level)
		s->pin_level |= 1u << pin;
	else
		s->pin_level &= ~(1u << pin);
	bool now = asserted(s, pin);
	uint64_t e = s->redir[pin];
	if (rte_level(e))
		service_level(s, pin);
	else if (!was && now && !(e & RTE_MASKED))
		deliver(s, pin);
	spin_unlock(&s->lock);
}

/* ---- registers ---------------------------------------------------------------------- */

static uint32_t iowin_read(const struct vioapic *s)
{
	uint32_t sel = s->ioregsel;

	switch (sel) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:   /* QEMU: the arbitration ID reads as the ID */
		return s->id << ID_SHIFT;
	case IOAPIC_REG_VER:
		return VIOAPIC_VERSION;
	default:
		if (sel >= IOAPIC_REG_REDTBL && sel < IOAPIC_REG_REDTBL + 2 * PC_IOAPIC_PINS) {
			uint64_t e = s->redir[(sel - IOAPIC_REG_REDTBL) >> 1];
			return (sel & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
		}
		return 0;
	}
}

static void iowin_write(struct vioapic *s, uint32_t val)
{
	uint32_t sel = s->ioregsel;

	if (sel == IOAPIC_REG_ID) {
		s->id = (val >> ID_SHIFT) & ID_MASK;
		return;
	}
	if (sel < IOAPIC_REG_REDTBL || sel >= IOAPIC_REG_REDTBL + 2 * PC_IOAPIC_PINS)
		return;   /* version, arbitration: read-only; the rest: nothing there */
	unsigned pin = (sel - IOAPIC_REG_REDTBL) >> 1;
	uint64_t old = s->redir[pin], e;
	if (sel & 1)
		e = (old & 0xffffffffull) | (uint64_t)val << 32;
	else
		e = (old & ~0xffffffffull) | val;
	e = (e & ~RTE_READ_ONLY) | (old & RTE_READ_ONLY);
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;   /* QEMU's ioapic_fix_edge_remote_irr */
	s->redir[pin] = e;
	s->eoi_refires[pin] = 0;
	service_level(s, pin);   /* e.g. unmasked over an asserted line */
}

static uint32_t access_read(const struct vioapic *s, uint32_t off, unsigned size)
{
	switch (off & 0xff) {
	case IOREGSEL:
		return s->ioregsel;
	case IOWIN:
		return size == 4 ? iowin_read(s) : 0;
	default:
		return 0;
	}
}

static void access_write(struct vioapic *s, uint32_t off, unsigned size, uint32_t val)
{
	switch (off & 0xff) {
	case IOREGSEL:
		s->ioregsel = val & 0xff;
		break;
	case IOWIN:
		if (size == 4)
			iowin_write(s, val);
		break;
	case IOAPIC_EOI:
		if (size == 4)
			eoi_locked(s, (uint8_t)val);
		break;
	default:
		break;
	}
}

static bool access_ok(uint32_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) && off < VIOAPIC_MMIO_SIZE &&
	       (off & (size - 1)) == 0;
}

void vioapic_mmio_read(struct vioapic *s, uint32_t off, unsigned size, uint64_t *val)
{
	*val = 0;
	if (!access_ok(off, size))
		return;
	spin_lock(&s->lock);
	if (size == 8)
		*val = access_read(s, off, 4) | (uint64_t)access_read(s, off + 4, 4) << 32;
	else
		*val = access_read(s, off, size) & (uint32_t)vdev_size_mask(size);
	spin_unlock(&s->lock);
}

void vioapic_mmio_write(struct vioapic *s, uint32_t off, unsigned size, uint64_t val)
{
	if (!access_ok(off, size))
		return;
	spin_lock(&s->lock);
	if (size == 8) {
		access_write(s, off, 4, (uint32_t)val);
		access_write(s, off + 4, 4, (uint32_t)(val >> 32));
	} else {
		access_write(s, off, size, (uint32_t)val & (uint32_t)vdev_size_mask(size));
	}
	spin_unlock(&s->lock);
}

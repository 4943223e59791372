/* tests/unit/vlapic_fake.h - What the local-APIC tests share: a fake guest
 * clock, CPU ops that record every callback, and a "board" of up to four
 * LAPICs whose send goes through apic_bus_deliver. Included by the
 * test_vlapic*.c and test_apic_bus.c programs; not every program uses
 * every helper, hence no unused-function warnings here. */
#ifndef TESTS_UNIT_VLAPIC_FAKE_H
#define TESTS_UNIT_VLAPIC_FAKE_H

#include "test.h"
#include "hv/vdev/vlapic.h"

#pragma GCC diagnostic ignored "-Wunused-function"

#define FAKE_CPUS 4

static uint64_t fake_tsc;
static uint64_t fake_now(void *ctx) { (void)ctx; return fake_tsc; }
static struct vclock fake_clock = { fake_now, NULL, 2500000000ull };   /* 2.5 GHz: 2.5 ticks per bus ns */

/* One vCPU's view of its LAPIC's callbacks. */
struct fake_cpu {
	struct vlapic lapic;
	int kicks, nmis, inits, sipis, extint_acks, deadline_changes;
	int last_sipi;
	int extint_vector;             /* what the "PIC" answers to INTA */
	int eoi_broadcasts, last_eoi_vector;
	int sent;
	struct apic_msg last_msg;
};

static struct fake_cpu cpus[FAKE_CPUS];
static struct vlapic *bus_lapics[FAKE_CPUS];
static unsigned bus_count;     /* 0: send only records */

static void fk_kick(void *ctx) { __atomic_fetch_add(&((struct fake_cpu *)ctx)->kicks, 1, __ATOMIC_RELAXED); }   /* any CPU */
static int fk_extint_ack(void *ctx) { struct fake_cpu *c = ctx; c->extint_acks++; return c->extint_vector; }
static void fk_nmi(void *ctx) { ((struct fake_cpu *)ctx)->nmis++; }
static void fk_init(void *ctx) { ((struct fake_cpu *)ctx)->inits++; }
static void fk_sipi(void *ctx, uint8_t v) { struct fake_cpu *c = ctx; c->sipis++; c->last_sipi = v; }
static void fk_eoi(void *ctx, uint8_t v) { struct fake_cpu *c = ctx; c->eoi_broadcasts++; c->last_eoi_vector = v; }
static void fk_send(void *ctx, const struct apic_msg *m)
{
	struct fake_cpu *c = ctx;
	c->sent++;
	c->last_msg = *m;
	if (bus_count)
		apic_bus_deliver(bus_lapics, bus_count, m);
}
static void fk_deadline(void *ctx) { ((struct fake_cpu *)ctx)->deadline_changes++; }

static const struct vlapic_cpu_ops fake_ops = {
	.kick = fk_kick, .extint_ack = fk_extint_ack, .nmi = fk_nmi, .init = fk_init,
	.sipi = fk_sipi, .eoi_broadcast = fk_eoi, .send = fk_send,
};

/* n LAPICs (vCPU 0 the BSP), all on the bus when wired. */
static void fake_board(unsigned n, bool wired, bool tsc_deadline)
{
	memset(cpus, 0, sizeof(cpus));
	fake_tsc = 1000000;
	fake_clock.hz = 2500000000ull;
	for (unsigned i = 0; i < n; i++) {
		struct vdev_deadline_hook hook = { fk_deadline, &cpus[i] };
		vlapic_init(&cpus[i].lapic, i, i == 0, &fake_clock, &fake_ops, &cpus[i], hook, tsc_deadline);
		bus_lapics[i] = &cpus[i].lapic;
		cpus[i].extint_vector = 0x20;
	}
	bus_count = wired ? n : 0;
}

/* 32-bit register access through the xAPIC page. */
static uint32_t rd(struct vlapic *v, uint32_t off)
{
	uint64_t val;
	vlapic_mmio_read(v, off, 4, &val);
	return (uint32_t)val;
}

static void wr(struct vlapic *v, uint32_t off, uint32_t val)
{
	vlapic_mmio_write(v, off, 4, val);
}

/* An ESR read as a guest does it: write, then read. */
static uint32_t esr(struct vlapic *v)
{
	wr(v, 0x280, 0);
	return rd(v, 0x280);
}

static bool irr_has(struct vlapic *v, unsigned vector)
{
	return (rd(v, 0x200 + (vector >> 5) * 0x10) >> (vector & 31)) & 1;
}

static bool isr_has(struct vlapic *v, unsigned vector)
{
	return (rd(v, 0x100 + (vector >> 5) * 0x10) >> (vector & 31)) & 1;
}

static bool tmr_has(struct vlapic *v, unsigned vector)
{
	return (rd(v, 0x180 + (vector >> 5) * 0x10) >> (vector & 31)) & 1;
}

static void sw_enable(struct vlapic *v)
{
	wr(v, 0xf0, 0x1ff);
}

static int to_x2apic(struct vlapic *v)
{
	return vlapic_set_apic_base(v, (vlapic_apic_base(v) & ~0xc00ull) | APIC_BASE_EN | APIC_BASE_EXTD);
}

/* The owner taking every deliverable interrupt and EOI'ing it; returns how
 * many. */
static int drain(struct vlapic *v)
{
	int n = 0;
	while (vlapic_pending(v) >= 0 && vlapic_pending(v) != VLAPIC_PENDING_EXTINT && n < 300) {
		vlapic_ack(v);
		wr(v, 0xb0, 0);
		n++;
	}
	return n;
}

#endif

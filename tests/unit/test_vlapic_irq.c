/* tests/unit/test_vlapic_irq.c - Interrupts through the local APIC:
 * IRR -> ISR -> EOI with priorities, TPR/PPR and CR8, nesting, level-
 * triggered EOI broadcast, illegal vectors, the disabled states, ExtINT
 * and the LINT pins, and accepts racing in from other CPUs. */
/* UNIT_SRC: hv/vdev/vlapic.c hv/vdev/vlapic_regs.c hv/vdev/vlapic_timer.c hv/vdev/apic_bus.c */
#include <pthread.h>
#include "vlapic_fake.h"

static struct vlapic *enabled_ap(void)
{
	fake_board(2, false, false);
	sw_enable(&cpus[1].lapic);
	return &cpus[1].lapic;
}

static void test_accept_ack_eoi(void)
{
	struct vlapic *v = enabled_ap();
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(vlapic_ack(v), -1);
	int kicks = cpus[1].kicks;
	vlapic_accept(v, 0x41, false);
	EXPECT_EQ(cpus[1].kicks, kicks + 1);
	EXPECT_TRUE(irr_has(v, 0x41));
	EXPECT_EQ(rd(v, 0x220), 1u << 1);
	EXPECT_EQ(vlapic_pending(v), 0x41);
	EXPECT_EQ(vlapic_pending(v), 0x41);          /* pending does not take it */
	EXPECT_EQ(vlapic_ack(v), 0x41);
	EXPECT_TRUE(!irr_has(v, 0x41) && isr_has(v, 0x41));
	EXPECT_EQ(rd(v, 0xa0), 0x40);                /* PPR: the in-service class */
	EXPECT_EQ(vlapic_pending(v), -1);
	wr(v, 0xb0, 0);
	EXPECT_TRUE(!isr_has(v, 0x41));
	EXPECT_EQ(rd(v, 0xa0), 0);
	EXPECT_EQ(cpus[1].eoi_broadcasts, 0);        /* edge: no broadcast */
	wr(v, 0xb0, 0);                              /* EOI with nothing in service */
	EXPECT_EQ(vlapic_pending(v), -1);
	/* the same vector twice before the ack: one interrupt (IRR is a bit) */
	vlapic_accept(v, 0x90, false);
	vlapic_accept(v, 0x90, false);
	EXPECT_EQ(drain(v), 1);
}

/* vlapic_eoi_write, the EOI fast path's: the same ISR changes as an EOI
 * written to the page, nested across ISR words and within one, and the
 * answer "ask vlapic_pending again" exactly when something waits in IRR. */
static void test_eoi_write_fast_path(void)
{
	struct vlapic *v = enabled_ap();
	EXPECT_TRUE(!vlapic_eoi_write(v));            /* nothing in service: nothing changes */
	static const unsigned vecs[] = { 0x21, 0x3e, 0x5f, 0x70, 0xec, 0xfe };
	for (unsigned i = 0; i < 6; i++) {           /* each a higher class; ISR words 1, 1, 2, 3, 7, 7 */
		vlapic_accept(v, vecs[i], false);
		EXPECT_EQ(vlapic_ack(v), (int)vecs[i]);
	}
	vlapic_accept(v, 0x22, false);                /* waits below them all */
	for (int i = 5; i >= 0; i--) {
		EXPECT_TRUE(isr_has(v, vecs[i]));
		EXPECT_EQ(rd(v, 0xa0), vecs[i] & 0xf0);
		EXPECT_TRUE(vlapic_eoi_write(v));     /* 0x22 still in IRR */
		EXPECT_TRUE(!isr_has(v, vecs[i]));
		for (int k = 0; k < i; k++)
			EXPECT_TRUE(isr_has(v, vecs[k]));
	}
	for (uint32_t off = 0x100; off < 0x180; off += 0x10)
		EXPECT_EQ(rd(v, off), 0);              /* ISR empty again */
	EXPECT_EQ(vlapic_ack(v), 0x22);
	EXPECT_TRUE(!vlapic_eoi_write(v));            /* IRR empty: nothing new to deliver */
	EXPECT_TRUE(!isr_has(v, 0x22));
	EXPECT_EQ(vlapic_pending(v), -1);
	/* INIT in the middle of service: nothing in service after it */
	vlapic_accept(v, 0x90, false);
	EXPECT_EQ(vlapic_ack(v), 0x90);
	vlapic_init_reset(v);
	EXPECT_TRUE(!vlapic_eoi_write(v));
	sw_enable(v);
	vlapic_accept(v, 0x91, false);
	EXPECT_EQ(vlapic_ack(v), 0x91);
	EXPECT_TRUE(!vlapic_eoi_write(v));
	EXPECT_TRUE(!isr_has(v, 0x91));
}

/* Nesting by priority class (SDM 10.8.3): a higher class preempts, the
 * same or a lower one waits for the EOI. */
static void test_priorities_and_nesting(void)
{
	struct vlapic *v = enabled_ap();
	vlapic_accept(v, 0x55, false);
	EXPECT_EQ(vlapic_ack(v), 0x55);
	vlapic_accept(v, 0x5a, false);               /* same class: waits */
	vlapic_accept(v, 0x31, false);               /* lower: waits */
	EXPECT_EQ(vlapic_pending(v), -1);
	vlapic_accept(v, 0x80, false);               /* higher: preempts */
	EXPECT_EQ(vlapic_pending(v), 0x80);
	EXPECT_EQ(vlapic_ack(v), 0x80);
	EXPECT_TRUE(isr_has(v, 0x55) && isr_has(v, 0x80));
	EXPECT_EQ(rd(v, 0xa0), 0x80);
	vlapic_accept(v, 0x60, false);
	EXPECT_EQ(vlapic_pending(v), -1);
	wr(v, 0xb0, 0);                              /* ends 0x80, the highest in service */
	EXPECT_TRUE(isr_has(v, 0x55) && !isr_has(v, 0x80));
	EXPECT_EQ(vlapic_pending(v), 0x60);          /* above 0x55's class */
	EXPECT_EQ(vlapic_ack(v), 0x60);
	wr(v, 0xb0, 0);
	wr(v, 0xb0, 0);                              /* ends 0x55 */
	EXPECT_EQ(vlapic_pending(v), 0x5a);          /* highest waiting first */
	EXPECT_EQ(vlapic_ack(v), 0x5a);
	wr(v, 0xb0, 0);
	EXPECT_EQ(vlapic_ack(v), 0x31);
	wr(v, 0xb0, 0);
	EXPECT_EQ(vlapic_pending(v), -1);
	for (uint32_t off = 0x100; off < 0x280; off += 0x10)
		EXPECT_EQ(rd(v, off), 0);
}

static void test_tpr_and_cr8(void)
{
	struct vlapic *v = enabled_ap();
	vlapic_accept(v, 0x45, false);
	wr(v, 0x80, 0x45);
	EXPECT_EQ(rd(v, 0xa0), 0x45);                /* PPR = TPR when it is higher */
	EXPECT_EQ(vlapic_pending(v), -1);            /* class 4 is not above 4 */
	wr(v, 0x80, 0x3f);
	EXPECT_EQ(vlapic_pending(v), 0x45);
	vlapic_set_tpr(v, 5);                        /* CR8 */
	EXPECT_EQ(rd(v, 0x80), 0x50);
	EXPECT_EQ(vlapic_tpr(v), 5);
	EXPECT_EQ(vlapic_pending(v), -1);
	vlapic_set_tpr(v, 0xf4);                     /* CR8 is 4 bits */
	EXPECT_EQ(rd(v, 0x80), 0x40);
	wr(v, 0x80, 0x3c);
	EXPECT_EQ(vlapic_tpr(v), 3);
	EXPECT_EQ(vlapic_ack(v), 0x45);
	EXPECT_EQ(rd(v, 0xa0), 0x40);                /* ISR class beats TPR 0x3c */
	wr(v, 0x80, 0x4c);
	EXPECT_EQ(rd(v, 0xa0), 0x4c);                /* same class: TPR, low bits and all */
	wr(v, 0x80, 0x70);
	EXPECT_EQ(rd(v, 0xa0), 0x70);
	vlapic_accept(v, 0x1f, false);               /* class 1, the lowest legal one */
	wr(v, 0x80, 0);
	wr(v, 0xb0, 0);
	EXPECT_EQ(vlapic_ack(v), 0x1f);
}

static void test_level_eoi_broadcast(void)
{
	struct vlapic *v = enabled_ap();
	vlapic_accept(v, 0x61, true);
	EXPECT_TRUE(tmr_has(v, 0x61));
	EXPECT_EQ(vlapic_ack(v), 0x61);
	wr(v, 0xb0, 0);
	EXPECT_EQ(cpus[1].eoi_broadcasts, 1);
	EXPECT_EQ(cpus[1].last_eoi_vector, 0x61);
	vlapic_accept(v, 0x61, false);               /* the same vector edge: TMR cleared */
	EXPECT_TRUE(!tmr_has(v, 0x61));
	EXPECT_EQ(vlapic_ack(v), 0x61);
	wr(v, 0xb0, 0);
	EXPECT_EQ(cpus[1].eoi_broadcasts, 1);
	/* SVR[12] is not offered: setting it suppresses nothing */
	wr(v, 0xf0, 0x11ff);
	vlapic_accept(v, 0x62, true);
	vlapic_ack(v);
	wr(v, 0xb0, 0);
	EXPECT_EQ(cpus[1].eoi_broadcasts, 2);
}

static void test_illegal_vectors(void)
{
	struct vlapic *v = enabled_ap();
	for (unsigned vec = 0; vec < 16; vec++) {
		vlapic_accept(v, (uint8_t)vec, false);
		EXPECT_EQ(esr(v), 0x40);                 /* received illegal vector */
	}
	for (uint32_t off = 0x200; off < 0x280; off += 0x10)
		EXPECT_EQ(rd(v, off), 0);
	EXPECT_EQ(vlapic_pending(v), -1);
	vlapic_accept(v, 16, false);
	EXPECT_EQ(esr(v), 0);
	EXPECT_EQ(vlapic_ack(v), 16);
}

/* Software-disabled: held in IRR, delivered once enabled (QEMU);
 * hardware-disabled: there is no APIC to take it. */
static void test_disabled_states(void)
{
	fake_board(2, false, false);
	struct vlapic *v = &cpus[1].lapic;
	vlapic_accept(v, 0x70, false);
	EXPECT_TRUE(irr_has(v, 0x70));
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(vlapic_ack(v), -1);
	sw_enable(v);
	EXPECT_EQ(vlapic_pending(v), 0x70);
	EXPECT_EQ(vlapic_ack(v), 0x70);
	wr(v, 0xf0, 0xff);                          /* disabled with one in service */
	EXPECT_TRUE(isr_has(v, 0x70));
	wr(v, 0xb0, 0);                             /* EOI still works */
	EXPECT_TRUE(!isr_has(v, 0x70));
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00000), 0);
	vlapic_accept(v, 0x71, false);
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00800), 0);
	sw_enable(v);
	EXPECT_EQ(vlapic_pending(v), -1);           /* dropped, not held */
}

/* ExtINT through LINT0 (the PIC's INTR), with the APIC enabled and
 * disabled and LINT0 masked and not. */
static void test_extint(void)
{
	fake_board(2, false, false);
	struct vlapic *bsp = &cpus[0].lapic, *ap = &cpus[1].lapic;
	cpus[0].extint_vector = 0x28;

	/* BSP after reset: LINT0 masked, the pin goes nowhere */
	vlapic_set_lint0(bsp, true);
	EXPECT_EQ(vlapic_pending(bsp), -1);
	vlapic_set_lint0(bsp, false);
	/* as firmware leaves it: software-enabled, LINT0 ExtINT */
	sw_enable(bsp);
	wr(bsp, 0x350, 0x700);
	EXPECT_EQ(vlapic_pending(bsp), -1);
	int kicks = cpus[0].kicks;
	vlapic_set_lint0(bsp, true);
	EXPECT_EQ(cpus[0].kicks, kicks + 1);
	EXPECT_EQ(vlapic_pending(bsp), VLAPIC_PENDING_EXTINT);
	EXPECT_EQ(vlapic_ack(bsp), 0x28);
	EXPECT_EQ(cpus[0].extint_acks, 1);
	EXPECT_EQ(rd(bsp, 0x100 + (0x28 >> 5) * 0x10), 0);   /* ExtINT goes by ISR */
	EXPECT_EQ(esr(bsp), 0);
	/* ahead of any IRR vector and whatever TPR/PPR say */
	vlapic_accept(bsp, 0xf0, false);
	wr(bsp, 0x80, 0xff);
	EXPECT_EQ(vlapic_pending(bsp), VLAPIC_PENDING_EXTINT);
	wr(bsp, 0x80, 0);
	EXPECT_EQ(vlapic_pending(bsp), VLAPIC_PENDING_EXTINT);
	vlapic_set_lint0(bsp, false);
	EXPECT_EQ(vlapic_pending(bsp), 0xf0);
	EXPECT_EQ(vlapic_ack(bsp), 0xf0);
	EXPECT_EQ(cpus[0].extint_acks, 1);
	wr(bsp, 0xb0, 0);
	/* the PIC answering nothing */
	vlapic_set_lint0(bsp, true);
	cpus[0].extint_vector = -1;
	EXPECT_EQ(vlapic_ack(bsp), -1);
	cpus[0].extint_vector = 0x300;
	EXPECT_EQ(vlapic_ack(bsp), -1);
	/* masked LINT0, APIC enabled: the pin goes nowhere */
	wr(bsp, 0x350, 0x10700);
	EXPECT_EQ(vlapic_pending(bsp), -1);
	/* unmasked in fixed mode: not ExtINT (QEMU would still INTA the PIC) */
	vlapic_set_lint0(bsp, false);
	wr(bsp, 0x350, 0x00033);
	vlapic_set_lint0(bsp, true);
	EXPECT_EQ(vlapic_pending(bsp), 0x33);

	/* an AP: LINT0 masked after reset */
	vlapic_set_lint0(ap, true);
	EXPECT_EQ(vlapic_pending(ap), -1);
	sw_enable(ap);
	wr(ap, 0x350, 0x700);
	EXPECT_EQ(vlapic_pending(ap), VLAPIC_PENDING_EXTINT);
	/* hardware-disabled: virtual wire, whatever LINT0 said */
	wr(ap, 0x350, 0x10700);
	EXPECT_EQ(vlapic_pending(ap), -1);
	kicks = cpus[1].kicks;
	EXPECT_EQ(vlapic_set_apic_base(ap, 0xfee00000), 0);
	EXPECT_TRUE(cpus[1].kicks > kicks);
	EXPECT_EQ(vlapic_pending(ap), VLAPIC_PENDING_EXTINT);
	EXPECT_EQ(vlapic_ack(ap), 0x20);
	vlapic_set_lint0(ap, false);
	EXPECT_EQ(vlapic_pending(ap), -1);
	/* and in x2APIC mode as in xAPIC mode */
	EXPECT_EQ(vlapic_set_apic_base(ap, 0xfee00800), 0);
	EXPECT_EQ(to_x2apic(ap), 0);
	EXPECT_EQ(vlapic_msr_write(ap, 0x80f, 0x1ff), 0);
	EXPECT_EQ(vlapic_msr_write(ap, 0x835, 0x700), 0);
	vlapic_set_lint0(ap, true);
	EXPECT_EQ(vlapic_pending(ap), VLAPIC_PENDING_EXTINT);
}

/* LINT0/LINT1 in fixed mode, edge and level. */
static void test_lint_fixed(void)
{
	struct vlapic *v = enabled_ap();
	wr(v, 0x360, 0x00044);                       /* LINT1 fixed, edge */
	vlapic_set_lint1(v, true);
	vlapic_set_lint1(v, true);                   /* no new edge */
	EXPECT_EQ(drain(v), 1);
	vlapic_set_lint1(v, false);
	vlapic_set_lint1(v, true);
	EXPECT_EQ(vlapic_pending(v), 0x44);
	EXPECT_TRUE(!tmr_has(v, 0x44));
	drain(v);
	vlapic_set_lint1(v, false);

	wr(v, 0x350, 0x08055);                       /* LINT0 fixed, level */
	vlapic_set_lint0(v, true);
	EXPECT_TRUE(irr_has(v, 0x55) && tmr_has(v, 0x55));
	vlapic_set_lint0(v, false);                  /* withdrawn (QEMU) */
	EXPECT_TRUE(!irr_has(v, 0x55));
	vlapic_set_lint0(v, true);
	EXPECT_EQ(vlapic_ack(v), 0x55);
	wr(v, 0xb0, 0);                              /* still asserted: again */
	EXPECT_EQ(cpus[1].eoi_broadcasts, 1);
	EXPECT_EQ(vlapic_ack(v), 0x55);
	vlapic_set_lint0(v, false);
	wr(v, 0xb0, 0);
	EXPECT_EQ(vlapic_pending(v), -1);
	/* unmasking over an asserted pin fires a level entry */
	wr(v, 0x350, 0x18056);
	vlapic_set_lint0(v, true);
	EXPECT_EQ(vlapic_pending(v), -1);
	wr(v, 0x350, 0x08056);
	EXPECT_EQ(vlapic_pending(v), 0x56);
}

/* NMI and INIT on LINT pins: the rising edge only; a disabled APIC's
 * LINT1 is the NMI pin. */
static void test_lint_nmi_init(void)
{
	struct vlapic *v = enabled_ap();
	vlapic_set_lint1(v, true);                   /* masked after reset */
	vlapic_set_lint1(v, false);
	EXPECT_EQ(cpus[1].nmis, 0);
	wr(v, 0x360, 0x400);                         /* NMI */
	vlapic_set_lint1(v, true);
	vlapic_set_lint1(v, true);
	EXPECT_EQ(cpus[1].nmis, 1);
	vlapic_set_lint1(v, false);
	EXPECT_EQ(cpus[1].nmis, 1);
	vlapic_set_lint1(v, true);
	EXPECT_EQ(cpus[1].nmis, 2);
	EXPECT_EQ(vlapic_pending(v), -1);            /* an NMI is not an IRR vector */
	vlapic_set_lint1(v, false);
	wr(v, 0x350, 0x400);                         /* LINT0 as NMI */
	vlapic_set_lint0(v, true);
	EXPECT_EQ(cpus[1].nmis, 3);
	vlapic_set_lint0(v, false);
	wr(v, 0x350, 0x500);                         /* INIT */
	vlapic_set_lint0(v, true);
	EXPECT_EQ(cpus[1].inits, 1);
	vlapic_set_lint0(v, false);
	wr(v, 0x350, 0x200);                         /* SMI: nothing */
	vlapic_set_lint0(v, true);
	EXPECT_EQ(cpus[1].nmis + cpus[1].inits, 4);
	EXPECT_EQ(vlapic_pending(v), -1);
	wr(v, 0x360, 0x10400);
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00000), 0);
	vlapic_set_lint1(v, true);
	EXPECT_EQ(cpus[1].nmis, 4);
	/* LINT1 ExtINT is not modelled: nothing */
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00800), 0);
	sw_enable(v);
	vlapic_set_lint1(v, false);
	wr(v, 0x360, 0x700);
	vlapic_set_lint1(v, true);
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(cpus[1].extint_acks, 0);
}

static void test_self_ipi(void)
{
	struct vlapic *v = enabled_ap();
	EXPECT_EQ(vlapic_msr_write(v, 0x83f, 0x66), -1);   /* x2APIC only */
	EXPECT_EQ(to_x2apic(v), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x83f, 0x66), 0);
	EXPECT_EQ(vlapic_pending(v), 0x66);
	EXPECT_EQ(cpus[1].sent, 0);                         /* local: not on the bus */
	EXPECT_EQ(vlapic_msr_write(v, 0x83f, 0x06), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x828, 0), 0);
	uint64_t val;
	EXPECT_EQ(vlapic_msr_read(v, 0x828, &val), 0);
	EXPECT_EQ(val, 0x40);
	EXPECT_EQ(vlapic_ack(v), 0x66);
	EXPECT_EQ(vlapic_msr_write(v, 0x80b, 0), 0);
	EXPECT_EQ(vlapic_pending(v), -1);
}

/* Accepts from eight CPUs at once into one IRR word lose no bit. */
static struct vlapic *race_lapic;
static pthread_barrier_t race_start, race_done;
static volatile int race_over;

static void *race_sender(void *arg)
{
	uint8_t vector = (uint8_t)(uintptr_t)arg;
	for (;;) {
		pthread_barrier_wait(&race_start);
		if (race_over)
			return NULL;
		vlapic_accept(race_lapic, vector, vector & 1);
		pthread_barrier_wait(&race_done);
	}
}

static void test_concurrent_accepts(void)
{
	enum { SENDERS = 8, ROUNDS = 300 };
	pthread_t t[SENDERS];
	race_lapic = enabled_ap();
	race_over = 0;
	pthread_barrier_init(&race_start, NULL, SENDERS + 1);
	pthread_barrier_init(&race_done, NULL, SENDERS + 1);
	for (uintptr_t i = 0; i < SENDERS; i++)
		pthread_create(&t[i], NULL, race_sender, (void *)(0x40 + i * 3));
	int complete = 0;
	for (int round = 0; round < ROUNDS; round++) {
		pthread_barrier_wait(&race_start);
		pthread_barrier_wait(&race_done);
		uint32_t irr = rd(race_lapic, 0x220), tmr = rd(race_lapic, 0x1a0);
		uint32_t want = 0, want_tmr = 0;
		for (unsigned i = 0; i < SENDERS; i++) {
			want |= 1u << ((0x40 + i * 3) & 31);
			if ((0x40 + i * 3) & 1)
				want_tmr |= 1u << ((0x40 + i * 3) & 31);
		}
		complete += irr == want && tmr == want_tmr;
		while (vlapic_pending(race_lapic) >= 0) {
			vlapic_ack(race_lapic);
			wr(race_lapic, 0xb0, 0);
		}
	}
	race_over = 1;
	pthread_barrier_wait(&race_start);
	for (unsigned i = 0; i < SENDERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&race_start);
	pthread_barrier_destroy(&race_done);
	EXPECT_EQ(complete, ROUNDS);
	EXPECT_EQ(cpus[1].eoi_broadcasts, ROUNDS * 4);      /* the odd vectors were level */
}

int main(void)
{
	RUN(test_accept_ack_eoi);
	RUN(test_eoi_write_fast_path);
	RUN(test_priorities_and_nesting);
	RUN(test_tpr_and_cr8);
	RUN(test_level_eoi_broadcast);
	RUN(test_illegal_vectors);
	RUN(test_disabled_states);
	RUN(test_extint);
	RUN(test_lint_fixed);
	RUN(test_lint_nmi_init);
	RUN(test_self_ipi);
	RUN(test_concurrent_accepts);
	TEST_MAIN_END();
}

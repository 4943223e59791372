/* tests/unit/test_apic_bus.c - IPIs over a bus of four local APICs: the
 * ICR with every delivery mode, destination mode and shorthand, logical
 * flat and cluster, lowest priority, INIT and SIPI, x2APIC destinations,
 * and apic_bus_deliver on its own (the I/O APIC's and MSIs' way in). */
/* UNIT_SRC: hv/vdev/vlapic.c hv/vdev/vlapic_regs.c hv/vdev/vlapic_timer.c hv/vdev/apic_bus.c */
#include "vlapic_fake.h"

static void board4(void)
{
	fake_board(FAKE_CPUS, true, false);
	for (int i = 0; i < FAKE_CPUS; i++)
		sw_enable(&cpus[i].lapic);
}

/* An xAPIC IPI from cpu: ICR high, then low. */
static void ipi(int from, uint32_t dest, uint32_t lo)
{
	wr(&cpus[from].lapic, 0x310, dest << 24);
	wr(&cpus[from].lapic, 0x300, lo);
}

/* Bit i set: cpu i has vector in IRR. */
static unsigned who_has(unsigned vector)
{
	unsigned mask = 0;
	for (int i = 0; i < FAKE_CPUS; i++)
		if (irr_has(&cpus[i].lapic, vector))
			mask |= 1u << i;
	return mask;
}

static void clear_all(void)
{
	for (int i = 0; i < FAKE_CPUS; i++)
		drain(&cpus[i].lapic);
}

static void test_physical_and_shorthands(void)
{
	board4();
	ipi(0, 2, 0x41);
	EXPECT_EQ(who_has(0x41), 1u << 2);
	EXPECT_EQ(cpus[0].sent, 1);
	EXPECT_EQ(rd(&cpus[0].lapic, 0x300), 0x41);      /* delivery status idle */
	EXPECT_EQ(rd(&cpus[0].lapic, 0x310), 0x02000000);
	ipi(1, 7, 0x42);                                 /* nobody has ID 7 */
	EXPECT_EQ(who_has(0x42), 0);
	ipi(1, 0xff, 0x43);                              /* physical broadcast: self too */
	EXPECT_EQ(who_has(0x43), 0xf);
	ipi(3, 0, 0x44 | (1u << 18));                    /* self: the destination is ignored */
	EXPECT_EQ(who_has(0x44), 1u << 3);
	ipi(3, 0, 0x45 | (2u << 18));                    /* all including self */
	EXPECT_EQ(who_has(0x45), 0xf);
	ipi(3, 0, 0x46 | (3u << 18));                    /* all excluding self */
	EXPECT_EQ(who_has(0x46), 0x7);
	/* a rewritten xAPIC ID is what physical mode matches (QEMU) */
	wr(&cpus[2].lapic, 0x20, 0x09000000);
	ipi(0, 9, 0x47);
	ipi(0, 2, 0x48);
	EXPECT_EQ(who_has(0x47), 1u << 2);
	EXPECT_EQ(who_has(0x48), 0);
	/* fixed IPIs are edge whatever the trigger bit says */
	ipi(0, 1, 0x49 | (1u << 15) | (1u << 14));
	EXPECT_TRUE(irr_has(&cpus[1].lapic, 0x49) && !tmr_has(&cpus[1].lapic, 0x49));
}

static void test_logical_flat(void)
{
	board4();
	for (int i = 0; i < FAKE_CPUS; i++)
		wr(&cpus[i].lapic, 0xd0, (1u << i) << 24);   /* DFR stays flat */
	ipi(0, 0x05, 0x51 | (1u << 11));
	EXPECT_EQ(who_has(0x51), 0x5);
	ipi(0, 0xff, 0x52 | (1u << 11));                 /* every LAPIC with an LDR bit */
	EXPECT_EQ(who_has(0x52), 0xf);
	ipi(0, 0x30, 0x53 | (1u << 11));
	EXPECT_EQ(who_has(0x53), 0);
	wr(&cpus[3].lapic, 0xd0, 0);                     /* LDR 0: never a logical target */
	ipi(0, 0xff, 0x54 | (1u << 11));
	EXPECT_EQ(who_has(0x54), 0x7);
	/* a DFR model that is neither flat nor cluster matches nothing */
	wr(&cpus[1].lapic, 0xe0, 0x50000000);
	ipi(0, 0xff, 0x55 | (1u << 11));
	EXPECT_EQ(who_has(0x55), 0x5);
}

static void test_logical_cluster(void)
{
	static const uint32_t ldr[FAKE_CPUS] = { 0x11, 0x12, 0x21, 0x22 };
	board4();
	for (int i = 0; i < FAKE_CPUS; i++) {
		wr(&cpus[i].lapic, 0xe0, 0x0fffffff);        /* cluster model */
		wr(&cpus[i].lapic, 0xd0, ldr[i] << 24);
	}
	ipi(0, 0x13, 0x61 | (1u << 11));                 /* cluster 1, both members */
	EXPECT_EQ(who_has(0x61), 0x3);
	ipi(0, 0x22, 0x62 | (1u << 11));
	EXPECT_EQ(who_has(0x62), 0x8);
	ipi(0, 0xf1, 0x63 | (1u << 11));                 /* every cluster, member bit 0 */
	EXPECT_EQ(who_has(0x63), 0x5);
	ipi(0, 0x34, 0x64 | (1u << 11));
	EXPECT_EQ(who_has(0x64), 0);
	ipi(0, 0x10, 0x65 | (1u << 11));                 /* no member bits */
	EXPECT_EQ(who_has(0x65), 0);
}

/* Lowest priority: one target, the first of the set (the lowest APIC
 * ID) whatever TPR, PPR or the software enable say, as QEMU 7.2. */
static void test_lowest_priority(void)
{
	board4();
	for (int i = 0; i < FAKE_CPUS; i++)
		wr(&cpus[i].lapic, 0xd0, (1u << i) << 24);   /* flat: one bit each */
	wr(&cpus[0].lapic, 0x80, 0x30);
	wr(&cpus[1].lapic, 0x80, 0x20);
	wr(&cpus[2].lapic, 0x80, 0x10);
	wr(&cpus[3].lapic, 0x80, 0x10);
	ipi(0, 0x0f, 0x171 | (1u << 11));
	EXPECT_EQ(who_has(0x71), 1u << 0);               /* the highest TPR, but first */
	ipi(0, 0x0e, 0x172 | (1u << 11));                /* groups 1-3 */
	EXPECT_EQ(who_has(0x72), 1u << 1);
	/* a software-disabled first target holds it in IRR */
	wr(&cpus[1].lapic, 0xf0, 0xff);
	ipi(0, 0x0e, 0x173 | (1u << 11));
	EXPECT_EQ(who_has(0x73), 1u << 1);
	wr(&cpus[1].lapic, 0xf0, 0x1ff);
	wr(&cpus[3].lapic, 0xf0, 0xff);
	ipi(0, 3, 0x174);                                /* physical: the one target */
	EXPECT_EQ(who_has(0x74), 1u << 3);               /* held in its IRR (QEMU) */
	ipi(0, 1, 0x175);
	EXPECT_EQ(who_has(0x75), 1u << 1);
	ipi(0, 0xff, 0x176);                             /* broadcast: still one, the first */
	EXPECT_EQ(who_has(0x76), 1u << 0);
}

static void test_nmi_init_sipi_smi(void)
{
	board4();
	ipi(0, 2, 0x400);                                /* NMI */
	EXPECT_EQ(cpus[2].nmis, 1);
	EXPECT_EQ(cpus[1].nmis + cpus[3].nmis + cpus[0].nmis, 0);
	ipi(0, 0, 0x400 | (3u << 18));
	EXPECT_EQ(cpus[1].nmis + cpus[2].nmis + cpus[3].nmis, 4);
	EXPECT_EQ(cpus[0].nmis, 0);
	/* the AP start-up sequence: INIT assert, INIT de-assert, SIPI x2 */
	ipi(0, 0, 0xc500 | (3u << 18));                  /* INIT, level, assert */
	ipi(0, 0, 0x8500 | (3u << 18));                  /* INIT level de-assert: nobody */
	EXPECT_EQ(cpus[0].sent, 3);                      /* the de-assert was never sent */
	ipi(0, 0, 0x69a | (3u << 18));                   /* SIPI, vector 0x9a */
	ipi(0, 0, 0x69a | (3u << 18));
	for (int i = 1; i < FAKE_CPUS; i++) {
		EXPECT_EQ(cpus[i].inits, 1);
		EXPECT_EQ(cpus[i].sipis, 2);
		EXPECT_EQ(cpus[i].last_sipi, 0x9a);
	}
	EXPECT_EQ(cpus[0].inits + cpus[0].sipis, 0);
	ipi(0, 3, 0x500);                                /* INIT, edge */
	EXPECT_EQ(cpus[3].inits, 2);
	int sent = cpus[0].sent;
	ipi(0, 3, 0x200);                                /* SMI: dropped */
	ipi(0, 3, 0x300);                                /* reserved */
	ipi(0, 3, 0x730);                                /* ExtINT is no IPI */
	EXPECT_EQ(cpus[0].sent, sent);
	EXPECT_EQ(who_has(0x30), 0);
	/* NMI and INIT reach a software-disabled LAPIC (SDM 10.4.7.2) */
	wr(&cpus[1].lapic, 0xf0, 0xff);
	ipi(0, 1, 0x400);
	ipi(0, 1, 0x500);
	EXPECT_EQ(cpus[1].nmis, 2);
	EXPECT_EQ(cpus[1].inits, 2);
}

static void test_send_illegal_vector(void)
{
	board4();
	ipi(0, 1, 0x0e);
	EXPECT_EQ(cpus[0].sent, 0);
	EXPECT_EQ(esr(&cpus[0].lapic), 0x20);            /* send illegal vector */
	EXPECT_EQ(esr(&cpus[1].lapic), 0);
	ipi(0, 1, 0x10e);                                /* lowest priority too */
	EXPECT_EQ(esr(&cpus[0].lapic), 0x20);
	ipi(0, 1, 0x40e);                                /* an NMI's vector means nothing */
	EXPECT_EQ(cpus[1].nmis, 1);
	EXPECT_EQ(esr(&cpus[0].lapic), 0);
}

/* A hardware-disabled LAPIC is off the bus for every mode. */
static void test_disabled_target(void)
{
	board4();
	EXPECT_EQ(vlapic_set_apic_base(&cpus[2].lapic, 0xfee00000), 0);
	ipi(0, 0xff, 0x81);
	ipi(0, 2, 0x400);
	ipi(0, 0, 0x500 | (2u << 18));
	EXPECT_EQ(who_has(0x81), 0xb);
	EXPECT_EQ(cpus[2].nmis + cpus[2].inits, 0);
	EXPECT_EQ(cpus[1].inits, 1);
}

static void test_x2apic_destinations(void)
{
	board4();
	for (int i = 0; i < FAKE_CPUS; i++)
		EXPECT_EQ(to_x2apic(&cpus[i].lapic), 0);
	/* physical, 32-bit destination */
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (3ull << 32) | 0x91), 0);
	EXPECT_EQ(cpus[0].last_msg.dest, 3);
	uint64_t irr;
	EXPECT_EQ(vlapic_msr_read(&cpus[3].lapic, 0x824, &irr), 0);
	EXPECT_EQ(irr, 1u << (0x91 & 31));
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (0x103ull << 32) | 0x92), 0);   /* ID 0x103: nobody */
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (0xffull << 32) | 0x93), 0);    /* 0xFF: not x2APIC broadcast */
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (0xffffffffull << 32) | 0x94), 0);
	unsigned got92 = 0, got93 = 0, got94 = 0;
	for (int i = 0; i < FAKE_CPUS; i++) {
		EXPECT_EQ(vlapic_msr_read(&cpus[i].lapic, 0x824, &irr), 0);
		got92 |= ((irr >> (0x92 & 31)) & 1) << i;
		got93 |= ((irr >> (0x93 & 31)) & 1) << i;
		got94 |= ((irr >> (0x94 & 31)) & 1) << i;
	}
	EXPECT_EQ(got92, 0);
	EXPECT_EQ(got93, 0);
	EXPECT_EQ(got94, 0xf);
	/* logical: cluster 0, members 1 and 2 (LDRs 0x1, 0x2, 0x4, 0x8) */
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (0x6ull << 32) | 0x8a1), 0);
	unsigned got = 0;
	for (int i = 0; i < FAKE_CPUS; i++) {
		EXPECT_EQ(vlapic_msr_read(&cpus[i].lapic, 0x825, &irr), 0);
		got |= ((irr >> 1) & 1) << i;
	}
	EXPECT_EQ(got, 0x6);
	/* cluster 1 is nobody */
	EXPECT_EQ(vlapic_msr_write(&cpus[0].lapic, 0x830, (0x10006ull << 32) | 0x8a2), 0);
	got = 0;
	for (int i = 0; i < FAKE_CPUS; i++) {
		EXPECT_EQ(vlapic_msr_read(&cpus[i].lapic, 0x825, &irr), 0);
		got |= ((irr >> 2) & 1) << i;
	}
	EXPECT_EQ(got, 0);
	/* shorthand all-but-self from cpu 1 */
	EXPECT_EQ(vlapic_msr_write(&cpus[1].lapic, 0x830, (3u << 18) | 0xa3), 0);
	got = 0;
	for (int i = 0; i < FAKE_CPUS; i++) {
		EXPECT_EQ(vlapic_msr_read(&cpus[i].lapic, 0x825, &irr), 0);
		got |= ((irr >> 3) & 1) << i;
	}
	EXPECT_EQ(got, 0xd);
}

/* The bus by itself: NULL slots, a NULL source with shorthands, mixed
 * modes, ExtINT messages, the count of LAPICs reached. */
static void test_bus_direct(void)
{
	board4();
	struct vlapic *sparse[6] = { NULL, &cpus[0].lapic, NULL, &cpus[1].lapic, &cpus[2].lapic, &cpus[3].lapic };
	struct apic_msg m = { .dest = 0xff, .vector = 0xb1, .delivery_mode = APIC_DM_FIXED, .level_assert = true };
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 4);
	EXPECT_EQ(who_has(0xb1), 0xf);
	m.vector = 0xb2;
	m.level_triggered = true;
	m.dest = 1;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 1);
	EXPECT_TRUE(tmr_has(&cpus[1].lapic, 0xb2));
	m.level_triggered = false;
	m.shorthand = APIC_SH_SELF;                      /* no source: nobody */
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 0);
	m.shorthand = APIC_SH_ALL_BUT_SELF;
	m.vector = 0xb3;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 4);
	m.shorthand = APIC_SH_NONE;
	m.delivery_mode = APIC_DM_EXTINT;                /* QEMU: as fixed with the PIC's vector */
	m.vector = 0x24;
	m.dest = 0;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 1);
	EXPECT_EQ(who_has(0x24), 1u << 0);
	m.delivery_mode = APIC_DM_SMI;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 0);
	m.delivery_mode = 3;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 0);
	m.delivery_mode = APIC_DM_LOWEST;
	m.dest = 0x55;                                   /* nobody */
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 0);
	m.shorthand = 7;                                 /* out of range: no shorthand */
	m.delivery_mode = APIC_DM_FIXED;
	m.dest = 3;
	m.vector = 0xb4;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 1);
	EXPECT_EQ(apic_bus_deliver(sparse, 0, &m), 0);
	/* mixed modes: 0xFF physical reaches the xAPIC ones, x2APIC ID 0xFF is nobody */
	EXPECT_EQ(to_x2apic(&cpus[1].lapic), 0);
	m.dest = 0xff;
	m.vector = 0xb5;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 3);
	m.dest = 0xffffffff;
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 4);
	m.dest = 0x101;                                  /* x2APIC ID 0x101: nobody; xAPIC ID 1 is x2 now */
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 0);
	m.dest = 0x102;                                  /* the low byte matches xAPIC ID 2 (QEMU) */
	EXPECT_EQ(apic_bus_deliver(sparse, 6, &m), 1);
	clear_all();
}

int main(void)
{
	RUN(test_physical_and_shorthands);
	RUN(test_logical_flat);
	RUN(test_logical_cluster);
	RUN(test_lowest_priority);
	RUN(test_nmi_init_sipi_smi);
	RUN(test_send_illegal_vector);
	RUN(test_disabled_target);
	RUN(test_x2apic_destinations);
	RUN(test_bus_direct);
	TEST_MAIN_END();
}

/* tests/unit/test_vlapic.c - The local APIC's registers: reset values,
 * IA32_APIC_BASE and the mode transitions, the xAPIC page (sizes,
 * alignment, reserved slots, ESR), the x2APIC MSRs with every #GP case,
 * and garbage at every offset and size. */
/* UNIT_SRC: hv/vdev/vlapic.c hv/vdev/vlapic_regs.c hv/vdev/vlapic_timer.c hv/vdev/apic_bus.c */
#include <stdlib.h>
#include "vlapic_fake.h"

static void test_power_on_state(void)
{
	fake_board(2, false, false);
	struct vlapic *bsp = &cpus[0].lapic, *ap = &cpus[1].lapic;
	EXPECT_EQ(vlapic_apic_base(bsp), 0xfee00900);   /* EN | BSP */
	EXPECT_EQ(vlapic_apic_base(ap), 0xfee00800);
	EXPECT_EQ(vlapic_mmio_base(bsp), 0xfee00000);
	EXPECT_EQ(vlapic_mode(ap), VLAPIC_XAPIC);
	EXPECT_EQ(rd(ap, 0x20), 1u << 24);              /* ID = vCPU number */
	EXPECT_EQ(rd(bsp, 0x30), 0x00050014);           /* QEMU's version, 6 LVTs */
	EXPECT_EQ(rd(ap, 0x80), 0);                     /* TPR */
	EXPECT_EQ(rd(ap, 0xa0), 0);                     /* PPR */
	EXPECT_EQ(rd(ap, 0xd0), 0);                     /* LDR */
	EXPECT_EQ(rd(ap, 0xe0), 0xffffffff);            /* DFR */
	EXPECT_EQ(rd(ap, 0xf0), 0xff);                  /* SVR: software-disabled */
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		EXPECT_EQ(rd(ap, off), 0x10000);        /* masked */
	EXPECT_EQ(rd(bsp, 0x350), 0x10000);             /* the BSP's LINT0 masked too (SDM; firmware unmasks it) */
	EXPECT_EQ(rd(bsp, 0x360), 0x10000);
	EXPECT_EQ(rd(ap, 0x380), 0);
	EXPECT_EQ(rd(ap, 0x390), 0);
	EXPECT_EQ(rd(ap, 0x3e0), 0);
	for (uint32_t off = 0x100; off < 0x280; off += 0x10)
		EXPECT_EQ(rd(ap, off), 0);              /* ISR, TMR, IRR */
	EXPECT_EQ(esr(ap), 0);
	EXPECT_EQ(vlapic_timer_next_deadline(ap), VDEV_NO_DEADLINE);
}

/* INIT keeps the ID and the mode; RESET does not. */
static void test_init_versus_reset(void)
{
	fake_board(2, false, false);
	struct vlapic *bsp = &cpus[0].lapic;
	wr(bsp, 0x20, 0x07000000);
	wr(bsp, 0x80, 0x40);
	sw_enable(bsp);
	vlapic_init_reset(bsp);
	EXPECT_EQ(rd(bsp, 0x20), 0x07000000);
	EXPECT_EQ(rd(bsp, 0x80), 0);
	EXPECT_EQ(rd(bsp, 0xf0), 0xff);
	EXPECT_EQ(rd(bsp, 0x350), 0x10000);   /* INIT masks the BSP's LINT0 too (QEMU) */
	EXPECT_EQ(vlapic_apic_base(bsp), 0xfee00900);
	vlapic_reset(bsp);
	EXPECT_EQ(rd(bsp, 0x20), 0);
	EXPECT_EQ(rd(bsp, 0x350), 0x10000);

	struct vlapic *ap = &cpus[1].lapic;
	EXPECT_EQ(to_x2apic(ap), 0);
	vlapic_init_reset(ap);                /* INIT stays in x2APIC mode */
	EXPECT_EQ(vlapic_mode(ap), VLAPIC_X2APIC);
	uint64_t val;
	EXPECT_EQ(vlapic_msr_read(ap, 0x80d, &val), 0);
	EXPECT_EQ(val, 0x2);                  /* LDR still derived */
	vlapic_reset(ap);
	EXPECT_EQ(vlapic_mode(ap), VLAPIC_XAPIC);
}

static void test_apic_base_transitions(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	const uint64_t base = 0xfee00000, en = APIC_BASE_EN, x2 = APIC_BASE_EN | APIC_BASE_EXTD;

	/* from xAPIC */
	EXPECT_EQ(vlapic_set_apic_base(v, base | APIC_BASE_EXTD), -1);   /* EN=0 EXTD=1: invalid */
	EXPECT_EQ(vlapic_mode(v), VLAPIC_XAPIC);
	EXPECT_EQ(vlapic_set_apic_base(v, base | x2), 0);
	EXPECT_EQ(vlapic_mode(v), VLAPIC_X2APIC);
	EXPECT_EQ(vlapic_mmio_base(v), VLAPIC_MMIO_ABSENT);
	/* the page is still the board's to claim: absent, it reads 0 */
	EXPECT_EQ(vlapic_page_gpa(v), base);
	uint64_t got = 0x55;
	vlapic_mmio_read(v, 0x30, 4, &got);
	EXPECT_EQ(got, 0);
	/* from x2APIC */
	EXPECT_EQ(vlapic_set_apic_base(v, base | en), -1);               /* x2APIC -> xAPIC */
	EXPECT_EQ(vlapic_set_apic_base(v, base | APIC_BASE_EXTD), -1);
	EXPECT_EQ(vlapic_mode(v), VLAPIC_X2APIC);
	EXPECT_EQ(vlapic_set_apic_base(v, base | x2), 0);                /* stays */
	EXPECT_EQ(vlapic_set_apic_base(v, base), 0);                     /* -> disabled */
	EXPECT_EQ(vlapic_mode(v), VLAPIC_DISABLED);
	EXPECT_EQ(vlapic_mmio_base(v), VLAPIC_MMIO_ABSENT);
	EXPECT_EQ(vlapic_page_gpa(v), base);
	/* from disabled */
	EXPECT_EQ(vlapic_set_apic_base(v, base | x2), -1);               /* disabled -> x2APIC */
	EXPECT_EQ(vlapic_set_apic_base(v, base | APIC_BASE_EXTD), -1);
	EXPECT_EQ(vlapic_mode(v), VLAPIC_DISABLED);
	EXPECT_EQ(vlapic_set_apic_base(v, base | en), 0);
	EXPECT_EQ(vlapic_mode(v), VLAPIC_XAPIC);
	EXPECT_EQ(vlapic_set_apic_base(v, base), 0);                     /* xAPIC -> disabled */
	EXPECT_EQ(vlapic_mode(v), VLAPIC_DISABLED);
	EXPECT_EQ(vlapic_set_apic_base(v, base | en), 0);
	/* relocation; BSP is read-only both ways */
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfed00000 | en), 0);
	EXPECT_EQ(vlapic_apic_base(v), 0xfed00900);
	EXPECT_EQ(vlapic_mmio_base(v), 0xfed00000);
	EXPECT_EQ(vlapic_page_gpa(v), 0xfed00000);
	fake_board(2, false, false);
	v = &cpus[1].lapic;
	EXPECT_EQ(vlapic_set_apic_base(v, base | en | APIC_BASE_BSP), 0);
	EXPECT_EQ(vlapic_apic_base(v), 0xfee00800);
	/* reserved bits: 0-7, 9, 32-63 */
	for (unsigned bit = 0; bit < 64; bit++) {
		if ((bit >= 8 && bit != 9 && bit < 32))
			continue;
		EXPECT_EQ(vlapic_set_apic_base(v, base | en | (1ull << bit)), -1);
	}
	EXPECT_EQ(vlapic_apic_base(v), 0xfee00800);
}

/* The disabled state keeps only the ID (SDM 10.12.5.1). */
static void test_disable_resets_registers(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	sw_enable(v);
	wr(v, 0x20, 0x09000000);
	wr(v, 0x80, 0x30);
	wr(v, 0xd0, 0x01000000);
	wr(v, 0x320, 0x30);
	wr(v, 0x380, 1000);
	vlapic_accept(v, 0x40, false);
	EXPECT_TRUE(vlapic_timer_next_deadline(v) != VDEV_NO_DEADLINE);
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00000), 0);
	vlapic_accept(v, 0x41, false);             /* no APIC: dropped */
	EXPECT_EQ(vlapic_set_apic_base(v, 0xfee00800), 0);
	EXPECT_EQ(rd(v, 0x20), 0x09000000);
	EXPECT_EQ(rd(v, 0x80), 0);
	EXPECT_EQ(rd(v, 0xd0), 0);
	EXPECT_EQ(rd(v, 0xf0), 0xff);
	EXPECT_EQ(rd(v, 0x320), 0x10000);
	EXPECT_EQ(rd(v, 0x380), 0);
	EXPECT_TRUE(!irr_has(v, 0x40) && !irr_has(v, 0x41));
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
}

/* Reads: any size, byte-exact; bytes 4-15 of a slot read 0. */
static void test_mmio_read_sizes(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	uint64_t val;
	wr(v, 0x20, 0xa5000000);
	wr(v, 0x80, 0x5a);
	vlapic_mmio_read(v, 0x23, 1, &val);
	EXPECT_EQ(val, 0xa5);
	vlapic_mmio_read(v, 0x22, 2, &val);
	EXPECT_EQ(val, 0xa500);
	vlapic_mmio_read(v, 0x21, 2, &val);        /* misaligned: bytes 1 and 2 */
	EXPECT_EQ(val, 0);
	vlapic_mmio_read(v, 0x20, 8, &val);        /* the register, then padding */
	EXPECT_EQ(val, 0xa5000000);
	vlapic_mmio_read(v, 0x7c, 8, &val);        /* padding, then TPR */
	EXPECT_EQ(val, 0x5a00000000ull);
	vlapic_mmio_read(v, 0x84, 4, &val);        /* padding only: no alias (QEMU would give TPR) */
	EXPECT_EQ(val, 0);
	vlapic_mmio_read(v, 0x33, 3, &val);        /* an odd size */
	EXPECT_EQ(val, 0);
	vlapic_mmio_read(v, 0x31, 3, &val);
	EXPECT_EQ(val, 0x000500);                  /* bytes 1-3 of 0x00050014 */
	vlapic_mmio_read(v, 0xffc, 8, &val);       /* padding, then off the page */
	EXPECT_EQ(val, 0);
	EXPECT_EQ(esr(v), 0);
	vlapic_mmio_read(v, 0xff0, 8, &val);       /* 0xff0 is reserved */
	EXPECT_EQ(val, 0);
	EXPECT_EQ(esr(v), 0x80);
	val = 123;
	vlapic_mmio_read(v, 0x80, 0, &val);
	EXPECT_EQ(val, 0);
	vlapic_mmio_read(v, 0x80, 9, &val);
	EXPECT_EQ(val, 0);
	vlapic_mmio_read(v, 0x1000, 4, &val);
	EXPECT_EQ(val, 0);
	EXPECT_EQ(esr(v), 0);                      /* none of those touched a register */
}

/* Writes: only 4 bytes at a slot's start (QEMU drops narrower ones). */
static void test_mmio_write_sizes(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	vlapic_mmio_write(v, 0x80, 1, 0x77);
	vlapic_mmio_write(v, 0x80, 2, 0x77);
	vlapic_mmio_write(v, 0x80, 8, 0x77);
	vlapic_mmio_write(v, 0x81, 4, 0x77);
	vlapic_mmio_write(v, 0x84, 4, 0x77);
	vlapic_mmio_write(v, 0x8c, 4, 0x77);
	vlapic_mmio_write(v, 0x1080, 4, 0x77);
	EXPECT_EQ(rd(v, 0x80), 0);
	vlapic_mmio_write(v, 0x80, 4, 0xffffff77);
	EXPECT_EQ(rd(v, 0x80), 0x77);              /* TPR: 8 bits */
	EXPECT_EQ(esr(v), 0);
}

/* Each reserved slot: reads 0, and reads and writes latch "illegal
 * register address"; the ESR shows it only after a write (SDM 10.5.3). */
static void test_reserved_slots_and_esr(void)
{
	static const uint32_t reserved[] = { 0x000, 0x010, 0x040, 0x050, 0x060, 0x070, 0x2a0, 0x2f0,
					     0x3a0, 0x3b0, 0x3c0, 0x3d0, 0x3f0, 0x400, 0x800, 0xff0 };
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
		EXPECT_EQ(esr(v), 0);
		EXPECT_EQ(rd(v, reserved[i]), 0);
		EXPECT_EQ(rd(v, 0x280), 0);        /* latched, not yet visible */
		EXPECT_EQ(esr(v), 0x80);
		EXPECT_EQ(rd(v, 0x280), 0x80);     /* stays until the next write */
		wr(v, reserved[i], 0xffffffff);
		EXPECT_EQ(esr(v), 0x80);
	}
	EXPECT_EQ(esr(v), 0);
	/* the valid read-only and write-only ones raise nothing */
	wr(v, 0x30, 1); wr(v, 0x90, 1); wr(v, 0xa0, 1); wr(v, 0xc0, 1); wr(v, 0x100, 1); wr(v, 0x390, 1);
	EXPECT_EQ(rd(v, 0x30), 0x00050014);
	EXPECT_EQ(rd(v, 0xb0), 0);
	EXPECT_EQ(rd(v, 0xc0), 0);
	EXPECT_EQ(rd(v, 0x90), 0);
	EXPECT_EQ(esr(v), 0);
}

/* An error with LVT error unmasked: one interrupt, then none until the
 * ESR is written. */
static void test_error_interrupt(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	sw_enable(v);
	wr(v, 0x370, 0xe3);
	rd(v, 0x040);
	EXPECT_TRUE(irr_has(v, 0xe3));
	EXPECT_EQ(vlapic_ack(v), 0xe3);
	wr(v, 0xb0, 0);
	rd(v, 0x040);
	EXPECT_TRUE(!irr_has(v, 0xe3));            /* disarmed */
	EXPECT_EQ(esr(v), 0x80);                   /* re-arms */
	vlapic_accept(v, 3, false);                /* illegal vector */
	EXPECT_TRUE(irr_has(v, 0xe3));
	EXPECT_EQ(esr(v), 0x40);
	/* an illegal error vector: its own error, no loop */
	wr(v, 0x370, 0x05);
	vlapic_accept(v, 1, false);
	EXPECT_EQ(esr(v), 0x40);
	/* masked: nothing delivered, still armed */
	wr(v, 0x370, 0x100e4);
	rd(v, 0x040);
	EXPECT_TRUE(!irr_has(v, 0xe4));
	wr(v, 0x370, 0xe4);
	rd(v, 0x050);
	EXPECT_TRUE(irr_has(v, 0xe4));
}

static void test_register_write_masks(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	sw_enable(v);
	wr(v, 0xd0, 0xffffffff);
	EXPECT_EQ(rd(v, 0xd0), 0xff000000);
	wr(v, 0xe0, 0x0);
	EXPECT_EQ(rd(v, 0xe0), 0x0fffffff);        /* cluster model; 27:0 read as ones */
	wr(v, 0xf0, 0xffffffff);
	EXPECT_EQ(rd(v, 0xf0), 0x3ff);             /* no SVR[12]: suppression not offered */
	wr(v, 0x310, 0xffffffff);
	EXPECT_EQ(rd(v, 0x310), 0xff000000);
	wr(v, 0x320, 0xffffffff);
	EXPECT_EQ(rd(v, 0x320), 0x300ff);          /* no TSC-deadline offered: bit 18 reserved */
	wr(v, 0x330, 0xffffffff);
	EXPECT_EQ(rd(v, 0x330), 0x107ff);
	wr(v, 0x340, 0xffffffff);
	EXPECT_EQ(rd(v, 0x340), 0x107ff);
	wr(v, 0x350, 0xffffffff);
	EXPECT_EQ(rd(v, 0x350), 0x1a7ff);          /* remote IRR, delivery status: 0 */
	wr(v, 0x360, 0xffffffff);
	EXPECT_EQ(rd(v, 0x360), 0x1a7ff);
	wr(v, 0x370, 0xffffffff);
	EXPECT_EQ(rd(v, 0x370), 0x100ff);
	wr(v, 0x3e0, 0xffffffff);
	EXPECT_EQ(rd(v, 0x3e0), 0xb);
	wr(v, 0x20, 0xffffffff);
	EXPECT_EQ(rd(v, 0x20), 0xff000000);        /* the xAPIC ID is writable (QEMU) */
	fake_board(1, false, true);
	v = &cpus[0].lapic;
	sw_enable(v);
	wr(v, 0x320, 0xffffffff);
	EXPECT_EQ(rd(v, 0x320), 0x700ff);          /* bit 18 with TSC-deadline offered */
}

/* SVR[8] clear: every LVT masked, and masks stay set (SDM 10.4.7.2). */
static void test_software_disable_masks_lvts(void)
{
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	sw_enable(v);
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		wr(v, off, 0x40);
	wr(v, 0xf0, 0xff);
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		EXPECT_EQ(rd(v, off), 0x10040);
	wr(v, 0x350, 0x41);
	EXPECT_EQ(rd(v, 0x350), 0x10041);
	sw_enable(v);
	wr(v, 0x350, 0x41);
	EXPECT_EQ(rd(v, 0x350), 0x41);
}

static uint64_t msr(struct vlapic *v, uint32_t m)
{
	uint64_t val = 0xdead;
	EXPECT_EQ(vlapic_msr_read(v, m, &val), 0);
	return val;
}

static void test_x2apic_registers(void)
{
	fake_board(4, false, false);
	struct vlapic *v = &cpus[3].lapic;
	uint64_t val;
	for (uint32_t m = 0x800; m <= 0x8ff; m++) {   /* not in x2APIC mode: all #GP */
		EXPECT_EQ(vlapic_msr_read(v, m, &val), -1);
		EXPECT_EQ(vlapic_msr_write(v, m, 0), -1);
	}
	wr(v, 0x80, 0x20);
	wr(v, 0x20, 0x55000000);
	EXPECT_EQ(to_x2apic(v), 0);
	EXPECT_EQ(msr(v, 0x802), 3);                  /* the initial ID, not the written one */
	EXPECT_EQ(msr(v, 0x803), 0x00050014);
	EXPECT_EQ(msr(v, 0x808), 0x20);               /* state kept across the transition */
	EXPECT_EQ(msr(v, 0x80d), 0x8);                /* cluster 0, bit 3 */
	EXPECT_EQ(msr(v, 0x80f), 0xff);
	EXPECT_EQ(vlapic_msr_write(v, 0x80f, 0x1ff), 0);
	EXPECT_EQ(msr(v, 0x80f), 0x1ff);
	EXPECT_EQ(vlapic_msr_write(v, 0x808, 0x40), 0);
	EXPECT_EQ(msr(v, 0x80a), 0x40);
	EXPECT_EQ(vlapic_msr_write(v, 0x835, 0x1a7ff), 0);
	EXPECT_EQ(msr(v, 0x835), 0x1a7ff);
	EXPECT_EQ(vlapic_msr_write(v, 0x83e, 0xb), 0);
	EXPECT_EQ(msr(v, 0x83e), 0xb);
	EXPECT_EQ(vlapic_msr_write(v, 0x828, 0), 0);
	EXPECT_EQ(msr(v, 0x828), 0);
	EXPECT_EQ(vlapic_msr_write(v, 0x830, 0x0000000700000000ull | 0x4031), 0);
	EXPECT_EQ(msr(v, 0x830), 0x0000000700004031ull);
	/* the page is gone */
	uint64_t page;
	vlapic_mmio_read(v, 0x80, 4, &page);
	EXPECT_EQ(page, 0);
	vlapic_mmio_write(v, 0x80, 4, 0x90);
	EXPECT_EQ(msr(v, 0x808), 0x40);
	/* a higher ID: cluster 2, bit 3 */
	fake_board(1, false, false);
	cpus[0].lapic.initial_id = 0x23;
	EXPECT_EQ(to_x2apic(&cpus[0].lapic), 0);
	EXPECT_EQ(msr(&cpus[0].lapic, 0x80d), 0x00020008);
}

/* Every way an x2APIC MSR access is #GP (SDM 10.12.1.2-3, Table 10-6). */
static void test_x2apic_gp_cases(void)
{
	static const uint32_t reserved[] = { 0x800, 0x801, 0x804, 0x805, 0x806, 0x807, 0x809, 0x80c, 0x80e,
					     0x829, 0x82e, 0x82f, 0x831, 0x83a, 0x83b, 0x83c, 0x83d, 0x840,
					     0x8ff, 0x900, 0xbff };
	static const uint32_t read_only[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810, 0x817, 0x818, 0x81f,
					      0x820, 0x827, 0x839 };
	static const struct { uint32_t msr; uint64_t val; } reserved_bits[] = {
		{ 0x808, 0x100 }, { 0x80f, 0x400 }, { 0x80f, 0x1000 }, { 0x832, 0x40000 }, { 0x832, 0x1000 },
		{ 0x832, 0x700 }, { 0x833, 0x2000 }, { 0x834, 0x8000 }, { 0x835, 0x4000 }, { 0x836, 0x20000 },
		{ 0x837, 0x700 }, { 0x83e, 0x4 }, { 0x83e, 0x10 }, { 0x83f, 0x100 }, { 0x838, 1ull << 32 },
		{ 0x808, 1ull << 63 }, { 0x830, 0x2000 }, { 0x830, 0x10000 }, { 0x830, 0x100000 },
		{ 0x830, 0x80000000 }, { 0x80b, 1 }, { 0x828, 1 },
	};
	fake_board(1, false, false);
	struct vlapic *v = &cpus[0].lapic;
	uint64_t val;
	EXPECT_EQ(to_x2apic(v), 0);
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
		EXPECT_EQ(vlapic_msr_read(v, reserved[i], &val), -1);
		EXPECT_EQ(vlapic_msr_write(v, reserved[i], 0), -1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(read_only); i++) {
		EXPECT_EQ(vlapic_msr_read(v, read_only[i], &val), 0);
		EXPECT_EQ(vlapic_msr_write(v, read_only[i], 0), -1);
	}
	EXPECT_EQ(vlapic_msr_read(v, 0x80b, &val), -1);   /* EOI: write-only */
	EXPECT_EQ(vlapic_msr_read(v, 0x83f, &val), -1);   /* SELF IPI: write-only */
	EXPECT_EQ(vlapic_msr_write(v, 0x80b, 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(reserved_bits); i++)
		EXPECT_EQ(vlapic_msr_write(v, reserved_bits[i].msr, reserved_bits[i].val), -1);
	EXPECT_EQ(vlapic_msr_write(v, 0x830, 0x1000 | 0x30), 0);   /* bit 12 (busy) is ignored */
	EXPECT_EQ(msr(v, 0x830) & 0x1000, 0);
	EXPECT_EQ(vlapic_msr_read(v, 0x6e0, &val), -1);   /* no TSC-deadline offered */
	EXPECT_EQ(vlapic_msr_write(v, 0x6e0, 5), -1);
	EXPECT_EQ(vlapic_msr_read(v, 0x1b, &val), -1);    /* not this entry point's */
	EXPECT_EQ(vlapic_msr_read(v, 0x7ff, &val), -1);
	EXPECT_EQ(vlapic_msr_read(v, 0xc00, &val), -1);
	/* none of them changed anything */
	EXPECT_EQ(msr(v, 0x808), 0);
	EXPECT_EQ(msr(v, 0x80f), 0xff);
	EXPECT_EQ(msr(v, 0x832), 0x10000);
	EXPECT_EQ(msr(v, 0x83e), 0);
	EXPECT_EQ(msr(v, 0x828), 0);
	EXPECT_EQ(cpus[0].sent, 1);                       /* only the legal ICR write */
}

/* Whatever a guest throws at the page or the MSRs: no crash, no escape
 * from the register file, and a reset brings back the power-on values. */
static void test_garbage(void)
{
	fake_board(2, true, true);
	struct vlapic *v = &cpus[1].lapic;
	srand(7);
	for (int round = 0; round < 3; round++) {
		for (uint32_t off = 0; off < 0x1008; off++) {
			for (unsigned size = 0; size <= 9; size++) {
				uint64_t val = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
				uint64_t got = 1;
				vlapic_mmio_read(v, off, size, &got);
				if (size == 0 || size > 8 || off >= 0x1000)
					EXPECT_EQ(got, 0);
				vlapic_mmio_write(v, off, size, val);
			}
		}
		vlapic_timer_expire(v, fake_tsc += 1000000);
		drain(v);
	}
	EXPECT_EQ(vlapic_mode(v), VLAPIC_XAPIC);     /* the page cannot change the mode */
	EXPECT_EQ(to_x2apic(v), 0);
	for (int round = 0; round < 3; round++) {
		for (uint32_t m = 0x7f0; m <= 0xc10; m++) {
			uint64_t val = ((uint64_t)rand() << 40) ^ (uint64_t)rand(), got;
			vlapic_msr_read(v, m, &got);
			vlapic_msr_write(v, m, val & 0xffffffff);
			vlapic_msr_write(v, m, val);
		}
		vlapic_timer_expire(v, fake_tsc += 1000000);
	}
	EXPECT_EQ(vlapic_mode(v), VLAPIC_X2APIC);
	vlapic_reset(v);
	EXPECT_EQ(vlapic_mode(v), VLAPIC_XAPIC);
	EXPECT_EQ(rd(v, 0x20), 1u << 24);
	EXPECT_EQ(rd(v, 0xf0), 0xff);
	EXPECT_EQ(rd(v, 0x320), 0x10000);
	EXPECT_EQ(vlapic_pending(v), -1);
	EXPECT_EQ(vlapic_timer_next_deadline(v), VDEV_NO_DEADLINE);
}

int main(void)
{
	RUN(test_power_on_state);
	RUN(test_init_versus_reset);
	RUN(test_apic_base_transitions);
	RUN(test_disable_resets_registers);
	RUN(test_mmio_read_sizes);
	RUN(test_mmio_write_sizes);
	RUN(test_reserved_slots_and_esr);
	RUN(test_error_interrupt);
	RUN(test_register_write_masks);
	RUN(test_software_disable_masks_lvts);
	RUN(test_x2apic_registers);
	RUN(test_x2apic_gp_cases);
	RUN(test_garbage);
	TEST_MAIN_END();
}

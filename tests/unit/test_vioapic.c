/* tests/unit/test_vioapic.c - The I/O APIC: registers, edge and level
 * inputs, remote IRR and EOI, masking, polarity, the message each entry
 * sends, ExtINT, the storm hold-back, garbage at every offset and size,
 * and the whole path to a local APIC and back. */
/* UNIT_SRC: hv/vdev/vioapic.c hv/vdev/apic_bus.c hv/vdev/vlapic.c hv/vdev/vlapic_regs.c hv/vdev/vlapic_timer.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/vioapic.h"
#include "hv/vdev/vlapic.h"

static struct apic_msg sent[64];
static int nsent;
static struct vlapic *chain_lapic;     /* non-NULL: messages go on to it */
static int pic_vector = 0x28, pic_acks;
static int hook_calls;

static void record(void *ctx, const struct apic_msg *m)
{
	(void)ctx;
	if (nsent < (int)ARRAY_SIZE(sent))
		sent[nsent] = *m;
	nsent++;
	if (chain_lapic)
		apic_bus_deliver(&chain_lapic, 1, m);
}

static int pic_inta(void *ctx) { (void)ctx; pic_acks++; return pic_vector; }
static void on_deadline(void *ctx) { (void)ctx; hook_calls++; }

static uint64_t now_tsc = 1000;
static uint64_t clock_now(void *ctx) { (void)ctx; return now_tsc; }
static const struct vclock clock = { clock_now, NULL, 1000000000ull };

static struct vioapic io;

static void fresh(void)
{
	nsent = 0;
	chain_lapic = NULL;
	pic_acks = 0;
	hook_calls = 0;
	vioapic_init(&io, record, pic_inta, NULL, &clock, (struct vdev_deadline_hook){ on_deadline, NULL });
}

static uint32_t reg_rd(uint32_t reg)
{
	uint64_t v;
	vioapic_mmio_write(&io, 0x00, 4, reg);
	vioapic_mmio_read(&io, 0x10, 4, &v);
	return (uint32_t)v;
}

static void reg_wr(uint32_t reg, uint32_t val)
{
	vioapic_mmio_write(&io, 0x00, 4, reg);
	vioapic_mmio_write(&io, 0x10, 4, val);
}

static void set_entry(unsigned pin, uint64_t e)
{
	reg_wr(0x11 + 2 * pin, (uint32_t)(e >> 32));
	reg_wr(0x10 + 2 * pin, (uint32_t)e);
}

static uint64_t entry(unsigned pin)
{
	uint64_t hi = reg_rd(0x11 + 2 * pin);
	return hi << 32 | reg_rd(0x10 + 2 * pin);
}

#define LEVEL     (1ull << 15)
#define MASKED    (1ull << 16)
#define REMOTE    (1ull << 14)
#define LOW       (1ull << 13)
#define LOGICAL   (1ull << 11)
#define DEST(d)   ((uint64_t)(d) << 56)

static void test_reset_and_registers(void)
{
	fresh();
	EXPECT_EQ(reg_rd(0x00), 0);
	EXPECT_EQ(reg_rd(0x01), 0x00170020);
	EXPECT_EQ(reg_rd(0x02), 0);
	for (unsigned pin = 0; pin < PC_IOAPIC_PINS; pin++)
		EXPECT_EQ(entry(pin), MASKED);
	reg_wr(0x00, 0xffffffff);
	EXPECT_EQ(reg_rd(0x00), 0x0f000000);            /* ID bits 27:24 */
	EXPECT_EQ(reg_rd(0x02), 0x0f000000);            /* arbitration reads as the ID */
	reg_wr(0x01, 0);
	reg_wr(0x02, 0);
	EXPECT_EQ(reg_rd(0x01), 0x00170020);
	EXPECT_EQ(reg_rd(0x03), 0);
	EXPECT_EQ(reg_rd(0x10 + 2 * PC_IOAPIC_PINS), 0);   /* past the table */
	EXPECT_EQ(reg_rd(0xff), 0);
	/* an entry keeps what is written, but not its read-only bits */
	set_entry(5, 0xff0000000001ffffull);
	EXPECT_EQ(entry(5), 0xff0000000001afffull);     /* remote IRR, delivery status: 0 */
	EXPECT_EQ(nsent, 0);                            /* masked, no input */
	uint64_t v;
	vioapic_mmio_write(&io, 0x00, 4, 0x1234);
	vioapic_mmio_read(&io, 0x00, 4, &v);
	EXPECT_EQ(v, 0x34);                             /* IOREGSEL: 8 bits */
	vioapic_reset(&io);
	vioapic_mmio_read(&io, 0x00, 4, &v);
	EXPECT_EQ(v, 0);                                /* IOREGSEL */
	EXPECT_EQ(reg_rd(0x00), 0);
	EXPECT_EQ(entry(5), MASKED);
}

static void test_edge(void)
{
	fresh();
	set_entry(4, DEST(1) | 0x34);
	vioapic_set_irq(&io, 4, true);
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(sent[0].vector, 0x34);
	EXPECT_EQ(sent[0].dest, 1);
	EXPECT_EQ(sent[0].delivery_mode, APIC_DM_FIXED);
	EXPECT_TRUE(!sent[0].dest_logical && !sent[0].level_triggered && sent[0].level_assert);
	EXPECT_EQ(sent[0].shorthand, APIC_SH_NONE);
	EXPECT_TRUE(sent[0].src == NULL);
	vioapic_set_irq(&io, 4, true);                 /* no new edge */
	EXPECT_EQ(nsent, 1);
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	EXPECT_EQ(nsent, 2);
	EXPECT_EQ(entry(4) & REMOTE, 0);               /* edge: no remote IRR */
	/* an edge while masked is lost, unmasking does not bring it back */
	vioapic_set_irq(&io, 4, false);
	set_entry(4, MASKED | 0x34);
	vioapic_set_irq(&io, 4, true);
	set_entry(4, 0x34);
	EXPECT_EQ(nsent, 2);
	vioapic_eoi(&io, 0x34);                        /* EOI means nothing to an edge entry */
	EXPECT_EQ(nsent, 2);
	/* out-of-range pins */
	vioapic_set_irq(&io, PC_IOAPIC_PINS, true);
	vioapic_set_irq(&io, 1000, true);
	EXPECT_EQ(nsent, 2);
}

static void test_level_remote_irr(void)
{
	fresh();
	set_entry(9, LEVEL | LOGICAL | DEST(0x3) | (1ull << 8) | 0x49);   /* lowest priority */
	vioapic_set_irq(&io, 9, true);
	EXPECT_EQ(nsent, 1);
	EXPECT_TRUE(sent[0].level_triggered && sent[0].dest_logical);
	EXPECT_EQ(sent[0].delivery_mode, APIC_DM_LOWEST);
	EXPECT_EQ(sent[0].dest, 3);
	EXPECT_TRUE(entry(9) & REMOTE);
	vioapic_set_irq(&io, 9, true);                 /* in service: nothing more */
	EXPECT_EQ(nsent, 1);
	vioapic_eoi(&io, 0x48);                        /* another vector */
	EXPECT_TRUE(entry(9) & REMOTE);
	vioapic_eoi(&io, 0x49);                        /* still asserted: again */
	EXPECT_EQ(nsent, 2);
	EXPECT_TRUE(entry(9) & REMOTE);
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x49);                        /* deasserted: done */
	EXPECT_EQ(nsent, 2);
	EXPECT_EQ(entry(9) & REMOTE, 0);
	/* the EOI register does the same */
	vioapic_set_irq(&io, 9, true);
	EXPECT_EQ(nsent, 3);
	vioapic_mmio_write(&io, 0x40, 4, 0x149);       /* the vector is bits 7:0 */
	EXPECT_EQ(nsent, 4);
	vioapic_mmio_write(&io, 0x40, 2, 0x49);        /* 4 bytes only */
	vioapic_mmio_write(&io, 0x40, 1, 0x49);
	EXPECT_EQ(nsent, 4);
	EXPECT_TRUE(entry(9) & REMOTE);
	/* masked: held, delivered at unmask */
	set_entry(9, MASKED | LEVEL | 0x49);           /* a write keeps remote IRR */
	EXPECT_TRUE(entry(9) & REMOTE);
	vioapic_eoi(&io, 0x49);
	EXPECT_EQ(nsent, 4);
	set_entry(9, LEVEL | 0x49);
	EXPECT_EQ(nsent, 5);
	/* switching to edge clears remote IRR (QEMU, for Linux) */
	set_entry(9, 0x49);
	EXPECT_EQ(entry(9) & REMOTE, 0);
	EXPECT_EQ(nsent, 5);
}

static void test_polarity(void)
{
	fresh();
	vioapic_set_irq(&io, 11, true);                /* the line idles high */
	set_entry(11, LEVEL | LOW | 0x51);             /* active low */
	EXPECT_EQ(nsent, 0);
	vioapic_set_irq(&io, 11, false);               /* low: asserted */
	EXPECT_EQ(nsent, 1);
	vioapic_eoi(&io, 0x51);
	EXPECT_EQ(nsent, 2);
	vioapic_set_irq(&io, 11, true);
	vioapic_eoi(&io, 0x51);
	EXPECT_EQ(nsent, 2);
	/* an active-low edge entry fires on the falling edge */
	set_entry(12, LOW | 0x52);
	vioapic_set_irq(&io, 12, true);
	EXPECT_EQ(nsent, 2);
	vioapic_set_irq(&io, 12, false);
	EXPECT_EQ(nsent, 3);
	/* an idle-low line under an active-low level entry is asserted at once */
	set_entry(13, LEVEL | LOW | 0x53);
	EXPECT_EQ(nsent, 4);
	EXPECT_EQ(sent[3].vector, 0x53);
}

static void test_other_modes(void)
{
	fresh();
	set_entry(1, (7ull << 8) | DEST(0));           /* ExtINT: the PIC's vector */
	vioapic_set_irq(&io, 1, true);
	EXPECT_EQ(nsent, 1);
	EXPECT_EQ(pic_acks, 1);
	EXPECT_EQ(sent[0].delivery_mode, APIC_DM_EXTINT);
	EXPECT_EQ(sent[0].vector, 0x28);
	vioapic_set_irq(&io, 1, false);
	pic_vector = -1;                               /* the PIC has nothing */
	vioapic_set_irq(&io, 1, true);
	EXPECT_EQ(nsent, 1);
	pic_vector = 0x28;
	set_entry(2, LEVEL | (4ull << 8) | 0x99);      /* NMI programmed level: edge */
	vioapic_set_irq(&io, 2, true);
	EXPECT_EQ(nsent, 2);
	EXPECT_EQ(sent[1].delivery_mode, APIC_DM_NMI);
	EXPECT_TRUE(!sent[1].level_triggered);
	EXPECT_EQ(entry(2) & REMOTE, 0);
	vioapic_set_irq(&io, 2, true);
	EXPECT_EQ(nsent, 2);
	set_entry(3, (5ull << 8));                     /* INIT */
	vioapic_set_irq(&io, 3, true);
	EXPECT_EQ(sent[2].delivery_mode, APIC_DM_INIT);
	EXPECT_TRUE(sent[2].level_assert);
	/* without a PIC callback an ExtINT entry sends nothing */
	vioapic_init(&io, record, NULL, NULL, &clock, (struct vdev_deadline_hook){ 0 });
	set_entry(1, 7ull << 8);
	vioapic_set_irq(&io, 1, true);
	EXPECT_EQ(nsent, 3);
}

/* 10000 re-deliveries in a row at EOI: the next waits 10 ms (QEMU). */
static void test_storm_hold_back(void)
{
	fresh();
	set_entry(7, LEVEL | 0x77);
	vioapic_set_irq(&io, 7, true);
	EXPECT_EQ(nsent, 1);
	for (unsigned i = 1; i < VIOAPIC_STORM_EOIS; i++)
		vioapic_eoi(&io, 0x77);
	EXPECT_EQ(nsent, (int)VIOAPIC_STORM_EOIS);
	EXPECT_EQ(vioapic_next_deadline(&io), VDEV_NO_DEADLINE);
	vioapic_eoi(&io, 0x77);                        /* the 10000th: held */
	EXPECT_EQ(nsent, (int)VIOAPIC_STORM_EOIS);
	EXPECT_EQ(hook_calls, 1);
	EXPECT_EQ(vioapic_next_deadline(&io), now_tsc + 10000000);
	vioapic_eoi(&io, 0x77);                        /* remote IRR is clear: nothing to end */
	vioapic_expire(&io, now_tsc + 9999999);
	EXPECT_EQ(nsent, (int)VIOAPIC_STORM_EOIS);
	vioapic_expire(&io, now_tsc + 10000000);
	EXPECT_EQ(nsent, (int)VIOAPIC_STORM_EOIS + 1);
	EXPECT_EQ(vioapic_next_deadline(&io), VDEV_NO_DEADLINE);
	EXPECT_EQ(hook_calls, 2);
	/* a quiet line resets the count */
	vioapic_set_irq(&io, 7, false);
	vioapic_eoi(&io, 0x77);
	vioapic_set_irq(&io, 7, true);
	for (unsigned i = 0; i < 100; i++)
		vioapic_eoi(&io, 0x77);
	EXPECT_EQ(io.eoi_refires[7], 100);
	/* no clock: no holding back */
	vioapic_init(&io, record, NULL, NULL, NULL, (struct vdev_deadline_hook){ 0 });
	nsent = 0;
	set_entry(7, LEVEL | 0x77);
	vioapic_set_irq(&io, 7, true);
	for (unsigned i = 0; i < VIOAPIC_STORM_EOIS + 5; i++)
		vioapic_eoi(&io, 0x77);
	EXPECT_EQ(nsent, (int)VIOAPIC_STORM_EOIS + 6);
}

/* Sizes, alignment and aliasing of the window. */
static void test_access_rules(void)
{
	fresh();
	set_entry(0, DEST(0xab) | 0x20);
	uint64_t v;
	vioapic_mmio_write(&io, 0x00, 1, 0x10);         /* IOREGSEL by byte */
	vioapic_mmio_read(&io, 0x10, 4, &v);
	EXPECT_EQ(v, 0x20);
	vioapic_mmio_read(&io, 0x10, 2, &v);            /* IOWIN: 4 bytes only */
	EXPECT_EQ(v, 0);
	vioapic_mmio_read(&io, 0x10, 1, &v);
	EXPECT_EQ(v, 0);
	vioapic_mmio_read(&io, 0x10, 8, &v);            /* two 4-byte reads: IOWIN, then 0x14 */
	EXPECT_EQ(v, 0x20);
	vioapic_mmio_read(&io, 0x00, 8, &v);            /* IOREGSEL, then 0x04 */
	EXPECT_EQ(v, 0x10);
	vioapic_mmio_read(&io, 0x110, 4, &v);           /* repeats every 256 bytes */
	EXPECT_EQ(v, 0x20);
	vioapic_mmio_read(&io, 0x12, 4, &v);            /* misaligned */
	EXPECT_EQ(v, 0);
	vioapic_mmio_read(&io, 0x10, 3, &v);
	EXPECT_EQ(v, 0);
	vioapic_mmio_read(&io, 0x1010, 4, &v);          /* outside the window */
	EXPECT_EQ(v, 0);
	vioapic_mmio_write(&io, 0x10, 2, 0x55);         /* dropped */
	vioapic_mmio_write(&io, 0x11, 1, 0x55);
	EXPECT_EQ(entry(0), DEST(0xab) | 0x20);
	vioapic_mmio_write(&io, 0x00, 8, 0x0000000700000011ull);   /* IOREGSEL = 0x11, 0x04 ignored */
	vioapic_mmio_read(&io, 0x10, 4, &v);
	EXPECT_EQ(v, 0xab000000);
	vioapic_mmio_write(&io, 0x10, 8, 0xcd000000ull | (0x77ull << 32));   /* IOWIN, then nothing at 0x14 */
	EXPECT_EQ(entry(0), DEST(0xcd) | 0x20);
	vioapic_mmio_write(&io, 0x00, 2, 0x0210);       /* 16-bit: low byte */
	vioapic_mmio_read(&io, 0x00, 2, &v);
	EXPECT_EQ(v, 0x10);
}

/* Every offset and size, random values: nothing escapes the model. */
static void test_garbage(void)
{
	fresh();
	srand(11);
	for (int round = 0; round < 4; round++) {
		for (uint32_t off = 0; off <= VIOAPIC_MMIO_SIZE + 8; off++) {
			for (unsigned size = 0; size <= 9; size++) {
				uint64_t val = ((uint64_t)rand() << 31) ^ (uint64_t)rand(), got = 5;
				vioapic_mmio_read(&io, off, size, &got);
				if (size != 1 && size != 2 && size != 4 && size != 8)
					EXPECT_EQ(got, 0);
				vioapic_mmio_write(&io, off, size, val);
			}
		}
		for (unsigned pin = 0; pin < 40; pin++)
			vioapic_set_irq(&io, pin, rand() & 1);
		for (int i = 0; i < 300; i++)
			vioapic_eoi(&io, (uint8_t)rand());
		vioapic_expire(&io, now_tsc + 100000000);
	}
	EXPECT_TRUE(reg_rd(0x01) == 0x00170020);
	EXPECT_EQ(reg_rd(0x00) & ~0x0f000000u, 0);
	vioapic_reset(&io);
	for (unsigned pin = 0; pin < PC_IOAPIC_PINS; pin++)
		EXPECT_EQ(entry(pin), MASKED);
}

/* I/O APIC -> bus -> LAPIC -> EOI -> I/O APIC, for a level interrupt. */
static struct vioapic *eoi_target;
static void lapic_eoi(void *ctx, uint8_t vector) { (void)ctx; vioapic_eoi(eoi_target, vector); }
static const struct vlapic_cpu_ops chain_ops = { .eoi_broadcast = lapic_eoi };

static void test_through_a_lapic(void)
{
	static struct vlapic lapic;
	fresh();
	vlapic_init(&lapic, 0, true, &clock, &chain_ops, NULL, (struct vdev_deadline_hook){ 0 }, false);
	vlapic_mmio_write(&lapic, 0xf0, 4, 0x1ff);
	chain_lapic = &lapic;
	eoi_target = &io;
	set_entry(10, LEVEL | DEST(0) | 0x5a);
	vioapic_set_irq(&io, 10, true);
	EXPECT_EQ(vlapic_pending(&lapic), 0x5a);
	EXPECT_EQ(vlapic_ack(&lapic), 0x5a);
	uint64_t tmr;
	vlapic_mmio_read(&lapic, 0x180 + (0x5a >> 5) * 0x10, 4, &tmr);
	EXPECT_TRUE((tmr >> (0x5a & 31)) & 1);
	vioapic_set_irq(&io, 10, false);               /* the device is served */
	vlapic_mmio_write(&lapic, 0xb0, 4, 0);
	EXPECT_EQ(entry(10) & REMOTE, 0);
	EXPECT_EQ(vlapic_pending(&lapic), -1);
	vioapic_set_irq(&io, 10, true);
	EXPECT_EQ(vlapic_ack(&lapic), 0x5a);
	vlapic_mmio_write(&lapic, 0xb0, 4, 0);         /* still asserted: delivered again */
	EXPECT_EQ(vlapic_pending(&lapic), 0x5a);
	/* a destination that is not there: sent, nobody takes it */
	set_entry(11, DEST(5) | 0x5b);
	vioapic_set_irq(&io, 11, true);
	EXPECT_EQ(sent[nsent - 1].dest, 5);
	EXPECT_EQ(vlapic_ack(&lapic), 0x5a);
	EXPECT_EQ(vlapic_pending(&lapic), -1);
}

int main(void)
{
	RUN(test_reset_and_registers);
	RUN(test_edge);
	RUN(test_level_remote_irr);
	RUN(test_polarity);
	RUN(test_other_modes);
	RUN(test_storm_hold_back);
	RUN(test_access_rules);
	RUN(test_garbage);
	RUN(test_through_a_lapic);
	TEST_MAIN_END();
}

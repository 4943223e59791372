/* tests/guests/mb/fwstate.c - The state the firmware leaves the PC's
 * devices in when a Multiboot kernel starts: the 8259 pair (IMR, IRR, ISR,
 * ELCR), the 8254 (channel 0's mode and count, channel 2's gate), the
 * MC146818 (registers A-D and the CMOS bytes firmware writes), the 8042
 * (status, command byte), port 0x92, the local APIC (base MSR, ID, version, TPR, SVR,
 * the LVT) and the I/O APIC (ID, version, every redirection entry). Last,
 * the 8259s' vector bases, which cannot be read back: the vector an RTC
 * periodic interrupt (IRQ 8, slave) and a PIT tick (IRQ 0, master) arrive
 * at.
 * It measures what docs/pc.md records, and the board's firmware state
 * (hv/vdev/pc.c pc_firmware_state) must match it: a differential test at
 * 1 and 4 vCPUs. Exit code 0. */
#include "tkdev.h"

#define PIT_READBACK_CH0 0xe2       /* read-back: latch status (not count) of channel 0 */
#define PIT_LATCH_CH0 0x00
#define KBC_READ_CMD_BYTE 0x20
#define MSR_APIC_BASE 0x1b
#define LAPIC LAPIC_BASE

static void pic(const char *name, uint16_t base)
{
	uint8_t imr = inb(base + 1);
	outb(base, OCW3_READ_IRR);
	uint8_t irr = inb(base);
	outb(base, OCW3_READ_ISR);
	uint8_t isr = inb(base);
	outb(base, OCW3_READ_IRR);
	tk_printf("pic %s: imr 0x%02x isr 0x%02x\n", name, imr, isr);
	/* IRQ 0 (the PIT's 18.2 Hz) may or may not have ticked yet */
	tk_printf("pic %s: irr 0x%02x but IRQ 0\n", name, irr & (base == PIC1 ? 0xfe : 0xff));
	tk_vary("pic %s: irr 0x%02x", name, irr);
}

static void pit(void)
{
	outb(PIT_CMD, PIT_READBACK_CH0);
	uint8_t status = inb(PIT_CH0);
	outb(PIT_CMD, PIT_LATCH_CH0);
	uint8_t lo = inb(PIT_CH0), hi = inb(PIT_CH0);
	tk_printf("pit ch0: status 0x%02x (mode %u, access %u, bcd %u)\n", status & 0x7f, (status >> 1) & 7,
		  (status >> 4) & 3, status & 1);
	tk_vary("pit ch0: count 0x%02x%02x, out %u", hi, lo, status >> 7);
	tk_printf("port 0x61: 0x%02x\n", inb(0x61) & 0x0f);
}

/* The bytes, in order, as "NN xx" pairs on one line. */
static void cmos_bytes(const uint8_t *regs, unsigned n)
{
	tk_printf("cmos:");
	for (unsigned i = 0; i < n; i++)
		tk_printf(" %02x %02x", regs[i], tk_cmos_read(regs[i]));
	tk_putc('\n');
}

static void rtc(void)
{
	static const uint8_t first[] = { 0x0f, 0x10, 0x12, 0x14, 0x15, 0x16, 0x17, 0x18, 0x30, 0x31 };
	static const uint8_t second[] = { 0x32, 0x34, 0x35, 0x38, 0x3d, 0x5b, 0x5c, 0x5d, 0x5f };

	tk_printf("rtc: a 0x%02x b 0x%02x d 0x%02x\n", tk_cmos_read(0x0a) & 0x7f, tk_cmos_read(0x0b),
		  tk_cmos_read(0x0d));
	tk_vary("rtc: c 0x%02x, uip %u", tk_cmos_read(0x0c), tk_cmos_read(0x0a) >> 7);
	cmos_bytes(first, sizeof(first));
	cmos_bytes(second, sizeof(second));
}

static void kbc(void)
{
	uint8_t st = inb(KBC_STATUS);
	outb(KBC_STATUS, KBC_READ_CMD_BYTE);
	uint8_t cmd = 0xff;
	for (unsigned i = 0; i < 100000; i++)
		if (inb(KBC_STATUS) & 1) {
			cmd = inb(KBC_DATA);
			break;
		}
	tk_printf("i8042: status 0x%02x command byte 0x%02x\n", st, cmd);
	tk_printf("port 0x92: 0x%02x\n", inb(0x92));
}

static void lapic(void)
{
	static const struct { const char *name; uint32_t off; } regs[] = {
		{ "id", 0x20 }, { "version", 0x30 }, { "tpr", 0x80 }, { "ldr", 0xd0 }, { "dfr", 0xe0 },
		{ "svr", 0xf0 }, { "esr", 0x280 }, { "lvt_timer", 0x320 }, { "lvt_thermal", 0x330 },
		{ "lvt_perf", 0x340 }, { "lvt_lint0", 0x350 }, { "lvt_lint1", 0x360 }, { "lvt_error", 0x370 },
		{ "timer_initial", 0x380 }, { "timer_divide", 0x3e0 },
	};
	uint64_t base = rdmsr(MSR_APIC_BASE);

	tk_printf("lapic: apic_base msr 0x%llx\n", base);
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		tk_printf("lapic: %s 0x%08x\n", regs[i].name, rd32(LAPIC + regs[i].off));
	tk_printf("lapic: isr %08x %08x irr %08x %08x\n", rd32(LAPIC + 0x100), rd32(LAPIC + 0x110),
		  rd32(LAPIC + 0x200), rd32(LAPIC + 0x210));
}

static void ioapic(void)
{
	tk_printf("ioapic: id 0x%08x version 0x%08x\n", tk_ioapic_read(0), tk_ioapic_read(1));
	for (uint8_t pin = 0; pin < 24; pin++)
		tk_printf("ioapic: pin %2u 0x%08x%08x\n", pin, tk_ioapic_read((uint8_t)(0x11 + 2 * pin)),
			  tk_ioapic_read((uint8_t)(0x10 + 2 * pin)));
}

/* Polls of a flag set by an interrupt: far more than a PIT tick (55 ms)
 * or 1024 Hz RTC period take under TCG, and still bounded. */
#define IRQ_WAIT_POLLS 200000000u

static volatile uint32_t irq_vector;

static void note_vector(struct tk_trap_frame *f)
{
	irq_vector = f->vector;
}

/* The master's base is IRQ 0's vector. With SeaBIOS's 0x08 it is the #DF
 * vector, whose entry expects an error code the interrupt does not push:
 * its handler reports and exits instead of returning. */
static void master_irq0(struct tk_trap_frame *f)
{
	tk_printf("pic master: irq 0 arrives at vector 0x%02x (the vector base)\n", f->vector);
	tk_printf("fwstate: done\n");
	tk_exit(0);
}

static bool wait_irq(void)
{
	irq_vector = 0;
	tk_sti();
	for (uint32_t i = 0; i < IRQ_WAIT_POLLS && !irq_vector; i++)
		__asm__ volatile("pause");
	tk_cli();
	return irq_vector != 0;
}

static void vector_bases(void)
{
	uint8_t b = tk_cmos_read(0x0b);

	for (unsigned v = 0x20; v < 256; v++)
		tk_set_vector((uint8_t)v, note_vector);
	/* The slave first, the master passing only its cascade (IRQ 2): the
	 * RTC's periodic interrupt. */
	outb(PIC1 + 1, 0xfb);
	outb(CMOS_INDEX, 0x0b);
	outb(CMOS_DATA, b | 0x40);   /* PIE */
	bool got = wait_irq();
	outb(CMOS_INDEX, 0x0b);
	outb(CMOS_DATA, b);
	(void)tk_cmos_read(0x0c);            /* acknowledge */
	if (got)
		tk_printf("pic slave: irq 8 arrives at vector 0x%02x (the vector base)\n", irq_vector);
	else
		tk_printf("pic slave: no rtc interrupt\n");
	outb(PIC2, 0x20);            /* EOI, slave then master */
	outb(PIC1, 0x20);
	for (unsigned v = 0; v < 16; v++)
		tk_set_vector((uint8_t)v, master_irq0);
	outb(PIC1 + 1, 0xfe);        /* only IRQ 0 */
	if (!wait_irq())
		tk_printf("pic master: no timer interrupt\n");
	else
		tk_printf("pic master: irq 0 arrives at vector 0x%02x (the vector base)\n", irq_vector);
}

/* The PIIX3's PIRQ routing (config 0x60-0x63 of 00:01.0), which SeaBIOS
 * programs to match the ELCR's level-triggered IRQs. */
static void pirq_routing(void)
{
	outl(0xcf8, 0x80000000u | (1u << 11) | 0x60);
	uint32_t route = inl(0xcfc);
	tk_printf("piix3 pirq a-d routed to 0x%02x 0x%02x 0x%02x 0x%02x\n", route & 0xff, (route >> 8) & 0xff,
		  (route >> 16) & 0xff, route >> 24);
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("fwstate: device state at a Multiboot entry\n");
	pic("master", PIC1);
	pic("slave", PIC2);
	tk_printf("pic elcr 0x%02x 0x%02x\n", inb(0x4d0), inb(0x4d1));
	pirq_routing();
	pit();
	rtc();
	kbc();
	lapic();
	ioapic();
	vector_bases();
	tk_printf("fwstate: done\n");
	return 0;
}

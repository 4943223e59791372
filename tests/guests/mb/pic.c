/* tests/guests/mb/pic.c - The 8259A pair and the ELCR (Intel 8259A
 * datasheet; PIIX ELCR): OCW1 masks read back, the ELCR's writable bits,
 * IRR and ISR read through OCW3, the poll command, the priority between
 * requests pending together (IRQ 0, 8, 12, 4 delivered in that order), an
 * IRQ in service holding back a lower one but not a higher one, specific
 * and non-specific EOI, a priority rotated by OCW2 "set priority", auto-EOI,
 * and a line in level mode delivering again after its EOI while it stays
 * high where an edge-mode line does not.
 *
 * The requests are made on demand, each as a line the kernel controls: the
 * 8042's D2 command (a byte as the keyboard's: IRQ 1, until port 0x60 is
 * read) and D3 (as the mouse's: IRQ 12), the PIT's channel 0 in mode 0 (OUT0
 * rises at the terminal count and stays: one edge on IRQ 0), the UART's
 * THR-empty interrupt (IRQ 4, until IIR is read), the RTC's periodic flag
 * (IRQ 8, until register C is read). Nothing depends on time but when a
 * request comes, which the kernel waits out (IRR shows it) before it
 * looks, so every line of the report is exact. Exit code: the number of
 * failed checks. */
#include "tkdev.h"

#define COM1_IER   (COM1 + 1)
#define COM1_IIR   (COM1 + 2)
#define COM1_MCR   (COM1 + 4)
#define IER_THRE   0x02
#define RTC_B_PIE  0x40
#define KBC_CB_FIRMWARE 0x61    /* as SeaBIOS leaves it: IRQ 1, mouse off, translation */
#define KBC_CB_BOTH_INT 0x47    /* IRQ 1 and 12 on, both interfaces on, SYS, translation */
#define PIT_CH0_MODE0   0x30    /* channel 0, LSB then MSB, mode 0 */
#define WAIT_US         200000u /* an interrupt that should come: far more than it takes */
#define QUIET_US        5000u   /* an interrupt that should not come: it had this long */
#define RAISE_POLLS     10000u  /* 10 us apart: a source's request is in IRR long before */

/* What each interrupt saw when it arrived. */
struct irq_event {
	uint8_t irq;
	uint8_t isr1, irr1, isr2, irr2;
};

#define MAX_EVENTS 16
static struct irq_event events[MAX_EVENTS];
static volatile uint32_t event_count;
static volatile bool hold_eoi;           /* the handler leaves the EOI to the test */
static volatile uint32_t irq12_keep;     /* deliveries of IRQ 12 before its handler drops the line */
static volatile uint32_t irq12_seen;

static void on_irq(struct tk_trap_frame *f)
{
	unsigned irq = f->vector - TK_PIC_BASE1;
	uint32_t n = event_count;

	if (n < MAX_EVENTS)
		events[n] = (struct irq_event){ (uint8_t)irq, tk_pic_isr(PIC1), tk_pic_irr(PIC1), tk_pic_isr(PIC2),
						 tk_pic_irr(PIC2) };
	switch (irq) {
	case 1:
		(void)inb(KBC_DATA);               /* the line drops */
		break;
	case 4:
		(void)inb(COM1_IIR);               /* reports THR empty: acknowledged */
		outb(COM1_IER, 0);
		break;
	case 8:
		tk_cmos_write(0x0b, tk_cmos_read(0x0b) & (uint8_t)~RTC_B_PIE);
		(void)tk_cmos_read(0x0c);          /* the line drops */
		break;
	case 12:
		if (++irq12_seen >= irq12_keep)
			(void)inb(KBC_DATA);
		break;
	}
	if (!hold_eoi)
		tk_pic_eoi(irq);
	event_count = n + 1;
}

static void print_events(const char *what)
{
	tk_printf("%s: %u interrupts\n", what, event_count);
	for (uint32_t i = 0; i < event_count && i < MAX_EVENTS; i++)
		tk_printf("  irq %u: isr 0x%02x/0x%02x irr 0x%02x/0x%02x\n", events[i].irq, events[i].isr1,
			  events[i].isr2, events[i].irr1, events[i].irr2);
	event_count = 0;
}

/* Whether the interrupts came in this order of IRQs. */
static bool order_is(const uint8_t *irqs, uint32_t n)
{
	if (event_count != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (events[i].irq != irqs[i])
			return false;
	return true;
}

static void print_state(const char *what)
{
	tk_printf("%s: master irr 0x%02x isr 0x%02x, slave irr 0x%02x isr 0x%02x\n", what, tk_pic_irr(PIC1),
		  tk_pic_isr(PIC1), tk_pic_irr(PIC2), tk_pic_isr(PIC2));
}

/* One edge on IRQ 0: channel 0 counts 2 ticks in mode 0; the kernel waits
 * until the master's IRR has it. */
static bool raise_irq0(void)
{
	outb(PIT_CMD, PIT_CH0_MODE0);
	outb(PIT_CH0, 2);
	outb(PIT_CH0, 0);
	for (unsigned i = 0; i < RAISE_POLLS; i++) {
		if (tk_pic_irr(PIC1) & 0x01)
			return true;
		tk_delay_us(10);
	}
	return false;
}

/* IRQ 4: the UART's THR-empty interrupt (IER bit 1 with THR empty). */
static void raise_irq4(void)
{
	outb(COM1_IER, IER_THRE);
	for (unsigned i = 0; i < RAISE_POLLS && !(tk_pic_irr(PIC1) & 0x10); i++)
		tk_delay_us(10);
}

/* IRQ 8: the RTC's periodic flag (1024 Hz as the firmware left register
 * A), the line high until register C is read. */
static void raise_irq8(void)
{
	tk_cmos_write(0x0b, tk_cmos_read(0x0b) | RTC_B_PIE);
	for (unsigned i = 0; i < RAISE_POLLS && !(tk_pic_irr(PIC2) & 0x01); i++)
		tk_delay_us(10);
}

static void quiet_sources(void)
{
	outb(COM1_IER, 0);
	tk_kbc_drain();
	tk_cmos_write(0x0b, tk_cmos_read(0x0b) & 0x8f);   /* no RTC interrupt enables */
	(void)tk_cmos_read(0x0c);
	/* Channel 0 to the end of a mode-0 count: OUT0 high for good, no more edges. */
	raise_irq0();
}

static void masks_and_elcr(void)
{
	tk_pic_mask(0xa55a);
	tk_printf("imr: master 0x%02x slave 0x%02x\n", inb(PIC1 + 1), inb(PIC2 + 1));
	tk_pic_mask(0xffff);
	uint8_t e1 = inb(ELCR1), e2 = inb(ELCR2);
	outb(ELCR1, 0xff);
	outb(ELCR2, 0xff);
	tk_printf("elcr: 0xff written reads 0x%02x 0x%02x (IRQ 0-2, 8, 13 are always edge)\n", inb(ELCR1),
		  inb(ELCR2));
	outb(ELCR1, e1);
	outb(ELCR2, e2);
	tk_printf("elcr: firmware's 0x%02x 0x%02x restored\n", inb(ELCR1), inb(ELCR2));
}

/* IRR latches a masked request; the edge stays latched after the line
 * drops; poll takes it (and sets ISR), EOI ends it. */
static void irr_isr_poll(void)
{
	print_state("idle");
	tk_kbc_raise_irq1(0x5a);
	print_state("irq 1 raised, masked");
	(void)inb(KBC_DATA);
	print_state("irq 1 line low again (edge stays latched)");
	outb(PIC1, OCW3_POLL);
	tk_printf("poll while masked: 0x%02x\n", inb(PIC1));
	tk_pic_mask(0xfffd);
	outb(PIC1, OCW3_POLL);
	tk_check(inb(PIC1) == 0x81, "poll: irq 1 (0x81)");
	print_state("after poll");
	outb(PIC1, OCW2_EOI);
	outb(PIC1, OCW3_POLL);
	tk_printf("poll with nothing pending: 0x%02x\n", inb(PIC1));
	tk_pic_mask(0xffff);

	/* The slave: IRQ 12 unmasked at the slave only. Its INT latches the
	 * master's IR2 (an edge) even with IR2 masked there. */
	tk_pic_mask(0xefff);
	tk_kbc_raise_irq12(0xa5);
	print_state("irq 12 raised, unmasked at the slave");
	outb(PIC2, OCW3_POLL);
	tk_check(inb(PIC2) == 0x84, "slave poll: its IR4 (0x84)");
	(void)inb(KBC_DATA);
	print_state("after slave poll");
	outb(PIC2, OCW2_EOI_SPECIFIC | 4);
	tk_pic_mask(0xeffb);
	outb(PIC1, OCW3_POLL);
	tk_check(inb(PIC1) == 0x82, "master poll: IR2, latched by the slave (0x82)");
	outb(PIC1, OCW2_EOI_SPECIFIC | 2);
	tk_pic_mask(0xffff);
	print_state("after both EOIs");
}

/* Four requests pending at once, delivered by priority: IR0, then IR2
 * (the slave's: its IR0, IRQ 8, before its IR4, IRQ 12), then IR4. */
static void priority(void)
{
	tk_kbc_raise_irq12(0x12);
	raise_irq0();
	raise_irq4();
	raise_irq8();
	print_state("irq 0, 4, 8, 12 pending, masked");
	irq12_keep = 1;
	irq12_seen = 0;
	tk_pic_mask((uint16_t)~(0x0001 | 0x0004 | 0x0010 | 0x0100 | 0x1000));
	tk_check(tk_wait_count(&event_count, 4, WAIT_US), "four interrupts delivered");
	tk_pic_mask(0xffff);
	tk_check(order_is((const uint8_t[]){ 0, 8, 12, 4 }, 4), "order irq 0, 8, 12, 4");
	print_events("by priority");
	print_state("after");

	/* OCW2 set priority: IR1 lowest, so IR2 is highest, then IR3.. IR0, IR1. */
	outb(PIC1, OCW2_SET_PRIORITY | 1);
	tk_kbc_raise_irq1(0x13);
	raise_irq0();
	raise_irq4();
	tk_pic_mask((uint16_t)~(0x0001 | 0x0002 | 0x0010));
	tk_check(tk_wait_count(&event_count, 3, WAIT_US), "three interrupts delivered");
	tk_pic_mask(0xffff);
	outb(PIC1, OCW2_SET_PRIORITY | 7);  /* back to IR0 highest */
	tk_check(order_is((const uint8_t[]){ 4, 0, 1 }, 3), "order irq 4, 0, 1");
	print_events("with IR1 lowest");
}

/* In service: IR0 holds back IR1 until its EOI; IR1 does not hold back IR0. */
static void nesting(void)
{
	hold_eoi = true;
	tk_kbc_raise_irq1(0x21);
	raise_irq0();
	tk_pic_mask(0xfffc);
	tk_wait_count(&event_count, 1, WAIT_US);
	tk_check(!tk_wait_count(&event_count, 2, QUIET_US), "irq 1 held back while irq 0 is in service");
	print_state("irq 0 in service, irq 1 pending");
	outb(PIC1, OCW2_EOI_SPECIFIC | 0);
	tk_check(tk_wait_count(&event_count, 2, WAIT_US), "irq 1 delivered after the specific EOI of irq 0");
	print_state("irq 1 in service");
	outb(PIC1, OCW2_EOI);
	print_events("nested, higher first");

	tk_kbc_raise_irq1(0x22);
	tk_pic_mask(0xfffd);
	tk_wait_count(&event_count, 1, WAIT_US);
	raise_irq0();
	tk_pic_mask(0xfffc);
	tk_check(tk_wait_count(&event_count, 2, WAIT_US), "irq 0 delivered while irq 1 is in service");
	print_state("irq 1 and 0 in service");
	outb(PIC1, OCW2_EOI_SPECIFIC | 1);
	print_state("after specific EOI of irq 1");
	outb(PIC1, OCW2_EOI);
	print_state("after a non-specific EOI");
	outb(PIC1, OCW2_EOI);
	tk_pic_mask(0xffff);
	hold_eoi = false;
	print_events("nested, lower first");
}

/* ICW4 AEOI on the master: the acknowledge leaves ISR clear. */
static void auto_eoi(void)
{
	tk_pic_init(0x02);
	hold_eoi = true;
	tk_kbc_raise_irq1(0x31);
	tk_pic_mask(0xfffd);
	tk_check(tk_wait_count(&event_count, 1, WAIT_US), "irq 1 delivered in auto-EOI mode");
	tk_pic_mask(0xffff);
	hold_eoi = false;
	print_events("auto-EOI");
	tk_pic_init(0);
}

/* IRQ 12 held high through two deliveries: in level mode it comes again
 * after the EOI, in edge mode once. */
static void level_vs_edge(void)
{
	uint8_t e2 = inb(ELCR2);

	for (int level = 0; level <= 1; level++) {
		outb(ELCR2, level ? (uint8_t)(e2 | 0x10) : (uint8_t)(e2 & ~0x10));
		tk_printf("irq 12 %s (elcr 0x%02x)\n", level ? "level" : "edge", inb(ELCR2));
		tk_kbc_raise_irq12(0x40);
		print_state("  raised");
		(void)inb(KBC_DATA);
		print_state("  lowered");
		if (!level) {                  /* the latched edge, taken by a poll */
			tk_pic_mask(0xefff);
			outb(PIC2, OCW3_POLL);
			(void)inb(PIC2);
			outb(PIC2, OCW2_EOI);
			outb(PIC1, OCW3_POLL);
			tk_pic_mask(0xeffb);
			outb(PIC1, OCW3_POLL);
			(void)inb(PIC1);
			outb(PIC1, OCW2_EOI);
			tk_pic_mask(0xffff);
			print_state("  after poll");
		}
		irq12_keep = 2;
		irq12_seen = 0;
		tk_kbc_raise_irq12(0x41);
		tk_pic_mask(0xeffb);
		tk_wait_count(&event_count, 2, level ? WAIT_US : QUIET_US);
		tk_pic_mask(0xffff);
		tk_check(event_count == (level ? 2u : 1u), "irq 12 held high: %u deliveries in %s mode", event_count,
			 level ? "level" : "edge");
		if (irq12_seen < irq12_keep)
			(void)inb(KBC_DATA);
		print_events(level ? "  level" : "  edge");
		print_state("  after");
	}
	outb(ELCR2, e2);
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("pic: 8259A pair and ELCR\n");
	for (unsigned v = TK_PIC_BASE1; v < TK_PIC_BASE1 + 16; v++)
		tk_set_vector((uint8_t)v, on_irq);
	tk_cli();
	tk_pic_init(0);
	tk_kbc_command(0x60, true, KBC_CB_BOTH_INT);
	tk_printf("i8042 command byte 0x%02x\n", tk_kbc_command_byte());
	quiet_sources();
	tk_pic_init(0);                /* no edge left from before */

	masks_and_elcr();
	irr_isr_poll();
	priority();
	nesting();
	auto_eoi();
	level_vs_edge();

	tk_kbc_command(0x60, true, KBC_CB_FIRMWARE);
	tk_printf("pic: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

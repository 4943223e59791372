/* tests/guests/mb/testdev.c - QEMU's test devices, as kvm-unit-tests style
 * kernels use them (QEMU 7.2 hw/misc/pc-testdev.c, hw/misc/pci-testdev.c;
 * the hypervisor's testdev=on, docs/pc.md "The test devices"):
 *   - pc-testdev's scratch register at 0xE0 (byte, word, dword; an
 *     unaligned access is refused), its byte lanes at 0xE8, the page-flush
 *     port 0xE4 (writes leave RAM as it was, reads 0), the IRQ-line ports
 *     0x2000+n: ISA IRQ n through the I/O APIC (edge and level, IRQ 0 on
 *     pin 2) and through the 8259; only byte writes act;
 *   - its 64 KiB MMIO window at 0xFF000000: bytes, words, dwords at any
 *     offset up to its end;
 *   - pci-testdev 1b36:0005 found by a bus 0 scan: its header, its BARs as
 *     SeaBIOS assigned them, their sizing, the command register deciding
 *     whether they answer, a BAR moved; its test table (select a test by
 *     writing its number at offset 0, read its header, count the writes at
 *     its offset: under TCG QEMU's ioeventfd emulation swallows the one
 *     write that matches the eventfd, so only the others count).
 * Command line "absent": the board has none of it (no testdev=on, no
 * -device): the ports read all ones and no PCI function is 1b36:0005;
 * "absent mmio" then reads 0xFF000000, which QEMU reads as 0 and the
 * hypervisor stops the VM for (checked per side by difftest.sh). Interrupt
 * lines 16-23 are never written: QEMU 7.2 aborts (isa_get_irq asserts).
 * Exit code: the number of failed checks. */
#include "tkdev.h"

#define TD_IOPORT      0xe0
#define TD_FLUSH       0xe4
#define TD_IOPORT_BYTE 0xe8
#define TD_IRQ_LINE    0x2000
#define TD_IOMEM       0xff000000u
#define TD_IOMEM_LEN   0x10000u

#define PCI_ADDR       0xcf8
#define PCI_DATA       0xcfc
#define TESTDEV_VENDOR 0x1b36
#define TESTDEV_DEVICE 0x0005

#define VEC_EDGE   0x45
#define VEC_LEVEL  0x47
#define VEC_PIN2   0x42
#define WAIT_US    200000u
#define QUIET_US   5000u

static inline void wr8(uint32_t a, uint8_t v) { *(volatile uint8_t *)phys(a) = v; }
static inline void wr16(uint32_t a, uint16_t v) { *(volatile uint16_t *)phys(a) = v; }
static inline void wr32(uint32_t a, uint32_t v) { *(volatile uint32_t *)phys(a) = v; }
static inline uint16_t rd16(uint32_t a) { return *(volatile uint16_t *)phys(a); }

/* ---- pc-testdev ports ----------------------------------------------------------- */

static void scratch_register(void)
{
	outl(TD_IOPORT, 0x12345678);
	tk_printf("0xe0: dword 0x%08x words 0x%04x 0x%04x bytes 0x%02x 0x%02x 0x%02x 0x%02x\n", inl(TD_IOPORT),
		  inw(TD_IOPORT), inw(TD_IOPORT + 2), inb(TD_IOPORT), inb(TD_IOPORT + 1), inb(TD_IOPORT + 2),
		  inb(TD_IOPORT + 3));
	outb(TD_IOPORT + 1, 0xab);
	tk_printf("0xe0: byte 0xab at 0xe1 -> 0x%08x\n", inl(TD_IOPORT));
	outw(TD_IOPORT + 2, 0xcdef);
	tk_printf("0xe0: word 0xcdef at 0xe2 -> 0x%08x\n", inl(TD_IOPORT));
	outb(TD_IOPORT + 3, 0x01);
	tk_printf("0xe0: byte 0x01 at 0xe3 -> 0x%08x\n", inl(TD_IOPORT));
	tk_printf("0xe0: unaligned reads: word 0xe1 0x%04x word 0xe3 0x%04x dword 0xe1 0x%08x dword 0xe2 0x%08x\n",
		  inw(TD_IOPORT + 1), inw(TD_IOPORT + 3), inl(TD_IOPORT + 1), inl(TD_IOPORT + 2));
	outw(TD_IOPORT + 1, 0x5555);
	outl(TD_IOPORT + 2, 0x66666666);
	outw(TD_IOPORT + 3, 0x7777);
	tk_printf("0xe0: after unaligned writes 0x%08x\n", inl(TD_IOPORT));

	tk_printf("0xe8: bytes 0x%02x 0x%02x 0x%02x 0x%02x words 0x%04x 0x%04x dword 0x%08x\n", inb(TD_IOPORT_BYTE),
		  inb(TD_IOPORT_BYTE + 1), inb(TD_IOPORT_BYTE + 2), inb(TD_IOPORT_BYTE + 3), inw(TD_IOPORT_BYTE),
		  inw(TD_IOPORT_BYTE + 2), inl(TD_IOPORT_BYTE));
	outb(TD_IOPORT_BYTE + 2, 0x11);
	tk_printf("0xe8: byte 0x11 at 0xea -> 0x%08x\n", inl(TD_IOPORT));
	outw(TD_IOPORT_BYTE, 0x2233);
	tk_printf("0xe8: word 0x2233 at 0xe8 -> 0x%08x\n", inl(TD_IOPORT));
	outl(TD_IOPORT_BYTE, 0x8899aabb);
	tk_printf("0xe8: dword 0x8899aabb -> 0x%08x\n", inl(TD_IOPORT));
	tk_printf("0xe8: unaligned reads: word 0xe9 0x%04x word 0xeb 0x%04x dword 0xea 0x%08x\n",
		  inw(TD_IOPORT_BYTE + 1), inw(TD_IOPORT_BYTE + 3), inl(TD_IOPORT_BYTE + 2));
	outw(TD_IOPORT_BYTE + 1, 0x4444);
	outl(TD_IOPORT_BYTE + 1, 0x55555555);
	tk_printf("0xe8: after unaligned writes 0x%08x\n", inl(TD_IOPORT));
	tk_printf("0xec-0xef (nothing): 0x%02x 0x%04x 0x%08x\n", inb(0xec), inw(0xee), inl(0xec));
}

static void flush_port(void)
{
	volatile uint32_t *ram = phys(0x200000);
	*ram = 0xfeedc0de;
	outl(TD_FLUSH, 0x200000);
	outl(TD_FLUSH, 0x200123);
	outb(TD_FLUSH, 0x20);
	outw(TD_FLUSH + 2, 0x20);
	tk_check(*ram == 0xfeedc0de, "flush: the page flushed keeps its contents (0x%08x)", *ram);
	tk_printf("flush: reads dword 0x%08x word 0x%04x 0x%04x byte 0x%02x 0x%02x\n", inl(TD_FLUSH), inw(TD_FLUSH),
		  inw(TD_FLUSH + 2), inb(TD_FLUSH), inb(TD_FLUSH + 3));
	tk_printf("0xe0 after the flush port: 0x%08x\n", inl(TD_IOPORT));
}

/* ---- IRQ lines ----------------------------------------------------------------------- */

static volatile uint32_t edge_count, level_count, pin2_count, pic_count, level_stop = 3;
static volatile uint32_t pic_vector;

static void on_edge(struct tk_trap_frame *f)
{
	(void)f;
	edge_count++;
	lapic_eoi();
}

static void on_pin2(struct tk_trap_frame *f)
{
	(void)f;
	pin2_count++;
	lapic_eoi();
}

/* A level interrupt comes again after each EOI while the line stays high:
 * the handler lowers it at the level_stop'th delivery. */
static void on_level(struct tk_trap_frame *f)
{
	(void)f;
	if (++level_count >= level_stop)
		outb(TD_IRQ_LINE + 7, 0);
	lapic_eoi();
}

static void on_pic(struct tk_trap_frame *f)
{
	pic_vector = f->vector;
	pic_count++;
	tk_pic_eoi(f->vector - TK_PIC_BASE1);
}

static void quiet(void)
{
	tk_sti();
	tk_delay_us(QUIET_US);
	tk_cli();
}

static void ioapic_lines(void)
{
	tk_printf("0x2000: reads byte 0x%02x word 0x%04x dword 0x%08x, 0x2017 0x%02x, 0x2010 0x%02x, 0x2018 (nothing) 0x%02x\n",
		  inb(TD_IRQ_LINE), inw(TD_IRQ_LINE), inl(TD_IRQ_LINE), inb(TD_IRQ_LINE + 23), inb(TD_IRQ_LINE + 16),
		  inb(TD_IRQ_LINE + 24));
	tk_lapic_enable();
	tk_pic_init(0);                 /* every 8259 input masked: the I/O APIC alone delivers */
	tk_set_vector(VEC_EDGE, on_edge);
	tk_set_vector(VEC_LEVEL, on_level);
	tk_set_vector(VEC_PIN2, on_pin2);

	/* Edge, pin 5: a rising edge each time the line goes 0 -> non-zero. */
	outb(TD_IRQ_LINE + 5, 0);
	tk_ioapic_route(5, VEC_EDGE, lapic_id());
	outb(TD_IRQ_LINE + 5, 1);
	tk_check(tk_wait_count(&edge_count, 1, WAIT_US), "irq line 5 (edge): interrupt at 0x%02x", VEC_EDGE);
	/* Not written again while high: QEMU's I/O APIC takes every assert of
	 * an edge pin as a new edge (hw/intc/ioapic.c), ours (and the 82093AA)
	 * only a rising one (docs/pc.md, known differences). */
	outb(TD_IRQ_LINE + 5, 0);
	outb(TD_IRQ_LINE + 5, 2);
	bool came = tk_wait_count(&edge_count, 2, WAIT_US);
	tk_check(came, "irq line 5: low then 2 is a second edge (%u)", edge_count);
	outb(TD_IRQ_LINE + 5, 0);
	outw(TD_IRQ_LINE + 4, 0x0101);
	outl(TD_IRQ_LINE + 4, 0x01010101);
	quiet();
	tk_check(edge_count == 2, "irq line 5: word and dword writes do nothing (%u)", edge_count);
	tk_ioapic_route(5, LVT_MASKED | VEC_EDGE, lapic_id());
	outb(TD_IRQ_LINE + 5, 1);
	quiet();
	tk_check(edge_count == 2, "irq line 5: masked pin, no interrupt (%u)", edge_count);
	outb(TD_IRQ_LINE + 5, 0);

	/* Level, pin 7, active high: delivered again after each EOI while high. */
	outb(TD_IRQ_LINE + 7, 0);
	tk_ioapic_route(7, 0x8000 | VEC_LEVEL, lapic_id());
	outb(TD_IRQ_LINE + 7, 1);
	tk_check(tk_wait_count(&level_count, 3, WAIT_US), "irq line 7 (level): interrupt at 0x%02x", VEC_LEVEL);
	quiet();
	tk_check(level_count == 3, "irq line 7: three deliveries until the handler lowered it (%u)", level_count);
	tk_printf("irq line 7: entry 0x%08x after (remote IRR clear)\n", tk_ioapic_read(0x10 + 2 * 7));
	tk_ioapic_route(7, LVT_MASKED | 0x8000 | VEC_LEVEL, lapic_id());

	/* IRQ 0 is pin 2. The PIT drives the same line: first a mode-0 count
	 * that ends with OUT0 high for good, then the test device's writes
	 * are the only ones. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 2);
	outb(PIT_CH0, 0);
	tk_delay_us(1000);
	outb(TD_IRQ_LINE + 0, 0);
	tk_ioapic_route(2, VEC_PIN2, lapic_id());
	outb(TD_IRQ_LINE + 0, 1);
	tk_check(tk_wait_count(&pin2_count, 1, WAIT_US), "irq line 0: I/O APIC pin 2 at 0x%02x", VEC_PIN2);
	outb(TD_IRQ_LINE + 0, 0);
	tk_ioapic_route(2, LVT_MASKED | VEC_PIN2, lapic_id());
}

static void pic_lines(void)
{
	tk_set_vector(TK_PIC_BASE1 + 3, on_pic);
	tk_set_vector(TK_PIC_BASE2 + 7, on_pic);
	outb(TD_IRQ_LINE + 3, 0);
	outb(TD_IRQ_LINE + 15, 0);
	tk_pic_mask((uint16_t)~((1u << 3) | (1u << 2) | (1u << 15)));
	outb(TD_IRQ_LINE + 3, 1);
	bool came = tk_wait_count(&pic_count, 1, WAIT_US);
	tk_check(came, "irq line 3: 8259 master at 0x%02x (0x%02x)", TK_PIC_BASE1 + 3, pic_vector);
	outb(TD_IRQ_LINE + 3, 0);
	outb(TD_IRQ_LINE + 15, 1);
	came = tk_wait_count(&pic_count, 2, WAIT_US);
	tk_check(came, "irq line 15: 8259 slave at 0x%02x (0x%02x)", TK_PIC_BASE2 + 7, pic_vector);
	outb(TD_IRQ_LINE + 15, 0);
	/* Held high with the IRQ masked: IRR shows it, nothing is delivered. */
	tk_pic_mask(0xffff);
	outb(TD_IRQ_LINE + 6, 1);
	quiet();
	tk_printf("irq line 6 high, masked: master irr 0x%02x, %u interrupts\n", tk_pic_irr(PIC1), pic_count);
	outb(TD_IRQ_LINE + 6, 0);
	tk_printf("irq line 6 low: master irr 0x%02x\n", tk_pic_irr(PIC1));
}

/* ---- the MMIO window ----------------------------------------------------------------- */

static void iomem(void)
{
	tk_printf("iomem: starts 0x%08x 0x%08x, ends 0x%08x\n", rd32(TD_IOMEM), rd32(TD_IOMEM + 0x8000),
		  rd32(TD_IOMEM + TD_IOMEM_LEN - 4));
	wr32(TD_IOMEM, 0x04030201);
	tk_printf("iomem: dword 0x04030201 at 0: bytes %02x %02x %02x %02x words 0x%04x 0x%04x\n", rd8(TD_IOMEM),
		  rd8(TD_IOMEM + 1), rd8(TD_IOMEM + 2), rd8(TD_IOMEM + 3), rd16(TD_IOMEM), rd16(TD_IOMEM + 2));
	wr8(TD_IOMEM + 1, 0xaa);
	wr16(TD_IOMEM + 2, 0xbbcc);
	tk_printf("iomem: byte at 1, word at 2 -> 0x%08x\n", rd32(TD_IOMEM));
	wr32(TD_IOMEM + 0x101, 0x11223344);
	wr16(TD_IOMEM + 0x107, 0x5566);
	tk_printf("iomem: unaligned: dword at 0x101 0x%08x word at 0x107 0x%04x, dwords 0x%08x 0x%08x 0x%08x\n",
		  rd32(TD_IOMEM + 0x101), rd16(TD_IOMEM + 0x107), rd32(TD_IOMEM + 0x100), rd32(TD_IOMEM + 0x104),
		  rd32(TD_IOMEM + 0x108));
	wr32(TD_IOMEM + TD_IOMEM_LEN - 4, 0xdeadbeef);
	tk_printf("iomem: the last dword 0x%08x, word 0x%04x, byte 0x%02x\n", rd32(TD_IOMEM + TD_IOMEM_LEN - 4),
		  rd16(TD_IOMEM + TD_IOMEM_LEN - 2), rd8(TD_IOMEM + TD_IOMEM_LEN - 1));
	wr8(TD_IOMEM + TD_IOMEM_LEN - 1, 0x12);
	wr16(TD_IOMEM + TD_IOMEM_LEN - 4, 0x3456);
	tk_printf("iomem: after byte/word writes at the end 0x%08x\n", rd32(TD_IOMEM + TD_IOMEM_LEN - 4));
	/* A string copy in and out: REP MOVS through the window. */
	static const char text[] = "pc-testdev iomem";
	char back[sizeof(text)];
	uint32_t d = TD_IOMEM + 0x4000, n = sizeof(text);
	const char *s = text;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	char *bd = back;
	uint32_t from = TD_IOMEM + 0x4000;
	n = sizeof(text);
	__asm__ volatile("rep movsb" : "+D"(bd), "+S"(from), "+c"(n) : : "memory");
	back[sizeof(back) - 1] = 0;
	tk_printf("iomem: rep movsb there and back: \"%s\"\n", back);
}

/* ---- pci-testdev ----------------------------------------------------------------------- */

static uint32_t pci_read(unsigned dev, unsigned reg)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (reg & 0xfc));
	return inl(PCI_DATA);
}

static void pci_write(unsigned dev, unsigned reg, uint32_t v)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (reg & 0xfc));
	outl(PCI_DATA, v);
}

static int find_testdev(void)
{
	int found = -1;
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read(dev, 0);
		if ((id & 0xffff) == 0xffff)
			continue;
		tk_printf("pci 00:%02x.0 %04x:%04x\n", dev, id & 0xffff, id >> 16);
		if (id == (TESTDEV_DEVICE << 16 | TESTDEV_VENDOR))
			found = (int)dev;
	}
	return found;
}

static uint32_t bar_size_mask(unsigned dev, unsigned bar)
{
	unsigned reg = 0x10 + 4 * bar;
	uint32_t old = pci_read(dev, reg);
	pci_write(dev, reg, 0xffffffffu);
	uint32_t mask = pci_read(dev, reg);
	pci_write(dev, reg, old);
	return mask;
}

static void count_line(const char *what, uint32_t mem)
{
	tk_printf("  %s: count %u\n", what, rd32(mem + 12));
}

static void test_header(const char *via, uint32_t mem)
{
	char name[32];
	unsigned i;
	for (i = 0; i < sizeof(name) - 1; i++) {
		name[i] = (char)rd8(mem + 16 + i);
		if (!name[i])
			break;
	}
	name[i] = 0;
	tk_printf("  %s: test %u width %u offset %u data 0x%02x count %u name \"%s\" (%u bytes)\n", via, rd8(mem),
		  rd8(mem + 1), rd32(mem + 4), rd8(mem + 8), rd32(mem + 12), name, i);
}

/* One access to a pci-testdev region and what the report shows after it:
 * the current test's header when the access selects a test (offset 0),
 * else its count. */
enum access { MEM8, MEM16, MEM32, IO8, IO16, IO32 };
struct step {
	const char *what;
	uint8_t access;
	uint16_t off;
	uint32_t val;
};

static const struct step steps[] = {
	{ "byte 0xfa at 2048", MEM8, 2048, 0xfa },
	{ "byte 0x12 at 2048", MEM8, 2048, 0x12 },
	{ "word 0x00fa at 2048", MEM16, 2048, 0x00fa },
	{ "dword 0xfa at 2048", MEM32, 2048, 0xfa },
	{ "word 0xfafa at 2047 (unaligned)", MEM16, 2047, 0xfafa },
	{ "byte 0xfa at 2049", MEM8, 2049, 0xfa },
	{ "mmio test 1 (dword 0x101 at 0)", MEM32, 0, 0x101 },
	{ "byte 0x33 at 2049 (the eventfd's)", MEM8, 2049, 0x33 },
	{ "word 0x3300 at 2048", MEM16, 2048, 0x3300 },
	{ "dword 0 at 2048", MEM32, 2048, 0 },
	{ "word at 2049 (unaligned)", MEM16, 2049, 0x0101 },
	{ "mmio test 2", MEM8, 0, 2 },
	{ "byte 0xfa at 2050 (the eventfd's)", MEM8, 2050, 0xfa },
	{ "byte 0x11 at 2050", MEM8, 2050, 0x11 },
	{ "word 0x00fa at 2050", MEM16, 2050, 0x00fa },
	{ "word 0xfa11 at 2050", MEM16, 2050, 0xfa11 },
	{ "mmio test 3 (none)", MEM8, 0, 3 },
	{ "io test 0", IO8, 0, 0 },
	{ "byte 0xfa at io 131", IO8, 131, 0xfa },
	{ "word 0xfa00 at io 130", IO16, 130, 0xfa00 },
	{ "word at io 131 (unaligned)", IO16, 131, 0x00fa },
	{ "byte 0xfa at mmio 131", MEM8, 131, 0xfa },
	{ "io test 1", IO8, 0, 1 },
	{ "byte 5 at io 132 (the eventfd's)", IO8, 132, 5 },
	{ "word 5 at io 132", IO16, 132, 5 },
	{ "dword 7 at io 132", IO32, 132, 7 },
	{ "io test 2", IO8, 0, 2 },
	{ "byte 0xfa at io 133 (the eventfd's)", IO8, 133, 0xfa },
	{ "byte 0x01 at io 133", IO8, 133, 0x01 },
	{ "byte 0xfa at mmio 133", MEM8, 133, 0xfa },
};

static void run_step(const struct step *st, uint32_t mem, uint16_t io)
{
	switch (st->access) {
	case MEM8: wr8(mem + st->off, (uint8_t)st->val); break;
	case MEM16: wr16(mem + st->off, (uint16_t)st->val); break;
	case MEM32: wr32(mem + st->off, st->val); break;
	case IO8: outb((uint16_t)(io + st->off), (uint8_t)st->val); break;
	case IO16: outw((uint16_t)(io + st->off), (uint16_t)st->val); break;
	case IO32: outl((uint16_t)(io + st->off), st->val); break;
	}
	if (st->off == 0)
		test_header(st->what, mem);
	else
		count_line(st->what, mem);
}

static void pci_testdev(unsigned dev)
{
	tk_printf("pci-testdev at 00:%02x.0:\n", dev);
	for (unsigned reg = 0; reg < 0x40; reg += 16)
		tk_printf("  %02x: %08x %08x %08x %08x\n", reg, pci_read(dev, reg), pci_read(dev, reg + 4),
			  pci_read(dev, reg + 8), pci_read(dev, reg + 12));
	tk_printf("  bar sizing: %08x %08x %08x\n", bar_size_mask(dev, 0), bar_size_mask(dev, 1), bar_size_mask(dev, 2));
	uint32_t mem = pci_read(dev, 0x10) & ~0xfu, io = pci_read(dev, 0x14) & ~0x3u;

	tk_printf("  no test: mmio 0x%08x io 0x%08x\n", rd32(mem), inl((uint16_t)io));
	wr8(mem, 0);
	test_header("mmio test 0", mem);
	tk_printf("  via io: 0x%08x 0x%08x 0x%08x word 0x%04x byte 0x%02x\n", inl((uint16_t)io), inl((uint16_t)(io + 4)),
		  inl((uint16_t)(io + 8)), inw((uint16_t)io), inb((uint16_t)(io + 16)));
	tk_printf("  unaligned: mmio word at 1 0x%04x dword at 5 0x%08x, io word at 1 0x%04x\n", rd16(mem + 1),
		  rd32(mem + 5), inw((uint16_t)(io + 1)));
	tk_printf("  past the name: 0x%02x 0x%02x 0x%08x\n", rd8(mem + 16 + 14), rd8(mem + 16 + 15), rd32(mem + 0x800));
	wr8(mem + 4, 0x55);
	wr32(mem + 12, 1234);
	test_header("header written", mem);
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		run_step(&steps[i], mem, (uint16_t)io);
	outb((uint16_t)io, 0xff);
	tk_printf("  io test 255 (none): 0x%08x\n", rd32(mem));
	outb((uint16_t)io, 0);

	/* The command register: I/O decoding off, the BAR stops answering. */
	uint32_t cmd = pci_read(dev, 4);
	pci_write(dev, 4, cmd & ~1u);
	tk_printf("  i/o decode off: io 0x%08x, command 0x%04x\n", inl((uint16_t)io), pci_read(dev, 4) & 0xffff);
	pci_write(dev, 4, cmd);
	tk_printf("  i/o decode on: io 0x%08x\n", inl((uint16_t)io));
	/* BAR 1 moved (its low bits read-only), BAR 0 moved. */
	pci_write(dev, 0x14, 0xd0ff);
	tk_printf("  bar1 0xd0ff -> 0x%08x: new 0x%08x old 0x%08x\n", pci_read(dev, 0x14), inl(0xd000),
		  inl((uint16_t)io));
	pci_write(dev, 0x14, io);
	pci_write(dev, 0x10, 0xfe000fff);
	tk_printf("  bar0 0xfe000fff -> 0x%08x: new 0x%08x\n", pci_read(dev, 0x10), rd32(0xfe000000));
	pci_write(dev, 0x10, mem);
	tk_printf("  bar0 back: 0x%08x\n", rd32(mem));
}

/* ---- the board without them ------------------------------------------------------------ */

static void absent(bool touch_mmio)
{
	tk_printf("absent: 0xe0 0x%08x 0xe4 0x%08x 0xe8 0x%08x 0x2000 0x%02x 0x2004 0x%04x\n", inl(TD_IOPORT),
		  inl(TD_FLUSH), inl(TD_IOPORT_BYTE), inb(TD_IRQ_LINE), inw(TD_IRQ_LINE + 4));
	outl(TD_IOPORT, 0x12345678);
	tk_printf("absent: 0xe0 after a write 0x%08x\n", inl(TD_IOPORT));
	tk_check(find_testdev() < 0, "absent: no pci-testdev on bus 0");
	if (touch_mmio) {
		tk_printf("absent: reading 0xff000000\n");
		tk_printf("absent: 0xff000000 reads 0x%08x\n", rd32(TD_IOMEM));
	}
}

int tk_main(const struct tk_entry *entry)
{
	tk_idt_init();
	tk_printf("testdev: QEMU's pc-testdev and pci-testdev\n");
	if (tk_has_arg(entry, "absent")) {
		absent(tk_has_arg(entry, "mmio"));
	} else {
		scratch_register();
		flush_port();
		ioapic_lines();
		pic_lines();
		iomem();
		int dev = find_testdev();
		if (tk_check(dev >= 0, "pci-testdev on bus 0"))
			pci_testdev((unsigned)dev);
	}
	tk_printf("testdev: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

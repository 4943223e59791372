/* tests/guests/mb/uart.c - COM1's 16550 as a guest sees it, QEMU 7.2's
 * hw/char/serial.c being the reference: the registers as the kernel finds
 * them, the scratch register, IER's four bits, the divisor latch and what
 * DLAB leaves alone, LCR, byte accesses of a word or dword; the THR-empty
 * interrupt (raised by an IER write, acknowledged by an IIR read, raised
 * again by a THR write, with a new edge on IRQ 4 even while it was still
 * pending); FCR (FIFO enable and IIR's bits 7:6, the flush a change of
 * the enable bit implies, the clear bits, the trigger levels); loopback
 * (MCR bit 4: MSR's top nibble from MCR's low one, no delta bits; bytes
 * written to THR received instead of sent, with LSR.DR, OE on an overrun
 * of the holding register or the 16-byte FIFO, the received-data and
 * line-status interrupts; out of loopback MSR as before); the probes of
 * Linux's 8250 driver (autoconfig's IER and loopback tests, its FIFO, EFR,
 * 16750 and XScale tests, the THRE and TXEN checks of startup) with what
 * it would conclude; and the character timeout (IIR 0x0C) a guest that
 * polls sees once the FIFO held a byte below the trigger level for four
 * character times.
 *
 * The report goes out through this UART, so nothing is printed while a
 * probe has the port in another state (loopback, DLAB, interrupts on): the
 * probes write what they read into a table, put the port back as it was
 * (LCR 0, MCR as the kernel found it, IER 0, FIFOs off, divisor 12) and
 * then print it. The IRQ 4 line is watched through the 8259's IRR with
 * the ELCR's IRQ 4 bit set (level: IRR follows the line) or clear (edge:
 * IRR latches a rising edge), IRQ 4 masked and interrupts off throughout.
 * The FIFO probes run at divisor 0xFFFF (about 1 baud: a character
 * timeout is tens of seconds away); only the timeout probe runs at 1200
 * baud, where the timeout is 33 ms away from each byte and read. Exit
 * code: the number of failed checks. */
#include "tkdev.h"
#include "hv/vdev/uart16550.h"

#define LCR_CONF_A   0x80      /* Linux's UART_LCR_CONF_MODE_A */
#define LCR_CONF_B   0xbf      /* Linux's UART_LCR_CONF_MODE_B */
#define ELCR1_IRQ4   0x10
#define IRQ4_BIT     0x10
#define TIMEOUT_DIV  96        /* the timeout probe's divisor: 1200 baud, a character 8.3 ms */
#define TIMEOUT_US   100000u   /* far beyond four characters at 1200 baud (33 ms) */

/* ---- the table ------------------------------------------------------------------ */

struct note {
	const char *what;
	uint32_t v;
	uint8_t width;   /* hex digits */
};

#define MAX_NOTES 320
static struct note notes[MAX_NOTES];
static unsigned nnotes, lost_notes;

static void note_w(const char *what, uint32_t v, uint8_t width)
{
	if (nnotes < MAX_NOTES)
		notes[nnotes++] = (struct note){ what, v, width };
	else
		lost_notes++;
}

static void note(const char *what, uint32_t v)
{
	note_w(what, v, 2);
}

static uint8_t rd(unsigned reg)
{
	return inb((uint16_t)(COM1 + reg));
}

static void wr(unsigned reg, uint8_t v)
{
	outb((uint16_t)(COM1 + reg), v);
}

/* Reads reg into the table under what. */
static uint8_t rec(const char *what, unsigned reg)
{
	uint8_t v = rd(reg);
	note(what, v);
	return v;
}

/* The IRQ 4 line (ELCR level) or its latched edge (ELCR edge). */
static void rec_irq4(const char *what)
{
	note(what, (tk_pic_irr(PIC1) & IRQ4_BIT) ? 1 : 0);
}

/* IRQ 4 in level mode, the line low. The 8259 takes the ELCR's mode at
 * the line's next change, so the line is raised (ETBEI) and lowered (the
 * IIR read) once first. */
static void irq4_level(void)
{
	outb(ELCR1, inb(ELCR1) | ELCR1_IRQ4);
	wr(UART_IER, 0x02);
	(void)rd(UART_IIR);
	wr(UART_IER, 0);
}

static void print_notes(const char *section)
{
	for (unsigned i = 0; i < nnotes; i++) {
		const struct note *n = &notes[i];
		if (n->width == 8)
			tk_printf("%s: %s 0x%08x\n", section, n->what, n->v);
		else if (n->width == 4)
			tk_printf("%s: %s 0x%04x\n", section, n->what, n->v);
		else
			tk_printf("%s: %s 0x%02x\n", section, n->what, n->v);
	}
	nnotes = 0;
}

/* ---- the port as it was ------------------------------------------------------------ */

static uint8_t mcr0;   /* MCR as the kernel found it (QEMU: OUT2) */

static void set_divisor(uint16_t d, uint8_t lcr)
{
	wr(UART_LCR, UART_LCR_DLAB);
	wr(UART_DLL, (uint8_t)d);
	wr(UART_DLM, (uint8_t)(d >> 8));
	wr(UART_LCR, lcr);
}

/* Back to where tk_putc works as it did: out of loopback, no DLAB, no
 * interrupt enabled, FIFOs off, 9600 baud, nothing left to receive. */
static void restore(void)
{
	wr(UART_IER, 0);
	wr(UART_MCR, mcr0);
	wr(UART_FCR, 0);
	set_divisor(12, 0);
	for (unsigned i = 0; i < 64 && (rd(UART_LSR) & UART_LSR_DR); i++)
		(void)rd(UART_RBR);
	(void)rd(UART_LSR);
	(void)rd(UART_IIR);
}

/* Empties the receiver through RBR while LSR says data is ready; how many
 * bytes came, their sum and the last one into the table. */
static unsigned drain(const char *what_count)
{
	unsigned n = 0, sum = 0, last = 0;

	while (n < 64 && (rd(UART_LSR) & UART_LSR_DR)) {
		last = rd(UART_RBR);
		sum += last;
		n++;
	}
	note(what_count, n);
	note("  their sum", sum);
	note("  the last", last);
	return n;
}

/* ---- the probes ---------------------------------------------------------------------- */

/* Every register, read without side effects that matter (IIR with no
 * interrupt enabled, RBR not read), and the divisor. */
static uint8_t state(const char *section)
{
	rec("ier", UART_IER);
	rec("iir", UART_IIR);
	rec("lcr", UART_LCR);
	uint8_t mcr = rec("mcr", UART_MCR);
	rec("lsr", UART_LSR);
	rec("msr", UART_MSR);
	rec("scr", UART_SCR);
	uint8_t lcr = rd(UART_LCR);
	wr(UART_LCR, lcr | UART_LCR_DLAB);
	rec("dll", UART_DLL);
	rec("dlm", UART_DLM);
	wr(UART_LCR, lcr);
	print_notes(section);
	return mcr;
}

static void scratch(void)
{
	static const uint8_t pattern[] = { 0x55, 0xaa, 0xa5, 0x5a, 0xff, 0x00 };
	for (unsigned i = 0; i < sizeof(pattern); i++) {
		wr(UART_SCR, pattern[i]);
		rec("scr after a write", UART_SCR);
	}
	wr(UART_SCR, 0x3c);
	wr(UART_LCR, UART_LCR_DLAB);
	rec("scr with DLAB", UART_SCR);
	wr(UART_LCR, 0);
	wr(UART_SCR, 0);
	print_notes("scratch");
}

static void ier_lcr(void)
{
	static const uint8_t ier_pattern[] = { 0xff, 0xf0, 0x05, 0x0a, 0x00 };
	for (unsigned i = 0; i < sizeof(ier_pattern); i++) {
		wr(UART_IER, ier_pattern[i]);
		rec("ier after a write", UART_IER);
	}
	wr(UART_IER, 0);
	static const uint8_t lcr_pattern[] = { 0x1f, 0x7f, 0x5b, 0x40, 0x03 };
	for (unsigned i = 0; i < sizeof(lcr_pattern); i++) {
		wr(UART_LCR, lcr_pattern[i]);
		rec("lcr after a write", UART_LCR);
	}
	wr(UART_LCR, 0);
	wr(UART_MCR, 0xff);
	rec("mcr after 0xff (loopback)", UART_MCR);
	wr(UART_MCR, 0x0f);
	rec("mcr after 0x0f", UART_MCR);
	wr(UART_MCR, mcr0);
	wr(UART_LSR, 0x00);
	wr(UART_MSR, 0x00);
	rec("lsr after a write", UART_LSR);
	rec("msr after a write", UART_MSR);
	print_notes("registers");
}

static void divisor(void)
{
	wr(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
	rec("dll", UART_DLL);
	rec("dlm", UART_DLM);
	wr(UART_DLL, 0x01);
	wr(UART_DLM, 0x02);
	rec("dll after 0x01", UART_DLL);
	rec("dlm after 0x02", UART_DLM);
	/* what DLAB leaves as it is */
	rec("lcr", UART_LCR);
	rec("iir with DLAB", UART_IIR);
	rec("mcr with DLAB", UART_MCR);
	rec("lsr with DLAB", UART_LSR);
	rec("msr with DLAB", UART_MSR);
	wr(UART_LCR, UART_LCR_8N1);
	rec("ier without DLAB (the DLM write left it)", UART_IER);
	rec("lsr without DLAB (the DLL write sent nothing)", UART_LSR);
	wr(UART_LCR, UART_LCR_DLAB);
	rec("dll again", UART_DLL);
	rec("dlm again", UART_DLM);
	set_divisor(12, 0);
	wr(UART_LCR, UART_LCR_DLAB);
	rec("dll restored", UART_DLL);
	rec("dlm restored", UART_DLM);
	wr(UART_LCR, 0);
	print_notes("divisor");
}

/* Word and dword accesses: one byte access per register, lowest first. */
static void wide(void)
{
	wr(UART_LCR, UART_LCR_DLAB);
	note_w("inw dll/dlm", inw(COM1 + UART_DLL), 4);
	outw(COM1 + UART_DLL, 0x0201);
	note_w("inw dll/dlm after outw 0x0201", inw(COM1 + UART_DLL), 4);
	outw(COM1 + UART_DLL, 12);
	wr(UART_LCR, 0);
	note_w("inw lcr/mcr", inw(COM1 + UART_LCR), 4);
	note_w("inl mcr/lsr/msr/scr", inl(COM1 + UART_MCR), 8);
	outw(COM1 + UART_MSR, 0x5a00);
	rec("scr after outw msr/scr 0x5a00", UART_SCR);
	outl(COM1 + UART_MCR, mcr0);
	rec("scr after outl mcr..scr", UART_SCR);
	note_w("inw ier/iir", inw(COM1 + UART_IER), 4);
	outw(COM1 + UART_LCR, (uint16_t)(mcr0 << 8 | UART_LCR_8N1));
	note_w("inw lcr/mcr after outw", inw(COM1 + UART_LCR), 4);
	wr(UART_LCR, 0);
	print_notes("wide");
}

/* The THR-empty interrupt: IER and IIR, the line in level mode. */
static void thre(void)
{
	uint8_t elcr = inb(ELCR1);
	irq4_level();
	wr(UART_IER, 0x02);
	rec_irq4("irq 4 with ETBEI (level)");
	rec("iir after ETBEI", UART_IIR);
	rec_irq4("irq 4 after the iir read");
	rec("iir again", UART_IIR);
	wr(UART_IER, 0x02);
	rec("iir after ETBEI written again", UART_IIR);
	wr(UART_IER, 0x00);
	rec("iir after IER 0", UART_IIR);
	wr(UART_IER, 0x02);
	rec("iir after ETBEI again", UART_IIR);
	wr(UART_IER, 0x03);
	rec("iir after ERBFI added", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_IER, 0x0e);
	rec("iir after IER 0x0e", UART_IIR);
	rec("lsr", UART_LSR);
	wr(UART_IER, 0);
	rec_irq4("irq 4 after IER 0");
	outb(ELCR1, elcr);
	print_notes("thre");
}

static void fifo(void)
{
	static const uint8_t fcr_pattern[] = { 0x01, 0x07, 0x41, 0x81, 0xc1, 0x21, 0x09, 0x00, 0x06 };
	for (unsigned i = 0; i < sizeof(fcr_pattern); i++) {
		wr(UART_FCR, fcr_pattern[i]);
		rec("iir after an fcr write", UART_IIR);
	}
	/* The enable bit's change flushes the transmitter too: THR empty again. */
	wr(UART_IER, 0x02);
	rec("iir, ETBEI on", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_FCR, 0x01);
	rec("iir after the FIFOs went on", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_FCR, 0x01);
	rec("iir after FCR 0x01 again", UART_IIR);
	wr(UART_FCR, 0x05);
	rec("iir after the transmit clear", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_FCR, 0x03);
	rec("iir after the receive clear", UART_IIR);
	wr(UART_FCR, 0x00);
	rec("iir after the FIFOs went off", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_IER, 0);
	print_notes("fifo");
}

/* MSR in loopback: DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD. */
static void loopback_msr(void)
{
	for (unsigned m = 0; m < 16; m++) {
		wr(UART_MCR, (uint8_t)(UART_MCR_LOOP | m));
		note("mcr", UART_MCR_LOOP | m);
		rec("  msr", UART_MSR);
		rec("  msr again", UART_MSR);
	}
	/* the modem-status interrupt: nothing to report */
	wr(UART_IER, 0x08);
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_MCR, UART_MCR_LOOP | 0x0f);
	rec("iir with EDSSI after MCR changes", UART_IIR);
	rec("msr", UART_MSR);
	wr(UART_IER, 0);
	wr(UART_MCR, mcr0);
	rec("msr out of loopback", UART_MSR);
	rec("msr again", UART_MSR);
	rec("mcr", UART_MCR);
	print_notes("loopback msr");
}

/* Bytes through the loopback without FIFOs: the holding register. */
static void loopback_holding(void)
{
	uint8_t elcr = inb(ELCR1);

	set_divisor(0xffff, UART_LCR_8N1);
	wr(UART_MCR, UART_MCR_LOOP | mcr0);
	rec("lsr", UART_LSR);
	wr(UART_THR, 'A');
	rec("lsr after 'A'", UART_LSR);
	rec("rbr", UART_RBR);
	rec("lsr", UART_LSR);
	rec("rbr again (nothing new)", UART_RBR);
	wr(UART_THR, 'B');
	wr(UART_THR, 'C');
	rec("lsr after 'B' 'C' (overrun)", UART_LSR);
	rec("lsr again", UART_LSR);
	rec("rbr", UART_RBR);
	rec("lsr", UART_LSR);

	irq4_level();
	wr(UART_IER, 0x01);
	rec_irq4("irq 4, ERBFI, nothing received");
	wr(UART_THR, 'D');
	rec("iir after 'D', ERBFI", UART_IIR);
	rec_irq4("irq 4");
	rec("rbr", UART_RBR);
	rec("iir after the read", UART_IIR);
	rec_irq4("irq 4");
	wr(UART_IER, 0x05);
	wr(UART_THR, 'E');
	wr(UART_THR, 'F');
	rec("iir after 'E' 'F', ERBFI|ELSI", UART_IIR);
	rec_irq4("irq 4");
	rec("lsr", UART_LSR);
	rec("iir after the lsr read", UART_IIR);
	rec("rbr", UART_RBR);
	rec("iir after the rbr read", UART_IIR);
	rec_irq4("irq 4");
	wr(UART_IER, 0x03);
	rec("iir, ETBEI added", UART_IIR);
	wr(UART_THR, 'G');
	rec("iir after 'G'", UART_IIR);
	rec("rbr", UART_RBR);
	rec("iir after the read", UART_IIR);
	rec("iir again", UART_IIR);
	wr(UART_IER, 0);
	rec_irq4("irq 4, IER 0");

	/* Edge mode: a THR write while the THR-empty interrupt is still
	 * pending drops the line and raises it again, a new edge. */
	outb(ELCR1, elcr & (uint8_t)~ELCR1_IRQ4);
	wr(UART_IER, 0x02);
	uint8_t imr = inb(PIC1 + 1);
	outb(PIC1 + 1, (uint8_t)~IRQ4_BIT);
	outb(PIC1, OCW3_POLL);
	note("8259 poll with THR empty pending", inb(PIC1));
	outb(PIC1, OCW2_EOI_SPECIFIC | 4);
	outb(PIC1 + 1, imr | IRQ4_BIT);
	rec_irq4("irq 4 latched after the poll (edge)");
	wr(UART_THR, 'H');
	rec_irq4("irq 4 latched after 'H'");
	rec("iir", UART_IIR);
	rec("rbr", UART_RBR);
	wr(UART_IER, 0);
	outb(ELCR1, elcr);

	/* FCR's receive clear without FIFOs: DR goes, RBR keeps its byte. */
	wr(UART_THR, 'I');
	wr(UART_FCR, 0x02);
	rec("lsr after 'I' and the receive clear", UART_LSR);
	rec("rbr", UART_RBR);
	restore();
	print_notes("loopback");
}

/* Bytes through the loopback into the 16-byte receive FIFO. */
static void loopback_fifo(void)
{
	set_divisor(0xffff, UART_LCR_8N1);
	wr(UART_MCR, UART_MCR_LOOP | mcr0);
	wr(UART_FCR, 0x07);
	wr(UART_THR, 'a');
	wr(UART_THR, 'b');
	wr(UART_THR, 'c');
	rec("lsr after 'a' 'b' 'c'", UART_LSR);
	wr(UART_IER, 0x01);
	rec("iir, ERBFI", UART_IIR);
	rec("rbr", UART_RBR);
	rec("rbr", UART_RBR);
	rec("lsr", UART_LSR);
	rec("rbr", UART_RBR);
	rec("lsr", UART_LSR);
	rec("iir", UART_IIR);
	rec("rbr with the FIFO empty", UART_RBR);
	wr(UART_IER, 0);

	for (unsigned i = 0; i < 20; i++)
		wr(UART_THR, (uint8_t)(0x30 + i));
	rec("lsr after 20 bytes", UART_LSR);
	rec("lsr again", UART_LSR);
	drain("bytes received of 20");

	/* the trigger levels: RDI from 1, 4, 8, 14 bytes */
	static const uint8_t fcr_itl[] = { 0x01, 0x41, 0x81, 0xc1 };
	static const uint8_t itl[] = { 1, 4, 8, 14 };
	wr(UART_IER, 0x01);
	for (unsigned t = 0; t < 4; t++) {
		wr(UART_FCR, fcr_itl[t] | 0x02);
		note("trigger level", itl[t]);
		for (unsigned i = 1; i <= 15; i++) {
			wr(UART_THR, (uint8_t)i);
			if (i + 1 >= itl[t] && i <= itl[t] + 1u)
				rec(i == itl[t] ? "  iir at the level" : i < itl[t] ? "  iir one below"
										     : "  iir one above",
				    UART_IIR);
		}
		rec("  rbr", UART_RBR);
		rec("  iir after one read", UART_IIR);
		drain("  bytes left");
	}
	wr(UART_IER, 0);

	/* a change of the enable bit flushes; so does the receive clear */
	wr(UART_FCR, 0x01);
	wr(UART_THR, 'x');
	wr(UART_THR, 'y');
	wr(UART_FCR, 0x00);
	rec("lsr after the FIFOs went off", UART_LSR);
	rec("rbr", UART_RBR);
	wr(UART_FCR, 0x01);
	wr(UART_THR, 'z');
	wr(UART_FCR, 0x03);
	rec("lsr after the receive clear", UART_LSR);
	rec("rbr", UART_RBR);
	restore();
	print_notes("loopback fifo");
}

/* Linux's drivers/tty/serial/8250/8250_port.c: autoconfig() and the two
 * checks of serial8250_do_startup(), register for register. */
static void linux_probe(void)
{
	uint8_t scratch = rd(UART_IER);
	wr(UART_IER, 0);
	uint8_t scratch2 = rd(UART_IER) & 0x0f;
	wr(UART_IER, 0x0f);
	uint8_t scratch3 = rd(UART_IER) & 0x0f;
	wr(UART_IER, scratch);
	note("ier test: 0 reads", scratch2);
	note("ier test: 0x0f reads", scratch3);
	bool present = scratch2 == 0 && scratch3 == 0x0f;

	uint8_t save_mcr = rd(UART_MCR), save_lcr = rd(UART_LCR);
	wr(UART_MCR, UART_MCR_LOOP | 0x0a);
	uint8_t status1 = rd(UART_MSR) & 0xf0;
	wr(UART_MCR, save_mcr);
	note("loop test: msr & 0xf0", status1);
	bool loop_ok = status1 == 0x90;

	wr(UART_LCR, LCR_CONF_B);
	wr(2, 0);                                     /* EFR */
	wr(UART_LCR, 0);
	wr(UART_FCR, 0x01);
	uint8_t iir = rd(UART_IIR);
	note("iir with the FIFO enabled", iir);
	unsigned kind = iir >> 6;

	/* autoconfig_16550a */
	wr(UART_LCR, LCR_CONF_A);
	uint8_t efr_a = rd(2);
	wr(UART_LCR, LCR_CONF_B);
	uint8_t efr_b = rd(2);
	note("efr at LCR 0x80", efr_a);
	note("efr at LCR 0xbf", efr_b);
	wr(UART_LCR, 0);
	uint8_t m1 = rd(UART_MCR);
	wr(UART_LCR, 0xe0);
	uint8_t excr1 = rd(2);
	note("excr1 (bank 2)", excr1);
	bool ns16550 = false;
	if (!((excr1 ^ m1) & UART_MCR_LOOP)) {
		wr(UART_LCR, 0);
		wr(UART_MCR, m1 ^ UART_MCR_LOOP);
		wr(UART_LCR, 0xe0);
		excr1 = rd(2);
		wr(UART_LCR, 0);
		wr(UART_MCR, m1);
		ns16550 = (excr1 ^ m1) & UART_MCR_LOOP;
		note("excr1 with the loop bit flipped", excr1);
	}
	wr(UART_LCR, 0);
	wr(UART_FCR, 0x01 | 0x20);
	uint8_t s16750a = rd(UART_IIR) & 0x20;
	wr(UART_FCR, 0);
	wr(UART_LCR, LCR_CONF_A);
	wr(UART_FCR, 0x01 | 0x20);
	uint8_t s16750b = rd(UART_IIR) & 0x20;
	wr(UART_FCR, 0);
	wr(UART_LCR, 0);
	note("16750 test without DLAB", s16750a);
	note("16750 test with DLAB", s16750b);
	uint8_t iersave = rd(UART_IER);
	wr(UART_IER, iersave & (uint8_t)~0x40);
	bool xscale = false;
	if (!(rd(UART_IER) & 0x40)) {
		wr(UART_IER, iersave | 0x40);
		xscale = rd(UART_IER) & 0x40;
	}
	wr(UART_IER, iersave);
	wr(UART_LCR, save_lcr);
	wr(UART_MCR, save_mcr);
	wr(UART_FCR, 0x01);                                /* serial8250_clear_fifos */
	wr(UART_FCR, 0x07);
	wr(UART_FCR, 0x00);
	(void)rd(UART_RBR);
	wr(UART_IER, 0);

	/* serial8250_do_startup: UART_BUG_THRE, then UART_BUG_TXEN */
	wr(UART_IER, 0x02);
	uint8_t iir1 = rd(UART_IIR);
	wr(UART_IER, 0);
	wr(UART_IER, 0x02);
	uint8_t iir2 = rd(UART_IIR);
	wr(UART_IER, 0);
	note("thre test: iir", iir1);
	note("thre test: iir after IER toggled", iir2);
	bool bug_thre = !(iir1 & UART_IIR_NO_INT) && (iir2 & UART_IIR_NO_INT);
	wr(UART_IER, 0x02);
	uint8_t lsr = rd(UART_LSR);
	iir = rd(UART_IIR);
	wr(UART_IER, 0);
	note("txen test: lsr", lsr);
	note("txen test: iir", iir);
	bool bug_txen = (lsr & 0x40) && (iir & UART_IIR_NO_INT);
	restore();

	print_notes("linux");
	tk_check(present, "linux: a UART is there (IER test)");
	tk_check(loop_ok, "linux: the loopback test (MSR & 0xf0 == 0x90 with MCR 0x1a)");
	tk_check(kind == 3, "linux: FIFOs (IIR bits 7:6 = 3): a 16550A");
	tk_check(efr_a != 0 && efr_b != 0, "linux: no EFR");
	tk_check(!ns16550, "linux: not a National SuperIO");
	tk_check(!s16750a && !s16750b, "linux: not a TI16750");
	tk_check(!xscale, "linux: not an XScale");
	tk_check(!bug_thre, "linux: THRE reasserted (no UART_BUG_THRE)");
	tk_check(!bug_txen, "linux: THR empty raised on ETBEI (no UART_BUG_TXEN)");
}

/* A byte under the trigger level, not read: after four character times
 * IIR says character timeout, if ERBFI is set; reading RBR ends it. */
static void char_timeout(void)
{
	uint8_t elcr = inb(ELCR1);

	irq4_level();
	set_divisor(TIMEOUT_DIV, UART_LCR_8N1);
	wr(UART_MCR, UART_MCR_LOOP | mcr0);
	wr(UART_FCR, 0xc7);
	wr(UART_IER, 0x01);
	wr(UART_THR, 'T');
	uint8_t at_once = rd(UART_IIR);
	tk_delay_us(TIMEOUT_US);
	/* the line first: raised by the timeout itself, not by the IIR read */
	rec_irq4("irq 4 after four character times (level)");
	rec("iir after four character times", UART_IIR);
	rec("lsr", UART_LSR);
	wr(UART_IER, 0);
	rec("iir without ERBFI", UART_IIR);
	wr(UART_IER, 0x01);
	rec("iir with ERBFI again", UART_IIR);
	wr(UART_THR, 'U');
	rec("iir after another byte", UART_IIR);
	rec("rbr", UART_RBR);
	rec("iir after a read", UART_IIR);
	tk_delay_us(TIMEOUT_US);
	rec("iir four character times after the read", UART_IIR);
	rec("rbr", UART_RBR);
	rec("iir with the FIFO empty", UART_IIR);
	tk_delay_us(TIMEOUT_US);
	rec("iir four character times later", UART_IIR);
	rec_irq4("irq 4");
	restore();
	outb(ELCR1, elcr);
	tk_vary_match("0xc[1c]", "timeout: iir at once 0x%02x", at_once);
	print_notes("timeout");
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_cli();
	uint8_t imr = inb(PIC1 + 1);
	outb(PIC1 + 1, imr | IRQ4_BIT);
	mcr0 = state("initial");
	tk_printf("uart: 16550 at 0x%x as a guest sees it\n", COM1);
	scratch();
	ier_lcr();
	divisor();
	wide();
	thre();
	fifo();
	loopback_msr();
	loopback_holding();
	loopback_fifo();
	linux_probe();
	char_timeout();
	restore();
	state("final");
	outb(PIC1 + 1, imr);
	tk_check(lost_notes == 0, "uart: every value recorded (%u lost)", lost_notes);
	tk_printf("uart: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

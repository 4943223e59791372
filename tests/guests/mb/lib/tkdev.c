/* tests/guests/mb/lib/tkdev.c - The PC's devices for the test kernels
 * (interface and rules in tkdev.h). */
#include "tkdev.h"

#define KBC_STATUS_OBF  0x01
#define KBC_STATUS_IBF  0x02
#define KBC_POLLS       100000u   /* status reads before giving up on the 8042 */
#define KBC_CMD_READ_CB 0x20
#define KBC_CMD_WRITE_KBD_OB 0xd2
#define KBC_CMD_WRITE_AUX_OB 0xd3
#define PIT_CH2_MODE0   0xb0      /* channel 2, LSB then MSB, mode 0, binary */
#define PIT_CHUNK_US    50000u    /* under 65535 PIT ticks (54.9 ms) */

uint8_t tk_cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);    /* bit 7 clear: NMI stays enabled, as the firmware left it */
	return inb(CMOS_DATA);
}

void tk_cmos_write(uint8_t reg, uint8_t val)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, val);
}

void tk_pic_init(uint8_t master_icw4_extra)
{
	outb(PIC1, 0x11);                        /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC1 + 1, TK_PIC_BASE1);            /* ICW2 */
	outb(PIC1 + 1, 0x04);                    /* ICW3: a slave on IR2 */
	outb(PIC1 + 1, 0x01 | master_icw4_extra);   /* ICW4: 8086 mode */
	outb(PIC2, 0x11);
	outb(PIC2 + 1, TK_PIC_BASE2);
	outb(PIC2 + 1, 0x02);                    /* ICW3: slave identity 2 */
	outb(PIC2 + 1, 0x01);
	tk_pic_mask(0xffff);
}

uint8_t tk_pic_irr(uint16_t base)
{
	outb(base, OCW3_READ_IRR);
	return inb(base);
}

uint8_t tk_pic_isr(uint16_t base)
{
	outb(base, OCW3_READ_ISR);
	uint8_t v = inb(base);
	outb(base, OCW3_READ_IRR);
	return v;
}

void tk_pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2, OCW2_EOI);
	outb(PIC1, OCW2_EOI);
}

void tk_pic_mask(uint16_t mask)
{
	outb(PIC1 + 1, (uint8_t)mask);
	outb(PIC2 + 1, (uint8_t)(mask >> 8));
}

void tk_kbc_drain(void)
{
	for (unsigned i = 0; i < 16 && (inb(KBC_STATUS) & KBC_STATUS_OBF); i++)
		(void)inb(KBC_DATA);
}

static void kbc_wait_input_empty(void)
{
	for (unsigned i = 0; i < KBC_POLLS && (inb(KBC_STATUS) & KBC_STATUS_IBF); i++)
		;
}

void tk_kbc_command(uint8_t cmd, bool with_data, uint8_t data)
{
	kbc_wait_input_empty();
	outb(KBC_STATUS, cmd);
	if (with_data) {
		kbc_wait_input_empty();
		outb(KBC_DATA, data);
	}
}

void tk_kbc_raise_irq1(uint8_t byte)
{
	tk_kbc_command(KBC_CMD_WRITE_KBD_OB, true, byte);
}

void tk_kbc_raise_irq12(uint8_t byte)
{
	tk_kbc_command(KBC_CMD_WRITE_AUX_OB, true, byte);
}

uint8_t tk_kbc_command_byte(void)
{
	tk_kbc_command(KBC_CMD_READ_CB, false, 0);
	for (unsigned i = 0; i < KBC_POLLS; i++)
		if (inb(KBC_STATUS) & KBC_STATUS_OBF)
			return inb(KBC_DATA);
	return 0xff;
}

void tk_pit2_start(uint16_t ticks)
{
	uint8_t b = inb(PORT_B) & 0x0f;

	outb(PORT_B, (uint8_t)(b & ~(PORT_B_GATE2 | PORT_B_SPKR)));   /* gate low while programming */
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)ticks);
	outb(PIT_CH2, (uint8_t)(ticks >> 8));
	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPKR) | PORT_B_GATE2));
}

bool tk_pit2_done(void)
{
	return (inb(PORT_B) & PORT_B_OUT2) != 0;
}

static uint16_t us_to_ticks(uint32_t us)
{
	uint64_t t = tk_udiv64((uint64_t)us * PIT_HZ, 1000000u, NULL);
	return (uint16_t)(t < 1 ? 1 : t > 65535 ? 65535 : t);
}

/* One chunk of at most PIT_CHUNK_US, polling until OUT2 or *count reaches n. */
static bool chunk(uint32_t us, volatile uint32_t *count, uint32_t n)
{
	tk_pit2_start(us_to_ticks(us));
	while (!tk_pit2_done())
		if (count && *count >= n)
			return true;
	return count && *count >= n;
}

void tk_delay_us(uint32_t us)
{
	while (us) {
		uint32_t step = us > PIT_CHUNK_US ? PIT_CHUNK_US : us;
		chunk(step, NULL, 0);
		us -= step;
	}
}

bool tk_wait_count(volatile uint32_t *count, uint32_t n, uint32_t max_us)
{
	bool reached = *count >= n;

	tk_sti();
	while (!reached && max_us) {
		uint32_t step = max_us > PIT_CHUNK_US ? PIT_CHUNK_US : max_us;
		reached = chunk(step, count, n);
		max_us -= step;
	}
	tk_cli();
	return reached || *count >= n;
}

void tk_fwcfg_select(uint16_t key)
{
	outw(FWCFG_SEL, key);
}

void tk_fwcfg_read(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	for (uint32_t i = 0; i < len; i++)
		p[i] = inb(FWCFG_DATA);
}

uint32_t tk_fwcfg_le(uint16_t key, unsigned bytes)
{
	uint8_t b[4] = { 0 };

	tk_fwcfg_select(key);
	tk_fwcfg_read(b, bytes > 4 ? 4 : bytes);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void tk_lapic_enable(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x1ff);
}

void tk_lapic_ipi(unsigned dest_apic_id, uint32_t icr_lo)
{
	for (unsigned i = 0; i < 100000 && (lapic_read(LAPIC_ICR_LO) & ICR_PENDING); i++)
		;
	lapic_write(LAPIC_ICR_HI, dest_apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
}

uint32_t tk_ioapic_read(uint8_t reg)
{
	*(volatile uint32_t *)phys(IOAPIC_BASE) = reg;
	return rd32(IOAPIC_BASE + 0x10);
}

void tk_ioapic_write(uint8_t reg, uint32_t v)
{
	*(volatile uint32_t *)phys(IOAPIC_BASE) = reg;
	*(volatile uint32_t *)phys(IOAPIC_BASE + 0x10) = v;
}

void tk_ioapic_route(unsigned pin, uint32_t low, unsigned dest_apic_id)
{
	tk_ioapic_write((uint8_t)(0x10 + 2 * pin), LVT_MASKED);     /* masked while it changes */
	tk_ioapic_write((uint8_t)(0x11 + 2 * pin), dest_apic_id << 24);
	tk_ioapic_write((uint8_t)(0x10 + 2 * pin), low);
}

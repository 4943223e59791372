/* tests/guests/mb/lib/tkdev.h - The PC's devices as the test kernels drive
 * them (lib/tkdev.c): port numbers, the CMOS, the 8259 pair, the 8042's
 * write-output-buffer commands (an IRQ 1 or 12 on demand), and time from
 * the 8254's channel 2 (behind port 0x61), which every test kernel but
 * `pit` (which programs channel 2 itself) may use for delays and timeouts.
 *
 * Nothing here prints: a kernel's report is its own. Every wait is bounded
 * by PIT time, so a device that never answers ends the wait, not the test. */
#ifndef TKDEV_H
#define TKDEV_H

#include "tk.h"

/* ---- ports (docs/pc.md; hv/vdev/pc.c has the same table) ------------------ */
#define PIC1          0x20
#define PIC2          0xa0
#define ELCR1         0x4d0
#define ELCR2         0x4d1
#define PIT_CH0       0x40
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61      /* bit 0 GATE2, bit 1 speaker, bit 4 refresh, bit 5 OUT2 */
#define KBC_DATA      0x60
#define KBC_STATUS    0x64
#define CMOS_INDEX    0x70
#define CMOS_DATA     0x71
#define COM1          0x3f8
#define FWCFG_SEL     0x510
#define FWCFG_DATA    0x511
#define PM1A_CNT      0x604
#define PM_TMR        0x608

#define PIT_HZ        1193182u
#define PORT_B_GATE2  0x01
#define PORT_B_SPKR   0x02
#define PORT_B_OUT2   0x20

/* 8259A command words (Intel 8259A datasheet) */
#define OCW2_EOI           0x20    /* non-specific */
#define OCW2_EOI_SPECIFIC  0x60    /* | level */
#define OCW2_SET_PRIORITY  0xc0    /* | the level that becomes lowest */
#define OCW3_READ_IRR      0x0a
#define OCW3_READ_ISR      0x0b
#define OCW3_POLL          0x0c

/* The vector bases the kernels give the 8259 pair (tk_pic_init). */
#define TK_PIC_BASE1  0x20
#define TK_PIC_BASE2  0x28

/* ---- CMOS / RTC --------------------------------------------------------------- */
uint8_t tk_cmos_read(uint8_t reg);
void tk_cmos_write(uint8_t reg, uint8_t val);

/* ---- 8259 pair ------------------------------------------------------------------ */
/* ICW1-ICW4 on both (cascade on IR2, 8086 mode; icw4_extra ORed into ICW4,
 * e.g. 0x02 for auto-EOI on the master only), vector bases 0x20 and 0x28,
 * every IRQ masked. */
void tk_pic_init(uint8_t master_icw4_extra);
uint8_t tk_pic_irr(uint16_t base);
uint8_t tk_pic_isr(uint16_t base);
/* Non-specific EOI for ISA IRQ irq: the slave's and the master's for 8-15. */
void tk_pic_eoi(unsigned irq);
/* OCW1 of both chips (bit n of mask = IRQ n masked). */
void tk_pic_mask(uint16_t mask);

/* ---- 8042 -------------------------------------------------------------------------- */
/* Empties the output buffer (bounded): the IRQ 1/12 line drops. */
void tk_kbc_drain(void);
/* Writes a controller command and, if with_data, its data byte. */
void tk_kbc_command(uint8_t cmd, bool with_data, uint8_t data);
/* D2 / D3: byte into the output buffer as the keyboard's (IRQ 1 rises,
 * if the command byte enables it) or the mouse's (IRQ 12). */
void tk_kbc_raise_irq1(uint8_t byte);
void tk_kbc_raise_irq12(uint8_t byte);
/* The command byte (20), 0xff when no answer came. */
uint8_t tk_kbc_command_byte(void);

/* ---- time: PIT channel 2 ----------------------------------------------------------- */
/* Channel 2 in mode 0 with count ticks (1..65535), GATE2 raised, speaker
 * off: OUT2 (port 0x61 bit 5) rises ticks/1193182 s later. */
void tk_pit2_start(uint16_t ticks);
bool tk_pit2_done(void);
/* Busy-waits us microseconds of PIT time (any length; interrupts as they are). */
void tk_delay_us(uint32_t us);
/* With interrupts enabled, waits until *count >= n or max_us of PIT time
 * pass; interrupts disabled again on return. Whether *count got there. */
bool tk_wait_count(volatile uint32_t *count, uint32_t n, uint32_t max_us);

/* ---- fw_cfg (traditional interface) ---------------------------------------------------- */
void tk_fwcfg_select(uint16_t key);
void tk_fwcfg_read(void *buf, uint32_t len);
/* The first `bytes` (1-4) of item key, little-endian. */
uint32_t tk_fwcfg_le(uint16_t key, unsigned bytes);

/* ---- local APIC (xAPIC page) and I/O APIC ------------------------------------------------ */
#define LAPIC_BASE     0xfee00000u
#define LAPIC_ID       0x020
#define LAPIC_VERSION  0x030
#define LAPIC_TPR      0x080
#define LAPIC_EOI      0x0b0
#define LAPIC_SVR      0x0f0
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LAPIC_DIV_BY_16  0x3          /* divide configuration: bus clock / 16 */
#define LVT_MASKED     0x10000u
#define LVT_PERIODIC   0x20000u
#define ICR_INIT       0x00004500u   /* INIT, level assert */
#define ICR_STARTUP    0x00004600u   /* start-up, | the page number */
#define ICR_FIXED      0x00004000u   /* fixed, assert, | the vector */
#define ICR_PENDING    0x00001000u
#define IOAPIC_BASE    0xfec00000u

static inline uint32_t lapic_read(uint32_t reg) { return rd32(LAPIC_BASE + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)phys(LAPIC_BASE + reg) = v; }
static inline void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
static inline unsigned lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }
/* Software-enables this CPU's LAPIC: SVR 0x1ff (spurious vector 0xff), TPR 0. */
void tk_lapic_enable(void);
/* An IPI through the ICR: dest in bits 31:24 of ICR high, then ICR low. */
void tk_lapic_ipi(unsigned dest_apic_id, uint32_t icr_lo);
uint32_t tk_ioapic_read(uint8_t reg);
void tk_ioapic_write(uint8_t reg, uint32_t v);
/* Pin pin's redirection entry: low half (vector, mode, mask...), then the
 * destination APIC ID in bits 63:56. */
void tk_ioapic_route(unsigned pin, uint32_t low, unsigned dest_apic_id);

/* ---- TSC ------------------------------------------------------------------------------ */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif

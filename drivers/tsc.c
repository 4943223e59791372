/* drivers/tsc.c - TSC calibration against the 8254 PIT.
 *
 * PIT channel 2 is the one channel whose output software can read (port 0x61
 * bit 5) and whose gate it controls (port 0x61 bit 0), so it can time a
 * known interval without interrupts: load it in mode 0 (interrupt on
 * terminal count) with 2 ms worth of 1.193182 MHz ticks (2386: a resolution
 * of 0.04%) and count TSC cycles until OUT goes high. */
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "drivers/tsc.h"

#define PIT_HZ          1193182u
#define PIT_CH2_DATA    0x42
#define PIT_MODE_CMD    0x43
#define PORT_B          0x61       /* NMI status / speaker control */
#define PORTB_GATE2     0x01
#define PORTB_SPEAKER   0x02
#define PORTB_OUT2      0x20
#define CALIBRATE_MS    2
#define FALLBACK_KHZ    1000000ull
/* The wait is bounded in TSC cycles, not polls (each poll is a ~1 us port
 * read on real hardware): 2^31 cycles is under a second on any x86-64 CPU
 * and far more than the 2 ms a working PIT needs even at 20 GHz. */
#define PIT_WAIT_CYCLES (1ull << 31)
#define CALIBRATE_RUNS  3

static uint64_t boot_tsc;
static uint64_t khz = FALLBACK_KHZ;

void tsc_mark_boot(uint64_t tsc_at_handoff)
{
	boot_tsc = tsc_at_handoff ? tsc_at_handoff : rdtsc();
}

uint64_t tsc_ticks_since_boot(void)
{
	return rdtsc() - boot_tsc;
}

/* Cycles the TSC advances while PIT channel 2 counts down CALIBRATE_MS, or 0 when
 * the PIT never signals (absent, gated off, or a firmware that hides it). */
static uint64_t measure_interval(void)
{
	uint16_t ticks = PIT_HZ / (1000 / CALIBRATE_MS);
	uint8_t portb = inb(PORT_B);
	uint64_t start, now;
	bool done = false;

	/* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0, binary. */
	outb(PORT_B, (portb & ~PORTB_SPEAKER) | PORTB_GATE2);
	outb(PIT_MODE_CMD, 0xb0);
	outb(PIT_CH2_DATA, ticks & 0xff);
	outb(PIT_CH2_DATA, ticks >> 8);
	start = rdtsc();
	do {
		done = (inb(PORT_B) & PORTB_OUT2) != 0;
		now = rdtsc();
	} while (!done && now - start < PIT_WAIT_CYCLES);
	outb(PORT_B, portb);
	return done ? now - start : 0;
}

uint64_t tsc_calibrate(void)
{
	uint64_t best = 0;

	/* The shortest of a few runs: an SMI or a host preemption during one
	 * only ever makes it longer. */
	for (int run = 0; run < CALIBRATE_RUNS; run++) {
		uint64_t cycles = measure_interval();
		if (cycles && (!best || cycles < best))
			best = cycles;
	}
	if (best < CALIBRATE_MS) {   /* no PIT, or a TSC that does not count */
		khz = FALLBACK_KHZ;
		return 0;
	}
	khz = best / CALIBRATE_MS;
	return khz;
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_ns_since_boot(void)
{
	uint64_t delta = rdtsc() - boot_tsc;

	/* Split so delta * 1e6 cannot overflow 64 bits. */
	return (delta / khz) * 1000000ull + ((delta % khz) * 1000000ull) / khz;
}

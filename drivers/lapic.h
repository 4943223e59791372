/* drivers/lapic.h - The host's local APIC (xAPIC or x2APIC, as the firmware
 * left it): its ID, its timer, and the IPIs that wake the other CPUs. */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include "arch/x86/msr.h"
#include "lib/types.h"

#define APIC_BASE_BSP        BIT(8)
#define APIC_BASE_ENABLE     BIT(11)

/* Maps nothing (the direct map covers the LAPIC page); enables this CPU's
 * LAPIC in xAPIC mode with a spurious vector. */
void lapic_init_this_cpu(void);
uint32_t lapic_id(void);
/* Asks for x2APIC mode even where the firmware left xAPIC (x2apic=on);
 * effective if the CPU has it. Call before the first lapic_init_this_cpu(). */
void lapic_want_x2apic(bool on);
bool lapic_x2apic_mode(void);
/* INIT, then two STARTUP IPIs with the trampoline at page `vector` << 12
 * (Intel SDM 3A 8.4.4.1 / AMD APM Vol. 2 16.5: 10 ms after INIT, 200 us
 * between STARTUPs). Returns false if the ICR never reported delivery. */
bool lapic_start_ap(uint32_t apic_id, uint8_t vector);
/* INIT: puts a CPU back to waiting for a STARTUP IPI (one that did not
 * answer in time must not wake up later on reused memory). */
void lapic_stop_ap(uint32_t apic_id);

/* Vectors the hypervisor uses for its own interrupts (host IDT). The timer
 * is below 0xf0 so that it goes through traps_set_irq_handler() like any
 * other device interrupt (hv/timer.c registers the handler). */
#define VEC_IPI_WAKE   0xf0    /* "look at your work": wakes a halted CPU */
#define VEC_TIMER      0xef    /* this CPU's LAPIC timer: its deadline queue fired (hv/timer.c) */
#define VEC_LAPIC_SPURIOUS 0xff

/* ---- the timer (Intel SDM Vol. 3A, 10.5.4 "APIC Timer"; AMD APM Vol. 2,
 * 16.4.1 "APIC Timer Interrupt") ----------------------------------------
 * Used one deadline at a time: one-shot mode (an initial count that runs
 * down once at the bus clock / 16) or, where CPUID 1 ECX[24] says the CPU
 * has it, TSC-deadline mode (SDM 10.5.4.1: the interrupt comes when the TSC
 * reaches the value written to IA32_TSC_DEADLINE, MSR 0x6E0). Never
 * periodic: a CPU with nothing due takes no interrupt at all. */

/* Measures this CPU's LAPIC timer against the TSC (which tsc_calibrate()
 * measured against the PIT). Returns timer ticks per millisecond (divide
 * by 16), 0 if the timer does not count. Leaves the timer stopped. */
uint32_t lapic_timer_calibrate(void);
/* CPUID 1 ECX[24]: the LAPIC timer has TSC-deadline mode. */
bool lapic_timer_has_tsc_deadline(void);
/* Puts this CPU's timer in one-shot or TSC-deadline mode on VEC_TIMER,
 * unmasked and stopped. */
void lapic_timer_setup(bool tsc_deadline);
/* One-shot mode: one interrupt after `count` timer ticks (count 0 stops it:
 * SDM 10.5.4, a zero initial count stops the timer). */
void lapic_timer_oneshot(uint32_t count);
/* TSC-deadline mode: one interrupt once the TSC reaches tsc (at once if it
 * already has; 0 disarms). */
void lapic_timer_deadline(uint64_t tsc);
/* Stops the timer in either mode and masks it. */
void lapic_timer_stop(void);

/* The one-shot initial count for an interrupt no earlier than delta_tsc
 * TSC ticks from now: rounded up (an interrupt a little early would only
 * find nothing due and be programmed again), at least 1 (0 would stop the
 * timer), at most what the 32-bit count holds (a farther deadline fires
 * early and is programmed again for the rest). Pure; host-tested. */
static inline uint32_t lapic_oneshot_count(uint64_t delta_tsc, uint64_t tsc_khz, uint32_t ticks_per_ms)
{
	const uint64_t max = 0xffffffffu;

	/* Whole milliseconds and the rest apart: 64 bits suffice (rest *
	 * ticks_per_ms < 2^64 while tsc_khz < 2^32, i.e. below 4 THz). */
	if (!tsc_khz || !ticks_per_ms || tsc_khz > max)
		return (uint32_t)max;
	uint64_t ms = delta_tsc / tsc_khz, rest = delta_tsc % tsc_khz;
	if (ms > max / ticks_per_ms)
		return (uint32_t)max;
	uint64_t n = ms * ticks_per_ms + (rest * ticks_per_ms + tsc_khz - 1) / tsc_khz;
	return n == 0 ? 1 : n > max ? (uint32_t)max : (uint32_t)n;
}

/* Sends a fixed IPI with vector to the CPU with apic_id. */
bool lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif

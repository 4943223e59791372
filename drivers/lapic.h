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

/* Vectors the hypervisor uses for its own interrupts (host IDT). */
#define VEC_IPI_WAKE   0xf0    /* "look at your work": wakes a halted CPU */
#define VEC_TIMER      0xf1    /* this CPU's LAPIC timer: the scheduler's tick */
#define VEC_LAPIC_SPURIOUS 0xff

/* Measures this CPU's LAPIC timer against the TSC (which tsc_calibrate()
 * measured against the PIT). Returns timer ticks per millisecond (divide
 * by 16), 0 if the timer does not count. */
uint32_t lapic_timer_calibrate(void);
/* Periodic interrupts on VEC_TIMER every `ms` milliseconds; stop masks it. */
void lapic_timer_start(uint32_t ticks_per_ms, uint32_t ms);
void lapic_timer_stop(void);

/* Sends a fixed IPI with vector to the CPU with apic_id. */
bool lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif

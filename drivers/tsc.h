/* drivers/tsc.h - Time from the TSC, calibrated once against the PIT. */
#ifndef DRIVERS_TSC_H
#define DRIVERS_TSC_H

#include "lib/types.h"

/* Remembers the TSC at boot (the value read at the Multiboot2 hand-off), the
 * zero of every timestamp. */
void tsc_mark_boot(uint64_t tsc_at_handoff);
/* TSC ticks since then. */
uint64_t tsc_ticks_since_boot(void);
/* Measures the TSC frequency against PIT channel 2 (best of three 2 ms
 * runs). Returns kHz, or 0 when the PIT does not count: timestamps then
 * assume 1 GHz and the caller should say so. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
/* Nanoseconds since tsc_mark_boot(). */
uint64_t tsc_ns_since_boot(void);

#endif

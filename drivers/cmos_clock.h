/* drivers/cmos_clock.h - The machine's battery-backed clock (the MC146818
 * compatible RTC at ports 0x70/0x71), read once at boot: the wall-clock
 * time guests' RTCs start from. */
#ifndef DRIVERS_CMOS_CLOCK_H
#define DRIVERS_CMOS_CLOCK_H

#include "lib/types.h"

/* Reads the clock (UTC, as QEMU and most servers keep it) as Unix seconds.
 * False when it gives no valid date within a few update cycles. Boot CPU
 * only, before any guest runs (nothing else touches ports 0x70/0x71). */
bool cmos_clock_read(uint64_t *unix_seconds);

#endif

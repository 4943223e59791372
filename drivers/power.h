/* drivers/power.h - Machine power control: ACPI S5 power-off and reset. */
#ifndef DRIVERS_POWER_H
#define DRIVERS_POWER_H

#include "drivers/acpi_tables.h"
#include "lib/types.h"

/* Finds and logs the ACPI tables and remembers what power_off()/power_reset()
 * need. rsdp_copy/rsdp_len: the RSDP copy from the Multiboot2 ACPI tag (new
 * or old), or NULL to scan the EBDA and 0xE0000-0xFFFFF through the direct
 * map (which must already cover the first MiB and the ACPI tables). Never
 * fails: without usable tables power_off() halts and power_reset() skips the
 * ACPI reset register. */
void power_init(const void *rsdp_copy, size_t rsdp_len);

/* The ACPI tables power_init() found (NULL if none), for other table users
 * such as the MADT reader. */
const struct acpi_tables *acpi_host_tables(void);

/* ACPI S5 (soft off). Disables interrupts. If the machine is still running a
 * few seconds later (or S5 is not possible), logs why and halts forever. */
__noreturn void power_off(void);

/* Resets the machine: ACPI reset register, port 0xCF9, keyboard controller,
 * then a triple fault, logging each attempt. Disables interrupts. */
__noreturn void power_reset(void);

#endif

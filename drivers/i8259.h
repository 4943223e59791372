/* drivers/i8259.h - The host's legacy 8259A interrupt controllers. */
#ifndef DRIVERS_I8259_H
#define DRIVERS_I8259_H

/* Moves the PICs' vectors to 0x20-0x2f and masks every line. The BIOS leaves
 * IRQ0-7 on vectors 8-15, where a timer tick would look like a #DF; the
 * hypervisor takes its interrupts from the local APIC instead. */
void i8259_mask_all(void);

#endif

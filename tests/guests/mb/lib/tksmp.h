/* tests/guests/mb/lib/tksmp.h - Starting an application processor as an
 * OS does (Intel SDM Vol. 3, 9.4.4 "MP Initialization Example"; the MP
 * spec's INIT-SIPI-SIPI): INIT, 10 ms, a start-up IPI, 200 us, a second
 * one, to the AP's APIC ID, with the real-mode trampoline of
 * lib/ap_boot.asm at TK_AP_TRAMPOLINE. The AP runs entry() on stack_top
 * in 32-bit protected mode with the kernel's GDT and IDT loaded and its
 * LAPIC software-enabled; entry must not return (if it does, the AP
 * halts). One AP at a time: the trampoline has one stack slot. */
#ifndef TKSMP_H
#define TKSMP_H

#include "tk.h"

#define TK_AP_TRAMPOLINE 0x10000u     /* the page; the SIPI vector is 0x10 */

/* Starts the AP and waits until *started is non-zero (entry sets it) or
 * max_us of PIT time pass; whether it started. */
bool tk_ap_start(unsigned apic_id, void (*entry)(void), void *stack_top, volatile uint32_t *started,
		 uint32_t max_us);
/* What entry() calls first on the AP: the kernel's GDT and IDT, the LAPIC on. */
void tk_ap_setup(void);

#endif

/* hv/vdev/vacpi_pm.h - The ACPI power-management registers of the virtual
 * PC, where QEMU's PIIX4 PM has them (hv/vdev/pc_layout.h): the PM1a event
 * and control blocks and the PM timer at PC_PM_BASE (0x600), the GPE0
 * block at PC_GPE0_BLK (0xAFE0). Register layout: ACPI 6.5, 4.8.3
 * ("PM1 Event Grouping", "PM1 Control Grouping", "Power Management
 * Timer") and 5.2.9 (FADT); behaviour where the spec leaves a choice:
 * QEMU 7.2's hw/acpi/core.c and hw/acpi/piix4.c.
 *
 *   0x600 PM1_STS  (2)  TMR_STS (0), PWRBTN_STS (8), WAK_STS (15): write 1
 *                       to clear; the other bits read 0 (nothing sets them)
 *   0x602 PM1_EN   (2)  TMR_EN (0), PWRBTN_EN (8), ...: read back as
 *                       written (all 16 bits, as QEMU)
 *   0x604 PM1_CNT  (2)  SCI_EN (0), SLP_TYP (12:10), SLP_EN (13, write-only,
 *                       reads 0); the other bits read back as written
 *   0x608 PM_TMR   (4)  read-only: a 24-bit count at 3.579545 MHz from the
 *                       guest clock (bits 31:24 read 0; the FADT says
 *                       TMR_VAL_EXT = 0)
 *   0xAFE0 GPE0_STS (2) write 1 to clear; set only by vacpi_pm_set_gpe
 *   0xAFE2 GPE0_EN  (2)
 *   0xB2  APM_CNT  (1)  SMI_CMD: ACPI_ENABLE (0xF1) sets SCI_EN,
 *                       ACPI_DISABLE (0xF0) clears it; reads back as written
 *   0xB3  APM_STS  (1)  a byte that reads back as written
 *
 * Any size at any offset works byte by byte on the bytes it covers (a
 * status byte's 1 bits clear, an enable byte is stored); bytes past a
 * block read as all ones and are dropped on write. (QEMU answers byte
 * accesses to the upper bytes of PM1 oddly; nobody relies on it.)
 *
 * PM timer: count = floor(guest_tsc * 3579545 / hz) mod 2^24. TMR_STS is
 * set when bit 23 of the count changes (every 2^23 counts, 2.34 s) after it
 * was last cleared; it stays set until cleared (computed from the clock
 * whenever read, and at the deadline while TMR_EN is set).
 *
 * SCI (level, IRQ 9): asserted while PM1_STS & PM1_EN has TMR, GBL,
 * PWRBTN, SLPBTN or RTC set, or GPE0_STS & GPE0_EN is not zero. SCI_EN does
 * not gate it: QEMU's acpi_update_sci does not look at it either (an OS
 * sets SCI_EN before it enables events). QEMU looks only at the first GPE
 * byte; we look at both.
 *
 * Sleep: SLP_EN written with SLP_TYP 0 is S5, the only state our DSDT
 * declares (\_S5 = 0, as QEMU's piix4): poweroff_request(ctx), called
 * after the lock is released. Any other SLP_TYP is not supported (QEMU's
 * piix4 has S3 at 1 and S4 at 2; we declare neither, so an OS never asks):
 * the machine does not sleep and reports an immediate wake (WAK_STS set),
 * so an OS that waits for WAK_STS after the write goes on at once instead
 * of spinning.
 *
 * Reset: everything 0, SCI_EN too: the machine starts in legacy mode and
 * the OS switches it to ACPI mode by writing the FADT's ACPI_ENABLE to its
 * SMI_CMD (0xB2), as on QEMU's pc with SMM (its default under TCG: piix4's
 * acpi_only is false then, so PM1_CNT resets to 0; measured by the
 * pmtimer test kernel). The SCI is lowered.
 *
 * Locking: every entry point takes pm->lock; the SCI line and the deadline
 * hook are called with it held (vdev.h). */
#ifndef HV_VDEV_VACPI_PM_H
#define HV_VDEV_VACPI_PM_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VACPI_PM_TIMER_HZ    3579545u
#define VACPI_PM_TIMER_BITS  24

/* PM1_STS / PM1_EN bits (ACPI 6.5, tables 4.16 and 4.17) */
#define VACPI_PM1_TMR        0x0001u
#define VACPI_PM1_GBL        0x0020u
#define VACPI_PM1_PWRBTN     0x0100u
#define VACPI_PM1_SLPBTN     0x0200u
#define VACPI_PM1_RTC        0x0400u
#define VACPI_PM1_WAK_STS    0x8000u
/* PM1_CNT bits (table 4.18) */
#define VACPI_CNT_SCI_EN     0x0001u
#define VACPI_CNT_SLP_TYP_SHIFT 10
#define VACPI_CNT_SLP_TYP    0x1c00u
#define VACPI_CNT_SLP_EN     0x2000u
#define VACPI_S5_SLP_TYP     0u       /* our DSDT's \_S5 */

#define VACPI_PM_EVT_LEN     4u
#define VACPI_PM_CNT_LEN     2u
#define VACPI_PM_TMR_LEN     4u
#define VACPI_GPE0_LEN       4u
#define VACPI_APM_LEN        2u

struct vacpi_pm {
	struct spinlock lock;
	struct vclock clock;
	struct irq_line sci;
	struct vdev_deadline_hook hook;
	void (*poweroff_request)(void *ctx);
	void *ctx;
	uint16_t pm1_sts, pm1_en, pm1_cnt;   /* pm1_cnt without SLP_EN */
	uint16_t gpe0_sts, gpe0_en;
	uint8_t apm_control, apm_status;     /* ports 0xB2, 0xB3 */
	/* The count (not wrapped to 24 bits) at which bit 23 next changes
	 * after TMR_STS was last cleared: a multiple of 2^23. */
	uint64_t tmr_next_flip;
	bool sci_level;                      /* what the SCI line was last set to */
};

extern const struct pio_ops vacpi_pm_evt_ops;   /* 4 ports: PC_PM1A_EVT */
extern const struct pio_ops vacpi_pm_cnt_ops;   /* 2 ports: PC_PM1A_CNT */
extern const struct pio_ops vacpi_pm_tmr_ops;   /* 4 ports: PC_PM_TMR */
extern const struct pio_ops vacpi_pm_gpe_ops;   /* 4 ports: PC_GPE0_BLK */
extern const struct pio_ops vacpi_pm_apm_ops;   /* 2 ports: PC_SMI_CMD */

/* clock, sci and hook are copied (hz 0 is taken as 1; sci/hook NULL:
 * not connected). poweroff_request may be NULL. Then vacpi_pm_reset. */
void vacpi_pm_init(struct vacpi_pm *pm, const struct vclock *clock, const struct irq_line *sci,
		   const struct vdev_deadline_hook *hook, void (*poweroff_request)(void *ctx), void *ctx);
void vacpi_pm_reset(struct vacpi_pm *pm);

/* The power button is pressed: with PWRBTN_EN set, PWRBTN_STS is set and
 * the SCI follows; with it clear the press is dropped (false), as QEMU's
 * acpi_pm1_evt_power_down does (ACPI 4.8.3.1.1 would set the status bit
 * either way: a guest that enables PWRBTN_EN after a press would get an
 * SCI at once there, nothing on QEMU). The OS decides what follows (an
 * orderly shutdown ending in S5). */
bool vacpi_pm_power_button(struct vacpi_pm *pm);
/* A general-purpose event: GPE0_STS bit (0..15; others ignored) is set. */
void vacpi_pm_set_gpe(struct vacpi_pm *pm, unsigned bit);

/* The PM timer's 24-bit count now (what PM_TMR reads). */
uint32_t vacpi_pm_timer(struct vacpi_pm *pm);

/* Deadlines (vdev.h): while TMR_EN is set and TMR_STS clear, the guest
 * clock time of the next bit-23 change; otherwise VDEV_NO_DEADLINE. */
uint64_t vacpi_pm_next_deadline(struct vacpi_pm *pm);
void vacpi_pm_expire(struct vacpi_pm *pm, uint64_t now);

#endif

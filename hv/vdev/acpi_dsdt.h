/* hv/vdev/acpi_dsdt.h - The facts the virtual PC's DSDT (hv/vdev/dsdt.asl,
 * compiled by iasl at build time) and the C side of the ACPI tables share.
 *
 * iasl includes this file too (its preprocessor defines __IASL__), so the
 * part it reads holds plain integer #defines only: no C, no function-like
 * macros, no u/ull suffixes (iasl accepts none of these). The C-only part
 * checks these numbers against the board's own (pc_layout.h, vm_config.h)
 * at compile time, so the two descriptions cannot drift apart silently. */
#ifndef HV_VDEV_ACPI_DSDT_H
#define HV_VDEV_ACPI_DSDT_H

/* \_S5: the SLP_TYP value the OS writes to PM1a_CNT/PM1b_CNT, with SLP_EN,
 * to power off (ACPI 6.5, 7.4.2 and 4.8.3.2.1). QEMU's PIIX4 PM uses 0;
 * the PM1 control model must treat the same value as S5. */
#define ACPI_S5_SLP_TYP        0

/* ISA IRQs of the legacy devices the DSDT describes under the ISA bridge. */
#define ACPI_DSDT_IRQ_KBD      1
#define ACPI_DSDT_IRQ_COM1     4
#define ACPI_DSDT_IRQ_RTC      8
#define ACPI_DSDT_IRQ_MOUSE    12

/* PCI INTx routing. QEMU's pc machine routes slot S, pin P (INTA = 0) to
 * PIRQ link (S + P + 3) mod 4 (LNKA = 0) and SeaBIOS programs the PIIX
 * PIRQ registers with IRQs 10, 10, 11, 11 for links A-D. Our links are
 * fixed at those IRQs (no PIRQ register to reprogram): the DSDT's LNKA-D
 * each offer exactly one interrupt, level triggered, active high (as
 * QEMU's), and the MADT's interrupt source overrides say the same for
 * these ISA IRQs. The GSI is the ISA IRQ (identity, no override moves it). */
#define ACPI_PCI_LNKA_GSI      10
#define ACPI_PCI_LNKB_GSI      10
#define ACPI_PCI_LNKC_GSI      11
#define ACPI_PCI_LNKD_GSI      11
/* Slot 1's INTA is the PIIX4 PM function's (00:01.3), which is the SCI
 * wire: QEMU routes it through a link of its own, LNKS, fixed at the SCI's
 * IRQ, and so do we. The FADT's SCI_INT must be the same IRQ. */
#define ACPI_PCI_LNKS_GSI      9

/* The PCI root bridge's 32-bit memory window: from the top of the VM's low
 * RAM (3 GiB at most) to just below the IOAPIC, like QEMU's pc machine
 * (which starts it at the top of its low RAM and ends it at 0xFEBFFFFF). */
#define ACPI_PCI_MEM32_BASE    0xC0000000
#define ACPI_PCI_MEM32_LIMIT   0xFEBFFFFF
#define ACPI_PCI_MEM32_LEN     0x3EC00000   /* LIMIT - BASE + 1: a resource descriptor takes no expression */

/* The C-only part: the AML of the DSDT (header included) as iasl compiled
 * it, generated into build/hv/vdev/dsdt_aml.c from hv/vdev/dsdt.asl by
 * mk/acpi.mk, and the checks against the board. Only one-line comments
 * inside the block: iasl 20200925 never returns from a multi-line comment
 * in a block its preprocessor skips. */
#ifndef __IASL__
#include "lib/types.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vm_config.h"

extern const uint8_t acpi_dsdt_aml[];
extern const size_t acpi_dsdt_aml_len;

_Static_assert(ACPI_DSDT_IRQ_KBD == PC_IRQ_KBD, "DSDT keyboard IRQ is the board's");
_Static_assert(ACPI_DSDT_IRQ_COM1 == PC_IRQ_COM1, "DSDT COM1 IRQ is the board's");
_Static_assert(ACPI_DSDT_IRQ_RTC == PC_IRQ_RTC, "DSDT RTC IRQ is the board's");
_Static_assert(ACPI_DSDT_IRQ_MOUSE == PC_IRQ_MOUSE, "DSDT mouse IRQ is the board's");
_Static_assert(ACPI_PCI_LNKS_GSI == PC_IRQ_SCI, "DSDT SCI link is the board's SCI");
_Static_assert(ACPI_PCI_MEM32_BASE >= VM_LOW_RAM_TOP, "PCI window above all low RAM");
_Static_assert(ACPI_PCI_MEM32_LIMIT < PC_IOAPIC_GPA, "PCI window below the IOAPIC");
_Static_assert(ACPI_PCI_MEM32_LEN == ACPI_PCI_MEM32_LIMIT - ACPI_PCI_MEM32_BASE + 1, "PCI window length");
// The PCI links use ISA IRQs, so that MADT overrides can give their trigger and polarity.
_Static_assert(ACPI_PCI_LNKA_GSI < 16 && ACPI_PCI_LNKB_GSI < 16 && ACPI_PCI_LNKC_GSI < 16 &&
	       ACPI_PCI_LNKD_GSI < 16 && ACPI_PCI_LNKS_GSI < 16, "PCI links on ISA IRQs");
#endif

#endif

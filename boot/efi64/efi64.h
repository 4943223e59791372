/* boot/efi64/efi64.h - The EFI amd64 entry: GRUB on UEFI with boot services still running.
 *
 * mb2_efi64_entry (boot/efi64/entry64.asm) is where GRUB x86_64-efi jumps
 * when the Multiboot2 header has the EFI boot services and EFI amd64 entry
 * address tags (boot/entry.asm; Multiboot2 spec 3.1.8, 3.1.12, 3.5). It
 * calls efi64_take_over(), which gets the memory map, exits boot services
 * and makes the info block the hypervisor parses (boot/efi64/mbi_copy.h);
 * then it leaves long mode and enters mb2_entry, the 32-bit entry that
 * BIOS GRUB and hvboot.efi use. docs/boot.md, "The EFI amd64 entry". */
#ifndef BOOT_EFI64_EFI64_H
#define BOOT_EFI64_EFI64_H

#include "lib/types.h"

/* Set by the entry for hv_main, in .boot.data (identity-mapped until
 * mm/vmem.c switches CR3, so hv_main reads them before mm_init). */
extern uint8_t efi64_entry_taken;       /* 1 when GRUB came in through the EFI amd64 entry */
extern uint64_t efi64_entry_tsc;        /* the TSC at that entry (mb2_entry's is later) */

/* Called by mb2_efi64_entry on the firmware's stack and page tables, with
 * EAX and RBX as GRUB gave them. Returns the physical address (below 4 GiB:
 * inside the image) of the new info block, with boot services exited and
 * interrupts off; on any failure it says why on the firmware console and
 * COM1 and halts. */
uint32_t efi64_take_over(uint32_t magic, uint64_t grub_mbi);

#endif

/* boot/efi64/mbi_copy.h - The boot information the EFI amd64 entry hands on.
 *
 * GRUB entering through the EFI amd64 entry (Multiboot2 spec 3.5) leaves
 * boot services running, so its info block has the "EFI boot services not
 * terminated" tag (18), no EFI memory map (17), and a memory map (6) taken
 * before its last allocations. After ExitBootServices the hypervisor parses
 * a new block instead: GRUB's tags without 6, 17 and 18, then a tag 17
 * holding the map that ExitBootServices was given, then the end tag; the
 * rest of the boot then reads it as it reads a BIOS or hvboot.efi block.
 *
 * Pure code, no firmware calls: built into the image's .boot sections
 * (boot/efi64/exit_bs.c) and on the host (tests/unit/test_efi64_mbi.c).
 * GRUB's block is input: every tag is checked against its total_size
 * before it is read, and nothing is written past the new block's end. */
#ifndef BOOT_EFI64_MBI_COPY_H
#define BOOT_EFI64_MBI_COPY_H

#include "lib/types.h"

/* The new block while it is being made. */
struct mbi_copy {
	uint8_t *dst;        /* the new block, 8-byte aligned */
	uint32_t cap;        /* its size in bytes */
	uint32_t map_tag;    /* offset of the tag 17 opened after the copied tags */
};

/* Finds the first tag of the given type that holds a 64-bit value after
 * its header (the EFI 64-bit system table and image handle pointers, tags
 * 12 and 20) in the block at src. False when there is none or the block is
 * malformed before it. */
bool mbi_find_u64(const void *src, uint32_t type, uint64_t *value);

/* Copies GRUB's tags from src into dst (cap bytes), leaving out 6, 17 and
 * 18, and opens a tag 17 after them. Returns NULL, or why it cannot (a
 * malformed block, or too big for cap), as a line of text. */
const char *mbi_copy_tags(struct mbi_copy *c, const void *src, void *dst, uint32_t cap);

/* Where GetMemoryMap may write the descriptors: inside the open tag 17,
 * with *room bytes (8 are kept back for the end tag). */
uint8_t *mbi_copy_map_area(const struct mbi_copy *c, uint32_t *room);

/* Closes tag 17 around map_size bytes of descriptors written at the map
 * area, adds the end tag and sets total_size. Returns the block's size, or
 * 0 when map_size exceeds the room. */
uint32_t mbi_copy_finish(struct mbi_copy *c, uint32_t map_size, uint32_t descr_size, uint32_t descr_vers);

#endif

/* mm/bootmap.h - The firmware's memory map, as the boot loader handed it
 * over, turned into a normalised struct memmap. Pure logic: host-tested. */
#ifndef MM_BOOTMAP_H
#define MM_BOOTMAP_H

#include "boot/multiboot2.h"
#include "mm/memmap.h"

struct bootmap_result {
	const char *source;     /* "the EFI memory map", "the Multiboot2 memory map", or NULL: none */
	uint32_t entries;       /* firmware entries read */
	uint32_t dropped;       /* entries that could not be added (malformed, or the map was full) */
};

/* Adds every entry of the EFI memory map when the boot loader gave one (it is
 * the firmware's own and finer grained; GRUB derives the Multiboot2 map from
 * it), else of the Multiboot2 memory map, to m. Overlaps resolve as
 * memmap_add() says: the more restrictive type wins, in any order. */
void bootmap_load(struct memmap *m, const struct mb2_info *info, struct bootmap_result *res);

#endif

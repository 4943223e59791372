/* guest-loader/pc_memmap.h - The board's memory map as its firmware
 * reports it (the e820 list of INT 15h AX=E820h; Multiboot's mmap, Linux's
 * boot_params.e820_table): what QEMU 7.2's pc machine with SeaBIOS reports
 * for the same RAM size, less the firmware ranges in the 3-4 GiB hole
 * (QEMU lists its BIOS flash at 0xfffc0000) and the AMD HyperTransport
 * range at 1012 GiB, which the board does not have. Measured in docs/pc.md
 * ("Memory map"). Pure: host-tested.
 *
 *   0 - 0x9fbff             RAM (below the EBDA)
 *   0x9fc00 - 0x9ffff       reserved (the EBDA)
 *   0xf0000 - 0xfffff       reserved (the BIOS segment: the ACPI tables)
 *   1 MiB - top-128K        RAM (top: the RAM below 4 GiB, at most 3 GiB)
 *   top-128K - top          reserved (the firmware's high tables area)
 *   4 GiB - ...             RAM (the rest, when mem > 3 GiB)
 * The hole between the low RAM's top and 4 GiB is not listed. */
#ifndef GUEST_LOADER_PC_MEMMAP_H
#define GUEST_LOADER_PC_MEMMAP_H

#include "lib/types.h"

#define E820_RAM        1
#define E820_RESERVED   2
#define PC_MEMMAP_MAX   6
#define PC_MEMMAP_MIN_MEM_BYTES (2ull << 20)   /* below this there is no RAM above 1 MiB to list */

struct e820_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

/* The entries for mem bytes of guest RAM (>= PC_MEMMAP_MIN_MEM_BYTES, as
 * the VM core lays it out: hv/vm.h), in ascending order, into out[0..max).
 * Returns how many (0 if mem is too small or max too short). */
unsigned pc_memmap_build(uint64_t mem, struct e820_entry *out, unsigned max);

/* Whether [base, base + len) lies inside one RAM entry. */
bool pc_memmap_is_ram(const struct e820_entry *map, unsigned n, uint64_t base, uint64_t len);

#endif

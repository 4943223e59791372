/* mm/memmap.h - The physical memory map: firmware ranges normalised into one
 * sorted, non-overlapping list that says who owns every byte of RAM.
 *
 * Firmware maps (Multiboot2 or UEFI) arrive unsorted and may overlap. Each
 * range is overlaid with memmap_add(); where ranges overlap the higher
 * enum mem_type wins, so a reserved range can never be turned back into free
 * RAM by a later or earlier "available" entry. The kernel then claims RAM for
 * itself (image, boot info, low 1 MiB, allocator bitmap) with memmap_carve(),
 * which only retypes MEM_USABLE parts and so never turns a hole into RAM.
 * Pure logic: no hardware access, storage comes from the caller. */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "lib/types.h"

enum mem_type {            /* higher value wins where ranges overlap */
	MEM_USABLE = 1,        /* free RAM */
	MEM_ACPI_RECLAIM,      /* RAM holding ACPI tables (kept: we read them) */
	MEM_ACPI_NVS,          /* RAM the firmware keeps across sleep states */
	MEM_RESERVED,          /* firmware-reserved / MMIO / unknown types */
	MEM_BAD,               /* RAM reported defective */
	MEM_LOW_1M,            /* usable RAM below 1 MiB: BIOS data, IVT, AP trampoline */
	MEM_BOOTINFO,          /* Multiboot2 info block and modules */
	MEM_HYPERVISOR,        /* the hypervisor image */
	MEM_ALLOCATOR,         /* the page-frame allocator's own bitmap */
};
#define MEM_TYPE_MIN MEM_USABLE
#define MEM_TYPE_MAX MEM_ALLOCATOR

/* [start, end): an end of 2^64 cannot be expressed, the last byte is lost. */
struct mem_range {
	uint64_t start, end;
	enum mem_type type;
};

/* ranges[0..count) is always normalised: sorted by start, non-overlapping,
 * and no two touching ranges have the same type. */
struct memmap {
	struct mem_range *ranges;
	size_t count, capacity;
};

void memmap_init(struct memmap *m, struct mem_range *storage, size_t capacity);

/* Overlays [start, end) with type; the higher type wins where it overlaps what
 * is already there, holes it covers take its type. Returns 0, or -1 (map
 * unchanged) when start >= end, the type is not an enum mem_type, or the
 * normalised result would not fit in the capacity. */
int memmap_add(struct memmap *m, uint64_t start, uint64_t end, enum mem_type type);

/* Retypes only the MEM_USABLE parts of [start, end) to type; holes and every
 * other type are left alone. Returns 0 (also when nothing was usable), or -1
 * (map unchanged) on start >= end, a bad type, or capacity exceeded. */
int memmap_carve(struct memmap *m, uint64_t start, uint64_t end, enum mem_type type);

/* Lowest address a with a % align == 0 (align is raised to at least 4 KiB and
 * must be a power of two) such that [a, a + size rounded up to 4 KiB) is
 * usable and ends at or below `below`. False when no such run exists. */
bool memmap_find_free(const struct memmap *m, uint64_t size, uint64_t align,
		      uint64_t below, uint64_t *start);

/* Multiboot2 mmap types: 1 available, 3 ACPI, 4 NVS, 5 bad, else reserved. */
enum mem_type memmap_type_from_mb2(uint32_t mb2_type);
/* UEFI memory types, as the map reads after ExitBootServices(). */
enum mem_type memmap_type_from_efi(uint32_t efi_type);
/* "usable", "ACPI reclaim", "ACPI NVS", "reserved", "bad", "low 1M",
 * "boot info", "hypervisor", "allocator"; "unknown" for anything else. */
const char *memmap_type_name(enum mem_type t);

/* RAM-backed types: every type except MEM_RESERVED and MEM_BAD (MEM_LOW_1M,
 * MEM_BOOTINFO, MEM_HYPERVISOR and MEM_ALLOCATOR are only ever carved out of
 * usable RAM, ACPI reclaim and NVS are RAM the firmware lent out). */
bool memmap_type_is_ram(enum mem_type t);

struct memmap_stats {
	uint64_t ram_total;        /* bytes of every RAM-backed type, exact */
	uint64_t usable;           /* MEM_USABLE bytes, whole 4 KiB pages only */
	uint64_t reserved;         /* ram_total - usable (owned, or page fragments) */
	uint64_t above_4g;         /* RAM bytes at or above 4 GiB */
	uint64_t highest_ram_end;  /* end of the highest RAM-backed range, 0 if none */
	uint64_t highest_end;      /* end of the highest range of any type, 0 if none */
	uint64_t largest_free_start, largest_free_size;   /* largest run of whole
	                                                       usable pages (lowest on a tie) */
};
void memmap_stats(const struct memmap *m, struct memmap_stats *st);

/* The whole 4 KiB pages inside r: [*lo, *hi), false when there are none. */
bool memmap_range_pages(const struct mem_range *r, uint64_t *lo, uint64_t *hi);

#endif

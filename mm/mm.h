/* mm/mm.h - Taking ownership of physical memory at boot: the memory map,
 * the page-frame allocator and the final page tables, in that order. */
#ifndef MM_MM_H
#define MM_MM_H

#include "boot/multiboot2.h"
#include "lib/types.h"
#include "mm/hpt.h"
#include "mm/memmap.h"
#include "mm/pmm.h"

/* The machine's page frames; every other module allocates through it. */
extern struct pmm host_pmm;

/* Builds the memory map from the boot information (the EFI memory map when
 * present, else the Multiboot2 one), reserves the hypervisor, the boot
 * information, the modules and the low 1 MiB, hands the rest to host_pmm,
 * switches to the final page tables and logs the memory summary.
 * Panics with the reason if there is no usable map. */
void mm_init(const struct mb2_info *info, hpa_t mbi_pa);

/* One zeroed 4 KiB page from host_pmm, through the direct map; panics when
 * memory is exhausted (boot-time callers have no way to go on without it). */
void *mm_alloc_page_or_panic(const char *why);
/* One zeroed 4 KiB page, or NULL when memory is exhausted. */
void *mm_alloc_page(void);
/* Gives back a page from mm_alloc_page*(); a double free is a hypervisor bug (panic). */
void mm_free_page(void *page);
/* count contiguous frames, the first aligned to `align` frames (a power of
 * two); false when there is no such run. Safe on any CPU. */
bool mm_alloc_frames(uint64_t count, uint64_t align, hpa_t *pa);
/* Frees count frames at pa (from mm_alloc_*); panics on a double free. */
void mm_free_frames(hpa_t pa, uint64_t count);
/* The machine's memory map after boot-time carving (for finding a page below
 * 1 MiB for the AP trampoline, and for the debug shell). */
const struct memmap *mm_memmap(void);

/* The page-table source backed by host_pmm (for nested page tables), and
 * its parts, for sources that allocate differently (mm/vmem.c). */
extern const struct page_source mm_page_source;
void mm_source_free(void *ctx, void *page);
hpa_t mm_source_pa(void *ctx, void *page);
void *mm_source_va(void *ctx, hpa_t pa);

#endif

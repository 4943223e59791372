/* mm/vmem.h - The hypervisor's final address space (layout in mm/phys.h). */
#ifndef MM_VMEM_H
#define MM_VMEM_H

#include "lib/types.h"
#include "mm/memmap.h"

struct vmem_report {
	hpa_t direct_map_end;       /* end of the highest range the direct map covers */
	bool used_1g_pages;
	uint64_t table_pages;
	uint64_t guard_pages;
};

/* Builds the direct map (all of the low 4 GiB, and the RAM-backed ranges of
 * map above it) and the W^X image map, then loads it into CR3. The identity
 * map of boot time is gone afterwards. */
void vmem_init(const struct memmap *map, struct vmem_report *rep);

#endif

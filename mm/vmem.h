/* mm/vmem.h - The hypervisor's final address space (layout in mm/phys.h). */
#ifndef MM_VMEM_H
#define MM_VMEM_H

#include "lib/types.h"

struct vmem_report {
	hpa_t direct_map_end;       /* the direct map covers [0, direct_map_end) */
	bool used_1g_pages;
	uint64_t table_pages;
	uint64_t guard_pages;
};

/* Builds the direct map of [0, max(phys_end, 4 GiB)) and the W^X image map,
 * then loads it into CR3. The identity map of boot time is gone afterwards. */
void vmem_init(hpa_t phys_end, struct vmem_report *rep);

#endif

/* mm/phys.h - The hypervisor's virtual address layout.
 *
 *   0xffff800000000000  direct map: every physical address at +DIRECT_MAP_BASE
 *                       (RW, NX; covers all RAM and the 32-bit MMIO window)
 *   0xffffffff80000000  the hypervisor image (KERNEL_VMA + physical load address)
 *
 * Early boot maps the first 4 GiB at both addresses; mm/vmem.c builds the final
 * tables once the memory map is known. */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include "lib/types.h"

#define DIRECT_MAP_BASE 0xffff800000000000ull
#define KERNEL_VMA      0xffffffff80000000ull

/* Highest physical address (exclusive) the direct map covers right now. */
extern hpa_t direct_map_limit;

static inline void *phys_to_virt(hpa_t pa) { return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE); }

static inline hpa_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}

/* Pointer to [pa, pa+len) through the direct map, or NULL if any of it is not mapped. */
static inline void *phys_map_range(hpa_t pa, uint64_t len)
{
	if (pa + len < pa || pa + len > direct_map_limit)
		return NULL;
	return phys_to_virt(pa);
}

#endif

/* mm/pmm.h - The page-frame allocator core: one bit per 4 KiB host frame.
 *
 * The bitmap covers [0, limit) and is seeded from a normalised memory map:
 * only whole pages of MEM_USABLE ranges ever become free, everything else
 * (holes, firmware ranges, the hypervisor, the bitmap itself) stays marked used
 * forever. Pure logic: the caller provides the bitmap storage and maps nothing
 * for it; frames handed out are not touched (not even zeroed). Not locked:
 * callers serialise. */
#ifndef MM_PMM_H
#define MM_PMM_H

#include "lib/types.h"
#include "mm/memmap.h"

struct pmm {
	uint64_t *bitmap;        /* 1 = used or not available */
	uint64_t frame_count;    /* frames covered by the bitmap */
	uint64_t free_frames;
	uint64_t next_hint;      /* next-fit search start for pmm_alloc() */
	uint64_t usable_frames;  /* frames handed in as usable at init */
};

/* Bytes of bitmap for [0, limit) (limit is rounded down to a whole frame),
 * rounded up to whole 64-bit words. */
size_t pmm_bitmap_bytes(uint64_t limit);

/* Marks every frame used, then frees every whole 4 KiB page of every
 * MEM_USABLE range below limit. The map must already have the hypervisor,
 * boot info, low 1 MiB and the bitmap itself carved out. bitmap holds
 * pmm_bitmap_bytes(limit) bytes. */
void pmm_init(struct pmm *p, void *bitmap, uint64_t limit, const struct memmap *m);

/* One frame, next-fit from the last allocation; false when none is left. */
bool pmm_alloc(struct pmm *p, hpa_t *out);

/* count contiguous frames whose first frame number is a multiple of
 * align_frames (a power of two; 0 means 1), lowest such run first. False when
 * no such run exists, count is 0 or align_frames is not a power of two. */
bool pmm_alloc_contig(struct pmm *p, uint64_t count, uint64_t align_frames, hpa_t *out);

/* Returns 0, or -1 when [pa, pa + count frames) is unaligned, empty, outside
 * the bitmap, or any frame in it is already free (a double free: nothing is
 * changed). A frame that was never usable looks allocated: freeing one is a
 * caller bug this check cannot see. */
int pmm_free(struct pmm *p, hpa_t pa, uint64_t count);

/* False for used frames and for anything outside the bitmap. */
bool pmm_is_free(const struct pmm *p, hpa_t pa);

#endif

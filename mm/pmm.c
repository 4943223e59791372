/* mm/pmm.c - The page-frame allocator core: a bitmap of 4 KiB host frames.
 *
 * Design: a bitmap costs 32 KiB per GiB of RAM, needs no per-frame structures
 * in the frames themselves (so nothing ever has to be mapped to allocate), and
 * makes contiguous, aligned runs - 2 MiB pages, multi-page tables - a plain
 * scan. A set bit means "not available": frames that were never usable are
 * simply set forever, so the allocator never needs the memory map again after
 * pmm_init(). Scans work a 64-bit word at a time, skipping full words whole
 * and finding the bit with __builtin_ctzll, so even a 64 GiB bitmap (16 Mi
 * frames, 256 Ki words) is a short walk. Single frames are next-fit from the
 * last allocation, wrapping to the start once; contiguous runs are first-fit
 * from frame 0 so the low, fragmented end is reused before the high end is
 * broken up. */
#include "mm/pmm.h"

#define WORD_BITS 64u

static uint64_t words_for(uint64_t frames)
{
	return frames / WORD_BITS + (frames % WORD_BITS != 0);
}

size_t pmm_bitmap_bytes(uint64_t limit)
{
	return (size_t)(words_for(limit >> PAGE_SHIFT) * sizeof(uint64_t));
}

/* The bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
	uint64_t upper = hi == WORD_BITS ? ~0ull : (1ull << hi) - 1;

	return upper & ~((1ull << lo) - 1);
}

/* The mask within word w of the frames [first, end) that fall into it. */
static uint64_t mask_in_word(uint64_t w, uint64_t first, uint64_t end)
{
	uint64_t base = w * WORD_BITS;
	unsigned lo = first > base ? (unsigned)(first - base) : 0;
	unsigned hi = end - base >= WORD_BITS ? WORD_BITS : (unsigned)(end - base);

	return word_mask(lo, hi);
}

/* Marks frames [first, first + n) used or free. */
static void set_frames(uint64_t *bm, uint64_t first, uint64_t n, bool used)
{
	uint64_t end = first + n;

	for (uint64_t w = first / WORD_BITS; w * WORD_BITS < end; w++) {
		uint64_t mask = mask_in_word(w, first, end);

		bm[w] = used ? bm[w] | mask : bm[w] & ~mask;
	}
}

static bool frames_all_used(const uint64_t *bm, uint64_t first, uint64_t n)
{
	uint64_t end = first + n;

	for (uint64_t w = first / WORD_BITS; w * WORD_BITS < end; w++) {
		uint64_t mask = mask_in_word(w, first, end);

		if ((bm[w] & mask) != mask)
			return false;
	}
	return true;
}

/* First frame in [from, to) whose bit equals `used`, or `to` when none is. */
static uint64_t find_frame(const struct pmm *p, uint64_t from, uint64_t to, bool used)
{
	while (from < to) {
		uint64_t w = from / WORD_BITS;
		uint64_t bits = used ? p->bitmap[w] : ~p->bitmap[w];

		bits &= ~0ull << (from % WORD_BITS);
		if (bits) {
			uint64_t f = w * WORD_BITS + (uint64_t)__builtin_ctzll(bits);

			return f < to ? f : to;
		}
		from = (w + 1) * WORD_BITS;
	}
	return to;
}

void pmm_init(struct pmm *p, void *bitmap, uint64_t limit, const struct memmap *m)
{
	uint64_t words;

	p->bitmap = bitmap;
	p->frame_count = limit >> PAGE_SHIFT;
	p->next_hint = 0;
	p->usable_frames = 0;
	/* Whole words, so the tail bits past frame_count read as used and no
	 * scan ever has to special-case the last word. */
	words = words_for(p->frame_count);
	for (uint64_t w = 0; w < words; w++)
		p->bitmap[w] = ~0ull;

	for (size_t i = 0; i < m->count; i++) {
		uint64_t lo, hi;

		if (m->ranges[i].type != MEM_USABLE || !memmap_range_pages(&m->ranges[i], &lo, &hi))
			continue;
		hi = MIN(hi, p->frame_count << PAGE_SHIFT);
		if (lo >= hi)
			continue;
		/* A normalised map has no overlaps, so every bit cleared here
		 * was set: the count is exact without reading the bits back. */
		set_frames(p->bitmap, lo >> PAGE_SHIFT, (hi - lo) >> PAGE_SHIFT, false);
		p->usable_frames += (hi - lo) >> PAGE_SHIFT;
	}
	p->free_frames = p->usable_frames;
}

bool pmm_alloc(struct pmm *p, hpa_t *out)
{
	uint64_t hint, f;

	if (p->free_frames == 0)
		return false;
	hint = p->next_hint < p->frame_count ? p->next_hint : 0;
	f = find_frame(p, hint, p->frame_count, false);
	if (f == p->frame_count) {
		f = find_frame(p, 0, hint, false);   /* wrap once */
		if (f == hint)
			return false;
	}
	set_frames(p->bitmap, f, 1, true);
	p->free_frames--;
	p->next_hint = f + 1;
	*out = f << PAGE_SHIFT;
	return true;
}

bool pmm_alloc_contig(struct pmm *p, uint64_t count, uint64_t align_frames, hpa_t *out)
{
	uint64_t from = 0;

	if (align_frames == 0)
		align_frames = 1;
	if (count == 0 || count > p->free_frames || (align_frames & (align_frames - 1)))
		return false;
	/* Every round moves `from` past a used frame, so frame_count rounds
	 * always suffice. */
	for (uint64_t round = 0; round <= p->frame_count; round++) {
		uint64_t f = find_frame(p, from, p->frame_count, false), used;

		if (f == p->frame_count || f > UINT64_MAX - (align_frames - 1))
			return false;
		f = ALIGN_UP(f, align_frames);
		if (f > p->frame_count - count)
			return false;
		used = find_frame(p, f, f + count, true);
		if (used == f + count) {
			set_frames(p->bitmap, f, count, true);
			p->free_frames -= count;
			*out = f << PAGE_SHIFT;
			return true;
		}
		from = used + 1;
	}
	return false;
}

int pmm_free(struct pmm *p, hpa_t pa, uint64_t count)
{
	uint64_t f = pa >> PAGE_SHIFT;

	if (count == 0 || !IS_ALIGNED(pa, PAGE_SIZE))
		return -1;
	if (f >= p->frame_count || count > p->frame_count - f)
		return -1;
	if (!frames_all_used(p->bitmap, f, count))
		return -1;
	set_frames(p->bitmap, f, count, false);
	p->free_frames += count;
	return 0;
}

bool pmm_is_free(const struct pmm *p, hpa_t pa)
{
	uint64_t f = pa >> PAGE_SHIFT;

	if (f >= p->frame_count)
		return false;
	return !(p->bitmap[f / WORD_BITS] & BIT(f % WORD_BITS));
}

/* mm/memmap.c - Normalising the firmware memory map into owned ranges.
 *
 * Design: the map is a small sorted array (firmware maps have tens of
 * entries), so every operation is a linear walk; that is easier to trust than
 * a tree. Where ranges overlap the higher enum mem_type wins, so the order the
 * firmware lists its entries in never matters.
 *
 * An overlay is cut into "regions": maximal pieces of [start, end) that will
 * hold one type once the overlay is done (for memmap_add, the parts not
 * covered by a higher type; for memmap_carve, the parts that are usable).
 * region_set() writes one region: it replaces what lies inside, cuts ranges
 * that stick out, and merges with touching neighbours of the same type.
 * Regions never share the ranges they look at, so each one changes the entry
 * count by an amount that does not depend on the others. That gives an exact
 * capacity check up front, and applying the shrinking regions before the
 * growing ones keeps the array at or below max(before, after) entries at every
 * step - a call that fails leaves the map untouched, one that succeeds never
 * writes past the caller's storage. */
#include "mm/memmap.h"

#define FOUR_GIB (4 * GiB)

static bool type_valid(enum mem_type t)
{
	return t >= MEM_TYPE_MIN && t <= MEM_TYPE_MAX;
}

void memmap_init(struct memmap *m, struct mem_range *storage, size_t capacity)
{
	m->ranges = storage;
	m->count = 0;
	m->capacity = capacity;
}

/* --- array edits ------------------------------------------------------- */

static void insert_at(struct memmap *m, size_t i, uint64_t start, uint64_t end, enum mem_type t)
{
	for (size_t k = m->count; k > i; k--)
		m->ranges[k] = m->ranges[k - 1];
	m->ranges[i].start = start;
	m->ranges[i].end = end;
	m->ranges[i].type = t;
	m->count++;
}

static void remove_at(struct memmap *m, size_t i, size_t n)
{
	for (size_t k = i; k + n < m->count; k++)
		m->ranges[k] = m->ranges[k + n];
	m->count -= n;
}

/* --- one region -------------------------------------------------------- */

enum shape_kind {
	SHAPE_NOOP,     /* one range of the same type already covers the region */
	SHAPE_SPLIT,    /* one range of another type sticks out on both sides */
	SHAPE_NORMAL,   /* cut at the edges, drop what is inside, insert or merge */
};

/* How [lo, hi) sits in the map: shared by the dry run and the real write so
 * the two can never disagree. */
struct shape {
	enum shape_kind kind;
	size_t first;        /* first range that ends after lo */
	size_t inside;       /* first range wholly inside [lo, hi) (if any) */
	size_t n_inside;     /* how many ranges lie wholly inside */
	bool cut_left;       /* ranges[first] starts before lo */
	bool cut_right;      /* ranges[inside + n_inside] starts before hi */
	bool merge_left;     /* the range that will end at lo has the new type */
	bool merge_right;    /* the range that will start at hi has the new type */
};

static void region_shape(const struct memmap *m, uint64_t lo, uint64_t hi,
			 enum mem_type t, struct shape *s)
{
	const struct mem_range *r = m->ranges;
	size_t i = 0, j;

	while (i < m->count && r[i].end <= lo)
		i++;
	s->first = i;
	s->kind = SHAPE_NORMAL;
	if (i < m->count && r[i].start <= lo && r[i].end >= hi) {
		if (r[i].type == t) {
			s->kind = SHAPE_NOOP;
			return;
		}
		if (r[i].start < lo && r[i].end > hi) {
			s->kind = SHAPE_SPLIT;
			return;
		}
	}
	s->cut_left = i < m->count && r[i].start < lo;
	s->inside = i + s->cut_left;
	for (j = s->inside; j < m->count && r[j].end <= hi; j++)
		;
	s->n_inside = j - s->inside;
	s->cut_right = j < m->count && r[j].start < hi;
	if (s->cut_left)
		s->merge_left = r[i].type == t;
	else
		s->merge_left = i > 0 && r[i - 1].end == lo && r[i - 1].type == t;
	s->merge_right = j < m->count && r[j].start <= hi && r[j].type == t;
}

/* Change in the entry count that region_set() would make. */
static long region_delta(const struct memmap *m, uint64_t lo, uint64_t hi, enum mem_type t)
{
	struct shape s;
	long join;

	region_shape(m, lo, hi, t, &s);
	if (s.kind == SHAPE_NOOP)
		return 0;
	if (s.kind == SHAPE_SPLIT)
		return 2;
	join = s.merge_left && s.merge_right ? -1 : (s.merge_left || s.merge_right) ? 0 : 1;
	return join - (long)s.n_inside;
}

/* Makes [lo, hi) one run of type t, whatever was there before. Removes before
 * it inserts, so the count never goes above max(before, after). */
static void region_set(struct memmap *m, uint64_t lo, uint64_t hi, enum mem_type t)
{
	struct mem_range *r = m->ranges;
	struct shape s;
	size_t at;
	bool ml, mr;

	region_shape(m, lo, hi, t, &s);
	if (s.kind == SHAPE_NOOP)
		return;
	if (s.kind == SHAPE_SPLIT) {
		uint64_t old_end = r[s.first].end;
		enum mem_type old_type = r[s.first].type;

		r[s.first].end = lo;
		insert_at(m, s.first + 1, lo, hi, t);
		insert_at(m, s.first + 2, hi, old_end, old_type);
		return;
	}
	if (s.cut_left)
		r[s.first].end = lo;
	if (s.cut_right)
		r[s.inside + s.n_inside].start = hi;
	remove_at(m, s.inside, s.n_inside);

	/* Now ranges[at - 1] is what ends at or before lo, ranges[at] what
	 * starts at or after hi. */
	at = s.inside;
	ml = at > 0 && r[at - 1].end == lo && r[at - 1].type == t;
	mr = at < m->count && r[at].start == hi && r[at].type == t;
	if (ml && mr) {
		r[at - 1].end = r[at].end;
		remove_at(m, at, 1);
	} else if (ml) {
		r[at - 1].end = hi;
	} else if (mr) {
		r[at].start = lo;
	} else {
		insert_at(m, at, lo, hi, t);
	}
}

/* --- overlays: which regions, and in what order ------------------------ */

/* Finds the first region at or after c; false when none is left before end. */
typedef bool (*next_region_fn)(const struct memmap *m, uint64_t c, uint64_t end,
			       enum mem_type t, uint64_t *lo, uint64_t *hi);

/* memmap_add: the next piece of [c, end) not covered by a higher type. */
static bool next_add_region(const struct memmap *m, uint64_t c, uint64_t end,
			    enum mem_type t, uint64_t *lo, uint64_t *hi)
{
	for (size_t i = 0; i < m->count && c < end; i++) {
		const struct mem_range *r = &m->ranges[i];

		if (r->end <= c || r->type <= t)
			continue;
		if (r->start > c) {
			*lo = c;
			*hi = MIN(r->start, end);
			return true;
		}
		c = r->end;   /* r covers c and outranks t: skip past it */
	}
	if (c >= end)
		return false;
	*lo = c;
	*hi = end;
	return true;
}

/* memmap_carve: the next usable piece of [c, end). */
static bool next_carve_region(const struct memmap *m, uint64_t c, uint64_t end,
			      enum mem_type t, uint64_t *lo, uint64_t *hi)
{
	(void)t;
	for (size_t i = 0; i < m->count && c < end; i++) {
		const struct mem_range *r = &m->ranges[i];

		if (r->end <= c || r->type != MEM_USABLE)
			continue;
		if (r->start >= end)
			return false;
		*lo = MAX(r->start, c);
		*hi = MIN(r->end, end);
		return true;
	}
	return false;
}

/* Regions are disjoint and the cursor moves past each one, so there are at
 * most count + 1 of them; the bound only guards against a logic error. */
static size_t region_bound(const struct memmap *m)
{
	return m->capacity + 2;
}

/* Applies the regions whose delta has the wanted sign (growing or not). */
static void apply_pass(struct memmap *m, uint64_t start, uint64_t end, enum mem_type t,
		       next_region_fn next, bool growing)
{
	uint64_t c = start, lo, hi;

	for (size_t n = 0; n < region_bound(m) && next(m, c, end, t, &lo, &hi); n++) {
		if ((region_delta(m, lo, hi, t) > 0) == growing)
			region_set(m, lo, hi, t);
		c = hi;
	}
}

static int overlay(struct memmap *m, uint64_t start, uint64_t end, enum mem_type t,
		   next_region_fn next)
{
	uint64_t c = start, lo, hi;
	long total = (long)m->count;

	if (start >= end || !type_valid(t))
		return -1;
	for (size_t n = 0; n < region_bound(m) && next(m, c, end, t, &lo, &hi); n++) {
		total += region_delta(m, lo, hi, t);
		c = hi;
	}
	if (total > (long)m->capacity)
		return -1;
	apply_pass(m, start, end, t, next, false);
	apply_pass(m, start, end, t, next, true);
	return 0;
}

int memmap_add(struct memmap *m, uint64_t start, uint64_t end, enum mem_type type)
{
	return overlay(m, start, end, type, next_add_region);
}

int memmap_carve(struct memmap *m, uint64_t start, uint64_t end, enum mem_type type)
{
	return overlay(m, start, end, type, next_carve_region);
}

/* --- queries ----------------------------------------------------------- */

bool memmap_range_pages(const struct mem_range *r, uint64_t *lo, uint64_t *hi)
{
	/* Rounding a start in the last page up would wrap to 0. */
	if (r->start > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
		return false;
	*lo = ALIGN_UP(r->start, PAGE_SIZE);
	*hi = ALIGN_DOWN(r->end, PAGE_SIZE);
	return *lo < *hi;
}

bool memmap_find_free(const struct memmap *m, uint64_t size, uint64_t align,
		      uint64_t below, uint64_t *start)
{
	if (size == 0 || size > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
		return false;
	size = ALIGN_UP(size, PAGE_SIZE);
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (align & (align - 1))
		return false;
	for (size_t i = 0; i < m->count && m->ranges[i].start < below; i++) {
		const struct mem_range *r = &m->ranges[i];
		uint64_t lo, hi;

		if (r->type != MEM_USABLE || !memmap_range_pages(r, &lo, &hi))
			continue;
		if (lo > UINT64_MAX - (align - 1))
			continue;
		lo = ALIGN_UP(lo, align);
		hi = MIN(hi, below);
		if (lo < hi && hi - lo >= size) {
			*start = lo;
			return true;
		}
	}
	return false;
}

bool memmap_type_is_ram(enum mem_type t)
{
	return type_valid(t) && t != MEM_RESERVED && t != MEM_BAD;
}

static void stats_add_free(const struct mem_range *r, struct memmap_stats *st)
{
	uint64_t lo, hi;

	if (!memmap_range_pages(r, &lo, &hi))
		return;
	st->usable += hi - lo;
	if (hi - lo > st->largest_free_size) {
		st->largest_free_start = lo;
		st->largest_free_size = hi - lo;
	}
}

void memmap_stats(const struct memmap *m, struct memmap_stats *st)
{
	*st = (struct memmap_stats){ 0 };
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->ranges[i];

		st->highest_end = MAX(st->highest_end, r->end);
		if (!memmap_type_is_ram(r->type))
			continue;
		st->ram_total += r->end - r->start;
		if (r->end > FOUR_GIB)
			st->above_4g += r->end - MAX(r->start, FOUR_GIB);
		st->highest_ram_end = MAX(st->highest_ram_end, r->end);
		if (r->type == MEM_USABLE)
			stats_add_free(r, st);
	}
	st->reserved = st->ram_total - st->usable;
}

/* --- type names and firmware types -------------------------------------- */

enum mem_type memmap_type_from_mb2(uint32_t mb2_type)
{
	switch (mb2_type) {
	case 1: return MEM_USABLE;
	case 3: return MEM_ACPI_RECLAIM;
	case 4: return MEM_ACPI_NVS;
	case 5: return MEM_BAD;
	default: return MEM_RESERVED;   /* 2 and anything newer we do not know */
	}
}

enum mem_type memmap_type_from_efi(uint32_t efi_type)
{
	switch (efi_type) {
	case 1:    /* EfiLoaderCode: the loader is gone once we run */
	case 2:    /* EfiLoaderData: boot info inside it is carved out later */
	case 3:    /* EfiBootServicesCode: free after ExitBootServices() */
	case 4:    /* EfiBootServicesData */
	case 7:    /* EfiConventionalMemory */
		return MEM_USABLE;
	case 8:    /* EfiUnusableMemory */
		return MEM_BAD;
	case 9:    /* EfiACPIReclaimMemory */
		return MEM_ACPI_RECLAIM;
	case 10:   /* EfiACPIMemoryNVS */
		return MEM_ACPI_NVS;
	default:   /* runtime services (still called), MMIO, PalCode, persistent */
		return MEM_RESERVED;
	}
}

const char *memmap_type_name(enum mem_type t)
{
	switch (t) {
	case MEM_USABLE:       return "usable";
	case MEM_ACPI_RECLAIM: return "ACPI reclaim";
	case MEM_ACPI_NVS:     return "ACPI NVS";
	case MEM_RESERVED:     return "reserved";
	case MEM_BAD:          return "bad";
	case MEM_LOW_1M:       return "low 1M";
	case MEM_BOOTINFO:     return "boot info";
	case MEM_HYPERVISOR:   return "hypervisor";
	case MEM_ALLOCATOR:    return "allocator";
	}
	return "unknown";
}

/* tests/unit/test_memmap.c - Memory-map normalisation, carving, stats and search. */
/* UNIT_SRC: mm/memmap.c */
#include <stdint.h>
#include <stdlib.h>
#include "mm/memmap.h"
#include "tests/unit/test.h"

#define U MEM_USABLE
#define R MEM_RESERVED
#define A MEM_ACPI_RECLAIM
#define N MEM_ACPI_NVS
#define HV MEM_HYPERVISOR

static struct mem_range storage[64];
static struct memmap map;

static void fresh(void)
{
	memmap_init(&map, storage, ARRAY_SIZE(storage));
}

static void dump(const struct memmap *m)
{
	for (size_t i = 0; i < m->count; i++)
		fprintf(stderr, "    [%#" PRIx64 ", %#" PRIx64 ") %s\n", m->ranges[i].start,
			m->ranges[i].end, memmap_type_name(m->ranges[i].type));
}

/* Sorted, non-empty, non-overlapping, touching ranges differ in type. */
static int normalised(const struct memmap *m)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->ranges[i];

		if (r->start >= r->end)
			return 0;
		if (i == 0)
			continue;
		if (r[-1].end > r->start)
			return 0;
		if (r[-1].end == r->start && r[-1].type == r->type)
			return 0;
	}
	return 1;
}

static int map_is(const struct memmap *m, const struct mem_range *exp, size_t n)
{
	int ok = m->count == n && normalised(m);

	for (size_t i = 0; ok && i < n; i++)
		ok = m->ranges[i].start == exp[i].start && m->ranges[i].end == exp[i].end &&
		     m->ranges[i].type == exp[i].type;
	if (!ok) {
		fprintf(stderr, "  map is:\n");
		dump(m);
	}
	return ok;
}

#define EXPECT_MAP(...) do { const struct mem_range _e[] = { __VA_ARGS__ }; \
	EXPECT_TRUE(map_is(&map, _e, ARRAY_SIZE(_e))); } while (0)

static void test_empty_and_rejects(void)
{
	fresh();
	EXPECT_EQ(map.count, 0);
	EXPECT_EQ(memmap_add(&map, 0x1000, 0x1000, U), -1);        /* zero length */
	EXPECT_EQ(memmap_add(&map, 0x2000, 0x1000, U), -1);        /* wrapped */
	EXPECT_EQ(memmap_add(&map, 0, 0x1000, (enum mem_type)0), -1);
	EXPECT_EQ(memmap_add(&map, 0, 0x1000, (enum mem_type)(MEM_ALLOCATOR + 1)), -1);
	EXPECT_EQ(memmap_carve(&map, 0x1000, 0x1000, HV), -1);
	EXPECT_EQ(map.count, 0);
	EXPECT_EQ(memmap_add(&map, 0, UINT64_MAX, R), 0);          /* the top byte is lost */
	EXPECT_MAP({ 0, UINT64_MAX, R });
}

static void test_unsorted_input(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x300000, 0x400000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x100000, 0x200000, A), 0);
	EXPECT_EQ(memmap_add(&map, 0x500000, 0x600000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x80000, U), 0);
	EXPECT_MAP({ 0, 0x80000, U }, { 0x100000, 0x200000, A }, { 0x300000, 0x400000, U },
		   { 0x500000, 0x600000, R });
}

static void test_overlap_reserved_wins_either_order(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x10000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x8000, 0x18000, R), 0);
	EXPECT_MAP({ 0, 0x8000, U }, { 0x8000, 0x18000, R });

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x8000, 0x18000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x10000, U), 0);
	EXPECT_MAP({ 0, 0x8000, U }, { 0x8000, 0x18000, R });

	/* Usable reaching past both ends of reserved fills only the holes. */
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x8000, 0x9000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x10000, U), 0);
	EXPECT_MAP({ 0, 0x8000, U }, { 0x8000, 0x9000, R }, { 0x9000, 0x10000, U });
}

static void test_range_inside_another(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x100000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x40000, 0x50000, N), 0);       /* higher: splits */
	EXPECT_MAP({ 0, 0x40000, U }, { 0x40000, 0x50000, N }, { 0x50000, 0x100000, U });

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x100000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x40000, 0x50000, U), 0);       /* lower: no effect */
	EXPECT_MAP({ 0, 0x100000, R });

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x100000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x100000, U), 0);          /* identical */
	EXPECT_EQ(memmap_add(&map, 0x0, 0x1000, U), 0);            /* same type, at an edge */
	EXPECT_MAP({ 0, 0x100000, U });
}

static void test_adjacent_merge_and_holes(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x2000, 0x3000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x1000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x5000, 0x6000, U), 0);
	EXPECT_MAP({ 0, 0x1000, U }, { 0x2000, 0x3000, U }, { 0x5000, 0x6000, U });   /* holes kept */
	EXPECT_EQ(memmap_add(&map, 0x1000, 0x2000, U), 0);         /* bridges two */
	EXPECT_MAP({ 0, 0x3000, U }, { 0x5000, 0x6000, U });
	EXPECT_EQ(memmap_add(&map, 0x3000, 0x5000, R), 0);         /* touching, other type */
	EXPECT_MAP({ 0, 0x3000, U }, { 0x3000, 0x5000, R }, { 0x5000, 0x6000, U });
	EXPECT_EQ(memmap_add(&map, 0x6000, 0x7000, U), 0);
	EXPECT_MAP({ 0, 0x3000, U }, { 0x3000, 0x5000, R }, { 0x5000, 0x7000, U });
}

static void test_overlay_spans_many(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x1000, 0x2000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x3000, 0x4000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x4000, 0x5000, A), 0);
	EXPECT_EQ(memmap_add(&map, 0x6000, 0x7000, MEM_BAD), 0);
	/* NVS over all of it: outranks usable and ACPI reclaim, fills holes,
	 * loses to reserved and bad. */
	EXPECT_EQ(memmap_add(&map, 0x0, 0x8000, N), 0);
	EXPECT_MAP({ 0, 0x1000, N }, { 0x1000, 0x2000, R }, { 0x2000, 0x6000, N },
		   { 0x6000, 0x7000, MEM_BAD }, { 0x7000, 0x8000, N });
}

static void test_capacity_exceeded_leaves_map(void)
{
	struct mem_range *small = malloc(3 * sizeof(*small));   /* exact size: ASan sees overruns */

	memmap_init(&map, small, 3);
	EXPECT_EQ(memmap_add(&map, 0, 10, U), 0);
	EXPECT_EQ(memmap_add(&map, 20, 30, R), 0);
	EXPECT_EQ(memmap_add(&map, 40, 50, U), 0);
	EXPECT_EQ(memmap_add(&map, 2, 4, R), -1);                  /* would split to 5 */
	EXPECT_EQ(memmap_add(&map, 60, 70, U), -1);                /* a 4th */
	EXPECT_EQ(memmap_carve(&map, 42, 44, HV), -1);
	EXPECT_MAP({ 0, 10, U }, { 20, 30, R }, { 40, 50, U });
	EXPECT_EQ(memmap_add(&map, 10, 20, U), 0);                 /* merges: still 3 */
	EXPECT_EQ(memmap_add(&map, 50, 60, U), 0);
	EXPECT_MAP({ 0, 20, U }, { 20, 30, R }, { 40, 60, U });
	EXPECT_EQ(memmap_carve(&map, 0, 20, R), 0);                /* merges with R */
	EXPECT_MAP({ 0, 30, R }, { 40, 60, U });
	free(small);
}

/* A full map where the overlay first grows (filling holes between reserved
 * ranges) and then shrinks (merging three ranges): the final count fits, so
 * it must succeed without ever writing past the storage. */
static void test_capacity_exact_fit_grow_then_shrink(void)
{
	struct mem_range *small = malloc(6 * sizeof(*small));

	memmap_init(&map, small, 6);
	EXPECT_EQ(memmap_add(&map, 0, 1, R), 0);
	EXPECT_EQ(memmap_add(&map, 2, 3, R), 0);
	EXPECT_EQ(memmap_add(&map, 4, 5, R), 0);
	EXPECT_EQ(memmap_add(&map, 5, 6, U), 0);
	EXPECT_EQ(memmap_add(&map, 6, 7, A), 0);
	EXPECT_EQ(memmap_add(&map, 7, 8, U), 0);
	EXPECT_EQ(map.count, 6);
	EXPECT_EQ(memmap_add(&map, 0, 8, N), 0);
	EXPECT_MAP({ 0, 1, R }, { 1, 2, N }, { 2, 3, R }, { 3, 4, N }, { 4, 5, R }, { 5, 8, N });
	free(small);
}

static void add_qemu_5g(void)
{
	/* As QEMU's SeaBIOS reports -m 5G, in a shuffled order. */
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x100000000ull, 0x180000000ull, U), 0);
	EXPECT_EQ(memmap_add(&map, 0xf0000, 0x100000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x100000, 0xbffe0000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0xfffc0000, 0x100000000ull, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x0, 0x9fc00, U), 0);
	EXPECT_EQ(memmap_add(&map, 0xbffe0000, 0xc0000000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x9fc00, 0xa0000, R), 0);
}

static void test_qemu_5g_stats(void)
{
	struct memmap_stats st;

	add_qemu_5g();
	EXPECT_MAP({ 0, 0x9fc00, U }, { 0x9fc00, 0xa0000, R }, { 0xf0000, 0x100000, R },
		   { 0x100000, 0xbffe0000, U }, { 0xbffe0000, 0xc0000000, R },
		   { 0xfffc0000, 0x100000000ull, R }, { 0x100000000ull, 0x180000000ull, U });
	memmap_stats(&map, &st);
	EXPECT_EQ(st.ram_total, 0x9fc00 + (0xbffe0000 - 0x100000) + 2 * GiB);
	EXPECT_EQ(st.usable, 0x9f000 + (0xbffe0000 - 0x100000) + 2 * GiB);   /* 0x9f000: whole pages */
	EXPECT_EQ(st.reserved, 0xc00);
	EXPECT_EQ(st.above_4g, 2 * GiB);
	EXPECT_EQ(st.highest_ram_end, 0x180000000ull);
	EXPECT_EQ(st.highest_end, 0x180000000ull);
	EXPECT_EQ(st.largest_free_start, 0x100000);
	EXPECT_EQ(st.largest_free_size, 0xbffe0000 - 0x100000);
}

static void test_qemu_5g_carve(void)
{
	struct memmap_stats before, after;
	uint64_t bm;

	add_qemu_5g();
	memmap_stats(&map, &before);
	EXPECT_EQ(memmap_carve(&map, 0, MiB, MEM_LOW_1M), 0);
	EXPECT_EQ(memmap_carve(&map, MiB, 3 * MiB, HV), 0);
	EXPECT_EQ(memmap_carve(&map, 0x10000000, 0x10001234, MEM_BOOTINFO), 0);
	EXPECT_TRUE(memmap_find_free(&map, 0x30000, 0, 4 * GiB, &bm));
	EXPECT_EQ(bm, 3 * MiB);
	EXPECT_EQ(memmap_carve(&map, bm, bm + 0x30000, MEM_ALLOCATOR), 0);
	EXPECT_MAP({ 0, 0x9fc00, MEM_LOW_1M }, { 0x9fc00, 0xa0000, R }, { 0xf0000, 0x100000, R },
		   { 0x100000, 0x300000, HV }, { 0x300000, 0x330000, MEM_ALLOCATOR },
		   { 0x330000, 0x10000000, U }, { 0x10000000, 0x10001234, MEM_BOOTINFO },
		   { 0x10001234, 0xbffe0000, U }, { 0xbffe0000, 0xc0000000, R },
		   { 0xfffc0000, 0x100000000ull, R }, { 0x100000000ull, 0x180000000ull, U });
	memmap_stats(&map, &after);
	EXPECT_EQ(after.ram_total, before.ram_total);               /* carving moves, never adds */
	EXPECT_EQ(after.above_4g, 2 * GiB);
	/* Lost: the low 1 MiB pages, 2 MiB image, 0x30000 bitmap, and the boot
	 * info's two pages (its partial page is not whole usable any more). */
	EXPECT_EQ(after.usable, before.usable - 0x9f000 - 2 * MiB - 0x30000 - 0x2000);
	EXPECT_EQ(after.largest_free_start, 0x10002000);
}

static void test_carve_only_usable(void)
{
	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x4000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x4000, 0x5000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x8000, 0xa000, A), 0);
	EXPECT_EQ(memmap_add(&map, 0xa000, 0xc000, U), 0);
	/* Covers usable, reserved, a hole, ACPI and usable again. */
	EXPECT_EQ(memmap_carve(&map, 0x2000, 0xb000, HV), 0);
	EXPECT_MAP({ 0, 0x2000, U }, { 0x2000, 0x4000, HV }, { 0x4000, 0x5000, R },
		   { 0x8000, 0xa000, A }, { 0xa000, 0xb000, HV }, { 0xb000, 0xc000, U });
	/* Nothing usable there: a no-op, not an error. */
	EXPECT_EQ(memmap_carve(&map, 0x5000, 0x8000, HV), 0);
	EXPECT_EQ(map.count, 6);
	/* Carving lower types works too: usable is the only thing it looks at. */
	EXPECT_EQ(memmap_carve(&map, 0x0, 0x1000, A), 0);
	EXPECT_MAP({ 0, 0x1000, A }, { 0x1000, 0x2000, U }, { 0x2000, 0x4000, HV },
		   { 0x4000, 0x5000, R }, { 0x8000, 0xa000, A }, { 0xa000, 0xb000, HV },
		   { 0xb000, 0xc000, U });
	/* Neighbouring carves of the same type merge. */
	EXPECT_EQ(memmap_carve(&map, 0x1000, 0x2000, HV), 0);
	EXPECT_MAP({ 0, 0x1000, A }, { 0x1000, 0x4000, HV }, { 0x4000, 0x5000, R },
		   { 0x8000, 0xa000, A }, { 0xa000, 0xb000, HV }, { 0xb000, 0xc000, U });
	EXPECT_EQ(memmap_carve(&map, 0, 0x10000, U), 0);            /* usable to usable */
	EXPECT_EQ(map.count, 6);
}

static void test_partial_pages(void)
{
	struct memmap_stats st;

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x1800, 0x5800, U), 0);         /* pages 0x2000..0x5000 */
	EXPECT_EQ(memmap_add(&map, 0x10100, 0x10f00, U), 0);       /* no whole page */
	EXPECT_EQ(memmap_add(&map, UINT64_MAX - 0x800, UINT64_MAX, U), 0);   /* top, no page */
	memmap_stats(&map, &st);
	EXPECT_EQ(st.usable, 0x3000);
	EXPECT_EQ(st.ram_total, 0x4000 + 0xe00 + 0x800);
	EXPECT_EQ(st.reserved, st.ram_total - 0x3000);
	EXPECT_EQ(st.largest_free_start, 0x2000);
	EXPECT_EQ(st.largest_free_size, 0x3000);
	EXPECT_EQ(st.highest_ram_end, UINT64_MAX);
	EXPECT_EQ(st.above_4g, 0x800);
}

static void test_stats_types(void)
{
	struct memmap_stats st;

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x0, 0x1000, A), 0);
	EXPECT_EQ(memmap_add(&map, 0x1000, 0x2000, N), 0);
	EXPECT_EQ(memmap_add(&map, 0x2000, 0x3000, MEM_BAD), 0);
	EXPECT_EQ(memmap_add(&map, 0x3000, 0x4000, R), 0);
	EXPECT_EQ(memmap_add(&map, 0x100000000ull, 0x100001000ull, A), 0);
	EXPECT_EQ(memmap_add(&map, 0x200000000ull, 0x200001000ull, R), 0);
	memmap_stats(&map, &st);
	EXPECT_EQ(st.ram_total, 0x3000);
	EXPECT_EQ(st.usable, 0);
	EXPECT_EQ(st.reserved, 0x3000);
	EXPECT_EQ(st.above_4g, 0x1000);
	EXPECT_EQ(st.highest_ram_end, 0x100001000ull);
	EXPECT_EQ(st.highest_end, 0x200001000ull);
	EXPECT_EQ(st.largest_free_size, 0);

	fresh();
	memmap_stats(&map, &st);
	EXPECT_EQ(st.ram_total, 0);
	EXPECT_EQ(st.highest_end, 0);
}

static void test_find_free(void)
{
	uint64_t a = 0;

	fresh();
	EXPECT_EQ(memmap_add(&map, 0x1800, 0x5800, U), 0);         /* 3 whole pages at 0x2000 */
	EXPECT_EQ(memmap_add(&map, 0x10000, 0x200000, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x100000000ull, 0x100400000ull, U), 0);
	EXPECT_EQ(memmap_add(&map, 0x6000, 0x10000, R), 0);

	EXPECT_TRUE(memmap_find_free(&map, 1, 0, UINT64_MAX, &a));
	EXPECT_EQ(a, 0x2000);
	EXPECT_TRUE(memmap_find_free(&map, 0x3000, 0, UINT64_MAX, &a));
	EXPECT_EQ(a, 0x2000);
	EXPECT_TRUE(memmap_find_free(&map, 0x3001, 0, UINT64_MAX, &a));   /* rounds to 4 pages */
	EXPECT_EQ(a, 0x10000);
	EXPECT_TRUE(memmap_find_free(&map, 0x1000, 0x4000, UINT64_MAX, &a));
	EXPECT_EQ(a, 0x4000);
	EXPECT_TRUE(memmap_find_free(&map, 0x1000, MiB, UINT64_MAX, &a));
	EXPECT_EQ(a, MiB);
	EXPECT_TRUE(memmap_find_free(&map, 0x10000, MiB, 0x110000, &a));
	EXPECT_EQ(a, MiB);
	EXPECT_TRUE(!memmap_find_free(&map, 0x10001, MiB, 0x110000, &a));
	EXPECT_TRUE(!memmap_find_free(&map, 0x1000, 0, 0x2fff, &a));    /* below ends mid-page */
	EXPECT_TRUE(memmap_find_free(&map, 0x1000, 0, 0x3000, &a));
	EXPECT_EQ(a, 0x2000);
	/* Too big for anything below 4 GiB. */
	EXPECT_TRUE(!memmap_find_free(&map, 0x300000, 0, 4 * GiB, &a));
	EXPECT_TRUE(memmap_find_free(&map, 0x300000, 0, UINT64_MAX, &a));
	EXPECT_EQ(a, 0x100000000ull);
	EXPECT_TRUE(memmap_find_free(&map, 0x200000, 2 * MiB, UINT64_MAX, &a));
	EXPECT_EQ(a, 0x100000000ull);
	EXPECT_TRUE(!memmap_find_free(&map, 0x500000, 0, UINT64_MAX, &a));
	EXPECT_TRUE(!memmap_find_free(&map, 0, 0, UINT64_MAX, &a));
	EXPECT_TRUE(!memmap_find_free(&map, 0x1000, 0x3000, UINT64_MAX, &a));   /* not 2^n */
	EXPECT_TRUE(!memmap_find_free(&map, UINT64_MAX, 0, UINT64_MAX, &a));
	EXPECT_TRUE(!memmap_find_free(&map, 0x1000, 1ull << 63, UINT64_MAX, &a));
}

static void test_type_mapping(void)
{
	static const enum mem_type mb2[] = { R, U, R, A, N, MEM_BAD, R, R };
	static const enum mem_type efi[] = {
		R, U, U, U, U, R, R, U, MEM_BAD, A, N, R, R, R, R, R,
	};

	for (uint32_t i = 0; i < ARRAY_SIZE(mb2); i++)
		EXPECT_EQ(memmap_type_from_mb2(i), mb2[i]);
	EXPECT_EQ(memmap_type_from_mb2(0xffffffff), R);
	for (uint32_t i = 0; i < ARRAY_SIZE(efi); i++)
		EXPECT_EQ(memmap_type_from_efi(i), efi[i]);
	EXPECT_EQ(memmap_type_from_efi(0x80000000), R);            /* OEM range */

	EXPECT_STREQ(memmap_type_name(U), "usable");
	EXPECT_STREQ(memmap_type_name(A), "ACPI reclaim");
	EXPECT_STREQ(memmap_type_name(N), "ACPI NVS");
	EXPECT_STREQ(memmap_type_name(R), "reserved");
	EXPECT_STREQ(memmap_type_name(MEM_BAD), "bad");
	EXPECT_STREQ(memmap_type_name(MEM_LOW_1M), "low 1M");
	EXPECT_STREQ(memmap_type_name(MEM_BOOTINFO), "boot info");
	EXPECT_STREQ(memmap_type_name(HV), "hypervisor");
	EXPECT_STREQ(memmap_type_name(MEM_ALLOCATOR), "allocator");
	EXPECT_STREQ(memmap_type_name((enum mem_type)0), "unknown");
	EXPECT_STREQ(memmap_type_name((enum mem_type)99), "unknown");
	EXPECT_TRUE(!memmap_type_is_ram(R) && !memmap_type_is_ram(MEM_BAD));
	EXPECT_TRUE(memmap_type_is_ram(N) && memmap_type_is_ram(MEM_ALLOCATOR));
}

/* --- against a model: one type per address in a small space ------------- */

#define SPACE 48

static unsigned rng_state = 12345;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

static size_t model_count(const uint8_t *mdl)
{
	size_t n = 0;

	for (int a = 0; a < SPACE; a++)
		if (mdl[a] && (a == 0 || mdl[a - 1] != mdl[a]))
			n++;
	return n;
}

static int map_matches_model(const struct memmap *m, const uint8_t *mdl)
{
	uint8_t seen[SPACE] = { 0 };

	if (!normalised(m) || m->count != model_count(mdl))
		return 0;
	for (size_t i = 0; i < m->count; i++) {
		if (m->ranges[i].end > SPACE)
			return 0;
		for (uint64_t a = m->ranges[i].start; a < m->ranges[i].end; a++)
			seen[a] = (uint8_t)m->ranges[i].type;
	}
	return memcmp(seen, mdl, SPACE) == 0;
}

static void model_apply(uint8_t *mdl, unsigned lo, unsigned hi, enum mem_type t, bool carve)
{
	for (unsigned a = lo; a < hi; a++) {
		if (carve ? mdl[a] == U : mdl[a] < t)
			mdl[a] = (uint8_t)t;
	}
}

static void random_round(size_t cap)
{
	struct mem_range *st = malloc(cap * sizeof(*st));
	struct mem_range *snap = malloc(cap * sizeof(*snap));
	uint8_t mdl[SPACE] = { 0 }, next[SPACE];
	struct memmap m;

	memmap_init(&m, st, cap);
	for (int op = 0; op < 60; op++) {
		unsigned lo = rnd(SPACE), hi = rnd(SPACE + 1);
		enum mem_type t = (enum mem_type)(1 + rnd(MEM_TYPE_MAX));
		bool carve = rnd(4) == 0, fits, valid = lo < hi;
		size_t old_count = m.count;
		int rc;

		memcpy(next, mdl, SPACE);
		if (valid)
			model_apply(next, lo, hi, t, carve);
		fits = model_count(next) <= cap;
		memcpy(snap, st, m.count * sizeof(*st));
		rc = carve ? memmap_carve(&m, lo, hi, t) : memmap_add(&m, lo, hi, t);
		if (valid && fits) {
			EXPECT_EQ(rc, 0);
			memcpy(mdl, next, SPACE);
		} else {
			EXPECT_EQ(rc, -1);
			EXPECT_EQ(m.count, old_count);
			EXPECT_TRUE(memcmp(snap, st, m.count * sizeof(*st)) == 0);
		}
		if (!map_matches_model(&m, mdl)) {
			test_case_failed = 1;
			fprintf(stderr, "  cap %zu op %d: %s [%u,%u) %s\n", cap, op,
				carve ? "carve" : "add", lo, hi, memmap_type_name(t));
			dump(&m);
			break;
		}
	}
	free(snap);
	free(st);
}

static void test_random_against_model(void)
{
	for (int round = 0; round < 3000 && !test_case_failed; round++)
		random_round(1 + rnd(12));
}

int main(void)
{
	RUN(test_empty_and_rejects);
	RUN(test_unsorted_input);
	RUN(test_overlap_reserved_wins_either_order);
	RUN(test_range_inside_another);
	RUN(test_adjacent_merge_and_holes);
	RUN(test_overlay_spans_many);
	RUN(test_capacity_exceeded_leaves_map);
	RUN(test_capacity_exact_fit_grow_then_shrink);
	RUN(test_qemu_5g_stats);
	RUN(test_qemu_5g_carve);
	RUN(test_carve_only_usable);
	RUN(test_partial_pages);
	RUN(test_stats_types);
	RUN(test_find_free);
	RUN(test_type_mapping);
	RUN(test_random_against_model);
	TEST_MAIN_END();
}

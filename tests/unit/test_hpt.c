/* tests/unit/test_hpt.c - The hypervisor page-table builder, on malloc'd pages. */
/* UNIT_SRC: mm/hpt.c */
#include <stdlib.h>
#include "test.h"
#include "mm/hpt.h"

/* Fake "physical" addresses: page i of the pool is at 0x1000000 + i * 4096.
 * Each page knows whether it is handed out, so a double free, a free of a
 * page never given, or a table walk into a freed page aborts the test run
 * at once instead of passing by luck. Freed pages are filled with 0xa5 so
 * stale entries read from them look present and are caught by pool_va. */
#define POOL_PAGES 256
#define POOL_BASE  0x1000000ull
static uint8_t *pool;
static bool pool_live[POOL_PAGES];         /* handed out and not given back */
static size_t pool_nlive;                  /* how many are */
static size_t pool_limit = POOL_PAGES;     /* most pages live at once */
static long pool_grants = -1;              /* allocations left before all fail; -1: no limit */
static int pool_freed;

static void pool_die(const char *what, size_t i)
{
	fprintf(stderr, "pool: %s (page %zu)\n", what, i);
	abort();
}

static size_t pool_index(const void *page)
{
	size_t off = (size_t)((const uint8_t *)page - pool);
	if ((const uint8_t *)page < pool || off >= POOL_PAGES * 4096 || off % 4096)
		pool_die("not a pool page", off / 4096);
	return off / 4096;
}

static void *pool_alloc(void *ctx)
{
	(void)ctx;
	if (pool_nlive >= pool_limit || pool_grants == 0)
		return NULL;
	for (size_t i = 0; i < POOL_PAGES; i++) {
		if (pool_live[i])
			continue;
		if (pool_grants > 0)
			pool_grants--;
		pool_live[i] = true;
		pool_nlive++;
		memset(pool + i * 4096, 0, 4096);
		return pool + i * 4096;
	}
	return NULL;
}
static void pool_free(void *ctx, void *page)
{
	(void)ctx;
	size_t i = pool_index(page);
	if (!pool_live[i])
		pool_die("double free", i);
	pool_live[i] = false;
	pool_nlive--;
	pool_freed++;
	memset(page, 0xa5, 4096);
}
static hpa_t pool_pa(void *ctx, void *page)
{
	(void)ctx;
	size_t i = pool_index(page);
	if (!pool_live[i])
		pool_die("pa of a free page", i);
	return POOL_BASE + (hpa_t)i * 4096;
}
static void *pool_va(void *ctx, hpa_t pa)
{
	(void)ctx;
	size_t i = (size_t)((pa - POOL_BASE) / 4096);
	if (pa < POOL_BASE || i >= POOL_PAGES || pa % 4096 || !pool_live[i])
		pool_die("table entry points at a free or foreign page", i);
	return pool + (pa - POOL_BASE);
}
static const struct page_source ps = { pool_alloc, pool_free, pool_pa, pool_va, NULL };

static void reset_pool(void)
{
	if (!pool)
		pool = aligned_alloc(4096, POOL_PAGES * 4096);
	memset(pool_live, 0, sizeof(pool_live));
	pool_nlive = 0;
	pool_limit = POOL_PAGES;
	pool_grants = -1;
	pool_freed = 0;
}

/* A copy of every live pool page, to prove a failed call changed no byte of
 * any table and allocated or freed nothing. */
static bool snap_live[POOL_PAGES];
static uint8_t snap_bytes[POOL_PAGES * 4096];
static size_t snap_nlive;

static void snap_take(void)
{
	memcpy(snap_live, pool_live, sizeof(snap_live));
	memcpy(snap_bytes, pool, sizeof(snap_bytes));
	snap_nlive = pool_nlive;
}
static bool snap_same(void)
{
	if (pool_nlive != snap_nlive || memcmp(snap_live, pool_live, sizeof(snap_live)) != 0)
		return false;
	for (size_t i = 0; i < POOL_PAGES; i++)
		if (pool_live[i] && memcmp(snap_bytes + i * 4096, pool + i * 4096, 4096) != 0)
			return false;
	return true;
}

/* Mappings that leaf() reported, in order. */
#define MAX_LEAVES 64
static struct { hpa_t pa; uint64_t size; } leaves[MAX_LEAVES];
static int nleaves;
static void record_leaf(void *ctx, hpa_t pa, uint64_t size)
{
	(void)ctx;
	if (nleaves < MAX_LEAVES)
		leaves[nleaves] = (typeof(leaves[0])){ pa, size };
	nleaves++;
}

static int make_hpt(struct hpt *h, bool nested, bool allow_1g)
{
	return nested ? hpt_create_nested(h, &ps, allow_1g) : hpt_create(h, &ps, allow_1g);
}

/* Guest RAM is RWX in nested tables; host tables refuse W+X. */
static unsigned rw_perm(bool nested)
{
	return nested ? HPT_R | HPT_W | HPT_X : HPT_R | HPT_W;
}

/* True if no 4 KiB page of [va, va+size) translates. */
static bool range_unmapped(const struct hpt *h, hva_t va, uint64_t size)
{
	hpa_t pa; unsigned perm; uint64_t sz;
	for (uint64_t off = 0; off < size; off += 4096)
		if (hpt_lookup(h, va + off, &pa, &perm, &sz))
			return false;
	return true;
}

/* True if every 4 KiB page of [va, va+size) translates to pa + its offset. */
static bool range_maps(const struct hpt *h, hva_t va, hpa_t pa, uint64_t size, unsigned want)
{
	hpa_t got; unsigned perm; uint64_t sz;
	for (uint64_t off = 0; off < size; off += 4096)
		if (!hpt_lookup(h, va + off, &got, &perm, &sz) || got != pa + off || perm != want)
			return false;
	return true;
}

static void test_map_4k_and_lookup(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	EXPECT_EQ(hpt_map(&h, 0xffffffff80200000ull, 0x200000, 0x3000, HPT_R | HPT_X), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0xffffffff80201234ull, &pa, &perm, &sz));
	EXPECT_EQ(pa, 0x201234);
	EXPECT_EQ(perm, HPT_R | HPT_X);
	EXPECT_EQ(sz, 4096);
	EXPECT_TRUE(!hpt_lookup(&h, 0xffffffff80203000ull, &pa, &perm, &sz));
	EXPECT_EQ(h.pages_used, 4);   /* PML4, PDPT, PD, PT */
	EXPECT_EQ(hpt_root(&h), POOL_BASE);
}

static void test_large_pages_chosen(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	/* 0..5 GiB + 4 MiB + 8 KiB: 5 x 1 GiB, 2 x 2 MiB, 2 x 4 KiB */
	uint64_t size = 5ull * GiB + 4 * MiB + 8 * KiB;
	EXPECT_EQ(hpt_map(&h, 0xffff800000000000ull, 0, size, HPT_R | HPT_W), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0xffff800000000000ull + 3 * GiB + 5, &pa, &perm, &sz));
	EXPECT_EQ(pa, 3 * GiB + 5);
	EXPECT_EQ(sz, GiB);
	EXPECT_EQ(perm, HPT_R | HPT_W);
	EXPECT_TRUE(hpt_lookup(&h, 0xffff800000000000ull + 5 * GiB + 2 * MiB, &pa, &perm, &sz));
	EXPECT_EQ(sz, 2 * MiB);
	EXPECT_TRUE(hpt_lookup(&h, 0xffff800000000000ull + 5 * GiB + 4 * MiB + 4096, &pa, &perm, &sz));
	EXPECT_EQ(sz, 4096);
	EXPECT_TRUE(!hpt_lookup(&h, 0xffff800000000000ull + size, &pa, &perm, &sz));
	EXPECT_EQ(h.pages_used, 4);   /* PML4, PDPT, PD for the 6th GiB, PT for its 8 KiB tail */
}

static void test_no_1g_when_not_allowed(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, false), 0);
	EXPECT_EQ(hpt_map(&h, 0xffff800000000000ull, 0, 2 * GiB, HPT_R | HPT_W), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0xffff800000000000ull + GiB, &pa, &perm, &sz));
	EXPECT_EQ(sz, 2 * MiB);
	EXPECT_EQ(h.pages_used, 4);   /* PML4, PDPT, two PDs */
}

static void test_misaligned_pa_uses_small_pages(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	EXPECT_EQ(hpt_map(&h, 0x40000000, 0x1000, 4 * MiB, HPT_R), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0x40000000 + 3 * MiB, &pa, &perm, &sz));
	EXPECT_EQ(sz, 4096);
	EXPECT_EQ(pa, 0x1000 + 3 * MiB);
	EXPECT_EQ(perm, HPT_R);
}

static void test_rejects_bad_requests(void)
{
	struct hpt h;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x1000, 0x1000, HPT_R | HPT_W | HPT_X), -1);  /* W^X */
	EXPECT_EQ(hpt_map(&h, 0x1001, 0x1000, 0x1000, HPT_R), -1);
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x1000, 0x800, HPT_R), -1);
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x1000, 0, HPT_R), -1);
	EXPECT_EQ(hpt_map(&h, 0x0000800000000000ull, 0, 0x1000, HPT_R), -1);      /* non-canonical */
	EXPECT_EQ(hpt_map(&h, 0x00007ffffffff000ull, 0, 0x2000, HPT_R), -1);      /* crosses the hole */
	EXPECT_EQ(hpt_map(&h, 0x1000, 1ull << 52, 0x1000, HPT_R), -1);             /* pa too wide */
	/* overlapping an existing mapping */
	EXPECT_EQ(hpt_map(&h, 0x200000, 0x200000, 0x200000, HPT_R), 0);
	EXPECT_EQ(hpt_map(&h, 0x3ff000, 0x1000, 0x2000, HPT_R), -1);
	EXPECT_EQ(hpt_map(&h, 0x400000, 0x1000, 0x1000, HPT_R), 0);
}

static void test_out_of_pages(void)
{
	struct hpt h;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	pool_limit = 2;
	snap_take();
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x1000, 0x1000, HPT_R), -1);
	EXPECT_TRUE(snap_same());   /* the one page it got went back */
	EXPECT_EQ(h.pages_used, 1);
}

static void test_global_and_nx_bits(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, true), 0);
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x5000, 0x1000, HPT_R | HPT_GLOBAL), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0x1000, &pa, &perm, &sz));
	EXPECT_EQ(perm, HPT_R | HPT_GLOBAL);
	/* the raw leaf carries NX and G, and intermediate entries are P|W only */
	uint64_t *pml4 = h.root;
	EXPECT_EQ(pml4[0] & 0xfff, 0x3);
	EXPECT_EQ(pml4[0] >> 63, 0);
}

static uint64_t leaf_bytes;
static int leaf_calls;
static void count_leaf(void *ctx, hpa_t pa, uint64_t size) { (void)ctx; (void)pa; leaf_bytes += size; leaf_calls++; }

static void test_nested_tables(void)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	reset_pool();
	EXPECT_EQ(hpt_create_nested(&h, &ps, false), 0);
	/* guest RAM is RWX: allowed in nested tables only */
	EXPECT_EQ(hpt_map(&h, 0, 0x40000000, 4 * MiB + 8 * KiB, HPT_R | HPT_W | HPT_X), 0);
	EXPECT_TRUE(hpt_lookup(&h, 0x1234, &pa, &perm, &sz));
	EXPECT_EQ(pa, 0x40001234);
	EXPECT_EQ(sz, 2 * MiB);
	EXPECT_EQ(perm, HPT_R | HPT_W | HPT_X);
	/* U (bit 2) at every level: nested walks are user accesses */
	uint64_t *pml4 = h.root;
	EXPECT_EQ(pml4[0] & 0x7, 0x7);
	uint64_t *pdpt = pool_va(NULL, pml4[0] & 0x000ffffffffff000ull);
	EXPECT_EQ(pdpt[0] & 0x7, 0x7);
	uint64_t *pd = pool_va(NULL, pdpt[0] & 0x000ffffffffff000ull);
	EXPECT_EQ(pd[0] & 0x87, 0x87);            /* P W U PS */
	EXPECT_EQ(pd[0] >> 63, 0);                /* executable */
	leaf_bytes = 0; leaf_calls = 0; pool_freed = 0;
	hpt_destroy(&h, count_leaf, NULL);
	EXPECT_EQ(leaf_bytes, 4 * MiB + 8 * KiB);
	EXPECT_EQ(leaf_calls, 4);                 /* two 2 MiB pages, two 4 KiB pages */
	EXPECT_EQ(pool_freed, 4);                 /* PML4 (the root), PDPT, PD, PT */
	EXPECT_TRUE(h.root == NULL);
}

static void test_host_tables_have_no_user_bit(void)
{
	struct hpt h;
	reset_pool();
	EXPECT_EQ(hpt_create(&h, &ps, false), 0);
	EXPECT_EQ(hpt_map(&h, 0, 0x40000000, 2 * MiB, HPT_R | HPT_W), 0);
	uint64_t *pml4 = h.root;
	EXPECT_EQ(pml4[0] & 0x4, 0);
}

static void test_walk_reports_each_level(void)
{
	struct hpt h;
	struct hpt_step st[HPT_WALK_MAX];
	bool mapped;
	reset_pool();
	EXPECT_EQ(hpt_create_nested(&h, &ps, false), 0);
	EXPECT_EQ(hpt_map(&h, 0, 0x40000000, 2 * MiB + 4 * KiB, HPT_R | HPT_W | HPT_X), 0);
	/* 0x1000: a 2 MiB leaf at level 2 */
	EXPECT_EQ(hpt_walk(&h, 0x1000, st, &mapped), 3);
	EXPECT_TRUE(mapped);
	EXPECT_EQ(st[0].level, 4);
	EXPECT_EQ(st[0].table_pa, hpt_root(&h));
	EXPECT_EQ(st[0].index, 0);
	EXPECT_EQ(st[2].level, 2);
	EXPECT_EQ(st[2].entry & 0x000ffffffffff000ull, 0x40000000);
	EXPECT_EQ(st[2].entry & 0x80, 0x80);                 /* PS */
	/* 0x201000: a 4 KiB leaf in the PT */
	EXPECT_EQ(hpt_walk(&h, 0x200000, st, &mapped), 4);
	EXPECT_TRUE(mapped);
	EXPECT_EQ(st[3].level, 1);
	EXPECT_EQ(st[3].index, 0);
	EXPECT_EQ(st[3].entry & 0x000ffffffffff000ull, 0x40200000);
	EXPECT_EQ(st[3].table_pa, st[2].entry & 0x000ffffffffff000ull);
	/* past the mapping: the walk ends at the non-present entry */
	EXPECT_EQ(hpt_walk(&h, 0x201000, st, &mapped), 4);
	EXPECT_TRUE(!mapped);
	EXPECT_EQ(st[3].index, 1);
	EXPECT_EQ(st[3].entry, 0);
	EXPECT_EQ(hpt_walk(&h, 512ull * GiB, st, &mapped), 1);   /* PML4 slot 1 is empty */
	EXPECT_TRUE(!mapped);
	EXPECT_EQ(st[0].index, 1);
}

/* The tables one hpt_map() of a big range needs, failed at each allocation in
 * turn: fail_at = n lets n allocations succeed and every later one fail. Every
 * failure must leave the table byte for byte as it was, the mapping made
 * before still there, and the pool and pages_used where they were; the first
 * n that works must take exactly `tables` pages, and unmapping must bring
 * back the very same table bytes. */
static void check_map_all_or_nothing(bool nested, bool allow_1g, hva_t va, hpa_t pa,
				     uint64_t size, uint64_t tables)
{
	struct hpt h;
	hpa_t got; unsigned perm; uint64_t sz;
	unsigned p = rw_perm(nested);
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, allow_1g), 0);
	/* shares the PML4 slot, PDPT and (for the 4 KiB case) PD with the range */
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x7000, 0x1000, HPT_R), 0);
	uint64_t used = h.pages_used;
	snap_take();
	for (uint64_t n = 0; n <= tables; n++) {
		pool_grants = (long)n;
		int rc = hpt_map(&h, va, pa, size, p);
		pool_grants = -1;
		EXPECT_TRUE(hpt_lookup(&h, 0x1000, &got, &perm, &sz) && got == 0x7000 && perm == HPT_R);
		if (n < tables) {
			EXPECT_EQ(rc, -1);
			EXPECT_TRUE(snap_same());
			EXPECT_EQ(h.pages_used, used);
			EXPECT_TRUE(range_unmapped(&h, va, size));
			continue;
		}
		EXPECT_EQ(rc, 0);
		EXPECT_EQ(h.pages_used, used + tables);
		EXPECT_EQ(pool_nlive, snap_nlive + tables);   /* no spare page kept */
		EXPECT_TRUE(range_maps(&h, va, pa, size, p));
		EXPECT_EQ(hpt_unmap(&h, va, size, NULL, NULL), 0);
		EXPECT_TRUE(snap_same());
		EXPECT_EQ(h.pages_used, used);
		EXPECT_TRUE(range_unmapped(&h, va, size));
	}
	/* the same map again works, and destroy frees each page once (the pool aborts otherwise) */
	EXPECT_EQ(hpt_map(&h, va, pa, size, p), 0);
	pool_freed = 0;
	nleaves = 0;
	uint64_t pages = h.pages_used;
	hpt_destroy(&h, record_leaf, NULL);
	EXPECT_EQ(pool_freed, pages);
	EXPECT_EQ(pool_nlive, 0);
}

/* Across the PML4 slot 0/1 boundary at 512 GiB: 4K, 2M, 1G | 1G, 2M, 4K. New
 * tables with 1 GiB pages: PD and PT below slot 0's PDPT; PDPT, PD, PT in
 * slot 1. Without: three more PDs for the two GiB in 2 MiB pages. */
#define BIG_VA   (511 * GiB - 2 * MiB - 4 * KiB)
#define BIG_PA   (3 * GiB - 2 * MiB - 4 * KiB)   /* same offset in its GiB as BIG_VA */
#define BIG_SIZE (2 * GiB + 4 * MiB + 8 * KiB)

static void test_map_fails_cleanly_host(void)
{
	check_map_all_or_nothing(false, true, BIG_VA, BIG_PA, BIG_SIZE, 5);
	check_map_all_or_nothing(false, false, BIG_VA, BIG_PA, BIG_SIZE, 7);
	/* pa not 2 MiB aligned: all 4 KiB pages, a PT of slot 0's PD then a new
	 * PD with three PTs across the 1 GiB line */
	check_map_all_or_nothing(false, true, GiB - 8 * KiB, 0x1000, 4 * MiB + 16 * KiB, 5);
}

static void test_map_fails_cleanly_nested(void)
{
	check_map_all_or_nothing(true, true, BIG_VA, BIG_PA, BIG_SIZE, 5);
	check_map_all_or_nothing(true, false, BIG_VA, BIG_PA, BIG_SIZE, 7);
	check_map_all_or_nothing(true, true, GiB - 8 * KiB, 0x1000, 4 * MiB + 16 * KiB, 5);
}

/* Any overlap, wherever it falls in the range, fails before anything is
 * written or allocated, even when the free part would need new tables. */
static void check_overlap(bool nested)
{
	struct hpt h;
	unsigned p = rw_perm(nested);
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, true), 0);
	EXPECT_EQ(hpt_map(&h, 5 * MiB + 4 * KiB, 0x1000, 4 * KiB, HPT_R), 0);   /* 4 KiB in a PT */
	EXPECT_EQ(hpt_map(&h, 10 * MiB, 10 * MiB, 2 * MiB, HPT_R), 0);           /* 2 MiB page */
	EXPECT_EQ(hpt_map(&h, 2 * GiB, 2 * GiB, GiB, HPT_R), 0);                 /* 1 GiB page */
	uint64_t used = h.pages_used;
	static const struct { hva_t va; uint64_t size; } clash[] = {
		{ 0, 5 * MiB + 8 * KiB },                  /* the 4 KiB page is the last one */
		{ 5 * MiB + 4 * KiB, 64 * MiB },           /* ... the first one */
		{ 4 * MiB, 2 * MiB },                      /* a 2 MiB leaf where a PT is */
		{ 12 * MiB - 4 * KiB, 8 * KiB },           /* the tail of the 2 MiB page */
		{ 11 * MiB, 4 * KiB },                     /* inside it */
		{ 8 * MiB, 8 * MiB },                      /* all of it, and more */
		{ 3 * GiB - 4 * KiB, 2 * GiB },            /* the tail of the 1 GiB page, then free tables */
		{ GiB + 2 * MiB, GiB },                    /* its head */
		{ 2 * GiB + 123 * MiB, 4 * KiB },          /* inside it */
		{ 0, 4 * GiB },                            /* everything */
	};
	for (size_t i = 0; i < ARRAY_SIZE(clash); i++) {
		snap_take();
		/* pa = va so large pages are chosen wherever alignment allows */
		EXPECT_EQ(hpt_map(&h, clash[i].va, clash[i].va, clash[i].size, p), -1);
		/* and with small pages only */
		EXPECT_EQ(hpt_map(&h, clash[i].va, clash[i].va + 4 * KiB, clash[i].size, p), -1);
		EXPECT_TRUE(snap_same());
		EXPECT_EQ(h.pages_used, used);
	}
	/* the gaps between them are still free */
	EXPECT_EQ(hpt_map(&h, 5 * MiB + 8 * KiB, 0, 5 * MiB - 8 * KiB, p), 0);
	EXPECT_EQ(hpt_map(&h, 12 * MiB, 12 * MiB, GiB - 12 * MiB, p), 0);
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

static void test_overlap_fails_cleanly_host(void) { check_overlap(false); }
static void test_overlap_fails_cleanly_nested(void) { check_overlap(true); }

/* Map then unmap: each mapping reported once with its size, lookups fail,
 * and the table is back to the very bytes (and pages_used) it had. */
static void check_unmap_roundtrip(bool nested)
{
	struct hpt h;
	unsigned p = rw_perm(nested);
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, true), 0);
	EXPECT_EQ(h.pages_used, 1);
	snap_take();
	EXPECT_EQ(hpt_map(&h, BIG_VA, BIG_PA, BIG_SIZE, p), 0);
	nleaves = 0;
	EXPECT_EQ(hpt_unmap(&h, BIG_VA, BIG_SIZE, record_leaf, NULL), 0);
	EXPECT_EQ(nleaves, 6);
	static const uint64_t sizes[6] = { 4 * KiB, 2 * MiB, GiB, GiB, 2 * MiB, 4 * KiB };
	hpa_t pa = BIG_PA;
	for (int i = 0; i < 6 && i < nleaves; i++) {
		EXPECT_EQ(leaves[i].pa, pa);
		EXPECT_EQ(leaves[i].size, sizes[i]);
		pa += sizes[i];
	}
	EXPECT_TRUE(range_unmapped(&h, BIG_VA, BIG_SIZE));
	EXPECT_EQ(h.pages_used, 1);
	EXPECT_TRUE(snap_same());

	/* the last 2 MiB of the address space: its end is 2^64, which must not wrap */
	EXPECT_EQ(hpt_map(&h, 0xffffffffffe00000ull, 0x200000, 2 * MiB, HPT_R), 0);
	nleaves = 0;
	EXPECT_EQ(hpt_unmap(&h, 0xffffffffffe00000ull, 2 * MiB, record_leaf, NULL), 0);
	EXPECT_EQ(nleaves, 1);
	EXPECT_EQ(leaves[0].pa, 0x200000);
	EXPECT_EQ(leaves[0].size, 2 * MiB);
	EXPECT_TRUE(snap_same());
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

static void test_unmap_roundtrip_host(void) { check_unmap_roundtrip(false); }
static void test_unmap_roundtrip_nested(void) { check_unmap_roundtrip(true); }

/* A range can be taken apart along page edges whatever the maps that made
 * it; a table is freed only once its last mapping goes. */
static void check_unmap_pieces(bool nested)
{
	struct hpt h;
	hpa_t pa; unsigned perm; uint64_t sz;
	unsigned p = rw_perm(nested);
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, true), 0);
	snap_take();
	/* 2M + 4K + 4K + 2M at 2 MiB: PDPT, PD, one PT */
	EXPECT_EQ(hpt_map(&h, 2 * MiB, 2 * MiB, 4 * MiB + 8 * KiB, p), 0);
	EXPECT_EQ(hpt_map(&h, 6 * MiB + 8 * KiB, 0x100000000ull, 4 * KiB, HPT_R), 0);
	EXPECT_EQ(h.pages_used, 4);
	nleaves = 0;
	EXPECT_EQ(hpt_unmap(&h, 6 * MiB, 8 * KiB, record_leaf, NULL), 0);   /* two of the PT's three */
	EXPECT_EQ(nleaves, 2);
	EXPECT_EQ(leaves[0].pa, 6 * MiB);
	EXPECT_EQ(leaves[1].pa, 6 * MiB + 4 * KiB);
	EXPECT_EQ(leaves[1].size, 4 * KiB);
	EXPECT_EQ(h.pages_used, 4);                                          /* the PT still holds one */
	EXPECT_TRUE(hpt_lookup(&h, 6 * MiB + 8 * KiB, &pa, &perm, &sz) && pa == 0x100000000ull);
	EXPECT_EQ(hpt_unmap(&h, 4 * MiB, 2 * MiB, NULL, NULL), 0);          /* the middle 2 MiB page */
	EXPECT_TRUE(hpt_lookup(&h, 2 * MiB, &pa, &perm, &sz) && sz == 2 * MiB);
	EXPECT_TRUE(!hpt_lookup(&h, 4 * MiB, &pa, &perm, &sz));
	EXPECT_EQ(hpt_unmap(&h, 6 * MiB + 8 * KiB, 4 * KiB, NULL, NULL), 0);
	EXPECT_EQ(h.pages_used, 3);                                          /* PT gone */
	nleaves = 0;
	EXPECT_EQ(hpt_unmap(&h, 2 * MiB, 2 * MiB, record_leaf, NULL), 0);
	EXPECT_EQ(nleaves, 1);
	EXPECT_EQ(h.pages_used, 1);                                          /* PD and PDPT gone */
	EXPECT_TRUE(snap_same());
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

static void test_unmap_pieces_host(void) { check_unmap_pieces(false); }
static void test_unmap_pieces_nested(void) { check_unmap_pieces(true); }

/* Refusals change nothing and report no leaf: large pages are not split, a
 * hole anywhere fails the whole call (the mapped part stays). */
static void check_unmap_refuses(bool nested)
{
	struct hpt h;
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, true), 0);
	EXPECT_EQ(hpt_map(&h, 2 * MiB, 2 * MiB, 2 * MiB, HPT_R), 0);        /* 2 MiB page */
	EXPECT_EQ(hpt_map(&h, GiB, GiB, GiB, HPT_R), 0);                    /* 1 GiB page */
	EXPECT_EQ(hpt_map(&h, 8 * MiB, 0x5000, 4 * KiB, HPT_R), 0);         /* 4 KiB page */
	static const struct { hva_t va; uint64_t size; } bad[] = {
		{ 2 * MiB, 4 * KiB },                 /* head of the 2 MiB page */
		{ 2 * MiB + 4 * KiB, 2 * MiB - 4 * KiB }, /* its tail */
		{ 3 * MiB, 4 * KiB },                 /* its middle */
		{ 2 * MiB - 4 * KiB, 2 * MiB + 4 * KiB }, /* all of it, and a hole before */
		{ 2 * MiB, 4 * MiB },                 /* all of it, and a hole after */
		{ GiB, 2 * MiB },                     /* head of the 1 GiB page */
		{ 2 * GiB - 2 * MiB, 2 * MiB },       /* its tail */
		{ GiB, GiB + 4 * KiB },               /* all of it, and a hole after */
		{ 8 * MiB, 8 * KiB },                 /* the 4 KiB page, and a hole */
		{ 8 * MiB - 4 * KiB, 8 * KiB },       /* a hole, then the 4 KiB page */
		{ 16 * MiB, 4 * KiB },                /* nothing there */
		{ 8 * MiB, 0 },                       /* bad arguments, as for hpt_map */
		{ 8 * MiB + 1, 4 * KiB },
		{ 0x0000800000000000ull, 4 * KiB },
	};
	uint64_t used = h.pages_used;
	snap_take();
	nleaves = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(hpt_unmap(&h, bad[i].va, bad[i].size, record_leaf, NULL), -1);
		EXPECT_TRUE(snap_same());
	}
	EXPECT_EQ(nleaves, 0);
	EXPECT_EQ(h.pages_used, used);
	/* whole pages go */
	EXPECT_EQ(hpt_unmap(&h, GiB, GiB, record_leaf, NULL), 0);
	EXPECT_EQ(hpt_unmap(&h, 2 * MiB, 2 * MiB, record_leaf, NULL), 0);
	EXPECT_EQ(hpt_unmap(&h, 8 * MiB, 4 * KiB, record_leaf, NULL), 0);
	EXPECT_EQ(nleaves, 3);
	EXPECT_EQ(leaves[0].size, GiB);
	EXPECT_EQ(leaves[1].size, 2 * MiB);
	EXPECT_EQ(leaves[2].pa, 0x5000);
	EXPECT_EQ(h.pages_used, 1);
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

static void test_unmap_refuses_split_host(void) { check_unmap_refuses(false); }
static void test_unmap_refuses_split_nested(void) { check_unmap_refuses(true); }

/* The VM-creation failure path: maps that ran out of memory or overlapped,
 * then hpt_destroy() - which must see only the successful mappings and free
 * every table page exactly once (pool_free aborts on a second free). */
static void check_destroy_after_failures(bool nested)
{
	struct hpt h;
	unsigned p = rw_perm(nested);
	reset_pool();
	EXPECT_EQ(make_hpt(&h, nested, false), 0);
	EXPECT_EQ(hpt_map(&h, 0, 0x40000000, 4 * MiB + 4 * KiB, p), 0);     /* 2M, 2M, 4K */
	for (long n = 0; n < 7; n++) {
		pool_grants = n;
		EXPECT_EQ(hpt_map(&h, BIG_VA, BIG_PA, BIG_SIZE, p), -1);
		pool_grants = -1;
	}
	EXPECT_EQ(hpt_map(&h, 2 * MiB, 0, BIG_SIZE, p), -1);                /* overlap */
	pool_limit = pool_nlive;                                            /* nothing more to give */
	EXPECT_EQ(hpt_map(&h, 8 * MiB, 0, 4 * KiB, p), -1);
	pool_limit = POOL_PAGES;
	uint64_t pages = h.pages_used;
	EXPECT_EQ(pages, pool_nlive);
	pool_freed = 0;
	nleaves = 0;
	hpt_destroy(&h, record_leaf, NULL);
	EXPECT_EQ(pool_freed, pages);
	EXPECT_EQ(pool_nlive, 0);
	EXPECT_EQ(nleaves, 3);
	EXPECT_EQ(leaves[0].pa, 0x40000000);
	EXPECT_EQ(leaves[2].size, 4 * KiB);
}

static void test_destroy_after_failed_maps_host(void) { check_destroy_after_failures(false); }
static void test_destroy_after_failed_maps_nested(void) { check_destroy_after_failures(true); }

/* Permissions change on whole leaves, addresses and sizes stay; the
 * refusals are unmap's (no split, no hole, bad arguments) plus W+X in a
 * host table, and each changes nothing. */
static void test_protect_nested(void)
{
	struct hpt h;
	unsigned rwx = HPT_R | HPT_W | HPT_X, rx = HPT_R | HPT_X;
	reset_pool();
	EXPECT_EQ(make_hpt(&h, true, true), 0);
	EXPECT_EQ(hpt_map(&h, 0, 0x40000000, MiB, rwx), 0);                   /* 4 KiB pages */
	EXPECT_EQ(hpt_map(&h, MiB, 0x40000000 + MiB, 3 * MiB, rwx), 0);        /* 4 KiB, then 2 MiB */
	EXPECT_EQ(hpt_protect(&h, 0xc3000, 0x25000, rx), 0);
	EXPECT_EQ(hpt_protect(&h, 0xf0000, 0x10000, rx), 0);
	EXPECT_TRUE(range_maps(&h, 0, 0x40000000, 0xc3000, rwx));
	EXPECT_TRUE(range_maps(&h, 0xc3000, 0x400c3000, 0x25000, rx));
	EXPECT_TRUE(range_maps(&h, 0xe8000, 0x400e8000, 0x8000, rwx));
	EXPECT_TRUE(range_maps(&h, 0xf0000, 0x400f0000, 0x10000, rx));
	EXPECT_TRUE(range_maps(&h, MiB, 0x40000000 + MiB, 3 * MiB, rwx));
	/* a whole 2 MiB page may change, to read-only without execute too */
	EXPECT_EQ(hpt_protect(&h, 2 * MiB, 2 * MiB, HPT_R), 0);
	EXPECT_TRUE(range_maps(&h, 2 * MiB, 0x40000000 + 2 * MiB, 2 * MiB, HPT_R));
	static const struct { hva_t va; uint64_t size; } bad[] = {
		{ 2 * MiB, 4 * KiB },            /* head of the 2 MiB page */
		{ 3 * MiB, MiB + 4 * KiB },      /* its tail, and a hole after */
		{ 4 * MiB, 4 * KiB },            /* nothing there */
		{ 0xff000, 0 },                  /* bad arguments */
		{ 0xff001, 4 * KiB },
		{ 0x0000800000000000ull, 4 * KiB },
		{ UINT64_MAX & ~0xfffull, 8 * KiB },   /* wraps */
	};
	uint64_t used = h.pages_used;
	snap_take();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(hpt_protect(&h, bad[i].va, bad[i].size, rwx), -1);
		EXPECT_TRUE(snap_same());
	}
	EXPECT_EQ(h.pages_used, used);
	/* back as they were: every page of the first 4 MiB read-write again */
	EXPECT_EQ(hpt_protect(&h, 0, 2 * MiB, rwx), 0);
	EXPECT_EQ(hpt_protect(&h, 2 * MiB, 2 * MiB, rwx), 0);
	EXPECT_TRUE(range_maps(&h, 0, 0x40000000, 4 * MiB, rwx));
	EXPECT_EQ(h.pages_used, used);
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

static void test_protect_host_refuses_wx(void)
{
	struct hpt h;
	reset_pool();
	EXPECT_EQ(make_hpt(&h, false, true), 0);
	EXPECT_EQ(hpt_map(&h, 0x200000, 0x200000, 0x3000, HPT_R | HPT_W), 0);
	snap_take();
	EXPECT_EQ(hpt_protect(&h, 0x200000, 0x3000, HPT_R | HPT_W | HPT_X), -1);
	EXPECT_TRUE(snap_same());
	EXPECT_EQ(hpt_protect(&h, 0x201000, 0x1000, HPT_R | HPT_X | HPT_GLOBAL), 0);
	EXPECT_TRUE(range_maps(&h, 0x200000, 0x200000, 0x1000, HPT_R | HPT_W));
	EXPECT_TRUE(range_maps(&h, 0x201000, 0x201000, 0x1000, HPT_R | HPT_X | HPT_GLOBAL));
	EXPECT_TRUE(range_maps(&h, 0x202000, 0x202000, 0x1000, HPT_R | HPT_W));
	hpt_destroy(&h, NULL, NULL);
	EXPECT_EQ(pool_nlive, 0);
}

int main(void)
{
	RUN(test_walk_reports_each_level);
	RUN(test_nested_tables);
	RUN(test_host_tables_have_no_user_bit);
	RUN(test_map_4k_and_lookup);
	RUN(test_large_pages_chosen);
	RUN(test_no_1g_when_not_allowed);
	RUN(test_misaligned_pa_uses_small_pages);
	RUN(test_rejects_bad_requests);
	RUN(test_out_of_pages);
	RUN(test_global_and_nx_bits);
	RUN(test_map_fails_cleanly_host);
	RUN(test_map_fails_cleanly_nested);
	RUN(test_overlap_fails_cleanly_host);
	RUN(test_overlap_fails_cleanly_nested);
	RUN(test_unmap_roundtrip_host);
	RUN(test_unmap_roundtrip_nested);
	RUN(test_unmap_pieces_host);
	RUN(test_unmap_pieces_nested);
	RUN(test_unmap_refuses_split_host);
	RUN(test_unmap_refuses_split_nested);
	RUN(test_destroy_after_failed_maps_host);
	RUN(test_destroy_after_failed_maps_nested);
	RUN(test_protect_nested);
	RUN(test_protect_host_refuses_wx);
	free(pool);
	TEST_MAIN_END();
}

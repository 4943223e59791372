/* tests/unit/test_hpt.c - The hypervisor page-table builder, on malloc'd pages. */
/* UNIT_SRC: mm/hpt.c */
#include <stdlib.h>
#include "test.h"
#include "mm/hpt.h"

/* Fake "physical" addresses: page i of the pool is at 0x1000000 + i * 4096. */
#define POOL_PAGES 256
#define POOL_BASE  0x1000000ull
static uint8_t *pool;
static size_t pool_used, pool_limit = POOL_PAGES;

static void *pool_alloc(void *ctx)
{
	(void)ctx;
	if (pool_used >= pool_limit)
		return NULL;
	void *p = pool + pool_used++ * 4096;
	memset(p, 0, 4096);
	return p;
}
static int pool_freed;
static void pool_free(void *ctx, void *page) { (void)ctx; (void)page; pool_freed++; }
static hpa_t pool_pa(void *ctx, void *page) { (void)ctx; return POOL_BASE + (hpa_t)((uint8_t *)page - pool); }
static void *pool_va(void *ctx, hpa_t pa) { (void)ctx; return pool + (pa - POOL_BASE); }
static const struct page_source ps = { pool_alloc, pool_free, pool_pa, pool_va, NULL };

static void reset_pool(void)
{
	if (!pool)
		pool = aligned_alloc(4096, POOL_PAGES * 4096);
	pool_used = 0;
	pool_limit = POOL_PAGES;
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
	EXPECT_EQ(hpt_map(&h, 0x1000, 0x1000, 0x1000, HPT_R), -1);
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
	free(pool);
	TEST_MAIN_END();
}

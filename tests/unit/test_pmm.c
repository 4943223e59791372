/* tests/unit/test_pmm.c - The page-frame allocator, on its own and from real-looking maps. */
/* UNIT_SRC: mm/pmm.c mm/memmap.c */
#include <stdint.h>
#include <stdlib.h>
#include "mm/pmm.h"
#include "tests/unit/test.h"

#define U MEM_USABLE
#define R MEM_RESERVED
#define F(n) ((hpa_t)(n) << PAGE_SHIFT)

static struct mem_range storage[64];
static struct memmap map;
static struct pmm pmm;
static uint64_t *bitmap;

static void map_of(const struct mem_range *in, size_t n)
{
	memmap_init(&map, storage, ARRAY_SIZE(storage));
	for (size_t i = 0; i < n; i++)
		EXPECT_EQ(memmap_add(&map, in[i].start, in[i].end, in[i].type), 0);
}

#define MAP(...) do { const struct mem_range _in[] = { __VA_ARGS__ }; \
	map_of(_in, ARRAY_SIZE(_in)); } while (0)

/* A fresh, exactly sized heap bitmap, so ASan sees any scan past its end. */
static void start(uint64_t limit)
{
	free(bitmap);
	bitmap = malloc(pmm_bitmap_bytes(limit) ? pmm_bitmap_bytes(limit) : 1);
	pmm_init(&pmm, bitmap, limit, &map);
}

/* Usable for the whole 4 KiB page: one usable range holds all of it. */
static int frame_is_usable(hpa_t pa)
{
	for (size_t i = 0; i < map.count; i++)
		if (pa >= map.ranges[i].start && pa < map.ranges[i].end)
			return map.ranges[i].type == U && map.ranges[i].end - pa >= PAGE_SIZE;
	return 0;
}

static void test_bitmap_bytes(void)
{
	EXPECT_EQ(pmm_bitmap_bytes(0), 0);
	EXPECT_EQ(pmm_bitmap_bytes(0xfff), 0);                     /* no whole frame */
	EXPECT_EQ(pmm_bitmap_bytes(0x1000), 8);
	EXPECT_EQ(pmm_bitmap_bytes(F(64)), 8);
	EXPECT_EQ(pmm_bitmap_bytes(F(65)), 16);
	EXPECT_EQ(pmm_bitmap_bytes(F(65) + 0x800), 16);
	EXPECT_EQ(pmm_bitmap_bytes(0x180000000ull), 0x180000 / 8);
	EXPECT_EQ(pmm_bitmap_bytes(64 * GiB), 2 * MiB);
}

static void test_init_frees_whole_usable_pages(void)
{
	static const int expect_free[16] = { 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };

	MAP({ 0x1800, 0x5800, U }, { 0x5800, 0x6000, R }, { 0x8000, 0x10000, U },
	    { 0x10000, 0x20000, U });                                  /* past the limit */
	start(0x10000);
	EXPECT_EQ(pmm.frame_count, 16);
	EXPECT_EQ(pmm.usable_frames, 11);
	EXPECT_EQ(pmm.free_frames, 11);
	for (int f = 0; f < 16; f++)
		EXPECT_EQ(pmm_is_free(&pmm, F(f)), expect_free[f]);
	EXPECT_TRUE(!pmm_is_free(&pmm, F(16)));                    /* outside */
	EXPECT_TRUE(!pmm_is_free(&pmm, UINT64_MAX));
	EXPECT_TRUE(pmm_is_free(&pmm, F(2) + 0x123));               /* any byte of the frame */
}

static void test_empty(void)
{
	MAP({ 0, 0x800, U }, { 0x1000, 0x2000, R });
	start(0x2000);
	EXPECT_EQ(pmm.free_frames, 0);
	hpa_t pa = 1;
	EXPECT_TRUE(!pmm_alloc(&pmm, &pa));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 1, 1, &pa));
	EXPECT_EQ(pa, 1);

	memmap_init(&map, storage, ARRAY_SIZE(storage));
	start(0);
	EXPECT_EQ(pmm.frame_count, 0);
	EXPECT_TRUE(!pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pmm_free(&pmm, 0, 1), -1);
}

/* The QEMU -m 5G map as the kernel will have it: low 1 MiB, image, boot
 * info and the bitmap carved out. */
static void qemu_5g_carved(void)
{
	uint64_t bm_at;

	MAP({ 0, 0x9fc00, U }, { 0x9fc00, 0xa0000, R }, { 0xf0000, 0x100000, R },
	    { 0x100000, 0xbffe0000, U }, { 0xbffe0000, 0xc0000000, R },
	    { 0xfffc0000, 0x100000000ull, R }, { 0x100000000ull, 0x180000000ull, U });
	EXPECT_EQ(memmap_carve(&map, 0, MiB, MEM_LOW_1M), 0);
	EXPECT_EQ(memmap_carve(&map, 2 * MiB, 0x345678, MEM_HYPERVISOR), 0);
	EXPECT_EQ(memmap_carve(&map, 0x7fff800, 0x8000800, MEM_BOOTINFO), 0);
	EXPECT_TRUE(memmap_find_free(&map, pmm_bitmap_bytes(0x180000000ull), 0, 4 * GiB, &bm_at));
	EXPECT_EQ(bm_at, MiB);
	EXPECT_EQ(memmap_carve(&map, bm_at, bm_at + pmm_bitmap_bytes(0x180000000ull),
			       MEM_ALLOCATOR), 0);
}

static void test_exhaust_qemu_5g(void)
{
	struct memmap_stats st;
	uint8_t *seen;
	uint64_t got = 0, above = 0, bad = 0, dup = 0;
	hpa_t pa;

	qemu_5g_carved();
	memmap_stats(&map, &st);
	start(0x180000000ull);
	EXPECT_EQ(pmm.usable_frames, st.usable / PAGE_SIZE);
	EXPECT_EQ(pmm.free_frames, pmm.usable_frames);
	seen = calloc(pmm.frame_count, 1);
	for (uint64_t n = 0; n <= pmm.frame_count && pmm_alloc(&pmm, &pa); n++) {
		uint64_t f = pa >> PAGE_SHIFT;

		got++;
		if (!IS_ALIGNED(pa, PAGE_SIZE) || f >= pmm.frame_count || !frame_is_usable(pa)) {
			if (bad++ < 5)
				fprintf(stderr, "  handed out %#" PRIx64 "\n", pa);
			continue;
		}
		dup += seen[f];
		seen[f] = 1;
		above += pa >= 4 * GiB;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(dup, 0);
	EXPECT_EQ(got, pmm.usable_frames);
	EXPECT_EQ(above, 2 * GiB / PAGE_SIZE);
	EXPECT_EQ(pmm.free_frames, 0);
	EXPECT_TRUE(!pmm_alloc(&pmm, &pa));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 1, 1, &pa));
	/* Every usable frame was seen, so none of the carved ones can be free. */
	EXPECT_TRUE(!seen[0] && !seen[MiB / PAGE_SIZE] && !seen[2 * MiB / PAGE_SIZE]);
	EXPECT_TRUE(!seen[0x345000 / PAGE_SIZE] && seen[0x346000 / PAGE_SIZE]);
	EXPECT_TRUE(!seen[0x8000000 / PAGE_SIZE] && seen[0x8001000 / PAGE_SIZE]);
	EXPECT_TRUE(!seen[0x7fff000 / PAGE_SIZE] && seen[0x7ffe000 / PAGE_SIZE]);

	/* One freed frame comes straight back. */
	EXPECT_EQ(pmm_free(&pmm, 0x123456000ull, 1), 0);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, 0x123456000ull);
	free(seen);
}

static void test_high_only(void)
{
	hpa_t pa;

	MAP({ 4 * GiB, 4 * GiB + 0x10000, U });
	start(4 * GiB + 0x10000);
	EXPECT_EQ(pmm.free_frames, 16);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, 4 * GiB);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 8, 8, &pa));
	EXPECT_EQ(pa, 4 * GiB + 0x8000);
}

static void test_free_and_double_free(void)
{
	hpa_t a, b;

	MAP({ 0x10000, 0x20000, U });
	start(0x20000);
	EXPECT_TRUE(pmm_alloc(&pmm, &a));
	EXPECT_TRUE(pmm_alloc(&pmm, &b));
	EXPECT_EQ(a, 0x10000);
	EXPECT_EQ(b, 0x11000);
	EXPECT_EQ(pmm.free_frames, 14);
	EXPECT_TRUE(!pmm_is_free(&pmm, a));

	EXPECT_EQ(pmm_free(&pmm, a + 0x800, 1), -1);                /* unaligned */
	EXPECT_EQ(pmm_free(&pmm, a, 0), -1);                        /* empty */
	EXPECT_EQ(pmm_free(&pmm, 0x20000, 1), -1);                  /* outside */
	EXPECT_EQ(pmm_free(&pmm, 0x1f000, 2), -1);                  /* runs off the end */
	EXPECT_EQ(pmm_free(&pmm, a, UINT64_MAX), -1);               /* count overflows */
	EXPECT_EQ(pmm.free_frames, 14);

	EXPECT_EQ(pmm_free(&pmm, a, 1), 0);
	EXPECT_TRUE(pmm_is_free(&pmm, a));
	EXPECT_EQ(pmm.free_frames, 15);
	EXPECT_EQ(pmm_free(&pmm, a, 1), -1);                        /* double free */
	EXPECT_EQ(pmm_free(&pmm, a, 2), -1);                        /* half of it free: */
	EXPECT_TRUE(!pmm_is_free(&pmm, b));                         /* b untouched */
	EXPECT_EQ(pmm.free_frames, 15);
	EXPECT_EQ(pmm_free(&pmm, b, 1), 0);
	EXPECT_EQ(pmm.free_frames, 16);
	EXPECT_EQ(pmm_free(&pmm, b, 1), -1);
}

static void test_contig_aligned(void)
{
	hpa_t one, big, big2, small;

	MAP({ MiB, 16 * MiB, U });
	start(16 * MiB);
	EXPECT_TRUE(pmm_alloc(&pmm, &one));
	EXPECT_EQ(one, MiB);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 512, 512, &big));        /* a 2 MiB page */
	EXPECT_EQ(big, 2 * MiB);
	for (uint64_t f = 0; f < 512; f++)
		EXPECT_TRUE(!pmm_is_free(&pmm, big + F(f)));
	EXPECT_TRUE(pmm_is_free(&pmm, big + F(512)));
	EXPECT_TRUE(pmm_is_free(&pmm, big - PAGE_SIZE));
	EXPECT_EQ(pmm.free_frames, 15 * 256 - 1 - 512);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 512, 512, &big2));
	EXPECT_EQ(big2, 4 * MiB);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 3, 0, &small));          /* lowest fit */
	EXPECT_EQ(small, MiB + PAGE_SIZE);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 100, 64, &small));       /* crosses words */
	EXPECT_EQ(small, MiB + F(64));

	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 0, 1, &small));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 2, 3, &small));         /* not 2^n */
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, pmm.free_frames + 1, 1, &small));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 1, 1ull << 63, &small));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, UINT64_MAX, 1, &small));
	/* 8 MiB aligned to 8 MiB: only [8, 16) MiB could hold it and it is free. */
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 2048, 2048, &big));
	EXPECT_EQ(big, 8 * MiB);
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 512, 2048, &big));

	EXPECT_EQ(pmm_free(&pmm, 2 * MiB, 512), 0);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 512, 512, &big));
	EXPECT_EQ(big, 2 * MiB);
}

static void test_fragmentation(void)
{
	hpa_t pa;

	MAP({ 0, F(128), U });
	start(F(128));
	for (int i = 0; i < 128; i++)
		EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	for (int f = 0; f < 128; f += 2)
		EXPECT_EQ(pmm_free(&pmm, F(f), 1), 0);
	EXPECT_EQ(pmm.free_frames, 64);
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 2, 1, &pa));            /* 64 free, no two adjacent */
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 1, 1, &pa));
	EXPECT_EQ(pa, 0);

	/* A free run of four that is not four-aligned. */
	EXPECT_EQ(pmm_free(&pmm, F(3), 1), 0);
	EXPECT_EQ(pmm_free(&pmm, F(5), 1), 0);                      /* frames 2..6 free now */
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 4, 4, &pa));
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 5, 1, &pa));
	EXPECT_EQ(pa, F(2));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 2, 1, &pa));
}

static void test_hint_wraps(void)
{
	hpa_t pa;

	MAP({ 0, F(8), U });
	start(F(8));
	for (int f = 0; f < 6; f++) {
		EXPECT_TRUE(pmm_alloc(&pmm, &pa));
		EXPECT_EQ(pa, F(f));
	}
	EXPECT_EQ(pmm_free(&pmm, F(1), 1), 0);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, F(6));                                        /* next-fit: not 1 yet */
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, F(7));
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, F(1));                                        /* wrapped */
	EXPECT_TRUE(!pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pmm_free(&pmm, F(7), 1), 0);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));                          /* from hint 2 to the end */
	EXPECT_EQ(pa, F(7));
	EXPECT_EQ(pmm_free(&pmm, F(0), 1), 0);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));                          /* hint at the end: wraps */
	EXPECT_EQ(pa, F(0));
}

/* 64 GiB with the only free frames at both ends: the scan has to cross
 * 256 Ki words of ones. */
static void test_large_sparse(void)
{
	hpa_t pa;

	MAP({ MiB, MiB + F(2), U }, { 64 * GiB - F(3), 64 * GiB, U }, { 2 * MiB, 64 * GiB - F(3), R });
	start(64 * GiB);
	EXPECT_EQ(pmm.free_frames, 5);
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, MiB);
	EXPECT_TRUE(pmm_alloc_contig(&pmm, 2, 2, &pa));
	EXPECT_EQ(pa, 64 * GiB - F(2));
	EXPECT_TRUE(!pmm_alloc_contig(&pmm, 2, 1, &pa));
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, MiB + F(1));
	EXPECT_TRUE(pmm_alloc(&pmm, &pa));
	EXPECT_EQ(pa, 64 * GiB - F(3));
	EXPECT_TRUE(!pmm_alloc(&pmm, &pa));
}

/* --- against a model: a bool per frame and a hint ----------------------- */

#define FRAMES 300

static unsigned rng_state = 777;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

/* Lowest aligned run of count free frames in the model, or FRAMES. */
static uint64_t model_contig(const uint8_t *is_free, uint64_t count, uint64_t align)
{
	for (uint64_t f = 0; f + count <= FRAMES; f += align) {
		uint64_t k = 0;

		while (k < count && is_free[f + k])
			k++;
		if (k == count)
			return f;
	}
	return FRAMES;
}

static uint64_t model_next_fit(const uint8_t *is_free, uint64_t hint)
{
	for (uint64_t k = 0; k < FRAMES; k++)
		if (is_free[(hint + k) % FRAMES])
			return (hint + k) % FRAMES;
	return FRAMES;
}

static void random_round(void)
{
	uint8_t is_free[FRAMES] = { 0 };
	uint64_t hint = 0, nfree = 0;
	hpa_t pa;

	memmap_init(&map, storage, ARRAY_SIZE(storage));
	for (int i = 0; i < 8; i++) {
		uint64_t a = rnd(FRAMES * 8) * 512, b = a + 1 + rnd(FRAMES * 1024);

		memmap_add(&map, a, b, rnd(3) ? U : R);
	}
	start(F(FRAMES));
	for (uint64_t f = 0; f < FRAMES; f++)
		nfree += is_free[f] = frame_is_usable(F(f));
	EXPECT_EQ(pmm.free_frames, nfree);

	for (int op = 0; op < 400 && !test_case_failed; op++) {
		unsigned what = rnd(3);

		if (what == 0) {
			uint64_t want = model_next_fit(is_free, hint);

			EXPECT_EQ(pmm_alloc(&pmm, &pa), want != FRAMES);
			if (want != FRAMES) {
				EXPECT_EQ(pa, F(want));
				is_free[want] = 0;
				hint = want + 1;
			}
		} else if (what == 1) {
			uint64_t count = 1 + rnd(70), align = 1ull << rnd(7);
			uint64_t want = model_contig(is_free, count, align);

			EXPECT_EQ(pmm_alloc_contig(&pmm, count, align, &pa), want != FRAMES);
			if (want != FRAMES) {
				EXPECT_EQ(pa, F(want));
				memset(is_free + want, 0, count);
			}
		} else {
			uint64_t f = rnd(FRAMES), count = 1 + rnd(rnd(2) ? 4 : 70);
			bool inside = f + count <= FRAMES, any_free = false, all_usable = true, ok;

			for (uint64_t k = 0; inside && k < count; k++) {
				any_free |= is_free[f + k];
				all_usable &= frame_is_usable(F(f + k));
			}
			/* Freeing a never-usable frame is a caller bug the bitmap
			 * cannot see (it looks allocated): not something to test. */
			if (inside && !any_free && !all_usable)
				continue;
			ok = inside && !any_free;
			EXPECT_EQ(pmm_free(&pmm, F(f), count), ok ? 0 : -1);
			if (ok)
				memset(is_free + f, 1, count);
		}
		nfree = 0;
		for (uint64_t f = 0; f < FRAMES; f++) {
			nfree += is_free[f];
			if (pmm_is_free(&pmm, F(f)) != is_free[f]) {
				test_case_failed = 1;
				fprintf(stderr, "  op %d: frame %" PRIu64 " differs\n", op, f);
				return;
			}
		}
		EXPECT_EQ(pmm.free_frames, nfree);
	}
}

static void test_random_against_model(void)
{
	for (int round = 0; round < 300 && !test_case_failed; round++)
		random_round();
}

int main(void)
{
	RUN(test_bitmap_bytes);
	RUN(test_init_frees_whole_usable_pages);
	RUN(test_empty);
	RUN(test_exhaust_qemu_5g);
	RUN(test_high_only);
	RUN(test_free_and_double_free);
	RUN(test_contig_aligned);
	RUN(test_fragmentation);
	RUN(test_hint_wraps);
	RUN(test_large_sparse);
	RUN(test_random_against_model);
	free(bitmap);
	TEST_MAIN_END();
}

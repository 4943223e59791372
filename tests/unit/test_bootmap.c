/* tests/unit/test_bootmap.c - From a raw Multiboot2 information block to the
 * normalised memory map: overlapping, unsorted, empty and wrapping firmware
 * entries each give a defined map. */
/* UNIT_SRC: mm/bootmap.c mm/memmap.c boot/multiboot2.c lib/printf.c */
#include "test.h"
#include "mm/bootmap.h"

static uint64_t block[512];   /* 8-byte aligned info block */
static size_t used;

static void begin(void) { memset(block, 0, sizeof(block)); used = 8; }

static void *tag(uint32_t type, uint32_t size)
{
	uint8_t *p = (uint8_t *)block + used;
	memcpy(p, &type, 4);
	memcpy(p + 4, &size, 4);
	used += (size + 7) & ~7u;
	return p;
}

static void mmap_tag(const uint64_t (*e)[3], int n)
{
	uint8_t *p = tag(6, 16 + 24 * (uint32_t)n);
	uint32_t entry_size = 24, version = 0;
	memcpy(p + 8, &entry_size, 4);
	memcpy(p + 12, &version, 4);
	for (int i = 0; i < n; i++) {
		uint32_t type = (uint32_t)e[i][2], zero = 0;
		memcpy(p + 16 + 24 * i, &e[i][0], 8);
		memcpy(p + 24 + 24 * i, &e[i][1], 8);
		memcpy(p + 32 + 24 * i, &type, 4);
		memcpy(p + 36 + 24 * i, &zero, 4);
	}
}

static void efi_tag(const uint64_t (*e)[3], int n)   /* {type, start, pages} */
{
	uint8_t *p = tag(17, 16 + 48 * (uint32_t)n);
	uint32_t desc_size = 48, desc_version = 1;
	memcpy(p + 8, &desc_size, 4);
	memcpy(p + 12, &desc_version, 4);
	for (int i = 0; i < n; i++) {
		uint32_t type = (uint32_t)e[i][0];
		memcpy(p + 16 + 48 * i, &type, 4);
		memcpy(p + 24 + 48 * i, &e[i][1], 8);
		memcpy(p + 40 + 48 * i, &e[i][2], 8);
	}
}

static int finish_and_load(struct memmap *m, struct mem_range *st, size_t cap, struct bootmap_result *res)
{
	struct mb2_info info;
	char err[160];
	tag(0, 8);
	uint32_t total = (uint32_t)used;
	memcpy(block, &total, 4);
	if (mb2_parse(block, used, &info, err, sizeof(err)) != 0) {
		fprintf(stderr, "  parse failed: %s\n", err);
		return -1;
	}
	memmap_init(m, st, cap);
	bootmap_load(m, &info, res);
	return 0;
}

static void expect_range(const struct memmap *m, size_t i, uint64_t start, uint64_t end, enum mem_type t)
{
	EXPECT_TRUE(i < m->count);
	if (i >= m->count)
		return;
	EXPECT_EQ(m->ranges[i].start, start);
	EXPECT_EQ(m->ranges[i].end, end);
	EXPECT_EQ(m->ranges[i].type, t);
}

static void test_overlapping_unsorted_mb2_map(void)
{
	static const uint64_t e[][3] = {
		{ 0x100000, 0x3ff00000, 1 },     /* usable 1 MiB .. 1 GiB */
		{ 0x0, 0x9fc00, 1 },
		{ 0x20000000, 0x1000, 2 },        /* reserved hole inside usable RAM */
		{ 0x9f000, 0x2000, 2 },           /* reserved overlapping usable's tail */
		{ 0x3ff00000, 0x100000, 3 },      /* ACPI reclaim */
	};
	struct mem_range st[32];
	struct memmap m;
	struct bootmap_result res;
	begin();
	mmap_tag(e, 5);
	EXPECT_EQ(finish_and_load(&m, st, 32, &res), 0);
	EXPECT_STREQ(res.source, "the Multiboot2 memory map");
	EXPECT_EQ(res.entries, 5);
	EXPECT_EQ(res.dropped, 0);
	expect_range(&m, 0, 0x0, 0x9f000, MEM_USABLE);
	expect_range(&m, 1, 0x9f000, 0xa1000, MEM_RESERVED);
	expect_range(&m, 2, 0x100000, 0x20000000, MEM_USABLE);
	expect_range(&m, 3, 0x20000000, 0x20001000, MEM_RESERVED);
	expect_range(&m, 4, 0x20001000, 0x3ff00000, MEM_USABLE);
	expect_range(&m, 5, 0x3ff00000, 0x40000000, MEM_ACPI_RECLAIM);
	EXPECT_EQ(m.count, 6);
}

static void test_empty_and_wrapping_entries(void)
{
	static const uint64_t e[][3] = {
		{ 0x100000, 0, 1 },                          /* empty: ignored */
		{ 0xfffffffffff00000ull, 0x200000, 2 },      /* runs past 2^64: clipped */
		{ 0x100000, 0x100000, 1 },
	};
	struct mem_range st[8];
	struct memmap m;
	struct bootmap_result res;
	begin();
	mmap_tag(e, 3);
	EXPECT_EQ(finish_and_load(&m, st, 8, &res), 0);
	EXPECT_EQ(res.entries, 3);
	EXPECT_EQ(res.dropped, 0);
	expect_range(&m, 0, 0x100000, 0x200000, MEM_USABLE);
	expect_range(&m, 1, 0xfffffffffff00000ull, UINT64_MAX, MEM_RESERVED);
	EXPECT_EQ(m.count, 2);
}

static void test_full_map_counts_dropped(void)
{
	uint64_t e[10][3];
	for (int i = 0; i < 10; i++) {
		e[i][0] = 0x100000ull * (uint64_t)(2 * i + 1);
		e[i][1] = 0x1000;
		e[i][2] = 1;
	}
	struct mem_range st[4];
	struct memmap m;
	struct bootmap_result res;
	begin();
	mmap_tag((const uint64_t (*)[3])e, 10);
	EXPECT_EQ(finish_and_load(&m, st, 4, &res), 0);
	EXPECT_EQ(res.entries, 10);
	EXPECT_EQ(res.dropped, 6);
	EXPECT_EQ(m.count, 4);
}

static void test_efi_map_preferred(void)
{
	static const uint64_t mb[][3] = { { 0x0, 0x80000000, 1 } };
	static const uint64_t efi[][3] = {
		{ 7, 0x100000, 0x1000 },     /* conventional, 16 MiB */
		{ 4, 0x1100000, 0x100 },     /* boot services data: free after ExitBootServices */
		{ 6, 0x1200000, 0x10 },      /* runtime services data: reserved */
		{ 9, 0x1300000, 0x10 },      /* ACPI reclaim */
		{ 7, 0x100000000ull, UINT64_MAX },  /* absurd page count: dropped */
	};
	struct mem_range st[16];
	struct memmap m;
	struct bootmap_result res;
	begin();
	mmap_tag(mb, 1);
	efi_tag(efi, 5);
	EXPECT_EQ(finish_and_load(&m, st, 16, &res), 0);
	EXPECT_STREQ(res.source, "the EFI memory map");
	EXPECT_EQ(res.entries, 5);
	EXPECT_EQ(res.dropped, 1);
	expect_range(&m, 0, 0x100000, 0x1200000, MEM_USABLE);
	expect_range(&m, 1, 0x1200000, 0x1210000, MEM_RESERVED);
	expect_range(&m, 2, 0x1300000, 0x1310000, MEM_ACPI_RECLAIM);
	EXPECT_EQ(m.count, 3);
}

static void test_no_map(void)
{
	struct mem_range st[4];
	struct memmap m;
	struct bootmap_result res;
	begin();
	EXPECT_EQ(finish_and_load(&m, st, 4, &res), 0);
	EXPECT_TRUE(res.source == NULL);
	EXPECT_EQ(m.count, 0);
}

int main(void)
{
	RUN(test_overlapping_unsorted_mb2_map);
	RUN(test_empty_and_wrapping_entries);
	RUN(test_full_map_counts_dropped);
	RUN(test_efi_map_preferred);
	RUN(test_no_map);
	TEST_MAIN_END();
}

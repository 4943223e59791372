/* tests/unit/test_ksyms.c - Address to symbol lookup. */
/* UNIT_SRC: lib/ksyms.c */
#include "test.h"
#include "lib/ksyms.h"

/* The kernel's table is generated; the test uses its own. */
const struct ksym ksyms[] = { { 0, "" } };
const size_t ksym_count = 0;

static const struct ksym tab[] = {
	{ 0x1000, "a" }, { 0x1010, "b" }, { 0x1010, "b_alias" }, { 0x1100, "c" }, { 0x2000, "d" },
};

static void test_exact_and_inside(void)
{
	EXPECT_STREQ(ksym_find(tab, 5, 0x3000, 0x1000)->name, "a");
	EXPECT_STREQ(ksym_find(tab, 5, 0x3000, 0x100f)->name, "a");
	EXPECT_TRUE(ksym_find(tab, 5, 0x3000, 0x1010)->addr == 0x1010);
	EXPECT_STREQ(ksym_find(tab, 5, 0x3000, 0x10ff)->name, "b_alias");
	EXPECT_STREQ(ksym_find(tab, 5, 0x3000, 0x1100)->name, "c");
	EXPECT_STREQ(ksym_find(tab, 5, 0x3000, 0x2fff)->name, "d");
}

static void test_outside(void)
{
	EXPECT_TRUE(ksym_find(tab, 5, 0x3000, 0xfff) == NULL);
	EXPECT_TRUE(ksym_find(tab, 5, 0x3000, 0x3000) == NULL);
	EXPECT_TRUE(ksym_find(tab, 0, 0x3000, 0x1000) == NULL);
	EXPECT_TRUE(ksym_find(tab, 5, 0x3000, UINT64_MAX) == NULL);
}

static void test_every_size(void)
{
	struct ksym t[64];
	for (size_t n = 1; n <= 64; n++) {
		for (size_t i = 0; i < n; i++)
			t[i] = (struct ksym){ 0x100 * (i + 1), "" };
		for (size_t i = 0; i < n; i++) {
			EXPECT_TRUE(ksym_find(t, n, 0x100 * (n + 1), 0x100 * (i + 1)) == &t[i]);
			EXPECT_TRUE(ksym_find(t, n, 0x100 * (n + 1), 0x100 * (i + 1) + 0xff) == &t[i]);
		}
	}
}

int main(void)
{
	RUN(test_exact_and_inside);
	RUN(test_outside);
	RUN(test_every_size);
	TEST_MAIN_END();
}

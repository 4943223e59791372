/* tests/unit/test_multiboot2_fuzz.c - mb2_parse on thousands of seeded random
 * mutations of a GRUB-like block: it never reads outside what it may (ASan)
 * and either succeeds or says why. */
/* UNIT_SRC: boot/multiboot2.c lib/printf.c */
#include "tests/unit/mb2_builder.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: small, seedable, good enough to pick mutations. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

/* Values that sit on the checks' edges. */
static uint32_t interesting_u32(uint32_t total)
{
	static const uint32_t vals[] = { 0, 1, 4, 7, 8, 9, 12, 15, 16, 19, 20, 23, 24, 32, 36, 40, 48,
					 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff };
	uint32_t pick = rng_below(ARRAY_SIZE(vals) + 3);

	if (pick < ARRAY_SIZE(vals))
		return vals[pick];
	if (pick == ARRAY_SIZE(vals))
		return total + rng_below(16) - 8;
	return (uint32_t)rng();
}

static void mutate(uint32_t total, size_t *avail)
{
	uint32_t n = 1 + rng_below(4);

	for (uint32_t i = 0; i < n; i++) {
		switch (rng_below(5)) {
		case 0:   /* flip one bit */
			block[rng_below(total)] ^= (uint8_t)(1u << rng_below(8));
			break;
		case 1:   /* random byte */
			block[rng_below(total)] = (uint8_t)rng();
			break;
		case 2:   /* edge value into a 4-aligned word: hits type, size, counts */
		case 3:
			put32(rng_below(total / 4) * 4, interesting_u32(total));
			break;
		case 4:   /* truncate what may be read */
			*avail = rng_below(total + 1);
			break;
		}
	}
}

/* Touches every byte a successful parse points at: ASan catches any of them
 * lying outside the heap copy. */
static uint64_t consume(const struct mb2_info *info)
{
	uint64_t sum = 0, a, b, c, d;
	uint32_t t;

	if (info->cmdline)
		sum += strlen(info->cmdline);
	if (info->bootloader_name)
		sum += strlen(info->bootloader_name);
	for (uint32_t i = 0; i < info->module_count; i++)
		sum += strlen(info->modules[i].cmdline) + info->modules[i].end - info->modules[i].start;
	for (uint32_t i = 0; i < info->mmap_count; i++) {
		mb2_mmap_entry(info, i, &a, &b, &t);
		sum += a + b + t;
	}
	for (uint32_t i = 0; i < info->efi_mmap_count; i++) {
		mb2_efi_mmap_entry(info, i, &t, &a, &b, &c);
		sum += t + a + b + c;
	}
	for (uint32_t i = 0; i < info->rsdp_len; i++)
		sum += ((const uint8_t *)info->rsdp)[i];
	d = info->fb_addr + info->efi64_system_table + info->mem_upper_kb + info->load_base_addr;
	return sum + d;
}

static void test_fuzz(void)
{
	static _Alignas(8) uint8_t pristine[BLOCK_MAX];
	struct grub_layout l = build_grub_block();
	uint32_t ok = 0, failed = 0, silent = 0, beyond_avail = 0;
	struct mb2_info info;
	volatile uint64_t sink = 0;

	memcpy(pristine, block, l.total);
	rng_state = 0x9e3779b97f4a7c15ull;
	for (uint32_t iter = 0; iter < 5000; iter++) {
		size_t avail = l.total;
		int rc;

		memcpy(block, pristine, l.total);
		mutate(l.total, &avail);
		rc = parse_avail(avail, &info);
		if (rc == 0) {
			ok++;
			if (info.total_size > avail)
				beyond_avail++;
			sink += consume(&info);
		} else {
			failed++;
			if (rc != -1 || err[0] == '\0' || strlen(err) >= sizeof(err))
				silent++;
		}
	}
	(void)sink;
	printf("  fuzz: %u parsed, %u rejected\n", ok, failed);
	EXPECT_EQ(silent, 0);
	EXPECT_EQ(beyond_avail, 0);
	EXPECT_TRUE(ok > 100);       /* the mutations do not all break the block... */
	EXPECT_TRUE(failed > 1000);  /* ...and most of them are caught */
}

int main(void)
{
	RUN(test_fuzz);
	free(copy);
	TEST_MAIN_END();
}

/* tests/unit/mb2_builder.h - Building Multiboot2 information blocks for the
 * parser's tests (test_multiboot2.c, test_multiboot2_fuzz.c), and running
 * mb2_parse on an exactly-sized heap copy so ASan sees any read past it. */
#ifndef TESTS_UNIT_MB2_BUILDER_H
#define TESTS_UNIT_MB2_BUILDER_H

#include <stdarg.h>
#include <stdlib.h>
#include "boot/multiboot2.h"
#include "tests/unit/test.h"

/* --- building info blocks -------------------------------------------------------- */

#define BLOCK_MAX 8192

static _Alignas(8) uint8_t block[BLOCK_MAX] __attribute__((unused));
static uint32_t block_off __attribute__((unused));   /* where the next tag goes */

static inline void put32(uint32_t off, uint32_t v)
{
	memcpy(block + off, &v, 4);
}

static inline void put64(uint32_t off, uint64_t v)
{
	memcpy(block + off, &v, 8);
}

static inline uint32_t get32(uint32_t off)
{
	uint32_t v;

	memcpy(&v, block + off, 4);
	return v;
}

static inline void mbi_begin(void)
{
	memset(block, 0, sizeof(block));
	block_off = sizeof(struct mb2_info_header);
}

/* Appends a tag header with the given size; returns the tag's offset. The
 * next tag starts at the following 8-byte boundary, as the spec requires. */
static inline uint32_t add_tag(uint32_t type, uint32_t size)
{
	uint32_t off = block_off;

	put32(off, type);
	put32(off + 4, size);
	block_off += (uint32_t)ALIGN_UP(size, 8);
	return off;
}

static inline uint32_t add_string_tag(uint32_t type, const char *s)
{
	uint32_t len = (uint32_t)strlen(s) + 1;
	uint32_t off = add_tag(type, 8 + len);

	memcpy(block + off + 8, s, len);
	return off;
}

static inline uint32_t add_module(uint32_t start, uint32_t end, const char *cmdline)
{
	uint32_t len = (uint32_t)strlen(cmdline) + 1;
	uint32_t off = add_tag(MB2_TAG_MODULE, 16 + len);

	put32(off + 8, start);
	put32(off + 12, end);
	memcpy(block + off + 16, cmdline, len);
	return off;
}

struct mmap_ent { uint64_t base, len; uint32_t type; };

static const struct mmap_ent grub_mmap[6] = {
	{ 0x0,         0x9fc00,     MB2_MMAP_AVAILABLE },
	{ 0x9fc00,     0x400,       MB2_MMAP_RESERVED },
	{ 0xf0000,     0x10000,     MB2_MMAP_RESERVED },
	{ 0x100000,    0x7ee0000,   MB2_MMAP_AVAILABLE },
	{ 0x7fe0000,   0x20000,     MB2_MMAP_ACPI_RECLAIMABLE },
	{ 0x100000000, 0x180000000, MB2_MMAP_AVAILABLE },
};

static inline uint32_t add_mmap(const struct mmap_ent *e, uint32_t n, uint32_t entry_size)
{
	uint32_t off = add_tag(MB2_TAG_MMAP, 16 + n * entry_size);

	put32(off + 8, entry_size);
	put32(off + 12, 0);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t eo = off + 16 + i * entry_size;

		put64(eo, e[i].base);
		put64(eo + 8, e[i].len);
		put32(eo + 16, e[i].type);
	}
	return off;
}

static inline void fill_rsdp(uint32_t off, uint32_t len, uint8_t revision)
{
	memcpy(block + off, "RSD PTR ", 8);
	block[off + 15] = revision;
	for (uint32_t i = 16; i < len; i++)
		block[off + i] = (uint8_t)i;
}

static inline uint32_t add_rsdp(uint32_t type, uint32_t len)
{
	uint32_t off = add_tag(type, 8 + len);

	fill_rsdp(off + 8, len, type == MB2_TAG_ACPI_NEW ? 2 : 0);
	return off;
}

struct efi_ent { uint32_t type; uint64_t start, pages, attr; };

static const struct efi_ent grub_efi_mmap[3] = {
	{ EFI_BOOT_SERVICES_CODE,  0x0,        0xa0,   EFI_MEMORY_WB },
	{ EFI_CONVENTIONAL_MEMORY, 0x100000,   0x7ee0, EFI_MEMORY_WB | EFI_MEMORY_WT },
	{ EFI_RUNTIME_SERVICES_DATA, 0x7fe0000, 0x20,  EFI_MEMORY_WB | EFI_MEMORY_RUNTIME },
};

static inline uint32_t add_efi_mmap(const struct efi_ent *e, uint32_t n, uint32_t descr_size)
{
	uint32_t off = add_tag(MB2_TAG_EFI_MMAP, 16 + n * descr_size);

	put32(off + 8, descr_size);
	put32(off + 12, 1);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t d = off + 16 + i * descr_size;

		put32(d, e[i].type);
		put64(d + 8, e[i].start);
		put64(d + 16, 0);
		put64(d + 24, e[i].pages);
		put64(d + 32, e[i].attr);
	}
	return off;
}

static inline uint32_t add_framebuffer(void)
{
	uint32_t off = add_tag(MB2_TAG_FRAMEBUFFER, 32 + 6);   /* RGB colour info: 6 bytes */

	put64(off + 8, 0xfd000000);
	put32(off + 16, 4096);
	put32(off + 20, 1024);
	put32(off + 24, 768);
	block[off + 28] = 32;
	block[off + 29] = MB2_FB_TYPE_RGB;
	return off;
}

static inline uint32_t add_u32_tag(uint32_t type, uint32_t v)
{
	uint32_t off = add_tag(type, 12);

	put32(off + 8, v);
	return off;
}

static inline uint32_t add_u64_tag(uint32_t type, uint64_t v)
{
	uint32_t off = add_tag(type, 16);

	put64(off + 8, v);
	return off;
}

/* Closes the block with the end tag and writes total_size. */
static inline uint32_t mbi_end(void)
{
	add_tag(MB2_TAG_END, 8);
	put32(0, block_off);
	return block_off;
}

/* Closes the block without an end tag (total_size covers only the tags). */
static inline uint32_t mbi_end_without_end_tag(void)
{
	put32(0, block_off);
	return block_off;
}

/* Tag offsets of the GRUB-like block, for tests that damage one tag. */
struct grub_layout {
	uint32_t cmdline, loader, meminfo, mmap, mod0, mod1, rsdp, efi_mmap, fb, efi64, efi_bs, load_base;
	uint32_t total;
};

/* What GRUB hands an EFI machine, in its order (cmdline and name first). */
static inline struct grub_layout build_grub_block(void)
{
	struct grub_layout l;

	mbi_begin();
	l.cmdline = add_string_tag(MB2_TAG_CMDLINE, "console=com1 loglevel=debug");
	l.loader = add_string_tag(MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06-13");
	l.mod0 = add_module(0x200000, 0x3a0000, "/boot/guest-kernel root=/dev/vda");
	l.mod1 = add_module(0x3a0000, 0x500000, "/boot/initrd");
	l.meminfo = add_tag(MB2_TAG_BASIC_MEMINFO, 16);
	put32(l.meminfo + 8, 639);
	put32(l.meminfo + 12, 2096000);
	l.mmap = add_mmap(grub_mmap, 6, 24);
	l.fb = add_framebuffer();
	l.efi64 = add_u64_tag(MB2_TAG_EFI64_ST, 0x7f9e018);
	l.rsdp = add_rsdp(MB2_TAG_ACPI_NEW, 36);
	l.efi_mmap = add_efi_mmap(grub_efi_mmap, 3, 48);
	l.efi_bs = add_tag(MB2_TAG_EFI_BS, 8);
	l.load_base = add_u32_tag(MB2_TAG_LOAD_BASE_ADDR, 0x200000);
	l.total = mbi_end();
	return l;
}

/* --- parsing from an exact-size heap copy ------------------------------------------ */

/* The block is parsed from a heap copy of exactly avail bytes, so ASan
 * reports any read past what the parser was allowed to see. The copy lives
 * until the next parse, for tests that look at the returned pointers. */
static uint8_t *copy __attribute__((unused));
static char err[256] __attribute__((unused));

static inline int parse_avail(size_t avail, struct mb2_info *info)
{
	free(copy);
	copy = malloc(avail ? avail : 1);
	memcpy(copy, block, avail);
	memset(err, 0x5a, sizeof(err));
	return mb2_parse(copy, avail, info, err, sizeof(err));
}

static inline int parse(struct mb2_info *info)
{
	return parse_avail(get32(0), info);
}

/* Wants a failure whose message contains each of the given words. */
static inline void expect_error(int rc, const char *want)
{
	EXPECT_EQ(rc, -1);
	EXPECT_TRUE(strlen(err) > 0);
	if (!strstr(err, want)) {
		test_case_failed = 1;
		fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
	}
}

static inline bool in_copy(const void *p, size_t len, uint32_t total)
{
	const uint8_t *b = p;

	return b >= copy && b + len <= copy + total;
}

/* --- cases -------------------------------------------------------------------------------- */

#endif

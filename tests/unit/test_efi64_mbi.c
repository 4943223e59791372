/* tests/unit/test_efi64_mbi.c - The EFI amd64 entry's new info block (boot/efi64/mbi_copy.c), read back by mb2_parse. */
/* UNIT_SRC: boot/efi64/mbi_copy.c boot/multiboot2.c lib/printf.c */

#include "boot/efi64/mbi_copy.h"
#include "tests/unit/mb2_builder.h"

/* The map the firmware gives GetMemoryMap's caller in these tests: 48-byte
 * descriptors, as OVMF and most real firmware make them. */
#define DESCR_SIZE 48u

static const struct efi_ent fw_map[3] = {
	{ EFI_CONVENTIONAL_MEMORY, 0x0,       0x9f,    EFI_MEMORY_WB },
	{ EFI_LOADER_DATA,         0x1000000, 0x200,   EFI_MEMORY_WB },
	{ EFI_BOOT_SERVICES_DATA,  0x1200000, 0x3e000, EFI_MEMORY_WB },
};

/* What GRUB x86_64-efi gives with boot services kept (grub-core/loader/
 * multiboot_mbi2.c): a memory map tag, tag 18 and the image handle, no
 * EFI memory map. */
static uint32_t build_keep_bs_block(void)
{
	mbi_begin();
	add_u32_tag(MB2_TAG_LOAD_BASE_ADDR, 0x1000000);
	add_string_tag(MB2_TAG_CMDLINE, "console=com1 loglevel=info");
	add_string_tag(MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06-13+deb12u2");
	add_module(0x84000, 0x840f3, "vm=hello type=flat mode=real mem=1M");
	add_module(0x85000, 0x85108, "vm=chatty type=flat mode=protected mem=8M");
	add_mmap(grub_mmap, 6, 24);
	add_framebuffer();
	add_u64_tag(MB2_TAG_EFI64_ST, 0x3f9ee018);
	add_rsdp(MB2_TAG_ACPI_NEW, 36);
	add_tag(MB2_TAG_EFI_BS, 8);
	add_u64_tag(MB2_TAG_EFI64_IH, 0x3e8c6a98);
	return mbi_end();
}

/* The source block as an exact-size heap copy, so ASan sees any read past it. */
static uint8_t *src_copy(uint32_t total)
{
	uint8_t *p = malloc(total);

	memcpy(p, block, total);
	return p;
}

/* GetMemoryMap's part: the descriptors written at the map area. */
static uint32_t write_fw_map(uint8_t *map, uint32_t room)
{
	uint32_t size = (uint32_t)ARRAY_SIZE(fw_map) * DESCR_SIZE;

	EXPECT_TRUE(size <= room);
	memset(map, 0, size);
	for (uint32_t i = 0; i < ARRAY_SIZE(fw_map); i++) {
		struct efi_memory_descriptor d = { .type = fw_map[i].type, .physical_start = fw_map[i].start,
						   .number_of_pages = fw_map[i].pages, .attribute = fw_map[i].attr };
		memcpy(map + i * DESCR_SIZE, &d, sizeof(d));
	}
	return size;
}

static void test_keep_bs_block_rewritten(void)
{
	uint32_t total = build_keep_bs_block(), room, new_total;
	uint8_t *src = src_copy(total), *dst = malloc(4096), *map;
	struct mbi_copy c;
	struct mb2_info info;
	char perr[160];

	EXPECT_TRUE(mbi_copy_tags(&c, src, dst, 4096) == NULL);
	map = mbi_copy_map_area(&c, &room);
	EXPECT_TRUE(map > dst && map + room <= dst + 4096);
	EXPECT_EQ((uintptr_t)map % 8, 0);
	new_total = mbi_copy_finish(&c, write_fw_map(map, room), DESCR_SIZE, 1);
	EXPECT_TRUE(new_total > 0 && new_total <= 4096);

	EXPECT_EQ(mb2_parse(dst, new_total, &info, perr, sizeof(perr)), 0);
	EXPECT_STREQ(perr, "");
	EXPECT_EQ(info.total_size, new_total);
	EXPECT_STREQ(info.cmdline, "console=com1 loglevel=info");
	EXPECT_STREQ(info.bootloader_name, "GRUB 2.06-13+deb12u2");
	EXPECT_EQ(info.module_count, 2);
	EXPECT_EQ(info.modules[1].start, 0x85000);
	EXPECT_STREQ(info.modules[1].cmdline, "vm=chatty type=flat mode=protected mem=8M");
	EXPECT_TRUE(info.has_efi64_st);
	EXPECT_EQ(info.efi64_system_table, 0x3f9ee018);
	EXPECT_TRUE(info.rsdp != NULL);
	EXPECT_TRUE(info.has_framebuffer);
	EXPECT_EQ(info.load_base_addr, 0x1000000);
	/* Left out: the stale memory map and "boot services not terminated". */
	EXPECT_TRUE(info.mmap == NULL);
	EXPECT_TRUE(!info.efi_boot_services_active);
	/* The firmware's map, as the hypervisor's memory map reads it. */
	EXPECT_EQ(info.efi_mmap_count, 3);
	EXPECT_EQ(info.efi_desc_size, DESCR_SIZE);
	EXPECT_EQ(info.efi_desc_version, 1);
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t type;
		uint64_t start, pages, attr;

		mb2_efi_mmap_entry(&info, i, &type, &start, &pages, &attr);
		EXPECT_EQ(type, fw_map[i].type);
		EXPECT_EQ(start, fw_map[i].start);
		EXPECT_EQ(pages, fw_map[i].pages);
		EXPECT_EQ(attr, fw_map[i].attr);
	}
	free(src);
	free(dst);
}

static void test_find_handles(void)
{
	uint32_t total = build_keep_bs_block();
	uint8_t *src = src_copy(total);
	uint64_t v = 0;

	EXPECT_TRUE(mbi_find_u64(src, MB2_TAG_EFI64_ST, &v));
	EXPECT_EQ(v, 0x3f9ee018);
	EXPECT_TRUE(mbi_find_u64(src, MB2_TAG_EFI64_IH, &v));
	EXPECT_EQ(v, 0x3e8c6a98);
	EXPECT_TRUE(!mbi_find_u64(src, MB2_TAG_SMBIOS, &v));
	EXPECT_TRUE(!mbi_find_u64(NULL, MB2_TAG_EFI64_ST, &v));
	EXPECT_TRUE(!mbi_find_u64(src + 4, MB2_TAG_EFI64_ST, &v));   /* unaligned */
	free(src);
}

/* A tag that runs past total_size ends the walk: neither the search nor
 * the copy reads beyond the block (ASan would say so). */
static void test_malformed_block(void)
{
	struct mbi_copy c;
	uint8_t dst[1024] __attribute__((aligned(8)));
	uint64_t v;
	uint32_t total, cmd;
	uint8_t *src;

	mbi_begin();
	cmd = add_string_tag(MB2_TAG_CMDLINE, "x");
	add_u64_tag(MB2_TAG_EFI64_ST, 0x1234);
	total = mbi_end();
	put32(cmd + 4, total);          /* the command line now claims the whole block */
	src = src_copy(total);
	EXPECT_TRUE(!mbi_find_u64(src, MB2_TAG_EFI64_ST, &v));
	EXPECT_TRUE(strstr(mbi_copy_tags(&c, src, dst, sizeof(dst)), "malformed") != NULL);
	free(src);

	mbi_begin();
	add_string_tag(MB2_TAG_CMDLINE, "x");
	total = mbi_end_without_end_tag();
	src = src_copy(total);
	EXPECT_TRUE(strstr(mbi_copy_tags(&c, src, dst, sizeof(dst)), "malformed") != NULL);
	free(src);
}

static void test_no_room(void)
{
	uint32_t total = build_keep_bs_block(), room;
	uint8_t *src = src_copy(total), *dst = malloc(4096);
	struct mbi_copy c;

	/* Too small for GRUB's tags. */
	EXPECT_TRUE(strstr(mbi_copy_tags(&c, src, dst, 128), "too big") != NULL);
	EXPECT_TRUE(mbi_copy_tags(&c, src, dst, 16) != NULL);
	/* Room for the tags but not for the map. */
	EXPECT_TRUE(mbi_copy_tags(&c, src, dst, 4096) == NULL);
	mbi_copy_map_area(&c, &room);
	EXPECT_EQ(room % 8, 0);
	EXPECT_EQ(mbi_copy_finish(&c, room + 1, DESCR_SIZE, 1), 0);
	EXPECT_EQ(mbi_copy_finish(&c, room, DESCR_SIZE, 1), 4096);   /* exactly full */
	free(src);
	free(dst);
}

/* Padding after a tag whose size is not a multiple of 8 is zero in the
 * copy, whatever GRUB left there. */
static void test_padding_zeroed(void)
{
	struct mbi_copy c;
	uint8_t dst[256] __attribute__((aligned(8)));
	uint32_t total, cmd;
	uint8_t *src;

	mbi_begin();
	cmd = add_string_tag(MB2_TAG_CMDLINE, "abc");     /* size 12: 4 bytes of padding */
	memset(block + cmd + 12, 0xaa, 4);
	total = mbi_end();
	src = src_copy(total);
	memset(dst, 0x55, sizeof(dst));
	EXPECT_TRUE(mbi_copy_tags(&c, src, dst, sizeof(dst)) == NULL);
	EXPECT_EQ(c.map_tag, 8 + 16);
	for (uint32_t i = 8 + 12; i < 8 + 16; i++)
		EXPECT_EQ(dst[i], 0);
	EXPECT_EQ(mbi_copy_finish(&c, 4, DESCR_SIZE, 1), 8 + 16 + 24 + 8);
	EXPECT_EQ(dst[8 + 16 + 16 + 4], 0);                /* the map tag's own padding */
	free(src);
}

int main(void)
{
	RUN(test_keep_bs_block_rewritten);
	RUN(test_find_handles);
	RUN(test_malformed_block);
	RUN(test_no_room);
	RUN(test_padding_zeroed);
	TEST_MAIN_END();
}

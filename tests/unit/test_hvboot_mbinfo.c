/* tests/unit/test_hvboot_mbinfo.c - hvboot.efi's Multiboot2 information block, read back by the hypervisor's own parser (mb2_parse). */
/* UNIT_SRC: boot/efi/mbinfo.c boot/multiboot2.c lib/printf.c */

#include <stdlib.h>
#include "test.h"
#include "boot/efi/mbinfo.h"
#include "boot/multiboot2.h"

static _Alignas(8) uint8_t buf[16384];
static char err[200];

/* An OVMF-like map, with descriptors of 48 bytes (more than the 40 of
 * the structure: the stride is what the firmware says). */
#define DESC 48
static const struct { uint32_t type; uint64_t start, pages; } efi_map[] = {
	{ EFI_BOOT_SERVICES_CODE, 0x0, 0xa0 },
	{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700 },
	{ EFI_ACPI_MEMORY_NVS, 0x800000, 0x8 },
	{ EFI_LOADER_DATA, 0x808000, 0x10 },
	{ EFI_CONVENTIONAL_MEMORY, 0x818000, 0x1000 },
	{ EFI_ACPI_RECLAIM_MEMORY, 0x3f000000, 0x10 },
	{ EFI_RUNTIME_SERVICES_DATA, 0x3f010000, 0x20 },
	{ EFI_UNUSABLE_MEMORY, 0x3f030000, 0x1 },
	{ EFI_PERSISTENT_MEMORY, 0x100000000, 0x100 },
	{ EFI_MEMORY_MAPPED_IO, 0xffc00000, 0x400 },
};

static uint32_t write_map(uint8_t *room)
{
	for (size_t i = 0; i < ARRAY_SIZE(efi_map); i++) {
		struct efi_memory_descriptor d = { .type = efi_map[i].type, .physical_start = efi_map[i].start,
						   .number_of_pages = efi_map[i].pages };
		memset(room + i * DESC, 0xee, DESC);
		memcpy(room + i * DESC, &d, sizeof(d));
	}
	return (uint32_t)(ARRAY_SIZE(efi_map) * DESC);
}

static uint32_t build(struct mbi *m)
{
	static const uint8_t rsdp1[20] = "RSD PTR old", rsdp2[36] = "RSD PTR new";
	struct mbi_fb fb = { .addr = 0x80000000, .pitch = 4096, .width = 1024, .height = 768, .bpp = 32,
			     .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8, .blue_size = 8 };
	uint32_t room, mark;

	mbi_init(m, buf, sizeof(buf));
	mbi_add_string(m, MB2_TAG_CMDLINE, "console=com1 loglevel=info");
	mbi_add_string(m, MB2_TAG_BOOTLOADER_NAME, "hvboot.efi");
	mbi_add_module(m, 0x2000000, 0x2000123, "vm=hello type=flat");
	mbi_add_module(m, 0x2001000, 0x2001000, "");
	mbi_add_efi64(m, MB2_TAG_EFI64_ST, 0x3f5e0018);
	mbi_add_efi64(m, MB2_TAG_EFI64_IH, 0x3e000000);
	mbi_add_rsdp(m, MB2_TAG_ACPI_OLD, rsdp1, sizeof(rsdp1));
	mbi_add_rsdp(m, MB2_TAG_ACPI_NEW, rsdp2, sizeof(rsdp2));
	mbi_add_framebuffer(m, &fb);
	uint8_t *p = mbi_efi_mmap_room(m, &room, &mark);
	EXPECT_TRUE(p != NULL && room >= ARRAY_SIZE(efi_map) * DESC);
	/* a first map, refused key: rewind and write it again */
	write_map(p);
	EXPECT_TRUE(mbi_finish(m, (uint32_t)ARRAY_SIZE(efi_map) * DESC, DESC, 1) != 0);
	mbi_rewind(m, mark);
	p = mbi_efi_mmap_room(m, &room, &mark);
	return mbi_finish(m, write_map(p), DESC, 1);
}

static void test_block_reads_back(void)
{
	struct mbi m;
	struct mb2_info info;
	uint32_t total = build(&m), type;
	uint64_t base, len, start, pages, attr;

	EXPECT_TRUE(total != 0 && !m.full);
	EXPECT_EQ(total % 8, 0);
	uint8_t *copy = malloc(total);   /* exactly sized: ASan sees a read past it */
	memcpy(copy, buf, total);
	EXPECT_EQ(mb2_parse(copy, total, &info, err, sizeof(err)), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(info.total_size, total);
	EXPECT_STREQ(info.cmdline, "console=com1 loglevel=info");
	EXPECT_STREQ(info.bootloader_name, "hvboot.efi");
	EXPECT_EQ(info.module_count, 2);
	EXPECT_EQ(info.modules[0].start, 0x2000000);
	EXPECT_EQ(info.modules[0].end, 0x2000123);
	EXPECT_STREQ(info.modules[0].cmdline, "vm=hello type=flat");
	EXPECT_STREQ(info.modules[1].cmdline, "");
	EXPECT_TRUE(info.has_efi64_st);
	EXPECT_EQ(info.efi64_system_table, 0x3f5e0018);
	EXPECT_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	EXPECT_EQ(info.rsdp_len, 36);
	EXPECT_TRUE(info.has_framebuffer);
	EXPECT_EQ(info.fb_width, 1024);
	EXPECT_EQ(info.fb_type, MB2_FB_TYPE_RGB);
	EXPECT_TRUE(!info.efi_boot_services_active);

	EXPECT_EQ(info.efi_desc_size, DESC);
	EXPECT_EQ(info.efi_mmap_count, ARRAY_SIZE(efi_map));
	for (uint32_t i = 0; i < info.efi_mmap_count; i++) {
		mb2_efi_mmap_entry(&info, i, &type, &start, &pages, &attr);
		EXPECT_EQ(type, efi_map[i].type);
		EXPECT_EQ(start, efi_map[i].start);
		EXPECT_EQ(pages, efi_map[i].pages);
	}
	static const uint32_t mb2_types[] = { 1, 1, 4, 1, 1, 3, 2, 5, 7, 2 };
	EXPECT_EQ(info.mmap_count, ARRAY_SIZE(efi_map));
	for (uint32_t i = 0; i < info.mmap_count; i++) {
		mb2_mmap_entry(&info, i, &base, &len, &type);
		EXPECT_EQ(base, efi_map[i].start);
		EXPECT_EQ(len, efi_map[i].pages * 4096);
		EXPECT_EQ(type, mb2_types[i]);
	}
	/* 640 KiB from 0; from 1 MiB up to the ACPI NVS pages at 8 MiB */
	EXPECT_TRUE(info.has_basic_meminfo);
	EXPECT_EQ(info.mem_lower_kb, 640);
	EXPECT_EQ(info.mem_upper_kb, (0x800000 - 0x100000) / 1024);
	free(copy);
}

static void test_too_small_a_buffer(void)
{
	struct mbi m;
	uint32_t room, mark;

	mbi_init(&m, buf, 64);
	mbi_add_string(&m, MB2_TAG_CMDLINE, "a command line longer than the sixty-four bytes of the buffer");
	EXPECT_TRUE(m.full);
	EXPECT_TRUE(mbi_efi_mmap_room(&m, &room, &mark) == NULL);
	EXPECT_EQ(mbi_finish(&m, 0, DESC, 1), 0);

	/* a map larger than the room is refused, not written past the buffer */
	mbi_init(&m, buf, 512);
	EXPECT_TRUE(mbi_efi_mmap_room(&m, &room, &mark) != NULL);
	EXPECT_EQ(mbi_finish(&m, room + 8, DESC, 1), 0);
	EXPECT_TRUE(m.full);
}

static void test_type_conversion(void)
{
	EXPECT_EQ(mb2_type_from_efi(EFI_CONVENTIONAL_MEMORY), MB2_MMAP_AVAILABLE);
	EXPECT_EQ(mb2_type_from_efi(EFI_LOADER_CODE), MB2_MMAP_AVAILABLE);
	EXPECT_EQ(mb2_type_from_efi(EFI_BOOT_SERVICES_DATA), MB2_MMAP_AVAILABLE);
	EXPECT_EQ(mb2_type_from_efi(EFI_RUNTIME_SERVICES_CODE), MB2_MMAP_RESERVED);
	EXPECT_EQ(mb2_type_from_efi(EFI_ACPI_RECLAIM_MEMORY), MB2_MMAP_ACPI_RECLAIMABLE);
	EXPECT_EQ(mb2_type_from_efi(EFI_ACPI_MEMORY_NVS), MB2_MMAP_NVS);
	EXPECT_EQ(mb2_type_from_efi(EFI_UNUSABLE_MEMORY), MB2_MMAP_BADRAM);
	EXPECT_EQ(mb2_type_from_efi(EFI_PERSISTENT_MEMORY), 7);
	EXPECT_EQ(mb2_type_from_efi(EFI_UNACCEPTED_MEMORY_TYPE), MB2_MMAP_RESERVED);
	EXPECT_EQ(mb2_type_from_efi(0x80000000u), MB2_MMAP_RESERVED);
}

int main(void)
{
	RUN(test_block_reads_back);
	RUN(test_too_small_a_buffer);
	RUN(test_type_conversion);
	TEST_MAIN_END();
}

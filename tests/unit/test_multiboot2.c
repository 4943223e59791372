/* tests/unit/test_multiboot2.c - mb2_parse on built info blocks: GRUB-like and each malformation (fuzzing: test_multiboot2_fuzz.c). */
/* UNIT_SRC: boot/multiboot2.c lib/printf.c */

#include "tests/unit/mb2_builder.h"

static void test_grub_block(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;
	uint64_t base, len, pages, attr;
	uint32_t type;

	EXPECT_EQ(parse(&info), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(info.total_size, l.total);
	EXPECT_STREQ(info.cmdline, "console=com1 loglevel=debug");
	EXPECT_TRUE(in_copy(info.cmdline, 28, l.total));
	EXPECT_STREQ(info.bootloader_name, "GRUB 2.06-13");
	EXPECT_TRUE(info.has_basic_meminfo);
	EXPECT_EQ(info.mem_lower_kb, 639);
	EXPECT_EQ(info.mem_upper_kb, 2096000);

	EXPECT_EQ(info.mmap_entry_size, 24);
	EXPECT_EQ(info.mmap_count, 6);
	EXPECT_TRUE(info.mmap == copy + l.mmap + 16);
	for (uint32_t i = 0; i < 6; i++) {
		mb2_mmap_entry(&info, i, &base, &len, &type);
		EXPECT_EQ(base, grub_mmap[i].base);
		EXPECT_EQ(len, grub_mmap[i].len);
		EXPECT_EQ(type, grub_mmap[i].type);
	}

	EXPECT_EQ(info.module_count, 2);
	EXPECT_EQ(info.modules[0].start, 0x200000);
	EXPECT_EQ(info.modules[0].end, 0x3a0000);
	EXPECT_STREQ(info.modules[0].cmdline, "/boot/guest-kernel root=/dev/vda");
	EXPECT_EQ(info.modules[1].start, 0x3a0000);
	EXPECT_EQ(info.modules[1].end, 0x500000);
	EXPECT_STREQ(info.modules[1].cmdline, "/boot/initrd");

	EXPECT_TRUE(info.rsdp == copy + l.rsdp + 8);
	EXPECT_EQ(info.rsdp_len, 36);
	EXPECT_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	EXPECT_TRUE(memcmp(info.rsdp, "RSD PTR ", 8) == 0);

	EXPECT_TRUE(info.efi_mmap == copy + l.efi_mmap + 16);
	EXPECT_EQ(info.efi_desc_size, 48);
	EXPECT_EQ(info.efi_desc_version, 1);
	EXPECT_EQ(info.efi_mmap_count, 3);
	for (uint32_t i = 0; i < 3; i++) {
		mb2_efi_mmap_entry(&info, i, &type, &base, &pages, &attr);
		EXPECT_EQ(type, grub_efi_mmap[i].type);
		EXPECT_EQ(base, grub_efi_mmap[i].start);
		EXPECT_EQ(pages, grub_efi_mmap[i].pages);
		EXPECT_EQ(attr, grub_efi_mmap[i].attr);
	}
	EXPECT_TRUE(info.efi_boot_services_active);
	EXPECT_TRUE(info.has_efi64_st);
	EXPECT_EQ(info.efi64_system_table, 0x7f9e018);

	EXPECT_TRUE(info.has_framebuffer);
	EXPECT_EQ(info.fb_addr, 0xfd000000);
	EXPECT_EQ(info.fb_pitch, 4096);
	EXPECT_EQ(info.fb_width, 1024);
	EXPECT_EQ(info.fb_height, 768);
	EXPECT_EQ(info.fb_bpp, 32);
	EXPECT_EQ(info.fb_type, MB2_FB_TYPE_RGB);

	EXPECT_TRUE(info.has_load_base);
	EXPECT_EQ(info.load_base_addr, 0x200000);
}

/* The smallest valid block: header and end tag; nothing is reported present. */
static void test_minimal_block(void)
{
	struct mb2_info info;

	mbi_begin();
	EXPECT_EQ(mbi_end(), 16);
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.total_size, 16);
	EXPECT_TRUE(info.cmdline == NULL);
	EXPECT_TRUE(info.bootloader_name == NULL);
	EXPECT_TRUE(info.mmap == NULL);
	EXPECT_TRUE(info.rsdp == NULL);
	EXPECT_TRUE(info.efi_mmap == NULL);
	EXPECT_EQ(info.module_count, 0);
	EXPECT_TRUE(!info.has_basic_meminfo && !info.has_framebuffer && !info.has_load_base);
	EXPECT_TRUE(!info.efi_boot_services_active && !info.has_efi64_st);
}

/* Bytes past the end tag (a loader that pads total_size) are not looked at. */
static void test_avail_beyond_total(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;

	EXPECT_EQ(parse_avail(l.total + 64, &info), 0);
	EXPECT_EQ(info.total_size, l.total);
}

static void test_truncated(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;

	expect_error(parse_avail(l.total - 8, &info), "truncated");
	expect_error(parse_avail(4, &info), "only 4 bytes");
	expect_error(parse_avail(0, &info), "only 0 bytes");
	/* A failed parse leaves nothing half-filled behind. */
	EXPECT_TRUE(info.cmdline == NULL && info.module_count == 0);
}

static void test_total_size_too_small(void)
{
	struct mb2_info info;

	mbi_begin();
	mbi_end();
	put32(0, 8);
	expect_error(parse_avail(16, &info), "total_size 8 is less than 16");
	put32(0, 0);
	expect_error(parse_avail(16, &info), "total_size 0 is less than 16");
}

static void test_tag_runs_past_end(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;
	char want[160];

	put32(l.mmap + 4, 0x2000);
	snprintf(want, sizeof(want),
		 "tag #5 (type 6 mmap) at offset 0x%x runs past the end of the info block (0x%x+0x2000 > 0x%x)",
		 l.mmap, l.mmap, l.total);
	EXPECT_EQ(parse(&info), -1);
	EXPECT_STREQ(err, want);

	/* 0xffffffff must not wrap around into "fits". */
	put32(l.mmap + 4, 0xffffffff);
	expect_error(parse(&info), "runs past the end");
}

static void test_zero_size_tag(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;
	char want[80];

	put32(l.meminfo + 4, 0);
	snprintf(want, sizeof(want), "tag #4 (type 4 basic meminfo) at offset 0x%x has size 0", l.meminfo);
	EXPECT_EQ(parse(&info), -1);
	EXPECT_STREQ(err, want);
}

static void test_size_below_header(void)
{
	struct grub_layout l = build_grub_block();
	struct mb2_info info;

	put32(l.loader + 4, 4);
	expect_error(parse(&info), "tag #1 (type 2 boot loader name)");
	expect_error(parse(&info), "has size 4, less than its own 8-byte header");
}

static void test_size_below_fixed_fields(void)
{
	struct mb2_info info;

	mbi_begin();
	add_tag(MB2_TAG_MMAP, 12);
	mbi_end();
	expect_error(parse(&info), "tag #0 (type 6 mmap) at offset 0x8 has size 12, less than the 16 bytes");

	mbi_begin();
	add_tag(MB2_TAG_FRAMEBUFFER, 24);
	mbi_end();
	expect_error(parse(&info), "has size 24, less than the 32 bytes");

	mbi_begin();
	add_tag(MB2_TAG_MODULE, 12);
	mbi_end();
	expect_error(parse(&info), "(type 3 module)");

	mbi_begin();
	add_tag(MB2_TAG_EFI64_ST, 12);
	mbi_end();
	expect_error(parse(&info), "(type 12 efi64 system table)");
}

static void test_string_without_nul(void)
{
	struct grub_layout l;
	struct mb2_info info;

	/* The cmdline's NUL is overwritten: the string would run into the padding. */
	l = build_grub_block();
	put32(l.cmdline + 4, 8 + 27);   /* "console=com1 loglevel=debug" is 27 bytes */
	expect_error(parse(&info), "tag #0 (type 1 cmdline) at offset 0x8 has no NUL terminator");

	l = build_grub_block();
	put32(l.loader + 4, 8 + 12);
	expect_error(parse(&info), "(type 2 boot loader name)");
	expect_error(parse(&info), "no NUL terminator");

	l = build_grub_block();
	put32(l.mod1 + 4, 16 + 12);
	expect_error(parse(&info), "tag #3 (type 3 module)");
	expect_error(parse(&info), "no NUL terminator");

	/* An empty string tag (header only) has no room for the NUL either. */
	mbi_begin();
	add_tag(MB2_TAG_CMDLINE, 8);
	mbi_end();
	expect_error(parse(&info), "no NUL terminator in its 0-byte string");

	/* But an empty string with its NUL is fine. */
	mbi_begin();
	add_string_tag(MB2_TAG_CMDLINE, "");
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_STREQ(info.cmdline, "");
}

static void test_mmap_entry_size(void)
{
	struct mb2_info info;
	uint64_t base, len;
	uint32_t type;

	mbi_begin();
	add_mmap(grub_mmap, 6, 20);
	mbi_end();
	expect_error(parse(&info), "entry_size 20, less than the 24 bytes");

	mbi_begin();
	add_mmap(grub_mmap, 6, 28);
	mbi_end();
	expect_error(parse(&info), "entry_size 28, not a multiple of 8");

	/* A future, larger entry is walked with its own stride. */
	mbi_begin();
	add_mmap(grub_mmap, 6, 32);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.mmap_count, 6);
	mb2_mmap_entry(&info, 5, &base, &len, &type);
	EXPECT_EQ(base, 0x100000000);
	EXPECT_EQ(len, 0x180000000);
	EXPECT_EQ(type, MB2_MMAP_AVAILABLE);

	/* Out of range reads give zeros, not memory past the tag. */
	mb2_mmap_entry(&info, 6, &base, &len, &type);
	EXPECT_TRUE(base == 0 && len == 0 && type == 0);

	/* An empty map is valid. */
	mbi_begin();
	add_mmap(grub_mmap, 0, 24);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.mmap_count, 0);
}

static void test_module_start_above_end(void)
{
	struct mb2_info info;

	mbi_begin();
	add_module(0x400000, 0x300000, "backwards");
	mbi_end();
	expect_error(parse(&info), "module start 0x400000 above its end 0x300000");

	/* An empty module (start == end) is allowed. */
	mbi_begin();
	add_module(0x400000, 0x400000, "empty");
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.module_count, 1);
}

static void test_module_limit(void)
{
	struct mb2_info info;
	char name[16];

	mbi_begin();
	for (uint32_t i = 0; i < MB2_MAX_MODULES; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		add_module(0x1000000 + i * 0x1000, 0x1000000 + (i + 1) * 0x1000, name);
	}
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.module_count, MB2_MAX_MODULES);
	EXPECT_STREQ(info.modules[31].cmdline, "mod31");
	EXPECT_EQ(info.modules[31].start, 0x1000000 + 31 * 0x1000);

	block_off -= 8;   /* drop the end tag, add a 33rd module */
	add_module(0x2000000, 0x2001000, "mod32");
	mbi_end();
	expect_error(parse(&info), "tag #32 (type 3 module)");
	expect_error(parse(&info), "too many modules (max 32)");
}

static void test_missing_end_tag(void)
{
	struct mb2_info info;

	mbi_begin();
	add_string_tag(MB2_TAG_CMDLINE, "x");
	add_u32_tag(MB2_TAG_LOAD_BASE_ADDR, 0x200000);
	mbi_end_without_end_tag();
	expect_error(parse(&info), "missing end tag");
	expect_error(parse(&info), "tag #2");

	/* total_size leaves 4 bytes after the last tag: no room for a header. */
	put32(0, get32(0) + 4);
	expect_error(parse(&info), "missing end tag");
}

static void test_end_tag_size(void)
{
	struct mb2_info info;
	uint32_t end;

	mbi_begin();
	add_string_tag(MB2_TAG_CMDLINE, "x");
	end = block_off;
	add_tag(MB2_TAG_END, 16);
	put32(0, block_off);
	expect_error(parse(&info), "(type 0 end)");
	expect_error(parse(&info), "has size 16, an end tag must be 8");
	EXPECT_EQ(end, 0x18);
}

static void test_unknown_tag_skipped(void)
{
	struct mb2_info info;
	uint32_t off;

	mbi_begin();
	off = add_tag(0x1234, 21);          /* odd size: the next tag is padded to 8 */
	memset(block + off + 8, 0xee, 13);
	add_tag(MB2_TAG_NETWORK, 8 + 300);  /* known, not parsed */
	add_tag(MB2_TAG_SMBIOS, 16 + 31);
	add_string_tag(MB2_TAG_CMDLINE, "after unknown");
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_STREQ(info.cmdline, "after unknown");
	EXPECT_STREQ(mb2_tag_name(0x1234), "unknown");

	/* An unknown tag is still bounds-checked. */
	put32(off + 4, 0x10000);
	expect_error(parse(&info), "(type 4660 unknown) at offset 0x8 runs past the end");
}

static void test_unaligned_mbi(void)
{
	struct mb2_info info;
	uint8_t *raw;
	int rc;

	mbi_begin();
	mbi_end();
	raw = malloc(16 + 4);
	memcpy(raw + 4, block, 16);
	memset(err, 0, sizeof(err));
	rc = mb2_parse(raw + 4, 16, &info, err, sizeof(err));
	free(raw);
	expect_error(rc, "not 8-byte aligned");

	memset(err, 0, sizeof(err));
	expect_error(mb2_parse(NULL, 16, &info, err, sizeof(err)), "NULL");
}

static void test_rsdp_prefers_new(void)
{
	struct mb2_info info;
	uint32_t old_off, new_off;

	/* old then new */
	mbi_begin();
	old_off = add_rsdp(MB2_TAG_ACPI_OLD, 20);
	new_off = add_rsdp(MB2_TAG_ACPI_NEW, 36);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	EXPECT_EQ(info.rsdp_len, 36);
	EXPECT_TRUE(info.rsdp == copy + new_off + 8);

	/* new then old */
	mbi_begin();
	new_off = add_rsdp(MB2_TAG_ACPI_NEW, 36);
	old_off = add_rsdp(MB2_TAG_ACPI_OLD, 20);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	EXPECT_TRUE(info.rsdp == copy + new_off + 8);

	/* only old */
	mbi_begin();
	old_off = add_rsdp(MB2_TAG_ACPI_OLD, 20);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.rsdp_tag, MB2_TAG_ACPI_OLD);
	EXPECT_EQ(info.rsdp_len, 20);
	EXPECT_TRUE(info.rsdp == copy + old_off + 8);
}

static void test_rsdp_too_short(void)
{
	struct mb2_info info;

	mbi_begin();
	add_rsdp(MB2_TAG_ACPI_OLD, 12);
	mbi_end();
	expect_error(parse(&info), "(type 14 acpi old rsdp)");
	expect_error(parse(&info), "holds a 12-byte RSDP, less than the 20 bytes");

	mbi_begin();
	add_rsdp(MB2_TAG_ACPI_NEW, 20);   /* a v1 RSDP in the v2 tag */
	mbi_end();
	expect_error(parse(&info), "holds a 20-byte RSDP, less than the 36 bytes");
}

static void test_efi_mmap(void)
{
	struct mb2_info info;
	uint64_t start, pages, attr;
	uint32_t type;

	mbi_begin();
	add_efi_mmap(grub_efi_mmap, 3, 32);
	mbi_end();
	expect_error(parse(&info), "descr_size 32, less than the 40 bytes");

	/* A descriptor size that is not a multiple of 8 leaves the u64 fields
	 * unaligned: read through packed structs, UBSan stays quiet. */
	mbi_begin();
	add_efi_mmap(grub_efi_mmap, 3, 44);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_EQ(info.efi_mmap_count, 3);
	mb2_efi_mmap_entry(&info, 2, &type, &start, &pages, &attr);
	EXPECT_EQ(type, EFI_RUNTIME_SERVICES_DATA);
	EXPECT_EQ(start, 0x7fe0000);
	EXPECT_EQ(pages, 0x20);
	EXPECT_EQ(attr, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
	mb2_efi_mmap_entry(&info, 3, &type, &start, &pages, &attr);
	EXPECT_TRUE(type == 0 && start == 0 && pages == 0 && attr == 0);
}

/* Single-instance tags seen twice: the first one wins, and it is no error. */
static void test_duplicates_first_wins(void)
{
	static const struct mmap_ent other[1] = { { 0x5000, 0x1000, MB2_MMAP_NVS } };
	struct mb2_info info;

	mbi_begin();
	add_string_tag(MB2_TAG_CMDLINE, "first");
	add_mmap(grub_mmap, 6, 24);
	add_string_tag(MB2_TAG_CMDLINE, "second");
	add_mmap(other, 1, 24);
	add_u32_tag(MB2_TAG_LOAD_BASE_ADDR, 0x100000);
	add_u32_tag(MB2_TAG_LOAD_BASE_ADDR, 0x900000);
	mbi_end();
	EXPECT_EQ(parse(&info), 0);
	EXPECT_STREQ(info.cmdline, "first");
	EXPECT_EQ(info.mmap_count, 6);
	EXPECT_EQ(info.load_base_addr, 0x100000);

	/* The losing duplicate is still validated. */
	mbi_begin();
	add_mmap(grub_mmap, 6, 24);
	add_mmap(other, 1, 16);
	mbi_end();
	expect_error(parse(&info), "tag #1 (type 6 mmap)");
}

static void test_tag_names(void)
{
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_END), "end");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_CMDLINE), "cmdline");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_MODULE), "module");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_MMAP), "mmap");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_EFI_MMAP), "efi mmap");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR), "load base addr");
	EXPECT_STREQ(mb2_tag_name(MB2_TAG_TYPE_COUNT), "unknown");
	EXPECT_STREQ(mb2_tag_name(0xffffffff), "unknown");
	for (uint32_t t = 0; t < MB2_TAG_TYPE_COUNT; t++)
		EXPECT_TRUE(strcmp(mb2_tag_name(t), "unknown") != 0);
}

/* A short or absent error buffer is cut, not overrun. */
static void test_small_error_buffer(void)
{
	struct mb2_info info;
	char small[12];

	mbi_begin();
	put32(add_tag(MB2_TAG_MMAP, 16) + 4, 0);
	mbi_end();
	memset(small, 0x5a, sizeof(small));
	EXPECT_EQ(mb2_parse(block, get32(0), &info, small, sizeof(small)), -1);
	EXPECT_STREQ(small, "tag #0 (typ");
	EXPECT_EQ(mb2_parse(block, get32(0), &info, NULL, 0), -1);
	small[0] = 'x';
	EXPECT_EQ(mb2_parse(block, get32(0), &info, small, 1), -1);
	EXPECT_EQ(small[0], 0);
}

/* --- fuzz ---------------------------------------------------------------------------------- */

int main(void)
{
	RUN(test_grub_block);
	RUN(test_minimal_block);
	RUN(test_avail_beyond_total);
	RUN(test_truncated);
	RUN(test_total_size_too_small);
	RUN(test_tag_runs_past_end);
	RUN(test_zero_size_tag);
	RUN(test_size_below_header);
	RUN(test_size_below_fixed_fields);
	RUN(test_string_without_nul);
	RUN(test_mmap_entry_size);
	RUN(test_module_start_above_end);
	RUN(test_module_limit);
	RUN(test_missing_end_tag);
	RUN(test_end_tag_size);
	RUN(test_unknown_tag_skipped);
	RUN(test_unaligned_mbi);
	RUN(test_rsdp_prefers_new);
	RUN(test_rsdp_too_short);
	RUN(test_efi_mmap);
	RUN(test_duplicates_first_wins);
	RUN(test_tag_names);
	RUN(test_small_error_buffer);
	free(copy);
	TEST_MAIN_END();
}

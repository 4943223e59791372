/* tests/unit/test_hvboot_image.c - hvboot.efi's check of hv.elf: ELF64 program headers and the Multiboot2 header, on images made here. */
/* UNIT_SRC: boot/efi/image.c lib/printf.c */

#include "test.h"
#include "boot/efi/image.h"
#include "boot/multiboot2.h"

static _Alignas(8) uint8_t img[0x9000];
static char err[200];
static struct hv_image hv;

static void put16(size_t off, uint16_t v) { memcpy(img + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(img + off, &v, 8); }

#define PHOFF 64
#define MB2_AT 0x1000

static void phdr(unsigned i, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t filesz,
		 uint64_t memsz)
{
	size_t p = PHOFF + i * 56;
	put32(p, type);
	put64(p + 8, off);
	put64(p + 16, vaddr);
	put64(p + 24, paddr);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
}

/* A header of hv.elf's shape: optional info request, module alignment, end. */
static void mb2_header(uint32_t at, uint16_t extra_type, uint16_t extra_flags)
{
	uint32_t o = at + 16, len;
	put32(o, 1 | 1u << 16); put32(o + 4, 16); put32(o + 8, 1); put32(o + 12, 6); o += 16;
	put32(o, 6); put32(o + 4, 8); o += 8;
	if (extra_type) { put16(o, extra_type); put16(o + 2, extra_flags); put32(o + 4, 12); put32(o + 8, 0x1000040); o += 16; }
	put32(o, 0); put32(o + 4, 8); o += 8;
	len = o - at;
	put32(at, MB2_HEADER_MAGIC);
	put32(at + 4, 0);
	put32(at + 8, len);
	put32(at + 12, -(MB2_HEADER_MAGIC + len));
}

static void make_image(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF\x02\x01\x01", 7);
	put16(16, 2);            /* ET_EXEC */
	put16(18, 62);           /* EM_X86_64 */
	put64(24, 0x1000020);    /* entry: in the boot segment */
	put64(32, PHOFF);
	put16(54, 56);
	put16(56, 3);
	/* hv.elf's layout: boot at 16 MiB (VMA = LMA), text in the top 2 GiB */
	phdr(0, 1, 0x1000, 0x1000000, 0x1000000, 0x2000, 0x5000);
	phdr(1, 4, 0, 0, 0, 0, 0);   /* PT_NOTE: not loaded */
	phdr(2, 1, 0x3000, 0xffffffff81005000, 0x1005000, 0x6000, 0x9000);
	mb2_header(MB2_AT, 0, 0);
}

static int check(void)
{
	return hv_image_check(img, sizeof(img), &hv, err, sizeof(err));
}

static void test_hv_elf_shape(void)
{
	make_image();
	EXPECT_EQ(check(), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(hv.entry, 0x1000020);
	EXPECT_EQ(hv.nseg, 2);
	EXPECT_EQ(hv.lo, 0x1000000);
	EXPECT_EQ(hv.hi, 0x100e000);
	EXPECT_EQ(hv.seg[1].paddr, 0x1005000);
	EXPECT_EQ(hv.seg[1].offset, 0x3000);
	EXPECT_EQ(hv.seg[1].filesz, 0x6000);
	EXPECT_EQ(hv.seg[1].memsz, 0x9000);
	EXPECT_EQ(hv.mb2_header_offset, MB2_AT);
}

static void test_entry_from_virtual_and_header(void)
{
	make_image();
	put64(24, 0xffffffff81005010);   /* a higher-half entry: moved to its physical place */
	EXPECT_EQ(check(), 0);
	EXPECT_EQ(hv.entry, 0x1005010);
	make_image();
	mb2_header(MB2_AT, 3, 0);        /* entry address tag */
	EXPECT_EQ(check(), 0);
	EXPECT_EQ(hv.entry, 0x1000040);
	EXPECT_TRUE(hv.entry_from_header);
}

static void expect_refused(const char *want)
{
	EXPECT_EQ(check(), -1);
	EXPECT_STREQ(err, want);
}

static void test_header_refusals(void)
{
	make_image();
	put32(MB2_AT + 12, 0);
	expect_refused("the Multiboot2 header at offset 0x1000 has a bad checksum");
	make_image();
	memset(img + MB2_AT, 0, 16);
	expect_refused("no Multiboot2 header in the first 32 KiB (not a Multiboot2 kernel?)");
	make_image();
	memset(img + MB2_AT, 0, 16);
	mb2_header(0x8000, 0, 0);       /* past the first 32 KiB */
	expect_refused("no Multiboot2 header in the first 32 KiB (not a Multiboot2 kernel?)");
	make_image();
	mb2_header(MB2_AT, 7, 0);
	expect_refused("the Multiboot2 header requires boot services left running (tag 7); hvboot.efi exits them");
	make_image();
	mb2_header(MB2_AT, 7, 1);       /* optional: fine */
	EXPECT_EQ(check(), 0);
	make_image();
	mb2_header(MB2_AT, 42, 0);
	expect_refused("the Multiboot2 header requires tag type 42, which hvboot.efi does not support");
	make_image();
	put16(MB2_AT + 16 + 2, 0);      /* the info request made mandatory: tags 1 and 6 are given */
	put32(MB2_AT + 12, -(MB2_HEADER_MAGIC + 48));
	EXPECT_EQ(check(), 0);
	put32(MB2_AT + 16 + 12, 13);    /* SMBIOS, which hvboot.efi does not give */
	expect_refused("the Multiboot2 header requires information tag 13, which hvboot.efi does not give");
}

static void test_elf_refusals(void)
{
	make_image();
	img[1] = 'X';
	expect_refused("not an ELF file");
	make_image();
	img[4] = 1;
	expect_refused("not an x86-64 ELF executable (class 1, data 1, machine 62, type 2)");
	make_image();
	phdr(2, 1, 0x8000, 0x1005000, 0x1005000, 0x2000, 0x2000);
	expect_refused("segment 2 (offset 0x8000, 0x2000 bytes) runs past the end of the file");
	make_image();
	phdr(2, 1, 0x3000, 0x1002000, 0x1002000, 0x1000, 0x1000);
	expect_refused("segment 2 at 0x1002000 overlaps an earlier one at 0x1000000");
	make_image();
	phdr(2, 1, 0x3000, 0xfffff000, 0xfffff000, 0x1000, 0x2000);
	expect_refused("segment 2 at 0xfffff000-0x100001000 is not below 4 GiB");
	make_image();
	put64(24, 0x2000000);
	expect_refused("the ELF entry 0x2000000 is in no loadable segment");
	make_image();
	put16(56, 0xffff);
	expect_refused("the ELF program headers run past the end of the file");
	EXPECT_EQ(hv_image_check(img, 10, &hv, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "not an ELF file");
}

int main(void)
{
	RUN(test_hv_elf_shape);
	RUN(test_entry_from_virtual_and_header);
	RUN(test_header_refusals);
	RUN(test_elf_refusals);
	TEST_MAIN_END();
}

/* tests/unit/test_mb_kernel.c - mb_kernel_parse on built images: the
 * header search, ELF32 and ELF64 segments, the address fields, and every
 * kind of malformed image (truncated, out of the file, overlapping, huge
 * addresses), plus random images that must never be read out of bounds. */
/* UNIT_SRC: guest-loader/mb_kernel.c lib/printf.c */
#include "test.h"
#include "guest-loader/mb_kernel.h"
#include <stdlib.h>

#define IMG_MAX 0x6000
static uint8_t img[IMG_MAX];
static struct mb_kernel k;
static char err[200];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A Multiboot header at off with flags; the checksum fixed unless bad. */
static void header(uint32_t off, uint32_t flags, bool bad)
{
	put32(img + off, MB_HEADER_MAGIC);
	put32(img + off + 4, flags);
	put32(img + off + 8, -(MB_HEADER_MAGIC + flags) + (bad ? 1 : 0));
}

static void aout_fields(uint32_t off, uint32_t header_addr, uint32_t load, uint32_t load_end, uint32_t bss_end,
			uint32_t entry)
{
	put32(img + off + 12, header_addr);
	put32(img + off + 16, load);
	put32(img + off + 20, load_end);
	put32(img + off + 24, bss_end);
	put32(img + off + 28, entry);
}

#define PHOFF32 52
#define PHOFF64 64

/* An ELF32 i386 executable header with phnum program headers at 52. */
static void elf32(uint32_t entry, unsigned phnum)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 1;   /* ELFCLASS32 */
	img[5] = 1;   /* little-endian */
	img[6] = 1;
	put16(img + 16, 2);    /* ET_EXEC */
	put16(img + 18, 3);    /* EM_386 */
	put32(img + 20, 1);
	put32(img + 24, entry);
	put32(img + 28, PHOFF32);
	put16(img + 40, 52);
	put16(img + 42, 32);
	put16(img + 44, (uint16_t)phnum);
}

static void phdr32(unsigned i, uint32_t type, uint32_t off, uint32_t vaddr, uint32_t paddr, uint32_t filesz,
		   uint32_t memsz, uint32_t flags)
{
	uint8_t *p = img + PHOFF32 + 32 * i;
	put32(p, type);
	put32(p + 4, off);
	put32(p + 8, vaddr);
	put32(p + 12, paddr);
	put32(p + 16, filesz);
	put32(p + 20, memsz);
	put32(p + 24, flags);
	put32(p + 28, 0x1000);
}

static void elf64(uint64_t entry, unsigned phnum)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2;
	img[5] = 1;
	img[6] = 1;
	put16(img + 16, 2);
	put16(img + 18, 62);   /* EM_X86_64 */
	put32(img + 20, 1);
	put64(img + 24, entry);
	put64(img + 32, PHOFF64);
	put16(img + 52, 64);
	put16(img + 54, 56);
	put16(img + 56, (uint16_t)phnum);
}

static void phdr64(unsigned i, uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	uint8_t *p = img + PHOFF64 + 56 * i;
	put32(p, 1);
	put32(p + 4, 5);   /* R+X */
	put64(p + 8, off);
	put64(p + 16, vaddr);
	put64(p + 24, paddr);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
}

static int parse(uint64_t size)
{
	memset(&k, 0xa5, sizeof(k));
	snprintf(err, sizeof(err), "stale");
	return mb_kernel_parse(img, size, &k, err, sizeof(err));
}

static void expect_error(uint64_t size, const char *needle, int line)
{
	int rc = parse(size);
	if (rc != -1 || !strstr(err, needle) || strchr(err, '\n')) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: rc %d, error \"%s\", wanted \"%s\"\n", line, rc, err, needle);
	}
}
#define EXPECT_ERROR(size, needle) expect_error((size), (needle), __LINE__)

/* A typical kernel: .text at 1 MiB from offset 0x1000, .data and .bss. */
static void typical_elf32(void)
{
	elf32(0x100010, 2);
	phdr32(0, 1, 0x1000, 0x100000, 0x100000, 0x2000, 0x2000, 5);
	phdr32(1, 1, 0x3000, 0x102000, 0x102000, 0x800, 0x3000, 6);
	header(0x1000, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO, false);
}

static void test_elf32_segments(void)
{
	typical_elf32();
	EXPECT_EQ(parse(0x4000), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(k.format, MB_FORMAT_ELF32);
	EXPECT_EQ(k.header_offset, 0x1000);
	EXPECT_EQ(k.flags, 3);
	EXPECT_EQ(k.entry, 0x100010);
	EXPECT_EQ(k.segment_count, 2);
	EXPECT_EQ(k.segments[1].paddr, 0x102000);
	EXPECT_EQ(k.segments[1].file_offset, 0x3000);
	EXPECT_EQ(k.segments[1].filesz, 0x800);
	EXPECT_EQ(k.segments[1].memsz, 0x3000);
	EXPECT_EQ(k.load_low, 0x100000);
	EXPECT_EQ(k.load_high, 0x105000);
	EXPECT_STREQ(mb_format_name(k.format), "ELF32");
}

/* Segments come in any order; they are kept by address. Non-LOAD and empty
 * ones are passed over. */
static void test_elf32_order_and_skips(void)
{
	elf32(0x200000, 4);
	phdr32(0, 1, 0x2000, 0x300000, 0x300000, 0x100, 0x100, 6);
	phdr32(1, 4, 0x0, 0x0, 0x0, 0x100, 0x100, 4);               /* PT_NOTE */
	phdr32(2, 1, 0x1000, 0x200000, 0x200000, 0x100, 0x100, 5);
	phdr32(3, 1, 0x0, 0x900000, 0x900000, 0, 0, 6);               /* empty */
	header(0x1000, 0, false);
	EXPECT_EQ(parse(0x3000), 0);
	EXPECT_EQ(k.segment_count, 2);
	EXPECT_EQ(k.segments[0].paddr, 0x200000);
	EXPECT_EQ(k.segments[1].paddr, 0x300000);
	EXPECT_EQ(k.load_low, 0x200000);
	EXPECT_EQ(k.load_high, 0x300100);
}

/* QEMU's load_elf: the entry moves with an executable segment whose
 * virtual address differs from its physical one, only when the entry lies
 * in its file bytes. */
static void test_elf32_entry_translation(void)
{
	elf32(0xc0100020, 1);
	phdr32(0, 1, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x1000, 5);
	header(0x1000, 0, false);
	EXPECT_EQ(parse(0x2000), 0);
	EXPECT_EQ(k.entry, 0x100020);
	EXPECT_EQ(k.segments[0].paddr, 0x100000);
	/* not executable: no move */
	phdr32(0, 1, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x1000, 6);
	EXPECT_EQ(parse(0x2000), 0);
	EXPECT_EQ(k.entry, 0xc0100020);
	/* the entry in the bss, past the file bytes: no move */
	elf32(0xc0101800, 1);
	phdr32(0, 1, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x2000, 5);
	header(0x1000, 0, false);
	EXPECT_EQ(parse(0x2000), 0);
	EXPECT_EQ(k.entry, 0xc0101800);
}

static void test_header_search(void)
{
	typical_elf32();
	/* the last offset QEMU looks at is 8192 - 48 - 4 */
	memset(img + 0x1000, 0, 12);
	header(MB_HEADER_LAST - 4, 0, false);
	EXPECT_EQ(parse(0x4000), 0);
	EXPECT_EQ(k.header_offset, MB_HEADER_LAST - 4);
	memset(img + MB_HEADER_LAST - 4, 0, 12);
	header(MB_HEADER_LAST, 0, false);
	EXPECT_ERROR(0x4000, "no header (magic 0x1BADB002) in its first 8192 bytes");
	memset(img + MB_HEADER_LAST, 0, 12);
	/* 4-byte aligned only */
	header(0x1002, 0, false);
	EXPECT_ERROR(0x4000, "no header");
	memset(img + 0x1002, 0, 12);
	/* a header the image is too short to hold whole */
	header(0x1000, 0, false);
	EXPECT_ERROR(0x1008, "no header");
	/* the first good one counts; a bad one before it is passed over */
	header(0x800, 0, true);
	EXPECT_EQ(parse(0x4000), 0);
	EXPECT_EQ(k.header_offset, 0x1000);
	memset(img + 0x1000, 0, 12);
	EXPECT_ERROR(0x4000, "the Multiboot header at offset 0x800 has a bad checksum (magic + flags + checksum = 0x1, must be 0)");
	memset(img + 0x800, 0, 12);
	/* Multiboot2's magic is named */
	put32(img + 0x40, 0xe85250d6);
	EXPECT_ERROR(0x4000, "it has a Multiboot2 header (offset 0x40)");
	EXPECT_ERROR(0, "no header");
}

static void test_elf_malformed(void)
{
	typical_elf32();
	EXPECT_ERROR(51, "no header");   /* the header lies past the end */
	/* the header early, the ELF header cut short */
	memset(img + 0x1000, 0, 12);
	header(8, 0, false);
	EXPECT_ERROR(40, "ELF header truncated (40 bytes)");
	typical_elf32();
	img[4] = 3;
	EXPECT_ERROR(0x4000, "ELF class 3 is neither 32- nor 64-bit");
	typical_elf32();
	img[5] = 2;
	EXPECT_ERROR(0x4000, "not little-endian");
	typical_elf32();
	put16(img + 18, 40);   /* ARM */
	EXPECT_ERROR(0x4000, "ELF32 machine 40 is not i386 (3)");
	typical_elf32();
	put16(img + 16, 3);    /* ET_DYN */
	EXPECT_ERROR(0x4000, "ELF type 3 is not an executable");
	typical_elf32();
	put16(img + 42, 40);
	EXPECT_ERROR(0x4000, "ELF program headers are 40 bytes, not 32");
	typical_elf32();
	put32(img + 28, 0x3ff0);   /* phdrs past the end */
	EXPECT_ERROR(0x4000, "ELF program headers (2 at offset 0x3ff0) lie outside the file");
	put32(img + 28, 0xffffffff);
	EXPECT_ERROR(0x4000, "lie outside the file");
	typical_elf32();
	put16(img + 44, 0xffff);
	EXPECT_ERROR(0x4000, "lie outside the file");
	typical_elf32();
	put16(img + 44, 0);
	EXPECT_ERROR(0x4000, "no loadable ELF segment");
	/* The second segment of the typical kernel replaced by a bad one. */
	static const struct {
		uint32_t offset, addr, filesz, memsz, size;
		const char *needle;
	} bad_second[] = {
		{ 0x3000, 0x102000, 0x3001, 0x3000, 0x8000,
		  "ELF segment 1 has more bytes in the file (12289) than in memory (12288)" },
		{ 0x3000, 0x102000, 0x1001, 0x3000, 0x4000,
		  "ELF segment 1's bytes (0x1001 at offset 0x3000) lie outside the file (16384 bytes)" },
		{ 0xfffff000, 0x102000, 0x2000, 0x3000, 0x4000, "lie outside the file" },
		{ 0x3000, 0x101000, 0x800, 0x3000, 0x4000,
		  "ELF segments overlap at 0x100000-0x101fff and 0x101000-0x103fff" },
		{ 0x3000, 0xfffff000, 0x800, 0x1000, 0x4000,
		  "ELF segment 1 (0x1000 bytes at 0xfffff000) does not end below 4 GiB" },
	};
	for (size_t i = 0; i < sizeof(bad_second) / sizeof(bad_second[0]); i++) {
		typical_elf32();
		phdr32(1, 1, bad_second[i].offset, bad_second[i].addr, bad_second[i].addr, bad_second[i].filesz,
		       bad_second[i].memsz, 6);
		EXPECT_ERROR(bad_second[i].size, bad_second[i].needle);
	}
	/* up to the last byte below 4 GiB is fine */
	phdr32(1, 1, 0x3000, 0xfffff000, 0xfffff000, 0x800, 0xfff, 6);
	EXPECT_EQ(parse(0x4000), 0);
	EXPECT_EQ(k.load_high, 0xffffffff);
	/* more segments than it keeps */
	elf32(0x100000, MB_MAX_SEGMENTS + 1);
	for (unsigned i = 0; i <= MB_MAX_SEGMENTS; i++)
		phdr32(i, 1, 0x1000, 0x100000 + i * 0x1000, 0x100000 + i * 0x1000, 0x10, 0x10, 5);
	header(0x1000, 0, false);
	EXPECT_ERROR(0x2000, "more than 16 loadable ELF segments");
}

static void test_elf64(void)
{
	elf64(0x100000, 1);
	phdr64(0, 0x1000, 0x100000, 0x100000, 0x800, 0x1000);
	header(0x1000, 0, false);
	EXPECT_EQ(parse(0x2000), 0);
	EXPECT_EQ(k.format, MB_FORMAT_ELF64);
	EXPECT_EQ(k.entry, 0x100000);
	EXPECT_EQ(k.load_high, 0x101000);
	/* a higher-half kernel: virtual addresses far above 4 GiB, physical low */
	elf64(0xffffffff80100010ull, 1);
	phdr64(0, 0x1000, 0xffffffff80100000ull, 0x100000, 0x800, 0x1000);
	header(0x1000, 0, false);
	EXPECT_EQ(parse(0x2000), 0);
	EXPECT_EQ(k.entry, 0x100010);
	elf64(0x100000, 1);
	phdr64(0, 0x1000, 0x100000000ull, 0x100000000ull, 0x800, 0x1000);
	header(0x1000, 0, false);
	EXPECT_ERROR(0x2000, "ELF segment 0 (0x1000 bytes at 0x100000000) does not end below 4 GiB");
	elf64(0x100000000ull, 1);
	phdr64(0, 0x1000, 0x100000, 0x100000, 0x800, 0x1000);
	header(0x1000, 0, false);
	EXPECT_ERROR(0x2000, "ELF entry 0x100000000 is above 4 GiB");
	elf64(0x100000, 1);
	phdr64(0, 0x1000, 0x100000, 0x100000, 0x800, 0x1000);
	header(8, 0, false);   /* over e_ident's padding and e_type: the size is checked first */
	EXPECT_ERROR(60, "ELF64 header truncated");
	memset(img + 8, 0, 12);
	put16(img + 16, 2);
	header(0x1000, 0, false);
	put16(img + 18, 3);
	EXPECT_ERROR(0x2000, "ELF64 machine 3 is not x86-64 (62)");
}

/* Flag bit 16: the header's fields say what to load, for an ELF file too. */
static void test_aout_kludge(void)
{
	memset(img, 0, sizeof(img));
	header(0x40, MB_FLAG_AOUT_KLUDGE, false);
	/* the file from offset 0 goes to 0x100000: header_addr = load + 0x40 */
	aout_fields(0x40, 0x100040, 0x100000, 0x102000, 0x105000, 0x100080);
	EXPECT_EQ(parse(0x3000), 0);
	EXPECT_EQ(k.format, MB_FORMAT_AOUT_KLUDGE);
	EXPECT_EQ(k.entry, 0x100080);
	EXPECT_EQ(k.segment_count, 1);
	EXPECT_EQ(k.segments[0].paddr, 0x100000);
	EXPECT_EQ(k.segments[0].file_offset, 0);
	EXPECT_EQ(k.segments[0].filesz, 0x2000);
	EXPECT_EQ(k.segments[0].memsz, 0x5000);
	EXPECT_EQ(k.load_high, 0x105000);
	/* load_end 0: to the end of the file; bss_end 0: no bss */
	aout_fields(0x40, 0x100040, 0x100000, 0, 0, 0x100080);
	EXPECT_EQ(parse(0x3000), 0);
	EXPECT_EQ(k.segments[0].filesz, 0x3000);
	EXPECT_EQ(k.segments[0].memsz, 0x3000);
	/* the file's first 0x20 bytes are not loaded: header_addr - load = 0x20 */
	aout_fields(0x40, 0x100020, 0x100000, 0, 0, 0x100000);
	EXPECT_EQ(parse(0x3000), 0);
	EXPECT_EQ(k.segments[0].file_offset, 0x20);
	EXPECT_EQ(k.segments[0].filesz, 0x3000 - 0x20);
	/* errors, as QEMU's: header_addr, load_addr, load_end_addr, bss_end_addr */
	static const struct { uint32_t header, load, load_end, bss_end; const char *needle; } bad[] = {
		{ 0xff000, 0x100000, 0, 0, "header_addr 0xff000 is below load_addr 0x100000" },
		{ 0x100041, 0x100000, 0, 0, "is more than the header's offset 0x40 in the file" },
		{ 0x100040, 0x100000, 0xff000, 0, "load_end_addr 0xff000 is below load_addr 0x100000" },
		{ 0x100040, 0x100000, 0x104000, 0,
		  "load_end_addr 0x104000 asks for 16384 bytes, the file has 12288 from offset 0x0" },
		{ 0x100040, 0x100000, 0x102000, 0x101000,
		  "bss_end_addr 0x101000 is below the end of the loaded bytes 0x102000" },
		{ 0xfffff040, 0xfffff000, 0, 0, "does not end below 4 GiB" },
		{ 0x100040, 0x100000, 0x100000, 0, "load nothing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		aout_fields(0x40, bad[i].header, bad[i].load, bad[i].load_end, bad[i].bss_end, bad[i].load);
		EXPECT_ERROR(0x3000, bad[i].needle);
	}
	/* the header at the very end: its address fields are cut off */
	memset(img, 0, sizeof(img));
	header(0x100, MB_FLAG_AOUT_KLUDGE, false);
	EXPECT_ERROR(0x110, "cut off before its address fields");
	/* an ELF file with bit 16: the fields win over the program headers */
	typical_elf32();
	header(0x1000, MB_FLAG_AOUT_KLUDGE, false);
	aout_fields(0x1000, 0x200000, 0x200000, 0x201000, 0x202000, 0x200004);
	EXPECT_EQ(parse(0x4000), 0);
	EXPECT_EQ(k.format, MB_FORMAT_AOUT_KLUDGE);
	EXPECT_EQ(k.entry, 0x200004);
	EXPECT_EQ(k.segments[0].paddr, 0x200000);
	EXPECT_EQ(k.segments[0].file_offset, 0x1000);
	/* not ELF and no fields: nothing says where it goes */
	memset(img, 0, sizeof(img));
	header(0x40, 0, false);
	EXPECT_ERROR(0x3000, "not an ELF file, and its Multiboot header has no address fields (flags bit 16)");
	/* the video bit is ignored, as QEMU ignores it */
	header(0x40, MB_FLAG_AOUT_KLUDGE | MB_FLAG_VIDEO_MODE, false);
	aout_fields(0x40, 0x100040, 0x100000, 0, 0, 0x100000);
	EXPECT_EQ(parse(0x3000), 0);
}

/* Random bytes with a valid header somewhere, and random fields in it and
 * in an ELF header: the parser answers, never reads outside the image
 * (ASan would stop it), and what it accepts is consistent. */
static void test_random_images(void)
{
	srand(12345);
	for (int round = 0; round < 20000; round++) {
		uint32_t size = 1 + (uint32_t)rand() % IMG_MAX;
		for (uint32_t i = 0; i < size; i++)
			img[i] = (uint8_t)rand();
		if (round & 1) {
			elf32((uint32_t)rand(), (unsigned)rand() % 20);
			for (uint32_t i = 64; i < size; i++)
				img[i] = (uint8_t)rand();
			img[4] = (uint8_t)(1 + rand() % 2);
		}
		uint32_t off = ((uint32_t)rand() % 2048) * 4;
		if (off + 32 <= size)
			header(off, (uint32_t)rand() & (MB_FLAG_AOUT_KLUDGE | 7), false);
		/* an exact-size heap copy: a read past size is a read past the block */
		uint8_t *p = malloc(size);
		memcpy(p, img, size);
		int rc = mb_kernel_parse(p, size, &k, err, sizeof(err));
		if (rc == 0) {
			EXPECT_TRUE(k.segment_count >= 1 && k.segment_count <= MB_MAX_SEGMENTS);
			for (unsigned i = 0; i < k.segment_count; i++) {
				EXPECT_TRUE(k.segments[i].filesz <= k.segments[i].memsz);
				EXPECT_TRUE(k.segments[i].file_offset + k.segments[i].filesz <= size);
				EXPECT_TRUE(k.segments[i].paddr + k.segments[i].memsz <= (1ull << 32));
			}
		} else {
			EXPECT_TRUE(err[0] != '\0' && !strchr(err, '\n'));
		}
		free(p);
	}
}

int main(void)
{
	RUN(test_elf32_segments);
	RUN(test_elf32_order_and_skips);
	RUN(test_elf32_entry_translation);
	RUN(test_header_search);
	RUN(test_elf_malformed);
	RUN(test_elf64);
	RUN(test_aout_kludge);
	RUN(test_random_images);
	TEST_MAIN_END();
}

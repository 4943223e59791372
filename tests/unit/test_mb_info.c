/* tests/unit/test_mb_info.c - The board's e820 map, the Multiboot boot
 * information's layout and bytes, and the firmware's low-memory bytes,
 * against what QEMU 7.2's -kernel gave tests/guests/mb/mbinfo.c (docs/pc.md). */
/* UNIT_SRC: guest-loader/mb_info.c guest-loader/mb_kernel.c guest-loader/pc_memmap.c guest-loader/pc_firmware.c lib/printf.c */
#include "test.h"
#include "guest-loader/mb_info.h"
#include "guest-loader/pc_firmware.h"

static struct e820_entry map[PC_MEMMAP_MAX];
static unsigned map_n;
static char err[200];

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#define EXPECT_ENTRY(i, b, last, t) do { EXPECT_EQ(map[i].base, (b)); \
	EXPECT_EQ(map[i].base + map[i].length - 1, (last)); EXPECT_EQ(map[i].type, (t)); } while (0)

/* QEMU's lists, less its ranges at 0xfffc0000 and 0xfd00000000. */
static void test_memmap_sizes(void)
{
	map_n = pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX);
	EXPECT_EQ(map_n, 5);
	EXPECT_ENTRY(0, 0, 0x9fbff, E820_RAM);
	EXPECT_ENTRY(1, 0x9fc00, 0x9ffff, E820_RESERVED);
	EXPECT_ENTRY(2, 0xf0000, 0xfffff, E820_RESERVED);
	EXPECT_ENTRY(3, 0x100000, 0xfdffff, E820_RAM);
	EXPECT_ENTRY(4, 0xfe0000, 0xffffff, E820_RESERVED);
	EXPECT_EQ(mb_mem_upper(map, map_n), 15232);
	map_n = pc_memmap_build(128 << 20, map, PC_MEMMAP_MAX);
	EXPECT_ENTRY(3, 0x100000, 0x7fdffff, E820_RAM);
	EXPECT_ENTRY(4, 0x7fe0000, 0x7ffffff, E820_RESERVED);
	EXPECT_EQ(mb_mem_upper(map, map_n), 129920);
	map_n = pc_memmap_build(3ull << 30, map, PC_MEMMAP_MAX);
	EXPECT_EQ(map_n, 5);
	EXPECT_ENTRY(3, 0x100000, 0xbffdffff, E820_RAM);
	EXPECT_ENTRY(4, 0xbffe0000, 0xbfffffff, E820_RESERVED);
	EXPECT_EQ(mb_mem_upper(map, map_n), 3144576);
	map_n = pc_memmap_build(5ull << 30, map, PC_MEMMAP_MAX);
	EXPECT_EQ(map_n, 6);
	EXPECT_ENTRY(4, 0xbffe0000, 0xbfffffff, E820_RESERVED);
	EXPECT_ENTRY(5, 0x100000000ull, 0x17fffffffull, E820_RAM);
	EXPECT_EQ(mb_mem_upper(map, map_n), 3144576);
	/* too little RAM, too little room */
	EXPECT_EQ(pc_memmap_build(1 << 20, map, PC_MEMMAP_MAX), 0);
	EXPECT_EQ(pc_memmap_build(2 << 20, map, PC_MEMMAP_MAX), 5);
	EXPECT_EQ(pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX - 1), 0);
}

static void test_is_ram(void)
{
	map_n = pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX);
	EXPECT_TRUE(pc_memmap_is_ram(map, map_n, 0x100000, 0x1000));
	EXPECT_TRUE(pc_memmap_is_ram(map, map_n, 0, 0x9fc00));
	EXPECT_TRUE(!pc_memmap_is_ram(map, map_n, 0, 0x9fc01));
	EXPECT_TRUE(!pc_memmap_is_ram(map, map_n, 0xf0000, 1));
	EXPECT_TRUE(pc_memmap_is_ram(map, map_n, 0xfdf000, 0x1000));
	EXPECT_TRUE(!pc_memmap_is_ram(map, map_n, 0xfdf000, 0x1001));
	EXPECT_TRUE(!pc_memmap_is_ram(map, map_n, 0xffffffffffff0000ull, 0x20000));   /* no wrap */
}

/* The option ROM's walk: RAM from 1 MiB, through entries in any order. */
static void test_mem_upper_walk(void)
{
	struct e820_entry m[4] = {
		{ 0x300000, 0x100000, E820_RAM }, { 0x100000, 0x200000, E820_RAM },
		{ 0x500000, 0x100000, E820_RAM }, { 0x400000, 0x100000, E820_RESERVED },
	};
	EXPECT_EQ(mb_mem_upper(m, 4), 3 << 10);   /* 1M-4M; the reserved range ends it */
	m[3].type = E820_RAM;
	EXPECT_EQ(mb_mem_upper(m, 4), 5 << 10);
	EXPECT_EQ(mb_mem_upper(m, 0), 0);
}

static void test_mmap_bytes(void)
{
	uint8_t buf[MB_MMAP_MAX_BYTES];

	map_n = pc_memmap_build(5ull << 30, map, PC_MEMMAP_MAX);
	EXPECT_EQ(mb_build_mmap(map, map_n, buf, sizeof(buf)), 6 * 24);
	EXPECT_EQ(get32(buf), 20);                   /* 'size' leaves itself out */
	EXPECT_EQ(get64(buf + 4), 0);
	EXPECT_EQ(get64(buf + 12), 0x9fc00);
	EXPECT_EQ(get32(buf + 20), 1);
	EXPECT_EQ(get32(buf + 5 * 24), 20);
	EXPECT_EQ(get64(buf + 5 * 24 + 4), 0x100000000ull);
	EXPECT_EQ(get64(buf + 5 * 24 + 12), 0x80000000ull);
	EXPECT_EQ(get32(buf + 4 * 24 + 20), 2);
	/* whole entries only */
	EXPECT_EQ(mb_build_mmap(map, map_n, buf, 24 * 2 + 23), 48);
	EXPECT_EQ(mb_build_mmap(map, map_n, buf, 0), 0);
}

/* A kernel as mbinfo.elf was when QEMU was measured: one segment
 * 0x100000-0x105d5f. */
static struct mb_kernel kernel_at(uint32_t paddr, uint32_t memsz)
{
	struct mb_kernel k = { .format = MB_FORMAT_ELF32, .entry = paddr, .load_low = paddr,
			       .load_high = paddr + memsz, .segment_count = 1 };
	k.segments[0] = (struct mb_segment){ paddr, 0x1000, memsz / 2, memsz };
	return k;
}

/* QEMU, `-m 16M -kernel mbinfo -append "a b  c" -initrd "mbinfo.mod0 x y,mbinfo.mod1"`,
 * a 13-byte and a 5000-byte module, gave exactly these addresses. */
static void test_plan_as_qemu(void)
{
	struct mb_kernel k = kernel_at(0x100000, 0x5d60);
	struct mb_module_in mods[2] = { { 13, "x y" }, { 5000, NULL } };
	struct mb_plan p;

	map_n = pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX);
	EXPECT_EQ(mb_plan_layout(&k, "mbinfo", "a b  c", mods, 2, "qemu", map, map_n, &p, err, sizeof(err)), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(p.mods_addr, 0x106000);
	EXPECT_EQ(p.mod_string[0], 0x106020);
	EXPECT_EQ(p.mod_string[1], 0x106030);
	EXPECT_EQ(p.cmdline_addr, 0x10603c);
	EXPECT_EQ(p.loader_name_addr, 0x10604a);
	EXPECT_EQ(p.mod_start[0], 0x107000);
	EXPECT_EQ(p.mod_end[0], 0x10700d);
	EXPECT_EQ(p.mod_start[1], 0x108000);
	EXPECT_EQ(p.mod_end[1], 0x109388);
	EXPECT_EQ(p.end, 0x10a000);
	/* No modules: the array is empty, the strings start where it would. */
	EXPECT_EQ(mb_plan_layout(&k, "mbinfo", "", NULL, 0, "qemu", map, map_n, &p, err, sizeof(err)), 0);
	EXPECT_EQ(p.mods_addr, 0x106000);
	EXPECT_EQ(p.cmdline_addr, 0x106000);
	EXPECT_EQ(p.loader_name_addr, 0x106008);   /* "mbinfo " and its NUL */
	EXPECT_EQ(p.end, 0x107000);
	/* A module of 0 bytes takes no page: the next starts at the same place. */
	struct mb_module_in empty[2] = { { 0, "" }, { 1, "" } };
	EXPECT_EQ(mb_plan_layout(&k, "k", "", empty, 2, "svm-hv", map, map_n, &p, err, sizeof(err)), 0);
	EXPECT_EQ(p.mod_start[0], 0x107000);
	EXPECT_EQ(p.mod_end[0], 0x107000);
	EXPECT_EQ(p.mod_start[1], 0x107000);
	char name[32];
	mb_module_name(name, sizeof(name), "mbinfo", 11);
	EXPECT_STREQ(name, "mbinfo.mod11");
}

static void expect_plan_error(struct mb_kernel k, uint64_t mem, const struct mb_module_in *mods, unsigned n,
			      const char *needle, int line)
{
	struct mb_plan p;
	map_n = pc_memmap_build(mem, map, PC_MEMMAP_MAX);
	snprintf(err, sizeof(err), "stale");
	int rc = mb_plan_layout(&k, "k", "", mods, n, "svm-hv", map, map_n, &p, err, sizeof(err));
	if (rc != -1 || !strstr(err, needle) || strchr(err, '\n')) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: rc %d, error \"%s\", wanted \"%s\"\n", line, rc, err, needle);
	}
}
#define EXPECT_PLAN_ERROR(k, mem, mods, n, needle) expect_plan_error((k), (mem), (mods), (n), (needle), __LINE__)

static void test_plan_refusals(void)
{
	struct mb_module_in big = { 15 << 20, NULL }, fits = { 0xfe0000 - 0x102000, NULL }, many[MB_MAX_MODULES + 1];
	struct mb_plan p;

	EXPECT_PLAN_ERROR(kernel_at(0xa0000, 0x1000), 16 << 20, NULL, 0,
			  "the kernel's segment at 0xa0000-0xa0fff overlaps 0x9fc00-0xfffff (the EBDA and the BIOS area, not RAM)");
	EXPECT_PLAN_ERROR(kernel_at(0x9f000, 0x1000), 16 << 20, NULL, 0, "overlaps 0x9fc00-0xfffff");
	EXPECT_PLAN_ERROR(kernel_at(0xc0100000, 0x1000), 5ull << 30, NULL, 0,
			  "the kernel's segment at 0xc0100000-0xc0100fff reaches into the 3-4 GiB hole (MMIO, not RAM)");
	EXPECT_PLAN_ERROR(kernel_at(0x1000000, 0x1000), 16 << 20, NULL, 0,
			  "goes past the end of the VM's RAM below 4 GiB (less the firmware's 128 KiB at its top)");
	EXPECT_PLAN_ERROR(kernel_at(0xfe0000, 0x1000), 16 << 20, NULL, 0, "goes past the end");
	EXPECT_PLAN_ERROR(kernel_at(0x8000, 0x1001), 16 << 20, NULL, 0,
			  "the kernel (0x8000-0x9000) overlaps the memory map and information block at 0x9000-0x9557");
	EXPECT_PLAN_ERROR(kernel_at(0x9500, 0x100), 16 << 20, NULL, 0, "overlaps the memory map");
	EXPECT_PLAN_ERROR(kernel_at(0x100000, 0x1000), 16 << 20, &big, 1,
			  "module 0 (15728640 bytes) at 0x102000-0x1001fff goes past the end");
	memset(many, 0, sizeof(many));
	EXPECT_PLAN_ERROR(kernel_at(0x100000, 0x1000), 16 << 20, many, MB_MAX_MODULES + 1, "more than 16 modules");
	/* the kernel at the very top of 4 GiB: what follows it does not fit */
	EXPECT_PLAN_ERROR(kernel_at(0xfffff000, 0xfff), 16 << 20, &big, 1, "do not fit below 4 GiB");
	/* the kernel's information right after a kernel that ends at RAM's end */
	EXPECT_PLAN_ERROR(kernel_at(0x100000, 0xee0000), 16 << 20, NULL, 0,
			  "the boot information after the kernel at 0xfe0000-");
	/* fits: low memory below the map, and a module up to the reserved top */
	map_n = pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX);
	struct mb_kernel low = kernel_at(0x10000, 0x1000);
	EXPECT_EQ(mb_plan_layout(&low, "k", "", NULL, 0, "svm-hv", map, map_n, &p, err, sizeof(err)), 0);
	struct mb_kernel k = kernel_at(0x100000, 0x1000);
	EXPECT_EQ(mb_plan_layout(&k, "k", "", &fits, 1, "svm-hv", map, map_n, &p, err, sizeof(err)), 0);
	EXPECT_EQ(p.mod_end[0], 0xfe0000);
	fits.size++;
	EXPECT_PLAN_ERROR(k, 16 << 20, &fits, 1, "module 0");
}

static void test_info_bytes(void)
{
	struct mb_kernel k = kernel_at(0x100000, 0x5d60);
	struct mb_module_in mods[1] = { { 13, "x" } };
	uint8_t info[MB_INFO_BYTES], ent[MB_MODULE_BYTES];
	struct mb_plan p;

	map_n = pc_memmap_build(16 << 20, map, PC_MEMMAP_MAX);
	EXPECT_EQ(mb_plan_layout(&k, "k", "", mods, 1, "svm-hv", map, map_n, &p, err, sizeof(err)), 0);
	memset(info, 0xa5, sizeof(info));
	mb_build_info(&p, 639, 15232, 120, info);
	EXPECT_EQ(get32(info + 0), 0x24f);
	EXPECT_EQ(get32(info + 4), 639);
	EXPECT_EQ(get32(info + 8), 15232);
	EXPECT_EQ(get32(info + 12), 0x8000ffff);
	EXPECT_EQ(get32(info + 16), p.cmdline_addr);
	EXPECT_EQ(get32(info + 20), 1);
	EXPECT_EQ(get32(info + 24), 0x106000);
	for (int i = 28; i < 44; i++)
		EXPECT_EQ(info[i], 0);
	EXPECT_EQ(get32(info + 44), 120);
	EXPECT_EQ(get32(info + 48), 0x9000);
	EXPECT_EQ(get32(info + 52), 0);
	EXPECT_EQ(get32(info + 64), p.loader_name_addr);
	for (int i = 68; i < 88; i++)
		EXPECT_EQ(info[i], 0);
	mb_build_module_entry(&p, 0, ent);
	EXPECT_EQ(get32(ent), 0x107000);
	EXPECT_EQ(get32(ent + 4), 0x10700d);
	EXPECT_EQ(get32(ent + 8), 0x106010);
	EXPECT_EQ(get32(ent + 12), 0);
	memset(ent, 0xa5, sizeof(ent));
	mb_build_module_entry(&p, 1, ent);   /* past the count: zeros */
	EXPECT_EQ(get64(ent) | get64(ent + 8), 0);
}

/* The BDA as mbinfo dumped it under QEMU (ticks at 0x6c zeroed). */
static void test_bda_as_qemu(void)
{
	static const struct { unsigned off; uint8_t v; } nonzero[] = {
		{ 0x00, 0xf8 }, { 0x01, 0x03 }, { 0x0e, 0xc0 }, { 0x0f, 0x9f }, { 0x10, 0x06 }, { 0x11, 0x02 },
		{ 0x13, 0x7f }, { 0x14, 0x02 }, { 0x1a, 0x1e }, { 0x1c, 0x1e }, { 0x76, 0xc0 }, { 0x7c, 0x0a },
		{ 0x80, 0x1e }, { 0x82, 0x3e }, { 0x96, 0x10 },
	};
	uint8_t want[PC_BDA_BYTES] = { 0 }, bda[PC_BDA_BYTES];

	for (size_t i = 0; i < sizeof(nonzero) / sizeof(nonzero[0]); i++)
		want[nonzero[i].off] = nonzero[i].v;
	memset(bda, 0xa5, sizeof(bda));
	pc_bda_build(bda);
	for (unsigned i = 0; i < PC_BDA_BYTES; i++)
		if (bda[i] != want[i]) {
			test_case_failed = 1;
			fprintf(stderr, "  bda+0x%02x: 0x%02x, QEMU 0x%02x\n", i, bda[i], want[i]);
		}
	EXPECT_EQ(mb_rom_gdt[0x0d], 0x9a);
	EXPECT_EQ(mb_rom_gdt[0x15], 0x93);
	EXPECT_EQ(mb_rom_gdt[0x1d], 0x9e);
	EXPECT_EQ(mb_rom_gdt[0x25], 0x92);
	EXPECT_EQ(sizeof(mb_rom_gdt), 40);
}

int main(void)
{
	RUN(test_memmap_sizes);
	RUN(test_is_ram);
	RUN(test_mem_upper_walk);
	RUN(test_mmap_bytes);
	RUN(test_plan_as_qemu);
	RUN(test_plan_refusals);
	RUN(test_info_bytes);
	RUN(test_bda_as_qemu);
	TEST_MAIN_END();
}

/* tests/unit/test_vfwcfg.c - QEMU's fw_cfg (hv/vdev/vfwcfg.h) through ports
 * 0x510-0x511, read as a guest's driver reads it. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vfwcfg.c */
#include <pthread.h>
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/vfwcfg.h"

struct board { struct iobus bus; struct vfwcfg fw; };

/* A small PC's memory map: low RAM, the EBDA and BIOS area reserved, RAM
 * above 1 MiB, the IOAPIC/LAPIC window reserved. */
static const struct vfwcfg_e820_entry pc_map[] = {
	{ 0x0, 0x9fc00, VFWCFG_E820_RAM },
	{ 0x9fc00, 0x400, VFWCFG_E820_RESERVED },
	{ 0xf0000, 0x10000, VFWCFG_E820_RESERVED },
	{ 0x100000, 0x7f00000, VFWCFG_E820_RAM },
	{ 0xfec00000, 0x1400000, VFWCFG_E820_RESERVED },
};
#define PC_MAP_COUNT (sizeof(pc_map) / sizeof(pc_map[0]))

static struct board *board_new(void)
{
	struct board *b = calloc(1, sizeof(*b));
	iobus_init(&b->bus);
	vfwcfg_init(&b->fw);
	EXPECT_EQ(vfwcfg_pc_board(&b->fw, 128 * MiB, 2, 2, pc_map, PC_MAP_COUNT), 0);
	EXPECT_EQ(iobus_register(&b->bus, VFWCFG_PORT_SELECTOR, VFWCFG_PORTS, &vfwcfg_ops, &b->fw), 0);
	return b;
}

static void fw_select(struct board *b, uint16_t key)
{
	iobus_write(&b->bus, NULL, 0x510, 2, key);
}

static uint8_t fw_byte(struct board *b)
{
	return (uint8_t)iobus_read(&b->bus, NULL, 0x511, 1);
}

static void fw_read(struct board *b, uint16_t key, void *buf, size_t n)
{
	fw_select(b, key);
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = fw_byte(b);
}

static uint64_t fw_le(struct board *b, uint16_t key, unsigned n)
{
	uint8_t buf[8];
	uint64_t v = 0;
	fw_read(b, key, buf, n);
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint64_t le64(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* "QEMU", a byte at a time, then 0s; already selected after init and reset. */
static void test_signature_byte_by_byte(void)
{
	struct board *b = board_new();
	EXPECT_EQ(fw_byte(b), 'Q');            /* init selected it */
	EXPECT_EQ(fw_byte(b), 'E');
	EXPECT_EQ(fw_byte(b), 'M');
	EXPECT_EQ(fw_byte(b), 'U');
	EXPECT_EQ(fw_byte(b), 0);
	fw_select(b, FW_CFG_SIGNATURE);
	char sig[5] = { 0 };
	for (int i = 0; i < 4; i++)
		sig[i] = (char)fw_byte(b);
	EXPECT_STREQ(sig, "QEMU");
	/* a byte read of 0x510 reads data too: QEMU's one region for both ports */
	fw_select(b, FW_CFG_SIGNATURE);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x510, 1), 'Q');
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x511, 1), 'E');
	/* reset: the signature from its first byte */
	iobus_reset(&b->bus);
	EXPECT_EQ(fw_byte(b), 'Q');
	free(b);
}

/* ID 1: the traditional interface, no DMA; nothing answers at 0x514. */
static void test_id_without_dma(void)
{
	struct board *b = board_new();
	EXPECT_EQ(fw_le(b, FW_CFG_ID, 4), FW_CFG_ID_TRADITIONAL);
	EXPECT_EQ(fw_byte(b), 0);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x514, 4), 0xffffffff);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x518, 4), 0xffffffff);
	free(b);
}

/* ---- DMA ---------------------------------------------------------------------- */

/* Guest RAM for DMA: 64 KiB at gpa 0; anything else is not RAM. */
#define RAM_BYTES 0x10000u
static uint8_t ram[RAM_BYTES];
static unsigned mem_reads, mem_writes;

static bool ram_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	(void)ctx;
	mem_reads++;
	if (gpa >= RAM_BYTES || len > RAM_BYTES - gpa)
		return false;
	memcpy(buf, ram + gpa, len);
	return true;
}

static bool ram_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	(void)ctx;
	mem_writes++;
	if (gpa >= RAM_BYTES || len > RAM_BYTES - gpa)
		return false;
	memcpy(ram + gpa, buf, len);
	return true;
}

static struct board *dma_board_new(void)
{
	struct board *b = board_new();
	vfwcfg_enable_dma(&b->fw, &(struct vfwcfg_guest_memory){ ram_read, ram_write, NULL });
	EXPECT_EQ(iobus_register(&b->bus, VFWCFG_PORT_DMA, VFWCFG_DMA_PORTS, &vfwcfg_dma_ops, &b->fw), 0);
	memset(ram, 0xaa, sizeof(ram));
	mem_reads = mem_writes = 0;
	return b;
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* A FWCfgDmaAccess at gpa access, then its address written as a driver
 * does (iowrite32be of each half: the outl of the byte-swapped value). */
static uint32_t dma(struct board *b, uint32_t access, uint32_t control, uint32_t length, uint64_t address)
{
	put_be(ram + access, control, 4);
	put_be(ram + access + 4, length, 4);
	put_be(ram + access + 8, address, 8);
	iobus_write(&b->bus, NULL, 0x514, 4, 0);
	iobus_write(&b->bus, NULL, 0x518, 4, __builtin_bswap32(access));
	return be32(ram + access);
}

#define SEL(key) ((uint32_t)(key) << 16 | 0x08u)
#define DREAD  0x02u
#define DSKIP  0x04u
#define DWRITE 0x10u

/* ID 3 and "QEMU CFG" at 0x514, byte by byte, at every size (QEMU's
 * fw_cfg_dma_mem_read). */
static void test_dma_signature_and_id(void)
{
	struct board *b = dma_board_new();
	EXPECT_EQ(fw_le(b, FW_CFG_ID, 4), FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
	const char *sig = "QEMU CFG";
	for (unsigned i = 0; i < 8; i++)
		EXPECT_EQ(iobus_read(&b->bus, NULL, (uint16_t)(0x514 + i), 1), (uint8_t)sig[i]);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x514, 4), le32((const uint8_t *)"QEMU"));
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x518, 4), le32((const uint8_t *)" CFG"));
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x516, 2), 'M' | 'U' << 8);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x51c, 1), 0xff);     /* past the device */
	free(b);
}

/* Select and read in one transfer; the control word comes back 0; a read
 * past the item's end gives zeros; the offset carries on for the next
 * transfer and for the port. */
static void test_dma_read(void)
{
	struct board *b = dma_board_new();
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DREAD, 4, 0x200), 0);
	EXPECT_TRUE(memcmp(ram + 0x200, "QEMU", 4) == 0);
	EXPECT_EQ(ram[0x204], 0xaa);                        /* not a byte more */
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_NB_CPUS) | DREAD, 8, 0x300), 0);
	EXPECT_EQ(ram[0x300], 2);
	for (unsigned i = 1; i < 8; i++)
		EXPECT_EQ(ram[0x300 + i], 0);                   /* 0 past the item */
	EXPECT_EQ(ram[0x308], 0xaa);
	/* offset carries on: two halves of RAM_SIZE, then the port */
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_RAM_SIZE) | DREAD, 2, 0x400), 0);
	EXPECT_EQ(dma(b, 0x100, DREAD, 3, 0x402), 0);
	EXPECT_EQ(le64(ram + 0x400) & 0xffffffffffull, 128 * MiB);
	EXPECT_EQ(fw_byte(b), (uint8_t)((128 * MiB) >> 40));
	/* the file directory, whole, as the port gives it */
	uint8_t port_dir[4 + 64];
	fw_read(b, FW_CFG_FILE_DIR, port_dir, sizeof(port_dir));
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_FILE_DIR) | DREAD, sizeof(port_dir), 0x500), 0);
	EXPECT_TRUE(memcmp(ram + 0x500, port_dir, sizeof(port_dir)) == 0);
	/* a big read (bigger than one chunk) past the end: all zeros after the item */
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_UUID) | DREAD, 1000, 0x1000), 0);
	for (unsigned i = 0; i < 1000; i++)
		EXPECT_EQ(ram[0x1000 + i], 0);
	free(b);
}

/* Skip moves the offset (not past the end); a write is an error that
 * moves it over the item's part; no operation bit: nothing moves, control
 * 0; length 0: nothing. */
static void test_dma_skip_write_and_nothing(void)
{
	struct board *b = dma_board_new();
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DSKIP, 2, 0x200), 0);
	EXPECT_EQ(ram[0x200], 0xaa);                        /* a skip writes nothing */
	EXPECT_EQ(fw_byte(b), 'M');
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DSKIP, 100, 0), 0);
	EXPECT_EQ(fw_byte(b), 0);                           /* at the end */
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DWRITE, 1, 0x200), 1);   /* read-only: ERROR */
	EXPECT_EQ(fw_byte(b), 'E');
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | 0, 4, 0x200), 0);
	EXPECT_EQ(fw_byte(b), 'Q');
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DREAD, 0, 0x200), 0);
	EXPECT_EQ(ram[0x200], 0xaa);
	/* READ wins over WRITE and SKIP, as QEMU tests it first */
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DREAD | DWRITE | DSKIP, 1, 0x200), 0);
	EXPECT_EQ(ram[0x200], 'Q');
	free(b);
}

/* Guest memory that is not RAM: the buffer gives ERROR; a structure that
 * is not RAM cannot be read or answered (nothing is written); a copy that
 * runs off RAM writes what fits in RAM's chunks, then ERROR. */
static void test_dma_outside_ram(void)
{
	struct board *b = dma_board_new();
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DREAD, 4, 0xfee00000), 1);
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_SIGNATURE) | DREAD, 4, RAM_BYTES - 2), 1);
	EXPECT_EQ(dma(b, 0x100, SEL(FW_CFG_UUID) | DREAD, 0xffffffffu, 0), 1);   /* 4 GiB: stops at RAM's end */
	/* the structure itself out of RAM: high half 1 (4 GiB up) */
	unsigned writes = mem_writes;
	iobus_write(&b->bus, NULL, 0x514, 4, __builtin_bswap32(1));
	iobus_write(&b->bus, NULL, 0x518, 4, 0);
	EXPECT_EQ(mem_writes, writes + 1);                  /* the ERROR store, refused too */
	/* the structure straddling RAM's end */
	iobus_write(&b->bus, NULL, 0x514, 4, 0);
	iobus_write(&b->bus, NULL, 0x518, 4, __builtin_bswap32(RAM_BYTES - 8));
	free(b);
}

/* Only dword writes at 0x514 and 0x518 count; the high half is cleared by
 * each transfer and by reset; without enable_dma nothing happens. */
static void test_dma_malformed_accesses(void)
{
	struct board *b = dma_board_new();
	put_be(ram + 0x100, SEL(FW_CFG_SIGNATURE) | DREAD, 4);
	put_be(ram + 0x104, 4, 4);
	put_be(ram + 0x108, 0x200, 8);
	for (unsigned off = 0; off < 8; off++)
		for (unsigned size = 1; size <= 2; size++)
			iobus_write(&b->bus, NULL, (uint16_t)(0x514 + off), size, 0x01000000);
	iobus_write(&b->bus, NULL, 0x516, 4, __builtin_bswap32(0x100));
	EXPECT_EQ(mem_reads, 0);
	EXPECT_EQ(ram[0x200], 0xaa);
	/* a high half, then reset: the next low half alone is a transfer at 0x100 */
	iobus_write(&b->bus, NULL, 0x514, 4, __builtin_bswap32(7));
	vfwcfg_reset(&b->fw);
	iobus_write(&b->bus, NULL, 0x518, 4, __builtin_bswap32(0x100));
	EXPECT_EQ(be32(ram + 0x100), 0);
	EXPECT_TRUE(memcmp(ram + 0x200, "QEMU", 4) == 0);
	/* the ops straight, at any offset and size */
	for (unsigned off = 0; off < 16; off++)
		for (unsigned size = 0; size <= 8; size++) {
			(void)vfwcfg_dma_ops.read(&b->fw, NULL, (uint16_t)off, size);
			vfwcfg_dma_ops.write(&b->fw, NULL, (uint16_t)off, size, 0xffffffffu);
		}
	/* random structures: never a write outside the buffer's range */
	srand(7);
	for (int i = 0; i < 2000; i++) {
		uint32_t control = (uint32_t)rand() << 16 ^ (uint32_t)rand();
		uint32_t length = (uint32_t)rand() % 3 ? (uint32_t)rand() % 300 : (uint32_t)rand() << 8;
		uint64_t address = (uint32_t)rand() % (2 * RAM_BYTES);
		(void)dma(b, 0x100 + (uint32_t)(rand() % 16) * 16, control, length, address);
	}
	free(b);
	/* a device without DMA: the ops do nothing */
	b = board_new();
	vfwcfg_dma_ops.write(&b->fw, NULL, 4, 4, 0);
	vfwcfg_enable_dma(&b->fw, &(struct vfwcfg_guest_memory){ ram_read, NULL, NULL });
	EXPECT_EQ(fw_le(b, FW_CFG_ID, 4), FW_CFG_ID_TRADITIONAL);
	free(b);
}

/* The board's numbers, little-endian, at their sizes. */
static void test_board_items(void)
{
	struct board *b = board_new();
	EXPECT_EQ(fw_le(b, FW_CFG_RAM_SIZE, 8), 128 * MiB);
	EXPECT_EQ(fw_byte(b), 0);                         /* 8 bytes, no more */
	EXPECT_EQ(fw_le(b, FW_CFG_NB_CPUS, 2), 2);
	EXPECT_EQ(fw_byte(b), 0);
	EXPECT_EQ(fw_le(b, FW_CFG_MAX_CPUS, 2), 2);
	EXPECT_EQ(fw_le(b, FW_CFG_NOGRAPHIC, 2), 1);
	EXPECT_EQ(fw_le(b, FW_CFG_BOOT_MENU, 2), 0);
	EXPECT_EQ(fw_le(b, FW_CFG_NUMA, 8), 0);
	EXPECT_EQ(fw_le(b, FW_CFG_IRQ0_OVERRIDE, 4), 1);
	uint8_t uuid[17];
	memset(uuid, 0xaa, sizeof(uuid));
	fw_read(b, FW_CFG_UUID, uuid, sizeof(uuid));
	int zero = 1;
	for (int i = 0; i < 17; i++)
		zero &= uuid[i] == 0;
	EXPECT_TRUE(zero);

	/* a larger machine: RAM above 4 GiB, CPU counts over 255 */
	struct vfwcfg *fw = calloc(1, sizeof(*fw));
	vfwcfg_init(fw);
	EXPECT_EQ(vfwcfg_pc_board(fw, 0x123456789aull, 300, 512, pc_map, PC_MAP_COUNT), 0);
	iobus_init(&b->bus);
	iobus_register(&b->bus, 0x510, 2, &vfwcfg_ops, fw);
	EXPECT_EQ(fw_le(b, FW_CFG_RAM_SIZE, 8), 0x123456789aull);
	EXPECT_EQ(fw_le(b, FW_CFG_NB_CPUS, 2), 300);
	EXPECT_EQ(fw_le(b, FW_CFG_MAX_CPUS, 2), 512);
	/* refused board facts */
	EXPECT_EQ(vfwcfg_pc_board(fw, MiB, 0, 1, pc_map, 1), -1);
	EXPECT_EQ(vfwcfg_pc_board(fw, MiB, 4, 2, pc_map, 1), -1);
	EXPECT_EQ(vfwcfg_pc_board(fw, MiB, 0x10000, 0x10000, pc_map, 1), -1);
	EXPECT_EQ(vfwcfg_pc_board(fw, MiB, 1, 1, pc_map, VFWCFG_E820_MAX + 1), -1);
	free(fw);
	free(b);
}

/* The directory parsed back (big-endian), in strcmp order, and each file's
 * contents read through its selector. */
static const char blob_a[] = "opt/a contents";
static const uint8_t blob_b[300] = { 1, 2, 3 };
static const char blob_c[] = "";

static void test_file_directory(void)
{
	struct board *b = board_new();
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "opt/zeta", blob_a, sizeof(blob_a)), 0);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "bootorder", blob_c, 0), 0);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "opt/Alpha", blob_b, sizeof(blob_b)), 0);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "etc/boot-fail-wait", "\xff\xff\xff\xff", 4), 0);

	uint8_t hdr[4];
	fw_read(b, FW_CFG_FILE_DIR, hdr, 4);
	uint32_t count = be32(hdr);
	EXPECT_EQ(count, 5);
	static const char *const want[] = { "bootorder", "etc/boot-fail-wait", "etc/e820", "opt/Alpha", "opt/zeta" };
	static const uint32_t want_size[] = { 0, 4, PC_MAP_COUNT * 20, 300, sizeof(blob_a) };
	uint8_t ent[5][64];
	for (uint32_t i = 0; i < 5; i++)
		for (int k = 0; k < 64; k++)
			ent[i][k] = fw_byte(b);
	EXPECT_EQ(fw_byte(b), 0);                 /* the directory ends there */
	for (uint32_t i = 0; i < 5; i++) {
		EXPECT_EQ(be32(ent[i]), want_size[i]);
		EXPECT_EQ(be16(ent[i] + 4), FW_CFG_FILE_FIRST + i);
		EXPECT_EQ(be16(ent[i] + 6), 0);
		EXPECT_EQ(ent[i][63], 0);             /* NUL-terminated */
		EXPECT_STREQ((const char *)ent[i] + 8, want[i]);
		EXPECT_EQ(vfwcfg_file_select(&b->fw, want[i]), FW_CFG_FILE_FIRST + (int)i);
	}
	EXPECT_EQ(vfwcfg_file_select(&b->fw, "etc/none"), -1);

	/* the contents through the ports */
	char a[sizeof(blob_a)];
	fw_read(b, (uint16_t)be16(ent[4] + 4), a, sizeof(a));
	EXPECT_STREQ(a, blob_a);
	EXPECT_EQ(fw_byte(b), 0);
	uint8_t bb[300];
	fw_read(b, (uint16_t)be16(ent[3] + 4), bb, sizeof(bb));
	EXPECT_TRUE(memcmp(bb, blob_b, sizeof(bb)) == 0);
	fw_select(b, (uint16_t)be16(ent[0] + 4));
	EXPECT_EQ(fw_byte(b), 0);                 /* the empty file */

	/* "etc/e820": every range, 20 bytes each, little-endian */
	uint8_t map[PC_MAP_COUNT * 20];
	fw_read(b, (uint16_t)be16(ent[2] + 4), map, sizeof(map));
	int same = 1;
	for (unsigned i = 0; i < PC_MAP_COUNT; i++)
		same &= le64(map + 20 * i) == pc_map[i].addr && le64(map + 20 * i + 8) == pc_map[i].len &&
			le32(map + 20 * i + 16) == pc_map[i].type;
	EXPECT_TRUE(same);
	/* FW_CFG_E820_TABLE: the count of the reserved ones, then those, 16 slots */
	uint8_t table[4 + 16 * 20 + 1];
	fw_read(b, FW_CFG_E820_TABLE, table, sizeof(table));
	EXPECT_EQ(le32(table), 3);
	EXPECT_EQ(le64(table + 4), 0x9fc00);
	EXPECT_EQ(le64(table + 4 + 20), 0xf0000);
	EXPECT_EQ(le64(table + 4 + 40), 0xfec00000);
	EXPECT_EQ(le64(table + 4 + 40 + 8), 0x1400000);
	EXPECT_EQ(le32(table + 4 + 40 + 16), VFWCFG_E820_RESERVED);
	EXPECT_EQ(le64(table + 4 + 60), 0);
	EXPECT_EQ(table[4 + 16 * 20], 0);         /* past its 324 bytes */

	/* the board's data is not copied: what the guest reads is the board's now */
	static char live[8] = "before";
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "opt/live", live, sizeof(live)), 0);
	memcpy(live, "after", 6);
	char got[8];
	fw_read(b, (uint16_t)vfwcfg_file_select(&b->fw, "opt/live"), got, sizeof(got));
	EXPECT_STREQ(got, "after");
	/* a new e820 replaces the file in place */
	EXPECT_EQ(vfwcfg_set_e820(&b->fw, pc_map, 1), 0);
	EXPECT_EQ(vfwcfg_file_select(&b->fw, "etc/e820"), FW_CFG_FILE_FIRST + 2);
	fw_read(b, FW_CFG_FILE_DIR, hdr, 4);
	EXPECT_EQ(be32(hdr), 6);
	EXPECT_EQ(fw_le(b, FW_CFG_E820_TABLE, 4), 0);
	free(b);
}

/* Past the end: 0, for as long as the guest reads, and the offset never
 * moves past the end (it cannot wrap round to the start). */
static void test_reads_past_the_end(void)
{
	struct board *b = board_new();
	fw_select(b, FW_CFG_NB_CPUS);
	EXPECT_EQ(fw_byte(b), 2);
	EXPECT_EQ(fw_byte(b), 0);
	int zeros = 1;
	for (int i = 0; i < 100000; i++)
		zeros &= fw_byte(b) == 0;
	EXPECT_TRUE(zeros);
	EXPECT_EQ(b->fw.offset, 2);
	fw_select(b, FW_CFG_NB_CPUS);
	EXPECT_EQ(fw_byte(b), 2);
	free(b);
}

/* Selectors that name nothing read 0s; bit 14 is ignored; bit 15 picks the
 * arch items. */
static void test_unknown_selectors(void)
{
	struct board *b = board_new();
	const uint16_t none[] = { FW_CFG_MACHINE_ID, FW_CFG_KERNEL_ADDR, FW_CFG_BOOT_DEVICE, 0x001f,
				  FW_CFG_FILE_FIRST + 1, 0x003f, 0x0040, 0x3fff, FW_CFG_ACPI_TABLES,
				  FW_CFG_SMBIOS_ENTRIES, FW_CFG_HPET, 0x801f, 0x8020, 0xbfff, 0xffff };
	int bad = 0;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		fw_select(b, none[i]);
		for (int k = 0; k < 64; k++)
			bad += fw_byte(b) != 0;
	}
	EXPECT_EQ(bad, 0);
	char sig[5] = { 0 };
	fw_read(b, FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE, sig, 4);
	EXPECT_STREQ(sig, "QEMU");
	EXPECT_EQ(fw_le(b, FW_CFG_WRITE_CHANNEL | FW_CFG_ID, 4), 1);
	EXPECT_EQ(fw_le(b, FW_CFG_WRITE_CHANNEL | FW_CFG_IRQ0_OVERRIDE, 4), 1);
	/* 0x8005 is not 0x0005 */
	EXPECT_EQ(fw_le(b, FW_CFG_ARCH_LOCAL | FW_CFG_NB_CPUS, 2), 0);
	/* writes to the data port, with or without bit 14, change nothing */
	fw_select(b, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS);
	iobus_write(&b->bus, NULL, 0x511, 1, 0x77);
	EXPECT_EQ(fw_le(b, FW_CFG_NB_CPUS, 2), 2);
	free(b);
}

/* A new selector restarts at its item's first byte, mid-item or not. */
static void test_selector_change_mid_item(void)
{
	struct board *b = board_new();
	fw_select(b, FW_CFG_SIGNATURE);
	EXPECT_EQ(fw_byte(b), 'Q');
	EXPECT_EQ(fw_byte(b), 'E');
	fw_select(b, FW_CFG_RAM_SIZE);
	EXPECT_EQ(fw_byte(b), 0x00);
	EXPECT_EQ(fw_byte(b), 0x00);
	EXPECT_EQ(fw_byte(b), 0x00);
	EXPECT_EQ(fw_byte(b), 0x08);              /* 128 MiB = 0x08000000 */
	fw_select(b, FW_CFG_SIGNATURE);
	EXPECT_EQ(fw_byte(b), 'Q');
	fw_select(b, FW_CFG_SIGNATURE);           /* the same selector again: restart too */
	EXPECT_EQ(fw_byte(b), 'Q');
	EXPECT_EQ(fw_byte(b), 'E');
	free(b);
}

/* Sizes QEMU's region refuses, on both ports: word reads give 0 and leave
 * the offset; byte writes are data writes, dropped; dwords do not fit the
 * range and never reach the model; a word write at 0x511 runs off it. */
static void test_bad_sizes(void)
{
	struct board *b = board_new();
	fw_select(b, FW_CFG_SIGNATURE);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x510, 2), 0);
	EXPECT_EQ(b->fw.offset, 0);
	iobus_write(&b->bus, NULL, 0x510, 1, FW_CFG_ID);    /* not a select */
	iobus_write(&b->bus, NULL, 0x511, 1, FW_CFG_ID);
	EXPECT_EQ(fw_byte(b), 'Q');
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x510, 4), 0xffffffff);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x511, 2), 0xffff);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0x511, 4), 0xffffffff);
	iobus_write(&b->bus, NULL, 0x510, 4, FW_CFG_ID);
	iobus_write(&b->bus, NULL, 0x511, 2, FW_CFG_ID);
	EXPECT_EQ(b->bus.unclaimed_reads, 3);
	EXPECT_EQ(b->bus.unclaimed_writes, 2);
	EXPECT_EQ(fw_byte(b), 'E');
	/* straight at the ops, as a bus that passes any size would */
	EXPECT_EQ(vfwcfg_ops.read(&b->fw, NULL, 0, 4), 0);
	EXPECT_EQ(vfwcfg_ops.read(&b->fw, NULL, 1, 2), 0);
	EXPECT_EQ(vfwcfg_ops.read(&b->fw, NULL, 0, 0), 0);
	vfwcfg_ops.write(&b->fw, NULL, 0, 4, FW_CFG_ID);
	vfwcfg_ops.write(&b->fw, NULL, 1, 3, FW_CFG_ID);
	EXPECT_EQ(b->fw.selector, FW_CFG_SIGNATURE);
	EXPECT_EQ(b->fw.offset, 2);
	vfwcfg_ops.write(&b->fw, NULL, 1, 2, FW_CFG_ID);    /* QEMU: a word write selects, either port */
	EXPECT_EQ(vfwcfg_ops.read(&b->fw, NULL, 1, 1), 1);
	/* a select takes the low 16 bits */
	vfwcfg_ops.write(&b->fw, NULL, 0, 2, 0xabcd0000u | FW_CFG_NB_CPUS);
	EXPECT_EQ(vfwcfg_ops.read(&b->fw, NULL, 1, 1), 2);
	free(b);
}

/* Every bound: the file table, names, keys, data, the e820 list. */
static void test_tables_full_and_refusals(void)
{
	struct board *b = board_new();                 /* has "etc/e820" */
	char name[64];
	int added = 0;
	for (int i = 0; i < VFWCFG_MAX_FILES + 5; i++) {
		snprintf(name, sizeof(name), "opt/f%02d", i);
		added += vfwcfg_add_file(&b->fw, name, blob_a, 4) == 0;
	}
	EXPECT_EQ(added, VFWCFG_MAX_FILES - 1);
	EXPECT_EQ(b->fw.file_count, VFWCFG_MAX_FILES);
	uint8_t hdr[4];
	fw_read(b, FW_CFG_FILE_DIR, hdr, 4);
	EXPECT_EQ(be32(hdr), VFWCFG_MAX_FILES);
	/* the last file's selector is 0x3f, and it reads */
	EXPECT_EQ(vfwcfg_file_select(&b->fw, "opt/f30"), 0x3f);
	EXPECT_EQ(fw_le(b, 0x3f, 4), le32((const uint8_t *)blob_a));
	free(b);

	b = board_new();
	char longest[VFWCFG_FILE_NAME_SIZE], too_long[VFWCFG_FILE_NAME_SIZE + 1];
	memset(longest, 'n', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = 0;
	memset(too_long, 'n', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = 0;
	EXPECT_EQ(vfwcfg_add_file(&b->fw, longest, blob_a, 1), 0);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, too_long, blob_a, 1), -1);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "", blob_a, 1), -1);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, NULL, blob_a, 1), -1);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "etc/e820", blob_a, 1), -1);   /* taken */
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "opt/null", NULL, 1), -1);
	EXPECT_EQ(vfwcfg_add_file(&b->fw, "opt/null", NULL, 0), 0);
	/* numbered keys only; the directory and files are the device's */
	EXPECT_EQ(vfwcfg_set_u16(&b->fw, FW_CFG_FILE_DIR, 1), -1);
	EXPECT_EQ(vfwcfg_set_u16(&b->fw, FW_CFG_FILE_FIRST, 1), -1);
	EXPECT_EQ(vfwcfg_set_u32(&b->fw, FW_CFG_WRITE_CHANNEL | FW_CFG_ID, 1), -1);
	EXPECT_EQ(vfwcfg_set_u64(&b->fw, 0x8020, 1), -1);
	EXPECT_EQ(vfwcfg_add_bytes(&b->fw, FW_CFG_KERNEL_DATA, NULL, 4), -1);
	EXPECT_EQ(vfwcfg_add_bytes(&b->fw, 0x4000, blob_a, 4), -1);
	EXPECT_EQ(vfwcfg_set_e820(&b->fw, pc_map, VFWCFG_E820_MAX + 1), -1);
	EXPECT_EQ(vfwcfg_set_e820(&b->fw, NULL, 1), -1);
	/* and the ones that are fine: a kernel the Multiboot way, an arch key */
	EXPECT_EQ(vfwcfg_set_u32(&b->fw, FW_CFG_KERNEL_ENTRY, 0x100000), 0);
	EXPECT_EQ(vfwcfg_add_bytes(&b->fw, FW_CFG_KERNEL_DATA, blob_a, 5), 0);
	EXPECT_EQ(vfwcfg_set_u16(&b->fw, 0x801f, 0xbeef), 0);
	EXPECT_EQ(fw_le(b, FW_CFG_KERNEL_ENTRY, 4), 0x100000);
	char k[6] = { 0 };
	fw_read(b, FW_CFG_KERNEL_DATA, k, 5);
	EXPECT_STREQ(k, "opt/a");
	EXPECT_EQ(fw_le(b, 0x801f, 2), 0xbeef);
	/* the e820 survived the refusals unchanged */
	EXPECT_EQ(fw_le(b, FW_CFG_E820_TABLE, 4), 3);
	free(b);
}

/* Garbage on both ports (and the neighbours): nothing breaks, the items
 * read as before. */
static void test_garbage(void)
{
	struct board *b = board_new();
	srand(99);
	const unsigned sizes[] = { 1, 2, 4 };
	for (int i = 0; i < 200000; i++) {
		uint16_t port = (uint16_t)(0x50e + rand() % 6);
		unsigned size = sizes[rand() % 3];
		uint32_t val = (uint32_t)rand() << 16 ^ (uint32_t)rand();
		if (rand() & 1)
			iobus_write(&b->bus, NULL, port, size, val);
		else
			(void)iobus_read(&b->bus, NULL, port, size);
	}
	char sig[5] = { 0 };
	fw_read(b, FW_CFG_SIGNATURE, sig, 4);
	EXPECT_STREQ(sig, "QEMU");
	EXPECT_EQ(fw_le(b, FW_CFG_RAM_SIZE, 8), 128 * MiB);
	uint8_t hdr[4];
	fw_read(b, FW_CFG_FILE_DIR, hdr, 4);
	EXPECT_EQ(be32(hdr), 1);
	free(b);
}

/* Two vCPUs on one device. Serialised by the guest (as a driver's lock
 * does), each reads its item whole; racing, each byte read is still a byte
 * of some item at some offset or 0, never torn state. */
static struct board *shared;
static struct spinlock guest_lock;
static bool use_guest_lock;
static int torn;

static void *reader(void *arg)
{
	uint16_t key = (uint16_t)(uintptr_t)arg;
	const uint8_t want[4] = { 'Q', 'E', 'M', 'U' };
	for (int i = 0; i < 50000; i++) {
		uint8_t got[4];
		if (use_guest_lock)
			spin_lock(&guest_lock);
		vfwcfg_ops.write(&shared->fw, NULL, 0, 2, key);
		for (int k = 0; k < 4; k++)
			got[k] = (uint8_t)vfwcfg_ops.read(&shared->fw, NULL, 1, 1);
		if (use_guest_lock)
			spin_unlock(&guest_lock);
		for (int k = 0; k < 4; k++) {
			bool ok = key == FW_CFG_SIGNATURE ? got[k] == want[k] : got[k] == (k == 0);
			if (use_guest_lock && !ok)
				__atomic_add_fetch(&torn, 1, __ATOMIC_RELAXED);
			if (!use_guest_lock && got[k] != 0 && got[k] != 1 && !memchr(want, got[k], 4))
				__atomic_add_fetch(&torn, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void test_two_vcpus(void)
{
	shared = board_new();
	for (int locked = 1; locked >= 0; locked--) {
		use_guest_lock = locked;
		torn = 0;
		pthread_t t1, t2;
		pthread_create(&t1, NULL, reader, (void *)(uintptr_t)FW_CFG_SIGNATURE);
		pthread_create(&t2, NULL, reader, (void *)(uintptr_t)FW_CFG_ID);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		EXPECT_EQ(torn, 0);
		EXPECT_TRUE(shared->fw.offset <= 4);
	}
	free(shared);
}

int main(void)
{
	RUN(test_signature_byte_by_byte);
	RUN(test_id_without_dma);
	RUN(test_dma_signature_and_id);
	RUN(test_dma_read);
	RUN(test_dma_skip_write_and_nothing);
	RUN(test_dma_outside_ram);
	RUN(test_dma_malformed_accesses);
	RUN(test_board_items);
	RUN(test_file_directory);
	RUN(test_reads_past_the_end);
	RUN(test_unknown_selectors);
	RUN(test_selector_change_mid_item);
	RUN(test_bad_sizes);
	RUN(test_tables_full_and_refusals);
	RUN(test_garbage);
	RUN(test_two_vcpus);
	TEST_MAIN_END();
}

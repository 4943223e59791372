/* tests/unit/test_guest_walk.c - The guest page-table walker, on page tables built in a buffer. */
/* UNIT_SRC: mm/guest_walk.c */
#include <stdlib.h>
#include "test.h"
#include "mm/guest_walk.h"

/* Guest RAM: [0, MEM_SIZE). Tables live in it; the pages they map need not. */
#define MEM_SIZE (64 * 4096ull)
static uint8_t *mem;
static unsigned reads64, reads32;

static bool rd64(void *ctx, gpa_t gpa, uint64_t *v)
{
	(void)ctx;
	reads64++;
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < 8 || (gpa & 7))
		return false;
	memcpy(v, mem + gpa, 8);
	return true;
}

static bool rd32(void *ctx, gpa_t gpa, uint32_t *v)
{
	(void)ctx;
	reads32++;
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < 4 || (gpa & 3))
		return false;
	memcpy(v, mem + gpa, 4);
	return true;
}

static void put64(gpa_t a, uint64_t v) { memcpy(mem + a, &v, 8); }
static void put32(gpa_t a, uint32_t v) { memcpy(mem + a, &v, 4); }

static void reset_mem(void)
{
	if (!mem)
		mem = malloc(MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
	reads64 = reads32 = 0;
}

#define CR0_PG   (1ull << 31)
#define CR0_PE   1ull
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define P   1ull
#define RW  2ull
#define PS  0x80ull
#define NX  (1ull << 63)

/* Walks with both readers and a step log; returns the result. */
static enum walk_result walk(const struct guest_paging *p, uint64_t gva, gpa_t *gpa,
			     struct walk_step *steps, int *n)
{
	return guest_walk(p, gva, rd64, rd32, NULL, gpa, steps, n);
}

static void test_paging_off(void)
{
	struct guest_paging p = { .cr0 = CR0_PE, .cr3 = 0x5000 };
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = -1;
	reset_mem();
	EXPECT_EQ(walk(&p, 0x12345678, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x12345678);
	EXPECT_EQ(n, 0);
	/* Outside long mode linear addresses are 32 bits. */
	EXPECT_EQ(walk(&p, 0x100001234ull, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x1234);
	p.cr0 = 0;   /* real mode */
	EXPECT_EQ(walk(&p, 0xffff0, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0xffff0);
	/* EFER.LME alone (before CR0.PG) is not long mode. */
	p.efer = EFER_LME;
	EXPECT_EQ(walk(&p, 0x1ffffffffull, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0xffffffff);
	EXPECT_EQ(reads64 + reads32, 0);
}

/* 32-bit paging: PD at 0x1000, a PT at 0x2000. */
static void test_32bit_4k(void)
{
	struct guest_paging p = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1018 /* PWT and PCD set: ignored */ };
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = 0;
	reset_mem();
	put32(0x1000 + 1 * 4, 0x2000 | P | RW);         /* va 0x00400000-0x007fffff */
	put32(0x2000 + 3 * 4, 0x7000 | P);              /* va 0x00403000 */
	EXPECT_EQ(walk(&p, 0x00403abc, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x7abc);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(st[0].level, 2);
	EXPECT_EQ(st[0].table_gpa, 0x1000);
	EXPECT_EQ(st[0].entry, 0x2003);
	EXPECT_EQ(st[1].level, 1);
	EXPECT_EQ(st[1].table_gpa, 0x2000);
	EXPECT_EQ(st[1].entry, 0x7001);
	EXPECT_TRUE(reads32 > 0);
	EXPECT_EQ(reads64, 0);
	/* Upper linear-address bits are dropped outside long mode. */
	EXPECT_EQ(walk(&p, 0xabcd00403000ull, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x7000);
	/* Not present at the PTE, then at the PDE; the failing step is logged. */
	gpa = 0xdead;
	EXPECT_EQ(walk(&p, 0x00404000, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(gpa, 0xdead);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(st[1].entry, 0);
	EXPECT_EQ(walk(&p, 0x00800000, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(n, 1);
	/* NX does not exist here: a PTE with high bits is just a 32-bit value. */
	put32(0x2000 + 4 * 4, 0xfffff000 | P);
	EXPECT_EQ(walk(&p, 0x00404010, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0xfffff010);
	/* A page table outside guest RAM. */
	put32(0x1000 + 5 * 4, 0x80000000 | P);
	EXPECT_EQ(walk(&p, 0x01400000, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(st[1].table_gpa, 0x80000000);
	/* The page directory itself outside guest RAM. */
	p.cr3 = 0x40000000;
	EXPECT_EQ(walk(&p, 0x00403000, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 1);
}

static void test_32bit_pse(void)
{
	struct guest_paging p = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000, .cr4 = CR4_PSE };
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = 0;
	reset_mem();
	put32(0x1000 + 2 * 4, 0x00c00000 | PS | P);     /* va 0x00800000 -> 0x00c00000, 4 MiB */
	EXPECT_EQ(walk(&p, 0x00812345, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x00c12345);
	EXPECT_EQ(n, 1);
	/* Without CR4.PSE the PS bit is ignored: 0x00c00000 is a page table,
	 * and that is outside guest RAM. */
	p.cr4 = 0;
	EXPECT_EQ(walk(&p, 0x00812345, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 2);
	p.cr4 = CR4_PSE;
	/* PSE-36: PDE bits 20:13 are PA bits 39:32. */
	put32(0x1000 + 3 * 4, 0xffc00000 | (0x5aull << 13) | PS | P);
	EXPECT_EQ(walk(&p, 0x00c00004, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x5affc00004ull);
	/* Bit 21 of a 4 MiB PDE is reserved. */
	put32(0x1000 + 4 * 4, 0x00400000 | (1u << 21) | PS | P);
	EXPECT_EQ(walk(&p, 0x01000000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	/* A 4 KiB table next to 4 MiB pages still works. */
	put32(0x1000 + 0 * 4, 0x3000 | P);
	put32(0x3000 + 1 * 4, 0x9000 | P);
	EXPECT_EQ(walk(&p, 0x1fff, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x9fff);
}

/* PAE: PDPT at CR3[31:5] = 0x1020 (32-byte aligned, not page aligned). */
static void pae_setup(struct guest_paging *p)
{
	reset_mem();
	*p = (struct guest_paging){ .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1020, .cr4 = CR4_PAE };
	put64(0x1020 + 2 * 8, 0x2000 | P);               /* va 0x80000000-0xbfffffff */
	put64(0x2000 + 5 * 8, 0x3000 | P | RW);          /* va 0x80a00000 */
	put64(0x3000 + 7 * 8, 0x123456000ull | P);       /* va 0x80a07000, above 4 GiB */
	put64(0x2000 + 6 * 8, 0x40000000ull | PS | P);   /* va 0x80c00000: 2 MiB */
}

static void test_pae(void)
{
	struct guest_paging p;
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = 0;
	pae_setup(&p);
	EXPECT_EQ(walk(&p, 0x80a07123, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x123456123ull);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(st[0].level, 3);
	EXPECT_EQ(st[0].table_gpa, 0x1020);
	EXPECT_EQ(st[0].entry, 0x2001);
	EXPECT_EQ(st[1].level, 2);
	EXPECT_EQ(st[1].table_gpa, 0x2000);
	EXPECT_EQ(st[2].level, 1);
	EXPECT_EQ(st[2].table_gpa, 0x3000);
	EXPECT_EQ(st[2].entry, 0x123456001ull);
	EXPECT_EQ(reads32, 0);
	/* 2 MiB page. */
	EXPECT_EQ(walk(&p, 0x80cfffff, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x400fffffull);
	EXPECT_EQ(n, 2);
	/* Not present at each level. */
	EXPECT_EQ(walk(&p, 0x40000000, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(walk(&p, 0x80e00000, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(walk(&p, 0x80a08000, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(n, 3);
}

static void test_pae_reserved_and_nx(void)
{
	struct guest_paging p;
	gpa_t gpa = 0;
	pae_setup(&p);
	/* NX without EFER.NXE is a reserved bit; with it, it is fine (no
	 * permission checks). */
	put64(0x3000 + 7 * 8, 0x123456000ull | P | NX);
	EXPECT_EQ(walk(&p, 0x80a07000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	p.efer = EFER_NXE;
	EXPECT_EQ(walk(&p, 0x80a07000, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x123456000ull);
	/* Bits 62:52 are reserved in PAE PDEs and PTEs. */
	put64(0x3000 + 7 * 8, 0x123456000ull | P | (1ull << 52));
	EXPECT_EQ(walk(&p, 0x80a07000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x2000 + 5 * 8, 0x3000 | P | (1ull << 62));
	EXPECT_EQ(walk(&p, 0x80a07000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	/* 2 MiB PDE: bits 20:13 reserved, bit 12 (PAT) allowed. */
	put64(0x2000 + 6 * 8, 0x40000000ull | (1ull << 13) | PS | P);
	EXPECT_EQ(walk(&p, 0x80c00000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x2000 + 6 * 8, 0x40000000ull | (1ull << 12) | PS | P);
	EXPECT_EQ(walk(&p, 0x80c00010, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x40000010ull);
	/* PDPTE: bits 2:1 and 8:5 reserved, and NX even with NXE. */
	put64(0x1020 + 2 * 8, 0x2000 | P | RW);
	EXPECT_EQ(walk(&p, 0x80c00000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x1020 + 2 * 8, 0x2000 | P | PS);
	EXPECT_EQ(walk(&p, 0x80c00000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x1020 + 2 * 8, 0x2000 | P | NX);
	EXPECT_EQ(walk(&p, 0x80c00000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x1020 + 2 * 8, 0x2000 | P | 0x18 /* PWT PCD */);
	EXPECT_EQ(walk(&p, 0x80c00000, &gpa, NULL, NULL), WALK_OK);
	/* A page directory outside guest RAM. */
	put64(0x1020 + 3 * 8, 0x7ff00000ull | P);
	EXPECT_EQ(walk(&p, 0xc0000000, &gpa, NULL, NULL), WALK_BAD_GPA);
}

/* Long mode: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; a second
 * chain for the upper half at PML4[256] -> PDPT 0x5000. */
static void long_setup(struct guest_paging *p)
{
	reset_mem();
	*p = (struct guest_paging){ .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000, .cr4 = CR4_PAE,
				    .efer = EFER_LME | EFER_LMA | EFER_NXE };
	put64(0x1000 + 0 * 8, 0x2000 | P | RW);
	put64(0x2000 + 0 * 8, 0x3000 | P | RW);
	put64(0x3000 + 1 * 8, 0x4000 | P | RW);          /* va 0x200000 */
	put64(0x4000 + 2 * 8, 0xabcdef000ull | P | NX);  /* va 0x202000 */
	put64(0x3000 + 2 * 8, 0x80000000ull | PS | P);   /* va 0x400000: 2 MiB */
	put64(0x2000 + 1 * 8, 0x1c0000000ull | PS | P);  /* va 0x40000000: 1 GiB */
	put64(0x1000 + 256 * 8, 0x5000 | P);
	put64(0x5000 + 510 * 8, 0x0 | PS | P);           /* 0xffff8000_00000000 + 510 GiB */
}

static void test_long_4level(void)
{
	struct guest_paging p;
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = 0;
	long_setup(&p);
	EXPECT_EQ(walk(&p, 0x202abc, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0xabcdefabcull);
	EXPECT_EQ(n, 4);
	for (int k = 0; k < 4; k++)
		EXPECT_EQ(st[k].level, 4 - k);
	EXPECT_EQ(st[0].table_gpa, 0x1000);
	EXPECT_EQ(st[1].table_gpa, 0x2000);
	EXPECT_EQ(st[2].table_gpa, 0x3000);
	EXPECT_EQ(st[3].table_gpa, 0x4000);
	EXPECT_EQ(st[3].entry, 0xabcdef000ull | P | NX);
	/* 2 MiB and 1 GiB pages. */
	EXPECT_EQ(walk(&p, 0x5fffff, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x801fffffull);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(walk(&p, 0x7fffffff, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x1ffffffffull);
	EXPECT_EQ(n, 2);
	/* The upper half. */
	EXPECT_EQ(walk(&p, 0xffff8000ull << 32 | (510ull << 30) | 0x1234, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0x1234);
	EXPECT_EQ(st[0].entry, 0x5001);
	/* CR3's low bits (PWT, PCD) and bits 62:52 of entries (available in
	 * long mode) do not matter. */
	p.cr3 = 0x1018;
	put64(0x4000 + 3 * 8, 0x6000 | P | (0x7ffull << 52));
	EXPECT_EQ(walk(&p, 0x203008, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x6008);
	EXPECT_EQ(reads32, 0);
}

static void test_long_not_present_each_level(void)
{
	struct guest_paging p;
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0x77;
	int n = 0;
	long_setup(&p);
	EXPECT_EQ(walk(&p, 0x8000000000ull, &gpa, st, &n), WALK_NOT_PRESENT);  /* PML4[1] */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(walk(&p, 0x80000000ull, &gpa, st, &n), WALK_NOT_PRESENT);    /* PDPT[2] */
	EXPECT_EQ(n, 2);
	EXPECT_EQ(walk(&p, 0x600000, &gpa, st, &n), WALK_NOT_PRESENT);         /* PD[3] */
	EXPECT_EQ(n, 3);
	EXPECT_EQ(walk(&p, 0x201000, &gpa, st, &n), WALK_NOT_PRESENT);         /* PT[1] */
	EXPECT_EQ(n, 4);
	EXPECT_EQ(st[3].level, 1);
	EXPECT_EQ(st[3].entry, 0);
	EXPECT_EQ(gpa, 0x77);
}

static void test_long_reserved(void)
{
	struct guest_paging p;
	gpa_t gpa = 0;
	long_setup(&p);
	/* NX is fine with EFER.NXE, reserved without. */
	EXPECT_EQ(walk(&p, 0x202000, &gpa, NULL, NULL), WALK_OK);
	p.efer &= ~EFER_NXE;
	EXPECT_EQ(walk(&p, 0x202000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x1000 + 0 * 8, 0x2000 | P | NX);          /* NX in a PML4E */
	EXPECT_EQ(walk(&p, 0x400000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	p.efer |= EFER_NXE;
	EXPECT_EQ(walk(&p, 0x400000, &gpa, NULL, NULL), WALK_OK);
	/* PS is reserved in a PML4E. */
	put64(0x1000 + 0 * 8, 0x2000 | P | PS);
	EXPECT_EQ(walk(&p, 0x400000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x1000 + 0 * 8, 0x2000 | P);
	/* 1 GiB page: bits 29:13 reserved; 2 MiB: bits 20:13; PAT bit 12 ok. */
	put64(0x2000 + 1 * 8, 0x1c0000000ull | (1ull << 29) | PS | P);
	EXPECT_EQ(walk(&p, 0x40000000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x2000 + 1 * 8, 0x1c0000000ull | (1ull << 12) | PS | P);
	EXPECT_EQ(walk(&p, 0x40000000, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x1c0000000ull);
	put64(0x3000 + 2 * 8, 0x80000000ull | (1ull << 20) | PS | P);
	EXPECT_EQ(walk(&p, 0x400000, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	put64(0x3000 + 2 * 8, 0x80000000ull | (1ull << 12) | PS | P);
	EXPECT_EQ(walk(&p, 0x400000, &gpa, NULL, NULL), WALK_OK);
	/* In a PTE, bit 7 is PAT, not PS. */
	put64(0x4000 + 5 * 8, 0x9000 | PS | P);
	EXPECT_EQ(walk(&p, 0x205001, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x9001);
}

static void test_long_noncanonical_and_bad_gpa(void)
{
	struct guest_paging p;
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = -1;
	long_setup(&p);
	EXPECT_EQ(walk(&p, 0x0000800000000000ull, &gpa, st, &n), WALK_NONCANONICAL);
	EXPECT_EQ(n, 0);
	EXPECT_EQ(walk(&p, 0xffff7fffffffffffull, &gpa, NULL, NULL), WALK_NONCANONICAL);
	EXPECT_EQ(walk(&p, 0x8000000000000000ull, &gpa, NULL, NULL), WALK_NONCANONICAL);
	EXPECT_EQ(reads64, 0);
	/* A table outside guest RAM at each level below the root. */
	put64(0x1000 + 2 * 8, 0x10000000ull | P);        /* PDPT outside */
	EXPECT_EQ(walk(&p, 2ull << 39, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(st[1].level, 3);
	EXPECT_EQ(st[1].table_gpa, 0x10000000ull);
	EXPECT_EQ(st[1].entry, 0);
	put64(0x2000 + 3 * 8, 0xfff000000ull | P);       /* PD outside */
	EXPECT_EQ(walk(&p, 3ull << 30, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 3);
	put64(0x3000 + 4 * 8, 0x100000ull | P);          /* PT just past RAM */
	EXPECT_EQ(walk(&p, 4ull << 21, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 4);
	/* The PML4 itself. */
	p.cr3 = 0xffff000ull;
	EXPECT_EQ(walk(&p, 0, &gpa, st, &n), WALK_BAD_GPA);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(st[0].table_gpa, 0xffff000ull);
}

/* 5-level paging: PML5 at 0x8000 whose entry 0xff leads to the long_setup
 * PML4 at 0x1000, and entry 0 to the same PML4. */
static void test_la57(void)
{
	struct guest_paging p;
	struct walk_step st[WALK_MAX_STEPS];
	gpa_t gpa = 0;
	int n = 0;
	long_setup(&p);
	p.cr4 |= CR4_LA57;
	p.cr3 = 0x8000;
	put64(0x8000 + 0xff * 8, 0x1000 | P);
	put64(0x8000 + 0 * 8, 0x1000 | P);
	uint64_t va = (0xffull << 48) | 0x202abc;           /* canonical with LA57 only */
	EXPECT_EQ(walk(&p, va, &gpa, st, &n), WALK_OK);
	EXPECT_EQ(gpa, 0xabcdefabcull);
	EXPECT_EQ(n, 5);
	EXPECT_EQ(st[0].level, 5);
	EXPECT_EQ(st[0].table_gpa, 0x8000);
	EXPECT_EQ(st[4].level, 1);
	/* 0x0000_8000_0000_0000 is canonical under LA57: PML5[0], then
	 * PML4[256] -> PDPT 0x5000, whose entry 0 is empty. */
	EXPECT_EQ(walk(&p, 0x0000800000000000ull, &gpa, st, &n), WALK_NOT_PRESENT);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(walk(&p, 0x0001000000000000ull, &gpa, st, &n), WALK_NOT_PRESENT);   /* PML5[1] */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(walk(&p, 0xff00000000000000ull, &gpa, st, &n), WALK_NOT_PRESENT);   /* PML5[256] */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(walk(&p, 0x0100000000000000ull, &gpa, NULL, NULL), WALK_NONCANONICAL);
	EXPECT_EQ(walk(&p, 0xfe00000000000000ull | 0x202abc, &gpa, NULL, NULL), WALK_NONCANONICAL);
	EXPECT_EQ(walk(&p, 0x0000000000202abcull, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0xabcdefabcull);
	/* PS is reserved in a PML5E too. */
	put64(0x8000 + 0 * 8, 0x1000 | P | PS);
	EXPECT_EQ(walk(&p, 0x202abc, &gpa, NULL, NULL), WALK_RESERVED_BIT);
	/* Without LA57 the same tables are walked from CR3 as a PML4. */
	p.cr4 &= ~CR4_LA57;
	p.cr3 = 0x1000;
	EXPECT_EQ(walk(&p, va, &gpa, NULL, NULL), WALK_NONCANONICAL);
}

/* Only one reader given: the walker emulates the other. */
static void test_single_reader(void)
{
	struct guest_paging p = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000 };
	gpa_t gpa = 0;
	reset_mem();
	put32(0x1000 + 1 * 4, 0x2000 | P);
	put32(0x2000 + 3 * 4, 0x7000 | P);   /* an odd index: the upper half of an 8-byte word */
	EXPECT_EQ(guest_walk(&p, 0x00403abc, rd64, NULL, NULL, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0x7abc);
	EXPECT_EQ(reads32, 0);

	struct guest_paging lp;
	long_setup(&lp);
	EXPECT_EQ(guest_walk(&lp, 0x202abc, NULL, rd32, NULL, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, 0xabcdefabcull);   /* the NX bit came from the upper 32-bit read */
	EXPECT_EQ(reads64, 0);
	EXPECT_EQ(guest_walk(&lp, 0x202abc, NULL, NULL, NULL, &gpa, NULL, NULL), WALK_BAD_GPA);
}

static void test_names(void)
{
	EXPECT_STREQ(walk_result_name(WALK_OK), "ok");
	EXPECT_STREQ(walk_result_name(WALK_NOT_PRESENT), "not-present");
	EXPECT_STREQ(walk_result_name(WALK_RESERVED_BIT), "reserved-bit");
	EXPECT_STREQ(walk_result_name(WALK_BAD_GPA), "bad-gpa");
	EXPECT_STREQ(walk_result_name(WALK_NONCANONICAL), "noncanonical");
}

int main(void)
{
	RUN(test_paging_off);
	RUN(test_32bit_4k);
	RUN(test_32bit_pse);
	RUN(test_pae);
	RUN(test_pae_reserved_and_nx);
	RUN(test_long_4level);
	RUN(test_long_not_present_each_level);
	RUN(test_long_reserved);
	RUN(test_long_noncanonical_and_bad_gpa);
	RUN(test_la57);
	RUN(test_single_reader);
	RUN(test_names);
	free(mem);
	TEST_MAIN_END();
}

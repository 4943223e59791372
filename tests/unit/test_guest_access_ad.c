/* tests/unit/test_guest_access_ad.c - guest_translate(): Accessed/Dirty updates, large pages, races, tables outside RAM, address forms. */
/* UNIT_SRC: mm/guest_walk.c */
#include <stdlib.h>
#include "test.h"
#include "mm/guest_walk.h"
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"
#include "guest_access_fake.h"

/* ---- Accessed / Dirty -------------------------------------------------------- */

static void test_accessed_dirty(void)
{
	for (enum mode m = M32; m < NMODES; m++) {
		struct guest_paging p;
		struct chain c;
		build(m, &p, &c);
		/* A read sets A on every level (not in a PAE PDPTE: bit 5 is
		 * reserved there), D nowhere. */
		expect_access(&p, c.va, RD, GACC_OK, 0, FRAME | 0xabc, "read");
		check_ad(&c, c.n - 1, true, false, "read");
		unsigned x = xchgs;
		expect_access(&p, c.va, USR | RD, GACC_OK, 0, FRAME | 0xabc, "read again");
		EXPECT_EQ(xchgs, x);                    /* nothing left to set */
		/* A write adds D to the leaf only. */
		expect_access(&p, c.va, USR | WR, GACC_OK, 0, FRAME | 0xabc, "write");
		check_ad(&c, c.n - 1, true, true, "write");
		EXPECT_EQ(xchgs, x + 1);
		/* A fetch never sets D. */
		build(m, &p, &c);
		expect_access(&p, c.va, FE | WR, GACC_OK, 0, FRAME | 0xabc, "fetch");
		check_ad(&c, c.n - 1, true, false, "fetch");
		/* Bits already set stay set, others are untouched. */
		build(m, &p, &c);
		put_ent(&c, c.n - 1, get_ent(&c, c.n - 1) | PTE_D | BIT(9));
		expect_access(&p, c.va, RD, GACC_OK, 0, FRAME | 0xabc, "read of a dirty page");
		EXPECT_EQ(get_ent(&c, c.n - 1), FRAME | PTE_P | FULL | PTE_A | PTE_D | BIT(9));
		/* A supervisor write to a read-only page with WP=0 dirties it. */
		build(m, &p, &c);
		set_rights(&c, c.n - 1, PTE_U);
		expect_access(&p, c.va, WR, GACC_OK, 0, FRAME | 0xabc, "WP=0 write");
		check_ad(&c, c.n - 1, true, true, "WP=0 write");
		/* A protection fault leaves the leaf alone, A above it set. */
		build(m, &p, &c);
		p.cr0 |= CR0_WP;
		set_rights(&c, c.n - 1, PTE_U);
		expect_access(&p, c.va, WR, GACC_PAGE_FAULT, PF_P | PF_W, 0, "WP=1 write");
		check_ad(&c, c.n - 1, false, false, "WP=1 write");
	}
	/* The PAE PDPTE is never written. */
	struct guest_paging p;
	struct chain c;
	build(MPAE, &p, &c);
	expect_access(&p, c.va, WR, GACC_OK, 0, FRAME | 0xabc, "PAE write");
	EXPECT_EQ(get_ent(&c, 0), 0x2000 | PTE_P);
}

/* Large leaves: rights and A/D as for 4 KiB, D in the large entry. */
static void test_large_pages(void)
{
	struct guest_paging p;
	struct chain c;

	/* 4 MiB with PSE-36: PA 0x5a_ffc00000. */
	build(M32, &p, &c);
	p.cr4 |= CR4_PSE;
	put_ent(&c, 0, 0xffc00000u | (0x5au << 13) | PTE_PS | PTE_P | PTE_U);
	expect_access(&p, 0x00512345, USR | RD, GACC_OK, 0, 0x5affd12345ull, "4 MiB read");
	EXPECT_EQ(get_ent(&c, 0) & (PTE_A | PTE_D), PTE_A);
	expect_access(&p, 0x00512345, USR | WR, GACC_PAGE_FAULT, PF_P | PF_W | PF_U, 0, "4 MiB ro");
	expect_access(&p, 0x00512345, WR, GACC_OK, 0, 0x5affd12345ull, "4 MiB WP=0");
	EXPECT_EQ(get_ent(&c, 0) & (PTE_A | PTE_D), PTE_A | PTE_D);
	EXPECT_EQ(get32(0x2000 + 3 * 4), FRAME | PTE_P | FULL);   /* the old PT is not read */

	/* PAE 2 MiB. */
	build(MPAE, &p, &c);
	put_ent(&c, 1, 0x40000000ull | PTE_PS | PTE_P | PTE_W);
	expect_access(&p, 0x80bfffff, WR, GACC_OK, 0, 0x401fffffull, "PAE 2 MiB");
	EXPECT_EQ(get_ent(&c, 1) & (PTE_A | PTE_D), PTE_A | PTE_D);
	expect_access(&p, 0x80bfffff, USR | RD, GACC_PAGE_FAULT, PF_P | PF_U, 0, "PAE 2 MiB supervisor");

	/* Long mode 1 GiB and 2 MiB, NX. */
	build(M64, &p, &c);
	p.efer |= EFER_NXE;
	put_ent(&c, 1, 0x1c0000000ull | PTE_PS | PTE_P | FULL | PTE_NX);
	uint64_t va = (1ull << 39) | (2ull << 30) | 0x3fffffff;
	expect_access(&p, va, USR | WR, GACC_OK, 0, 0x1ffffffffull, "1 GiB");
	EXPECT_EQ(get_ent(&c, 1) & (PTE_A | PTE_D), PTE_A | PTE_D);
	EXPECT_EQ(get_ent(&c, 0) & (PTE_A | PTE_D), PTE_A);
	expect_access(&p, va, USR | FE, GACC_PAGE_FAULT, PF_P | PF_U | PF_ID, 0, "1 GiB NX");
	build(M64, &p, &c);
	put_ent(&c, 2, 0x80000000ull | PTE_PS | PTE_P | PTE_U);
	va = (1ull << 39) | (2ull << 30) | (3ull << 21) | 0x1fffff;
	expect_access(&p, va, USR | RD, GACC_OK, 0, 0x801fffffull, "2 MiB");
	EXPECT_EQ(get_ent(&c, 2) & (PTE_A | PTE_D), PTE_A);
	EXPECT_EQ(get_ent(&c, 3) & PTE_A, 0);   /* the PT below is not used */
}

/* ---- races, guest RAM, address forms ------------------------------------------- */

static void test_restart(void)
{
	struct guest_paging p;
	struct chain c;

	/* Another vCPU makes the leaf read-only between our read and our
	 * exchange: the walk restarts and sees it. */
	build(M64, &p, &c);
	p.cr0 |= CR0_WP;
	race_gpa = c.ent[3];
	race_flip = PTE_W;
	race_left = 1;
	expect_access(&p, c.va, WR, GACC_PAGE_FAULT, PF_P | PF_W, 0, "leaf made read-only");
	EXPECT_EQ(get_ent(&c, 3), FRAME | PTE_P | PTE_U);

	/* ...or sets an available bit in the PDPTE: harmless, one restart. */
	build(M64, &p, &c);
	race_gpa = c.ent[1];
	race_flip = BIT(10);
	race_left = 1;
	expect_access(&p, c.va, WR, GACC_OK, 0, FRAME | 0xabc, "avail bit flipped");
	EXPECT_EQ(xchgs, 5);                    /* 4 levels + the lost one */
	EXPECT_EQ(get_ent(&c, 1), 0x3000 | PTE_P | FULL | PTE_A | BIT(10));
	check_ad(&c, 3, true, true, "avail bit flipped");

	/* The same in 32-bit tables, through the 4-byte exchange. */
	build(M32, &p, &c);
	race_gpa = c.ent[1] & ~7ull;
	race_flip = (uint64_t)BIT(11) << ((c.ent[1] & 4) * 8);
	race_left = 1;
	expect_access(&p, c.va, WR, GACC_OK, 0, FRAME | 0xabc, "32-bit race");
	EXPECT_EQ(get_ent(&c, 1), FRAME | PTE_P | FULL | PTE_A | PTE_D | BIT(11));

	/* A guest that never stops rewriting the entry: give up. */
	build(M64, &p, &c);
	race_gpa = c.ent[0];
	race_flip = BIT(9);
	race_left = 1000;
	expect_access(&p, c.va, RD, GACC_BAD_GPA, 0, 0, "endless race");
	EXPECT_EQ(xchgs, GUEST_TRANSLATE_MAX_RESTARTS + 1);
}

static void test_bad_gpa(void)
{
	for (enum mode m = M32; m < NMODES; m++) {
		struct guest_paging p;
		struct chain c;
		build(m, &p, &c);
		/* Each table in turn outside guest RAM. */
		for (int i = 1; i < c.n; i++) {
			build(m, &p, &c);
			put_ent(&c, i - 1, (get_ent(&c, i - 1) & 0xfff) | 0x80000000ull);
			expect_access(&p, c.va, RD, GACC_BAD_GPA, 0, 0, mode_name[m]);
		}
		build(m, &p, &c);
		p.cr3 = 0x7ff00000;
		expect_access(&p, c.va, RD, GACC_BAD_GPA, 0, 0, mode_name[m]);
		/* The A/D exchange finds no RAM. */
		build(m, &p, &c);
		xchg_fails = true;
		expect_access(&p, c.va, RD, GACC_BAD_GPA, 0, 0, mode_name[m]);
		/* The page itself need not be RAM: it is the caller's to reach. */
		build(m, &p, &c);
		put_ent(&c, c.n - 1, (get_ent(&c, c.n - 1) & 0xfff) | 0x7fff0000ull);
		expect_access(&p, c.va, RD, GACC_OK, 0, 0x7fff0abcull, mode_name[m]);
	}
}

static void test_noncanonical_and_paging_off(void)
{
	struct guest_paging p;
	struct chain c;
	build(M64, &p, &c);
	expect_access(&p, 0x0000800000000000ull, RD, GACC_NONCANONICAL, 0, 0, "4-level, bit 47");
	expect_access(&p, 0xffff7fffffffffffull, USR | WR, GACC_NONCANONICAL, 0, 0, "4-level, low half of -");
	expect_access(&p, c.va | 0xffff000000000000ull, RD, GACC_NONCANONICAL, 0, 0, "4-level, sign of bit 48");
	build(M57, &p, &c);
	expect_access(&p, 0x0100000000000000ull, RD, GACC_NONCANONICAL, 0, 0, "5-level, bit 56");
	expect_access(&p, 0xff00000000000000ull, RD, GACC_PAGE_FAULT, 0, 0, "5-level canonical, not present");
	EXPECT_EQ(reads, 1);

	/* Paging off: identity, 32 bits outside long mode, no memory touched. */
	reset_mem();
	p = (struct guest_paging){ .cr0 = CR0_PE, .cr3 = 0x1000, .cr4 = CR4_SMAP | CR4_SMEP };
	expect_access(&p, 0x100001234ull, USR | WR, GACC_OK, 0, 0x1234, "paging off");
	p.cr0 = 0;
	expect_access(&p, 0xffff0, FE, GACC_OK, 0, 0xffff0, "real mode");
	EXPECT_EQ(reads + xchgs, 0);
	/* A NULL pf_error and gpa are allowed. */
	build(M64, &p, &c);
	put_ent(&c, 3, 0);
	EXPECT_EQ(guest_translate(&p, c.va, RD, &ops, NULL, NULL), GACC_PAGE_FAULT);
}

/* Only 8-byte callbacks: 4-byte entries are read and exchanged inside
 * their 8-byte word, odd index (upper half) included. */
static void test_64bit_ops_only(void)
{
	struct guest_paging p;
	struct chain c;
	gpa_t gpa = 0;
	uint32_t err = 0;
	build(M32, &p, &c);
	put32(c.ent[1] ^ 4, 0x12345000 | PTE_P);      /* the PTE's neighbour */
	EXPECT_EQ(guest_translate(&p, c.va, USR | WR, &ops64, &gpa, &err), GACC_OK);
	EXPECT_EQ(gpa, FRAME | 0xabc);
	check_ad(&c, c.n - 1, true, true, "64-bit ops");
	EXPECT_EQ(get32(c.ent[1] ^ 4), 0x12345000 | PTE_P);
	p.cr0 |= CR0_WP;
	set_rights(&c, 1, PTE_U);
	EXPECT_EQ(guest_translate(&p, c.va, WR, &ops64, &gpa, &err), GACC_PAGE_FAULT);
	EXPECT_EQ(err, PF_P | PF_W);
}

/* The older entry point keeps its behaviour: no writes, no permission
 * checks, AMD's PML4E bit 8 not enforced; MAXPHYADDR honoured if given. */
static void test_guest_walk_unchanged(void)
{
	struct guest_paging p;
	struct chain c;
	gpa_t gpa = 0;
	build(M64, &p, &c);
	p.cr0 |= CR0_WP;
	p.cr4 |= CR4_SMAP | CR4_SMEP;
	set_rights(&c, 3, 0);
	put_ent(&c, 0, get_ent(&c, 0) | BIT(8));
	EXPECT_EQ(guest_walk(&p, c.va, rd64, rd32, NULL, &gpa, NULL, NULL), WALK_OK);
	EXPECT_EQ(gpa, FRAME | 0xabc);
	check_ad(&c, 0, false, false, "guest_walk");
	EXPECT_EQ(xchgs, 0);
	put_ent(&c, 3, get_ent(&c, 3) | BIT(45));
	EXPECT_EQ(guest_walk(&p, c.va, rd64, rd32, NULL, &gpa, NULL, NULL), WALK_OK);
	p.maxphyaddr = 45;
	EXPECT_EQ(guest_walk(&p, c.va, rd64, rd32, NULL, &gpa, NULL, NULL), WALK_RESERVED_BIT);
}

static void test_names(void)
{
	EXPECT_STREQ(guest_access_result_name(GACC_OK), "ok");
	EXPECT_STREQ(guest_access_result_name(GACC_PAGE_FAULT), "page-fault");
	EXPECT_STREQ(guest_access_result_name(GACC_BAD_GPA), "bad-gpa");
	EXPECT_STREQ(guest_access_result_name(GACC_NONCANONICAL), "noncanonical");
}

int main(void)
{
	RUN(test_accessed_dirty);
	RUN(test_large_pages);
	RUN(test_restart);
	RUN(test_bad_gpa);
	RUN(test_noncanonical_and_paging_off);
	RUN(test_64bit_ops_only);
	RUN(test_guest_walk_unchanged);
	RUN(test_names);
	free(mem);
	TEST_MAIN_END();
}

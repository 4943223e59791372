/* tests/unit/test_guest_access.c - guest_translate(): rights, #PF error codes, reserved bits and their priority, on tables in a buffer. */
/* UNIT_SRC: mm/guest_walk.c */
#include <stdlib.h>
#include "test.h"
#include "mm/guest_walk.h"
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"
#include "guest_access_fake.h"

/* ---- permissions: one table, every mode, the restriction at every level -- */

#define SAME  (-1)      /* err32: as in the 64-bit formats */
#define NO32  (-2)      /* needs NX, which 32-bit entries lack */

struct pcase {
	const char *name;
	bool wp, nxe, ac;
	uint64_t cr4;        /* CR4_SMEP / CR4_SMAP */
	uint64_t rights;     /* applied to the leaf, or to one level at a time */
	unsigned access;
	uint32_t err;        /* 0 = allowed; else the #PF error code */
	int err32;           /* 32-bit paging, where I/D needs SMEP (no PAE) */
};

static const struct pcase pcases[] = {
	{ "user read, user page",               0, 0, 0, 0, FULL, USR | RD, 0, SAME },
	{ "user write, user page",              1, 0, 0, 0, FULL, USR | WR, 0, SAME },
	{ "user read, supervisor page",         0, 0, 0, 0, PTE_W, USR | RD, PF_P | PF_U, SAME },
	{ "user write, supervisor page",        0, 0, 0, 0, PTE_W, USR | WR, PF_P | PF_W | PF_U, SAME },
	{ "user write, read-only, WP=0",        0, 0, 0, 0, PTE_U, USR | WR, PF_P | PF_W | PF_U, SAME },
	{ "user write, read-only, WP=1",        1, 0, 0, 0, PTE_U, USR | WR, PF_P | PF_W | PF_U, SAME },
	{ "user read, read-only",               1, 0, 0, 0, PTE_U, USR | RD, 0, SAME },
	{ "sup read, supervisor page",          1, 0, 0, 0, PTE_W, RD, 0, SAME },
	{ "sup write, supervisor page",         1, 0, 0, 0, PTE_W, WR, 0, SAME },
	{ "sup write, read-only, WP=0",         0, 0, 0, 0, 0, WR, 0, SAME },
	{ "sup write, read-only user, WP=0",    0, 0, 0, 0, PTE_U, WR, 0, SAME },
	{ "sup write, read-only, WP=1",         1, 0, 0, 0, 0, WR, PF_P | PF_W, SAME },
	{ "sup write, read-only user, WP=1",    1, 0, 0, 0, PTE_U, WR, PF_P | PF_W, SAME },
	{ "sup read, read-only, WP=1",          1, 0, 0, 0, 0, RD, 0, SAME },
	/* NX, EFER.NXE=1 (APM 5.6.1): any level's NX forbids fetches only. */
	{ "user fetch, no NX",                  0, 1, 0, 0, FULL, USR | FE, 0, SAME },
	{ "user fetch, NX",                     0, 1, 0, 0, FULL | PTE_NX, USR | FE, PF_P | PF_U | PF_ID, NO32 },
	{ "sup fetch, NX",                      0, 1, 0, 0, FULL | PTE_NX, FE, PF_P | PF_ID, NO32 },
	{ "sup fetch, NX supervisor page",      0, 1, 0, 0, PTE_NX, FE, PF_P | PF_ID, NO32 },
	{ "user read, NX",                      0, 1, 0, 0, FULL | PTE_NX, USR | RD, 0, NO32 },
	{ "user write, NX",                     0, 1, 0, 0, FULL | PTE_NX, USR | WR, 0, NO32 },
	{ "fetch+write is a fetch",             1, 1, 0, 0, PTE_U | PTE_NX, FE | WR, PF_P | PF_ID, NO32 },
	/* I/D: only with NXE (and PAE) or SMEP (APM 8.4.2). */
	{ "user fetch, sup page, NXE=0",        0, 0, 0, 0, PTE_W, USR | FE, PF_P | PF_U, SAME },
	{ "user fetch, sup page, NXE=1",        0, 1, 0, 0, PTE_W, USR | FE, PF_P | PF_U | PF_ID, PF_P | PF_U },
	{ "user fetch, sup page, SMEP",         0, 0, 0, CR4_SMEP, PTE_W, USR | FE, PF_P | PF_U | PF_ID, SAME },
	/* SMEP: no supervisor fetch from a user page. */
	{ "SMEP sup fetch, user page",          0, 0, 0, CR4_SMEP, FULL, FE, PF_P | PF_ID, SAME },
	{ "SMEP sup fetch, user page, AC=1",    0, 0, 1, CR4_SMEP, FULL, FE, PF_P | PF_ID, SAME },
	{ "SMEP sup fetch, supervisor page",    0, 0, 0, CR4_SMEP, PTE_W, FE, 0, SAME },
	{ "SMEP user fetch, user page",         0, 0, 0, CR4_SMEP, FULL, USR | FE, 0, SAME },
	{ "SMEP sup read, user page",           0, 0, 0, CR4_SMEP, FULL, RD, 0, SAME },
	{ "no SMEP sup fetch, user page",       0, 1, 0, 0, FULL, FE, 0, SAME },
	/* SMAP: no supervisor data access to a user page, unless AC=1 on an
	 * explicit access. */
	{ "SMAP sup read, AC=0",                0, 0, 0, CR4_SMAP, FULL, RD, PF_P, SAME },
	{ "SMAP sup write, AC=0",               0, 0, 0, CR4_SMAP, FULL, WR, PF_P | PF_W, SAME },
	{ "SMAP sup read, AC=1",                0, 0, 1, CR4_SMAP, FULL, RD, 0, SAME },
	{ "SMAP sup write, AC=1",               1, 0, 1, CR4_SMAP, FULL, WR, 0, SAME },
	{ "SMAP sup write ro, AC=1, WP=1",      1, 0, 1, CR4_SMAP, PTE_U, WR, PF_P | PF_W, SAME },
	{ "SMAP sup write ro, AC=1, WP=0",      0, 0, 1, CR4_SMAP, PTE_U, WR, 0, SAME },
	{ "SMAP implicit read, AC=1",           0, 0, 1, CR4_SMAP, FULL, IMP | RD, PF_P, SAME },
	{ "SMAP implicit write, AC=1",          0, 0, 1, CR4_SMAP, FULL, IMP | WR, PF_P | PF_W, SAME },
	{ "SMAP implicit at CPL 3, AC=1",       0, 0, 1, CR4_SMAP, FULL, IMP | USR | RD, PF_P, SAME },
	{ "SMAP implicit, supervisor page",     0, 0, 0, CR4_SMAP, PTE_W, IMP | RD, 0, SAME },
	{ "SMAP sup read, supervisor page",     0, 0, 0, CR4_SMAP, PTE_W, RD, 0, SAME },
	{ "SMAP user read, user page",          0, 0, 0, CR4_SMAP, FULL, USR | RD, 0, SAME },
	{ "SMAP sup fetch, user page",          0, 0, 0, CR4_SMAP, FULL, FE, 0, SAME },
	{ "SMEP+SMAP sup fetch, AC=1",          0, 1, 1, CR4_SMEP | CR4_SMAP, FULL, FE, PF_P | PF_ID, SAME },
	/* Implicit supervisor accesses at CPL 3 follow the supervisor rules. */
	{ "implicit at CPL 3, supervisor page", 1, 0, 0, 0, PTE_W, IMP | USR | RD, 0, SAME },
	{ "implicit write ro, WP=0",            0, 0, 0, 0, PTE_U, IMP | USR | WR, 0, SAME },
	{ "implicit write ro, WP=1",            1, 0, 0, 0, PTE_U, IMP | USR | WR, PF_P | PF_W, SAME },
};

static void run_pcase(const struct pcase *pc, enum mode m, int at)
{
	struct guest_paging p;
	struct chain c;
	char what[160];

	build(m, &p, &c);
	if (pc->wp)
		p.cr0 |= CR0_WP;
	if (pc->nxe)
		p.efer |= EFER_NXE;
	if (pc->ac)
		p.rflags = RFLAGS_AC | RFLAGS_FIXED;
	p.cr4 |= pc->cr4;
	set_rights(&c, at, pc->rights);

	uint32_t want = (m == M32 && pc->err32 >= 0) ? (uint32_t)pc->err32 : pc->err;
	bool write = (pc->access & WR) && !(pc->access & FE);
	snprintf(what, sizeof(what), "%s, %s, rights at entry %d", pc->name, mode_name[m], at);
	if (!expect_access(&p, c.va, pc->access, want ? GACC_PAGE_FAULT : GACC_OK, want, FRAME | 0xabc, what))
		return;
	/* Upper levels are accessed either way; the leaf only on success. */
	check_ad(&c, c.n - 1, want == 0, write, what);
}

static void test_permissions(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(pcases); i++) {
		const struct pcase *pc = &pcases[i];
		for (enum mode m = M32; m < NMODES; m++) {
			struct guest_paging p;
			struct chain c;
			if (m == M32 && pc->err32 == NO32)
				continue;
			build(m, &p, &c);
			/* The rights on one entry at a time, the others full:
			 * each level alone restricts the page (APM 5.6). */
			for (int at = 0; at < c.n; at++)
				if (c.rights[at])
					run_pcase(pc, m, at);
		}
	}
}

/* Without NXE, bit 63 is reserved rather than NX; with NXE=1 in 32-bit
 * paging, NX does not exist and a fetch gets no I/D. */
static void test_nx_disabled(void)
{
	for (enum mode m = MPAE; m < NMODES; m++) {
		struct guest_paging p;
		struct chain c;
		build(m, &p, &c);
		set_rights(&c, c.n - 1, FULL | PTE_NX);
		expect_access(&p, c.va, RD, GACC_PAGE_FAULT, PF_P | PF_RSVD, 0, "NXE=0, NX leaf, read");
		expect_access(&p, c.va, USR | FE, GACC_PAGE_FAULT, PF_P | PF_RSVD | PF_U, 0, "NXE=0, NX leaf, fetch");
		p.cr4 |= CR4_SMEP;
		expect_access(&p, c.va, FE, GACC_PAGE_FAULT, PF_P | PF_RSVD | PF_ID, 0, "NXE=0, SMEP, fetch");
		check_ad(&c, c.n - 1, false, false, "NXE=0 reserved leaf");
	}
	struct guest_paging p;
	struct chain c;
	build(M32, &p, &c);
	p.efer = EFER_NXE;
	expect_access(&p, c.va, FE, GACC_OK, 0, FRAME | 0xabc, "32-bit, NXE=1, fetch");
	set_rights(&c, 1, PTE_W);
	expect_access(&p, c.va, USR | FE, GACC_PAGE_FAULT, PF_P | PF_U, 0, "32-bit, NXE=1, no I/D");
}

/* ---- not present at each level ------------------------------------------ */

static void test_not_present(void)
{
	static const struct { unsigned access; bool nxe; uint32_t err, err32; } acc[] = {
		{ RD, 0, 0, 0 },
		{ WR, 0, PF_W, PF_W },
		{ USR | WR, 0, PF_W | PF_U, PF_W | PF_U },
		{ USR | FE, 0, PF_U, PF_U },
		{ FE, 1, PF_ID, 0 },
		{ IMP | USR | RD, 0, 0, 0 },
	};
	for (enum mode m = M32; m < NMODES; m++) {
		struct guest_paging p;
		struct chain c;
		build(m, &p, &c);
		for (int lvl = 0; lvl < c.n; lvl++) {
			for (size_t k = 0; k < ARRAY_SIZE(acc); k++) {
				char what[96];
				build(m, &p, &c);
				if (acc[k].nxe)
					p.efer |= EFER_NXE;
				/* Other bits of a not-present entry are ignored,
				 * reserved ones included. */
				put_ent(&c, lvl, (get_ent(&c, lvl) & ~PTE_P) | (c.is32 ? 0 : BIT(51)) | PTE_PS);
				snprintf(what, sizeof(what), "%s, not present at entry %d, access %u",
					 mode_name[m], lvl, acc[k].access);
				expect_access(&p, c.va, acc[k].access, GACC_PAGE_FAULT,
					      m == M32 ? acc[k].err32 : acc[k].err, 0, what);
				check_ad(&c, lvl, false, false, what);
			}
		}
	}
}

/* ---- reserved bits --------------------------------------------------------- */

enum rexp { R_RSVD, R_OK, R_BAD_GPA };

struct rcase {
	enum mode m;
	int ent;             /* index in the chain; -1 for the leaf */
	uint64_t set;        /* bits ORed into the entry */
	bool large;          /* make the entry a large-page leaf (PS) first */
	uint8_t maxphy;
	bool nxe;
	enum rexp expect;
	uint64_t gpa_extra;  /* R_OK: address bits `set` adds to the result */
};

#define LARGE_FRAME 0x40000000ull   /* aligned for 4 MiB, 2 MiB and 1 GiB */

static const struct rcase rcases[] = {
	/* 32-bit: only a 4 MiB PDE has reserved bits: 21, and PSE-36 bits
	 * 20:13 (PA 39:32) at or above MAXPHYADDR. */
	{ M32, 0, BIT(21), true, 0, 0, R_RSVD, 0 },
	{ M32, 0, BIT(20), true, 0, 0, R_OK, BIT(39) },
	{ M32, 0, BIT(17), true, 36, 0, R_RSVD, 0 },
	{ M32, 0, BIT(16), true, 36, 0, R_OK, BIT(35) },
	{ M32, 0, BIT(13), true, 32, 0, R_RSVD, 0 },
	{ M32, 0, BIT(12), true, 32, 0, R_OK, 0 },            /* PAT */
	{ M32, 0, BIT(8) | BIT(9), false, 0, 0, R_OK, 0 },     /* 4 KiB PDE: ignored bits */
	{ M32, -1, BIT(21) | BIT(7), false, 32, 0, R_OK, BIT(21) },
	/* PAE PDPTE: 63:52, 51:MAXPHYADDR, 8:5, 2:1; bit 63 even with NXE. */
	{ MPAE, 0, BIT(1), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(2), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(5), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(7), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(8), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(52), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(63), false, 0, 1, R_RSVD, 0 },
	{ MPAE, 0, BIT(40), false, 40, 0, R_RSVD, 0 },
	{ MPAE, 0, BIT(39), false, 40, 0, R_BAD_GPA, 0 },      /* legal, but no RAM there */
	{ MPAE, 0, PTE_PWT | PTE_PCD | BIT(9), false, 0, 0, R_OK, 0 },
	/* PAE PDE/PTE: 62:52, 51:MAXPHYADDR; a 2 MiB PDE also 20:13. */
	{ MPAE, 1, BIT(52), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 1, BIT(62), false, 0, 0, R_RSVD, 0 },
	{ MPAE, 1, BIT(8), false, 0, 0, R_OK, 0 },
	{ MPAE, -1, BIT(57), false, 0, 0, R_RSVD, 0 },
	{ MPAE, -1, BIT(36), false, 36, 0, R_RSVD, 0 },
	{ MPAE, -1, BIT(35), false, 36, 0, R_OK, BIT(35) },
	{ MPAE, -1, BIT(51), false, 0, 0, R_OK, BIT(51) },
	{ MPAE, -1, PTE_NX, false, 0, 0, R_RSVD, 0 },
	{ MPAE, -1, PTE_NX, false, 0, 1, R_OK, 0 },
	{ MPAE, 1, BIT(13), true, 0, 0, R_RSVD, 0 },
	{ MPAE, 1, BIT(20), true, 0, 0, R_RSVD, 0 },
	{ MPAE, 1, BIT(12), true, 0, 0, R_OK, 0 },
	/* Long mode: PS and (AMD) bit 8 in a PML4E, bit 8 ignored below;
	 * 62:52 available; 51:MAXPHYADDR everywhere; NX without NXE. */
	{ M64, 0, PTE_PS, false, 0, 0, R_RSVD, 0 },
	{ M64, 0, BIT(8), false, 0, 0, R_RSVD, 0 },
	{ M64, 1, BIT(8), false, 0, 0, R_OK, 0 },
	{ M64, 2, BIT(8), false, 0, 0, R_OK, 0 },
	{ M64, -1, BIT(8), false, 0, 0, R_OK, 0 },            /* G */
	{ M64, -1, PTE_PS, false, 0, 0, R_OK, 0 },            /* PAT in a PTE */
	{ M64, 0, 0x7ffull << 52, false, 0, 0, R_OK, 0 },
	{ M64, -1, 0x7ffull << 52, false, 0, 0, R_OK, 0 },
	{ M64, 0, BIT(48), false, 48, 0, R_RSVD, 0 },
	{ M64, 1, BIT(48), false, 48, 0, R_RSVD, 0 },
	{ M64, 2, BIT(48), false, 48, 0, R_RSVD, 0 },
	{ M64, -1, BIT(48), false, 48, 0, R_RSVD, 0 },
	{ M64, -1, BIT(47), false, 48, 0, R_OK, BIT(47) },
	{ M64, -1, BIT(51), false, 0, 0, R_OK, BIT(51) },
	{ M64, -1, BIT(51), false, 40, 0, R_RSVD, 0 },
	{ M64, 1, BIT(13), true, 0, 0, R_RSVD, 0 },           /* 1 GiB: 29:13 */
	{ M64, 1, BIT(29), true, 0, 0, R_RSVD, 0 },
	{ M64, 1, BIT(12), true, 0, 0, R_OK, 0 },
	{ M64, 1, BIT(30), true, 0, 0, R_OK, BIT(30) },
	{ M64, 2, BIT(13), true, 0, 0, R_RSVD, 0 },           /* 2 MiB: 20:13 */
	{ M64, 2, BIT(20), true, 0, 0, R_RSVD, 0 },
	{ M64, 2, BIT(12), true, 0, 0, R_OK, 0 },
	{ M64, 2, BIT(21), true, 0, 0, R_OK, BIT(21) },
	{ M64, 0, PTE_NX, false, 0, 0, R_RSVD, 0 },
	{ M64, 1, PTE_NX, false, 0, 0, R_RSVD, 0 },
	{ M64, 2, PTE_NX, false, 0, 0, R_RSVD, 0 },
	{ M64, -1, PTE_NX, false, 0, 0, R_RSVD, 0 },
	{ M64, 0, PTE_NX, false, 0, 1, R_OK, 0 },
	/* 5-level: the PML5E is formatted like a PML4E. */
	{ M57, 0, PTE_PS, false, 0, 0, R_RSVD, 0 },
	{ M57, 0, BIT(8), false, 0, 0, R_RSVD, 0 },
	{ M57, 0, BIT(50), false, 50, 0, R_RSVD, 0 },
	{ M57, 1, BIT(8), false, 0, 0, R_RSVD, 0 },
	{ M57, 2, BIT(8), false, 0, 0, R_OK, 0 },
	{ M57, 2, BIT(12), true, 0, 0, R_OK, 0 },
	{ M57, 3, BIT(20), true, 0, 0, R_RSVD, 0 },
};

/* Builds mode rc->m with rc's entry changed; `supervisor` clears U/S
 * everywhere first. Returns the expected GPA of a successful access. */
static gpa_t rcase_setup(const struct rcase *rc, struct guest_paging *p, struct chain *c, int *ent, bool supervisor)
{
	build(rc->m, p, c);
	*ent = rc->ent < 0 ? c->n - 1 : rc->ent;
	if (supervisor)
		for (int i = 0; i < c->n; i++)
			if (c->rights[i])
				set_rights(c, i, PTE_W);
	uint64_t e = get_ent(c, *ent);
	gpa_t want = FRAME | 0xabc;
	if (rc->large) {
		unsigned shift = rc->m == M32 ? 22 : 12 + 9 * (unsigned)(c->n - 1 - *ent);
		e = (e & 0xfff) | LARGE_FRAME | PTE_PS;
		c->n = *ent + 1;
		want = LARGE_FRAME | (c->va & (BIT(shift) - 1));
		if (rc->m == M32)
			p->cr4 |= CR4_PSE;
	}
	put_ent(c, *ent, e | rc->set);
	p->maxphyaddr = rc->maxphy;
	if (rc->nxe)
		p->efer |= EFER_NXE;
	return want | rc->gpa_extra;
}

static void test_reserved_bits(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rcases); i++) {
		const struct rcase *rc = &rcases[i];
		struct guest_paging p;
		struct chain c;
		char what[96];
		int ent;
		gpa_t want = rcase_setup(rc, &p, &c, &ent, false);

		snprintf(what, sizeof(what), "reserved case %zu (%s, entry %d)", i, mode_name[rc->m], ent);
		switch (rc->expect) {
		case R_OK:
			expect_access(&p, c.va, USR | WR, GACC_OK, 0, want, what);
			check_ad(&c, c.n - 1, true, true, what);
			break;
		case R_BAD_GPA:
			expect_access(&p, c.va, RD, GACC_BAD_GPA, 0, 0, what);
			break;
		case R_RSVD:
			/* P|RSVD plus the access kind. */
			expect_access(&p, c.va, RD, GACC_PAGE_FAULT, PF_P | PF_RSVD, 0, what);
			expect_access(&p, c.va, USR | WR, GACC_PAGE_FAULT, PF_P | PF_RSVD | PF_W | PF_U, 0, what);
			/* I/D needs NX in force, which 32-bit paging lacks. */
			p.efer |= EFER_NXE;
			if (!(rc->set & PTE_NX))
				expect_access(&p, c.va, FE, GACC_PAGE_FAULT,
					      PF_P | PF_RSVD | (rc->m == M32 ? 0 : PF_ID), 0, what);
			check_ad(&c, ent, false, false, what);
			/* A reserved bit wins over a protection fault: the
			 * rights are only judged after a complete walk. */
			rcase_setup(rc, &p, &c, &ent, true);
			expect_access(&p, c.va, USR | RD, GACC_PAGE_FAULT, PF_P | PF_RSVD | PF_U, 0, what);
			break;
		}
	}
}

/* Fault priority: not present anywhere beats a protection fault above it
 * (P=0), and a reserved bit above beats a not-present entry below. */
static void test_priority(void)
{
	struct guest_paging p;
	struct chain c;
	build(M64, &p, &c);
	set_rights(&c, 0, PTE_W);                       /* supervisor PML4E */
	put_ent(&c, 3, 0);                              /* PTE not present */
	expect_access(&p, c.va, USR | RD, GACC_PAGE_FAULT, PF_U, 0, "protection above, not present below");
	check_ad(&c, 3, false, false, "protection above, not present below");
	put_ent(&c, 1, get_ent(&c, 1) | PTE_NX);        /* NX without NXE in the PDPTE */
	expect_access(&p, c.va, USR | RD, GACC_PAGE_FAULT, PF_P | PF_RSVD | PF_U, 0, "reserved above, not present below");
}

int main(void)
{
	RUN(test_permissions);
	RUN(test_nx_disabled);
	RUN(test_not_present);
	RUN(test_reserved_bits);
	RUN(test_priority);
	free(mem);
	TEST_MAIN_END();
}

/* tests/unit/test_guest_access.c - guest_translate(): rights, #PF error codes, reserved bits and A/D updates, on tables in a buffer. */
/* UNIT_SRC: mm/guest_walk.c */
#include <stdlib.h>
#include "test.h"
#include "mm/guest_walk.h"
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"

/* Guest RAM: [0, MEM_SIZE). Tables live in it; the pages they map need not. */
#define MEM_SIZE (64 * 4096ull)
static uint8_t *mem;
static unsigned reads, xchgs;
/* A stand-in for another vCPU: before each of the next race_left exchanges
 * of the 8-byte word at race_gpa, XOR race_flip into that word. */
static unsigned race_left;
static gpa_t race_gpa;
static uint64_t race_flip;
static bool xchg_fails;          /* the exchange reports "not RAM" */

static bool in_ram(gpa_t gpa, unsigned n) { return gpa < MEM_SIZE && MEM_SIZE - gpa >= n && !(gpa & (n - 1)); }

static bool rd64(void *ctx, gpa_t gpa, uint64_t *v)
{
	(void)ctx;
	reads++;
	if (!in_ram(gpa, 8))
		return false;
	memcpy(v, mem + gpa, 8);
	return true;
}

static bool rd32(void *ctx, gpa_t gpa, uint32_t *v)
{
	(void)ctx;
	reads++;
	if (!in_ram(gpa, 4))
		return false;
	memcpy(v, mem + gpa, 4);
	return true;
}

static void race(gpa_t gpa)
{
	if (!race_left || (gpa & ~7ull) != race_gpa)
		return;
	race_left--;
	uint64_t q;
	memcpy(&q, mem + race_gpa, 8);
	q ^= race_flip;
	memcpy(mem + race_gpa, &q, 8);
}

static bool cx64(void *ctx, gpa_t gpa, uint64_t old, uint64_t new_val, bool *swapped)
{
	uint64_t cur;
	(void)ctx;
	xchgs++;
	if (xchg_fails || !in_ram(gpa, 8))
		return false;
	race(gpa);
	memcpy(&cur, mem + gpa, 8);
	*swapped = cur == old;
	if (*swapped)
		memcpy(mem + gpa, &new_val, 8);
	return true;
}

static bool cx32(void *ctx, gpa_t gpa, uint32_t old, uint32_t new_val, bool *swapped)
{
	uint32_t cur;
	(void)ctx;
	xchgs++;
	if (xchg_fails || !in_ram(gpa, 4))
		return false;
	race(gpa);
	memcpy(&cur, mem + gpa, 4);
	*swapped = cur == old;
	if (*swapped)
		memcpy(mem + gpa, &new_val, 4);
	return true;
}

static const struct guest_mem_ops ops = { rd64, rd32, cx64, cx32, NULL };
static const struct guest_mem_ops ops64 = { rd64, NULL, cx64, NULL, NULL };

static void put64(gpa_t a, uint64_t v) { memcpy(mem + a, &v, 8); }
static void put32(gpa_t a, uint32_t v) { memcpy(mem + a, &v, 4); }
static uint64_t get64(gpa_t a) { uint64_t v; memcpy(&v, mem + a, 8); return v; }
static uint32_t get32(gpa_t a) { uint32_t v; memcpy(&v, mem + a, 4); return v; }

static void reset_mem(void)
{
	if (!mem)
		mem = malloc(MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
	reads = xchgs = 0;
	race_left = 0;
	xchg_fails = false;
}

/* ---- one walk per paging mode, to the same kind of 4 KiB page ----------- */

enum mode { M32, MPAE, M64, M57, NMODES };
static const char *const mode_name[NMODES] = { "32-bit", "PAE", "4-level", "5-level" };

#define FRAME 0x30000ull          /* the mapped page (outside the tables) */
#define FULL  (PTE_W | PTE_U)

/* The entries of the walk, top level first. */
struct chain {
	enum mode m;
	int n;
	gpa_t ent[5];
	bool is32;
	bool rights[5];               /* false for a legacy-PAE PDPTE */
	uint64_t va;
};

static uint64_t get_ent(const struct chain *c, int i) { return c->is32 ? get32(c->ent[i]) : get64(c->ent[i]); }

static void put_ent(const struct chain *c, int i, uint64_t v)
{
	if (c->is32)
		put32(c->ent[i], (uint32_t)v);
	else
		put64(c->ent[i], v);
}

static void add(struct chain *c, gpa_t at, uint64_t val, bool rights)
{
	c->ent[c->n] = at;
	c->rights[c->n] = rights;
	c->n++;
	put_ent(c, c->n - 1, val);
}

/* Fresh memory and registers for mode m: every entry P|R/W|U/S, A and D clear. */
static void build(enum mode m, struct guest_paging *p, struct chain *c)
{
	reset_mem();
	*c = (struct chain){ .m = m, .is32 = m == M32 };
	*p = (struct guest_paging){ .cr0 = CR0_PG | CR0_PE };
	switch (m) {
	case M32:
		p->cr3 = 0x1000;
		c->va = 0x00403abc;
		add(c, 0x1000 + 1 * 4, 0x2000 | PTE_P | FULL, true);
		add(c, 0x2000 + 3 * 4, FRAME | PTE_P | FULL, true);
		break;
	case MPAE:
		p->cr3 = 0x1020;
		p->cr4 = CR4_PAE;
		c->va = 0x80a07abc;
		add(c, 0x1020 + 2 * 8, 0x2000 | PTE_P, false);
		add(c, 0x2000 + 5 * 8, 0x3000 | PTE_P | FULL, true);
		add(c, 0x3000 + 7 * 8, FRAME | PTE_P | FULL, true);
		break;
	case M57:
		p->cr4 = CR4_LA57;
		p->cr3 = 0x5000;
		add(c, 0x5000 + 1 * 8, 0x1000 | PTE_P | FULL, true);
		c->va = 1ull << 48;
		/* fall through */
	case M64:
		p->cr4 |= CR4_PAE;
		p->efer = EFER_LME | EFER_LMA;
		if (m == M64)
			p->cr3 = 0x1000;
		c->va |= (1ull << 39) | (2ull << 30) | (3ull << 21) | (4ull << 12) | 0xabc;
		add(c, 0x1000 + 1 * 8, 0x2000 | PTE_P | FULL, true);
		add(c, 0x2000 + 2 * 8, 0x3000 | PTE_P | FULL, true);
		add(c, 0x3000 + 3 * 8, 0x4000 | PTE_P | FULL, true);
		add(c, 0x4000 + 4 * 8, FRAME | PTE_P | FULL, true);
		break;
	case NMODES:
		break;
	}
}

static void set_rights(const struct chain *c, int i, uint64_t r)
{
	put_ent(c, i, (get_ent(c, i) & ~(FULL | PTE_NX)) | r);
}

/* Checks the A/D bits after an access: A on every entry above `upto`
 * (exclusive), A (and D iff dirty) on the leaf iff leaf_done. A legacy-PAE
 * PDPTE has no A/D bits and is skipped (test_accessed_dirty checks that it
 * is left alone). */
static void check_ad(const struct chain *c, int upto, bool leaf_done, bool dirty, const char *what)
{
	for (int i = 0; i < c->n; i++) {
		uint64_t e = get_ent(c, i);
		bool leaf = i == c->n - 1;
		if (!c->rights[i])
			continue;
		bool want_a = leaf ? leaf_done : i < upto;
		bool want_d = leaf && leaf_done && dirty;
		if (((e & PTE_A) != 0) != want_a || ((e & PTE_D) != 0) != want_d) {
			test_case_failed = 1;
			fprintf(stderr, "  %s (%s): entry %d = 0x%llx: A should be %d, D %d\n", what,
				mode_name[c->m], i, (unsigned long long)e, want_a, want_d);
		}
	}
}

static bool expect_access(const struct guest_paging *p, uint64_t va, unsigned access,
			  enum guest_access_result want, uint32_t want_err, gpa_t want_gpa, const char *what)
{
	gpa_t gpa = 0xdead;
	uint32_t err = 0xdead;
	enum guest_access_result r = guest_translate(p, va, access, &ops, &gpa, &err);
	bool ok = r == want && (r != GACC_PAGE_FAULT || err == want_err) && (r != GACC_OK || gpa == want_gpa);
	if (!ok) {
		test_case_failed = 1;
		fprintf(stderr, "  %s: got %s err 0x%x gpa 0x%llx, want %s err 0x%x gpa 0x%llx\n", what,
			guest_access_result_name(r), err, (unsigned long long)gpa,
			guest_access_result_name(want), want_err, (unsigned long long)want_gpa);
	}
	return ok;
}

/* ---- permissions: one table, every mode, the restriction at every level -- */

#define RD  0u
#define WR  GUEST_ACCESS_WRITE
#define USR GUEST_ACCESS_USER
#define FE  GUEST_ACCESS_FETCH
#define IMP GUEST_ACCESS_IMPLICIT_SUPERVISOR
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
	RUN(test_permissions);
	RUN(test_nx_disabled);
	RUN(test_not_present);
	RUN(test_reserved_bits);
	RUN(test_priority);
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

/* tests/unit/guest_access_fake.h - guest RAM in a buffer and page tables built in it, for the guest_translate() tests.
 * Included by the test programs that share it; not every program uses
 * every helper, hence no unused-function warnings here. */
#ifndef TESTS_UNIT_GUEST_ACCESS_FAKE_H
#define TESTS_UNIT_GUEST_ACCESS_FAKE_H

#include <stdlib.h>
#include "test.h"
#include "mm/guest_walk.h"
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"

#pragma GCC diagnostic ignored "-Wunused-function"

/* Access kinds, short for the tables. */
#define RD  0u
#define WR  GUEST_ACCESS_WRITE
#define USR GUEST_ACCESS_USER
#define FE  GUEST_ACCESS_FETCH
#define IMP GUEST_ACCESS_IMPLICIT_SUPERVISOR


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
#endif

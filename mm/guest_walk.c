/* mm/guest_walk.c - Translation of a guest virtual (linear) address through the guest's own page tables.
 *
 * Formats and reserved bits follow AMD APM Vol. 2, 5.2-5.4 (legacy 32-bit,
 * PAE, long mode) and Intel SDM Vol. 3A, 4.3-4.5. MAXPHYADDR is unknown
 * here, so addresses are taken as 52 bits and bits [51:MAXPHYADDR] are not
 * checked. AMD also reserves bit 8 of non-leaf PML4Es and PDPEs where Intel
 * ignores it; that is not checked either: the walker's callers translate
 * addresses the guest has just used, so being lenient costs nothing. */
#include "mm/guest_walk.h"

#define CR0_PG     BIT(31)
#define CR4_PSE    BIT(4)
#define CR4_PAE    BIT(5)
#define CR4_LA57   BIT(12)
#define EFER_LMA   BIT(10)
#define EFER_NXE   BIT(11)

#define PTE_P      BIT(0)
#define PTE_PS     BIT(7)
#define PTE_NX     BIT(63)
#define ADDR_MASK  0x000ffffffffff000ull    /* bits 51:12 */
/* Bits 62:52 are reserved in PAE PDEs and PTEs (they are available to
 * software in long mode). */
#define PAE_HI_RSVD 0x7ff0000000000000ull
/* PAE PDPTE: bits 2:1, 8:5 and 63:52 are reserved (APM Vol. 2, Figure 5-10;
 * SDM Vol. 3A, Table 4-8). */
#define PAE_PDPTE_RSVD (0xfff0000000000000ull | 0x1e6ull)

/* Bits [hi:lo] set. */
static uint64_t bits(unsigned hi, unsigned lo)
{
	return ((hi >= 63) ? ~0ull : (BIT(hi + 1) - 1)) & ~(BIT(lo) - 1);
}

struct reader {
	guest_read64_fn r64;
	guest_read32_fn r32;
	void *ctx;
};

static bool read64(const struct reader *r, gpa_t gpa, uint64_t *v)
{
	if (r->r64)
		return r->r64(r->ctx, gpa, v);
	uint32_t lo, hi;
	if (!r->r32 || !r->r32(r->ctx, gpa, &lo) || !r->r32(r->ctx, gpa + 4, &hi))
		return false;
	*v = lo | (uint64_t)hi << 32;
	return true;
}

static bool read32(const struct reader *r, gpa_t gpa, uint32_t *v)
{
	if (r->r32)
		return r->r32(r->ctx, gpa, v);
	uint64_t q;
	if (!r->r64 || !r->r64(r->ctx, gpa & ~7ull, &q))
		return false;
	*v = (uint32_t)(q >> ((gpa & 4) * 8));
	return true;
}

struct trace {
	struct walk_step *steps;
	int n;
};

static void record(struct trace *t, int level, gpa_t table, uint64_t entry)
{
	if (t->n >= WALK_MAX_STEPS)
		return;
	if (t->steps) {
		t->steps[t->n].level = level;
		t->steps[t->n].table_gpa = table;
		t->steps[t->n].entry = entry;
	}
	t->n++;
}

/* 32-bit paging without PAE (APM Vol. 2, 5.3): a page directory of 1024
 * 4-byte entries at CR3[31:12], then 4 KiB pages through a page table, or
 * 4 MiB pages when PDE.PS and CR4.PSE. A 4 MiB PDE holds PA[39:32] in bits
 * 20:13 (PSE-36) and bit 21 is reserved. There are no other reserved bits
 * and no NX in this format. */
static enum walk_result walk_32(const struct guest_paging *p, uint32_t va, const struct reader *r,
				struct trace *t, gpa_t *gpa)
{
	gpa_t pd = p->cr3 & 0xfffff000ull;
	uint32_t pde, pte;

	if (!read32(r, pd + (va >> 22) * 4, &pde)) {
		record(t, 2, pd, 0);
		return WALK_BAD_GPA;
	}
	record(t, 2, pd, pde);
	if (!(pde & PTE_P))
		return WALK_NOT_PRESENT;
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		if (pde & BIT(21))
			return WALK_RESERVED_BIT;
		*gpa = (pde & 0xffc00000ull) | ((uint64_t)((pde >> 13) & 0xff) << 32) | (va & 0x3fffff);
		return WALK_OK;
	}
	gpa_t pt = pde & 0xfffff000ull;
	if (!read32(r, pt + ((va >> 12) & 0x3ff) * 4, &pte)) {
		record(t, 1, pt, 0);
		return WALK_BAD_GPA;
	}
	record(t, 1, pt, pte);
	if (!(pte & PTE_P))
		return WALK_NOT_PRESENT;
	*gpa = (pte & 0xfffff000ull) | (va & 0xfff);
	return WALK_OK;
}

/* PAE (APM Vol. 2, 5.4, legacy mode) and long mode (5.3.3, 5.4; 5-level
 * with CR4.LA57): tables of 512 8-byte entries, 9 address bits per level.
 * PAE starts at a 4-entry PDPT at CR3[31:5] whose entries have their own
 * reserved bits and no PS; long mode starts at CR3[51:12]. A PS bit makes a
 * 1 GiB page at level 3 (long mode only) or a 2 MiB page at level 2; it is
 * reserved in PML4Es and PML5Es. Bit 12 of a large-page entry is PAT, and
 * the bits between it and the page frame are reserved. NX (bit 63) is
 * reserved at every level when EFER.NXE is clear. */
static enum walk_result walk_64(const struct guest_paging *p, uint64_t va, bool pae_legacy,
				const struct reader *r, struct trace *t, gpa_t *gpa)
{
	int top;
	gpa_t table;
	uint64_t nx_rsvd = (p->efer & EFER_NXE) ? 0 : PTE_NX;
	uint64_t hi_rsvd = pae_legacy ? PAE_HI_RSVD : 0;

	if (pae_legacy) {
		top = 3;
		table = p->cr3 & 0xffffffe0ull;
	} else {
		top = (p->cr4 & CR4_LA57) ? 5 : 4;
		table = p->cr3 & ADDR_MASK;
	}

	for (int level = top; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t idx = (va >> shift) & (pae_legacy && level == 3 ? 3 : 511);
		uint64_t e;

		if (!read64(r, table + idx * 8, &e)) {
			record(t, level, table, 0);
			return WALK_BAD_GPA;
		}
		record(t, level, table, e);
		if (!(e & PTE_P))
			return WALK_NOT_PRESENT;

		if (pae_legacy && level == 3) {
			if (e & PAE_PDPTE_RSVD)
				return WALK_RESERVED_BIT;
			table = e & ADDR_MASK;
			continue;
		}
		if (e & (nx_rsvd | hi_rsvd))
			return WALK_RESERVED_BIT;
		if (level >= 4 && (e & PTE_PS))
			return WALK_RESERVED_BIT;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t off_mask = BIT(shift) - 1;
			if (level > 1 && (e & bits(shift - 1, 13)))
				return WALK_RESERVED_BIT;
			*gpa = (e & ADDR_MASK & ~off_mask) | (va & off_mask);
			return WALK_OK;
		}
		table = e & ADDR_MASK;
	}
	return WALK_NOT_PRESENT;   /* not reached: level 1 always ends the walk */
}

enum walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
			    guest_read64_fn r64, guest_read32_fn r32, void *ctx,
			    gpa_t *gpa, struct walk_step *steps, int *nsteps)
{
	struct reader rd = { r64, r32, ctx };
	struct trace t = { steps, 0 };
	enum walk_result res;
	gpa_t out = 0;
	bool long_mode = (p->efer & EFER_LMA) != 0;

	if (!(p->cr0 & CR0_PG)) {
		/* Linear = physical; outside long mode addresses are 32 bits. */
		out = long_mode ? gva : (uint32_t)gva;
		res = WALK_OK;
	} else if (long_mode) {
		/* Canonical: bits 63:47 (63:56 with LA57) all equal
		 * (APM Vol. 2, 5.3.1 "Canonical Address Form"). */
		unsigned vbits = (p->cr4 & CR4_LA57) ? 57 : 48;
		uint64_t ext = (uint64_t)((int64_t)(gva << (64 - vbits)) >> (64 - vbits));
		if (ext != gva)
			res = WALK_NONCANONICAL;
		else
			res = walk_64(p, gva, false, &rd, &t, &out);
	} else if (p->cr4 & CR4_PAE) {
		res = walk_64(p, (uint32_t)gva, true, &rd, &t, &out);
	} else {
		res = walk_32(p, (uint32_t)gva, &rd, &t, &out);
	}

	if (res == WALK_OK && gpa)
		*gpa = out;
	if (nsteps)
		*nsteps = t.n;
	return res;
}

const char *walk_result_name(enum walk_result r)
{
	switch (r) {
	case WALK_OK:           return "ok";
	case WALK_NOT_PRESENT:  return "not-present";
	case WALK_RESERVED_BIT: return "reserved-bit";
	case WALK_BAD_GPA:      return "bad-gpa";
	case WALK_NONCANONICAL: return "noncanonical";
	}
	return "?";
}

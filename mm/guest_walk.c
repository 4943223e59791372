/* mm/guest_walk.c - Translation of a guest virtual (linear) address through the guest's own page tables.
 *
 * AMD APM Vol. 2, chapter 5 "Page Translation and Protection" (section
 * numbers move between revisions, so titles are given): formats and
 * reserved bits from 5.2 "Legacy-Mode Page Translation", 5.3 "Long-Mode
 * Page Translation" and 5.4 "Page-Translation-Table Entry Fields" (A and D
 * in 5.4.1/5.4.2); rights from 5.6 "Page-Protection Checks" (U/S, R/W, NX,
 * CR0.WP, SMEP, SMAP) and 5.7 "Protection Across Paging Hierarchy"; the
 * error code from 8.4.2 "Page-Fault Error Code". One walker serves both
 * entry points; `enforce` picks the guest_translate() behaviour:
 *
 *                              guest_walk()        guest_translate()
 *   reserved bits              APM common set      + AMD-only PML4E/PML5E bit 8
 *   permissions                no                  U/S, R/W+WP, NX, SMEP, SMAP
 *   A/D bits                   never written       set by cmpxchg, walk restarts
 *   result                     enum walk_result    enum guest_access_result
 *
 * guest_walk() stays lenient on purpose: its callers display or re-read
 * addresses the guest has just used, and a display should not refuse what
 * the guest's CPU accepted. */
#include "mm/guest_walk.h"
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"

/* Bits 62:52 are reserved in legacy-PAE PDEs and PTEs; in long mode they
 * are available to software (APM 5.4, PAE and long-mode entry figures). */
#define PAE_HI_RSVD 0x7ff0000000000000ull
/* Legacy-PAE PDPTE: bits 63:52, 8:5 and 2:1 are reserved (APM 5.2, PAE
 * PDPE figure). It has no U/S, R/W, A or NX: bit 5 is reserved, not A. */
#define PAE_PDPTE_RSVD (0xfff0000000000000ull | 0x1e6ull)
/* A 4 MiB PDE (PSE) holds PA[39:32] in bits 20:13 ("PSE-36", 40 bits on
 * AMD); bit 21 is reserved (APM 5.2, 4-Mbyte PDE figure). */
#define PSE36_RSVD BIT(21)
#define PSE36_PA_BITS 40
/* AMD reserves bits 8:7 of a PML4E (and PML5E); bit 8 is ignored in PDPEs
 * and PDEs (APM 5.4, long-mode PML4E figure). Intel ignores bit 8. */
#define PML4E_AMD_RSVD BIT(8)

/* Bits [hi:lo] set. */
static uint64_t bits(unsigned hi, unsigned lo)
{
	return ((hi >= 63) ? ~0ull : (BIT(hi + 1) - 1)) & ~(BIT(lo) - 1);
}

/* ---- guest memory ------------------------------------------------------ */

static bool read64(const struct guest_mem_ops *m, gpa_t gpa, uint64_t *v)
{
	if (m->read64)
		return m->read64(m->ctx, gpa, v);
	uint32_t lo, hi;
	if (!m->read32 || !m->read32(m->ctx, gpa, &lo) || !m->read32(m->ctx, gpa + 4, &hi))
		return false;
	*v = lo | (uint64_t)hi << 32;
	return true;
}

static bool read32(const struct guest_mem_ops *m, gpa_t gpa, uint32_t *v)
{
	if (m->read32)
		return m->read32(m->ctx, gpa, v);
	uint64_t q;
	if (!m->read64 || !m->read64(m->ctx, gpa & ~7ull, &q))
		return false;
	*v = (uint32_t)(q >> ((gpa & 4) * 8));
	return true;
}

static bool cmpxchg64(const struct guest_mem_ops *m, gpa_t gpa, uint64_t old, uint64_t new_val, bool *swapped)
{
	return m->cmpxchg64 && m->cmpxchg64(m->ctx, gpa, old, new_val, swapped);
}

/* Without a 4-byte exchange, exchange the 8-byte word around the entry; a
 * change to the other half then also counts as a lost race, which only
 * costs a restart. */
static bool cmpxchg32(const struct guest_mem_ops *m, gpa_t gpa, uint32_t old, uint32_t new_val, bool *swapped)
{
	if (m->cmpxchg32)
		return m->cmpxchg32(m->ctx, gpa, old, new_val, swapped);
	unsigned shift = (unsigned)(gpa & 4) * 8;
	uint64_t q;
	if (!m->read64 || !m->read64(m->ctx, gpa & ~7ull, &q))
		return false;
	if ((uint32_t)(q >> shift) != old) {
		*swapped = false;
		return true;
	}
	uint64_t nq = (q & ~(0xffffffffull << shift)) | ((uint64_t)new_val << shift);
	return cmpxchg64(m, gpa & ~7ull, q, nq, swapped);
}

/* ---- the walker ---------------------------------------------------------- */

enum step { STEP_OK, STEP_NOT_PRESENT, STEP_RESERVED, STEP_BAD_GPA, STEP_RESTART };

struct walker {
	const struct guest_paging *p;
	const struct guest_mem_ops *m;
	bool enforce;               /* guest_translate(): strict bits, A on the way */
	struct walk_step *steps;    /* guest_walk()'s log, or NULL */
	int n;                      /* steps taken */
	uint64_t pa_rsvd;           /* bits [51:MAXPHYADDR] */
	unsigned maxphy;
	/* Rights combined by AND over every level (APM 5.7: the most
	 * restrictive level wins); exec is false once any level has NX. */
	bool writable, user, exec;
	/* The leaf, for its A/D update. */
	gpa_t leaf_gpa;
	uint64_t leaf;
	bool leaf32;
	gpa_t out;
};

static void record(struct walker *w, int level, gpa_t table, uint64_t entry)
{
	if (w->n >= WALK_MAX_STEPS)
		return;
	if (w->steps) {
		w->steps[w->n].level = level;
		w->steps[w->n].table_gpa = table;
		w->steps[w->n].entry = entry;
	}
	w->n++;
}

static void take_rights(struct walker *w, uint64_t e, bool nx_exists)
{
	w->writable = w->writable && (e & PTE_W);
	w->user = w->user && (e & PTE_U);
	if (nx_exists && (e & PTE_NX))
		w->exec = false;
}

static void set_leaf(struct walker *w, gpa_t entry_gpa, uint64_t e, bool is32, gpa_t out)
{
	w->leaf_gpa = entry_gpa;
	w->leaf = e;
	w->leaf32 = is32;
	w->out = out;
}

/* Set the bits `want` in the entry e read from entry_gpa, with a locked
 * exchange as the processor does (APM 5.4.2: A/D updates are atomic). */
static enum step set_bits(struct walker *w, gpa_t entry_gpa, uint64_t e, uint64_t want, bool is32)
{
	bool swapped = false, ok;

	if ((e & want) == want)
		return STEP_OK;
	if (is32)
		ok = cmpxchg32(w->m, entry_gpa, (uint32_t)e, (uint32_t)(e | want), &swapped);
	else
		ok = cmpxchg64(w->m, entry_gpa, e, e | want, &swapped);
	if (!ok)
		return STEP_BAD_GPA;
	return swapped ? STEP_OK : STEP_RESTART;
}

/* A non-leaf entry's A bit says its table was read (APM 5.4.1, "Accessed
 * (A) Bit": set the first time the page table or physical page is read or
 * written), so it is set here, before the next level is read, whatever the
 * walk finds below. */
static enum step pass_through(struct walker *w, gpa_t entry_gpa, uint64_t e, bool is32)
{
	return w->enforce ? set_bits(w, entry_gpa, e, PTE_A, is32) : STEP_OK;
}

/* 32-bit paging without PAE (APM 5.2): a page directory of 1024 4-byte
 * entries at CR3[31:12], then 4 KiB pages through a page table, or 4 MiB
 * pages when PDE.PS and CR4.PSE. The only reserved bits are in a 4 MiB PDE:
 * bit 21, and the PSE-36 bits for PA bits at or above MAXPHYADDR. No NX. */
static enum step walk_32(struct walker *w, uint32_t va)
{
	const struct guest_paging *p = w->p;
	gpa_t pd = p->cr3 & 0xfffff000ull;
	gpa_t pde_gpa = pd + (va >> 22) * 4;
	uint32_t pde, pte;
	enum step s;

	if (!read32(w->m, pde_gpa, &pde)) {
		record(w, 2, pd, 0);
		return STEP_BAD_GPA;
	}
	record(w, 2, pd, pde);
	if (!(pde & PTE_P))
		return STEP_NOT_PRESENT;
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		uint64_t rsvd = PSE36_RSVD;
		if (w->maxphy < PSE36_PA_BITS)
			rsvd |= bits(20, 13 + (w->maxphy - 32));
		if (pde & rsvd)
			return STEP_RESERVED;
		take_rights(w, pde, false);
		set_leaf(w, pde_gpa, pde, true, (pde & 0xffc00000ull) |
			 ((uint64_t)((pde >> 13) & 0xff) << 32) | (va & 0x3fffff));
		return STEP_OK;
	}
	take_rights(w, pde, false);
	if ((s = pass_through(w, pde_gpa, pde, true)) != STEP_OK)
		return s;

	gpa_t pt = pde & 0xfffff000ull;
	gpa_t pte_gpa = pt + ((va >> 12) & 0x3ff) * 4;
	if (!read32(w->m, pte_gpa, &pte)) {
		record(w, 1, pt, 0);
		return STEP_BAD_GPA;
	}
	record(w, 1, pt, pte);
	if (!(pte & PTE_P))
		return STEP_NOT_PRESENT;
	take_rights(w, pte, false);
	set_leaf(w, pte_gpa, pte, true, (pte & 0xfffff000ull) | (va & 0xfff));
	return STEP_OK;
}

/* PAE (legacy mode, APM 5.2) and long mode (5.3; 5-level with CR4.LA57): tables
 * of 512 8-byte entries, 9 address bits per level. PAE starts at a 4-entry
 * PDPT at CR3[31:5] whose entries have their own reserved bits and carry no
 * rights; long mode starts at CR3[51:12]. A PS bit makes a 1 GiB page at
 * level 3 (long mode only) or a 2 MiB page at level 2; it is reserved in
 * PML4Es and PML5Es. Bit 12 of a large-page entry is PAT, and the bits
 * between it and the page frame are reserved (2 MiB: 20:13, 1 GiB: 29:13).
 * Bits 51:MAXPHYADDR are reserved everywhere, and NX (bit 63) is reserved
 * at every level when EFER.NXE is clear.
 *
 * Legacy-PAE PDPTEs are loaded at MOV CR3 in hardware, and a reserved bit
 * there is a #GP at that point. An emulated walk cannot fault the MOV CR3
 * after the fact; it reads the PDPTE now and reports a reserved bit as a
 * #PF with RSVD, the only exception it can give the access. */
static enum step walk_64(struct walker *w, uint64_t va, bool pae_legacy)
{
	const struct guest_paging *p = w->p;
	bool nxe = (p->efer & EFER_NXE) != 0;
	uint64_t common = w->pa_rsvd | (nxe ? 0 : PTE_NX) | (pae_legacy ? PAE_HI_RSVD : 0);
	int top;
	gpa_t table;
	enum step s;

	if (pae_legacy) {
		top = 3;
		table = p->cr3 & 0xffffffe0ull;
	} else {
		top = (p->cr4 & CR4_LA57) ? 5 : 4;
		table = p->cr3 & PTE_ADDR;
	}

	for (int level = top; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t idx = (va >> shift) & (pae_legacy && level == 3 ? 3 : 511);
		gpa_t entry_gpa = table + idx * 8;
		uint64_t e;

		if (!read64(w->m, entry_gpa, &e)) {
			record(w, level, table, 0);
			return STEP_BAD_GPA;
		}
		record(w, level, table, e);
		if (!(e & PTE_P))
			return STEP_NOT_PRESENT;

		if (pae_legacy && level == 3) {
			if (e & (PAE_PDPTE_RSVD | w->pa_rsvd))
				return STEP_RESERVED;
			table = e & PTE_ADDR;
			continue;
		}
		uint64_t rsvd = common;
		if (level >= 4)
			rsvd |= PTE_PS | (w->enforce ? PML4E_AMD_RSVD : 0);
		bool leaf = level == 1 || (level <= 3 && (e & PTE_PS));
		if (leaf && level > 1)
			rsvd |= bits(shift - 1, 13);
		if (e & rsvd)
			return STEP_RESERVED;

		take_rights(w, e, nxe);
		if (leaf) {
			uint64_t off_mask = BIT(shift) - 1;
			set_leaf(w, entry_gpa, e, false, (e & PTE_ADDR & ~off_mask) | (va & off_mask));
			return STEP_OK;
		}
		if ((s = pass_through(w, entry_gpa, e, false)) != STEP_OK)
			return s;
		table = e & PTE_ADDR;
	}
	return STEP_NOT_PRESENT;   /* not reached: level 1 always ends the walk */
}

static bool long_mode(const struct guest_paging *p)
{
	return (p->efer & EFER_LMA) != 0;
}

/* Canonical: bits 63:47 (63:56 with LA57) all equal (APM 5.3.1). */
static bool canonical(const struct guest_paging *p, uint64_t gva)
{
	unsigned vbits = (p->cr4 & CR4_LA57) ? 57 : 48;
	return (uint64_t)((int64_t)(gva << (64 - vbits)) >> (64 - vbits)) == gva;
}

/* One walk with paging on; the address is canonical if in long mode. */
static enum step walk(struct walker *w, uint64_t gva)
{
	const struct guest_paging *p = w->p;
	unsigned m = p->maxphyaddr;

	/* 0 means "not given"; below 32 does not exist. */
	w->maxphy = (m == 0 || m > 52) ? 52 : (m < 32 ? 32 : m);
	w->pa_rsvd = w->maxphy < 52 ? bits(51, w->maxphy) : 0;
	w->n = 0;
	w->writable = w->user = w->exec = true;
	if (long_mode(p))
		return walk_64(w, gva, false);
	if (p->cr4 & CR4_PAE)
		return walk_64(w, (uint32_t)gva, true);
	return walk_32(w, (uint32_t)gva);
}

/* ---- guest_walk() ---------------------------------------------------------- */

enum walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
			    guest_read64_fn r64, guest_read32_fn r32, void *ctx,
			    gpa_t *gpa, struct walk_step *steps, int *nsteps)
{
	struct guest_mem_ops m = { .read64 = r64, .read32 = r32, .ctx = ctx };
	struct walker w = { .p = p, .m = &m, .steps = steps };
	enum walk_result res = WALK_OK;
	gpa_t out = 0;

	if (!(p->cr0 & CR0_PG)) {
		/* Linear = physical; outside long mode addresses are 32 bits. */
		out = long_mode(p) ? gva : (uint32_t)gva;
	} else if (long_mode(p) && !canonical(p, gva)) {
		res = WALK_NONCANONICAL;
	} else {
		switch (walk(&w, gva)) {
		case STEP_OK:          out = w.out; break;
		case STEP_NOT_PRESENT: res = WALK_NOT_PRESENT; break;
		case STEP_RESERVED:    res = WALK_RESERVED_BIT; break;
		case STEP_BAD_GPA:
		case STEP_RESTART:     res = WALK_BAD_GPA; break;   /* no restarts without writes */
		}
	}

	if (res == WALK_OK && gpa)
		*gpa = out;
	if (nsteps)
		*nsteps = w.n;
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

/* ---- guest_translate() ------------------------------------------------------ */

static bool is_user(unsigned access)
{
	return (access & GUEST_ACCESS_USER) && !(access & GUEST_ACCESS_IMPLICIT_SUPERVISOR);
}

static bool is_write(unsigned access)
{
	return (access & GUEST_ACCESS_WRITE) && !(access & GUEST_ACCESS_FETCH);
}

/* Page protection, after a complete walk (APM 5.6 "Page-Protection
 * Checks"; 5.7 for combining levels). A page is a user page when U/S=1 at
 * every level, writable when R/W=1 at every level.
 *   user access        needs a user page; a write needs writable; a fetch
 *                      needs no NX on the way.
 *   supervisor fetch   needs no NX; with CR4.SMEP, not a user page.
 *   supervisor write   needs writable only when CR0.WP=1.
 *   supervisor data    with CR4.SMAP, not a user page, unless RFLAGS.AC=1
 *                      and the access is explicit (CPL < 3): implicit
 *                      supervisor accesses get no AC override. */
static bool permitted(const struct walker *w, unsigned access)
{
	const struct guest_paging *p = w->p;
	bool fetch = (access & GUEST_ACCESS_FETCH) != 0;
	bool write = is_write(access);

	if (is_user(access))
		return w->user && (!write || w->writable) && (!fetch || w->exec);
	if (fetch)
		return w->exec && !(w->user && (p->cr4 & CR4_SMEP));
	if (write && !w->writable && (p->cr0 & CR0_WP))
		return false;
	if (w->user && (p->cr4 & CR4_SMAP)) {
		bool ac_override = !(access & GUEST_ACCESS_IMPLICIT_SUPERVISOR) && (p->rflags & RFLAGS_AC);
		if (!ac_override)
			return false;
	}
	return true;
}

/* The access part of the #PF error code (APM 8.4.2): W for a write (a fetch
 * is a read), U for a user access (CPL 3; an implicit supervisor access is
 * not one), and I/D for a fetch only when something can fault a fetch as
 * such: no-execute in force, which the APM gives as the condition for the
 * bit (EFER.NXE=1 and CR4.PAE=1: 32-bit non-PAE entries have no NX bit), or
 * CR4.SMEP. Otherwise a fetch reports as a read. P and RSVD are the
 * caller's. */
static uint32_t pf_access_bits(const struct guest_paging *p, unsigned access)
{
	uint32_t e = 0;

	if (is_write(access))
		e |= PF_W;
	if (is_user(access))
		e |= PF_U;
	if ((access & GUEST_ACCESS_FETCH) &&
	    ((p->cr4 & CR4_SMEP) || ((p->efer & EFER_NXE) && (p->cr4 & CR4_PAE))))
		e |= PF_ID;
	return e;
}

/* A/D: the A bit of each non-leaf entry is set as the walk passes it (see
 * pass_through()), so a walk that faults lower down leaves the levels above
 * the faulting entry accessed; the faulting entry itself, and the leaf of a
 * walk that fails its protection check, are not touched, because the table
 * or page they map was never read. After the checks pass, the leaf gets A,
 * and D for a write (APM 5.4.1 "Dirty (D) Bit"), in one exchange. */
enum guest_access_result guest_translate(const struct guest_paging *p, uint64_t gva, unsigned access,
					 const struct guest_mem_ops *ops, gpa_t *gpa, uint32_t *pf_error)
{
	uint32_t pf;

	if (!(p->cr0 & CR0_PG)) {
		if (gpa)
			*gpa = long_mode(p) ? gva : (uint32_t)gva;
		return GACC_OK;
	}
	if (long_mode(p) && !canonical(p, gva))
		return GACC_NONCANONICAL;

	for (int restarts = 0; restarts <= GUEST_TRANSLATE_MAX_RESTARTS; restarts++) {
		struct walker w = { .p = p, .m = ops, .enforce = true };
		enum step s = walk(&w, gva);

		if (s == STEP_OK) {
			if (!permitted(&w, access)) {
				pf = PF_P;
				goto fault;
			}
			s = set_bits(&w, w.leaf_gpa, w.leaf, PTE_A | (is_write(access) ? PTE_D : 0), w.leaf32);
		}
		switch (s) {
		case STEP_OK:
			if (gpa)
				*gpa = w.out;
			return GACC_OK;
		case STEP_NOT_PRESENT:
			pf = 0;
			goto fault;
		case STEP_RESERVED:
			/* Reserved bits are only checked in present entries. */
			pf = PF_P | PF_RSVD;
			goto fault;
		case STEP_BAD_GPA:
			return GACC_BAD_GPA;
		case STEP_RESTART:
			break;
		}
	}
	return GACC_BAD_GPA;

fault:
	if (pf_error)
		*pf_error = pf | pf_access_bits(p, access);
	return GACC_PAGE_FAULT;
}

const char *guest_access_result_name(enum guest_access_result r)
{
	switch (r) {
	case GACC_OK:           return "ok";
	case GACC_PAGE_FAULT:   return "page-fault";
	case GACC_BAD_GPA:      return "bad-gpa";
	case GACC_NONCANONICAL: return "noncanonical";
	}
	return "?";
}

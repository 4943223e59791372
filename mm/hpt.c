/* mm/hpt.c - 4-level page tables for the hypervisor's address space.
 *
 *   va bits:  47..39   38..30   29..21   20..12   11..0
 *             PML4     PDPT     PD       PT       offset
 *   level:    3        2        1        0
 *   leaf at level 2 = 1 GiB page, level 1 = 2 MiB page (PS bit set), level 0 = 4 KiB
 *
 * Entry format: AMD APM Vol. 2, 5.3.3 ("4-Kbyte Page Translation") and 5.4
 * (large pages). Non-leaf entries are always P|W (permissions are decided at
 * the leaf; NX in a non-leaf entry would forbid execution below it). */
#include "arch/x86/pte.h"
#include "mm/hpt.h"

#define LEVELS     4

static uint64_t level_size(int level)
{
	return 1ull << (PAGE_SHIFT + 9 * level);
}

static unsigned level_index(hva_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static bool is_canonical(hva_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* The one place abstract permissions become PTE bits. */
static uint64_t perm_to_pte(const struct hpt *h, unsigned perm)
{
	uint64_t pte = PTE_P | (h->nested ? PTE_U : 0);

	if (perm & HPT_W)
		pte |= PTE_W;
	if (!(perm & HPT_X))
		pte |= PTE_NX;
	if (perm & HPT_GLOBAL)
		pte |= PTE_G;
	return pte;
}

static unsigned pte_to_perm(uint64_t pte)
{
	unsigned perm = HPT_R;

	if (pte & PTE_W)
		perm |= HPT_W;
	if (!(pte & PTE_NX))
		perm |= HPT_X;
	if (pte & PTE_G)
		perm |= HPT_GLOBAL;
	return perm;
}

int hpt_create(struct hpt *h, const struct page_source *ps, bool allow_1g)
{
	h->ps = ps;
	h->allow_1g = allow_1g;
	h->nested = false;
	h->pages_used = 0;
	h->root = ps->alloc(ps->ctx);
	if (!h->root)
		return -1;
	h->pages_used = 1;
	return 0;
}

int hpt_create_nested(struct hpt *h, const struct page_source *ps, bool allow_1g)
{
	if (hpt_create(h, ps, allow_1g) != 0)
		return -1;
	h->nested = true;
	return 0;
}

/* Frees the table at `table` (a level `level` table) and everything below it. */
static void destroy_level(struct hpt *h, uint64_t *table, int level,
			  void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;
		if (level == 0 || (e & PTE_PS)) {
			if (leaf)
				leaf(ctx, e & PTE_ADDR & ~(level_size(level) - 1), level_size(level));
			continue;
		}
		destroy_level(h, h->ps->va(h->ps->ctx, e & PTE_ADDR), level - 1, leaf, ctx);
	}
	h->ps->free(h->ps->ctx, table);
}

void hpt_destroy(struct hpt *h, void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx)
{
	if (!h->root)
		return;
	destroy_level(h, h->root, LEVELS - 1, leaf, ctx);
	h->root = NULL;
	h->pages_used = 0;
}

int hpt_walk(const struct hpt *h, hva_t va, struct hpt_step steps[HPT_WALK_MAX], bool *mapped)
{
	const uint64_t *table = h->root;
	hpa_t table_pa = h->ps->pa(h->ps->ctx, h->root);
	int n = 0;

	*mapped = false;
	for (int level = LEVELS - 1; level >= 0; level--) {
		unsigned idx = level_index(va, level);
		uint64_t e = table[idx];
		steps[n++] = (struct hpt_step){ .level = level + 1, .table_pa = table_pa, .index = idx, .entry = e };
		if (!(e & PTE_P))
			return n;
		if (level == 0 || (e & PTE_PS)) {
			*mapped = true;
			return n;
		}
		table_pa = e & PTE_ADDR;
		table = h->ps->va(h->ps->ctx, table_pa);
	}
	return n;
}

hpa_t hpt_root(const struct hpt *h)
{
	return h->ps->pa(h->ps->ctx, h->root);
}

/* Largest level whose page fits at va/pa within the remaining size. */
static int leaf_level(const struct hpt *h, hva_t va, hpa_t pa, uint64_t remaining)
{
	for (int level = h->allow_1g ? 2 : 1; level > 0; level--) {
		uint64_t sz = level_size(level);
		if (IS_ALIGNED(va, sz) && IS_ALIGNED(pa, sz) && remaining >= sz)
			return level;
	}
	return 0;
}

/* [va, va+size) is page aligned, non-empty, canonical and on one side of the
 * canonical hole (so it never wraps and one PML4 walk order covers it). */
static bool va_range_ok(hva_t va, uint64_t size)
{
	return size && IS_ALIGNED(va | size, PAGE_SIZE) && va + size - 1 >= va &&
	       is_canonical(va) && is_canonical(va + size - 1) &&
	       (va >> 47) == ((va + size - 1) >> 47);
}

/*
 * hpt_map is all or nothing, in three steps:
 *   1. map_plan walks, without writing, the path of every leaf the writes
 *      will create: it fails if anything in the range is mapped, and counts
 *      the table pages that will have to be made;
 *   2. reserve_fill allocates exactly that many pages; if one cannot be had
 *      it gives back those it got, and the table has not been touched;
 *   3. map_one writes, taking table pages from the reserve; nothing can fail.
 * Pre-allocating is preferred to undoing a half-done map: there is no undo
 * path to get wrong, and the table is never in a state another reader (the
 * debug shell's walk, a later hpt_destroy) could trip over. The caller must
 * serialise calls on one table, as the plan is only valid until the next write.
 */

/* The pages reserved for one hpt_map(). They are not tables yet, so each one's
 * first word can chain it to the next: no memory is needed to hold the list,
 * however large the mapping (the link is zeroed when a page is taken). */
struct reserve {
	uint64_t *head;
};

static void reserve_release(struct hpt *h, struct reserve *r)
{
	while (r->head) {
		uint64_t *p = r->head;
		r->head = (uint64_t *)(uintptr_t)p[0];
		h->ps->free(h->ps->ctx, p);
	}
}

static int reserve_fill(struct hpt *h, struct reserve *r, uint64_t n)
{
	r->head = NULL;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *p = h->ps->alloc(h->ps->ctx);
		if (!p) {
			reserve_release(h, r);
			return -1;
		}
		p[0] = (uint64_t)(uintptr_t)r->head;
		r->head = p;
	}
	return 0;
}

static uint64_t *reserve_take(struct reserve *r)
{
	uint64_t *p = r->head;

	/* map_plan counted every table map_one makes; running dry is a bug in
	 * this file, and carrying on would link page 0 as a table. */
	if (!p)
		__builtin_trap();
	r->head = (uint64_t *)(uintptr_t)p[0];
	p[0] = 0;   /* back to the zeroed page the page_source gave */
	return p;
}

/* Step 1 (see above): 0 and *tables = table pages the writes need, or -1 if
 * some part of [va, va+size) is mapped. Each leaf's path is checked: a large
 * page above it, or a present entry in its own slot, is an overlap. A present
 * table where a large leaf would go also counts as one: map and unmap never
 * leave an empty table below the root, so that table holds a mapping in the
 * range. A missing table is counted once, by the first leaf below it: leaves
 * come in address order, so counted[l] (the span, va >> shift of level l+1,
 * of the last level-l table counted) is enough to tell. */
static int map_plan(const struct hpt *h, hva_t va, hpa_t pa, uint64_t size, uint64_t *tables)
{
	uint64_t counted[LEVELS];

	for (int l = 0; l < LEVELS; l++)
		counted[l] = UINT64_MAX;   /* no span number is this large */
	*tables = 0;
	for (uint64_t off = 0; off < size;) {
		hva_t cur = va + off;
		int leaf = leaf_level(h, cur, pa + off, size - off);
		const uint64_t *table = h->root;
		int level = LEVELS - 1;

		for (; level > leaf; level--) {
			uint64_t e = table[level_index(cur, level)];
			if (!(e & PTE_P))
				break;
			if (e & PTE_PS)
				return -1;
			table = h->ps->va(h->ps->ctx, e & PTE_ADDR);
		}
		if (level == leaf) {
			if (table[level_index(cur, leaf)] & PTE_P)
				return -1;
		} else {
			/* The entry at `level` is empty: tables of levels level-1..leaf are new. */
			for (int l = level - 1; l >= leaf; l--) {
				uint64_t span = cur >> (PAGE_SHIFT + 9 * (l + 1));
				if (counted[l] != span) {
					counted[l] = span;
					(*tables)++;
				}
			}
		}
		off += level_size(leaf);
	}
	return 0;
}

/* Step 3: writes one leaf, making the missing tables on its way from the reserve. */
static void map_one(struct hpt *h, struct reserve *r, hva_t va, hpa_t pa, int leaf, uint64_t pte_bits)
{
	uint64_t *table = h->root;

	for (int level = LEVELS - 1; level > leaf; level--) {
		uint64_t *e = &table[level_index(va, level)];
		if (!(*e & PTE_P)) {
			uint64_t *t = reserve_take(r);
			*e = h->ps->pa(h->ps->ctx, t) | PTE_P | PTE_W | (h->nested ? PTE_U : 0);
			h->pages_used++;
		}
		table = h->ps->va(h->ps->ctx, *e & PTE_ADDR);
	}
	table[level_index(va, leaf)] = pa | pte_bits | (leaf > 0 ? PTE_PS : 0);
}

int hpt_map(struct hpt *h, hva_t va, hpa_t pa, uint64_t size, unsigned perm)
{
	if (!va_range_ok(va, size) || !IS_ALIGNED(pa, PAGE_SIZE) || (pa & ~PTE_ADDR) ||
	    ((pa + size - 1) >> 52))
		return -1;
	if ((perm & HPT_W) && (perm & HPT_X) && !h->nested)
		return -1;

	uint64_t tables;
	struct reserve r;
	if (map_plan(h, va, pa, size, &tables) != 0)
		return -1;
	if (reserve_fill(h, &r, tables) != 0)
		return -1;

	uint64_t bits = perm_to_pte(h, perm);
	for (uint64_t off = 0; off < size;) {
		int leaf = leaf_level(h, va + off, pa + off, size - off);
		map_one(h, &r, va + off, pa + off, leaf, bits);
		off += level_size(leaf);
	}
	/* Empty unless map_plan over-counted; gives back any page it did. */
	reserve_release(h, &r);
	return 0;
}

/* True if [va, va+size) is exactly a run of whole mappings: every page is
 * mapped, and no mapping starts before va or ends after va+size. */
static bool range_is_whole_leaves(const struct hpt *h, hva_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		hpa_t pa;
		unsigned perm;
		uint64_t page;
		if (!hpt_lookup(h, va + off, &pa, &perm, &page))
			return false;
		if (!IS_ALIGNED(va + off, page) || page > size - off)
			return false;
		off += page;
	}
	return true;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < 512; i++)
		if (t[i] & PTE_P)
			return false;
	return true;
}

/* Clears the leaves of [first, last] in a level `level` table and frees each
 * table below it that this leaves empty. `last` is inclusive so that a range
 * ending at the top of the address space does not wrap to 0. */
static void unmap_level(struct hpt *h, uint64_t *table, int level, hva_t first, hva_t last,
			void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx)
{
	uint64_t sz = level_size(level);
	hva_t span = ALIGN_DOWN(first, sz);

	for (unsigned i = level_index(first, level); i <= level_index(last, level); i++, span += sz) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;   /* cannot happen: hpt_unmap checked there are no holes */
		if (level == 0 || (e & PTE_PS)) {
			table[i] = 0;
			if (leaf)
				leaf(ctx, e & PTE_ADDR & ~(sz - 1), sz);
			continue;
		}
		uint64_t *child = h->ps->va(h->ps->ctx, e & PTE_ADDR);
		unmap_level(h, child, level - 1, MAX(first, span), MIN(last, span + sz - 1), leaf, ctx);
		if (table_empty(child)) {
			table[i] = 0;
			h->ps->free(h->ps->ctx, child);
			h->pages_used--;
		}
	}
}

int hpt_unmap(struct hpt *h, hva_t va, uint64_t size,
	      void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx)
{
	/* Check everything first, so that a refusal changes nothing. */
	if (!va_range_ok(va, size) || !range_is_whole_leaves(h, va, size))
		return -1;
	unmap_level(h, h->root, LEVELS - 1, va, va + size - 1, leaf, ctx);
	return 0;
}

/* The leaf entry that maps va (present: the caller checked), and the size
 * of the page it maps. */
static uint64_t *leaf_entry(const struct hpt *h, hva_t va, uint64_t *page_size)
{
	uint64_t *table = h->root;

	for (int level = LEVELS - 1;; level--) {
		uint64_t *e = &table[level_index(va, level)];
		if (level == 0 || (*e & PTE_PS)) {
			*page_size = level_size(level);
			return e;
		}
		table = h->ps->va(h->ps->ctx, *e & PTE_ADDR);
	}
}

int hpt_protect(struct hpt *h, hva_t va, uint64_t size, unsigned perm)
{
	/* Check everything first, so that a refusal changes nothing. */
	if (!va_range_ok(va, size) || !range_is_whole_leaves(h, va, size))
		return -1;
	if ((perm & HPT_W) && (perm & HPT_X) && !h->nested)
		return -1;
	/* The bits perm_to_pte decides; the address, P, U and PS stay. */
	const uint64_t perm_bits = PTE_W | PTE_NX | PTE_G;
	uint64_t bits = perm_to_pte(h, perm) & perm_bits;
	for (uint64_t off = 0; off < size;) {
		uint64_t page;
		uint64_t *e = leaf_entry(h, va + off, &page);
		*e = (*e & ~perm_bits) | bits;
		off += page;
	}
	return 0;
}

bool hpt_lookup(const struct hpt *h, hva_t va, hpa_t *pa, unsigned *perm, uint64_t *page_size)
{
	const uint64_t *table = h->root;

	for (int level = LEVELS - 1; level >= 0; level--) {
		uint64_t e = table[level_index(va, level)];
		*page_size = level_size(level);
		if (!(e & PTE_P))
			return false;
		if (level == 0 || (e & PTE_PS)) {
			uint64_t sz = level_size(level);
			*pa = (e & PTE_ADDR & ~(sz - 1)) | (va & (sz - 1));
			*perm = pte_to_perm(e);
			return true;
		}
		table = h->ps->va(h->ps->ctx, e & PTE_ADDR);
	}
	return false;
}

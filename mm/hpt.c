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
#include "mm/hpt.h"

#define PTE_P      BIT(0)
#define PTE_W      BIT(1)
#define PTE_U      BIT(2)
#define PTE_PS     BIT(7)
#define PTE_G      BIT(8)
#define PTE_NX     BIT(63)
#define PTE_ADDR   0x000ffffffffff000ull
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

/* The table below entry *e, allocated if absent; NULL if *e is a leaf or no page is left. */
static uint64_t *next_table(struct hpt *h, uint64_t *e)
{
	if (*e & PTE_P) {
		if (*e & PTE_PS)
			return NULL;
		return h->ps->va(h->ps->ctx, *e & PTE_ADDR);
	}
	uint64_t *t = h->ps->alloc(h->ps->ctx);
	if (!t)
		return NULL;
	h->pages_used++;
	*e = h->ps->pa(h->ps->ctx, t) | PTE_P | PTE_W | (h->nested ? PTE_U : 0);
	return t;
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

static int map_one(struct hpt *h, hva_t va, hpa_t pa, int leaf, uint64_t pte_bits)
{
	uint64_t *table = h->root;

	for (int level = LEVELS - 1; level > leaf; level--) {
		table = next_table(h, &table[level_index(va, level)]);
		if (!table)
			return -1;
	}
	uint64_t *e = &table[level_index(va, leaf)];
	if (*e & PTE_P)
		return -1;
	*e = pa | pte_bits | (leaf > 0 ? PTE_PS : 0);
	return 0;
}

/* True if any page of [va, va+size) is already mapped. */
static bool range_has_mapping(const struct hpt *h, hva_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		hpa_t pa;
		unsigned perm;
		uint64_t page;
		if (hpt_lookup(h, va + off, &pa, &perm, &page))
			return true;
		/* Skip ahead by the size of the hole the walk found (at least 4 KiB). */
		off += page - ((va + off) & (page - 1));
	}
	return false;
}

int hpt_map(struct hpt *h, hva_t va, hpa_t pa, uint64_t size, unsigned perm)
{
	if (!size || !IS_ALIGNED(va | pa | size, PAGE_SIZE) || (pa & ~PTE_ADDR) ||
	    ((pa + size - 1) >> 52) || va + size - 1 < va ||
	    !is_canonical(va) || !is_canonical(va + size - 1) ||
	    (va >> 47) != ((va + size - 1) >> 47))
		return -1;
	if ((perm & HPT_W) && (perm & HPT_X) && !h->nested)
		return -1;
	if (range_has_mapping(h, va, size))
		return -1;

	uint64_t bits = perm_to_pte(h, perm);
	for (uint64_t off = 0; off < size;) {
		int leaf = leaf_level(h, va + off, pa + off, size - off);
		if (map_one(h, va + off, pa + off, leaf, bits) != 0)
			return -1;
		off += level_size(leaf);
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

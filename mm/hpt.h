/* mm/hpt.h - Builder for 4-level x86-64 page tables: the hypervisor's own
 * (host) tables and, in nested mode, the nested page tables of a VM (AMD
 * APM Vol. 2, 15.25 "Nested Paging": the same format, walked with every
 * guest access treated as a user access, so U is set at every level).
 *
 * Pure logic: the tables' pages come from a page_source, so the same code
 * builds real tables in the hypervisor and malloc-backed ones in unit tests.
 * Permissions are abstract (HPT_R/W/X) and turned into PTE bits in exactly one
 * place. Host tables refuse W together with X (W^X is enforced, not hoped
 * for); nested tables allow it, since guest RAM holds the guest's code. */
#ifndef MM_HPT_H
#define MM_HPT_H

#include "lib/types.h"

enum hpt_perm { HPT_R = 1 << 0, HPT_W = 1 << 1, HPT_X = 1 << 2, HPT_GLOBAL = 1 << 3 };

struct page_source {
	void *(*alloc)(void *ctx);                 /* one zeroed 4 KiB page, or NULL */
	void (*free)(void *ctx, void *page);       /* gives a page back (destroy, unmap, failed map) */
	hpa_t (*pa)(void *ctx, void *page);        /* its physical address */
	void *(*va)(void *ctx, hpa_t pa);          /* back to a pointer */
	void *ctx;
};

struct hpt {
	const struct page_source *ps;
	uint64_t *root;
	bool allow_1g;          /* CPUID 8000_0001h EDX[26] Page1GB */
	bool nested;            /* nested page table: U at every level, W+X allowed */
	uint64_t pages_used;    /* table pages allocated, for the boot log */
};

/* 0, or -1 when the root page cannot be allocated. */
int hpt_create(struct hpt *h, const struct page_source *ps, bool allow_1g);
/* The same for a VM's nested page table. */
int hpt_create_nested(struct hpt *h, const struct page_source *ps, bool allow_1g);

/* Frees every table page; calls leaf(ctx, pa, size) for each mapping first
 * so the caller can free what the table mapped (a VM's RAM). */
void hpt_destroy(struct hpt *h, void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx);

/* Maps [va, va+size) to [pa, pa+size) with perm, using the largest pages
 * that alignment allows (1 GiB, 2 MiB, 4 KiB). va, pa and size must be 4 KiB
 * aligned, va canonical. Returns 0; -1 for bad arguments, for W together with
 * X, when any part is already mapped, or when a table page cannot be had.
 * All or nothing: after -1 the table is exactly as before (no entry written,
 * every page it allocated given back, pages_used unchanged), so a caller that
 * runs out of memory just frees its own frames and may still hpt_destroy().
 * It checks the whole range, then allocates every table page it will need,
 * then writes (mm/hpt.c). Calls on one table must not run concurrently. */
int hpt_map(struct hpt *h, hva_t va, hpa_t pa, uint64_t size, unsigned perm);

/* Removes the mappings of [va, va+size), calling leaf(ctx, pa, size) once for
 * each (leaf may be NULL), and frees the table pages this leaves empty, so a
 * map then an unmap of the same range brings pages_used back. The range must
 * be exactly a run of whole mappings, made by one hpt_map or several: -1 with
 * nothing changed for bad arguments (as hpt_map), for any unmapped 4 KiB page
 * in it, or for a 2 MiB/1 GiB page that starts before va or ends after
 * va+size (pages are never split). Returns 0 otherwise.
 * No TLB is flushed; the caller must: for a nested table, flush the VM's ASID
 * (TLB_CONTROL, or a new ASID generation) before its next VMRUN; for host
 * tables, INVLPG or reload CR3 on every CPU using them. Until then the TLB may
 * still translate through the removed entries and through the table pages
 * already given back, so no CPU may run on this table (a vCPU in guest mode)
 * from the call until the flush, and frames freed by leaf() must not be used
 * through the old addresses. */
int hpt_unmap(struct hpt *h, hva_t va, uint64_t size,
	      void (*leaf)(void *ctx, hpa_t pa, uint64_t size), void *ctx);

/* Changes the permissions of the mappings of [va, va+size) to perm (their
 * addresses and page sizes stay): the same rule as hpt_unmap, the range
 * exactly a run of whole mappings (pages are never split), and -1 with
 * nothing changed for bad arguments, for W together with X in a host
 * table, or for a hole or a page that starts before va or ends after
 * va+size; 0 otherwise. No TLB is flushed: as for hpt_unmap, the caller
 * must (for a nested table, the VM's ASID before its next VMRUN); until
 * then the old permissions may still apply. */
int hpt_protect(struct hpt *h, hva_t va, uint64_t size, unsigned perm);

/* Translates va. Returns false if unmapped; else the physical address, the
 * permissions and the size of the page that maps it. */
bool hpt_lookup(const struct hpt *h, hva_t va, hpa_t *pa, unsigned *perm, uint64_t *page_size);

hpa_t hpt_root(const struct hpt *h);

/* One level of a walk: level 4 (PML4) to 1 (PT), the table's physical
 * address, the index used in it and the entry found there. */
struct hpt_step { int level; hpa_t table_pa; unsigned index; uint64_t entry; };
#define HPT_WALK_MAX 4
/* The walk for va, for the debug shell: fills steps and returns how many
 * (the last one is the leaf, or the non-present entry that ended it).
 * *mapped says which. */
int hpt_walk(const struct hpt *h, hva_t va, struct hpt_step steps[HPT_WALK_MAX], bool *mapped);

#endif

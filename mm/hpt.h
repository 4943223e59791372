/* mm/hpt.h - Builder for the hypervisor's own 4-level x86-64 page tables.
 *
 * Pure logic: the tables' pages come from a page_source, so the same code
 * builds real tables in the hypervisor and malloc-backed ones in unit tests.
 * Permissions are abstract (HPT_R/W/X) and turned into PTE bits in exactly one
 * place; a mapping with W never gets X (W^X is enforced, not hoped for). */
#ifndef MM_HPT_H
#define MM_HPT_H

#include "lib/types.h"

enum hpt_perm { HPT_R = 1 << 0, HPT_W = 1 << 1, HPT_X = 1 << 2, HPT_GLOBAL = 1 << 3 };

struct page_source {
	void *(*alloc)(void *ctx);                 /* one zeroed 4 KiB page, or NULL */
	hpa_t (*pa)(void *ctx, void *page);        /* its physical address */
	void *(*va)(void *ctx, hpa_t pa);          /* back to a pointer */
	void *ctx;
};

struct hpt {
	const struct page_source *ps;
	uint64_t *root;
	bool allow_1g;          /* CPUID 8000_0001h EDX[26] Page1GB */
	uint64_t pages_used;    /* table pages allocated, for the boot log */
};

/* 0, or -1 when the root page cannot be allocated. */
int hpt_create(struct hpt *h, const struct page_source *ps, bool allow_1g);

/* Maps [va, va+size) to [pa, pa+size) with perm, using the largest pages
 * that alignment allows (1 GiB, 2 MiB, 4 KiB). va, pa and size must be 4 KiB
 * aligned, va canonical. Returns 0; -1 for bad arguments, for W together with
 * X, when any part is already mapped, or when a table page cannot be had. */
int hpt_map(struct hpt *h, hva_t va, hpa_t pa, uint64_t size, unsigned perm);

/* Translates va. Returns false if unmapped; else the physical address, the
 * permissions and the size of the page that maps it. */
bool hpt_lookup(const struct hpt *h, hva_t va, hpa_t *pa, unsigned *perm, uint64_t *page_size);

hpa_t hpt_root(const struct hpt *h);

#endif

/* lib/ksyms.c - Address to symbol lookup: a binary search over the sorted table. */
#include "lib/ksyms.h"

const struct ksym *ksym_find(const struct ksym *tab, size_t n, uint64_t end, uint64_t addr)
{
	size_t lo = 0, hi = n;

	if (n == 0 || addr < tab[0].addr || addr >= end)
		return NULL;
	/* Invariant: tab[lo].addr <= addr, and every entry at or after hi is above addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tab[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &tab[lo];
}

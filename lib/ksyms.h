/* lib/ksyms.h - Function names for addresses in the hypervisor image, so
 * panic dumps say where (hv_main+0x3c), not just a number. The table is
 * generated from the linked image by scripts/gen-ksyms.sh (two-pass link). */
#ifndef LIB_KSYMS_H
#define LIB_KSYMS_H

#include "lib/types.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

/* The image's table, sorted by address (build/ksyms.c). */
extern const struct ksym ksyms[];
extern const size_t ksym_count;

/* The entry of sorted table tab[0..n) with the highest addr <= addr, or NULL
 * when addr is below the first entry or at/after `end` (the end of the code). */
const struct ksym *ksym_find(const struct ksym *tab, size_t n, uint64_t end, uint64_t addr);

#endif

/* lib/words.h - Splitting a command line into words (separated by spaces and
 * tabs), shared by the hypervisor's and the guest modules' parsers. */
#ifndef LIB_WORDS_H
#define LIB_WORDS_H

#include "lib/types.h"

/* Skips blanks at *p and returns the length of the word that follows (0 at
 * the end of the string), with *start pointing at it; *p moves past it. */
size_t word_next(const char **p, const char **start);

/* Parses a whole word as an unsigned number: 0x-prefixed hex or decimal.
 * False on anything else (empty, other characters) or a value above max. */
bool word_to_u64(const char *s, uint64_t max, uint64_t *out);

#endif

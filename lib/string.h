/* lib/string.h - The kernel's own mem* and str* routines, standard names and semantics.
 * The kernel links no libc, yet gcc emits memcpy/memset calls on its own, so
 * these must exist under exactly these names. Host unit tests take libc's. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#ifdef HOST_TEST
#include <string.h>
#else

#include "lib/types.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif /* HOST_TEST */
#endif

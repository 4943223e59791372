/* lib/words.c - Command-line word splitting. */
#include "lib/words.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t word_next(const char **p, const char **start)
{
	const char *s = *p;
	size_t len = 0;

	while (is_blank(*s))
		s++;
	while (s[len] && !is_blank(s[len]))
		len++;
	*start = s;
	*p = s + len;
	return len;
}

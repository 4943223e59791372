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

bool word_to_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

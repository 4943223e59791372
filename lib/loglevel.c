/* lib/loglevel.c - Log level names, shared by the command line's
 * loglevel= and the shell's `loglevel`. Pure logic: host-tested. */
#include "lib/log.h"
#include "lib/string.h"

static const char *const level_names[] = { "error", "warn", "info", "debug" };

const char *log_level_name(enum log_level level)
{
	return (unsigned)level < ARRAY_SIZE(level_names) ? level_names[level] : NULL;
}

bool log_level_parse(const char *s, enum log_level *level)
{
	for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strcmp(s, level_names[i]) == 0 || (s[0] == (char)('0' + i) && s[1] == '\0')) {
			*level = (enum log_level)i;
			return true;
		}
	}
	return false;
}

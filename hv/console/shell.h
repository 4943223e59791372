/* hv/console/shell.h - The debug shell on the serial console (prompt "hv> "): one
 * command per line, each answering in whole lines, a bad command answering
 * with one "error: ..." line. The commands and their output fields are an
 * interface (README "The shell"): extend them, do not change them. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

#include "lib/types.h"

/* Runs one command line (on the boot CPU, from console_poll()). */
void shell_run_line(const char *line);
/* Tab completion for the line editor (lib/lineedit.h): command names, then
 * VM names or the command's keywords. */
unsigned shell_complete(void *ctx, const char *line, size_t line_len, unsigned word_index,
			const char *prefix, size_t prefix_len, const char **out, unsigned max);

#endif

/* boot/efi/config.h - hvboot.efi's config file reader (\svm-hv.cfg).
 *
 * The file holds the same lines as a grub.cfg menu entry, and GRUB
 * `source`s the very same file on the USB image, so only the subset that
 * means the same to both is accepted (docs/boot.md, "hvboot.efi"):
 *   - blank lines and lines whose first non-blank character is '#'
 *   - `multiboot2 PATH [WORD...]`            exactly one, before any module
 *   - `module2 [--nounzip] PATH [WORD...]`   zero or more
 * Blanks are spaces and tabs (a CR before the newline is a blank too);
 * words are separated by runs of them. PATH is absolute, written with '/'
 * as GRUB writes it; it is given back in the firmware's form with '\'.
 * The words after PATH are not interpreted: joined by single spaces they
 * become the command line, as GRUB 2.06's grub_create_loader_cmdline()
 * makes it for words without quotes or blanks in them. Characters that
 * GRUB's script language reads differently (' " $ \ ; { } | & < > and a
 * '#' that is not the first of the line) and control characters are
 * refused, so a line can never mean one thing here and another to GRUB.
 *
 * Pure C: built into hvboot.efi and into tests/unit/test_hvboot_config.c. */
#ifndef BOOT_EFI_CONFIG_H
#define BOOT_EFI_CONFIG_H

#include "lib/types.h"

/* The hypervisor keeps at most MB2_MAX_MODULES (boot/multiboot2.h) modules. */
#define HVCFG_MAX_MODULES  32
#define HVCFG_PATH_MAX     256    /* bytes, NUL included */
#define HVCFG_CMDLINE_MAX  1024   /* bytes, NUL included */

struct hvcfg_file {
	char path[HVCFG_PATH_MAX];        /* "\boot\hv.elf": the volume's root is "\" */
	char cmdline[HVCFG_CMDLINE_MAX];  /* the words after PATH, single spaces, "" if none */
	bool nounzip;                     /* module2 --nounzip: load a .gz as it is */
	unsigned line;                    /* 1-based line of the config file */
};

struct hvcfg {
	struct hvcfg_file kernel;                      /* the multiboot2 line */
	struct hvcfg_file modules[HVCFG_MAX_MODULES];  /* the module2 lines, in order */
	unsigned module_count;
};

/* Reads the config text (len bytes, need not be NUL-terminated). name is
 * the file's name for messages. Returns 0, or -1 with err set to
 * "NAME:LINE: why" (or "NAME: why" for what concerns no single line, such
 * as a missing multiboot2 line). */
int hvcfg_parse(const char *text, size_t len, const char *name, struct hvcfg *out,
		char *err, size_t errlen);

#endif

/* boot/efi/config.c - hvboot.efi's config file reader (grammar in config.h). */
#include "boot/efi/config.h"
#include "lib/printf.h"
#include "lib/string.h"

/* One line being read: its text and the position of the next word. */
struct cfg_line {
	const char *p, *end;
	unsigned number;
};

static bool is_blank(char c)
{
	/* GRUB's lexer separates words by spaces and tabs; a CR is what a file
	 * written on another system leaves before the newline. */
	return c == ' ' || c == '\t' || c == '\r';
}

/* The characters GRUB's script language gives a meaning (quoting,
 * variables, escapes, command separators, blocks, redirections): a word
 * holding one would not reach GRUB's multiboot2/module2 as it is written. */
static bool is_grub_special(char c)
{
	return c == '\'' || c == '"' || c == '$' || c == '\\' || c == ';' || c == '{' ||
	       c == '}' || c == '|' || c == '&' || c == '<' || c == '>' || c == '#';
}

/* The next word of the line, or false at its end. */
static bool next_word(struct cfg_line *l, const char **word, size_t *len)
{
	while (l->p < l->end && is_blank(*l->p))
		l->p++;
	if (l->p == l->end)
		return false;
	*word = l->p;
	while (l->p < l->end && !is_blank(*l->p))
		l->p++;
	*len = (size_t)(l->p - *word);
	return true;
}

static bool word_is(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/* Refuses a line with a character that GRUB would read otherwise. The
 * line's first non-blank character is not '#' here (comments are skipped). */
static int check_chars(const struct cfg_line *l, const char *name, char *err, size_t errlen)
{
	for (const char *c = l->p; c < l->end; c++) {
		unsigned char u = (unsigned char)*c;
		if (is_blank(*c))
			continue;
		if (u < 0x20 || u == 0x7f) {
			hv_set_err(err, errlen, "%s:%u: control character 0x%02x in the line", name,
				   l->number, u);
			return -1;
		}
		if (is_grub_special(*c)) {
			hv_set_err(err, errlen,
				   "%s:%u: character '%c' is not allowed: GRUB's script language would read it otherwise (only plain words)",
				   name, l->number, *c);
			return -1;
		}
	}
	return 0;
}

/* PATH as the firmware names it: "/boot/hv.elf" -> "\boot\hv.elf". */
static int take_path(const struct cfg_line *l, const char *w, size_t len, struct hvcfg_file *f,
		     const char *name, char *err, size_t errlen)
{
	if (w[0] != '/') {
		hv_set_err(err, errlen, "%s:%u: path '%.*s' must start with '/' (absolute from the volume's root)",
			   name, l->number, (int)len, w);
		return -1;
	}
	if (len >= sizeof(f->path)) {
		hv_set_err(err, errlen, "%s:%u: path longer than %zu bytes", name, l->number,
			   sizeof(f->path) - 1);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char u = (unsigned char)w[i];
		if (u >= 0x80) {
			hv_set_err(err, errlen, "%s:%u: path '%.*s' is not ASCII", name, l->number,
				   (int)len, w);
			return -1;
		}
		f->path[i] = w[i] == '/' ? '\\' : w[i];
	}
	f->path[len] = '\0';
	return 0;
}

/* The rest of the line's words, joined by single spaces. */
static int take_cmdline(struct cfg_line *l, struct hvcfg_file *f, const char *name, char *err,
			size_t errlen)
{
	const char *w;
	size_t len, n = 0;

	while (next_word(l, &w, &len)) {
		if (n + (n ? 1 : 0) + len >= sizeof(f->cmdline)) {
			hv_set_err(err, errlen, "%s:%u: command line longer than %zu bytes", name,
				   l->number, sizeof(f->cmdline) - 1);
			return -1;
		}
		if (n)
			f->cmdline[n++] = ' ';
		memcpy(f->cmdline + n, w, len);
		n += len;
	}
	f->cmdline[n] = '\0';
	return 0;
}

/* multiboot2 PATH [WORD...] / module2 [--nounzip] PATH [WORD...] */
static int take_file(struct cfg_line *l, const char *cmd, bool is_module, struct hvcfg_file *f,
		     const char *name, char *err, size_t errlen)
{
	const char *w;
	size_t len;

	*f = (struct hvcfg_file){ .line = l->number };
	if (!next_word(l, &w, &len)) {
		hv_set_err(err, errlen, "%s:%u: %s needs a path", name, l->number, cmd);
		return -1;
	}
	/* GRUB's module2 takes --nounzip only as its first argument. */
	if (is_module && word_is(w, len, "--nounzip")) {
		f->nounzip = true;
		if (!next_word(l, &w, &len)) {
			hv_set_err(err, errlen, "%s:%u: %s --nounzip needs a path", name, l->number, cmd);
			return -1;
		}
	}
	if (take_path(l, w, len, f, name, err, errlen) != 0)
		return -1;
	return take_cmdline(l, f, name, err, errlen);
}

static int take_line(struct cfg_line *l, struct hvcfg *out, const char *name, char *err,
		     size_t errlen)
{
	const char *w;
	size_t len;

	if (!next_word(l, &w, &len) || w[0] == '#')
		return 0;   /* blank line or comment */
	l->p = w;
	if (check_chars(l, name, err, errlen) != 0)
		return -1;
	next_word(l, &w, &len);
	if (word_is(w, len, "multiboot2")) {
		if (out->kernel.line) {
			hv_set_err(err, errlen, "%s:%u: a second multiboot2 line (the first is line %u)",
				   name, l->number, out->kernel.line);
			return -1;
		}
		return take_file(l, "multiboot2", false, &out->kernel, name, err, errlen);
	}
	if (word_is(w, len, "module2")) {
		if (!out->kernel.line) {
			hv_set_err(err, errlen, "%s:%u: module2 before the multiboot2 line", name,
				   l->number);
			return -1;
		}
		if (out->module_count == HVCFG_MAX_MODULES) {
			hv_set_err(err, errlen, "%s:%u: more than %u module2 lines (the hypervisor takes %u modules)",
				   name, l->number, HVCFG_MAX_MODULES, HVCFG_MAX_MODULES);
			return -1;
		}
		return take_file(l, "module2", true, &out->modules[out->module_count++], name, err,
				 errlen);
	}
	hv_set_err(err, errlen, "%s:%u: unknown command '%.*s': only multiboot2 and module2 lines are understood",
		   name, l->number, (int)MIN(len, 40), w);
	return -1;
}

/* The first c in [p, end), or NULL (lib/string.h has no memchr). */
static const char *find_char(const char *p, const char *end, char c)
{
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
}

int hvcfg_parse(const char *text, size_t len, const char *name, struct hvcfg *out,
		char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	struct cfg_line l = { .number = 0 };

	memset(out, 0, sizeof(*out));
	hv_set_err(err, errlen, "%s", "");
	/* Some editors start a UTF-8 file with a byte-order mark, which GRUB
	 * reads as part of the first command's name: say what it is. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		hv_set_err(err, errlen, "%s:1: the file starts with a UTF-8 byte-order mark: save it as plain text without one",
			   name);
		return -1;
	}
	while (p < end) {
		const char *nl = find_char(p, end, '\n');
		l.p = p;
		l.end = nl ? nl : end;
		l.number++;
		if (find_char(l.p, l.end, '\0')) {
			hv_set_err(err, errlen, "%s:%u: NUL byte in the line (not a text file?)", name,
				   l.number);
			return -1;
		}
		if (take_line(&l, out, name, err, errlen) != 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	if (!out->kernel.line) {
		hv_set_err(err, errlen, "%s: no multiboot2 line (which names the hypervisor)", name);
		return -1;
	}
	return 0;
}

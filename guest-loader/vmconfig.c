/* guest-loader/vmconfig.c - Parser for a guest module's command line (grammar in vmconfig.h).
 * Same shape as hv/init/cmdline.c: a table maps each key to its parser. Unlike
 * there, the first problem ends the parse: a guest started with a setting it
 * was not given would fail later, far from the cause. */
#include "guest-loader/vmconfig.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/words.h"

/* Room for any sensible word (a name is 15 bytes, an address 18) and still
 * short enough to quote whole in an error. */
#define WORD_MAX 64

#define MEM_MIN          (1 * MiB)
#define MEM_MAX          (64 * GiB)
#define MEM_ALIGN        (4 * KiB)        /* the guest's RAM is mapped in pages */
#define REAL_ENTRY_LIMIT 0x10000ull       /* IP is 16 bits when CS = 0 */
#define REAL_TOP         (1 * MiB)        /* all that real mode can address */
#define PROTECTED_TOP    (4 * GiB)        /* all that 32-bit linear addresses reach */
#define LOAD_REAL        0x7c00ull        /* where a BIOS puts a boot sector */
#define LOAD_OTHER       0x100000ull      /* 1M: clear of the real-mode area */
#define CPU_MAX          255
#define MULTIBOOT_MEM_MIN (2 * MiB)       /* the kernel loads at 1M or above, as a rule */
#define ARGS_MARK        "--"             /* the words after it are the kernel's or module's */

/* Table order; also the bit numbers in parse_state.seen. */
enum opt_id {
	OPT_VM, OPT_TYPE, OPT_MEM, OPT_MODE, OPT_LOAD, OPT_ENTRY, OPT_ON_RESET, OPT_CPU, OPT_CPUS, OPT_TESTDEV,
	OPT_COUNT
};
_Static_assert(OPT_COUNT <= 32, "seen is a 32-bit mask");

struct parse_state {
	struct vm_config cfg;
	uint32_t seen;          /* BIT(opt_id) once that key has been given */
	const char *word;       /* the word being parsed, quoted in errors */
	int16_t cpu_list[VM_MAX_VCPUS];   /* cpu=LIST as written */
	unsigned cpu_list_len;
	int type;               /* type=: a vm_type, or TYPE_MODULE */
	bool has_args;          /* "--" was given: cfg.args is what follows it */
	char *err;
	size_t errlen;
};

struct choice { const char *name; int value; };

/* Not a vm_type: recognised so the error can say "not yet" rather than "unknown". */
#define TYPE_RESERVED 0
/* Not a vm_type either: the line attaches a file to a VM. */
#define TYPE_MODULE   100

static const struct choice type_choices[] = {
	{ "flat", VM_TYPE_FLAT }, { "multiboot", VM_TYPE_MULTIBOOT }, { "module", TYPE_MODULE },
	{ "linux", TYPE_RESERVED }, { NULL, 0 },
};
static const struct choice on_off_choices[] = { { "on", 1 }, { "off", 0 }, { NULL, 0 } };
static const struct choice mode_choices[] = {
	{ "real", VM_MODE_REAL }, { "protected", VM_MODE_PROTECTED }, { "long", VM_MODE_LONG }, { NULL, 0 },
};
static const struct choice on_reset_choices[] = {
	{ "stop", VM_ON_RESET_STOP }, { "restart", VM_ON_RESET_RESTART }, { NULL, 0 },
};

static int match_choice(const struct choice *c, const char *val)
{
	for (const struct choice *p = c; p->name; p++)
		if (strcmp(p->name, val) == 0)
			return p->value;
	return -1;
}

/* Writes the whole error line; returns false so callers can `return fail(...)`. */
static bool fail(struct parse_state *ps, const char *fmt, ...) __printf(2, 3);
static bool fail(struct parse_state *ps, const char *fmt, ...)
{
	va_list ap;

	if (!ps->err || ps->errlen == 0)
		return false;
	va_start(ap, fmt);
	hv_vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* An error about the current word's value: "option 'WORD': REASON". */
static bool bad_value(struct parse_state *ps, const char *fmt, ...) __printf(2, 3);
static bool bad_value(struct parse_state *ps, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return fail(ps, "option '%s': %s", ps->word, why);
}

enum num_status { NUM_OK, NUM_BAD, NUM_TOO_BIG };

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Binary units: guest RAM and addresses are counted in powers of two. */
static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default: return 0;
	}
}

/* Decimal or 0x hex, then (with_suffix) an optional K/M/G. The whole string
 * is checked before overflow is reported, so "1x" is bad, never too big. */
static enum num_status parse_number(const char *s, bool with_suffix, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned base = 10, shift = with_suffix && n ? suffix_shift(s[n - 1]) : 0;
	bool too_big = false;
	uint64_t v = 0;

	if (shift)
		n--;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return NUM_BAD;
	for (size_t i = 0; i < n; i++) {
		int d = digit_value(s[i]);
		if (d < 0 || (unsigned)d >= base)
			return NUM_BAD;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			too_big = true;
		v = v * base + (unsigned)d;
	}
	if (too_big || v > (UINT64_MAX >> shift))
		return NUM_TOO_BIG;
	*out = v << shift;
	return NUM_OK;
}

/* Each option parser returns true, or false with err written. */
typedef bool (*option_fn)(struct parse_state *ps, const char *val);

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static bool opt_vm(struct parse_state *ps, const char *val)
{
	size_t n = strnlen(val, VM_NAME_MAX);

	if (n >= VM_NAME_MAX)
		return bad_value(ps, "name longer than %d characters", VM_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(val[i]))
			return bad_value(ps, "a name may use only A-Z a-z 0-9 _ -");
	memcpy(ps->cfg.name, val, n + 1);
	return true;
}

static bool opt_type(struct parse_state *ps, const char *val)
{
	int v = match_choice(type_choices, val);

	if (v == TYPE_RESERVED)
		return fail(ps, "type=%s is not supported yet (type=flat, multiboot and module are)", val);
	if (v < 0)
		return bad_value(ps, "unknown type (expected flat, multiboot or module)");
	ps->type = v;
	if (v != TYPE_MODULE)
		ps->cfg.type = (enum vm_type)v;
	return true;
}

static bool opt_testdev(struct parse_state *ps, const char *val)
{
	int v = match_choice(on_off_choices, val);

	if (v < 0)
		return bad_value(ps, "expected on or off");
	ps->cfg.testdev = v == 1;
	return true;
}

static bool opt_mode(struct parse_state *ps, const char *val)
{
	int v = match_choice(mode_choices, val);

	if (v < 0)
		return bad_value(ps, "expected real, protected or long");
	ps->cfg.mode = (enum vm_mode)v;
	return true;
}

static bool opt_on_reset(struct parse_state *ps, const char *val)
{
	int v = match_choice(on_reset_choices, val);

	if (v < 0)
		return bad_value(ps, "expected stop or restart");
	ps->cfg.on_reset = (enum vm_on_reset)v;
	return true;
}

static bool opt_mem(struct parse_state *ps, const char *val)
{
	uint64_t v = 0;
	enum num_status st = parse_number(val, true, &v);

	if (st == NUM_BAD)
		return bad_value(ps, "bad size (use a number with K, M or G)");
	if (st == NUM_TOO_BIG || v > MEM_MAX)
		return bad_value(ps, "too large (at most 64G)");
	if (v < MEM_MIN)
		return bad_value(ps, "too small (at least 1M)");
	if (!IS_ALIGNED(v, MEM_ALIGN))
		return bad_value(ps, "not a multiple of 4K");
	ps->cfg.mem_size = v;
	return true;
}

static bool parse_addr(struct parse_state *ps, const char *val, uint64_t *out)
{
	enum num_status st = parse_number(val, false, out);

	if (st == NUM_TOO_BIG)
		return bad_value(ps, "address does not fit in 64 bits");
	if (st != NUM_OK)
		return bad_value(ps, "bad address (use decimal or 0x hex)");
	return true;
}

static bool opt_load(struct parse_state *ps, const char *val)
{
	return parse_addr(ps, val, &ps->cfg.load_addr);
}

static bool opt_entry(struct parse_state *ps, const char *val)
{
	return parse_addr(ps, val, &ps->cfg.entry);
}

/* cpu=N or cpu=N,N,...: one host CPU for every vCPU, or one per vCPU
 * (checked against cpus= once both are known: apply_cpu_list). */
static bool opt_cpu(struct parse_state *ps, const char *val)
{
	char num[WORD_MAX];
	const char *p = val;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		uint64_t v = 0;
		if (ps->cpu_list_len == VM_MAX_VCPUS)
			return bad_value(ps, "more than %d CPUs listed", VM_MAX_VCPUS);
		memcpy(num, p, n);
		num[n] = '\0';
		if (parse_number(num, false, &v) != NUM_OK || v > CPU_MAX)
			return bad_value(ps, "expected a CPU number 0-%d, or a list of them separated by commas", CPU_MAX);
		ps->cpu_list[ps->cpu_list_len++] = (int16_t)v;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

static bool opt_cpus(struct parse_state *ps, const char *val)
{
	uint64_t v = 0;

	if (parse_number(val, false, &v) != NUM_OK || v < 1 || v > VM_MAX_VCPUS)
		return bad_value(ps, "expected a number of vCPUs, 1-%d", VM_MAX_VCPUS);
	ps->cfg.vcpus = (unsigned)v;
	return true;
}

/* Each vCPU's host CPU: none given, one for all, or one each. */
static bool apply_cpu_list(struct parse_state *ps)
{
	unsigned n = ps->cpu_list_len, want = ps->cfg.vcpus;

	if (n > 1 && n != want)
		return fail(ps, "cpu= lists %u CPUs for cpus=%u: give one CPU for all vCPUs or one per vCPU", n, want);
	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		ps->cfg.cpu[i] = n == 0 ? -1 : ps->cpu_list[n == 1 ? 0 : (i < n ? i : 0)];
	return true;
}

static const struct { const char *key; option_fn parse; } options[OPT_COUNT] = {
	[OPT_VM] = { "vm", opt_vm },
	[OPT_TYPE] = { "type", opt_type },
	[OPT_MEM] = { "mem", opt_mem },
	[OPT_MODE] = { "mode", opt_mode },
	[OPT_LOAD] = { "load", opt_load },
	[OPT_ENTRY] = { "entry", opt_entry },
	[OPT_ON_RESET] = { "on_reset", opt_on_reset },
	[OPT_CPU] = { "cpu", opt_cpu },
	[OPT_CPUS] = { "cpus", opt_cpus },
	[OPT_TESTDEV] = { "testdev", opt_testdev },
};

static bool parse_word(struct parse_state *ps, const char *word)
{
	const char *eq = strchr(word, '=');
	size_t key_len = eq ? (size_t)(eq - word) : 0;

	ps->word = word;
	if (!eq)
		return fail(ps, "option '%s' has no value (write %s=VALUE)", word, word);
	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (strlen(options[i].key) != key_len || strncmp(options[i].key, word, key_len) != 0)
			continue;
		if (!eq[1])
			return fail(ps, "option '%s' has an empty value", word);
		/* Last-wins would hide a typo in a line the user believes is in force. */
		if (ps->seen & BIT(i))
			return fail(ps, "option '%s': %s= given twice", word, options[i].key);
		ps->seen |= (uint32_t)BIT(i);
		return options[i].parse(ps, eq + 1);
	}
	return fail(ps, "unknown option '%s'", word);
}

/* Splits at spaces and tabs; stops at the first bad word. The word "--"
 * ends the options: what follows it (after one blank) is the argument
 * string, kept as it is. */
static bool parse_words(struct parse_state *ps, const char *cmdline)
{
	char word[WORD_MAX];
	const char *p = cmdline ? cmdline : "", *w;
	size_t len;

	while ((len = word_next(&p, &w)) != 0) {
		if (len == strlen(ARGS_MARK) && strncmp(w, ARGS_MARK, len) == 0) {
			ps->has_args = true;
			ps->cfg.args = *p ? p + 1 : p;
			return true;
		}
		if (len >= sizeof(word))
			return fail(ps, "option '%.*s...' is longer than %d characters", (int)MIN(len, 32), w,
				    WORD_MAX - 1);
		memcpy(word, w, len);
		word[len] = '\0';
		if (!parse_word(ps, word))
			return false;
	}
	return true;
}

static bool check_required(struct parse_state *ps)
{
	if (!(ps->seen & BIT(OPT_VM)))
		return fail(ps, "vm= missing (name the guest, e.g. vm=guest0)");
	if (!(ps->seen & BIT(OPT_TYPE)))
		return fail(ps, "type= missing (write type=flat, type=multiboot or type=module)");
	if (ps->type != TYPE_MODULE && !(ps->seen & BIT(OPT_MEM)))
		return fail(ps, "mem= missing (guest RAM, e.g. mem=16M)");
	return true;
}

/* The first option given of those in `refused` (a mask of opt_id bits). */
static const char *first_given(const struct parse_state *ps, uint32_t refused)
{
	for (unsigned i = 0; i < OPT_COUNT; i++)
		if (ps->seen & refused & BIT(i))
			return options[i].key;
	return NULL;
}

/* Options that make no sense for the line's type are errors, not ignored:
 * the user believes they are in force. */
static bool check_type_options(struct parse_state *ps)
{
	const char *key;

	switch (ps->type) {
	case TYPE_MODULE:
		key = first_given(ps, (uint32_t)~(BIT(OPT_VM) | BIT(OPT_TYPE)));
		if (key)
			return fail(ps, "type=module: %s= does not apply (a module line takes only vm=, type= and -- ARGS)",
				    key);
		return true;
	case VM_TYPE_MULTIBOOT:
		key = first_given(ps, BIT(OPT_MODE) | BIT(OPT_LOAD) | BIT(OPT_ENTRY));
		if (key)
			return fail(ps, "type=multiboot: %s= does not apply (the kernel's Multiboot header says where it loads and how it starts)",
				    key);
		if (ps->cfg.mem_size < MULTIBOOT_MEM_MIN)
			return fail(ps, "type=multiboot: mem= is too small (at least 2M: the kernel loads at 1M or above)");
		return true;
	default:
		if (ps->seen & BIT(OPT_TESTDEV))
			return fail(ps, "type=flat: testdev= applies to type=multiboot only");
		if (ps->has_args)
			return fail(ps, "type=flat takes no arguments (nothing may follow --)");
		return true;
	}
}

/* Load and entry default from the mode, so they are filled in only now. */
static void apply_defaults(struct parse_state *ps)
{
	if (!(ps->seen & BIT(OPT_LOAD)))
		ps->cfg.load_addr = ps->cfg.mode == VM_MODE_REAL ? LOAD_REAL : LOAD_OTHER;
	if (!(ps->seen & BIT(OPT_ENTRY)))
		ps->cfg.entry = ps->cfg.load_addr;
}

/* True when [base, base + size) ends at or below top, without overflowing. */
static bool fits_below(uint64_t base, uint64_t size, uint64_t top)
{
	return size <= top && base <= top - size;
}

/* mem as the user would write it: the largest unit that divides it exactly. */
static void format_size(char *buf, size_t len, uint64_t bytes)
{
	if (IS_ALIGNED(bytes, GiB))
		hv_snprintf(buf, len, "%lluG", (unsigned long long)(bytes / GiB));
	else if (IS_ALIGNED(bytes, MiB))
		hv_snprintf(buf, len, "%lluM", (unsigned long long)(bytes / MiB));
	else
		hv_snprintf(buf, len, "%lluK", (unsigned long long)(bytes / KiB));
}

/* The end of what the mode can address without paging; 0 for mode=long,
 * whose reach is set by the loader's page tables, not by the mode. */
static uint64_t mode_top(enum vm_mode m)
{
	return m == VM_MODE_REAL ? REAL_TOP : m == VM_MODE_PROTECTED ? PROTECTED_TOP : 0;
}

/* Where the image may go: inside what the mode addresses, inside RAM (less
 * the page tables for mode=long), and holding the entry point, because a
 * flat image is the only thing loaded and anything else is zeros. */
static bool check_image(struct parse_state *ps, uint64_t size)
{
	const struct vm_config *c = &ps->cfg;
	unsigned long long load = c->load_addr, entry = c->entry, bytes = size;
	bool is_long = c->mode == VM_MODE_LONG;
	/* The image goes into the RAM below 3 GiB (more RAM lies above 4 GiB,
	 * hv/vm.h), under mode=long's page tables at its top. */
	uint64_t low_ram = MIN(c->mem_size, (uint64_t)VM_LOW_RAM_TOP);
	uint64_t ram_top = low_ram - (is_long ? VM_LONG_MODE_PT_BYTES : 0);
	char mem[24];

	if (c->mode == VM_MODE_REAL && c->entry >= REAL_ENTRY_LIMIT)
		return fail(ps, "mode=real: entry=0x%llx is not below 0x10000 (the guest starts at CS:IP = 0000:entry)",
			    entry);
	if (size == 0)
		return fail(ps, "the module is empty: no image to load");
	if (mode_top(c->mode) && !fits_below(c->load_addr, size, mode_top(c->mode)))
		return fail(ps, "mode=%s: the image (%llu bytes at load=0x%llx) must end by 0x%llx",
			    vm_mode_name(c->mode), bytes, load, (unsigned long long)mode_top(c->mode));
	if (!fits_below(c->load_addr, size, ram_top)) {
		format_size(mem, sizeof(mem), c->mem_size);
		return fail(ps, "the image (%llu bytes at load=0x%llx) does not fit in mem=%s%s%s", bytes, load, mem,
			    c->mem_size > VM_LOW_RAM_TOP ? " below 3G" : "",
			    is_long ? " below the page tables in its last 24K" : "");
	}
	if (c->entry < c->load_addr || c->entry - c->load_addr >= size)
		return fail(ps, "entry=0x%llx is outside the image (%llu bytes at load=0x%llx)", entry, bytes, load);
	return true;
}

int vmconfig_parse_line(const char *cmdline, uint64_t image_size, struct vmconfig_line *out, char *err,
			size_t errlen)
{
	struct parse_state ps = {
		.cfg = { .mode = VM_MODE_REAL, .on_reset = VM_ON_RESET_STOP, .vcpus = 1, .args = "" },
		.err = err,
		.errlen = errlen,
	};

	if (!parse_words(&ps, cmdline) || !check_required(&ps) || !check_type_options(&ps))
		return -1;
	if (ps.type == TYPE_MODULE) {
		memset(out, 0, sizeof(*out));
		out->kind = VMCONFIG_ATTACHES;
		memcpy(out->cfg.name, ps.cfg.name, sizeof(out->cfg.name));
		out->cfg.args = ps.cfg.args;
	} else {
		if (!apply_cpu_list(&ps))
			return -1;
		if (ps.cfg.type == VM_TYPE_FLAT) {
			apply_defaults(&ps);
			if (!check_image(&ps, image_size))
				return -1;
		}
		out->kind = VMCONFIG_CREATES_VM;
		out->cfg = ps.cfg;
	}
	if (err && errlen)
		err[0] = '\0';
	return 0;
}

int vmconfig_parse(const char *cmdline, uint64_t image_size, struct vm_config *out, char *err, size_t errlen)
{
	struct vmconfig_line line;

	if (vmconfig_parse_line(cmdline, image_size, &line, err, errlen) != 0)
		return -1;
	if (line.kind != VMCONFIG_CREATES_VM) {
		if (err && errlen)
			hv_snprintf(err, errlen, "type=module attaches a file to a VM; it does not create one");
		return -1;
	}
	*out = line.cfg;
	return 0;
}

bool vmconfig_module_line_vm(const char *cmdline, char name[VM_NAME_MAX])
{
	const char *p = cmdline ? cmdline : "", *w;
	bool module = false;
	size_t len;

	name[0] = '\0';
	while ((len = word_next(&p, &w)) != 0) {
		if (len == strlen(ARGS_MARK) && strncmp(w, ARGS_MARK, len) == 0)
			break;
		if (len == strlen("type=module") && strncmp(w, "type=module", len) == 0)
			module = true;
		if (len > 3 && strncmp(w, "vm=", 3) == 0 && len - 3 < VM_NAME_MAX) {
			memcpy(name, w + 3, len - 3);
			name[len - 3] = '\0';
		}
	}
	return module;
}

#define ELF_MAGIC        "\x7f" "ELF"
#define BZIMAGE_MAGIC    "HdrS"     /* Linux boot protocol (Documentation/x86/boot.rst): at 0x202 */
#define BZIMAGE_MAGIC_AT 0x202

const char *vmconfig_flat_image_hint(const uint8_t *image, uint64_t size)
{
	if (size >= BZIMAGE_MAGIC_AT + 4 && memcmp(image + BZIMAGE_MAGIC_AT, BZIMAGE_MAGIC, 4) == 0)
		return "it is a Linux bzImage (\"HdrS\" at 0x202): a Linux kernel wants type=linux";
	if (size >= 4 && memcmp(image, ELF_MAGIC, 4) == 0)
		return "it is an ELF file, not a flat binary: a Multiboot kernel wants type=multiboot";
	return NULL;
}

const char *vm_mode_name(enum vm_mode m)
{
	switch (m) {
	case VM_MODE_REAL: return "real";
	case VM_MODE_PROTECTED: return "protected";
	case VM_MODE_LONG: return "long";
	}
	return "unknown";
}

/* boot/multiboot2.c - Multiboot2 boot-information parser: every length checked before any read.
 *
 * The info block comes from the boot loader, so it is input, not trusted
 * data: a buggy loader, a truncated copy or a fuzzer must end in a one-line
 * reason, never in a read outside [mbi, mbi + total_size). The walk reads a
 * tag's header only when 8 bytes are left, reads a field only when the tag's
 * size covers it, and advances by ALIGN_UP(size, 8) >= 8 bytes per step, so
 * it ends after at most total_size / 8 tags. */
#include "lib/types.h"
#include "lib/string.h"
#include "lib/printf.h"
#include "boot/multiboot2.h"

/* Where the walk is, for the handlers and the error messages. */
struct mb2_parser {
	const uint8_t *base;   /* start of the info block */
	uint32_t total;        /* total_size, already checked against avail */
	uint32_t index;        /* tag number in messages, from 0 */
	uint32_t off;          /* offset of the current tag */
	uint32_t type, size;   /* its header */
	struct mb2_info *out;
	char *err;
	size_t errlen;
};

typedef int (*mb2_tag_fn)(struct mb2_parser *p);

/* Per known type: log name, the size of its fixed fields (spec layouts in
 * multiboot2.h) and the handler that reads it. Types without a handler are
 * only checked for their fixed part: nothing reads the rest, and a quirk in a
 * tag the hypervisor does not use must not stop the boot. */
struct mb2_tag_desc {
	const char *name;
	uint32_t min_size;
	mb2_tag_fn parse;
};

/* --- error messages -------------------------------------------------------- */

/* Appends to err at *used; keeps the buffer NUL-terminated and *used <= errlen - 1. */
static void err_vappend(char *err, size_t errlen, size_t *used, const char *fmt, va_list ap)
{
	int n;

	if (!err || errlen == 0 || *used >= errlen - 1)
		return;
	n = hv_vsnprintf(err + *used, errlen - *used, fmt, ap);
	if (n > 0)
		*used = MIN(*used + (size_t)n, errlen - 1);
}

static void err_append(char *err, size_t errlen, size_t *used, const char *fmt, ...) __printf(4, 5);
static void err_append(char *err, size_t errlen, size_t *used, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vappend(err, errlen, used, fmt, ap);
	va_end(ap);
}

/* A failure not tied to one tag (the info block header, the pointer). */
static int block_error(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);
static int block_error(char *err, size_t errlen, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	if (err && errlen)
		err[0] = '\0';
	va_start(ap, fmt);
	err_vappend(err, errlen, &used, fmt, ap);
	va_end(ap);
	return -1;
}

/* A failure in the current tag: "tag #N (type T name) at offset 0xO <reason>". */
static int tag_error(struct mb2_parser *p, const char *fmt, ...) __printf(2, 3);
static int tag_error(struct mb2_parser *p, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	if (p->err && p->errlen)
		p->err[0] = '\0';
	err_append(p->err, p->errlen, &used, "tag #%u (type %u %s) at offset 0x%x ",
		   p->index, p->type, mb2_tag_name(p->type), p->off);
	va_start(ap, fmt);
	err_vappend(p->err, p->errlen, &used, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- helpers ----------------------------------------------------------------- */

static const void *tag_ptr(const struct mb2_parser *p)
{
	return p->base + p->off;
}

/* The NUL-terminated string at byte str_off of the current tag, or NULL when
 * no NUL lies inside the tag (the spec requires one; a string that runs on
 * would be read past the tag by every later strlen). */
static const char *tag_string(struct mb2_parser *p, uint32_t str_off)
{
	const char *s = (const char *)tag_ptr(p) + str_off;
	size_t room = p->size - str_off;   /* size >= min_size >= str_off, checked */

	if (strnlen(s, room) >= room) {
		tag_error(p, "has no NUL terminator in its %zu-byte string", room);
		return NULL;
	}
	return s;
}

/* --- tag handlers -------------------------------------------------------------- */

/* Spec "Boot command line". Repeats are allowed through; the first wins. */
static int parse_cmdline(struct mb2_parser *p)
{
	const char *s = tag_string(p, sizeof(struct mb2_tag_string));

	if (!s)
		return -1;
	if (!p->out->cmdline)
		p->out->cmdline = s;
	return 0;
}

/* Spec "Boot loader name". */
static int parse_loader_name(struct mb2_parser *p)
{
	const char *s = tag_string(p, sizeof(struct mb2_tag_string));

	if (!s)
		return -1;
	if (!p->out->bootloader_name)
		p->out->bootloader_name = s;
	return 0;
}

/* Spec "Modules": one tag per module, [mod_start, mod_end). */
static int parse_module(struct mb2_parser *p)
{
	const struct mb2_tag_module *t = tag_ptr(p);
	struct mb2_module *m;
	const char *s;

	if (t->mod_start > t->mod_end)
		return tag_error(p, "has module start 0x%x above its end 0x%x", t->mod_start, t->mod_end);
	s = tag_string(p, sizeof(*t));
	if (!s)
		return -1;
	if (p->out->module_count >= MB2_MAX_MODULES)
		return tag_error(p, "is over the limit: too many modules (max %u)", MB2_MAX_MODULES);
	m = &p->out->modules[p->out->module_count++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	m->cmdline = s;
	return 0;
}

/* Spec "Basic memory information". */
static int parse_basic_meminfo(struct mb2_parser *p)
{
	const struct mb2_tag_basic_meminfo *t = tag_ptr(p);

	if (p->out->has_basic_meminfo)
		return 0;
	p->out->has_basic_meminfo = true;
	p->out->mem_lower_kb = t->mem_lower;
	p->out->mem_upper_kb = t->mem_upper;
	return 0;
}

/* Spec "Memory map": entry_size is a multiple of 8 and may exceed the 24
 * bytes known today; entries are (size - 16) / entry_size. */
static int parse_mmap(struct mb2_parser *p)
{
	const struct mb2_tag_mmap *t = tag_ptr(p);

	if (t->entry_size < sizeof(struct mb2_mmap_entry))
		return tag_error(p, "has entry_size %u, less than the %zu bytes of an entry",
				 t->entry_size, sizeof(struct mb2_mmap_entry));
	if (!IS_ALIGNED(t->entry_size, 8))
		return tag_error(p, "has entry_size %u, not a multiple of 8", t->entry_size);
	if (p->out->mmap)
		return 0;
	p->out->mmap = t->entries;
	p->out->mmap_entry_size = t->entry_size;
	p->out->mmap_count = (p->size - (uint32_t)sizeof(*t)) / t->entry_size;
	return 0;
}

/* Spec "Framebuffer info": only the common part is read. */
static int parse_framebuffer(struct mb2_parser *p)
{
	const struct mb2_tag_framebuffer *t = tag_ptr(p);
	struct mb2_info *o = p->out;

	if (o->has_framebuffer)
		return 0;
	o->has_framebuffer = true;
	o->fb_addr = t->framebuffer_addr;
	o->fb_pitch = t->framebuffer_pitch;
	o->fb_width = t->framebuffer_width;
	o->fb_height = t->framebuffer_height;
	o->fb_bpp = t->framebuffer_bpp;
	o->fb_type = t->framebuffer_type;
	return 0;
}

/* Spec "EFI 64-bit system table pointer". */
static int parse_efi64_st(struct mb2_parser *p)
{
	const struct mb2_tag_efi64 *t = tag_ptr(p);

	if (p->out->has_efi64_st)
		return 0;
	p->out->has_efi64_st = true;
	p->out->efi64_system_table = t->pointer;
	return 0;
}

/* Spec "ACPI old/new RSDP": the tag holds a copy of the RSDP, 20 bytes for
 * ACPI 1.0 and 36 for 2.0+. The new one is preferred whatever the order, as
 * it carries the XSDT address. */
static int parse_rsdp(struct mb2_parser *p)
{
	bool is_new = p->type == MB2_TAG_ACPI_NEW;
	uint32_t need = is_new ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN;
	uint32_t len = p->size - (uint32_t)sizeof(struct mb2_tag_acpi);
	struct mb2_info *o = p->out;

	if (len < need)
		return tag_error(p, "holds a %u-byte RSDP, less than the %u bytes of an ACPI %s RSDP",
				 len, need, is_new ? "2.0" : "1.0");
	if (o->rsdp && (o->rsdp_tag == MB2_TAG_ACPI_NEW || !is_new))
		return 0;
	o->rsdp = ((const struct mb2_tag_acpi *)tag_ptr(p))->rsdp;
	o->rsdp_len = len;
	o->rsdp_tag = (uint8_t)p->type;
	return 0;
}

/* Spec "EFI memory map": descriptors of descr_size bytes, which UEFI allows
 * to be larger than struct efi_memory_descriptor, never smaller. */
static int parse_efi_mmap(struct mb2_parser *p)
{
	const struct mb2_tag_efi_mmap *t = tag_ptr(p);

	if (t->descr_size < sizeof(struct efi_memory_descriptor))
		return tag_error(p, "has descr_size %u, less than the %zu bytes of a UEFI memory descriptor",
				 t->descr_size, sizeof(struct efi_memory_descriptor));
	if (p->out->efi_mmap)
		return 0;
	p->out->efi_mmap = t->efi_mmap;
	p->out->efi_desc_size = t->descr_size;
	p->out->efi_desc_version = t->descr_vers;
	p->out->efi_mmap_count = (p->size - (uint32_t)sizeof(*t)) / t->descr_size;
	return 0;
}

/* Spec "EFI boot services not terminated": the tag's presence is the news. */
static int parse_efi_bs(struct mb2_parser *p)
{
	p->out->efi_boot_services_active = true;
	return 0;
}

/* Spec "Image load base physical address". */
static int parse_load_base(struct mb2_parser *p)
{
	const struct mb2_tag_load_base_addr *t = tag_ptr(p);

	if (p->out->has_load_base)
		return 0;
	p->out->has_load_base = true;
	p->out->load_base_addr = t->load_base_addr;
	return 0;
}

static const struct mb2_tag_desc tag_descs[MB2_TAG_TYPE_COUNT] = {
	[MB2_TAG_END]             = { "end",                sizeof(struct mb2_tag),                NULL },
	[MB2_TAG_CMDLINE]         = { "cmdline",            sizeof(struct mb2_tag_string),         parse_cmdline },
	[MB2_TAG_BOOTLOADER_NAME] = { "boot loader name",   sizeof(struct mb2_tag_string),         parse_loader_name },
	[MB2_TAG_MODULE]          = { "module",             sizeof(struct mb2_tag_module),         parse_module },
	[MB2_TAG_BASIC_MEMINFO]   = { "basic meminfo",      sizeof(struct mb2_tag_basic_meminfo),  parse_basic_meminfo },
	[MB2_TAG_BOOTDEV]         = { "bootdev",            sizeof(struct mb2_tag_bootdev),        NULL },
	[MB2_TAG_MMAP]            = { "mmap",               sizeof(struct mb2_tag_mmap),           parse_mmap },
	[MB2_TAG_VBE]             = { "vbe",                sizeof(struct mb2_tag_vbe),            NULL },
	[MB2_TAG_FRAMEBUFFER]     = { "framebuffer",        sizeof(struct mb2_tag_framebuffer),    parse_framebuffer },
	[MB2_TAG_ELF_SECTIONS]    = { "elf sections",       sizeof(struct mb2_tag_elf_sections),   NULL },
	[MB2_TAG_APM]             = { "apm",                sizeof(struct mb2_tag_apm),            NULL },
	[MB2_TAG_EFI32_ST]        = { "efi32 system table", sizeof(struct mb2_tag_efi32),          NULL },
	[MB2_TAG_EFI64_ST]        = { "efi64 system table", sizeof(struct mb2_tag_efi64),          parse_efi64_st },
	[MB2_TAG_SMBIOS]          = { "smbios",             sizeof(struct mb2_tag_smbios),         NULL },
	[MB2_TAG_ACPI_OLD]        = { "acpi old rsdp",      sizeof(struct mb2_tag_acpi),           parse_rsdp },
	[MB2_TAG_ACPI_NEW]        = { "acpi new rsdp",      sizeof(struct mb2_tag_acpi),           parse_rsdp },
	[MB2_TAG_NETWORK]         = { "network",            sizeof(struct mb2_tag),                NULL },
	[MB2_TAG_EFI_MMAP]        = { "efi mmap",           sizeof(struct mb2_tag_efi_mmap),       parse_efi_mmap },
	[MB2_TAG_EFI_BS]          = { "efi boot services",  sizeof(struct mb2_tag),                parse_efi_bs },
	[MB2_TAG_EFI32_IH]        = { "efi32 image handle", sizeof(struct mb2_tag_efi32),          NULL },
	[MB2_TAG_EFI64_IH]        = { "efi64 image handle", sizeof(struct mb2_tag_efi64),          NULL },
	[MB2_TAG_LOAD_BASE_ADDR]  = { "load base addr",     sizeof(struct mb2_tag_load_base_addr), parse_load_base },
};

const char *mb2_tag_name(uint32_t type)
{
	if (type < MB2_TAG_TYPE_COUNT && tag_descs[type].name)
		return tag_descs[type].name;
	return "unknown";
}

/* --- the walk ---------------------------------------------------------------------- */

/* Checks the current tag's header against the block and its type's fixed part. */
static int check_tag_bounds(struct mb2_parser *p)
{
	if (p->size == 0)
		return tag_error(p, "has size 0");
	if (p->size < sizeof(struct mb2_tag))
		return tag_error(p, "has size %u, less than its own 8-byte header", p->size);
	if (p->size > p->total - p->off)
		return tag_error(p, "runs past the end of the info block (0x%x+0x%x > 0x%x)",
				 p->off, p->size, p->total);
	if (p->type < MB2_TAG_TYPE_COUNT && p->size < tag_descs[p->type].min_size)
		return tag_error(p, "has size %u, less than the %u bytes of its fixed fields",
				 p->size, tag_descs[p->type].min_size);
	return 0;
}

/* Walks the tags from offset 8 to the end tag. Returns 0 at a valid end tag. */
static int walk_tags(struct mb2_parser *p)
{
	uint64_t off = sizeof(struct mb2_info_header);

	for (p->index = 0;; p->index++) {
		const struct mb2_tag *t;

		/* Spec "Basic tags structure": the tags end with type 0, size 8;
		 * running out of bytes first means the block was cut or garbled. */
		if (off >= p->total || p->total - off < sizeof(struct mb2_tag))
			return block_error(p->err, p->errlen,
					   "missing end tag: tag #%u would start at offset 0x%llx but the info block ends at 0x%x",
					   p->index, (unsigned long long)off, p->total);
		p->off = (uint32_t)off;
		t = tag_ptr(p);
		p->type = t->type;
		p->size = t->size;
		if (check_tag_bounds(p))
			return -1;
		if (p->type == MB2_TAG_END) {
			if (p->size != sizeof(struct mb2_tag))
				return tag_error(p, "has size %u, an end tag must be 8", p->size);
			return 0;
		}
		if (p->type < MB2_TAG_TYPE_COUNT && tag_descs[p->type].parse && tag_descs[p->type].parse(p))
			return -1;
		/* size >= 8 here, so each step moves on by at least 8 bytes. */
		off += ALIGN_UP(p->size, MB2_TAG_ALIGN);
	}
}

/* Spec "Boot information format": the fixed part, then the tags. */
static int check_header(const void *mbi, size_t avail, uint32_t *total, char *err, size_t errlen)
{
	const struct mb2_info_header *h = mbi;
	const uint32_t min_total = sizeof(struct mb2_info_header) + sizeof(struct mb2_tag);

	if (!mbi)
		return block_error(err, errlen, "no boot information (NULL pointer)");
	if (!IS_ALIGNED((uintptr_t)mbi, MB2_INFO_ALIGN))
		return block_error(err, errlen, "boot information at %p is not 8-byte aligned", mbi);
	if (avail < sizeof(*h))
		return block_error(err, errlen, "only %zu bytes of boot information available, its header is 8",
				   avail);
	if (h->total_size < min_total)
		return block_error(err, errlen,
				   "info block total_size %u is less than %u (header plus end tag)",
				   h->total_size, min_total);
	if (h->total_size > avail)
		return block_error(err, errlen,
				   "info block is truncated: total_size 0x%x but only 0x%zx bytes available",
				   h->total_size, avail);
	*total = h->total_size;
	return 0;
}

int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out, char *err, size_t errlen)
{
	struct mb2_parser p;
	uint32_t total = 0;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (check_header(mbi, avail, &total, err, errlen))
		return -1;
	p = (struct mb2_parser){ .base = mbi, .total = total, .out = out, .err = err, .errlen = errlen };
	if (walk_tags(&p)) {
		/* No half-filled result for a caller that forgets the return value. */
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->total_size = total;
	return 0;
}

void mb2_mmap_entry(const struct mb2_info *info, uint32_t i, uint64_t *base, uint64_t *len, uint32_t *type)
{
	const struct mb2_mmap_entry *e;

	*base = 0;
	*len = 0;
	*type = 0;
	if (!info->mmap || i >= info->mmap_count)
		return;
	e = (const void *)(info->mmap + (size_t)i * info->mmap_entry_size);
	*base = e->base_addr;
	*len = e->length;
	*type = e->type;
}

void mb2_efi_mmap_entry(const struct mb2_info *info, uint32_t i, uint32_t *type, uint64_t *phys_start,
			uint64_t *num_pages, uint64_t *attribute)
{
	const struct efi_memory_descriptor *d;

	*type = 0;
	*phys_start = 0;
	*num_pages = 0;
	*attribute = 0;
	if (!info->efi_mmap || i >= info->efi_mmap_count)
		return;
	/* Packed: a descr_size that is not a multiple of 8 leaves the u64s unaligned. */
	d = (const void *)(info->efi_mmap + (size_t)i * info->efi_desc_size);
	*type = d->type;
	*phys_start = d->physical_start;
	*num_pages = d->number_of_pages;
	*attribute = d->attribute;
}

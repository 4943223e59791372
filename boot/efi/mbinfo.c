/* boot/efi/mbinfo.c - The Multiboot2 information block for the hypervisor (mbinfo.h). */
#include "boot/efi/mbinfo.h"
#include "boot/multiboot2.h"
#include "lib/string.h"

/* Multiboot2 spec "Memory map": persistent memory, a type our parser's header
 * does not name (the hypervisor treats it as not usable). */
#define MB2_MMAP_PERSISTENT 7u

/* Spec "Framebuffer info": the direct RGB colour fields after the common part. */
struct mb2_fb_rgb {
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __packed;
_Static_assert(sizeof(struct mb2_fb_rgb) == 6, "mb2_fb_rgb");

/* The end tag and the fixed tags that follow the EFI map in mbi_finish. */
#define MBI_TAIL (sizeof(struct mb2_tag_efi_mmap) + sizeof(struct mb2_tag_mmap) + \
		  sizeof(struct mb2_tag_basic_meminfo) + sizeof(struct mb2_tag) + 16)

void mbi_init(struct mbi *m, void *buf, uint32_t cap)
{
	*m = (struct mbi){ .buf = buf, .cap = cap };
	if (cap < sizeof(struct mb2_info_header)) {
		m->full = true;
		return;
	}
	memset(buf, 0, sizeof(struct mb2_info_header));
	m->len = sizeof(struct mb2_info_header);
}

/* A zeroed tag of size bytes (header included), 8-byte aligned (spec
 * "Basic tags structure": tags are padded so that each starts at an 8-byte boundary). */
static void *add_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint32_t padded = (uint32_t)ALIGN_UP(size, MB2_TAG_ALIGN);

	if (m->full || padded < size || m->cap - m->len < padded) {
		m->full = true;
		return NULL;
	}
	struct mb2_tag *t = (struct mb2_tag *)(m->buf + m->len);
	memset(t, 0, padded);
	t->type = type;
	t->size = size;
	m->len += padded;
	return t;
}

void mbi_add_string(struct mbi *m, uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	struct mb2_tag_string *t = add_tag(m, type, (uint32_t)sizeof(*t) + n);
	if (t)
		memcpy(t->string, s, n);
}

void mbi_add_module(struct mbi *m, uint32_t start, uint32_t end, const char *cmdline)
{
	uint32_t n = (uint32_t)strlen(cmdline) + 1;
	struct mb2_tag_module *t = add_tag(m, MB2_TAG_MODULE, (uint32_t)sizeof(*t) + n);
	if (!t)
		return;
	t->mod_start = start;
	t->mod_end = end;
	memcpy(t->cmdline, cmdline, n);
}

void mbi_add_efi64(struct mbi *m, uint32_t type, uint64_t pointer)
{
	struct mb2_tag_efi64 *t = add_tag(m, type, sizeof(*t));
	if (t)
		t->pointer = pointer;
}

void mbi_add_rsdp(struct mbi *m, uint32_t type, const void *rsdp, uint32_t len)
{
	struct mb2_tag_acpi *t = add_tag(m, type, (uint32_t)sizeof(*t) + len);
	if (t)
		memcpy(t->rsdp, rsdp, len);
}

void mbi_add_framebuffer(struct mbi *m, const struct mbi_fb *fb)
{
	struct mb2_tag_framebuffer *t =
		add_tag(m, MB2_TAG_FRAMEBUFFER, sizeof(*t) + sizeof(struct mb2_fb_rgb));
	if (!t)
		return;
	t->framebuffer_addr = fb->addr;
	t->framebuffer_pitch = fb->pitch;
	t->framebuffer_width = fb->width;
	t->framebuffer_height = fb->height;
	t->framebuffer_bpp = fb->bpp;
	t->framebuffer_type = MB2_FB_TYPE_RGB;
	struct mb2_fb_rgb rgb = { fb->red_pos, fb->red_size, fb->green_pos, fb->green_size,
				  fb->blue_pos, fb->blue_size };
	memcpy(t->color_info, &rgb, sizeof(rgb));
}

uint32_t mb2_type_from_efi(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE: case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE: case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MB2_MMAP_AVAILABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MB2_MMAP_ACPI_RECLAIMABLE;
	case EFI_ACPI_MEMORY_NVS:
		return MB2_MMAP_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MB2_MMAP_BADRAM;
	case EFI_PERSISTENT_MEMORY:
		return MB2_MMAP_PERSISTENT;
	default:
		return MB2_MMAP_RESERVED;
	}
}

void *mbi_efi_mmap_room(struct mbi *m, uint32_t *room, uint32_t *mark)
{
	*mark = m->len;
	*room = 0;
	if (m->full || m->cap - m->len < MBI_TAIL)
		return NULL;
	/* Each EFI descriptor (40 bytes or more) becomes a 24-byte entry of
	 * tag 6 as well: keep 24/64 of the free space for those. */
	uint32_t free = m->cap - m->len - (uint32_t)MBI_TAIL;
	*room = (uint32_t)ALIGN_DOWN((uint64_t)free * 40 / 64, 8);
	return m->buf + m->len + sizeof(struct mb2_tag_efi_mmap);
}

void mbi_rewind(struct mbi *m, uint32_t mark)
{
	m->len = mark;
	m->full = false;
}

/* Available memory running without a gap from start (bytes), up to limit. */
static uint64_t available_run(const uint8_t *map, uint32_t count, uint32_t desc_size,
			      uint64_t start, uint64_t limit)
{
	uint64_t at = start;

	/* Each pass extends the run by one descriptor: at most count passes. */
	for (uint32_t pass = 0; pass < count && at < limit; pass++) {
		bool grew = false;
		for (uint32_t i = 0; i < count; i++) {
			struct efi_memory_descriptor d;
			memcpy(&d, map + (size_t)i * desc_size, sizeof(d));
			uint64_t end = d.physical_start + d.number_of_pages * EFI_PAGE_SIZE;
			if (mb2_type_from_efi(d.type) == MB2_MMAP_AVAILABLE && d.physical_start <= at &&
			    at < end) {
				at = end;
				grew = true;
			}
		}
		if (!grew)
			break;
	}
	return MIN(at, limit) - start;
}

uint32_t mbi_finish(struct mbi *m, uint32_t map_size, uint32_t desc_size, uint32_t desc_version)
{
	uint32_t room, mark;

	if (!mbi_efi_mmap_room(m, &room, &mark) || map_size > room || desc_size < sizeof(struct efi_memory_descriptor))
		goto full;
	/* Tag 17 (spec "EFI memory map"): the descriptors are already in place. */
	struct mb2_tag_efi_mmap *e = (struct mb2_tag_efi_mmap *)(m->buf + m->len);
	e->hdr.type = MB2_TAG_EFI_MMAP;
	e->hdr.size = (uint32_t)sizeof(*e) + map_size;
	e->descr_size = desc_size;
	e->descr_vers = desc_version;
	const uint8_t *map = e->efi_mmap;
	uint32_t count = map_size / desc_size;
	m->len += (uint32_t)ALIGN_UP(e->hdr.size, MB2_TAG_ALIGN);

	/* Tag 6 (spec "Memory map"): the same ranges with Multiboot2 types. */
	struct mb2_tag_mmap *t = add_tag(m, MB2_TAG_MMAP,
					 (uint32_t)sizeof(*t) + count * (uint32_t)sizeof(struct mb2_mmap_entry));
	if (!t)
		goto full;
	t->entry_size = sizeof(struct mb2_mmap_entry);
	t->entry_version = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct efi_memory_descriptor d;
		memcpy(&d, map + (size_t)i * desc_size, sizeof(d));
		struct mb2_mmap_entry me = { .base_addr = d.physical_start,
					     .length = d.number_of_pages * EFI_PAGE_SIZE,
					     .type = mb2_type_from_efi(d.type) };
		memcpy(t->entries + (size_t)i * sizeof(me), &me, sizeof(me));
	}

	/* Tag 4 (spec "Basic memory information"): KiB from 0 (at most 640) and from 1 MiB (to the
	 * first hole, at most what 32 bits of KiB say). */
	struct mb2_tag_basic_meminfo *b = add_tag(m, MB2_TAG_BASIC_MEMINFO, sizeof(*b));
	if (!b)
		goto full;
	b->mem_lower = (uint32_t)(available_run(map, count, desc_size, 0, 640 * KiB) / KiB);
	b->mem_upper = (uint32_t)(available_run(map, count, desc_size, 1 * MiB,
						 1 * MiB + (uint64_t)UINT32_MAX * KiB) / KiB);

	if (!add_tag(m, MB2_TAG_END, sizeof(struct mb2_tag)))
		goto full;
	((struct mb2_info_header *)m->buf)->total_size = m->len;
	return m->len;
full:
	m->full = true;
	return 0;
}

/* boot/efi64/mbi_copy.c - GRUB's info block rewritten around the hypervisor's own EFI memory map.
 *
 * Runs before the hypervisor's page tables and before .bss is cleared, at
 * its physical address (mk/efi64.mk): no library calls, so the byte copies
 * are plain loops (built with -fno-tree-loop-distribute-patterns, so GCC
 * does not turn them into calls to memcpy). The walk follows the spec's
 * "Basic tags structure": tags start 8-byte aligned and end with type 0;
 * it advances by at least 8 bytes a tag, so it ends within total_size / 8
 * steps whatever the block holds. */
#include "boot/efi64/mbi_copy.h"
#include "boot/multiboot2.h"

/* Header of the tag 17 the copy opens, and the end tag that closes the block. */
#define MAP_TAG_HDR ((uint32_t)sizeof(struct mb2_tag_efi_mmap))
#define END_TAG     ((uint32_t)sizeof(struct mb2_tag))

struct walk {
	const uint8_t *base;
	uint32_t total;    /* the block's total_size */
	uint64_t off;      /* the current tag's offset */
};

static bool walk_begin(struct walk *w, const void *src)
{
	const struct mb2_info_header *h = src;

	if (!src || !IS_ALIGNED((uintptr_t)src, MB2_INFO_ALIGN) || h->total_size < sizeof(*h) + END_TAG)
		return false;
	w->base = src;
	w->total = h->total_size;
	w->off = sizeof(*h);
	return true;
}

/* The tag at the walk's offset, or NULL when it would not lie inside the block. */
static const struct mb2_tag *walk_tag(const struct walk *w)
{
	const struct mb2_tag *t;

	if (w->off > w->total || w->total - w->off < sizeof(*t))
		return NULL;
	t = (const void *)(w->base + w->off);
	if (t->size < sizeof(*t) || t->size > w->total - w->off)
		return NULL;
	return t;
}

static void walk_next(struct walk *w, const struct mb2_tag *t)
{
	w->off += ALIGN_UP(t->size, MB2_TAG_ALIGN);
}

bool mbi_find_u64(const void *src, uint32_t type, uint64_t *value)
{
	const struct mb2_tag *t;
	struct walk w;

	if (!walk_begin(&w, src))
		return false;
	for (; (t = walk_tag(&w)) && t->type != MB2_TAG_END; walk_next(&w, t)) {
		if (t->type == type && t->size >= sizeof(struct mb2_tag_efi64)) {
			*value = ((const struct mb2_tag_efi64 *)t)->pointer;
			return true;
		}
	}
	return false;
}

/* Tags the new block does not take from GRUB's: the stale E820-style map,
 * an EFI map (there is none with boot services kept, but the one written
 * later is the truth), and "boot services not terminated". */
static bool left_out(uint32_t type)
{
	return type == MB2_TAG_MMAP || type == MB2_TAG_EFI_MMAP || type == MB2_TAG_EFI_BS;
}

const char *mbi_copy_tags(struct mbi_copy *c, const void *src, void *dst, uint32_t cap)
{
	const struct mb2_tag *t;
	struct walk w;
	uint32_t out = sizeof(struct mb2_info_header);

	cap = (uint32_t)ALIGN_DOWN(cap, MB2_TAG_ALIGN);
	c->dst = dst;
	c->cap = cap;
	c->map_tag = 0;
	if (!dst || !IS_ALIGNED((uintptr_t)dst, MB2_INFO_ALIGN) || cap < out + MAP_TAG_HDR + END_TAG)
		return "no room for the new boot information";
	if (!walk_begin(&w, src))
		return "the boot information is not a Multiboot2 block (unaligned, or total_size too small)";
	for (;;) {
		t = walk_tag(&w);
		if (!t)
			return "the boot information is malformed (a tag runs past total_size, or no end tag)";
		if (t->type == MB2_TAG_END)
			break;
		if (!left_out(t->type)) {
			uint32_t len = (uint32_t)ALIGN_UP(t->size, MB2_TAG_ALIGN);

			if (len > cap - out - MAP_TAG_HDR - END_TAG)
				return "the boot information is too big for the hypervisor's copy";
			for (uint32_t i = 0; i < len; i++)   /* the padding is zeroed, not copied */
				c->dst[out + i] = i < t->size ? ((const uint8_t *)t)[i] : 0;
			out += len;
		}
		walk_next(&w, t);
	}
	c->map_tag = out;
	return NULL;
}

uint8_t *mbi_copy_map_area(const struct mbi_copy *c, uint32_t *room)
{
	*room = (uint32_t)ALIGN_DOWN(c->cap - c->map_tag - MAP_TAG_HDR - END_TAG, MB2_TAG_ALIGN);
	return c->dst + c->map_tag + MAP_TAG_HDR;
}

uint32_t mbi_copy_finish(struct mbi_copy *c, uint32_t map_size, uint32_t descr_size, uint32_t descr_vers)
{
	struct mb2_info_header *h = (void *)c->dst;
	struct mb2_tag_efi_mmap *m = (void *)(c->dst + c->map_tag);
	struct mb2_tag *end;
	uint32_t room, off;

	mbi_copy_map_area(c, &room);
	if (map_size > room)
		return 0;
	m->hdr.type = MB2_TAG_EFI_MMAP;
	m->hdr.size = MAP_TAG_HDR + map_size;
	m->descr_size = descr_size;
	m->descr_vers = descr_vers;
	off = c->map_tag + (uint32_t)ALIGN_UP(m->hdr.size, MB2_TAG_ALIGN);
	for (uint32_t i = c->map_tag + m->hdr.size; i < off; i++)
		c->dst[i] = 0;
	end = (void *)(c->dst + off);
	end->type = MB2_TAG_END;
	end->size = END_TAG;
	h->total_size = off + END_TAG;
	h->reserved = 0;
	return h->total_size;
}

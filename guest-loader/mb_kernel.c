/* guest-loader/mb_kernel.c - Finding a Multiboot v1 kernel's header and
 * segments (rules and their source in mb_kernel.h). Every field read from
 * the image is bounds-checked against its size first: the image is the
 * guest's, and may be anything. */
#include "guest-loader/mb_kernel.h"
#include "lib/elf.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MB2_HEADER_MAGIC 0xe85250d6u   /* Multiboot2's: a common mix-up, worth naming */

/* The a.out kludge fields follow magic, flags and checksum (Multiboot 3.1.1). */
struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};
_Static_assert(sizeof(struct mb_header) == 32, "Multiboot header with the address fields");

#define FOUR_GIB (1ull << 32)

int mb_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		hv_vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The checks below answer true or false. */
#define fail(...) (mb_error(__VA_ARGS__) == 0)

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The first header whose checksum holds. A magic with a bad checksum is
 * passed over, as QEMU does, but remembered for the error. */
static bool find_header(const uint8_t *img, uint64_t size, struct mb_kernel *k, char *err, size_t errlen)
{
	uint64_t limit = MIN(size, (uint64_t)MB_HEADER_SEARCH);
	int64_t bad_at = -1, mb2_at = -1;
	uint32_t bad_sum = 0;

	for (uint32_t i = 0; i < MB_HEADER_LAST && i + 12 <= limit; i += 4) {
		uint32_t magic = le32(img + i);
		if (magic == MB2_HEADER_MAGIC && mb2_at < 0)
			mb2_at = i;
		if (magic != MB_HEADER_MAGIC)
			continue;
		uint32_t sum = magic + le32(img + i + 4) + le32(img + i + 8);
		if (sum == 0) {
			k->header_offset = i;
			k->flags = le32(img + i + 4);
			return true;
		}
		if (bad_at < 0) {
			bad_at = i;
			bad_sum = sum;
		}
	}
	if (bad_at >= 0)
		return fail(err, errlen,
			    "the Multiboot header at offset 0x%llx has a bad checksum (magic + flags + checksum = 0x%x, must be 0)",
			    (unsigned long long)bad_at, bad_sum);
	if (mb2_at >= 0)
		return fail(err, errlen,
			    "not a Multiboot v1 kernel: it has a Multiboot2 header (offset 0x%llx), which type=multiboot does not load",
			    (unsigned long long)mb2_at);
	return fail(err, errlen, "not a Multiboot kernel: no header (magic 0x1BADB002) in its first 8192 bytes");
}

/* Sorts by address and refuses overlaps: QEMU refuses overlapping ROM
 * blobs ("rom: requested regions overlap"). Insertion sort: at most
 * MB_MAX_SEGMENTS. */
static bool sort_and_check(struct mb_kernel *k, char *err, size_t errlen)
{
	for (unsigned i = 1; i < k->segment_count; i++) {
		struct mb_segment s = k->segments[i];
		unsigned j = i;
		for (; j > 0 && k->segments[j - 1].paddr > s.paddr; j--)
			k->segments[j] = k->segments[j - 1];
		k->segments[j] = s;
	}
	for (unsigned i = 1; i < k->segment_count; i++) {
		const struct mb_segment *a = &k->segments[i - 1], *b = &k->segments[i];
		if (a->paddr + a->memsz > b->paddr)
			return fail(err, errlen, "ELF segments overlap at 0x%llx-0x%llx and 0x%llx-0x%llx",
				    (unsigned long long)a->paddr, (unsigned long long)(a->paddr + a->memsz - 1),
				    (unsigned long long)b->paddr, (unsigned long long)(b->paddr + b->memsz - 1));
	}
	k->load_low = (uint32_t)k->segments[0].paddr;
	const struct mb_segment *last = &k->segments[k->segment_count - 1];
	k->load_high = (uint32_t)(last->paddr + last->memsz);   /* <= 4 GiB - 1: checked per segment */
	return true;
}

/* One program header, either class, as the 64-bit form. */
static void read_phdr(const uint8_t *img, uint64_t off, bool is64, struct elf64_phdr *ph)
{
	if (is64) {
		memcpy(ph, img + off, sizeof(*ph));
		return;
	}
	struct elf32_phdr p;
	memcpy(&p, img + off, sizeof(p));
	*ph = (struct elf64_phdr){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz,
				   p.p_align };
}

static bool parse_elf(const uint8_t *img, uint64_t size, struct mb_kernel *k, char *err, size_t errlen)
{
	if (size < 4 || memcmp(img, "\x7f" "ELF", 4) != 0)
		return fail(err, errlen,
			    "not an ELF file, and its Multiboot header has no address fields (flags bit 16): nothing says where to load it");
	if (size < sizeof(struct elf32_ehdr))
		return fail(err, errlen, "ELF header truncated (%llu bytes)", (unsigned long long)size);
	bool is64 = img[EI_CLASS] == ELFCLASS64;
	if (img[EI_CLASS] != ELFCLASS32 && !is64)
		return fail(err, errlen, "ELF class %u is neither 32- nor 64-bit", img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "ELF file is not little-endian");
	struct elf64_ehdr eh;
	if (is64) {
		if (size < sizeof(eh))
			return fail(err, errlen, "ELF64 header truncated (%llu bytes)", (unsigned long long)size);
		memcpy(&eh, img, sizeof(eh));
	} else {
		struct elf32_ehdr e;
		memcpy(&e, img, sizeof(e));
		eh = (struct elf64_ehdr){ .e_type = e.e_type, .e_machine = e.e_machine, .e_entry = e.e_entry,
					  .e_phoff = e.e_phoff, .e_phentsize = e.e_phentsize, .e_phnum = e.e_phnum };
	}
	uint16_t want = is64 ? EM_X86_64 : EM_386;
	if (eh.e_machine != want)
		return fail(err, errlen, "ELF%s machine %u is not %s", is64 ? "64" : "32", eh.e_machine,
			    is64 ? "x86-64 (62)" : "i386 (3)");
	if (eh.e_type != ET_EXEC)
		return fail(err, errlen, "ELF type %u is not an executable (ET_EXEC)", eh.e_type);
	size_t phsize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
	if (eh.e_phentsize != phsize)
		return fail(err, errlen, "ELF program headers are %u bytes, not %zu", eh.e_phentsize, phsize);
	if (eh.e_phoff > size || (uint64_t)eh.e_phnum * phsize > size - eh.e_phoff)
		return fail(err, errlen, "ELF program headers (%u at offset 0x%llx) lie outside the file (%llu bytes)",
			    eh.e_phnum, (unsigned long long)eh.e_phoff, (unsigned long long)size);
	k->format = is64 ? MB_FORMAT_ELF64 : MB_FORMAT_ELF32;
	k->segment_count = 0;
	uint64_t entry = eh.e_entry;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		read_phdr(img, eh.e_phoff + (uint64_t)i * phsize, is64, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return fail(err, errlen, "ELF segment %u has more bytes in the file (%llu) than in memory (%llu)", i,
				    (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return fail(err, errlen, "ELF segment %u's bytes (0x%llx at offset 0x%llx) lie outside the file (%llu bytes)",
				    i, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_offset,
				    (unsigned long long)size);
		if (ph.p_paddr >= FOUR_GIB || ph.p_memsz >= FOUR_GIB - ph.p_paddr)
			return fail(err, errlen, "ELF segment %u (0x%llx bytes at 0x%llx) does not end below 4 GiB", i,
				    (unsigned long long)ph.p_memsz, (unsigned long long)ph.p_paddr);
		if (k->segment_count == MB_MAX_SEGMENTS)
			return fail(err, errlen, "more than %d loadable ELF segments", MB_MAX_SEGMENTS);
		k->segments[k->segment_count++] = (struct mb_segment){ ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
		if ((ph.p_flags & PF_X) && ph.p_vaddr != ph.p_paddr && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry - ph.p_vaddr < ph.p_filesz)
			entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
	}
	if (k->segment_count == 0)
		return fail(err, errlen, "no loadable ELF segment");
	if (entry >= FOUR_GIB)
		return fail(err, errlen, "ELF entry 0x%llx is above 4 GiB", (unsigned long long)entry);
	k->entry = (uint32_t)entry;
	return sort_and_check(k, err, errlen);
}

/* The header's address fields, with QEMU 7.2's checks and its reading of
 * load_end_addr = 0 (to the end of the file) and bss_end_addr = 0. */
static bool parse_aout_kludge(const uint8_t *img, uint64_t size, struct mb_kernel *k, char *err, size_t errlen)
{
	uint32_t i = k->header_offset;
	struct mb_header h;

	if (size - i < sizeof(h))
		return fail(err, errlen, "the Multiboot header at 0x%x is cut off before its address fields", i);
	memcpy(&h, img + i, sizeof(h));
	if (h.header_addr < h.load_addr)
		return fail(err, errlen, "Multiboot header_addr 0x%x is below load_addr 0x%x", h.header_addr,
			    h.load_addr);
	if (h.header_addr - h.load_addr > i)
		return fail(err, errlen,
			    "Multiboot header_addr 0x%x - load_addr 0x%x is more than the header's offset 0x%x in the file",
			    h.header_addr, h.load_addr, i);
	uint32_t text_offset = i - (h.header_addr - h.load_addr);
	uint64_t load_size;
	if (h.load_end_addr) {
		if (h.load_end_addr < h.load_addr)
			return fail(err, errlen, "Multiboot load_end_addr 0x%x is below load_addr 0x%x", h.load_end_addr,
				    h.load_addr);
		load_size = h.load_end_addr - h.load_addr;
	} else {
		load_size = size - text_offset;
	}
	if (load_size > size - text_offset)
		return fail(err, errlen, "Multiboot load_end_addr 0x%x asks for %llu bytes, the file has %llu from offset 0x%x",
			    h.load_end_addr, (unsigned long long)load_size, (unsigned long long)(size - text_offset),
			    text_offset);
	if (load_size >= FOUR_GIB - h.load_addr)
		return fail(err, errlen, "the kernel (%llu bytes at 0x%x) does not end below 4 GiB",
			    (unsigned long long)load_size, h.load_addr);
	uint64_t mem_size = load_size;
	if (h.bss_end_addr) {
		if (h.bss_end_addr < h.load_addr + load_size)
			return fail(err, errlen, "Multiboot bss_end_addr 0x%x is below the end of the loaded bytes 0x%llx",
				    h.bss_end_addr, (unsigned long long)(h.load_addr + load_size));
		mem_size = h.bss_end_addr - h.load_addr;
	}
	if (mem_size == 0)
		return fail(err, errlen, "the Multiboot address fields load nothing (load_addr 0x%x)", h.load_addr);
	k->format = MB_FORMAT_AOUT_KLUDGE;
	k->entry = h.entry_addr;
	k->segment_count = 1;
	k->segments[0] = (struct mb_segment){ h.load_addr, text_offset, load_size, mem_size };
	k->load_low = h.load_addr;
	k->load_high = (uint32_t)(h.load_addr + mem_size);
	return true;
}

int mb_kernel_parse(const uint8_t *image, uint64_t size, struct mb_kernel *k, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	if (!find_header(image, size, k, err, errlen))
		return -1;
	bool ok = (k->flags & MB_FLAG_AOUT_KLUDGE) ? parse_aout_kludge(image, size, k, err, errlen)
						   : parse_elf(image, size, k, err, errlen);
	if (!ok)
		return -1;
	if (err && errlen)
		err[0] = '\0';
	return 0;
}

const char *mb_format_name(enum mb_format f)
{
	switch (f) {
	case MB_FORMAT_AOUT_KLUDGE: return "Multiboot address fields";
	case MB_FORMAT_ELF32: return "ELF32";
	case MB_FORMAT_ELF64: return "ELF64";
	}
	return "unknown";
}

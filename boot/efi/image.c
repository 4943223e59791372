/* boot/efi/image.c - Checking hv.elf: ELF64 program headers and the Multiboot2 header (image.h). */
#include "boot/efi/image.h"
#include "boot/multiboot2.h"
#include "lib/elf.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Multiboot2 spec "Header magic fields" and "General tag structure". */
struct mb2_header {
	uint32_t magic, architecture, header_length, checksum;
} __packed;
_Static_assert(sizeof(struct mb2_header) == 16, "mb2_header");

struct mb2_header_tag {
	uint16_t type, flags;   /* flags bit 0: optional */
	uint32_t size;
} __packed;
_Static_assert(sizeof(struct mb2_header_tag) == 8, "mb2_header_tag");

#define MB2_HTAG_OPTIONAL 1u

/* Multiboot2 spec "OS image format": the header tag types. */
enum {
	MB2_HTAG_END = 0, MB2_HTAG_INFO_REQUEST = 1, MB2_HTAG_ADDRESS = 2, MB2_HTAG_ENTRY = 3,
	MB2_HTAG_CONSOLE = 4, MB2_HTAG_FRAMEBUFFER = 5, MB2_HTAG_MODULE_ALIGN = 6,
	MB2_HTAG_EFI_BS = 7, MB2_HTAG_ENTRY_EFI32 = 8, MB2_HTAG_ENTRY_EFI64 = 9,
	MB2_HTAG_RELOCATABLE = 10,
};

/* The information tags hvboot.efi gives (boot/efi/mbinfo.c). */
static bool info_tag_given(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE: case MB2_TAG_BOOTLOADER_NAME: case MB2_TAG_MODULE:
	case MB2_TAG_BASIC_MEMINFO: case MB2_TAG_MMAP: case MB2_TAG_FRAMEBUFFER:
	case MB2_TAG_EFI64_ST: case MB2_TAG_ACPI_OLD: case MB2_TAG_ACPI_NEW:
	case MB2_TAG_EFI_MMAP: case MB2_TAG_EFI64_IH:
		return true;
	default:
		return false;
	}
}

static int find_header(const uint8_t *f, size_t len, struct hv_image *out, char *err, size_t errlen)
{
	size_t limit = MIN(len, (size_t)MB2_HEADER_SEARCH);

	/* Spec 3.1.1: 64-bit aligned, fully contained in the first 32768 bytes. */
	for (size_t off = 0; off + sizeof(struct mb2_header) <= limit; off += 8) {
		struct mb2_header h;
		memcpy(&h, f + off, sizeof(h));
		if (h.magic != MB2_HEADER_MAGIC)
			continue;
		if ((uint32_t)(h.magic + h.architecture + h.header_length + h.checksum) != 0) {
			hv_set_err(err, errlen, "the Multiboot2 header at offset 0x%zx has a bad checksum", off);
			return -1;
		}
		if (h.architecture != MB2_HEADER_ARCH_I386) {
			hv_set_err(err, errlen, "the Multiboot2 header is for architecture %u, not i386 (0)",
				   h.architecture);
			return -1;
		}
		if (h.header_length < sizeof(h) || h.header_length > limit - off) {
			hv_set_err(err, errlen, "the Multiboot2 header's length 0x%x runs past the first 32 KiB",
				   h.header_length);
			return -1;
		}
		out->mb2_header_offset = (uint32_t)off;
		return 0;
	}
	hv_set_err(err, errlen, "no Multiboot2 header in the first 32 KiB (not a Multiboot2 kernel?)");
	return -1;
}

static int check_info_request(const uint8_t *t, uint32_t size, bool optional, char *err, size_t errlen)
{
	for (uint32_t o = sizeof(struct mb2_header_tag); o + 4 <= size; o += 4) {
		uint32_t type;
		memcpy(&type, t + o, 4);
		if (!optional && !info_tag_given(type)) {
			hv_set_err(err, errlen, "the Multiboot2 header requires information tag %u, which hvboot.efi does not give",
				   type);
			return -1;
		}
	}
	return 0;
}

/* Spec 3.1.3: tags follow the magic fields, each 8-byte aligned, up to
 * the end tag. A tag that is not optional must be one we honour. */
static int check_header_tags(const uint8_t *f, struct hv_image *out, char *err, size_t errlen)
{
	struct mb2_header h;
	uint32_t base = out->mb2_header_offset;

	memcpy(&h, f + base, sizeof(h));
	for (uint32_t o = sizeof(h); o + sizeof(struct mb2_header_tag) <= h.header_length;) {
		struct mb2_header_tag tag;
		const uint8_t *t = f + base + o;
		memcpy(&tag, t, sizeof(tag));
		bool optional = tag.flags & MB2_HTAG_OPTIONAL;
		if (tag.size < sizeof(tag) || tag.size > h.header_length - o) {
			hv_set_err(err, errlen, "Multiboot2 header tag type %u at +0x%x has a bad size 0x%x",
				   tag.type, o, tag.size);
			return -1;
		}
		switch (tag.type) {
		case MB2_HTAG_END:
			return 0;
		case MB2_HTAG_INFO_REQUEST:
			if (check_info_request(t, tag.size, optional, err, errlen) != 0)
				return -1;
			break;
		case MB2_HTAG_ENTRY:
			if (tag.size < 12) {
				hv_set_err(err, errlen, "the Multiboot2 entry address tag is too short");
				return -1;
			}
			memcpy(&out->entry, t + 8, 4);
			out->entry_from_header = true;
			break;
		case MB2_HTAG_CONSOLE: case MB2_HTAG_FRAMEBUFFER: case MB2_HTAG_MODULE_ALIGN:
		case MB2_HTAG_ENTRY_EFI32: case MB2_HTAG_ENTRY_EFI64: case MB2_HTAG_RELOCATABLE:
			/* Honoured or without effect here: GOP's mode is given as it
			 * is, modules are page-aligned, the EFI entries count only
			 * with tag 7, and the image goes where it is linked. */
			break;
		case MB2_HTAG_EFI_BS:
			if (!optional) {
				hv_set_err(err, errlen, "the Multiboot2 header requires boot services left running (tag 7); hvboot.efi exits them");
				return -1;
			}
			break;
		default:
			if (!optional) {
				hv_set_err(err, errlen, "the Multiboot2 header requires tag type %u, which hvboot.efi does not support",
					   tag.type);
				return -1;
			}
			break;
		}
		o += (uint32_t)ALIGN_UP(tag.size, 8);
	}
	hv_set_err(err, errlen, "the Multiboot2 header has no end tag");
	return -1;
}

static int check_segments(const uint8_t *f, size_t len, const struct elf64_ehdr *eh,
			  struct hv_image *out, char *err, size_t errlen)
{
	bool entry_found = out->entry_from_header;

	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(struct elf64_phdr) < eh->e_phnum) {
		hv_set_err(err, errlen, "the ELF program headers run past the end of the file");
		return -1;
	}
	out->lo = UINT64_MAX;
	out->hi = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, f + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len || len - ph.p_offset < ph.p_filesz) {
			hv_set_err(err, errlen, "segment %u (offset 0x%llx, 0x%llx bytes) runs past the end of the file",
				   i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
			return -1;
		}
		if (ph.p_paddr >= 4 * GiB || 4 * GiB - ph.p_paddr < ph.p_memsz) {
			hv_set_err(err, errlen, "segment %u at 0x%llx-0x%llx is not below 4 GiB", i,
				   (unsigned long long)ph.p_paddr, (unsigned long long)(ph.p_paddr + ph.p_memsz));
			return -1;
		}
		if (out->nseg == HV_IMAGE_MAX_SEGS) {
			hv_set_err(err, errlen, "more than %u loadable segments", HV_IMAGE_MAX_SEGS);
			return -1;
		}
		for (unsigned j = 0; j < out->nseg; j++) {
			const struct hv_segment *o = &out->seg[j];
			if (ph.p_paddr < o->paddr + o->memsz && o->paddr < ph.p_paddr + ph.p_memsz) {
				hv_set_err(err, errlen, "segment %u at 0x%llx overlaps an earlier one at 0x%llx", i,
					   (unsigned long long)ph.p_paddr, (unsigned long long)o->paddr);
				return -1;
			}
		}
		out->seg[out->nseg++] = (struct hv_segment){ .paddr = ph.p_paddr, .offset = ph.p_offset,
							     .filesz = ph.p_filesz, .memsz = ph.p_memsz };
		out->lo = MIN(out->lo, ALIGN_DOWN(ph.p_paddr, PAGE_SIZE));
		out->hi = MAX(out->hi, ALIGN_UP(ph.p_paddr + ph.p_memsz, PAGE_SIZE));
		/* As GRUB: an entry inside a segment's virtual range is moved to
		 * the same place of its physical range. */
		if (!entry_found && eh->e_entry >= ph.p_vaddr && eh->e_entry - ph.p_vaddr < ph.p_memsz) {
			out->entry = (uint32_t)(eh->e_entry - ph.p_vaddr + ph.p_paddr);
			entry_found = true;
		}
	}
	if (out->nseg == 0) {
		hv_set_err(err, errlen, "no loadable segment");
		return -1;
	}
	if (!entry_found) {
		hv_set_err(err, errlen, "the ELF entry 0x%llx is in no loadable segment",
			   (unsigned long long)eh->e_entry);
		return -1;
	}
	return 0;
}

int hv_image_check(const void *file, size_t len, struct hv_image *out, char *err, size_t errlen)
{
	const uint8_t *f = file;
	struct elf64_ehdr eh;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(eh) || memcmp(f, "\x7f" "ELF", 4) != 0) {
		hv_set_err(err, errlen, "not an ELF file");
		return -1;
	}
	memcpy(&eh, f, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC) {
		hv_set_err(err, errlen, "not an x86-64 ELF executable (class %u, data %u, machine %u, type %u)",
			   eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA], eh.e_machine, eh.e_type);
		return -1;
	}
	if (find_header(f, len, out, err, errlen) != 0 || check_header_tags(f, out, err, errlen) != 0)
		return -1;
	return check_segments(f, len, &eh, out, err, errlen);
}

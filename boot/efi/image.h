/* boot/efi/image.h - Checking hv.elf before hvboot.efi loads it: the ELF64
 * program headers (System V ABI, "Program Header") and the Multiboot2
 * header (Multiboot2 spec "OS image format").
 *
 * What is checked is what GRUB's multiboot2 command checks for an ELF
 * kernel: the header in the first 32 KiB, 8-byte aligned, with magic,
 * architecture i386 and a checksum that sums to zero; every header tag
 * that is not optional must be one hvboot.efi honours. The PT_LOAD
 * segments go at their physical addresses, which must lie below 4 GiB
 * like the entry (the 32-bit entry runs with paging off). Pure C, built
 * into hvboot.efi and host-tested (tests/unit/test_hvboot_image.c). */
#ifndef BOOT_EFI_IMAGE_H
#define BOOT_EFI_IMAGE_H

#include "lib/types.h"

/* Multiboot2 spec "OS image format": the header lies in the first 32 KiB of the image. */
#define MB2_HEADER_SEARCH  32768u
#define HV_IMAGE_MAX_SEGS  16

struct hv_segment {
	uint64_t paddr;     /* where it goes */
	uint64_t offset;    /* where its bytes are in the file */
	uint64_t filesz;    /* bytes from the file; the rest of memsz is zeroed */
	uint64_t memsz;
};

struct hv_image {
	uint32_t entry;                 /* physical, 32-bit protected mode */
	uint64_t lo, hi;                /* [lo, hi): all segments, page-aligned */
	struct hv_segment seg[HV_IMAGE_MAX_SEGS];
	unsigned nseg;
	uint32_t mb2_header_offset;     /* in the file */
	bool entry_from_header;         /* the header's entry address tag (type 3) gave it */
};

/* Checks the image of len bytes. Returns 0, or -1 with a one-line reason
 * in err ("not an ELF file", "no Multiboot2 header in the first 32 KiB",
 * "segment 2 at 0x... runs past the end of the file", ...). */
int hv_image_check(const void *file, size_t len, struct hv_image *out, char *err, size_t errlen);

#endif

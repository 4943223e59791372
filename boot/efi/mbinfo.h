/* boot/efi/mbinfo.h - Building the Multiboot2 boot information block that
 * hvboot.efi hands to the hypervisor (Multiboot2 spec "Boot
 * information format"; layouts in boot/multiboot2.h, the parser's own).
 *
 * The block is written into one buffer the caller allocated below 4 GiB;
 * nothing here allocates, so the memory map tags can be made after the
 * last GetMemoryMap() call, between it and ExitBootServices(). Order:
 * mbi_init, the other tags, then mbi_efi_mmap_room + GetMemoryMap into
 * it + mbi_finish (tag 17, then 6 and 4 converted from it, the end tag).
 * To redo the maps (ExitBootServices refused the key), mbi_rewind to the
 * mark mbi_efi_mmap_room returned. Pure C, host-tested against mb2_parse
 * (tests/unit/test_hvboot_mbinfo.c). */
#ifndef BOOT_EFI_MBINFO_H
#define BOOT_EFI_MBINFO_H

#include "lib/types.h"

struct mbi {
	uint8_t *buf;
	uint32_t cap, len;
	bool full;          /* a tag did not fit: the block is not to be used */
};

/* A linear RGB framebuffer (from GOP), Multiboot2 spec "Framebuffer info" type 1. */
struct mbi_fb {
	uint64_t addr;
	uint32_t pitch, width, height;    /* pitch in bytes */
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

void mbi_init(struct mbi *m, void *buf, uint32_t cap);
/* Strings: tag 1 (command line), tag 2 (boot loader name). */
void mbi_add_string(struct mbi *m, uint32_t type, const char *s);
/* Tag 3: [start, end) physical and its command line. */
void mbi_add_module(struct mbi *m, uint32_t start, uint32_t end, const char *cmdline);
/* Tags 12 (EFI64 system table) and 20 (EFI64 image handle). */
void mbi_add_efi64(struct mbi *m, uint32_t type, uint64_t pointer);
/* Tags 14 and 15: a copy of the RSDP, len bytes. */
void mbi_add_rsdp(struct mbi *m, uint32_t type, const void *rsdp, uint32_t len);
/* Tag 8, direct RGB colour. */
void mbi_add_framebuffer(struct mbi *m, const struct mbi_fb *fb);

/* Where GetMemoryMap() may write the EFI map (*room bytes) so that tags
 * 17, 6 and 4 and the end tag still fit; *mark is for mbi_rewind. */
void *mbi_efi_mmap_room(struct mbi *m, uint32_t *room, uint32_t *mark);
void mbi_rewind(struct mbi *m, uint32_t mark);
/* Completes the block with the map GetMemoryMap() wrote into the room:
 * map_size bytes of descriptors of desc_size each. Returns the block's
 * total size, or 0 when something did not fit. */
uint32_t mbi_finish(struct mbi *m, uint32_t map_size, uint32_t desc_size, uint32_t desc_version);

/* Multiboot2 memory map type of an EFI memory type, as GRUB converts it:
 * loader, boot services and conventional memory are available (1), ACPI
 * reclaim 3, ACPI NVS 4, unusable 5, persistent 7, everything else 2. */
uint32_t mb2_type_from_efi(uint32_t efi_type);

#endif

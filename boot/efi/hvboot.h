/* boot/efi/hvboot.h - The firmware-facing parts of hvboot.efi, shared by
 * its files (the pure parts have headers of their own: config.h, image.h,
 * mbinfo.h, lib/inflate.h). GNU-EFI headers; firmware calls go through
 * uefi_call_wrapper (built with GNU_EFI_USE_MS_ABI, a direct ms_abi call).
 *
 *   main.c     the order of things: config, hv.elf, modules, tables, hand-off
 *   console.c  messages on ConOut (OVMF mirrors them to the serial port)
 *              and the wait for a key after an error
 *   files.c    reading files from the volume hvboot.efi was loaded from
 *   tables.c   what the firmware tells the hypervisor: ACPI RSDP, GOP
 *   place.c    making room for hv.elf at its physical addresses
 *   handoff.c  the last memory map, ExitBootServices, the trampoline
 *   trampoline.asm  long mode -> 32-bit protected mode, paging off */
#ifndef BOOT_EFI_HVBOOT_H
#define BOOT_EFI_HVBOOT_H

#include <efi.h>
#include <efilib.h>
#include "boot/efi/image.h"
#include "boot/efi/mbinfo.h"
#include "lib/types.h"

#define HVBOOT_NAME  "hvboot.efi"
#define HVBOOT_CFG   "\\svm-hv.cfg"

/* --- console.c ------------------------------------------------------------ */
/* One line (or more) on ConOut, "\n" becoming CR LF. */
void con_printf(const char *fmt, ...) __printf(1, 2);
/* "hvboot: WHY", the prompt, then waits for a key; returns status. */
EFI_STATUS con_fail(EFI_STATUS status, const char *fmt, ...) __printf(2, 3);
/* "Not Found", "Out of Resources", ... (UEFI spec, Appendix D). */
const char *efi_status_text(EFI_STATUS s);

/* --- files.c --------------------------------------------------------------- */
/* A file read into pages: [addr, addr + size), pages allocated. */
struct hv_file {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
	uint64_t size;
	uint64_t packed_size;   /* the gzip file's size when it was gunzipped, else 0 */
};

/* Opens the root of the volume the image was loaded from. */
EFI_STATUS files_open_volume(EFI_HANDLE image, char *why, size_t whylen);
/* Reads PATH ("\boot\x.bin"); below_4g puts it below 4 GiB, gunzip
 * decompresses it when it starts like a gzip file, as GRUB's gzio does.
 * On failure why says what (for "FILE:LINE: PATH: why"). */
EFI_STATUS files_load(const char *path, bool below_4g, bool gunzip, struct hv_file *out,
		      char *why, size_t whylen);
void files_free(struct hv_file *f);

/* --- tables.c -------------------------------------------------------------- */
/* Tags 12 and 20, the ACPI RSDPs (14, 15) and the GOP framebuffer (8). */
void tables_add(struct mbi *m, EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* --- place.c --------------------------------------------------------------- */
/* Takes the free pages of [lo, hi) and checks that the rest is boot-services
 * memory, which is ours after ExitBootServices. */
EFI_STATUS place_reserve(uint64_t lo, uint64_t hi, char *why, size_t whylen);

/* --- handoff.c, trampoline.asm ---------------------------------------------- */
/* What the trampoline reads in its 32-bit half, in its own page after its
 * code; the offsets are trampoline.asm's TP_* constants. */
struct tramp_seg {
	uint32_t dst, src, filesz, memsz;   /* copy filesz bytes, zero up to memsz */
} __packed;
struct tramp_params {
	uint32_t info;    /* TP_INFO: EBX at the entry */
	uint32_t entry;   /* TP_ENTRY */
	uint32_t nseg;    /* TP_NSEG */
	uint32_t rsvd;
	struct tramp_seg seg[HV_IMAGE_MAX_SEGS];   /* TP_SEG, 16 bytes each */
} __packed;
_Static_assert(offsetof(struct tramp_params, info) == 0, "TP_INFO");
_Static_assert(offsetof(struct tramp_params, entry) == 4, "TP_ENTRY");
_Static_assert(offsetof(struct tramp_params, nseg) == 8, "TP_NSEG");
_Static_assert(offsetof(struct tramp_params, seg) == 16, "TP_SEG");
_Static_assert(sizeof(struct tramp_seg) == 16, "TP_SEG_SIZE");

/* A page below 4 GiB with the trampoline's code and room for its
 * parameters (*params). */
EFI_STATUS handoff_prepare(EFI_PHYSICAL_ADDRESS *tramp, struct tramp_params **params);
/* The memory map tags, ExitBootServices, then the trampoline: hv.elf's
 * segments copied from its file (at file_pa, below 4 GiB) to their
 * places, then the entry with EAX = 0x36d76289, EBX = the block. Returns
 * only when the firmware refused (why says what). */
EFI_STATUS handoff(EFI_HANDLE image, struct mbi *m, EFI_PHYSICAL_ADDRESS tramp,
		   struct tramp_params *params, const struct hv_image *img, uint64_t file_pa,
		   char *why, size_t whylen);

#endif

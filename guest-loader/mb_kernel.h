/* guest-loader/mb_kernel.h - A Multiboot v1 kernel image: its header and
 * what to load where, by the rules of QEMU 7.2's -kernel
 * (hw/i386/multiboot.c load_multiboot, hw/core/loader.c load_elf). Pure:
 * host-tested with malformed images of every kind.
 *
 * The header (Multiboot 0.6.96, 3.1): magic 0x1BADB002, flags, checksum
 * (the three add up to 0 mod 2^32), 4-byte aligned, searched for at every
 * offset below 8192 - 48 (QEMU's bound) that the image holds.
 *   - flags bit 16 (the "a.out kludge"): the header's address fields say
 *     what to load, also for an ELF file (they take precedence, as in
 *     QEMU): header_addr, load_addr, load_end_addr (0: to the end of the
 *     file), bss_end_addr (0: no bss), entry_addr.
 *   - otherwise the image must be ELF: ELF32 for i386 (as QEMU), or, as an
 *     extension QEMU refuses, ELF64 for x86-64 with every segment below
 *     4 GiB. Each PT_LOAD segment with bytes in memory goes to its physical
 *     address p_paddr, p_filesz bytes from the file and zeros up to
 *     p_memsz. The entry is e_entry, moved by (p_paddr - p_vaddr) when it
 *     lies in an executable segment's file bytes at a virtual address other
 *     than its physical one (QEMU's load_elf).
 *   - flags bit 2 (video mode) is ignored, as by QEMU; so are the other
 *     request bits: QEMU passes every piece of information anyway.
 * Errors, one line each (no newline): no header, a bad checksum, a
 * truncated or inconsistent ELF or address field set, segments that
 * overlap each other or lie outside the file or above 4 GiB. Where the
 * kernel lands in the VM's RAM is guest-loader/mb_info.h's to check. */
#ifndef GUEST_LOADER_MB_KERNEL_H
#define GUEST_LOADER_MB_KERNEL_H

#include "lib/types.h"

#define MB_HEADER_MAGIC       0x1badb002u
#define MB_HEADER_SEARCH      8192u
#define MB_HEADER_LAST        (MB_HEADER_SEARCH - 48u)   /* QEMU's loop bound: offsets below this */
#define MB_FLAG_PAGE_ALIGN    BIT(0)
#define MB_FLAG_MEMORY_INFO   BIT(1)
#define MB_FLAG_VIDEO_MODE    BIT(2)
#define MB_FLAG_AOUT_KLUDGE   BIT(16)
#define MB_MAX_SEGMENTS       16

enum mb_format { MB_FORMAT_AOUT_KLUDGE, MB_FORMAT_ELF32, MB_FORMAT_ELF64 };

/* One piece of the kernel in guest memory: filesz bytes from the image at
 * file_offset to paddr, then zeros up to memsz. */
struct mb_segment {
	uint64_t paddr;
	uint64_t file_offset;
	uint64_t filesz;
	uint64_t memsz;
};

struct mb_kernel {
	enum mb_format format;
	uint32_t header_offset;       /* where the header is in the image */
	uint32_t flags;               /* the header's flags */
	uint32_t entry;               /* guest-physical: EIP at entry */
	uint32_t load_low;            /* the lowest byte any segment covers */
	uint32_t load_high;           /* one past the highest (bss included) */
	unsigned segment_count;
	struct mb_segment segments[MB_MAX_SEGMENTS];   /* in ascending paddr order */
};

/* Finds the header and the segments. 0 with k filled in, or -1 with a
 * one-line reason in err (k is then undefined). */
int mb_kernel_parse(const uint8_t *image, uint64_t size, struct mb_kernel *k, char *err, size_t errlen);

const char *mb_format_name(enum mb_format f);

/* Writes a one-line error into err (if any); returns -1, so that a check
 * can `return mb_error(...)`. Shared by the Multiboot loader's pure parts. */
int mb_error(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);

#endif

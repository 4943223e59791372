/* guest-loader/mb_info.h - Where a Multiboot v1 kernel's boot information
 * goes and what it says, laid out as QEMU 7.2's -kernel lays it out
 * (hw/i386/multiboot.c and its option ROM pc-bios/optionrom/multiboot.S).
 * Pure: host-tested.
 *
 * Guest memory, in the order QEMU builds it:
 *   0x9000            the memory map: e820 entries of 24 bytes, each with
 *                     its 'size' field (20) at offset -4 of the entry
 *   0x9500            the information block (88 bytes, Multiboot 3.3)
 *   the kernel        load_low .. load_high (mb_kernel.h)
 *   PAGE_ALIGN(high)  the module array (16 bytes a module), then the
 *                     modules' strings in order, then the kernel's command
 *                     line, then the boot loader's name
 *   PAGE_ALIGN(..)    the modules, each at a page boundary, in line order
 * Strings: the kernel's command line is "NAME ARGS" (QEMU: "FILE ARGS",
 * the kernel's file name first; the VM's name stands in for it, as GRUB
 * does not pass the file name; a space even with no ARGS, as QEMU's
 * "%s %s"); module K's is "NAME.modK ARGS" ("NAME.modK" with none), for
 * QEMU's "FILE ARGS" of each -initrd entry.
 * The information block: flags 0x24f (memory, boot device, command line,
 * modules, memory map, boot loader name), mem_lower and mem_upper in KiB
 * (mem_upper: the RAM contiguous from 1 MiB, found in the map as the
 * option ROM does), boot_device 0x8000ffff, everything else zero. */
#ifndef GUEST_LOADER_MB_INFO_H
#define GUEST_LOADER_MB_INFO_H

#include "guest-loader/mb_kernel.h"
#include "guest-loader/pc_memmap.h"
#include "lib/types.h"

#define MB_LOADER_MAGIC    0x2badb002u   /* EAX at entry */
#define MB_MMAP_GPA        0x9000u
#define MB_MMAP_MAX_BYTES  0x500u        /* up to the information block */
#define MB_INFO_GPA        0x9500u
#define MB_INFO_BYTES      88u
#define MB_MODULE_BYTES    16u
#define MB_MMAP_ENTRY_BYTES 24u
#define MB_MAX_MODULES     16
#define MB_BOOT_DEVICE     0x8000ffffu   /* QEMU's: BIOS drive 0x80, no partition */

#define MB_INFO_MEMORY      BIT(0)
#define MB_INFO_BOOT_DEVICE BIT(1)
#define MB_INFO_CMDLINE     BIT(2)
#define MB_INFO_MODULES     BIT(3)
#define MB_INFO_MMAP        BIT(6)
#define MB_INFO_LOADER_NAME BIT(9)
#define MB_INFO_FLAGS (MB_INFO_MEMORY | MB_INFO_BOOT_DEVICE | MB_INFO_CMDLINE | MB_INFO_MODULES | MB_INFO_MMAP | \
		       MB_INFO_LOADER_NAME)

/* Offsets in the information block (Multiboot 0.6.96, 3.3). */
#define MBI_FLAGS        0
#define MBI_MEM_LOWER    4
#define MBI_MEM_UPPER    8
#define MBI_BOOT_DEVICE  12
#define MBI_CMDLINE      16
#define MBI_MODS_COUNT   20
#define MBI_MODS_ADDR    24
#define MBI_MMAP_LENGTH  44
#define MBI_MMAP_ADDR    48
#define MBI_LOADER_NAME  64

/* A module as the plan needs it: its length and its argument string (NULL
 * or "" for none). */
struct mb_module_in {
	uint64_t size;
	const char *args;
};

struct mb_plan {
	uint32_t kernel_low, kernel_high;
	uint32_t mods_addr;                      /* the module array */
	uint32_t cmdline_addr;
	uint32_t loader_name_addr;
	unsigned mod_count;
	uint32_t mod_string[MB_MAX_MODULES];
	uint32_t mod_start[MB_MAX_MODULES];
	uint32_t mod_end[MB_MAX_MODULES];
	uint64_t end;                            /* page-aligned end of the last module (or the strings) */
};

/* Lays out the kernel k of VM name (its "-- ARGS" in args), with n
 * modules, and a boot loader called loader_name. Then checks it against
 * the VM's memory map: every segment and everything placed after the
 * kernel must lie in RAM (not in 0x9fc00-0xfffff, not in the 3-4 GiB hole,
 * not past the RAM), and the kernel clear of the map and information block
 * at 0x9000-0x9557. 0, or -1 with a one-line reason. */
int mb_plan_layout(const struct mb_kernel *k, const char *name, const char *args, const struct mb_module_in *mods,
		   unsigned n, const char *loader_name, const struct e820_entry *map, unsigned map_n,
		   struct mb_plan *p, char *err, size_t errlen);

/* Module k's first word, "NAME.modK", into buf (always terminated). */
void mb_module_name(char *buf, size_t len, const char *name, unsigned k);

/* The information block for the plan. */
void mb_build_info(const struct mb_plan *p, uint32_t mem_lower, uint32_t mem_upper, uint32_t mmap_length,
		   uint8_t out[MB_INFO_BYTES]);
/* Module i's entry of the module array: start, end, string, 0. */
void mb_build_module_entry(const struct mb_plan *p, unsigned i, uint8_t out[MB_MODULE_BYTES]);
/* The memory map in Multiboot's form into out (cap bytes); returns its
 * length in bytes (whole entries only). */
uint32_t mb_build_mmap(const struct e820_entry *map, unsigned n, uint8_t *out, size_t cap);
/* mem_upper: KiB of RAM contiguous from 1 MiB, below 4 GiB, as the option
 * ROM computes it from the map (entries in any order). */
uint32_t mb_mem_upper(const struct e820_entry *map, unsigned n);

#endif

/* hv/vdev/pc_legacy.h - The legacy window 0xA0000-0xFFFFF: which of its
 * 4 KiB pages read and write RAM and which are read-only (RAM whose writes
 * are dropped), as QEMU's pc has them after SeaBIOS (measured by the test
 * kernel tests/guests/mb/legacy.c; docs/pc.md "The legacy window").
 *
 * On QEMU 7.2's i440FX the window's RAM is decoded by the PAM registers
 * (PCI 00:00.0 config 0x59-0x5F; Intel 82441FX PMC datasheet, 3.2.18):
 * each 4-bit field is one segment's RE (bit 0: reads go to DRAM) and WE
 * (bit 1: writes go to DRAM). SeaBIOS shadows itself and the option ROMs
 * into RAM with every field 3 and, before it boots, makes 0xC0000-0xE7FFF
 * and the BIOS segment read-only (src/fw/shadow.c make_bios_readonly:
 * field 1), leaving 0xE8000-0xEFFFF, its upper-memory data, read-write. SeaBIOS places the -kernel boot's option
 * ROMs from 0xC0000 (multiboot_dma.bin, 1 KiB, then kvmvapic.bin, 9 KiB, at
 * 0xC0800); QEMU maps kvmvapic's pages, rounded out to whole pages, as RAM
 * again when that ROM initialises (hw/i386/kvmvapic.c,
 * vapic_map_rom_writable): 0xC0000-0xC2FFF (measured). The VGA
 * window 0xA0000-0xBFFFF with no VGA (-nodefaults) shows the RAM below it.
 *
 * The board keeps the read-only pages mapped read-only (R+X) in the VM's
 * nested page table: reads and instruction fetches run from RAM with no
 * exit; a write exits (NPF), and the instruction is emulated with its
 * stores to those pages dropped (hv/exit_npf.c, hv/gmem.c). Not modelled:
 * PAM fields 0 (the segment on the PCI bus) and 2 (write-only), which
 * SeaBIOS never leaves; a guest's PAM writes after the start, which change
 * nothing (docs/pc.md "Known differences").
 *
 * Pure logic: host-tested (tests/unit/test_pc_legacy.c). */
#ifndef HV_VDEV_PC_LEGACY_H
#define HV_VDEV_PC_LEGACY_H

#include "lib/types.h"

#define PC_LEGACY_BASE    0xa0000u
#define PC_LEGACY_END     0x100000u
#define PC_LEGACY_PAGES   ((PC_LEGACY_END - PC_LEGACY_BASE) / PAGE_SIZE)   /* 96 */

/* The i440FX PMC's PAM0-PAM6 (config 0x59-0x5F): PAM0's high field is
 * 0xF0000-0xFFFFF; PAM1-PAM6 hold two 16 KiB segments each, the low field
 * first, from 0xC0000 to 0xEFFFF. PAM0's low field is reserved. */
#define I440FX_PAM0        0x59u
#define I440FX_PAM_REGS    7u
#define I440FX_SMRAM       0x72u
#define PAM_SEGMENTS       13u       /* 12 of 16 KiB, then the BIOS segment of 64 KiB */
#define PAM_FIRST_SEGMENT  0xc0000u
#define PAM_SMALL_SEGMENT  0x4000u
#define PAM_BIOS_SEGMENT   0xf0000u
_Static_assert(PAM_FIRST_SEGMENT + (PAM_SEGMENTS - 1) * PAM_SMALL_SEGMENT == PAM_BIOS_SEGMENT,
	       "the 16 KiB segments end where the BIOS segment starts");

enum pam_mode {
	PAM_PCI = 0,          /* DRAM disabled: the PCI bus answers */
	PAM_READ_ONLY = 1,    /* RE: reads DRAM, writes go to PCI (dropped) */
	PAM_WRITE_ONLY = 2,   /* WE: writes DRAM, reads come from PCI */
	PAM_RAM = 3,          /* RE | WE */
};

/* What SeaBIOS leaves in PAM0-PAM6 and SMRAM on QEMU's pc (measured). */
extern const uint8_t pc_seabios_pam[I440FX_PAM_REGS];
#define PC_SEABIOS_SMRAM   0x0au     /* G_SMRAME, C_BASE_SEG 010b (0xA0000), closed */

/* QEMU's kvmvapic ROM pages, RAM whatever PAM says (see above). The
 * Multiboot loader's GDT copy at 0xC02B8 (guest-loader/pc_firmware.h)
 * lies there too, writable as on QEMU. */
#define PC_VAPIC_ROM_BASE  0xc0000u
#define PC_VAPIC_ROM_END   0xc3000u

/* Segment seg (0-12; a larger number is taken as the BIOS segment, 12):
 * its base and size, and its mode in pam. */
uint32_t pam_segment_base(unsigned seg);
uint32_t pam_segment_size(unsigned seg);
enum pam_mode pam_segment_mode(const uint8_t pam[I440FX_PAM_REGS], unsigned seg);

/* One bit per 4 KiB page of the window: set = read-only. */
struct pc_legacy_window {
	uint64_t read_only[2];
};
_Static_assert(sizeof(((struct pc_legacy_window *)0)->read_only) * 8 >= PC_LEGACY_PAGES,
	       "a bit for every page of the window");

/* Every page RAM (a machine no firmware ran on; QEMU's power-on state
 * differs, but only firmware runs then). */
void pc_legacy_all_ram(struct pc_legacy_window *w);
/* The window for PAM bytes pam, the pages in [ram_base, ram_end) RAM
 * whatever PAM says (kvmvapic's; an empty range for none): 0, or -1 with
 * *w all RAM when a segment is in a mode the board cannot model (PCI,
 * write-only). */
int pc_legacy_from_pam(struct pc_legacy_window *w, const uint8_t pam[I440FX_PAM_REGS], uint32_t ram_base,
		       uint32_t ram_end);

/* Page index i (0 .. PC_LEGACY_PAGES - 1; others: nothing) made read-only
 * or RAM. */
void pc_legacy_set_page(struct pc_legacy_window *w, unsigned i, bool read_only);
/* Whether page index i (0 .. PC_LEGACY_PAGES - 1) is read-only. */
static inline bool pc_legacy_page_read_only(const struct pc_legacy_window *w, unsigned i)
{
	return i < PC_LEGACY_PAGES && (w->read_only[i / 64] >> (i % 64)) & 1;
}

/* Whether a guest write at gpa is dropped: gpa in a read-only page. On
 * the path of every emulated guest store: two compares for the rest. */
static inline bool pc_legacy_write_dropped(const struct pc_legacy_window *w, gpa_t gpa)
{
	return gpa - PC_LEGACY_BASE < PC_LEGACY_END - PC_LEGACY_BASE &&
	       pc_legacy_page_read_only(w, (unsigned)((gpa - PC_LEGACY_BASE) >> PAGE_SHIFT));
}

#endif

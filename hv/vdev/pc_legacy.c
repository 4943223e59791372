/* hv/vdev/pc_legacy.c - The legacy window's read-only pages from the
 * i440FX's PAM bytes (interface and sources in pc_legacy.h). */
#include "hv/vdev/pc_legacy.h"

/* SeaBIOS's make_bios_readonly (src/fw/shadow.c) on QEMU: every 32 KiB
 * pair of segments from 0xC0000 below the top of its option-ROM area
 * (rom_get_max: 0xE8000, where its upper-memory allocations start) 0x11,
 * read-only; PAM6 left at 0x33 as make_bios_writable set it (0xE8000-
 * 0xEFFFF read-write, SeaBIOS's own data); PAM0 0x10, the BIOS segment
 * read-only. Measured: tests/guests/mb/legacy.c. */
const uint8_t pc_seabios_pam[I440FX_PAM_REGS] = { 0x10, 0x11, 0x11, 0x11, 0x11, 0x11, 0x33 };

uint32_t pam_segment_base(unsigned seg)
{
	return seg + 1 < PAM_SEGMENTS ? PAM_FIRST_SEGMENT + seg * PAM_SMALL_SEGMENT : PAM_BIOS_SEGMENT;
}

uint32_t pam_segment_size(unsigned seg)
{
	return seg + 1 < PAM_SEGMENTS ? PAM_SMALL_SEGMENT : PC_LEGACY_END - PAM_BIOS_SEGMENT;
}

/* Segment 2k is PAM(k+1)'s low field, 2k+1 its high one; the BIOS
 * segment is PAM0's high field. */
enum pam_mode pam_segment_mode(const uint8_t pam[I440FX_PAM_REGS], unsigned seg)
{
	if (seg + 1 >= PAM_SEGMENTS)
		return (enum pam_mode)((pam[0] >> 4) & 3);
	uint8_t reg = pam[1 + seg / 2];
	return (enum pam_mode)((seg & 1 ? reg >> 4 : reg) & 3);
}

void pc_legacy_all_ram(struct pc_legacy_window *w)
{
	w->read_only[0] = w->read_only[1] = 0;
}

void pc_legacy_set_page(struct pc_legacy_window *w, unsigned i, bool ro)
{
	uint64_t bit = 1ull << (i % 64);

	if (i >= PC_LEGACY_PAGES)
		return;
	if (ro)
		w->read_only[i / 64] |= bit;
	else
		w->read_only[i / 64] &= ~bit;
}

int pc_legacy_from_pam(struct pc_legacy_window *w, const uint8_t pam[I440FX_PAM_REGS], uint32_t ram_base,
		       uint32_t ram_end)
{
	pc_legacy_all_ram(w);
	for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
		enum pam_mode mode = pam_segment_mode(pam, seg);
		if (mode != PAM_READ_ONLY && mode != PAM_RAM) {
			pc_legacy_all_ram(w);
			return -1;
		}
		uint32_t base = pam_segment_base(seg), end = base + pam_segment_size(seg);
		for (uint32_t gpa = base; gpa < end; gpa += PAGE_SIZE)
			pc_legacy_set_page(w, (gpa - PC_LEGACY_BASE) >> PAGE_SHIFT,
					   mode == PAM_READ_ONLY && (gpa < ram_base || gpa >= ram_end));
	}
	return 0;
}

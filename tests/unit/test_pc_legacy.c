/* tests/unit/test_pc_legacy.c - The legacy window's read-only pages from
 * the i440FX's PAM bytes, and the write-drop predicate on every address
 * near and outside the window. */
/* UNIT_SRC: hv/vdev/pc_legacy.c */
#include "test.h"
#include "hv/vdev/pc_legacy.h"

#define NO_RAM_RANGE 0, 0

static bool page_ro(const struct pc_legacy_window *w, uint32_t gpa)
{
	return pc_legacy_page_read_only(w, (gpa - PC_LEGACY_BASE) >> PAGE_SHIFT);
}

/* Every page of [lo, hi) is read-only (ro) or RAM. */
static bool range_is(const struct pc_legacy_window *w, uint32_t lo, uint32_t hi, bool ro)
{
	for (uint32_t gpa = lo; gpa < hi; gpa += PAGE_SIZE)
		if (page_ro(w, gpa) != ro)
			return false;
	return true;
}

/* The segments tile 0xC0000-0xFFFFF: twelve of 16 KiB, the BIOS one of
 * 64 KiB; each field of each register lands on its own segment. */
static void test_segments_and_fields(void)
{
	uint32_t next = PAM_FIRST_SEGMENT;
	for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
		EXPECT_EQ(pam_segment_base(seg), next);
		next += pam_segment_size(seg);
	}
	EXPECT_EQ(next, PC_LEGACY_END);
	EXPECT_EQ(pam_segment_size(PAM_SEGMENTS - 1), 0x10000);
	for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
		for (unsigned mode = 0; mode < 4; mode++) {
			uint8_t pam[I440FX_PAM_REGS] = { 0 };
			if (seg == PAM_SEGMENTS - 1)
				pam[0] = (uint8_t)(mode << 4);
			else
				pam[1 + seg / 2] = (uint8_t)(mode << (seg & 1 ? 4 : 0));
			for (unsigned other = 0; other < PAM_SEGMENTS; other++)
				EXPECT_EQ(pam_segment_mode(pam, other), other == seg ? mode : PAM_PCI);
		}
	}
	/* bits 2-3 of a field (reserved) and PAM0's low field change nothing */
	uint8_t reserved[I440FX_PAM_REGS] = { 0x0f, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++)
		EXPECT_EQ(pam_segment_mode(reserved, seg), PAM_PCI);
	/* a segment number past the last is the BIOS segment, not a read past the array */
	uint8_t bios_ro[I440FX_PAM_REGS] = { 0x10 };
	EXPECT_EQ(pam_segment_mode(bios_ro, PAM_SEGMENTS + 5), PAM_READ_ONLY);
}

/* What SeaBIOS leaves, with kvmvapic's pages: the measured window
 * (docs/pc.md). */
static void test_seabios_window(void)
{
	struct pc_legacy_window w;
	EXPECT_EQ(pc_legacy_from_pam(&w, pc_seabios_pam, PC_VAPIC_ROM_BASE, PC_VAPIC_ROM_END), 0);
	EXPECT_TRUE(range_is(&w, 0xa0000, 0xc3000, false));
	EXPECT_TRUE(range_is(&w, 0xc3000, 0xe8000, true));
	EXPECT_TRUE(range_is(&w, 0xe8000, 0xf0000, false));
	EXPECT_TRUE(range_is(&w, 0xf0000, 0x100000, true));
	/* without the carve-out the vapic pages follow PAM1 */
	EXPECT_EQ(pc_legacy_from_pam(&w, pc_seabios_pam, NO_RAM_RANGE), 0);
	EXPECT_TRUE(range_is(&w, 0xc0000, 0xe8000, true));
	EXPECT_EQ(PC_SEABIOS_SMRAM, 0x0a);
}

static void test_all_ram_and_unmodelled_modes(void)
{
	struct pc_legacy_window w;
	uint8_t all_rw[I440FX_PAM_REGS] = { 0x30, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33 };
	EXPECT_EQ(pc_legacy_from_pam(&w, all_rw, NO_RAM_RANGE), 0);
	EXPECT_TRUE(range_is(&w, PC_LEGACY_BASE, PC_LEGACY_END, false));
	/* PCI (0) or write-only (2) anywhere: refused, and the window all RAM */
	for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
		for (unsigned mode = PAM_PCI; mode <= PAM_WRITE_ONLY; mode += PAM_WRITE_ONLY) {
			uint8_t pam[I440FX_PAM_REGS] = { 0x10, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
			if (seg == PAM_SEGMENTS - 1)
				pam[0] = (uint8_t)(mode << 4);
			else
				pam[1 + seg / 2] = (uint8_t)((pam[1 + seg / 2] & (seg & 1 ? 0x0f : 0xf0)) |
							     (mode << (seg & 1 ? 4 : 0)));
			w.read_only[0] = w.read_only[1] = ~0ull;
			EXPECT_EQ(pc_legacy_from_pam(&w, pam, NO_RAM_RANGE), -1);
			EXPECT_EQ(w.read_only[0] | w.read_only[1], 0);
		}
	}
	pc_legacy_all_ram(&w);
	EXPECT_EQ(w.read_only[0] | w.read_only[1], 0);
}

/* The predicate on the guest's stores: the window's edges, below it, above
 * it, far above (a gpa below the base wraps in the subtraction), and page
 * indices out of range for the setter and the reader. */
static void test_write_dropped_edges(void)
{
	struct pc_legacy_window w;
	pc_legacy_all_ram(&w);
	for (unsigned i = 0; i < PC_LEGACY_PAGES; i++)
		pc_legacy_set_page(&w, i, true);
	pc_legacy_set_page(&w, PC_LEGACY_PAGES, true);       /* out of range: nothing */
	pc_legacy_set_page(&w, 1000000, true);
	EXPECT_EQ(w.read_only[1] >> (PC_LEGACY_PAGES - 64), 0);
	EXPECT_TRUE(!pc_legacy_page_read_only(&w, PC_LEGACY_PAGES));
	EXPECT_TRUE(!pc_legacy_page_read_only(&w, ~0u));
	static const struct { gpa_t gpa; bool dropped; } cases[] = {
		{ 0, false }, { 0x9ffff, false }, { 0xa0000, true }, { 0xa0fff, true },
		{ 0xfffff, true }, { 0x100000, false }, { 0x1000a0000ull, false },
		{ 0xffffffffffffffffull, false }, { 0xfffffffffff00000ull, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_EQ(pc_legacy_write_dropped(&w, cases[i].gpa), cases[i].dropped);
	/* one page back to RAM: only its own bytes */
	pc_legacy_set_page(&w, (0xe8000 - PC_LEGACY_BASE) >> PAGE_SHIFT, false);
	EXPECT_TRUE(pc_legacy_write_dropped(&w, 0xe7fff));
	EXPECT_TRUE(!pc_legacy_write_dropped(&w, 0xe8000));
	EXPECT_TRUE(!pc_legacy_write_dropped(&w, 0xe8fff));
	EXPECT_TRUE(pc_legacy_write_dropped(&w, 0xe9000));
}

int main(void)
{
	RUN(test_segments_and_fields);
	RUN(test_seabios_window);
	RUN(test_all_ram_and_unmodelled_modes);
	RUN(test_write_dropped_edges);
	TEST_MAIN_END();
}

/* tests/guests/mb/legacy.c - The legacy window 0xA0000-0xFFFFF as the
 * firmware leaves it when a Multiboot kernel starts. Each 4 KiB block is
 * read whole (its contents: all one byte, or other bytes) and written (a
 * dword at its first and last word, the complement of what is there, read
 * back, then put back): "ram" when the write sticks, "read-only" when it is
 * dropped. Runs of blocks of one class make one line; what the blocks of a
 * run hold is the board's own (SeaBIOS's code and data on QEMU, the
 * hypervisor's ACPI tables), so it is a "~" line, present on both sides but
 * not compared. (On QEMU's pc with -nodefaults nothing in the window is
 * unassigned: the VGA window with no VGA shows the RAM under it.) Then the
 * stores an emulator takes apart, to read-only memory and across its
 * boundaries with RAM, and the i440FX's PAM registers (PCI 00:00.0 config
 * 0x59-0x5F: which of 0xC0000-0xFFFFF reads and writes DRAM, Intel 440FX
 * PMC datasheet 3.2.18) and SMRAM (0x72) as firmware leaves them.
 *
 * docs/pc.md records what this measures on QEMU; the board
 * (hv/vdev/pc_legacy.c) must match it. Exit code 0.
 *
 * With the word "reset" in its arguments (the hypervisor only, with
 * on_reset=restart: QEMU's reference runs with -no-reboot), the report is
 * followed by a reset through 0xCF9 and made again after it: the window
 * must come back the same (a CMOS byte, which survives the reset as the
 * RTC's battery-backed RAM does, says which boot this is). */
#include "tkdev.h"

#define WINDOW_BASE  0xa0000u
#define WINDOW_END   0x100000u
#define BLOCK        0x1000u
#define BLOCKS       ((WINDOW_END - WINDOW_BASE) / BLOCK)

/* What the bytes of a block read: all one byte, or mixed. */
struct contents { bool uniform; uint8_t filler; };

static struct contents block_contents(uint32_t base)
{
	uint32_t first = rd32(base);
	bool uniform = (first & 0xff) * 0x01010101u == first;

	for (uint32_t off = 4; uniform && off < BLOCK; off += 4)
		uniform = rd32(base + off) == first;
	return (struct contents){ uniform, (uint8_t)first };
}

/* Whether a dword write at addr sticks; what was there is put back. */
static bool write_sticks(uint32_t addr)
{
	volatile uint32_t *p = phys(addr);
	uint32_t old = *p;

	*p = ~old;
	bool stuck = *p == ~old;
	*p = old;
	return stuck;
}

static bool block_is_ram(uint32_t base)
{
	return write_sticks(base) || write_sticks(base + BLOCK - 4);
}

static void print_contents(struct contents c)
{
	if (c.uniform)
		tk_printf(" %02x", c.filler);
	else
		tk_printf(" data");
}

static void window(void)
{
	bool ram[BLOCKS];
	struct contents con[BLOCKS];

	for (unsigned i = 0; i < BLOCKS; i++) {
		con[i] = block_contents(WINDOW_BASE + i * BLOCK);
		ram[i] = block_is_ram(WINDOW_BASE + i * BLOCK);
	}
	for (unsigned i = 0; i < BLOCKS;) {
		unsigned j = i + 1;
		while (j < BLOCKS && ram[j] == ram[i])
			j++;
		uint32_t lo = WINDOW_BASE + i * BLOCK, hi = WINDOW_BASE + j * BLOCK - 1;
		tk_printf("window 0x%05x-0x%05x: %s\n", lo, hi, ram[i] ? "ram" : "read-only, writes dropped");
		tk_printf("~ contents 0x%05x-0x%05x by 4 KiB:", lo, hi);
		for (unsigned k = i; k < j; k++)
			print_contents(con[k]);
		tk_putc('\n');
		i = j;
	}
}

/* Writes of each size and shape to read-only memory: what the processor
 * does there is one access each; the hypervisor emulates them (its nested
 * page table maps the range read-only), so the shapes an emulator takes
 * apart are here: each size, a read-modify-write, a locked one, string
 * stores and moves, and a dword across the boundary of a RAM run and a
 * read-only one, either way round (only the RAM half must change). What a
 * read-only byte holds is the board's own: only whether it changed is
 * printed. */
static uint32_t save[4];

static void snapshot(uint32_t addr)
{
	for (unsigned i = 0; i < 4; i++)
		save[i] = rd32(addr + 4 * i);
}

static bool unchanged(uint32_t addr)
{
	for (unsigned i = 0; i < 4; i++)
		if (rd32(addr + 4 * i) != save[i])
			return false;
	return true;
}

static void read_only_writes(uint32_t addr)
{
	volatile uint8_t *b = phys(addr);
	volatile uint16_t *w = phys(addr + 2);
	volatile uint32_t *d = phys(addr + 4);

	snapshot(addr);
	*b = (uint8_t)~*b;
	*w = (uint16_t)~*w;
	*d = ~*d;
	tk_printf("0x%05x: byte, word, dword stores %s\n", addr, unchanged(addr) ? "dropped" : "STUCK");
	__asm__ volatile("notl %0; lock incl %0; xchgl %1, %0" : "+m"(*d) : "r"(0x5a5a5a5au) : "memory");
	tk_printf("0x%05x: not, lock inc, xchg %s\n", addr, unchanged(addr) ? "dropped" : "STUCK");
	uint32_t n = 4, dst = addr;
	__asm__ volatile("cld; rep stosl" : "+D"(dst), "+c"(n) : "a"(0xa5a5a5a5u) : "memory");
	static const uint32_t pattern[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
	uint32_t src = (uint32_t)(uintptr_t)pattern;
	n = 16;
	dst = addr;
	__asm__ volatile("cld; rep movsb" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
	tk_printf("0x%05x: rep stosd, rep movsb %s\n", addr, unchanged(addr) ? "dropped" : "STUCK");
}

/* A dword store at addr across a boundary: ram_first says which side is
 * RAM. The RAM half reads back the store, the read-only half as before. */
static void boundary_store(uint32_t addr, bool ram_first)
{
	uint32_t rom_half = ram_first ? addr + 2 : addr;
	uint16_t before = *(volatile uint16_t *)phys(rom_half);
	uint32_t ram_half = ram_first ? addr : addr + 2;
	uint16_t ram_old = *(volatile uint16_t *)phys(ram_half);

	*(volatile uint32_t *)phys(addr) = 0xbeefcafe;
	uint16_t ram_now = *(volatile uint16_t *)phys(ram_half);
	bool rom_kept = *(volatile uint16_t *)phys(rom_half) == before;
	*(volatile uint16_t *)phys(ram_half) = ram_old;
	tk_printf("0x%05x: a dword store across 0x%05x: ram half 0x%04x, read-only half %s\n", addr,
		  (addr + 2), ram_now, rom_kept ? "kept" : "CHANGED");
}

/* A string store that runs from read-only memory into RAM. */
static void boundary_string(uint32_t addr)
{
	uint32_t n = 4, dst = addr;

	snapshot(addr);
	__asm__ volatile("cld; rep stosl" : "+D"(dst), "+c"(n) : "a"(0x5aa55aa5u) : "memory");
	bool rom_kept = rd32(addr) == save[0] && rd32(addr + 4) == save[1];
	tk_printf("0x%05x: rep stosd of 4 dwords: read-only half %s, ram half %08x %08x\n", addr,
		  rom_kept ? "kept" : "CHANGED", rd32(addr + 8), rd32(addr + 12));
	*(volatile uint32_t *)phys(addr + 8) = save[2];
	*(volatile uint32_t *)phys(addr + 12) = save[3];
}

#define CMOS_BOOT_MARK   0x7e     /* a CMOS byte neither firmware nor the board uses */
#define BOOTED_ONCE      0xa5
#define RESET_CONTROL    0xcf9
#define RESET_HARD       0x06     /* full reset, reset CPU (PIIX3 RCR) */


static uint8_t host_bridge_config(uint8_t reg)
{
	outl(0xcf8, 0x80000000u | (reg & 0xfcu));
	return inb((uint16_t)(0xcfc + (reg & 3)));
}

/* The i440FX's PAM0-PAM6 and SMRAM: each PAM nibble is RE (bit 0) and WE
 * (bit 1) of one segment: PAM0's high nibble 0xF0000-0xFFFFF, PAM1-PAM6
 * two 16 KiB segments each from 0xC0000 (440FX datasheet 3.2.18). */
static void host_bridge(void)
{
	tk_printf("i440fx pam 0x59-0x5f:");
	for (uint8_t reg = 0x59; reg <= 0x5f; reg++)
		tk_printf(" %02x", host_bridge_config(reg));
	tk_putc('\n');
	tk_printf("i440fx smram 0x72: 0x%02x\n", host_bridge_config(0x72));
}

int tk_main(const struct tk_entry *e)
{
	bool reset = tk_has_arg(e, "reset");
	bool second_boot = reset && tk_cmos_read(CMOS_BOOT_MARK) == BOOTED_ONCE;

	if (second_boot)
		tk_printf("legacy: booted again after the reset\n");
	tk_printf("legacy: the window 0xa0000-0xfffff at a Multiboot entry\n");
	host_bridge();
	window();
	read_only_writes(0xc3000);
	read_only_writes(0xe7ff0);
	read_only_writes(0xf0000);
	read_only_writes(0xffff0);
	boundary_store(0xc2ffe, true);
	boundary_store(0xe7ffe, false);
	boundary_store(0xefffe, true);
	boundary_string(0xe7ff8);
	if (reset && !second_boot) {
		tk_cmos_write(CMOS_BOOT_MARK, BOOTED_ONCE);
		tk_printf("legacy: resetting\n");
		outb(RESET_CONTROL, RESET_HARD);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (second_boot)
		tk_cmos_write(CMOS_BOOT_MARK, 0);
	tk_printf("legacy: done\n");
	return 0;
}

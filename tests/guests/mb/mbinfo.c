/* tests/guests/mb/mbinfo.c - Prints what a Multiboot v1 loader gave the
 * kernel: the information block (flags, memory sizes, command line,
 * modules with their strings, sizes and a checksum of their bytes, the
 * memory map, the boot loader's name), the CPU state at entry, the BIOS
 * data area and the EBDA, whether A20 is on, and whether page 0 is RAM.
 * Run under QEMU's own -kernel and under the hypervisor, the reports must
 * agree line by line (tk.h: the "~" lines are the board's identity).
 * Exit code: the number of failed checks. With the word "hold" in its
 * arguments it does not exit but halts with interrupts enabled (the 8259s
 * masked first: the BIOS's timer tick would arrive at vector 8, which is
 * #DF's), so that a test can look at the VM while it lives (the shell's
 * `vcpu`). */
#include "tk.h"

#define MB_LOADER_MAGIC 0x2badb002u

/* Multiboot 1 (0.6.96), 3.3 "Boot information format". */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table, boot_loader_name;
	uint32_t apm_table, vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_info) == 88, "Multiboot 1 info block");

struct mb_module { uint32_t start, end, string, reserved; } __attribute__((packed));
struct mb_mmap { uint32_t size; uint64_t base, length; uint32_t type; } __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap) == 24, "an mmap entry with its size field");

#define BDA         0x400u
#define BDA_TICKS   0x6cu     /* the timer tick count and the midnight flag: 5 bytes (IBM PC BIOS) */
#define BDA_EBDA    0x0eu     /* the EBDA's segment */
#define EBDA_DUMP   64u
#define ONE_MIB     0x100000u
#define FIRMWARE_BASE 0xc0000000ull

extern char tk_image_start[], tk_image_end[];

static void print_info_fields(const struct mb_info *mi)
{
	tk_printf("flags 0x%08x\n", mi->flags);
	tk_printf("mem_lower %u KiB, mem_upper %u KiB\n", mi->mem_lower, mi->mem_upper);
	tk_printf("boot_device 0x%08x\n", mi->boot_device);
	tk_printf("cmdline at 0x%08x\n", mi->cmdline);
	tk_printf("mods_count %u, mods_addr 0x%08x\n", mi->mods_count, mi->mods_addr);
	tk_printf("syms 0x%08x 0x%08x 0x%08x 0x%08x\n", mi->syms[0], mi->syms[1], mi->syms[2], mi->syms[3]);
	/* QEMU lists firmware ranges in the 3-4 GiB hole, which the
	 * hypervisor's board does not have: the length differs with them. */
	tk_vary("mmap_length %u", mi->mmap_length);
	tk_printf("mmap_addr 0x%08x\n", mi->mmap_addr);
	tk_printf("drives 0x%08x bytes at 0x%08x, config_table 0x%08x\n", mi->drives_length, mi->drives_addr,
		  mi->config_table);
	tk_printf("boot_loader_name at 0x%08x\n", mi->boot_loader_name);
	tk_printf("apm 0x%08x, vbe 0x%08x 0x%08x mode 0x%04x interface %04x:%04x len %u\n", mi->apm_table,
		  mi->vbe_control_info, mi->vbe_mode_info, mi->vbe_mode, mi->vbe_interface_seg,
		  mi->vbe_interface_off, mi->vbe_interface_len);
}

/* The kernel's own file name (QEMU) or the VM's name (the hypervisor)
 * comes first: the same word when the harness names the file after the VM. */
static void print_strings(const struct mb_info *mi)
{
	if (mi->flags & (1u << 2)) {
		const char *c = (const char *)phys(mi->cmdline);
		tk_printf("cmdline \"%s\" (%u bytes)\n", c, (unsigned)tk_strlen(c));
		tk_printf("cmdline args \"%s\"\n", tk_args_of(c));
	}
	if (mi->flags & (1u << 9))
		tk_vary("boot loader name \"%s\"", (const char *)phys(mi->boot_loader_name));
}

static uint32_t print_modules(const struct mb_info *mi)
{
	uint32_t top = 0;

	if (!(mi->flags & (1u << 3)))
		return 0;
	for (uint32_t i = 0; i < mi->mods_count && i < 64; i++) {
		const struct mb_module *m = (const struct mb_module *)phys(mi->mods_addr + i * 16);
		const char *s = (const char *)phys(m->string);
		uint32_t size = m->end - m->start;
		tk_printf("module %u: 0x%08x-0x%08x, %u bytes, fnv1a 0x%08x\n", i, m->start, m->end, size,
			  tk_fnv1a(m->start, size));
		tk_printf("module %u: string at 0x%08x \"%s\", reserved 0x%x\n", i, m->string, s, m->reserved);
		tk_check((m->start & 0xfff) == 0, "module %u starts on a page boundary", i);
		if (m->end > top)
			top = m->end;
	}
	return top;
}

/* Non-RAM ranges at or above 3 GiB are the board's firmware and chipset
 * (QEMU: its BIOS flash at 0xfffc0000, the AMD HyperTransport range at
 * 1012 GiB), not something another board must copy: they are listed on
 * one line that is not compared. Everything else is. */
static void print_mmap(const struct mb_info *mi)
{
	static const char hex[] = "0123456789abcdef";
	char firmware[200];
	size_t used = 0;
	uint64_t ram = 0;
	unsigned n = 0;

	if (!(mi->flags & (1u << 6)))
		return;
	for (uint32_t off = 0; off < mi->mmap_length && n < 64; n++) {
		const struct mb_mmap *e = (const struct mb_mmap *)phys(mi->mmap_addr + off);
		if (e->type != 1 && e->base >= FIRMWARE_BASE) {
			/* " BASE-LAST" in hex, by hand: the kernel has no snprintf */
			uint64_t v[2] = { e->base, e->base + e->length - 1 };
			for (int k = 0; k < 2 && used + 12 < sizeof(firmware); k++) {
				firmware[used++] = k ? '-' : ' ';
				for (int sh = 36; sh >= 0; sh -= 4)
					firmware[used++] = hex[(v[k] >> sh) & 15];
			}
		} else {
			tk_printf("mmap: 0x%016llx-0x%016llx type %u (size field %u)\n", e->base,
				  e->base + e->length - 1, e->type, e->size);
		}
		if (e->type == 1)
			ram += e->length;
		off += e->size + 4;
	}
	firmware[used] = '\0';
	tk_vary("mmap: firmware ranges at or above 3 GiB:%s", used ? firmware : " none");
	tk_printf("mmap: %llu KiB of RAM\n", ram >> 10);
}

static void print_entry_state(const struct tk_entry *e)
{
	tk_printf("entry: eax 0x%08x ebx 0x%08x\n", e->eax, e->ebx);
	tk_printf("entry: cr0 0x%08x cr2 0x%08x cr3 0x%08x cr4 0x%08x efer 0x%llx\n", e->cr0, e->cr2, e->cr3, e->cr4,
		  rdmsr(0xc0000080));
	tk_printf("entry: eflags 0x%08x esp 0x%08x\n", e->eflags, e->esp);
	tk_printf("entry: cs %04x ds %04x es %04x fs %04x gs %04x ss %04x tr %04x ldtr %04x\n", e->cs, e->ds, e->es,
		  e->fs, e->gs, e->ss, e->tr, e->ldtr);
	tk_printf("entry: gdtr 0x%08x limit 0x%04x, idtr 0x%08x limit 0x%04x\n", e->gdtr_base, e->gdtr_limit,
		  e->idtr_base, e->idtr_limit);
	/* The loader's GDT, as the selectors above refer to it. */
	tk_hexdump("gdt", e->gdtr_base, e->gdtr_limit < 64 ? e->gdtr_limit + 1u : 64u);
	/* Not defined by Multiboot: whatever the loader's last instructions left. */
	tk_vary("entry: ecx 0x%08x edx 0x%08x esi 0x%08x edi 0x%08x ebp 0x%08x", e->ecx, e->edx, e->esi, e->edi,
		e->ebp);
}

static void print_bda(void)
{
	uint8_t bda[256];

	for (uint32_t i = 0; i < sizeof(bda); i++)
		bda[i] = rd8(BDA + i);
	tk_vary("bda: ticks 0x%02x%02x%02x%02x midnight %u", bda[BDA_TICKS + 3], bda[BDA_TICKS + 2],
		bda[BDA_TICKS + 1], bda[BDA_TICKS], bda[BDA_TICKS + 4]);
	memset(&bda[BDA_TICKS], 0, 5);
	tk_hexdump("bda", (uint32_t)(uintptr_t)bda, sizeof(bda));
	uint32_t ebda = (uint32_t)(bda[BDA_EBDA] | bda[BDA_EBDA + 1] << 8) << 4;
	tk_printf("ebda at 0x%05x\n", ebda);
	if (ebda >= 0x80000 && ebda < 0xa0000)
		tk_hexdump("ebda", ebda, EBDA_DUMP);
}

/* With A20 off, address bit 20 is forced to 0 and hi aliases lo. Both lie
 * above the kernel and its modules, on a 2 MiB boundary and 1 MiB above. */
static void check_a20(uint32_t used_top, uint32_t ram_top)
{
	uint32_t lo = (used_top + 2 * ONE_MIB - 1) & ~(2 * ONE_MIB - 1), hi = lo + ONE_MIB;
	volatile uint32_t *plo = phys(lo), *phi = phys(hi);

	if (hi + 4 > ram_top) {
		tk_printf("a20: no room to test\n");
		return;
	}
	*plo = 0x11111111;
	*phi = 0x22222222;
	tk_check(*plo == 0x11111111 && *phi == 0x22222222, "a20: on (0x%x and 0x%x hold their own values)", lo,
		 hi);
	*plo = 0;
	*phi = 0;
}

static void check_page0(void)
{
	volatile uint32_t *p = phys(0);
	uint32_t was = p[0];

	tk_vary("page 0: %08x %08x %08x %08x (the real-mode IVT)", p[0], p[1], p[2], p[3]);
	p[0] = 0x5aa5c33c;
	bool ok = p[0] == 0x5aa5c33c;
	p[0] = ~0x5aa5c33cu;
	ok = ok && p[0] == ~0x5aa5c33cu;
	p[0] = was;
	tk_check(ok, "page 0 is writable RAM");
}

int tk_main(const struct tk_entry *e)
{
	const struct mb_info *mi = (const struct mb_info *)phys(e->ebx);
	uint32_t top = (uint32_t)(uintptr_t)tk_image_end;

	tk_printf("mbinfo: Multiboot v1 information and entry state\n");
	tk_printf("kernel 0x%08x-0x%08x\n", (uint32_t)(uintptr_t)tk_image_start, top);
	if (!tk_check(e->eax == MB_LOADER_MAGIC, "magic 0x%08x in eax", e->eax))
		return (int)tk_failures();
	tk_printf("info at 0x%08x\n", e->ebx);
	print_info_fields(mi);
	print_strings(mi);
	uint32_t mods_top = print_modules(mi);
	if (mods_top > top)
		top = mods_top;
	print_mmap(mi);
	print_entry_state(e);
	print_bda();
	check_a20(top, ONE_MIB + mi->mem_upper * 1024u);
	check_page0();
	tk_printf("mbinfo: done, %u failed\n", tk_failures());
	if (tk_has_arg(e, "hold")) {
		/* The 8259s masked first: the firmware left the PIT's IRQ 0
		 * open at vector 8, which the IDT would report as a #DF. */
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
		for (;;)
			__asm__ volatile("sti; hlt");
	}
	return (int)tk_failures();
}

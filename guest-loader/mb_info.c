/* guest-loader/mb_info.c - The Multiboot v1 boot information's layout and
 * bytes (what goes where, and why, in mb_info.h). */
#include "guest-loader/mb_info.h"
#include "hv/vdev/pc_layout.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FOUR_GIB  (1ull << 32)
#define MODULE_NAME_MAX 32   /* "NAME.modK": a 15-byte name, ".mod", two digits */

#define fail mb_error

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

void mb_module_name(char *buf, size_t len, const char *name, unsigned k)
{
	hv_snprintf(buf, len, "%s.mod%u", name, k);
}

static bool has_args(const char *args)
{
	return args && *args;
}

/* Why [base, base + len) is not RAM, for the error line. */
static const char *not_ram_why(const struct e820_entry *map, unsigned n, uint64_t base, uint64_t len)
{
	uint64_t end = base + len;
	uint64_t ram_top = 0;

	for (unsigned i = 0; i < n; i++)
		if (map[i].type == E820_RAM && map[i].base < FOUR_GIB)
			ram_top = MAX(ram_top, map[i].base + map[i].length);
	if (base < PC_HIGH_RAM_BASE && end > PC_EBDA_BASE)
		return "overlaps 0x9fc00-0xfffff (the EBDA and the BIOS area, not RAM)";
	if (end > ram_top && base < FOUR_GIB && ram_top >= (3ull << 30) - PC_FW_HIGH_BYTES)
		return "reaches into the 3-4 GiB hole (MMIO, not RAM)";
	return "goes past the end of the VM's RAM below 4 GiB (less the firmware's 128 KiB at its top)";
}

static int check_in_ram(const struct e820_entry *map, unsigned n, const char *what, uint64_t base, uint64_t len,
			char *err, size_t errlen)
{
	if (len == 0 || pc_memmap_is_ram(map, n, base, len))
		return 0;
	return fail(err, errlen, "%s at 0x%llx-0x%llx %s", what, (unsigned long long)base,
		    (unsigned long long)(base + len - 1), not_ram_why(map, n, base, len));
}

int mb_plan_layout(const struct mb_kernel *k, const char *name, const char *args, const struct mb_module_in *mods,
		   unsigned n, const char *loader_name, const struct e820_entry *map, unsigned map_n,
		   struct mb_plan *p, char *err, size_t errlen)
{
	char mod_name[MODULE_NAME_MAX];

	memset(p, 0, sizeof(*p));
	if (n > MB_MAX_MODULES)
		return fail(err, errlen, "more than %d modules", MB_MAX_MODULES);
	p->kernel_low = k->load_low;
	p->kernel_high = k->load_high;
	p->mod_count = n;
	/* QEMU: the module array at the kernel's page-aligned end, the strings
	 * after it; all sizes summed in 64 bits, checked against 4 GiB once. */
	uint64_t at = k->load_low + ALIGN_UP((uint64_t)k->load_high - k->load_low, PAGE_SIZE);
	p->mods_addr = (uint32_t)at;
	at += (uint64_t)n * MB_MODULE_BYTES;
	for (unsigned i = 0; i < n; i++) {
		mb_module_name(mod_name, sizeof(mod_name), name, i);
		p->mod_string[i] = (uint32_t)at;
		at += strlen(mod_name) + (has_args(mods[i].args) ? 1 + strlen(mods[i].args) : 0) + 1;
	}
	p->cmdline_addr = (uint32_t)at;
	at += strlen(name) + 1 + strlen(args ? args : "") + 1;
	p->loader_name_addr = (uint32_t)at;
	at += strlen(loader_name) + 1;
	at = ALIGN_UP(at, PAGE_SIZE);
	for (unsigned i = 0; i < n; i++) {
		p->mod_start[i] = (uint32_t)at;
		p->mod_end[i] = (uint32_t)(at + mods[i].size);
		at = ALIGN_UP(at + mods[i].size, PAGE_SIZE);
		if (at > FOUR_GIB)
			break;
	}
	p->end = at;
	if (at > FOUR_GIB)
		return fail(err, errlen, "the kernel, its boot information and its modules do not fit below 4 GiB");
	for (unsigned i = 0; i < k->segment_count; i++)
		if (check_in_ram(map, map_n, "the kernel's segment", k->segments[i].paddr, k->segments[i].memsz, err,
				 errlen))
			return -1;
	if (k->load_low < MB_INFO_GPA + MB_INFO_BYTES && k->load_high > MB_MMAP_GPA)
		return fail(err, errlen,
			    "the kernel (0x%x-0x%x) overlaps the memory map and information block at 0x%x-0x%x",
			    k->load_low, k->load_high - 1, MB_MMAP_GPA, MB_INFO_GPA + MB_INFO_BYTES - 1);
	uint32_t info_base = p->mods_addr;
	if (check_in_ram(map, map_n, "the boot information after the kernel", info_base,
			 p->loader_name_addr + strlen(loader_name) + 1 - info_base, err, errlen))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		char what[48];
		hv_snprintf(what, sizeof(what), "module %u (%llu bytes)", i, (unsigned long long)mods[i].size);
		if (check_in_ram(map, map_n, what, p->mod_start[i], mods[i].size, err, errlen))
			return -1;
	}
	if (err && errlen)
		err[0] = '\0';
	return 0;
}

void mb_build_info(const struct mb_plan *p, uint32_t mem_lower, uint32_t mem_upper, uint32_t mmap_length,
		   uint8_t out[MB_INFO_BYTES])
{
	memset(out, 0, MB_INFO_BYTES);
	put32(out + MBI_FLAGS, MB_INFO_FLAGS);
	put32(out + MBI_MEM_LOWER, mem_lower);
	put32(out + MBI_MEM_UPPER, mem_upper);
	put32(out + MBI_BOOT_DEVICE, MB_BOOT_DEVICE);
	put32(out + MBI_CMDLINE, p->cmdline_addr);
	put32(out + MBI_MODS_COUNT, p->mod_count);
	put32(out + MBI_MODS_ADDR, p->mods_addr);
	put32(out + MBI_MMAP_LENGTH, mmap_length);
	put32(out + MBI_MMAP_ADDR, MB_MMAP_GPA);
	put32(out + MBI_LOADER_NAME, p->loader_name_addr);
}

void mb_build_module_entry(const struct mb_plan *p, unsigned i, uint8_t out[MB_MODULE_BYTES])
{
	memset(out, 0, MB_MODULE_BYTES);
	if (i >= p->mod_count)
		return;
	put32(out + 0, p->mod_start[i]);
	put32(out + 4, p->mod_end[i]);
	put32(out + 8, p->mod_string[i]);
}

uint32_t mb_build_mmap(const struct e820_entry *map, unsigned n, uint8_t *out, size_t cap)
{
	uint32_t len = 0;

	for (unsigned i = 0; i < n && len + MB_MMAP_ENTRY_BYTES <= cap; i++) {
		uint8_t *e = out + len;
		put32(e, MB_MMAP_ENTRY_BYTES - 4);   /* 'size' counts the entry without itself */
		put64(e + 4, map[i].base);
		put64(e + 12, map[i].length);
		put32(e + 20, map[i].type);
		len += MB_MMAP_ENTRY_BYTES;
	}
	return len;
}

uint32_t mb_mem_upper(const struct e820_entry *map, unsigned n)
{
	uint64_t top = PC_HIGH_RAM_BASE;
	bool grew = true;

	/* Each pass extends top by a RAM entry that contains it; at most n
	 * passes can extend it (each entry once). */
	for (unsigned pass = 0; grew && pass <= n; pass++) {
		grew = false;
		for (unsigned i = 0; i < n; i++) {
			const struct e820_entry *e = &map[i];
			if (e->type != E820_RAM || e->base >= FOUR_GIB)
				continue;
			uint64_t end = MIN(e->base + e->length, FOUR_GIB);
			if (e->base <= top && top < end) {
				top = end;
				grew = true;
			}
		}
	}
	return (uint32_t)((top - PC_HIGH_RAM_BASE) >> 10);
}

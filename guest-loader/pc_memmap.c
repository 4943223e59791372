/* guest-loader/pc_memmap.c - The board's e820 memory map (layout and
 * sources in pc_memmap.h). */
#include "guest-loader/pc_memmap.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vm_config.h"

static unsigned add(struct e820_entry *out, unsigned n, unsigned max, uint64_t base, uint64_t len, uint32_t type)
{
	if (n < max)
		out[n] = (struct e820_entry){ base, len, type };
	return n + 1;
}

unsigned pc_memmap_build(uint64_t mem, struct e820_entry *out, unsigned max)
{
	uint64_t low_top = MIN(mem, VM_LOW_RAM_TOP);
	unsigned n = 0;

	if (mem < PC_MEMMAP_MIN_MEM_BYTES || max < PC_MEMMAP_MAX)
		return 0;
	n = add(out, n, max, 0, PC_EBDA_BASE, E820_RAM);
	n = add(out, n, max, PC_EBDA_BASE, PC_EBDA_BYTES, E820_RESERVED);
	n = add(out, n, max, PC_BIOS_AREA_BASE, PC_HIGH_RAM_BASE - PC_BIOS_AREA_BASE, E820_RESERVED);
	n = add(out, n, max, PC_HIGH_RAM_BASE, low_top - PC_FW_HIGH_BYTES - PC_HIGH_RAM_BASE, E820_RAM);
	n = add(out, n, max, low_top - PC_FW_HIGH_BYTES, PC_FW_HIGH_BYTES, E820_RESERVED);
	if (mem > VM_LOW_RAM_TOP)
		n = add(out, n, max, VM_HIGH_RAM_BASE, mem - VM_LOW_RAM_TOP, E820_RAM);
	return n;
}

bool pc_memmap_is_ram(const struct e820_entry *map, unsigned n, uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < n; i++) {
		const struct e820_entry *e = &map[i];
		if (e->type == E820_RAM && base >= e->base && len <= e->length && base - e->base <= e->length - len)
			return true;
	}
	return false;
}

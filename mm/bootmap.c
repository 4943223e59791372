/* mm/bootmap.c - Loading the firmware memory map from the boot information. */
#include "mm/bootmap.h"

static void add_entry(struct memmap *m, uint64_t start, uint64_t len, enum mem_type type,
		      struct bootmap_result *res)
{
	res->entries++;
	if (len == 0)
		return;   /* firmware does report empty entries; they describe nothing */
	/* An entry running past 2^64 is clipped to the top of the address space. */
	uint64_t end = start + len < start ? UINT64_MAX : start + len;
	if (memmap_add(m, start, end, type) != 0)
		res->dropped++;
}

void bootmap_load(struct memmap *m, const struct mb2_info *info, struct bootmap_result *res)
{
	*res = (struct bootmap_result){ 0 };

	if (info->efi_mmap && info->efi_mmap_count) {
		res->source = "the EFI memory map";
		for (uint32_t i = 0; i < info->efi_mmap_count; i++) {
			uint32_t type;
			uint64_t start, pages, attr;
			mb2_efi_mmap_entry(info, i, &type, &start, &pages, &attr);
			if (pages > (UINT64_MAX >> PAGE_SHIFT)) {
				res->entries++;
				res->dropped++;
				continue;
			}
			add_entry(m, start, pages << PAGE_SHIFT, memmap_type_from_efi(type), res);
		}
		return;
	}
	if (info->mmap && info->mmap_count) {
		res->source = "the Multiboot2 memory map";
		for (uint32_t i = 0; i < info->mmap_count; i++) {
			uint64_t base, len;
			uint32_t type;
			mb2_mmap_entry(info, i, &base, &len, &type);
			add_entry(m, base, len, memmap_type_from_mb2(type), res);
		}
	}
}

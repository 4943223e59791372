/* boot/efi/place.c - Making room for hv.elf at its physical addresses.
 *
 * hv.elf is linked at 16 MiB and cannot move. Under OVMF, booted straight
 * from the boot manager, the firmware's own boot-services allocations can
 * sit there (GRUB, loaded later, usually finds the range free; its
 * relocator copies the image after ExitBootServices when it is not).
 * hvboot.efi does the same: the range may hold free memory and
 * boot-services code or data, which ExitBootServices hands back (UEFI
 * spec 7.2 EFI_MEMORY_TYPE: "available for general use" after it); the
 * free pages are taken now (AllocatePages at their address), so nothing
 * of ours lands there, and the trampoline copies the segments in once
 * paging is off. Anything else in the range (runtime services, ACPI,
 * reserved, another loader's data) cannot be given up: an error naming
 * it. */
#include "boot/efi/hvboot.h"
#include "lib/printf.h"

static const char *const type_names[] = {
	"reserved", "loader code", "loader data", "boot services code", "boot services data",
	"runtime services code", "runtime services data", "conventional memory", "unusable memory",
	"ACPI reclaim memory", "ACPI NVS", "memory-mapped I/O", "memory-mapped I/O ports", "PAL code",
	"persistent memory", "unaccepted memory",
};

static const char *type_name(UINT32 t)
{
	return t < ARRAY_SIZE(type_names) ? type_names[t] : "an OEM or OS type";
}

/* The current memory map in pool memory (freed by the caller). */
static EFI_STATUS get_map(EFI_MEMORY_DESCRIPTOR **map, UINTN *size, UINTN *desc_size)
{
	UINTN key;
	UINT32 version;
	EFI_STATUS st = EFI_BUFFER_TOO_SMALL;

	*map = NULL;
	*size = 0;
	for (int tries = 0; tries < 3 && st == EFI_BUFFER_TOO_SMALL; tries++) {
		if (*map)
			uefi_call_wrapper(BS->FreePool, 1, *map);
		*size += 16 * sizeof(EFI_MEMORY_DESCRIPTOR) + 4096;
		st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, *size, (void **)map);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, size, *map, &key, desc_size, &version);
	}
	return st;
}

static const EFI_MEMORY_DESCRIPTOR *find_desc(const EFI_MEMORY_DESCRIPTOR *map, UINTN size,
					      UINTN desc_size, uint64_t at)
{
	for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)map + off);
		if (d->PhysicalStart <= at && at - d->PhysicalStart < d->NumberOfPages * EFI_PAGE_SIZE)
			return d;
	}
	return NULL;
}

EFI_STATUS place_reserve(uint64_t lo, uint64_t hi, char *why, size_t whylen)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN size, desc_size;
	EFI_STATUS st = get_map(&map, &size, &desc_size);

	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "GetMemoryMap: %s", efi_status_text(st));
		return st;
	}
	for (uint64_t at = lo; at < hi;) {
		const EFI_MEMORY_DESCRIPTOR *d = find_desc(map, size, desc_size, at);
		if (!d) {
			hv_set_err(why, whylen, "its load range 0x%llx-0x%llx holds 0x%llx, which is not in the firmware's memory map",
				   (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)at);
			st = EFI_NOT_FOUND;
			break;
		}
		uint64_t end = MIN(hi, d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE);
		if (d->Type == EfiConventionalMemory) {
			EFI_PHYSICAL_ADDRESS a = at;
			st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData,
					       (end - at) / EFI_PAGE_SIZE, &a);
			if (EFI_ERROR(st)) {
				hv_set_err(why, whylen, "cannot take its free pages 0x%llx-0x%llx (AllocatePages: %s)",
					   (unsigned long long)at, (unsigned long long)end, efi_status_text(st));
				break;
			}
		} else if (d->Type != EfiBootServicesCode && d->Type != EfiBootServicesData) {
			hv_set_err(why, whylen, "its load range 0x%llx-0x%llx meets %s at 0x%llx-0x%llx, which the firmware keeps",
				   (unsigned long long)lo, (unsigned long long)hi, type_name(d->Type),
				   (unsigned long long)d->PhysicalStart,
				   (unsigned long long)(d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE));
			st = EFI_ACCESS_DENIED;
			break;
		}
		at = end;
	}
	uefi_call_wrapper(BS->FreePool, 1, map);
	return st;
}

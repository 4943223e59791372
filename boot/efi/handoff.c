/* boot/efi/handoff.c - The last steps before the hypervisor runs: the
 * final memory map into the information block, ExitBootServices (UEFI
 * spec 7.4), and the jump through the trampoline (trampoline.asm). */
#include "boot/efi/hvboot.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const uint8_t hvboot_tramp_start[] __attribute__((visibility("hidden")));
extern const uint8_t hvboot_tramp_end[] __attribute__((visibility("hidden")));

EFI_STATUS handoff_prepare(EFI_PHYSICAL_ADDRESS *tramp)
{
	size_t len = (size_t)(hvboot_tramp_end - hvboot_tramp_start);
	EFI_STATUS st;

	/* Loader code: pages the firmware leaves executable. Below 4 GiB: the
	 * trampoline's second half runs in 32-bit mode. */
	*tramp = 0xffffffffull;
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderCode,
			       EFI_SIZE_TO_PAGES(len), tramp);
	if (!EFI_ERROR(st))
		memcpy((void *)(UINTN)*tramp, hvboot_tramp_start, len);
	return st;
}

EFI_STATUS handoff(EFI_HANDLE image, struct mbi *m, EFI_PHYSICAL_ADDRESS tramp, uint32_t entry,
		   char *why, size_t whylen)
{
	EFI_STATUS st = EFI_SUCCESS;

	/* UEFI spec 7.4 ExitBootServices: the key must be that of the last
	 * GetMemoryMap; if the map changed since (an event's allocation), the
	 * call fails with EFI_INVALID_PARAMETER, and only GetMemoryMap and
	 * ExitBootServices may be called again. So: one retry, and nothing
	 * in between that allocates or prints. */
	for (int attempt = 0; attempt < 2; attempt++) {
		UINTN size, key = 0, desc_size = 0;
		UINT32 desc_version = 0;
		uint32_t room, mark;
		void *map = mbi_efi_mmap_room(m, &room, &mark);
		size = room;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &desc_size, &desc_version);
		if (EFI_ERROR(st)) {
			hv_set_err(why, whylen, "GetMemoryMap into %u bytes: %s (%llu needed)", room,
				   efi_status_text(st), (unsigned long long)size);
			return st;
		}
		if (mbi_finish(m, (uint32_t)size, (uint32_t)desc_size, desc_version) == 0) {
			hv_set_err(why, whylen, "the memory map (%llu bytes) does not fit the information block",
				   (unsigned long long)size);
			return EFI_BUFFER_TOO_SMALL;
		}
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st))
			break;
		hv_set_err(why, whylen, "ExitBootServices: %s", efi_status_text(st));
		if (st != EFI_INVALID_PARAMETER || attempt == 1)
			return st;
		mbi_rewind(m, mark);
	}

	/* No firmware from here on. The block and the entry are below 4 GiB. */
	__asm__ volatile("cli\n\tjmp *%0"
			 : : "r"(tramp), "D"((uint64_t)(UINTN)m->buf), "S"((uint64_t)entry) : "memory");
	__builtin_unreachable();
}

/* boot/efi/handoff.c - The last steps before the hypervisor runs: the
 * final memory map into the information block, ExitBootServices (UEFI
 * spec 7.4), and the jump through the trampoline (trampoline.asm). */
#include "boot/early_com1.h"
#include "boot/efi/hvboot.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const uint8_t hvboot_tramp_start[] __attribute__((visibility("hidden")));
extern const uint8_t hvboot_tramp_end[] __attribute__((visibility("hidden")));

EFI_STATUS handoff_prepare(EFI_PHYSICAL_ADDRESS *tramp, struct tramp_params **params)
{
	size_t len = (size_t)(hvboot_tramp_end - hvboot_tramp_start);
	size_t params_at = ALIGN_UP(len, 16);
	EFI_STATUS st;

	_Static_assert(sizeof(struct tramp_params) <= 2048, "the parameters fit the page with the code");
	if (params_at + sizeof(struct tramp_params) > EFI_PAGE_SIZE)
		return EFI_BUFFER_TOO_SMALL;
	/* Loader code: pages the firmware leaves executable. Below 4 GiB: the
	 * trampoline's second half runs in 32-bit mode. */
	*tramp = 0xffffffffull;
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderCode, 1, tramp);
	if (EFI_ERROR(st))
		return st;
	memcpy((void *)(UINTN)*tramp, hvboot_tramp_start, len);
	*params = (struct tramp_params *)(UINTN)(*tramp + params_at);
	return EFI_SUCCESS;
}

static void fill_params(struct tramp_params *p, const struct mbi *m, const struct hv_image *img,
			uint64_t file_pa)
{
	p->info = (uint32_t)(UINTN)m->buf;
	p->entry = img->entry;
	p->nseg = img->nseg;
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct hv_segment *s = &img->seg[i];
		p->seg[i] = (struct tramp_seg){ .dst = (uint32_t)s->paddr,
						.src = (uint32_t)(file_pa + s->offset),
						.filesz = (uint32_t)s->filesz, .memsz = (uint32_t)s->memsz };
	}
}

/* After the first ExitBootServices call, even a failed one, only the
 * memory-map services may be used (UEFI spec 7.4): no ConOut, no waiting
 * for a key, no return to the boot manager. The reason goes to COM1
 * (boot/early_com1.h) and the CPU stops. */
static __attribute__((noreturn)) void fail_after_exit(const char *why)
{
	early_com1_write("hvboot: after ExitBootServices: ");
	early_com1_write(why);
	early_com1_write("; halted\r\n");
	for (;;)
		__asm__ volatile("cli\n\thlt");
}

EFI_STATUS handoff(EFI_HANDLE image, struct mbi *m, EFI_PHYSICAL_ADDRESS tramp,
		   struct tramp_params *params, const struct hv_image *img, uint64_t file_pa,
		   char *why, size_t whylen)
{
	EFI_STATUS st = EFI_SUCCESS;

	fill_params(params, m, img, file_pa);

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
			if (attempt == 1)
				fail_after_exit(why);
			return st;
		}
		if (mbi_finish(m, (uint32_t)size, (uint32_t)desc_size, desc_version) == 0) {
			hv_set_err(why, whylen, "the memory map (%llu bytes) does not fit the information block",
				   (unsigned long long)size);
			if (attempt == 1)
				fail_after_exit(why);
			return EFI_BUFFER_TOO_SMALL;
		}
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st))
			break;
		hv_set_err(why, whylen, "ExitBootServices: %s", efi_status_text(st));
		if (st != EFI_INVALID_PARAMETER || attempt == 1)
			fail_after_exit(why);
		mbi_rewind(m, mark);
	}

	/* No firmware from here on; everything the trampoline reads is below 4 GiB. */
	__asm__ volatile("cli\n\tjmp *%0" : : "r"(tramp), "D"((uint64_t)(UINTN)params) : "memory");
	__builtin_unreachable();
}

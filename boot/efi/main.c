/* boot/efi/main.c - hvboot.efi: starting the hypervisor from UEFI without
 * GRUB (docs/boot.md, "hvboot.efi").
 *
 * In order: \svm-hv.cfg from our own volume (config.c), hv.elf checked
 * (image.c) and its load range taken (place.c; the segments are copied
 * there by the trampoline, after ExitBootServices), each module
 * below 4 GiB on page boundaries (gunzipped when it is a gzip file and
 * not --nounzip), the Multiboot2 information block (mbinfo.c, tables.c),
 * then ExitBootServices and the 32-bit entry (handoff.c). Anything that
 * goes wrong before ExitBootServices is said on the console as
 * "hvboot: FILE:LINE: why" and waits for a key (console.c). */
#include "boot/efi/hvboot.h"
#include "boot/efi/config.h"
#include "boot/efi/image.h"
#include "lib/printf.h"
#include "lib/string.h"

/* GNU-EFI's libefi defines ST and BS; InitializeLib() would set them, but
 * it lives with libefi's own memcpy/memset, which lib/string.c gives. */
#define CFG_MAX (64 * KiB)

/* Room for the fixed tags (command lines, 32 modules, RSDPs, ...). */
#define MBI_FIXED (96 * KiB)

static struct hvcfg cfg;   /* 43 KiB: not on the firmware's stack */
static char why[320];

static EFI_STATUS read_config(void)
{
	struct hv_file f;
	char err[sizeof(why)];
	EFI_STATUS st = files_load(HVBOOT_CFG, false, false, &f, why, sizeof(why));

	if (EFI_ERROR(st))
		return con_fail(st, "%s: %s", HVBOOT_CFG, why);
	if (f.size > CFG_MAX) {
		files_free(&f);
		return con_fail(EFI_BAD_BUFFER_SIZE, "%s: %llu bytes, larger than a config file can be (%llu)",
				HVBOOT_CFG, (unsigned long long)f.size, (unsigned long long)CFG_MAX);
	}
	int rc = hvcfg_parse((const char *)(UINTN)f.addr, f.size, HVBOOT_CFG, &cfg, err, sizeof(err));
	files_free(&f);
	if (rc != 0)
		return con_fail(EFI_LOAD_ERROR, "%s", err);
	return EFI_SUCCESS;
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* hv.elf: read below 4 GiB and checked; its load range made ours
 * (place.c). The trampoline copies the segments from the file once
 * boot services are gone. A file that was read into that very range is
 * read again, elsewhere, once the range is taken. */
static EFI_STATUS load_hypervisor(struct hv_image *img, struct hv_file *f)
{
	const struct hvcfg_file *k = &cfg.kernel;
	char err[200];

	for (int pass = 0; pass < 2; pass++) {
		EFI_STATUS st = files_load(k->path, true, true, f, why, sizeof(why));
		if (EFI_ERROR(st))
			return con_fail(st, "%s:%u: %s: %s", HVBOOT_CFG, k->line, k->path, why);
		if (hv_image_check((const void *)(UINTN)f->addr, f->size, img, err, sizeof(err)) != 0) {
			files_free(f);
			return con_fail(EFI_LOAD_ERROR, "%s:%u: %s: %s", HVBOOT_CFG, k->line, k->path, err);
		}
		if (pass == 1)
			break;
		bool in_range = overlaps(f->addr, f->addr + f->pages * EFI_PAGE_SIZE, img->lo, img->hi);
		if (in_range)
			files_free(f);
		st = place_reserve(img->lo, img->hi, why, sizeof(why));
		if (EFI_ERROR(st))
			return con_fail(st, "%s:%u: %s: %s", HVBOOT_CFG, k->line, k->path, why);
		if (!in_range)
			break;
	}
	con_printf("hvboot: %s: 0x%llx-0x%llx, entry 0x%x\n", k->path, (unsigned long long)img->lo,
		   (unsigned long long)img->hi, img->entry);
	return EFI_SUCCESS;
}

/* Each module below 4 GiB, page-aligned (hv.elf's header asks for
 * module alignment, Multiboot2 spec "Module alignment tag"), as a tag. */
static struct hv_file loaded_modules[HVCFG_MAX_MODULES];

static EFI_STATUS load_modules(struct mbi *m)
{
	for (unsigned i = 0; i < cfg.module_count; i++) {
		const struct hvcfg_file *mod = &cfg.modules[i];
		struct hv_file f;
		EFI_STATUS st = files_load(mod->path, true, !mod->nounzip, &f, why, sizeof(why));
		if (EFI_ERROR(st))
			return con_fail(st, "%s:%u: %s: %s", HVBOOT_CFG, mod->line, mod->path, why);
		loaded_modules[i] = f;
		mbi_add_module(m, (uint32_t)f.addr, (uint32_t)(f.addr + f.size), mod->cmdline);
		if (f.packed_size)
			con_printf("hvboot: %s: 0x%llx-0x%llx, gunzipped from %llu bytes\n", mod->path,
				   (unsigned long long)f.addr, (unsigned long long)(f.addr + f.size),
				   (unsigned long long)f.packed_size);
		else
			con_printf("hvboot: %s: 0x%llx-0x%llx\n", mod->path, (unsigned long long)f.addr,
				   (unsigned long long)(f.addr + f.size));
	}
	return EFI_SUCCESS;
}

/* The information block's pages, below 4 GiB: the fixed tags, then room
 * for the EFI memory map twice over (it grows with every allocation
 * until the last GetMemoryMap) and tag 6 made from it. */
static EFI_STATUS alloc_info(struct mbi *m)
{
	UINTN size = 0, key, desc_size = 0;
	UINT32 version;
	EFI_PHYSICAL_ADDRESS at = 0xffffffffull;

	uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &desc_size, &version);
	uint64_t bytes = MBI_FIXED + (2 * (uint64_t)size + 64 * (uint64_t)desc_size) * 64 / 40;
	UINTN pages = EFI_SIZE_TO_PAGES(bytes);
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, pages, &at);
	if (EFI_ERROR(st))
		return con_fail(st, "%llu bytes for the boot information do not fit below 4 GiB (AllocatePages: %s)",
				(unsigned long long)bytes, efi_status_text(st));
	mbi_init(m, (void *)(UINTN)at, (uint32_t)(pages * EFI_PAGE_SIZE));
	return EFI_SUCCESS;
}

/* Called by GNU-EFI's crt0 after it relocated us (UEFI spec 4.1
 * EFI_IMAGE_ENTRY_POINT). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st_in);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st_in)
{
	struct hv_image img;
	struct hv_file hv_elf;
	struct mbi m;
	struct tramp_params *params;
	EFI_PHYSICAL_ADDRESS tramp;
	EFI_STATUS st;

	ST = st_in;
	BS = st_in->BootServices;
	/* UEFI spec, SetWatchdogTimer(): the boot manager arms a 5-minute watchdog before
	 * starting us. Off, so an error message waits for its key. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	con_printf("\nhvboot: " HVBOOT_NAME ", starting the svm-hv hypervisor from %s\n", HVBOOT_CFG);

	st = files_open_volume(image, why, sizeof(why));
	if (EFI_ERROR(st))
		return con_fail(st, "%s", why);
	if (EFI_ERROR((st = read_config())))
		return st;
	if (EFI_ERROR((st = load_hypervisor(&img, &hv_elf))))
		return st;
	if (EFI_ERROR((st = alloc_info(&m))))
		return st;
	mbi_add_string(&m, 1, cfg.kernel.cmdline);       /* tag 1: command line */
	mbi_add_string(&m, 2, HVBOOT_NAME);              /* tag 2: boot loader name */
	if (EFI_ERROR((st = load_modules(&m))))
		return st;
	tables_add(&m, image, st_in);
	if (m.full)
		return con_fail(EFI_BUFFER_TOO_SMALL, "the boot information does not fit its %u bytes", m.cap);
	st = handoff_prepare(&tramp, &params);
	if (EFI_ERROR(st))
		return con_fail(st, "no page below 4 GiB for the trampoline (AllocatePages: %s)",
				efi_status_text(st));
	/* place_reserve() took the free pages of hv.elf's range once; pages
	 * the firmware held then and freed later could have been handed out
	 * since. The trampoline copies hv.elf over the whole range with
	 * paging off, so nothing it still reads may lie there. */
	const char *in_range = overlaps(hv_elf.addr, hv_elf.addr + hv_elf.pages * EFI_PAGE_SIZE, img.lo, img.hi)
				       ? "hv.elf's file buffer"
			       : overlaps((UINTN)m.buf, (UINTN)m.buf + m.cap, img.lo, img.hi) ? "the boot information"
			       : overlaps(tramp, tramp + EFI_PAGE_SIZE, img.lo, img.hi)       ? "the trampoline"
											       : NULL;
	for (unsigned i = 0; !in_range && i < cfg.module_count; i++)
		if (overlaps(loaded_modules[i].addr, loaded_modules[i].addr + loaded_modules[i].pages * EFI_PAGE_SIZE,
			     img.lo, img.hi))
			in_range = cfg.modules[i].path;
	if (in_range)
		return con_fail(EFI_OUT_OF_RESOURCES,
				"%s: the firmware placed it in hv.elf's load range 0x%llx-0x%llx, which the hypervisor's segments overwrite",
				in_range, (unsigned long long)img.lo, (unsigned long long)img.hi);
	con_printf("hvboot: %u module%s; exiting boot services, entering the hypervisor at 0x%x\n",
		   cfg.module_count, cfg.module_count == 1 ? "" : "s", img.entry);
	st = handoff(image, &m, tramp, params, &img, hv_elf.addr, why, sizeof(why));
	return con_fail(st, "%s", why);
}

/* boot/efi/files.c - Reading hvboot.efi's files from its own volume
 * (UEFI spec 9.1 EFI_LOADED_IMAGE_PROTOCOL.DeviceHandle, 13.4
 * EFI_SIMPLE_FILE_SYSTEM_PROTOCOL, 13.5 EFI_FILE_PROTOCOL). */
#include "boot/efi/hvboot.h"
#include "boot/efi/config.h"
#include "lib/inflate.h"
#include "lib/printf.h"

static EFI_FILE_HANDLE root;

EFI_STATUS files_open_volume(EFI_HANDLE image, char *why, size_t whylen)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "no loaded image protocol (%s)", efi_status_text(st));
		return st;
	}
	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "the volume hvboot.efi came from has no file system (%s)",
			   efi_status_text(st));
		return st;
	}
	st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &root);
	if (EFI_ERROR(st))
		hv_set_err(why, whylen, "cannot open the volume hvboot.efi came from (%s)", efi_status_text(st));
	return st;
}

static EFI_STATUS alloc_pages(bool below_4g, UINTN pages, EFI_PHYSICAL_ADDRESS *addr)
{
	/* UEFI spec 7.2 AllocatePages: AllocateMaxAddress takes the highest
	 * address the pages may end at. */
	*addr = 0xffffffffull;
	return uefi_call_wrapper(BS->AllocatePages, 4, below_4g ? AllocateMaxAddress : AllocateAnyPages,
				 EfiLoaderData, pages, addr);
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, uint8_t *buf, uint64_t size)
{
	while (size) {
		UINTN n = size;
		EFI_STATUS st = uefi_call_wrapper(f->Read, 3, f, &n, buf);
		if (EFI_ERROR(st))
			return st;
		if (n == 0)
			return EFI_END_OF_FILE;   /* shorter than its directory entry said */
		buf += n;
		size -= n;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE f, uint64_t *size)
{
	/* EFI_FILE_INFO with room for the name (13.5.16 EFI_FILE_INFO). */
	UINT64 buf[(SIZE_OF_EFI_FILE_INFO + 2 * HVCFG_PATH_MAX + 7) / 8];
	UINTN n = sizeof(buf);
	EFI_STATUS st = uefi_call_wrapper(f->GetInfo, 4, f, &GenericFileInfo, &n, buf);

	if (!EFI_ERROR(st))
		*size = ((EFI_FILE_INFO *)buf)->FileSize;
	return st;
}

/* The gzip file in *f becomes its contents, in pages of its own. */
static EFI_STATUS gunzip_file(struct hv_file *f, bool below_4g, char *why, size_t whylen)
{
	struct hv_file out = { 0 };
	uint32_t isize;
	size_t n;
	char err[160];
	EFI_STATUS st;

	if (gzip_isize((void *)(UINTN)f->addr, f->size, &isize, err, sizeof(err)) != 0) {
		hv_set_err(why, whylen, "%s", err);
		return EFI_LOAD_ERROR;
	}
	out.pages = EFI_SIZE_TO_PAGES(isize ? isize : 1);
	st = alloc_pages(below_4g, out.pages, &out.addr);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "%u bytes gunzipped do not fit%s (AllocatePages: %s)", isize,
			   below_4g ? " below 4 GiB" : "", efi_status_text(st));
		return st;
	}
	if (gunzip((void *)(UINTN)f->addr, f->size, (void *)(UINTN)out.addr, isize, &n, err, sizeof(err)) != 0) {
		files_free(&out);
		hv_set_err(why, whylen, "%s", err);
		return EFI_LOAD_ERROR;
	}
	out.size = n;
	out.packed_size = f->size;
	files_free(f);
	*f = out;
	return EFI_SUCCESS;
}

EFI_STATUS files_load(const char *path, bool below_4g, bool gunzip, struct hv_file *out,
		      char *why, size_t whylen)
{
	CHAR16 wpath[HVCFG_PATH_MAX];
	EFI_FILE_HANDLE f;
	EFI_STATUS st;
	size_t i;

	*out = (struct hv_file){ 0 };
	for (i = 0; path[i] && i < ARRAY_SIZE(wpath) - 1; i++)
		wpath[i] = (CHAR16)path[i];   /* ASCII: config.c refuses anything else */
	wpath[i] = 0;
	st = uefi_call_wrapper(root->Open, 5, root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND) {
		hv_set_err(why, whylen, "not found");
		return st;
	}
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "cannot open (%s)", efi_status_text(st));
		return st;
	}
	st = file_size(f, &out->size);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "cannot read its size (%s)", efi_status_text(st));
		goto close;
	}
	if (out->size >= 4 * GiB) {
		st = EFI_BAD_BUFFER_SIZE;
		hv_set_err(why, whylen, "0x%llx bytes: larger than 4 GiB", (unsigned long long)out->size);
		goto close;
	}
	out->pages = EFI_SIZE_TO_PAGES(out->size ? out->size : 1);
	st = alloc_pages(below_4g, out->pages, &out->addr);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "%llu bytes do not fit%s (AllocatePages: %s)",
			   (unsigned long long)out->size, below_4g ? " below 4 GiB" : "", efi_status_text(st));
		out->pages = 0;
		goto close;
	}
	st = read_all(f, (uint8_t *)(UINTN)out->addr, out->size);
	if (EFI_ERROR(st)) {
		hv_set_err(why, whylen, "read failed (%s)", efi_status_text(st));
		files_free(out);
		goto close;
	}
	if (gunzip && gzip_has_magic((void *)(UINTN)out->addr, out->size)) {
		st = gunzip_file(out, below_4g, why, whylen);
		if (EFI_ERROR(st))
			files_free(out);
	}
close:
	uefi_call_wrapper(f->Close, 1, f);
	return st;
}

void files_free(struct hv_file *f)
{
	if (f->pages)
		uefi_call_wrapper(BS->FreePages, 2, f->addr, f->pages);
	f->pages = 0;
}

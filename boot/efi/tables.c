/* boot/efi/tables.c - What the firmware knows that the hypervisor needs:
 * the system table and image handle (Multiboot2 spec "EFI 64-bit system
 * table pointer", "EFI 64-bit image handle pointer"), the ACPI RSDPs from
 * the configuration table ("ACPI old/new RSDP"; UEFI spec 4.6
 * EFI_CONFIGURATION_TABLE, ACPI_TABLE_GUID and EFI_ACPI_20_TABLE_GUID) and
 * the framebuffer of the Graphics Output Protocol ("Framebuffer info"; UEFI spec 12.9). */
#include "boot/efi/hvboot.h"
#include "lib/string.h"

/* Multiboot2 tag types (boot/multiboot2.h, which this file cannot include
 * next to GNU-EFI's headers: both name the EFI memory types). */
#define TAG_FRAMEBUFFER 8u
#define TAG_EFI64_ST    12u
#define TAG_ACPI_OLD    14u
#define TAG_ACPI_NEW    15u
#define TAG_EFI64_IH    20u

/* ACPI 6.5, 5.2.5.3: the RSDP of revision 0 is 20 bytes, later ones give
 * their length at offset 20 (36 bytes for 2.0 and after). */
#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u

static void add_rsdps(struct mbi *m, EFI_SYSTEM_TABLE *st)
{
	EFI_GUID acpi1 = ACPI_TABLE_GUID, acpi2 = ACPI_20_TABLE_GUID;

	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &acpi2, sizeof(EFI_GUID)) == 0)
			mbi_add_rsdp(m, TAG_ACPI_NEW, t->VendorTable, RSDP_V2_LEN);
	}
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &acpi1, sizeof(EFI_GUID)) == 0)
			mbi_add_rsdp(m, TAG_ACPI_OLD, t->VendorTable, RSDP_V1_LEN);
	}
}

/* A channel mask (PixelBitMask) as field position and size. */
static void mask_field(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	*pos = 0;
	*size = 0;
	if (!mask)
		return;
	while (!(mask & 1)) {
		mask >>= 1;
		(*pos)++;
	}
	while (mask & 1) {
		mask >>= 1;
		(*size)++;
	}
}

static void add_framebuffer(struct mbi *m)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	struct mbi_fb fb = { .bpp = 32 };

	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol, NULL, (void **)&gop)) ||
	    !gop->Mode || !gop->Mode->Info)
		return;   /* no GOP: no framebuffer tag, as GRUB */
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:   /* byte 0 red */
		fb.red_pos = 0; fb.green_pos = 8; fb.blue_pos = 16;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:   /* byte 0 blue */
		fb.red_pos = 16; fb.green_pos = 8; fb.blue_pos = 0;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case PixelBitMask: {
		EFI_PIXEL_BITMASK *b = &info->PixelInformation;
		uint32_t all = b->RedMask | b->GreenMask | b->BlueMask | b->ReservedMask;
		mask_field(b->RedMask, &fb.red_pos, &fb.red_size);
		mask_field(b->GreenMask, &fb.green_pos, &fb.green_size);
		mask_field(b->BlueMask, &fb.blue_pos, &fb.blue_size);
		fb.bpp = 0;
		while (all) {
			all >>= 1;
			fb.bpp++;
		}
		fb.bpp = (uint8_t)ALIGN_UP(fb.bpp, 8);
		break;
	}
	default:   /* PixelBltOnly: no linear framebuffer to give */
		return;
	}
	fb.addr = gop->Mode->FrameBufferBase;
	fb.width = info->HorizontalResolution;
	fb.height = info->VerticalResolution;
	fb.pitch = info->PixelsPerScanLine * (fb.bpp / 8);
	mbi_add_framebuffer(m, &fb);
}

void tables_add(struct mbi *m, EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	mbi_add_efi64(m, TAG_EFI64_ST, (uint64_t)(UINTN)st);
	mbi_add_efi64(m, TAG_EFI64_IH, (uint64_t)(UINTN)image);
	add_rsdps(m, st);
	add_framebuffer(m);
}

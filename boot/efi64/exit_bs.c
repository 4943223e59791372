/* boot/efi64/exit_bs.c - The EFI amd64 entry's firmware part: memory map, ExitBootServices, the new info block.
 *
 * Runs in 64-bit mode on the firmware's identity-mapped page tables and
 * its stack (UEFI 2.10, 2.3.4 "x64 Platforms"), at the image's physical
 * address, before the hypervisor has a console or .bss: so no library
 * calls (mk/efi64.mk checks the object for undefined symbols), messages go
 * straight to the firmware's ConOut and to COM1.
 *
 * The order is that of UEFI 2.10, 7.4.6 ExitBootServices(): take the
 * memory map with GetMemoryMap() (7.2.3), then call ExitBootServices()
 * with its key. If the map changed in between (an event allocated memory)
 * the call returns EFI_INVALID_PARAMETER and the loader gets the map again
 * and retries; after the first call only memory-map services may be used,
 * so from then on failures are told on COM1 alone. */
#include "boot/early_com1.h"
#include "boot/efi64/efi64.h"
#include "boot/efi64/mbi_copy.h"
#include "boot/efi64/uefi.h"
#include "boot/multiboot2.h"

/* The new info block, inside the image (.boot.bss), so the hypervisor's
 * memory ownership protects it like the rest of the image. GRUB's tags
 * are a few KiB (command line, modules, ELF sections, ACPI, framebuffer);
 * the EFI map of a real machine has several hundred descriptors of 48 or
 * more bytes (500 x 48 = 24 KiB), a little more on the retry. 128 KiB
 * leaves room for over 2,000 descriptors; a map that still does not fit is
 * reported with its size. */
#define NEW_MBI_SIZE (128 * 1024)
static _Alignas(8) uint8_t new_mbi[NEW_MBI_SIZE];

/* mk/efi64.mk builds this file with -fno-zero-initialized-in-bss, so these
 * are in .boot.data with their values: nothing clears .boot.bss for the
 * BIOS path, where the entry never runs. */
uint8_t efi64_entry_taken = 0;
uint64_t efi64_entry_tsc = 0;

/* --- messages ------------------------------------------------------------------ */

static char msg[256];
static uint32_t msg_len;
static efi_char16_t msg16[sizeof(msg)];

static void msg_add(const char *s)
{
	while (*s && msg_len < sizeof(msg) - 3)   /* room for "\r\n" and the NUL */
		msg[msg_len++] = *s++;
	msg[msg_len] = '\0';
}

static void msg_hex(uint64_t v)
{
	char digits[19] = "0x";
	int n = 2;

	for (int shift = 60; shift >= 0; shift -= 4)
		if ((v >> shift) || shift == 0 || n > 2)
			digits[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	digits[n] = '\0';
	msg_add(digits);
}

static void msg_dec(uint64_t v)
{
	char digits[21];
	int n = sizeof(digits) - 1;

	digits[n] = '\0';
	do
		digits[--n] = (char)('0' + v % 10);
	while ((v /= 10) && n > 0);
	msg_add(digits + n);
}

/* Prints the message (with "\r\n") on COM1 and, while boot services may
 * still be used, on the firmware console (UTF-16, 12.4.3 OutputString),
 * then halts: a failed entry never resets the machine silently. */
static __noreturn void fail(struct efi_simple_text_output *con_out)
{
	msg[msg_len++] = '\r';
	msg[msg_len++] = '\n';
	msg[msg_len] = '\0';
	early_com1_write(msg);
	if (con_out && con_out->output_string) {
		for (uint32_t i = 0; i <= msg_len; i++)
			msg16[i] = (uint8_t)msg[i];
		con_out->output_string(con_out, msg16);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void msg_begin(const char *s)
{
	msg_len = 0;
	msg_add("hv: EFI amd64 entry: ");
	msg_add(s);
}

/* --- the take-over ------------------------------------------------------------------ */

uint32_t efi64_take_over(uint32_t magic, uint64_t grub_mbi)
{
	const void *grub = (const void *)(uintptr_t)grub_mbi;
	struct efi_system_table *st;
	struct efi_boot_services *bs;
	struct mbi_copy copy;
	efi_uintn_t map_size, map_key, descr_size;
	uint32_t descr_vers, room, total;
	uint64_t st_pa, image;
	efi_status_t status;
	const char *why;
	uint8_t *map;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		msg_begin("not started by a Multiboot2 boot loader (EAX=");
		msg_hex(magic);
		msg_add(")");
		fail(NULL);
	}
	if (!mbi_find_u64(grub, MB2_TAG_EFI64_ST, &st_pa) || !st_pa) {
		msg_begin("the boot information has no EFI 64-bit system table (tag 12); cannot exit boot services");
		fail(NULL);
	}
	st = (struct efi_system_table *)(uintptr_t)st_pa;
	if (st->hdr.signature != EFI_SYSTEM_TABLE_SIGNATURE || !st->boot_services) {
		msg_begin("no EFI system table at ");
		msg_hex(st_pa);
		msg_add(" (tag 12); cannot exit boot services");
		fail(NULL);
	}
	bs = st->boot_services;
	if (!mbi_find_u64(grub, MB2_TAG_EFI64_IH, &image) || !image) {
		msg_begin("the boot information has no EFI 64-bit image handle (tag 20); cannot exit boot services");
		fail(st->con_out);
	}
	why = mbi_copy_tags(&copy, grub, new_mbi, sizeof(new_mbi));
	if (why) {
		msg_begin(why);
		fail(st->con_out);
	}
	map = mbi_copy_map_area(&copy, &room);

	for (int attempt = 0;; attempt++) {
		map_size = room;
		status = bs->get_memory_map(&map_size, map, &map_key, &descr_size, &descr_vers);
		if (status != EFI_SUCCESS) {
			msg_begin("GetMemoryMap failed, status ");
			msg_hex(status);
			if (status == EFI_BUFFER_TOO_SMALL) {
				msg_add(": the map needs ");
				msg_dec(map_size);
				msg_add(" bytes, the hypervisor has room for ");
				msg_dec(room);
				msg_add(" (NEW_MBI_SIZE, boot/efi64/exit_bs.c)");
			}
			fail(attempt == 0 ? st->con_out : NULL);
		}
		status = bs->exit_boot_services((efi_handle_t)(uintptr_t)image, map_key);
		if (status == EFI_SUCCESS)
			break;
		if (status != EFI_INVALID_PARAMETER || attempt == 1) {
			msg_begin("ExitBootServices failed, status ");
			msg_hex(status);
			msg_add(attempt == 1 ? " (the second time, with a fresh memory map)" : "");
			fail(NULL);
		}
	}
	/* The firmware's interrupt handlers are gone with its boot services;
	 * mb2_entry and hv_main run with interrupts off until the IDT is ours. */
	__asm__ volatile("cli" ::: "memory");

	total = mbi_copy_finish(&copy, (uint32_t)map_size, (uint32_t)descr_size, descr_vers);
	if (!total) {
		msg_begin("the memory map does not fit the new boot information");
		fail(NULL);
	}
	efi64_entry_taken = 1;
	return (uint32_t)(uintptr_t)new_mbi;
}

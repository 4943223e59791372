/* boot/efi64/uefi.h - The few UEFI tables the EFI amd64 entry calls through.
 *
 * Only what boot/efi64/exit_bs.c uses: the system table up to BootServices,
 * the boot-services table up to ExitBootServices, and the text-output
 * protocol's OutputString. Layouts and offsets follow the UEFI
 * Specification 2.10: 4.3 "EFI System Table", 4.4 "EFI Boot Services
 * Table", 12.4 "Simple Text Output Protocol"; the slots we do not call are
 * kept as plain pointers so every offset below is checked. All calls use
 * the x64 calling convention of 2.3.4.2 (the Microsoft x64 ABI: RCX, RDX,
 * R8, R9, then the stack above 32 bytes of shadow space, 16-byte aligned),
 * which GCC emits for ms_abi function pointers. */
#ifndef BOOT_EFI64_UEFI_H
#define BOOT_EFI64_UEFI_H

#include "lib/types.h"

typedef uint64_t efi_status_t;
typedef uint64_t efi_uintn_t;
typedef void *efi_handle_t;
typedef uint16_t efi_char16_t;

#define EFIAPI __attribute__((ms_abi))

/* UEFI 2.10 Appendix D "Status Codes": errors have the top bit set. */
#define EFI_SUCCESS                0ull
#define EFI_ERROR_BIT              BIT(63)
#define EFI_INVALID_PARAMETER      (EFI_ERROR_BIT | 2)
#define EFI_BUFFER_TOO_SMALL       (EFI_ERROR_BIT | 5)

/* 4.3.1 EFI_SYSTEM_TABLE.Hdr.Signature: "IBI SYST". */
#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ull

/* 4.2.1 EFI_TABLE_HEADER. */
struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};
_Static_assert(sizeof(struct efi_table_header) == 24, "efi_table_header");

/* 12.4.1 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL, up to OutputString. */
struct efi_simple_text_output {
	void *reset;
	efi_status_t (EFIAPI *output_string)(struct efi_simple_text_output *self, const efi_char16_t *string);
};
_Static_assert(offsetof(struct efi_simple_text_output, output_string) == 8, "ConOut.OutputString");

/* 7.2.3 EFI_BOOT_SERVICES.GetMemoryMap(): fills map with descriptors of
 * *descriptor_size bytes (EFI_MEMORY_DESCRIPTOR, boot/multiboot2.h) and
 * sets *map_size; EFI_BUFFER_TOO_SMALL sets *map_size to what it needs. */
typedef efi_status_t (EFIAPI *efi_get_memory_map_t)(efi_uintn_t *map_size, void *map, efi_uintn_t *map_key,
						   efi_uintn_t *descriptor_size, uint32_t *descriptor_version);
/* 7.4.6 EFI_BOOT_SERVICES.ExitBootServices(): EFI_INVALID_PARAMETER when
 * map_key is not the current map's (the map changed since). */
typedef efi_status_t (EFIAPI *efi_exit_boot_services_t)(efi_handle_t image, efi_uintn_t map_key);

/* 4.4.1 EFI_BOOT_SERVICES, up to ExitBootServices (slot 26 after the header). */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	void *allocate_pages, *free_pages;
	efi_get_memory_map_t get_memory_map;
	void *allocate_pool, *free_pool;
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface, *uninstall_protocol_interface;
	void *handle_protocol, *reserved, *register_protocol_notify;
	void *locate_handle, *locate_device_path, *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_exit_boot_services_t exit_boot_services;
};
_Static_assert(offsetof(struct efi_boot_services, get_memory_map) == 56, "BootServices.GetMemoryMap");
_Static_assert(offsetof(struct efi_boot_services, install_configuration_table) == 192, "BS.InstallConfigurationTable");
_Static_assert(offsetof(struct efi_boot_services, exit_boot_services) == 232, "BootServices.ExitBootServices");

/* 4.3.1 EFI_SYSTEM_TABLE, up to BootServices. */
struct efi_system_table {
	struct efi_table_header hdr;
	efi_char16_t *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle_t console_in_handle;
	void *con_in;
	efi_handle_t console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle_t standard_error_handle;
	struct efi_simple_text_output *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
};
_Static_assert(offsetof(struct efi_system_table, firmware_revision) == 32, "ST.FirmwareRevision");
_Static_assert(offsetof(struct efi_system_table, con_out) == 64, "ST.ConOut");
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96, "ST.BootServices");

#endif

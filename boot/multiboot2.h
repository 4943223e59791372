/* boot/multiboot2.h - Multiboot2 boot information: layouts and a bounds-checked parser.
 *
 * Layouts follow "Multiboot2 Specification version 2.0", section "Boot
 * information format" (cited below by subsection title), and the spec's
 * example multiboot2.h (4.4.1), which is what GRUB implements. The parser
 * is pure C and builds on the host: it checks every tag length against the
 * info block before reading a field, so a malformed or truncated block ends
 * in a one-line reason, never a wild read. */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include "lib/types.h"

/* Spec "Header magic fields": magic in the OS image; "Machine state": EAX at entry. */
#define MB2_HEADER_MAGIC        0xe85250d6u
#define MB2_HEADER_ARCH_I386    0u
#define MB2_BOOTLOADER_MAGIC    0x36d76289u

/* Spec "Boot information format": the block and every tag are 8-byte aligned. */
#define MB2_INFO_ALIGN          8u
#define MB2_TAG_ALIGN           8u

/* Spec "Boot information format": tag types. */
enum mb2_tag_type {
	MB2_TAG_END                = 0,
	MB2_TAG_CMDLINE            = 1,
	MB2_TAG_BOOTLOADER_NAME    = 2,
	MB2_TAG_MODULE             = 3,
	MB2_TAG_BASIC_MEMINFO      = 4,
	MB2_TAG_BOOTDEV            = 5,
	MB2_TAG_MMAP               = 6,
	MB2_TAG_VBE                = 7,
	MB2_TAG_FRAMEBUFFER        = 8,
	MB2_TAG_ELF_SECTIONS       = 9,
	MB2_TAG_APM                = 10,
	MB2_TAG_EFI32_ST           = 11,
	MB2_TAG_EFI64_ST           = 12,
	MB2_TAG_SMBIOS             = 13,
	MB2_TAG_ACPI_OLD           = 14,
	MB2_TAG_ACPI_NEW           = 15,
	MB2_TAG_NETWORK            = 16,
	MB2_TAG_EFI_MMAP           = 17,
	MB2_TAG_EFI_BS             = 18,
	MB2_TAG_EFI32_IH           = 19,
	MB2_TAG_EFI64_IH           = 20,
	MB2_TAG_LOAD_BASE_ADDR     = 21,
	MB2_TAG_TYPE_COUNT         = 22,   /* types above are unknown: skipped */
};

/* Spec "Memory map": entry types. Anything else is reserved. */
#define MB2_MMAP_AVAILABLE         1u
#define MB2_MMAP_RESERVED          2u
#define MB2_MMAP_ACPI_RECLAIMABLE  3u
#define MB2_MMAP_NVS               4u
#define MB2_MMAP_BADRAM            5u

/* Spec "Framebuffer info": framebuffer_type values. */
#define MB2_FB_TYPE_INDEXED        0u
#define MB2_FB_TYPE_RGB            1u
#define MB2_FB_TYPE_EGA_TEXT       2u

/* --- on-the-wire layouts (little-endian, packed) -------------------------- */

/* Spec "Basic tags structure": fixed part of the info block. */
struct mb2_info_header {
	uint32_t total_size;   /* whole block, this header and the end tag included */
	uint32_t reserved;     /* ignored, per the spec */
} __packed;
_Static_assert(sizeof(struct mb2_info_header) == 8, "mb2_info_header");

/* Spec "Basic tags structure": every tag starts with type and size (size
 * counts the header but not the padding up to the next 8-byte boundary). */
struct mb2_tag {
	uint32_t type;
	uint32_t size;
} __packed;
_Static_assert(sizeof(struct mb2_tag) == 8, "mb2_tag");

/* Spec "Boot command line", "Boot loader name": NUL-terminated UTF-8. */
struct mb2_tag_string {
	struct mb2_tag hdr;
	char string[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_string) == 8, "mb2_tag_string");

/* Spec "Modules": one module, [mod_start, mod_end) physical, then its string. */
struct mb2_tag_module {
	struct mb2_tag hdr;
	uint32_t mod_start;
	uint32_t mod_end;
	char cmdline[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_module) == 16, "mb2_tag_module");
_Static_assert(offsetof(struct mb2_tag_module, mod_end) == 12, "mb2_tag_module.mod_end");

/* Spec "Basic memory information": lower/upper memory in KiB. */
struct mb2_tag_basic_meminfo {
	struct mb2_tag hdr;
	uint32_t mem_lower;
	uint32_t mem_upper;
} __packed;
_Static_assert(sizeof(struct mb2_tag_basic_meminfo) == 16, "mb2_tag_basic_meminfo");

/* Spec "BIOS Boot device". */
struct mb2_tag_bootdev {
	struct mb2_tag hdr;
	uint32_t biosdev;
	uint32_t partition;
	uint32_t sub_partition;
} __packed;
_Static_assert(sizeof(struct mb2_tag_bootdev) == 20, "mb2_tag_bootdev");

/* Spec "Memory map": entries follow with stride entry_size. */
struct mb2_tag_mmap {
	struct mb2_tag hdr;
	uint32_t entry_size;     /* multiple of 8; may grow beyond 24 in future versions */
	uint32_t entry_version;  /* 0 */
	uint8_t entries[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mb2_tag_mmap");

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2_mmap_entry");
_Static_assert(offsetof(struct mb2_mmap_entry, type) == 16, "mb2_mmap_entry.type");

/* Spec "VBE info": control info 512 bytes, mode info 256 bytes. */
struct mb2_tag_vbe {
	struct mb2_tag hdr;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint8_t vbe_control_info[512];
	uint8_t vbe_mode_info[256];
} __packed;
_Static_assert(sizeof(struct mb2_tag_vbe) == 784, "mb2_tag_vbe");

/* Spec "Framebuffer info": the common part; colour info follows. The
 * reserved field is 16 bits in the spec's own multiboot2.h (4.4.1) and in
 * GRUB, which makes the common part 32 bytes. */
struct mb2_tag_framebuffer {
	struct mb2_tag hdr;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint16_t reserved;
	uint8_t color_info[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "mb2_tag_framebuffer");
_Static_assert(offsetof(struct mb2_tag_framebuffer, framebuffer_bpp) == 28, "fb.bpp");

/* Spec "ELF-Symbols": section headers follow (fields are u32 in GRUB and 4.4.1). */
struct mb2_tag_elf_sections {
	struct mb2_tag hdr;
	uint32_t num;
	uint32_t entsize;
	uint32_t shndx;
	uint8_t sections[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_elf_sections) == 20, "mb2_tag_elf_sections");

/* Spec "APM table". */
struct mb2_tag_apm {
	struct mb2_tag hdr;
	uint16_t version;
	uint16_t cseg;
	uint32_t offset;
	uint16_t cseg_16;
	uint16_t dseg;
	uint16_t flags;
	uint16_t cseg_len;
	uint16_t cseg_16_len;
	uint16_t dseg_len;
} __packed;
_Static_assert(sizeof(struct mb2_tag_apm) == 28, "mb2_tag_apm");

/* Spec "EFI 32-bit/64-bit system table pointer"; the image handle tags
 * (types 19, 20) have the same layouts. */
struct mb2_tag_efi32 {
	struct mb2_tag hdr;
	uint32_t pointer;
} __packed;
_Static_assert(sizeof(struct mb2_tag_efi32) == 12, "mb2_tag_efi32");

struct mb2_tag_efi64 {
	struct mb2_tag hdr;
	uint64_t pointer;
} __packed;
_Static_assert(sizeof(struct mb2_tag_efi64) == 16, "mb2_tag_efi64");

/* Spec "SMBIOS tables": the tables follow the version bytes. */
struct mb2_tag_smbios {
	struct mb2_tag hdr;
	uint8_t major;
	uint8_t minor;
	uint8_t reserved[6];
	uint8_t tables[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_smbios) == 16, "mb2_tag_smbios");

/* Spec "ACPI old/new RSDP": a copy of the RSDP (ACPI: v1 20 bytes, v2 36). */
struct mb2_tag_acpi {
	struct mb2_tag hdr;
	uint8_t rsdp[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_acpi) == 8, "mb2_tag_acpi");
#define MB2_RSDP_V1_LEN  20u
#define MB2_RSDP_V2_LEN  36u

/* Spec "EFI memory map": the map as GetMemoryMap() returned it. */
struct mb2_tag_efi_mmap {
	struct mb2_tag hdr;
	uint32_t descr_size;
	uint32_t descr_vers;
	uint8_t efi_mmap[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_efi_mmap) == 16, "mb2_tag_efi_mmap");

/* Spec "Image load base physical address" (relocatable images). */
struct mb2_tag_load_base_addr {
	struct mb2_tag hdr;
	uint32_t load_base_addr;
} __packed;
_Static_assert(sizeof(struct mb2_tag_load_base_addr) == 12, "mb2_tag_load_base_addr");

/* UEFI 2.x, 7.2 EFI_BOOT_SERVICES.GetMemoryMap(): EFI_MEMORY_DESCRIPTOR.
 * Firmware may hand out a larger DescriptorSize; walk with that stride. */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;   /* 4 KiB pages */
	uint64_t attribute;
} __packed;
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "efi_memory_descriptor");
_Static_assert(offsetof(struct efi_memory_descriptor, physical_start) == 8, "efi.physical_start");
_Static_assert(offsetof(struct efi_memory_descriptor, attribute) == 32, "efi.attribute");

/* UEFI 2.x EFI_MEMORY_TYPE. */
enum efi_memory_type {
	EFI_RESERVED_MEMORY_TYPE       = 0,
	EFI_LOADER_CODE                = 1,
	EFI_LOADER_DATA                = 2,
	EFI_BOOT_SERVICES_CODE         = 3,
	EFI_BOOT_SERVICES_DATA         = 4,
	EFI_RUNTIME_SERVICES_CODE      = 5,
	EFI_RUNTIME_SERVICES_DATA      = 6,
	EFI_CONVENTIONAL_MEMORY        = 7,
	EFI_UNUSABLE_MEMORY            = 8,
	EFI_ACPI_RECLAIM_MEMORY        = 9,
	EFI_ACPI_MEMORY_NVS            = 10,
	EFI_MEMORY_MAPPED_IO           = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE                   = 13,
	EFI_PERSISTENT_MEMORY          = 14,
	EFI_UNACCEPTED_MEMORY_TYPE     = 15,   /* UEFI 2.9 */
	EFI_MAX_MEMORY_TYPE            = 16,
};

/* UEFI 2.x memory attribute bits (EFI_MEMORY_*). */
#define EFI_MEMORY_UC        BIT(0)
#define EFI_MEMORY_WC        BIT(1)
#define EFI_MEMORY_WT        BIT(2)
#define EFI_MEMORY_WB        BIT(3)
#define EFI_MEMORY_UCE       BIT(4)
#define EFI_MEMORY_WP        BIT(12)
#define EFI_MEMORY_RP        BIT(13)
#define EFI_MEMORY_XP        BIT(14)
#define EFI_MEMORY_NV        BIT(15)
#define EFI_MEMORY_RO        BIT(17)
#define EFI_MEMORY_SP        BIT(18)
#define EFI_MEMORY_RUNTIME   BIT(63)

#define EFI_PAGE_SIZE        4096u

/* --- parse result ---------------------------------------------------------- */

#define MB2_MAX_MODULES 32

struct mb2_module {
	uint32_t start, end;   /* [start, end) physical */
	const char *cmdline;   /* NUL-terminated inside the tag */
};

/* Pointers point into the info block; it must stay mapped while they are used. */
struct mb2_info {
	uint32_t total_size;
	const char *cmdline;           /* NULL when no tag */
	const char *bootloader_name;   /* NULL when no tag */
	bool has_basic_meminfo;
	uint32_t mem_lower_kb, mem_upper_kb;
	const uint8_t *mmap;           /* raw entries, stride mmap_entry_size (>= 24) */
	uint32_t mmap_entry_size, mmap_count;
	struct mb2_module modules[MB2_MAX_MODULES];
	uint32_t module_count;
	const void *rsdp;              /* tag 15 (new) preferred over 14 (old) */
	uint32_t rsdp_len;
	uint8_t rsdp_tag;
	const uint8_t *efi_mmap;       /* raw descriptors, stride efi_desc_size (>= 40) */
	uint32_t efi_desc_size, efi_desc_version, efi_mmap_count;
	bool efi_boot_services_active; /* tag 18 present */
	bool has_efi64_st;
	uint64_t efi64_system_table;
	bool has_framebuffer;
	uint64_t fb_addr;
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;
	bool has_load_base;
	uint32_t load_base_addr;
};

/* Parses the boot information at mbi, of which avail bytes may be read.
 * Returns 0, or -1 with a one-line reason in err (e.g. "tag #3 (type 6 mmap)
 * at offset 0x48 runs past the end of the info block (0x48+0x200 > 0x1b0)").
 * Tags are numbered from 0 in messages. Unknown tag types are skipped; for
 * repeated single-instance tags the first one wins. */
int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out, char *err, size_t errlen);
/* Reads entry i of the mmap tag (i < mmap_count). */
void mb2_mmap_entry(const struct mb2_info *info, uint32_t i, uint64_t *base, uint64_t *len, uint32_t *type);
/* Reads descriptor i of the EFI memory map (i < efi_mmap_count). */
void mb2_efi_mmap_entry(const struct mb2_info *info, uint32_t i, uint32_t *type, uint64_t *phys_start,
			uint64_t *num_pages, uint64_t *attribute);
/* Human name of a tag type, for the boot log ("mmap", "module", ...). */
const char *mb2_tag_name(uint32_t type);

#endif

/* hv/vdev/vfwcfg.h - QEMU's firmware configuration device (fw_cfg) as QEMU
 * 7.2's pc machine has it, traditional interface only (QEMU's
 * docs/specs/fw_cfg.rst; behaviour from hw/nvram/fw_cfg.c and
 * hw/i386/fw_cfg.c).
 *
 * Ports (register vfwcfg_ops as the 2 ports 0x510-0x511). QEMU's I/O
 * variant is one 2-byte region whose handler ignores the offset
 * (fw_cfg_comb_mem_ops), so which port does not matter, the size does:
 *   16-bit write (at 0x510)     selects an item, its offset back to 0 (at
 *                                0x511 it leaves the range: the bus drops it)
 *   8-bit read (0x511, or 0x510) the item's next byte; 0 past its end
 *   8-bit write                  ignored (QEMU 2.4+ dropped data writes)
 *   16-bit read                  0 (QEMU refuses it as an invalid access)
 *   32-bit                       never delivered by the bus (it leaves the
 *                                range): all ones / dropped. If one came,
 *                                it would read 0 and write nothing.
 * DMA (vfwcfg_dma_ops on the 8 ports 0x514-0x51B, once vfwcfg_enable_dma
 * gave the device the VM's memory; FW_CFG_ID then reads 3: bit 1 DMA), as
 * QEMU's fw_cfg_dma_mem_ops: reads give "QEMU CFG", byte i at 0x514 + i;
 * a dword write at 0x514 is the high half of a FWCfgDmaAccess's address,
 * big-endian (the guest's outl of the swapped value), one at 0x518 the low
 * half, which runs the transfer: the 16-byte structure (BE32 control,
 * BE32 length, BE64 address) read from guest RAM; control bit 3 (SELECT)
 * selects the item in bits 31:16; bit 1 (READ) copies length bytes from
 * the item's offset to the address, zeros past the item's end; bit 2
 * (SKIP) moves the offset; bit 4 (WRITE) is an error (no item is
 * writable); none of them: nothing. The control word is then written back
 * 0, or 1 (ERROR) when the structure or the buffer is not guest RAM or it
 * was a write. Other sizes and ports are ignored, as QEMU refuses them.
 * The transfer runs in the vCPU's exit, under the device's lock; its work
 * is bounded by the VM's RAM (a copy stops at the first byte outside it).
 *
 * Selector: bit 15 picks the architecture-specific items (0x8000+); bit
 * 14 (the old "write" channel) is ignored as QEMU ignores it: 0x4000 reads
 * the signature. A selector naming no item reads 0s. Reset (and init)
 * select FW_CFG_SIGNATURE, as QEMU's fw_cfg_reset. The selector and offset
 * are one per VM, as on QEMU: two vCPUs interleaving selects and reads see
 * each other's, and each access is atomic under the device's spinlock.
 *
 * Items (every multi-byte number little-endian, except the file directory):
 *   0x0000 FW_CFG_SIGNATURE  "QEMU"                     (init)
 *   0x0001 FW_CFG_ID         u32 1                      (init)
 *   0x0002 FW_CFG_UUID       16 zero bytes              (init)
 *   0x0004 FW_CFG_NOGRAPHIC  u16: 0 at init, 1 from the board (no display)
 *   0x000e FW_CFG_BOOT_MENU  u16 0                      (init)
 *   0x0003 FW_CFG_RAM_SIZE   u64 bytes of guest RAM     (board)
 *   0x0005 FW_CFG_NB_CPUS    u16 vCPUs at boot          (board)
 *   0x000f FW_CFG_MAX_CPUS   u16 APIC ID limit          (board; QEMU's meaning)
 *   0x000d FW_CFG_NUMA       u64 0: no NUMA nodes       (board; QEMU's item
 *                            goes on with zero words per CPU and node: the
 *                            same bytes, as past the end reads 0)
 *   0x8002 FW_CFG_IRQ0_OVERRIDE u32 1: IRQ0 is GSI 2    (board; the MADT says so)
 *   0x8003 FW_CFG_E820_TABLE u32 count of the non-RAM ranges, then those
 *                            ranges as e820 entries, 16 slots (board)
 *   0x0019 FW_CFG_FILE_DIR   BE32 count, then per file BE32 size, BE16
 *                            select, BE16 0, name[56]; files sorted by
 *                            name (strcmp, as QEMU 7.2 sorts them)
 *   0x0020+ the files, in directory order; the board adds "etc/e820"
 *                            (every range, RAM too, 20 bytes each)
 * QEMU's pc machine has, and we do not:
 *   FW_CFG_KERNEL_ADDR/SIZE/DATA/ENTRY (0x07, 0x08, 0x11, 0x10),
 *   FW_CFG_INITRD_* (0x0a, 0x0b, 0x12), FW_CFG_CMDLINE_* (0x13-0x15),
 *   FW_CFG_SETUP_* (0x16-0x18), FW_CFG_KERNEL_CMDLINE (0x09): -kernel boot
 *   through QEMU's linuxboot/multiboot option ROMs. With Multiboot, QEMU
 *   passes the kernel in the numbered KERNEL_* items and the Multiboot
 *   information in the INITRD_* items (hw/i386/multiboot.c), no "etc/"
 *   file. Our guest loader puts the kernel in memory itself; a board that
 *   wants them sets them with vfwcfg_set_u32/vfwcfg_add_bytes.
 *   FW_CFG_ACPI_TABLES 0x8000 (-acpitable blobs; empty on QEMU too),
 *   FW_CFG_SMBIOS_ENTRIES 0x8001 (legacy SMBIOS), FW_CFG_HPET 0x8004 (no
 *   HPET here), FW_CFG_MACHINE_ID 0x0006 and FW_CFG_BOOT_DEVICE 0x000c
 *   (only QEMU's sparc/ppc machines set them: 0s on pc too);
 *   the files bootorder, bios-geometry, etc/boot-fail-wait,
 *   etc/acpi/tables, etc/acpi/rsdp, etc/table-loader, etc/tpm/log,
 *   etc/smbios/smbios-tables, etc/smbios/smbios-anchor, etc/system-states,
 *   etc/reserved-memory-end, etc/msr_feature_control, the option ROMs
 *   under genroms/ and vgaroms/: SeaBIOS's inputs (our ACPI tables are
 *   placed in guest memory directly, pc_layout.h); vfwcfg_add_file can
 *   add any of them.
 * What a test kernel reads: the signature and ID (is it there, DMA),
 * RAM size, CPU counts, the directory and "etc/e820".
 *
 * Data: numbers set with vfwcfg_set_u16/u32/u64 and the e820 tables are
 * copied into the device; vfwcfg_add_bytes and vfwcfg_add_file keep a
 * pointer to the board's data, not copied: it must stay valid, unchanged,
 * for as long as the VM may read it. Everything is bounded (no
 * allocation): VFWCFG_MAX_FILES files, numbered items 0x0000-0x001f and
 * 0x8000-0x801f. */
#ifndef HV_VDEV_VFWCFG_H
#define HV_VDEV_VFWCFG_H

#include "hv/vdev/iobus.h"
#include "lib/spinlock.h"

#define VFWCFG_PORT_SELECTOR 0x510u
#define VFWCFG_PORT_DATA     0x511u
#define VFWCFG_PORTS         2u

#define FW_CFG_SIGNATURE      0x0000
#define FW_CFG_ID             0x0001
#define FW_CFG_UUID           0x0002
#define FW_CFG_RAM_SIZE       0x0003
#define FW_CFG_NOGRAPHIC      0x0004
#define FW_CFG_NB_CPUS        0x0005
#define FW_CFG_MACHINE_ID     0x0006
#define FW_CFG_KERNEL_ADDR    0x0007
#define FW_CFG_KERNEL_SIZE    0x0008
#define FW_CFG_KERNEL_CMDLINE 0x0009
#define FW_CFG_INITRD_ADDR    0x000a
#define FW_CFG_INITRD_SIZE    0x000b
#define FW_CFG_BOOT_DEVICE    0x000c
#define FW_CFG_NUMA           0x000d
#define FW_CFG_BOOT_MENU      0x000e
#define FW_CFG_MAX_CPUS       0x000f
#define FW_CFG_KERNEL_ENTRY   0x0010
#define FW_CFG_KERNEL_DATA    0x0011
#define FW_CFG_INITRD_DATA    0x0012
#define FW_CFG_CMDLINE_ADDR   0x0013
#define FW_CFG_CMDLINE_SIZE   0x0014
#define FW_CFG_CMDLINE_DATA   0x0015
#define FW_CFG_SETUP_ADDR     0x0016
#define FW_CFG_SETUP_SIZE     0x0017
#define FW_CFG_SETUP_DATA     0x0018
#define FW_CFG_FILE_DIR       0x0019
#define FW_CFG_FILE_FIRST     0x0020
#define FW_CFG_WRITE_CHANNEL  0x4000
#define FW_CFG_ARCH_LOCAL     0x8000
#define FW_CFG_ENTRY_MASK     0x3fff
#define FW_CFG_ACPI_TABLES    (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE  (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE     (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET           (FW_CFG_ARCH_LOCAL + 4)

#define FW_CFG_ID_TRADITIONAL 0x1u    /* FW_CFG_ID bit 0 */
#define FW_CFG_ID_DMA         0x2u    /* bit 1: the DMA interface (vfwcfg_enable_dma) */
#define VFWCFG_PORT_DMA       0x514u
#define VFWCFG_DMA_PORTS      8u

#define VFWCFG_MAX_FILES      32      /* QEMU's default file slots: selectors 0x20-0x3f */
#define VFWCFG_FILE_NAME_SIZE 56      /* with its NUL: names of 1-55 characters */
#define VFWCFG_NUMBERED       0x20    /* numbered items per half (generic, arch) */
#define VFWCFG_E820_MAX       16      /* QEMU's E820_NR_ENTRIES */

/* One file directory entry (fw_cfg.rst, "File Directory"): big-endian. */
struct fw_cfg_file {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[VFWCFG_FILE_NAME_SIZE];
} __packed;
_Static_assert(sizeof(struct fw_cfg_file) == 64, "a directory entry is 64 bytes");
_Static_assert(offsetof(struct fw_cfg_file, select) == 4 && offsetof(struct fw_cfg_file, name) == 8,
	       "size, select, reserved, name");

/* QEMU's struct e820_entry (hw/i386/e820_memory_layout.h): the entries of
 * "etc/e820" and FW_CFG_E820_TABLE, little-endian, packed. */
struct vfwcfg_e820_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __packed;
_Static_assert(sizeof(struct vfwcfg_e820_entry) == 20, "an e820 entry is 20 bytes");
_Static_assert(offsetof(struct vfwcfg_e820_entry, len) == 8 && offsetof(struct vfwcfg_e820_entry, type) == 16,
	       "address, length, type");

#define VFWCFG_E820_RAM      1
#define VFWCFG_E820_RESERVED 2
#define VFWCFG_E820_ACPI     3
#define VFWCFG_E820_NVS      4
#define VFWCFG_E820_UNUSABLE 5

/* A numbered item: its bytes are value[] (copied numbers), data (the
 * board's), or one of the device's own tables. */
enum vfwcfg_source { VFWCFG_NONE, VFWCFG_INLINE, VFWCFG_EXTERNAL, VFWCFG_E820_FILE, VFWCFG_E820_RESERVE };

struct vfwcfg_item {
	uint8_t source;           /* enum vfwcfg_source */
	uint8_t value[8];         /* VFWCFG_INLINE */
	uint32_t len;
	const uint8_t *data;      /* VFWCFG_EXTERNAL */
};

struct vfwcfg_file {
	char name[VFWCFG_FILE_NAME_SIZE];
	struct vfwcfg_item item;
};

/* Guest RAM, for DMA: copy len bytes between gpa and buf; false when any
 * byte is not the VM's RAM (part may have been copied). */
struct vfwcfg_guest_memory {
	bool (*read)(void *ctx, uint64_t gpa, void *buf, uint32_t len);
	bool (*write)(void *ctx, uint64_t gpa, const void *buf, uint32_t len);
	void *ctx;
};

struct vfwcfg {
	struct spinlock lock;
	struct vfwcfg_guest_memory mem;   /* read NULL: no DMA */
	uint64_t dma_address;     /* the high half written so far */
	uint16_t selector;        /* as the guest wrote it */
	uint32_t offset;          /* into the selected item; stops at its end */
	struct vfwcfg_item generic[VFWCFG_NUMBERED];   /* 0x0000-0x001f */
	struct vfwcfg_item arch[VFWCFG_NUMBERED];      /* 0x8000-0x801f */
	unsigned file_count;
	struct vfwcfg_file files[VFWCFG_MAX_FILES];    /* sorted by name: files[i] is 0x20 + i */
	unsigned e820_count;
	uint8_t e820_file[VFWCFG_E820_MAX * sizeof(struct vfwcfg_e820_entry)];
	uint8_t e820_reserve[4 + VFWCFG_E820_MAX * sizeof(struct vfwcfg_e820_entry)];
};

extern const struct pio_ops vfwcfg_ops;       /* 2 ports: 0x510-0x511 */
extern const struct pio_ops vfwcfg_dma_ops;   /* 8 ports: 0x514-0x51B */

/* The items every fw_cfg has (QEMU's fw_cfg_common_realize): signature,
 * ID 1, UUID 0, NOGRAPHIC 0, BOOT_MENU 0; no files; the signature selected. */
void vfwcfg_init(struct vfwcfg *fw);
/* Selects FW_CFG_SIGNATURE, offset 0, no DMA address half. Items stay. */
void vfwcfg_reset(struct vfwcfg *fw);
/* The DMA interface on, through mem (copied; both functions needed):
 * FW_CFG_ID gets bit 1. */
void vfwcfg_enable_dma(struct vfwcfg *fw, const struct vfwcfg_guest_memory *mem);

/* A numbered item (0x0000-0x001f but not FW_CFG_FILE_DIR, or
 * 0x8000-0x801f; bit 14 clear), set or replaced: a little-endian number
 * (copied), or size bytes of the board's (not copied; size 0 is an empty
 * item). 0, or -1 for another key (files: vfwcfg_add_file) or NULL data
 * with a size. */
int vfwcfg_set_u16(struct vfwcfg *fw, uint16_t key, uint16_t value);
int vfwcfg_set_u32(struct vfwcfg *fw, uint16_t key, uint32_t value);
int vfwcfg_set_u64(struct vfwcfg *fw, uint16_t key, uint64_t value);
int vfwcfg_add_bytes(struct vfwcfg *fw, uint16_t key, const void *data, uint32_t size);

/* A file of size bytes of the board's (not copied), under name (1-55
 * characters): it takes its place in name order, and the files after it
 * move up one selector (QEMU does the same). 0, or -1 when the name is
 * empty, too long or taken, the data NULL with a size, or the table full. */
int vfwcfg_add_file(struct vfwcfg *fw, const char *name, const void *data, uint32_t size);
/* The selector of the file named name now, or -1. */
int vfwcfg_file_select(struct vfwcfg *fw, const char *name);

/* Builds "etc/e820" (added once, replaced after) and FW_CFG_E820_TABLE
 * from count ranges (copied). 0, or -1 (nothing changed) when count is
 * over VFWCFG_E820_MAX, or ranges is NULL with a count, or no file slot. */
int vfwcfg_set_e820(struct vfwcfg *fw, const struct vfwcfg_e820_entry *ranges, unsigned count);

/* The pc board's items, from its facts: RAM_SIZE ram_bytes, NB_CPUS cpus,
 * MAX_CPUS apic_id_limit (the highest APIC ID + 1, what QEMU puts there),
 * NOGRAPHIC 1, NUMA 0, IRQ0_OVERRIDE 1, and the e820 tables of the
 * ranges. 0, or -1 (some items may be set) when cpus or apic_id_limit is
 * 0 or over 0xffff, apic_id_limit < cpus, or vfwcfg_set_e820 fails. */
int vfwcfg_pc_board(struct vfwcfg *fw, uint64_t ram_bytes, unsigned cpus, unsigned apic_id_limit,
		    const struct vfwcfg_e820_entry *ranges, unsigned count);

#endif

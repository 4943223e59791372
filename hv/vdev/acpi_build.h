/* hv/vdev/acpi_build.h - The virtual PC's ACPI tables, written from the
 * board's facts into the guest memory that stands for [PC_ACPI_RSDP_GPA,
 * PC_ACPI_TABLES_END) (hv/vdev/pc_layout.h). Pure C: no allocation, no
 * printing; host-tested by reading the tables back with the hypervisor's
 * own ACPI reader (drivers/acpi_tables.c, drivers/acpi_madt.c).
 *
 * The set is an ACPI 2.0 one, as an ACPI 2.0+ OS expects and the tables of
 * QEMU 7.2 are (its pc machine's, with the FADT of its q35 machine: the pc
 * FADT is revision 1 and has neither X_ fields nor a reset register):
 *
 *   table  revision  where
 *   RSDP   2         PC_ACPI_RSDP_GPA: RSDT and XSDT, both checksums
 *   FACS   (v1)      PC_ACPI_TABLES_GPA, 64-byte aligned (ACPI 6.5, 5.2.10)
 *   DSDT   2         iasl's AML of hv/vdev/dsdt.asl (64-bit integers)
 *   FADT   3         ACPI 2.0 layout, 244 bytes (5.2.9)
 *   MADT   1         one Local APIC per vCPU, the IOAPIC, overrides, NMI (5.2.12)
 *   SSDT   2         the processor devices, the 8042's absence (acpi_ssdt_build.c)
 *   XSDT   1         FADT, MADT, SSDT (5.2.8)
 *   RSDT   1         the same, 32-bit (5.2.7)
 *
 * In that order from PC_ACPI_TABLES_GPA, each on a 16-byte boundary. No
 * HPET (not modelled), no SRAT/SLIT (one node), no MCFG (no PCIe ECAM).
 * Every table has OEM ID ACPI_OEM_ID and OEM table ID ACPI_OEM_TABLE_ID
 * (the XSDT/RSDT's must equal the FADT's: ACPI 6.5, 5.2.7). */
#ifndef HV_VDEV_ACPI_BUILD_H
#define HV_VDEV_ACPI_BUILD_H

#include "lib/types.h"
#include "drivers/acpi_tables.h"
#include "hv/vdev/pc_layout.h"

#define ACPI_OEM_ID          "SVMHV "      /* 6 characters */
#define ACPI_OEM_TABLE_ID    "SVMHVPC "    /* 8 characters */
#define ACPI_OEM_REVISION    1u
#define ACPI_CREATOR_ID      "SVMH"
#define ACPI_CREATOR_REVISION 1u

/* The revisions in the table above (the DSDT's is set in dsdt.asl). */
#define ACPI_RSDP_REVISION   2u
#define ACPI_FACS_VERSION    1u
#define ACPI_DSDT_REVISION   2u
#define ACPI_FADT_REVISION   3u
#define ACPI_MADT_REVISION   1u
#define ACPI_SSDT_REVISION   2u
#define ACPI_ROOT_REVISION   1u

/* xAPIC IDs 0..n-1 in Local APIC entries: 0xFF is the broadcast ID. */
#define ACPI_BUILD_MAX_VCPUS 255u

/* PM register block lengths in bytes, as the FADT gives them: one PM1
 * event block of status + enable (2 + 2), a 2-byte PM1 control register,
 * the 4-byte PM timer (ACPI 6.5, 4.8.3). */
#define ACPI_PM1_EVT_LEN     4u
#define ACPI_PM1_CNT_LEN     2u
#define ACPI_PM_TMR_LEN      4u

/* ---- The board's facts ---------------------------------------------------- */

struct acpi_board {
	unsigned vcpus;           /* 1..ACPI_BUILD_MAX_VCPUS: APIC IDs and processor UIDs 0..vcpus-1, all enabled */
	uint32_t lapic_gpa;       /* every local APIC's base (PC_LAPIC_GPA) */
	uint8_t  ioapic_id;       /* what the IOAPIC's ID register reads (0 after its reset) */
	uint32_t ioapic_gpa;      /* PC_IOAPIC_GPA */
	uint32_t ioapic_gsi_base; /* 0: the IOAPIC's pin n is GSI n */
	uint8_t  sci_irq;         /* ISA IRQ of the SCI (PC_IRQ_SCI; its GSI is the same number): must be
				     ACPI_PCI_LNKS_GSI, the DSDT's SCI link (hv/vdev/acpi_dsdt.h) */
	uint16_t pm1a_evt_port;   /* ACPI_PM1_EVT_LEN bytes */
	uint16_t pm1a_cnt_port;   /* ACPI_PM1_CNT_LEN bytes */
	uint16_t pm_tmr_port;     /* ACPI_PM_TMR_LEN bytes, 24-bit counter (TMR_VAL_EXT clear) */
	uint16_t gpe0_port;       /* GPE0_STS then GPE0_EN */
	uint8_t  gpe0_len;        /* bytes: even, 2..254 (ACPI 6.5, 4.8.4.1) */
	uint16_t smi_cmd_port;    /* FADT SMI_CMD; 0: no legacy mode (SCI_EN set from power-on) */
	uint8_t  acpi_enable;     /* written to SMI_CMD to enter ACPI mode (with smi_cmd_port) */
	uint8_t  acpi_disable;
	uint16_t reset_port;      /* FADT RESET_REG, system I/O, 8 bits wide */
	uint8_t  reset_value;
	uint8_t  cmos_century;    /* RTC CMOS index of the century byte; 0 for none */
	bool     has_i8042;       /* a keyboard controller at 0x60/0x64: IAPC_BOOT_ARCH bit 1,
				     and the DSDT's KBD and MOU are present */
};

/* The virtual PC's values from pc_layout.h: the IOAPIC with ID 0 at
 * PC_IOAPIC_GPA serving GSIs from 0, the SCI on IRQ 9, QEMU's PIIX4 PM
 * blocks (0x600, 0x604, 0x608; GPE0 at 0xAFE0, 4 bytes), SMI_CMD 0xB2
 * taking ACPI_ENABLE 0xF1 and ACPI_DISABLE 0xF0, reset by writing
 * 6 to 0xCF9, the century at CMOS 0x32. */
void acpi_board_pc(struct acpi_board *b, unsigned vcpus, bool has_i8042);

/* ---- Building ------------------------------------------------------------- */

enum acpi_build_err {
	ACPI_BUILD_OK = 0,
	ACPI_BUILD_ERR_BAD_BOARD,   /* a field out of its range (see struct acpi_board) */
	ACPI_BUILD_ERR_NO_ROOM,     /* the buffer does not cover what the tables need */
	ACPI_BUILD_ERR_COUNT
};

/* A short reason, e.g. "tables do not fit the buffer"; never NULL. */
const char *acpi_build_strerror(int err);

/* Bytes the tables take from PC_ACPI_TABLES_GPA (alignment gaps included)
 * for this board; 0 if the board is invalid. */
size_t acpi_build_tables_size(const struct acpi_board *b);

/* Writes the tables into buf, which holds guest-physical [buf_gpa, buf_gpa +
 * buf_len): the RSDP at PC_ACPI_RSDP_GPA, the rest from PC_ACPI_TABLES_GPA,
 * and zeros over the remainder of [PC_ACPI_RSDP_GPA, PC_ACPI_TABLES_END)
 * inside the buffer, so no earlier table or stale "RSD PTR " is left in the
 * window. Returns the RSDP's guest-physical address with *err (if non-NULL)
 * ACPI_BUILD_OK; or 0 with *err saying why, having written nothing: the
 * board is invalid, or the buffer does not cover the RSDP and the tables, or
 * these would run past PC_ACPI_TABLES_END (all the guest's memory map
 * reserves for them). Never writes outside [buf, buf + buf_len). */
gpa_t acpi_build_tables(const struct acpi_board *b, uint8_t *buf, gpa_t buf_gpa, size_t buf_len,
			int *err);

/* ---- Parts (acpi_build.c puts them together) ------------------------------ */

/* Firmware ACPI Control Structure, ACPI 6.5 5.2.10 (Table 5.14). No
 * checksum; the OS and firmware share it (waking vector, global lock). */
struct acpi_facs {
	char     signature[4];         /* "FACS" */
	uint32_t length;               /* 64 */
	uint32_t hardware_signature;   /* 8: changes when the hardware does (S4 resume check) */
	uint32_t firmware_waking_vector; /* 12 */
	uint32_t global_lock;          /* 16 */
	uint32_t flags;                /* 20: S4BIOS_F, 64BIT_WAKE_SUPPORTED_F */
	uint64_t x_firmware_waking_vector; /* 24 */
	uint8_t  version;              /* 32: 1 for ACPI 2.0 */
	uint8_t  reserved0[3];
	uint32_t ospm_flags;           /* 36 */
	uint8_t  reserved1[24];
} __packed;
_Static_assert(offsetof(struct acpi_facs, hardware_signature) == 8, "FACS hardware signature");
_Static_assert(offsetof(struct acpi_facs, global_lock) == 16, "FACS global lock");
_Static_assert(offsetof(struct acpi_facs, x_firmware_waking_vector) == 24, "FACS X waking vector");
_Static_assert(offsetof(struct acpi_facs, version) == 32, "FACS version");
_Static_assert(offsetof(struct acpi_facs, ospm_flags) == 36, "FACS OSPM flags");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");
#define ACPI_FACS_ALIGN 64u   /* 5.2.10: "aligned on a 64-byte boundary" */

/* A revision 3 FADT ends where ACPI 5.0 put SLEEP_CONTROL_REG. */
#define ACPI_FADT_REV3_LEN 244u
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == ACPI_FADT_REV3_LEN,
	       "revision 3 FADT is 244 bytes");

/* Fills an SDT header (ACPI 6.5, 5.2.6) with our OEM fields, length and
 * revision; the checksum stays 0 for acpi_table_checksum(). */
void acpi_sdt_header_init(struct acpi_sdt_header *h, const char *sig, uint32_t length, uint8_t revision);

/* Sets byte 9 of the table at t (length from its header) so that all its
 * bytes sum to zero. */
void acpi_table_checksum(uint8_t *t);

/* The MADT (acpi_madt_build.c): its length for the board, and the table
 * itself, header and checksum included, written to dst (length bytes).
 * Here and below, b is a board acpi_build_tables() accepts. */
size_t acpi_madt_size(const struct acpi_board *b);
void acpi_madt_write(const struct acpi_board *b, uint8_t *dst);

/* The SSDT (acpi_ssdt_build.c), likewise. */
size_t acpi_ssdt_size(const struct acpi_board *b);
void acpi_ssdt_write(const struct acpi_board *b, uint8_t *dst);

#endif

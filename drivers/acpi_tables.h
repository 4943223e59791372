/* drivers/acpi_tables.h - ACPI table discovery (RSDP, RSDT/XSDT, FADT, _S5): pure logic, host-testable.
 *
 * Nothing here touches hardware or dereferences a physical address directly:
 * every byte of firmware memory is read through an acpi_map_fn callback, so
 * the kernel passes a direct-map wrapper and the unit test passes a fake
 * memory buffer. All sizes and offsets follow ACPI 6.x chapter 5 ("ACPI
 * Software Programming Model"); the layouts are checked at compile time. */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include "lib/types.h"

/* Pointer to len readable bytes at physical pa, or NULL if that range cannot be read. */
typedef const void *(*acpi_map_fn)(void *ctx, hpa_t pa, size_t len);

/* ---- Hardware layouts ---------------------------------------------------- */

/* Root System Description Pointer, ACPI 6.x 5.2.5.3. Revision 0 (ACPI 1.0) has
 * only the first 20 bytes; revision 2+ adds the length, the 64-bit XSDT
 * address and a checksum over the whole structure. */
struct acpi_rsdp {
	char     signature[8];          /* "RSD PTR " */
	uint8_t  checksum;              /* first 20 bytes sum to zero */
	char     oem_id[6];
	uint8_t  revision;              /* 0 = ACPI 1.0, 2 = ACPI 2.0 and later */
	uint32_t rsdt_address;
	/* revision >= 2 only */
	uint32_t length;                /* of the whole RSDP, 36 today */
	uint64_t xsdt_address;
	uint8_t  extended_checksum;     /* all `length` bytes sum to zero */
	uint8_t  reserved[3];
} __packed;
#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u
_Static_assert(offsetof(struct acpi_rsdp, checksum) == 8, "RSDP checksum");
_Static_assert(offsetof(struct acpi_rsdp, oem_id) == 9, "RSDP oem_id");
_Static_assert(offsetof(struct acpi_rsdp, revision) == 15, "RSDP revision");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 16, "RSDP rsdt_address");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_LEN, "RSDP 1.0 part is 20 bytes");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP xsdt_address");
_Static_assert(offsetof(struct acpi_rsdp, extended_checksum) == 32, "RSDP extended_checksum");
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "RSDP 2.0 is 36 bytes");

/* System Description Table header shared by every table, ACPI 6.x 5.2.6. */
struct acpi_sdt_header {
	char     signature[4];
	uint32_t length;                /* of the whole table, header included */
	uint8_t  revision;
	uint8_t  checksum;              /* all `length` bytes sum to zero */
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(offsetof(struct acpi_sdt_header, length) == 4, "SDT length");
_Static_assert(offsetof(struct acpi_sdt_header, checksum) == 9, "SDT checksum");
_Static_assert(offsetof(struct acpi_sdt_header, oem_id) == 10, "SDT oem_id");
_Static_assert(offsetof(struct acpi_sdt_header, oem_table_id) == 16, "SDT oem_table_id");
_Static_assert(offsetof(struct acpi_sdt_header, oem_revision) == 24, "SDT oem_revision");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");

/* Generic Address Structure, ACPI 6.x 5.2.3.2. */
struct acpi_gas {
	uint8_t  space_id;              /* ACPI_GAS_* below */
	uint8_t  bit_width;
	uint8_t  bit_offset;
	uint8_t  access_size;           /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __packed;
_Static_assert(offsetof(struct acpi_gas, address) == 4, "GAS address");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

#define ACPI_GAS_MEMORY 0u   /* system memory */
#define ACPI_GAS_IO     1u   /* system I/O ports */
#define ACPI_GAS_PCI    2u   /* PCI configuration space */

/* Fixed ACPI Description Table ("FACP"), ACPI 6.x 5.2.9, Table 5.9 (6.4
 * numbering). Only the fields up to the hypervisor vendor id are described;
 * older, shorter FADTs are read by zero-filling everything past their length
 * (a zero X_ field means "use the 32-bit field", which is exactly what the
 * spec asks of ACPI 1.0 tables). */
struct acpi_fadt {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;         /* 36 */
	uint32_t dsdt;                  /* 40 */
	uint8_t  reserved0;             /* 44: INT_MODEL in ACPI 1.0 */
	uint8_t  preferred_pm_profile;  /* 45 */
	uint16_t sci_int;               /* 46 */
	uint32_t smi_cmd;               /* 48: I/O port taking ACPI_ENABLE */
	uint8_t  acpi_enable;           /* 52 */
	uint8_t  acpi_disable;          /* 53 */
	uint8_t  s4bios_req;            /* 54 */
	uint8_t  pstate_cnt;            /* 55 */
	uint32_t pm1a_evt_blk;          /* 56 */
	uint32_t pm1b_evt_blk;          /* 60 */
	uint32_t pm1a_cnt_blk;          /* 64: I/O port */
	uint32_t pm1b_cnt_blk;          /* 68: I/O port, 0 if absent */
	uint32_t pm2_cnt_blk;           /* 72 */
	uint32_t pm_tmr_blk;            /* 76 */
	uint32_t gpe0_blk;              /* 80 */
	uint32_t gpe1_blk;              /* 84 */
	uint8_t  pm1_evt_len;           /* 88 */
	uint8_t  pm1_cnt_len;           /* 89: bytes, >= 2 */
	uint8_t  pm2_cnt_len;           /* 90 */
	uint8_t  pm_tmr_len;            /* 91 */
	uint8_t  gpe0_blk_len;          /* 92 */
	uint8_t  gpe1_blk_len;          /* 93 */
	uint8_t  gpe1_base;             /* 94 */
	uint8_t  cst_cnt;               /* 95 */
	uint16_t p_lvl2_lat;            /* 96 */
	uint16_t p_lvl3_lat;            /* 98 */
	uint16_t flush_size;            /* 100 */
	uint16_t flush_stride;          /* 102 */
	uint8_t  duty_offset;           /* 104 */
	uint8_t  duty_width;            /* 105 */
	uint8_t  day_alrm;              /* 106 */
	uint8_t  mon_alrm;              /* 107 */
	uint8_t  century;               /* 108 */
	uint16_t iapc_boot_arch;        /* 109 */
	uint8_t  reserved1;             /* 111 */
	uint32_t flags;                 /* 112: ACPI_FADT_* below */
	struct acpi_gas reset_reg;      /* 116 */
	uint8_t  reset_value;           /* 128 */
	uint16_t arm_boot_arch;         /* 129 */
	uint8_t  fadt_minor_version;    /* 131 */
	uint64_t x_firmware_ctrl;       /* 132 */
	uint64_t x_dsdt;                /* 140: supersedes dsdt when nonzero */
	struct acpi_gas x_pm1a_evt_blk; /* 148 */
	struct acpi_gas x_pm1b_evt_blk; /* 160 */
	struct acpi_gas x_pm1a_cnt_blk; /* 172: supersedes pm1a_cnt_blk when nonzero */
	struct acpi_gas x_pm1b_cnt_blk; /* 184 */
	struct acpi_gas x_pm2_cnt_blk;  /* 196 */
	struct acpi_gas x_pm_tmr_blk;   /* 208 */
	struct acpi_gas x_gpe0_blk;     /* 220 */
	struct acpi_gas x_gpe1_blk;     /* 232 */
	struct acpi_gas sleep_control_reg; /* 244 */
	struct acpi_gas sleep_status_reg;  /* 256 */
	uint64_t hypervisor_vendor_id;  /* 268 */
} __packed;
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 40, "FADT DSDT");
_Static_assert(offsetof(struct acpi_fadt, smi_cmd) == 48, "FADT SMI_CMD");
_Static_assert(offsetof(struct acpi_fadt, acpi_enable) == 52, "FADT ACPI_ENABLE");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm1b_cnt_blk) == 68, "FADT PM1b_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm1_cnt_len) == 89, "FADT PM1_CNT_LEN");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT Flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_pm1b_cnt_blk) == 184, "FADT X_PM1b_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT (ACPI 6.x) is 276 bytes");

/* FADT Flags, ACPI 6.x 5.2.9 Table "Fixed ACPI Description Table Fixed Feature Flags". */
#define ACPI_FADT_RESET_REG_SUP   BIT(10)
#define ACPI_FADT_HW_REDUCED_ACPI BIT(20)

/* PM1 control register bits, ACPI 6.x 4.8.3.2.1 ("PM1 Control Registers"). */
#define ACPI_PM1_CNT_SCI_EN        BIT(0)
#define ACPI_PM1_CNT_GBL_RLS       BIT(2)   /* write-only */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK  (7ull << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN        BIT(13)  /* write-only */

/* ---- Errors -------------------------------------------------------------- */

enum acpi_err {
	ACPI_OK = 0,
	ACPI_ERR_BAD_ARG,
	ACPI_ERR_RSDP_NOT_FOUND,
	ACPI_ERR_RSDP_UNMAPPED,
	ACPI_ERR_RSDP_SHORT,
	ACPI_ERR_RSDP_SIGNATURE,
	ACPI_ERR_RSDP_CHECKSUM,
	ACPI_ERR_RSDP_LENGTH,
	ACPI_ERR_RSDP_XCHECKSUM,
	ACPI_ERR_NO_ROOT,
	ACPI_ERR_TABLE_NULL,
	ACPI_ERR_TABLE_UNMAPPED,
	ACPI_ERR_TABLE_SIGNATURE,
	ACPI_ERR_TABLE_LENGTH,
	ACPI_ERR_TABLE_TRUNCATED,
	ACPI_ERR_TABLE_CHECKSUM,
	ACPI_ERR_NOT_FOUND,
	ACPI_ERR_NO_FADT,
	ACPI_ERR_NO_DSDT,
	ACPI_ERR_NO_S5,
	ACPI_ERR_COUNT
};

/* A short human-readable reason, e.g. "RSDP checksum mismatch"; never NULL. */
const char *acpi_strerror(int err);

/* ---- RSDP ---------------------------------------------------------------- */

/* Checks an RSDP held in buf, of which avail bytes are readable: signature,
 * the 20-byte checksum, and for revision >= 2 a sane length (36..1 KiB, within
 * avail) and the extended checksum. A revision >= 2 RSDP of which only the
 * first 20 bytes are available (avail < 36) is accepted as a 1.0 RSDP and
 * *xsdt_ok (if non-NULL) is set false; otherwise *xsdt_ok says whether the
 * XSDT fields were validated. Returns ACPI_OK or an ACPI_ERR_RSDP_* code. */
int acpi_rsdp_check(const void *buf, size_t avail, bool *xsdt_ok);

/* Scans buf (whose first byte must be 16-byte aligned in physical memory) in
 * 16-byte steps for a valid RSDP (ACPI 6.x 5.2.5.1). On success stores its
 * offset in *offset and returns ACPI_OK; else ACPI_ERR_RSDP_NOT_FOUND. */
int acpi_rsdp_scan(const void *buf, size_t len, size_t *offset);

/* The IA-PC search of ACPI 6.x 5.2.5.1 through map: the first KiB of the
 * EBDA (real-mode segment stored at physical 0x40E), then 0xE0000-0xFFFFF. */
#define ACPI_BDA_EBDA_SEG   0x40Eu
#define ACPI_BIOS_AREA_BASE 0xE0000u
#define ACPI_BIOS_AREA_LEN  0x20000u
int acpi_find_rsdp_bios(acpi_map_fn map, void *ctx, hpa_t *rsdp_pa);

/* ---- Root table walk ----------------------------------------------------- */

#define ACPI_MAX_TABLES     64          /* entries remembered for the boot log */
#define ACPI_TABLE_MAX_LEN  (16u << 20) /* larger "tables" are treated as corrupt */

/* One root-table entry as found, for the boot log. status is ACPI_OK or why
 * the table is skipped (unmapped header, bad length, checksum...). */
struct acpi_table_ent {
	hpa_t    pa;
	uint32_t length;
	uint8_t  revision;
	uint8_t  status;                /* enum acpi_err */
	char     sig[5];                /* NUL-terminated; "" if the header was unreadable */
	char     oem_table_id[9];
};

struct acpi_tables {
	acpi_map_fn map;
	void       *map_ctx;
	uint8_t     rsdp_revision;
	char        oem_id[7];          /* from the RSDP, NUL-terminated */
	bool        root_is_xsdt;
	hpa_t       root_pa;
	uint32_t    root_len;
	int         xsdt_err;           /* ACPI_OK, or why a present XSDT was abandoned for the RSDT */
	uint32_t    nentries;           /* root entries, bounded by the root length */
	uint32_t    nlisted;            /* min(nentries, ACPI_MAX_TABLES) */
	uint32_t    nskipped;           /* entries whose table failed validation */
	struct acpi_table_ent ent[ACPI_MAX_TABLES];
};

/* Validates the RSDP (a copy in rsdp_copy/rsdp_len, e.g. from a Multiboot2
 * tag, or when rsdp_copy is NULL the one at physical rsdp_pa), picks the XSDT
 * (revision >= 2 and nonzero address, falling back to the RSDT if the XSDT is
 * bad) or the RSDT, validates it and records every entry it lists. */
int acpi_tables_init(struct acpi_tables *t, acpi_map_fn map, void *ctx,
		     const void *rsdp_copy, size_t rsdp_len, hpa_t rsdp_pa);

/* Maps and validates the table at pa (header, length, full-length checksum,
 * and the signature when sig is non-NULL). Returns the whole table or NULL
 * with *err set. */
const struct acpi_sdt_header *acpi_table_map(const struct acpi_tables *t, hpa_t pa,
					     const char *sig, int *err);

/* The instance-th (0-based) valid root-table entry with signature sig (4
 * chars), e.g. ("SSDT", 2). Invalid tables are skipped. NULL if none. */
const struct acpi_sdt_header *acpi_table_find(const struct acpi_tables *t, const char *sig,
					      unsigned instance, hpa_t *pa);

/* ---- AML: \_S5 ----------------------------------------------------------- */

/* Finds Name(_S5_, Package(){a, b, ...}) in an AML byte stream (a table body
 * after its 36-byte header) and returns the first two integer elements as
 * SLP_TYPa/SLP_TYPb (low 8 bits). A one-element package packs both: a in bits
 * 0-7, b in bits 8-15. Every read is bounded by len and by the package's
 * PkgLength; anything malformed is skipped. Returns true if found. */
bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* ---- Power information --------------------------------------------------- */

struct acpi_power_info {
	struct acpi_tables tables;      /* RSDP revision, OEM id, table list */

	bool     found_fadt;
	hpa_t    fadt_pa;
	uint32_t fadt_len;
	uint8_t  fadt_revision;
	uint32_t fadt_flags;
	bool     hw_reduced;            /* FADT HW_REDUCED_ACPI: no PM1 blocks */

	/* PM1 control blocks: X_PM1x_CNT_BLK when its address is nonzero, else
	 * the 32-bit port number as a system-I/O GAS. address 0 = absent. */
	struct acpi_gas pm1a_cnt;
	struct acpi_gas pm1b_cnt;
	uint8_t  pm1_cnt_len;
	uint32_t smi_cmd;               /* 0: no legacy mode, SCI_EN is always set */
	uint8_t  acpi_enable;

	hpa_t    dsdt_pa;
	int      dsdt_err;              /* ACPI_OK or why the DSDT was unusable */

	bool     s5_found;
	char     s5_table[5];           /* "DSDT" or "SSDT" */
	unsigned s5_instance;           /* which SSDT */
	uint8_t  slp_typa;              /* 3 bits are meaningful (PM1_CNT bits 10-12) */
	uint8_t  slp_typb;

	bool     reset_reg_supported;   /* Flags.RESET_REG_SUP and the FADT is long enough */
	struct acpi_gas reset_reg;
	uint8_t  reset_value;
};

/* Fills *info: tables (as acpi_tables_init), the FADT's PM1 control blocks,
 * SMI_CMD/ACPI_ENABLE and reset register, and \_S5 from the DSDT, then each
 * SSDT. Returns ACPI_OK when the FADT was found (check s5_found separately),
 * or the first fatal error (RSDP/root problems, ACPI_ERR_NO_FADT). *info is
 * always fully initialised, so it can be logged even on error. */
int acpi_probe_power(acpi_map_fn map, void *ctx, const void *rsdp_copy, size_t rsdp_len,
		     hpa_t rsdp_pa, struct acpi_power_info *info);

#endif

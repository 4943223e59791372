/* tests/guests/mb/fwcfg.c - QEMU's fw_cfg device, traditional interface at
 * ports 0x510 (16-bit selector) and 0x511 (8-bit data), as QEMU's
 * docs/specs/fw_cfg.rst describes it: the signature, the interface ID,
 * the CPU count, the RAM size, the IRQ 0 override flag, reads past an
 * item's end and of an unknown item (zeros), and the "etc/e820" file
 * found through the file directory and read entry by entry.
 *
 * The directory's list of files is the machine's identity (QEMU's has
 * SeaBIOS's inputs: option ROMs, ACPI blobs, boot order), so only its
 * count and names are printed, as "~" lines; of etc/e820 only the RAM
 * entries are compared. Run at 1 and 4 vCPUs. Exit
 * code: the number of failed checks. */
#include "tkdev.h"

#define FW_CFG_SIGNATURE  0x0000
#define FW_CFG_ID         0x0001
#define FW_CFG_RAM_SIZE   0x0003
#define FW_CFG_NB_CPUS    0x0005
#define FW_CFG_MAX_CPUS   0x000f
#define FW_CFG_FILE_DIR   0x0019
#define FW_CFG_IRQ0_OVERRIDE 0x8002
#define FW_CFG_NO_ITEM    0x7fff
#define ID_TRADITIONAL    0x01
#define ID_DMA            0x02
#define FILE_NAME_LEN     56
#define MAX_FILES         64

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The directory (BE32 count, then per file BE32 size, BE16 select, BE16
 * reserved, name[56]): prints the names as "~" lines, finds name. */
static bool find_file(const char *name, uint16_t *select, uint32_t *size)
{
	uint8_t hdr[4], entry[8 + FILE_NAME_LEN];
	bool found = false;

	tk_fwcfg_select(FW_CFG_FILE_DIR);
	tk_fwcfg_read(hdr, sizeof(hdr));
	uint32_t count = be32(hdr);
	tk_printf("~ file directory: %u files:", count);   /* one "~" line, whatever the count */
	for (uint32_t i = 0; i < count && i < MAX_FILES; i++) {
		tk_fwcfg_read(entry, sizeof(entry));
		entry[sizeof(entry) - 1] = 0;
		const char *n = (const char *)entry + 8;
		tk_printf(" %s (%u)", n, be32(entry));
		size_t k = 0;
		while (name[k] && name[k] == n[k])
			k++;
		if (!found && !name[k] && !n[k]) {
			*select = (uint16_t)(entry[4] << 8 | entry[5]);
			*size = be32(entry);
			found = true;
		}
	}
	tk_putc('\n');
	return found;
}

/* etc/e820: 20-byte entries, u64 address, u64 length, u32 type. */
static void e820(void)
{
	uint16_t sel = 0;
	uint32_t size = 0;

	if (!tk_check(find_file("etc/e820", &sel, &size), "the directory lists etc/e820"))
		return;
	tk_vary("etc/e820: %u bytes", size);
	struct { uint32_t a_lo, a_hi, l_lo, l_hi; uint8_t type; } other[16];
	unsigned n_other = 0;
	tk_fwcfg_select(sel);
	for (uint32_t off = 0; off + 20 <= size && off < 20 * 16; off += 20) {
		uint8_t e[20];
		tk_fwcfg_read(e, sizeof(e));
		uint32_t a_lo = (uint32_t)e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24;
		uint32_t a_hi = (uint32_t)e[4] | e[5] << 8 | e[6] << 16 | (uint32_t)e[7] << 24;
		uint32_t l_lo = (uint32_t)e[8] | e[9] << 8 | e[10] << 16 | (uint32_t)e[11] << 24;
		uint32_t l_hi = (uint32_t)e[12] | e[13] << 8 | e[14] << 16 | (uint32_t)e[15] << 24;
		/* QEMU lists the AMD HyperTransport range as reserved; the
		 * board does not (docs/pc.md, "Memory map"): RAM is compared. */
		if (e[16] == 1)
			tk_printf("etc/e820: 0x%08x%08x + 0x%08x%08x RAM\n", a_hi, a_lo, l_hi, l_lo);
		else if (n_other < 16)
			other[n_other++] = (typeof(other[0])){ a_lo, a_hi, l_lo, l_hi, e[16] };
	}
	tk_printf("~ etc/e820: %u other entries:", n_other);
	for (unsigned i = 0; i < n_other; i++)
		tk_printf(" 0x%08x%08x+0x%08x%08x type %u", other[i].a_hi, other[i].a_lo, other[i].l_hi, other[i].l_lo,
			  other[i].type);
	tk_putc('\n');
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	char sig[5] = { 0 };

	tk_printf("fwcfg: QEMU fw_cfg, traditional interface\n");
	tk_fwcfg_select(FW_CFG_SIGNATURE);
	tk_fwcfg_read(sig, 4);
	tk_check(sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U', "signature \"%s\"", sig);
	uint32_t id = tk_fwcfg_le(FW_CFG_ID, 4);
	tk_check(id & ID_TRADITIONAL, "id: the traditional interface (bit 0)");
	/* The DMA interface (ID bit 1), as QEMU's pc has it. */
	tk_printf("id 0x%x: DMA %s\n", id, id & ID_DMA ? "yes" : "no");
	tk_printf("cpus: %u\n", tk_fwcfg_le(FW_CFG_NB_CPUS, 2));
	tk_printf("max cpus: %u\n", tk_fwcfg_le(FW_CFG_MAX_CPUS, 2));
	tk_fwcfg_select(FW_CFG_RAM_SIZE);
	uint32_t ram[2];
	tk_fwcfg_read(ram, 8);
	tk_printf("ram size: 0x%08x%08x\n", ram[1], ram[0]);
	tk_printf("irq0 override: %u\n", tk_fwcfg_le(FW_CFG_IRQ0_OVERRIDE, 4));
	/* Past the end of an item and of no item at all: zeros. */
	tk_fwcfg_select(FW_CFG_NB_CPUS);
	uint8_t past[6];
	tk_fwcfg_read(past, sizeof(past));
	tk_check(past[2] == 0 && past[3] == 0 && past[4] == 0 && past[5] == 0, "reads past an item's end are 0");
	tk_check(tk_fwcfg_le(FW_CFG_NO_ITEM, 4) == 0, "an item that does not exist reads 0");
	/* Re-selecting starts the item again. */
	tk_fwcfg_select(FW_CFG_SIGNATURE);
	(void)inb(FWCFG_DATA);
	tk_fwcfg_select(FW_CFG_SIGNATURE);
	tk_check(inb(FWCFG_DATA) == 'Q', "selecting again reads from offset 0");
	e820();
	tk_printf("fwcfg: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

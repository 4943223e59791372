/* tests/guests/mb/acpi.c - ACPI table discovery as an OS does it (ACPI
 * 6.5, 5.2): the RSDP found by scanning 0xE0000-0xFFFFF on 16-byte
 * boundaries, the RSDT (and the XSDT where the RSDP has one), the FADT,
 * the MADT and the DSDT, each checksummed; the MADT's CPU count, its I/O
 * APIC entry and interrupt source overrides; the FADT's PM register
 * blocks; \_S5's SLP_TYP from the DSDT. Then the OS's switch to ACPI mode
 * (the SMI_CMD handshake, if the FADT has one) and S5: SLP_TYP | SLP_EN
 * written to PM1a_CNT. QEMU powers off; the hypervisor stops the VM with
 * "poweroff": the differential harness takes the two as the same end.
 *
 * Where the tables are and their identity (OEM IDs, revisions, lengths,
 * which optional tables there are) is the board's, printed as "~" lines;
 * what an OS acts on (the PM blocks, the CPUs, the I/O APIC, the
 * overrides, S5) is compared. Run at 1 and 4 vCPUs. Exit code, if the
 * machine does not power off: 1 + the number of failed checks.
 *
 * With the word "button" in its arguments it waits, in ACPI mode with
 * PWRBTN_EN set, for the power button (the shell's `powerbtn NAME` under
 * the hypervisor) before S5, as an OS's orderly shutdown does: PWRBTN_STS
 * in PM1a_STS, the SCI (ISA IRQ 9, level: the slave 8259's IRR bit 1)
 * while it is set, both cleared by writing the status bit back. */
#include "tkacpi.h"
#include "tkdev.h"

#define PM1_SCI_EN 0x0001u
#define PM1_PWRBTN 0x0100u                /* PM1_STS and PM1_EN bit 8 */
#define PIC2_SCI_IRR 0x02u                /* IRQ 9 on the slave */
#define BUTTON_WAIT_S 120u
#define PM1_SLP_EN 0x2000u
#define PM1_SLP_TYP_SHIFT 10

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct sdt_header) == 36, "ACPI 6.5, 5.2.6");

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct rsdp) == 36, "ACPI 6.5, 5.2.5.3");

/* FADT byte offsets (ACPI 6.5, table 5.9). */
#define FADT_DSDT         40
#define FADT_SCI_INT      46
#define FADT_SMI_CMD      48
#define FADT_ACPI_ENABLE  52
#define FADT_PM1A_EVT     56
#define FADT_PM1A_CNT     64
#define FADT_PM_TMR       76
#define FADT_GPE0         80
#define FADT_PM1_EVT_LEN  88
#define FADT_PM1_CNT_LEN  89
#define FADT_PM_TMR_LEN   91
#define FADT_GPE0_LEN     92
#define FADT_CENTURY      108
#define FADT_FLAGS        112

static uint16_t rd16(uint32_t a)
{
	return (uint16_t)(rd8(a) | rd8(a + 1) << 8);
}

static unsigned identity_failures;   /* of what only some boards have */

/* A table at addr: its identity as "~", its checksum checked. */
static bool table(uint32_t addr, const char *what)
{
	const volatile struct sdt_header *h = phys(addr);
	uint32_t len = h->length;

	tk_vary("%s: \"%.4s\" rev %u len %u oem \"%.6s\" \"%.8s\" rev %u at 0x%08x", what, (const char *)h->sig,
		h->revision, len, (const char *)h->oem_id, (const char *)h->oem_table_id, h->oem_revision, addr);
	return tk_check(len >= sizeof(struct sdt_header) && len < 0x100000 && tk_acpi_sum(addr, len) == 0,
			"%s: checksum", what);
}

/* The RSDT's signatures as one "~" line (which tables a board has is its
 * own). */
static void list_rsdt(uint32_t root)
{
	uint32_t len = rd32(root + 4);

	tk_printf("~ rsdt entries:");
	for (uint32_t off = sizeof(struct sdt_header); off + 4 <= len && off < 0x1000; off += 4)
		tk_printf(" %.4s", (const char *)phys(rd32(root + off)));
	tk_putc('\n');
}

static unsigned madt(uint32_t a, uint32_t fadt_sci_irq)
{
	uint32_t len = rd32(a + 4);
	unsigned cpus = 0, n_pci_iso = 0;
	uint8_t pci_iso[16];

	tk_printf("madt: local apic 0x%08x flags 0x%x\n", rd32(a + 36), rd32(a + 40));
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t type = rd8(a + off), elen = rd8(a + off + 1);
		if (elen < 2)
			break;
		uint32_t e = a + off;
		switch (type) {
		case 0:
			tk_printf("madt: cpu uid %u apic id %u flags 0x%x\n", rd8(e + 2), rd8(e + 3), rd32(e + 4));
			cpus += rd32(e + 4) & 1;
			break;
		case 1:
			tk_printf("madt: ioapic id %u at 0x%08x gsi base %u\n", rd8(e + 2), rd32(e + 4), rd32(e + 8));
			break;
		case 2:
			/* IRQ 0 and the SCI's are the board's wiring; the PCI links'
			 * IRQs (QEMU's pc lists 5, 10, 11, the board 10, 11: its
			 * links never pick 5) are identity. */
			if (rd8(e + 3) == 0 || rd8(e + 3) == rd8(fadt_sci_irq))
				tk_printf("madt: override bus %u irq %u gsi %u flags 0x%04x\n", rd8(e + 2), rd8(e + 3),
					  rd32(e + 4), rd16(e + 8));
			else
				pci_iso[n_pci_iso++ & 15] = rd8(e + 3);
			break;
		case 4:
			tk_printf("madt: lapic nmi uid 0x%02x flags 0x%04x lint %u\n", rd8(e + 2), rd16(e + 3), rd8(e + 5));
			break;
		default:
			tk_printf("madt: entry type %u len %u\n", type, elen);
		}
		off += elen;
	}
	tk_printf("~ madt: pci link overrides:");
	for (unsigned i = 0; i < n_pci_iso && i < 16; i++)
		tk_printf(" irq %u", pci_iso[i]);
	tk_putc('\n');
	tk_printf("madt: %u cpus enabled\n", cpus);
	return cpus;
}

/* \_S5's first element: Name (_S5, Package (n) { SLP_TYPa, ... }) in AML
 * (ACPI 6.5, 20.2): "_S5_" 0x12 PkgLength NumElements, then a ZeroOp,
 * OneOp or BytePrefix constant. -1 if not found. */
static int s5_slp_typ(uint32_t dsdt)
{
	uint32_t len = rd32(dsdt + 4);

	for (uint32_t a = dsdt + sizeof(struct sdt_header); a + 8 < dsdt + len; a++) {
		if (!tk_acpi_sig_is(a, "_S5_", 4) || rd8(a + 4) != 0x12)
			continue;
		uint32_t p = a + 5;
		p += 1 + (rd8(p) >> 6);                    /* PkgLength: 1-4 bytes */
		p += 1;                                    /* NumElements */
		uint8_t op = rd8(p);
		if (op == 0x00 || op == 0x01)
			return op;
		if (op == 0x0a)
			return rd8(p + 1);
		return -1;
	}
	return -1;
}

static uint8_t slave_irr(void)
{
	outb(0xa0, 0x0a);                     /* OCW3: read IRR */
	return inb(0xa0);
}

/* PM1a_EVT: the status register, then the enable register (ACPI 6.5,
 * 4.8.3.1). */
static void power_button(uint16_t pm1a_evt)
{
	uint16_t sts = pm1a_evt, en = (uint16_t)(pm1a_evt + 2);

	outb(0x4d1, (uint8_t)(inb(0x4d1) | PIC2_SCI_IRR));   /* the SCI is level-triggered, as an OS sets it */
	outw(sts, PM1_PWRBTN);                /* a stale press cleared */
	outw(en, (uint16_t)(inw(en) | PM1_PWRBTN));
	tk_printf("acpi: waiting for the power button\n");
	unsigned ms = 0;
	while (!(inw(sts) & PM1_PWRBTN) && ms < BUTTON_WAIT_S * 1000u) {
		tk_delay_us(1000);
		ms++;
	}
	uint16_t seen = inw(sts) & PM1_PWRBTN;
	bool sci = slave_irr() & PIC2_SCI_IRR;
	outw(sts, PM1_PWRBTN);                /* write 1 to clear */
	bool sci_after = slave_irr() & PIC2_SCI_IRR;
	tk_check(seen, "power button: PM1a_STS.PWRBTN_STS set");
	tk_check(sci && !sci_after, "power button: the SCI (IRQ 9) asserted while the status is set, not after");
}

int tk_main(const struct tk_entry *e)
{
	tk_printf("acpi: table discovery and S5\n");
	tk_cli();
	uint32_t rp = tk_acpi_find_rsdp();
	if (!tk_check(rp != 0, "rsdp found in 0xe0000-0xfffff"))
		return 1 + (int)tk_failures();
	const volatile struct rsdp *r = phys(rp);
	tk_vary("rsdp: at 0x%05x rev %u oem \"%.6s\"", rp, r->revision, (const char *)r->oem_id);
	table(r->rsdt, "rsdt");
	list_rsdt(r->rsdt);
	uint32_t fadt = tk_acpi_root_find(r->rsdt, 4, "FACP");
	uint32_t madt_a = tk_acpi_root_find(r->rsdt, 4, "APIC");
	/* Not every board has ACPI 2.0 roots (QEMU's pc has ACPI 1.0 ones):
	 * one "~" line either way, a failure counted in the final line. */
	if (r->revision >= 2 && r->xsdt) {
		uint32_t x = (uint32_t)r->xsdt, xlen = ((const volatile struct sdt_header *)phys(x))->length;
		bool ext = r->length >= 36 && tk_acpi_sum(rp, r->length) == 0;
		bool xsum = tk_acpi_sig_is(x, "XSDT", 4) && xlen >= 36 && xlen < 0x100000 && tk_acpi_sum(x, xlen) == 0;
		bool same = xsum && tk_acpi_root_find(x, 8, "FACP") == fadt;
		tk_vary("acpi 2.0 roots: rsdp checksum %s, xsdt len %u at 0x%08x checksum %s, its FADT %s",
			ext ? "ok" : "FAIL", xlen, x, xsum ? "ok" : "FAIL", same ? "the RSDT's" : "FAIL: another");
		identity_failures += !ext + !xsum + !same;
	} else {
		tk_vary("acpi 2.0 roots: none");
	}
	if (!tk_check(fadt && madt_a, "rsdt lists a FADT and a MADT"))
		return 1 + (int)tk_failures();

	table(fadt, "fadt");
	tk_printf("fadt: sci_int %u pm1a_evt 0x%x/%u pm1a_cnt 0x%x/%u pm_tmr 0x%x/%u gpe0 0x%x/%u century 0x%02x\n",
		  rd16(fadt + FADT_SCI_INT), rd32(fadt + FADT_PM1A_EVT), rd8(fadt + FADT_PM1_EVT_LEN),
		  rd32(fadt + FADT_PM1A_CNT), rd8(fadt + FADT_PM1_CNT_LEN), rd32(fadt + FADT_PM_TMR),
		  rd8(fadt + FADT_PM_TMR_LEN), rd32(fadt + FADT_GPE0), rd8(fadt + FADT_GPE0_LEN),
		  rd8(fadt + FADT_CENTURY));
	uint32_t smi_cmd = rd32(fadt + FADT_SMI_CMD);
	uint8_t acpi_enable = rd8(fadt + FADT_ACPI_ENABLE);
	tk_vary("fadt: smi_cmd 0x%x acpi_enable 0x%02x flags 0x%08x", smi_cmd, acpi_enable, rd32(fadt + FADT_FLAGS));

	table(madt_a, "madt");
	madt(madt_a, fadt + FADT_SCI_INT);

	uint32_t dsdt = rd32(fadt + FADT_DSDT);
	table(dsdt, "dsdt");
	int slp_typ = s5_slp_typ(dsdt);
	tk_check(slp_typ >= 0 && slp_typ < 8, "dsdt: \\_S5 SLP_TYPa %d", slp_typ);

	/* ACPI mode: with an SMI_CMD port the OS asks for it (ACPI 6.5,
	 * 4.8.2.1 "Legacy/ACPI Select"); without one the board is in it. */
	uint16_t pm1a_cnt = (uint16_t)rd32(fadt + FADT_PM1A_CNT);
	if (!(inw(pm1a_cnt) & PM1_SCI_EN) && smi_cmd && acpi_enable) {
		outb((uint16_t)smi_cmd, acpi_enable);
		for (unsigned i = 0; i < 100 && !(inw(pm1a_cnt) & PM1_SCI_EN); i++)
			tk_delay_us(1000);
	}
	tk_check(inw(pm1a_cnt) & PM1_SCI_EN, "acpi mode: PM1a_CNT.SCI_EN set");
	if (tk_has_arg(e, "button"))
		power_button((uint16_t)rd32(fadt + FADT_PM1A_EVT));

	tk_printf("acpi: S5, %u failed\n", tk_failures() + identity_failures);
	uint16_t cnt = inw(pm1a_cnt) & (uint16_t)~(7u << PM1_SLP_TYP_SHIFT);
	outw(pm1a_cnt, (uint16_t)(cnt | (slp_typ & 7) << PM1_SLP_TYP_SHIFT | PM1_SLP_EN));
	tk_delay_us(500000);
	tk_printf("FAIL still running 0.5 s after S5\n");
	return 1 + (int)tk_failures();
}

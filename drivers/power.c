/* drivers/power.c - Machine power control: ACPI S5 power-off and reset (kernel side of drivers/acpi_tables.c).
 *
 * All table parsing is in acpi_tables.c; this file supplies the direct map as
 * the physical-memory accessor, logs what was found, and drives the fixed
 * hardware registers. There is no timer yet, so waits are counted in
 * io_delay() calls (a write to port 0x80, about 1 us on real hardware; less
 * under emulation, which only makes the fallbacks come sooner). */
#define LOG_PREFIX "power: "
#include "lib/log.h"
#include "lib/printf.h"
#include "drivers/power.h"
#include "drivers/acpi_tables.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "mm/phys.h"

#define acpi_log(lvl, f, ...) hv_log(lvl, "acpi: " f, ##__VA_ARGS__)

#define SCI_EN_WAIT_MS     3000u   /* firmware gets this long to hand over to ACPI mode */
#define POWER_OFF_WAIT_MS  3000u   /* after SLP_EN, before declaring failure */
#define RESET_WAIT_MS      500u    /* per reset method */
#define KBC_WAIT_POLLS     100000u

#define PORT_RESET_CONTROL 0xCF9   /* chipset Reset Control Register */
#define RST_SYS_RST        0x02    /* full (hard) reset rather than CPU-only */
#define RST_RST_CPU        0x04    /* a 0->1 transition starts the reset */
#define PORT_KBC_STATUS    0x64
#define KBC_STATUS_IBF     0x02    /* input buffer full: controller busy */
#define KBC_CMD_PULSE_RESET 0xFE   /* pulse output line 0 (CPU reset) low */

static struct acpi_power_info pw_acpi;
static int pw_acpi_err = ACPI_ERR_RSDP_NOT_FOUND;
static bool pw_inited;

static void spin_delay_us(unsigned us)
{
	for (unsigned i = 0; i < us; i++)
		io_delay();
}

static void spin_delay_ms(unsigned ms)
{
	for (unsigned i = 0; i < ms; i++)
		spin_delay_us(1000);
}

static const void *map_direct(void *ctx, hpa_t pa, size_t len)
{
	(void)ctx;
	return phys_map_range(pa, len);
}

/* ---- Generic Address Structure access (ACPI 6.x 5.2.3.2) ----------------- */

static const char *gas_space(uint8_t id)
{
	switch (id) {
	case ACPI_GAS_MEMORY: return "mem";
	case ACPI_GAS_IO:     return "io";
	case ACPI_GAS_PCI:    return "pci-cfg";
	default:              return "space?";
	}
}

/* The PM1 and reset registers are byte/word registers at bit offset 0 (4.8.3.2.1,
 * 4.8.3.6), so the GAS bit offset and access size are not needed here. */
static bool gas_ok(const struct acpi_gas *g, uint64_t size)
{
	if (g->address == 0)
		return false;
	if (g->space_id == ACPI_GAS_IO)
		return g->address <= 0x10000 - size;
	if (g->space_id == ACPI_GAS_MEMORY)
		return phys_map_range(g->address, size) != NULL;
	return false;
}

static uint16_t gas_read16(const struct acpi_gas *g)
{
	if (g->space_id == ACPI_GAS_IO)
		return inw((uint16_t)g->address);
	return *(volatile const uint16_t *)phys_map_range(g->address, 2);
}

static void gas_write16(const struct acpi_gas *g, uint16_t v)
{
	if (g->space_id == ACPI_GAS_IO)
		outw((uint16_t)g->address, v);
	else
		*(volatile uint16_t *)phys_map_range(g->address, 2) = v;
}

static void gas_write8(const struct acpi_gas *g, uint8_t v)
{
	if (g->space_id == ACPI_GAS_IO)
		outb((uint16_t)g->address, v);
	else
		*(volatile uint8_t *)phys_map_range(g->address, 1) = v;
}

/* ---- Boot log ------------------------------------------------------------ */

/* "io 0x604", "mem 0xfed80000" or "none", for log lines. */
static const char *gas_str(char *buf, size_t size, const struct acpi_gas *g)
{
	if (g->address == 0)
		return "none";
	hv_snprintf(buf, size, "%s 0x%llx", gas_space(g->space_id), (unsigned long long)g->address);
	return buf;
}

static size_t str_append(char *buf, size_t size, size_t pos, const char *s)
{
	while (*s && pos + 1 < size)
		buf[pos++] = *s++;
	buf[pos] = '\0';
	return pos;
}

static void log_tables(const char *source, hpa_t rsdp_pa)
{
	const struct acpi_tables *t = &pw_acpi.tables;
	char list[160];
	size_t pos = 0;
	uint32_t shown = 0;

	list[0] = '\0';
	for (uint32_t i = 0; i < t->nlisted; i++) {
		if (t->ent[i].status != ACPI_OK)
			continue;
		if (pos + 6 >= sizeof(list))
			break;
		pos = str_append(list, sizeof(list), pos, " ");
		pos = str_append(list, sizeof(list), pos, t->ent[i].sig);
		shown++;
	}
	if (source && rsdp_pa)
		acpi_log(LOG_INFO, "RSDP at 0x%llx (%s)", (unsigned long long)rsdp_pa, source);
	else if (source)
		acpi_log(LOG_INFO, "RSDP from %s", source);
	if (t->xsdt_err != ACPI_OK)
		acpi_log(LOG_WARN, "XSDT unusable (%s); using the RSDT", acpi_strerror(t->xsdt_err));
	acpi_log(LOG_INFO, "RSDP rev %u OEM %s, %s at 0x%llx, tables:%s%s",
		 t->rsdp_revision, t->oem_id[0] ? t->oem_id : "?", t->root_is_xsdt ? "XSDT" : "RSDT",
		 (unsigned long long)t->root_pa, list,
		 shown + t->nskipped < t->nentries ? " ..." : "");
	for (uint32_t i = 0; i < t->nlisted; i++) {
		const struct acpi_table_ent *e = &t->ent[i];

		if (e->status == ACPI_OK)
			acpi_log(LOG_INFO, "  %-4s 0x%016llx len %6u rev %u %s", e->sig,
				 (unsigned long long)e->pa, e->length, e->revision, e->oem_table_id);
		else
			acpi_log(LOG_WARN, "  %-4s 0x%016llx entry %u skipped: %s",
				 e->sig[0] ? e->sig : "????", (unsigned long long)e->pa, i,
				 acpi_strerror(e->status));
	}
	if (t->nentries > t->nlisted)
		acpi_log(LOG_INFO, "  ... %u more entries not listed", t->nentries - t->nlisted);
}

static void log_power_info(void)
{
	const struct acpi_power_info *a = &pw_acpi;
	char pm1a[32], pm1b[32], rst[32];

	acpi_log(LOG_INFO, "FADT rev %u len %u at 0x%llx: PM1a_CNT %s, PM1b_CNT %s, "
		 "PM1_CNT_LEN %u, SMI_CMD 0x%x, ACPI_ENABLE 0x%x%s",
		 a->fadt_revision, a->fadt_len, (unsigned long long)a->fadt_pa,
		 gas_str(pm1a, sizeof(pm1a), &a->pm1a_cnt), gas_str(pm1b, sizeof(pm1b), &a->pm1b_cnt),
		 a->pm1_cnt_len, a->smi_cmd, a->acpi_enable, a->hw_reduced ? ", HW-reduced" : "");
	if (a->dsdt_err != ACPI_OK)
		acpi_log(LOG_WARN, "DSDT at 0x%llx unusable: %s", (unsigned long long)a->dsdt_pa,
			 acpi_strerror(a->dsdt_err));
	if (a->s5_found && a->s5_table[0] == 'S')
		acpi_log(LOG_INFO, "_S5 in SSDT #%u: SLP_TYPa=%u SLP_TYPb=%u", a->s5_instance,
			 a->slp_typa, a->slp_typb);
	else if (a->s5_found)
		acpi_log(LOG_INFO, "_S5 in DSDT: SLP_TYPa=%u SLP_TYPb=%u", a->slp_typa, a->slp_typb);
	else
		acpi_log(LOG_WARN, "%s; ACPI power-off unavailable", acpi_strerror(ACPI_ERR_NO_S5));
	if (a->reset_reg_supported)
		acpi_log(LOG_INFO, "reset register %s value 0x%x",
			 gas_str(rst, sizeof(rst), &a->reset_reg), a->reset_value);
	else
		acpi_log(LOG_INFO, "no ACPI reset register");
}

void power_init(const void *rsdp_copy, size_t rsdp_len)
{
	hpa_t rsdp_pa = 0;
	int err;

	pw_inited = true;
	if (!rsdp_copy) {
		err = acpi_find_rsdp_bios(map_direct, NULL, &rsdp_pa);
		if (err != ACPI_OK) {
			pw_acpi_err = err;
			acpi_log(LOG_WARN, "%s in EBDA or 0xE0000-0xFFFFF; ACPI power-off unavailable",
				 acpi_strerror(err));
			return;
		}
	}
	err = acpi_probe_power(map_direct, NULL, rsdp_copy, rsdp_len, rsdp_pa, &pw_acpi);
	pw_acpi_err = err;
	if (pw_acpi.tables.root_pa)
		log_tables(rsdp_copy ? "boot loader copy" : "BIOS area scan", rsdp_pa);
	if (err != ACPI_OK) {
		acpi_log(LOG_WARN, "%s; ACPI power-off unavailable", acpi_strerror(err));
		return;
	}
	log_power_info();
}

/* ---- S5 ------------------------------------------------------------------ */

/* Why S5 cannot be attempted, or NULL if it can. */
static const char *s5_blocker(void)
{
	if (!pw_inited)
		return "power_init() was not called";
	if (pw_acpi_err != ACPI_OK)
		return acpi_strerror(pw_acpi_err);
	if (!pw_acpi.s5_found)
		return acpi_strerror(ACPI_ERR_NO_S5);
	if (pw_acpi.pm1a_cnt.address == 0)
		return pw_acpi.hw_reduced ? "hardware-reduced ACPI platform, no PM1 control block"
					  : "no PM1a control block in the FADT";
	if (!gas_ok(&pw_acpi.pm1a_cnt, 2))
		return "PM1a_CNT is not in reachable I/O or memory space";
	if (pw_acpi.pm1b_cnt.address != 0 && !gas_ok(&pw_acpi.pm1b_cnt, 2))
		return "PM1b_CNT is not in reachable I/O or memory space";
	return NULL;
}

/* PM1 control writes only take effect in ACPI mode. On a legacy-mode
 * platform SCI_EN (4.8.3.2.1) is clear until ACPI_ENABLE is written to
 * SMI_CMD (5.2.9); firmware sets SCI_EN when it has handed over. */
static void acpi_mode_enable(void)
{
	const struct acpi_power_info *a = &pw_acpi;

	if (gas_read16(&a->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN)
		return;
	if (a->smi_cmd == 0 || a->acpi_enable == 0 || a->smi_cmd > 0xFFFF) {
		pr_warn("SCI_EN clear and no usable SMI_CMD/ACPI_ENABLE; trying S5 anyway");
		return;
	}
	pr_info("enabling ACPI mode (0x%x -> SMI_CMD 0x%x)", a->acpi_enable, a->smi_cmd);
	outb((uint16_t)a->smi_cmd, a->acpi_enable);
	for (unsigned ms = 0; ms < SCI_EN_WAIT_MS; ms++) {
		if (gas_read16(&a->pm1a_cnt) & ACPI_PM1_CNT_SCI_EN)
			return;
		spin_delay_ms(1);
	}
	pr_warn("SCI_EN still clear %u ms after ACPI_ENABLE; trying S5 anyway", SCI_EN_WAIT_MS);
}

/* Current PM1x_CNT with SLP_TYP replaced: SCI_EN, BM_RLD and the reserved
 * bits are preserved, and the write-only GBL_RLS/SLP_EN are written as 0. */
static uint16_t pm1_with_slp_typ(const struct acpi_gas *g, uint8_t slp_typ)
{
	uint16_t v = gas_read16(g);

	v &= (uint16_t)~(ACPI_PM1_CNT_SLP_TYP_MASK | ACPI_PM1_CNT_SLP_EN | ACPI_PM1_CNT_GBL_RLS);
	return (uint16_t)(v | (uint16_t)((slp_typ & 7u) << ACPI_PM1_CNT_SLP_TYP_SHIFT));
}

__noreturn void power_off(void)
{
	const struct acpi_power_info *a = &pw_acpi;
	const char *why;

	irq_disable();
	why = s5_blocker();
	if (!why) {
		bool has_b = a->pm1b_cnt.address != 0;
		uint16_t va, vb = 0;

		acpi_mode_enable();
		va = pm1_with_slp_typ(&a->pm1a_cnt, a->slp_typa);
		if (has_b)
			vb = pm1_with_slp_typ(&a->pm1b_cnt, a->slp_typb);
		if (has_b)
			pr_info("powering off (ACPI S5, PM1a_CNT=0x%llx SLP_TYP=%u, PM1b_CNT=0x%llx SLP_TYP=%u)",
				(unsigned long long)a->pm1a_cnt.address, a->slp_typa & 7u,
				(unsigned long long)a->pm1b_cnt.address, a->slp_typb & 7u);
		else
			pr_info("powering off (ACPI S5, PM1a_CNT=0x%llx SLP_TYP=%u)",
				(unsigned long long)a->pm1a_cnt.address, a->slp_typa & 7u);
		/* Sleep entry, 16.1: program SLP_TYP in both blocks, then set
		 * SLP_EN. Two writes, as the hardware latches SLP_TYP and acts
		 * on the SLP_EN write; the b block may hold the other half. */
		gas_write16(&a->pm1a_cnt, va);
		if (has_b)
			gas_write16(&a->pm1b_cnt, vb);
		gas_write16(&a->pm1a_cnt, (uint16_t)(va | ACPI_PM1_CNT_SLP_EN));
		if (has_b)
			gas_write16(&a->pm1b_cnt, (uint16_t)(vb | ACPI_PM1_CNT_SLP_EN));
		spin_delay_ms(POWER_OFF_WAIT_MS);
		why = "machine still running after SLP_EN";
	}
	pr_err("ACPI power-off failed (%s); halting", why);
	cpu_halt_forever();
}

/* ---- Reset --------------------------------------------------------------- */

/* ACPI reset register, 4.8.3.6: an 8-bit register; writing RESET_VALUE resets. */
static void reset_via_acpi(void)
{
	const struct acpi_power_info *a = &pw_acpi;
	const struct acpi_gas *r = &a->reset_reg;

	if (!pw_inited || !a->found_fadt || !a->reset_reg_supported)
		return;
	if (!gas_ok(r, 1)) {
		pr_info("reset: ACPI reset register (%s 0x%llx) not usable, skipping",
			gas_space(r->space_id), (unsigned long long)r->address);
		return;
	}
	pr_info("reset: trying ACPI reset register (%s 0x%llx <- 0x%x)",
		gas_space(r->space_id), (unsigned long long)r->address, a->reset_value);
	gas_write8(r, a->reset_value);
	spin_delay_ms(RESET_WAIT_MS);
}

/* Reset Control Register at 0xCF9 on PC chipsets: select a system (not CPU
 * only) reset, then raise RST_CPU to start it. */
static void reset_via_cf9(void)
{
	pr_info("reset: trying port 0xCF9");
	outb(PORT_RESET_CONTROL, RST_SYS_RST);
	spin_delay_us(10);
	outb(PORT_RESET_CONTROL, RST_SYS_RST | RST_RST_CPU);
	spin_delay_ms(RESET_WAIT_MS);
}

/* The 8042 keyboard controller drives the CPU reset line: wait (bounded) for
 * it to accept a command, then ask it to pulse the line. */
static void reset_via_kbc(void)
{
	pr_info("reset: trying keyboard controller (0xFE -> port 0x64)");
	for (unsigned i = 0; i < KBC_WAIT_POLLS && (inb(PORT_KBC_STATUS) & KBC_STATUS_IBF); i++)
		io_delay();
	outb(PORT_KBC_STATUS, KBC_CMD_PULSE_RESET);
	spin_delay_ms(RESET_WAIT_MS);
}

/* With a zero-limit IDT no exception can be delivered: int3 becomes #GP,
 * then #DF, then a triple fault, which the chipset turns into a reset. */
static __noreturn void reset_via_triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = { 0, 0 };

	pr_info("reset: forcing a triple fault");
	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty_idt) : "memory");
	cpu_halt_forever();
}

__noreturn void power_reset(void)
{
	irq_disable();
	reset_via_acpi();
	reset_via_cf9();
	reset_via_kbc();
	reset_via_triple_fault();
}

const struct acpi_tables *acpi_host_tables(void)
{
	return pw_acpi.tables.root_pa ? &pw_acpi.tables : NULL;
}

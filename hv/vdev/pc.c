/* hv/vdev/pc.c - The board: which model answers where, and the wires
 * between them (see pc.h; docs/pc.md lists the same facts).
 *
 *   ports          model                          interrupt
 *   0x20-0x21      8259A master (vpic)            INTR -> vCPU 0 LINT0 (ExtINT)
 *   0xA0-0xA1      8259A slave                    cascade on master IR2
 *   0x4D0-0x4D1    ELCR (edge/level per IRQ)
 *   0x40-0x43      8254 PIT (vpit)                channel 0: ISA IRQ 0 (GSI 2)
 *   0x61           port B: PIT gate 2, OUT2
 *   0x60, 0x64     8042 (vi8042), two ranges      IRQ 1 (keyboard), IRQ 12 (aux)
 *   0x70-0x71      MC146818 RTC/CMOS (vrtc)       IRQ 8
 *   0x92           system control A (vsysctl)     fast reset
 *   0xB2-0xB3      APM control (SMI_CMD), status (vacpi_pm)
 *   0xF4-0xF7      debug exit (QEMU isa-debug-exit, iosize=4)
 *   0x3F8-0x3FF    16550 UART, COM1 (vuart)       IRQ 4
 *   0x510-0x511    QEMU fw_cfg (vfwcfg); 0x514-0x51B its DMA address
 *   0x600-0x60B    ACPI PM1a event, control, timer (vacpi_pm)   SCI: IRQ 9
 *   0xAFE0-0xAFE3  ACPI GPE0
 *   0xCF8-0xCFB    PCI CONFIG_ADDRESS; 0xCF9 alone: reset control (vsysctl)
 *   0xCFC-0xCFF    PCI CONFIG_DATA (vpci)
 *   MMIO 0xFEC00000  I/O APIC (vioapic), 24 pins = GSIs 0-23
 *   MMIO 0xFEE00000  each vCPU's LAPIC page (not on the bus: hv/exit_npf.c)
 *   RAM 0xA0000-0xFFFFF  the legacy window: RAM, parts read-only after the
 *                    firmware state (pc_legacy.h; writes dropped: hv/gmem.c)
 *
 * With the VM option testdev=on, QEMU's test devices too (docs/pc.md "The
 * test devices"):
 *   0xE0-0xEE      pc-testdev (vtestdev): scratch register 0xE0, flush
 *                  port 0xE4, byte lanes 0xE8 (0xEC-0xEE: see vtestdev.h)
 *   0x2000-0x201A  pc-testdev IRQ lines 0-23           line n: ISA IRQ n
 *                  (16-23 stop the VM: QEMU aborts)
 *   MMIO 0xFF000000  pc-testdev's 64 KiB window
 *   PCI 00:02.0    pci-testdev (vpci_testdev): BAR0 4 KiB memory, BAR1
 *                  256 ports, where the guest (or the firmware state) puts them
 *
 * Port 0x80 (POST codes) is claimed by no one: writes vanish, reads give
 * all ones, as on QEMU's pc. */
#include "arch/x86/cpu.h"
#include "drivers/tsc.h"
#include "hv/timer.h"
#include "hv/vdev/acpi_build.h"
#include "hv/vdev/pc.h"
#include "hv/gmem.h"
#include "hv/vm.h"
#include "lib/muldiv.h"
#include "lib/printf.h"

/* ---- the table ----------------------------------------------------------------- */

#define DEV(field) offsetof(struct vm, field)

static const struct pc_port {
	uint16_t base, len;
	const struct pio_ops *ops;
	size_t dev;                 /* the model: its offset in struct vm */
} pc_ports[] = {
	{ 0x020, 2, &vpic_master_ops, DEV(board.pic) },
	{ 0x0a0, 2, &vpic_slave_ops, DEV(board.pic) },
	{ 0x4d0, 2, &vpic_elcr_ops, DEV(board.pic) },
	{ 0x040, 4, &vpit_ops, DEV(board.pit) },
	{ 0x061, 1, &vpit_port61_ops, DEV(board.pit) },
	{ 0x060, 1, &vi8042_data_ops, DEV(board.kbc) },
	{ 0x064, 1, &vi8042_status_ops, DEV(board.kbc) },
	{ 0x070, 2, &vrtc_ops, DEV(board.rtc) },
	{ 0x092, 1, &vsysctl_port92_ops, DEV(sysctl) },
	{ 0x0f4, VSYSCTL_DEBUG_EXIT_PORTS, &vsysctl_debug_exit_ops, DEV(sysctl) },
	{ 0x3f8, VUART_PORTS, &vuart_ops, DEV(uart) },
	{ VFWCFG_PORT_SELECTOR, VFWCFG_PORTS, &vfwcfg_ops, DEV(board.fwcfg) },
	{ VFWCFG_PORT_DMA, VFWCFG_DMA_PORTS, &vfwcfg_dma_ops, DEV(board.fwcfg) },
	{ PC_PM1A_EVT, 4, &vacpi_pm_evt_ops, DEV(board.pm) },
	{ PC_PM1A_CNT, 2, &vacpi_pm_cnt_ops, DEV(board.pm) },
	{ PC_PM_TMR, 4, &vacpi_pm_tmr_ops, DEV(board.pm) },
	{ PC_GPE0_BLK, 4, &vacpi_pm_gpe_ops, DEV(board.pm) },
	{ PC_SMI_CMD, VACPI_APM_LEN, &vacpi_pm_apm_ops, DEV(board.pm) },
	{ 0xcf8, 4, &vpci_config_address_ops, DEV(board.pci) },
	{ 0xcfc, 4, &vpci_config_data_ops, DEV(board.pci) },
};

static uint64_t ioapic_read(void *dev, struct vcpu *v, uint64_t off, unsigned size)
{
	uint64_t val = 0;

	(void)v;
	vioapic_mmio_read(dev, (uint32_t)off, size, &val);
	return val;
}

static void ioapic_write(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	(void)v;
	vioapic_mmio_write(dev, (uint32_t)off, size, val);
}

static const struct mmio_ops ioapic_mmio_ops = { "ioapic", ioapic_read, ioapic_write };

/* What no fixed range claims may be a PCI BAR's (vpci.h, Decoding). */
static bool pci_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	return vpci_io_read(ctx, port, size, val);
}

static bool pci_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	return vpci_io_write(ctx, port, size, val);
}

static bool pci_mem_claims(void *ctx, gpa_t gpa)
{
	return vpci_mem_claims(ctx, gpa);
}

static bool pci_mem_read(void *ctx, gpa_t gpa, unsigned size, uint64_t *val)
{
	return vpci_mem_read(ctx, gpa, size, val);
}

static bool pci_mem_write(void *ctx, gpa_t gpa, unsigned size, uint64_t val)
{
	return vpci_mem_write(ctx, gpa, size, val);
}

/* ---- time --------------------------------------------------------------------- */

static struct { uint64_t unix_seconds, tsc; bool valid; } host_time;

void pc_set_host_time(uint64_t unix_seconds, uint64_t host_tsc)
{
	host_time.unix_seconds = unix_seconds;
	host_time.tsc = host_tsc;
	host_time.valid = true;
}

uint64_t pc_clock_now(const struct vm *vm)
{
	return rdtsc() + vm->tsc_offset;
}

static uint64_t board_clock(void *ctx)
{
	return pc_clock_now(ctx);
}

/* Any model's deadline moved: vCPU 0's CPU re-arms the board timer before
 * that vCPU next runs (the hook runs under the model's lock, anywhere). */
static void deadline_moved(void *ctx)
{
	struct vm *vm = ctx;

	vcpu_request(vm->vcpus[0], VCPU_REQ_DEVTIMER);
}

static uint64_t earliest_deadline(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	uint64_t d = vpit_next_deadline(&b->pit);

	d = MIN(d, vrtc_next_deadline(&b->rtc));
	d = MIN(d, vacpi_pm_next_deadline(&b->pm));
	d = MIN(d, vioapic_next_deadline(&b->ioapic));
	d = MIN(d, vuart_next_deadline(&vm->uart));
	return d;
}

/* Every model run up to now; each takes its own lock and never goes back
 * in time, so two CPUs may do this at once. */
static void expire_all(struct vm *vm, uint64_t now)
{
	struct pc_board *b = &vm->board;

	vpit_expire(&b->pit, now);
	vrtc_expire(&b->rtc, now);
	vacpi_pm_expire(&b->pm, now);
	vioapic_expire(&b->ioapic, now);
	vuart_expire(&vm->uart, now);
}

static void devtimer_fired(struct timerq *q, struct timer *t)
{
	struct vm *vm = t->owner;

	(void)q;
	expire_all(vm, pc_clock_now(vm));
	pc_devtimer_rearm(vm);
}

/* Before a PIC read: the requests of every deadline already passed. On
 * QEMU the PIT's timer fires on a thread of its own; here the devtimer's
 * host interrupt can come late on a busy host, after the guest's clock
 * (the TSC) has passed the deadline, and a guest that waits out a one-shot
 * count by the TSC and then reads IRR must find the request there. */
static void catch_up_before_pic_read(void *ctx)
{
	struct vm *vm = ctx;
	uint64_t now = pc_clock_now(vm);

	if (earliest_deadline(vm) <= now)
		expire_all(vm, now);   /* vCPU 0 re-arms the devtimer (deadline_moved) */
}

void pc_devtimer_rearm(struct vm *vm)
{
	__atomic_and_fetch(&vm->vcpus[0]->requests, ~VCPU_REQ_DEVTIMER, __ATOMIC_SEQ_CST);
	uint64_t deadline = earliest_deadline(vm);
	if (deadline == VDEV_NO_DEADLINE) {
		timer_cancel(&vm->board.devtimer);
		return;
	}
	uint64_t host_now = rdtsc(), guest_now = host_now + vm->tsc_offset;
	timer_arm(&vm->board.devtimer, deadline <= guest_now ? host_now : host_now + (deadline - guest_now));
}

/* ---- interrupt routing ------------------------------------------------------------ */

void pc_set_isa_irq(struct vm *vm, unsigned irq, bool level)
{
	if (irq >= 16)
		return;
	vpic_set_irq(&vm->board.pic, irq, level);
	vioapic_set_irq(&vm->board.ioapic, irq == PC_IRQ_PIT ? PC_GSI_PIT : irq, level);
}

void pc_set_gsi(struct vm *vm, unsigned gsi, bool level)
{
	vioapic_set_irq(&vm->board.ioapic, gsi, level);
}

static void isa_line(void *ctx, unsigned irq, bool level)
{
	pc_set_isa_irq(ctx, irq, level);
}

static struct irq_line isa_irq(struct vm *vm, unsigned irq)
{
	return (struct irq_line){ isa_line, vm, irq };
}

/* The PIC's INTR: vCPU 0's LINT0, wired as on every PC. */
static void pic_intr(void *ctx, unsigned pin, bool level)
{
	struct vm *vm = ctx;

	(void)pin;
	vlapic_set_lint0(&vm->vcpus[0]->lapic, level);
}

static void ioapic_send(void *ctx, const struct apic_msg *msg)
{
	struct vm *vm = ctx;

	apic_bus_deliver(vm->board.lapics, vm->vcpu_count, msg);
}

static int ioapic_extint(void *ctx)
{
	return vpic_ack(&((struct vm *)ctx)->board.pic);
}

/* ---- what models ask of the VM ---------------------------------------------------- */

static void sysctl_exit(void *ctx, uint8_t code)
{
	vm_request_stop(ctx, VM_STOP_EXIT_CODE, "exit code %u", code);
}

static void sysctl_reset(void *ctx, const char *how)
{
	vm_request_reset(ctx, VM_STOP_RESET_REQUEST, how);
}

static void sysctl_poweroff(void *ctx)
{
	vm_request_stop(ctx, VM_STOP_POWEROFF, "poweroff");
}

/* pc-testdev's lines 16-23: QEMU 7.2 aborts (isa_get_irq asserts an ISA
 * IRQ below 16), so the VM stops, with the reason. */
static void testdev_abort(void *ctx, unsigned line)
{
	vm_request_stop(ctx, VM_STOP_ERROR,
			"error: pc-testdev: IRQ line %u written (port 0x%x): QEMU 7.2 aborts there, ISA IRQs are 0-15",
			line, VTESTDEV_IRQ_BASE + line);
}

/* A20 is always on: guest RAM has no 1 MiB wrap (the nested page table
 * maps it once). The 8042's output-port bit is kept for reading back. */
static void kbc_a20(void *ctx, bool on)
{
	((struct vm *)ctx)->board.a20 = on;
}

/* fw_cfg's DMA reaches the VM's RAM only (hv/gmem.h checks every byte). */
static bool fwcfg_mem_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	return vm_read_gpa(ctx, gpa, buf, len);
}

static bool fwcfg_mem_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	return vm_write_gpa(ctx, gpa, buf, len);
}

/* ---- the legacy window ------------------------------------------------------------ */

/* The nested page table's entries for the window's pages made what w says:
 * a read-only page R+X (reads and fetches from RAM, a write exits), a RAM
 * page R+W+X; only the pages whose class changes are touched, so a VM
 * that never had firmware (type=flat) never has its table changed. A page
 * no RAM slot holds (a VM smaller than 1 MiB) stays as it is, RAM in
 * board.legacy. Every vCPU is parked or not yet run: each gets a fresh
 * ASID before it runs again (vcpu_reset_state), so no translation with
 * the old permission survives. */
static void legacy_window_map(struct vm *vm, const struct pc_legacy_window *w)
{
	struct pc_legacy_window *now = &vm->board.legacy;

	for (unsigned i = 0; i < PC_LEGACY_PAGES; i++) {
		bool ro = pc_legacy_page_read_only(w, i);
		gpa_t gpa = PC_LEGACY_BASE + (gpa_t)i * PAGE_SIZE;
		if (ro == pc_legacy_page_read_only(now, i) || !gmem_is_ram(vm, gpa, PAGE_SIZE))
			continue;
		/* vm_build maps the first 1 MiB in 4 KiB pages: this cannot fail
		 * there; if it did, the page stays RAM in both places. */
		if (hpt_protect(&vm->npt, gpa, PAGE_SIZE, ro ? HPT_R | HPT_X : HPT_R | HPT_W | HPT_X) == 0)
			pc_legacy_set_page(now, i, ro);
	}
}

/* The host bridge's PAM and SMRAM bytes as SeaBIOS leaves them, and the
 * window they make (with QEMU's kvmvapic pages RAM: pc_legacy.h). */
static void legacy_firmware_state(struct vm *vm)
{
	struct vpci_function *host = vpci_find_function(&vm->board.pci, 0, 0, 0);
	uint8_t pam[I440FX_PAM_REGS];
	struct pc_legacy_window w;

	if (!host)
		return;
	spin_lock(&vm->board.pci.lock);
	__builtin_memcpy(host->config + I440FX_PAM0, pc_seabios_pam, sizeof(pc_seabios_pam));
	host->config[I440FX_SMRAM] = PC_SEABIOS_SMRAM;
	__builtin_memcpy(pam, host->config + I440FX_PAM0, sizeof(pam));
	spin_unlock(&vm->board.pci.lock);
	if (pc_legacy_from_pam(&w, pam, PC_VAPIC_ROM_BASE, PC_VAPIC_ROM_END) == 0)
		legacy_window_map(vm, &w);
}

/* ---- set-up ------------------------------------------------------------------------ */

/* fw_cfg's etc/e820: the VM's RAM, as QEMU's pc puts it there. */
static void build_e820(struct vm *vm)
{
	struct pc_board *b = &vm->board;

	b->e820_count = 0;
	for (unsigned i = 0; i < vm->slot_count && b->e820_count < PC_E820_MAX; i++)
		b->e820[b->e820_count++] = (struct vfwcfg_e820_entry){ vm->slots[i].gpa, vm->slots[i].size,
									VFWCFG_E820_RAM };
}

/* testdev=on: pc-testdev's ports, lines and window, pci-testdev at 00:02.0. */
static int add_test_devices(struct vm *vm, char *err, size_t errlen)
{
	struct pc_board *b = &vm->board;
	struct irq_line lines[VTESTDEV_ISA_IRQS];

	for (unsigned i = 0; i < VTESTDEV_ISA_IRQS; i++)
		lines[i] = isa_irq(vm, i);
	vtestdev_init(&b->testdev, lines, testdev_abort, vm);
	if (iobus_register(&vm->iobus, VTESTDEV_PORT_BASE, VTESTDEV_PORTS, &vtestdev_port_ops, &b->testdev) != 0 ||
	    iobus_register(&vm->iobus, VTESTDEV_IRQ_BASE, VTESTDEV_IRQ_PORTS, &vtestdev_irq_ops, &b->testdev) != 0 ||
	    mmiobus_register(&b->mmio, VTESTDEV_IOMEM_GPA, VTESTDEV_IOMEM_SIZE, &vtestdev_iomem_ops, &b->testdev) != 0 ||
	    vpci_testdev_add(&b->pci, &b->pci_testdev, PC_TESTDEV_PCI_DEV) != 0) {
		hv_snprintf(err, errlen, "its test devices do not fit its buses");
		return -1;
	}
	return 0;
}

int pc_board_setup(struct vm *vm, char *err, size_t errlen)
{
	struct pc_board *b = &vm->board;
	struct vdev_deadline_hook hook = { deadline_moved, vm };
	uint64_t below_4g = 0, above_4g = 0;

	for (unsigned i = 0; i < vm->slot_count; i++) {
		if (vm->slots[i].gpa < VM_HIGH_RAM_BASE)
			below_4g += vm->slots[i].size;
		else
			above_4g += vm->slots[i].size;
	}
	b->clock = (struct vclock){ .now = board_clock, .ctx = vm, .hz = tsc_khz() * 1000 };
	timer_init(&b->devtimer, devtimer_fired, vm);
	b->a20 = true;
	pc_legacy_all_ram(&b->legacy);   /* as vm_build maps the RAM */
	/* The guest types that start where firmware hands over (multiboot)
	 * call it after each reset (hv/vm.h firmware_state). */
	vm->firmware_state = pc_firmware_state;

	iobus_init(&vm->iobus);
	mmiobus_init(&b->mmio);
	vsysctl_init(&vm->sysctl, sysctl_exit, sysctl_reset, vm);
	vuart_init(&vm->uart, NULL, vm);
	vuart_set_irq(&vm->uart, isa_irq(vm, PC_IRQ_COM1));
	vuart_set_clock(&vm->uart, &b->clock, &hook);   /* the character timeout */
	vpic_init(&b->pic, (struct irq_line){ pic_intr, vm, 0 });
	vpic_set_read_hook(&b->pic, (struct vpic_read_hook){ catch_up_before_pic_read, vm });
	vpit_init(&b->pit, &b->clock, isa_irq(vm, PC_IRQ_PIT), hook);
	struct irq_line rtc_irq = isa_irq(vm, PC_IRQ_RTC);
	vrtc_init(&b->rtc, &b->clock, &rtc_irq, &hook);
	struct irq_line kbd_irq = isa_irq(vm, PC_IRQ_KBD), aux_irq = isa_irq(vm, PC_IRQ_MOUSE);
	vi8042_init(&b->kbc, &kbd_irq, &aux_irq, sysctl_reset, kbc_a20, vm);
	struct irq_line sci = isa_irq(vm, PC_IRQ_SCI);
	vacpi_pm_init(&b->pm, &b->clock, &sci, &hook, sysctl_poweroff, vm);
	vioapic_init(&b->ioapic, ioapic_send, ioapic_extint, vm, &b->clock, hook);
	vpci_init(&b->pci);
	vfwcfg_init(&b->fwcfg);
	vfwcfg_enable_dma(&b->fwcfg, &(struct vfwcfg_guest_memory){ fwcfg_mem_read, fwcfg_mem_write, vm });
	build_e820(vm);

	if (vpci_pc_board(&b->pci) != 0 ||
	    vfwcfg_pc_board(&b->fwcfg, below_4g + above_4g, vm->vcpu_count, vm->vcpu_count, b->e820,
			    b->e820_count) != 0) {
		hv_snprintf(err, errlen, "its PCI functions or fw_cfg items do not fit");
		return -1;
	}
	vpci_chain_port_cf9(&b->pci, &vsysctl_cf9_ops, &vm->sysctl);
	for (unsigned i = 0; i < ARRAY_SIZE(pc_ports); i++) {
		const struct pc_port *p = &pc_ports[i];
		if (iobus_register(&vm->iobus, p->base, p->len, p->ops, (uint8_t *)vm + p->dev) != 0) {
			hv_snprintf(err, errlen, "its devices do not fit its I/O bus (port 0x%x)", p->base);
			return -1;
		}
	}
	if (mmiobus_register(&b->mmio, PC_IOAPIC_GPA, VIOAPIC_MMIO_SIZE, &ioapic_mmio_ops, &b->ioapic) != 0) {
		hv_snprintf(err, errlen, "its I/O APIC does not fit its MMIO bus");
		return -1;
	}
	if (vm->cfg.testdev && add_test_devices(vm, err, errlen) != 0)
		return -1;
	/* Only pci-testdev has BARs: without it an unclaimed address keeps its
	 * short path (no BAR decode on the exit; the port bus's fallback costs
	 * nothing either way, iobus.h). */
	if (vm->cfg.testdev) {
		iobus_set_fallback(&vm->iobus, &(struct iobus_fallback){ pci_io_read, pci_io_write, &b->pci });
		mmiobus_set_fallback(&b->mmio,
				     &(struct mmio_fallback){ pci_mem_claims, pci_mem_read, pci_mem_write, &b->pci });
	}
	vrtc_set_memory_size(&b->rtc, below_4g, above_4g, vm->vcpu_count);
	/* The boot order QEMU's pc writes for SeaBIOS (hw/i386/pc.c
	 * set_boot_dev, the default order "cad"): 0x3D first disk then
	 * floppy, 0x38 bits 7:4 the CD-ROM, bit 0 clear (floppy signature
	 * check on). Measured: docs/pc.md. */
	vrtc_cmos_write(&b->rtc, PC_CMOS_BOOT_ORDER_12, 0x12);
	vrtc_cmos_write(&b->rtc, PC_CMOS_BOOT_ORDER_3, 0x30);
	if (host_time.valid) {
		uint64_t now = rdtsc(), hz = tsc_khz() * 1000;
		uint64_t since = hz ? muldiv64(now - host_time.tsc, 1, hz) : 0;
		vrtc_set_time(&b->rtc, host_time.unix_seconds + since, pc_clock_now(vm));
	}
	pc_board_reset(vm);
	return 0;
}

void pc_board_reset(struct vm *vm)
{
	struct pc_board *b = &vm->board;

	/* Every model on the port bus (the UART, the exit and reset ports,
	 * the PIC, PIT, RTC, 8042, PM, PCI, fw_cfg): their reset ops. */
	iobus_reset(&vm->iobus);
	vioapic_reset(&b->ioapic);
	vpci_testdev_reset(&b->pci_testdev);   /* pc-testdev has no reset: QEMU's keeps its state */
	b->a20 = true;
	struct pc_legacy_window all_ram;
	pc_legacy_all_ram(&all_ram);
	legacy_window_map(vm, &all_ram);
	b->firmware = false;   /* until the guest type's boot says firmware ran */
	/* Their deadlines changed: vCPU 0 re-arms before it runs again. */
	deadline_moved(vm);
}

/* ---- the state SeaBIOS leaves ---------------------------------------------------- */

/* The tables are built in one buffer for the whole window and copied into
 * the VM's RAM (slot 0 need not be one host run). Builds are rare (a VM's
 * boot and reset), so one buffer for all, under a lock. */
static uint8_t acpi_window[PC_ACPI_TABLES_END - PC_ACPI_RSDP_GPA];
static struct spinlock acpi_window_lock;

static bool place_acpi_tables(struct vm *vm)
{
	struct acpi_board ab;
	int err = 0;

	acpi_board_pc(&ab, vm->vcpu_count, true);
	spin_lock(&acpi_window_lock);
	gpa_t rsdp = acpi_build_tables(&ab, acpi_window, PC_ACPI_RSDP_GPA, sizeof(acpi_window), &err);
	bool ok = rsdp && vm_write_gpa(vm, PC_ACPI_RSDP_GPA, acpi_window, sizeof(acpi_window));
	spin_unlock(&acpi_window_lock);
	vm->board.rsdp_gpa = ok ? rsdp : 0;
	return ok;
}

static void port_out(struct vm *vm, uint16_t port, uint8_t val)
{
	iobus_write(&vm->iobus, NULL, port, 1, val);
}

void pc_firmware_state(struct vm *vm)
{
	vm->board.firmware = true;   /* the BSP's LAPIC too, at its reset (hv/vcpu_apic.c) */
	place_acpi_tables(vm);
	/* Measured under QEMU -kernel (docs/pc.md, "Device state SeaBIOS
	 * leaves"). The 8259 pair: ICW1 edge, cascade, ICW4; vector bases
	 * 0x08 and 0x70; the slave on IR2; 8086 mode; the masks SeaBIOS
	 * leaves (IRQ 0, 1, 2, 6 and 8, 12, 13, 14 open); the ELCR with the
	 * PCI IRQs 10 and 11 level-triggered. */
	static const struct { uint16_t port; uint8_t val; } firmware_ports[] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0xb8 }, { 0xa1, 0x8e }, { 0x4d0, 0x00 }, { 0x4d1, 0x0c },
		/* PIT channel 0: mode 2, lobyte/hibyte, count 0 (65536): 18.2 Hz */
		{ 0x43, 0x34 }, { 0x40, 0x00 }, { 0x40, 0x00 },
		/* the 8042's keyboard interface on, as SeaBIOS leaves it */
		{ 0x64, 0xae },
		/* port 0x92 with A20 on: SeaBIOS sets bit 1 on every switch to
		 * 32-bit mode (romlayout.S transition32) */
		{ 0x92, 0x02 },
		/* SeaBIOS's serial detection (serial.c detect_serial): IER's
		 * THRE enable set and cleared with THR empty, a pulse on IRQ 4
		 * that the 8259 latches behind its mask (IRR 0x10; the I/O
		 * APIC's masked pin ignores the edge) */
		{ 0x3f9, 0x02 }, { 0x3f9, 0x00 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(firmware_ports); i++)
		port_out(vm, firmware_ports[i].port, firmware_ports[i].val);
	/* The PIIX3's PIRQ A-D routed to IRQ 10, 10, 11, 11, the ELCR's level
	 * IRQs above (SeaBIOS's piix_isa_bridge_setup; measured: fwstate). */
	static const uint8_t pirq_route[4] = { 10, 10, 11, 11 };
	struct vpci_function *isa = vpci_find_function(&vm->board.pci, 0, 1, 0);
	if (isa) {
		spin_lock(&vm->board.pci.lock);
		__builtin_memcpy(isa->config + PC_PIIX3_PIRQ_ROUTE, pirq_route, sizeof(pirq_route));
		spin_unlock(&vm->board.pci.lock);
	}
	/* pci-testdev (testdev=on) as SeaBIOS leaves it (measured: testdev):
	 * BAR0 0xFEBFF000, BAR1 port 0xC000, command I/O, memory and SERR#. */
	struct vpci_function *td = vpci_find_function(&vm->board.pci, 0, PC_TESTDEV_PCI_DEV, 0);
	if (td && td->bar_ops == &vpci_testdev_bar_ops) {
		static const uint8_t bar0[4] = { PC_TESTDEV_BAR0 & 0xff, (PC_TESTDEV_BAR0 >> 8) & 0xff,
						 (PC_TESTDEV_BAR0 >> 16) & 0xff, PC_TESTDEV_BAR0 >> 24 };
		static const uint8_t bar1[4] = { (PC_TESTDEV_BAR1 & 0xff) | VPCI_BAR_IO, PC_TESTDEV_BAR1 >> 8, 0, 0 };
		spin_lock(&vm->board.pci.lock);
		__builtin_memcpy(td->config + PCI_BAR0 + 4 * VPCI_TESTDEV_MEM_BAR, bar0, 4);
		__builtin_memcpy(td->config + PCI_BAR0 + 4 * VPCI_TESTDEV_IO_BAR, bar1, 4);
		td->config[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
		td->config[PCI_COMMAND + 1] = PCI_COMMAND_SERR >> 8;
		spin_unlock(&vm->board.pci.lock);
	}
	/* After the ACPI tables: they live in the BIOS segment, which this
	 * makes read-only (the hypervisor's own writes go round the nested
	 * page table; a reset makes it RAM again, pc_board_reset). */
	legacy_firmware_state(vm);
}

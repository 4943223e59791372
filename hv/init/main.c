/* hv/init/main.c - The boot CPU's path from the Multiboot2 hand-off to "nothing
 * left to run". Each step depends on the ones before it:
 *   traps first (so any fault prints a dump), then the console (so the dump
 *   is seen), the boot information (command line, memory map), time, memory,
 *   ACPI; then the VMs (later issues), then the on_idle action. */
#define LOG_PREFIX "hv: "
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/gdt.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/traps.h"
#include "boot/efi64/efi64.h"
#include "boot/multiboot2.h"
#include "drivers/acpi_madt.h"
#include "drivers/i8259.h"
#include "drivers/lapic.h"
#include "drivers/cmos_clock.h"
#include "drivers/power.h"
#include "drivers/tsc.h"
#include "drivers/uart.h"
#include "guest-loader/loader.h"
#include "hv/init/cmdline.h"
#include "hv/console/console.h"
#include "hv/sched.h"
#include "hv/vdev/pc.h"
#include "hv/init/selftest.h"
#include "hv/init/version.h"
#include "hv/vm.h"
#include "lib/calendar.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/phys.h"

/* Largest info block we accept; GRUB's are a few KiB (bigger with a large EFI map). */
#define MB2_INFO_MAX (4 * MiB)

void hv_main(uint32_t magic, uint32_t mbi_pa);

static struct mb2_info boot_info;
static struct hv_options options;
/* GRUB came in through the EFI amd64 entry (boot/efi64/): copied from
 * .boot.data at the start, while the identity map still reaches it. */
static bool efi64_entry;

/* Command-line problems are kept until the console is where the user asked
 * for it and the clock runs, then printed. */
#define CMDLINE_MSGS_KEPT 8
static char cmdline_msgs[CMDLINE_MSGS_KEPT][CMDLINE_MSG_MAX];

static void cmdline_collect(void *ctx, const char *msg)
{
	int *n = ctx;

	if (*n < CMDLINE_MSGS_KEPT)
		hv_snprintf(cmdline_msgs[*n], CMDLINE_MSG_MAX, "%s", msg);
	(*n)++;
}

static void cmdline_report(int problems)
{
	for (int i = 0; i < problems && i < CMDLINE_MSGS_KEPT; i++)
		pr_warn("cmdline: %s", cmdline_msgs[i]);
	if (problems > CMDLINE_MSGS_KEPT)
		pr_warn("cmdline: %d more problems not shown", problems - CMDLINE_MSGS_KEPT);
}

static void cpu_brand(char out[49])
{
	uint32_t *w = (uint32_t *)out;

	memset(out, 0, 49);
	if (cpuid(0x80000000, 0).eax < 0x80000004)
		return;
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		struct cpuid_regs r = cpuid(0x80000002 + leaf, 0);
		w[leaf * 4 + 0] = r.eax;
		w[leaf * 4 + 1] = r.ebx;
		w[leaf * 4 + 2] = r.ecx;
		w[leaf * 4 + 3] = r.edx;
	}
}

static void parse_boot_info(uint32_t magic, uint32_t mbi_pa)
{
	char err[160];

	if (magic != MB2_BOOTLOADER_MAGIC)
		hv_panic("not started by a Multiboot2 boot loader (EAX=0x%x, expected 0x%x); boot hv.elf with GRUB's multiboot2 command",
			 magic, MB2_BOOTLOADER_MAGIC);
	if (mbi_pa == 0 || (mbi_pa & 7))
		hv_panic("Multiboot2 information address 0x%x is not 8-byte aligned", mbi_pa);
	size_t avail = MIN((uint64_t)MB2_INFO_MAX, 4 * GiB - mbi_pa);
	if (mb2_parse(phys_to_virt(mbi_pa), avail, &boot_info, err, sizeof(err)) != 0)
		hv_panic("malformed Multiboot2 information at 0x%x: %s", mbi_pa, err);
}

static void log_boot_info(uint32_t mbi_pa)
{
	char brand[49];

	cpu_brand(brand);
	pr_info("CPU: %s", brand[0] ? brand : "(no brand string)");
	pr_info("boot loader: %s; boot information at 0x%x, %u bytes, %u modules%s",
		boot_info.bootloader_name ? boot_info.bootloader_name : "(unnamed)", mbi_pa,
		boot_info.total_size, boot_info.module_count,
		boot_info.efi_mmap ? ", EFI memory map" : "");
	if (efi64_entry)
		pr_info("boot: EFI amd64 entry, boot services exited by the hypervisor (%u memory descriptors)",
			boot_info.efi_mmap_count);
	pr_info("command line: \"%s\"", boot_info.cmdline ? boot_info.cmdline : "");
	for (uint32_t i = 0; i < boot_info.module_count; i++)
		pr_info("module %u: 0x%x-0x%x \"%s\"", i, boot_info.modules[i].start,
			boot_info.modules[i].end, boot_info.modules[i].cmdline);
}

static __noreturn void idle(void)
{
	traps_report_nmis();
	pr_info("nothing left to run (on_idle=%s)", idle_action_name(options.on_idle));
	switch (options.on_idle) {
	case IDLE_POWEROFF:
		power_off();
	case IDLE_RESET:
		power_reset();
	case IDLE_HALT:
		break;
	}
	pr_info("halted; the shell still answers on the console");
	sched_serve_console();
}

/* SVM on the boot CPU and the shared intercept policy. False, with the
 * reason logged, when guests cannot run on this machine. */
static bool svm_setup(void)
{
	const char *why = svm_probe(&svm);

	if (why) {
		pr_err("cannot run guests: %s", why);
		svm.nasid = 0;   /* the APs then skip SVM too */
		return false;
	}
	svm_log_features(&svm);
	if (!svm_enable_this_cpu() || vm_global_init() != 0) {
		pr_err("cannot run guests: SVM setup failed");
		svm.nasid = 0;
		return false;
	}
	return true;
}

/* The MADT, for the CPU list; NULL (one CPU) when there is none or it is bad. */
static const struct madt_info *read_madt(void)
{
	static struct madt_info madt;
	const struct acpi_tables *t = acpi_host_tables();
	char err[160];
	hpa_t pa;

	const struct acpi_sdt_header *h = t ? acpi_table_find(t, "APIC", 0, &pa) : NULL;
	if (!h) {
		pr_warn("no ACPI MADT: only the boot CPU will run");
		return NULL;
	}
	if (madt_parse(h, h->length, &madt, err, sizeof(err)) != 0) {
		pr_err("the ACPI MADT is malformed (%s): only the boot CPU will run", err);
		return NULL;
	}
	pr_info("MADT: %u CPUs (%u disabled), %u I/O APICs, local APIC at 0x%llx", madt.cpu_count,
		madt.cpus_disabled, madt.ioapic_count, (unsigned long long)madt.lapic_address64);
	return &madt;
}

/* Builds the VMs, gives the console's input to focus=NAME if asked, and
 * runs them all. Returns when every VM has stopped. */
static void run_guests(bool svm_ok)
{
	char err[96];

	if (!svm_ok)
		return;
	vm_count = guests_load(&boot_info, vms, MAX_VMS);
	for (unsigned i = 0; i < vm_count; i++)
		console_vm_attach(&vms[i]);
	if (boot_info.module_count == 0)
		pr_info("no guest modules given");
	if (options.focus[0]) {
		struct vm *vm = vm_find(options.focus);
		if (!vm)
			pr_warn("cmdline: focus=%s: no VM has that name; the shell has the console", options.focus);
		else if (!console_set_focus(vm, err, sizeof(err)))
			pr_warn("cmdline: focus=%s: %s; the shell has the console", options.focus, err);
	}
	sched_run_guests();
	unsigned left = 0;
	for (unsigned i = 0; i < vm_count; i++)
		left += !vm_stopped(&vms[i]) || !vms[i].destroyed;
	if (left)
		pr_err("%u VMs left the run queues without stopping cleanly: their memory is not given back", left);
	if (vm_count)
		pr_info("every VM has stopped: %llu free page frames (%llu before the first VM was built)",
			(unsigned long long)host_pmm.free_frames, (unsigned long long)guests_free_frames_before);
}

extern uint64_t mb2_saved_tsc;

/* The console's periodic work, run by the boot CPU's scheduler. */
static const struct sched_console_hooks console_hooks = {
	.start = console_shell_start,
	.poll = console_poll,
	.input_pending = console_input_pending,
	.polling = console_polling,
	.vm_stopping = console_vm_flush,
	.vm_stopped = console_vm_stopped,
};

void hv_main(uint32_t magic, uint32_t mbi_pa)
{
	efi64_entry = efi64_entry_taken;
	tsc_mark_boot(efi64_entry ? efi64_entry_tsc : mb2_saved_tsc);
	gdt_init_boot_cpu();
	idt_init();
	i8259_mask_all();
	percpu_init_boot_cpu(lapic_id());   /* console_write needs this_cpu() */
	uart_init(COM1_PORT);
	log_set_sink(console_write);

	parse_boot_info(magic, mbi_pa);
	cmdline_defaults(&options);
	int problems = 0;
	cmdline_parse(boot_info.cmdline, &options, cmdline_collect, &problems);
	if (options.console_port != COM1_PORT && !uart_init(options.console_port)) {
		uart_init(COM1_PORT);
		pr_warn("cmdline: no UART answers at console=0x%x; staying on COM1", options.console_port);
	}
	log_set_level(options.loglevel);
	panic_set_action(options.on_panic);
	vm_exit_stats_enabled = options.exit_stats;
	lapic_want_x2apic(options.x2apic);
	bool tsc_calibrated = tsc_calibrate() != 0;
	log_set_clock(tsc_ns_since_boot);

	pr_info("%s %s starting", HV_NAME, HV_VERSION);
	cmdline_report(problems);
	if (!tsc_calibrated)
		pr_warn("the PIT did not count: TSC frequency unknown, timestamps assume 1 GHz");
	log_boot_info(mbi_pa);
	pr_info("TSC %llu.%03llu MHz; console on port 0x%x; on_idle=%s on_panic=%s",
		(unsigned long long)(tsc_khz() / 1000), (unsigned long long)(tsc_khz() % 1000),
		uart_port(), idle_action_name(options.on_idle), panic_action_name(options.on_panic));

	uint64_t wall;
	if (cmos_clock_read(&wall)) {
		pc_set_host_time(wall, rdtsc());
		struct cal_date d = cal_date_from_days((int64_t)(wall / 86400));
		pr_info("host clock %04lld-%02u-%02u %02llu:%02llu:%02llu UTC: the guests' RTCs start from it",
			(long long)d.year, d.month, d.day, (unsigned long long)(wall % 86400 / 3600),
			(unsigned long long)(wall % 3600 / 60), (unsigned long long)(wall % 60));
	} else {
		pr_warn("the host's CMOS clock gives no valid date: the guests' RTCs start at 1970-01-01");
	}

	mm_init(&boot_info, mbi_pa);
	power_init(boot_info.rsdp, boot_info.rsdp_len);

	selftest_run(options.selftest);
	fpu_init();
	bool svm_ok = svm_setup();
	const struct madt_info *madt = read_madt();
	smp_boot(madt);
	console_start_input(madt);
	if (options.x2apic && !lapic_x2apic_mode())
		pr_warn("x2apic=on: this CPU has no x2APIC (CPUID 1 ECX[21]); the local APICs stay in xAPIC mode");
	pr_info("boot complete in %llu ms", (unsigned long long)(tsc_ns_since_boot() / 1000000));
	sched_set_console_hooks(&console_hooks);
	run_guests(svm_ok);
	idle();
}

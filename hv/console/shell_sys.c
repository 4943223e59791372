/* hv/console/shell_sys.c - Shell commands about the machine: help, version, cpus,
 * vms, host memory, loglevel, reboot, poweroff. */
#include "arch/x86/percpu.h"
#include "arch/x86/svm/svm.h"
#include "drivers/power.h"
#include "drivers/tsc.h"
#include "hv/console/console.h"
#include "hv/sched.h"
#include "hv/console/shell_cmd.h"
#include "hv/init/version.h"
#include "hv/vmctl.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/pmm.h"

void cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned i = 0; i < shell_cmd_count; i++) {
		char head[40];
		hv_snprintf(head, sizeof(head), "%s %s", shell_cmds[i].name, shell_cmds[i].usage);
		sh_print("  %-34s %s\n", head, shell_cmds[i].help);
	}
	sh_print("  %-34s %s\n", "Ctrl-A s|1-9|n|a|?", "console focus: the shell, VM N, the next, a literal Ctrl-A, these keys");
}

void cmd_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_print("%s %s\n", HV_NAME, HV_VERSION);
	sh_print("up %llu ms; TSC %llu kHz; %u CPUs; SVM: %u ASIDs%s%s%s%s\n",
		 (unsigned long long)(tsc_ns_since_boot() / 1000000), (unsigned long long)tsc_khz(), cpu_count,
		 svm.nasid, (svm.features & SVM_FEAT_NP) ? ", nested paging" : "",
		 (svm.features & SVM_FEAT_NRIPS) ? ", next-RIP save" : "",
		 (svm.features & SVM_FEAT_FLUSH_BY_ASID) ? ", flush by ASID" : "",
		 (svm.features & SVM_FEAT_DECODE_ASSIST) ? ", decode assists" : "");
}

/* Idle share since the previous `cpus`, per CPU. */
static uint64_t last_idle[MAX_CPUS], last_tsc[MAX_CPUS];

static unsigned permille(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned)((part > whole ? whole : part) * 1000 / whole) : 0;
}

/* Idle time so far: finished halts plus the one in progress. Read twice
 * around the total so a halt that ends meanwhile is not counted twice. */
static uint64_t idle_so_far(const struct percpu *pc, uint64_t now)
{
	for (;;) {
		uint64_t since = pc->idle_since, idle = pc->idle_tsc;
		if (since == pc->idle_since)
			return idle + (since && since < now ? now - since : 0);
	}
}

void cmd_cpus(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t now = rdtsc();

	sh_print("cpu  apic  state    vm               idle%%(boot)  idle%%(last)  asid-rollovers  placed\n");
	for (uint32_t c = 0; c < cpu_count; c++) {
		struct percpu *pc = cpus[c];
		if (!pc)
			continue;
		char placed[80] = "-";
		size_t used = 0;
		for (unsigned i = 0; i < vm_count && used < sizeof(placed); i++) {
			/* A VM once, with how many of its vCPUs are here if not all. */
			unsigned here = 0;
			for (unsigned k = 0; k < vms[i].vcpu_count; k++)
				here += vms[i].vcpus[k]->cpu == c;
			if (!here)
				continue;
			if (here == vms[i].vcpu_count)
				used += (size_t)hv_snprintf(placed + used, sizeof(placed) - used, "%s%s", used ? "," : "",
							    vms[i].cfg.name);
			else
				used += (size_t)hv_snprintf(placed + used, sizeof(placed) - used, "%s%s(%u)",
							    used ? "," : "", vms[i].cfg.name, here);
		}
		/* The VM in guest mode now, else the one that ran last (cpu0
		 * runs the shell between its vCPUs' slices). */
		struct vcpu *v = pc->current_vcpu ? pc->current_vcpu : pc->last_vcpu;
		struct vm *vm = v ? v->vm : NULL;
		if (vm && vm_stopped(vm))
			vm = NULL;
		uint64_t idle = idle_so_far(pc, now);
		unsigned boot = permille(idle, now - pc->online_tsc);
		unsigned last = last_tsc[c] && idle >= last_idle[c] ? permille(idle - last_idle[c], now - last_tsc[c])
								     : boot;
		last_idle[c] = idle;
		last_tsc[c] = now;
		/* ASID generation roll-overs on this CPU: each one, when its vCPUs
		 * have used every ASID, flushes its TLB (hv/asid.h). */
		const struct asid_cpu *as = sched_asid_space(c);
		sh_print("%-4u %-5u %-8s %-16s %9u.%u %11u.%u  %14llu  %s\n", c, pc->apic_id,
			 pc->online ? "online" : "offline", vm ? vm->cfg.name : "-", boot / 10, boot % 10, last / 10,
			 last % 10, (unsigned long long)as->rollovers, placed);
	}
}

void cmd_vms(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t now = rdtsc();

	if (vm_count == 0) {
		sh_print("no VMs\n");
		return;
	}
	sh_print("#   name             state     cpu  vcpus   memory  uptime(ms)      exits  resets  why stopped\n");
	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		uint64_t up = 0;
		if (vm->start_tsc)
			up = sh_tsc_ms((vm->stop_tsc ? vm->stop_tsc : now) - vm->start_tsc);
		uint64_t exits = 0;
		for (unsigned k = 0; k < vm->vcpu_count; k++)
			exits += vm->vcpus[k]->stats_before.total + vm->vcpus[k]->stats.total;
		bool stopped = vm_stopped(vm);
		/* cpu: vCPU 0's host CPU (`vcpu NAME` lists them all). */
		sh_print("%-3u %-16s %-9s %-4u %5u %4llu MiB  %10llu %10llu  %6u  %.48s\n", i + 1, vm->cfg.name,
			 vm_state_name(vm), vm->vcpu_count ? vm->vcpus[0]->cpu : 0, vm->vcpu_count,
			 (unsigned long long)(vm->cfg.mem_size / MiB),
			 (unsigned long long)up, (unsigned long long)exits, vm->reset_count,
			 stopped ? vm->reason : "-");
	}
}

void cmd_host_mem(void)
{
	uint64_t total = host_pmm.usable_frames, free = host_pmm.free_frames;
	uint64_t guests = 0;

	for (unsigned i = 0; i < vm_count; i++)
		if (!vms[i].destroyed)
			guests += vms[i].cfg.mem_size / PAGE_SIZE;
	sh_print("host memory: %llu KiB usable, %llu KiB free, %llu KiB in use (%llu KiB guest RAM, %llu KiB hypervisor)\n",
		 (unsigned long long)(total * 4), (unsigned long long)(free * 4),
		 (unsigned long long)((total - free) * 4), (unsigned long long)(guests * 4),
		 (unsigned long long)((total - free - (guests < total - free ? guests : total - free)) * 4));
	sh_print("page frames: %llu usable, %llu free, %llu used\n", (unsigned long long)total,
		 (unsigned long long)free, (unsigned long long)(total - free));
}

void cmd_loglevel(int argc, char **argv)
{
	enum log_level level;

	if (argc == 1) {
		sh_print("loglevel %s\n", log_level_name(log_get_level()));
		return;
	}
	if (!log_level_parse(argv[1], &level)) {
		sh_error("bad log level '%s' (error, warn, info, debug or 0-3)", argv[1]);
		return;
	}
	log_set_level(level);
	sh_print("loglevel %s\n", log_level_name(level));
}

void cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_print("rebooting\n");
	power_reset();
}

void cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_print("powering off\n");
	power_off();
}

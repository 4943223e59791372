/* guest-loader/loader.c - Builds VMs from the boot modules (grammar in
 * guest-loader/vmconfig.h). The module stays where GRUB put it (reserved as
 * boot information by mm/), so a restarting VM can be loaded again from it. */
#define LOG_PREFIX "guest: "
#include "arch/x86/fpu.h"
#include "arch/x86/percpu.h"
#include "guest-loader/flat.h"
#include "guest-loader/loader.h"
#include "guest-loader/vmconfig.h"
#include "hv/sched.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/phys.h"
#include "mm/mm.h"

static bool name_taken(const struct vm *table, unsigned n, const char *name, unsigned *by)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(table[i].cfg.name, name) == 0) {
			*by = table[i].module;
			return true;
		}
	}
	return false;
}

uint64_t guests_free_frames_before;

/* Pass 1 for one module: its config, checked against this machine, and its
 * record reserved (vCPUs, VMCBs, output ring), its vCPUs placed. */
static bool reserve_one(const struct mb2_info *info, uint32_t i, struct vm *table, unsigned n)
{
	const struct mb2_module *m = &info->modules[i];
	uint64_t size = m->end - m->start;
	struct vm_config cfg;
	unsigned by, svm_cpus = 0;
	char err[160];

	for (uint32_t c = 0; c < cpu_count; c++)
		svm_cpus += cpus[c] && cpus[c]->svm_enabled;
	if (vmconfig_parse(m->cmdline, size, &cfg, err, sizeof(err)) != 0) {
		pr_err("module %u \"%s\": %s; VM not started", i, m->cmdline, err);
		return false;
	}
	if (name_taken(table, n, cfg.name, &by)) {
		pr_err("module %u \"%s\": vm=%s is already the name of module %u; VM not started", i, m->cmdline,
		       cfg.name, by);
		return false;
	}
	if (cfg.mode == VM_MODE_LONG && cfg.entry >= 4 * GiB) {
		pr_err("module %u \"%s\": entry=0x%llx is above the 4 GiB the initial long-mode map covers; VM not started",
		       i, m->cmdline, (unsigned long long)cfg.entry);
		return false;
	}
	if (cfg.vcpus > svm_cpus) {
		pr_err("module %u \"%s\": cpus=%u is more than the %u CPUs with SVM; VM not started", i, m->cmdline,
		       cfg.vcpus, svm_cpus);
		return false;
	}
	for (unsigned k = 0; k < cfg.vcpus; k++) {
		int c = cfg.cpu[k];
		if (c >= 0 && ((uint32_t)c >= cpu_count || !cpus[c] || !cpus[c]->svm_enabled)) {
			pr_err("module %u \"%s\": cpu=%d is not an online CPU with SVM (%u online); VM not started", i,
			       m->cmdline, c, cpu_count);
			return false;
		}
	}
	if (!phys_map_range(m->start, size)) {
		pr_err("module %u \"%s\": its memory is not mapped; VM not started", i, m->cmdline);
		return false;
	}
	struct vm *vm = &table[n];
	if (vm_reserve(vm, &cfg, err, sizeof(err)) != 0) {
		pr_err("module %u \"%s\": vm %s: %s; VM not started", i, m->cmdline, cfg.name, err);
		return false;
	}
	vm->index = n;
	vm->module = i;
	for (unsigned k = 0; k < cfg.vcpus; k++)
		vm->vcpus[k]->cpu = sched_place(table, n, vm, k, cfg.cpu[k]);
	/* A host CPU's run queue holds SCHED_MAX_VCPUS_PER_CPU vCPUs. */
	for (unsigned k = 0; k < cfg.vcpus; k++) {
		uint32_t c = vm->vcpus[k]->cpu;
		unsigned load = 0;
		for (unsigned t = 0; t < n; t++)
			for (unsigned j = 0; j < table[t].vcpu_count; j++)
				load += table[t].vcpus[j]->cpu == c;
		for (unsigned j = 0; j < cfg.vcpus; j++)
			load += vm->vcpus[j]->cpu == c;
		if (load > SCHED_MAX_VCPUS_PER_CPU) {
			pr_err("module %u \"%s\": cpu%u would run more than %u vCPUs; VM not started", i, m->cmdline, c,
			       SCHED_MAX_VCPUS_PER_CPU);
			vm_release(vm);
			return false;
		}
	}
	return true;
}

/* Pass 2 for one VM: its machine (RAM, nested page table, devices) and
 * its boot. A VM that cannot be built stays in the table, stopped, with
 * the reason. */
static void build_one(const struct mb2_info *info, struct vm *vm)
{
	const struct mb2_module *m = &info->modules[vm->module];
	uint64_t size = m->end - m->start;
	const struct vm_config *cfg = &vm->cfg;
	char err[160];

	if (vm_build(vm, &flat_boot_ops, phys_map_range(m->start, size), size, err, sizeof(err)) != 0) {
		pr_err("module %u \"%s\": vm %s: %s; VM not started", vm->module, m->cmdline, cfg->name, err);
		hv_snprintf(vm->reason, sizeof(vm->reason), "not started: %s", err);
		vm->destroyed = true;
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
		return;
	}
	uint64_t npt_bytes = vm->npt.pages_used * PAGE_SIZE;
	/* Each vCPU: its record, its VMCB and its XSAVE area (none without XSAVE). */
	uint64_t vcpu_bytes = vm->vcpu_count * (PAGE_SIZE + ALIGN_UP(sizeof(struct vcpu), PAGE_SIZE) +
						ALIGN_UP(fpu_xsave_size(), PAGE_SIZE));
	/* The output ring and the final-state page stay after it stops. */
	uint64_t kept = (vm->con.ring ? VCONSOLE_RING_SIZE : 0) + (vm->final_vmcb ? PAGE_SIZE : 0);
	pr_info("vm %s: overhead beyond guest RAM: %llu bytes (vCPUs with their VMCBs and XSAVE areas %llu, nested page tables %llu, "
		"VM state %zu, output history and final state %llu)",
		cfg->name, (unsigned long long)(vcpu_bytes + npt_bytes + sizeof(struct vm) + kept),
		(unsigned long long)vcpu_bytes, (unsigned long long)npt_bytes, sizeof(struct vm),
		(unsigned long long)kept);
	char where[64] = "";
	size_t used = 0;
	for (unsigned k = 0; k < vm->vcpu_count && used < sizeof(where); k++)
		used += (size_t)hv_snprintf(where + used, sizeof(where) - used, "%s%u", k ? "," : "", vm->vcpus[k]->cpu);
	pr_info("vm %s: %s mode, %llu MiB RAM, %llu-byte image at 0x%llx, entry 0x%llx, %u vCPU%s, cpu%s%s", cfg->name,
		vm_mode_name(cfg->mode), (unsigned long long)(cfg->mem_size / MiB), (unsigned long long)size,
		(unsigned long long)cfg->load_addr, (unsigned long long)cfg->entry, vm->vcpu_count,
		vm->vcpu_count == 1 ? "" : "s", where, cfg->cpu[0] >= 0 ? " (pinned)" : "");
}

unsigned guests_load(const struct mb2_info *info, struct vm *table, unsigned max)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < info->module_count; i++) {
		if (n == max) {
			pr_err("module %u \"%s\": more than %u VMs; VM not started", i, info->modules[i].cmdline, max);
			continue;
		}
		n += reserve_one(info, i, table, n);
	}
	/* What a VM takes beyond its record is given back when it stops: once
	 * every VM has, the count is this again (hv/init/main.c checks). */
	guests_free_frames_before = host_pmm.free_frames;
	if (n)
		pr_info("%llu free page frames before the first VM is built", (unsigned long long)guests_free_frames_before);
	for (unsigned k = 0; k < n; k++)
		build_one(info, &table[k]);
	return n;
}

/* guest-loader/loader.c - Builds VMs from the boot modules (grammar in
 * guest-loader/vmconfig.h). The module stays where GRUB put it (reserved as
 * boot information by mm/), so a restarting VM can be loaded again from it. */
#define LOG_PREFIX "guest: "
#include "arch/x86/percpu.h"
#include "guest-loader/loader.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/phys.h"

static bool name_taken(const struct vm *vms, unsigned n, const char *name, unsigned *by)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(vms[i].cfg.name, name) == 0) {
			*by = vms[i].index;
			return true;
		}
	}
	return false;
}

/* Where a VM without cpu= goes: the online CPU with SVM that has the fewest
 * VMs so far (the lowest-numbered on a tie), so unpinned VMs spread over
 * the cores and only share one when there are more VMs than cores. */
static uint32_t place(const struct vm *vms, unsigned n)
{
	uint32_t best = 0, best_load = UINT32_MAX;

	for (uint32_t c = 0; c < cpu_count; c++) {
		if (!cpus[c] || !cpus[c]->svm_enabled)
			continue;
		uint32_t load = 0;
		for (unsigned i = 0; i < n; i++)
			load += vms[i].cpu == c;
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

unsigned guests_load(const struct mb2_info *info, struct vm *vms, unsigned max)
{
	unsigned n = 0;
	char err[160];

	for (uint32_t i = 0; i < info->module_count; i++) {
		const struct mb2_module *m = &info->modules[i];
		uint64_t size = m->end - m->start;
		struct vm_config cfg;
		unsigned by;

		if (vmconfig_parse(m->cmdline, size, &cfg, err, sizeof(err)) != 0) {
			pr_err("module %u \"%s\": %s; VM not started", i, m->cmdline, err);
			continue;
		}
		if (name_taken(vms, n, cfg.name, &by)) {
			pr_err("module %u \"%s\": vm=%s is already the name of module %u; VM not started", i,
			       m->cmdline, cfg.name, by);
			continue;
		}
		if (cfg.mode == VM_MODE_LONG && cfg.entry >= 4 * GiB) {
			pr_err("module %u \"%s\": entry=0x%llx is above the 4 GiB the initial long-mode map covers; VM not started",
			       i, m->cmdline, (unsigned long long)cfg.entry);
			continue;
		}
		if (cfg.cpu >= 0 && ((uint32_t)cfg.cpu >= cpu_count || !cpus[cfg.cpu] || !cpus[cfg.cpu]->svm_enabled)) {
			pr_err("module %u \"%s\": cpu=%d is not an online CPU with SVM (%u online); VM not started", i,
			       m->cmdline, cfg.cpu, cpu_count);
			continue;
		}
		if (n == max) {
			pr_err("module %u \"%s\": more than %u VMs; VM not started", i, m->cmdline, max);
			continue;
		}
		const uint8_t *image = phys_map_range(m->start, size);
		if (!image) {
			pr_err("module %u \"%s\": its memory is not mapped; VM not started", i, m->cmdline);
			continue;
		}
		if (vm_create(&vms[n], &cfg, image, size, err, sizeof(err)) != 0) {
			pr_err("module %u \"%s\": %s; VM not started", i, m->cmdline, err);
			continue;
		}
		vms[n].index = i;
		vms[n].cpu = cfg.cpu >= 0 ? (uint32_t)cfg.cpu : place(vms, n);
		uint64_t npt_bytes = vms[n].npt.pages_used * PAGE_SIZE;
		/* The output ring and the final-state page stay after it stops. */
		uint64_t kept = (vms[n].con.ring ? VCONSOLE_RING_SIZE : 0) + (vms[n].final_vmcb ? PAGE_SIZE : 0);
		pr_info("vm %s: overhead beyond guest RAM: %llu bytes (VMCB %llu, nested page tables %llu, VM state %zu, "
			"output history and final state %llu)",
			cfg.name, (unsigned long long)(PAGE_SIZE + npt_bytes + sizeof(struct vm) + kept),
			(unsigned long long)PAGE_SIZE, (unsigned long long)npt_bytes, sizeof(struct vm),
			(unsigned long long)kept);
		pr_info("vm %s: %s mode, %llu MiB RAM, %llu-byte image at 0x%llx, entry 0x%llx, ASID %u, cpu%u%s", cfg.name,
			vm_mode_name(cfg.mode), (unsigned long long)(cfg.mem_size / MiB), (unsigned long long)size,
			(unsigned long long)cfg.load_addr, (unsigned long long)cfg.entry, vms[n].asid, vms[n].cpu,
			cfg.cpu >= 0 ? " (pinned)" : "");
		n++;
	}
	return n;
}

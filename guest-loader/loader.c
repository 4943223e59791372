/* guest-loader/loader.c - Builds VMs from the boot modules (grammar in
 * guest-loader/vmconfig.h). The module stays where GRUB put it (reserved as
 * boot information by mm/), so a restarting VM can be loaded again from it. */
#define LOG_PREFIX "guest: "
#include "arch/x86/percpu.h"
#include "guest-loader/loader.h"
#include "guest-loader/vmconfig.h"
#include "hv/sched.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/phys.h"

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

unsigned guests_load(const struct mb2_info *info, struct vm *table, unsigned max)
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
		if (name_taken(table, n, cfg.name, &by)) {
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
		if (vm_create(&table[n], &cfg, image, size, err, sizeof(err)) != 0) {
			pr_err("module %u \"%s\": %s; VM not started", i, m->cmdline, err);
			continue;
		}
		table[n].index = n;
		table[n].module = i;
		table[n].cpu = sched_place(table, n, cfg.cpu);
		uint64_t npt_bytes = table[n].npt.pages_used * PAGE_SIZE;
		/* The output ring and the final-state page stay after it stops. */
		uint64_t kept = (table[n].con.ring ? VCONSOLE_RING_SIZE : 0) + (table[n].final_vmcb ? PAGE_SIZE : 0);
		pr_info("vm %s: overhead beyond guest RAM: %llu bytes (VMCB %llu, nested page tables %llu, VM state %zu, "
			"output history and final state %llu)",
			cfg.name, (unsigned long long)(PAGE_SIZE + npt_bytes + sizeof(struct vm) + kept),
			(unsigned long long)PAGE_SIZE, (unsigned long long)npt_bytes, sizeof(struct vm),
			(unsigned long long)kept);
		pr_info("vm %s: %s mode, %llu MiB RAM, %llu-byte image at 0x%llx, entry 0x%llx, ASID %u, cpu%u%s", cfg.name,
			vm_mode_name(cfg.mode), (unsigned long long)(cfg.mem_size / MiB), (unsigned long long)size,
			(unsigned long long)cfg.load_addr, (unsigned long long)cfg.entry, table[n].asid, table[n].cpu,
			cfg.cpu >= 0 ? " (pinned)" : "");
		n++;
	}
	return n;
}

/* guest-loader/loader.c - Builds VMs from the boot modules (grammar in
 * guest-loader/vmconfig.h). The module stays where GRUB put it (reserved as
 * boot information by mm/), so a restarting VM can be loaded again from it.
 * A type=module line attaches its file to the VM an earlier line created;
 * a line that cannot be honoured is reported with its module number and
 * command line, and only the VM it concerns stays down. */
#define LOG_PREFIX "guest: "
#include "arch/x86/fpu.h"
#include "arch/x86/percpu.h"
#include "guest-loader/flat.h"
#include "guest-loader/loader.h"
#include "guest-loader/multiboot.h"
#include "guest-loader/vmconfig.h"
#include "hv/sched.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/phys.h"
#include "mm/mm.h"

static struct vm *find_vm(struct vm *table, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(table[i].cfg.name, name) == 0)
			return &table[i];
	return NULL;
}

static const struct vm_boot_ops *boot_ops_for(enum vm_type t)
{
	return t == VM_TYPE_MULTIBOOT ? &multiboot_boot_ops : &flat_boot_ops;
}

/* A VM reserved in pass 1 that must not be built: it stays in the table,
 * stopped, with the reason (as one whose RAM cannot be had). */
static void refuse_vm(struct vm *vm, const char *why)
{
	hv_snprintf(vm->reason, sizeof(vm->reason), "not started: %s", why);
	vm->destroyed = true;
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
}

/* What the image is checked for before its VM is reserved: a flat image
 * that is plainly a kernel is refused with a hint; a Multiboot kernel
 * must load into its RAM (its entry goes into cfg). */
static bool check_image(const struct mb2_module *m, uint32_t i, struct vm_config *cfg)
{
	const uint8_t *image = phys_map_range(m->start, m->end - m->start);
	uint64_t size = m->end - m->start;
	char err[160];

	if (!image) {
		pr_err("module %u \"%s\": its memory is not mapped; VM not started", i, m->cmdline);
		return false;
	}
	if (cfg->type == VM_TYPE_FLAT) {
		const char *hint = vmconfig_flat_image_hint(image, size);
		if (hint)
			pr_err("module %u \"%s\": type=flat, but %s; VM not started", i, m->cmdline, hint);
		return !hint;
	}
	struct mb_kernel k;
	if (multiboot_check(cfg, image, size, NULL, 0, &k, err, sizeof(err)) != 0) {
		pr_err("module %u \"%s\": %s; VM not started", i, m->cmdline, err);
		return false;
	}
	cfg->entry = k.entry;
	cfg->load_addr = k.load_low;
	return true;
}

/* A type=module line: its file becomes the next module of the VM it
 * names, which an earlier line created and which must still load with it. */
static void attach_one(const struct mb2_info *info, uint32_t i, const struct vm_config *line, struct vm *table,
		       unsigned n)
{
	const struct mb2_module *m = &info->modules[i];
	struct vm *vm = find_vm(table, n, line->name);
	char err[160];

	if (!vm) {
		pr_err("module %u \"%s\": no VM named %s was created by an earlier line (a type=module line follows its type=multiboot line); module not loaded",
		       i, m->cmdline, line->name);
		return;
	}
	if (vm_stopped(vm))
		return;   /* refused already, and said why */
	if (vm->cfg.type != VM_TYPE_MULTIBOOT) {
		pr_err("module %u \"%s\": vm %s is type=flat, which takes no modules (only type=multiboot does); VM not started",
		       i, m->cmdline, vm->cfg.name);
		refuse_vm(vm, "a type=module line for a type=flat VM");
		return;
	}
	if (vm->attached_count == VM_MAX_ATTACHED) {
		pr_err("module %u \"%s\": vm %s has %u modules already, the most it takes; VM not started", i,
		       m->cmdline, vm->cfg.name, VM_MAX_ATTACHED);
		refuse_vm(vm, "too many modules");
		return;
	}
	const uint8_t *data = phys_map_range(m->start, m->end - m->start);
	if (!data) {
		pr_err("module %u \"%s\": its memory is not mapped; VM not started", i, m->cmdline);
		refuse_vm(vm, "a module's memory is not mapped");
		return;
	}
	vm->attached[vm->attached_count++] =
		(struct vm_attached){ .data = data, .size = m->end - m->start, .args = line->args, .module = i };
	struct mb_kernel k;
	if (multiboot_check(&vm->cfg, vm->image, vm->image_size, vm->attached, vm->attached_count, &k, err,
			    sizeof(err)) != 0) {
		pr_err("module %u \"%s\": vm %s: %s; VM not started", i, m->cmdline, vm->cfg.name, err);
		refuse_vm(vm, err);
	}
}

uint64_t guests_free_frames_before;

/* Pass 1 for one module: its config, checked against this machine, and its
 * record reserved (vCPUs, VMCBs, output ring), its vCPUs placed. */
static bool reserve_one(const struct mb2_info *info, uint32_t i, struct vm *table, unsigned n)
{
	const struct mb2_module *m = &info->modules[i];
	uint64_t size = m->end - m->start;
	struct vmconfig_line line;
	unsigned svm_cpus = 0;
	char err[160];

	for (uint32_t c = 0; c < cpu_count; c++)
		svm_cpus += cpus[c] && cpus[c]->svm_enabled;
	if (vmconfig_parse_line(m->cmdline, size, &line, err, sizeof(err)) != 0) {
		char joins[VM_NAME_MAX];
		struct vm *vm = vmconfig_module_line_vm(m->cmdline, joins) ? find_vm(table, n, joins) : NULL;
		if (vm && !vm_stopped(vm)) {
			/* It would run without the file it was given. */
			pr_err("module %u \"%s\": %s; vm %s not started", i, m->cmdline, err, joins);
			refuse_vm(vm, "a type=module line is wrong");
		} else {
			pr_err("module %u \"%s\": %s; %s", i, m->cmdline, err,
			       vmconfig_module_line_vm(m->cmdline, joins) ? "module not loaded" : "VM not started");
		}
		return false;
	}
	if (line.kind == VMCONFIG_ATTACHES) {
		attach_one(info, i, &line.cfg, table, n);
		return false;
	}
	struct vm_config cfg = line.cfg;
	const struct vm *other = find_vm(table, n, cfg.name);
	if (other && other->cfg.type == VM_TYPE_MULTIBOOT && cfg.type == VM_TYPE_MULTIBOOT) {
		pr_err("module %u \"%s\": vm %s has its kernel already (module %u): a VM has one kernel, its other files are type=module lines; VM not started",
		       i, m->cmdline, cfg.name, other->module);
		return false;
	}
	if (other) {
		pr_err("module %u \"%s\": vm=%s is already the name of module %u; VM not started", i, m->cmdline,
		       cfg.name, other->module);
		return false;
	}
	if (!check_image(m, i, &cfg))
		return false;
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
	/* Its modules are checked against it as their lines come. */
	vm->image = phys_map_range(m->start, size);
	vm->image_size = size;
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

	if (vm_stopped(vm))
		return;   /* refused while its lines were read */
	if (vm_build(vm, boot_ops_for(cfg->type), phys_map_range(m->start, size), size, err, sizeof(err)) != 0) {
		pr_err("module %u \"%s\": vm %s: %s; VM not started", vm->module, m->cmdline, cfg->name, err);
		refuse_vm(vm, err);
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
	if (cfg->type == VM_TYPE_MULTIBOOT)
		pr_info("vm %s: Multiboot kernel (%llu-byte file) at 0x%llx, entry 0x%llx, %u module%s, %llu MiB RAM, %u vCPU%s, cpu%s%s",
			cfg->name, (unsigned long long)size, (unsigned long long)cfg->load_addr,
			(unsigned long long)cfg->entry, vm->attached_count, vm->attached_count == 1 ? "" : "s",
			(unsigned long long)(cfg->mem_size / MiB), vm->vcpu_count, vm->vcpu_count == 1 ? "" : "s",
			where, cfg->cpu[0] >= 0 ? " (pinned)" : "");
	else
		pr_info("vm %s: %s mode, %llu MiB RAM, %llu-byte image at 0x%llx, entry 0x%llx, %u vCPU%s, cpu%s%s",
			cfg->name, vm_mode_name(cfg->mode), (unsigned long long)(cfg->mem_size / MiB),
			(unsigned long long)size, (unsigned long long)cfg->load_addr, (unsigned long long)cfg->entry,
			vm->vcpu_count, vm->vcpu_count == 1 ? "" : "s", where, cfg->cpu[0] >= 0 ? " (pinned)" : "");
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

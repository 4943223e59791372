/* guest-loader/multiboot.c - The multiboot guest type's boot operation
 * (what it loads and the entry state: multiboot.h; the layout rules:
 * mb_kernel.h, mb_info.h; the firmware's bytes: pc_firmware.h). */
#include "arch/x86/regs.h"
#include "guest-loader/cpu_state.h"
#include "guest-loader/mb_info.h"
#include "guest-loader/multiboot.h"
#include "guest-loader/pc_firmware.h"
#include "guest-loader/pc_memmap.h"
#include "hv/gmem.h"
#include "hv/vdev/pc_layout.h"
#include "lib/printf.h"
#include "lib/string.h"

_Static_assert(VM_MAX_ATTACHED <= MB_MAX_MODULES, "every attached file can be a Multiboot module");

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10

/* The kernel, its modules and the map, planned for this VM. */
struct mb_load {
	struct mb_kernel kernel;
	struct e820_entry map[PC_MEMMAP_MAX];
	unsigned map_n;
	struct mb_plan plan;
};

static int plan(const struct vm_config *cfg, const uint8_t *image, uint64_t size, const struct vm_attached *mods,
		unsigned n, struct mb_load *l, char *err, size_t errlen)
{
	struct mb_module_in in[VM_MAX_ATTACHED];

	if (n > VM_MAX_ATTACHED)
		return mb_error(err, errlen, "more than %d modules", VM_MAX_ATTACHED);
	if (mb_kernel_parse(image, size, &l->kernel, err, errlen) != 0)
		return -1;
	l->map_n = pc_memmap_build(cfg->mem_size, l->map, PC_MEMMAP_MAX);
	for (unsigned i = 0; i < n; i++)
		in[i] = (struct mb_module_in){ mods[i].size, mods[i].args };
	return mb_plan_layout(&l->kernel, cfg->name, cfg->args, in, n, MULTIBOOT_LOADER_NAME, l->map, l->map_n,
			      &l->plan, err, errlen);
}

int multiboot_check(const struct vm_config *cfg, const uint8_t *image, uint64_t size, const struct vm_attached *mods,
		    unsigned n, struct mb_kernel *k, char *err, size_t errlen)
{
	struct mb_load l;

	if (plan(cfg, image, size, mods, n, &l, err, errlen) != 0)
		return -1;
	*k = l.kernel;
	return 0;
}

/* Writes the strings back to back: s1, then " " and s2 when with_space,
 * then the NUL. */
static bool write_string(struct vm *vm, gpa_t at, const char *s1, bool with_space, const char *s2)
{
	size_t n1 = strlen(s1), n2 = strlen(s2);
	bool ok = vm_write_gpa(vm, at, s1, n1);

	if (with_space)
		ok &= vm_write_gpa(vm, at + n1, " ", 1) && vm_write_gpa(vm, at + n1 + 1, s2, n2);
	return ok && vm_write_gpa(vm, at + n1 + (with_space ? 1 + n2 : 0), "", 1);
}

/* The BDA, the EBDA's size byte, the option ROM's GDT. */
static bool write_firmware_memory(struct vm *vm)
{
	uint8_t bda[PC_BDA_BYTES], ebda_kib = PC_EBDA_SIZE_KIB;

	pc_bda_build(bda);
	return vm_write_gpa(vm, PC_BDA_BASE, bda, sizeof(bda)) && vm_write_gpa(vm, PC_EBDA_BASE, &ebda_kib, 1) &&
	       vm_write_gpa(vm, MB_ROM_GDT_GPA, mb_rom_gdt, sizeof(mb_rom_gdt));
}

static bool write_info(struct vm *vm, const struct mb_load *l)
{
	uint8_t mmap[MB_MMAP_MAX_BYTES], info[MB_INFO_BYTES];
	uint32_t mmap_len = mb_build_mmap(l->map, l->map_n, mmap, sizeof(mmap));

	mb_build_info(&l->plan, PC_EBDA_BASE / 1024, mb_mem_upper(l->map, l->map_n), mmap_len, info);
	return vm_write_gpa(vm, MB_MMAP_GPA, mmap, mmap_len) && vm_write_gpa(vm, MB_INFO_GPA, info, sizeof(info));
}

static bool write_kernel(struct vm *vm, const struct mb_kernel *k)
{
	for (unsigned i = 0; i < k->segment_count; i++) {
		const struct mb_segment *s = &k->segments[i];
		/* The bss is already zero: RAM was zeroed. */
		if (!vm_write_gpa(vm, s->paddr, vm->image + s->file_offset, s->filesz))
			return false;
	}
	return true;
}

static bool write_modules(struct vm *vm, const struct mb_plan *p)
{
	char name[VM_NAME_MAX + 8];
	uint8_t entry[MB_MODULE_BYTES];
	bool ok = true;

	for (unsigned i = 0; i < p->mod_count; i++) {
		const struct vm_attached *a = &vm->attached[i];
		mb_build_module_entry(p, i, entry);
		mb_module_name(name, sizeof(name), vm->cfg.name, i);
		ok &= vm_write_gpa(vm, p->mods_addr + i * MB_MODULE_BYTES, entry, sizeof(entry));
		ok &= write_string(vm, p->mod_string[i], name, a->args && *a->args, a->args ? a->args : "");
		ok &= vm_write_gpa(vm, p->mod_start[i], a->data, a->size);
	}
	/* QEMU's "%s %s": the space is there even with no arguments. */
	ok &= write_string(vm, p->cmdline_addr, vm->cfg.name, true, vm->cfg.args ? vm->cfg.args : "");
	return ok && write_string(vm, p->loader_name_addr, MULTIBOOT_LOADER_NAME, false, "");
}

static bool multiboot_boot(struct vm *vm, char *err, size_t errlen)
{
	struct mb_load l;

	gmem_zero_ram(vm);
	if (plan(&vm->cfg, vm->image, vm->image_size, vm->attached, vm->attached_count, &l, err, errlen) != 0)
		return false;
	/* QEMU's order: the firmware's memory, the information, then the
	 * kernel and what follows it (the option ROM copies that last). */
	if (!write_firmware_memory(vm) || !write_info(vm, &l) || !write_kernel(vm, &l.kernel) ||
	    !write_modules(vm, &l.plan)) {
		hv_snprintf(err, errlen, "the kernel or its boot information is not all in guest RAM");
		return false;
	}
	vm_firmware_state(vm);
	return true;
}

/* The bootstrap processor: as QEMU's Multiboot option ROM jumps to the
 * kernel. An application processor: the INIT state (Intel SDM Vol. 3,
 * Table 9-1; AMD APM Vol. 2, 14.1.3), then it waits for a start-up IPI
 * (vm_boot_ops.aps_wait_sipi), which sets its real-mode start. */
static void multiboot_vcpu_init(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;

	set_reset_ldtr_tr(s);
	if (v->id != 0) {
		s->cr0 = CR0_ET | CR0_NW | CR0_CD;
		set_seg(&s->cs, 0xf000, 0xffff0000, 0xffff, ATTR_CODE16);
		set_seg(&s->ds, 0, 0, 0xffff, ATTR_DATA16);
		s->es = s->ss = s->fs = s->gs = s->ds;
		s->gdtr.limit = s->idtr.limit = 0xffff;
		s->rip = 0xfff0;
		return;
	}
	s->cr0 = MB_ENTRY_CR0;
	s->rflags = MB_ENTRY_EFLAGS;
	set_seg(&s->cs, SEL_CODE32, 0, 0xffffffff, ATTR_CODE32);
	set_seg(&s->ds, SEL_DATA32, 0, 0xffffffff, ATTR_DATA32);
	s->es = s->ss = s->fs = s->gs = s->ds;
	s->gdtr.base = MB_ROM_GDT_GPA;
	s->gdtr.limit = MB_ROM_GDT_LIMIT;
	s->idtr.base = 0;
	s->idtr.limit = MB_ENTRY_IDT_LIMIT;
	s->rip = v->vm->cfg.entry;   /* the kernel's (guests_load: multiboot_check) */
	v->gprs.rsp = MB_ENTRY_ESP;
	v->gprs.rax = MB_LOADER_MAGIC;
	v->gprs.rbx = MB_INFO_GPA;
}

const struct vm_boot_ops multiboot_boot_ops = {
	.name = "multiboot",
	.boot = multiboot_boot,
	.vcpu_init = multiboot_vcpu_init,
	.aps_wait_sipi = true,
};

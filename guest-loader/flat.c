/* guest-loader/flat.c - The flat guest type: a raw binary copied to load=
 * and entered at entry= in the CPU mode mode= asks for, every vCPU at the
 * same entry point with its vCPU number in RSI (the ABI is written out in
 * docs/guest-abi.md). Its boot operation runs when the VM is built and
 * after every reset. */
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"
#include "guest-loader/cpu_state.h"
#include "guest-loader/flat.h"
#include "hv/gmem.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Where mode=long's page tables go: the last VM_LONG_MODE_PT_BYTES of the
 * RAM below 3 GiB (slot 0), so they lie inside the 4 GiB they map and the
 * guest can edit them (to map its RAM above 4 GiB, for one). */
static gpa_t long_mode_tables_gpa(const struct vm *vm)
{
	const struct mem_slot *low = &vm->slots[0];

	return low->gpa + low->size - VM_LONG_MODE_PT_BYTES;
}

/* Identity page tables for mode=long: 4 GiB in 2 MiB pages (PML4, PDPT,
 * four PDs). A guest with RAM above 4 GiB maps it itself. */
static bool build_long_mode_tables(struct vm *vm)
{
	gpa_t base = long_mode_tables_gpa(vm);
	gpa_t pml4 = base, pdpt = base + PAGE_SIZE, pd = base + 2 * PAGE_SIZE;
	uint64_t e = pdpt | PTE_P | PTE_W;
	bool ok = vm_write_gpa(vm, pml4, &e, 8);

	for (uint64_t i = 0; i < 4; i++) {
		e = (pd + i * PAGE_SIZE) | PTE_P | PTE_W;
		ok &= vm_write_gpa(vm, pdpt + i * 8, &e, 8);
	}
	for (uint64_t i = 0; i < 4 * 512; i++) {
		e = (i * 2 * MiB) | PTE_P | PTE_W | PTE_PS;
		ok &= vm_write_gpa(vm, pd + i * 8, &e, 8);
	}
	return ok;
}

static bool flat_boot(struct vm *vm, char *err, size_t errlen)
{
	gmem_zero_ram(vm);
	if (!vm_write_gpa(vm, vm->cfg.load_addr, vm->image, vm->image_size)) {
		hv_snprintf(err, errlen, "the image (%llu bytes at 0x%llx) is not all in guest RAM",
			    (unsigned long long)vm->image_size, (unsigned long long)vm->cfg.load_addr);
		return false;
	}
	if (vm->cfg.mode == VM_MODE_LONG && !build_long_mode_tables(vm)) {
		hv_snprintf(err, errlen, "no guest RAM for the initial page tables");
		return false;
	}
	return true;
}

static void flat_vcpu_init(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	const struct vm_config *c = &v->vm->cfg;

	set_reset_ldtr_tr(s);
	switch (c->mode) {
	case VM_MODE_REAL:
		/* A PC boot sector's start: CS:IP = 0000:entry, real-mode IVT limits. */
		s->cr0 = CR0_ET;
		set_seg(&s->cs, 0, 0, 0xffff, ATTR_CODE16);
		set_seg(&s->ds, 0, 0, 0xffff, ATTR_DATA16);
		s->idtr.limit = 0x3ff;
		s->gdtr.limit = 0xffff;
		s->rip = c->entry;
		v->gprs.rsp = c->load_addr & 0xffff;
		break;
	case VM_MODE_PROTECTED:
		s->cr0 = CR0_ET | CR0_PE;
		set_seg(&s->cs, 0x08, 0, 0xffffffff, ATTR_CODE32);
		set_seg(&s->ds, 0x10, 0, 0xffffffff, ATTR_DATA32);
		s->rip = c->entry;
		v->gprs.rsp = c->load_addr;
		break;
	case VM_MODE_LONG:
		s->cr0 = CR0_ET | CR0_PE | CR0_PG;
		s->cr4 = CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
		s->cr3 = long_mode_tables_gpa(v->vm);
		set_seg(&s->cs, 0x08, 0, 0xffffffff, ATTR_CODE64);
		set_seg(&s->ds, 0x10, 0, 0xffffffff, ATTR_DATA32);
		s->rip = c->entry;
		v->gprs.rsp = c->load_addr;
		break;
	}
	s->es = s->ss = s->fs = s->gs = s->ds;
	/* The guest ABI: which vCPU this is, and how many there are. Every
	 * vCPU starts here with the same RSP: a guest with cpus>1 gives each
	 * its own stack before using one. */
	v->gprs.rsi = v->id;
	v->gprs.rdi = v->vm->vcpu_count;
}

const struct vm_boot_ops flat_boot_ops = {
	.name = "flat",
	.boot = flat_boot,
	.vcpu_init = flat_vcpu_init,
};

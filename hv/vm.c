/* hv/vm.c - Creating, resetting and destroying VMs; guest memory access.
 *
 * Guest RAM is [0, mem) guest-physical. It is taken from the page-frame
 * allocator in 2 MiB runs where it can be (so the nested page table maps it
 * with 2 MiB pages and the TLB holds more of it) and 4 KiB frames at the
 * edges or when memory is fragmented, zeroed, and mapped only in this VM's
 * nested page table. Any other guest-physical address faults (#NPF). */
#define LOG_PREFIX "vm: "
#include "arch/x86/cpu.h"
#include "arch/x86/pte.h"
#include "arch/x86/svm/permmap.h"
#include "arch/x86/svm/svm.h"
#include "hv/console/console.h"
#include "hv/vm.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/phys.h"

#define FRAMES_2M 512

static hpa_t iopm_pa, msrpm_pa;

/* ASIDs in use (ASID 0 is the host's). A VM's ASID is given back when it
 * is destroyed; its next owner's first VMRUN flushes it (vcpu_enter). */
#define ASID_LIMIT 4096
static uint64_t asid_used[ASID_LIMIT / 64] = { 1 };

static uint32_t asid_alloc(void)
{
	uint32_t limit = MIN(svm.nasid, (uint32_t)ASID_LIMIT);

	/* Atomic: VMs are torn down on the CPU they ran on, concurrently. */
	for (uint32_t a = 1; a < limit; a++)
		if (!(__atomic_fetch_or(&asid_used[a / 64], BIT(a % 64), __ATOMIC_ACQ_REL) & BIT(a % 64)))
			return a;
	return 0;
}

static void asid_free(uint32_t a)
{
	if (a && a < ASID_LIMIT)
		__atomic_fetch_and(&asid_used[a / 64], ~BIT(a % 64), __ATOMIC_RELEASE);
}

/* ---- shared policy -------------------------------------------------------- */

/* MSRs whose state lives in the VMCB and is switched by VMLOAD/VMSAVE or
 * VMRUN itself: the guest may read and write them directly. Everything else
 * exits to hv/exit_msr.c. */
static const uint32_t passthrough_msrs[] = {
	0xc0000100, /* FS_BASE */ 0xc0000101, /* GS_BASE */ 0xc0000102, /* KERNEL_GS_BASE */
	0xc0000081, /* STAR */ 0xc0000082, /* LSTAR */ 0xc0000083, /* CSTAR */ 0xc0000084, /* SFMASK */
	0x174, /* SYSENTER_CS */ 0x175, /* SYSENTER_ESP */ 0x176, /* SYSENTER_EIP */
};

int vm_global_init(void)
{
	hpa_t pa;

	/* Both maps must be physically contiguous (APM 15.10.1, 15.11). */
	if (!mm_alloc_frames(IOPM_SIZE / PAGE_SIZE, 1, &pa))
		return -1;
	iopm_pa = pa;
	iopm_init_intercept_all(phys_to_virt(iopm_pa));
	if (!mm_alloc_frames(MSRPM_SIZE / PAGE_SIZE, 1, &pa))
		return -1;
	msrpm_pa = pa;
	uint8_t *msrpm = phys_to_virt(msrpm_pa);
	msrpm_init_intercept_all(msrpm);
	for (size_t i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msrpm_set(msrpm, passthrough_msrs[i], false, false);
	/* TSC reads run at full speed (with tsc_offset applied); writes exit. */
	msrpm_set(msrpm, 0x10, false, true);
	return 0;
}

/* ---- guest memory --------------------------------------------------------- */

static void free_leaf(void *ctx, hpa_t pa, uint64_t size)
{
	(void)ctx;
	mm_free_frames(pa, size / PAGE_SIZE);
}

/* Guest RAM in one physically contiguous run when the allocator has one
 * (at boot it nearly always does): then gpa -> hva is an addition, which the
 * exit path's guest-memory reads use, and the NPT gets the largest pages
 * alignment allows. Otherwise 2 MiB runs, and 4 KiB frames at the edges. */
static int map_ram_contiguous(struct vm *vm)
{
	uint64_t frames = vm->cfg.mem_size / PAGE_SIZE;
	hpa_t hpa;

	if (!mm_alloc_frames(frames, frames >= FRAMES_2M ? FRAMES_2M : 1, &hpa))
		return -1;
	if (hpt_map(&vm->npt, 0, hpa, vm->cfg.mem_size, HPT_R | HPT_W | HPT_X) != 0) {
		mm_free_frames(hpa, frames);
		return -1;
	}
	vm->ram = phys_to_virt(hpa);
	return 0;
}

static int map_ram(struct vm *vm)
{
	uint64_t size = vm->cfg.mem_size;

	if (map_ram_contiguous(vm) == 0)
		return 0;
	for (gpa_t gpa = 0; gpa < size;) {
		hpa_t hpa;
		uint64_t chunk;
		if (IS_ALIGNED(gpa, 2 * MiB) && size - gpa >= 2 * MiB &&
		    mm_alloc_frames(FRAMES_2M, FRAMES_2M, &hpa)) {
			chunk = 2 * MiB;
		} else if (mm_alloc_frames(1, 1, &hpa)) {
			chunk = PAGE_SIZE;
		} else {
			return -1;
		}
		if (hpt_map(&vm->npt, gpa, hpa, chunk, HPT_R | HPT_W | HPT_X) != 0) {
			mm_free_frames(hpa, chunk / PAGE_SIZE);
			return -1;
		}
		gpa += chunk;
	}
	return 0;
}

/* Host pointer to [gpa, gpa+len) if it lies within one page of guest RAM. */
static void *gpa_to_hva_page(struct vm *vm, gpa_t gpa, size_t len)
{
	hpa_t hpa;
	unsigned perm;
	uint64_t page;

	if (gpa >= vm->cfg.mem_size || len > vm->cfg.mem_size - gpa)
		return NULL;
	if (!hpt_lookup(&vm->npt, gpa, &hpa, &perm, &page))
		return NULL;
	if ((gpa & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return NULL;
	return phys_to_virt(hpa);
}

static bool copy_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;

	if (gpa >= vm->cfg.mem_size || len > vm->cfg.mem_size - gpa)
		return false;
	if (vm->ram) {
		if (write)
			memcpy(vm->ram + gpa, p, len);
		else
			memcpy(p, vm->ram + gpa, len);
		return true;
	}
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		uint8_t *hva = gpa_to_hva_page(vm, gpa, n);
		if (!hva)
			return false;
		if (write)
			memcpy(hva, p, n);
		else
			memcpy(p, hva, n);
		gpa += n;
		p += n;
		len -= n;
	}
	return true;
}

bool vm_read_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len)
{
	return copy_gpa(vm, gpa, buf, len, false);
}

bool vm_write_gpa(struct vm *vm, gpa_t gpa, const void *buf, size_t len)
{
	return copy_gpa(vm, gpa, (void *)(uintptr_t)buf, len, true);
}

/* Zeroes all guest RAM (a reset must not leak the previous run's state). */
static void zero_ram(struct vm *vm)
{
	if (vm->ram) {
		memset(vm->ram, 0, vm->cfg.mem_size);
		return;
	}
	for (gpa_t gpa = 0; gpa < vm->cfg.mem_size;) {
		hpa_t hpa;
		unsigned perm;
		uint64_t page;
		if (!hpt_lookup(&vm->npt, gpa, &hpa, &perm, &page))
			hv_panic("vm %s: guest RAM at 0x%llx is not mapped", vm->cfg.name, (unsigned long long)gpa);
		memset(phys_to_virt(hpa), 0, page);
		gpa += page;
	}
}

/* ---- devices ---------------------------------------------------------------- */

static void sysctl_exit(void *ctx, uint8_t code)
{
	vm_request_stop(ctx, "exit code %u", code);
}

static void sysctl_reset(void *ctx, const char *how)
{
	vm_request_reset(ctx, how);
}

static void sysctl_poweroff(void *ctx)
{
	vm_request_stop(ctx, "poweroff");
}

static int register_devices(struct vm *vm)
{
	iobus_init(&vm->iobus);
	console_vm_attach(vm, NULL);   /* the history ring comes once the VM exists */
	vsysctl_init(&vm->sysctl, sysctl_exit, sysctl_reset, sysctl_poweroff, vm);
	if (iobus_register(&vm->iobus, 0x3f8, 8, &vuart_ops, &vm->uart) ||
	    iobus_register(&vm->iobus, 0xf4, 1, &vsysctl_debug_exit_ops, &vm->sysctl) ||
	    iobus_register(&vm->iobus, 0x60, 5, &vsysctl_i8042_ops, &vm->sysctl) ||
	    iobus_register(&vm->iobus, 0x92, 1, &vsysctl_port92_ops, &vm->sysctl) ||
	    iobus_register(&vm->iobus, 0xcf9, 1, &vsysctl_cf9_ops, &vm->sysctl) ||
	    iobus_register(&vm->iobus, 0x604, 2, &vsysctl_pm1_cnt_ops, &vm->sysctl))
		return -1;
	return 0;
}

/* ---- initial CPU state -------------------------------------------------------- */

#define ATTR_CODE16  (VMCB_ATTR_TYPE_CODE_RX_A | VMCB_ATTR_S | VMCB_ATTR_P)
#define ATTR_DATA16  (VMCB_ATTR_TYPE_DATA_RW_A | VMCB_ATTR_S | VMCB_ATTR_P)
#define ATTR_CODE32  (ATTR_CODE16 | VMCB_ATTR_DB | VMCB_ATTR_G)
#define ATTR_DATA32  (ATTR_DATA16 | VMCB_ATTR_DB | VMCB_ATTR_G)
#define ATTR_CODE64  (ATTR_CODE16 | VMCB_ATTR_L | VMCB_ATTR_G)

#define POWER_ON_PAT   0x0007040600070406ull

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attr;
}

/* Identity page tables for mode=long: 4 GiB in 2 MiB pages, in the last
 * VM_LONG_MODE_PT_BYTES of guest RAM (PML4, PDPT, four PDs). */
static gpa_t build_long_mode_tables(struct vm *vm)
{
	gpa_t base = vm->cfg.mem_size - VM_LONG_MODE_PT_BYTES;
	gpa_t pml4 = base, pdpt = base + PAGE_SIZE, pd = base + 2 * PAGE_SIZE;
	uint64_t e;

	e = pdpt | (PTE_P | PTE_W);
	vm_write_gpa(vm, pml4, &e, 8);
	for (uint64_t i = 0; i < 4; i++) {
		e = (pd + i * PAGE_SIZE) | (PTE_P | PTE_W);
		vm_write_gpa(vm, pdpt + i * 8, &e, 8);
	}
	for (uint64_t i = 0; i < 4 * 512; i++) {
		e = (i * 2 * MiB) | (PTE_P | PTE_W) | PTE_PS;
		vm_write_gpa(vm, pd + i * 8, &e, 8);
	}
	return pml4;
}

static void init_cpu_state(struct vm *vm)
{
	struct vmcb_save *s = &vm->vcpu.vmcb->save;
	const struct vm_config *c = &vm->cfg;

	memset(s, 0, sizeof(*s));
	memset(&vm->vcpu.gprs, 0, sizeof(vm->vcpu.gprs));
	vm->vcpu.mtrr_def_type = 0;
	s->efer = EFER_SVME;   /* VMRUN requires it; the guest never sees it (hv/exit_msr.c) */
	s->dr6 = DR6_RESET;
	s->dr7 = DR7_RESET;
	s->rflags = 0x2;
	s->g_pat = POWER_ON_PAT;
	set_seg(&s->ldtr, 0, 0, 0xffff, VMCB_ATTR_TYPE_LDT | VMCB_ATTR_P);
	set_seg(&s->tr, 0, 0, 0xffff, VMCB_ATTR_TYPE_TSS_BUSY | VMCB_ATTR_P);

	switch (c->mode) {
	case VM_MODE_REAL:
		/* A PC boot sector's start: CS:IP = 0000:entry, real-mode IVT limits. */
		s->cr0 = CR0_ET;
		set_seg(&s->cs, 0, 0, 0xffff, ATTR_CODE16);
		set_seg(&s->ds, 0, 0, 0xffff, ATTR_DATA16);
		s->idtr.limit = 0x3ff;
		s->gdtr.limit = 0xffff;
		s->rip = c->entry;
		s->rsp = c->load_addr & 0xffff;
		break;
	case VM_MODE_PROTECTED:
		s->cr0 = CR0_ET | CR0_PE;
		set_seg(&s->cs, 0x08, 0, 0xffffffff, ATTR_CODE32);
		set_seg(&s->ds, 0x10, 0, 0xffffffff, ATTR_DATA32);
		s->rip = c->entry;
		s->rsp = c->load_addr;
		break;
	case VM_MODE_LONG:
		s->cr0 = CR0_ET | CR0_PE | CR0_PG;
		s->cr4 = CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
		s->cr3 = build_long_mode_tables(vm);
		set_seg(&s->cs, 0x08, 0, 0xffffffff, ATTR_CODE64);
		set_seg(&s->ds, 0x10, 0, 0xffffffff, ATTR_DATA32);
		s->rip = c->entry;
		s->rsp = c->load_addr;
		break;
	}
	s->es = s->ss = s->fs = s->gs = s->ds;
}

static void init_control(struct vm *vm)
{
	struct vmcb_control *ctl = &vm->vcpu.vmcb->control;

	memset(ctl, 0, sizeof(*ctl));
	ctl->intercept_misc1 = SVM_INTERCEPT_MISC1_INTR | SVM_INTERCEPT_MISC1_NMI | SVM_INTERCEPT_MISC1_SMI |
			       SVM_INTERCEPT_MISC1_CPUID | SVM_INTERCEPT_MISC1_HLT | SVM_INTERCEPT_MISC1_INVD |
			       SVM_INTERCEPT_MISC1_INVLPGA | SVM_INTERCEPT_MISC1_IOIO_PROT |
			       SVM_INTERCEPT_MISC1_MSR_PROT | SVM_INTERCEPT_MISC1_SHUTDOWN |
			       SVM_INTERCEPT_MISC1_TASK_SWITCH | SVM_INTERCEPT_MISC1_FERR_FREEZE;
	ctl->intercept_misc2 = SVM_INTERCEPT_MISC2_VMRUN | SVM_INTERCEPT_MISC2_VMMCALL |
			       SVM_INTERCEPT_MISC2_VMLOAD | SVM_INTERCEPT_MISC2_VMSAVE |
			       SVM_INTERCEPT_MISC2_STGI | SVM_INTERCEPT_MISC2_CLGI | SVM_INTERCEPT_MISC2_SKINIT |
			       SVM_INTERCEPT_MISC2_MONITOR | SVM_INTERCEPT_MISC2_MWAIT |
			       SVM_INTERCEPT_MISC2_XSETBV | SVM_INTERCEPT_MISC2_RDPRU;
	/* #MC belongs to the host: a machine check in a guest is the machine's.
	 * #DB and #AC are reflected (hv/run.c) so they cannot loop in the CPU. */
	ctl->intercept_exceptions = SVM_INTERCEPT_EXCP(1) | SVM_INTERCEPT_EXCP(17) | SVM_INTERCEPT_EXCP(18);
	ctl->iopm_base_pa = iopm_pa;
	ctl->msrpm_base_pa = msrpm_pa;
	ctl->guest_asid = vm->asid;
	/* V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual interrupts;
	 * physical ones always exit to the host (APM 15.21.1). */
	ctl->int_ctl = INT_CTL_V_INTR_MASKING;
	ctl->nested_ctl = NESTED_CTL_NP_ENABLE;
	ctl->nested_cr3 = hpt_root(&vm->npt);
}

/* The state the VM starts in, and returns to on a restart. */
static void vm_load_initial_state(struct vm *vm)
{
	zero_ram(vm);
	vm_write_gpa(vm, vm->cfg.load_addr, vm->image, vm->image_size);
	init_control(vm);
	init_cpu_state(vm);
	vuart_reset(&vm->uart);
	vsysctl_reset(&vm->sysctl);
	vm->vcpu.flush_tlb = true;
	vm->pending = EXIT_RESUME;
}

int vm_create(struct vm *vm, const struct vm_config *cfg, const uint8_t *image, uint64_t image_size,
	      char *err, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));   /* also the exit counters */
	vm->cfg = *cfg;
	vm->image = image;
	vm->image_size = image_size;
	vm->vcpu.vm = vm;

	vm->asid = asid_alloc();
	if (!vm->asid) {
		hv_snprintf(err, errlen, "no ASID left (the CPU has %u)", svm.nasid);
		return -1;
	}
	if (hpt_create_nested(&vm->npt, &mm_page_source, (cpuid(0x80000001, 0).edx & BIT(26)) != 0) != 0)
		goto oom;
	void *vmcb = mm_alloc_page();
	if (!vmcb)
		goto oom;
	vm->vcpu.vmcb = vmcb;
	vm->vcpu.vmcb_pa = virt_to_phys(vmcb);
	if (map_ram(vm) != 0)
		goto oom;
	if (register_devices(vm) != 0) {
		hv_snprintf(err, errlen, "device registration failed");
		vm_destroy(vm);
		return -1;
	}
	vm_load_initial_state(vm);
	/* Kept after the VM stops (the operator reads a dead guest's last
	 * words with `log NAME`); without it the VM just has no history. */
	hpa_t ring_pa;
	if (mm_alloc_frames(VCONSOLE_RING_SIZE / PAGE_SIZE, 1, &ring_pa))
		vm->con.ring = phys_to_virt(ring_pa);
	vm->final_vmcb = mm_alloc_page();
	vm->state = VM_READY;
	return 0;
oom:
	hv_snprintf(err, errlen, "out of memory for %llu MiB of guest RAM (%llu MiB free)",
		    (unsigned long long)(cfg->mem_size / MiB),
		    (unsigned long long)(host_pmm.free_frames * PAGE_SIZE / MiB));
	vm_destroy(vm);
	return -1;
}

void vm_destroy(struct vm *vm)
{
	hpt_destroy(&vm->npt, free_leaf, NULL);
	asid_free(vm->asid);
	vm->asid = 0;
	if (vm->vcpu.vmcb) {
		mm_free_page(vm->vcpu.vmcb);
		vm->vcpu.vmcb = NULL;
	}
}

void vm_request_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (vm->pending != EXIT_RESUME)   /* the first reason wins */
		return;
	va_start(ap, fmt);
	hv_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	va_end(ap);
	vm->pending = EXIT_STOP;
}

void vm_request_reset(struct vm *vm, const char *what)
{
	if (vm->pending != EXIT_RESUME)
		return;
	hv_snprintf(vm->reason, sizeof(vm->reason), "%s", what);
	vm->pending = EXIT_RESET;
}

void vm_restart(struct vm *vm)
{
	cpu_scrub_for_next_vm();   /* a reset is a power-on: no FPU/DR state survives */
	vm->reset_count++;
	vm_load_initial_state(vm);
	vm->vcpu.halted = false;
	/* `exits NAME` shows counts since boot and since the last reset. */
	exit_stats_merge(&vm->vcpu.stats_before, &vm->vcpu.stats);
	exit_stats_clear(&vm->vcpu.stats);
	vm->vcpu.exits_at_start = vm->vcpu.stats_before.total;
}

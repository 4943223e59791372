/* hv/vm.c - Creating, rebooting and destroying VMs; stop and reset causes.
 *
 * A VM's life in memory has two parts:
 *   its record (vm_reserve): the vCPUs with their VMCBs and the output ring,
 *     taken once and kept for the whole boot, so the shell can show a dead
 *     guest's last state and words;
 *   its machine (vm_build): the guest RAM slots and the nested page table,
 *     taken when it is built and given back when it stops.
 * Any failure while building gives back what it took and leaves one line
 * saying what was asked for and what is free; nothing here panics for a
 * guest. Guest memory access is in hv/gmem.c. */
#define LOG_PREFIX "vm: "
#include "arch/x86/cpu.h"
#include "arch/x86/svm/permmap.h"
#include "arch/x86/svm/svm.h"
#include "hv/gmem.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vcpu_apic.h"
#include "hv/vm.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/phys.h"

#define FRAMES_2M 512

static hpa_t iopm_pa, msrpm_pa;

/* ---- shared policy -------------------------------------------------------- */

/* MSRs whose state lives in the VMCB and is switched by VMLOAD/VMSAVE or
 * VMRUN itself: the guest may read and write them directly. Everything else
 * exits to hv/exit_msr.c. */
static const uint32_t passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
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
	msrpm_set(msrpm, MSR_TSC, false, true);
	return 0;
}

/* ---- the record: vCPUs, VMCBs, output ring --------------------------------- */

#define VCPU_FRAMES ((sizeof(struct vcpu) + PAGE_SIZE - 1) / PAGE_SIZE)

static uint64_t free_mib(void)
{
	return host_pmm.free_frames * PAGE_SIZE / MiB;
}

int vm_reserve(struct vm *vm, const struct vm_config *cfg, char *err, size_t errlen)
{
	hpa_t pa;

	memset(vm, 0, sizeof(*vm));   /* also the exit counters */
	vm->cfg = *cfg;
	vm->vcpu_count = cfg->vcpus;
	for (unsigned i = 0; i < cfg->vcpus; i++) {
		void *vmcb = mm_alloc_page();
		void *xsave = fpu_xsave_area_alloc();   /* its XSAVE area; none without XSAVE */
		if (!vmcb || (fpu_xsave_size() && !xsave) || !mm_alloc_frames(VCPU_FRAMES, 1, &pa)) {
			if (vmcb)
				mm_free_page(vmcb);
			fpu_xsave_area_free(xsave);
			hv_snprintf(err, errlen, "out of memory for vCPU %u of %u (%llu KiB each; %llu MiB free)", i,
				    cfg->vcpus, (unsigned long long)(((VCPU_FRAMES + 1) * PAGE_SIZE +
								       ALIGN_UP(fpu_xsave_size(), PAGE_SIZE)) / KiB),
				    (unsigned long long)free_mib());
			vm->vcpu_count = i;
			vm_release(vm);
			return -1;
		}
		struct vcpu *v = phys_to_virt(pa);
		memset(v, 0, sizeof(*v));
		v->vm = vm;
		v->id = i;
		v->vmcb = vmcb;
		v->vmcb_pa = virt_to_phys(vmcb);
		v->fpu.xsave = xsave;
		v->state = VCPU_PARKED;   /* until the VM is built */
		vm->vcpus[i] = v;
	}
	/* Without a ring the VM just has no history for `log`. */
	if (mm_alloc_frames(VCONSOLE_RING_SIZE / PAGE_SIZE, 1, &pa))
		vm->con.ring = phys_to_virt(pa);
	vm->final_vmcb = mm_alloc_page();
	return 0;
}

void vm_release(struct vm *vm)
{
	vm_destroy(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		mm_free_page(v->vmcb);
		fpu_xsave_area_free(v->fpu.xsave);
		mm_free_frames(virt_to_phys(v), VCPU_FRAMES);
		vm->vcpus[i] = NULL;
	}
	vm->vcpu_count = 0;
	if (vm->con.ring)
		mm_free_frames(virt_to_phys(vm->con.ring), VCONSOLE_RING_SIZE / PAGE_SIZE);
	if (vm->final_vmcb)
		mm_free_page(vm->final_vmcb);
	vm->con.ring = NULL;
	vm->final_vmcb = NULL;
}

/* ---- the machine: RAM slots and nested paging ---------------------------------- */

/* The slots for mem bytes of RAM: up to 3 GiB at 0; above that the first
 * 3 GiB below the MMIO hole and the rest from 4 GiB up, the layout QEMU's
 * pc machine uses for large RAM (3 GiB-4 GiB: LAPIC, IOAPIC, PCI holes). */
void vm_layout_ram(uint64_t mem, struct mem_slot slots[VM_MAX_SLOTS], unsigned *count)
{
	memset(slots, 0, sizeof(struct mem_slot) * VM_MAX_SLOTS);
	if (mem <= VM_LOW_RAM_TOP) {
		slots[0] = (struct mem_slot){ .gpa = 0, .size = mem };
		*count = 1;
		return;
	}
	slots[0] = (struct mem_slot){ .gpa = 0, .size = VM_LOW_RAM_TOP };
	slots[1] = (struct mem_slot){ .gpa = VM_HIGH_RAM_BASE, .size = mem - VM_LOW_RAM_TOP };
	*count = 2;
}

static void free_leaf(void *ctx, hpa_t pa, uint64_t size)
{
	(void)ctx;
	mm_free_frames(pa, size / PAGE_SIZE);
}

/* The legacy window below 1 MiB is mapped in 4 KiB pages: its pages may
 * become read-only (hv/vdev/pc_legacy.h), and hpt_protect never splits a
 * large page. Where [gpa, gpa + size) crosses 1 MiB, the first mapping
 * ends there. */
static uint64_t first_mapping_size(gpa_t gpa, uint64_t size)
{
	return gpa < PC_HIGH_RAM_BASE && size > PC_HIGH_RAM_BASE - gpa ? PC_HIGH_RAM_BASE - gpa : size;
}

/* A physically contiguous run at hpa: all of it mapped, or none. */
static int map_contiguous(struct vm *vm, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	uint64_t first = first_mapping_size(gpa, size);

	if (hpt_map(&vm->npt, gpa, hpa, first, HPT_R | HPT_W | HPT_X) != 0)
		return -1;
	if (first < size && hpt_map(&vm->npt, gpa + first, hpa + first, size - first, HPT_R | HPT_W | HPT_X) != 0) {
		hpt_unmap(&vm->npt, gpa, first, NULL, NULL);
		return -1;
	}
	return 0;
}

/* A slot in one physically contiguous run when the allocator has one (at
 * boot it nearly always does): then gpa -> hva is an addition, which the
 * exit path's guest-memory reads use, and the NPT gets the largest pages
 * alignment allows (4 KiB below 1 MiB: first_mapping_size). Otherwise
 * 2 MiB runs, and 4 KiB frames at the edges and below 1 MiB.
 * hpt_map is all-or-nothing, so a failure here leaves nothing half-mapped:
 * what was mapped before it is freed through the NPT by vm_destroy. */
static int map_slot(struct vm *vm, struct mem_slot *slot)
{
	uint64_t frames = slot->size / PAGE_SIZE;
	hpa_t hpa;

	if (mm_alloc_frames(frames, frames >= FRAMES_2M ? FRAMES_2M : 1, &hpa)) {
		if (map_contiguous(vm, slot->gpa, hpa, slot->size) == 0) {
			slot->hva = phys_to_virt(hpa);
			return 0;
		}
		mm_free_frames(hpa, frames);
	}
	for (uint64_t off = 0; off < slot->size;) {
		gpa_t gpa = slot->gpa + off;
		uint64_t chunk;
		if (IS_ALIGNED(gpa, 2 * MiB) && gpa >= PC_HIGH_RAM_BASE && slot->size - off >= 2 * MiB &&
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
		off += chunk;
	}
	return 0;
}

int vm_build(struct vm *vm, const struct vm_boot_ops *boot, const uint8_t *image, uint64_t image_size,
	     char *err, size_t errlen)
{
	vm->boot = boot;
	vm->image = image;
	vm->image_size = image_size;
	vm_layout_ram(vm->cfg.mem_size, vm->slots, &vm->slot_count);
	if (hpt_create_nested(&vm->npt, &mm_page_source, (cpuid(0x80000001, 0).edx & BIT(26)) != 0) != 0) {
		hv_snprintf(err, errlen, "out of memory for its nested page table (%llu MiB free)",
			    (unsigned long long)free_mib());
		return -1;
	}
	for (unsigned i = 0; i < vm->slot_count; i++) {
		if (map_slot(vm, &vm->slots[i]) != 0) {
			vm_destroy(vm);
			hv_snprintf(err, errlen, "out of memory for %llu MiB of guest RAM (%llu MiB free)",
				    (unsigned long long)(vm->cfg.mem_size / MiB), (unsigned long long)free_mib());
			return -1;
		}
	}
	vm->ram = vm->slots[0].hva;
	vm->tsc_offset = 0;   /* the guest TSC is the host's (hv/vdev/pc.h: the devices count from it) */
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_apic_setup(vm->vcpus[i]);   /* the board's APIC bus needs every LAPIC */
	if (pc_board_setup(vm, err, errlen) != 0) {
		vm_destroy(vm);
		return -1;
	}
	if (!boot->boot(vm, err, errlen)) {
		vm_destroy(vm);
		return -1;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		asid_vcpu_init(&v->asid);
		v->fpu_fresh = true;
		events_reset(&v->events);
		vcpu_apic_reset(v);
		vcpu_reset_state(v);
	}
	vm->state = VM_READY;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->npt.root)
		hpt_destroy(&vm->npt, free_leaf, NULL);
	vm->npt.root = NULL;
	for (unsigned i = 0; i < vm->slot_count; i++)
		vm->slots[i].hva = NULL;
	vm->slot_count = 0;
	vm->ram = NULL;
}

/* ---- the vCPU's power-on state ----------------------------------------------- */

static void init_control(struct vcpu *v)
{
	struct vmcb_control *ctl = &v->vmcb->control;

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
			       SVM_INTERCEPT_MISC2_XSETBV;   /* RDPRU runs: nothing to hide (hv/cpuid_view.c) */
	/* #MC belongs to the host: a machine check in a guest is the machine's.
	 * #DB and #AC are reflected (hv/run.c) so they cannot loop in the CPU. */
	ctl->intercept_exceptions = SVM_INTERCEPT_EXCP(X86_EXC_DB) | SVM_INTERCEPT_EXCP(X86_EXC_AC) |
				    SVM_INTERCEPT_EXCP(X86_EXC_MC);
	ctl->iopm_base_pa = iopm_pa;
	ctl->msrpm_base_pa = msrpm_pa;
	/* V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual interrupts;
	 * physical ones always exit to the host (APM 15.21.1). */
	ctl->int_ctl = INT_CTL_V_INTR_MASKING;
	ctl->nested_ctl = NESTED_CTL_NP_ENABLE;
	ctl->nested_cr3 = hpt_root(&v->vm->npt);
}

#define POWER_ON_PAT 0x0007040600070406ull

void vcpu_reset_state(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;

	init_control(v);
	memset(s, 0, sizeof(*s));
	memset(&v->gprs, 0, sizeof(v->gprs));
	v->mtrr_def_type = 0;
	v->tsc_adjust = 0;
	v->fetch_tlb.valid = false;   /* checked on every use anyway (hv/gmem.c) */
	s->efer = EFER_SVME;   /* VMRUN requires it; the guest never sees it (hv/exit_msr.c) */
	s->dr6 = DR6_RESET;
	s->dr7 = DR7_RESET;
	s->rflags = RFLAGS_FIXED;
	s->g_pat = POWER_ON_PAT;
	v->vmcb->control.tsc_offset = v->vm->tsc_offset;   /* one TSC for the VM and its devices */
	v->vm->boot->vcpu_init(v);
	/* A fresh ASID, so no translation of the previous life survives. */
	asid_invalidate(&v->asid);
	v->fpu_fresh = true;
	v->state = v->id != 0 && v->vm->boot->aps_wait_sipi ? VCPU_WAIT_SIPI : VCPU_RUNNABLE;
}

/* ---- stop and reset -------------------------------------------------------------- */

/* Every vCPU parks: its CPU sees the request after its next exit (the kick
 * forces one) or at its scheduler's next look. */
static void request_all(struct vm *vm, uint32_t bits)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_request(vm->vcpus[i], bits);
}

static bool set_cause(struct vm *vm, enum vm_stop_cause cause, const char *fmt, va_list ap)
{
	spin_lock(&vm->lock);
	enum vm_stop_cause now = vm->stop_cause;
	/* The first cause wins, until the stop or reset it caused is done:
	 * a second one (another vCPU's, a device's) would race the parking. */
	bool take = now == VM_STOP_NONE;
	if (take) {
		hv_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
		vm->reset_pending = vm_stop_cause_is_reset(cause) && vm->cfg.on_reset == VM_ON_RESET_RESTART;
		__atomic_store_n(&vm->stop_cause, cause, __ATOMIC_RELEASE);
	}
	spin_unlock(&vm->lock);
	return take;
}

void vm_request_stop(struct vm *vm, enum vm_stop_cause cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bool take = set_cause(vm, cause, fmt, ap);
	va_end(ap);
	if (take)
		request_all(vm, vm->reset_pending ? VCPU_REQ_RESET : VCPU_REQ_STOP);
}

static bool set_cause_v(struct vm *vm, enum vm_stop_cause cause, const char *fmt, ...) __printf(3, 4);
static bool set_cause_v(struct vm *vm, enum vm_stop_cause cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bool take = set_cause(vm, cause, fmt, ap);
	va_end(ap);
	return take;
}

void vm_request_reset(struct vm *vm, enum vm_stop_cause cause, const char *what)
{
	/* With on_reset=stop the stop line says what reset it. */
	bool restart = vm->cfg.on_reset == VM_ON_RESET_RESTART;
	bool take = cause == VM_STOP_TRIPLE_FAULT || restart
		  ? set_cause_v(vm, cause, "%s", what) : set_cause_v(vm, cause, "reset (%s)", what);
	if (take)
		request_all(vm, vm->reset_pending ? VCPU_REQ_RESET : VCPU_REQ_STOP);
}

void vm_request_operator_reset(struct vm *vm)
{
	spin_lock(&vm->lock);
	bool take = vm->stop_cause == VM_STOP_NONE;
	if (take) {
		hv_snprintf(vm->reason, sizeof(vm->reason), "by the operator");
		vm->reset_pending = true;
		__atomic_store_n(&vm->stop_cause, VM_STOP_OPERATOR, __ATOMIC_RELEASE);
	}
	spin_unlock(&vm->lock);
	if (take)
		request_all(vm, VCPU_REQ_RESET);
}

bool vm_reboot(struct vm *vm)
{
	char err[VM_STOP_REASON_MAX];

	vm->reset_count++;
	pc_board_reset(vm);
	if (!vm->boot->boot(vm, err, sizeof(err))) {
		spin_lock(&vm->lock);
		hv_snprintf(vm->reason, sizeof(vm->reason), "error: cannot restart: %s", err);
		vm->reset_pending = false;
		__atomic_store_n(&vm->stop_cause, VM_STOP_ERROR, __ATOMIC_RELEASE);
		spin_unlock(&vm->lock);
		return false;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		/* `exits NAME` shows counts since boot and since the last reset. */
		exit_stats_merge(&v->stats_before, &v->stats);
		exit_stats_clear(&v->stats);
		v->exits_at_start = v->stats_before.total;
	}
	/* Every vCPU is parked and counted: its bookkeeping is done here, under
	 * the lock, before any of them can run or park again. Each rebuilds
	 * its registers on its own CPU (rebuild); nothing pending survives a
	 * reset. Then the cause is spent and the next one starts afresh. */
	spin_lock(&vm->lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		v->counted = false;
		events_reset(&v->events);
		__atomic_store_n(&v->rebuild, true, __ATOMIC_RELEASE);
	}
	vm->reset_pending = false;
	vm->vcpus_parked = 0;
	__atomic_store_n(&vm->stop_cause, VM_STOP_NONE, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_kick(vm->vcpus[i]);
	return true;
}

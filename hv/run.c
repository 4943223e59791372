/* hv/run.c - The run loop and exit dispatch.
 *
 *   vm_run: CLGI, svm_vmrun (arch/x86/svm/vmrun.asm), STGI, then
 *   exit_handlers[exit_code] -> RESUME, STOP or RESET.
 *
 * An exit the table does not know, or a VMRUN the CPU refuses, stops that VM
 * with a dump of its state; the hypervisor goes on (STYLE.md pattern 4). */
#define LOG_PREFIX ""
#include "arch/x86/cpu.h"
#include "arch/x86/pte.h"
#include "arch/x86/percpu.h"
#include "arch/x86/svm/svm.h"
#include "drivers/tsc.h"
#include "hv/emulate/insn_len.h"
#include "hv/console/console.h"
#include "hv/vcpu.h"
#include "hv/vmctl.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/guest_walk.h"


/* ---- guest memory by linear address ---------------------------------------- */

static bool read64(void *ctx, gpa_t gpa, uint64_t *val) { return vm_read_gpa(ctx, gpa, val, 8); }
static bool read32(void *ctx, gpa_t gpa, uint32_t *val) { return vm_read_gpa(ctx, gpa, val, 4); }

static bool linear_to_gpa(struct vcpu *v, uint64_t lin, gpa_t *gpa)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct guest_paging p = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };

	return guest_walk(&p, lin, read64, read32, v->vm, gpa, NULL, NULL) == WALK_OK;
}

/* Byte-range access split at 4 KiB boundaries, each page translated on its own. */
static bool access_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		gpa_t gpa;
		if (!linear_to_gpa(v, lin, &gpa))
			return false;
		if (!(write ? vm_write_gpa(v->vm, gpa, p, n) : vm_read_gpa(v->vm, gpa, p, n)))
			return false;
		lin += n;
		p += n;
		len -= n;
	}
	return true;
}


/* One page's check: every level of the walk must allow the access (the
 * U/S and R/W bits combine by AND across levels, APM Vol. 2, 5.6). */
static bool check_page(struct vcpu *v, uint64_t lin, bool write, bool user)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct guest_paging p = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };
	struct walk_step steps[WALK_MAX_STEPS];
	int n = 0;
	gpa_t gpa;
	bool need_w = write && (user || (s->cr0 & CR0_WP));
	uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0);

	if (guest_walk(&p, lin, read64, read32, v->vm, &gpa, steps, &n) != WALK_OK) {
		v->pf_error = err;   /* not present */
		return false;
	}
	for (int i = 0; i < n; i++) {
		uint64_t e = steps[i].entry;
		/* Legacy-PAE PDPTEs have no U/S or R/W bits (APM 5.4.4). */
		if (!(s->efer & EFER_LMA) && (s->cr4 & CR4_PAE) && steps[i].level == 3)
			continue;
		if ((user && !(e & PTE_U)) || (need_w && !(e & PTE_W))) {
			v->pf_error = err | PF_P;
			return false;
		}
	}
	return true;
}

bool vcpu_check_linear_access(struct vcpu *v, uint64_t lin, unsigned size, bool write, bool user)
{
	uint64_t last = lin + size - 1;

	if (!check_page(v, lin, write, user))
		return false;
	return (last >> PAGE_SHIFT) == (lin >> PAGE_SHIFT) || check_page(v, last, write, user);
}

bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len)
{
	return access_linear(v, lin, buf, len, false);
}

bool vcpu_write_linear(struct vcpu *v, uint64_t lin, const void *buf, size_t len)
{
	return access_linear(v, lin, (void *)(uintptr_t)buf, len, true);
}

bool vcpu_in_long_mode64(const struct vcpu *v)
{
	return (v->vmcb->save.efer & EFER_LMA) && (v->vmcb->save.cs.attrib & VMCB_ATTR_L);
}

static enum cpu_mode guest_cpu_mode(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (vcpu_in_long_mode64(v))
		return CPU_MODE_LONG64;
	if (!(s->cr0 & CR0_PE) || (s->rflags & RFLAGS_VM))
		return CPU_MODE_REAL;
	return (s->cs.attrib & VMCB_ATTR_DB) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

/* ---- instruction skipping and events ------------------------------------------ */

enum cpu_mode vcpu_cpu_mode(const struct vcpu *v)
{
	return guest_cpu_mode(v);
}

size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &v->vmcb->save;
	enum cpu_mode mode = guest_cpu_mode(v);
	size_t avail = 0;

	/* In 64-bit mode CS has no base; elsewhere IP/EIP wraps at the operand
	 * size and the linear address at 4 GiB (APM Vol. 1, 2.5). */
	for (; avail < INSN_MAX_LEN; avail++) {
		uint64_t ip = s->rip + avail, lin;
		if (mode == CPU_MODE_LONG64)
			lin = ip;
		else if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
			lin = (s->cs.base + (ip & 0xffff)) & 0xffffffffull;
		else
			lin = (s->cs.base + (ip & 0xffffffffull)) & 0xffffffffull;
		/* One walk per page: read the rest of this page in one go. */
		size_t n = MIN(INSN_MAX_LEN - avail, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
			n = MIN(n, 0x10000 - (ip & 0xffff));
		if (!vcpu_read_linear(v, lin, &bytes[avail], n))
			break;
		avail += n - 1;
	}
	return avail;
}

/* What each instruction intercept must find at RIP. A mismatch means the
 * guest rewrote its code between the exit and now (another vCPU, DMA
 * later); skipping by the length of something else would corrupt it. */
static enum insn_id expected_insn(uint64_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_CPUID: return INSN_CPUID;
	case SVM_EXIT_HLT: return INSN_HLT;
	case SVM_EXIT_INVD: return INSN_INVD;
	case SVM_EXIT_VMMCALL: return INSN_VMMCALL;
	default: return INSN_NONE;   /* MSR: RDMSR or WRMSR, checked below */
	}
}

/* The usual, prefix-free encoding of what an instruction intercept ran,
 * as a little-endian word to compare against, with its length. */
struct plain_encoding { uint32_t bytes; unsigned len; };

static struct plain_encoding plain_encoding(const struct vmcb_control *c)
{
	switch (c->exit_code) {
	case SVM_EXIT_CPUID: return (struct plain_encoding){ 0xa20f, 2 };
	case SVM_EXIT_VMMCALL: return (struct plain_encoding){ 0xd9010f, 3 };
	case SVM_EXIT_HLT: return (struct plain_encoding){ 0xf4, 1 };
	case SVM_EXIT_INVD: return (struct plain_encoding){ 0x080f, 2 };
	case SVM_EXIT_MSR: return (struct plain_encoding){ c->exit_info_1 == MSR_EXIT_WRITE ? 0x300f : 0x320f, 2 };
	default: return (struct plain_encoding){ 0, 0 };
	}
}

/* The fast path for the common case on CPUs without NRIP: paging off and
 * guest RAM in one run, so CS:RIP is a guest-physical address and a host
 * pointer is one addition away. Returns the instruction's length if the
 * bytes there are the plain encoding of what the exit says ran, else 0
 * (the caller takes the general path). */
static unsigned plain_insn_at_rip(struct vcpu *v, enum cpu_mode mode)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct plain_encoding enc = plain_encoding(&v->vmcb->control);
	uint32_t word;

	if (!enc.len || !v->vm->ram || (s->cr0 & CR0_PG))
		return 0;
	uint64_t ip = (mode == CPU_MODE_PROT32) ? (s->rip & 0xffffffffull) : (s->rip & 0xffff);
	uint64_t lin = (s->cs.base + ip) & 0xffffffffull;
	/* Four bytes are read whatever the length: they must all be RAM. */
	if (lin + 4 > v->vm->cfg.mem_size || (mode != CPU_MODE_PROT32 && ip + enc.len > 0x10000))
		return 0;
	__builtin_memcpy(&word, v->vm->ram + lin, 4);
	uint32_t mask = enc.len == 4 ? ~0u : (1u << (8 * enc.len)) - 1;
	return (word & mask) == enc.bytes ? enc.len : 0;
}

bool vcpu_skip_instruction(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	uint8_t bytes[INSN_MAX_LEN];
	enum cpu_mode mode = guest_cpu_mode(v);
	enum insn_id id;

	/* A STI/MOV SS shadow covers only the next instruction, which just ran. */
	vmcb->control.int_state &= ~INT_STATE_SHADOW;
	if ((svm.features & SVM_FEAT_NRIPS) && vmcb->control.next_rip) {
		vmcb->save.rip = vmcb->control.next_rip;
		return true;
	}
	unsigned plain = plain_insn_at_rip(v, mode);
	if (plain) {
		vmcb->save.rip += plain;
		if (mode != CPU_MODE_PROT32)
			vmcb->save.rip &= 0xffff;
		return true;
	}
	size_t avail = vcpu_fetch_insn(v, bytes);
	unsigned len = insn_length(bytes, avail, mode, &id);
	uint64_t code = vmcb->control.exit_code;
	enum insn_id want = expected_insn(code);
	bool matches = want != INSN_NONE ? id == want
		     : code == SVM_EXIT_MSR ? (id == INSN_RDMSR || id == INSN_WRMSR) : true;
	if (len == 0 || !matches) {
		vm_request_stop(v->vm, "error: cannot %s the instruction at RIP 0x%llx (exit %s)",
				len == 0 ? "decode" : "match", (unsigned long long)vmcb->save.rip,
				svm_exit_name(code));
		return false;
	}
	vmcb->save.rip += len;
	if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
		vmcb->save.rip &= 0xffff;
	else if (mode == CPU_MODE_PROT32)
		vmcb->save.rip &= 0xffffffffull;
	return true;
}

/* Exception classes for delivering two at once (AMD APM Vol. 2, 8.2.9
 * "Double Fault", table "Double-Fault Exception Conditions"). */
static bool is_contributory(uint8_t vec)
{
	return vec == 0 || vec == 10 || vec == 11 || vec == 12 || vec == 13;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	uint64_t pending = v->vmcb->control.event_inj;

	if (svm_event_valid(pending) && svm_event_type(pending) == SVM_EVENT_TYPE_EXCEPTION) {
		uint8_t first = svm_event_vector(pending);
		if (first == 8) {   /* a fault while delivering #DF: shutdown */
			vm_request_reset(v->vm, "triple fault");
			return;
		}
		if ((is_contributory(first) && is_contributory(vector)) ||
		    (first == 14 && (is_contributory(vector) || vector == 14))) {
			vector = 8;
			has_error = true;
			error = 0;
		}
	}
	v->vmcb->control.event_inj = vmcb_event(vector, SVM_EVENT_TYPE_EXCEPTION, has_error, error);
}

void vcpu_dump(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;
	const struct vmcb_control *c = &v->vmcb->control;
	const struct guest_gprs *g = &v->gprs;
	const char *n = v->vm->cfg.name;
#define R(x) ((unsigned long long)(x))
	log_rawf("vm %s: exit %s (0x%llx) info1 0x%llx info2 0x%llx intinfo 0x%llx\n", n,
		 svm_exit_name(c->exit_code), R(c->exit_code), R(c->exit_info_1), R(c->exit_info_2),
		 R(c->exit_int_info));
	log_rawf("vm %s: RIP=0x%016llx RSP=0x%016llx RFLAGS=0x%016llx CPL=%u\n", n, R(s->rip), R(s->rsp),
		 R(s->rflags), s->cpl);
	log_rawf("vm %s: RAX=0x%016llx RBX=0x%016llx RCX=0x%016llx RDX=0x%016llx\n", n, R(s->rax), R(g->rbx),
		 R(g->rcx), R(g->rdx));
	log_rawf("vm %s: RSI=0x%016llx RDI=0x%016llx RBP=0x%016llx R8 =0x%016llx\n", n, R(g->rsi), R(g->rdi),
		 R(g->rbp), R(g->r8));
	log_rawf("vm %s: R9 =0x%016llx R10=0x%016llx R11=0x%016llx R12=0x%016llx\n", n, R(g->r9), R(g->r10),
		 R(g->r11), R(g->r12));
	log_rawf("vm %s: R13=0x%016llx R14=0x%016llx R15=0x%016llx\n", n, R(g->r13), R(g->r14), R(g->r15));
	log_rawf("vm %s: CR0=0x%llx CR2=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx\n", n, R(s->cr0), R(s->cr2),
		 R(s->cr3), R(s->cr4), R(s->efer));
	log_rawf("vm %s: CS=%04x base 0x%llx limit 0x%x attr 0x%x; SS=%04x DS=%04x ES=%04x\n", n,
		 s->cs.selector, R(s->cs.base), s->cs.limit, s->cs.attrib, s->ss.selector, s->ds.selector,
		 s->es.selector);
#undef R
}

/* ---- exits handled here ----------------------------------------------------- */

static enum exit_action handle_physical_event(struct vcpu *v)
{
	/* INTR/NMI/SMI: the host takes it once GIF is set again (after STGI). */
	(void)v;
	return EXIT_RESUME;
}

/* HLT waits for an interrupt. With IF clear nothing can ever come (there is
 * no NMI source for guests), so that is the guest's end. With IF set the
 * vCPU leaves the core to the others until its CPU's next scheduler tick or
 * until input arrives on its UART: there is no virtual interrupt
 * controller yet, so those are the events a guest can be waiting for. */
static enum exit_action handle_hlt(struct vcpu *v)
{
	if (!(v->vmcb->save.rflags & RFLAGS_IF)) {
		vm_request_stop(v->vm, "error: HLT with interrupts disabled and nothing to wake it (RIP 0x%llx)",
				(unsigned long long)v->vmcb->save.rip);
		return EXIT_STOP;
	}
	if (!vcpu_skip_instruction(v))
		return EXIT_STOP;
	v->halted = true;
	v->uses_hlt = true;
	v->halt_tick = this_cpu()->ticks;
	vmctl_yield(v->vm);
	return EXIT_RESUME;
}

static enum exit_action handle_shutdown(struct vcpu *v)
{
	/* A triple fault: on a PC the chipset resets the machine. */
	vm_request_reset(v->vm, "triple fault");
	return EXIT_RESET;
}

static enum exit_action handle_svm_insn(struct vcpu *v)
{
	/* SVM is hidden from guests (CPUID 8000_0001h ECX[2] = 0, EFER.SVME
	 * cannot be set), so these are undefined instructions for them. */
	vcpu_inject_exception(v, X86_EXC_UD, false, 0);
	return EXIT_RESUME;
}

static enum exit_action handle_nop_skip(struct vcpu *v)
{
	/* INVD: dropping cached writes is not the guest's to do; a no-op is safe. */
	return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
}

static enum exit_action handle_npf(struct vcpu *v)
{
	const struct vmcb_control *c = &v->vmcb->control;

	vm_request_stop(v->vm, "error: %s of guest-physical 0x%llx, outside its RAM (RIP 0x%llx)",
			(c->exit_info_1 & NPF_ID) ? "instruction fetch" : (c->exit_info_1 & NPF_RW) ? "write" : "read",
			(unsigned long long)c->exit_info_2, (unsigned long long)v->vmcb->save.rip);
	return EXIT_STOP;
}

static enum exit_action handle_task_switch(struct vcpu *v)
{
	vm_request_stop(v->vm, "error: hardware task switch (not emulated) at RIP 0x%llx",
			(unsigned long long)v->vmcb->save.rip);
	return EXIT_STOP;
}

#define MCG_STATUS_MCIP BIT(2)

static enum exit_action handle_machine_check(struct vcpu *v)
{
	uint64_t mcg = rdmsr(MSR_MCG_STATUS);

	/* The error is the machine's, seen while this guest ran. Stop the
	 * guest; clear MCIP so a later machine check is not a shutdown. The
	 * bank-by-bank report belongs to a host #MC handler (not built yet). */
	wrmsr(MSR_MCG_STATUS, mcg & ~MCG_STATUS_MCIP);
	vm_request_stop(v->vm, "error: machine check while the guest ran (MCG_STATUS 0x%llx, RIP 0x%llx)",
			(unsigned long long)mcg, (unsigned long long)v->vmcb->save.rip);
	return EXIT_STOP;
}

/* #DB and #AC are intercepted only to be given straight back: an exception
 * that recurs while it is being delivered (an #AC on the #AC handler's
 * misaligned stack, a #DB on a breakpoint over the #DB stack) would
 * otherwise loop inside the CPU with no window for an interrupt, holding the
 * physical CPU for ever (CVE-2015-5307, CVE-2015-8104). Intercepted, each
 * round trip passes through the hypervisor, which can stop or preempt it. */
static enum exit_action handle_reflect_db(struct vcpu *v)
{
	vcpu_inject_exception(v, X86_EXC_DB, false, 0);
	return EXIT_RESUME;
}

static enum exit_action handle_reflect_ac(struct vcpu *v)
{
	vcpu_inject_exception(v, X86_EXC_AC, true, (uint32_t)v->vmcb->control.exit_info_1);
	return EXIT_RESUME;
}

static const exit_handler_t exit_handlers[] = {
	[SVM_EXIT_EXCP_BASE + 1] = handle_reflect_db,
	[SVM_EXIT_EXCP_BASE + 17] = handle_reflect_ac,
	[SVM_EXIT_EXCP_BASE + 18] = handle_machine_check,
	[SVM_EXIT_INTR] = handle_physical_event,
	[SVM_EXIT_NMI] = handle_physical_event,
	[SVM_EXIT_SMI] = handle_physical_event,
	[SVM_EXIT_CPUID] = handle_cpuid,
	[SVM_EXIT_INVD] = handle_nop_skip,
	[SVM_EXIT_HLT] = handle_hlt,
	[SVM_EXIT_INVLPGA] = handle_svm_insn,
	[SVM_EXIT_IOIO] = handle_ioio,
	[SVM_EXIT_MSR] = handle_msr,
	[SVM_EXIT_TASK_SWITCH] = handle_task_switch,
	[SVM_EXIT_FERR_FREEZE] = handle_physical_event,
	[SVM_EXIT_SHUTDOWN] = handle_shutdown,
	[SVM_EXIT_VMRUN] = handle_svm_insn,
	[SVM_EXIT_VMMCALL] = handle_vmmcall,
	[SVM_EXIT_VMLOAD] = handle_svm_insn,
	[SVM_EXIT_VMSAVE] = handle_svm_insn,
	[SVM_EXIT_STGI] = handle_svm_insn,
	[SVM_EXIT_CLGI] = handle_svm_insn,
	[SVM_EXIT_SKINIT] = handle_svm_insn,
	[SVM_EXIT_MONITOR] = handle_svm_insn,   /* MONITOR/MWAIT are hidden in CPUID: #UD */
	[SVM_EXIT_MWAIT] = handle_svm_insn,
	[SVM_EXIT_XSETBV] = handle_svm_insn,    /* XSAVE is hidden in CPUID: #UD */
	[SVM_EXIT_RDPRU] = handle_svm_insn,
	[SVM_EXIT_NPF] = handle_npf,
};

static enum exit_action dispatch_exit(struct vcpu *v)
{
	uint64_t code = v->vmcb->control.exit_code;

	if (code == SVM_EXIT_INVALID) {
		vm_request_stop(v->vm, "error: VMRUN refused the guest state (VMEXIT_INVALID)");
		vcpu_dump(v);
		return EXIT_STOP;
	}
	if (code >= ARRAY_SIZE(exit_handlers) || !exit_handlers[code]) {
		vm_request_stop(v->vm, "error: unhandled exit %s (0x%llx)", svm_exit_name(code),
				(unsigned long long)code);
		vcpu_dump(v);
		return EXIT_STOP;
	}
	return exit_handlers[code](v);
}

/* ---- the loop ------------------------------------------------------------------ */

bool vm_exit_stats_enabled = true;

/* An event whose delivery the exit interrupted is delivered again, or it
 * would be lost (APM 15.7.2 EXITINTINFO). INTn, INT3 and INTO are not: RIP
 * still points at the instruction, which simply runs again; injecting them
 * would need the return address after it (next_rip), and a re-run gets the
 * privilege checks right for free. */
static void requeue_interrupted_event(struct vcpu *v)
{
	uint64_t e = v->vmcb->control.exit_int_info;
	unsigned type = svm_event_type(e);
	uint8_t vec = svm_event_vector(e);

	v->vmcb->control.event_inj = 0;
	if (!svm_event_valid(e) || type == SVM_EVENT_TYPE_SOFT_INT ||
	    (type == SVM_EVENT_TYPE_EXCEPTION && (vec == 3 || vec == 4)))
		return;
	v->vmcb->control.event_inj = e;
}

static void vcpu_enter(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	/* The ASID is this VM's alone, so its TLB entries never need flushing
	 * for another VM's sake; only a fresh start or restart flushes them. */
	c->tlb_control = TLB_CONTROL_DO_NOTHING;
	if (v->flush_tlb) {
		c->tlb_control = (svm.features & SVM_FEAT_FLUSH_BY_ASID) ? TLB_CONTROL_FLUSH_ASID
									     : TLB_CONTROL_FLUSH_ALL;
		v->flush_tlb = false;
	}
	/* Host IF is set across VMRUN so physical interrupts (the scheduler's
	 * timer, IPIs) exit the guest however it runs (V_INTR_MASKING: the
	 * host's IF governs them in guest mode, APM 15.21.1). GIF keeps them
	 * out until STGI, where a pending one is taken; then IF is cleared. */
	svm_clgi();
	__asm__ volatile("sti" ::: "memory");
	svm_vmrun(v->vmcb_pa, &v->gprs, this_cpu()->host_vmcb_pa);
	svm_stgi();
	__asm__ volatile("cli" ::: "memory");
	if (vm_exit_stats_enabled)
		v->exit_tsc = rdtsc();
}

void vm_stop_now(struct vm *vm)
{
	struct vcpu *v = &vm->vcpu;

	/* The reason as the stop line gives it, kept for `vms` and `vcpu`
	 * (rewritten before the shell can see STOPPED). */
	if (vm->pending == EXIT_RESET && strcmp(vm->reason, "triple fault") != 0) {
		char how[VM_STOP_REASON_MAX];
		hv_snprintf(how, sizeof(how), "%s", vm->reason);
		hv_snprintf(vm->reason, sizeof(vm->reason), "reset (%s)", how);
	}
	vm->stop_tsc = rdtsc();
	if (vm->final_vmcb) {   /* for `vcpu`/`vmcb` after the VMCB is freed */
		__builtin_memcpy(vm->final_vmcb, v->vmcb, sizeof(*v->vmcb));
		vm->final_gprs = v->gprs;
	}
	/* Published after the copy (the shell reads it once it sees STOPPED),
	 * and before the focus check in console_vm_stopped(). */
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	console_vm_flush(vm);
	hv_log(LOG_INFO, "vm %s stopped: %s", vm->cfg.name, vm->reason);
	if (vm_exit_stats_enabled) {
		char summary[160];
		exit_stats_summary2(&v->stats_before, &v->stats, summary, sizeof(summary), 6, svm_exit_name);
		hv_log(LOG_INFO, "vm %s: %llu exits: %s", vm->cfg.name,
		       (unsigned long long)(v->stats_before.total + v->stats.total), summary);
	}
	console_vm_stopped(vm);
}

bool vm_run_slice(struct vm *vm, bool preemptible)
{
	struct vcpu *v = &vm->vcpu;
	static bool first_vmrun_seen;
	uint64_t start_tick = this_cpu()->ticks;

	if (vm->state == VM_STOPPED)
		return true;
	if (vm->state == VM_READY) {
		/* Under QEMU's -icount shift=0 this is the instruction count from
		 * the Multiboot2 hand-off to here (make bench reports it). */
		if (!__atomic_exchange_n(&first_vmrun_seen, true, __ATOMIC_RELAXED)) {
			hv_log(LOG_INFO, "hv: hand-off to first VMRUN: %llu TSC ticks",
			       (unsigned long long)tsc_ticks_since_boot());
		}
		vm->state = VM_RUNNING;
		vm->start_tsc = rdtsc();
		hv_log(LOG_INFO, "vm %s started", vm->cfg.name);
	}
	for (;;) {
		vcpu_enter(v);
		requeue_interrupted_event(v);
		uint64_t code = v->vmcb->control.exit_code;
		enum exit_action a = dispatch_exit(v);
		if (vm_exit_stats_enabled)
			exit_stats_add(&v->stats, code, rdtsc() - v->exit_tsc);
		if (vm->pending != EXIT_RESUME)
			a = vm->pending;
		if (a == EXIT_RESET && vm->cfg.on_reset == VM_ON_RESET_RESTART) {
			console_vm_flush(vm);
			hv_log(LOG_INFO, "vm %s reset (%s); restarting", vm->cfg.name, vm->reason);
			vm_restart(vm);
			a = EXIT_RESUME;
		}
		if (a != EXIT_RESUME)
			break;
		/* The operator wants something of this VM, or its CPU does (HLT,
		 * a keystroke for the shell): the scheduler looks. One load. */
		if (vm->control)
			return false;
		/* The quantum ended (the LAPIC timer ticked while the guest ran:
		 * its interrupt made the INTR exit, and was taken after STGI). */
		if (preemptible && this_cpu()->ticks != start_tick)
			return false;
	}
	vm_stop_now(vm);
	return true;
}

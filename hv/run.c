/* hv/run.c - The run loop and exit dispatch.
 *
 *   vm_run: CLGI, svm_vmrun (arch/x86/svm/vmrun.asm), STGI, then
 *   exit_handlers[exit_code] -> RESUME, STOP or RESET.
 *
 * An exit the table does not know, or a VMRUN the CPU refuses, stops that VM
 * with a dump of its state; the hypervisor goes on (STYLE.md pattern 4). */
#define LOG_PREFIX ""
#include "arch/x86/cpu.h"
#include "arch/x86/svm/svm.h"
#include "hv/emulate/insn_len.h"
#include "hv/vcpu.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/guest_walk.h"

#define CR0_PE BIT(0)
#define RFLAGS_IF BIT(9)
#define RFLAGS_VM BIT(17)

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

bool vcpu_skip_instruction(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	uint8_t bytes[INSN_MAX_LEN];
	size_t avail = 0;
	enum cpu_mode mode = guest_cpu_mode(v);

	/* A STI/MOV SS shadow covers only the next instruction, which just ran. */
	vmcb->control.int_state &= ~INT_STATE_SHADOW;
	if ((svm.features & SVM_FEAT_NRIPS) && vmcb->control.next_rip) {
		vmcb->save.rip = vmcb->control.next_rip;
		return true;
	}
	uint64_t lin = vmcb->save.cs.base + vmcb->save.rip;
	if (mode != CPU_MODE_LONG64)
		lin &= 0xffffffffull;
	/* Read byte by byte up to 15, stopping at the first unreadable one: an
	 * instruction at the very end of RAM is still decodable. */
	while (avail < sizeof(bytes) && vcpu_read_linear(v, lin + avail, &bytes[avail], 1))
		avail++;
	unsigned len = insn_length(bytes, avail, mode, NULL);
	if (len == 0) {
		vm_request_stop(v->vm, "error: cannot decode the instruction at RIP 0x%llx (exit %s)",
				(unsigned long long)vmcb->save.rip, svm_exit_name(vmcb->control.exit_code));
		return false;
	}
	vmcb->save.rip += len;
	if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
		vmcb->save.rip &= 0xffff;
	return true;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
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

static enum exit_action handle_hlt(struct vcpu *v)
{
	/* No interrupt source exists in the VM yet, so nothing can wake it. */
	vm_request_stop(v->vm, "error: HLT with %s and nothing to wake it (RIP 0x%llx)",
			(v->vmcb->save.rflags & RFLAGS_IF) ? "interrupts enabled" : "interrupts disabled",
			(unsigned long long)v->vmcb->save.rip);
	return EXIT_STOP;
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
	vcpu_inject_exception(v, 6, false, 0);
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

static enum exit_action handle_machine_check(struct vcpu *v)
{
	vm_request_stop(v->vm, "error: machine check while the guest ran (RIP 0x%llx)",
			(unsigned long long)v->vmcb->save.rip);
	return EXIT_STOP;
}

static const exit_handler_t exit_handlers[] = {
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
	svm_clgi();
	svm_vmrun(v->vmcb_pa, &v->gprs, svm_host_vmcb_pa());
	svm_stgi();
	v->exit_tsc = rdtsc();
}

void vm_run(struct vm *vm)
{
	struct vcpu *v = &vm->vcpu;

	vm->state = VM_RUNNING;
	hv_log(LOG_INFO, "vm %s started", vm->cfg.name);
	for (;;) {
		vcpu_enter(v);
		/* An event the exit interrupted is re-injected, or it would be lost
		 * (APM 15.7.2 EXITINTINFO). */
		if (svm_event_valid(v->vmcb->control.exit_int_info))
			v->vmcb->control.event_inj = v->vmcb->control.exit_int_info;
		else
			v->vmcb->control.event_inj = 0;
		uint64_t code = v->vmcb->control.exit_code;
		enum exit_action a = dispatch_exit(v);
		exit_stats_add(&v->stats, code, rdtsc() - v->exit_tsc);
		if (vm->pending != EXIT_RESUME)
			a = vm->pending;
		if (a == EXIT_RESUME)
			continue;
		if (a == EXIT_RESET && vm->cfg.on_reset == VM_ON_RESET_RESTART) {
			vuart_flush(&vm->uart);
			hv_log(LOG_INFO, "vm %s reset (%s); restarting", vm->cfg.name, vm->reason);
			vm_restart(vm);
			continue;
		}
		break;
	}
	vuart_flush(&vm->uart);
	vm->state = VM_STOPPED;
	if (vm->pending == EXIT_RESET && strcmp(vm->reason, "triple fault") != 0)
		hv_log(LOG_INFO, "vm %s stopped: reset (%s)", vm->cfg.name, vm->reason);
	else
		hv_log(LOG_INFO, "vm %s stopped: %s", vm->cfg.name, vm->reason);
	char summary[160];
	exit_stats_summary(&v->stats, summary, sizeof(summary), 6, svm_exit_name);
	hv_log(LOG_INFO, "vm %s: %llu exits: %s", vm->cfg.name, (unsigned long long)v->stats.total, summary);
}

/* hv/run.c - The run loop and exit dispatch.
 *
 *   vcpu_run_slice: CLGI, svm_vmrun (arch/x86/svm/vmrun.asm), STGI, then
 *   exit_handlers[exit_code] -> RESUME or STOP, then one look at the
 *   vCPU's request word.
 *
 * An exit the table does not know, or a VMRUN the CPU refuses, stops that VM
 * with a dump of its guest state; the hypervisor goes on (STYLE.md
 * pattern 4). */
#define LOG_PREFIX ""
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/svm/svm.h"
#include "drivers/tsc.h"
#include "hv/exit.h"
#include "hv/sched.h"
#include "hv/vcpu_apic.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/string.h"

/* ---- exits handled here ----------------------------------------------------- */

static enum exit_action handle_physical_event(struct vcpu *v)
{
	/* INTR/NMI/SMI: the host takes it once GIF is set again (after STGI). */
	(void)v;
	return EXIT_RESUME;
}

/* HLT waits for an interrupt. With IF set the vCPU leaves the core to the
 * others, blocked until something could end the HLT: an event pending for
 * it (an interrupt raised, an NMI), its own timer (HC_SET_TIMER) passing,
 * or input on its UART. Nothing polls it: whoever makes one of those true
 * kicks its CPU, whose scheduler then sees it (hv/sched.c wake_check).
 * With IF clear only an NMI, SMI or INIT ends it; it blocks until one
 * comes, and the VM stops only when none can come: when every vCPU is
 * blocked like this or waiting for a SIPI (no vCPU left that could send
 * one; no device is wired to NMI). */
static enum exit_action handle_hlt(struct vcpu *v)
{
	bool irq_ok = v->vmcb->save.rflags & RFLAGS_IF;
	uint64_t rip = v->vmcb->save.rip;

	if (!vcpu_skip_instruction(v))
		return EXIT_STOP;
	__atomic_store_n(&v->state, irq_ok ? VCPU_HALTED : VCPU_HALTED_NO_IRQ, __ATOMIC_SEQ_CST);
	/* A vCPU that owes an event (a single-step #DB after this HLT) does
	 * not block: the event ends the HLT at once, as on the processor. */
	if (v->events.pending & EVF_EXC)
		__atomic_store_n(&v->state, VCPU_RUNNABLE, __ATOMIC_SEQ_CST);
	else if (!irq_ok && !vm_stop_pending(v->vm) && !vm_any_vcpu_can_wake(v->vm)) {
		vm_request_stop(v->vm, VM_STOP_ERROR,
				"error: HLT with interrupts disabled and nothing to wake it (RIP 0x%llx)",
				(unsigned long long)rip);
		return EXIT_STOP;
	}
	return EXIT_STOP;   /* back to the scheduler: the vCPU is blocked */
}

/* The interrupt window opened, or an IRET ended an NMI handler (it has not
 * executed yet: RIP stays on it). hv/inject.c did the bookkeeping in
 * events_after_exit(); the next entry delivers what waits. */
static enum exit_action handle_event_window(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

static enum exit_action handle_shutdown(struct vcpu *v)
{
	/* A triple fault: on a PC the chipset resets the machine. */
	vm_request_reset(v->vm, VM_STOP_TRIPLE_FAULT, "triple fault");
	return EXIT_STOP;
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

static enum exit_action handle_task_switch(struct vcpu *v)
{
	vm_request_stop(v->vm, VM_STOP_ERROR, "error: hardware task switch (not emulated) at RIP 0x%llx",
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
	vm_request_stop(v->vm, VM_STOP_ERROR, "error: machine check while the guest ran (MCG_STATUS 0x%llx, RIP 0x%llx)",
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
	[SVM_EXIT_VINTR] = handle_event_window,
	[SVM_EXIT_IRET] = handle_event_window,
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
	[SVM_EXIT_XSETBV] = handle_xsetbv,      /* hv/exit_xsetbv.c; QEMU TCG never exits for it */
	[SVM_EXIT_RDPRU] = handle_svm_insn,
	[SVM_EXIT_NPF] = handle_npf,
};

/* No handler for the code: VMRUN refused the state, or an exit the table
 * does not know. Off the hot path. */
static enum exit_action exit_unhandled(struct vcpu *v, uint64_t code)
{
	/* QEMU reports VMEXIT_INVALID in the low 32 bits only (0xffffffff):
	 * either form is VMRUN refusing the guest state (APM 15.6). The dump
	 * shows guest state only: nothing of the host reaches the log a guest
	 * can cause. */
	if (code == SVM_EXIT_INVALID || (uint32_t)code == (uint32_t)SVM_EXIT_INVALID)
		vm_request_stop(v->vm, VM_STOP_ERROR, "error: VMRUN refused the guest state (VMEXIT_INVALID)");
	else
		vm_request_stop(v->vm, VM_STOP_ERROR, "error: unhandled exit %s (0x%llx)", svm_exit_name(code),
				(unsigned long long)code);
	vcpu_dump(v);
	return EXIT_STOP;
}

static inline enum exit_action dispatch_exit(struct vcpu *v, uint64_t code)
{
	if (unlikely(code >= ARRAY_SIZE(exit_handlers) || !exit_handlers[code]))
		return exit_unhandled(v, code);
	return exit_handlers[code](v);
}

/* ---- the loop ------------------------------------------------------------------ */

bool vm_exit_stats_enabled = true;

/* This vCPU's ASID on this host CPU, in this CPU's generation (hv/asid.h):
 * a roll-over or a fresh assignment decides the flush. Taken once per
 * slice: nothing else runs on this CPU until the slice ends, so the ASID
 * cannot be lent to anyone else meanwhile; an invalidation in between
 * (asid_invalidate) ends the slice by a request. */
static void vcpu_take_asid(struct vcpu *v, struct percpu *me)
{
	struct vmcb_control *c = &v->vmcb->control;
	enum asid_flush flush = asid_assign(sched_asid_space(me->cpu_id), me->cpu_id, &v->asid,
					    svm.features & SVM_FEAT_FLUSH_BY_ASID);

	BUG_ON(v->asid.asid == 0 || v->asid.asid >= svm.nasid);   /* QEMU does not check the bound itself */
	c->guest_asid = v->asid.asid;
	c->tlb_control = asid_tlb_control(flush);
}

static inline void vcpu_enter(struct vcpu *v, struct percpu *me, bool stats)
{
	struct vmcb *vmcb = v->vmcb;

	vmcb->save.rax = v->gprs.rax;
	vmcb->save.rsp = v->gprs.rsp;
	/* Host IF is set across VMRUN so physical interrupts (the scheduler's
	 * timer, IPIs) exit the guest however it runs (V_INTR_MASKING: the
	 * host's IF governs them in guest mode, APM 15.21.1). GIF keeps them
	 * out until STGI, where a pending one is taken; then IF is cleared. */
	svm_clgi();
	__asm__ volatile("sti" ::: "memory");
	svm_vmrun(v->vmcb_pa, &v->gprs, me->host_vmcb_pa);
	svm_stgi();
	__asm__ volatile("cli" ::: "memory");
	if (stats)
		v->exit_tsc = rdtsc();
	v->gprs.rax = vmcb->save.rax;
	v->gprs.rsp = vmcb->save.rsp;
	vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;   /* the flush, if any, is done */
}

void vm_stop_now(struct vm *vm)
{
	struct vcpu *v0 = vm->vcpus[0];

	vm->stop_tsc = rdtsc();
	if (vm->final_vmcb) {   /* for `vcpu`/`vmcb` after the VM is gone */
		__builtin_memcpy(vm->final_vmcb, v0->vmcb, sizeof(*v0->vmcb));
		vm->final_gprs = v0->gprs;
	}
	/* Published after the copy (the shell reads it once it sees STOPPED),
	 * and before the console's focus check (the vm_stopped hook). */
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	sched_console_vm_stopping(vm);
	hv_log(LOG_INFO, "vm %s stopped: %s", vm->cfg.name, vm->reason);
	if (vm_exit_stats_enabled) {
		static struct exit_stats before, recent;   /* the VM's CPU only: under the stop */
		static struct spinlock summary_lock;
		char summary[160];
		spin_lock(&summary_lock);
		exit_stats_clear(&before);
		exit_stats_clear(&recent);
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			exit_stats_merge(&before, &vm->vcpus[i]->stats_before);
			exit_stats_merge(&recent, &vm->vcpus[i]->stats);
		}
		exit_stats_summary2(&before, &recent, summary, sizeof(summary), 6, svm_exit_name);
		hv_log(LOG_INFO, "vm %s: %llu exits: %s", vm->cfg.name, (unsigned long long)(before.total + recent.total),
		       summary);
		spin_unlock(&summary_lock);
	}
	sched_console_vm_stopped(vm);
}

void vcpu_run_slice(struct vcpu *v, bool preemptible)
{
	struct vm *vm = v->vm;
	struct percpu *me = this_cpu();
	static bool first_vmrun_seen;
	uint64_t start_tick = me->ticks;

	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE) &&
	    !__atomic_exchange_n(&vm->started, true, __ATOMIC_ACQ_REL)) {
		/* Under QEMU's -icount shift=0 this is the instruction count from
		 * the Multiboot2 hand-off to here (make bench reports it). */
		if (!__atomic_exchange_n(&first_vmrun_seen, true, __ATOMIC_RELAXED)) {
			hv_log(LOG_INFO, "hv: hand-off to first VMRUN: %llu TSC ticks",
			       (unsigned long long)tsc_ticks_since_boot());
		}
		vm->start_tsc = rdtsc();
		__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
		hv_log(LOG_INFO, "vm %s started", vm->cfg.name);
	}
	vcpu_take_asid(v, me);
	/* Read once: the run loop's asm statements clobber memory, so the
	 * compiler would load the flag twice per exit. */
	const bool stats = vm_exit_stats_enabled;
	for (;;) {
		/* Event delivery (hv/inject.c) owns EVENTINJ and the interrupt
		 * window; with nothing pending that is one load. */
		if (unlikely(v->events.pending) && !events_before_vmrun(&v->events, v->vmcb)) {
			vm_request_reset(vm, VM_STOP_TRIPLE_FAULT, "triple fault");
			return;
		}
		vcpu_enter(v, me, stats);
		struct vmcb_control *c = &v->vmcb->control;
		if (unlikely(v->events.pending || (c->exit_int_info & SVM_EVENT_V)))
			events_after_exit(&v->events, v->vmcb);
		else
			c->event_inj = 0;
		uint64_t code = c->exit_code;
		enum exit_action a = dispatch_exit(v, code);
		if (stats)
			exit_stats_add(&v->stats, code, rdtsc() - v->exit_tsc);
		/* A stop, reset or kick for this vCPU, or a handler that blocked
		 * it: the scheduler looks. One load on the common path. Its own
		 * LAPIC timer moving (an OS programs it on every idle entry) is
		 * taken here, without the trip. */
		if (a != EXIT_RESUME || v->requests) {
			if (a != EXIT_RESUME || v->requests != VCPU_REQ_APIC_TIMER)
				return;
			vcpu_apic_timer_rearm(v);
		}
		/* The quantum ended (its timer fired while the guest ran: the
		 * LAPIC timer interrupt made the INTR exit, was taken after
		 * STGI, and counted the quantum in me->ticks). */
		if (preemptible && me->ticks != start_tick)
			return;
	}
}

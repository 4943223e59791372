/* hv/sched.c - Run queues: each CPU runs the VMs placed on it (cpu=N, or
 * the least loaded CPU) round robin, one quantum each (the LAPIC timer's
 * period); the timer runs only while someone needs it. Between slices the
 * scheduler applies the operator's requests (hv/vmctl.h), and the boot CPU
 * serves the console (hv/console/console.h). */
#include "arch/x86/fpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "drivers/lapic.h"
#include "hv/console/console.h"
#include "hv/sched.h"
#include "hv/vmctl.h"
#include "lib/log.h"
#include "lib/string.h"

struct vm vms[MAX_VMS];
unsigned vm_count;

struct vm *vm_find(const char *name)
{
	for (unsigned i = 0; i < vm_count; i++)
		if (strcmp(vms[i].cfg.name, name) == 0)
			return &vms[i];
	return NULL;
}

const char *vm_state_name(const struct vm *vm)
{
	if (vm_stopped(vm))
		return "stopped";
	if (vmctl_is_paused(vm))
		return vm->parked ? "paused" : "pausing";
	if (vm->state == VM_READY)
		return "ready";
	return vm->vcpu.halted ? "halted" : "running";
}

/* Where a VM without cpu= goes: the online CPU with SVM that has the fewest
 * VMs so far (the lowest-numbered on a tie), so unpinned VMs spread over
 * the cores and only share one when there are more VMs than cores. */
uint32_t sched_place(const struct vm *placed, unsigned n, int pinned)
{
	uint32_t best = 0, best_load = UINT32_MAX;

	if (pinned >= 0)
		return (uint32_t)pinned;
	for (uint32_t c = 0; c < cpu_count; c++) {
		if (!cpus[c] || !cpus[c]->svm_enabled)
			continue;
		uint32_t load = 0;
		for (unsigned i = 0; i < n; i++)
			load += placed[i].cpu == c;
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

static void set_timer(struct percpu *me, bool on)
{
	if (on == me->timer_running || !me->timer_ticks_per_ms)
		return;
	if (on)
		lapic_timer_start(me->timer_ticks_per_ms, QUANTUM_MS);
	else
		lapic_timer_stop();
	me->timer_running = on;
	pr_debug("cpu%u: scheduler tick %s", me->cpu_id, on ? "on" : "off");
}

/* A vCPU in HLT runs again at its CPU's next tick or when input comes. */
static bool still_halted(struct vm *vm, const struct percpu *me)
{
	struct vcpu *v = &vm->vcpu;

	if (v->halted && (me->ticks != v->halt_tick || vuart_rx_pending(&vm->uart)))
		v->halted = false;
	return v->halted;
}

/* The FPU/SSE and DR0-3 registers hold *last's state; make them vm's. */
static void switch_fpu(struct vm **last, struct vm *vm)
{
	if (vm == *last)
		return;
	if (*last)
		fpu_context_save(&(*last)->vcpu.fpu);
	fpu_context_load(&vm->vcpu.fpu);
	*last = vm;
}

/* Nothing to run here: halt until a tick, an IPI (a kick, a resume, input
 * for a halted VM) or, on the boot CPU, a keystroke. A boot CPU that polls
 * the console but has no timer to wake it cannot halt. */
static void wait_for_work(struct percpu *me, bool boot_cpu)
{
	if (boot_cpu && console_polling() && !me->timer_running)
		cpu_relax();
	else
		cpu_idle_wait();
}

static void run_cpu_queue(void *arg)
{
	(void)arg;
	struct percpu *me = this_cpu();
	struct vm *mine[MAX_VMS];
	struct vm *last = NULL;
	unsigned n = 0, next = 0;   /* next: where the round robin goes on */
	bool boot_cpu = me->cpu_id == 0;

	for (unsigned i = 0; i < vm_count; i++)
		if (vms[i].cpu == me->cpu_id)
			mine[n++] = &vms[i];
	if (n > 1 && !me->timer_ticks_per_ms)
		pr_warn("cpu%u: no LAPIC timer: its %u VMs run one after another", me->cpu_id, n);
	for (;;) {
		/* This pass sees every change made so far (seq_cst: the clear
		 * must not pass the loads of vm->control below). */
		__atomic_store_n(&me->resched, false, __ATOMIC_SEQ_CST);
		/* Who could run now decides whether the tick is needed: it
		 * preempts when VMs share the core, wakes halted vCPUs, and polls
		 * the console when its input has no interrupt. */
		unsigned alive = 0, ready = 0, halters = 0;
		for (unsigned i = 0; i < n; i++) {
			struct vm *vm = mine[i];
			if (!vm)
				continue;
			alive++;
			/* A paused or held VM is parked here, at the start of every
			 * pass: the shell waits for that, and the VM that runs next
			 * may not give the core back before the tick (or ever, if it
			 * alone is runnable and the tick is off). */
			if (!vmctl_may_run(vm))
				continue;
			/* A vCPU that waits in HLT needs the tick to wake; one that
			 * did once will again, so the tick stays on rather than
			 * being reprogrammed twice per HLT. */
			halters += vm->vcpu.uses_hlt;
			ready += !still_halted(vm, me);
		}
		if (!alive)
			break;
		set_timer(me, ready > 1 || halters || (boot_cpu && console_polling()));
		bool ran = false, waiting = false, rescan = false;
		/* From where the last pass left off, so a rescan (the shell
		 * changed something) never sends the rotation back to the start. */
		unsigned start = next;
		for (unsigned k = 0; k < n && !rescan; k++) {
			unsigned i = (start + k) % n;
			struct vm *vm = mine[i];
			if (!vm)
				continue;
			if (boot_cpu)
				console_poll();
			uint32_t requests;
			if (!vmctl_prepare(vm, &requests))
				continue;   /* held by the shell */
			/* A reset scrubs the FPU registers, so they must be this
			 * VM's; a stopped VM's are simply dropped. */
			if (requests & VM_CTL_RESET)
				switch_fpu(&last, vm);
			if (vmctl_apply_requests(vm, requests)) {
				vmctl_stopped(vm);
				mine[i] = NULL;
				if (last == vm)
					last = NULL;
				continue;
			}
			if (!vmctl_may_run(vm))
				continue;
			if (still_halted(vm, me)) {
				waiting = true;
				continue;
			}
			switch_fpu(&last, vm);
			/* Ordering 3 (hv/vmctl.c kick): publish the VM, then look
			 * for a change the shell made since this pass began (a
			 * resumed VM the timer decision above did not count). */
			__atomic_store_n(&me->current_vm, vm, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&me->resched, __ATOMIC_SEQ_CST)) {
				me->current_vm = NULL;
				rescan = true;
				next = i;
				continue;
			}
			bool stopped = vm_run_slice(vm, me->timer_running);
			me->current_vm = NULL;
			me->last_vm = vm;
			ran = true;
			next = i + 1;
			if (stopped) {
				vmctl_stopped(vm);
				mine[i] = NULL;
				last = NULL;
			}
		}
		/* A halted vCPU the shell just resumed needs the tick to wake it. */
		if (waiting)
			set_timer(me, true);
		if (!ran && !rescan && !me->resched && !(boot_cpu && console_input_pending()))
			wait_for_work(me, boot_cpu);
	}
	set_timer(me, false);
}

void sched_run_guests(void)
{
	struct percpu *me = this_cpu();

	for (uint32_t c = 1; c < cpu_count; c++) {
		for (unsigned i = 0; i < vm_count; i++) {
			if (vms[i].cpu == c) {
				smp_run_on(c, run_cpu_queue, NULL);
				break;
			}
		}
	}
	console_shell_start();
	run_cpu_queue(NULL);
	/* The boot CPU's VMs are done; it serves the console until the
	 * others' are (each AP wakes it when its queue is empty). */
	set_timer(me, console_polling());
	while (!smp_all_done()) {
		console_poll();
		if (!console_input_pending())
			wait_for_work(me, true);
	}
	set_timer(me, false);
}

void sched_serve_console(void)
{
	console_shell_start();   /* also when no VM could run (no SVM) */
	set_timer(this_cpu(), console_polling());
	for (;;) {
		console_poll();
		if (!console_input_pending())
			wait_for_work(this_cpu(), true);
	}
}

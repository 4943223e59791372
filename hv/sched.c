/* hv/sched.c - Run queues: each host CPU runs the vCPUs placed on it (cpu=
 * or the least loaded CPU) round robin, one quantum each; the quantum's
 * timer (hv/timer.h) is armed only while more than one of them could run,
 * so a vCPU alone on its CPU is never interrupted for it. Between
 * slices the scheduler acts on each vCPU's requests: it parks a vCPU whose
 * VM stops or resets (the last one to park finishes the job), starts one
 * that got INIT/SIPI, and parks the ones the operator paused or holds.
 * The boot CPU also runs the console's periodic work (a hook start-up
 * registers, hv/sched.h), on a timer of its own when input is polled. */
#define LOG_PREFIX ""
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/svm/svm.h"
#include "hv/sched.h"
#include "hv/timer.h"
#include "hv/vcpu_apic.h"
#include "hv/vmctl.h"
#include "lib/log.h"
#include "lib/string.h"

struct vm vms[MAX_VMS];
unsigned vm_count;

static struct asid_cpu asid_spaces[MAX_CPUS];

/* The boot CPU's console hooks (hv/init/main.c registers them). */
static const struct sched_console_hooks *console_hooks;

void sched_set_console_hooks(const struct sched_console_hooks *hooks)
{
	console_hooks = hooks;
}

void sched_console_vm_stopping(struct vm *vm)
{
	if (console_hooks && console_hooks->vm_stopping)
		console_hooks->vm_stopping(vm);
}

void sched_console_vm_stopped(struct vm *vm)
{
	if (console_hooks && console_hooks->vm_stopped)
		console_hooks->vm_stopped(vm);
}

static void console_poll_hook(void)
{
	if (console_hooks)
		console_hooks->poll();
}

static bool console_pending_hook(void)
{
	return console_hooks && console_hooks->input_pending();
}

static bool console_polling_hook(void)
{
	return console_hooks && console_hooks->polling();
}

struct asid_cpu *sched_asid_space(uint32_t cpu)
{
	return &asid_spaces[cpu];
}

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
	if (vmctl_is_paused(vm)) {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			if (!vm->vcpus[i]->parked)
				return "pausing";
		return "paused";
	}
	if (vm->state == VM_READY)
		return "ready";
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i]->state == VCPU_RUNNABLE)
			return "running";
	return "halted";
}

/* Where a vCPU without cpu= goes: the online CPU with SVM that has the
 * fewest vCPUs so far (the lowest-numbered on a tie), so unpinned vCPUs
 * spread over the cores and only share one when there are more of them
 * than cores. The vCPUs of one VM are spread the same way, so they run in
 * parallel when there are CPUs for them. */
uint32_t sched_place(const struct vm *table, unsigned n, const struct vm *vm, unsigned upto, int pinned)
{
	uint32_t best = 0, best_load = UINT32_MAX;

	if (pinned >= 0)
		return (uint32_t)pinned;
	for (uint32_t c = 0; c < cpu_count; c++) {
		if (!cpus[c] || !cpus[c]->svm_enabled)
			continue;
		uint32_t load = 0;
		for (unsigned i = 0; i < n; i++)
			for (unsigned k = 0; k < table[i].vcpu_count; k++)
				load += table[i].vcpus[k]->cpu == c;
		for (unsigned k = 0; k < upto; k++)
			load += vm->vcpus[k]->cpu == c;
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

/* ---- the timers: the quantum, the console's polling ------------------------ */

static struct timer quantum_timers[MAX_CPUS];   /* each CPU's own: its queue's rule */
static struct timer console_timer;              /* the boot CPU's */

/* A quantum is over: the run loop sees the count move after the timer's
 * INTR exit and gives the core back (hv/run.c vcpu_run_slice). Periodic
 * for as long as the scheduler keeps it armed. */
static void quantum_end(struct timerq *q, struct timer *t)
{
	struct percpu *me = t->owner;

	me->ticks++;
	timerq_arm(q, t, timer_period_next(t->deadline, timer_ms(QUANTUM_MS), rdtsc()));
}

/* The quantum runs while more than one vCPU here could run; a running one
 * is left in its phase (re-arming on every pass would let a vCPU that
 * exits often to the scheduler push its own preemption back for ever). */
static void set_quantum(struct percpu *me, bool on)
{
	struct timer *t = &quantum_timers[me->cpu_id];

	if (on == timer_is_armed(t))
		return;
	if (on) {
		timer_init(t, quantum_end, me);
		timer_arm(t, rdtsc() + timer_ms(QUANTUM_MS));
	} else {
		timer_cancel(t);
	}
	pr_debug("cpu%u: scheduler quantum %s", me->cpu_id, on ? "on" : "off");
}

/* Console input with no interrupt is polled every QUANTUM_MS: the timer
 * takes the CPU out of its halt or out of guest mode, and the loop that
 * woke calls the poll hook. */
static void console_poll_due(struct timerq *q, struct timer *t)
{
	timerq_arm(q, t, timer_period_next(t->deadline, timer_ms(QUANTUM_MS), rdtsc()));
	timer_kick_scheduler();
}

static void console_timer_start(void)
{
	if (!console_polling_hook() || timer_is_armed(&console_timer))
		return;
	timer_init(&console_timer, console_poll_due, NULL);
	timer_arm(&console_timer, rdtsc() + timer_ms(QUANTUM_MS));
}

/* A vCPU in HLT with IF=1 runs again once something could end the HLT: an
 * event pending for it (hv/inject.h), its timer's latched expiry, input
 * for its VM's UART. Each of those kicks this CPU when it happens (the
 * timer callback, vcpu_raise_irq, the console), so this is only looked at
 * when there is news, never on a clock. With IF=0 only an NMI counts here
 * (INIT is a request); waiting for SIPI ends by request too. True if v can
 * run now. */
static bool wake_check(struct vcpu *v)
{
	enum vcpu_state s = v->state;

	if (s == VCPU_HALTED || s == VCPU_HALTED_NO_IRQ) {
		bool wake = events_wake_from_hlt(&v->events, v->vmcb) ||
			    (s == VCPU_HALTED && (v->timer_expired || vuart_rx_pending(&v->vm->uart)));
		if (wake) {
			v->timer_expired = false;   /* this HLT is what it ended */
			__atomic_store_n(&v->state, VCPU_RUNNABLE, __ATOMIC_SEQ_CST);
		}
	}
	return v->state == VCPU_RUNNABLE;
}

/* XCR0, the XSAVE-managed registers (x87, SSE, AVX...) and DR0-3 hold
 * *last's state; make them v's (arch/x86/fpu.h). A vCPU that was (re)built
 * starts from reset values. Nothing happens while v keeps the core, so a
 * VM alone on its CPU never pays for XSAVE, XRSTOR or XGETBV. */
static void switch_fpu(struct vcpu **last, struct vcpu *v)
{
	if (v->fpu_fresh) {
		v->fpu.valid = false;
		v->fpu_fresh = false;
		if (*last && *last != v)
			fpu_context_save(&(*last)->fpu);
		fpu_context_load(&v->fpu);   /* !valid: reset values */
		*last = v;
		return;
	}
	if (v == *last)
		return;
	if (*last)
		fpu_context_save(&(*last)->fpu);
	fpu_context_load(&v->fpu);
	*last = v;
}

/* ---- stop, reset, INIT and SIPI, on the vCPU's own CPU ------------------------ */

static void finish_stop(struct vm *vm)
{
	vm_stop_now(vm);
	vmctl_stopped(vm);
}

/* The last vCPU parked for a reset: rebuild the VM and let them all go. */
static void finish_reset(struct vm *vm)
{
	hv_log(LOG_INFO, "vm %s reset (%s); restarting", vm->cfg.name, vm->reason);
	if (!vm_reboot(vm)) {
		/* Every vCPU is parked and counted: this CPU finishes the stop;
		 * the others leave their run queues when they see the request. */
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			vcpu_request(vm->vcpus[i], VCPU_REQ_STOP);
		finish_stop(vm);
	}
}

/* Parks v for the VM's pending stop or reset; the vCPU whose arrival makes
 * them all parked finishes it. */
static void park_for_cause(struct vcpu *v, bool reset)
{
	struct vm *vm = v->vm;

	__atomic_store_n(&v->state, VCPU_PARKED, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->parked, true, __ATOMIC_SEQ_CST);
	vcpu_timer_clear(v);   /* a deadline of this life must not reach the next */
	if (v->counted)
		return;
	v->counted = true;
	unsigned n = __atomic_add_fetch(&vm->vcpus_parked, 1, __ATOMIC_ACQ_REL);
	if (n == vm->vcpu_count) {
		if (reset)
			finish_reset(vm);
		else
			finish_stop(vm);
	}
}

/* INIT: the bootstrap processor starts over at its guest type's entry; an
 * application processor waits for a start-up IPI. SIPI (only in that
 * wait): real mode at CS:IP = (vector << 8):0000, as after a start-up IPI
 * on a PC (Intel SDM Vol. 3, 9.4.4; AMD APM Vol. 2, 16.5). */
static void do_init(struct vcpu *v)
{
	vcpu_timer_clear(v);   /* INIT resets the timer, as it does a LAPIC's */
	vcpu_apic_init_signal(v);
	vcpu_reset_state(v);
	events_reset(&v->events);
	events_intc_notify(&v->events);
	if (v->id != 0)
		v->state = VCPU_WAIT_SIPI;
}

static void do_sipi(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint8_t vector = __atomic_load_n(&v->sipi_vector, __ATOMIC_ACQUIRE);

	if (v->state != VCPU_WAIT_SIPI)
		return;   /* a SIPI counts only after an INIT */
	s->cr0 = CR0_ET;
	s->cr3 = s->cr4 = 0;
	s->efer = EFER_SVME;
	s->rflags = RFLAGS_FIXED;
	s->cs.selector = (uint16_t)(vector << 8);
	s->cs.base = (uint64_t)vector << 12;
	s->cs.limit = 0xffff;
	s->cs.attrib = VMCB_ATTR_TYPE_CODE_RX_A | VMCB_ATTR_S | VMCB_ATTR_P;
	struct vmcb_seg data = { .selector = 0, .attrib = VMCB_ATTR_TYPE_DATA_RW_A | VMCB_ATTR_S | VMCB_ATTR_P,
				 .limit = 0xffff, .base = 0 };
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdtr.base = s->idtr.base = 0;
	s->gdtr.limit = s->idtr.limit = 0xffff;
	s->rip = 0;
	v->state = VCPU_RUNNABLE;
}

/* Acts on v's requests. False if v left this CPU's queue for good (its VM
 * stopped). A held VM is left exactly as it is: the shell may be reading. */
static bool take_requests(struct vcpu *v, struct vcpu **last)
{
	struct vm *vm = v->vm;

	if (vmctl_held(vm))
		return true;
	/* A reset this vCPU parked for is done (vm_reboot did its
	 * bookkeeping): it rebuilds itself here, on its own CPU, whatever
	 * comes next (even a stop: then it parks again and is counted). */
	if (__atomic_load_n(&v->rebuild, __ATOMIC_ACQUIRE)) {
		vcpu_apic_reset(v);
		vcpu_reset_state(v);
		if (v->id == 0)
			pc_devtimer_rearm(vm);   /* the board's deadlines of the new life */
		__atomic_store_n(&v->rebuild, false, __ATOMIC_RELEASE);
		if (*last == v)
			*last = NULL;
	}
	uint32_t r = __atomic_fetch_and(&v->requests, ~(VCPU_REQ_KICK | VCPU_REQ_INIT | VCPU_REQ_SIPI | VCPU_REQ_RESET |
							 VCPU_REQ_NMI | VCPU_REQ_DEVTIMER),
					__ATOMIC_SEQ_CST);
	if (r & VCPU_REQ_STOP) {
		park_for_cause(v, false);
		if (*last == v)
			*last = NULL;   /* its registers are simply dropped */
		return false;
	}
	if (r & VCPU_REQ_RESET) {
		park_for_cause(v, true);
		return true;
	}
	if (v->state == VCPU_PARKED)
		return true;
	if (r & VCPU_REQ_INIT)
		do_init(v);
	if (r & VCPU_REQ_SIPI)
		do_sipi(v);
	if (r & VCPU_REQ_NMI)
		events_queue_nmi(&v->events);
	if (r & VCPU_REQ_APIC_TIMER)
		vcpu_apic_timer_rearm(v);
	if (r & VCPU_REQ_DEVTIMER)
		pc_devtimer_rearm(vm);
	return true;
}

/* ---- the queue ---------------------------------------------------------------- */

/* Nothing to run here: halt until an interrupt: a timer (a vCPU's
 * deadline, the console's polling), an IPI (a kick: an interrupt raised
 * for a vCPU here, input for a halted one, a resume) or, on the boot CPU,
 * a keystroke. A CPU whose timer cannot interrupt must not halt while a
 * deadline is armed: it fires them itself. */
static void wait_for_work(void)
{
	if (!timer_cpu_has_interrupt() && timer_cpu_busy()) {
		cpu_relax();
		timer_poll();
		return;
	}
	cpu_idle_wait();
}

static struct vcpu *runq[MAX_CPUS][SCHED_MAX_VCPUS_PER_CPU];

static void run_cpu_queue(void *arg)
{
	(void)arg;
	struct percpu *me = this_cpu();
	struct vcpu **mine = runq[me->cpu_id];
	struct vcpu *last = NULL;
	unsigned n = 0, next = 0;   /* next: where the round robin goes on */
	bool boot_cpu = me->cpu_id == 0;

	asid_cpu_init(&asid_spaces[me->cpu_id], svm.nasid);
	timer_cpu_init();
	if (boot_cpu)
		console_timer_start();
	for (unsigned i = 0; i < vm_count; i++)
		for (unsigned k = 0; k < vms[i].vcpu_count; k++)
			if (vms[i].vcpus[k]->cpu == me->cpu_id && !vm_stopped(&vms[i]) &&
			    n < SCHED_MAX_VCPUS_PER_CPU)
				mine[n++] = vms[i].vcpus[k];
	if (n > 1 && !timer_cpu_has_interrupt())
		pr_warn("cpu%u: no LAPIC timer: its %u vCPUs run one after another", me->cpu_id, n);
	for (;;) {
		/* This pass sees every change made so far (seq_cst: the clear
		 * must not pass the loads of the requests below). */
		__atomic_store_n(&me->resched, false, __ATOMIC_SEQ_CST);
		/* Who could run now decides whether the quantum is needed:
		 * only when more than one vCPU wants the core. Halted vCPUs
		 * need no timer of the scheduler's (their own deadlines are
		 * their own timers), nor does the console (its own timer). */
		unsigned alive = 0, ready = 0;
		bool was_ready[SCHED_MAX_VCPUS_PER_CPU];
		for (unsigned i = 0; i < n; i++) {
			struct vcpu *v = mine[i];
			was_ready[i] = false;
			if (!v)
				continue;
			/* Requests first: a vCPU rebuilt after a reset, or started
			 * by a SIPI, counts as runnable in this very pass. */
			if (!take_requests(v, &last)) {
				mine[i] = NULL;
				continue;
			}
			alive++;
			/* A paused or held vCPU is parked here, at the start of
			 * every pass: the shell waits for that, and the vCPU that
			 * runs next may not give the core back for a quantum, or at
			 * all when it is alone here (no quantum is armed then). */
			if (!vmctl_may_run(v))
				continue;
			was_ready[i] = wake_check(v);
			ready += was_ready[i];
		}
		if (!alive)
			break;
		set_quantum(me, ready > 1);
		bool ran = false, rescan = false;
		unsigned start = next;
		for (unsigned k = 0; k < n && !rescan; k++) {
			unsigned i = (start + k) % n;
			struct vcpu *v = mine[i];
			if (!v)
				continue;
			if (boot_cpu)
				console_poll_hook();
			if (!take_requests(v, &last)) {
				mine[i] = NULL;
				ran = true;   /* the queue changed: look again before waiting */
				continue;
			}
			if (!vmctl_may_run(v) || !wake_check(v))
				continue;
			/* Runnable since the quantum was decided (woken, rebuilt):
			 * decide again before it takes the core, or it could keep
			 * a sibling out for good. */
			if (!was_ready[i] && ready >= 1) {
				rescan = true;
				next = i;
				continue;
			}
			switch_fpu(&last, v);
			/* Publish the vCPU, then look for a request made since this
			 * pass began (hv/vcpu.c vcpu_request: the other half). */
			__atomic_store_n(&me->current_vcpu, v, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&me->resched, __ATOMIC_SEQ_CST)) {
				me->current_vcpu = NULL;
				rescan = true;
				next = i;
				continue;
			}
			vcpu_run_slice(v, timer_is_armed(&quantum_timers[me->cpu_id]));
			me->current_vcpu = NULL;
			me->last_vcpu = v;
			ran = true;
			next = i + 1;
		}
		if (!ran && !rescan && !me->resched && !(boot_cpu && console_pending_hook()))
			wait_for_work();
	}
	set_quantum(me, false);
}

void sched_run_guests(void)
{
	for (uint32_t c = 1; c < cpu_count; c++) {
		bool has = false;
		for (unsigned i = 0; i < vm_count && !has; i++)
			for (unsigned k = 0; k < vms[i].vcpu_count; k++)
				has |= vms[i].vcpus[k]->cpu == c && !vm_stopped(&vms[i]);
		if (has)
			smp_run_on(c, run_cpu_queue, NULL);
	}
	if (console_hooks)
		console_hooks->start();
	run_cpu_queue(NULL);
	/* The boot CPU's vCPUs are done; it serves the console until the
	 * others' are (each AP wakes it when its queue is empty). */
	while (!smp_all_done()) {
		console_poll_hook();
		if (!console_pending_hook())
			wait_for_work();
	}
}

void sched_serve_console(void)
{
	if (console_hooks)
		console_hooks->start();   /* also when no VM could run (no SVM) */
	timer_cpu_init();
	console_timer_start();
	for (;;) {
		console_poll_hook();
		if (!console_pending_hook())
			wait_for_work();
	}
}

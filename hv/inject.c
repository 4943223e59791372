/* hv/inject.c - Event delivery for one vCPU (see inject.h for the call order).
 *
 * One event per VMRUN goes through EVENTINJ (APM Vol. 2, 15.20). Injection
 * is not gated by the guest's RFLAGS.IF or interrupt shadow, so this file
 * does that gating itself, and when an NMI or interrupt has to wait it asks
 * for an exit at the moment the guest can take it: a dummy virtual interrupt
 * (V_IRQ with V_IGN_TPR) plus the VINTR intercept, which fires instead of
 * the virtual interrupt ever being taken (15.21.4 "Injecting Virtual (INTR)
 * Interrupts"; see window_set()).
 *
 *   pending exception (re-injected or new)   always, nothing masks it
 *   NMI                                       not masked, no shadow, EVENTINJ free
 *   INTR (re-queued slot, then highest IRR)   IF=1, no shadow, EVENTINJ free
 *   anything left waiting                     -> interrupt window
 *
 * Hot path: events_after_exit() and events_before_vmrun() each load
 * `pending` once (after an exit also EXITINTINFO) and return when clear. */
#include "lib/types.h"
#include "arch/x86/svm/vmcb.h"
#include "hv/inject.h"

/* Architectural bits. arch/x86/regs.h is their home; the few used here are
 * repeated so this pure module depends on lib/types.h and vmcb.h only. */
#define INJ_CR0_PE     BIT(0)
#define INJ_RFLAGS_TF  BIT(8)
#define INJ_RFLAGS_IF  BIT(9)
#define INJ_DR6_BS     BIT(14)

#define VEC_DE  0
#define VEC_DB  1
#define VEC_NMI 2
#define VEC_BP  3
#define VEC_OF  4
#define VEC_DF  8
#define VEC_TS  10
#define VEC_NP  11
#define VEC_SS  12
#define VEC_GP  13
#define VEC_PF  14
#define VEC_MC  18

/* ---- the summary word ------------------------------------------------------ */

static inline uint32_t ev_load(const struct vcpu_events *ev)
{
	return __atomic_load_n(&ev->pending, __ATOMIC_ACQUIRE);
}

static inline void ev_set(struct vcpu_events *ev, uint32_t f)
{
	__atomic_fetch_or(&ev->pending, f, __ATOMIC_SEQ_CST);
}

static inline void ev_clear(struct vcpu_events *ev, uint32_t f)
{
	__atomic_fetch_and(&ev->pending, ~f, __ATOMIC_SEQ_CST);
}

/* ---- the IRR ---------------------------------------------------------------- */

/*
 * Raisers set the irr bit, then EVF_IRR(w). The consumer (this CPU) clears
 * EVF_IRR(w) only after irr[w] read empty, and then looks again: a raise that
 * slipped in between has its irr bit visible by then (it was set before its
 * summary bit), so the summary bit is put back and nothing is stranded.
 */
static void irr_settle(struct vcpu_events *ev, unsigned w)
{
	ev_clear(ev, EVF_IRR(w));
	if (__atomic_load_n(&ev->irr[w], __ATOMIC_SEQ_CST) != 0)
		ev_set(ev, EVF_IRR(w));
}

/* Highest raised vector, or -1: a LAPIC delivers the highest first. */
static int irr_highest(struct vcpu_events *ev, uint32_t p)
{
	for (int w = 3; w >= 0; w--) {
		if (!(p & EVF_IRR(w)))
			continue;
		uint64_t word = __atomic_load_n(&ev->irr[w], __ATOMIC_ACQUIRE);
		if (word)
			return w * 64 + 63 - __builtin_clzll(word);
		irr_settle(ev, (unsigned)w);
	}
	return -1;
}

static void irr_take(struct vcpu_events *ev, unsigned vec)
{
	unsigned w = vec >> 6;
	uint64_t bit = BIT(vec & 63);
	uint64_t old = __atomic_fetch_and(&ev->irr[w], ~bit, __ATOMIC_SEQ_CST);

	if ((old & ~bit) == 0)
		irr_settle(ev, w);
}

void events_raise_irq(struct vcpu_events *ev, uint8_t vector)
{
	unsigned w = vector >> 6;

	__atomic_fetch_or(&ev->irr[w], BIT(vector & 63), __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&ev->pending, EVF_IRR(w), __ATOMIC_SEQ_CST);
}

bool events_irq_pending(const struct vcpu_events *ev)
{
	return (ev_load(ev) & EVF_IRQ_ANY) != 0;
}

/* ---- the interrupt controller --------------------------------------------------- */

void events_set_intc(struct vcpu_events *ev, const struct events_intc *intc)
{
	ev->intc = *intc;
	ev_set(ev, EVF_INTC);
}

void events_intc_notify(struct vcpu_events *ev)
{
	ev_set(ev, EVF_INTC);
}

/* What the controller has now (-1: nothing deliverable; *tpr_class then
 * says whether something waits for the TPR). EVF_INTC is dropped only
 * after the controller said "nothing at all", and then it is asked once
 * more: a notify that raced with the answer has set the bit again by then,
 * or its interrupt is visible to this second question. */
static int intc_query(struct vcpu_events *ev, unsigned *tpr_class)
{
	*tpr_class = 0;
	if (!ev->intc.pending) {
		ev_clear(ev, EVF_INTC);
		return -1;
	}
	int vec = ev->intc.pending(ev->intc.ctx, tpr_class);
	if (vec >= 0 || *tpr_class)
		return vec;
	ev_clear(ev, EVF_INTC);
	vec = ev->intc.pending(ev->intc.ctx, tpr_class);
	if (vec >= 0 || *tpr_class)
		ev_set(ev, EVF_INTC);
	return vec;
}

/* ---- exceptions -------------------------------------------------------------- */

enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT, EXC_DOUBLE_FAULT };

/* APM 8.2.9, "Double-Fault Exception Conditions". Anything not listed is
 * benign, #DF itself included when it is the second one. */
static enum exc_class exc_class(uint8_t v)
{
	switch (v) {
	case VEC_DE: case VEC_TS: case VEC_NP: case VEC_SS: case VEC_GP:
		return EXC_CONTRIBUTORY;
	case VEC_PF:
		return EXC_PAGE_FAULT;
	case VEC_DF:
		return EXC_DOUBLE_FAULT;
	default:
		return EXC_BENIGN;
	}
}

/* APM 8.5, "Simultaneous Interrupt Priorities", as far as exceptions a
 * hypervisor raises go: #MC, then traps on the previous instruction (the
 * single-step #DB this module makes), then faults of the next one. Lower
 * number wins. */
static int exc_priority(uint8_t v)
{
	return v == VEC_MC ? 0 : v == VEC_DB ? 1 : 2;
}

static void exc_set(struct vcpu_events *ev, uint8_t vector, bool has_error, uint32_t error,
		    bool has_payload, uint64_t payload, bool in_delivery)
{
	ev->exc = (struct vcpu_exception){
		.vector = vector, .has_error = has_error, .has_payload = has_payload,
		.in_delivery = in_delivery, .error = error, .payload = payload,
	};
	ev_set(ev, EVF_EXC);
}

/*
 * A second exception S while F is pending. Which rule applies depends on
 * whether F's delivery had begun.
 *
 * F in delivery (EXITINTINFO returned it, so S was found while the CPU was
 * delivering F, e.g. an intercepted #PF on the IDT or the stack): the
 * double-fault table of APM 8.2.9, exactly as the CPU applies it.
 *
 *   F \ S          benign     contributory  #PF
 *   benign         S          S             S
 *   contributory   S          #DF           S
 *   #PF            S          #DF           #DF
 *   #DF            shutdown   shutdown      shutdown
 *
 * "S" is the manual's "handled serially": the CPU abandons F's delivery and
 * delivers S. F is not lost in any way hardware would not lose it: a fault
 * recurs when its instruction re-runs after S's handler returns. (KVM's
 * kvm_multiple_exception() does the same, "in a hope that instruction
 * re-execution will regenerate lost exception".) The #DF made here is itself
 * in delivery, so anything found while delivering it is a shutdown. Its CR2
 * is S's when S is a #PF: the CPU loads CR2 for each #PF it detects.
 *
 * F not in delivery (raised by the hypervisor during this exit, never
 * started): nothing was being delivered, so the table does not apply; the
 * two are simultaneous events at one instruction boundary, APM 8.5: the
 * higher-priority one is taken, and a lower-priority exception "is discarded
 * ... and reoccurs" when the instruction runs again. Equal priority keeps F,
 * the first raised (two faults cannot both come from one instruction; the
 * second is most likely a consequence of the first). This is what keeps a
 * hypervisor-raised trap (#DB single step: RIP already moved, it would not
 * recur) from being replaced by a later fault.
 *
 * A replaced F that still carried a payload loses it: it never reached CR2
 * or DR6, as it never reached the guest.
 */
enum events_exc_result events_queue_exception(struct vcpu_events *ev, uint8_t vector, bool has_error,
					      uint32_t error, uint64_t payload)
{
	uint32_t p = ev_load(ev);
	bool has_payload = vector == VEC_PF || vector == VEC_DB;

	if (p & EVF_TRIPLE)
		return EVENTS_EXC_TRIPLE_FAULT;
	if (!(p & EVF_EXC)) {
		exc_set(ev, vector, has_error, error, has_payload, payload, false);
		return EVENTS_EXC_QUEUED;
	}

	const struct vcpu_exception f = ev->exc;
	if (!f.in_delivery) {
		if (exc_priority(vector) >= exc_priority(f.vector))
			return EVENTS_EXC_DISCARDED;
		exc_set(ev, vector, has_error, error, has_payload, payload, false);
		return EVENTS_EXC_REPLACED;
	}

	enum exc_class c1 = exc_class(f.vector), c2 = exc_class(vector);
	if (c1 == EXC_DOUBLE_FAULT) {
		ev_clear(ev, EVF_EXC);
		ev_set(ev, EVF_TRIPLE);
		return EVENTS_EXC_TRIPLE_FAULT;
	}
	if ((c1 == EXC_CONTRIBUTORY && c2 == EXC_CONTRIBUTORY) ||
	    (c1 == EXC_PAGE_FAULT && (c2 == EXC_CONTRIBUTORY || c2 == EXC_PAGE_FAULT))) {
		exc_set(ev, VEC_DF, true, 0, vector == VEC_PF, payload, true);
		return EVENTS_EXC_DOUBLE_FAULT;
	}
	exc_set(ev, vector, has_error, error, has_payload, payload, false);
	return EVENTS_EXC_REPLACED;
}

/* Payloads land in the VMCB only now, as the CPU writes CR2 and DR6 when it
 * delivers, so a pending exception that is replaced or discarded never
 * touched guest state. Real mode pushes no error code (KVM strips EV the
 * same way); VMRUN would push one if EV were left set. */
static void exc_inject(struct vcpu_events *ev, struct vmcb *vmcb)
{
	const struct vcpu_exception *x = &ev->exc;
	bool ev_bit = x->has_error && (vmcb->save.cr0 & INJ_CR0_PE);

	if (x->has_payload) {
		if (x->vector == VEC_PF || x->vector == VEC_DF) {
			vmcb->save.cr2 = x->payload;
			vmcb->control.clean &= ~VMCB_CLEAN_CR2;
		} else if (x->vector == VEC_DB) {
			vmcb->save.dr6 |= x->payload;   /* sets its bits, keeps the rest */
			vmcb->control.clean &= ~VMCB_CLEAN_DRX;
		}
	}
	vmcb->control.event_inj = vmcb_event(x->vector, SVM_EVENT_TYPE_EXCEPTION, ev_bit, x->error);
	ev_clear(ev, EVF_EXC);
}

/* ---- NMI ------------------------------------------------------------------- */

void events_queue_nmi(struct vcpu_events *ev)
{
	ev_set(ev, EVF_NMI);
}

static void iret_intercept(struct vmcb *vmcb, bool on)
{
	if (on)
		vmcb->control.intercept_misc1 |= (uint32_t)SVM_INTERCEPT_MISC1_IRET;
	else
		vmcb->control.intercept_misc1 &= ~(uint32_t)SVM_INTERCEPT_MISC1_IRET;
	vmcb->control.clean &= ~VMCB_CLEAN_I;
}

/*
 * Without vNMI the CPU does not track NMI masking for an injected NMI on our
 * behalf, so it is kept here: masked from injection until the handler's IRET
 * has executed (APM 8.2.3 "NMI": further NMIs are held until the next IRET). The IRET
 * intercept fires *before* the IRET executes, so its exit only records RIP
 * (EVF_IRET_WAIT); the mask lifts at the first later exit whose RIP differs,
 * which is KVM's rule (awaiting_iret_completion). Known imprecision, shared
 * with KVM: an IRET that faults also moves RIP (to the fault handler) and
 * unmasks early.
 */
static void nmi_inject(struct vcpu_events *ev, struct vmcb *vmcb, uint32_t p)
{
	vmcb->control.event_inj = vmcb_event(VEC_NMI, SVM_EVENT_TYPE_NMI, false, 0);
	ev_clear(ev, (p & EVF_NMI_REINJ) ? EVF_NMI_REINJ : EVF_NMI);
	ev_set(ev, EVF_NMI_MASKED);
	iret_intercept(vmcb, true);
}

/* ---- the interrupt window ------------------------------------------------------- */

/* V_IRQ with V_IGN_TPR (and top priority) is a virtual interrupt nothing in
 * the guest can mask except RFLAGS.IF and the shadow; with the VINTR
 * intercept the CPU exits just before it would take it, i.e. at the first
 * instruction boundary where the guest can take an interrupt. The vector
 * field is never used, so it is left alone. */
#define INT_CTL_WINDOW_BITS (INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR | (uint32_t)INT_CTL_V_INTR_PRIO_MASK)

/* tpr_class 0: the plain window above. 1-15: a window that also waits for
 * V_TPR < tpr_class: V_IRQ at that priority with V_IGN_TPR clear, which the
 * CPU takes (and so exits for) only when IF=1 and its priority is above
 * V_TPR (APM 15.21.4). Anything more urgent uses the plain window. */
static void window_set_tpr(struct vcpu_events *ev, struct vmcb *vmcb, bool open, unsigned tpr_class,
			   uint32_t p)
{
	struct vmcb_control *c = &vmcb->control;
	bool tpr_wait = open && tpr_class;

	if (open == ((p & EVF_WINDOW) != 0) && tpr_wait == ((p & EVF_TPR_WINDOW) != 0) &&
	    (!tpr_wait || ((c->int_ctl & INT_CTL_V_INTR_PRIO_MASK) >> INT_CTL_V_INTR_PRIO_SHIFT) == tpr_class))
		return;
	c->int_ctl &= ~INT_CTL_WINDOW_BITS;
	if (open) {
		if (tpr_wait)
			c->int_ctl |= INT_CTL_V_IRQ | ((uint32_t)tpr_class << INT_CTL_V_INTR_PRIO_SHIFT);
		else
			c->int_ctl |= INT_CTL_WINDOW_BITS;
		c->intercept_misc1 |= (uint32_t)SVM_INTERCEPT_MISC1_VINTR;
		ev_set(ev, EVF_WINDOW);
		if (tpr_wait)
			ev_set(ev, EVF_TPR_WINDOW);
		else
			ev_clear(ev, EVF_TPR_WINDOW);
	} else {
		c->intercept_misc1 &= ~(uint32_t)SVM_INTERCEPT_MISC1_VINTR;
		ev_clear(ev, EVF_WINDOW | EVF_TPR_WINDOW);
	}
	c->clean &= ~(VMCB_CLEAN_TPR | VMCB_CLEAN_I);
}

static void window_set(struct vcpu_events *ev, struct vmcb *vmcb, bool open, uint32_t p)
{
	window_set_tpr(ev, vmcb, open, 0, p);
}

/* ---- after #VMEXIT ------------------------------------------------------------ */

/*
 * An event whose delivery the exit cut short goes back where it came from
 * (APM 15.7.2), so nothing is lost:
 *   exception   -> the pending exception, in delivery, with its error code;
 *                  its CR2/DR6 were written when it was first delivered
 *   NMI         -> pending again and unmasked: its handler never started
 *   INTR        -> the re-queue slot, ahead of every raised vector
 *   INTn, INT3 (#BP), INTO (#OF) -> dropped: RIP still points at the
 *                  instruction, which simply runs again; injecting them would
 *                  need the return address after it (next_rip), and a re-run
 *                  gets the privilege checks right for free.
 * `from_exit` is false for events_cancel_injection(): there the event is
 * ours and RIP was never at an INT3, so #BP/#OF go back too.
 */
static void requeue(struct vcpu_events *ev, struct vmcb *vmcb, uint64_t info, bool from_exit)
{
	uint8_t vec = svm_event_vector(info);
	uint32_t p = ev_load(ev);

	switch (svm_event_type(info)) {
	case SVM_EVENT_TYPE_EXCEPTION: {
		if (from_exit && (vec == VEC_BP || vec == VEC_OF))
			return;
		/* A cancelled injection never began: exc still holds it, so it
		 * keeps its in_delivery (its payload is already written). */
		bool in_delivery = from_exit || (p & EVF_EXC) || ev->exc.in_delivery;
		if (p & EVF_EXC) {
			/* Not expected (queues come after this call): keep both by
			 * merging the pending one in as the later event. */
			struct vcpu_exception s = ev->exc;
			exc_set(ev, vec, svm_event_has_error(info), svm_event_error(info), false, 0, true);
			events_queue_exception(ev, s.vector, s.has_error, s.error, s.payload);
			return;
		}
		exc_set(ev, vec, svm_event_has_error(info), svm_event_error(info), false, 0, in_delivery);
		return;
	}
	case SVM_EVENT_TYPE_NMI:
		ev_clear(ev, EVF_NMI_MASKED | EVF_IRET_WAIT);
		iret_intercept(vmcb, false);
		ev_set(ev, EVF_NMI_REINJ);
		return;
	case SVM_EVENT_TYPE_INTR:
		if (p & EVF_IRQ_REQUEUE)   /* not expected: the slot goes first; keep it */
			events_raise_irq(ev, ev->requeue_vector);
		ev->requeue_vector = vec;
		ev_set(ev, EVF_IRQ_REQUEUE);
		return;
	default:                            /* SOFT_INT re-executes; 1, 5-7 are reserved */
		return;
	}
}

void events_after_exit(struct vcpu_events *ev, struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;
	uint64_t info = c->exit_int_info;
	uint32_t p = ev_load(ev);

	c->event_inj = 0;   /* delivered or now in EXITINTINFO; never inject it twice */
	if (likely(!svm_event_valid(info) && !(p & (EVF_WINDOW | EVF_NMI_MASKED))))
		return;

	if (p & EVF_WINDOW) {
		/* The window opened: the CPU left V_IRQ set (the VINTR intercept
		 * took precedence over taking it). Close it; before_vmrun opens
		 * a new one if something still waits. */
		if (c->exit_code == SVM_EXIT_VINTR)
			window_set(ev, vmcb, false, p);
	}
	if (p & EVF_NMI_MASKED) {
		if (p & EVF_IRET_WAIT) {
			if (vmcb->save.rip != ev->iret_rip)
				ev_clear(ev, EVF_NMI_MASKED | EVF_IRET_WAIT);
		} else if (c->exit_code == SVM_EXIT_IRET) {
			ev->iret_rip = vmcb->save.rip;
			ev_set(ev, EVF_IRET_WAIT);
			iret_intercept(vmcb, false);
		}
	}
	if (svm_event_valid(info))
		requeue(ev, vmcb, info, true);
}

void events_cancel_injection(struct vcpu_events *ev, struct vmcb *vmcb)
{
	uint64_t e = vmcb->control.event_inj;

	vmcb->control.event_inj = 0;
	if (svm_event_valid(e))
		requeue(ev, vmcb, e, false);
}

/* ---- before VMRUN ------------------------------------------------------------- */

/*
 * The slow path. "blocked" is the STI/MOV SS shadow, which holds off NMIs as
 * well as INTR (APM 15.21.5 "Interrupt Shadows"; KVM treats it the same).
 * Why each waiting event gets an exit, and when:
 *   INTR, IF=0 / shadow / EVENTINJ busy -> window: exits once IF=1, no shadow
 *   NMI, shadow / EVENTINJ busy         -> window too. There is no "NMI
 *        window" intercept without vNMI, so the NMI waits for the guest to
 *        reach IF=1 or for any other exit (the host timer tick bounds it).
 *   NMI, masked, IRET not yet executed  -> window only if IF=0 or a shadow
 *        at the IRET: with IF=1 the VINTR exit would come before the IRET
 *        runs, every time (livelock). Then the NMI waits for the next exit;
 *        KVM single-steps the IRET instead, which would fight the guest's
 *        own TF.
 *   NMI, masked, IRET not yet seen      -> nothing: the IRET intercept exits.
 * Injecting anything while an intercepted IRET is still to execute re-arms
 * the IRET intercept: the injected handler's IRET comes first now, and on
 * hardware any IRET unmasks NMIs.
 */
static void deliver(struct vcpu_events *ev, struct vmcb *vmcb, uint32_t p)
{
	bool blocked = (vmcb->control.int_state & INT_STATE_SHADOW) != 0;
	bool if_on = (vmcb->save.rflags & INJ_RFLAGS_IF) != 0;
	bool used = false, window = false, iret_window = false;

	if (p & EVF_EXC) {
		exc_inject(ev, vmcb);
		used = true;
	}

	if (p & (EVF_NMI | EVF_NMI_REINJ)) {
		if (p & EVF_NMI_MASKED)
			iret_window = (p & EVF_IRET_WAIT) && (!if_on || blocked);
		else if (used || blocked)
			window = true;
		else {
			nmi_inject(ev, vmcb, p);
			used = true;
		}
	}

	if (p & EVF_IRQ_ANY) {
		if (!used && !blocked && if_on) {
			int vec = (p & EVF_IRQ_REQUEUE) ? ev->requeue_vector : irr_highest(ev, p);
			if (vec >= 0) {
				if (p & EVF_IRQ_REQUEUE)
					ev_clear(ev, EVF_IRQ_REQUEUE);
				else
					irr_take(ev, (unsigned)vec);
				vmcb->control.event_inj = vmcb_event((uint8_t)vec, SVM_EVENT_TYPE_INTR, false, 0);
				used = true;
			}
		}
		/* More waiting (or none could go): exit when the next can. */
		if (ev_load(ev) & EVF_IRQ_ANY)
			window = true;
	}

	/* The controller's interrupts: acknowledged only when one can go into
	 * EVENTINJ now, since the acknowledge changes the controller (ISR,
	 * the PIC's INTA); otherwise only asked whether one waits. */
	unsigned tpr_class = 0;
	if (p & EVF_INTC) {
		int vec = intc_query(ev, &tpr_class);
		if (vec >= 0 && !used && !blocked && if_on) {
			vec = ev->intc.ack(ev->intc.ctx);
			if (vec >= 0) {
				vmcb->control.event_inj = vmcb_event((uint8_t)vec, SVM_EVENT_TYPE_INTR, false, 0);
				used = true;
			}
			vec = intc_query(ev, &tpr_class);
		}
		if (vec >= 0)
			window = true;
	}

	if (used && (p & EVF_IRET_WAIT)) {
		ev_clear(ev, EVF_IRET_WAIT);   /* the IRET intercept exits instead */
		iret_intercept(vmcb, true);
		iret_window = false;
	}
	/* Only the TPR holds something back: wait for V_TPR, not just IF. */
	bool plain = window || iret_window;
	window_set_tpr(ev, vmcb, plain || tpr_class, plain ? 0 : tpr_class, ev_load(ev));
}

bool events_before_vmrun(struct vcpu_events *ev, struct vmcb *vmcb)
{
	uint32_t p = ev_load(ev);

	if (likely(p == 0))
		return true;
	if (p & EVF_TRIPLE)
		return false;
	deliver(ev, vmcb, p);
	return true;
}

/* ---- instruction completion and HLT -------------------------------------------- */

/*
 * An intercepted instruction exits before it executes, so the CPU never
 * raises its single-step trap; the hypervisor that completes it must
 * (APM 13.1.4 "Single-Step"; DR6.BS, 13.1.1.3). TF is sampled as it was
 * when the instruction began: POPF that sets TF traps only after the next
 * instruction, POPF that clears it still traps. The same rule covers MOV SS
 * / POP SS: the CPU holds that instruction's trap until after the next one
 * and then raises one #DB for both, so an instruction emulated in the MOV SS
 * shadow (shadow set at this exit) gets exactly one #DB after it, and the
 * trap lands at the next boundary either way (EVENTINJ ignores the shadow).
 */
enum events_exc_result events_after_emulated_insn(struct vcpu_events *ev, struct vmcb *vmcb,
						  uint64_t rflags_before)
{
	vmcb->control.int_state &= ~INT_STATE_SHADOW;   /* the shadow covered this instruction */
	if (!(rflags_before & INJ_RFLAGS_TF))
		return EVENTS_EXC_NONE;
	return events_queue_exception(ev, VEC_DB, false, 0, INJ_DR6_BS);
}

/* A pending exception counts (KVM wakes on it too): it must be delivered,
 * and the handler is where the guest goes next. A triple fault counts so
 * the caller reaches events_before_vmrun() and resets. */
bool events_wake_from_hlt(struct vcpu_events *ev, const struct vmcb *vmcb)
{
	uint32_t p = ev_load(ev);

	if (p & (EVF_EXC | EVF_TRIPLE))
		return true;
	if ((p & (EVF_NMI | EVF_NMI_REINJ)) && !(p & EVF_NMI_MASKED))
		return true;
	if (!(vmcb->save.rflags & INJ_RFLAGS_IF))
		return false;
	if (p & EVF_IRQ_ANY)
		return true;
	if (p & EVF_INTC) {
		/* Only an interrupt the controller would deliver ends a HLT (one
		 * the TPR holds back does not: it waits, and so does the CPU). */
		unsigned tpr_class;
		return intc_query(ev, &tpr_class) >= 0;
	}
	return false;
}

void events_reset(struct vcpu_events *ev)
{
	__atomic_store_n(&ev->pending, 0, __ATOMIC_SEQ_CST);
	for (unsigned w = 0; w < 4; w++)
		__atomic_store_n(&ev->irr[w], 0, __ATOMIC_SEQ_CST);
	ev->requeue_vector = 0;
	ev->iret_rip = 0;
	ev->exc = (struct vcpu_exception){ 0 };
}

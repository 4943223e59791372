/* hv/inject.h - Event delivery for one vCPU: exceptions, NMI, external interrupts.
 *
 * The one owner of EVENTINJ, EXITINTINFO, V_IRQ and the VINTR/IRET
 * intercepts (AMD APM Vol. 2 rev. 3.4x: 15.20 "Event Injection", 15.7.2
 * "EXITINTINFO Pseudo-Register", 15.21 "Interrupt and LAPIC Support",
 * 8.2.9 "Double-Fault Exception", 8.5 "Event Priorities"). Pure logic over a
 * struct vmcb: no locks, no logging, builds and tests on the host.
 *
 * Call order, on the vCPU's own CPU:
 *
 *   ok = events_before_vmrun(ev, vmcb)   host IF off; !ok: triple fault, reset the VM
 *   [backing out without VMRUN?  events_cancel_injection(ev, vmcb)]
 *   VMRUN ... #VMEXIT
 *   events_after_exit(ev, vmcb)          first thing, before the exit handler
 *   exit handler                         events_queue_exception(), _queue_nmi(),
 *                                        events_after_emulated_insn() ...
 *
 * The exit table must resume the guest on SVM_EXIT_VINTR and SVM_EXIT_IRET
 * (events_after_exit() has done the bookkeeping; RIP is left alone so the
 * IRET then executes). Only events_raise_irq() may be called from another
 * host CPU; follow it with a kick (IPI) so the target exits and sees it.
 *
 * Hot path: both per-exit calls first load one summary word (`pending`) and
 * return at once when it (and, after an exit, EXITINTINFO.V) is clear. */
#ifndef HV_INJECT_H
#define HV_INJECT_H

#include "lib/types.h"
#include "arch/x86/svm/vmcb.h"

/* Bits of vcpu_events.pending. Updated with __atomic RMWs because
 * events_raise_irq() sets EVF_IRR(w) from other CPUs; everything else is
 * written by the vCPU's own CPU only. */
#define EVF_IRR(w)        BIT(w)       /* irr[w] may be non-zero (w = 0..3) */
#define EVF_IRR_ANY       0xfu
#define EVF_IRQ_REQUEUE   BIT(4)       /* requeue_vector: an INTR whose delivery was cut short */
#define EVF_EXC           BIT(5)       /* exc holds an exception */
#define EVF_NMI           BIT(6)       /* an NMI is latched (a second one collapses into it) */
#define EVF_NMI_REINJ     BIT(7)       /* an NMI whose delivery was cut short */
#define EVF_NMI_MASKED    BIT(8)       /* NMI handler running: IRET intercept armed */
#define EVF_IRET_WAIT     BIT(9)       /* IRET intercepted at iret_rip, not yet executed */
#define EVF_WINDOW        BIT(10)      /* V_IRQ + VINTR intercept set in the VMCB */
#define EVF_TRIPLE        BIT(11)      /* shutdown: the caller resets the VM */
#define EVF_INTC          BIT(12)      /* the interrupt controller may have one (events_intc_notify) */
#define EVF_TPR_WINDOW    BIT(13)      /* the window waits for the guest's TPR (V_TPR) to drop */
#define EVF_IRQ_ANY       (EVF_IRR_ANY | EVF_IRQ_REQUEUE)

struct vcpu_exception {
	uint8_t  vector;
	bool     has_error;          /* EVENTINJ.EV; dropped at delivery in real mode */
	bool     has_payload;        /* payload not yet written to CR2/DR6 */
	bool     in_delivery;        /* its delivery was under way (EXITINTINFO) */
	uint32_t error;
	uint64_t payload;            /* #PF, #DF from a #PF: CR2; #DB: DR6 bits to set */
};

/* The vCPU's interrupt controller (its local APIC, which also passes the
 * PIC's ExtINT through), asked only on the vCPU's own CPU:
 *   pending(ctx, &tpr_class): the vector it would have the CPU take now,
 *       or -1; with -1, *tpr_class is the priority class (1-15) of an
 *       interrupt held back only by the task priority, else 0. Then the
 *       window waits for the guest's V_TPR to drop below that class (APM
 *       15.21.4: V_IRQ with V_INTR_PRIO and V_IGN_TPR clear), so a guest
 *       lowering its TPR by MOV CR8, which does not exit, is not missed.
 *   ack(ctx): the interrupt acknowledge (IRR to ISR, the PIC's INTA): the
 *       vector to inject, or -1 if it is gone.
 * Both NULL: no controller (flat guests). */
struct events_intc {
	int (*pending)(void *ctx, unsigned *tpr_class);
	int (*ack)(void *ctx);
	void *ctx;
};

struct vcpu_events {
	uint32_t pending;            /* EVF_*; the hot path's one load */
	uint8_t  requeue_vector;     /* valid with EVF_IRQ_REQUEUE */
	struct vcpu_exception exc;   /* valid with EVF_EXC */
	uint64_t iret_rip;           /* valid with EVF_IRET_WAIT */
	uint64_t irr[4];             /* vectors raised and not yet injected; atomic */
	struct events_intc intc;     /* wiring: kept across events_reset() */
};

enum events_exc_result {
	EVENTS_EXC_NONE,             /* nothing queued (events_after_emulated_insn, TF clear) */
	EVENTS_EXC_QUEUED,           /* nothing was pending; it is now */
	EVENTS_EXC_REPLACED,         /* it displaced the pending one (see inject.c) */
	EVENTS_EXC_DISCARDED,        /* lower priority than the pending one: recurs on re-run */
	EVENTS_EXC_DOUBLE_FAULT,     /* the two became #DF (error code 0) */
	EVENTS_EXC_TRIPLE_FAULT,     /* shutdown; events_before_vmrun() now returns false */
};

/* Architectural reset: nothing pending, NMIs unmasked. The VMCB is the
 * caller's: a fresh (zeroed) one has V_IRQ and the VINTR/IRET intercepts
 * clear, which is what this state assumes. */
void events_reset(struct vcpu_events *ev);

/* Queue exception `vector` (0-31). `payload` is CR2 for #PF and the DR6 bits
 * to set for #DB (ignored otherwise); it reaches the VMCB only when the
 * exception is put into EVENTINJ. Merges with a pending exception by the
 * rules in inject.c. Do not queue #BP/#OF: INT3/INTO re-execute instead. */
enum events_exc_result events_queue_exception(struct vcpu_events *ev, uint8_t vector, bool has_error,
					      uint32_t error, uint64_t payload);

/* Latch an NMI (at most one waits; a second one while it waits is lost, as
 * on hardware). vCPU's own CPU only: a remote NMI arrives as a request. */
void events_queue_nmi(struct vcpu_events *ev);

/* Mark external interrupt `vector` pending. Any CPU; lock-free. */
void events_raise_irq(struct vcpu_events *ev, uint8_t vector);

/* Attaches the vCPU's interrupt controller (its own CPU, before it runs). */
void events_set_intc(struct vcpu_events *ev, const struct events_intc *intc);
/* The controller's state changed (an interrupt accepted, an EOI, a TPR or
 * mask write): ask it again before the next VMRUN. Any CPU; lock-free.
 * From another CPU, follow it with a kick. */
void events_intc_notify(struct vcpu_events *ev);

/* An external interrupt waits (raised, or cut short and re-queued). */
bool events_irq_pending(const struct vcpu_events *ev);

/* Right after #VMEXIT: re-queue what EXITINTINFO says was being delivered,
 * clear EVENTINJ, close an interrupt window that opened (VINTR), track the
 * IRET that ends an NMI handler. */
void events_after_exit(struct vcpu_events *ev, struct vmcb *vmcb);

/* Just before VMRUN, host interrupts off: put at most one event into
 * EVENTINJ (exception > NMI > INTR) and open or close the interrupt window.
 * Returns false if a triple fault is pending: do not enter, reset the VM. */
bool events_before_vmrun(struct vcpu_events *ev, struct vmcb *vmcb);

/* Undo events_before_vmrun() when the caller decides not to VMRUN after all:
 * the event in EVENTINJ goes back to where it came from, as if VMRUN had
 * exited during its delivery. */
void events_cancel_injection(struct vcpu_events *ev, struct vmcb *vmcb);

/* After an exit handler completed an intercepted instruction (emulated or
 * skipped, and not one that itself makes an interrupt shadow): the shadow is
 * over, and if RFLAGS.TF was set when the instruction began, the single-step
 * #DB trap the CPU would have raised is queued (DR6.BS). Not after an
 * instruction that faulted: it did not complete. */
enum events_exc_result events_after_emulated_insn(struct vcpu_events *ev, struct vmcb *vmcb,
						  uint64_t rflags_before);

/* Would a pending event end a HLT now? A pending exception, an unmasked
 * NMI, or, only while the guest's RFLAGS.IF is 1, an external interrupt.
 * (With IF=0 that leaves the NMI; INIT and SMI are the caller's to add.) */
bool events_wake_from_hlt(struct vcpu_events *ev, const struct vmcb *vmcb);

static inline bool events_triple_fault(const struct vcpu_events *ev)
{
	return (__atomic_load_n(&ev->pending, __ATOMIC_RELAXED) & EVF_TRIPLE) != 0;
}

#endif

/* hv/vcpu.h - A virtual CPU: its VMCB and registers, its run state, the
 * requests other CPUs leave for it, and the host CPU that runs it.
 *
 * Ownership: a vCPU's state (VMCB, GPRs, run state, FPU/XSAVE context) is
 * written only by the host CPU it is placed on, in its run loop or its
 * scheduler. Anyone else (another vCPU, a device model on another CPU, the
 * shell) asks: it sets a bit in `requests` and kicks that CPU
 * (vcpu_kick), KVM's vcpu->requests shape. The shell reads a vCPU's state
 * only while it holds the VM (hv/vmctl.h), when every vCPU is parked. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "arch/x86/fpu.h"
#include "arch/x86/svm/gprs.h"
#include "arch/x86/svm/vmcb.h"
#include "hv/asid.h"
#include "hv/exit_stats.h"
#include "hv/inject.h"
#include "hv/timerq.h"
#include "hv/vdev/vlapic.h"
#include "lib/types.h"
#include "mm/guest_walk.h"

struct vm;

/* The last page the hypervisor translated to read the guest's instruction
 * bytes (hv/gmem.c vcpu_read_linear), with what the walk read on the way:
 * a hit re-reads those entries and compares them instead of walking, so it
 * gives what a fresh walk would (the walk is a function of the paging
 * registers and of the values it reads). The vCPU's own CPU only. */
struct fetch_translation {
	bool valid;
	uint8_t entries;                    /* page-table entries read, in order */
	uint64_t cr0, cr3, cr4, efer;       /* the guest_paging the walk had */
	uint64_t lin_page;                  /* linear address >> 12 */
	gpa_t gpa_page;                     /* its guest-physical page (4 KiB aligned) */
	const uint8_t *hva;                 /* that page in RAM slot 0 as one host run, else NULL */
	struct { const void *hva; uint64_t val; uint8_t size; } entry[WALK_MAX_STEPS];   /* in slot 0 */
};

/* Where a vCPU is in its life. Only its own CPU changes it. */
enum vcpu_state {
	VCPU_RUNNABLE,        /* runs when its CPU gets to it */
	VCPU_HALTED,          /* HLT with IF=1: waits for an event, its timer (HC_SET_TIMER) or UART input */
	VCPU_HALTED_NO_IRQ,   /* HLT with IF=0: only an NMI, SMI or INIT ends it */
	VCPU_WAIT_SIPI,       /* after INIT: parked until a start-up IPI gives it a vector */
	VCPU_PARKED,          /* out for good (its VM stopped) or until its VM's reset is done */
};

/* Requests (vcpu->requests), set by anyone with an atomic OR, taken by the
 * vCPU's own CPU. The run loop looks at the word after every exit (one
 * load): any bit makes it return to the scheduler, which acts on them. */
#define VCPU_REQ_STOP   BIT(0)   /* the VM is stopping (vm->stop_cause): park for good */
#define VCPU_REQ_RESET  BIT(1)   /* the VM is resetting: park until it is rebuilt, then start over */
#define VCPU_REQ_KICK   BIT(2)   /* leave the run loop once: the scheduler has something to look at */
#define VCPU_REQ_INIT   BIT(3)   /* an INIT signal (vcpu_send_init) */
#define VCPU_REQ_SIPI   BIT(4)   /* a start-up IPI with sipi_vector (vcpu_send_sipi) */
#define VCPU_REQ_NMI    BIT(5)   /* an NMI (an IPI, LINT1): latched into its events */
#define VCPU_REQ_APIC_TIMER BIT(6)   /* its LAPIC timer moved: re-arm it (hv/vcpu_apic.h) */
#define VCPU_REQ_DEVTIMER   BIT(7)   /* vCPU 0: a device timer of its VM moved (hv/vdev/pc.h) */

struct vcpu {
	struct vm *vm;
	unsigned id;                 /* vCPU number: its APIC ID; 0 is the bootstrap processor */
	uint32_t cpu;                /* the host CPU it is placed on */
	struct vmcb *vmcb;
	hpa_t vmcb_pa;
	struct guest_gprs gprs;      /* x86 order; RAX/RSP copied to and from the VMCB around VMRUN */
	volatile uint32_t requests;  /* VCPU_REQ_* */
	enum vcpu_state state;
	volatile uint8_t sipi_vector;    /* for VCPU_REQ_SIPI */
	volatile bool rebuild;       /* its VM's reset is done: its CPU rebuilds it (vcpu_reset_state) */
	bool counted;                /* counted in vm->vcpus_parked for the pending stop or reset */
	struct asid_vcpu asid;       /* its ASID on its host CPU, with the generation (hv/asid.h) */
	struct vcpu_events events;   /* pending exception, NMI, interrupts (hv/inject.h) */
	bool fpu_fresh;              /* its FPU/XSAVE registers must start from reset values */
	volatile bool parked;        /* its CPU has parked it for the operator (hv/vmctl.h) */
	uint64_t exit_tsc;           /* TSC when the last #VMEXIT returned to C */
	struct exit_stats stats;     /* per exit reason, since the last reset (or start) */
	struct exit_stats stats_before;  /* everything before that */
	uint64_t exits_at_start;     /* exits counted when it (re)started: none since, if equal */
	struct timer timer;          /* HC_SET_TIMER's deadline, on its CPU's queue (hv/timer.h) */
	uint8_t timer_vector;        /* raised when it fires; 0: it only ends a HLT */
	volatile bool timer_expired; /* fired with vector 0, and has not ended a HLT yet */
	uint64_t mtrr_def_type;      /* IA32_MTRR_DEF_TYPE as the guest last wrote it */
	uint64_t tsc_adjust;         /* IA32_TSC_ADJUST (hv/msr_view.c) */
	struct fpu_context fpu;      /* XCR0, XSAVE (or FXSAVE) image, DR0-3 while another vCPU has the core */
	struct vlapic lapic;         /* its local APIC (hv/vcpu_apic.h) */
	struct vclock clock;         /* its TSC as it reads it: the LAPIC's clock */
	struct timer apic_timer;     /* the LAPIC timer's deadline, on its CPU's queue */
	struct fetch_translation fetch_tlb;   /* hv/gmem.c */
};

/* Sets request bits on v and makes its CPU look (an IPI if it is another
 * CPU and v may be in guest mode there). Safe from any CPU. */
void vcpu_request(struct vcpu *v, uint32_t bits);
/* The same with no request: its CPU's scheduler looks again (input came
 * for it, its VM was resumed). */
void vcpu_kick(struct vcpu *v);

/* Makes external interrupt `vector` pending for v (what the interrupt
 * controllers call): it is delivered when the guest can take it (RFLAGS.IF,
 * no interrupt shadow), the highest vector first, and wakes v from HLT.
 * Safe from any CPU. */
void vcpu_raise_irq(struct vcpu *v, uint8_t vector);

/* The core calls the LAPIC model will use for INIT and SIPI (Intel SDM
 * Vol. 3, 10.6.1 / AMD APM Vol. 2, 16.5 "Interprocessor Interrupts"): INIT
 * resets the vCPU and, for an application processor, parks it waiting
 * for a start-up IPI; a SIPI counts only in that state and starts it in
 * real mode at CS:IP = (vector << 8):0000. Both are requests, acted on by
 * the vCPU's own CPU. */
void vcpu_send_init(struct vcpu *v);
void vcpu_send_sipi(struct vcpu *v, uint8_t vector);

/* The state word the shell shows for a vCPU. */
const char *vcpu_state_name(const struct vcpu *v);

#endif

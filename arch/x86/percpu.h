/* arch/x86/percpu.h - One struct per physical CPU, reached through %gs
 * (STYLE.md pattern 5): its dense number, APIC ID, descriptor tables and
 * stacks, and its SVM host-state pages. */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "lib/types.h"

#define MAX_CPUS 64

struct vcpu;

struct percpu {
	struct percpu *self;            /* %gs:0, so this_cpu() is one load */
	uint32_t cpu_id;                /* dense: 0 is the boot CPU */
	uint32_t apic_id;
	volatile bool online;           /* set by the CPU itself once it runs C with its own tables */
	volatile bool svm_enabled;
	hpa_t hsave_pa;                 /* page in MSR_VM_HSAVE_PA */
	hpa_t host_vmcb_pa;             /* VMSAVEd once, VMLOADed after every #VMEXIT */
	uint64_t stack_top;             /* for an AP: the stack the trampoline switches to */
	uint64_t stack_bottom;          /* for an AP: its lowest byte (stack traces stay inside) */
	int trap_depth;                 /* traps being handled on this CPU (nested-fault guard) */
	const char *volatile panic_message;   /* set by hv_panic() before its int3 */
	char panic_buf[256];            /* hv_panic()'s message, formatted */
	void (*volatile work)(void *);  /* for an AP: what to run next (smp_run_on) */
	void *work_arg;
	volatile bool work_done;
	volatile uint64_t ticks;        /* scheduler quanta that ended here (hv/sched.c's quantum timer) */
	uint32_t timer_ticks_per_ms;    /* LAPIC timer rate (divide by 16), measured at bring-up */
	struct vcpu *volatile current_vcpu;   /* in guest mode or between its exits, else NULL */
	struct vcpu *volatile last_vcpu;      /* the one that ran last (for the shell's `cpus`) */
	uint64_t online_tsc;            /* TSC when it came online */
	volatile uint64_t idle_tsc;     /* TSC ticks spent halted, waiting for work */
	volatile uint64_t idle_since;   /* TSC when the halt in progress began, else 0 */
	volatile bool resched;          /* a request came for a vCPU here: scheduler, look again */
	struct cpu_tables tables;
	struct guarded_stack *ist_stacks;
};

extern struct percpu *cpus[MAX_CPUS];
extern uint32_t cpu_count;          /* CPUs with a struct percpu (online or not) */

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* Halts until an interrupt (STI;HLT, so one that arrived since the caller
 * looked for work still wakes it), counting the time as idle. */
static inline void cpu_idle_wait(void)
{
	struct percpu *me = this_cpu();
	uint64_t start = rdtsc();

	me->idle_since = start;
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	me->idle_tsc += rdtsc() - start;
	me->idle_since = 0;
}

/* Points GS_BASE at pc (and pc->self at itself). After gdt_load(): loading
 * a segment register can reset the GS base. */
void percpu_install(struct percpu *pc);
/* The boot CPU's struct, set up before anything uses this_cpu(). */
void percpu_init_boot_cpu(uint32_t apic_id);

#endif

/* hv/sched.h - The VMs and who runs them: the table of VMs (module order),
 * and each host CPU's round-robin run queue of vCPUs. */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "hv/vm.h"

#define MAX_VMS 32
#define SCHED_MAX_VCPUS_PER_CPU 128

extern struct vm vms[MAX_VMS];
extern unsigned vm_count;

/* The scheduler's quantum: long enough that a switch (FPU/SSE and debug
 * registers saved and restored, an IBPB) is rare, short enough that VMs
 * sharing a core all make visible progress. Armed only while more than one
 * vCPU on a CPU could run. Also the console's polling period when its input
 * has no interrupt. */
#define QUANTUM_MS 10

/* The VM called name, or NULL. */
struct vm *vm_find(const char *name);
/* The host CPU for vCPU `upto` of vm: pinned if >= 0, else the online CPU
 * with SVM that has the fewest vCPUs of table[0..n) and of vm's vCPUs
 * 0..upto-1. */
uint32_t sched_place(const struct vm *table, unsigned n, const struct vm *vm, unsigned upto, int pinned);
/* Host CPU cpu's ASID space (hv/asid.h): only that CPU touches it; the
 * shell reads its roll-over count. */
struct asid_cpu *sched_asid_space(uint32_t cpu);

/* The console's periodic work on the boot CPU, registered by start-up so
 * the VM core never calls the console: start (show the shell), poll (take
 * keystrokes, run commands), whether input is waiting, and whether input
 * is polled (then a timer on the boot CPU calls poll every QUANTUM_MS). */
struct sched_console_hooks {
	void (*start)(void);
	void (*poll)(void);
	bool (*input_pending)(void);   /* keystrokes or VM output wait for poll() */
	bool (*polling)(void);
	/* A VM is stopping, on the CPU of its last vCPU: its output so far is
	 * written, before its stop line. */
	void (*vm_stopping)(struct vm *vm);
	/* It has stopped (vm->state says so): the console lets go of it. */
	void (*vm_stopped)(struct vm *vm);
};
void sched_set_console_hooks(const struct sched_console_hooks *hooks);
/* The VM core's side of the last two (hv/run.c vm_stop_now). */
void sched_console_vm_stopping(struct vm *vm);
void sched_console_vm_stopped(struct vm *vm);
/* Every CPU runs the VMs placed on it, all at the same time; the boot CPU
 * also serves the console. Returns when every VM has stopped. */
void sched_run_guests(void);
/* For ever: serves the console on the boot CPU (after on_idle=halt). */
__noreturn void sched_serve_console(void);
/* The state word `vms` shows: running, halted, paused, ready, stopped. */
const char *vm_state_name(const struct vm *vm);

#endif

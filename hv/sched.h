/* hv/sched.h - The VMs and who runs them: the table of VMs (module order),
 * and each CPU's round-robin run queue. */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "hv/vm.h"

#define MAX_VMS 32

extern struct vm vms[MAX_VMS];
extern unsigned vm_count;

/* The scheduler's quantum: long enough that a switch (FPU/SSE and debug
 * registers saved and restored, an IBPB) is rare, short enough that VMs
 * sharing a core all make visible progress. Also the HLT wake-up period. */
#define QUANTUM_MS 10

/* The VM called name, or NULL. */
struct vm *vm_find(const char *name);
/* The host CPU for the VM that will be placed[n]: pinned if >= 0, else
 * the least loaded online CPU with SVM (placed[0..n) are the VMs so far). */
uint32_t sched_place(const struct vm *placed, unsigned n, int pinned);
/* Every CPU runs the VMs placed on it, all at the same time; the boot CPU
 * also serves the console. Returns when every VM has stopped. */
void sched_run_guests(void);
/* For ever: serves the console on the boot CPU (after on_idle=halt). */
__noreturn void sched_serve_console(void);
/* The state word `vms` shows: running, halted, paused, ready, stopped. */
const char *vm_state_name(const struct vm *vm);

#endif

/* hv/vmctl.h - The operator's controls on a VM whose vCPU may be running on
 * another CPU at that moment: pause, resume, reset, stop, and "hold" (keep
 * it out of guest mode for a moment, to read its state consistently).
 *
 * Protocol: the shell (on the boot CPU) sets bits in vm->control and kicks
 * the VM's CPU with an IPI, which makes the guest exit. The VM's CPU looks
 * at vm->control after every exit (one load on the hot path) and, in its
 * scheduler, applies requests and parks a paused or held VM, saying so in
 * vm->parked. The shell waits for parked before it reads. Only the VM's own
 * CPU ever runs it, restarts it or stops it. */
#ifndef HV_VMCTL_H
#define HV_VMCTL_H

#include "lib/types.h"

struct vm;

#define VM_CTL_STOP      BIT(0)    /* request: stop it ("stopped by the operator") */
#define VM_CTL_RESET     BIT(1)    /* request: restart it from its initial state */
#define VM_CTL_PAUSED    BIT(2)    /* paused by the operator until resumed */
#define VM_CTL_YIELD     BIT(3)    /* leave the run loop once: its CPU has something to do */
#define VM_CTL_HOLD_ONE  BIT(8)    /* one hold; bits 8-31 count them */
#define VM_CTL_HOLD_MASK (~(VM_CTL_HOLD_ONE - 1))
#define VM_CTL_REQUESTS  (VM_CTL_STOP | VM_CTL_RESET)

/* ---- the shell's side -------------------------------------------------- */

/* Keeps the VM out of guest mode until vmctl_release(). False (err set) if
 * its memory is gone (it stopped and nothing held it) or its CPU did not
 * park it within half a second. */
bool vmctl_hold(struct vm *vm, char *err, size_t errlen);
void vmctl_release(struct vm *vm);
/* Pause waits until the VM is parked (false, err set, on timeout); resume
 * lets it run again. */
bool vmctl_pause(struct vm *vm, char *err, size_t errlen);
void vmctl_resume(struct vm *vm);
/* Asks its CPU to reset or stop it at the next exit; returns at once. */
void vmctl_request(struct vm *vm, uint32_t request);
/* Wakes its CPU, and makes whatever VM runs there leave its run loop, so
 * the scheduler looks again (input arrived for it, or it was resumed). */
void vmctl_wake(struct vm *vm);
/* From an interrupt on the VM's own CPU: leave guest mode and the run loop
 * once, so the scheduler runs. */
void vmctl_yield(struct vm *vm);
bool vmctl_is_paused(const struct vm *vm);

/* ---- the VM's CPU's side ------------------------------------------------ */

/* Before each look at a VM: false if the shell holds it (it is parked and
 * must not be touched). Else takes the pending stop/reset requests into
 * *requests (the caller makes the FPU registers the VM's before a reset). */
bool vmctl_prepare(struct vm *vm, uint32_t *requests);
/* Applies the requests vmctl_prepare() took; true if the VM stopped (its
 * stop lines are printed). */
bool vmctl_apply_requests(struct vm *vm, uint32_t requests);
/* True if the VM may run now; false if paused or held (then it is
 * parked). */
bool vmctl_may_run(struct vm *vm);
/* After the VM stopped: gives its memory back, unless the shell holds it
 * (then the last release does). */
void vmctl_stopped(struct vm *vm);

#endif

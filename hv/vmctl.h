/* hv/vmctl.h - The operator's controls on a VM whose vCPUs may be running
 * on other CPUs at that moment: pause, resume, reset, stop, and "hold"
 * (keep every vCPU out of guest mode for a moment, to read its state
 * consistently).
 *
 * Protocol: the shell (on the boot CPU) sets bits in vm->control and kicks
 * every vCPU (VCPU_REQ_KICK and an IPI), which makes the guest exit. Each
 * vCPU's CPU sees the request after that exit and, in its scheduler, parks
 * a paused or held vCPU, saying so in vcpu->parked. The shell waits until
 * every vCPU is parked before it reads. Stop and reset go through the VM
 * core (vm_request_stop/vm_request_operator_reset): only a vCPU's own CPU
 * ever runs it, resets it or parks it. */
#ifndef HV_VMCTL_H
#define HV_VMCTL_H

#include "lib/types.h"

struct vm;
struct vcpu;

#define VM_CTL_PAUSED    BIT(2)    /* paused by the operator until resumed */
#define VM_CTL_HOLD_ONE  BIT(8)    /* one hold; bits 8-31 count them */
#define VM_CTL_HOLD_MASK (~(VM_CTL_HOLD_ONE - 1))

/* ---- the shell's side -------------------------------------------------- */

/* Keeps every vCPU of the VM out of guest mode until vmctl_release().
 * False (err set) if its memory is gone (it stopped and nothing held it)
 * or a CPU did not park its vCPU within half a second. */
bool vmctl_hold(struct vm *vm, char *err, size_t errlen);
void vmctl_release(struct vm *vm);
/* Pause waits until every vCPU is parked (false, err set, on timeout);
 * resume lets them run again. */
bool vmctl_pause(struct vm *vm, char *err, size_t errlen);
void vmctl_resume(struct vm *vm);
/* Stop (for good) or reset (a restart, whatever on_reset says) at the
 * vCPUs' next exits; returns at once. False (err set) when another stop
 * or reset is already under way. */
bool vmctl_stop(struct vm *vm, char *err, size_t errlen);
bool vmctl_reset(struct vm *vm, char *err, size_t errlen);
/* Makes every vCPU's CPU look again (input arrived for it, it was resumed). */
void vmctl_wake(struct vm *vm);
bool vmctl_is_paused(const struct vm *vm);

/* ---- the vCPU's CPU's side ---------------------------------------------- */

/* True if the shell holds the VM: its vCPUs are parked and must not be
 * touched (not even to act on their requests). */
bool vmctl_held(const struct vm *vm);
/* True if the vCPU may run now; false if its VM is paused or held (then
 * it is parked). */
bool vmctl_may_run(struct vcpu *v);
/* After the VM stopped (its last vCPU parked): gives its memory back,
 * unless the shell holds it (then the last release does). */
void vmctl_stopped(struct vm *vm);

#endif

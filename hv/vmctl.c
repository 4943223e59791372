/* hv/vmctl.c - Pause, resume, hold, reset and stop across CPUs (protocol in
 * vmctl.h). The orderings matter in two places, marked below. */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "drivers/tsc.h"
#include "hv/vm.h"
#include "hv/vmctl.h"
#include "lib/log.h"
#include "lib/printf.h"

#define PARK_TIMEOUT_NS (500ull * 1000 * 1000)

static uint32_t ctl_load(const struct vm *vm)
{
	return __atomic_load_n(&vm->control, __ATOMIC_SEQ_CST);
}

void vmctl_wake(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_kick(vm->vcpus[i]);
}

bool vmctl_is_paused(const struct vm *vm)
{
	return ctl_load(vm) & VM_CTL_PAUSED;
}

bool vmctl_held(const struct vm *vm)
{
	return ctl_load(vm) & VM_CTL_HOLD_MASK;
}

/* Waits for every vCPU's CPU to park it (or for the VM to stop). */
static bool wait_parked(struct vm *vm, char *err, size_t errlen)
{
	vmctl_wake(vm);
	uint64_t deadline = tsc_ns_since_boot() + PARK_TIMEOUT_NS;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (v->cpu == this_cpu()->cpu_id)
			continue;   /* the shell runs between this CPU's exits */
		/* Ordering 1: the shell wrote control (seq_cst) before reading
		 * parked; the vCPU's CPU writes parked=false before reading
		 * control (vmctl_may_run). One of the two sees the other's
		 * write, so no vCPU runs while the shell believes it parked. */
		while (!__atomic_load_n(&v->parked, __ATOMIC_SEQ_CST)) {
			if (tsc_ns_since_boot() > deadline) {
				hv_snprintf(err, errlen,
					    "vm %s: cpu%u did not take vCPU %u out of guest mode within 500 ms",
					    vm->cfg.name, v->cpu, v->id);
				return false;
			}
			cpu_relax();
		}
	}
	return true;
}

bool vmctl_hold(struct vm *vm, char *err, size_t errlen)
{
	spin_lock(&vm->ctl_lock);
	if (vm->destroyed) {
		spin_unlock(&vm->ctl_lock);
		hv_snprintf(err, errlen, "vm %s has stopped and its memory was given back", vm->cfg.name);
		return false;
	}
	__atomic_add_fetch(&vm->control, VM_CTL_HOLD_ONE, __ATOMIC_SEQ_CST);
	spin_unlock(&vm->ctl_lock);
	uint64_t t0 = tsc_ns_since_boot();
	if (!wait_parked(vm, err, errlen)) {
		vmctl_release(vm);
		return false;
	}
	hv_log(LOG_DEBUG, "vmctl: vm %s held (every vCPU out of guest mode after %llu us)", vm->cfg.name,
	       (unsigned long long)((tsc_ns_since_boot() - t0) / 1000));
	return true;
}

void vmctl_release(struct vm *vm)
{
	spin_lock(&vm->ctl_lock);
	uint32_t c = __atomic_sub_fetch(&vm->control, VM_CTL_HOLD_ONE, __ATOMIC_SEQ_CST);
	bool destroy = !(c & VM_CTL_HOLD_MASK) && vm->destroy_pending;
	if (destroy) {
		vm_destroy(vm);
		vm->destroy_pending = false;
		vm->destroyed = true;
	}
	spin_unlock(&vm->ctl_lock);
	if (!destroy)
		vmctl_wake(vm);
}

bool vmctl_pause(struct vm *vm, char *err, size_t errlen)
{
	__atomic_or_fetch(&vm->control, VM_CTL_PAUSED, __ATOMIC_SEQ_CST);
	return wait_parked(vm, err, errlen);
}

void vmctl_resume(struct vm *vm)
{
	__atomic_and_fetch(&vm->control, ~VM_CTL_PAUSED, __ATOMIC_SEQ_CST);
	vmctl_wake(vm);
}

static bool busy(struct vm *vm, char *err, size_t errlen)
{
	hv_snprintf(err, errlen, "vm %s is already %s (%s); try again in a moment", vm->cfg.name,
		    vm->reset_pending ? "resetting" : "stopping", vm->reason);
	return false;
}

bool vmctl_stop(struct vm *vm, char *err, size_t errlen)
{
	if (vm_stop_pending(vm))
		return busy(vm, err, errlen);
	vm_request_stop(vm, VM_STOP_OPERATOR, "stopped by the operator");
	return vm->stop_cause == VM_STOP_OPERATOR || busy(vm, err, errlen);
}

bool vmctl_reset(struct vm *vm, char *err, size_t errlen)
{
	if (vm_stop_pending(vm))
		return busy(vm, err, errlen);
	vm_request_operator_reset(vm);
	return vm->stop_cause == VM_STOP_OPERATOR || busy(vm, err, errlen);
}

/* ---- the vCPU's CPU -------------------------------------------------------- */

bool vmctl_may_run(struct vcpu *v)
{
	/* Ordering 2, the other half of ordering 1 (wait_parked): not parked
	 * from here on, then look. */
	__atomic_store_n(&v->parked, false, __ATOMIC_SEQ_CST);
	if (ctl_load(v->vm) & (VM_CTL_PAUSED | VM_CTL_HOLD_MASK)) {
		__atomic_store_n(&v->parked, true, __ATOMIC_SEQ_CST);
		return false;
	}
	return true;
}

void vmctl_stopped(struct vm *vm)
{
	spin_lock(&vm->ctl_lock);
	if (ctl_load(vm) & VM_CTL_HOLD_MASK) {
		vm->destroy_pending = true;
	} else {
		vm_destroy(vm);
		vm->destroyed = true;
	}
	spin_unlock(&vm->ctl_lock);
}

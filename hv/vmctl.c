/* hv/vmctl.c - Pause, resume, hold, reset and stop across CPUs (protocol in
 * vmctl.h). The orderings matter in two places, marked below. */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "hv/console/console.h"
#include "hv/vm.h"
#include "hv/vmctl.h"
#include "lib/log.h"
#include "lib/printf.h"

#define PARK_TIMEOUT_NS (500ull * 1000 * 1000)

static uint32_t ctl_load(const struct vm *vm)
{
	return __atomic_load_n(&vm->control, __ATOMIC_SEQ_CST);
}

static void kick(struct vm *vm)
{
	struct percpu *pc = cpus[vm->cpu];

	if (!pc)
		return;
	/* Ordering 3: resched is written before current_vm is read; the
	 * scheduler writes current_vm before it reads resched. So either it
	 * sees resched and looks again (its timer decision included) before
	 * entering a guest, or we see the VM it entered and make it yield. */
	__atomic_store_n(&pc->resched, true, __ATOMIC_SEQ_CST);
	if (pc == this_cpu())
		return;   /* the shell runs between this CPU's exits: resched is enough */
	/* Whatever that CPU runs now must leave its run loop, so that its
	 * scheduler gets to this VM even if it is not the one in guest mode. */
	struct vm *running = __atomic_load_n(&pc->current_vm, __ATOMIC_SEQ_CST);
	if (running)
		__atomic_or_fetch(&running->control, VM_CTL_YIELD, __ATOMIC_SEQ_CST);
	lapic_send_ipi(pc->apic_id, VEC_IPI_WAKE);
}

void vmctl_wake(struct vm *vm)
{
	kick(vm);
}

void vmctl_yield(struct vm *vm)
{
	__atomic_or_fetch(&vm->control, VM_CTL_YIELD, __ATOMIC_SEQ_CST);
}

bool vmctl_is_paused(const struct vm *vm)
{
	return ctl_load(vm) & VM_CTL_PAUSED;
}

/* Waits for the VM's CPU to park it (or for the VM to stop). */
static bool wait_parked(struct vm *vm, char *err, size_t errlen)
{
	if (vm->cpu == this_cpu()->cpu_id)
		return true;   /* the shell runs between this CPU's exits */
	kick(vm);
	uint64_t deadline = tsc_ns_since_boot() + PARK_TIMEOUT_NS;
	/* Ordering 1: the shell wrote control (seq_cst) before reading parked;
	 * the VM's CPU writes parked=false before reading control (see
	 * vmctl_may_run). One of the two sees the other's write, so the VM
	 * never runs while the shell believes it parked. */
	while (!__atomic_load_n(&vm->parked, __ATOMIC_SEQ_CST)) {
		if (tsc_ns_since_boot() > deadline) {
			hv_snprintf(err, errlen, "vm %s: cpu%u did not take it out of guest mode within 500 ms",
				    vm->cfg.name, vm->cpu);
			return false;
		}
		cpu_relax();
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
	hv_log(LOG_DEBUG, "vmctl: vm %s held (out of guest mode on cpu%u after %llu us)", vm->cfg.name, vm->cpu,
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

void vmctl_request(struct vm *vm, uint32_t request)
{
	__atomic_or_fetch(&vm->control, request & VM_CTL_REQUESTS, __ATOMIC_SEQ_CST);
	kick(vm);
}

/* ---- the VM's CPU -------------------------------------------------------- */

bool vmctl_prepare(struct vm *vm, uint32_t *requests)
{
	/* Ordering 2, the other half of ordering 1 (wait_parked): not parked
	 * from here on, then look. A held VM is left exactly as it is: the
	 * shell may be reading it. */
	__atomic_store_n(&vm->parked, false, __ATOMIC_SEQ_CST);
	if (ctl_load(vm) & VM_CTL_HOLD_MASK) {
		__atomic_store_n(&vm->parked, true, __ATOMIC_SEQ_CST);
		*requests = 0;
		return false;
	}
	*requests = __atomic_fetch_and(&vm->control, ~(VM_CTL_REQUESTS | VM_CTL_YIELD), __ATOMIC_SEQ_CST) &
		    VM_CTL_REQUESTS;
	return true;
}

bool vmctl_apply_requests(struct vm *vm, uint32_t c)
{
	if (c & VM_CTL_STOP) {
		vm_request_stop(vm, "stopped by the operator");
		vm_stop_now(vm);
		return true;
	}
	if (c & VM_CTL_RESET) {
		console_vm_flush(vm);
		hv_log(LOG_INFO, "vm %s reset (by the operator); restarting", vm->cfg.name);
		vm_restart(vm);
	}
	return false;
}

bool vmctl_may_run(struct vm *vm)
{
	/* Ordering 2 again (see vmctl_prepare): not parked, then look. */
	__atomic_store_n(&vm->parked, false, __ATOMIC_SEQ_CST);
	if (ctl_load(vm) & (VM_CTL_PAUSED | VM_CTL_HOLD_MASK)) {
		__atomic_store_n(&vm->parked, true, __ATOMIC_SEQ_CST);
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
	__atomic_store_n(&vm->parked, true, __ATOMIC_SEQ_CST);
	spin_unlock(&vm->ctl_lock);
}

/* hv/vcpu.c - Requests and kicks: how anyone reaches a vCPU that another
 * host CPU owns (the model is in vcpu.h). */
#include "arch/x86/percpu.h"
#include "drivers/lapic.h"
#include "hv/vm.h"

void vcpu_request(struct vcpu *v, uint32_t bits)
{
	struct percpu *pc = cpus[v->cpu];

	__atomic_or_fetch(&v->requests, bits, __ATOMIC_SEQ_CST);
	if (!pc)
		return;
	/* resched is written before current_vcpu is read; the scheduler
	 * writes current_vcpu before it reads resched (hv/sched.c). So either
	 * it sees resched and looks again before entering a guest, or we see
	 * the vCPU it entered and make it leave. */
	__atomic_store_n(&pc->resched, true, __ATOMIC_SEQ_CST);
	if (pc == this_cpu()) {
		/* We run between exits of whatever vCPU this CPU runs (a handler
		 * raising an interrupt on a sibling, the shell): that one must
		 * leave its run loop so the scheduler looks at v. */
		struct vcpu *running = pc->current_vcpu;
		if (running && running != v)
			__atomic_or_fetch(&running->requests, VCPU_REQ_KICK, __ATOMIC_SEQ_CST);
		return;
	}
	/* Whatever runs there must leave its run loop, so that its scheduler
	 * gets to v even if v is not the one in guest mode. */
	struct vcpu *running = __atomic_load_n(&pc->current_vcpu, __ATOMIC_SEQ_CST);
	if (running && running != v)
		__atomic_or_fetch(&running->requests, VCPU_REQ_KICK, __ATOMIC_SEQ_CST);
	lapic_send_ipi(pc->apic_id, VEC_IPI_WAKE);
}

void vcpu_kick(struct vcpu *v)
{
	vcpu_request(v, VCPU_REQ_KICK);
}

void vcpu_raise_irq(struct vcpu *v, uint8_t vector)
{
	events_raise_irq(&v->events, vector);
	/* A halted vCPU must wake; a running one on another CPU must exit to
	 * take it at its next entry. Kicking always does both. */
	vcpu_kick(v);
}

void vcpu_send_init(struct vcpu *v)
{
	vcpu_request(v, VCPU_REQ_INIT);
}

void vcpu_send_sipi(struct vcpu *v, uint8_t vector)
{
	__atomic_store_n(&v->sipi_vector, vector, __ATOMIC_RELEASE);
	vcpu_request(v, VCPU_REQ_SIPI);
}

const char *vcpu_state_name(const struct vcpu *v)
{
	switch (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE)) {
	case VCPU_RUNNABLE: return "running";
	case VCPU_HALTED: return "halted";
	case VCPU_HALTED_NO_IRQ: return "halted-if0";
	case VCPU_WAIT_SIPI: return "wait-sipi";
	case VCPU_PARKED: return "parked";
	}
	return "?";
}

bool vm_any_vcpu_can_wake(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];
		enum vcpu_state s = __atomic_load_n(&v->state, __ATOMIC_SEQ_CST);
		/* One its CPU has yet to rebuild after a reset will run soon. */
		if (s == VCPU_RUNNABLE || s == VCPU_HALTED || __atomic_load_n(&v->rebuild, __ATOMIC_ACQUIRE))
			return true;
	}
	return false;
}

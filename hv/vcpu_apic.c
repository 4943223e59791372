/* hv/vcpu_apic.c - The vCPU side of its local APIC (see vcpu_apic.h). */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "drivers/tsc.h"
#include "hv/timer.h"
#include "hv/vcpu_apic.h"
#include "hv/vm.h"

uint64_t vcpu_guest_tsc(const struct vcpu *v)
{
	return rdtsc() + v->vmcb->control.tsc_offset;
}

static uint64_t clock_now(void *ctx)
{
	return vcpu_guest_tsc(ctx);
}

/* ---- V_TPR: the guest's CR8 ------------------------------------------------------ */

/* After the LAPIC's TPR changed by a register write: V_TPR shows it. */
static void tpr_to_vmcb(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	uint32_t tpr = vlapic_tpr(&v->lapic) & 0xfu;

	if ((c->int_ctl & INT_CTL_V_TPR_MASK) != tpr) {
		c->int_ctl = (c->int_ctl & ~INT_CTL_V_TPR_MASK) | tpr;
		c->clean &= ~VMCB_CLEAN_TPR;
	}
}

/* Before the LAPIC is asked: a MOV to CR8 since the last exit changed
 * V_TPR only. */
static void tpr_from_vmcb(struct vcpu *v)
{
	uint8_t vtpr = (uint8_t)(v->vmcb->control.int_ctl & 0xfu);

	if (vtpr != vlapic_tpr(&v->lapic))
		vlapic_set_tpr(&v->lapic, vtpr);
}

/* ---- the interrupt controller of event delivery ----------------------------------- */

static int intc_pending(void *ctx, unsigned *tpr_class)
{
	struct vcpu *v = ctx;

	tpr_from_vmcb(v);
	int vec = vlapic_pending(&v->lapic);
	/* Held back: by an interrupt in service (its EOI is an exit, which
	 * asks again), or only by the TPR (which the guest may lower with no
	 * exit: the window then waits for V_TPR). */
	*tpr_class = vec >= 0 ? 0 : vlapic_tpr_held_class(&v->lapic);
	return vec;
}

static int intc_ack(void *ctx)
{
	return vlapic_ack(&((struct vcpu *)ctx)->lapic);
}

static const struct events_intc apic_intc = { intc_pending, intc_ack, NULL };

/* ---- the model's ops ------------------------------------------------------------- */

/* Something arrived. On the vCPU's own CPU, between its exits, the next
 * entry sees it without leaving the run loop; anywhere else the CPU that
 * runs it must look (and a halted vCPU wake). */
static void op_kick(void *ctx)
{
	struct vcpu *v = ctx;

	events_intc_notify(&v->events);
	if (this_cpu()->current_vcpu != v)
		vcpu_kick(v);
}

static int op_extint_ack(void *ctx)
{
	return vpic_ack(&((struct vcpu *)ctx)->vm->board.pic);
}

static void op_nmi(void *ctx)
{
	vcpu_request(ctx, VCPU_REQ_NMI);
}

static void op_init(void *ctx)
{
	vcpu_send_init(ctx);
}

static void op_sipi(void *ctx, uint8_t vector)
{
	vcpu_send_sipi(ctx, vector);
}

static void op_eoi_broadcast(void *ctx, uint8_t vector)
{
	vioapic_eoi(&((struct vcpu *)ctx)->vm->board.ioapic, vector);
}

static void op_send(void *ctx, const struct apic_msg *msg)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	apic_bus_deliver(vm->board.lapics, vm->vcpu_count, msg);
}

static const struct vlapic_cpu_ops apic_ops = {
	.kick = op_kick, .extint_ack = op_extint_ack, .nmi = op_nmi, .init = op_init, .sipi = op_sipi,
	.eoi_broadcast = op_eoi_broadcast, .send = op_send,
};

/* The model's timer moved: re-armed on this CPU before the guest runs
 * again (the run loop takes the request without a trip to the scheduler). */
static void timer_moved(void *ctx)
{
	struct vcpu *v = ctx;

	__atomic_or_fetch(&v->requests, VCPU_REQ_APIC_TIMER, __ATOMIC_SEQ_CST);
}

static void apic_timer_fired(struct timerq *q, struct timer *t)
{
	struct vcpu *v = t->owner;

	(void)q;
	vlapic_timer_expire(&v->lapic, vcpu_guest_tsc(v));
	vcpu_apic_timer_rearm(v);
}

static void after_write(struct vcpu *v);

/* ---- set-up, resets --------------------------------------------------------------- */

void vcpu_apic_setup(struct vcpu *v)
{
	v->clock = (struct vclock){ .now = clock_now, .ctx = v, .hz = tsc_khz() * 1000 };
	vlapic_init(&v->lapic, v->id, v->id == 0, &v->clock, &apic_ops, v,
		    (struct vdev_deadline_hook){ timer_moved, v }, true);
	v->vm->board.lapics[v->id] = &v->lapic;
	timer_init(&v->apic_timer, apic_timer_fired, v);
	struct events_intc intc = apic_intc;
	intc.ctx = v;
	events_set_intc(&v->events, &intc);
}

void vcpu_apic_reset(struct vcpu *v)
{
	timer_cancel(&v->apic_timer);
	vlapic_reset(&v->lapic);
	tpr_to_vmcb(v);
	events_intc_notify(&v->events);
	if (v->id == 0 && v->vm->board.firmware)
		vcpu_apic_firmware_state(v);
}

void vcpu_apic_init_signal(struct vcpu *v)
{
	timer_cancel(&v->apic_timer);
	vlapic_init_reset(&v->lapic);
	tpr_to_vmcb(v);
	events_intc_notify(&v->events);
}

#define APIC_EOI_OFFSET   0xb0u
#define APIC_SVR_OFFSET   0xf0u
#define APIC_LINT0_OFFSET 0x350u
#define APIC_LINT1_OFFSET 0x360u
#define LVT_LEVEL         BIT(15)

#define MSR_X2APIC_EOI    (MSR_X2APIC_FIRST + (APIC_EOI_OFFSET >> 4))

void vcpu_apic_firmware_state(struct vcpu *v)
{
	vlapic_mmio_write(&v->lapic, APIC_SVR_OFFSET, 4, 0x1ff);
	/* As measured (docs/pc.md): 0x8700 and 0x8400, with the level bit. */
	vlapic_mmio_write(&v->lapic, APIC_LINT0_OFFSET, 4, LVT_LEVEL | (uint64_t)APIC_DM_EXTINT << 8);
	vlapic_mmio_write(&v->lapic, APIC_LINT1_OFFSET, 4, LVT_LEVEL | (uint64_t)APIC_DM_NMI << 8);
	after_write(v);
}

void vcpu_apic_timer_rearm(struct vcpu *v)
{
	__atomic_and_fetch(&v->requests, ~VCPU_REQ_APIC_TIMER, __ATOMIC_SEQ_CST);
	uint64_t deadline = vlapic_timer_next_deadline(&v->lapic);
	if (deadline == VDEV_NO_DEADLINE) {
		timer_cancel(&v->apic_timer);
		return;
	}
	/* Guest TSC to host TSC through the distance from now (the vCPU's
	 * own offset, whatever its sign). A deadline already passed fires at
	 * once. */
	uint64_t host_now = rdtsc(), guest_now = host_now + v->vmcb->control.tsc_offset;
	timer_arm(&v->apic_timer, deadline <= guest_now ? host_now : host_now + (deadline - guest_now));
}

/* ---- register access -------------------------------------------------------------- */

static void after_write(struct vcpu *v)
{
	tpr_to_vmcb(v);
	events_intc_notify(&v->events);
}

/* No TPR to sync (the EOI reads none and sets none), and event delivery
 * asks the LAPIC again only if the EOI may have let a waiting interrupt
 * through. */
void vcpu_apic_eoi(struct vcpu *v)
{
	if (vlapic_eoi_write(&v->lapic))
		events_intc_notify(&v->events);
}

void vcpu_apic_mmio_write(struct vcpu *v, uint32_t offset, unsigned size, uint64_t val)
{
	/* vlapic_mmio_write's rules for the EOI register: 4 bytes, xAPIC mode
	 * (the only mode with a page: the caller found it at the page's base). */
	if (offset == APIC_EOI_OFFSET && size == 4 && vlapic_mode(&v->lapic) == VLAPIC_XAPIC) {
		vcpu_apic_eoi(v);
		return;
	}
	tpr_from_vmcb(v);
	vlapic_mmio_write(&v->lapic, offset, size, val);
	after_write(v);
}

void vcpu_apic_mmio_read(struct vcpu *v, uint32_t offset, unsigned size, uint64_t *val)
{
	/* TPR and PPR as the guest left them: a MOV to CR8 since the last
	 * exit is in V_TPR only. */
	tpr_from_vmcb(v);
	vlapic_mmio_read(&v->lapic, offset, size, val);
}

bool vcpu_apic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val, bool *gp)
{
	int r;

	if (msr == MSR_IA32_APIC_BASE) {
		if (!write) {
			*val = vlapic_apic_base(&v->lapic);
			*gp = false;
			return true;
		}
		r = vlapic_set_apic_base(&v->lapic, *val);
	} else if (msr == MSR_X2APIC_EOI && write && vlapic_mode(&v->lapic) == VLAPIC_X2APIC) {
		/* vlapic_msr_write's rule: only 0 may be written (SDM Table 10-6). */
		*gp = *val != 0;
		if (!*gp)
			vcpu_apic_eoi(v);
		return true;
	} else if (msr == MSR_IA32_TSC_DEADLINE || (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)) {
		tpr_from_vmcb(v);
		r = write ? vlapic_msr_write(&v->lapic, msr, *val) : vlapic_msr_read(&v->lapic, msr, val);
	} else {
		return false;
	}
	*gp = r != 0;
	if (write)
		after_write(v);
	return true;
}

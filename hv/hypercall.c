/* hv/hypercall.c - VMMCALL, the guest-to-hypervisor call (ABI in hv/hypercall.h). */
#include "arch/x86/percpu.h"
#include "hv/hypercall.h"
#include "hv/exit.h"
#include "hv/timer.h"

enum exit_action handle_vmmcall(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	bool wide = vcpu_in_long_mode64(v);
	/* Outside 64-bit mode the upper halves are not the guest's to set. */
	uint64_t nr = wide ? v->gprs.rax : (uint32_t)v->gprs.rax;
	uint64_t arg = wide ? v->gprs.rbx : (uint32_t)v->gprs.rbx;
	uint64_t ret = 0;

	/* Hypercalls are the guest kernel's: from user mode VMMCALL is #UD, as
	 * on a machine with no hypervisor. */
	if (s->cpl != 0) {
		vcpu_inject_exception(v, X86_EXC_UD, false, 0);
		return EXIT_RESUME;
	}
	switch (nr) {
	case HC_ABI_VERSION:
		ret = HC_ABI_VERSION_1_1;
		break;
	case HC_CONSOLE_PUTC:
		vuart_transmit(&v->vm->uart, (uint8_t)arg);   /* as a THR write: ring, LSR, notify */
		break;
	case HC_EXIT:
		vm_request_stop(v->vm, VM_STOP_EXIT_CODE, "exit code %u", (uint32_t)arg);
		break;
	case HC_CPU_ID:
		ret = this_cpu()->cpu_id;
		break;
	case HC_VCPU_ID:
		ret = v->id;
		break;
	case HC_RESET_COUNT:
		ret = v->vm->reset_count;
		break;
	case HC_SET_TIMER:
		if (!vcpu_timer_set(v, arg, wide ? v->gprs.rcx : (uint32_t)v->gprs.rcx))
			ret = HC_EINVAL;
		break;
	case HC_RAISE_IRQ: {
		uint64_t target = wide ? v->gprs.rcx : (uint32_t)v->gprs.rcx;
		if (arg < 32 || arg > 255 || target >= v->vm->vcpu_count) {
			ret = HC_EINVAL;
			break;
		}
		vcpu_raise_irq(v->vm->vcpus[target], (uint8_t)arg);
		break;
	}
	default:
		ret = HC_ENOSYS;
		break;
	}
	v->gprs.rax = wide ? ret : (uint32_t)ret;
	return vcpu_skip_known(v, INSN_VMMCALL_PLAIN) ? EXIT_RESUME : EXIT_STOP;
}

/* hv/exit_xsetbv.c - XSETBV, intercepted (SVM_INTERCEPT_MISC2_XSETBV, AMD
 * APM Vol. 2, 15.9 "Instruction Intercepts") and emulated: the guest's new
 * XCR0 goes into the hardware register, which is the vCPU's while it owns
 * this CPU (arch/x86/fpu.h), after the checks XSETBV makes (APM Vol. 2,
 * 11.5.2; XSETBV in Vol. 4):
 *   CR4.OSXSAVE clear                              #UD
 *   CPL > 0, ECX != 0 (only XCR0 exists), or a
 *   value xcr0_valid refuses for the components
 *   this VM is offered (hv/cpuid_view.h)           #GP(0)
 * Real AMD CPUs honour the intercept. QEMU TCG does not: there the guest's
 * XSETBV changes XCR0 directly (checked by QEMU against the host's
 * components) and this handler never runs; arch/x86/fpu.c reads XCR0 back
 * when the vCPU leaves the CPU, so either way the value stays the vCPU's. */
#include "arch/x86/fpu.h"
#include "arch/x86/xsave.h"
#include "hv/cpuid_view.h"
#include "hv/exit.h"

static struct cpuid_regs real_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf)
{
	(void)ctx;
	return cpuid(leaf, subleaf);
}

enum exit_action handle_xsetbv(struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;
	uint64_t value = (v->gprs.rax & 0xffffffffull) | ((v->gprs.rdx & 0xffffffffull) << 32);

	if (!(s->cr4 & CR4_OSXSAVE)) {
		vcpu_inject_exception(v, X86_EXC_UD, false, 0);
		return EXIT_RESUME;
	}
	if (s->cpl != 0 || (uint32_t)v->gprs.rcx != 0 ||
	    !xcr0_valid(cpuid_view_xcr0_mask(real_cpuid, NULL), value)) {
		vcpu_inject_exception(v, X86_EXC_GP, true, 0);
		return EXIT_RESUME;
	}
	fpu_write_xcr0(value);
	return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
}

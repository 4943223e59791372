/* hv/exit_cpuid.c - The CPUID intercept: the guest's registers from the
 * filtered view in hv/cpuid_view.c (what the guest sees is described
 * there), asked with the real CPU's CPUID and this vCPU's number, VM size,
 * CR4 and XCR0. */
#include "arch/x86/fpu.h"
#include "hv/cpuid_view.h"
#include "hv/exit.h"

static struct cpuid_regs real_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf)
{
	(void)ctx;
	return cpuid(leaf, subleaf);
}

/* While the vCPU runs on this CPU, the hardware XCR0 is its XCR0 (arch/x86/fpu.h). */
static uint64_t live_xcr0(void *ctx)
{
	(void)ctx;
	return fpu_read_xcr0();
}

enum exit_action handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->gprs.rax, subleaf = (uint32_t)v->gprs.rcx;
	struct cpuid_regs r;

	if (cpuid_view_is_host_leaf(leaf)) {
		r = cpuid(leaf, subleaf);
	} else {
		const struct cpuid_view_env env = {
			.host_cpuid = real_cpuid, .guest_xcr0 = live_xcr0, .ctx = NULL,
			.vcpu_id = v->id, .vcpu_count = v->vm->vcpu_count, .guest_cr4 = v->vmcb->save.cr4,
			.tsc_aux = fpu_has_tsc_aux(), .lapic = true,
		};
		r = cpuid_view(&env, leaf, subleaf);
	}

	/* CPUID writes the 32-bit registers, which clears the upper halves. */
	v->gprs.rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	return vcpu_skip_known(v, INSN_CPUID_PLAIN) ? EXIT_RESUME : EXIT_STOP;
}

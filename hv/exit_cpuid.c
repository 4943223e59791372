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

/* A leaf the view changes. Out of line: its environment (and the call
 * that fills it) would make the host-leaf path save registers too. */
static __attribute__((noinline)) struct cpuid_regs viewed_leaf(const struct vcpu *v, uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_view_env env = {
		.host_cpuid = real_cpuid, .guest_xcr0 = live_xcr0, .ctx = NULL,
		.vcpu_id = v->id, .vcpu_count = v->vm->vcpu_count, .guest_cr4 = v->vmcb->save.cr4,
		.tsc_aux = fpu_has_tsc_aux(), .lapic = true,
		.apic_disabled = !(vlapic_apic_base(&v->lapic) & APIC_BASE_EN),
	};
	return cpuid_view(&env, leaf, subleaf);
}

enum exit_action handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->gprs.rax, subleaf = (uint32_t)v->gprs.rcx;
	struct cpuid_regs r = cpuid_view_is_host_leaf(leaf) ? cpuid(leaf, subleaf) : viewed_leaf(v, leaf, subleaf);

	/* CPUID writes the 32-bit registers, which clears the upper halves. */
	v->gprs.rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	return vcpu_skip_known(v, INSN_CPUID_PLAIN) ? EXIT_RESUME : EXIT_STOP;
}

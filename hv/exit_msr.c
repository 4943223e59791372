/* hv/exit_msr.c - RDMSR/WRMSR that the MSR permission map sends here: the
 * guest's EDX:EAX to and from the view in hv/msr_view.c (what the guest
 * sees is described there); a refused access is #GP(0) in the guest. */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/msr.h"
#include "hv/exit.h"
#include "hv/msr_view.h"
#include "hv/vcpu_apic.h"

static uint64_t host_tsc(void)
{
	return rdtsc();
}

enum exit_action handle_msr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->gprs.rcx;
	bool write = v->vmcb->control.exit_info_1 == MSR_EXIT_WRITE;
	uint64_t val = (v->gprs.rax & 0xffffffffull) | (v->gprs.rdx << 32);
	bool gp;

	/* The local APIC's MSRs first: the x2APIC EOI (WRMSR 0x80B) is an
	 * OS's most frequent MSR exit. */
	if (vcpu_apic_msr(v, msr, write, &val, &gp)) {
		if (gp) {
			vcpu_inject_exception(v, X86_EXC_GP, true, 0);
			return EXIT_RESUME;
		}
		if (!write) {
			v->gprs.rax = val & 0xffffffffull;
			v->gprs.rdx = val >> 32;
		}
		return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
	}
	if (write) {
		if (!msr_view_write(v, msr, val, host_tsc)) {
			vcpu_inject_exception(v, X86_EXC_GP, true, 0);
			return EXIT_RESUME;
		}
		if (msr == MSR_TSC_AUX)   /* the vCPU owns this CPU now: RDTSCP reads it at once */
			fpu_set_tsc_aux(&v->fpu, (uint32_t)val);
	} else {
		if (!msr_view_read(v, msr, host_tsc, &val)) {
			vcpu_inject_exception(v, X86_EXC_GP, true, 0);
			return EXIT_RESUME;
		}
		v->gprs.rax = val & 0xffffffffull;
		v->gprs.rdx = val >> 32;
	}
	return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
}

/* hv/exit_cpuid.c - The guest's view of CPUID: the host's, filtered.
 *
 *   leaf 1           ECX[31] hypervisor present; hide MONITOR (ECX[3]),
 *                    VMX (ECX[5]), x2APIC (ECX[21]), TSC-deadline (ECX[24]),
 *                    XSAVE/OSXSAVE (ECX[26,27]) and the APIC (EDX[9]): the VM
 *                    has none of these yet
 *   4000_0000h       max hypervisor leaf and the signature "SVMmicroHV  "
 *   8000_0001h       SVM (ECX[2]) hidden until nested virtualization exists
 *   8000_000Ah       SVM features: all zero
 *   leaf 7 / 0Dh     XSAVE-dependent features hidden with XSAVE; also
 *                    TSC_ADJUST, PKU, RDPID and the speculation-control
 *                    MSRs, which the VM does not have (they would #GP)
 *   8000_0001h EDX   RDTSCP hidden (TSC_AUX is not the guest's to set)
 *   8000_0008h EBX   INVLPGB and the IBPB/IBRS/STIBP/SSBD family hidden
 *   8000_0021h EAX   Automatic IBRS hidden (EFER bit 21 is not writable)
 */
#include "arch/x86/cpu.h"
#include "hv/vcpu.h"

#define HV_CPUID_BASE      0x40000000u
#define HV_CPUID_MAX       0x40000001u
#define HV_SIGNATURE_EBX   0x6d4d5653u   /* "SVMm" */
#define HV_SIGNATURE_ECX   0x6f726369u   /* "icro" */
#define HV_SIGNATURE_EDX   0x20205648u   /* "HV  " */

#define L1_ECX_HIDDEN (BIT(3) | BIT(5) | BIT(21) | BIT(24) | BIT(26) | BIT(27))
#define L1_EDX_HIDDEN BIT(9)
#define L1_ECX_HYPERVISOR BIT(31)
#define L7_EBX_AVX_FAMILY (BIT(5) | BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define L7_ECX_AVX_FAMILY (BIT(1) | BIT(6) | BIT(8) | BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(14))
#define L7_EBX_TSC_ADJUST BIT(1)
#define L7_ECX_PKU_RDPID (BIT(3) | BIT(4) | BIT(22))
#define L7_EDX_SPEC_CTRL (BIT(26) | BIT(27) | BIT(29) | BIT(31))
#define EXT1_ECX_SVM BIT(2)
#define EXT1_EDX_RDTSCP BIT(27)
#define EXT8_EBX_HIDDEN (BIT(3) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | \
			 BIT(24) | BIT(25) | BIT(26))
#define EXT21_EAX_AUTO_IBRS BIT(8)

static struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if ((leaf & 0xffff0000u) == HV_CPUID_BASE) {
		if (leaf == HV_CPUID_BASE) {
			r.eax = HV_CPUID_MAX;
			r.ebx = HV_SIGNATURE_EBX;
			r.ecx = HV_SIGNATURE_ECX;
			r.edx = HV_SIGNATURE_EDX;
		}
		return r;   /* 4000_0001h: no hypervisor features defined yet */
	}
	r = cpuid(leaf, subleaf);
	switch (leaf) {
	case 1:
		r.ecx = (r.ecx & ~L1_ECX_HIDDEN) | L1_ECX_HYPERVISOR;
		r.edx &= ~L1_EDX_HIDDEN;
		break;
	case 7:
		if (subleaf == 0) {   /* AVX2/AVX-512 need XSAVE, which is hidden */
			r.ebx &= ~(L7_EBX_AVX_FAMILY | L7_EBX_TSC_ADJUST);
			r.ecx &= ~(L7_ECX_AVX_FAMILY | L7_ECX_PKU_RDPID);
			r.edx &= ~L7_EDX_SPEC_CTRL;
		}
		break;
	case 0xd:
		r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	case 0x80000001:
		r.ecx &= ~EXT1_ECX_SVM;
		r.edx &= ~EXT1_EDX_RDTSCP;
		break;
	case 0x80000008:
		r.ebx &= ~EXT8_EBX_HIDDEN;
		break;
	case 0x80000021:
		r.eax &= ~EXT21_EAX_AUTO_IBRS;
		break;
	case 0x8000000a:
		r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	}
	return r;
}

enum exit_action handle_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct cpuid_regs r = guest_cpuid((uint32_t)s->rax, (uint32_t)v->gprs.rcx);

	/* CPUID writes the 32-bit registers, which clears the upper halves. */
	s->rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
}

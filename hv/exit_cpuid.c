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
 *
 * Topology is the VM's, never the host's: N vCPUs are N cores of one
 * package, one thread each, APIC ID = vCPU number (leaf 1 EBX, 4, 0Bh and
 * 1Fh, 8000_0001h CmpLegacy, 8000_0008h ECX, 8000_001Dh, 8000_001Eh).
 */
#include "arch/x86/cpu.h"
#include "hv/exit.h"

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

#define L1_EBX_APIC_ID_SHIFT   24
#define L1_EBX_LOGICAL_SHIFT   16
#define L1_EBX_LOW_MASK        0xffffu      /* brand index, CLFLUSH size: the host's */
#define L1_EDX_HTT             BIT(28)
#define L4_EAX_COUNTS_MASK     0xffffc000u  /* cores per package, threads per cache */
#define EXT1_ECX_CMP_LEGACY    BIT(1)
#define TOPO_LEVEL_SMT         1u
#define TOPO_LEVEL_CORE        2u
#define EXT1D_EAX_SHARING_SHIFT 14
#define EXT1D_EAX_SHARING_MASK (0xfffu << EXT1D_EAX_SHARING_SHIFT)

/* Bits of an APIC ID that number n CPUs (ceil(log2 n)). */
static uint32_t id_bits(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* Leaves 0Bh and 1Fh (extended topology): level 0 the thread, level 1 the
 * core; EDX is the x2APIC ID at every subleaf. */
static struct cpuid_regs topology_leaf(uint32_t subleaf, uint32_t id, uint32_t n)
{
	struct cpuid_regs r = { 0, 0, subleaf & 0xff, id };

	if (subleaf == 0) {
		r.eax = 0;
		r.ebx = 1;
		r.ecx |= TOPO_LEVEL_SMT << 8;
	} else if (subleaf == 1) {
		r.eax = id_bits(n);
		r.ebx = n;
		r.ecx |= TOPO_LEVEL_CORE << 8;
	}
	return r;
}

static struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t id, uint32_t n)
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
		r.ebx = (r.ebx & L1_EBX_LOW_MASK) | (id << L1_EBX_APIC_ID_SHIFT) | ((n & 0xff) << L1_EBX_LOGICAL_SHIFT);
		r.ecx = (r.ecx & ~L1_ECX_HIDDEN) | L1_ECX_HYPERVISOR;
		r.edx = (r.edx & ~(L1_EDX_HIDDEN | L1_EDX_HTT)) | (n > 1 ? L1_EDX_HTT : 0);
		break;
	case 4:
		r.eax &= ~L4_EAX_COUNTS_MASK;
		break;
	case 0xb:
	case 0x1f:
		if (leaf <= cpuid(0, 0).eax)
			r = topology_leaf(subleaf, id, n);
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
		r.ecx = (r.ecx & ~(EXT1_ECX_SVM | EXT1_ECX_CMP_LEGACY)) | (n > 1 ? EXT1_ECX_CMP_LEGACY : 0);
		r.edx &= ~EXT1_EDX_RDTSCP;
		break;
	case 0x80000008:
		r.ebx &= ~EXT8_EBX_HIDDEN;
		r.ecx = (n - 1) | (id_bits(n) << 12);   /* NC, ApicIdSize */
		break;
	case 0x8000001d:
		/* L1 and L2 are each core's own; L3 is shared by them all. */
		if (r.eax & 0x1f) {
			uint32_t level = (r.eax >> 5) & 7;
			r.eax = (r.eax & ~EXT1D_EAX_SHARING_MASK) |
				((level >= 3 ? n - 1 : 0) << EXT1D_EAX_SHARING_SHIFT);
		}
		break;
	case 0x8000001e:
		r.eax = id;      /* extended APIC ID */
		r.ebx = id;      /* core ID; one thread per core */
		r.ecx = 0;       /* node 0, one node */
		r.edx = 0;
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
	struct cpuid_regs r = guest_cpuid((uint32_t)v->gprs.rax, (uint32_t)v->gprs.rcx, v->id, v->vm->vcpu_count);

	/* CPUID writes the 32-bit registers, which clears the upper halves. */
	v->gprs.rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	return vcpu_skip_instruction(v) ? EXIT_RESUME : EXIT_STOP;
}

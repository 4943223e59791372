/* hv/cpuid_view.c - The guest's view of CPUID: the host's, filtered.
 *
 *   leaf 1           ECX[31] hypervisor present; hide MONITOR (ECX[3]) and
 *                    VMX (ECX[5]). The APIC (EDX[9]), x2APIC (ECX[21]) and
 *                    TSC-deadline (ECX[24]) show the VM's own local APICs
 *                    (hv/vdev/vlapic.h), whatever the host has; hidden for
 *                    a VM without them (env->lapic false).
 *                    XSAVE (ECX[26]) as the host has it; OSXSAVE (ECX[27])
 *                    is the guest's own CR4.OSXSAVE; FMA, AVX, F16C
 *                    (ECX[12,28,29]) only with the YMM state
 *   4000_0000h       max hypervisor leaf and the signature "SVMmicroHV  "
 *   leaf 7           AVX2, VAES, VPCLMULQDQ, GFNI, AVX-VNNI, AVX-IFMA...
 *                    only with the YMM state; AVX-512 and AMX always hidden
 *                    (their state is not offered in XCR0); the speculation-
 *                    control MSRs, which the VM does not have (they would
 *                    #GP), hidden. TSC_ADJUST (EBX[1]) always: the MSR is
 *                    the vCPU's own. PKU (ECX[3]) with the PKRU component;
 *                    OSPKE (ECX[4]) is the guest's CR4.PKE. RDPID (ECX[22])
 *                    where TSC_AUX is the vCPU's (env->tsc_aux). SMEP,
 *                    SMAP, UMIP, CLFLUSHOPT, CLWB... as the host has them:
 *                    the CPU applies them to the guest with no help
 *   leaf 0Dh         exactly the components of CPUID_VIEW_XCR0 the host
 *                    has (sub-leaf 0: mask and sizes, computed from the
 *                    components' geometry; sub-leaf i: the host's geometry
 *                    for an offered component, zero otherwise); sub-leaf 1
 *                    offers XGETBV with ECX=1 only: XSAVEOPT, XSAVEC and
 *                    XSAVES are hidden (no IA32_XSS, no compacted format
 *                    here, and the XSAVEOPT modified-optimisation tracking
 *                    is not known to tell the host's XRSTOR in arch/x86/
 *                    fpu.c from the guest's own)
 *   8000_0001h       SVM (ECX[2]) hidden until nested virtualization
 *                    exists; XOP, FMA4 (ECX[11,16]) only with the YMM
 *                    state; LWP (ECX[15], XCR0 bit 62) hidden; the core,
 *                    NB/DF and LLC performance-counter extensions (ECX[23,
 *                    24,28]) hidden: there is no PMU (the legacy counters
 *                    read as zero, hv/msr_view.c); RDTSCP (EDX[27]) with
 *                    env->tsc_aux; OSVW, IBS, WDT, the data-breakpoint
 *                    and address-mask extensions, PerfTsc (ECX[9,10,13,26,
 *                    27,30]: their MSRs #GP), ExtApicSpace, SKINIT and
 *                    MONITORX (intercepted: #UD), TCE, NodeId hidden
 *                    (EXT1_ECX_NEEDS_HELP)
 *   leaf 1 EDX       MCE, MCA (EDX[7,14]) hidden: no machine-check banks
 *   leaf 6 ECX       APERF/MPERF hidden (no such MSRs)
 *   leaf 7 EBX       PQM, PQE (EBX[12,15]) hidden; leaves 0Fh, 10h zero
 *   8000_0007h       only TscInvariant (EDX[8]) as the host has it
 *   8000_001Fh       SME/SEV: all zero (8000_0020h too)
 *   8000_0008h EBX   InstRetCntMsr, INVLPGB and the IBPB/IBRS/STIBP/SSBD family hidden;
 *                    RDPRU (EBX[4]) as the host has it (not intercepted)
 *   8000_0022h       PerfMonV2: all zero (no PMU)
 *   8000_000Ah       SVM features: all zero
 *   8000_0021h EAX   Automatic IBRS hidden (EFER bit 21 is not writable)
 *
 * Topology is the VM's, never the host's: N vCPUs are N cores of one
 * package, one thread each, APIC ID = vCPU number (leaf 1 EBX, 4, 0Bh and
 * 1Fh, 8000_0001h CmpLegacy, 8000_0008h ECX, 8000_001Dh, 8000_001Eh).
 *
 * Leaf numbers and bits: AMD APM Vol. 3, Appendix E; XSAVE: APM Vol. 2,
 * 11.5 and Vol. 3, Appendix E (CPUID Fn0000_000D).
 */
#include "arch/x86/xsave.h"
#include "hv/cpuid_view.h"

#define HV_CPUID_BASE      0x40000000u
#define HV_CPUID_MAX       0x40000001u
#define HV_SIGNATURE_EBX   0x6d4d5653u   /* "SVMm" */
#define HV_SIGNATURE_ECX   0x6f726369u   /* "icro" */
#define HV_SIGNATURE_EDX   0x20205648u   /* "HV  " */

#define L1_ECX_HIDDEN      (BIT(3) | BIT(5))
#define L1_ECX_X2APIC      BIT(21)
#define L1_ECX_TSC_DEADLINE BIT(24)
#define L1_ECX_XSAVE       BIT(26)
#define L1_ECX_OSXSAVE     BIT(27)
#define L1_ECX_NEEDS_YMM   (BIT(12) | BIT(28) | BIT(29))      /* FMA, AVX, F16C */
#define L1_EDX_APIC        BIT(9)
#define L1_EDX_MCE_MCA     (BIT(7) | BIT(14))                   /* no machine-check MSRs */
#define L1_ECX_HYPERVISOR  BIT(31)

/* Leaf 7 sub-leaf 0. */
#define L7_EBX_NEEDS_YMM   BIT(5)                                /* AVX2 */
#define L7_EBX_AVX512      (BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define L7_EBX_TSC_ADJUST  BIT(1)
#define L7_ECX_NEEDS_YMM   (BIT(8) | BIT(9) | BIT(10))           /* GFNI, VAES, VPCLMULQDQ */
#define L7_ECX_AVX512      (BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14))
#define L7_ECX_PKU         BIT(3)
#define L7_ECX_OSPKE       BIT(4)
#define L7_ECX_RDPID       BIT(22)
#define L7_EDX_AVX512_AMX  (BIT(2) | BIT(3) | BIT(8) | BIT(22) | BIT(23) | BIT(24) | BIT(25))
#define L7_EDX_SPEC_CTRL   (BIT(26) | BIT(27) | BIT(29) | BIT(31))
/* Leaf 7 sub-leaf 1. */
#define L71_EAX_NEEDS_YMM  (BIT(4) | BIT(23))                    /* AVX-VNNI, AVX-IFMA */
#define L71_EAX_AVX512_AMX (BIT(5) | BIT(21))                    /* AVX512_BF16, AMX-FP16 */
#define L71_EDX_NEEDS_YMM  (BIT(4) | BIT(5))                     /* AVX-VNNI-INT8, AVX-NE-CONVERT */
#define L71_EDX_AVX512_AMX (BIT(8) | BIT(19))                    /* AMX-COMPLEX, AVX10 */

/* Leaf 0Dh sub-leaf 1 EAX: bit 0 XSAVEOPT, 1 XSAVEC, 2 XGETBV ECX=1, 3 XSAVES. */
#define LD1_EAX_OFFERED    BIT(2)
#define LD_ECX_ALIGN64     BIT(1)    /* sub-leaf i >= 2: 64-byte aligned when compacted */

#define EXT1_ECX_SVM       BIT(2)
#define EXT1_ECX_NEEDS_YMM (BIT(11) | BIT(16))                   /* XOP, FMA4 */
#define EXT1_ECX_LWP       BIT(15)
#define EXT1_ECX_PERFCTR   (BIT(23) | BIT(24) | BIT(28))       /* core, NB/DF, LLC counter extensions */
/* Each needs an MSR, an instruction or a register space the VM does not
 * have (its MSRs #GP, the instruction is intercepted to #UD): ExtApicSpace
 * (3), OSVW (9), IBS (10), SKINIT (12), WDT (13), TCE (17: EFER.TCE is not
 * writable), NodeId (19), DataBreakpointExtension (26), PerfTsc (27),
 * MONITORX/MWAITX (29), AddrMaskExt (30). */
#define EXT1_ECX_NEEDS_HELP (BIT(3) | BIT(9) | BIT(10) | BIT(12) | BIT(13) | BIT(17) | BIT(19) | BIT(26) | \
			     BIT(27) | BIT(29) | BIT(30))
#define EXT1_EDX_RDTSCP    BIT(27)
/* 8000_0008h EBX: InstRetCntMsr (1, the IRPerf MSR), INVLPGB (3), the
 * speculation-control family. */
#define EXT8_EBX_HIDDEN (BIT(1) | BIT(3) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | \
			 BIT(24) | BIT(25) | BIT(26))
#define EXT21_EAX_AUTO_IBRS BIT(8)
#define L6_ECX_APERFMPERF  BIT(0)          /* MSRs E7h/E8h: not the VM's */
#define L7_EBX_PQM_PQE     (BIT(12) | BIT(15))   /* QoS monitoring/enforcement MSRs: none */
#define EXT7_EDX_TSC_INVARIANT BIT(8)      /* the only power-management bit shown */

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

static struct cpuid_regs host(const struct cpuid_view_env *env, uint32_t leaf, uint32_t subleaf)
{
	return env->host_cpuid(env->ctx, leaf, subleaf);
}

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

static uint64_t host_xcr0_mask(const struct cpuid_view_env *env)
{
	struct cpuid_regs d = host(env, 0xd, 0);

	return ((uint64_t)d.edx << 32) | d.eax;
}

uint64_t cpuid_view_xcr0_mask(cpuid_host_fn host_cpuid, void *ctx)
{
	const uint64_t base = XCR0_X87 | XCR0_SSE;

	if (host_cpuid(ctx, 0, 0).eax < 0xd || !(host_cpuid(ctx, 1, 0).ecx & L1_ECX_XSAVE))
		return 0;
	struct cpuid_regs d = host_cpuid(ctx, 0xd, 0);
	uint64_t mask = (((uint64_t)d.edx << 32) | d.eax) & CPUID_VIEW_XCR0;
	/* Every XSAVE CPU manages x87 and SSE; one that claims otherwise is
	 * not believed, and the guest gets no XSAVE at all. */
	return (mask & base) == base ? mask : 0;
}

/* Bytes of a standard-format XSAVE area holding the components in mask:
 * the end of the last one (each at its own fixed offset), at least the
 * legacy region and header (APM Vol. 3, Appendix E: Fn0000_000D EBX, ECX). */
static uint32_t area_size(const struct cpuid_view_env *env, uint64_t mask)
{
	uint32_t size = XSAVE_EXT_OFFSET;

	for (uint32_t i = 2; i <= XSAVE_MAX_COMPONENT; i++) {
		if (!(mask & BIT(i)))
			continue;
		struct cpuid_regs c = host(env, 0xd, i);
		size = MAX(size, c.ebx + c.eax);
	}
	return size;
}

/* Leaf 0Dh for a guest offered the components in mask (non-zero). */
static struct cpuid_regs xsave_leaf(const struct cpuid_view_env *env, uint32_t subleaf, uint64_t mask)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (subleaf == 0) {
		/* Under QEMU TCG a guest's XSETBV changes XCR0 with no exit, so
		 * the live value may hold any component the host has. */
		uint64_t xcr0 = env->guest_xcr0(env->ctx) & host_xcr0_mask(env);
		r.eax = (uint32_t)mask;
		r.edx = (uint32_t)(mask >> 32);
		r.ebx = area_size(env, xcr0);
		r.ecx = area_size(env, mask);
	} else if (subleaf == 1) {
		r.eax = host(env, 0xd, 1).eax & LD1_EAX_OFFERED;
		/* EBX (compacted size), ECX:EDX (IA32_XSS components): none. */
	} else if (subleaf <= XSAVE_MAX_COMPONENT && (mask & BIT(subleaf))) {
		struct cpuid_regs c = host(env, 0xd, subleaf);
		r.eax = c.eax;                  /* size */
		r.ebx = c.ebx;                  /* offset in the standard format */
		r.ecx = c.ecx & LD_ECX_ALIGN64; /* bit 0 clear: an XCR0 component */
	}
	return r;
}

struct cpuid_regs cpuid_view(const struct cpuid_view_env *env, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };
	uint32_t id = env->vcpu_id, n = env->vcpu_count;
	uint64_t xmask;
	bool ymm;

	if ((leaf & 0xffff0000u) == HV_CPUID_BASE) {
		if (leaf == HV_CPUID_BASE) {
			r.eax = HV_CPUID_MAX;
			r.ebx = HV_SIGNATURE_EBX;
			r.ecx = HV_SIGNATURE_ECX;
			r.edx = HV_SIGNATURE_EDX;
		}
		return r;   /* 4000_0001h: no hypervisor features defined yet */
	}
	r = host(env, leaf, subleaf);
	switch (leaf) {
	case 1:
		xmask = cpuid_view_xcr0_mask(env->host_cpuid, env->ctx);
		ymm = xmask & XCR0_YMM;
		r.ebx = (r.ebx & L1_EBX_LOW_MASK) | (id << L1_EBX_APIC_ID_SHIFT) | ((n & 0xff) << L1_EBX_LOGICAL_SHIFT);
		r.ecx &= ~(L1_ECX_HIDDEN | L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE | L1_ECX_XSAVE | L1_ECX_OSXSAVE |
			   (ymm ? 0 : L1_ECX_NEEDS_YMM));
		if (xmask)
			r.ecx |= L1_ECX_XSAVE | ((env->guest_cr4 & CR4_OSXSAVE) ? L1_ECX_OSXSAVE : 0);
		r.ecx |= L1_ECX_HYPERVISOR | (env->lapic ? L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE : 0);
		r.edx = (r.edx & ~(L1_EDX_APIC | L1_EDX_HTT | L1_EDX_MCE_MCA)) | (n > 1 ? L1_EDX_HTT : 0) |
			(env->lapic && !env->apic_disabled ? L1_EDX_APIC : 0);
		break;
	case 4:
		r.eax &= ~L4_EAX_COUNTS_MASK;
		break;
	case 6:
		r.ecx &= ~L6_ECX_APERFMPERF;
		break;
	case 0xb:
	case 0x1f:
		if (leaf <= host(env, 0, 0).eax)
			r = topology_leaf(subleaf, id, n);
		break;
	case 7:
		xmask = cpuid_view_xcr0_mask(env->host_cpuid, env->ctx);
		ymm = xmask & XCR0_YMM;
		if (subleaf == 0) {
			r.ebx &= ~(L7_EBX_AVX512 | L7_EBX_PQM_PQE | (ymm ? 0 : L7_EBX_NEEDS_YMM));
			r.ebx |= L7_EBX_TSC_ADJUST;
			r.ecx &= ~(L7_ECX_AVX512 | L7_ECX_OSPKE | (ymm ? 0 : L7_ECX_NEEDS_YMM) |
				   (xmask & XCR0_PKRU ? 0 : L7_ECX_PKU) | (env->tsc_aux ? 0 : L7_ECX_RDPID));
			if ((r.ecx & L7_ECX_PKU) && (env->guest_cr4 & CR4_PKE))
				r.ecx |= L7_ECX_OSPKE;
			r.edx &= ~(L7_EDX_AVX512_AMX | L7_EDX_SPEC_CTRL);
		} else if (subleaf == 1) {
			r.eax &= ~(L71_EAX_AVX512_AMX | (ymm ? 0 : L71_EAX_NEEDS_YMM));
			r.edx &= ~(L71_EDX_AVX512_AMX | (ymm ? 0 : L71_EDX_NEEDS_YMM));
		}
		break;
	case 0xd:
		xmask = cpuid_view_xcr0_mask(env->host_cpuid, env->ctx);
		r = xmask ? xsave_leaf(env, subleaf, xmask) : (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 0x80000001:
		ymm = cpuid_view_xcr0_mask(env->host_cpuid, env->ctx) & XCR0_YMM;
		r.ecx &= ~(EXT1_ECX_SVM | EXT1_ECX_CMP_LEGACY | EXT1_ECX_LWP | EXT1_ECX_PERFCTR | EXT1_ECX_NEEDS_HELP |
			   (ymm ? 0 : EXT1_ECX_NEEDS_YMM));
		r.ecx |= n > 1 ? EXT1_ECX_CMP_LEGACY : 0;
		if (!env->tsc_aux)
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
	case 0x80000007:
		/* RAS (EBX), power reporting (ECX), P-states, boost and the
		 * effective-frequency interface (EDX) all need MSRs the VM does
		 * not have; the TSC's invariance is the host's. */
		r.eax = r.ebx = r.ecx = 0;
		r.edx &= EXT7_EDX_TSC_INVARIANT;
		break;
	case 0xf:
	case 0x10:
	case 0x8000000a:
	case 0x8000001f:
	case 0x80000020:
	case 0x80000022:
		r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	}
	return r;
}

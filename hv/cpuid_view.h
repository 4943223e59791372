/* hv/cpuid_view.h - The guest's view of CPUID: the host's answers,
 * filtered, for one vCPU. Pure (the host's CPUID and the vCPU's XCR0 come
 * through callbacks), so the unit tests run it on a made-up CPU;
 * hv/exit_cpuid.c is the exit handler around it. */
#ifndef HV_CPUID_VIEW_H
#define HV_CPUID_VIEW_H

#include "arch/x86/cpu.h"

/* The XCR0 components a guest may enable, where the host has them: x87,
 * SSE, the YMM upper halves and PKRU (protection keys: the CPU does the
 * work; its register is one more XSAVE component, switched with the rest
 * by arch/x86/fpu.c). AVX-512, AMX... stay hidden: their state would be
 * switched too, but their CPUID features and XSETBV rules are not offered
 * yet. */
#define CPUID_VIEW_XCR0 (XCR0_X87 | XCR0_SSE | XCR0_YMM | XCR0_PKRU)

typedef struct cpuid_regs (*cpuid_host_fn)(void *ctx, uint32_t leaf, uint32_t subleaf);

/* Everything the view depends on. */
struct cpuid_view_env {
	cpuid_host_fn host_cpuid;            /* the real CPU's CPUID */
	uint64_t (*guest_xcr0)(void *ctx);   /* the vCPU's XCR0 now: asked for leaf 0Dh sub-leaf 0 only */
	void *ctx;                           /* passed to both */
	uint32_t vcpu_id;                    /* vCPU number = its APIC ID */
	uint32_t vcpu_count;                 /* vCPUs in its VM (>= 1) */
	uint64_t guest_cr4;                  /* the vCPU's CR4: OSXSAVE, OSPKE show it */
	bool lapic;                          /* the VM has local APICs (xAPIC, x2APIC, TSC-deadline) */
	bool apic_disabled;                  /* the vCPU's IA32_APIC_BASE.EN is clear: CPUID.1:EDX.APIC
	                                      * reads 0 (Intel SDM Vol. 3 10.4.3; QEMU's
	                                      * cpu_clear_apic_feature). It follows EN both ways;
	                                      * QEMU's TCG cannot set EN again, so its bit stays
	                                      * clear until a reset */
	bool tsc_aux;                        /* TSC_AUX is the vCPU's own: RDTSCP, RDPID offered */
};

/* The registers CPUID(leaf, subleaf) gives this vCPU. */
struct cpuid_regs cpuid_view(const struct cpuid_view_env *env, uint32_t leaf, uint32_t subleaf);

/* The leaves cpuid_view changes, among 0-3Fh (bit n: leaf n) and
 * 8000_0000h-8000_003Fh (bit n: 8000_0000h + n); every other leaf there it
 * gives exactly as the host does, at every sub-leaf, for every vCPU. */
#define CPUID_VIEW_CHANGES_BASIC (BIT(0x1) | BIT(0x4) | BIT(0x6) | BIT(0x7) | BIT(0xb) | BIT(0xd) | BIT(0xf) | \
				  BIT(0x10) | BIT(0x1f))
#define CPUID_VIEW_CHANGES_EXT   (BIT(0x01) | BIT(0x07) | BIT(0x08) | BIT(0x0a) | BIT(0x1d) | BIT(0x1e) | BIT(0x1f) | \
				  BIT(0x20) | BIT(0x21) | BIT(0x22))

/* True if the guest's answer for leaf is simply the host's: the exit
 * handler then runs CPUID itself and skips the view, which keeps the
 * common CPUID exit (leaf 0, the vendor leaves) as short as it was before
 * the view became a function of its own. The unit test holds the view to
 * this, leaf by leaf. */
static inline bool cpuid_view_is_host_leaf(uint32_t leaf)
{
	if (leaf < 64)
		return !(CPUID_VIEW_CHANGES_BASIC & BIT(leaf));
	if (leaf - 0x80000000u < 64)
		return !(CPUID_VIEW_CHANGES_EXT & BIT(leaf - 0x80000000u));
	return false;
}

/* The XCR0 components guests get on this host: CPUID_VIEW_XCR0 where the
 * host has XSAVE and them, else 0 (XSAVE hidden). XSETBV accepts values
 * within it (arch/x86/xsave.h xcr0_valid). */
uint64_t cpuid_view_xcr0_mask(cpuid_host_fn host_cpuid, void *ctx);

#endif

/* arch/x86/fpu.h - CPU state VMRUN does not switch, kept per vCPU and made
 * clean between guests: XCR0 and every XSAVE-managed register (x87, SSE,
 * the AVX upper halves and whatever else the host's XCR0 can enable), the
 * debug registers, TSC_AUX, PKRU, and the branch predictors. Without this
 * one VM would see what the one before it left.
 *
 * Who holds what: the hypervisor itself never uses FPU/SSE
 * (-mgeneral-regs-only), so while a vCPU owns a host CPU (from
 * fpu_context_load until fpu_context_save) the hardware registers, XCR0
 * included, simply are the vCPU's, in guest mode and in the hypervisor
 * alike; only a switch to another vCPU saves and restores them (hv/sched.c
 * switch_fpu). A VM alone on its CPU never pays for it. */
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

#include "lib/types.h"

/* FXSAVE format (AMD APM Vol. 5, "FXSAVE and FXRSTOR Instructions"). */
struct fxsave_area {
	uint16_t fcw, fsw;
	uint8_t ftw, rsvd0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t regs[512 - 32];   /* ST0-7 / MM0-7, XMM0-15, reserved */
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct fxsave_area) == 512, "FXSAVE area is 512 bytes");
_Static_assert(__builtin_offsetof(struct fxsave_area, mxcsr) == 24, "MXCSR at 24");

/* A vCPU's share of the state VMRUN does not switch, kept while another
 * vCPU has the core (time-slicing). */
struct fpu_context {
	void *xsave;           /* XSAVE area, fpu_xsave_size() bytes, 64-byte aligned; NULL without XSAVE */
	uint64_t xcr0;         /* its XCR0 while saved (read back from the CPU: see fpu_context_save) */
	struct fxsave_area fx; /* the FPU/SSE state on a CPU without XSAVE */
	uint64_t dr[4];
	uint64_t tsc_aux;      /* its TSC_AUX (RDTSCP, RDPID): written by WRMSR's exit, loaded with the rest */
	bool valid;            /* false: start from reset values at the next load */
};

/* Per CPU, before any vCPU runs there: CR4.OSFXSR and OSXMMEXCPT (so the
 * SSE state can be loaded) and, where the CPU has XSAVE, CR4.OSXSAVE with
 * XCR0 at its reset value (x87 only); notes which components the CPU's
 * XCR0 can hold and how large their XSAVE area is (CPUID 0Dh sub-leaf 0). */
void fpu_init(void);
/* Bytes of a vCPU's XSAVE area (every component the host has), or 0 on a
 * CPU without XSAVE. Known after fpu_init on the boot CPU. */
size_t fpu_xsave_size(void);
/* A zeroed XSAVE area for a new vCPU's fpu_context (whole page frames), or
 * NULL when memory is short or the CPU has no XSAVE; free with
 * fpu_xsave_area_free (NULL is fine). */
void *fpu_xsave_area_alloc(void);
void fpu_xsave_area_free(void *area);

/* XCR0 of this CPU now, which is the vCPU's that owns it (XCR0_X87 on a
 * CPU without XSAVE). */
uint64_t fpu_read_xcr0(void);
/* Sets XCR0 for the vCPU that owns this CPU (emulated XSETBV); the caller
 * has checked the value (arch/x86/xsave.h xcr0_valid). */
void fpu_write_xcr0(uint64_t xcr0);

/* The vCPU owning this CPU leaves it: its XCR0 (read back with XGETBV:
 * QEMU TCG lets a guest's XSETBV through without the intercepted exit),
 * every XSAVE component the host has (or the FXSAVE image without XSAVE)
 * and DR0-3 go into c. */
void fpu_context_save(struct fpu_context *c);
/* Gives the core to c's vCPU: DR0-3 zero, DR6/DR7 reset values, TSC_AUX
 * and PKRU zero where the CPU has them, an IBPB where the CPU has it; then
 * its saved registers and XCR0, or, if !c->valid, reset values (XCR0 = 1,
 * FCW 0x37f, MXCSR 0x1f80, every other XSAVE-managed register zero). */
void fpu_context_load(struct fpu_context *c);

/* Whether this CPU has TSC_AUX (RDTSCP or RDPID): a guest's TSC_AUX can
 * then be its own. */
bool fpu_has_tsc_aux(void);
/* The owning vCPU's WRMSR TSC_AUX (bits 31:0; the caller has refused the
 * rest): kept in c and put in the CPU now. */
void fpu_set_tsc_aux(struct fpu_context *c, uint32_t val);

#endif

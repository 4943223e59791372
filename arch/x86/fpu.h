/* arch/x86/fpu.h - CPU state VMRUN does not switch, made clean between
 * guests: the x87/SSE register file, debug registers, TSC_AUX, PKRU, and the
 * branch predictors. Without this one VM would see what the one before it
 * left. The hypervisor itself never uses FPU/SSE (-mgeneral-regs-only). */
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

/* A vCPU's share of the state VMRUN does not switch, kept while another VM
 * has the core (time-slicing). */
struct fpu_context {
	struct fxsave_area fx;
	uint64_t dr[4];
	bool valid;            /* false: the vCPU has not run yet */
};

/* Sets CR4.OSFXSR and OSXMMEXCPT so FXRSTOR can load the SSE state, and
 * XCR0 to x87 only (guests cannot change it: XSETBV is refused). */
void fpu_init(void);
/* Before a VM's first VMRUN: FPU/SSE to power-on state (FCW 0x37f, MXCSR
 * 0x1f80, registers zero), DR0-3 zero, DR6/DR7 reset values, TSC_AUX and
 * PKRU zero where the CPU has them, and an IBPB where the CPU has it. */
void cpu_scrub_for_next_vm(void);
/* Saves this CPU's FPU/SSE and DR0-3 into c (the vCPU is leaving the core). */
void fpu_context_save(struct fpu_context *c);
/* Gives the core to c's vCPU: a clean CPU (cpu_scrub_for_next_vm) and, if it
 * ran before, its saved FPU/SSE and DR0-3. */
void fpu_context_load(const struct fpu_context *c);

#endif

/* arch/x86/fpu.h - CPU state VMRUN does not switch, made clean between
 * guests: the x87/SSE register file, debug registers, TSC_AUX, PKRU, and the
 * branch predictors. Without this one VM would see what the one before it
 * left. The hypervisor itself never uses FPU/SSE (-mgeneral-regs-only). */
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

/* Sets CR4.OSFXSR and OSXMMEXCPT so FXRSTOR can load the SSE state, and
 * XCR0 to x87 only (guests cannot change it: XSETBV is refused). */
void fpu_init(void);
/* Before a VM's first VMRUN: FPU/SSE to power-on state (FCW 0x37f, MXCSR
 * 0x1f80, registers zero), DR0-3 zero, DR6/DR7 reset values, TSC_AUX and
 * PKRU zero where the CPU has them, and an IBPB where the CPU has it. */
void cpu_scrub_for_next_vm(void);

#endif

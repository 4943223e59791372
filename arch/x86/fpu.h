/* arch/x86/fpu.h - The x87/SSE register file between guests. VMRUN does not
 * switch it, so without care one VM would see the last one's FPU and XMM
 * registers. The hypervisor itself never uses them (-mgeneral-regs-only). */
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

/* Sets CR4.OSFXSR and OSXMMEXCPT so FXRSTOR can load the SSE state. */
void fpu_init(void);
/* Loads the power-on state (FCW 0x37f, MXCSR 0x1f80, all registers zero). */
void fpu_load_clean_state(void);

#endif

/* arch/x86/svm/gprs.h - A guest's general-purpose registers, in x86
 * encoding order (the register number a ModRM/REX field names), so an
 * instruction emulator indexes them directly: gprs.r[GPR_RBX] is gprs.rbx.
 *
 * VMRUN itself switches only RAX, RSP and RIP (from the VMCB save area,
 * AMD APM Vol. 2, 15.5.1). The run loop (hv/run.c) copies RAX and RSP into
 * the VMCB before VMRUN and back after #VMEXIT, so between exits this
 * struct is the one place the registers live; arch/x86/svm/vmrun.asm loads
 * and stores the other fourteen (offsets generated into asm-offsets.inc). */
#ifndef ARCH_X86_SVM_GPRS_H
#define ARCH_X86_SVM_GPRS_H

#include "lib/types.h"

enum gpr_index {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

struct guest_gprs {
	union {
		uint64_t r[GPR_COUNT];
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
	};
};
_Static_assert(sizeof(struct guest_gprs) == 16 * 8, "sixteen registers");
_Static_assert(__builtin_offsetof(struct guest_gprs, rbx) == GPR_RBX * 8, "RBX is register 3");
_Static_assert(__builtin_offsetof(struct guest_gprs, rsp) == GPR_RSP * 8, "RSP is register 4");
_Static_assert(__builtin_offsetof(struct guest_gprs, r15) == GPR_R15 * 8, "R15 is register 15");

/* void svm_vmrun(u64 guest_vmcb_pa, struct guest_gprs *g, u64 host_vmcb_pa) */
void svm_vmrun(uint64_t guest_vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa);

static inline void svm_clgi(void) { __asm__ volatile("clgi" ::: "memory"); }
static inline void svm_stgi(void) { __asm__ volatile("stgi" ::: "memory"); }

#endif

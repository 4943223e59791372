/* arch/x86/svm/gprs.h - The guest registers VMRUN does not switch. RAX, RSP
 * and RIP live in the VMCB save area; these fourteen are saved and loaded by
 * arch/x86/svm/vmrun.asm (offsets generated into asm-offsets.inc). */
#ifndef ARCH_X86_SVM_GPRS_H
#define ARCH_X86_SVM_GPRS_H

#include "lib/types.h"

struct guest_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(sizeof(struct guest_gprs) == 14 * 8, "vmrun.asm moves 14 registers");

/* void svm_vmrun(u64 guest_vmcb_pa, struct guest_gprs *g, u64 host_vmcb_pa) */
void svm_vmrun(uint64_t guest_vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa);

static inline void svm_clgi(void) { __asm__ volatile("clgi" ::: "memory"); }
static inline void svm_stgi(void) { __asm__ volatile("stgi" ::: "memory"); }

#endif

/* arch/x86/asm-offsets.c - Structure offsets for the NASM files.
 * Compiled with -S only; the Makefile turns each "->NAME value" line of the
 * output into "%define NAME value" in build/asm-offsets.inc. */
#include <stddef.h>
#include "arch/x86/svm/gprs.h"
#include "arch/x86/traps.h"

#define EMIT(name, val) __asm__ volatile("\n->" #name " %c0" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	EMIT(TRAP_FRAME_SIZE, sizeof(struct trap_frame));
	EMIT(TRAP_FRAME_VECTOR, offsetof(struct trap_frame, vector));
	EMIT(TRAP_FRAME_RIP, offsetof(struct trap_frame, rip));

	EMIT(GPR_RBX, offsetof(struct guest_gprs, rbx));
	EMIT(GPR_RCX, offsetof(struct guest_gprs, rcx));
	EMIT(GPR_RDX, offsetof(struct guest_gprs, rdx));
	EMIT(GPR_RSI, offsetof(struct guest_gprs, rsi));
	EMIT(GPR_RDI, offsetof(struct guest_gprs, rdi));
	EMIT(GPR_RBP, offsetof(struct guest_gprs, rbp));
	EMIT(GPR_R8, offsetof(struct guest_gprs, r8));
	EMIT(GPR_R9, offsetof(struct guest_gprs, r9));
	EMIT(GPR_R10, offsetof(struct guest_gprs, r10));
	EMIT(GPR_R11, offsetof(struct guest_gprs, r11));
	EMIT(GPR_R12, offsetof(struct guest_gprs, r12));
	EMIT(GPR_R13, offsetof(struct guest_gprs, r13));
	EMIT(GPR_R14, offsetof(struct guest_gprs, r14));
	EMIT(GPR_R15, offsetof(struct guest_gprs, r15));
}

/* arch/x86/asm-offsets.c - Structure offsets for the NASM files.
 * Compiled with -S only; the Makefile turns each "->NAME value" line of the
 * output into "%define NAME value" in build/asm-offsets.inc. */
#include <stddef.h>
#include "arch/x86/traps.h"

#define EMIT(name, val) __asm__ volatile("\n->" #name " %c0" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	EMIT(TRAP_FRAME_SIZE, sizeof(struct trap_frame));
	EMIT(TRAP_FRAME_VECTOR, offsetof(struct trap_frame, vector));
	EMIT(TRAP_FRAME_RIP, offsetof(struct trap_frame, rip));
}

/* arch/x86/traps.h - Exception and interrupt entry: the frame the entry points build,
 * the IDT, and the register dump every unexpected trap and panic prints. */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include "lib/types.h"

/* Built on the stack by arch/x86/traps.asm: GPRs pushed by the entry point (r15
 * first pushed last), then vector and error code (0 where the CPU gives
 * none), then what the CPU pushed (AMD APM Vol. 2, 8.9.3 "Interrupt Stack Frame"). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "traps.asm pushes 22 quadwords");

#define VEC_DE  0
#define VEC_NMI 2
#define VEC_BP  3
#define VEC_UD  6
#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14
#define VEC_MC  18

/* IST slots in the TSS (1-based as the IDT gate encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

void idt_init(void);      /* builds and loads the IDT on the boot CPU */
void idt_load(void);      /* loads the (shared) IDT on this CPU */
bool idt_is_loaded(void);

/* Device interrupts the hypervisor takes for itself (the console's receive
 * interrupt): fn runs with interrupts off, before the LAPIC EOI, and must be
 * short. Vectors 0x30-0xef; set once at boot. */
void traps_set_irq_handler(uint8_t vector, void (*fn)(void));

/* Logs how many NMIs arrived (they are only counted when they arrive). */
void traps_report_nmis(void);

/* Called by the assembly entry points for every vector. */
void trap_handle(struct trap_frame *f);

/* Prints the full register dump and stack trace for frame f with a headline. */
void trap_dump(const char *headline, const struct trap_frame *f);

#endif

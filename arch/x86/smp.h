/* arch/x86/smp.h - Bringing up the other CPUs (application processors). */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "lib/types.h"

struct madt_info;

/* Starts every enabled CPU the MADT lists (other than this one) with
 * INIT-SIPI-SIPI through a real-mode trampoline below 1 MiB. Each gets its
 * own stacks, GDT/TSS/IDT and struct percpu, enables SVM with its own
 * VM_HSAVE_PA, reports in, and waits (halted) for work. A CPU that does not
 * answer in time is reported and left out. With madt NULL (no usable
 * table), only the boot CPU runs. Returns the number of CPUs online. */
uint32_t smp_boot(const struct madt_info *madt);

/* Runs fn(arg) on the online AP cpu_id and returns at once. The AP halts
 * until then, and again after; it wakes the boot CPU when fn returns. */
void smp_run_on(uint32_t cpu_id, void (*fn)(void *), void *arg);
/* True when every AP given work has finished it (each wakes the boot CPU
 * with an IPI when it does, so the boot CPU can halt between checks). */
bool smp_all_done(void);

#endif

/* arch/x86/gdt.h - Segments for 64-bit mode: GDT, TSS and the IST stacks
 * that keep #DF, NMI and #MC working when the normal stack is gone. */
#ifndef ARCH_X86_GDT_H
#define ARCH_X86_GDT_H

#include "lib/types.h"

#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_TSS         0x18

/* 64-bit TSS (AMD APM Vol. 2, 12.2.5 "64-Bit Task State Segment"). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];       /* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");
_Static_assert(__builtin_offsetof(struct tss64, ist) == 0x24, "IST1 at 0x24");

#define IST_STACK_SIZE (16 * 1024)

/* A stack with an unmapped guard page below it (mm/vmem.c skips guard pages). */
struct guarded_stack {
	uint8_t guard[4096];
	uint8_t stack[IST_STACK_SIZE];
} __attribute__((aligned(4096)));

/* Per-CPU descriptor tables; the SMP code gives each CPU one of these. */
struct cpu_tables {
	uint64_t gdt[5];        /* null, code64, data, TSS (two slots) */
	struct tss64 tss;
	struct guarded_stack *ist_stacks;   /* IST_DF, IST_NMI, IST_MC: three stacks */
};

/* Loads cpu's GDT, reloads every segment register and the task register. */
void gdt_load(struct cpu_tables *t, struct guarded_stack ist_stacks[3]);

/* The boot CPU's tables and IST stacks (static: no allocator yet). */
void gdt_init_boot_cpu(void);

/* Guard pages the image map must leave unmapped (boot stack, IST stacks). */
size_t gdt_guard_pages(hva_t *out, size_t max);

#endif

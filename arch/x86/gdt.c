/* arch/x86/gdt.c - GDT and TSS setup for 64-bit mode.
 * Long mode ignores segment bases and limits for CS/DS/ES/SS; the GDT exists
 * for the code selector's L bit and for the TSS, whose IST pointers give
 * #DF, NMI and #MC known-good stacks (AMD APM Vol. 2, 8.9.4 "Interrupt-Stack Table"). */
#include "arch/x86/gdt.h"
#include "arch/x86/traps.h"
#include "lib/string.h"

#define DESC_CODE64 0x00af9a000000ffffull   /* P, DPL0, code, readable, L */
#define DESC_DATA   0x00cf92000000ffffull   /* P, DPL0, data, writable */

static struct cpu_tables boot_cpu_tables;
static struct guarded_stack boot_ist_stacks[3] __attribute__((section(".bss.stack")));
extern uint8_t boot_stack_guard[];

static void gdt_set_tss(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	/* System-segment descriptor, 16 bytes: type 9 = available 64-bit TSS. */
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_load(struct cpu_tables *t, struct guarded_stack ist_stacks[3])
{
	struct { uint16_t limit; uint64_t base; } __packed gdtr;

	memset(t, 0, sizeof(*t));
	t->gdt[1] = DESC_CODE64;
	t->gdt[2] = DESC_DATA;
	t->ist_stacks = ist_stacks;
	for (int i = 0; i < 3; i++)
		t->tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i].stack + IST_STACK_SIZE);
	t->tss.iomap_base = sizeof(t->tss);   /* no I/O bitmap */
	gdt_set_tss(&t->gdt[3], &t->tss);

	gdtr.limit = sizeof(t->gdt) - 1;
	gdtr.base = (uint64_t)(uintptr_t)t->gdt;
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"ltr %w3"
		: : "m"(gdtr), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
		: "rax", "memory");
}

void gdt_init_boot_cpu(void)
{
	gdt_load(&boot_cpu_tables, boot_ist_stacks);
}

size_t gdt_guard_pages(hva_t *out, size_t max)
{
	size_t n = 0;

	if (n < max)
		out[n++] = (hva_t)(uintptr_t)boot_stack_guard;
	for (int i = 0; i < 3 && n < max; i++)
		out[n++] = (hva_t)(uintptr_t)boot_ist_stacks[i].guard;
	return n;
}

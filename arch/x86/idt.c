/* arch/x86/idt.c - The interrupt descriptor table: all 256 vectors go to a
 * entry point in traps.asm; #DF, NMI and #MC run on their own IST stacks so they
 * still work after a stack overflow (AMD APM Vol. 2, 8.9.4). */
#include "arch/x86/gdt.h"
#include "arch/x86/traps.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t  ist;          /* bits 2:0 */
	uint8_t  type_attr;    /* P, DPL, type (0xE = 64-bit interrupt gate) */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

#define GATE_INTERRUPT 0x8e    /* present, DPL 0, interrupt gate: IF cleared on entry */

extern const uint64_t trap_entry_table[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));
static bool idt_ready;

static void idt_set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xffff,
		.selector = SEL_KERNEL_CODE,
		.ist = ist & 7,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __packed idtr = {
		.limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt,
	};
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set_gate(v, trap_entry_table[v], 0);
	idt_set_gate(VEC_DF, trap_entry_table[VEC_DF], IST_DF);
	idt_set_gate(VEC_NMI, trap_entry_table[VEC_NMI], IST_NMI);
	idt_set_gate(VEC_MC, trap_entry_table[VEC_MC], IST_MC);
	idt_load();
	idt_ready = true;
}

bool idt_is_loaded(void)
{
	return idt_ready;
}

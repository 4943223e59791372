/* tests/guests/mb/lib/idt.c - A minimal IDT: all 256 vectors through one
 * entry (lib/isr.asm). A vector the kernel registered a handler for
 * (tk_set_vector) goes to it and returns; any other is reported as one line
 * on COM1 and the kernel exits with TK_EXIT_TRAP.
 * Its own GDT too: the loader's may not be readable (Multiboot 1, 3.2: "the
 * OS image must create its own GDT as soon as it needs segment registers
 * reloaded"), and the IDT's gates need a code selector that stays valid. */
#include "tk.h"

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t zero, type_attr;
	uint16_t offset_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate (Intel SDM Vol. 3, 6.11)");

#define GATE_INT32  0x8e        /* present, DPL 0, 32-bit interrupt gate */
#define SEL_CODE    0x08
#define SEL_DATA    0x10

extern const uint32_t tk_isr_table[256];
static struct idt_gate idt[256];
static tk_vector_fn handlers[256];
/* null, flat 32-bit code, flat 32-bit data */
static const uint64_t gdt[3] = { 0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull };

struct dtr { uint16_t limit; uint32_t base; } __attribute__((packed));

void tk_set_vector(uint8_t vector, tk_vector_fn fn)
{
	handlers[vector] = fn;
}

void tk_trap(struct tk_trap_frame *f);
void tk_trap(struct tk_trap_frame *f)
{
	tk_vector_fn fn = handlers[f->vector & 0xff];

	if (fn) {
		fn(f);
		return;
	}
	if (f->vector < 32)
		tk_printf("FAIL exception %u error 0x%x at eip 0x%08x\n", f->vector, f->error, f->eip);
	else
		tk_printf("FAIL unexpected interrupt, vector 0x%02x\n", f->vector);
	tk_exit(TK_EXIT_TRAP);
}

void tk_idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint32_t a = tk_isr_table[v];
		idt[v] = (struct idt_gate){ (uint16_t)a, SEL_CODE, 0, GATE_INT32, (uint16_t)(a >> 16) };
	}
	tk_idt_load();
}

void tk_idt_load(void)
{
	struct dtr g = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };
	struct dtr i = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "mov %2, %%ax\n\t"
			 "mov %%ax, %%ds\n\t"
			 "mov %%ax, %%es\n\t"
			 "mov %%ax, %%fs\n\t"
			 "mov %%ax, %%gs\n\t"
			 "mov %%ax, %%ss\n\t"
			 "lidt %3"
			 : : "m"(g), "i"(SEL_CODE), "i"(SEL_DATA), "m"(i) : "eax", "memory");
}

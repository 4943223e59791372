/* tests/guests/mb/lib/tk.h - The test-kernel framework: what every
 * Multiboot v1 test kernel links (lib/entry.asm, tk.c, idt.c, isr.asm).
 *
 * A test kernel is one C file defining
 *     int tk_main(const struct tk_entry *entry);
 * which prints its report on COM1 and returns its exit code (tk_start then
 * writes it to the debug-exit port 0xF4). It runs in 32-bit protected mode
 * as the loader entered it, paging off, on a 16 KiB stack of its own, with
 * a GDT of its own and an IDT that reports any exception or interrupt it
 * was not told to expect (tk_set_vector) and exits with TK_EXIT_TRAP.
 *
 * The report is compared line by line between QEMU's own -kernel and the
 * hypervisor (tests/integration/difftest.sh), so every line must say the
 * same on both, except:
 *   "~ TEXT"        board identity or timing: only its presence is compared;
 *   "~/REGEX/ TEXT" TEXT must match the extended REGEX on both sides.
 * tk_vary() and tk_vary_match() print those. tk_check() prints "ok WHAT" or
 * "FAIL WHAT" and counts failures; tk_failures() gives the count.
 * Freestanding: no libc, no floating point, 64-bit division only through
 * tk_udiv64(). */
#ifndef TK_H
#define TK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_EXIT_TRAP 0x7f    /* an unexpected exception */

/* The CPU as the loader left it, recorded by lib/entry.asm before anything
 * changed it. Offsets are fixed: entry.asm writes them by number. */
struct tk_entry {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
	uint32_t eflags, cr0, cr2, cr3, cr4;
	uint16_t cs, ds, es, fs, gs, ss;
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint16_t idtr_limit;
	uint32_t idtr_base;
	uint16_t tr, ldtr;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct tk_entry, eflags) == 32, "entry.asm offsets");
_Static_assert(__builtin_offsetof(struct tk_entry, cs) == 52, "entry.asm offsets");
_Static_assert(__builtin_offsetof(struct tk_entry, gdtr_limit) == 64, "entry.asm offsets");
_Static_assert(__builtin_offsetof(struct tk_entry, idtr_limit) == 70, "entry.asm offsets");
_Static_assert(__builtin_offsetof(struct tk_entry, tr) == 76, "entry.asm offsets");
_Static_assert(sizeof(struct tk_entry) == 80, "entry.asm offsets");

/* The test kernel's own part. */
int tk_main(const struct tk_entry *entry);

/* ---- port I/O and CPU ---------------------------------------------------- */
/* outb/inb and the rest: the hypervisor's own, which builds for i386 too. */
#include "arch/x86/io.h"
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
/* A physical address as a pointer (paging is off: linear = physical). The
 * empty asm hides the value from the optimiser, so an access to page 0 is
 * an access, not undefined behaviour to be deleted. */
static inline volatile void *phys(uint32_t addr)
{
	uintptr_t p = addr;
	__asm__("" : "+r"(p));
	return (volatile void *)p;
}
static inline uint32_t rd32(uint32_t addr) { return *(volatile uint32_t *)phys(addr); }
static inline uint8_t rd8(uint32_t addr) { return *(volatile uint8_t *)phys(addr); }

/* ---- output and the report ------------------------------------------------ */
void tk_putc(char c);                           /* COM1, polling LSR.THRE */
void tk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tk_vprintf(const char *fmt, va_list ap);
/* A line that is board identity or timing ("~ "), or that only has to match
 * REGEX on both sides ("~/REGEX/ "). fmt ends without "\n": one line each. */
void tk_vary(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tk_vary_match(const char *regex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "ok WHAT" or "FAIL WHAT"; a failure counts towards tk_failures(). */
bool tk_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned tk_failures(void);
/* len bytes at addr as rows of 16: "LABEL+OFF: xx xx ...". */
void tk_hexdump(const char *label, uint32_t addr, uint32_t len);
/* Writes code to the debug-exit port 0xF4 (QEMU exits with (code << 1) | 1,
 * the hypervisor stops the VM with "exit code CODE") and halts. */
__attribute__((noreturn)) void tk_exit(uint8_t code);

/* ---- helpers ----------------------------------------------------------------- */
uint64_t tk_udiv64(uint64_t n, uint32_t d, uint32_t *rem);
size_t tk_strlen(const char *s);
/* A Multiboot command line's arguments: what follows its first word (the
 * kernel's name). */
const char *tk_args_of(const char *s);
/* Whether the Multiboot command line this kernel was entered with (EBX's
 * info block, flag bit 2) has the word w among its arguments. */
bool tk_has_arg(const struct tk_entry *e, const char *w);
/* FNV-1a over len bytes at addr: a module's bytes in one number. */
uint32_t tk_fnv1a(uint32_t addr, uint32_t len);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

/* ---- interrupts -------------------------------------------------------------- */
/* What lib/isr.asm saved: pushad's registers, then the vector, the error
 * code (0 when the CPU pushes none) and the CPU's own frame. A handler may
 * change the saved registers; they are restored on return. */
struct tk_trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};
typedef void (*tk_vector_fn)(struct tk_trap_frame *f);

void tk_idt_init(void);
/* The GDT and IDT tk_idt_init filled, loaded on this CPU (an application
 * processor's first step: lib/tksmp.h). */
void tk_idt_load(void);
/* Routes vector to fn (NULL: back to "report and exit"). On a vector the
 * CPU pushes an error code for (8, 10-14, 17, 21, 29, 30), an external
 * interrupt pushes none: its handler must not return. */
void tk_set_vector(uint8_t vector, tk_vector_fn fn);
static inline void tk_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void tk_cli(void) { __asm__ volatile("cli" ::: "memory"); }

#endif

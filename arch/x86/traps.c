/* arch/x86/traps.c - What happens on a trap: every exception in the hypervisor
 * is a hypervisor bug, so it prints why (vector, name, error code decoded),
 * where (RIP, a stack trace) and every register, then ends as the command
 * line's on_panic= says (halt by default). Never a silent triple fault. */
#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/percpu.h"
#include "arch/x86/traps.h"
#include "drivers/lapic.h"
#include "lib/ksyms.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

static const char *const exception_names[32] = {
	[0] = "#DE divide error", [1] = "#DB debug", [2] = "NMI", [3] = "#BP breakpoint",
	[4] = "#OF overflow", [5] = "#BR bound range", [6] = "#UD invalid opcode",
	[7] = "#NM device not available", [8] = "#DF double fault",
	[9] = "coprocessor segment overrun", [10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection", [14] = "#PF page fault", [16] = "#MF x87 error",
	[17] = "#AC alignment check", [18] = "#MC machine check", [19] = "#XF SIMD error",
	[20] = "#VE", [21] = "#CP control protection", [28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication", [30] = "#SX security exception",
};

/* Set by hv_panic() just before it traps into the dump with int3. */
/* Set by hv_panic() just before it traps into the dump with int3; per CPU
 * (a CPU's own panic), the boot-time fallback before per-CPU data exists. */
static const char *volatile early_panic_message;
static volatile int early_trap_depth;
/* One dump at a time: two CPUs failing together print one after the other. */
static struct spinlock dump_lock;

static int *trap_depth_here(void)
{
	return cpus[0] ? &this_cpu()->trap_depth : (int *)&early_trap_depth;
}

extern uint8_t __bss_start[], __bss_end[], __text_end[];

/* " <hv_main+0x3c>" for an address in the image's code, else "". */
static const char *symbolize(char *buf, size_t len, uint64_t addr)
{
	const struct ksym *s = ksym_find(ksyms, ksym_count, (uint64_t)(uintptr_t)__text_end, addr);

	if (!s)
		return "";
	hv_snprintf(buf, len, " <%s+0x%llx>", s->name, (unsigned long long)(addr - s->addr));
	return buf;
}

static void describe_pf_error(char *buf, size_t len, uint64_t ec)
{
	/* #PF error code, AMD APM Vol. 2, 8.4.2. */
	hv_snprintf(buf, len, " [%s, %s, %s%s%s]",
		    (ec & BIT(1)) ? "write" : "read",
		    (ec & BIT(0)) ? "protection violation" : "not present",
		    (ec & BIT(2)) ? "user" : "supervisor",
		    (ec & BIT(3)) ? ", reserved bit set" : "",
		    (ec & BIT(4)) ? ", instruction fetch" : "");
}

/* Follows saved frame pointers (the hypervisor is built with
 * -fno-omit-frame-pointer). Every frame must lie in .bss, where all
 * hypervisor stacks live, and move up the stack: a corrupt chain stops the
 * walk instead of faulting again. Runs of one return address (recursion)
 * print as one line, so a stack overflow still shows who started it. */
#define TRACE_MAX_FRAMES 4096
#define TRACE_MAX_LINES  24

static void print_frame(int depth, uint64_t ret, unsigned repeats)
{
	char sym[96];

	/* ret - 1: the call instruction, not the one after it, names the caller. */
	log_rawf("    #%-2d 0x%016llx%s\n", depth, (unsigned long long)ret, symbolize(sym, sizeof(sym), ret - 1));
	if (repeats)
		log_rawf("        ... and %u more frames at the same address\n", repeats);
}

/* Guard pages lie inside .bss but are unmapped: a frame there would fault. */
static bool in_guard_page(uint64_t addr, const hva_t *guards, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (addr - guards[i] < PAGE_SIZE)
			return true;
	return false;
}

static void print_stack_trace(uint64_t rbp, uint64_t rip)
{
	uint64_t lo = (uint64_t)(uintptr_t)__bss_start, hi = (uint64_t)(uintptr_t)__bss_end;
	uint64_t last = 0;
	unsigned repeats = 0;
	int lines = 0, run_depth = 0;   /* run_depth: where `last` first appeared */
	char sym[96];

	log_rawf("  stack trace:\n    #0  0x%016llx%s\n", (unsigned long long)rip, symbolize(sym, sizeof(sym), rip));
	hva_t guards[8];
	size_t nguards = gdt_guard_pages(guards, ARRAY_SIZE(guards));

	/* An AP's stack is in the direct map, not .bss: walk inside it instead. */
	if (cpus[0] && this_cpu()->stack_bottom) {
		lo = this_cpu()->stack_bottom;
		hi = this_cpu()->stack_top;
	}
	for (int depth = 1; depth < TRACE_MAX_FRAMES && lines < TRACE_MAX_LINES; depth++) {
		if (rbp < lo || rbp > hi - 16 || (rbp & 7) || in_guard_page(rbp, guards, nguards))
			break;
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
		uint64_t ret = frame[1], next = frame[0];
		if (ret == 0)
			break;
		if (ret == last) {
			repeats++;
		} else {
			if (last) {
				print_frame(run_depth, last, repeats);
				lines++;
			}
			last = ret;
			run_depth = depth;
			repeats = 0;
		}
		if (next <= rbp)
			break;
		rbp = next;
	}
	if (last && lines < TRACE_MAX_LINES)
		print_frame(run_depth, last, repeats);
}

void trap_dump(const char *headline, const struct trap_frame *f)
{
#define R(x) ((unsigned long long)(x))
	log_rawf("\n*** %s\n", headline);
	char sym[96];

	log_rawf("  RIP=0x%016llx CS=0x%04llx RFLAGS=0x%016llx%s\n", R(f->rip), R(f->cs), R(f->rflags),
		 symbolize(sym, sizeof(sym), f->rip));
	log_rawf("  RSP=0x%016llx SS=0x%04llx ERROR=0x%016llx\n", R(f->rsp), R(f->ss), R(f->error_code));
	log_rawf("  RAX=0x%016llx RBX=0x%016llx RCX=0x%016llx RDX=0x%016llx\n",
		 R(f->rax), R(f->rbx), R(f->rcx), R(f->rdx));
	log_rawf("  RSI=0x%016llx RDI=0x%016llx RBP=0x%016llx R8 =0x%016llx\n",
		 R(f->rsi), R(f->rdi), R(f->rbp), R(f->r8));
	log_rawf("  R9 =0x%016llx R10=0x%016llx R11=0x%016llx R12=0x%016llx\n",
		 R(f->r9), R(f->r10), R(f->r11), R(f->r12));
	log_rawf("  R13=0x%016llx R14=0x%016llx R15=0x%016llx\n", R(f->r13), R(f->r14), R(f->r15));
	log_rawf("  CR0=0x%016llx CR2=0x%016llx CR3=0x%016llx CR4=0x%016llx\n",
		 R(read_cr0()), R(read_cr2()), R(read_cr3()), R(read_cr4()));
	log_rawf("  EFER=0x%016llx\n", R(rdmsr(MSR_EFER)));
	if (cpus[0])   /* per-CPU data exists: say which CPU this is */
		log_rawf("  on cpu%u (APIC ID %u)\n", this_cpu()->cpu_id, this_cpu()->apic_id);
#undef R
	print_stack_trace(f->rbp, f->rip);
}

/* The legacy PICs' spurious vectors (IRQ7/IRQ15 after the remap in
 * drivers/i8259.c): a masked PIC can still raise them; they need no EOI. */
#define VEC_PIC_SPURIOUS_MASTER 0x27
#define VEC_PIC_SPURIOUS_SLAVE  0x2f

static uint64_t nmi_count, spurious_count;
static void (*irq_handlers[256])(void);

void traps_set_irq_handler(uint8_t vector, void (*fn)(void))
{
	if (vector >= 0x30 && vector < 0xf0)
		irq_handlers[vector] = fn;
}

/* Interrupts that are not bugs: report and carry on. Returns true if handled. */
static bool handle_benign(const struct trap_frame *f)
{
	if (f->vector == VEC_NMI) {
		/* Nothing in the hypervisor sends NMIs yet: one is the platform's
		 * (watchdog, error report). Count it and go on; it is reported
		 * later (traps_report_nmis), because printing here could spin on a
		 * console lock this very CPU holds. */
		__atomic_fetch_add(&nmi_count, 1, __ATOMIC_RELAXED);
		return true;
	}
	if (f->vector == VEC_PIC_SPURIOUS_MASTER || f->vector == VEC_PIC_SPURIOUS_SLAVE ||
	    f->vector == VEC_LAPIC_SPURIOUS) {
		spurious_count++;   /* spurious: no EOI (APM Vol. 2, 16.4.8) */
		return true;
	}
	if (f->vector == VEC_IPI_WAKE) {   /* the wake-up has done its job by arriving */
		lapic_eoi();
		return true;
	}
	if (f->vector < 256 && irq_handlers[f->vector]) {
		irq_handlers[f->vector]();
		lapic_eoi();
		return true;
	}
	if (f->vector == VEC_TIMER) {      /* the run loop reads the tick count */
		this_cpu()->ticks++;
		lapic_eoi();
		return true;
	}
	return false;
}

void traps_report_nmis(void)
{
	uint64_t n = __atomic_load_n(&nmi_count, __ATOMIC_RELAXED);

	if (n)
		hv_log(LOG_WARN, "traps: %llu NMI(s) received and ignored", (unsigned long long)n);
}

void trap_handle(struct trap_frame *f)
{
	char headline[160], detail[96] = "";
	uint64_t vec = f->vector;

	if (handle_benign(f))
		return;

	int *depth = trap_depth_here();
	if (++*depth > 2)        /* faulting while dumping a fault: stop now */
		cpu_halt_forever();
	if (*depth == 1)
		spin_lock(&dump_lock);
	if (*depth > 1)
		log_rawf("\n*** nested trap while handling a trap\n");

	const char *message = cpus[0] ? this_cpu()->panic_message : early_panic_message;
	if (vec == VEC_BP && message) {
		hv_snprintf(headline, sizeof(headline), "PANIC: %s", message);
	} else if (vec < 32) {
		const char *name = exception_names[vec] ? exception_names[vec] : "reserved exception";
		if (vec == VEC_PF)
			describe_pf_error(detail, sizeof(detail), f->error_code);
		hv_snprintf(headline, sizeof(headline),
			    "PANIC: unexpected exception %s (vector %llu) in the hypervisor, error code 0x%llx%s",
			    name, (unsigned long long)vec, (unsigned long long)f->error_code, detail);
	} else {
		hv_snprintf(headline, sizeof(headline),
			    "PANIC: unexpected interrupt, vector %llu", (unsigned long long)vec);
	}
	trap_dump(headline, f);
	if (*depth == 1)
		spin_unlock(&dump_lock);   /* another CPU's dump may follow; this one ends here */
	panic_finish();
}

__noreturn void hv_panic(const char *fmt, ...)
{
	static char early_buf[LOG_LINE_MAX];
	char *buf = cpus[0] ? this_cpu()->panic_buf : early_buf;
	va_list ap;

	irq_disable();
	va_start(ap, fmt);
	hv_vsnprintf(buf, LOG_LINE_MAX, fmt, ap);
	va_end(ap);
	if (!idt_is_loaded()) {
		log_rawf("\n*** PANIC (before traps were set up): %s\n", buf);
		cpu_halt_forever();
	}
	/* Trap into the dump so it shows this function's real registers and
	 * the callers on the stack. */
	if (cpus[0])
		this_cpu()->panic_message = buf;
	else
		early_panic_message = buf;
	__asm__ volatile("int3");
	cpu_halt_forever();
}

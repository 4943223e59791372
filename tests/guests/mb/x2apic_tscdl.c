/* tests/guests/mb/x2apic_tscdl.c - x2APIC mode and the TSC-deadline
 * timer (Intel SDM Vol. 3, 10.12 "Extended XAPIC (x2APIC)", 10.5.4.1
 * "TSC-Deadline Mode"), which QEMU 7.2's TCG does not offer: this kernel
 * runs under the hypervisor only, and its integration test holds the
 * expected report (tests/integration/difftest.sh, test_x2apic_tscdl).
 *
 * CPUID 1 says both are there; IA32_APIC_BASE takes EXTD; the ID, version
 * and derived LDR read through MSRs 0x802, 0x803, 0x80D; the xAPIC page is
 * gone; SVR through 0x80F; a self-IPI through the ICR (0x830) and through
 * SELF IPI (0x83F), each in ISR (0x810-0x817) while its handler runs and
 * ended by an EOI write to 0x80B; the #GPs the SDM names (reading EOI or
 * SELF IPI, a non-zero EOI, a reserved register, a reserved bit, x2APIC
 * to xAPIC directly); the one-shot timer through 0x838/0x839/0x83E; the
 * TSC-deadline timer through IA32_TSC_DEADLINE (0x6E0): it fires at or
 * after its deadline and reads 0 then, a deadline in the past fires at
 * once, writing 0 disarms; last, x2APIC -> disabled -> xAPIC, the page
 * back. Timing only in "~" lines. Exit code: the number of failed checks. */
#include "tkdev.h"

#define CPUID1_ECX_X2APIC      (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define MSR_APIC_BASE   0x1b
#define APIC_BASE_EXTD  (1u << 10)
#define APIC_BASE_EN    (1u << 11)
#define MSR_TSC_DEADLINE 0x6e0
#define X2_ID       0x802
#define X2_VERSION  0x803
#define X2_TPR      0x808
#define X2_APR      0x809
#define X2_EOI      0x80b
#define X2_LDR      0x80d
#define X2_SVR      0x80f
#define X2_ISR0     0x810
#define X2_ICR      0x830
#define X2_LVT_TIMER 0x832
#define X2_TIMER_INIT 0x838
#define X2_TIMER_CUR  0x839
#define X2_TIMER_DIV  0x83e
#define X2_SELF_IPI 0x83f
#define LVT_TSC_DEADLINE 0x40000u
#define VEC_ICR_IPI  0x60
#define VEC_SELF_IPI 0x61
#define VEC_TSCDL    0x62
#define VEC_ONESHOT  0x63
#define GP_VECTOR    13
#define MSR_INSN_LEN 2           /* rdmsr, wrmsr: 0F 32, 0F 30 */

static volatile uint32_t gp_count, irq_count, last_vector;
static volatile uint32_t isr_bit_seen;
static volatile uint64_t fired_tsc;

/* An expected #GP on rdmsr/wrmsr: counted, the instruction skipped. */
static void on_gp(struct tk_trap_frame *f)
{
	gp_count = gp_count + 1;
	f->eip += MSR_INSN_LEN;
}

static void on_irq(struct tk_trap_frame *f)
{
	uint32_t isr = (uint32_t)rdmsr(X2_ISR0 + f->vector / 32);

	fired_tsc = rdtsc();
	isr_bit_seen = (isr >> (f->vector % 32)) & 1;
	last_vector = f->vector;
	irq_count = irq_count + 1;
	wrmsr(X2_EOI, 0);
}

/* Whether the access raised #GP (the handler skips it). */
static bool rdmsr_gp(uint32_t msr)
{
	uint32_t before = gp_count;
	(void)rdmsr(msr);
	return gp_count != before;
}

static bool wrmsr_gp(uint32_t msr, uint64_t v)
{
	uint32_t before = gp_count;
	wrmsr(msr, v);
	return gp_count != before;
}

static uint32_t tsc_khz;

static void calibrate(void)
{
	uint64_t t0 = rdtsc();
	tk_delay_us(20000);
	uint64_t khz = tk_udiv64(rdtsc() - t0, 20, NULL);
	tsc_khz = khz && khz < 0xffffffffu ? (uint32_t)khz : 1000000u;
	tk_vary("tsc: %u kHz against 20 ms of PIT time", tsc_khz);
}

static void enter_x2apic(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	tk_check(r[2] & CPUID1_ECX_X2APIC, "cpuid 1: x2apic (ecx bit 21)");
	tk_check(r[2] & CPUID1_ECX_TSC_DEADLINE, "cpuid 1: tsc-deadline timer (ecx bit 24)");
	uint64_t base = rdmsr(MSR_APIC_BASE);
	tk_printf("apic base 0x%llx\n", base);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	tk_printf("apic base with EXTD 0x%llx\n", rdmsr(MSR_APIC_BASE));
	tk_printf("x2apic: id %u version 0x%08x ldr 0x%08x\n", (uint32_t)rdmsr(X2_ID), (uint32_t)rdmsr(X2_VERSION),
		  (uint32_t)rdmsr(X2_LDR));
	tk_printf("x2apic: the xAPIC page reads 0x%08x at its version register\n", rd32(LAPIC_BASE + LAPIC_VERSION));
	wrmsr(X2_TPR, 0);
	wrmsr(X2_SVR, 0x1ff);
	tk_printf("x2apic: svr 0x%03x tpr %u\n", (uint32_t)rdmsr(X2_SVR), (uint32_t)rdmsr(X2_TPR));
}

static void self_ipis(void)
{
	irq_count = 0;
	wrmsr(X2_ICR, (uint64_t)0 << 32 | ICR_FIXED | VEC_ICR_IPI);   /* to ID 0: itself */
	tk_check(tk_wait_count(&irq_count, 1, 100000) && last_vector == VEC_ICR_IPI && isr_bit_seen,
		 "icr (0x830): a fixed IPI to itself arrives at 0x%02x, in ISR while handled", VEC_ICR_IPI);
	irq_count = 0;
	wrmsr(X2_SELF_IPI, VEC_SELF_IPI);
	tk_check(tk_wait_count(&irq_count, 1, 100000) && last_vector == VEC_SELF_IPI && isr_bit_seen,
		 "self ipi (0x83f): arrives at 0x%02x, in ISR while handled", VEC_SELF_IPI);
	tk_check(((uint32_t)rdmsr(X2_ISR0 + VEC_SELF_IPI / 32) & (1u << (VEC_SELF_IPI % 32))) == 0,
		 "eoi (0x80b): ISR clear after the handler's EOI");
}

static void faults(void)
{
	tk_check(rdmsr_gp(X2_EOI), "#GP: reading EOI");
	tk_check(rdmsr_gp(X2_SELF_IPI), "#GP: reading SELF IPI");
	tk_check(wrmsr_gp(X2_EOI, 1), "#GP: a non-zero EOI");
	tk_check(rdmsr_gp(X2_APR), "#GP: reading the reserved 0x809 (no APR in x2APIC mode)");
	tk_check(wrmsr_gp(X2_TPR, (uint64_t)1 << 32), "#GP: a reserved bit (63:32 of TPR)");
	tk_check(wrmsr_gp(X2_VERSION, 0), "#GP: writing the read-only version");
	uint64_t base = rdmsr(MSR_APIC_BASE);
	tk_check(wrmsr_gp(MSR_APIC_BASE, base & ~(uint64_t)APIC_BASE_EXTD), "#GP: x2APIC to xAPIC directly");
	tk_check(!rdmsr_gp(X2_ID), "no #GP: reading the ID");
}

static void one_shot(void)
{
	irq_count = 0;
	wrmsr(X2_TIMER_DIV, LAPIC_DIV_BY_16);
	wrmsr(X2_LVT_TIMER, VEC_ONESHOT);
	wrmsr(X2_TIMER_INIT, 62500);                         /* 1 ms at 1 GHz / 16 */
	uint32_t cur = (uint32_t)rdmsr(X2_TIMER_CUR);
	tk_check(cur <= 62500, "one-shot (0x838/0x839): counting down from its initial count");
	tk_check(tk_wait_count(&irq_count, 1, 100000) && last_vector == VEC_ONESHOT,
		 "one-shot: interrupt at 0x%02x", VEC_ONESHOT);
	tk_check(rdmsr(X2_TIMER_CUR) == 0, "one-shot: current count 0 after it fired");
}

static void tsc_deadline(void)
{
	wrmsr(X2_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TSCDL);
	tk_printf("tsc-deadline: lvt timer 0x%05x\n", (uint32_t)rdmsr(X2_LVT_TIMER));
	irq_count = 0;
	uint64_t deadline = rdtsc() + (uint64_t)tsc_khz * 2;   /* 2 ms */
	wrmsr(MSR_TSC_DEADLINE, deadline);
	tk_check(rdmsr(MSR_TSC_DEADLINE) == deadline, "tsc-deadline: 0x6e0 reads the deadline while armed");
	bool got = tk_wait_count(&irq_count, 1, 200000);
	tk_check(got && last_vector == VEC_TSCDL, "tsc-deadline: interrupt at 0x%02x", VEC_TSCDL);
	tk_check(got && fired_tsc >= deadline, "tsc-deadline: not before the deadline");
	tk_vary("tsc-deadline: fired %llu TSC ticks after the deadline", got ? fired_tsc - deadline : 0ull);
	tk_check(rdmsr(MSR_TSC_DEADLINE) == 0, "tsc-deadline: 0x6e0 reads 0 once it fired");

	irq_count = 0;
	wrmsr(MSR_TSC_DEADLINE, 1);                             /* long past */
	tk_check(tk_wait_count(&irq_count, 1, 100000), "tsc-deadline: a deadline in the past fires at once");

	irq_count = 0;
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + (uint64_t)tsc_khz * 10);
	wrmsr(MSR_TSC_DEADLINE, 0);
	tk_check(!tk_wait_count(&irq_count, 1, 30000), "tsc-deadline: writing 0 disarms it");
	wrmsr(X2_LVT_TIMER, LVT_MASKED);
}

static void leave_x2apic(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	tk_check(!wrmsr_gp(MSR_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD)),
		 "x2APIC -> disabled");
	tk_printf("disabled: apic base 0x%llx\n", rdmsr(MSR_APIC_BASE));
	tk_check(rdmsr_gp(X2_ID), "#GP: x2APIC MSRs while disabled");
	tk_check(!wrmsr_gp(MSR_APIC_BASE, (base & ~(uint64_t)APIC_BASE_EXTD) | APIC_BASE_EN), "disabled -> xAPIC");
	tk_printf("xapic again: apic base 0x%llx, the page's version 0x%08x svr 0x%03x\n", rdmsr(MSR_APIC_BASE),
		  lapic_read(LAPIC_VERSION), lapic_read(LAPIC_SVR));
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("x2apic_tscdl: x2APIC mode and the TSC-deadline timer\n");
	tk_cli();
	tk_pic_init(0);
	tk_set_vector(GP_VECTOR, on_gp);
	for (unsigned v = VEC_ICR_IPI; v <= VEC_ONESHOT; v++)
		tk_set_vector((uint8_t)v, on_irq);
	calibrate();
	enter_x2apic();
	self_ipis();
	faults();
	one_shot();
	tsc_deadline();
	leave_x2apic();
	tk_printf("x2apic_tscdl: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

/* drivers/lapic.c - The local APIC, in whichever mode the firmware left it
 * (AMD APM Vol. 2, 16.3 "Local APIC" and 16.11 "x2APIC"): xAPIC registers in
 * the 4 KiB page named by MSR APIC_BASE, reached through the direct map
 * (uncached through the MTRRs); x2APIC registers as MSRs 0x800 + offset/16,
 * with a 32-bit ID and a 64-bit ICR. Machines with more than 255 CPUs come
 * up in x2APIC mode; the APs are put in the boot CPU's mode. */
#include "arch/x86/cpu.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "mm/phys.h"

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define SVR_ENABLE    BIT(8)
#define SPURIOUS_VECTOR VEC_LAPIC_SPURIOUS

#define LAPIC_TPR       0x080
#define LAPIC_LVT_THERMAL 0x330      /* then 0x340 PMC, 0x350 LINT0, 0x360 LINT1, 0x370 error */
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LVT_MASKED      BIT(16)
#define LVT_TIMER_ONESHOT      (0u << 17)   /* LVT timer mode, bits 18:17 (SDM 10.5.1) */
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define TIMER_DIV_16    0x3u
#define CPUID1_ECX_TSC_DEADLINE BIT(24)

#define ICR_INIT        (5u << 8)
#define ICR_STARTUP     (6u << 8)
#define ICR_PENDING     BIT(12)      /* delivery status */
#define ICR_ASSERT      BIT(14)
#define ICR_LEVEL       BIT(15)

#define APIC_BASE_EXTD   BIT(10)     /* x2APIC mode */
#define CPUID1_ECX_X2APIC BIT(21)
#define X2APIC_MSR_BASE  0x800u
#define X2APIC_ICR       0x830u

/* Decided once, on the boot CPU, and imposed on every AP. */
static int x2apic_mode = -1;
static bool x2apic_wanted;

void lapic_want_x2apic(bool on)
{
	x2apic_wanted = on;
}

/* Registers by their xAPIC offset, in either mode. */
static uint32_t lapic_read(uint32_t off)
{
	if (x2apic_mode == 1)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (off >> 4));
	hpa_t base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
	return *(volatile uint32_t *)phys_to_virt(base + off);
}

static void lapic_write(uint32_t off, uint32_t val)
{
	if (x2apic_mode == 1) {
		wrmsr(X2APIC_MSR_BASE + (off >> 4), val);
		return;
	}
	hpa_t base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
	*(volatile uint32_t *)phys_to_virt(base + off) = val;
}

void lapic_init_this_cpu(void)
{
	uint64_t b = rdmsr(MSR_APIC_BASE);

	if (x2apic_mode < 0)
		x2apic_mode = ((b & APIC_BASE_EXTD) || (x2apic_wanted && (cpuid(1, 0).ecx & CPUID1_ECX_X2APIC))) ? 1 : 0;
	/* Enable first; x2APIC can only be entered from the enabled xAPIC state. */
	if (!(b & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, b |= APIC_BASE_ENABLE);
	if (x2apic_mode == 1 && !(b & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, b | APIC_BASE_EXTD);
	lapic_write(LAPIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	/* Nothing the firmware left may interrupt us: accept every priority, and
	 * mask the local sources (thermal, performance counters, LINT0/1, error)
	 * the hypervisor does not handle. */
	lapic_write(LAPIC_TPR, 0);
	for (uint32_t lvt = LAPIC_LVT_THERMAL; lvt <= LAPIC_LVT_ERROR; lvt += 0x10)
		lapic_write(lvt, LVT_MASKED);
}

bool lapic_x2apic_mode(void)
{
	return x2apic_mode == 1;
}

uint32_t lapic_id(void)
{
	/* Before lapic_init_this_cpu() decides the mode, read it as it is now. */
	bool x2 = x2apic_mode >= 0 ? x2apic_mode == 1 : (rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD) != 0;

	if (x2)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (LAPIC_ID >> 4));
	hpa_t base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
	return *(volatile uint32_t *)phys_to_virt(base + LAPIC_ID) >> 24;
}

static void spin_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz() / 1000;
	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

static bool send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (x2apic_mode == 1) {
		/* One 64-bit write, destination in 63:32; no delivery status. */
		wrmsr(X2APIC_ICR, ((uint64_t)apic_id << 32) | icr);
		return true;
	}
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	/* Bounded: 100 ms is far beyond any APIC's delivery time. */
	for (unsigned i = 0; i < 100000; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING))
			return true;
		spin_us(1);
	}
	return false;
}

uint32_t lapic_timer_calibrate(void)
{
	const uint64_t window_us = 2000;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	spin_us(window_us);
	uint32_t elapsed = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);   /* stopped, and still masked */
	return (uint32_t)((uint64_t)elapsed * 1000 / window_us);
}

bool lapic_timer_has_tsc_deadline(void)
{
	return (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE) != 0;
}

void lapic_timer_setup(bool tsc_deadline)
{
	if (tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VEC_TIMER);
		/* In xAPIC mode the LVT write is a memory-mapped store, which a
		 * later WRMSR to IA32_TSC_DEADLINE is not ordered after: SDM
		 * 10.5.4.1 asks for an MFENCE between them, or the deadline may
		 * be written while the timer is still in its old mode. */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(MSR_TSC_DEADLINE, 0);
		return;
	}
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);   /* the rate lapic_timer_calibrate() measured */
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

void lapic_timer_oneshot(uint32_t count)
{
	/* Writing the initial count (re)starts the count-down from it. */
	lapic_write(LAPIC_TIMER_INIT, count);
}

void lapic_timer_deadline(uint64_t tsc)
{
	wrmsr(MSR_TSC_DEADLINE, tsc);
}

void lapic_timer_stop(void)
{
	uint32_t lvt = lapic_read(LAPIC_LVT_TIMER);

	if ((lvt & (3u << 17)) == LVT_TIMER_TSC_DEADLINE)
		wrmsr(MSR_TSC_DEADLINE, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

bool lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	return send_ipi(apic_id, vector);   /* fixed delivery, physical destination */
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

void lapic_stop_ap(uint32_t apic_id)
{
	send_ipi(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
}

bool lapic_start_ap(uint32_t apic_id, uint8_t vector)
{
	if (!send_ipi(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL))
		return false;
	spin_us(10000);
	for (int i = 0; i < 2; i++) {
		if (!send_ipi(apic_id, ICR_STARTUP | vector))
			return false;
		spin_us(200);
	}
	return true;
}

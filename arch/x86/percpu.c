/* arch/x86/percpu.c - Per-CPU data. The boot CPU's lives in .bss (no
 * allocator yet when it is needed); the APs' come from the page allocator
 * in arch/x86/smp.c. */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"

struct percpu *cpus[MAX_CPUS];
uint32_t cpu_count;
static struct percpu boot_percpu;

void percpu_install(struct percpu *pc)
{
	pc->self = pc;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
}

void percpu_init_boot_cpu(uint32_t apic_id)
{
	boot_percpu.cpu_id = 0;
	boot_percpu.apic_id = apic_id;
	boot_percpu.online = true;
	boot_percpu.online_tsc = rdtsc();
	cpus[0] = &boot_percpu;
	cpu_count = 1;
	percpu_install(&boot_percpu);
}

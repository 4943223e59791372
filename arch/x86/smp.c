/* arch/x86/smp.c - Application processor bring-up (AMD APM Vol. 2, 16.5
 * "Local APIC ... Startup"; the INIT-SIPI-SIPI sequence and its delays as in
 * Intel SDM Vol. 3A, 8.4.4.1, which AMD systems follow).
 *
 * The trampoline (arch/x86/trampoline.asm) is copied to a page below 1 MiB
 * that the memory map says was RAM. It runs on a small page table: identity
 * for the low 2 MiB, so the switch to paging does not pull the floor from
 * under it, plus the hypervisor's upper-half entries, so it can jump to
 * ap_entry64, which loads the real page tables. APs start one at a time:
 * each is given its stack and struct percpu through the parameter block, and
 * the next one starts only once it has reported in (so they never share the
 * block, and never log at the same time). */
#define LOG_PREFIX "smp: "
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/pte.h"
#include "arch/x86/smp.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/traps.h"
#include "drivers/acpi_madt.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/phys.h"

#define AP_STACK_PAGES   8            /* 32 KiB, like the boot CPU's */
#define AP_WAIT_MS       500          /* per CPU; a healthy one answers in microseconds */
#define TRAMP_PARAM_PT       0
#define TRAMP_PARAM_CR3      1
#define TRAMP_PARAM_STACK    2
#define TRAMP_PARAM_PERCPU   3
#define TRAMP_PARAM_ENTRY    4

extern const uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const uint8_t ap_tramp_gdt_ptr[], ap_tramp_pm32_ptr[], ap_tramp_lm64_ptr[], ap_tramp_params[];
extern const uint8_t AP_TRAMP_PM32_OFF[], AP_TRAMP_LM64_OFF[];   /* absolute symbols: offsets */
extern void ap_entry64(void);
void ap_main(struct percpu *pc);

#define TRAMP_GDT_BYTES 32   /* four descriptors before ap_tramp_gdt_ptr */

static size_t off(const uint8_t *sym)
{
	return (size_t)(sym - ap_trampoline_start);
}

/* The lowest 4 KiB page below 1 MiB that was usable RAM (mm/ carved it as
 * MEM_LOW_1M), not page 0 (the real-mode IVT). */
static hpa_t find_trampoline_page(void)
{
	const struct memmap *m = mm_memmap();

	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->ranges[i];
		if (r->type != MEM_LOW_1M)
			continue;
		hpa_t lo = MAX(ALIGN_UP(r->start, PAGE_SIZE), PAGE_SIZE);
		if (lo + PAGE_SIZE <= r->end && lo + PAGE_SIZE <= 0x100000)
			return lo;
	}
	return 0;
}

/* Returns the table's physical address, or 0 if no pages below 4 GiB. */
static hpa_t build_trampoline_page_table(void)
{
	hpa_t pa;

	/* Three contiguous frames: the allocator takes such runs lowest first,
	 * and the trampoline loads this CR3 in 32-bit mode, below 4 GiB. */
	if (!mm_alloc_frames(3, 1, &pa))
		return 0;
	if (pa + 3 * PAGE_SIZE > 4 * GiB) {
		mm_free_frames(pa, 3);
		return 0;
	}
	uint64_t *pml4 = phys_to_virt(pa), *pdpt = phys_to_virt(pa + PAGE_SIZE), *pd = phys_to_virt(pa + 2 * PAGE_SIZE);
	const uint64_t *host = phys_to_virt(read_cr3() & 0x000ffffffffff000ull);

	memset(pml4, 0, 3 * PAGE_SIZE);
	for (int i = 256; i < 512; i++)
		pml4[i] = host[i];
	pml4[0] = virt_to_phys(pdpt) | (PTE_P | PTE_W);
	pdpt[0] = virt_to_phys(pd) | (PTE_P | PTE_W);
	pd[0] = 0 | (PTE_P | PTE_W) | PTE_PS;
	return virt_to_phys(pml4);
}

static void free_trampoline_page_table(hpa_t pml4_pa)
{
	mm_free_frames(pml4_pa, 3);
}

static void install_trampoline(hpa_t page)
{
	uint8_t *t = phys_to_virt(page);
	uint32_t base = (uint32_t)page;
	uint32_t gdt = base + (uint32_t)(off(ap_tramp_gdt_ptr) - TRAMP_GDT_BYTES);
	uint32_t pm32 = base + (uint32_t)(uintptr_t)AP_TRAMP_PM32_OFF;
	uint32_t lm64 = base + (uint32_t)(uintptr_t)AP_TRAMP_LM64_OFF;

	memcpy(t, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	memcpy(t + off(ap_tramp_gdt_ptr) + 2, &gdt, 4);
	memcpy(t + off(ap_tramp_pm32_ptr), &pm32, 4);
	memcpy(t + off(ap_tramp_lm64_ptr), &lm64, 4);
}

static struct percpu *new_percpu(uint32_t apic_id)
{
	struct percpu *pc = mm_alloc_page();
	hpa_t stack, ist;

	if (!pc)
		return NULL;
	if (!mm_alloc_frames(AP_STACK_PAGES, 1, &stack)) {
		mm_free_page(pc);
		return NULL;
	}
	if (!mm_alloc_frames(3 * sizeof(struct guarded_stack) / PAGE_SIZE, 1, &ist)) {
		mm_free_frames(stack, AP_STACK_PAGES);
		mm_free_page(pc);
		return NULL;
	}
	_Static_assert(sizeof(struct percpu) <= PAGE_SIZE, "struct percpu fits a page");
	pc->cpu_id = cpu_count;
	pc->apic_id = apic_id;
	pc->stack_bottom = (uint64_t)(uintptr_t)phys_to_virt(stack);
	pc->stack_top = pc->stack_bottom + AP_STACK_PAGES * PAGE_SIZE;
	/* The guard pages of these stacks are in the direct map, so they do not
	 * fault: unlike the boot CPU's, an AP's stack overflow is not caught. */
	pc->ist_stacks = phys_to_virt(ist);
	return pc;
}

static bool start_one(hpa_t tramp, struct percpu *pc)
{
	uint64_t *params = (uint64_t *)((uint8_t *)phys_to_virt(tramp) + off(ap_tramp_params));

	params[TRAMP_PARAM_CR3] = read_cr3();
	params[TRAMP_PARAM_STACK] = pc->stack_top;
	params[TRAMP_PARAM_PERCPU] = (uint64_t)(uintptr_t)pc;
	params[TRAMP_PARAM_ENTRY] = (uint64_t)(uintptr_t)ap_entry64;
	if (!lapic_start_ap(pc->apic_id, (uint8_t)(tramp >> PAGE_SHIFT)))
		return false;
	uint64_t deadline = rdtsc() + (uint64_t)AP_WAIT_MS * tsc_khz();
	while (!pc->online && (int64_t)(rdtsc() - deadline) < 0)
		cpu_relax();
	return pc->online;
}

uint32_t smp_boot(const struct madt_info *madt)
{
	uint32_t bsp = this_cpu()->apic_id, missing = 0;

	lapic_init_this_cpu();
	this_cpu()->timer_ticks_per_ms = lapic_timer_calibrate();
	if (!madt || madt->cpu_count <= 1) {
		pr_info("1 CPU online (%s)", madt ? "the MADT lists no other" : "no usable MADT");
		return 1;
	}
	hpa_t tramp = find_trampoline_page();
	if (!tramp) {
		pr_err("no free page below 1 MiB for the AP trampoline; running on the boot CPU only");
		return 1;
	}
	install_trampoline(tramp);
	hpa_t pt = build_trampoline_page_table();
	if (!pt) {
		pr_err("no page below 4 GiB for the AP trampoline's page table; running on the boot CPU only");
		return 1;
	}
	((uint64_t *)((uint8_t *)phys_to_virt(tramp) + off(ap_tramp_params)))[TRAMP_PARAM_PT] = pt;

	bool timed_out = false;
	for (uint32_t i = 0; i < madt->cpu_count && cpu_count < MAX_CPUS; i++) {
		uint32_t apic_id = madt->cpus[i].apic_id;
		if (apic_id == bsp)
			continue;
		/* Online-capable only: a hot-plug slot, usually empty. */
		if (madt->cpus[i].online_capable)
			continue;
		if (apic_id > 0xfe && !lapic_x2apic_mode()) {
			pr_warn("CPU with APIC ID %u needs x2APIC mode; left out", apic_id);
			missing++;
			continue;
		}
		struct percpu *pc = new_percpu(apic_id);
		if (!pc) {
			pr_err("no memory for CPU with APIC ID %u; left out", apic_id);
			missing++;
			continue;
		}
		cpus[cpu_count] = pc;
		if (!start_one(tramp, pc)) {
			/* INIT puts it back to waiting for a STARTUP: a late riser must
			 * not run on the next AP's stack. Its memory stays allocated
			 * (it may still be reading it), and so does the trampoline's
			 * page table. */
			lapic_stop_ap(apic_id);
			pr_err("CPU with APIC ID %u did not answer within %u ms; left out", apic_id, AP_WAIT_MS);
			cpus[cpu_count] = NULL;
			timed_out = true;
			missing++;
			continue;
		}
		cpu_count++;
	}
	if (!timed_out)
		free_trampoline_page_table(pt);
	uint32_t with_svm = 0;
	for (uint32_t i = 0; i < cpu_count; i++)
		with_svm += cpus[i] && cpus[i]->svm_enabled;
	pr_info("%u CPUs online, SVM enabled on %u%s; local APICs in %s mode", cpu_count, with_svm,
		missing ? " (some CPUs left out, see above)" : "", lapic_x2apic_mode() ? "x2APIC" : "xAPIC");
	return cpu_count;
}

/* An AP's first C code, on its own stack, still without GS or its own GDT. */
void ap_main(struct percpu *pc)
{
	/* GDT first: reloading the segment registers there may clear GS_BASE. */
	gdt_load(&pc->tables, pc->ist_stacks);
	percpu_install(pc);
	idt_load();
	fpu_init();
	lapic_init_this_cpu();
	pc->timer_ticks_per_ms = lapic_timer_calibrate();
	bool svm_ok = svm.nasid && svm_enable_this_cpu();
	pr_info("cpu%u (APIC ID %u) online%s", pc->cpu_id, pc->apic_id,
		svm_ok ? ", SVM enabled" : ", without SVM");
	pc->work_done = true;   /* nothing given, nothing pending */
	pc->online_tsc = rdtsc();
	pc->online = true;      /* the boot CPU starts the next AP after this */
	for (;;) {
		/* STI;HLT: the wake-up IPI cannot slip in between the check and the
		 * halt, since STI only takes effect after the next instruction. */
		while (!pc->work)
			cpu_idle_wait();
		void (*fn)(void *) = pc->work;
		pc->work = NULL;
		fn(pc->work_arg);
		pc->work_done = true;
		lapic_send_ipi(cpus[0]->apic_id, VEC_IPI_WAKE);
	}
}

void smp_run_on(uint32_t cpu_id, void (*fn)(void *), void *arg)
{
	struct percpu *pc = cpus[cpu_id];

	pc->work_done = false;
	pc->work_arg = arg;
	__atomic_store_n(&pc->work, fn, __ATOMIC_RELEASE);
	lapic_send_ipi(pc->apic_id, VEC_IPI_WAKE);
}

bool smp_all_done(void)
{
	for (uint32_t i = 1; i < cpu_count; i++) {
		struct percpu *pc = cpus[i];
		if (pc && pc->online && (pc->work || !pc->work_done))
			return false;
	}
	return true;
}

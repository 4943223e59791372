/* mm/vmem.c - Builds and loads the hypervisor's final page tables.
 *
 * Direct map: physical addresses at DIRECT_MAP_BASE, RW and NX, in 1 GiB
 * pages where the CPU has them (2 MiB otherwise). All of the low 4 GiB is
 * mapped (legacy areas, ACPI, the 32-bit MMIO window, which the MTRRs make
 * uncached); above 4 GiB only RAM-backed ranges are, so no write-back
 * mapping covers a hole that speculation could touch (AMD CPUs raise machine
 * checks on such accesses; Linux maps only E820 RAM for the same reason).
 * The image's own frames appear read-only in the direct map, so W^X holds
 * through that alias too. Image: .text R-X,
 * .rodata R--, .data/.bss RW-, in 4 KiB pages so the permissions follow the
 * section boundaries, with the stacks' guard pages left unmapped. Everything
 * is global (G): the hypervisor's mappings never change per address space.
 * Until CR3 is switched the tables are written through the boot-time direct
 * map, which covers only 4 GiB, so their pages must come from below it. */
#define LOG_PREFIX "mm: "
#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "mm/hpt.h"
#include "mm/mm.h"
#include "mm/phys.h"
#include "mm/vmem.h"

#define CPUID_EXT_PAGE1GB BIT(26)   /* CPUID 8000_0001h EDX */
#define MAX_GUARDS 16

extern uint8_t __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern uint8_t __data_start[], __bss_end[];
extern uint8_t __image_start_phys[], __image_end_phys[];

/* mm_page_source, except that allocation panics and checks the page lies
 * inside the boot-time direct map (mm_alloc_page_or_panic): these tables
 * are written before CR3 switches to them. */
static void *pmm_table_page(void *ctx)
{
	(void)ctx;
	return mm_alloc_page_or_panic("page tables");
}

static const struct page_source pmm_page_source = {
	pmm_table_page, mm_source_free, mm_source_pa, mm_source_va, NULL,
};
static struct hpt host_hpt;

static void map_or_panic(hva_t va, hpa_t pa, uint64_t size, unsigned perm, const char *what)
{
	if (hpt_map(&host_hpt, va, pa, size, perm) != 0)
		hv_panic("vmem: cannot map %s (va 0x%llx -> pa 0x%llx, 0x%llx bytes)", what,
			 (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
}

static bool is_guard(hva_t va, const hva_t *guards, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (guards[i] == va)
			return true;
	return false;
}

/* Maps [start, end) of the image page by page runs, skipping guard pages. */
static void map_image_range(const uint8_t *start, const uint8_t *end, unsigned perm,
			    const hva_t *guards, size_t nguards, const char *what)
{
	hva_t va = (hva_t)(uintptr_t)start, stop = (hva_t)(uintptr_t)end;

	while (va < stop) {
		if (is_guard(va, guards, nguards)) {
			va += PAGE_SIZE;
			continue;
		}
		hva_t run = va;
		while (run < stop && !is_guard(run, guards, nguards))
			run += PAGE_SIZE;
		map_or_panic(va, va - KERNEL_VMA, run - va, perm, what);
		va = run;
	}
}

/* Direct-maps [start, end), read-only where it holds the image. */
static void direct_map_range(hpa_t start, hpa_t end)
{
	hpa_t img_lo = (hpa_t)(uintptr_t)__image_start_phys, img_hi = (hpa_t)(uintptr_t)__image_end_phys;
	hpa_t ro_lo = MAX(start, img_lo), ro_hi = MIN(end, img_hi);

	if (ro_lo >= ro_hi) {
		map_or_panic(DIRECT_MAP_BASE + start, start, end - start, HPT_R | HPT_W | HPT_GLOBAL, "the direct map");
		return;
	}
	if (start < ro_lo)
		map_or_panic(DIRECT_MAP_BASE + start, start, ro_lo - start, HPT_R | HPT_W | HPT_GLOBAL, "the direct map");
	map_or_panic(DIRECT_MAP_BASE + ro_lo, ro_lo, ro_hi - ro_lo, HPT_R | HPT_GLOBAL, "the image in the direct map");
	if (ro_hi < end)
		map_or_panic(DIRECT_MAP_BASE + ro_hi, ro_hi, end - ro_hi, HPT_R | HPT_W | HPT_GLOBAL, "the direct map");
}

/* Maps the RAM-backed ranges above 4 GiB, touching ranges merged into one
 * call so large pages span them. Returns the end of the highest one. */
static hpa_t direct_map_high_ram(const struct memmap *map)
{
	hpa_t run_lo = 0, run_hi = 0, top = 4 * GiB;

	for (size_t i = 0; i < map->count; i++) {
		const struct mem_range *r = &map->ranges[i];
		if (!memmap_type_is_ram(r->type) || r->end <= 4 * GiB)
			continue;
		hpa_t lo = ALIGN_UP(MAX(r->start, 4 * GiB), PAGE_SIZE), hi = ALIGN_DOWN(r->end, PAGE_SIZE);
		if (lo >= hi)
			continue;
		if (lo == run_hi) {
			run_hi = hi;
			continue;
		}
		if (run_hi)
			direct_map_range(run_lo, run_hi);
		run_lo = lo;
		run_hi = hi;
	}
	if (run_hi) {
		direct_map_range(run_lo, run_hi);
		top = run_hi;
	}
	return top;
}

void vmem_init(const struct memmap *map, struct vmem_report *rep)
{
	hva_t guards[MAX_GUARDS];
	size_t nguards = gdt_guard_pages(guards, MAX_GUARDS);
	bool allow_1g = (cpuid(0x80000001, 0).edx & CPUID_EXT_PAGE1GB) != 0;

	if (hpt_create(&host_hpt, &pmm_page_source, allow_1g) != 0)
		hv_panic("vmem: no page for the page-table root");
	direct_map_range(0, 4 * GiB);
	hpa_t end = direct_map_high_ram(map);
	map_image_range(__text_start, __text_end, HPT_R | HPT_X | HPT_GLOBAL, guards, nguards, ".text");
	map_image_range(__rodata_start, __rodata_end, HPT_R | HPT_GLOBAL, guards, nguards, ".rodata");
	map_image_range(__data_start, __bss_end, HPT_R | HPT_W | HPT_GLOBAL, guards, nguards, ".data/.bss");

	write_cr3(hpt_root(&host_hpt));
	direct_map_limit = end;

	rep->direct_map_end = end;
	rep->used_1g_pages = allow_1g;
	rep->table_pages = host_hpt.pages_used;
	rep->guard_pages = nguards;
}

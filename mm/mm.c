/* mm/mm.c - Boot-time ownership of physical memory.
 *
 * Order matters: the memory map is built and the hypervisor's own pieces are
 * carved out of it first, then the allocator's bitmap is placed in the lowest
 * free run below 4 GiB (the boot-time direct map reaches only that far), then
 * the allocator takes every remaining usable page, and only then can page
 * tables be allocated for the final address space. */
#define LOG_PREFIX "mm: "
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/bootmap.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "mm/phys.h"
#include "mm/vmem.h"

#define MEMMAP_CAPACITY 512
#define LOW_MEMORY_END  (1 * MiB)

struct pmm host_pmm;
hpa_t direct_map_limit = 4 * GiB;    /* what entry.asm maps until vmem_init() */

static struct mem_range memmap_storage[MEMMAP_CAPACITY];
static struct memmap host_memmap;

extern uint8_t __image_start_phys[], __image_end_phys[];

const struct memmap *mm_memmap(void)
{
	return &host_memmap;
}

void *mm_alloc_page_or_panic(const char *why)
{
	hpa_t pa;

	if (!pmm_alloc(&host_pmm, &pa))
		hv_panic("out of memory allocating %s", why);
	if (pa + PAGE_SIZE > direct_map_limit)
		hv_panic("page 0x%llx for %s is beyond the direct map (0x%llx)",
			 (unsigned long long)pa, why, (unsigned long long)direct_map_limit);
	void *va = phys_to_virt(pa);
	memset(va, 0, PAGE_SIZE);
	return va;
}

/* The allocator is shared by every CPU (VMs are torn down where they ran). */
static struct spinlock pmm_lock;

void *mm_alloc_page(void)
{
	hpa_t pa;

	spin_lock(&pmm_lock);
	bool ok = pmm_alloc(&host_pmm, &pa);
	spin_unlock(&pmm_lock);
	if (!ok)
		return NULL;
	void *va = phys_to_virt(pa);
	memset(va, 0, PAGE_SIZE);
	return va;
}

bool mm_alloc_frames(uint64_t count, uint64_t align, hpa_t *pa)
{
	spin_lock(&pmm_lock);
	bool ok = count == 1 && align <= 1 ? pmm_alloc(&host_pmm, pa) : pmm_alloc_contig(&host_pmm, count, align, pa);
	spin_unlock(&pmm_lock);
	return ok;
}

void mm_free_frames(hpa_t pa, uint64_t count)
{
	spin_lock(&pmm_lock);
	int r = pmm_free(&host_pmm, pa, count);
	spin_unlock(&pmm_lock);
	if (r != 0)
		hv_panic("freeing %llu frames at 0x%llx that are not allocated", (unsigned long long)count,
			 (unsigned long long)pa);
}

void mm_free_page(void *page)
{
	mm_free_frames(virt_to_phys(page), 1);
}

static void *source_alloc(void *ctx) { (void)ctx; return mm_alloc_page(); }
void mm_source_free(void *ctx, void *page) { (void)ctx; mm_free_page(page); }
hpa_t mm_source_pa(void *ctx, void *page) { (void)ctx; return virt_to_phys(page); }
void *mm_source_va(void *ctx, hpa_t pa) { (void)ctx; return phys_to_virt(pa); }
const struct page_source mm_page_source = { source_alloc, mm_source_free, mm_source_pa, mm_source_va, NULL };

/* "1023.9 MiB", "4.0 GiB", "636 KiB": the unit keeps one decimal readable. */
static const char *fmt_size(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= 10 * GiB)
		hv_snprintf(buf, len, "%llu.%llu GiB", (unsigned long long)(bytes / GiB),
			    (unsigned long long)((bytes % GiB) * 10 / GiB));
	else if (bytes >= 10 * MiB)
		hv_snprintf(buf, len, "%llu.%llu MiB", (unsigned long long)(bytes / MiB),
			    (unsigned long long)((bytes % MiB) * 10 / MiB));
	else
		hv_snprintf(buf, len, "%llu KiB", (unsigned long long)(bytes / KiB));
	return buf;
}

static void carve(uint64_t start, uint64_t end, enum mem_type type, const char *what)
{
	if (start >= end)
		return;
	if (memmap_carve(&host_memmap, ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE), type) != 0)
		hv_panic("cannot reserve %s [0x%llx-0x%llx) in the memory map", what,
			 (unsigned long long)start, (unsigned long long)end);
}

static void log_map(void)
{
	for (size_t i = 0; i < host_memmap.count; i++) {
		const struct mem_range *r = &host_memmap.ranges[i];
		char sz[32];
		pr_info("  0x%016llx-0x%016llx %-12s %s", (unsigned long long)r->start,
			(unsigned long long)r->end - 1, memmap_type_name(r->type),
			fmt_size(sz, sizeof(sz), r->end - r->start));
	}
}

static void log_summary(const struct memmap_stats *st)
{
	uint64_t by_type[MEM_TYPE_MAX + 1] = { 0 };
	char a[32], b[32], c[32], d[32];

	for (size_t i = 0; i < host_memmap.count; i++) {
		const struct mem_range *r = &host_memmap.ranges[i];
		by_type[r->type] += r->end - r->start;
	}
	pr_info("RAM %s: usable %s, reserved %s, above 4 GiB %s", fmt_size(a, sizeof(a), st->ram_total),
		fmt_size(b, sizeof(b), st->usable), fmt_size(c, sizeof(c), st->reserved),
		fmt_size(d, sizeof(d), st->above_4g));
	pr_info("reserved RAM: hypervisor %s, boot info+modules %s, low 1 MiB %s, allocator %s",
		fmt_size(a, sizeof(a), by_type[MEM_HYPERVISOR]), fmt_size(b, sizeof(b), by_type[MEM_BOOTINFO]),
		fmt_size(c, sizeof(c), by_type[MEM_LOW_1M]), fmt_size(d, sizeof(d), by_type[MEM_ALLOCATOR]));
	pr_info("firmware RAM: ACPI reclaim %s, ACPI NVS %s; bad %s",
		fmt_size(a, sizeof(a), by_type[MEM_ACPI_RECLAIM]), fmt_size(b, sizeof(b), by_type[MEM_ACPI_NVS]),
		fmt_size(c, sizeof(c), by_type[MEM_BAD]));
	pr_info("highest RAM address 0x%llx; largest free run 0x%llx-0x%llx (%s)",
		(unsigned long long)st->highest_ram_end - 1, (unsigned long long)st->largest_free_start,
		(unsigned long long)(st->largest_free_start + st->largest_free_size - 1),
		fmt_size(a, sizeof(a), st->largest_free_size));
}

/* Writes and reads back the highest free frame through the direct map, so a
 * map that silently stops short of the top of RAM is caught at boot. */
static void check_highest_frame(void)
{
	for (uint64_t frame = host_pmm.frame_count; frame-- > 0;) {
		hpa_t pa = frame << PAGE_SHIFT;
		if (!pmm_is_free(&host_pmm, pa))
			continue;
		volatile uint64_t *p = phys_to_virt(pa);
		p[0] = 0x5a5aa5a5deadbeefull;
		p[511] = ~0x5a5aa5a5deadbeefull;
		if (p[0] != 0x5a5aa5a5deadbeefull || p[511] != ~0x5a5aa5a5deadbeefull)
			hv_panic("RAM at 0x%llx does not hold what was written", (unsigned long long)pa);
		p[0] = p[511] = 0;
		pr_info("direct map checked at the highest free frame 0x%llx", (unsigned long long)pa);
		return;
	}
}

void mm_init(const struct mb2_info *info, hpa_t mbi_pa)
{
	struct memmap_stats st;
	struct vmem_report vr;
	struct bootmap_result bm;
	char a[32], b[32];

	memmap_init(&host_memmap, memmap_storage, MEMMAP_CAPACITY);
	bootmap_load(&host_memmap, info, &bm);
	if (!bm.source)
		hv_panic("the boot loader gave no memory map (neither Multiboot2 tag 6 nor tag 17)");
	pr_info("memory map from %s (%u entries, %zu ranges after merging):", bm.source, bm.entries,
		host_memmap.count);
	if (bm.dropped)
		pr_warn("%u memory map entries dropped (malformed, or more than %d ranges)", bm.dropped,
			MEMMAP_CAPACITY);
	log_map();

	/* Carving takes only usable RAM, so what is carved first keeps its
	 * owner: the boot information and modules before the low 1 MiB, as
	 * GRUB may put them there (it does under UEFI with boot services
	 * kept, boot/efi64/) and the low 1 MiB's free pages are handed out
	 * (the AP trampoline, arch/x86/smp.c) before the guests are loaded. */
	carve((uint64_t)(uintptr_t)__image_start_phys, (uint64_t)(uintptr_t)__image_end_phys,
	      MEM_HYPERVISOR, "the hypervisor image");
	carve(mbi_pa, mbi_pa + info->total_size, MEM_BOOTINFO, "the Multiboot2 information");
	for (uint32_t i = 0; i < info->module_count; i++)
		carve(info->modules[i].start, info->modules[i].end, MEM_BOOTINFO, "a module");
	carve(0, LOW_MEMORY_END, MEM_LOW_1M, "the low 1 MiB");

	memmap_stats(&host_memmap, &st);
	if (st.usable == 0)
		hv_panic("no usable RAM in the memory map");
	hpa_t limit = 0;
	for (size_t i = 0; i < host_memmap.count; i++) {
		uint64_t lo, hi;
		if (host_memmap.ranges[i].type == MEM_USABLE && memmap_range_pages(&host_memmap.ranges[i], &lo, &hi))
			limit = MAX(limit, hi);
	}
	size_t bitmap_bytes = pmm_bitmap_bytes(limit);
	hpa_t bitmap_pa;
	if (!memmap_find_free(&host_memmap, bitmap_bytes, PAGE_SIZE, 4 * GiB, &bitmap_pa))
		hv_panic("no room below 4 GiB for the page-frame bitmap (%zu bytes)", bitmap_bytes);
	carve(bitmap_pa, bitmap_pa + bitmap_bytes, MEM_ALLOCATOR, "the page-frame bitmap");
	pmm_init(&host_pmm, phys_to_virt(bitmap_pa), limit, &host_memmap);

	memmap_stats(&host_memmap, &st);
	log_summary(&st);

	vmem_init(&host_memmap, &vr);
	pr_info("page-frame allocator: %llu free frames (%s) up to 0x%llx, bitmap %s at 0x%llx",
		(unsigned long long)host_pmm.free_frames, fmt_size(a, sizeof(a), host_pmm.free_frames * PAGE_SIZE),
		(unsigned long long)limit, fmt_size(b, sizeof(b), bitmap_bytes), (unsigned long long)bitmap_pa);
	pr_info("direct map 0x0-0x%llx with %s pages (%llu table pages; holes above 4 GiB left out); image mapped W^X, %llu guard pages",
		(unsigned long long)vr.direct_map_end - 1, vr.used_1g_pages ? "1 GiB" : "2 MiB",
		(unsigned long long)vr.table_pages, (unsigned long long)vr.guard_pages);
	check_highest_frame();
}

/* hv/gmem.c - Guest memory access through the RAM slots and the guest's
 * page tables (interface in gmem.h). */
#include "arch/x86/pte.h"
#include "arch/x86/regs.h"
#include "hv/gmem.h"
#include "lib/string.h"
#include "mm/guest_walk.h"
#include "mm/phys.h"

const struct mem_slot *gmem_slot(const struct vm *vm, gpa_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < vm->slot_count; i++) {
		const struct mem_slot *s = &vm->slots[i];
		if (gpa >= s->gpa && gpa - s->gpa < s->size && len <= s->size - (gpa - s->gpa))
			return s;
	}
	return NULL;
}

/* Host pointer to [gpa, gpa+len) if it lies within one page of guest RAM
 * (a slot that is not one host run is mapped page by page). */
static void *gpa_to_hva_page(struct vm *vm, gpa_t gpa, size_t len)
{
	hpa_t hpa;
	unsigned perm;
	uint64_t page;

	if ((gpa & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return NULL;
	if (!hpt_lookup(&vm->npt, gpa, &hpa, &perm, &page))
		return NULL;
	return phys_to_virt(hpa);
}

/* Host pointer to [gpa, gpa+len) when it lies in RAM slot 0 and that slot
 * is one host run (vm->ram, at gpa 0): the common case, found without a
 * slot search (page-table entries and instruction bytes come this way). */
static inline uint8_t *ram0_hva(const struct vm *vm, gpa_t gpa, uint64_t len)
{
	uint64_t size = vm->slots[0].size;

	return vm->ram && gpa < size && len <= size - gpa ? vm->ram + gpa : NULL;
}

static bool copy_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len, bool write)
{
	uint8_t *p = buf, *hva0 = ram0_hva(vm, gpa, len);

	if (hva0) {
		if (write)
			memcpy(hva0, p, len);
		else
			memcpy(p, hva0, len);
		return true;
	}
	const struct mem_slot *slot = gmem_slot(vm, gpa, len);
	if (!slot)
		return false;
	if (slot->hva) {
		uint8_t *hva = slot->hva + (gpa - slot->gpa);
		if (write)
			memcpy(hva, p, len);
		else
			memcpy(p, hva, len);
		return true;
	}
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		uint8_t *hva = gpa_to_hva_page(vm, gpa, n);
		if (!hva)
			return false;
		if (write)
			memcpy(hva, p, n);
		else
			memcpy(p, hva, n);
		gpa += n;
		p += n;
		len -= n;
	}
	return true;
}

bool vm_read_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len)
{
	return copy_gpa(vm, gpa, buf, len, false);
}

bool vm_write_gpa(struct vm *vm, gpa_t gpa, const void *buf, size_t len)
{
	return copy_gpa(vm, gpa, (void *)(uintptr_t)buf, len, true);
}

void gmem_zero_ram(struct vm *vm)
{
	for (unsigned i = 0; i < vm->slot_count; i++) {
		const struct mem_slot *s = &vm->slots[i];
		if (s->hva) {
			memset(s->hva, 0, s->size);
			continue;
		}
		for (uint64_t off = 0; off < s->size;) {
			hpa_t hpa;
			unsigned perm;
			uint64_t page;
			/* Mapped by vm_build, all of it: a hole is a hypervisor bug,
			 * but not one worth a panic: the page stays as it is. */
			if (!hpt_lookup(&vm->npt, s->gpa + off, &hpa, &perm, &page)) {
				off += PAGE_SIZE;
				continue;
			}
			uint64_t in_page = (s->gpa + off) & (page - 1);
			uint64_t n = MIN(page - in_page, s->size - off);
			memset(phys_to_virt(hpa), 0, n);
			off += n;
		}
	}
}

/* A page-table entry: one load where slot 0 holds it. */
static bool read64(void *ctx, gpa_t gpa, uint64_t *val)
{
	const uint8_t *hva = ram0_hva(ctx, gpa, 8);

	if (!hva)
		return vm_read_gpa(ctx, gpa, val, 8);
	__builtin_memcpy(val, hva, 8);
	return true;
}

static bool read32(void *ctx, gpa_t gpa, uint32_t *val)
{
	const uint8_t *hva = ram0_hva(ctx, gpa, 4);

	if (!hva)
		return vm_read_gpa(ctx, gpa, val, 4);
	__builtin_memcpy(val, hva, 4);
	return true;
}

/* A/D-bit updates: an atomic exchange on the guest's own entry, as the
 * processor's walker does (another vCPU may be editing the same table).
 * The entry's host address, if gpa is naturally aligned RAM. */
static void *entry_hva(struct vm *vm, gpa_t gpa, unsigned size)
{
	const struct mem_slot *slot = gmem_slot(vm, gpa, size);

	if (!slot || (gpa & (size - 1)))
		return NULL;
	return slot->hva ? slot->hva + (gpa - slot->gpa) : gpa_to_hva_page(vm, gpa, size);
}

static bool cmpxchg64(void *ctx, gpa_t gpa, uint64_t old, uint64_t new_val, bool *swapped)
{
	uint64_t *p = entry_hva(ctx, gpa, 8);

	if (!p)
		return false;
	*swapped = __atomic_compare_exchange_n(p, &old, new_val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return true;
}

static bool cmpxchg32(void *ctx, gpa_t gpa, uint32_t old, uint32_t new_val, bool *swapped)
{
	uint32_t *p = entry_hva(ctx, gpa, 4);

	if (!p)
		return false;
	*swapped = __atomic_compare_exchange_n(p, &old, new_val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return true;
}

static void paging_of(const struct vcpu *v, struct guest_paging *p)
{
	const struct vmcb_save *s = &v->vmcb->save;

	*p = (struct guest_paging){ .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer, .rflags = s->rflags };
}

/* ---- the instruction-fetch translation (struct fetch_translation) ---------------- */

/* The walk's reads, logged into the translation being built. */
struct walk_log {
	struct vm *vm;
	struct fetch_translation *t;
	bool overflow;   /* more reads than the log holds: not cached */
};

static void log_entry(struct walk_log *l, gpa_t gpa, uint64_t val, uint8_t size)
{
	struct fetch_translation *t = l->t;
	const uint8_t *hva = ram0_hva(l->vm, gpa, size);

	/* Kept only when every entry is in slot 0: a hit then re-reads them
	 * through the host's mapping, with no slot search. */
	if (t->entries >= WALK_MAX_STEPS || !hva) {
		l->overflow = true;
		return;
	}
	t->entry[t->entries].hva = hva;
	t->entry[t->entries].val = val;
	t->entry[t->entries].size = size;
	t->entries++;
}

static bool log_read64(void *ctx, gpa_t gpa, uint64_t *val)
{
	struct walk_log *l = ctx;

	if (!read64(l->vm, gpa, val))
		return false;
	log_entry(l, gpa, *val, 8);
	return true;
}

static bool log_read32(void *ctx, gpa_t gpa, uint32_t *val)
{
	struct walk_log *l = ctx;

	if (!read32(l->vm, gpa, val))
		return false;
	log_entry(l, gpa, *val, 4);
	return true;
}

/* The hypervisor's own reads (instruction bytes the CPU already fetched):
 * no permission checks, no A/D updates. Paging on, the last page's
 * translation is kept and checked (an OS's exits come from a few code
 * pages: its MMIO accessors, its EOI), so a hit costs a few loads instead
 * of a walk. */
static bool linear_to_gpa(struct vcpu *v, uint64_t lin, gpa_t *gpa)
{
	struct fetch_translation *t = &v->fetch_tlb;
	struct guest_paging p;

	paging_of(v, &p);
	if (!(p.cr0 & CR0_PG))
		return guest_walk(&p, lin, read64, read32, v->vm, gpa, NULL, NULL) == WALK_OK;
	uint64_t lin_page = lin >> PAGE_SHIFT;
	if (vcpu_fetch_translation_holds(v, lin_page)) {
		*gpa = t->gpa_page | (lin & (PAGE_SIZE - 1));
		return true;
	}
	struct walk_log log = { .vm = v->vm, .t = t };
	t->valid = false;
	t->entries = 0;
	if (guest_walk(&p, lin, log_read64, log_read32, &log, gpa, NULL, NULL) != WALK_OK)
		return false;
	if (!log.overflow) {
		t->cr0 = p.cr0;
		t->cr3 = p.cr3;
		t->cr4 = p.cr4;
		t->efer = p.efer;
		t->lin_page = lin_page;
		t->gpa_page = *gpa & ~(gpa_t)(PAGE_SIZE - 1);
		t->hva = ram0_hva(v->vm, t->gpa_page, PAGE_SIZE);
		t->valid = true;
	}
	return true;
}

bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		gpa_t gpa;
		if (!linear_to_gpa(v, lin, &gpa) || !vm_read_gpa(v->vm, gpa, out, n))
			return false;
		lin += n;
		out += n;
		len -= n;
	}
	return true;
}

enum gmem_result vcpu_access_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len, unsigned access,
				    struct gmem_fault *fault)
{
	const struct guest_mem_ops ops = { read64, read32, cmpxchg64, cmpxchg32, v->vm };
	struct guest_paging p;
	gpa_t gpa[2];
	size_t first = MIN(len, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
	unsigned pages = first < len ? 2 : 1;

	paging_of(v, &p);
	/* Both pages are translated before a byte moves: an access that
	 * faults on its second page changes nothing, as on the processor. */
	for (unsigned i = 0; i < pages; i++) {
		uint64_t at = i ? lin + first : lin;
		uint32_t err = 0;
		fault->lin = at;
		switch (guest_translate(&p, at, access, &ops, &gpa[i], &err)) {
		case GACC_OK:
			break;
		case GACC_PAGE_FAULT:
			fault->pf_error = err;
			return GMEM_PAGE_FAULT;
		case GACC_NONCANONICAL:
			return GMEM_NONCANONICAL;
		case GACC_BAD_GPA:
			return GMEM_TABLE_NOT_RAM;
		}
		fault->gpa = gpa[i];
		if (!gmem_is_ram(v->vm, gpa[i], i ? len - first : first))
			return GMEM_NOT_RAM;
	}
	if (!buf)
		return GMEM_OK;
	bool write = access & GUEST_ACCESS_WRITE;
	for (unsigned i = 0; i < pages; i++) {
		uint8_t *b = (uint8_t *)buf + (i ? first : 0);
		size_t n = i ? len - first : first;
		/* A store to a read-only page of the legacy window is dropped, as
		 * the chipset sends it to no RAM (hv/vdev/pc_legacy.h): each part
		 * lies in one page, so the page says for all of it. */
		if (write && pc_legacy_write_dropped(&v->vm->board.legacy, gpa[i]))
			continue;
		bool ok = write ? vm_write_gpa(v->vm, gpa[i], b, n) : vm_read_gpa(v->vm, gpa[i], b, n);
		if (!ok)
			return GMEM_NOT_RAM;
	}
	return GMEM_OK;
}

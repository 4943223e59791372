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

static bool copy_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len, bool write)
{
	const struct mem_slot *slot = gmem_slot(vm, gpa, len);
	uint8_t *p = buf;

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

static bool read64(void *ctx, gpa_t gpa, uint64_t *val) { return vm_read_gpa(ctx, gpa, val, 8); }
static bool read32(void *ctx, gpa_t gpa, uint32_t *val) { return vm_read_gpa(ctx, gpa, val, 4); }

static bool linear_to_gpa(struct vcpu *v, uint64_t lin, gpa_t *gpa)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct guest_paging p = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };

	return guest_walk(&p, lin, read64, read32, v->vm, gpa, NULL, NULL) == WALK_OK;
}

/* Byte-range access split at 4 KiB boundaries, each page translated on its own. */
static bool access_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		gpa_t gpa;
		if (!linear_to_gpa(v, lin, &gpa))
			return false;
		if (!(write ? vm_write_gpa(v->vm, gpa, p, n) : vm_read_gpa(v->vm, gpa, p, n)))
			return false;
		lin += n;
		p += n;
		len -= n;
	}
	return true;
}


/* One page's check: every level of the walk must allow the access (the
 * U/S and R/W bits combine by AND across levels, APM Vol. 2, 5.6). */
static bool check_page(struct vcpu *v, uint64_t lin, bool write, bool user)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct guest_paging p = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };
	struct walk_step steps[WALK_MAX_STEPS];
	int n = 0;
	gpa_t gpa;
	bool need_w = write && (user || (s->cr0 & CR0_WP));
	uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0);

	if (guest_walk(&p, lin, read64, read32, v->vm, &gpa, steps, &n) != WALK_OK) {
		v->pf_error = err;   /* not present */
		return false;
	}
	for (int i = 0; i < n; i++) {
		uint64_t e = steps[i].entry;
		/* Legacy-PAE PDPTEs have no U/S or R/W bits (APM 5.4.4). */
		if (!(s->efer & EFER_LMA) && (s->cr4 & CR4_PAE) && steps[i].level == 3)
			continue;
		if ((user && !(e & PTE_U)) || (need_w && !(e & PTE_W))) {
			v->pf_error = err | PF_P;
			return false;
		}
	}
	return true;
}

bool vcpu_check_linear_access(struct vcpu *v, uint64_t lin, unsigned size, bool write, bool user)
{
	uint64_t last = lin + size - 1;

	if (!check_page(v, lin, write, user))
		return false;
	return (last >> PAGE_SHIFT) == (lin >> PAGE_SHIFT) || check_page(v, last, write, user);
}

bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len)
{
	return access_linear(v, lin, buf, len, false);
}

bool vcpu_write_linear(struct vcpu *v, uint64_t lin, const void *buf, size_t len)
{
	return access_linear(v, lin, (void *)(uintptr_t)buf, len, true);
}


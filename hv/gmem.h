/* hv/gmem.h - Guest memory as the hypervisor reaches it: guest-physical
 * addresses through the VM's RAM slots, guest-linear addresses through the
 * guest's own page tables. Every copy is bounds-checked against the slots;
 * a guest-supplied address never becomes a host pointer without that check.
 * A gpa in no slot is not RAM: it belongs to the MMIO bus (or to nothing). */
#ifndef HV_GMEM_H
#define HV_GMEM_H

#include "hv/emulate/insn_len.h"
#include "hv/vm.h"
#include "mm/guest_walk.h"

/* The slot holding all of [gpa, gpa+len), or NULL (a range across two
 * slots is not one run of RAM: there is a hole between them). */
const struct mem_slot *gmem_slot(const struct vm *vm, gpa_t gpa, uint64_t len);
/* True when [gpa, gpa+len) is all guest RAM. */
static inline bool gmem_is_ram(const struct vm *vm, gpa_t gpa, uint64_t len)
{
	return gmem_slot(vm, gpa, len) != NULL;
}

/* Copies between guest RAM and buf; false (nothing or part copied) when any
 * byte is outside the slots. */
bool vm_read_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len);
bool vm_write_gpa(struct vm *vm, gpa_t gpa, const void *buf, size_t len);
/* Zeroes every slot (a reset must not leak the previous run's state). */
void gmem_zero_ram(struct vm *vm);

/* The hypervisor's own read of len bytes at guest-linear lin (the bytes of
 * an instruction the CPU already fetched): through the guest's paging, with
 * no permission checks and no A/D updates. */
bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len);

/* Whether v->fetch_tlb still translates the linear page lin_page: the same
 * paging registers, and every entry its walk read still reads the same
 * (another vCPU may be editing them: one relaxed load each, as the
 * processor's walker would see one value or the other). Then a fresh walk
 * would give the same answer (the walk is a function of those alone).
 * Inline: the fetch of every exit with paging on asks. */
static inline bool vcpu_fetch_translation_holds(const struct vcpu *v, uint64_t lin_page)
{
	const struct fetch_translation *t = &v->fetch_tlb;
	const struct vmcb_save *s = &v->vmcb->save;

	if (!t->valid || t->lin_page != lin_page || t->cr3 != s->cr3 || t->cr0 != s->cr0 || t->cr4 != s->cr4 ||
	    t->efer != s->efer)
		return false;
	for (unsigned i = 0; i < t->entries; i++) {
		uint64_t now = t->entry[i].size == 8 ? __atomic_load_n((const uint64_t *)t->entry[i].hva, __ATOMIC_RELAXED)
						     : __atomic_load_n((const uint32_t *)t->entry[i].hva, __ATOMIC_RELAXED);
		if (now != t->entry[i].val)
			return false;
	}
	return true;
}

/* The same for the 15 bytes of an instruction at lin when they lie in one
 * page and that page is the one vcpu_read_linear translated last, still
 * mapped the same way (every entry of its walk re-read and compared): one
 * copy from the host's mapping. False: no copy, take vcpu_read_linear. */
static inline bool vcpu_fetch_cached(const struct vcpu *v, uint64_t lin, uint8_t bytes[INSN_MAX_LEN])
{
	const struct fetch_translation *t = &v->fetch_tlb;

	if ((lin & (PAGE_SIZE - 1)) > PAGE_SIZE - INSN_MAX_LEN || !t->hva ||
	    !vcpu_fetch_translation_holds(v, lin >> PAGE_SHIFT))
		return false;
	__builtin_memcpy(bytes, t->hva + (lin & (PAGE_SIZE - 1)), INSN_MAX_LEN);
	return true;
}

/* An access the guest's instruction makes, emulated: what came of it. */
enum gmem_result {
	GMEM_OK,
	GMEM_PAGE_FAULT,      /* inject #PF: fault->lin is CR2, fault->pf_error the code */
	GMEM_NONCANONICAL,    /* inject #GP(0) */
	GMEM_TABLE_NOT_RAM,   /* a guest page table is outside RAM: the hardware's walk
			       * would exit with #NPF; the VM stops */
	GMEM_NOT_RAM,         /* the access itself lands outside RAM (fault->gpa): the VM stops */
};
struct gmem_fault { uint64_t lin; gpa_t gpa; uint32_t pf_error; };

/* Emulates the guest's access of len (<= 4096) bytes at lin with the
 * processor's rules (mm/guest_walk.c guest_translate: U/S, R/W with WP,
 * NX, SMEP, SMAP, reserved bits, A/D bits set): access is GUEST_ACCESS_*.
 * A store's bytes in a read-only page of the legacy window are dropped
 * (hv/vdev/pc_legacy.h); the rest of the store is made.
 * Both pages of an access that crosses one are translated before anything
 * moves. buf NULL: only the check (INS checks its destination before it
 * reads the port). */
enum gmem_result vcpu_access_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len, unsigned access,
				    struct gmem_fault *fault);

#endif

/* hv/gmem.h - Guest memory as the hypervisor reaches it: guest-physical
 * addresses through the VM's RAM slots, guest-linear addresses through the
 * guest's own page tables. Every copy is bounds-checked against the slots;
 * a guest-supplied address never becomes a host pointer without that check.
 * A gpa in no slot is not RAM: it belongs to the MMIO bus (or to nothing). */
#ifndef HV_GMEM_H
#define HV_GMEM_H

#include "hv/vm.h"

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

/* Reads len bytes at guest-linear address lin through the guest's paging. */
bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len);
bool vcpu_write_linear(struct vcpu *v, uint64_t lin, const void *buf, size_t len);
/* Would the guest's own paging allow an access of size bytes at lin (user:
 * at CPL 3)? If not, v->pf_error holds the #PF error code to inject. */
bool vcpu_check_linear_access(struct vcpu *v, uint64_t lin, unsigned size, bool write, bool user);

#endif

/* guest-loader/cpu_state.h - Helpers the guest types share to write a
 * vCPU's entry state into its VMCB: segment attributes in the VMCB's
 * packed form (AMD APM Vol. 2, 15.5.1 "Segment State in the VMCB"). */
#ifndef GUEST_LOADER_CPU_STATE_H
#define GUEST_LOADER_CPU_STATE_H

#include "arch/x86/svm/vmcb.h"

#define ATTR_CODE16  (VMCB_ATTR_TYPE_CODE_RX_A | VMCB_ATTR_S | VMCB_ATTR_P)
#define ATTR_DATA16  (VMCB_ATTR_TYPE_DATA_RW_A | VMCB_ATTR_S | VMCB_ATTR_P)
#define ATTR_CODE32  (ATTR_CODE16 | VMCB_ATTR_DB | VMCB_ATTR_G)
#define ATTR_DATA32  (ATTR_DATA16 | VMCB_ATTR_DB | VMCB_ATTR_G)
#define ATTR_CODE64  (ATTR_CODE16 | VMCB_ATTR_L | VMCB_ATTR_G)

static inline void set_seg(struct vmcb_seg *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attr;
}

/* LDTR and TR as after reset (selector 0), in the form VMRUN accepts. */
static inline void set_reset_ldtr_tr(struct vmcb_save *s)
{
	set_seg(&s->ldtr, 0, 0, 0xffff, VMCB_ATTR_TYPE_LDT | VMCB_ATTR_P);
	set_seg(&s->tr, 0, 0, 0xffff, VMCB_ATTR_TYPE_TSS_BUSY | VMCB_ATTR_P);
}

#endif

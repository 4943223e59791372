/* hv/msr_view.h - The MSRs a guest reaches through the intercept (those the
 * permission map sends to hv/exit_msr.c), as the guest sees them. Pure: it
 * works on the vCPU's VMCB and fields only, the host's TSC comes through a
 * callback, so the unit tests run it on a fake vCPU. */
#ifndef HV_MSR_VIEW_H
#define HV_MSR_VIEW_H

#include "lib/types.h"

struct vcpu;

/* RDMSR msr: true with *val, or false for #GP. */
bool msr_view_read(struct vcpu *v, uint32_t msr, uint64_t (*host_tsc)(void), uint64_t *val);
/* WRMSR msr = val: true when done, false for #GP (nothing changed). */
bool msr_view_write(struct vcpu *v, uint32_t msr, uint64_t val, uint64_t (*host_tsc)(void));

#endif

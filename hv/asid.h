/* hv/asid.h - Guest ASIDs per (vCPU, host CPU), recycled by generations.
 *
 * An ASID tags the TLB entries a guest creates, so VMRUN need not flush the
 * TLB when it switches between guests (APM Vol. 2, 15.16 "TLB Control").
 * CPUID Fn8000_000A EBX gives the number of ASIDs, NASID; ASID 0 is the
 * host's and VMRUN refuses it for a guest, so guests use 1..NASID-1. That
 * can be as few as 15 (QEMU TCG), and nothing in the CPU checks an ASID
 * >= NASID for us, so this allocator never produces one.
 *
 * To run any number of vCPUs with so few tags, an ASID is not owned by a VM
 * but lent to a vCPU on one host CPU for one "generation" of that CPU:
 *
 *   - Each host CPU hands out 1, 2, ... NASID-1. When it runs out it starts
 *     a new generation and numbers again from 1; every ASID of the old
 *     generation is then dead, and the VMRUN that starts the generation
 *     flushes the whole TLB so the reused numbers start clean.
 *   - A vCPU remembers (asid, cpu, generation) of its last loan. It may keep
 *     the ASID only while it runs on that CPU and that CPU is still in that
 *     generation; anything else (migration, roll-over) means a fresh one.
 *
 * Within one generation an ASID number goes to at most one vCPU, and every
 * ASID not yet handed out in it has had no TLB entries since the flush that
 * opened the generation. That is the invariant all of the logic rests on.
 *
 * The same scheme as Linux KVM's (svm/svm.c, new_asid()), written from the
 * description above. Pure logic: host-tested (tests/unit/test_asid.c).
 */
#ifndef HV_ASID_H
#define HV_ASID_H

#include "lib/types.h"
#include "arch/x86/svm/vmcb.h"

/* One per host CPU. Only that CPU reads or writes it, so there is no lock. */
struct asid_cpu {
	uint32_t nasid;       /* CPUID Fn8000_000A EBX: ASIDs 0..nasid-1 exist */
	uint32_t next;        /* next ASID to lend; 0 = nothing lent since boot */
	uint64_t generation;  /* 0 before the first loan, then 1, 2, ...; never wraps */
	uint64_t rollovers;   /* times next reached nasid (the boot flush not counted) */
};

/* One per vCPU. Touched only by the host CPU that is about to run the vCPU. */
struct asid_vcpu {
	uint32_t asid;        /* last ASID lent; 0 = holds none */
	uint32_t cpu;         /* host CPU (cpu_id) that lent it */
	uint64_t generation;  /* that CPU's generation at the time */
	bool     invalid;     /* its cached translations must go before it runs again */
};

/* What the next VMRUN must flush, in order of cost. */
enum asid_flush {
	ASID_FLUSH_NONE,       /* ASID kept, or fresh in a clean generation */
	ASID_FLUSH_THIS_ASID,  /* ASID kept, but its entries are stale */
	ASID_FLUSH_ALL,        /* a new generation started on this CPU */
};

/* nasid < 2 leaves no ASID for a guest: asid_assign() then lends nothing
 * (v->asid = 0, returns ASID_FLUSH_NONE) and the caller must not VMRUN. */
void asid_cpu_init(struct asid_cpu *c, uint32_t nasid);
void asid_vcpu_init(struct asid_vcpu *v);

/* True if this CPU has an ASID to give a guest at all (nasid >= 2). */
static inline bool asid_cpu_has_guest_asids(const struct asid_cpu *c)
{
	return c->nasid >= 2;
}

/* The vCPU's TLB entries must not be used again: it was reset, or its nested
 * page tables lost or changed a mapping. Takes effect at its next
 * asid_assign(), on whichever CPU that is. */
void asid_invalidate(struct asid_vcpu *v);

/*
 * Gives v its ASID (in v->asid) for a VMRUN on host CPU cpu_id, whose state
 * is c, and says what that VMRUN must flush. flush_by_asid is CPUID
 * Fn8000_000A EDX[6] (FlushByAsid); without it an invalidated vCPU gets a
 * fresh ASID instead of ASID_FLUSH_THIS_ASID, so that result is never
 * returned to a CPU that cannot do it.
 *
 * The caller must call this on CPU cpu_id with preemption off, right before
 * the VMRUN, and must do that VMRUN with guest_asid = v->asid and
 * tlb_control = asid_tlb_control(result): an ASID_FLUSH_ALL that is dropped
 * leaves the old generation's entries under reused ASIDs. If v->asid changed,
 * clear VMCB_CLEAN_ASID too (APM 15.15.3 "VMCB Clean Field").
 */
enum asid_flush asid_assign(struct asid_cpu *c, uint32_t cpu_id, struct asid_vcpu *v,
			    bool flush_by_asid);

/* The VMCB TLB_CONTROL encoding for a flush (APM 15.16.1 "TLB Flush"). */
static inline uint8_t asid_tlb_control(enum asid_flush f)
{
	switch (f) {
	case ASID_FLUSH_THIS_ASID: return TLB_CONTROL_FLUSH_ASID;
	case ASID_FLUSH_ALL:       return TLB_CONTROL_FLUSH_ALL;
	case ASID_FLUSH_NONE:      break;
	}
	return TLB_CONTROL_DO_NOTHING;
}

#endif

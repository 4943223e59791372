/* hv/asid.c - Guest ASIDs per (vCPU, host CPU), recycled by generations.
 * The scheme and its invariant are described in hv/asid.h. */
#include "hv/asid.h"

void asid_cpu_init(struct asid_cpu *c, uint32_t nasid)
{
	c->nasid = nasid;
	/* Whatever ran before us (firmware, a previous kernel) may have left
	 * guest entries under any ASID, so the first loan must flush
	 * everything. next = 0 marks that: 0 is never lent, so it cannot be
	 * mistaken for a position in a generation. */
	c->next = 0;
	c->generation = 0;
	c->rollovers = 0;
}

void asid_vcpu_init(struct asid_vcpu *v)
{
	v->asid = 0;         /* holds nothing, so the first assign lends one */
	v->cpu = 0;
	v->generation = 0;
	v->invalid = false;  /* a fresh ASID is clean anyway */
}

void asid_invalidate(struct asid_vcpu *v)
{
	v->invalid = true;
}

/* v still holds a live ASID on this CPU: lent here, in this generation. */
static bool asid_held_here(const struct asid_cpu *c, uint32_t cpu_id, const struct asid_vcpu *v)
{
	return v->asid != 0 && v->cpu == cpu_id && v->generation == c->generation;
}

/* Lends the next unused ASID of this CPU's generation, opening a new
 * generation first if the numbers ran out. A new generation kills every
 * loan of the old one (their generation no longer matches), which is what
 * makes reusing the numbers safe once the TLB is flushed. */
static enum asid_flush asid_lend_fresh(struct asid_cpu *c, uint32_t cpu_id, struct asid_vcpu *v)
{
	enum asid_flush flush = ASID_FLUSH_NONE;

	if (c->next == 0 || c->next >= c->nasid) {
		if (c->next != 0)
			c->rollovers++;
		c->generation++;
		c->next = 1;
		/* TLB_CONTROL 1 is the only way to drop the entries of ASIDs
		 * we do not know are in use (APM 15.16.1); it costs the host's
		 * entries as well, once per NASID-1 loans. */
		flush = ASID_FLUSH_ALL;
	}
	v->asid = c->next++;
	v->cpu = cpu_id;
	v->generation = c->generation;
	v->invalid = false;   /* not used since the generation's flush: clean */
	return flush;
}

/*
 * Decision table (held = asid_held_here()):
 *
 *   nasid < 2          -> no ASID (v->asid = 0), FLUSH_NONE; caller must not run v
 *   held, !invalid     -> keep,  FLUSH_NONE
 *   held, invalid, FBA -> keep,  FLUSH_THIS_ASID
 *   held, invalid, !FBA-> fresh, FLUSH_NONE (or FLUSH_ALL on roll-over)
 *   not held           -> fresh, FLUSH_NONE (or FLUSH_ALL on roll-over)
 *
 * "Not held" covers the first run, a migration from another CPU (generation
 * numbers of different CPUs are unrelated, hence the cpu check) and a loan
 * from a generation that has since rolled over.
 */
enum asid_flush asid_assign(struct asid_cpu *c, uint32_t cpu_id, struct asid_vcpu *v,
			    bool flush_by_asid)
{
	if (!asid_cpu_has_guest_asids(c)) {
		/* VMRUN would refuse ASID 0 (APM 15.5.1, consistency checks),
		 * so a caller that ignores this fails safe. The CPU's state is
		 * left alone: nothing was lent. */
		v->asid = 0;
		return ASID_FLUSH_NONE;
	}
	if (asid_held_here(c, cpu_id, v)) {
		if (!v->invalid)
			return ASID_FLUSH_NONE;
		if (flush_by_asid) {
			v->invalid = false;
			return ASID_FLUSH_THIS_ASID;
		}
		/* Without FlushByAsid the only per-ASID "flush" is to stop
		 * using the ASID: the old one is simply never lent again in
		 * this generation, so its stale entries are harmless. */
	}
	return asid_lend_fresh(c, cpu_id, v);
}

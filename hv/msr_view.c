/* hv/msr_view.c - The guest's view of the MSRs that exit to the hypervisor.
 *
 * Emulated: EFER (the guest never sees or clears SVME, which VMRUN needs set,
 * and cannot set it: SVM is hidden), PAT (kept in the VMCB's G_PAT, used with
 * nested paging), TSC writes (become a TSC offset), IA32_TSC_ADJUST (the
 * vCPU's own: Intel SDM Vol. 3, 18.17.3: a TSC write moves it by the same
 * amount, a write to it moves the TSC), TSC_AUX (the vCPU's own, for
 * RDTSCP and RDPID; hv/exit_msr.c puts it in the CPU), the MTRR capability
 * and default type (no MTRRs: with nested paging the host's memory types
 * rule), the legacy AMD performance counters C001_0000h-C001_0007h (no PMU
 * is exposed: they read as zero and writes are dropped, as KVM does without
 * a PMU, so an OS probing them does not take a #GP).
 * Everything else, VM_CR, VM_HSAVE_PA and IA32_XSS (XSAVES is hidden)
 * included, raises #GP in the guest and never reaches the hardware. */
#include "arch/x86/msr.h"
#include "arch/x86/regs.h"
#include "hv/msr_view.h"
#include "hv/vcpu.h"

/* EFER bits a guest may set: SCE, LME, NXE, FFXSR (bit 14). LMA is
 * read-only (the CPU sets it), SVME is the host's. */
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE | EFER_FFXSR)

/* Memory types MTRRs may name: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB. */
static bool memtype_valid(uint8_t t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

static bool pat_valid(uint64_t pat)
{
	/* Each PAT byte: an MTRR type or 7 (UC-). */
	for (int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));
		if (!memtype_valid(t) && t != 7)
			return false;
	}
	return true;
}

bool msr_view_read(struct vcpu *v, uint32_t msr, uint64_t (*host_tsc)(void), uint64_t *val)
{
	const struct vmcb_save *s = &v->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		*val = s->efer & ~EFER_SVME;
		return true;
	case MSR_PAT:
		*val = s->g_pat;
		return true;
	case MSR_TSC:
		*val = host_tsc() + v->vmcb->control.tsc_offset;
		return true;
	case MSR_MTRRCAP:
		*val = 0;
		return true;
	case MSR_MTRR_DEF_TYPE:
		*val = v->mtrr_def_type;
		return true;
	case MSR_TSC_ADJUST:
		*val = v->tsc_adjust;
		return true;
	case MSR_TSC_AUX:
		*val = v->fpu.tsc_aux;
		return true;
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		*val = 0;
		return true;
	default:
		return false;
	}
}

static bool efer_write(struct vcpu *v, uint64_t val)
{
	struct vmcb_save *s = &v->vmcb->save;

	if (val & ~(EFER_GUEST_WRITABLE | EFER_LMA))
		return false;   /* reserved bits, or SVME */
	/* LME may not change while paging is on (APM 14.6.1). */
	if ((s->cr0 & CR0_PG) && ((val ^ s->efer) & EFER_LME))
		return false;
	s->efer = (val & EFER_GUEST_WRITABLE) | (s->efer & EFER_LMA) | EFER_SVME;
	return true;
}

bool msr_view_write(struct vcpu *v, uint32_t msr, uint64_t val, uint64_t (*host_tsc)(void))
{
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, val);
	case MSR_PAT:
		if (!pat_valid(val))
			return false;
		v->vmcb->save.g_pat = val;
		return true;
	case MSR_TSC: {
		uint64_t now = host_tsc() + v->vmcb->control.tsc_offset;
		v->tsc_adjust += val - now;
		v->vmcb->control.tsc_offset = val - host_tsc();
		return true;
	}
	case MSR_TSC_ADJUST:
		v->vmcb->control.tsc_offset += val - v->tsc_adjust;
		v->tsc_adjust = val;
		return true;
	case MSR_TSC_AUX:
		if (val >> 32)
			return false;   /* bits 63:32 are reserved */
		v->fpu.tsc_aux = val;
		return true;
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		return true;
	case MSR_MTRR_DEF_TYPE:
		/* E (bit 11), FE (bit 10), type (7:0) a defined memory type. */
		if ((val & ~0xcffull) || !memtype_valid((uint8_t)val))
			return false;
		v->mtrr_def_type = val;
		return true;
	default:
		return false;
	}
}

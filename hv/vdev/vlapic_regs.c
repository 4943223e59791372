/* hv/vdev/vlapic_regs.c - The local APIC's register file as the guest sees
 * it: the xAPIC page (MMIO) and the x2APIC MSRs (Intel SDM Vol. 3A, Table
 * 10-1 and 10-6), and the ICR's interprocessor interrupts (10.6). Both
 * interfaces share one register decoder, with x2 telling which rules
 * apply: in xAPIC mode a reserved register latches ESR "illegal register
 * address" and a read-only one ignores writes; by MSR both are #GP, as is
 * any reserved bit (SDM 10.12.1.3). vlapic.h has the access-size rules. */
#include "hv/vdev/vlapic_priv.h"

#define XAPIC_PAGE_SIZE 0x1000u
#define DFR_ONES        0x0fffffffu   /* DFR[27:0] read as ones */
#define DFR_MODEL       0xf0000000u
#define LDR_XAPIC       0xff000000u
#define TPR_BITS        0xffu
#define DCR_BITS        0xbu          /* divide configuration: bits 0, 1, 3 */

/* The register at index reg (MMIO offset >> 4, MSR - 0x800); -1 when
 * there is none to read there. The 64-bit x2APIC ICR is the caller's. */
static int reg_read(struct vlapic *v, unsigned reg, bool x2, uint32_t *out)
{
	uint32_t val;

	switch (reg) {
	case REG_ID:
		val = x2 ? v->initial_id : LOAD(&v->xapic_id) << 24;
		break;
	case REG_VERSION:
		val = VLAPIC_VERSION;
		break;
	case REG_TPR:
		val = LOAD(&v->tpr);
		break;
	case REG_APR:   /* xAPIC only (no MSR 0x809); not modelled: reads 0 (QEMU) */
	case REG_RRD:   /* remote read: xAPIC only, obsolete, reads 0 */
	case REG_EOI:   /* write-only: reads 0 on the page (QEMU), #GP by RDMSR */
		if (x2)
			return -1;
		val = 0;
		break;
	case REG_PPR:
		val = vlapic_ppr(v);
		break;
	case REG_LDR:
		val = LOAD(&v->ldr);
		break;
	case REG_DFR:
		if (x2)
			return -1;   /* no DFR in x2APIC mode */
		val = LOAD(&v->dfr) | DFR_ONES;
		break;
	case REG_SVR:
		val = LOAD(&v->svr);
		break;
	case REG_ISR0 ... REG_ISR0 + 7:
		val = LOAD(&v->isr[reg - REG_ISR0]);
		break;
	case REG_TMR0 ... REG_TMR0 + 7:
		val = LOAD(&v->tmr[reg - REG_TMR0]);
		break;
	case REG_IRR0 ... REG_IRR0 + 7:
		val = LOAD(&v->irr[reg - REG_IRR0]);
		break;
	case REG_ESR:
		val = v->esr;
		break;
	case REG_ICR_LO:
		val = v->icr_lo;   /* delivery status (bit 12) always idle */
		break;
	case REG_ICR_HI:
		if (x2)
			return -1;   /* merged into MSR 0x830 */
		val = v->icr_hi;
		break;
	case REG_LVT0 ... REG_LVT0 + VLAPIC_LVT_COUNT - 1:
		val = LOAD(&v->lvt[reg - REG_LVT0]);
		break;
	case REG_TIMER_ICR:
		val = v->timer_initial;
		break;
	case REG_TIMER_CCR:
		val = vlapic_timer_current(v);
		break;
	case REG_TIMER_DCR:
		val = v->timer_divide;
		break;
	default:   /* reserved; LVT CMCI (absent: version's max LVT is 5); SELF IPI (write-only) */
		return -1;
	}
	*out = val;
	return 0;
}

/* Writes the register at index reg: 0, or -1 for "reserved here" (the
 * xAPIC caller latches the ESR error, the MSR caller raises #GP). */
static int reg_write(struct vlapic *v, unsigned reg, bool x2, uint32_t val)
{
	switch (reg) {
	case REG_ID:
		if (x2)
			return -1;   /* the x2APIC ID is read-only */
		STORE(&v->xapic_id, val >> 24);   /* writable in xAPIC mode, as in QEMU */
		return 0;
	case REG_VERSION:
	case REG_PPR:
	case REG_ISR0 ... REG_IRR0 + 7:
	case REG_TIMER_CCR:
		return x2 ? -1 : 0;   /* read-only: ignored on the page */
	case REG_APR:
	case REG_RRD:
		return x2 ? -1 : 0;   /* read-only on the page, no such MSR */
	case REG_TPR:
		if (x2 && (val & ~TPR_BITS))
			return -1;
		STORE(&v->tpr, val & TPR_BITS);
		return 0;
	case REG_EOI:
		if (x2 && val)
			return -1;   /* SDM Table 10-6: a non-zero EOI write is #GP */
		vlapic_eoi(v);
		return 0;
	case REG_LDR:
		if (x2)
			return -1;   /* derived from the x2APIC ID */
		STORE(&v->ldr, val & LDR_XAPIC);
		return 0;
	case REG_DFR:
		if (x2)
			return -1;
		STORE(&v->dfr, (val & DFR_MODEL) | DFR_ONES);
		return 0;
	case REG_SVR:
		if (x2 && (val & ~SVR_WRITABLE))
			return -1;
		vlapic_svr_write(v, val);
		return 0;
	case REG_ESR:
		if (x2 && val)
			return -1;   /* only 0 may be written by WRMSR */
		/* SDM 10.5.3: the write publishes the errors gathered since the
		 * last one, clears the latch and re-arms the error interrupt. */
		v->esr = __atomic_exchange_n(&v->esr_latch, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->error_armed, 1, __ATOMIC_SEQ_CST);
		return 0;
	case REG_ICR_LO:   /* by MMIO only: MSR 0x830 is the caller's */
		v->icr_lo = val & ICR_LO_WRITABLE;
		vlapic_send_icr(v);
		return 0;
	case REG_ICR_HI:
		if (x2)
			return -1;
		v->icr_hi = val & ICR_HI_XAPIC_DEST;
		return 0;
	case REG_LVT0 ... REG_LVT0 + VLAPIC_LVT_COUNT - 1: {
		unsigned lvt = reg - REG_LVT0;
		if (x2 && (val & ~vlapic_lvt_writable(v, lvt)))
			return -1;
		vlapic_lvt_write(v, lvt, val);
		return 0;
	}
	case REG_TIMER_ICR:
		vlapic_timer_set_initial(v, val);
		return 0;
	case REG_TIMER_DCR:
		if (x2 && (val & ~DCR_BITS))
			return -1;
		vlapic_timer_set_divide(v, val);
		return 0;
	case REG_SELF_IPI:
		if (!x2 || (val & ~ICR_VECTOR))
			return -1;   /* x2APIC only (SDM 10.12.11): a fixed, edge IPI to itself */
		vlapic_accept(v, (uint8_t)val, false);
		return 0;
	default:
		return -1;
	}
}

/* ---- the ICR ------------------------------------------------------------------ */

/* SDM 10.6.1: the low ICR write sends. Delivery completes at once, so the
 * delivery status bit never reads "send pending". */
void vlapic_send_icr(struct vlapic *v)
{
	uint32_t lo = v->icr_lo;
	bool x2 = vlapic_mode(v) == VLAPIC_X2APIC;
	struct apic_msg msg = {
		.dest = x2 ? v->icr_hi : v->icr_hi >> 24,
		.vector = (uint8_t)(lo & ICR_VECTOR),
		.delivery_mode = (uint8_t)((lo >> ICR_DM_SHIFT) & 7),
		.shorthand = (uint8_t)((lo >> ICR_SH_SHIFT) & 3),
		.dest_logical = lo & ICR_DEST_LOGICAL,
		.level_triggered = false,
		.level_assert = true,
		.src = v,
	};

	switch (msg.delivery_mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (msg.vector < 16) {
			vlapic_error(v, ESR_SEND_ILLEGAL_VECTOR);
			return;
		}
		break;
	case APIC_DM_INIT:
		msg.level_triggered = lo & ICR_TRIGGER_LEVEL;
		msg.level_assert = lo & ICR_LEVEL_ASSERT;
		if (msg.level_triggered && !msg.level_assert)
			return;   /* INIT level de-assert: arbitration IDs only, nothing to model */
		break;
	case APIC_DM_NMI:
	case APIC_DM_SIPI:
		break;
	default:
		return;   /* SMI (no SMM), reserved 011b and 111b */
	}
	if (v->ops->send)
		v->ops->send(v->ctx, &msg);
}

/* ---- the xAPIC page ------------------------------------------------------------- */

void vlapic_mmio_read(struct vlapic *v, uint32_t offset, unsigned size, uint64_t *val)
{
	uint64_t out = 0;
	uint32_t reg = 0;
	int slot_read = -1;

	*val = 0;
	if (size == 0 || size > 8 || vlapic_mode(v) != VLAPIC_XAPIC)
		return;
	for (unsigned i = 0; i < size; i++) {
		uint64_t at = (uint64_t)offset + i;
		if (at >= XAPIC_PAGE_SIZE)
			break;
		unsigned slot = (unsigned)(at >> 4), byte = (unsigned)(at & 15);
		if (byte >= 4)
			continue;   /* bytes 4-15 of a slot: nothing there */
		if ((int)slot != slot_read) {
			slot_read = (int)slot;
			if (reg_read(v, slot, false, &reg) < 0) {
				reg = 0;
				vlapic_error(v, ESR_ILLEGAL_REGISTER);
			}
		}
		out |= (uint64_t)((reg >> (8 * byte)) & 0xff) << (8 * i);
	}
	*val = out;
}

void vlapic_mmio_write(struct vlapic *v, uint32_t offset, unsigned size, uint64_t val)
{
	if (vlapic_mode(v) != VLAPIC_XAPIC || size != 4 || (offset & 15) || offset >= XAPIC_PAGE_SIZE)
		return;
	if (reg_write(v, offset >> 4, false, (uint32_t)val) < 0)
		vlapic_error(v, ESR_ILLEGAL_REGISTER);
}

/* ---- the x2APIC MSRs ---------------------------------------------------------------- */

/* The register index of an x2APIC MSR, or -1 (#GP) outside x2APIC mode or
 * the architectural range. */
static int x2apic_reg(const struct vlapic *v, uint32_t msr)
{
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST || vlapic_mode(v) != VLAPIC_X2APIC)
		return -1;
	uint32_t reg = msr - MSR_X2APIC_FIRST;
	return reg < REG_COUNT ? (int)reg : -1;   /* 0x840-0xBFF: reserved */
}

int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val)
{
	*val = 0;
	if (msr == MSR_IA32_TSC_DEADLINE) {
		if (!v->tsc_deadline_offered)
			return -1;
		*val = vlapic_tsc_deadline_read(v);
		return 0;
	}
	int reg = x2apic_reg(v, msr);
	if (reg < 0)
		return -1;
	if (reg == REG_ICR_LO) {
		*val = (uint64_t)v->icr_hi << 32 | v->icr_lo;
		return 0;
	}
	uint32_t r;
	if (reg_read(v, (unsigned)reg, true, &r) < 0)
		return -1;
	*val = r;
	return 0;
}

int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val)
{
	if (msr == MSR_IA32_TSC_DEADLINE) {
		if (!v->tsc_deadline_offered)
			return -1;
		vlapic_tsc_deadline_write(v, val);
		return 0;
	}
	int reg = x2apic_reg(v, msr);
	if (reg < 0)
		return -1;
	if (reg == REG_ICR_LO) {
		if ((uint32_t)val & ICR_LO_X2_RESERVED)
			return -1;
		v->icr_hi = (uint32_t)(val >> 32);   /* the 32-bit destination */
		v->icr_lo = (uint32_t)val & ICR_LO_WRITABLE;
		vlapic_send_icr(v);
		return 0;
	}
	if (val >> 32)
		return -1;   /* bits 63:32 of every other x2APIC MSR are reserved */
	return reg_write(v, (unsigned)reg, true, (uint32_t)val);
}

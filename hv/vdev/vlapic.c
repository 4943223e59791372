/* hv/vdev/vlapic.c - The local APIC's state and interrupt flow: resets,
 * IA32_APIC_BASE, accepting interrupts (any CPU), pending/ack/EOI, the
 * LINT pins (Intel SDM Vol. 3A, 10.4, 10.8, 10.12.5; the contract is in
 * vlapic.h). The register file is vlapic_regs.c, the timer
 * vlapic_timer.c.
 *
 * Interrupt flow (SDM 10.8.3-10.8.5):
 *
 *   accept (any CPU)        pending/ack (owner)           EOI (owner)
 *   TMR[v] = level          highest IRR v, class > PPR    highest ISR v cleared
 *   IRR[v] = 1  ---------->  IRR[v] -> ISR[v]  ---------> TMR[v]: eoi_broadcast
 *   ops->kick               PPR = max(TPR, class(ISRV))   (I/O APIC remote IRR)
 *
 * IRR and TMR are the only registers other CPUs write, with atomic
 * read-modify-writes; everything else is the owner's, stored with relaxed
 * atomics where the bus reads it. */
#include "hv/vdev/vlapic_priv.h"
#include "hv/vdev/pc_layout.h"

static const struct vlapic_cpu_ops no_ops;

/* The logical x2APIC ID (SDM 10.12.10.2): cluster ID[19:4] in bits 31:16,
 * one bit for ID[3:0] in bits 15:0. */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Every register but the ID and IA32_APIC_BASE to its power-up value (SDM
 * 10.4.7.1): what INIT does and what entering the disabled state does. */
static void registers_reset(struct vlapic *v)
{
	STORE(&v->tpr, 0);
	STORE(&v->svr, SVR_VECTOR);
	STORE(&v->ldr, vlapic_mode(v) == VLAPIC_X2APIC ? x2apic_ldr(v->initial_id) : 0);
	STORE(&v->dfr, 0xffffffffu);
	STORE(&v->isr_words, 0);
	for (int i = 0; i < 8; i++) {
		STORE(&v->isr[i], 0);
		__atomic_store_n(&v->irr[i], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->tmr[i], 0, __ATOMIC_SEQ_CST);
	}
	for (int i = 0; i < VLAPIC_LVT_COUNT; i++)
		STORE(&v->lvt[i], LVT_MASKED);
	v->esr = 0;
	__atomic_store_n(&v->esr_latch, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->error_armed, 1, __ATOMIC_SEQ_CST);
	v->icr_lo = v->icr_hi = 0;
	vlapic_timer_reset(v);
}

void vlapic_init(struct vlapic *v, unsigned id, bool bsp, const struct vclock *clock,
		 const struct vlapic_cpu_ops *ops, void *ctx, struct vdev_deadline_hook hook,
		 bool tsc_deadline_offered)
{
	v->initial_id = id;
	v->bsp = bsp;
	v->tsc_deadline_offered = tsc_deadline_offered;
	v->clock = clock;
	v->ops = ops ? ops : &no_ops;
	v->ctx = ctx;
	v->deadline_hook = hook;
	v->lint_level = 0;
	v->timer_deadline = VDEV_NO_DEADLINE;
	vlapic_reset(v);
}

void vlapic_reset(struct vlapic *v)
{
	STORE(&v->apic_base, PC_LAPIC_GPA | APIC_BASE_EN | (v->bsp ? APIC_BASE_BSP : 0));
	STORE(&v->xapic_id, v->initial_id & 0xff);
	/* Every LVT masked, the BSP's LINT0 too (SDM 10.4.7.1). QEMU unmasks
	 * the BSP's LINT0 in ExtINT mode "as a BIOS would"; here the BIOS's
	 * part is the guest type's (hv/vcpu_apic.h vcpu_apic_firmware_state),
	 * so a guest with no firmware gets no interrupt it did not ask for. */
	registers_reset(v);
}

void vlapic_init_reset(struct vlapic *v)
{
	registers_reset(v);
}

/* ---- IA32_APIC_BASE -------------------------------------------------------- */

int vlapic_set_apic_base(struct vlapic *v, uint64_t val)
{
	const uint64_t defined = APIC_BASE_ADDR_MASK | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN;
	enum vlapic_mode from = vlapic_mode(v), to;

	if (val & ~defined)
		return -1;
	if (!(val & APIC_BASE_EN)) {
		if (val & APIC_BASE_EXTD)
			return -1;   /* EN=0, EXTD=1: the invalid state (SDM 10.12.5) */
		to = VLAPIC_DISABLED;
	} else {
		to = (val & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
	}
	if ((from == VLAPIC_DISABLED && to == VLAPIC_X2APIC) || (from == VLAPIC_X2APIC && to == VLAPIC_XAPIC))
		return -1;   /* SDM Figure 10-27: only by way of the disabled state, resp. xAPIC */

	/* BSP is the hardware's to say (QEMU keeps it too). */
	STORE(&v->apic_base, (val & (APIC_BASE_ADDR_MASK | APIC_BASE_EXTD | APIC_BASE_EN)) |
	      (LOAD(&v->apic_base) & APIC_BASE_BSP));
	if (to == VLAPIC_DISABLED && from != VLAPIC_DISABLED)
		registers_reset(v);   /* SDM 10.12.5.1: only the ID survives the disabled state */
	else if (to == VLAPIC_X2APIC && from != VLAPIC_X2APIC)
		STORE(&v->ldr, x2apic_ldr(v->initial_id));
	/* The pin now goes to the core (or no longer does): let the owner look. */
	if (v->ops->kick)
		v->ops->kick(v->ctx);
	return 0;
}

uint64_t vlapic_apic_base(const struct vlapic *v)
{
	return LOAD(&v->apic_base);
}


/* ---- priorities -------------------------------------------------------------- */

/* SDM 10.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
uint32_t vlapic_ppr(const struct vlapic *v)
{
	uint32_t tpr = LOAD(&v->tpr);
	int isrv = vec_highest(v->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

void vlapic_set_tpr(struct vlapic *v, uint8_t cr8)
{
	STORE(&v->tpr, (uint32_t)(cr8 & 0xf) << 4);
}

uint8_t vlapic_tpr(const struct vlapic *v)
{
	return (uint8_t)(LOAD(&v->tpr) >> 4);
}

/* ---- errors ---------------------------------------------------------------------- */

/* SDM 10.5.3: the error goes into the latch an ESR write makes readable;
 * with LVT error unmasked it is signalled, once until the next ESR write
 * re-arms it. The LVT error vector itself may be illegal: that error
 * finds the interrupt disarmed, so this never recurses more than once. */
void vlapic_error(struct vlapic *v, uint32_t esr_bit)
{
	__atomic_fetch_or(&v->esr_latch, esr_bit, __ATOMIC_SEQ_CST);
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_ERROR]);
	if (lvt & LVT_MASKED)
		return;
	if (__atomic_exchange_n(&v->error_armed, 0, __ATOMIC_SEQ_CST))
		vlapic_accept(v, (uint8_t)(lvt & LVT_VECTOR), false);
}

/* ---- accepting, pending, acknowledging --------------------------------------------- */

void vlapic_accept(struct vlapic *v, uint8_t vector, bool level_triggered)
{
	if (vector < 16) {
		vlapic_error(v, ESR_RECV_ILLEGAL_VECTOR);   /* SDM 10.5.2: vectors 0-15 are illegal */
		return;
	}
	if (!(LOAD(&v->apic_base) & APIC_BASE_EN))
		return;
	uint32_t w = vector >> 5, bit = 1u << (vector & 31);
	/* TMR before IRR: whoever sees the IRR bit sees its trigger mode. */
	if (level_triggered)
		__atomic_fetch_or(&v->tmr[w], bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&v->tmr[w], ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&v->irr[w], bit, __ATOMIC_SEQ_CST);
	if (v->ops->kick)
		v->ops->kick(v->ctx);
}

/* The PIC's INTR reaches the core: the pin asserted and either no APIC in
 * the way (hardware-disabled: virtual wire) or LVT LINT0 in ExtINT mode. */
static bool extint_pending(const struct vlapic *v)
{
	if (!(__atomic_load_n(&v->lint_level, __ATOMIC_SEQ_CST) & 1))
		return false;
	if (!(LOAD(&v->apic_base) & APIC_BASE_EN))
		return true;
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_LINT0]);
	return !(lvt & LVT_MASKED) && lvt_mode(lvt) == APIC_DM_EXTINT;
}

/* The IRR vector the core would take, or -1 (QEMU's apic_irq_pending: none
 * while SVR[8] is clear; IRR is held). */
static int irr_deliverable(const struct vlapic *v)
{
	if (!(LOAD(&v->apic_base) & APIC_BASE_EN) || !(LOAD(&v->svr) & SVR_ENABLE))
		return -1;
	int irrv = vec_highest(v->irr);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(v) & 0xf0))
		return -1;
	return irrv;
}

int vlapic_pending(struct vlapic *v)
{
	if (extint_pending(v))
		return VLAPIC_PENDING_EXTINT;
	return irr_deliverable(v);
}

int vlapic_ack(struct vlapic *v)
{
	if (extint_pending(v)) {
		int vector = v->ops->extint_ack ? v->ops->extint_ack(v->ctx) : -1;
		return vector >= 0 && vector <= 0xff ? vector : -1;
	}
	int vector = irr_deliverable(v);
	if (vector < 0)
		return -1;
	uint32_t w = (uint32_t)vector >> 5, bit = 1u << (vector & 31);
	__atomic_fetch_and(&v->irr[w], ~bit, __ATOMIC_SEQ_CST);
	STORE(&v->isr[w], LOAD(&v->isr[w]) | bit);
	STORE(&v->isr_words, LOAD(&v->isr_words) | 1u << w);
	return vector;
}

/* ---- EOI ------------------------------------------------------------------------------- */

/* A fixed, level-triggered LINT entry with this vector whose pin is still
 * asserted fires again once its interrupt is EOI'd (the local counterpart
 * of an I/O APIC's remote IRR). */
static void lint_level_refire(struct vlapic *v, uint32_t vector)
{
	uint32_t levels = __atomic_load_n(&v->lint_level, __ATOMIC_SEQ_CST);

	for (unsigned n = 0; n < 2; n++) {
		uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_LINT0 + n]);
		if ((levels >> n & 1) && !(lvt & LVT_MASKED) && lvt_mode(lvt) == APIC_DM_FIXED &&
		    (lvt & LVT_LEVEL) && (lvt & LVT_VECTOR) == vector)
			vlapic_accept(v, (uint8_t)vector, true);
	}
}

/* SDM 10.8.5: the highest ISR bit is the interrupt being ended. A level-
 * triggered one is broadcast to the I/O APICs; suppression (SVR[12]) is not
 * offered (version bit 24 clear). */
void vlapic_eoi(struct vlapic *v)
{
	uint32_t words = LOAD(&v->isr_words);

	if (!words)
		return;
	uint32_t w = 31 - (uint32_t)__builtin_clz(words), isr = LOAD(&v->isr[w]);
	int isrv = (int)(w * 32 + 31 - (uint32_t)__builtin_clz(isr));
	uint32_t bit = 1u << (isrv & 31);
	STORE(&v->isr[w], isr & ~bit);
	if (isr == bit)
		STORE(&v->isr_words, words & ~(1u << w));
	if (vec_test(v->tmr, (unsigned)isrv)) {
		if (v->ops->eoi_broadcast)
			v->ops->eoi_broadcast(v->ctx, (uint8_t)isrv);
		lint_level_refire(v, (uint32_t)isrv);
	}
}

bool vlapic_eoi_write(struct vlapic *v)
{
	if (!LOAD(&v->isr_words))
		return false;   /* nothing in service: the EOI changes nothing */
	vlapic_eoi(v);
	/* The EOI changed ISR, so PPR, and nothing else vlapic_pending looks
	 * at (the PIC's ExtINT ignores PPR). With IRR empty its answer is the
	 * one before the EOI; a level-triggered vector raised again by the
	 * EOI is in IRR by now (and was kicked). */
	return vec_any(v->irr);
}

unsigned vlapic_tpr_held_class(const struct vlapic *v)
{
	int irrv = vec_highest(v->irr);

	if (irrv < 0 || !(LOAD(&v->svr) & SVR_ENABLE))
		return 0;
	int isrv = vec_highest(v->isr);
	/* Held by an interrupt in service instead: its EOI asks again. */
	if (isrv >= 0 && (irrv >> 4) <= (isrv >> 4))
		return 0;
	return (unsigned)irrv >> 4;
}

/* ---- SVR and LVT writes ---------------------------------------------------------------- */

uint32_t vlapic_lvt_writable(const struct vlapic *v, unsigned lvt)
{
	switch (lvt) {
	case VLAPIC_LVT_TIMER:
		return v->tsc_deadline_offered ? LVT_WRITABLE_TSCDL : LVT_WRITABLE_TIMER;
	case VLAPIC_LVT_LINT0:
	case VLAPIC_LVT_LINT1:
		return LVT_WRITABLE_LINT;
	case VLAPIC_LVT_ERROR:
		return LVT_WRITABLE_ERROR;
	default:
		return LVT_WRITABLE_LOCAL;
	}
}

/* SDM 10.4.7.2: clearing SVR[8] sets every LVT mask bit. */
void vlapic_svr_write(struct vlapic *v, uint32_t val)
{
	val &= SVR_WRITABLE;
	STORE(&v->svr, val);
	if (val & SVR_ENABLE)
		return;
	for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++) {
		uint32_t old = LOAD(&v->lvt[i]);
		STORE(&v->lvt[i], old | LVT_MASKED);
		if (i == VLAPIC_LVT_TIMER)
			vlapic_timer_lvt_changed(v, old);
	}
}

void vlapic_lvt_write(struct vlapic *v, unsigned lvt, uint32_t val)
{
	val &= vlapic_lvt_writable(v, lvt);
	if (!(LOAD(&v->svr) & SVR_ENABLE))
		val |= LVT_MASKED;   /* SDM 10.4.7.2: the masks cannot be cleared while software-disabled */
	uint32_t old = LOAD(&v->lvt[lvt]);
	STORE(&v->lvt[lvt], val);
	if (lvt == VLAPIC_LVT_TIMER) {
		vlapic_timer_lvt_changed(v, old);
	} else if (lvt == VLAPIC_LVT_LINT0 || lvt == VLAPIC_LVT_LINT1) {
		/* A level-triggered fixed entry unmasked over an asserted pin fires
		 * (QEMU re-delivers LINT0 on an LVT LINT0 write the same way). */
		unsigned n = lvt - VLAPIC_LVT_LINT0;
		if ((__atomic_load_n(&v->lint_level, __ATOMIC_SEQ_CST) >> n & 1) && !(val & LVT_MASKED) &&
		    lvt_mode(val) == APIC_DM_FIXED && (val & LVT_LEVEL))
			vlapic_accept(v, (uint8_t)(val & LVT_VECTOR), true);
	}
}

/* ---- LINT0 / LINT1 ----------------------------------------------------------------------- */

static void lint_set(struct vlapic *v, unsigned n, bool level)
{
	uint32_t bit = 1u << n;
	uint32_t old = level ? __atomic_fetch_or(&v->lint_level, bit, __ATOMIC_SEQ_CST)
			     : __atomic_fetch_and(&v->lint_level, ~bit, __ATOMIC_SEQ_CST);
	bool rising = level && !(old & bit), falling = !level && (old & bit);

	if (!rising && !falling)
		return;
	if (!(LOAD(&v->apic_base) & APIC_BASE_EN)) {
		/* No APIC: LINT0 is the core's INTR, LINT1 its NMI (SDM 10.4.3). */
		if (n == 0) {
			if (v->ops->kick)
				v->ops->kick(v->ctx);
		} else if (rising && v->ops->nmi) {
			v->ops->nmi(v->ctx);
		}
		return;
	}
	uint32_t lvt = LOAD(&v->lvt[VLAPIC_LVT_LINT0 + n]);
	if (lvt & LVT_MASKED)
		return;
	uint8_t vector = (uint8_t)(lvt & LVT_VECTOR);
	switch (lvt_mode(lvt)) {
	case APIC_DM_FIXED:
		if (rising) {
			vlapic_accept(v, vector, lvt & LVT_LEVEL);
		} else if ((lvt & LVT_LEVEL) && vector >= 16) {
			/* QEMU's apic_deliver_pic_intr: a level request withdrawn */
			__atomic_fetch_and(&v->irr[vector >> 5], ~(1u << (vector & 31)), __ATOMIC_SEQ_CST);
			if (v->ops->kick)
				v->ops->kick(v->ctx);
		}
		break;
	case APIC_DM_NMI:
		if (rising && v->ops->nmi)
			v->ops->nmi(v->ctx);
		break;
	case APIC_DM_INIT:
		if (rising && v->ops->init)
			v->ops->init(v->ctx);
		break;
	case APIC_DM_EXTINT:
		if (n == 0 && v->ops->kick)   /* vlapic_pending sees the pin either way */
			v->ops->kick(v->ctx);
		break;
	default:
		break;   /* SMI (no SMM) and the reserved modes: nothing */
	}
}

void vlapic_set_lint0(struct vlapic *v, bool level)
{
	lint_set(v, 0, level);
}

void vlapic_set_lint1(struct vlapic *v, bool level)
{
	lint_set(v, 1, level);
}

/* ---- the bus's view and entry points ------------------------------------------------------ */

void vlapic_bus_view(const struct vlapic *v, struct vlapic_bus_view *out)
{
	out->mode = vlapic_mode(v);
	out->id = out->mode == VLAPIC_X2APIC ? v->initial_id : LOAD(&v->xapic_id);
	out->ldr = LOAD(&v->ldr);
	out->dfr_model = (uint8_t)(LOAD(&v->dfr) >> 28);
}

void vlapic_deliver_nmi(struct vlapic *v)
{
	if (v->ops->nmi)
		v->ops->nmi(v->ctx);
}

void vlapic_deliver_init(struct vlapic *v)
{
	if (v->ops->init)
		v->ops->init(v->ctx);
}

void vlapic_deliver_sipi(struct vlapic *v, uint8_t vector)
{
	if (v->ops->sipi)
		v->ops->sipi(v->ctx, vector);
}

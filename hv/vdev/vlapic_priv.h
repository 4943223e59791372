/* hv/vdev/vlapic_priv.h - What the local APIC's three files share: register
 * indices and bits (Intel SDM Vol. 3A, ch. 10) and their internal calls.
 * vlapic.c: state, resets, IA32_APIC_BASE, accept/pending/ack/EOI, LINT;
 * vlapic_regs.c: the register file behind MMIO and MSRs, the ICR;
 * vlapic_timer.c: the timer. Not an interface for anything else. */
#ifndef HV_VDEV_VLAPIC_PRIV_H
#define HV_VDEV_VLAPIC_PRIV_H

#include "hv/vdev/vlapic.h"

/* Register index = MMIO offset >> 4 = x2APIC MSR - 0x800 (SDM Table 10-1, 10-6). */
#define REG_ID        0x02
#define REG_VERSION   0x03
#define REG_TPR       0x08
#define REG_APR       0x09
#define REG_PPR       0x0a
#define REG_EOI       0x0b
#define REG_RRD       0x0c
#define REG_LDR       0x0d
#define REG_DFR       0x0e
#define REG_SVR       0x0f
#define REG_ISR0      0x10
#define REG_TMR0      0x18
#define REG_IRR0      0x20
#define REG_ESR       0x28
#define REG_LVT_CMCI  0x2f
#define REG_ICR_LO    0x30
#define REG_ICR_HI    0x31
#define REG_LVT0      0x32     /* LVT timer; thermal, perf, LINT0, LINT1, error follow */
#define REG_TIMER_ICR 0x38
#define REG_TIMER_CCR 0x39
#define REG_TIMER_DCR 0x3e
#define REG_SELF_IPI  0x3f
#define REG_COUNT     0x40     /* the xAPIC page's 64 slots; MSRs 0x840-0xBFF are reserved */

_Static_assert(REG_LVT0 + VLAPIC_LVT_COUNT == 0x38, "six LVT entries at 0x320-0x370");

#define SVR_VECTOR       0xffu
#define SVR_ENABLE       BIT(8)
#define SVR_FOCUS_OFF    BIT(9)
#define SVR_WRITABLE     0x3ffu   /* bit 12 (EOI-broadcast suppression) not offered: version bit 24 clear */

#define LVT_VECTOR       0xffu
#define LVT_DM_SHIFT     8
#define LVT_DM_MASK      (7u << LVT_DM_SHIFT)
#define LVT_POLARITY_LOW BIT(13)
#define LVT_LEVEL        BIT(15)
#define LVT_MASKED       BIT(16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK  (3u << LVT_TIMER_MODE_SHIFT)
#define TIMER_ONESHOT    0u
#define TIMER_PERIODIC   1u
#define TIMER_TSC_DEADLINE 2u

/* What each LVT entry keeps of a write (SDM Figure 10-8); the rest reads 0
 * and, by WRMSR, is reserved. */
#define LVT_WRITABLE_TIMER   (LVT_VECTOR | LVT_MASKED | (1u << LVT_TIMER_MODE_SHIFT))
#define LVT_WRITABLE_TSCDL   (LVT_WRITABLE_TIMER | (2u << LVT_TIMER_MODE_SHIFT))
#define LVT_WRITABLE_LOCAL   (LVT_VECTOR | LVT_DM_MASK | LVT_MASKED)               /* thermal, perf */
#define LVT_WRITABLE_LINT    (LVT_WRITABLE_LOCAL | LVT_POLARITY_LOW | LVT_LEVEL)
#define LVT_WRITABLE_ERROR   (LVT_VECTOR | LVT_MASKED)

/* ESR bits (SDM Figure 10-9). */
#define ESR_SEND_ILLEGAL_VECTOR BIT(5)
#define ESR_RECV_ILLEGAL_VECTOR BIT(6)
#define ESR_ILLEGAL_REGISTER    BIT(7)

/* ICR (SDM Figure 10-12). */
#define ICR_VECTOR        0xffu
#define ICR_DM_SHIFT      8
#define ICR_DEST_LOGICAL  BIT(11)
#define ICR_LEVEL_ASSERT  BIT(14)
#define ICR_TRIGGER_LEVEL BIT(15)
#define ICR_SH_SHIFT      18
#define ICR_LO_WRITABLE   0x000ccfffu  /* vector..dest mode (0-11), level, trigger, shorthand */
#define ICR_LO_X2_RESERVED 0xfff32000u /* bits 13, 16-17, 20-31: #GP by WRMSR (bit 12, busy, is ignored) */
#define ICR_HI_XAPIC_DEST 0xff000000u

/* Relaxed atomics for the fields the bus or other CPUs read (vlapic.h). */
#define LOAD(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, x) __atomic_store_n((p), (x), __ATOMIC_RELAXED)

static inline bool vec_test(const uint32_t *words, unsigned vector)
{
	return (LOAD(&words[vector >> 5]) >> (vector & 31)) & 1;
}

/* Whether any vector is set in a 256-bit register: eight loads ORed, no
 * loop (IRR and ISR are empty most of the time, and the interrupt path
 * asks after every exit that touched the LAPIC). */
static inline bool vec_any(const uint32_t *words)
{
	return (LOAD(&words[0]) | LOAD(&words[1]) | LOAD(&words[2]) | LOAD(&words[3]) |
		LOAD(&words[4]) | LOAD(&words[5]) | LOAD(&words[6]) | LOAD(&words[7])) != 0;
}

/* The highest vector set in a 256-bit register, or -1. */
static inline int vec_highest(const uint32_t *words)
{
	if (!vec_any(words))
		return -1;
	for (int i = 7; i >= 0; i--) {
		uint32_t w = LOAD(&words[i]);
		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static inline unsigned lvt_mode(uint32_t lvt)
{
	return (lvt & LVT_DM_MASK) >> LVT_DM_SHIFT;
}

static inline unsigned timer_mode(uint32_t lvt)
{
	return (lvt & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT;
}

/* vlapic.c */
void vlapic_error(struct vlapic *v, uint32_t esr_bit);
void vlapic_eoi(struct vlapic *v);
uint32_t vlapic_ppr(const struct vlapic *v);
void vlapic_svr_write(struct vlapic *v, uint32_t val);
void vlapic_lvt_write(struct vlapic *v, unsigned lvt, uint32_t val);
uint32_t vlapic_lvt_writable(const struct vlapic *v, unsigned lvt);

/* vlapic_regs.c */
void vlapic_send_icr(struct vlapic *v);

/* vlapic_timer.c */
void vlapic_timer_reset(struct vlapic *v);
void vlapic_timer_lvt_changed(struct vlapic *v, uint32_t old_lvt);
void vlapic_timer_set_initial(struct vlapic *v, uint32_t count);
void vlapic_timer_set_divide(struct vlapic *v, uint32_t val);
uint32_t vlapic_timer_current(struct vlapic *v);
uint64_t vlapic_tsc_deadline_read(struct vlapic *v);
void vlapic_tsc_deadline_write(struct vlapic *v, uint64_t val);

#endif

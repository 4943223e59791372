/* hv/vdev/vlapic.h - A vCPU's local APIC (Intel SDM Vol. 3A, ch. 10
 * "Advanced Programmable Interrupt Controller"; QEMU 7.2 hw/intc/apic.c and
 * apic_common.c where the SDM leaves a choice). Not the host's chip
 * (drivers/lapic.c).
 *
 * Who calls what, on which CPU:
 *   the owner (the vCPU's own CPU, in its exits and before VMRUN): every
 *       function here except the "any CPU" ones: register access (MMIO,
 *       MSRs, IA32_APIC_BASE, CR8), pending/ack, the timer's deadline and
 *       expiry, the resets;
 *   any CPU: vlapic_accept (a fixed interrupt arriving: from the bus, the
 *       I/O APIC, an MSI), vlapic_set_lint0/1 (the PIC's INTR, the board's
 *       NMI line), vlapic_bus_view and the vlapic_deliver_* entry points
 *       apic_bus_deliver uses. They touch only IRR/TMR, ESR's error
 *       latch and the LINT levels, with atomics, and end in ops->kick (or
 *       nmi/init/sipi), after which the owner looks again (vlapic_pending).
 *
 * The model takes no lock. ops callbacks (any may be NULL):
 *   kick(ctx)              something arrived: the owner must call
 *                          vlapic_pending before it next enters the guest.
 *                          Any CPU, also the owner's own.
 *   extint_ack(ctx)        the PIC's interrupt acknowledge (INTA): the
 *                          vector, or -1. Owner, from vlapic_ack.
 *   nmi(ctx), init(ctx), sipi(ctx, vector)
 *                          an NMI / INIT / start-up for this vCPU; the VM
 *                          core acts on it (an INIT ends, on the owner, in
 *                          vlapic_init_reset). Any CPU.
 *   eoi_broadcast(ctx, v)  the guest EOI'd a level-triggered vector: the
 *                          board tells the I/O APIC (vioapic_eoi). Owner.
 *   send(ctx, msg)         an IPI from the ICR: the board calls
 *                          apic_bus_deliver over the VM's LAPICs. Owner.
 *
 * Register model, choices (the SDM where it is explicit, QEMU where it is
 * silent or leaves a choice; each departure from QEMU is named):
 *   - version 0x00050014 (QEMU's: integrated APIC, 6 LVT entries, no CMCI,
 *     bit 24 clear: no EOI-broadcast suppression, SVR[12] is reserved);
 *   - xAPIC ID writable (as QEMU); the x2APIC ID is the initial ID;
 *   - SVR keeps bits 0-9 (bit 9, focus checking off, is stored only);
 *     clearing SVR[8] masks every LVT entry and, while it is clear, LVT
 *     writes keep the mask set (SDM 10.4.7.2; QEMU does neither);
 *   - a software-disabled APIC still takes fixed interrupts into IRR and
 *     holds them (QEMU), delivering none until SVR[8] is set again;
 *   - ESR: errors gather in a latch; an ESR write moves them to the
 *     readable register and re-arms the error interrupt (SDM 10.5.3);
 *     a new error with the error LVT unmasked delivers its vector once
 *     until the next ESR write;
 *   - APR reads 0: bus arbitration is not modelled (QEMU's apic_get_arb_pri;
 *     the P6 arbitration priority does not exist on later parts);
 *   - fixed and lowest-priority IPIs are edge-triggered whatever ICR[15]
 *     says (SDM 10.6.1: the trigger mode only means something for INIT
 *     level de-assert; QEMU would set TMR); SMI and reserved-mode IPIs are
 *     dropped; fixed/lowest IPIs with vectors 0-15 set ESR "send illegal
 *     vector" and are not sent;
 *   - LINT polarity (LVT bit 13) is stored, not applied, as in QEMU: the
 *     level passed in is "asserted"; remote IRR (bit 14) and delivery
 *     status (bit 12) of every LVT entry and of the ICR read 0: delivery
 *     completes at once.
 *
 * xAPIC MMIO (the 4 KiB page at vlapic_mmio_base while in xAPIC mode):
 *   reads of any size 1-8 at any offset: byte i of the value is the byte at
 *       offset + i, where bytes 0-3 of each 16-byte slot are the register's
 *       and bytes 4-15 (and anything past 0xFFF) read 0; a read touching a
 *       reserved register's bytes latches ESR "illegal register address";
 *   writes: only 4 bytes at a 16-byte boundary reach a register; narrower
 *       writes are dropped (QEMU's apic_mem_write), so are misaligned and
 *       8-byte ones (invalid accesses for QEMU's region) and writes to
 *       bytes 4-15 of a slot; a write to a reserved register latches ESR
 *       "illegal register address";
 *   in x2APIC or disabled mode the page is absent: reads 0, writes dropped.
 *
 * x2APIC MSRs 0x800-0xBFF (SDM 10.12.1.2, Table 10-6), only in x2APIC
 * mode, else #GP. #GP also for: reserved addresses (0x809 APR, 0x80C, 0x80E
 * DFR, 0x82F CMCI, 0x831, 0x840 and up...), reading EOI or SELF IPI,
 * writing a read-only register, a non-zero write to EOI or ESR, and any
 * reserved bit set (bits 63:32 of all but the ICR; SDM 10.12.1.3).
 * IA32_TSC_DEADLINE (0x6E0) exists only when the board offers the mode:
 * else #GP; reads 0 and ignores writes outside TSC-deadline mode.
 *
 * IA32_APIC_BASE (SDM 10.4.4, 10.12.5): bits 0-7, 9 and 32-63 reserved
 * (QEMU's mask); BSP is read-only; the transitions
 *   disabled -> xAPIC, xAPIC <-> disabled, xAPIC -> x2APIC, x2APIC -> disabled
 * are legal, disabled -> x2APIC, x2APIC -> xAPIC and EN=0 with EXTD=1 #GP.
 * Entering the disabled state resets every register but the ID (SDM
 * 10.12.5.1: only the ID survives a trip through it); the xAPIC -> x2APIC
 * transition derives the LDR from the x2APIC ID.
 *
 * Interrupt delivery to the vCPU (the owner injects what the LAPIC gives):
 *   vlapic_pending tells the next interrupt: VLAPIC_PENDING_EXTINT while
 *   the PIC's INTR is asserted at LINT0 and either the APIC is hardware-
 *   disabled (virtual wire: the pin goes to the core) or LVT LINT0 is
 *   unmasked in ExtINT mode - it ignores PPR and goes before any IRR vector
 *   (QEMU's apic_get_interrupt lets the PIC go first); else the highest
 *   IRR vector whose class beats PPR's, if SVR[8] is set; else -1.
 *   vlapic_ack takes it: INTA through ops->extint_ack for ExtINT (no
 *   IRR/ISR involved), else IRR -> ISR.
 *   QEMU also takes the PIC's interrupt when LINT0 is unmasked in another
 *   mode (apic_accept_pic_intr ignores the mode) and, for a disabled APIC,
 *   raises INTR only through LVT LINT0's mask: not followed, the SDM says
 *   what the LVT mode means and that a disabled APIC passes INTR through.
 *
 * The timer is in vlapic_timer.c, its rules in the comment there: a 1 GHz
 * APIC bus (QEMU's), QEMU's count arithmetic (N + 1 ticks a period),
 * one-shot / periodic / TSC-deadline, and after an expiry no periodic
 * deadline closer than 20 us (the host's guard; periods coalesce). */
#ifndef HV_VDEV_VLAPIC_H
#define HV_VDEV_VLAPIC_H

#include "hv/vdev/apic_bus.h"
#include "hv/vdev/vdev.h"

struct vlapic_cpu_ops {
	void (*kick)(void *ctx);
	int (*extint_ack)(void *ctx);
	void (*nmi)(void *ctx);
	void (*init)(void *ctx);
	void (*sipi)(void *ctx, uint8_t vector);
	void (*eoi_broadcast)(void *ctx, uint8_t vector);
	void (*send)(void *ctx, const struct apic_msg *msg);
};

/* IA32_APIC_BASE (MSR 0x1B) bits. */
#define MSR_IA32_APIC_BASE     0x1bu
#define APIC_BASE_BSP          BIT(8)
#define APIC_BASE_EXTD         BIT(10)
#define APIC_BASE_EN           BIT(11)
#define APIC_BASE_ADDR_MASK    0xfffff000ull

#define MSR_IA32_TSC_DEADLINE  0x6e0u
#define MSR_X2APIC_FIRST       0x800u
#define MSR_X2APIC_LAST        0xbffu

#define VLAPIC_VERSION         0x00050014u
#define VLAPIC_MMIO_ABSENT     UINT64_MAX   /* vlapic_mmio_base outside xAPIC mode */
#define VLAPIC_PENDING_EXTINT  0x100        /* vlapic_pending: the PIC's; the vector comes with the ack */

/* LVT entries, in register order (offsets 0x320-0x370). */
enum vlapic_lvt { VLAPIC_LVT_TIMER, VLAPIC_LVT_THERMAL, VLAPIC_LVT_PERF,
		  VLAPIC_LVT_LINT0, VLAPIC_LVT_LINT1, VLAPIC_LVT_ERROR, VLAPIC_LVT_COUNT };

enum vlapic_mode { VLAPIC_DISABLED, VLAPIC_XAPIC, VLAPIC_X2APIC };

struct vlapic {
	/* Set at init. */
	uint32_t initial_id;             /* the vCPU number: the x2APIC ID and the xAPIC ID after reset */
	bool bsp;
	bool tsc_deadline_offered;
	const struct vclock *clock;
	const struct vlapic_cpu_ops *ops;
	void *ctx;
	struct vdev_deadline_hook deadline_hook;

	/* Written by the owner, read by the bus from any CPU (relaxed atomics). */
	uint64_t apic_base;
	uint32_t xapic_id;               /* 8 bits */
	uint32_t ldr;                    /* xAPIC: bits 31:24 as written; x2APIC: derived from the ID */
	uint32_t dfr;                    /* bits 31:28 (the model); 27:0 read as ones */
	uint32_t svr;
	uint32_t tpr;
	uint32_t isr[8];
	uint32_t isr_words;               /* bit w: isr[w] != 0 (the EOI finds the highest at once) */
	uint32_t lvt[VLAPIC_LVT_COUNT];

	/* Changed from any CPU (atomic read-modify-writes). */
	uint32_t irr[8], tmr[8];
	uint32_t esr_latch;              /* errors since the last ESR write */
	uint32_t error_armed;            /* 1: the next error delivers LVT error */
	uint32_t lint_level;             /* bit n: LINTn asserted */

	/* The owner's alone. */
	uint32_t esr;
	uint32_t icr_lo, icr_hi;

	/* The timer (vlapic_timer.c). */
	uint32_t timer_initial;
	uint32_t timer_divide;           /* divide configuration as written (bits 0, 1, 3) */
	unsigned timer_shift;            /* log2 of the divisor */
	bool timer_running;              /* one-shot/periodic count loaded and not stopped */
	uint64_t timer_start_bus;        /* bus time (ns) of the initial-count write */
	uint64_t tsc_deadline;           /* IA32_TSC_DEADLINE, 0 = disarmed */
	uint64_t timer_deadline;         /* the next expiry in guest TSC, VDEV_NO_DEADLINE */
};

/* Power-on state (vlapic_reset). id is the vCPU number; bsp for vCPU 0.
 * clock and ops live as long as the LAPIC. */
void vlapic_init(struct vlapic *v, unsigned id, bool bsp, const struct vclock *clock,
		 const struct vlapic_cpu_ops *ops, void *ctx, struct vdev_deadline_hook hook,
		 bool tsc_deadline_offered);

/* RESET (SDM 10.4.7.1, 10.12.5.1): xAPIC mode at 0xFEE00000, ID = the
 * initial ID, registers at their power-up values, every LVT masked. (QEMU's
 * apic_reset_common also unmasks the BSP's LINT0 in ExtINT mode, "as a
 * BIOS would": that is the firmware's state here, set by the guest types
 * that QEMU's -kernel loads: hv/vcpu_apic.h vcpu_apic_firmware_state.) */
void vlapic_reset(struct vlapic *v);
/* INIT (SDM 10.4.7.3, 10.12.5.1): every register to its power-up value
 * except the ID and IA32_APIC_BASE (the mode stays, x2APIC included); every
 * LVT masked (QEMU's apic_init_reset). */
void vlapic_init_reset(struct vlapic *v);

/* IA32_APIC_BASE: 0, or -1 for #GP (nothing changed). */
int vlapic_set_apic_base(struct vlapic *v, uint64_t val);
uint64_t vlapic_apic_base(const struct vlapic *v);

/* Inline: every LAPIC exit asks (one relaxed load of apic_base, which the
 * bus reads from any CPU). */
static inline enum vlapic_mode vlapic_mode(const struct vlapic *v)
{
	uint64_t base = __atomic_load_n(&v->apic_base, __ATOMIC_RELAXED);

	if (!(base & APIC_BASE_EN))
		return VLAPIC_DISABLED;
	return (base & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

/* The guest-physical base of the xAPIC page, VLAPIC_MMIO_ABSENT outside
 * xAPIC mode: the board re-reads it after every IA32_APIC_BASE write. */
static inline uint64_t vlapic_mmio_base(const struct vlapic *v)
{
	uint64_t base = __atomic_load_n(&v->apic_base, __ATOMIC_RELAXED);

	return (base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN ? base & APIC_BASE_ADDR_MASK
									: VLAPIC_MMIO_ABSENT;
}
/* The page IA32_APIC_BASE names, in every mode: where the xAPIC page is,
 * or is absent (x2APIC, disabled), and accesses read 0 and writes are
 * dropped by vlapic_mmio_read/write. The board claims it in every mode,
 * so that a guest touching the absent page is answered, not stopped. */
static inline uint64_t vlapic_page_gpa(const struct vlapic *v)
{
	return __atomic_load_n(&v->apic_base, __ATOMIC_RELAXED) & APIC_BASE_ADDR_MASK;
}

/* The xAPIC page: offset 0-0xFFF, size 1-8 (anything else: reads 0,
 * writes dropped). */
void vlapic_mmio_read(struct vlapic *v, uint32_t offset, unsigned size, uint64_t *val);
void vlapic_mmio_write(struct vlapic *v, uint32_t offset, unsigned size, uint64_t val);

/* RDMSR/WRMSR of 0x800-0xBFF and IA32_TSC_DEADLINE: 0, or -1 for #GP
 * (also for any other MSR: not the LAPIC's). */
int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val);

/* CR8: TPR[7:4]. A write clears TPR[3:0] (SDM 10.8.6.1). The owner syncs
 * SVM's V_TPR with these around VMRUN. */
void vlapic_set_tpr(struct vlapic *v, uint8_t cr8);
uint8_t vlapic_tpr(const struct vlapic *v);

/* A fixed interrupt for this LAPIC: IRR (and TMR for level) set, then
 * ops->kick. Vectors 0-15 set ESR "received illegal vector" instead; a
 * hardware-disabled APIC drops it. Any CPU. */
void vlapic_accept(struct vlapic *v, uint8_t vector, bool level_triggered);
/* The LINT0/LINT1 pins (level: asserted). LVT mode fixed: edge -> the
 * vector on the rising edge; level -> the vector (TMR set) on the rising
 * edge, withdrawn from IRR on the falling one (QEMU's
 * apic_deliver_pic_intr), and again after its EOI while the pin stays
 * asserted; NMI / INIT: ops->nmi / ops->init on the rising edge; ExtINT
 * (LINT0): vlapic_pending reports it while asserted (ExtINT on LINT1 is
 * not modelled: the PIC is on LINT0); SMI and masked: nothing. With the
 * APIC hardware-disabled, LINT0 is INTR and LINT1 is NMI. Any CPU. */
void vlapic_set_lint0(struct vlapic *v, bool level);
void vlapic_set_lint1(struct vlapic *v, bool level);

/* The interrupt the vCPU would take next: VLAPIC_PENDING_EXTINT, a vector
 * 16-255, or -1. Owner. */
int vlapic_pending(struct vlapic *v);
/* The interrupt acknowledge: takes what vlapic_pending reports (moving a
 * vector from IRR to ISR, or asking the PIC) and returns its vector, or -1
 * when nothing is deliverable any more. Owner. */
int vlapic_ack(struct vlapic *v);

/* An EOI written (SDM 10.8.5), after the caller applied its interface's
 * rules (xAPIC: a 4-byte write at offset 0xB0, as vlapic_mmio_write;
 * x2APIC: WRMSR 0x80B of 0, as vlapic_msr_write): the same effect as
 * those, plus the answer to "may vlapic_pending say something else now?"
 * - only when IRR holds a vector, since the EOI lowers nothing but PPR.
 * False lets the owner skip asking (an OS EOIs after every interrupt,
 * mostly with nothing else waiting). Owner. */
bool vlapic_eoi_write(struct vlapic *v);

/* After vlapic_pending said -1: the priority class (1-15) of the highest
 * IRR vector when only the task priority holds it back (not an interrupt
 * in service, not SVR[8] clear), else 0. The owner then waits for the
 * guest's TPR to drop below it (CR8 writes do not exit). Owner. */
unsigned vlapic_tpr_held_class(const struct vlapic *v);

/* The timer (vlapic_timer.c), per hv/vdev/vdev.h: the next expiry in guest
 * TSC ticks (VDEV_NO_DEADLINE: none), and the expiry, which the board
 * calls at or after it (early calls do nothing). Owner. */
uint64_t vlapic_timer_next_deadline(const struct vlapic *v);
void vlapic_timer_expire(struct vlapic *v, uint64_t now);

/* What apic_bus_deliver needs of a target, read from any CPU. */
struct vlapic_bus_view {
	enum vlapic_mode mode;
	uint32_t id;          /* x2APIC ID in x2APIC mode, else the 8-bit xAPIC ID */
	uint32_t ldr;
	uint8_t dfr_model;    /* DFR[31:28] */
};
void vlapic_bus_view(const struct vlapic *v, struct vlapic_bus_view *out);
/* The bus's NMI/INIT/SIPI for this vCPU: its ops, from any CPU. */
void vlapic_deliver_nmi(struct vlapic *v);
void vlapic_deliver_init(struct vlapic *v);
void vlapic_deliver_sipi(struct vlapic *v, uint8_t vector);

#endif

/* hv/vcpu_apic.h - A vCPU's local APIC (the model, hv/vdev/vlapic.h) wired
 * into the VM core: it is the vCPU's interrupt controller for event
 * delivery (hv/inject.h events_intc: the PIC's ExtINT comes through it),
 * its ops reach the VM core (INIT, SIPI, NMI, kicks) and the board (the
 * PIC's INTA, the I/O APIC's EOI, IPIs over the VM's APIC bus), its timer
 * runs on the vCPU's host CPU's deadline queue (hv/timer.h), and the
 * guest's CR8, which SVM keeps in V_TPR without an exit (V_INTR_MASKING),
 * is the LAPIC's TPR.
 *
 * Everything here runs on the vCPU's own CPU (its exits, its scheduler),
 * except what the model's any-CPU entry points do (vlapic_accept and the
 * LINT pins, which end in the kick below). */
#ifndef HV_VCPU_APIC_H
#define HV_VCPU_APIC_H

#include "hv/vcpu.h"

/* Once, when the VM's record is taken (before the vCPU runs). */
void vcpu_apic_setup(struct vcpu *v);
/* Power-on (RESET) and INIT (SDM 10.4.7): the model's state, V_TPR, the
 * timer disarmed. On v's CPU. */
void vcpu_apic_reset(struct vcpu *v);
void vcpu_apic_init_signal(struct vcpu *v);

/* The BSP's LAPIC as SeaBIOS leaves it on QEMU's pc before a -kernel
 * (docs/pc.md): software-enabled with spurious vector 0xFF, LINT0 ExtINT,
 * LINT1 NMI. At the BSP's reset when the board's firmware state is set
 * (hv/vdev/pc.h pc_firmware_state). */
void vcpu_apic_firmware_state(struct vcpu *v);

/* A guest read or write of the xAPIC page (the NPF emulator's device
 * access): TPR, PPR and what depends on them see V_TPR first. */
void vcpu_apic_mmio_read(struct vcpu *v, uint32_t offset, unsigned size, uint64_t *val);
void vcpu_apic_mmio_write(struct vcpu *v, uint32_t offset, unsigned size, uint64_t val);
/* The EOI register written, by the rules of the LAPIC's mode (the caller
 * checked them: a 4-byte write at offset 0xB0 of the xAPIC page, or WRMSR
 * 0x80B of 0 in x2APIC mode): what vcpu_apic_mmio_write does for it, on
 * the NPF fast path. */
void vcpu_apic_eoi(struct vcpu *v);
/* IA32_APIC_BASE, the x2APIC MSRs and IA32_TSC_DEADLINE: true when msr is
 * the LAPIC's, with *gp telling a #GP; false: not an APIC MSR. */
bool vcpu_apic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val, bool *gp);

/* The model's deadline moved (VCPU_REQ_APIC_TIMER): arm the host timer for
 * it. On v's CPU. */
void vcpu_apic_timer_rearm(struct vcpu *v);

/* The guest's TSC, as v reads it (its own TSC offset). */
uint64_t vcpu_guest_tsc(const struct vcpu *v);

#endif

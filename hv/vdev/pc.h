/* hv/vdev/pc.h - The board: the virtual PC every VM gets, as one table of
 * which model answers at which ports, MMIO range and interrupt line
 * (hv/vdev/pc.c; docs/pc.md lists it). Its facts (addresses, GSIs) are
 * hv/vdev/pc_layout.h, shared with the ACPI tables and the loaders'
 * memory maps.
 *
 * Interrupt routing is here and only here: an ISA device raises ISA IRQ n
 * (pc_set_isa_irq), which reaches the PIC's input n and the I/O APIC's pin
 * n, except IRQ 0, on pin 2 (the MADT's interrupt source override); a PCI
 * device raises a GSI (pc_set_gsi), I/O APIC only. The PIC's output is
 * vCPU 0's LINT0 (ExtINT); the I/O APIC sends over the VM's APIC bus.
 *
 * Time: the devices count from the VM's clock (its guest TSC); their
 * deadlines share one host timer on vCPU 0's CPU (pc_devtimer_rearm). */
#ifndef HV_VDEV_PC_H
#define HV_VDEV_PC_H

#include "hv/timerq.h"
#include "hv/vdev/mmiobus.h"
#include "hv/vdev/pc_legacy.h"
#include "hv/vdev/vacpi_pm.h"
#include "hv/vdev/vfwcfg.h"
#include "hv/vdev/vi8042.h"
#include "hv/vdev/vioapic.h"
#include "hv/vdev/vlapic.h"
#include "hv/vdev/vpci.h"
#include "hv/vdev/vpci_testdev.h"
#include "hv/vdev/vpic.h"
#include "hv/vdev/vpit.h"
#include "hv/vdev/vrtc.h"
#include "hv/vdev/vtestdev.h"
#include "hv/vm_config.h"

struct vm;

#define PC_E820_MAX 8

struct pc_board {
	struct vclock clock;              /* the VM's: guest TSC (rdtsc + vm->tsc_offset) */
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vi8042 kbc;
	struct vacpi_pm pm;
	struct vioapic ioapic;
	struct vpci pci;
	struct vfwcfg fwcfg;
	/* QEMU's test devices, on the bus only with testdev=on (pc.c). */
	struct vtestdev testdev;
	struct vpci_testdev pci_testdev;
	struct vfwcfg_e820_entry e820[PC_E820_MAX];   /* fw_cfg's etc/e820: the RAM */
	unsigned e820_count;
	struct mmiobus mmio;
	struct vlapic *lapics[VM_MAX_VCPUS];   /* each vCPU's, for the APIC bus */
	struct timer devtimer;            /* the earliest device deadline, on vCPU 0's CPU */
	bool a20;                         /* the 8042's A20 line (always on in fact: see pc.c) */
	bool firmware;                    /* pc_firmware_state ran for this boot */
	gpa_t rsdp_gpa;                   /* the ACPI tables' RSDP (0: none placed) */
	/* The legacy window's read-only pages, as the nested page table maps
	 * them (pc_legacy.h): all RAM but after pc_firmware_state. */
	struct pc_legacy_window legacy;
};

/* Once, when the VM is built (vm_build): every model initialised and
 * placed, lines wired, CMOS and fw_cfg filled from the VM's RAM and vCPUs.
 * 0, or -1 with err set (a model could not be placed: a bug). */
int pc_board_setup(struct vm *vm, char *err, size_t errlen);
/* Every model to its power-on state (vm_build, vm_reboot; every vCPU is
 * parked). The RTC keeps its time, as a battery-backed one does. The
 * legacy window is all RAM again (its nested page table entries too). */
void pc_board_reset(struct vm *vm);

void pc_set_isa_irq(struct vm *vm, unsigned irq, bool level);
void pc_set_gsi(struct vm *vm, unsigned gsi, bool level);

/* A device's deadline moved: re-arm the board's timer (vCPU 0's CPU, from
 * its scheduler or run loop: VCPU_REQ_DEVTIMER). */
void pc_devtimer_rearm(struct vm *vm);
/* The VM's guest clock now. */
uint64_t pc_clock_now(const struct vm *vm);

/* The wall-clock time at boot (the host's CMOS clock, read by start-up):
 * every VM's RTC starts from it. */
void pc_set_host_time(uint64_t unix_seconds, uint64_t host_tsc);

/* The machine as SeaBIOS leaves QEMU's pc when it jumps to a -kernel
 * (measured: docs/pc.md): the PIC pair initialised (vector bases 0x08 and
 * 0x70, cascade, SeaBIOS's masks), PIT channel 0 in mode 2 at 18.2 Hz,
 * the BSP's LAPIC software-enabled with LINT0 ExtINT and LINT1 NMI, every
 * I/O APIC entry masked; and the ACPI tables (hv/vdev/acpi_build.h) in
 * the BIOS segment, the RSDP at PC_ACPI_RSDP_GPA (rsdp_gpa, 0 if they
 * could not be placed: the VM has no RAM there); the i440FX's PAM and
 * SMRAM bytes as SeaBIOS leaves them, and the legacy window's pages they
 * make read-only mapped so (hv/vdev/pc_legacy.h), the tables written
 * first. Called while no vCPU runs: each gets a fresh ASID before it
 * runs again (vcpu_reset_state). For guest types loaded as
 * QEMU's -kernel does; called by their boot operation after the reset. */
void pc_firmware_state(struct vm *vm);

#endif

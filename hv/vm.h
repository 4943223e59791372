/* hv/vm.h - Virtual machines: lifecycle, guest memory, stop and reset.
 *
 * A VM owns: its RAM (frames from the page-frame allocator, zeroed, mapped
 * only in its own nested page table), 1..VM_MAX_VCPUS vCPUs (hv/vcpu.h),
 * an I/O bus with the device models of a minimal PC, and its console ring.
 * Nothing of it is shared with another VM; the MSR and I/O permission maps
 * are shared read-only policy (every VM gets the same view).
 *
 * Stopping and resetting are VM-wide and asynchronous: vm_request_stop()
 * or vm_request_reset() records the cause once, under the VM's lock, and
 * asks every vCPU to park (VCPU_REQ_STOP / VCPU_REQ_RESET). The last vCPU
 * to park finishes the job on its own CPU: it prints the stop lines and
 * gives the memory back, or rebuilds the VM (its guest type's boot
 * operation) and lets every vCPU start again (hv/sched.c). */
#ifndef HV_VM_H
#define HV_VM_H

#include "hv/console/vconsole.h"
#include "hv/vcpu.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/pc.h"
#include "hv/vdev/vsysctl.h"
#include "hv/vdev/vuart.h"
#include "hv/vm_config.h"
#include "lib/spinlock.h"
#include "lib/types.h"
#include "mm/hpt.h"

#define VM_STOP_REASON_MAX 160

enum vm_state { VM_READY, VM_RUNNING, VM_STOPPED };

/* Why a VM stops (or resets). Set once, with a free text for the line
 * "vm NAME stopped: REASON". The reset causes restart the VM instead when
 * its config says on_reset=restart. */
enum vm_stop_cause {
	VM_STOP_NONE = 0,
	VM_STOP_EXIT_CODE,        /* the guest wrote its exit code (debug-exit port, hypercall) */
	VM_STOP_POWEROFF,         /* ACPI S5 */
	VM_STOP_TRIPLE_FAULT,     /* a reset cause: shutdown */
	VM_STOP_RESET_REQUEST,    /* a reset cause: the guest asked for one (i8042, 0xcf9, port 92) */
	VM_STOP_ERROR,            /* the guest broke a rule the hypervisor cannot emulate or allow */
	VM_STOP_OPERATOR,         /* `stop` at the shell */
};

static inline bool vm_stop_cause_is_reset(enum vm_stop_cause c)
{
	return c == VM_STOP_TRIPLE_FAULT || c == VM_STOP_RESET_REQUEST;
}

#define VM_MAX_SLOTS     2   /* below 3 GiB, from 4 GiB (VM_LOW_RAM_TOP, VM_HIGH_RAM_BASE) */

/* One run of guest-physical RAM. hva: the host mapping when the slot is
 * one physically contiguous run, else NULL (then gpa -> hpa goes through
 * the nested page table page by page). */
struct mem_slot {
	gpa_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct vm;

/* What a guest type (flat, multiboot; Linux later) does to boot: boot()
 * runs when the VM is built and after every reset, after the devices'
 * reset: it zeroes RAM, loads the image (and its attached files) from
 * their modules again and sets up what the guest finds in memory (and,
 * for a guest type that starts after firmware, calls vm_firmware_state);
 * false with err set if it cannot. vcpu_init() gives one vCPU its entry
 * state (on the vCPU's own CPU, after the common power-on state). With
 * aps_wait_sipi, every vCPU but vCPU 0 then waits for a start-up IPI, as
 * a PC's firmware leaves its application processors; without it every
 * vCPU runs from its vcpu_init state. Implemented in guest-loader/. */
struct vm_boot_ops {
	const char *name;
	bool (*boot)(struct vm *vm, char *err, size_t errlen);
	void (*vcpu_init)(struct vcpu *v);
	bool aps_wait_sipi;
};

/* A file attached to a VM by a type=module line, in line order: the
 * guest type loads it with the image (a Multiboot module). */
#define VM_MAX_ATTACHED 16
struct vm_attached {
	const uint8_t *data;       /* the module, through the direct map */
	uint64_t size;
	const char *args;          /* its "-- ARGS" ("" if none): the line's words after "--" */
	unsigned module;           /* the Multiboot2 module it came from */
};

struct vm {
	struct vm_config cfg;
	const struct vm_boot_ops *boot;
	unsigned index;            /* its place in vms[] (hv/sched.h): `vms` numbers and Ctrl-A 1-9 */
	unsigned module;           /* the Multiboot2 module it was built from */
	const uint8_t *image;      /* the module, through the direct map */
	uint64_t image_size;
	struct vm_attached attached[VM_MAX_ATTACHED];
	unsigned attached_count;
	/* The board's: puts its devices in the state a PC's firmware leaves
	 * them in before an OS loader runs (as SeaBIOS does on QEMU: PIC
	 * vector bases and masks, PIT channel 0 at 18.2 Hz, LAPIC SVR and LVT,
	 * IOAPIC masked; measured in docs/pc.md "Machine state at a Multiboot
	 * entry"). Called through vm_firmware_state() by the guest types that
	 * start where firmware would hand over (multiboot), after the devices'
	 * reset, at build and at every reboot. NULL while the board has no
	 * such device. */
	void (*firmware_state)(struct vm *vm);
	enum vm_state state;
	struct hpt npt;
	struct mem_slot slots[VM_MAX_SLOTS];
	unsigned slot_count;
	uint8_t *ram;              /* slot 0's host mapping when it is one run, else NULL */
	struct iobus iobus;
	struct vuart uart;
	struct vsysctl sysctl;
	struct pc_board board;     /* the rest of the PC (hv/vdev/pc.h) */
	uint64_t tsc_offset;       /* guest TSC - host TSC, for its devices' clock and every vCPU's reset */
	uint32_t reset_count;
	unsigned vcpu_count;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	struct vconsole con;       /* what its UART said: ring and line (hv/console/console.c) */
	bool con_was_focused;      /* the console focus at its last output byte */
	uint8_t con_last_raw;      /* its last byte written raw (focused) */
	uint64_t con_rx_dropped;   /* keystrokes lost to a full receive FIFO */
	bool con_rx_full;          /* the last key was dropped (reported once) */
	uint64_t start_tsc, stop_tsc;   /* first VMRUN; stop (0 while it runs) */
	/* vCPU 0 as it stopped, kept (with the output ring) after its memory
	 * is given back, so the shell can show a dead guest's registers. NULL
	 * if there was no page for it. */
	struct vmcb *final_vmcb;
	struct guest_gprs final_gprs;
	/* Operator control (hv/vmctl.h): pause and holds. */
	volatile uint32_t control;
	bool destroyed;            /* its memory is given back */
	bool destroy_pending;      /* stopped while held: the last release destroys it */
	struct spinlock ctl_lock;
	/* Stop and reset: the cause, set once under lock (vm_request_*). */
	struct spinlock lock;
	volatile enum vm_stop_cause stop_cause;
	bool reset_pending;        /* the pending cause restarts the VM (VCPU_REQ_RESET) */
	char reason[VM_STOP_REASON_MAX];
	volatile unsigned vcpus_parked;     /* vCPUs parked for the pending stop or reset */
	volatile bool started;              /* "vm NAME started" was printed */
};

/* The firmware's device state, if the board has any (see firmware_state). */
static inline void vm_firmware_state(struct vm *vm)
{
	if (vm->firmware_state)
		vm->firmware_state(vm);
}

/* Whether the VM has stopped, as another CPU may ask (its stop state and
 * reason are complete once this says so: hv/run.c vm_stop_now). */
static inline bool vm_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_STOPPED;
}

/* Takes the VM's record for the whole boot: its vCPUs and their VMCBs, and
 * its output ring (0, or -1 with err set and nothing taken). */
int vm_reserve(struct vm *vm, const struct vm_config *cfg, char *err, size_t errlen);
/* Gives the record back too (a VM that was never built). */
void vm_release(struct vm *vm);
/* Builds the machine: RAM slots, the nested page table, the devices, and
 * runs the guest type's boot operation; every vCPU gets its power-on state.
 * 0, or -1 with err set to one line (what it asked for and what is free)
 * and everything it took given back. */
int vm_build(struct vm *vm, const struct vm_boot_ops *boot, const uint8_t *image, uint64_t image_size,
	     char *err, size_t errlen);
/* Gives back what vm_build() took: RAM and nested page tables.
 * Idempotent. The record stays. */
void vm_destroy(struct vm *vm);
/* The RAM slots for mem bytes (pure; host-tested). */
void vm_layout_ram(uint64_t mem, struct mem_slot slots[VM_MAX_SLOTS], unsigned *count);

/* Asks every vCPU to park so the VM stops with cause and the formatted
 * reason (the first cause wins; a later one is ignored, except that a stop
 * replaces a pending reset). A reset cause restarts the VM instead when
 * cfg.on_reset is restart. Safe from any CPU, any vCPU, any device. */
void vm_request_stop(struct vm *vm, enum vm_stop_cause cause, const char *fmt, ...) __printf(3, 4);
/* A reset (what = "triple fault", "keyboard controller", ...): a restart
 * with on_reset=restart, else a stop with that reason. */
void vm_request_reset(struct vm *vm, enum vm_stop_cause cause, const char *what);
/* Whether a stop or reset is pending for the VM (an exit handler that
 * caused one returns EXIT_STOP). */
static inline bool vm_stop_pending(const struct vm *vm)
{
	return __atomic_load_n(&vm->stop_cause, __ATOMIC_ACQUIRE) != VM_STOP_NONE;
}
/* A reset by the operator (`reset NAME`): a restart whatever on_reset says. */
void vm_request_operator_reset(struct vm *vm);

/* Runs the VM's boot operation again after every vCPU has parked for a
 * reset: RAM zeroed, the image copied again from its module, devices
 * reset, the reset epoch bumped so each vCPU rebuilds its own state on its
 * own CPU (vcpu_reset_state). Returns false, with the VM stopping, if that
 * is impossible. Called by the last vCPU to park. */
bool vm_reboot(struct vm *vm);
/* Puts one vCPU in its power-on state for the VM's guest type (on its own
 * CPU): registers, VMCB, a fresh ASID, FPU/XSAVE at reset values. */
void vcpu_reset_state(struct vcpu *v);

/* True while some vCPU of the VM runs or waits for an interrupt: one that
 * could still wake a vCPU blocked in HLT with IF=0 (hv/run.c). */
bool vm_any_vcpu_can_wake(const struct vm *vm);

/* Prints "vm NAME stopped: REASON" and its exit summary and marks it
 * stopped. Called once, by the CPU of the last vCPU to park. */
void vm_stop_now(struct vm *vm);

/* Runs v until its CPU must look at something else: a request (stop,
 * reset, kick), HLT, or, if preemptible, the end of its quantum. Prints
 * "vm NAME started" on the VM's first entry. */
void vcpu_run_slice(struct vcpu *v, bool preemptible);

/* Whether the run loop keeps per-exit counters (exitstats= on the command line). */
extern bool vm_exit_stats_enabled;

/* Shared policy: the MSR and I/O permission maps (set up once). */
int vm_global_init(void);

#endif

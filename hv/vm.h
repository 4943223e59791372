/* hv/vm.h - Virtual machines and their vCPUs: lifecycle, guest memory, run.
 *
 * A VM owns: its RAM (frames from the page-frame allocator, zeroed, mapped
 * only in its own nested page table), one vCPU with its VMCB, an I/O bus
 * with the device models of a minimal PC, and an ASID. Nothing of it is
 * shared with another VM; the MSR and I/O permission maps are shared
 * read-only policy (every VM gets the same view). */
#ifndef HV_VM_H
#define HV_VM_H

#include "arch/x86/fpu.h"
#include "arch/x86/svm/gprs.h"
#include "arch/x86/svm/vmcb.h"
#include "hv/vm_config.h"
#include "hv/exit_stats.h"
#include "hv/vdev/iobus.h"
#include "hv/console/vconsole.h"
#include "hv/vdev/vsysctl.h"
#include "hv/vdev/vuart.h"
#include "lib/spinlock.h"
#include "lib/types.h"
#include "mm/hpt.h"

#define VM_STOP_REASON_MAX 160

enum vm_state { VM_READY, VM_RUNNING, VM_STOPPED };

struct vm;

struct vcpu {
	struct vm *vm;
	struct vmcb *vmcb;
	hpa_t vmcb_pa;
	struct guest_gprs gprs;
	bool flush_tlb;            /* next VMRUN flushes this ASID's TLB entries */
	uint64_t exit_tsc;         /* TSC when the last #VMEXIT returned to C */
	struct exit_stats stats;   /* per exit reason, since the last reset (or start) */
	struct exit_stats stats_before;   /* everything before that */
	bool halted;               /* in HLT, waiting for its CPU's next tick or input */
	bool uses_hlt;             /* has halted at least once: its CPU keeps the tick on */
	uint64_t exits_at_start;   /* exits counted when it (re)started: none since, if equal */
	uint64_t halt_tick;        /* that CPU's tick count when it halted */
	uint64_t mtrr_def_type;    /* IA32_MTRR_DEF_TYPE as the guest last wrote it */
	uint32_t pf_error;         /* #PF error code from vcpu_check_linear_access() */
	struct fpu_context fpu;    /* FPU/SSE and DR0-3 while another VM has the core */
};

/* What an exit handler tells the run loop. */
enum exit_action { EXIT_RESUME, EXIT_STOP, EXIT_RESET };

struct vm {
	struct vm_config cfg;
	unsigned index;            /* its place in vms[] (hv/sched.h): `vms` numbers and Ctrl-A 1-9 */
	unsigned module;           /* the Multiboot2 module it was built from */
	uint32_t cpu;              /* the physical CPU it runs on (cpu= or the boot CPU) */
	const uint8_t *image;      /* the module, through the direct map */
	uint64_t image_size;
	enum vm_state state;
	struct hpt npt;
	uint8_t *ram;              /* all of guest RAM when it is one host run, else NULL */
	uint32_t asid;
	struct iobus iobus;
	struct vuart uart;
	struct vsysctl sysctl;
	uint32_t reset_count;
	struct vconsole con;       /* what its UART said: ring and line (hv/console/console.c) */
	bool con_was_focused;      /* the console focus at its last output byte */
	uint8_t con_last_raw;      /* its last byte written raw (focused) */
	uint64_t con_rx_dropped;   /* keystrokes lost to a full receive FIFO */
	bool con_rx_full;          /* the last key was dropped (reported once) */
	uint64_t start_tsc, stop_tsc;   /* first VMRUN; stop (0 while it runs) */
	/* The vCPU as it stopped, kept (with the output ring) after its memory
	 * is given back, so the shell can show a dead guest's registers. NULL
	 * if there was no page for it. */
	struct vmcb *final_vmcb;
	struct guest_gprs final_gprs;
	/* Operator control (hv/vmctl.h): requests and holds, and whether its
	 * CPU has parked it. */
	volatile uint32_t control;
	volatile bool parked;
	bool destroyed;            /* its memory is given back */
	bool destroy_pending;      /* stopped while held: the last release destroys it */
	struct spinlock ctl_lock;
	/* Set by devices and handlers during an exit, acted on by the run loop. */
	enum exit_action pending;
	char reason[VM_STOP_REASON_MAX];
	struct vcpu vcpu;
};

/* Whether the VM has stopped, as another CPU may ask (its stop state and
 * reason are complete once this says so: hv/run.c vm_stop_now). */
static inline bool vm_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_STOPPED;
}

/* Builds a VM from a parsed config and its image (0, or -1 with err set).
 * Allocates and zeroes its RAM, builds its nested page table, registers its
 * devices and puts the vCPU in the initial state of cfg.mode. */
int vm_create(struct vm *vm, const struct vm_config *cfg, const uint8_t *image, uint64_t image_size,
	      char *err, size_t errlen);
/* Runs the VM until it stops (true) or, if preemptible, until this CPU's
 * scheduler tick moves on (false: call again later). Prints "vm NAME
 * started" on its first entry and the stop lines when it stops. */
bool vm_run_slice(struct vm *vm, bool preemptible);
/* Marks the VM stopped with the reason vm_request_stop() gave: prints
 * "vm NAME stopped: REASON" and its exit summary. Its CPU calls it. */
void vm_stop_now(struct vm *vm);
/* Gives back everything vm_create() took. */
void vm_destroy(struct vm *vm);

/* Ask the run loop to stop the VM after this exit with the given reason. */
void vm_request_stop(struct vm *vm, const char *fmt, ...) __printf(2, 3);
/* Ask for a reset (what = "triple fault", "keyboard controller", ...). */
void vm_request_reset(struct vm *vm, const char *what);

/* Puts the VM back in its initial state after a reset (on_reset=restart). */
void vm_restart(struct vm *vm);

/* Guest-physical memory access, bounds-checked against the VM's RAM: false
 * when any byte is outside it. Never turns a guest address into a pointer
 * without that check. */
bool vm_read_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len);
bool vm_write_gpa(struct vm *vm, gpa_t gpa, const void *buf, size_t len);

/* Whether the run loop keeps per-exit counters (exitstats= on the command line). */
extern bool vm_exit_stats_enabled;

/* Shared policy: the MSR and I/O permission maps (set up once). */
int vm_global_init(void);

#endif

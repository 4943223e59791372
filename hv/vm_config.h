/* hv/vm_config.h - What a VM is asked to be: the settings the VM core
 * builds it from. The guest loader fills this in from a module's command
 * line (grammar and defaults in guest-loader/vmconfig.h); the VM core never
 * parses anything. */
#ifndef HV_VM_CONFIG_H
#define HV_VM_CONFIG_H

#include "lib/types.h"

/* type=flat: a raw binary (guest-loader/flat.c); type=multiboot: a
 * Multiboot v1 kernel loaded as QEMU's -kernel loads it, with the
 * type=module files of the lines after it (guest-loader/multiboot.c). */
enum vm_type { VM_TYPE_FLAT = 1, VM_TYPE_MULTIBOOT };
enum vm_mode { VM_MODE_REAL = 0, VM_MODE_PROTECTED, VM_MODE_LONG };
enum vm_on_reset { VM_ON_RESET_STOP = 0, VM_ON_RESET_RESTART };

#define VM_NAME_MAX 16      /* including NUL */
#define VM_MAX_VCPUS 64     /* cpus=N; at most the host's CPUs with SVM, checked when the VM is built */

struct vm_config {
	char name[VM_NAME_MAX];
	enum vm_type type;
	enum vm_mode mode;
	enum vm_on_reset on_reset;
	uint64_t mem_size;       /* bytes */
	uint64_t load_addr;      /* guest-physical */
	uint64_t entry;          /* real mode: IP with CS=0; otherwise the guest-physical/linear entry */
	unsigned vcpus;          /* cpus=N: 1..VM_MAX_VCPUS */
	int16_t cpu[VM_MAX_VCPUS];   /* cpu=LIST: each vCPU's host CPU; -1: the scheduler places it */
	/* The words after "--" on its line, as GRUB joined them (single
	 * spaces); "" when there are none. Points into the module's command
	 * line, which the boot information keeps for the whole boot. */
	const char *args;
	bool testdev;            /* testdev=on: QEMU's pc-testdev and pci-testdev (hv/vdev/pc.c) */
};

#define VM_LONG_MODE_PT_BYTES (24 * 1024)   /* page tables the loader puts at the top of RAM below 3 GiB for mode=long */

/* Guest RAM: up to 3 GiB at 0; more is split around the 3-4 GiB hole
 * (the layout of QEMU's pc machine with large RAM). */
#define VM_LOW_RAM_TOP   (3ull * 1024 * 1024 * 1024)
#define VM_HIGH_RAM_BASE (4ull * 1024 * 1024 * 1024)

#endif

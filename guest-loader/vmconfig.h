/* guest-loader/vmconfig.h - A guest module's command line: what to boot and how.
 *
 * GRUB passes the words after the module's file name, joined by single
 * spaces. Each word up to a word "--" is key=VALUE; everything after "--"
 * is the argument string of the kernel (or of the module), kept verbatim.
 * A line either creates a VM (type=flat, type=multiboot) or attaches a file
 * to the VM an earlier line created (type=module):
 *
 *   vm=NAME                     required; 1-15 of A-Z a-z 0-9 _ -
 *   type=flat                   creates a VM: a raw binary copied to load
 *                               and entered at entry
 *   type=multiboot              creates a VM: a Multiboot v1 kernel (ELF or
 *                               the header's address fields), loaded as
 *                               QEMU's -kernel loads it
 *   type=module                 attaches the file to vm=NAME, declared by
 *                               an earlier line of type=multiboot: its
 *                               next Multiboot module, in line order
 *   type=linux                  reserved: recognised, refused for now
 *   mem=SIZE                    required to create a VM; guest RAM, 1M-64G
 *                               (type=multiboot: at least 2M), a multiple of 4K
 *   mode=real|protected|long    type=flat: CPU mode at entry (default real)
 *   load=ADDR                   type=flat: guest-physical load address
 *                               (default 0x7c00 for mode=real, else 0x100000)
 *   entry=ADDR                  type=flat: first instruction (default load);
 *                               mode=real starts at CS:IP = 0000:entry, so
 *                               entry < 0x10000
 *   on_reset=stop|restart       when the guest resets itself (default stop)
 *   cpus=N                      vCPUs, 1-64 (default 1); at most the host's
 *                               CPUs with SVM
 *   cpu=N[,N...]                pin to host CPUs 0-255: one for every vCPU, or
 *                               one per vCPU in order (default: the
 *                               hypervisor places each vCPU)
 *   testdev=on|off              type=multiboot: the test devices (default
 *                               off; parsed and kept, not modelled yet)
 *   -- ARGS                     type=multiboot and type=module: the
 *                               argument string (default none); type=flat
 *                               takes none
 *
 * A type=module line takes only vm=, type= and "-- ARGS". Options that do
 * not apply to the line's type are errors (load=, entry= and mode= on a
 * Multiboot kernel: its header says where it loads and starts).
 *
 * ADDR and N are decimal or 0x hex; SIZE is the same with an optional K, M
 * or G (also k, m, g: binary units). A flat image must fit in RAM at load
 * and contain entry; mode=real keeps it below 1M, mode=protected below 4G,
 * and mode=long out of the last VM_LONG_MODE_PT_BYTES of RAM. A Multiboot
 * kernel's own checks are guest-loader/mb_kernel.h's.
 *
 * Every key may be given once. Unknown keys, repeats, words without '=',
 * empty or bad values are errors: a guest is never booted with a setting
 * other than the one written. New keys must be optional with a default
 * that keeps older command lines meaning what they meant. Pure logic:
 * host-tested. */
#ifndef GUEST_LOADER_VMCONFIG_H
#define GUEST_LOADER_VMCONFIG_H

#include "hv/vm_config.h"
#include "lib/types.h"

/* Parses one module's command line (NULL = empty). image_size = module
 * length in bytes (checked: the image must fit in guest RAM at load_addr,
 * and not overlap the last 24 KiB of RAM for mode=long, where the loader
 * puts the initial page tables). Returns 0 with out filled in and err
 * emptied, or -1 with a one-line reason in err (no newline; out is left
 * untouched), e.g.
 * "option 'mem=12Q': bad size (use a number with K, M or G)". */
int vmconfig_parse(const char *cmdline, uint64_t image_size, struct vm_config *out, char *err, size_t errlen);

/* What a line is: one that creates a VM, or one that attaches its file to
 * the VM named by vm= (type=module). */
enum vmconfig_kind { VMCONFIG_CREATES_VM, VMCONFIG_ATTACHES };

struct vmconfig_line {
	enum vmconfig_kind kind;
	/* VMCONFIG_CREATES_VM: the VM (cfg.args: its "-- ARGS");
	 * VMCONFIG_ATTACHES: cfg.name is the VM it attaches to, cfg.args the
	 * module's argument string; nothing else is set. */
	struct vm_config cfg;
};

/* Parses any line, of either kind, as vmconfig_parse() does (image_size
 * checked for type=flat only). */
int vmconfig_parse_line(const char *cmdline, uint64_t image_size, struct vmconfig_line *out, char *err,
			size_t errlen);

/* For a line that vmconfig_parse_line() refused: whether its words before
 * "--" include type=module, and if so the value of its vm= (into name,
 * VM_NAME_MAX bytes; "" if none or too long), so the loader can keep the
 * VM it meant to join from starting without its file. */
bool vmconfig_module_line_vm(const char *cmdline, char name[VM_NAME_MAX]);

/* For a type=flat module: NULL, or a hint when the bytes are plainly
 * something else ("it is an ELF file: a Multiboot kernel wants
 * type=multiboot", "... a Linux bzImage wants type=linux"). A flat guest
 * that happens to start with such bytes is unusual enough that the loader
 * refuses it with the hint. */
const char *vmconfig_flat_image_hint(const uint8_t *image, uint64_t size);

const char *vm_mode_name(enum vm_mode m);

#endif

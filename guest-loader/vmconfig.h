/* guest-loader/vmconfig.h - A guest module's command line: what to boot and how.
 *
 * GRUB passes the words after the module's file name; each is key=VALUE:
 *
 *   vm=NAME                     required; 1-15 of A-Z a-z 0-9 _ -
 *   type=flat                   required; a raw binary copied to load and
 *                               entered at entry (linux and multiboot are
 *                               reserved: recognised, refused for now)
 *   mem=SIZE                    required; guest RAM, 1M-64G, a multiple of 4K
 *   mode=real|protected|long    CPU mode at entry (default real)
 *   load=ADDR                   guest-physical load address
 *                               (default 0x7c00 for mode=real, else 0x100000)
 *   entry=ADDR                  first instruction (default load); mode=real
 *                               starts at CS:IP = 0000:entry, so entry < 0x10000
 *   on_reset=stop|restart       when the guest resets itself (default stop)
 *   cpus=N                      vCPUs, 1-64 (default 1); at most the host's
 *                               CPUs with SVM
 *   cpu=N[,N...]                pin to host CPUs 0-255: one for every vCPU, or
 *                               one per vCPU in order (default: the
 *                               hypervisor places each vCPU)
 *
 * ADDR and N are decimal or 0x hex; SIZE is the same with an optional K, M
 * or G (also k, m, g: binary units). The image must fit in RAM at load and
 * contain entry; mode=real keeps it below 1M, mode=protected below 4G, and
 * mode=long out of the last VM_LONG_MODE_PT_BYTES of RAM.
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

const char *vm_mode_name(enum vm_mode m);

#endif

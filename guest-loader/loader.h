/* guest-loader/loader.h - Turning Multiboot2 modules into VMs. */
#ifndef GUEST_LOADER_LOADER_H
#define GUEST_LOADER_LOADER_H

#include "boot/multiboot2.h"
#include "hv/vm.h"

/* Creates a VM for each module, in module order, into table[0..max), and
 * places it: on its cpu= CPU, else on the least loaded CPU. A module
 * whose command line is wrong, or whose VM cannot be built, is reported
 * with its number and command line and skipped; the others still start.
 * Returns the number of VMs created. */
unsigned guests_load(const struct mb2_info *info, struct vm *table, unsigned max);

#endif

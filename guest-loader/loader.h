/* guest-loader/loader.h - Turning Multiboot2 modules into VMs. */
#ifndef GUEST_LOADER_LOADER_H
#define GUEST_LOADER_LOADER_H

#include "boot/multiboot2.h"
#include "hv/vm.h"

/* Creates a VM for each module, in module order, into table[0..max), and
 * places its vCPUs: on their cpu= CPUs, else on the least loaded ones. A
 * module whose command line is wrong, or that this machine cannot hold,
 * is reported with its number and command line and skipped; one whose
 * RAM cannot be had stays in the table, stopped, with the reason. The
 * others still start. Returns the number of VMs in the table. */
unsigned guests_load(const struct mb2_info *info, struct vm *table, unsigned max);
/* Free page frames after the VMs' records were reserved, before any was
 * built: every frame a VM takes beyond its record comes back when it stops. */
extern uint64_t guests_free_frames_before;

#endif

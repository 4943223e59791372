/* guest-loader/flat.h - The flat guest type's boot operation (type=flat). */
#ifndef GUEST_LOADER_FLAT_H
#define GUEST_LOADER_FLAT_H

#include "hv/vm.h"

extern const struct vm_boot_ops flat_boot_ops;

#endif

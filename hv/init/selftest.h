/* hv/init/selftest.h - Deliberate failures (selftest= on the command line) that
 * show the panic path works: each must end in a full register dump. */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

#include "hv/init/cmdline.h"

/* Does nothing for SELFTEST_NONE; otherwise does not return. */
void selftest_run(enum selftest which);

#endif

/* lib/panic.h - Hypervisor bugs: print why, where and the registers, then stop.
 * Guest misbehaviour never comes here (that stops the VM, not the machine). */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

#include "lib/types.h"

__noreturn void hv_panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(c) do { if (unlikely(c)) \
	hv_panic("BUG: %s at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif

#ifndef LIB_PANIC_ACTION
#define LIB_PANIC_ACTION
/* What the machine does after a panic dump (command line on_panic=). */
enum panic_action { PANIC_HALT = 0, PANIC_POWEROFF, PANIC_RESET };
void panic_set_action(enum panic_action a);
/* Ends a panic: runs the configured action. Never returns. */
__noreturn void panic_finish(void);
#endif

/* hv/init/cmdline.h - The hypervisor command line (the words after hv.elf on the
 * multiboot2 line): space-separated key=value options.
 *
 *   console=com1|com2|com3|com4|0xPORT   serial console (default com1)
 *   loglevel=error|warn|info|debug|0-3   messages shown (default info)
 *   on_idle=halt|poweroff|reset           when nothing is left to run (default halt)
 *   on_panic=halt|poweroff|reset          after a panic dump (default halt)
 *   selftest=pagefault|stackoverflow|ud|panic|writetext|writetextdirect|execdata
 *                                         deliberately fail, to see the dump
 *   exitstats=on|off                      per-exit counters and cycles (default on;
 *                                         off only to measure what they cost)
 *   x2apic=on|off                         x2APIC mode even if the firmware left xAPIC
 *                                         (default off: keep the firmware's mode)
 *   focus=NAME                            the VM that gets the console's input at boot
 *                                         (default: the shell)
 *
 * Unknown options and bad values are reported, never ignored silently; the
 * option keeps its default and boot goes on. Pure logic: host-tested. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include "lib/log.h"
#include "lib/panic.h"
#include "lib/types.h"

enum idle_action { IDLE_HALT = 0, IDLE_POWEROFF, IDLE_RESET };
enum selftest {
	SELFTEST_NONE = 0, SELFTEST_PAGEFAULT, SELFTEST_STACKOVERFLOW, SELFTEST_UD, SELFTEST_PANIC,
	SELFTEST_WRITE_TEXT, SELFTEST_WRITE_TEXT_DIRECT, SELFTEST_EXEC_DATA,
};

struct hv_options {
	uint16_t console_port;
	enum log_level loglevel;
	enum idle_action on_idle;
	enum panic_action on_panic;
	enum selftest selftest;
	bool exit_stats;
	bool x2apic;
	char focus[16];                 /* a VM name (vm=NAME's grammar), or "" for the shell */
};

#define CMDLINE_MSG_MAX 160

/* Called once per problem with a one-line message (no newline). */
typedef void (*cmdline_report_fn)(void *ctx, const char *msg);

void cmdline_defaults(struct hv_options *o);
/* Parses cmdline (NULL = empty) into o, which holds the defaults on entry.
 * Returns the number of problems reported. */
int cmdline_parse(const char *cmdline, struct hv_options *o, cmdline_report_fn report, void *ctx);

const char *idle_action_name(enum idle_action a);
const char *panic_action_name(enum panic_action a);

#endif

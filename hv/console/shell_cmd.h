/* hv/console/shell_cmd.h - What the shell's command files share: the command table
 * entry, argument helpers that print the one-line errors, and the commands. */
#ifndef HV_SHELL_CMD_H
#define HV_SHELL_CMD_H

#include "hv/vm.h"
#include "lib/log.h"
#include "lib/types.h"

#define SHELL_MAX_ARGS 6

enum shell_arg_kind { SH_ARG_NONE, SH_ARG_VM, SH_ARG_LIVE_VM, SH_ARG_LOGLEVEL };

struct shell_cmd {
	const char *name;
	const char *usage;          /* the arguments, e.g. "NAME [N]" */
	const char *help;           /* one line */
	int min_args, max_args;     /* not counting the command's name */
	enum shell_arg_kind first;  /* what tab completes for the first argument */
	void (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};

/* All output goes through the logger's raw path: whole lines, the prompt
 * redrawn around other CPUs' lines. */
#define sh_print(...) log_rawf(__VA_ARGS__)
void sh_error(const char *fmt, ...) __printf(1, 2);

/* The VM called name; prints the error and returns NULL if there is none. */
struct vm *sh_vm(const char *name);
/* Decimal or 0x-hex; prints the error (naming what) and returns false. */
bool sh_number(const char *s, uint64_t *out, const char *what);
/* For "vcpu NAME [N]": the vCPU number argument (0 if absent) into *id;
 * false after an error (not a number, or the VM has no such vCPU). */
bool sh_vcpu_index(struct vm *vm, int argc, char **argv, int at, unsigned *id);
/* TSC ticks as milliseconds. */
uint64_t sh_tsc_ms(uint64_t ticks);

/* hv/console/shell_sys.c */
void cmd_help(int argc, char **argv);
void cmd_version(int argc, char **argv);
void cmd_cpus(int argc, char **argv);
void cmd_vms(int argc, char **argv);
void cmd_loglevel(int argc, char **argv);
void cmd_reboot(int argc, char **argv);
void cmd_poweroff(int argc, char **argv);
void cmd_host_mem(void);
/* hv/console/shell_vm.c */
void cmd_vcpu(int argc, char **argv);
void cmd_vmcb(int argc, char **argv);
void cmd_mem(int argc, char **argv);
void cmd_npt(int argc, char **argv);
void cmd_exits(int argc, char **argv);
void cmd_pause(int argc, char **argv);
void cmd_resume(int argc, char **argv);
void cmd_reset(int argc, char **argv);
void cmd_stop(int argc, char **argv);
void cmd_powerbtn(int argc, char **argv);
void cmd_console(int argc, char **argv);
void cmd_log(int argc, char **argv);

extern const struct shell_cmd shell_cmds[];
extern const unsigned shell_cmd_count;

#endif

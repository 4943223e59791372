/* hv/console/shell.c - The shell's command table, line splitting, dispatch,
 * argument helpers and tab completion. The commands are in shell_sys.c
 * (the machine) and shell_vm.c (one VM). */
#include "drivers/tsc.h"
#include "hv/sched.h"
#include "hv/console/shell.h"
#include "hv/console/shell_cmd.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/words.h"

/* The order `help` lists them in. */
const struct shell_cmd shell_cmds[] = {
	{ "help", "", "this list", 0, 0, SH_ARG_NONE, cmd_help },
	{ "version", "", "hypervisor version, build and SVM features in use", 0, 0, SH_ARG_NONE, cmd_version },
	{ "cpus", "", "online CPUs: APIC ID, the VM each runs now, its VMs, idle %", 0, 0, SH_ARG_NONE, cmd_cpus },
	{ "vms", "", "VMs: number, name, state, CPU, vCPUs, memory, uptime, exits, resets", 0, 0, SH_ARG_NONE, cmd_vms },
	{ "vcpu", "NAME [N]", "a vCPU's registers, segments, control registers, pending events", 1, 2, SH_ARG_VM, cmd_vcpu },
	{ "vmcb", "NAME [N]", "a vCPU's VMCB, control and save area, decoded", 1, 2, SH_ARG_VM, cmd_vmcb },
	{ "mem", "[NAME GPA|gva:ADDR [LEN]]", "hex dump of guest memory, gva: with the page walk; alone: host memory", 0, 3, SH_ARG_VM, cmd_mem },
	{ "npt", "NAME GPA", "the nested page table walk for a guest-physical address", 2, 2, SH_ARG_VM, cmd_npt },
	{ "exits", "NAME [reset]", "exits per reason with mean/max cycles, since boot and since the last reset", 1, 2, SH_ARG_VM, cmd_exits },
	{ "pause", "NAME", "stop running a VM until resume", 1, 1, SH_ARG_LIVE_VM, cmd_pause },
	{ "resume", "NAME", "run a paused VM again", 1, 1, SH_ARG_LIVE_VM, cmd_resume },
	{ "reset", "NAME", "restart a VM from its initial state", 1, 1, SH_ARG_LIVE_VM, cmd_reset },
	{ "stop", "NAME", "end a VM: \"vm NAME stopped: stopped by the operator\"", 1, 1, SH_ARG_LIVE_VM, cmd_stop },
	{ "powerbtn", "NAME", "press a VM's ACPI power button (its OS decides: an orderly shutdown)", 1, 1, SH_ARG_LIVE_VM,
	  cmd_powerbtn },
	{ "console", "[NAME]", "give the console's input to a VM; Ctrl-A s comes back", 0, 1, SH_ARG_LIVE_VM, cmd_console },
	{ "log", "NAME", "replay a VM's last 16 KiB of serial output", 1, 1, SH_ARG_VM, cmd_log },
	{ "loglevel", "[LEVEL]", "show or set the log level: error, warn, info, debug", 0, 1, SH_ARG_LOGLEVEL, cmd_loglevel },
	{ "reboot", "", "reset the machine", 0, 0, SH_ARG_NONE, cmd_reboot },
	{ "poweroff", "", "power the machine off, ACPI S5", 0, 0, SH_ARG_NONE, cmd_poweroff },
};
const unsigned shell_cmd_count = ARRAY_SIZE(shell_cmds);

void sh_error(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sh_print("error: %s\n", msg);
}

struct vm *sh_vm(const char *name)
{
	struct vm *vm = vm_find(name);

	if (!vm)
		sh_error("no VM named '%s' (vms lists them)", name);
	return vm;
}

bool sh_number(const char *s, uint64_t *out, const char *what)
{
	if (!word_to_u64(s, ~0ull, out)) {
		sh_error("bad number '%s' for %s (decimal, or hex with 0x)", s, what);
		return false;
	}
	return true;
}

bool sh_vcpu_index(struct vm *vm, int argc, char **argv, int at, unsigned *id)
{
	uint64_t n = 0;

	if (argc > at && !sh_number(argv[at], &n, "the vCPU number"))
		return false;
	if (n >= vm->vcpu_count) {
		if (vm->vcpu_count == 1)
			sh_error("vm %s has 1 vCPU (number 0); there is no vCPU %llu", vm->cfg.name,
				 (unsigned long long)n);
		else
			sh_error("vm %s has %u vCPUs (numbers 0-%u); there is no vCPU %llu", vm->cfg.name,
				 vm->vcpu_count, vm->vcpu_count - 1, (unsigned long long)n);
		return false;
	}
	*id = (unsigned)n;
	return true;
}

uint64_t sh_tsc_ms(uint64_t ticks)
{
	uint64_t khz = tsc_khz();
	return khz ? ticks / khz : ticks / 1000000;
}

static const struct shell_cmd *find_cmd(const char *name)
{
	for (unsigned i = 0; i < shell_cmd_count; i++)
		if (strcmp(shell_cmds[i].name, name) == 0)
			return &shell_cmds[i];
	return NULL;
}

#define SHELL_WORD_MAX 64

void shell_run_line(const char *line)
{
	char words[SHELL_MAX_ARGS + 1][SHELL_WORD_MAX];
	char *argv[SHELL_MAX_ARGS + 1];
	const char *p = line, *w;
	size_t len;
	int argc = 0;

	while ((len = word_next(&p, &w)) != 0) {
		if (argc == SHELL_MAX_ARGS + 1) {
			sh_error("too many words (at most %d arguments)", SHELL_MAX_ARGS);
			return;
		}
		if (len >= SHELL_WORD_MAX) {
			sh_error("'%.20s...' is longer than %d characters", w, SHELL_WORD_MAX - 1);
			return;
		}
		memcpy(words[argc], w, len);
		words[argc][len] = '\0';
		argv[argc] = words[argc];
		argc++;
	}
	if (argc == 0)
		return;
	const struct shell_cmd *c = find_cmd(argv[0]);
	if (!c) {
		sh_error("unknown command '%s' (help lists the commands)", argv[0]);
		return;
	}
	if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
		if (!c->usage[0])
			sh_error("%s takes no arguments", c->name);
		else
			sh_error("%s takes %s (%s)", c->name, c->usage,
				 argc - 1 < c->min_args ? "missing arguments" : "too many arguments");
		return;
	}
	c->run(argc, argv);
}

/* ---- completion ---------------------------------------------------------- */

static unsigned add_if_prefix(const char *cand, const char *prefix, size_t plen, const char **out,
			      unsigned n, unsigned max)
{
	if (n < max && strncmp(cand, prefix, plen) == 0)
		out[n++] = cand;
	return n;
}

unsigned shell_complete(void *ctx, const char *line, size_t line_len, unsigned word_index,
			const char *prefix, size_t prefix_len, const char **out, unsigned max)
{
	unsigned n = 0;
	(void)ctx;

	if (word_index == 0) {
		for (unsigned i = 0; i < shell_cmd_count; i++)
			n = add_if_prefix(shell_cmds[i].name, prefix, prefix_len, out, n, max);
		return n;
	}
	/* The command is the first word of the line. */
	char name[16];
	const char *p = line, *w;
	size_t len = word_next(&p, &w);
	if (len == 0 || len >= sizeof(name) || (size_t)(w - line) + len > line_len)
		return 0;
	memcpy(name, w, len);
	name[len] = '\0';
	const struct shell_cmd *c = find_cmd(name);
	if (!c)
		return 0;
	if (word_index == 1 && (c->first == SH_ARG_VM || c->first == SH_ARG_LIVE_VM)) {
		/* pause, resume, reset, stop, console: only VMs that have not stopped */
		for (unsigned i = 0; i < vm_count; i++)
			if (c->first == SH_ARG_VM || !vm_stopped(&vms[i]))
				n = add_if_prefix(vms[i].cfg.name, prefix, prefix_len, out, n, max);
	} else if (word_index == 1 && c->first == SH_ARG_LOGLEVEL) {
		for (unsigned i = LOG_ERROR; log_level_name((enum log_level)i); i++)
			n = add_if_prefix(log_level_name((enum log_level)i), prefix, prefix_len, out, n, max);
	} else if (word_index == 2 && strcmp(c->name, "exits") == 0) {
		n = add_if_prefix("reset", prefix, prefix_len, out, n, max);
	} else if (word_index == 2 && strcmp(c->name, "mem") == 0) {
		n = add_if_prefix("gva:", prefix, prefix_len, out, n, max);
	}
	return n;
}

/* hv/init/panic_action.c - The last step of a panic, chosen by on_panic=:
 * halt (the default: the dump stays on screen), poweroff (tests, so QEMU
 * ends by itself), or reset (unattended machines). */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "drivers/lapic.h"
#include "drivers/power.h"
#include "lib/log.h"
#include "lib/panic.h"

static enum panic_action panic_action_chosen = PANIC_HALT;

void panic_set_action(enum panic_action a)
{
	panic_action_chosen = a;
}

__noreturn void panic_finish(void)
{
	switch (panic_action_chosen) {
	case PANIC_POWEROFF:
		log_rawf("*** powering off (on_panic=poweroff)\n");
		power_off();
	case PANIC_RESET:
		log_rawf("*** resetting (on_panic=reset)\n");
		power_reset();
	case PANIC_HALT:
		break;
	}
	log_rawf("*** CPU halted (on_panic=halt)\n");
	/* An AP that halts will never finish its VMs: tell the boot CPU, so
	 * the rest of the machine can still reach on_idle. */
	struct percpu *pc = cpus[0] ? this_cpu() : NULL;
	if (pc && pc->cpu_id != 0) {
		pc->work = NULL;
		pc->work_done = true;
		lapic_send_ipi(cpus[0]->apic_id, VEC_IPI_WAKE);
	}
	cpu_halt_forever();
}

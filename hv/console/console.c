/* hv/console/console.c - Output routing, focus and input for the shared console
 * (the model is in console.h).
 *
 * Guest output, end to end:
 *
 *   vCPU (any CPU)              console owner (holds console_lock)
 *   OUT THR -> vuart_transmit   drain: vuart_tx_take -> vm_output_byte
 *     ring += byte                -> ring for `log`, NAME| lines, or raw (focus)
 *     vm_output_notify            -> uart_write (waits on the real UART)
 *       maybe wake the boot CPU
 *
 * The boot CPU drains in console_poll(), a budget at a time, between its
 * vCPUs' slices and while idle. Any CPU about to print a hypervisor line
 * first drains what the VMs with a vCPU on it sent before (so "vm NAME
 * stopped" follows the VM's last line). Both do it under the console lock,
 * which no exit handler takes. docs/console.md has the whole story. */
#define LOG_PREFIX "console: "
#include "arch/x86/percpu.h"
#include "arch/x86/traps.h"
#include "drivers/acpi_madt.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/uart.h"
#include "hv/console/console.h"
#include "hv/sched.h"
#include "hv/console/shell.h"
#include "hv/timer.h"
#include "hv/vm.h"
#include "hv/vmctl.h"
#include "lib/lineedit.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"

#define VEC_CONSOLE_RX 0x40    /* any free vector; priority class above nothing we use */

/* A ticket lock, so it is taken in turn: the boot CPU, draining VM output
 * pass after pass, must not keep another CPU with a line to print waiting
 * (a test-and-set lock goes to whoever retries first, which under
 * emulation can be the same CPU for seconds). */
static struct { volatile uint32_t next, serving; } console_lock;
static volatile int32_t console_owner = -1;

static struct vm *volatile focus;          /* NULL: the shell */
static struct lineedit editor;
static bool editor_ready;                  /* console_shell_start() ran */
static bool mid_line;                      /* the last write did not end with "\n" */
static bool raw_open;                      /* the focused VM's raw output is mid-line */
static bool prompt_to_redraw;              /* erased for output that has not ended its line yet */
static bool operator_seen;                 /* a key came: from now on the prompt shows */
static bool polling;

/* Guest output waiting for the owner (set by a VM's vCPU, cleared by the
 * drain that takes it; see vm_output_notify). */
static volatile bool drain_wanted;
static bool draining;                      /* the owner is in a drain (under the lock) */
static unsigned drain_next;                /* the VM the next budgeted drain starts with */
static uint64_t overruns_told[MAX_VMS];    /* each VM's lost-byte count when last reported */

#define DRAIN_CHUNK 64       /* bytes taken from one VM at a time: VMs take turns */
/* Bytes one console_poll() moves: under 50 ms at 115200 baud, so the boot
 * CPU's own guests still get their slices while a VM floods. The rest
 * waits for the next call. */
#define DRAIN_BUDGET 512

/* Keystrokes from the interrupt handler to console_poll(), both on the boot
 * CPU: the handler only advances tail, the poll only head. */
#define RX_RING 512
static uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head, rx_tail;

/* ---- output ---------------------------------------------------------------- */

/* What the operator must see whatever the log level: where the keys go,
 * why a key did nothing. A hypervisor line like any other (timestamped):
 * LOG_ERROR only because it is the level no loglevel= hides. */
static void __printf(1, 2) say(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hv_log(LOG_ERROR, LOG_PREFIX "%s", msg);
}

/* The lock, re-entered by its owner: a CPU that faults while printing (or a
 * redraw called from inside a write) still gets its bytes out. */
static bool console_lock_take(void)
{
	int32_t me = cpus[0] ? (int32_t)this_cpu()->cpu_id : 0;

	if (console_owner == me)
		return false;
	uint32_t ticket = __atomic_fetch_add(&console_lock.next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&console_lock.serving, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	console_owner = me;
	return true;
}

static void console_lock_give(bool taken)
{
	if (taken) {
		console_owner = -1;
		__atomic_store_n(&console_lock.serving, console_lock.serving + 1, __ATOMIC_RELEASE);
	}
}

/* The focused VM left its line unfinished (maybe inside an escape
 * sequence): cancel the sequence (CAN), reset the colours, end the line, so
 * what follows starts clean. Under the console lock. */
static void close_raw_line(void)
{
	if (raw_open) {
		uart_write_raw("\x18\x1b[0m\r\n", 7);
		raw_open = false;
	}
}

static void drain_sent_before(void);

/* A line (or a piece of one) to the UART. Under the console lock. */
static void write_locked(const char *s, size_t len)
{
	/* A line from elsewhere while the operator types: erase the prompt,
	 * print the line, draw the prompt and what was typed again once the
	 * line is complete (it may come in pieces). */
	if (editor_ready && lineedit_prompt_visible(&editor)) {
		lineedit_hide(&editor);
		prompt_to_redraw = true;
	}
	close_raw_line();
	uart_write(s, len);
	if (len)
		mid_line = s[len - 1] != '\n';
	if (prompt_to_redraw && !mid_line && !focus) {
		lineedit_redraw(&editor);
		prompt_to_redraw = false;
	}
}

void console_write(const char *s, size_t len)
{
	bool taken = console_lock_take();

	/* What the VMs sent before this line goes out before it: a guest's
	 * last line before its stop line, a line before the reset it caused.
	 * Not when re-entered (a line from inside a drain, or from a CPU that
	 * faulted while printing: its dump must get out as it is). */
	if (taken)
		drain_sent_before();
	write_locked(s, len);
	console_lock_give(taken);
}

/* A focused VM's bytes, as they are. */
static void write_raw_locked(const char *s, size_t len)
{
	bool taken = console_lock_take();
	uart_write_raw(s, len);
	if (len)
		raw_open = s[len - 1] != '\n';
	console_lock_give(taken);
}

/* Shows the prompt unless it is up already, a VM has the focus, or nobody
 * has typed yet (an unattended log holds no prompt: docs/console.md). */
static void show_prompt_locked(void)
{
	if (editor_ready && operator_seen && !focus && !lineedit_prompt_visible(&editor)) {
		close_raw_line();
		lineedit_show_prompt(&editor);
	}
}

static void editor_out(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	uart_write_raw(s, len);   /* the editor runs under the console lock */
}

/* ---- VM output ------------------------------------------------------------- */

/* The boot CPU's reminder to drain the output a budgeted drain left. */
static struct timer drain_timer;

static void drain_due(struct timerq *q, struct timer *t)
{
	(void)q;
	(void)t;
	timer_kick_scheduler();   /* out of guest mode, back to console_poll() */
}

/* On the boot CPU only (the timer is on its queue). */
static void drain_later(uint64_t us)
{
	if (!drain_timer.fn)
		timer_init(&drain_timer, drain_due, NULL);
	if (!timer_is_armed(&drain_timer))
		timer_arm(&drain_timer, rdtsc() + timer_us(us));
}

/* Makes the boot CPU take the output: out of guest mode and back to its
 * scheduler, which calls console_poll(). From another CPU as hv/vcpu.c
 * vcpu_request() does for a vCPU: resched first, then the vCPU in guest
 * mode there, then the IPI. On the boot CPU itself (one of its vCPUs
 * wrote) the slice ends after this exit: no interrupt, no extra exit. */
static void wake_owner(void)
{
	struct percpu *boot = cpus[0];

	if (!boot)
		return;
	if (boot == this_cpu()) {
		timer_kick_scheduler();
		return;
	}
	__atomic_store_n(&boot->resched, true, __ATOMIC_SEQ_CST);
	struct vcpu *running = __atomic_load_n(&boot->current_vcpu, __ATOMIC_SEQ_CST);
	if (running)
		__atomic_or_fetch(&running->requests, VCPU_REQ_KICK, __ATOMIC_SEQ_CST);
	lapic_send_ipi(boot->apic_id, VEC_IPI_WAKE);
}

/* A VM's UART queued a byte (on the VM's CPU, in its exit: hv/vdev/vuart.h).
 * The common case is a few compares. The owner is woken when a line is
 * complete, when the ring is half full (before the guest has to wait), or
 * for the focused VM's bytes (its echo must show as typed); and only if
 * nobody asked since the owner last looked, so a flood costs one wake-up
 * per drain, never one per byte. An unfocused VM's partial line waits for
 * its end or the next drain: it prints nothing before its "\n" anyway.
 *
 * No wake-up is missed: this vCPU published the byte, then reads
 * drain_wanted; the owner clears drain_wanted, then reads the rings (all
 * sequentially consistent). Either the owner sees the byte, or this sees
 * the flag clear and wakes it. */
static void vm_output_notify(void *ctx, uint8_t byte, uint32_t queued)
{
	struct vm *vm = ctx;

	if (!queued || (byte != '\n' && queued < VUART_TX_SIZE / 2 && focus != vm))
		return;
	if (__atomic_load_n(&drain_wanted, __ATOMIC_SEQ_CST) ||
	    __atomic_exchange_n(&drain_wanted, true, __ATOMIC_SEQ_CST))
		return;
	wake_owner();
}

void console_vm_attach(struct vm *vm)
{
	vconsole_init(&vm->con, vm->con.ring);
	vm->con_was_focused = false;
	overruns_told[vm->index] = 0;
	/* Not vuart_init: the board has wired the UART's IRQ 4 already. */
	vuart_set_notify(&vm->uart, vm_output_notify, vm);
}

/* One byte of vm's output, in the order it sent them: into its history
 * ring and its line; shown raw if it has the focus, else as a whole
 * "NAME| text" line once complete. Under the console lock (the focus
 * cannot change under it). */
static void vm_output_byte(struct vm *vm, uint8_t byte)
{
	const char *line;
	size_t len;
	bool focused = focus == vm;

	if (focused != vm->con_was_focused) {
		if (focused) {
			/* The start of this line was not shown yet: show it raw now. */
			len = vconsole_take_partial(&vm->con, &line);
			write_raw_locked(line, len);
		} else {
			/* The start of this line was shown raw (and closed when
			 * the focus moved): the rest starts a new line. */
			vconsole_drop_partial(&vm->con);
		}
		vm->con_was_focused = focused;
	}
	bool complete = vconsole_put(&vm->con, byte, &line, &len);
	if (focused) {
		/* A lone "\n" (many small guests send no "\r") would leave the
		 * cursor in its column: make it "\r\n", as a tty's ONLCR does. */
		char crlf[2] = { '\r', (char)byte };
		bool lone_nl = byte == '\n' && vm->con_last_raw != '\r';
		vm->con_last_raw = byte;
		write_raw_locked(lone_nl ? crlf : crlf + 1, lone_nl ? 2 : 1);
	} else if (complete) {
		log_rawf("%s| %.*s\n", vm->cfg.name, (int)len, line);
	}
}

/* A guest that wrote THR with the ring full and its spare slot taken lost
 * bytes (vuart.h): say so at the first loss, then each time the count
 * doubles, so a guest that never looks at LSR cannot flood the console
 * with notices. */
static void report_overruns(struct vm *vm)
{
	uint64_t lost = __atomic_load_n(&vm->uart.tx_overruns, __ATOMIC_RELAXED);
	uint64_t *told = &overruns_told[vm->index];

	if (lost > 2 * *told) {
		say("vm %s wrote to its UART while the transmitter was busy (LSR.THRE clear): %llu bytes lost",
		    vm->cfg.name, (unsigned long long)lost);
		*told = lost;
	}
}

/* Moves up to max bytes (at most DRAIN_CHUNK) of vm's output to the
 * console; returns how many. Under the console lock. */
static uint32_t drain_vm(struct vm *vm, uint32_t max)
{
	uint8_t buf[DRAIN_CHUNK];
	uint32_t n = vuart_tx_take(&vm->uart, buf, max < DRAIN_CHUNK ? max : DRAIN_CHUNK);

	for (uint32_t i = 0; i < n; i++)
		vm_output_byte(vm, buf[i]);
	if (n)
		report_overruns(vm);
	return n;
}

/* Everything vm has sent so far (not what comes meanwhile: a VM flooding
 * cannot keep us here). Under the console lock. */
static void drain_all_of(struct vm *vm)
{
	for (uint32_t left = vuart_tx_pending(&vm->uart), n; left; left -= n)
		if (!(n = drain_vm(vm, left)))
			break;
}

/* Before a hypervisor line: everything sent so far by the VMs that have a
 * vCPU on this CPU, the VMs its lines are about (stop, reset, errors). A
 * VM flooding elsewhere does not hold the line up. Under the console lock. */
static void drain_sent_before(void)
{
	if (draining || !vm_count)
		return;
	uint32_t me = this_cpu()->cpu_id;
	draining = true;
	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		for (unsigned k = 0; k < vm->vcpu_count; k++) {
			if (vm->vcpus[k]->cpu == me) {
				drain_all_of(vm);
				break;
			}
		}
	}
	draining = false;
}

/* The boot CPU's share: up to DRAIN_BUDGET bytes, DRAIN_CHUNK from each VM
 * in turn, so a VM that floods gets its turn like the others and no more. */
static void drain_some(void)
{
	if (!__atomic_load_n(&drain_wanted, __ATOMIC_SEQ_CST) || !vm_count)
		return;
	bool taken = console_lock_take();
	if (draining) {   /* re-entered from inside a drain */
		console_lock_give(taken);
		return;
	}
	draining = true;
	__atomic_store_n(&drain_wanted, false, __ATOMIC_SEQ_CST);
	uint32_t budget = DRAIN_BUDGET;
	bool took = true;
	while (budget && took) {
		took = false;
		for (unsigned k = 0; k < vm_count && budget; k++) {
			uint32_t n = drain_vm(&vms[(drain_next + k) % vm_count], budget);
			budget -= n;
			took |= n != 0;
		}
		drain_next = (drain_next + 1) % vm_count;
	}
	if (!budget) {
		/* Maybe more: back in a quantum (at once if the boot CPU has
		 * nothing else to do: the flag keeps its scheduler from halting).
		 * Meanwhile the flag spares the VMs' CPUs their wake-ups. */
		__atomic_store_n(&drain_wanted, true, __ATOMIC_SEQ_CST);
		drain_later(QUANTUM_MS * 1000);
	}
	draining = false;
	console_lock_give(taken);
}

void console_vm_flush(struct vm *vm)
{
	const char *line;
	bool taken = console_lock_take();

	if (!draining) {   /* the VM has stopped: that is all it sent */
		draining = true;
		drain_all_of(vm);
		draining = false;
	}
	size_t len = vconsole_take_partial(&vm->con, &line);
	if (len && !vm->con_was_focused)
		log_rawf("%s| %.*s\n", vm->cfg.name, (int)len, line);
	console_lock_give(taken);
}

void console_vm_stopped(struct vm *vm)
{
	/* vm->state is VM_STOPPED already, so console_set_focus() cannot give
	 * it the focus after this check: both happen under the lock. */
	bool taken = console_lock_take();
	bool had_focus = focus == vm;
	if (had_focus) {
		close_raw_line();
		focus = NULL;
	}
	console_lock_give(taken);
	if (had_focus) {
		say("vm %s has stopped; input goes to the shell", vm->cfg.name);
		taken = console_lock_take();
		show_prompt_locked();
		console_lock_give(taken);
	}
}

/* ---- focus ----------------------------------------------------------------- */

struct vm *console_focus(void)
{
	return focus;
}

bool console_set_focus(struct vm *vm, char *err, size_t errlen)
{
	bool taken = console_lock_take();
	if (vm && vm_stopped(vm)) {
		console_lock_give(taken);
		hv_snprintf(err, errlen, "vm %s has stopped", vm->cfg.name);
		return false;
	}
	if (vm == focus) {
		console_lock_give(taken);
		return true;
	}
	if (editor_ready && lineedit_prompt_visible(&editor))
		lineedit_hide(&editor);
	close_raw_line();
	focus = vm;
	console_lock_give(taken);
	if (vm)
		say("input goes to vm %s (Ctrl-A s: the shell, Ctrl-A ?: keys)", vm->cfg.name);
	else
		say("input goes to the shell (Ctrl-A 1-9: a VM, Ctrl-A ?: keys)");
	if (!vm) {
		taken = console_lock_take();
		show_prompt_locked();
		console_lock_give(taken);
	}
	return true;
}

static void escape_help(void)
{
	/* One line per call: the logger takes lines of up to LOG_LINE_MAX. */
	log_rawf("console keys:\n");
	log_rawf("  Ctrl-A s (or 0)   the shell\n");
	log_rawf("  Ctrl-A 1-9        the Nth VM (as `vms` numbers them)\n");
	log_rawf("  Ctrl-A n          the next VM that has not stopped, then the shell\n");
	log_rawf("  Ctrl-A a          a Ctrl-A for the focused VM (or Home at the shell)\n");
	log_rawf("  Ctrl-A ?          this list\n");
}

/* Ctrl-A n: shell -> first VM -> ... -> last VM -> shell, over running VMs. */
static struct vm *next_focus(void)
{
	unsigned start = focus ? focus->index + 1 : 0;

	for (unsigned i = start; i < vm_count; i++)
		if (!vm_stopped(&vms[i]))
			return &vms[i];
	return NULL;
}

static void send_to_vm(struct vm *vm, uint8_t byte)
{
	if (vuart_receive(&vm->uart, byte)) {
		vm->con_rx_full = false;
	} else {
		vm->con_rx_dropped++;
		if (!vm->con_rx_full)   /* once per overflow, not per key */
			say("vm %s is not reading its UART: its %u-byte input buffer is full, keys are dropped",
			    vm->cfg.name, VUART_RX_SIZE);
		vm->con_rx_full = true;
	}
	/* Only a vCPU waiting in HLT needs waking; a running one reads the
	 * FIFO when it polls (a kick per key would keep its CPU rescheduling). */
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i]->state == VCPU_HALTED)
			vcpu_kick(vm->vcpus[i]);
}

static void editor_key(uint8_t c);

static void escape_key(uint8_t key)
{
	char err[96];
	struct vm *target = focus;

	switch (key) {
	case 's': case 'S': case '0':
		target = NULL;
		break;
	case 'n': case 'N':
		target = next_focus();
		if (!target && !focus) {
			say("Ctrl-A n: no VM to switch to (%s); input stays with the shell",
			    vm_count ? "every VM has stopped" : "there are no VMs");
			return;
		}
		break;
	case 'a': case 'A': case CONSOLE_ESCAPE:
		/* The key itself: for the focused VM, or the shell's editor
		 * (where Ctrl-A is Home). */
		if (focus)
			send_to_vm(focus, CONSOLE_ESCAPE);
		else
			editor_key(CONSOLE_ESCAPE);
		return;
	case '?': case 'h': case 'H':
		escape_help();
		return;
	default:
		if (key >= '1' && key <= '9') {
			unsigned n = (unsigned)(key - '1');
			if (n >= vm_count) {
				say("no VM number %u (there are %u)", n + 1, vm_count);
				return;
			}
			target = &vms[n];
			break;
		}
		if (key > 0x20 && key < 0x7f)
			say("Ctrl-A %c: not a console key (Ctrl-A ? lists them)", key);
		else
			say("Ctrl-A then 0x%02x: not a console key (Ctrl-A ? lists them)", key);
		return;
	}
	if (!console_set_focus(target, err, sizeof(err)))
		say("%s; input stays where it was", err);
}

/* ---- input ----------------------------------------------------------------- */

static bool escape_pending;

static void editor_key(uint8_t c)
{
	if (!editor_ready)
		return;
	bool taken = console_lock_take();
	bool line_done = lineedit_key(&editor, c);
	console_lock_give(taken);
	if (!line_done)
		return;
	/* The command runs without the console lock: it prints line by line
	 * like everyone else. The prompt comes back when it is done, unless
	 * the command gave the focus to a VM. */
	shell_run_line(lineedit_line(&editor));
	taken = console_lock_take();
	show_prompt_locked();
	console_lock_give(taken);
}

/* After Ctrl-A, an arrow or function key is a whole escape sequence
 * (ESC [ ... final, or ESC O x): swallowed, so no "[A" lands in the line. */
enum { SKIP_NONE, SKIP_INTRO, SKIP_CSI, SKIP_SS3 };
static int skip_sequence;

static bool skipping_sequence(uint8_t c)
{
	switch (skip_sequence) {
	case SKIP_INTRO:
		skip_sequence = c == '[' ? SKIP_CSI : c == 'O' ? SKIP_SS3 : SKIP_NONE;
		return skip_sequence != SKIP_NONE;
	case SKIP_CSI:
		if (c >= 0x40 && c <= 0x7e)
			skip_sequence = SKIP_NONE;
		return true;
	case SKIP_SS3:
		skip_sequence = SKIP_NONE;
		return true;
	default:
		return false;
	}
}

static void input_byte(uint8_t c)
{
	if (skipping_sequence(c))
		return;
	if (escape_pending) {
		escape_pending = false;
		if (c == 0x1b) {
			skip_sequence = SKIP_INTRO;
			say("Ctrl-A then an arrow or function key: not a console key (Ctrl-A ? lists them)");
			return;
		}
		escape_key(c);
		return;
	}
	if (c == CONSOLE_ESCAPE) {
		escape_pending = true;
		return;
	}
	struct vm *vm = focus;
	if (vm)
		send_to_vm(vm, c);
	else
		editor_key(c);
}

static void drain_uart(void)
{
	int c;

	while ((c = uart_read_byte()) >= 0) {
		uint32_t tail = rx_tail;
		if (tail - rx_head >= RX_RING)
			continue;   /* a paste faster than we take it: drop, like an overrun */
		rx_ring[tail % RX_RING] = (uint8_t)c;
		__atomic_store_n(&rx_tail, tail + 1, __ATOMIC_RELEASE);
	}
}

/* The receive interrupt (boot CPU): take the bytes, and make the VM this
 * CPU is running leave guest mode so the run loop calls console_poll(). */
static void console_rx_irq(void)
{
	drain_uart();
	struct vcpu *v = this_cpu()->current_vcpu;
	if (v)
		vcpu_request(v, VCPU_REQ_KICK);
}

static bool keys_pending(void)
{
	if (polling)
		drain_uart();
	return __atomic_load_n(&rx_tail, __ATOMIC_ACQUIRE) != rx_head;
}

bool console_input_pending(void)
{
	return keys_pending() || __atomic_load_n(&drain_wanted, __ATOMIC_SEQ_CST);
}

void console_poll(void)
{
	/* Re-entry (a command that waits, polling meanwhile) would interleave
	 * two commands' state; the second waits for the first. */
	static bool busy;

	drain_some();
	if (busy || !keys_pending())
		return;
	busy = true;
	bool first = !operator_seen;
	operator_seen = true;
	while (__atomic_load_n(&rx_tail, __ATOMIC_ACQUIRE) != rx_head) {
		uint8_t c = rx_ring[rx_head % RX_RING];
		__atomic_store_n(&rx_head, rx_head + 1, __ATOMIC_RELEASE);
		input_byte(c);
		if (polling)
			drain_uart();
		if (first) {
			/* The operator is here: the prompt shows from now on, right
			 * after the first key (which may draw nothing, like the
			 * Ctrl-A of Ctrl-A n), so that what the next keys print
			 * comes after it whether they arrived one by one or
			 * together. */
			first = false;
			bool taken = console_lock_take();
			show_prompt_locked();
			console_lock_give(taken);
		}
	}
	busy = false;
}

bool console_polling(void)
{
	return polling;
}

void console_start_input(const struct madt_info *madt)
{
	char err[128];

	editor_ready = false;
	lineedit_init(&editor, "hv> ", editor_out, shell_complete, NULL);
	/* The PC's standard wiring: COM1 and COM3 share IRQ 4, COM2 and COM4
	 * IRQ 3; a UART elsewhere has no IRQ we could know. */
	uint16_t port = uart_port();
	unsigned irq = (port == 0x3f8 || port == 0x3e8) ? 4 : (port == 0x2f8 || port == 0x2e8) ? 3 : 0;

	if (madt && madt->ioapic_count)
		ioapic_mask_all(madt);
	if (!irq) {
		pr_warn("the UART at 0x%x has no standard IRQ; polling for input every %u ms", port, QUANTUM_MS);
	} else if (!madt || !madt->ioapic_count) {
		pr_warn("no I/O APIC in the MADT; polling for input every %u ms", QUANTUM_MS);
	} else if (!ioapic_route_isa_irq(madt, (uint8_t)irq, VEC_CONSOLE_RX, cpus[0]->apic_id, err, sizeof(err))) {
		pr_warn("cannot route the UART's interrupt (%s); polling for input every %u ms", err, QUANTUM_MS);
	} else {
		traps_set_irq_handler(VEC_CONSOLE_RX, console_rx_irq);
		uart_enable_rx_interrupt();
		pr_info("input by interrupt (ISA IRQ %u through the I/O APIC, vector 0x%x, to cpu0)", irq,
			VEC_CONSOLE_RX);
		return;
	}
	polling = true;
}

void console_shell_start(void)
{
	bool taken = console_lock_take();
	editor_ready = true;
	show_prompt_locked();   /* only if a key came already */
	console_lock_give(taken);
}

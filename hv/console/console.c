/* hv/console/console.c - Output routing, focus and input for the shared console
 * (the model is in console.h). */
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
#include "hv/vm.h"
#include "hv/vmctl.h"
#include "lib/lineedit.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define VEC_CONSOLE_RX 0x40    /* any free vector; priority class above nothing we use */

static struct spinlock console_lock;
static volatile int32_t console_owner = -1;

static struct vm *volatile focus;          /* NULL: the shell */
static struct lineedit editor;
static bool editor_ready;                  /* console_shell_start() ran */
static bool mid_line;                      /* the last write did not end with "\n" */
static bool raw_open;                      /* the focused VM's raw output is mid-line */
static bool prompt_to_redraw;              /* erased for output that has not ended its line yet */
static bool polling;

/* Keystrokes from the interrupt handler to console_poll(), both on the boot
 * CPU: the handler only advances tail, the poll only head. */
#define RX_RING 512
static uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head, rx_tail;

/* ---- output ---------------------------------------------------------------- */

/* What the operator must see whatever the log level: where the keys go,
 * why a key did nothing. */
static void __printf(1, 2) say(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_rawf(LOG_PREFIX "%s\n", msg);
}

/* The lock, re-entered by its owner: a CPU that faults while printing (or a
 * redraw called from inside a write) still gets its bytes out. */
static bool console_lock_take(void)
{
	int32_t me = cpus[0] ? (int32_t)this_cpu()->cpu_id : 0;

	if (console_owner == me)
		return false;
	spin_lock(&console_lock);
	console_owner = me;
	return true;
}

static void console_lock_give(bool taken)
{
	if (taken) {
		console_owner = -1;
		spin_unlock(&console_lock);
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

void console_write(const char *s, size_t len)
{
	bool taken = console_lock_take();

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

/* Shows the prompt unless it is up already or a VM has the focus. */
static void show_prompt_locked(void)
{
	if (editor_ready && !focus && !lineedit_prompt_visible(&editor)) {
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

static void vm_uart_tx(void *ctx, uint8_t byte)
{
	console_vm_tx(ctx, byte);
}

void console_vm_attach(struct vm *vm)
{
	vconsole_init(&vm->con, vm->con.ring);
	vm->con_was_focused = false;
	vuart_init(&vm->uart, vm_uart_tx, vm);
}

void console_vm_tx(struct vm *vm, uint8_t byte)
{
	const char *line;
	size_t len;

	/* The common case, a VM without the focus, takes no lock per byte;
	 * one that has or had the focus decides under the lock, so a focus
	 * change cannot slip between the check and its raw write. */
	bool taken = false, focused = false;
	if (focus == vm || vm->con_was_focused) {
		taken = console_lock_take();
		focused = focus == vm;
	}

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
	}
	console_lock_give(taken);
	if (!focused && complete)
		log_rawf("%s| %.*s\n", vm->cfg.name, (int)len, line);
}

void console_vm_flush(struct vm *vm)
{
	const char *line;
	size_t len = vconsole_take_partial(&vm->con, &line);

	if (len && !vm->con_was_focused)
		log_rawf("%s| %.*s\n", vm->cfg.name, (int)len, line);
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

bool console_input_pending(void)
{
	if (polling)
		drain_uart();
	return __atomic_load_n(&rx_tail, __ATOMIC_ACQUIRE) != rx_head;
}

void console_poll(void)
{
	/* Re-entry (a command that waits, polling meanwhile) would interleave
	 * two commands' state; the second waits for the first. */
	static bool busy;

	if (busy || !console_input_pending())
		return;
	busy = true;
	while (__atomic_load_n(&rx_tail, __ATOMIC_ACQUIRE) != rx_head) {
		uint8_t c = rx_ring[rx_head % RX_RING];
		__atomic_store_n(&rx_head, rx_head + 1, __ATOMIC_RELEASE);
		input_byte(c);
		if (polling)
			drain_uart();
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
	show_prompt_locked();
	console_lock_give(taken);
}

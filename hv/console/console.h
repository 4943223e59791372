/* hv/console/console.h - The one serial console, shared by everyone: the
 * hypervisor's log lines, every VM's serial output, and the operator's
 * keystrokes, which go either to the debug shell (prompt "hv> ") or to one
 * VM, the focus. Ctrl-A then a key moves the focus:
 *
 *   Ctrl-A s (or 0)   the shell          Ctrl-A 1..9   the Nth VM (as `vms` lists them)
 *   Ctrl-A n          the next one       Ctrl-A a      a literal Ctrl-A for the focused VM
 *   Ctrl-A ?          these keys
 *
 * The focused VM's output is written raw (its own escape sequences work);
 * the others' appear line by line as "NAME| text", filtered. Every VM's
 * output is also kept in its 16 KiB ring (`log NAME`).
 *
 * Locking: one console lock makes every line whole; the shell's line
 * editor is only touched under it, so a line from another CPU can erase
 * the prompt, print, and redraw it. Input is taken by the boot CPU only. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "lib/types.h"

struct vm;
struct madt_info;

#define CONSOLE_ESCAPE 0x01   /* Ctrl-A */

/* The log sink: whole lines, written under the console lock. Usable from
 * the first line of hv_main (and in a panic, by the CPU holding the lock). */
void console_write(const char *s, size_t len);

/* Starts taking input: the UART's receive interrupt through the I/O APIC to
 * the boot CPU, or, without a usable I/O APIC, polling on the boot CPU's
 * timer tick. Logs which. */
void console_start_input(const struct madt_info *madt);
/* True when input is polled: the boot CPU must keep its timer ticking. */
bool console_polling(void);

/* Wires a VM's serial output to the console, into its ring of
 * VCONSOLE_RING_SIZE bytes (vm->con.ring; NULL: no history). Start-up
 * calls it once the VM is built. */
void console_vm_attach(struct vm *vm);
/* One byte the VM's UART sent (on the VM's CPU). */
void console_vm_tx(struct vm *vm, uint8_t byte);
/* The VM is stopping: its partial last line is written (before its stop
 * line). */
void console_vm_flush(struct vm *vm);
/* The VM stopped (vm->state says so): if it had the focus, the shell gets
 * it back. */
void console_vm_stopped(struct vm *vm);

/* Focus: NULL is the shell. A stopped VM cannot take it (false, err set). */
bool console_set_focus(struct vm *vm, char *err, size_t errlen);
struct vm *console_focus(void);

/* The shell is ready: shows the prompt if the shell has the focus. */
void console_shell_start(void);
/* Takes the keystrokes that arrived (boot CPU, between guest exits or
 * while idle); runs the shell's commands. */
void console_poll(void);
/* True when keystrokes are waiting for console_poll(). */
bool console_input_pending(void);

#endif

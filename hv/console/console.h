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
 * A guest's UART write only queues the byte in its UART's transmit ring
 * (hv/vdev/vuart.h); the console owner, whoever holds the console lock,
 * drains the rings to the real UART: the boot CPU in console_poll(), and
 * any CPU before it prints a hypervisor line. A full ring holds its guest
 * back (LSR.THRE clear), never another VM.
 *
 * Locking: one console lock makes every line whole; the shell's line
 * editor is only touched under it, so a line from another CPU can erase
 * the prompt, print, and redraw it. No exit handler takes it. Input is
 * taken by the boot CPU only. The prompt shows only once a key has come:
 * with nobody typing, the serial stream holds whole lines only. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "lib/types.h"

struct vm;
struct madt_info;

#define CONSOLE_ESCAPE 0x01   /* Ctrl-A */

/* The log sink: whole lines, written under the console lock, after the
 * VM output queued before them. Usable from the first line of hv_main (and
 * in a panic, by the CPU holding the lock). */
void console_write(const char *s, size_t len);

/* Starts taking input: the UART's receive interrupt through the I/O APIC to
 * the boot CPU, or, without a usable I/O APIC, polling on the boot CPU's
 * timer tick. Logs which. */
void console_start_input(const struct madt_info *madt);
/* True when input is polled: the boot CPU must poll on a timer. */
bool console_polling(void);

/* Wires a VM's UART to the console: its transmit ring is drained into its
 * history ring of VCONSOLE_RING_SIZE bytes (vm->con.ring; NULL: no
 * history) and its lines. Start-up calls it once the VM is built. */
void console_vm_attach(struct vm *vm);
/* The VM is stopping (on its CPU): everything it sent is written, its
 * partial last line too, before its stop line. */
void console_vm_flush(struct vm *vm);
/* The VM stopped (vm->state says so): if it had the focus, the shell gets
 * it back. */
void console_vm_stopped(struct vm *vm);

/* Focus: NULL is the shell. A stopped VM cannot take it (false, err set). */
bool console_set_focus(struct vm *vm, char *err, size_t errlen);
struct vm *console_focus(void);

/* The shell is ready: shows the prompt if the shell has the focus. */
void console_shell_start(void);
/* The boot CPU's console work, between its vCPUs' slices and while idle:
 * drains VM output (a budget at a time), takes the keystrokes that
 * arrived, runs the shell's commands. */
void console_poll(void);
/* True when keystrokes or VM output are waiting for console_poll(). */
bool console_input_pending(void);

#endif

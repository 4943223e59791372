/* hv/vdev/vi8042.h - The PC's keyboard controller: an Intel 8042 with a
 * PS/2 keyboard and mouse (hv/vdev/vps2.h) behind it, as QEMU 7.2's
 * hw/input/pckbd.c presents it (command set: IBM PS/2 Technical Reference,
 * "Keyboard/Auxiliary Device Controller"). Data port 0x60, status/command
 * port 0x64: two pio_ops of one port each, on the same struct vi8042.
 *
 * Status (read 0x64):
 *   bit 0 OBF      a byte waits in the output buffer (read it from 0x60)
 *   bit 1 IBF      always 0: a byte written is processed at once
 *   bit 2 SYS      set by the self-test (AA); the command byte's bit 2 does
 *                  not reach it (QEMU's pckbd)
 *   bit 3 CMD      "the last write went to 0x64": 1 for good, as QEMU
 *                  sets it at reset and never clears it
 *   bit 4          keyboard not inhibited (the key lock is open): always 1
 *   bit 5 AUX_OBF  the waiting byte is the mouse's
 *   bits 6-7       no timeout, no parity error
 *
 * Command byte (20 reads it, 60 writes it): bit 0 IRQ 1 on keyboard data,
 * bit 1 IRQ 12 on mouse data, bit 2 SYS, bit 4 keyboard interface off,
 * bit 5 mouse interface off, bit 6 translation to scancode set 1.
 *
 * Controller commands (write 0x64; a byte answered goes to the output
 * buffer as the keyboard's unless said):
 *   20 command byte         60 write the command byte (next byte to 0x60)
 *   A7/A8 mouse interface off/on     AD/AE keyboard interface off/on
 *   A9 mouse interface test (00)     AB keyboard interface test (00)
 *   AA self-test (55; sets SYS)      C0 input port (80: not inhibited)
 *   D0 output port          D1 write the output port (next byte)
 *   D2/D3 next byte to the output buffer as the keyboard's / mouse's
 *   D4 next byte to the mouse        DD/DF A20 off/on (HP; QEMU has them)
 *   F0-FF pulse output-port bits 0-3 low for those whose command bit is 0:
 *         bit 0 is the CPU reset line, so FE (and every even one) resets
 *   A command that takes no data byte leaves one still waiting for its
 *   byte in place, as QEMU's write_cmd (the byte then goes to that one).
 *   Other commands (A1 version, 21-3F/61-7F controller RAM) are not
 *   modelled: ignored, no answer, as on QEMU.
 * A byte written to 0x60 with no command waiting goes to the keyboard, and
 * turns the keyboard interface back on, as QEMU does (D4 does so for the
 * mouse).
 *
 * Output port (D0/D1): bit 0 = 0 resets the CPU (reset_request), bit 1 is
 * A20 (a20_changed), bits 4/5 read as the output buffer's keyboard/mouse
 * byte; the others are kept. Reset value 0xCF, A20 on.
 *
 * The output buffer holds one byte; when it is empty the next is taken from
 * the controller's own answer, then the keyboard's queue (unless its
 * interface is off), then the mouse's (likewise). A read of 0x60 takes the
 * byte and empties the buffer; with the buffer empty it returns the last
 * byte again (QEMU: EMM386 needs that).
 *
 * Interrupts, as QEMU: IRQ 1 is asserted while the buffer holds a keyboard
 * or controller byte, command-byte bit 0 is set and the keyboard
 * interface is on; IRQ 12 while it holds a mouse byte and bit 1 is set.
 * A read of 0x60 lowers the line; the next byte raises it again (an edge
 * per byte for the PIC's edge-triggered inputs).
 *
 * Reset state: what a PC's firmware (SeaBIOS on QEMU's pc machine) leaves
 * for the OS, since our VMs boot without one: status 0x1c (SYS from the
 * self-test, CMD as QEMU's reset sets it, unlocked),
 * command byte 0x61 (IRQ 1, mouse interface off, translation), keyboard
 * scanning in set 2, mouse disabled, output port 0xCF, buffer empty.
 *
 * Wider accesses use the low byte (other bytes read as all ones, as the
 * unclaimed ports beside would).
 *
 * Callbacks (reset_request, a20_changed) are called after the lock is
 * released; the IRQ lines with it held (vdev.h). */
#ifndef HV_VDEV_VI8042_H
#define HV_VDEV_VI8042_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "hv/vdev/vps2.h"
#include "lib/spinlock.h"

#define VI8042_DATA_PORT    0x60u
#define VI8042_STATUS_PORT  0x64u

#define VI8042_STR_OBF      0x01u
#define VI8042_STR_IBF      0x02u
#define VI8042_STR_SYS      0x04u
#define VI8042_STR_CMD      0x08u
#define VI8042_STR_UNLOCKED 0x10u
#define VI8042_STR_AUX_OBF  0x20u

#define VI8042_CTR_KBD_INT  0x01u
#define VI8042_CTR_AUX_INT  0x02u
#define VI8042_CTR_SYS      0x04u
#define VI8042_CTR_KBD_OFF  0x10u
#define VI8042_CTR_AUX_OFF  0x20u
#define VI8042_CTR_XLATE    0x40u

#define VI8042_OUT_RESET    0x01u   /* 0 = CPU in reset */
#define VI8042_OUT_A20      0x02u
#define VI8042_OUT_OBF      0x10u
#define VI8042_OUT_AUX_OBF  0x20u

/* Where the byte in the output buffer came from. */
enum vi8042_source {
	VI8042_SRC_CTRL,      /* the controller's answer, as the keyboard's */
	VI8042_SRC_CTRL_AUX,  /* the controller's answer, as the mouse's (D3) */
	VI8042_SRC_KBD,
	VI8042_SRC_AUX,
};

struct vi8042 {
	struct spinlock lock;
	struct irq_line kbd_irq, aux_irq;     /* IRQ 1, IRQ 12 */
	void (*reset_request)(void *ctx, const char *how);
	void (*a20_changed)(void *ctx, bool on);
	void *ctx;
	uint8_t command_byte;
	uint8_t status;            /* SYS and CMD; the rest is computed */
	uint8_t output_port;       /* without bits 4/5 (computed) */
	uint8_t pending_command;   /* 60, D1-D4 waiting for their data byte; 0 none */
	bool obf;                  /* the output buffer holds a byte... */
	uint8_t ob_source;         /* ...from here (enum vi8042_source) */
	uint8_t ob_last;           /* the last byte read from 0x60 */
	bool ctrl_pending;         /* the controller has an answer... */
	bool ctrl_aux;             /* ...marked as the mouse's */
	uint8_t ctrl_byte;
	bool kbd_level, aux_level; /* what the IRQ lines were last set to */
	uint64_t keys_dropped;     /* vi8042_queue_key calls that found no room */
	struct vps2_kbd kbd;
	struct vps2_mouse mouse;
};

extern const struct pio_ops vi8042_data_ops;     /* 1 port: 0x60 */
extern const struct pio_ops vi8042_status_ops;   /* 1 port: 0x64 */

/* kbd_irq and aux_irq are copied (NULL: not connected); reset_request
 * must be given, a20_changed may be NULL. Then vi8042_reset. */
void vi8042_init(struct vi8042 *c, const struct irq_line *kbd_irq, const struct irq_line *aux_irq,
		 void (*reset_request)(void *ctx, const char *how), void (*a20_changed)(void *ctx, bool on),
		 void *ctx);
/* The reset state above; both IRQ lines lowered. A20 is on after it (no
 * a20_changed call: the board resets its A20 with the machine). */
void vi8042_reset(struct vi8042 *c);

/* A scancode byte for the guest, as it should read it (set 1 while the
 * command byte's translation is on, vi8042_kbd_translating; no translation
 * is done here). False, dropped and counted when the keyboard is not
 * scanning or its queue is full. */
bool vi8042_queue_key(struct vi8042 *c, uint8_t scancode);
bool vi8042_kbd_translating(struct vi8042 *c);

#endif

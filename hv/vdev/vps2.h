/* hv/vdev/vps2.h - The two PS/2 devices behind the virtual 8042: an MF2
 * keyboard and a PS/2 mouse, answering the host's command bytes as QEMU
 * 7.2's hw/input/ps2.c does (command sets: IBM PS/2 Technical Reference,
 * "Keyboard and Auxiliary Device Controller"; Linux's atkbd.c and
 * psmouse-base.c are the main users).
 *
 * A device has a bounded queue of bytes for the controller to take. The
 * keyboard keeps its command replies ahead of the scancodes it has queued
 * (a reply is what the host waits for), and a new command drops a reply
 * not yet read, as QEMU does; the mouse queues replies in order, and a
 * reply that does not fit whole is dropped, as QEMU does.
 *
 * Keyboard, commands (reply):
 *   FF reset (FA AA; scanning on, set 2, LEDs off, queue emptied)
 *   F6 defaults, scanning on (FA)   F5 defaults, scanning off (FA)
 *   F4 scanning on (FA)             F2 identify (FA AB 83; FA AB 41 through
 *                                      the controller's translation)
 *   EE echo (EE)                    ED LEDs, F3 typematic, FC make/break:
 *                                      FA, then FA for the argument byte
 *   F0 scancode set: FA, then for the argument 0: FA and the set (43/41/3F
 *      when translated, as the 8042's table turns 1/2/3), 1-3: FA, else FE
 *   FA all keys typematic (FA)      00 (FA) and 05 (FE), as QEMU answers them
 *   anything else: FE (resend)
 * Mouse, commands (reply FA unless said):
 *   FF reset (FA AA 00; defaults, queue emptied), F6 defaults, F5 disable,
 *   F4 enable, F3 sample rate + argument, F2 identify (FA, type), F0
 *   remote mode, EE wrap mode (echoes every byte but EC and FF), EC wrap
 *   off, EB poll (FA and a packet without motion), EA stream mode, E9
 *   status (FA, status, resolution, sample rate), E8 resolution +
 *   argument, E7/E6 scaling 2:1 / 1:1. The sample-rate sequences
 *   200,100,80 and 200,200,80 make it an IntelliMouse (type 3) and an
 *   IntelliMouse Explorer (type 4), as on QEMU. Anything else: no reply
 *   (QEMU ignores it; the host times out).
 *
 * Not modelled: key and mouse input (no host device is wired; scancodes
 * come only through vps2_kbd_queue_scancode), typematic repeat, per-key
 * make/break modes of set 3, the LEDs beyond remembering them. */
#ifndef HV_VDEV_VPS2_H
#define HV_VDEV_VPS2_H

#include "lib/types.h"

#define VPS2_QUEUE_SIZE 16u  /* bytes a device holds (QEMU's PS2_QUEUE_SIZE) */
#define VPS2_REPLY_SIZE 4u   /* a keyboard reply held ahead of the scancodes */

struct vps2_kbd {
	uint8_t reply[VPS2_REPLY_SIZE];
	uint8_t reply_head, reply_count;
	uint8_t scan[VPS2_QUEUE_SIZE];
	uint8_t scan_head, scan_count;
	uint8_t pending_cmd;    /* a command waiting for its argument byte; 0 none */
	bool scanning;          /* keys are sent (F4) or not (F5) */
	uint8_t scancode_set;   /* 1..3 */
	uint8_t leds;           /* ED argument: scroll, num, caps lock in bits 0-2 */
	uint8_t typematic;      /* F3 argument */
};

struct vps2_mouse {
	uint8_t queue[VPS2_QUEUE_SIZE];
	uint8_t head, count;
	uint8_t pending_cmd;    /* E8 or F3 waiting for their argument; 0 none */
	uint8_t status;         /* E9's first byte: remote (6), enabled (5), 2:1 scaling (4) */
	uint8_t resolution, sample_rate;
	uint8_t type;           /* 0 PS/2, 3 IntelliMouse, 4 IntelliMouse Explorer */
	uint8_t detect_state;   /* progress through a sample-rate sequence */
	bool wrap;
};

/* Power-on: keyboard scanning in set 2, LEDs off; mouse disabled, stream
 * mode, 100 samples/s, 4 counts/mm, 1:1; both queues empty. */
void vps2_kbd_reset(struct vps2_kbd *k);
void vps2_mouse_reset(struct vps2_mouse *m);

/* A byte from the host. translated: the controller's XLATE bit (it changes
 * the identify and scancode-set replies as the 8042's table would). */
void vps2_kbd_write(struct vps2_kbd *k, uint8_t val, bool translated);
void vps2_mouse_write(struct vps2_mouse *m, uint8_t val);

/* A byte for the controller is waiting; the next one (replies first).
 * Reading an empty device returns 0. */
bool vps2_kbd_pending(const struct vps2_kbd *k);
uint8_t vps2_kbd_read(struct vps2_kbd *k);
bool vps2_mouse_pending(const struct vps2_mouse *m);
uint8_t vps2_mouse_read(struct vps2_mouse *m);

/* A scancode byte from a key (input path): false, and dropped, when
 * scanning is off or the queue is full. */
bool vps2_kbd_queue_scancode(struct vps2_kbd *k, uint8_t b);

#endif

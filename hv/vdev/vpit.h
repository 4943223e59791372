/* hv/vdev/vpit.h - The PC's 8254 programmable interval timer at ports
 * 0x40-0x43, as QEMU 7.2's i8254 (hw/timer/i8254.c, i8254_common.c)
 * behaves, and system control port B at 0x61, as QEMU's PC speaker
 * (hw/audio/pcspk.c) answers it; the PIT's channel 2 lives behind it. QEMU's
 * PC is the oracle (tests/guests/mb/pit.c compares the two), so where QEMU
 * simplifies the Intel 82C54 datasheet this model simplifies the same way;
 * the datasheet is cited where QEMU agrees with it.
 *
 *   0x40-0x42  channels 0-2: count bytes in, count or status bytes out
 *   0x43       control word (write only; reads 0, no side effect): SC1-0
 *              channel (3 = read-back), RW1-0 access (0 = counter latch,
 *              1 LSB, 2 MSB, 3 LSB then MSB), M2-M0 mode (kept as
 *              written, 0-7), BCD (kept, not used)
 *   0x61       bit 0 GATE2 (r/w), bit 1 speaker data (r/w, stored: there
 *              is no speaker), bit 4 the refresh bit (read only: flips at
 *              every read, QEMU's dummy_refresh_clock), bit 5 OUT2 (read
 *              only); bits 2, 3, 6, 7 read 0 and writes to them are dropped
 *
 * Wiring. The input clock is 1193182 Hz (PIT_HZ, QEMU's PIT_FREQ). GATE0
 * and GATE1 are high for good; GATE2 is port 0x61 bit 0. OUT0 drives irq0
 * (the board routes it to ISA IRQ 0); OUT1 goes nowhere; OUT2 is read at
 * port 0x61.
 *
 * Counting (vpit_wave.h has the per-mode functions). A counter is its mode,
 * its count N (1..65536) and the guest TSC of its load; d, the PIT clocks
 * since the load, is computed from the guest clock (vdev.h) with muldiv64
 * at clock->hz, never accumulated, so nothing drifts. As in QEMU:
 * - a count is loaded when its last byte is written (LSB, MSB, or the MSB
 *   of LSB-then-MSB), whatever the mode and the gate: counting starts at
 *   once, in modes 1 and 5 too (the datasheet waits for a trigger), and
 *   the first byte of two changes nothing;
 * - the gate only matters at its rising edge, which restarts modes 1, 2, 3
 *   and 5 from their count; a low gate stops nothing (QEMU's
 *   pit_set_channel_gate leaves gating of the count out);
 * - a control word sets the mode, access and BCD bit and resets the byte
 *   state machines, nothing else: the counter goes on from its old load
 *   with its old count, judged by the new mode, and OUT follows from that;
 * - counts are binary whatever the BCD bit (QEMU has no BCD: a count of
 *   0x1000 is 4096 clocks), and the bit is kept for the status byte;
 * - mode 3 steps by 2 modulo N (odd counts show odd values); modes 6 and 7
 *   count as mode 2 and have mode 0's OUT (vpit_wave.h);
 * - OUT: mode 0 high from d = N on; mode 1 high until d = N; mode 2 high
 *   only at the reloads d = kN, k >= 1; mode 3 high for the first
 *   (N+1)/2 clocks of each period; modes 4 and 5 high only at d = N.
 * Status (read-back): OUT (7), RW1-0, M2-M0 and BCD as written; NULL COUNT
 * (6) always 0, since a count takes effect when written (QEMU models
 * neither BCD counting nor NULL COUNT).
 *
 * Reads and writes (QEMU's pit_ioport_read/write): a control word sets the
 * read and write byte states to its access; in LSB-then-MSB access each
 * read of a live count toggles low/high, each write of a count toggles
 * too, separately. A counter latch (or read-back COUNT) takes the count
 * once until it is read out in the access of that moment (a second latch
 * before is ignored), and reading it does not move the live read state; a
 * latched status (read-back STATUS, once until read) is read before a
 * latched count. Before any control word a channel's access is 0: reads
 * and writes are LSB only and the counter latch does nothing, as in QEMU.
 *
 * IRQ 0 and deadlines (vdev.h). irq0 is QEMU's channel 0 timer's view of
 * OUT0 (vpit_wave.h: the line takes OUT0 at each expiry of a timer set for
 * its transitions; so mode 2 raises it at d = kN + 1 and drops it one
 * clock before the next reload). Every port access, expiry and reset
 * first runs that timer up to "now" and ends by giving irq0 the line's
 * level then. The deadline is the next expiry that raises the line (the
 * interrupt edge); the expiries that lower it are not waited for: irq0
 * follows them at the next look. vpit_expire(now) delivers the rises up to
 * now: if one or more happened since the last look, irq0 makes one
 * low-high transition, then takes the line's level at now. Several periods
 * missed (the host was busy) are one interrupt edge, not a burst; the guest
 * sees the same under QEMU, which replays the missed expiries at once into
 * a PIC whose IRR keeps one edge of them. The hook is called after every
 * expiry and reset and every access that may move channel 0's deadline;
 * channels 1 and 2 have no timer, as in QEMU.
 *
 * Power-on (vpit_init) is QEMU's device creation (everything 0, irq0 low)
 * followed by its reset; reset (vpit_reset, QEMU's pit_reset) puts every
 * channel in mode 3 with count 65536 from now, GATE0/1 high and GATE2 low,
 * and sets channel 0's timer for its first transition without touching
 * the line, so IRQ 0 first rises 32768 clocks (27.5 ms) after power-on,
 * then at 18.2 Hz. Like QEMU's, the reset leaves the access modes, byte
 * states, latches and BCD bits as they were, and port 0x61's speaker and
 * refresh bits (pcspk has no reset).
 *
 * Access sizes: the ports are byte registers (QEMU's region takes bytes
 * only): a wider access at 0x40-0x43 is done byte by byte, port after port
 * from the lowest (OUTW 0x42 writes 0x42 then 0x43), reads assembled little
 * endian; bytes past a range's end (the bus never sends them) read 0xFF and
 * are not written.
 *
 * Departures from QEMU 7.2, none a guest can tell: time is the guest TSC,
 * not QEMU's virtual nanoseconds (so a timer expiry sees d' - 1 by rule,
 * where QEMU's rounding gives d' once in 596591 transitions), an expiry
 * happens at the first guest TSC tick of its PIT clock rather than the
 * nanosecond before, and missed periods are skipped rather than replayed.
 *
 * Locking: every entry point takes pit->lock; irq0 and the hook are called
 * with it held (vdev.h). */
#ifndef HV_VDEV_VPIT_H
#define HV_VDEV_VPIT_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "hv/vdev/vpit_wave.h"
#include "lib/spinlock.h"

#define VPIT_BASE        0x40u
#define VPIT_PORTS       4u
#define VPIT_PORT61      0x61u
#define VPIT_CHANNELS    3u
#define PIT_HZ           1193182u   /* the 8254's input clock on a PC */

/* One counter: QEMU's PITChannelState less what it keeps for KVM. */
struct vpit_channel {
	uint8_t mode;            /* M2-M0 as written: 0-7 */
	uint8_t rw_mode;         /* RW1-0 of the last control word: 0 (none yet), 1-3 */
	uint8_t read_state;      /* VPIT_RW_*: the next live byte read */
	uint8_t write_state;     /* VPIT_RW_*: the next count byte written */
	uint8_t write_latch;     /* the LSB of a two-byte count being written */
	bool bcd;
	bool gate;
	uint32_t count;          /* 1..65536 */
	uint64_t load_tsc;       /* guest TSC of the load (or the gate's restart) */
	uint16_t latched_count;
	uint8_t count_latched;   /* VPIT_RW_* of the latched bytes still to read, 0 none */
	bool status_latched;
	uint8_t status;
};

/* Byte states (QEMU's RW_STATE_*): 1 LSB, 2 MSB, 3 LSB then MSB at the
 * LSB, 4 at the MSB; 0 (power-on) acts as 1. */
#define VPIT_RW_LSB      1u
#define VPIT_RW_MSB      2u
#define VPIT_RW_WORD0    3u
#define VPIT_RW_WORD1    4u

struct vpit {
	struct spinlock lock;
	const struct vclock *clock;
	struct irq_line irq0;
	struct vdev_deadline_hook hook;
	struct vpit_channel ch[VPIT_CHANNELS];
	struct vpit_irq_timer timer;   /* channel 0's: IRQ 0 (vpit_wave.h) */
	bool irq0_level;         /* the level irq0 was last given */
	uint64_t last_now;       /* the latest guest TSC looked at: time never goes back */
	bool speaker_data;       /* port 0x61 bit 1 */
	bool refresh;            /* port 0x61 bit 4, flipped by each read */
};

extern const struct pio_ops vpit_ops;          /* 4 ports: 0x40-0x43 */
extern const struct pio_ops vpit_port61_ops;   /* 1 port: 0x61; dev = the same struct vpit */

/* Power-on state (above), counting from vclock_now(clock): the clock must
 * work already. Calls neither irq0 nor the hook: irq0 is taken as low, as
 * a PIC's input starts; the board reads vpit_next_deadline() after init. */
void vpit_init(struct vpit *pit, const struct vclock *clock, struct irq_line irq0,
	       struct vdev_deadline_hook hook);
/* QEMU's reset (above); irq0 keeps its level, the hook is called. Also
 * the ops' reset. */
void vpit_reset(struct vpit *pit);

/* Guest TSC of channel 0's next interrupt edge (the next expiry of its
 * timer that raises IRQ 0), VDEV_NO_DEADLINE if none will come. Changes
 * nothing; may be in the past (the board then expires at once). */
uint64_t vpit_next_deadline(struct vpit *pit);
/* Delivers what happened up to `now` (see above); calls the hook. An
 * earlier `now` than the last look changes nothing. */
void vpit_expire(struct vpit *pit, uint64_t now);

#endif

/* hv/vdev/vpit.h - The PC's 8254 programmable interval timer (behaviour:
 * the Intel 82C54 datasheet; where it is silent, QEMU 7.2's
 * hw/timer/i8254.c, i8254_common.c) at ports 0x40-0x43, and system control
 * port B at 0x61 (QEMU's hw/audio/pcspk.c), whose bits the PIT's channel 2
 * lives behind.
 *
 *   0x40-0x42  channels 0-2: count bytes in, count or status bytes out
 *   0x43       control word (write only; reads 0, as QEMU): SC1-0 channel
 *              (3 = read-back), RW1-0 access (0 = counter latch, 1 LSB,
 *              2 MSB, 3 LSB then MSB), M2-M0 mode (6, 7 are 2, 3), BCD
 *   0x61       bit 0 GATE2 (r/w), bit 1 speaker data enable (r/w, stored:
 *              there is no speaker), bit 4 refresh request (read only:
 *              toggles every 18 PIT clocks, 15.085 us, from the guest
 *              clock), bit 5 OUT2 (read only); bits 2, 3, 6, 7 read 0 and
 *              writes to them are dropped, as in QEMU
 *
 * Wiring. The input clock is 1193182 Hz (PIT_HZ). GATE0 and GATE1 are high
 * for good; GATE2 is port 0x61 bit 0. OUT0 drives irq0 (the board routes it
 * to ISA IRQ 0); OUT1 goes nowhere (DRAM refresh on old PCs); OUT2 is read
 * at port 0x61.
 *
 * Counting is never by events: a counter's value and OUT are functions of
 * the guest clock (vdev.h), from the guest TSC at which its count was
 * loaded (or its gate rose) and the PIT clocks since then, converted with
 * muldiv64 at clock->hz, so there is no drift however long it runs. A
 * count is in the counting element at the write that completes it (at the
 * gate's rising edge in modes 1 and 5) and the first decrement comes one
 * PIT clock later, as QEMU counts: the datasheet's extra load clock is not
 * modelled, so OUT0 of mode 0 rises exactly count/1193182 s after the
 * count is written (or GATE2 rises), which is what a guest calibrating its
 * TSC measures. Count 0 is 65536 (10000 in BCD).
 *
 *   mode  OUT, for count N, d PIT clocks after the load
 *   0     low from the control word; high at d = N, stays (terminal count)
 *   1     high; a GATE rising edge triggers: low, high at d = N
 *   2     high; low for one clock when the counter reaches 1 (d = kN-1),
 *         high again at the reload (d = kN): the period's rising edge
 *   3     high for ceil(N/2) clocks, low for floor(N/2): rising at d = kN;
 *         the counter counts down by 2 (odd N: from N-1, both halves)
 *   4     high; low for one clock at d = N (the strobe), high at N+1
 *   5     as 4, started by a GATE rising edge
 * Gate (datasheet table "Gate Pin Operations"): low suspends counting in
 * modes 0, 2, 3, 4 (2 and 3 also force OUT high, and their rising edge
 * reloads the count); a rising edge triggers modes 1, 2, 3, 5. A new count
 * written while counting: modes 0 and 4 take it at once (in mode 0 the
 * first byte of a two-byte count already stops counting, OUT low); modes 2
 * and 3 at the end of the current period (mode 2) or half-cycle (mode 3),
 * or at a gate trigger before that; modes 1 and 5 at the next trigger.
 * Mode 2 with N = 1 (illegal per the datasheet) holds OUT low; mode 3 with
 * N = 1 holds it high. Not modelled: BCD digits A-F (a nibble counts with
 * its value, the count taken modulo 10000).
 *
 * Departures from QEMU 7.2 (its i8254 simplifies where the datasheet is
 * explicit): the gate suspends counting and modes 1 and 5 wait for a
 * trigger (QEMU counts from the count write whatever the gate); OUT has the
 * datasheet's polarity in modes 2 and 4 (QEMU's is high only for the
 * reload clock, resp. at d = N), so a mode 4 interrupt edge comes at N+1,
 * one PIT clock after QEMU's; mode 3 with odd counts reads N-1, N-3, ...;
 * BCD counts count down in decimal (QEMU's takes them as binary: a count
 * of 0x1000 is 4096 clocks there, 1000 here, and reads show binary);
 * NULL COUNT and the deferred loads of modes 2 and 3 are modelled; a
 * control word sets OUT at once; the refresh bit comes from the clock
 * (QEMU flips it on every read).
 *
 * Reads: a latched status byte first, then a latched count (counter latch
 * command or read-back: latching again before it is read is ignored), else
 * the live count in the channel's access format (lo/hi alternate; reads and
 * writes have separate byte flip-flops, so they may be interleaved).
 * Status (read-back): OUTPUT (7), NULL COUNT (6: the last count written is
 * not yet in the counting element), RW1-0, M2-M0 as written, BCD.
 *
 * IRQ 0 and deadlines (vdev.h). irq0 carries OUT0 as of the model's last
 * look: every port access, expiry and reset first brings channel 0 up to
 * its "now" and ends by giving irq0 OUT0's level then (vpit_next_deadline
 * only reads). The deadline is the next rising edge of OUT0, the interrupt
 * edge (falling edges are not waited for: irq0 follows them at the next
 * look). vpit_expire(now) delivers the rising edges up to now: if one or
 * more happened since the last look, irq0 makes one low-high transition,
 * then takes OUT0's level at now. Several periods missed (the host was
 * busy) are one interrupt edge, not a burst; the guest sees the same under
 * QEMU, which replays the missed transitions at once into a PIC whose IRR
 * keeps one edge of them. The next deadline is then the next period after
 * now, in phase with the original load (no drift). The hook is called
 * after every expiry and reset and every access that may move channel 0's
 * deadline (its control word or count, or a look that delivered an edge);
 * channels 1 and 2 have no deadline, so GATE2 and their programming do not
 * call it.
 *
 * Power-on (vpit_init, vpit_reset), as QEMU's reset: every channel in mode
 * 3, binary, LSB-then-MSB, count 65536, counting from the reset (channel 2
 * waits for GATE2, which is low), so IRQ 0 ticks at 18.2 Hz until the
 * guest programs channel 0; the speaker bit clear.
 *
 * Access sizes: the ports are byte registers (QEMU's region takes bytes
 * only): a wider access at 0x40-0x43 is done byte by byte, port after port
 * from the lowest (OUTW 0x42 writes 0x42 then 0x43), reads assembled little
 * endian; bytes past a range's end (the bus never sends them) read 0xFF and
 * are not written.
 *
 * Locking: every entry point takes pit->lock; irq0 and the hook are called
 * with it held (vdev.h). */
#ifndef HV_VDEV_VPIT_H
#define HV_VDEV_VPIT_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VPIT_BASE        0x40u
#define VPIT_PORTS       4u
#define VPIT_PORT61      0x61u
#define VPIT_CHANNELS    3u
#define PIT_HZ           1193182u   /* the 8254's input clock on a PC */

/* One counter. d, "PIT clocks since the load", is d_base plus the clocks
 * from t_start to now while the counter counts. */
struct vpit_channel {
	uint8_t mode_bits;       /* M2-M0 as written (status byte) */
	uint8_t mode;            /* 0-5 */
	uint8_t access;          /* RW1-0: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	/* count register */
	uint8_t cr_lsb;          /* the LSB of a two-byte count being written */
	bool write_msb_next;
	uint16_t cr;             /* the last count written, as written (BCD digits with bcd) */
	bool has_count;          /* a count was written since the control word */
	bool null_count;         /* ... and is not in the counting element yet */
	bool hold;               /* mode 0: the first byte of two written: stopped, OUT low */
	/* counting element */
	bool loaded;             /* counts N since the control word (modes 1, 5: since a trigger) */
	bool counting;           /* d advances (gate, trigger) */
	uint32_t n;              /* the count loaded: 1..65536 (1..10000 BCD) */
	uint64_t t_start;        /* guest TSC at which d was d_base */
	uint64_t d_base;
	uint16_t ce_frozen;      /* what a read shows while nothing is loaded */
	/* modes 2, 3: a count written while counting waits for d_switch */
	bool switch_pending;
	bool switch_to_low;      /* mode 3: at the end of a high half-cycle */
	uint64_t d_switch;
	/* reads */
	bool read_msb_next;
	uint8_t latch_bytes;     /* latched count bytes still to read: 0-2 */
	bool latch_msb_next;
	uint16_t latched;
	bool status_latched;
	uint8_t status;
};

struct vpit {
	struct spinlock lock;
	const struct vclock *clock;
	struct irq_line irq0;
	struct vdev_deadline_hook hook;
	struct vpit_channel ch[VPIT_CHANNELS];
	bool irq0_level;         /* the level irq0 was last given */
	uint64_t irq0_seen;      /* OUT0's rising edges up to this guest TSC are delivered */
	bool speaker_data;       /* port 0x61 bit 1 */
};

extern const struct pio_ops vpit_ops;          /* 4 ports: 0x40-0x43 */
extern const struct pio_ops vpit_port61_ops;   /* 1 port: 0x61; dev = the same struct vpit */

/* Power-on state (above), counting from vclock_now(clock): the clock must
 * work already. Calls neither irq0 nor the hook: irq0 is taken as already
 * at OUT0 (high), so its first edge is a full low-high transition at the
 * end of channel 0's first period; the board reads vpit_next_deadline()
 * after init. */
void vpit_init(struct vpit *pit, const struct vclock *clock, struct irq_line irq0,
	       struct vdev_deadline_hook hook);
/* Power-on state; irq0 set to OUT0 if it differs, the hook called. Also
 * the ops' reset. */
void vpit_reset(struct vpit *pit);

/* Guest TSC of channel 0's next interrupt edge (the next rising edge of
 * OUT0 not yet delivered), VDEV_NO_DEADLINE if none will come. Changes
 * nothing; may be in the past (the board then expires at once). */
uint64_t vpit_next_deadline(struct vpit *pit);
/* Delivers what happened up to `now` (see above); calls the hook. An
 * earlier `now` than the last look changes nothing. */
void vpit_expire(struct vpit *pit, uint64_t now);

#endif

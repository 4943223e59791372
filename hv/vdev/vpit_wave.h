/* hv/vdev/vpit_wave.h - One 8254 counter as QEMU 7.2 computes it, as pure
 * functions of d, the whole PIT clocks since the count was loaded (or the
 * gate restarted it), and of the channel's mode (the control word's three
 * M bits as written: 0-7) and count (1..65536, 0 written is 65536).
 *
 * What the guest reads: vpit_wave_count is QEMU's pit_get_count
 * (hw/timer/i8254.c), vpit_wave_out its pit_get_out (i8254_common.c).
 * When IRQ 0 changes: vpit_wave_next is its pit_get_next_transition_time,
 * in PIT clocks. QEMU's switches fall to their `default:` for modes 6 and
 * 7, so mode 6 and 7 count as mode 2 does but their OUT and transitions are
 * mode 0's; the BCD bit plays no part (QEMU counts binary).
 *
 * IRQ 0 (struct vpit_irq_timer) is not OUT0 itself but what QEMU's channel
 * 0 timer makes of it: the line takes OUT0's value at each expiry of the
 * timer, which is set for the next transition's nanosecond rounded down:
 * so an expiry at transition d' sees d = d'-1 (muldiv64 floors both ways;
 * exact only when 596591, a factor of PIT_FREQ, divides d'), and when the
 * next transition computed from there is d' again the timer is moved 1 ns
 * on ("fix potential rounding problems"), which sees d'. The timer fires
 * in that pattern whatever the mode: mode 2's line is therefore high but
 * for one clock a period, rising at d = kN + 1 (k >= 1), where its OUT is
 * high only at d = kN. The line is set at every load and follows the
 * expiries; a control word leaves the timer as it is (QEMU's control-word
 * write does not re-arm it), so the expiry it had pending is judged by the new mode. */
#ifndef HV_VDEV_VPIT_WAVE_H
#define HV_VDEV_VPIT_WAVE_H

#include "lib/types.h"

#define VPIT_WAVE_NONE UINT64_MAX

uint16_t vpit_wave_count(unsigned mode, uint32_t count, uint64_t d);
bool vpit_wave_out(unsigned mode, uint32_t count, uint64_t d);
/* The d of the next transition after d, VPIT_WAVE_NONE if none comes. */
uint64_t vpit_wave_next(unsigned mode, uint32_t count, uint64_t d);

/* QEMU's irq_timer of channel 0 and the level it last gave IRQ 0. */
struct vpit_irq_timer {
	bool armed;
	uint64_t at;       /* the transition d the timer is set for */
	bool nudged;       /* moved 1 ns past it: it sees d = at, not at - 1 */
	bool level;        /* the line as the timer (or a load) last set it */
	bool rose;         /* the line went low to high since the caller cleared it */
};

/* A load (pit_load_count, or a gate's restart) at d = 0: the line takes
 * OUT at 0, the timer is set for the first transition. */
void vpit_timer_load(struct vpit_irq_timer *t, unsigned mode, uint32_t count);
/* The reset's arming (QEMU's pit_reset): the timer set for the first
 * transition from 0, the line left as it is. */
void vpit_timer_arm(struct vpit_irq_timer *t, unsigned mode, uint32_t count);
/* Every expiry at or before d_now, in order (whole periods of modes 2 and
 * 3 skipped at once when far behind: one rising edge stands for them). */
void vpit_timer_run(struct vpit_irq_timer *t, unsigned mode, uint32_t count, uint64_t d_now);
/* The d of the expiry that will next raise the line, VPIT_WAVE_NONE if
 * none will (the timer is not changed). */
uint64_t vpit_timer_next_rise(const struct vpit_irq_timer *t, unsigned mode, uint32_t count);

#endif

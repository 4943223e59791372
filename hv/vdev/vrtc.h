/* hv/vdev/vrtc.h - The PC's real-time clock and CMOS memory: a Motorola
 * MC146818A (register map and behaviour: the MC146818A datasheet; where it
 * is silent, QEMU 7.2's hw/rtc/mc146818rtc.c) at ports 0x70 (index) and
 * 0x71 (data), IRQ 8.
 *
 * Ports. A write to 0x70 selects one of the 128 bytes (bits 6:0) and sets
 * the NMI mask (bit 7: 1 = NMIs disabled; it belongs to the chipset, not
 * the RTC, and is only kept for the board: vrtc_nmi_masked()). 0x70 reads
 * 0xFF, as on QEMU. 0x71 reads and writes the selected byte. A wider access
 * is split into byte accesses to 0x70, 0x71 (as QEMU's 1-byte-only
 * region does): OUTW 0x70 with AL = index, AH = value works.
 *
 * The 128 bytes: 0x00-0x09 the clock (seconds, alarm seconds, minutes,
 * alarm minutes, hours, alarm hours, day of week (1 = Sunday), day of month,
 * month, year), 0x0A-0x0D registers A-D, 0x32 the century (PC_CMOS_CENTURY,
 * which the FADT names; coded like the other clock bytes, BCD or binary),
 * the rest battery-backed memory the firmware and OS use.
 *
 * Time. The board says what the wall-clock time is at one instant of the
 * guest clock (vrtc_set_time); from then on the time is computed from the
 * guest clock (hv/vdev/vdev.h), never counted by events, so the RTC, the
 * TSC, the PIT and the PM timer agree. A second boundary of the divider
 * chain is an update: the clock bytes change, UF is set, AF when the time
 * matches the alarm. Everything a guest can poll (the time, UIP, the flags
 * in register C) is computed from the clock when it reads, so it reads
 * right whether or not an interrupt is enabled.
 *
 *   reg A  UIP (bit 7, read-only): set during the 244 us (1/4096 s) before
 *          each update, while updates run. DV2-0 (6:4): 010 runs the
 *          divider chain (a 32.768 kHz time base); any other value holds it
 *          (time stands, no updates, no periodic interrupt). When 010 is
 *          written again the first update comes half a second later
 *          (datasheet "Divider Control"). QEMU also lets 000 and 001 run.
 *          RS3-0 (3:0): the periodic rate, 0 = none, 1/2 = 3.90625/7.8125 ms,
 *          n = 3..15: 2^(n-1) cycles of 32.768 kHz (122 us .. 500 ms).
 *   reg B  SET (7): stops updates; the clock bytes may then be written and
 *          take effect, as written, when SET clears (the divider keeps its
 *          phase). Setting SET clears UIE (datasheet). PIE (6), AIE (5),
 *          UIE (4): interrupt enables. SQWE (3): kept (no SQW pin). DM (2):
 *          1 = binary, 0 = BCD. 24/12 (1): 1 = 24-hour, 0 = 12-hour with
 *          bit 7 of the hour = PM. DSE (0): kept, not acted on (as QEMU).
 *          A clock byte written while the clock runs sets the time at once.
 *   reg C  IRQF (7) = any of PF (6), AF (5), UF (4) with its enable. The
 *          flags are set by their events whether or not enabled, except
 *          PF, set only while PIE is set, as QEMU 7.2 does (its periodic
 *          timer runs only then; the datasheet has PF "independent of the
 *          state of PIE"); a read returns them and clears them all.
 *   reg D  VRT (7): always 1 (the battery is good).
 *   Alarm  bytes 0x01/0x03/0x05 compared with the time at each update; a
 *          byte of 0xC0-0xFF matches any value ("don't care"); a byte no
 *          time can take (e.g. seconds 0x75) never matches. In 12-hour mode
 *          the alarm hour has its own PM bit.
 *
 * IRQ 8 follows IRQF, as QEMU does: raised when a flag whose interrupt is
 * enabled gets set (or an enable is set while its flag is), lowered by the
 * register C read (or a register B write that leaves no enabled flag).
 *
 * Deadlines (vdev.h): vrtc_next_deadline() is the guest-clock time of the
 * next periodic tick, update or alarm match whose interrupt is enabled,
 * VDEV_NO_DEADLINE when none is, or while IRQ 8 is already asserted (no
 * event can change the line until register C is read, and the flags are
 * computed at that read). It changes nothing. vrtc_expire() brings the
 * flags and IRQ 8 up to date. The hook is called after every change that
 * may move the deadline.
 *
 * Locking: every entry point takes rtc->lock; the IRQ line and the hook are
 * called with it held (vdev.h). */
#ifndef HV_VDEV_VRTC_H
#define HV_VDEV_VRTC_H

#include "hv/vdev/iobus.h"
#include "hv/vdev/vdev.h"
#include "lib/spinlock.h"

#define VRTC_PORT_BASE   0x70u
#define VRTC_PORTS       2u
#define VRTC_CMOS_SIZE   128u

/* Clock and control bytes (datasheet "Address Map"). */
#define VRTC_SECONDS        0x00u
#define VRTC_SECONDS_ALARM  0x01u
#define VRTC_MINUTES        0x02u
#define VRTC_MINUTES_ALARM  0x03u
#define VRTC_HOURS          0x04u
#define VRTC_HOURS_ALARM    0x05u
#define VRTC_DAY_OF_WEEK    0x06u
#define VRTC_DAY_OF_MONTH   0x07u
#define VRTC_MONTH          0x08u
#define VRTC_YEAR           0x09u
#define VRTC_REG_A          0x0au
#define VRTC_REG_B          0x0bu
#define VRTC_REG_C          0x0cu
#define VRTC_REG_D          0x0du
#define VRTC_FIRST_MEMORY   0x0eu    /* 0x0E-0x7F: memory, but for the century byte */

#define VRTC_A_UIP    0x80u
#define VRTC_A_DV     0x70u
#define VRTC_A_DV_RUN 0x20u         /* DV2-0 = 010: 32.768 kHz time base, running */
#define VRTC_A_RS     0x0fu
#define VRTC_B_SET    0x80u
#define VRTC_B_PIE    0x40u
#define VRTC_B_AIE    0x20u
#define VRTC_B_UIE    0x10u
#define VRTC_B_SQWE   0x08u
#define VRTC_B_DM     0x04u         /* 1 = binary */
#define VRTC_B_24H    0x02u
#define VRTC_B_DSE    0x01u
#define VRTC_C_IRQF   0x80u
#define VRTC_C_PF     0x40u
#define VRTC_C_AF     0x20u
#define VRTC_C_UF     0x10u
#define VRTC_D_VRT    0x80u

struct vrtc {
	struct spinlock lock;
	struct vclock clock;
	struct irq_line irq;
	struct vdev_deadline_hook hook;
	uint8_t cmos[VRTC_CMOS_SIZE];  /* clock bytes as last shown or written; regs A-D; memory */
	uint8_t index;                 /* port 0x70 bits 6:0 */
	bool nmi_masked;               /* port 0x70 bit 7 */
	bool irq_level;                /* what IRQ 8 was last set to */
	/* The divider chain: while it runs, its second boundaries (the
	 * updates) are at divider_tsc + k * hz. */
	bool divider_running;
	uint64_t divider_tsc;
	/* While the clock runs (divider running, SET clear): the time, in
	 * seconds since 1970-01-01 00:00:00, at divider_tsc. */
	int64_t seconds_at_divider;
	/* Events (updates, alarms, periodic ticks) up to this guest-clock
	 * time are in register C: the clock time never goes back before it. */
	uint64_t accounted_tsc;
};

extern const struct pio_ops vrtc_ops;   /* 2 ports: 0x70-0x71 */

/* Power-on state: registers A = 0x26 (running, 1024 Hz periodic rate),
 * B = 0x02 (24-hour, BCD), C = 0, D = VRT; memory all zero; the time
 * 1970-01-01 00:00:00 at the current guest clock, until vrtc_set_time.
 * clock is copied (hz 0 is taken as 1); irq and hook are copied, NULL for
 * none. */
void vrtc_init(struct vrtc *rtc, const struct vclock *clock, const struct irq_line *irq,
	       const struct vdev_deadline_hook *hook);
/* The RESET pin (datasheet "RESET"): clears PIE, AIE, UIE, SQWE and the
 * flags, lowers IRQ 8 (QEMU keeps UIE). The time, registers A and B
 * otherwise, and the memory are battery-backed and kept, except the
 * shutdown-status byte 0x0F, which is cleared unless it says S3 resume
 * (0xFE), as QEMU does. The NMI mask is cleared. */
void vrtc_reset(struct vrtc *rtc);

/* The wall-clock time was unix_seconds (since 1970-01-01 00:00:00 UTC) at
 * guest-clock instant at_guest_tsc (before or after now); an update (a
 * second boundary) falls on that instant. The clock bytes are rewritten
 * (even while SET holds, as QEMU does at power-on). Times after
 * 9999-12-31 23:59:59 are taken as that. */
void vrtc_set_time(struct vrtc *rtc, uint64_t unix_seconds, uint64_t at_guest_tsc);

/* The board's view of the CMOS memory (0x0E-0x7F but the century byte):
 * a write there stores the byte; to the clock bytes, registers A-D and
 * the century it is ignored (use vrtc_set_time); index >= 128 is ignored.
 * A read returns what the guest would read (the flags brought up to the
 * clock's present first), except that a register C read does not clear
 * it; 0xFF for index >= 128. */
void vrtc_cmos_write(struct vrtc *rtc, uint8_t index, uint8_t val);
uint8_t vrtc_cmos_read(struct vrtc *rtc, uint8_t index);

/* Stores what QEMU 7.2's pc_cmos_init (hw/i386/pc.c) and
 * x86_rtc_set_cpus_count store for a machine with this RAM and no floppy
 * or IDE drive:
 *   0x15/0x16  base memory in KiB, at most 640
 *   0x17/0x18  memory above 1 MiB (below 4 GiB) in KiB, at most 65535;
 *   0x30/0x31  the same again
 *   0x34/0x35  memory above 16 MiB (below 4 GiB) in 64 KiB units, at most 65535
 *   0x5B-0x5D  memory above 4 GiB in 64 KiB units (24 bits; more than
 *              1 TiB is stored as 0xFFFFFF, where QEMU truncates)
 *   0x5F       CPUs - 1 (0 for 0 or more than 255 CPUs: the OS must ask
 *              the firmware tables then, as QEMU says)
 *   0x14       equipment: FPU, PS/2 mouse, no floppy, VGA (0x06)
 *   0x10       floppy drive types: none (0x00)
 *   0x12       hard disk types: none (0x00)
 * Not stored: the boot-device bytes 0x38/0x3D (for the BIOS only) and a
 * checksum at 0x2E/0x2F (QEMU keeps none). */
void vrtc_set_memory_size(struct vrtc *rtc, uint64_t below_4g_bytes, uint64_t above_4g_bytes, unsigned cpus);

/* Port 0x70 bit 7 as last written: true = the guest has disabled NMIs. */
bool vrtc_nmi_masked(struct vrtc *rtc);

uint64_t vrtc_next_deadline(struct vrtc *rtc);
void vrtc_expire(struct vrtc *rtc, uint64_t now);

#endif

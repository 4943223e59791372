/* hv/vdev/vacpi_pm.c - ACPI PM1a event/control blocks, PM timer and GPE0
 * (the contract is in vacpi_pm.h). */
#include "hv/vdev/vacpi_pm.h"
#include "lib/muldiv.h"
#include "lib/string.h"

#define TMR_FLIP_PERIOD  (1ull << (VACPI_PM_TIMER_BITS - 1))   /* bit 23 changes every 2^23 counts */
#define TMR_COUNT_MASK   ((1u << VACPI_PM_TIMER_BITS) - 1)
#define PM1_SCI_EVENTS   (VACPI_PM1_TMR | VACPI_PM1_GBL | VACPI_PM1_PWRBTN | VACPI_PM1_SLPBTN | VACPI_PM1_RTC)

_Static_assert(VACPI_CNT_SLP_TYP == (0x7u << VACPI_CNT_SLP_TYP_SHIFT), "SLP_TYP is bits 12:10");

/* ---- the timer -------------------------------------------------------------- */

static uint64_t timer_count(const struct vacpi_pm *pm, uint64_t t)
{
	return muldiv64(t, VACPI_PM_TIMER_HZ, pm->clock.hz);
}

/* The first count after count at which bit 23 changes; never, for a
 * count so large (a saturated conversion) that there is none. */
static uint64_t next_flip(uint64_t count)
{
	return count >= UINT64_MAX - TMR_FLIP_PERIOD ? UINT64_MAX : (count | (TMR_FLIP_PERIOD - 1)) + 1;
}

/* The first guest-clock time whose count reaches n: ceil(n * hz / F). */
static uint64_t time_of_count(const struct vacpi_pm *pm, uint64_t n)
{
	uint64_t t = muldiv64(n, pm->clock.hz, VACPI_PM_TIMER_HZ);

	if (n == UINT64_MAX || t == UINT64_MAX)
		return VDEV_NO_DEADLINE;
	if (timer_count(pm, t) < n)
		t++;
	return t;
}

/* TMR_STS is sticky: set once the count has passed the flip after its
 * last clear. */
static void catch_up(struct vacpi_pm *pm, uint64_t t)
{
	if (!(pm->pm1_sts & VACPI_PM1_TMR) && timer_count(pm, t) >= pm->tmr_next_flip)
		pm->pm1_sts |= VACPI_PM1_TMR;
}

static void update_sci(struct vacpi_pm *pm)
{
	bool level = (pm->pm1_sts & pm->pm1_en & PM1_SCI_EVENTS) || (pm->gpe0_sts & pm->gpe0_en);

	if (level != pm->sci_level) {
		pm->sci_level = level;
		irq_line_set(&pm->sci, level);
	}
}

/* What the timer deadline depends on, to tell the hook when it moved. */
static uint64_t deadline_inputs(const struct vacpi_pm *pm)
{
	return pm->tmr_next_flip ^ ((uint64_t)(pm->pm1_en & VACPI_PM1_TMR) << 62) ^
	       ((uint64_t)(pm->pm1_sts & VACPI_PM1_TMR) << 63);
}

/* ---- byte access ------------------------------------------------------------- */

/* Register byte i of a 16-bit pair [status, enable] (i = 0..3). */
static uint8_t pair_byte(uint16_t sts, uint16_t en, unsigned i)
{
	return (uint8_t)((i < 2 ? sts : en) >> (8 * (i & 1)));
}

/* Byte i of a write to the pair: 1 bits clear status, enable is stored. */
static void pair_write(uint16_t *sts, uint16_t *en, unsigned i, uint8_t b)
{
	unsigned shift = 8 * (i & 1);

	if (i < 2)
		*sts &= (uint16_t)~((unsigned)b << shift);
	else
		*en = (uint16_t)((*en & ~(0xffu << shift)) | ((unsigned)b << shift));
}

/* A read's value from the block's bytes: byte i of the access is block
 * byte off + i, all ones past the block's end. */
static uint32_t compose(uint16_t off, unsigned size, unsigned len, const uint8_t *bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < MIN(size, 4u); i++)
		v |= (uint32_t)((unsigned)off + i < len ? bytes[off + i] : 0xff) << (8 * i);
	return v;
}

/* ---- ports ---------------------------------------------------------------------- */

static uint32_t evt_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vacpi_pm *pm = dev;
	uint8_t bytes[VACPI_PM_EVT_LEN];
	(void)vcpu;

	spin_lock(&pm->lock);
	catch_up(pm, vclock_now(&pm->clock));
	update_sci(pm);
	for (unsigned i = 0; i < VACPI_PM_EVT_LEN; i++)
		bytes[i] = pair_byte(pm->pm1_sts, pm->pm1_en, i);
	spin_unlock(&pm->lock);
	return compose(off, size, VACPI_PM_EVT_LEN, bytes);
}

static void evt_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	uint64_t now = vclock_now(&pm->clock), before = deadline_inputs(pm);
	catch_up(pm, now);   /* a flip already passed is cleared by this write */
	bool tmr_was_set = pm->pm1_sts & VACPI_PM1_TMR;
	for (unsigned i = 0; i < MIN(size, 4u); i++)
		if ((unsigned)off + i < VACPI_PM_EVT_LEN)
			pair_write(&pm->pm1_sts, &pm->pm1_en, off + i, (uint8_t)(val >> (8 * i)));
	if (tmr_was_set && !(pm->pm1_sts & VACPI_PM1_TMR))
		pm->tmr_next_flip = next_flip(timer_count(pm, now));
	update_sci(pm);
	if (deadline_inputs(pm) != before)
		vdev_deadline_changed(&pm->hook);
	spin_unlock(&pm->lock);
}

static uint32_t cnt_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	uint8_t bytes[VACPI_PM_CNT_LEN] = { (uint8_t)pm->pm1_cnt, (uint8_t)(pm->pm1_cnt >> 8) };
	spin_unlock(&pm->lock);
	return compose(off, size, VACPI_PM_CNT_LEN, bytes);
}

static void cnt_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vacpi_pm *pm = dev;
	bool poweroff = false;
	(void)vcpu;

	spin_lock(&pm->lock);
	uint16_t v = pm->pm1_cnt;
	for (unsigned i = 0; i < MIN(size, 4u); i++) {
		unsigned shift = 8 * ((unsigned)off + i);
		if ((unsigned)off + i < VACPI_PM_CNT_LEN)
			v = (uint16_t)((v & ~(0xffu << shift)) | (((val >> (8 * i)) & 0xffu) << shift));
	}
	pm->pm1_cnt = v & (uint16_t)~VACPI_CNT_SLP_EN;   /* SLP_EN is write-only */
	if (v & VACPI_CNT_SLP_EN) {
		if (((v & VACPI_CNT_SLP_TYP) >> VACPI_CNT_SLP_TYP_SHIFT) == VACPI_S5_SLP_TYP)
			poweroff = true;
		else
			pm->pm1_sts |= VACPI_PM1_WAK_STS;   /* not supported: awake at once (vacpi_pm.h) */
	}
	spin_unlock(&pm->lock);
	if (poweroff && pm->poweroff_request)
		pm->poweroff_request(pm->ctx);
}

static uint32_t tmr_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	uint64_t now = vclock_now(&pm->clock);
	uint32_t count = (uint32_t)(timer_count(pm, now) & TMR_COUNT_MASK);
	catch_up(pm, now);
	update_sci(pm);
	spin_unlock(&pm->lock);
	uint8_t bytes[VACPI_PM_TMR_LEN] = { (uint8_t)count, (uint8_t)(count >> 8), (uint8_t)(count >> 16), 0 };
	return compose(off, size, VACPI_PM_TMR_LEN, bytes);
}

static void tmr_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)dev;
	(void)vcpu;
	(void)off;
	(void)size;
	(void)val;   /* read-only */
}

static uint32_t gpe_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vacpi_pm *pm = dev;
	uint8_t bytes[VACPI_GPE0_LEN];
	(void)vcpu;

	spin_lock(&pm->lock);
	for (unsigned i = 0; i < VACPI_GPE0_LEN; i++)
		bytes[i] = pair_byte(pm->gpe0_sts, pm->gpe0_en, i);
	spin_unlock(&pm->lock);
	return compose(off, size, VACPI_GPE0_LEN, bytes);
}

static void gpe_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	for (unsigned i = 0; i < MIN(size, 4u); i++)
		if ((unsigned)off + i < VACPI_GPE0_LEN)
			pair_write(&pm->gpe0_sts, &pm->gpe0_en, off + i, (uint8_t)(val >> (8 * i)));
	update_sci(pm);
	spin_unlock(&pm->lock);
}

/* APM control (0xB2, SMI_CMD) and status (0xB3): bytes that read back as
 * written; ACPI_ENABLE written to the control byte sets SCI_EN and
 * ACPI_DISABLE clears it, the SMI handshake of ACPI 6.5, 4.8.2.5 (QEMU:
 * hw/isa/apm.c, piix4.c apm_ctrl_changed). Any other command would be an
 * SMI for firmware's handler; there is none. A wider access is one byte
 * access per port, as QEMU's byte-only apm_ops. */
static uint32_t apm_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	uint8_t bytes[VACPI_APM_LEN] = { pm->apm_control, pm->apm_status };
	spin_unlock(&pm->lock);
	return compose(off, size, VACPI_APM_LEN, bytes);
}

static void apm_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vacpi_pm *pm = dev;
	(void)vcpu;

	spin_lock(&pm->lock);
	for (unsigned i = 0; i < MIN(size, 4u); i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		if ((unsigned)off + i == 1) {
			pm->apm_status = b;
		} else if ((unsigned)off + i == 0) {
			pm->apm_control = b;
			if (b == PC_ACPI_ENABLE)
				pm->pm1_cnt |= VACPI_CNT_SCI_EN;
			else if (b == PC_ACPI_DISABLE)
				pm->pm1_cnt &= (uint16_t)~VACPI_CNT_SCI_EN;
		}
	}
	spin_unlock(&pm->lock);
}

/* One reset op for all five ranges, so that the bus resets the device once. */
static void vacpi_pm_reset_op(void *dev)
{
	vacpi_pm_reset(dev);
}

const struct pio_ops vacpi_pm_evt_ops = { .name = "acpi-pm1a-evt", .read = evt_read, .write = evt_write,
					  .reset = vacpi_pm_reset_op };
const struct pio_ops vacpi_pm_cnt_ops = { .name = "acpi-pm1a-cnt", .read = cnt_read, .write = cnt_write,
					  .reset = vacpi_pm_reset_op };
const struct pio_ops vacpi_pm_tmr_ops = { .name = "acpi-pm-tmr", .read = tmr_read, .write = tmr_write,
					  .reset = vacpi_pm_reset_op };
const struct pio_ops vacpi_pm_gpe_ops = { .name = "acpi-gpe0", .read = gpe_read, .write = gpe_write,
					  .reset = vacpi_pm_reset_op };
const struct pio_ops vacpi_pm_apm_ops = { .name = "apm", .read = apm_read, .write = apm_write,
					  .reset = vacpi_pm_reset_op };

/* ---- the board's side ------------------------------------------------------------- */

void vacpi_pm_init(struct vacpi_pm *pm, const struct vclock *clock, const struct irq_line *sci,
		   const struct vdev_deadline_hook *hook, void (*poweroff_request)(void *ctx), void *ctx)
{
	memset(pm, 0, sizeof(*pm));
	pm->clock = *clock;
	if (pm->clock.hz == 0)
		pm->clock.hz = 1;
	if (sci)
		pm->sci = *sci;
	if (hook)
		pm->hook = *hook;
	pm->poweroff_request = poweroff_request;
	pm->ctx = ctx;
	vacpi_pm_reset(pm);
}

void vacpi_pm_reset(struct vacpi_pm *pm)
{
	spin_lock(&pm->lock);
	pm->pm1_sts = pm->pm1_en = 0;
	pm->pm1_cnt = 0;   /* legacy mode until ACPI_ENABLE, as QEMU's pc with SMM */
	pm->apm_control = pm->apm_status = 0;
	pm->gpe0_sts = pm->gpe0_en = 0;
	pm->tmr_next_flip = next_flip(timer_count(pm, vclock_now(&pm->clock)));
	pm->sci_level = false;
	irq_line_set(&pm->sci, false);   /* whatever the receiver's state after its own reset */
	vdev_deadline_changed(&pm->hook);
	spin_unlock(&pm->lock);
}

bool vacpi_pm_power_button(struct vacpi_pm *pm)
{
	spin_lock(&pm->lock);
	bool taken = pm->pm1_en & VACPI_PM1_PWRBTN;
	if (taken) {
		catch_up(pm, vclock_now(&pm->clock));
		pm->pm1_sts |= VACPI_PM1_PWRBTN;
		update_sci(pm);
	}
	spin_unlock(&pm->lock);
	return taken;
}

void vacpi_pm_set_gpe(struct vacpi_pm *pm, unsigned bit)
{
	if (bit >= 16)
		return;
	spin_lock(&pm->lock);
	pm->gpe0_sts |= (uint16_t)(1u << bit);
	update_sci(pm);
	spin_unlock(&pm->lock);
}

uint32_t vacpi_pm_timer(struct vacpi_pm *pm)
{
	spin_lock(&pm->lock);
	uint32_t count = (uint32_t)(timer_count(pm, vclock_now(&pm->clock)) & TMR_COUNT_MASK);
	spin_unlock(&pm->lock);
	return count;
}

uint64_t vacpi_pm_next_deadline(struct vacpi_pm *pm)
{
	uint64_t d = VDEV_NO_DEADLINE;

	spin_lock(&pm->lock);
	if ((pm->pm1_en & VACPI_PM1_TMR) && !(pm->pm1_sts & VACPI_PM1_TMR))
		d = time_of_count(pm, pm->tmr_next_flip);
	spin_unlock(&pm->lock);
	return d;
}

void vacpi_pm_expire(struct vacpi_pm *pm, uint64_t now)
{
	spin_lock(&pm->lock);
	catch_up(pm, now);
	update_sci(pm);
	vdev_deadline_changed(&pm->hook);
	spin_unlock(&pm->lock);
}

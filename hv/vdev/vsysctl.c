/* hv/vdev/vsysctl.c - Exit and reset ports of a virtual PC. */
#include "hv/vdev/vsysctl.h"

#define I8042_DATA        0x00      /* port 0x60 */
#define I8042_STATUS_CMD  0x04      /* port 0x64 */
#define I8042_CMD_PULSE_RESET 0xfe
/* Status: self-test passed (SYS) and keyboard not inhibited; both buffers
 * empty, so a guest waiting for "input buffer empty" goes straight on. */
#define I8042_STATUS_IDLE 0x14

#define CF9_SYS_RST  0x02
#define CF9_RST_CPU  0x04
#define P92_FAST_RESET 0x01

/* PM1 control (ACPI 6.5, 4.8.3.2.1): SLP_TYP in bits 12:10, SLP_EN bit 13.
 * The sleep type for S5 is what the platform's \_S5 object says; QEMU's is 0,
 * and so is ours (the VM gets its ACPI tables in a later issue). */
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (0x7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        0x2000u
#define PM1_SCI_EN        0x0001u
#define S5_SLP_TYP        0u

void vsysctl_init(struct vsysctl *s, void (*exit_request)(void *ctx, uint8_t code),
		  void (*reset_request)(void *ctx, const char *how), void (*poweroff_request)(void *ctx),
		  void *ctx)
{
	s->exit_request = exit_request;
	s->reset_request = reset_request;
	s->poweroff_request = poweroff_request;
	s->ctx = ctx;
	vsysctl_reset(s);
}

void vsysctl_reset(struct vsysctl *s)
{
	s->cf9 = 0;
	s->p92 = 0;
	s->pm1_cnt = PM1_SCI_EN;   /* ACPI mode from the start: no SMI handshake to model */
}

static void debug_exit_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	(void)off;
	(void)size;
	s->exit_request(s->ctx, (uint8_t)val);
}

static uint32_t i8042_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	(void)dev;
	(void)size;
	return off == I8042_STATUS_CMD ? I8042_STATUS_IDLE : 0;
}

static void i8042_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	(void)size;
	if (off == I8042_STATUS_CMD && (uint8_t)val == I8042_CMD_PULSE_RESET)
		s->reset_request(s->ctx, "keyboard controller");
}

static uint32_t cf9_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	(void)off;
	(void)size;
	return ((struct vsysctl *)dev)->cf9;
}

/* Intel ICH "Reset Control Register": a reset happens when RST_CPU goes
 * from 0 to 1; SYS_RST picks hard over soft, both reset this VM whole. */
static void cf9_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	uint8_t v = (uint8_t)val;
	(void)off;
	(void)size;
	bool rising = (v & CF9_RST_CPU) && !(s->cf9 & CF9_RST_CPU);
	s->cf9 = v & (CF9_SYS_RST | 0x08);
	if (rising)
		s->reset_request(s->ctx, "port 0xCF9");
}

static uint32_t port92_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	(void)off;
	(void)size;
	return ((struct vsysctl *)dev)->p92;
}

static void port92_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	uint8_t v = (uint8_t)val;
	(void)off;
	(void)size;
	bool rising = (v & P92_FAST_RESET) && !(s->p92 & P92_FAST_RESET);
	s->p92 = v & ~P92_FAST_RESET;
	if (rising)
		s->reset_request(s->ctx, "port 0x92");
}

static uint32_t pm1_cnt_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	uint16_t v = ((struct vsysctl *)dev)->pm1_cnt;
	(void)size;
	return off ? (uint32_t)(v >> 8) : v;
}

static void pm1_cnt_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	uint16_t v;

	/* Byte writes to either half are legal; merge them into the register. */
	if (off == 0 && size >= 2)
		v = (uint16_t)val;
	else if (off == 0)
		v = (uint16_t)((s->pm1_cnt & 0xff00u) | (val & 0xffu));
	else
		v = (uint16_t)((s->pm1_cnt & 0x00ffu) | ((val & 0xffu) << 8));
	s->pm1_cnt = v & (uint16_t)~PM1_SLP_EN;
	if ((v & PM1_SLP_EN) && ((v & PM1_SLP_TYP_MASK) >> PM1_SLP_TYP_SHIFT) == S5_SLP_TYP)
		s->poweroff_request(s->ctx);
}

static void sysctl_reset_op(void *dev)
{
	vsysctl_reset(dev);
}

const struct pio_ops vsysctl_debug_exit_ops = { .name = "debug-exit", .read = NULL, .write = debug_exit_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_i8042_ops = { .name = "i8042", .read = i8042_read, .write = i8042_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_cf9_ops = { .name = "reset-control", .read = cf9_read, .write = cf9_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_port92_ops = { .name = "port92", .read = port92_read, .write = port92_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_pm1_cnt_ops = { .name = "acpi-pm1-cnt", .read = pm1_cnt_read, .write = pm1_cnt_write, .reset = sysctl_reset_op };

/* hv/vdev/vsysctl.c - Exit and reset ports of a virtual PC (vsysctl.h). */
#include "hv/vdev/vsysctl.h"

#define CF9_SYS_RST  0x02
#define CF9_RST_CPU  0x04
#define P92_FAST_RESET 0x01

void vsysctl_init(struct vsysctl *s, void (*exit_request)(void *ctx, uint8_t code),
		  void (*reset_request)(void *ctx, const char *how), void *ctx)
{
	s->exit_request = exit_request;
	s->reset_request = reset_request;
	s->ctx = ctx;
	s->p92 = 0;
	vsysctl_reset(s);
}

/* As QEMU's resets: the PIIX3's reset control register cleared, port 0x92
 * losing only its fast-reset bit (QEMU 7.2 hw/i386/port92.c, port92_reset), so the A20
 * bit written before a reset reads back after it. */
void vsysctl_reset(struct vsysctl *s)
{
	s->cf9 = 0;
	s->p92 &= (uint8_t)~P92_FAST_RESET;
}

/* QEMU's isa-debug-exit (hw/misc/debugexit.c) with iosize=4: a write of
 * any size at any of its ports ends the machine with status (val << 1) | 1,
 * of which the process status keeps the low byte; the exit code here is
 * the value's low byte. Reads give 0. */
static uint32_t debug_exit_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)dev;
	(void)vcpu;
	(void)off;
	(void)size;
	return 0;
}

static void debug_exit_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	(void)off;
	(void)size;
	s->exit_request(s->ctx, (uint8_t)val);
}

static uint32_t cf9_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	(void)vcpu;
	(void)off;
	(void)size;
	return ((struct vsysctl *)dev)->cf9;
}

/* The PIIX3's reset control register as QEMU's rcr_write has it: any write
 * with RST_CPU set resets (SYS_RST picks hard over soft on hardware; both
 * reset this VM whole); otherwise only SYS_RST is kept, and read back. */
static void cf9_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	(void)vcpu;
	struct vsysctl *s = dev;
	uint8_t v = (uint8_t)val;
	(void)off;
	(void)size;
	if (v & CF9_RST_CPU) {
		s->reset_request(s->ctx, "port 0xCF9");
		return;
	}
	s->cf9 = v & CF9_SYS_RST;
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
	s->p92 = v;   /* every bit reads back, as QEMU's port92 */
	if (rising)
		s->reset_request(s->ctx, "port 0x92");
}

static void sysctl_reset_op(void *dev)
{
	vsysctl_reset(dev);
}

const struct pio_ops vsysctl_debug_exit_ops = { .name = "debug-exit", .read = debug_exit_read, .write = debug_exit_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_cf9_ops = { .name = "reset-control", .read = cf9_read, .write = cf9_write, .reset = sysctl_reset_op };
const struct pio_ops vsysctl_port92_ops = { .name = "port92", .read = port92_read, .write = port92_write, .reset = sysctl_reset_op };

/* hv/vdev/vi8042.c - The 8042 keyboard controller (the contract is in
 * vi8042.h; behaviour per QEMU 7.2's hw/input/pckbd.c). */
#include "hv/vdev/vi8042.h"
#include "lib/string.h"

/* Controller commands (IBM PS/2 Technical Reference). */
#define CMD_READ_COMMAND_BYTE   0x20
#define CMD_WRITE_COMMAND_BYTE  0x60
#define CMD_AUX_DISABLE         0xa7
#define CMD_AUX_ENABLE          0xa8
#define CMD_AUX_TEST            0xa9
#define CMD_SELF_TEST           0xaa
#define CMD_KBD_TEST            0xab
#define CMD_KBD_DISABLE         0xad
#define CMD_KBD_ENABLE          0xae
#define CMD_READ_INPUT_PORT     0xc0
#define CMD_READ_OUTPUT_PORT    0xd0
#define CMD_WRITE_OUTPUT_PORT   0xd1
#define CMD_WRITE_KBD_OBUF      0xd2
#define CMD_WRITE_AUX_OBUF      0xd3
#define CMD_WRITE_AUX           0xd4
#define CMD_A20_OFF             0xdd
#define CMD_A20_ON              0xdf
#define CMD_PULSE_MASK          0xf0    /* F0-FF: pulse output-port bits 3:0 */

#define SELF_TEST_PASSED        0x55
#define INTERFACE_TEST_PASSED   0x00
#define INPUT_PORT_VALUE        0x80    /* keyboard not inhibited (QEMU's value) */
#define OUTPUT_PORT_RESET       0xcf    /* reset line high, A20 on, bits 7:6 and 3:2 set (QEMU) */
#define COMMAND_BYTE_RESET      (VI8042_CTR_KBD_INT | VI8042_CTR_AUX_OFF | VI8042_CTR_XLATE)   /* SeaBIOS's */

#define RESET_HOW "keyboard controller"

/* Done after the lock is dropped: a reset request may come back into the
 * models (the board resets them). */
struct deferred {
	bool reset;
	bool a20_changed, a20_on;
};

static bool ob_is_aux(const struct vi8042 *c)
{
	return c->ob_source == VI8042_SRC_AUX || c->ob_source == VI8042_SRC_CTRL_AUX;
}

static void set_line(const struct irq_line *line, bool *level, bool want)
{
	if (*level != want) {
		*level = want;
		irq_line_set(line, want);
	}
}

static void update_irqs(struct vi8042 *c)
{
	uint8_t ctr = c->command_byte;
	bool aux = c->obf && ob_is_aux(c);
	bool kbd = c->obf && !aux && (ctr & VI8042_CTR_KBD_INT) && !(ctr & VI8042_CTR_KBD_OFF);

	set_line(&c->kbd_irq, &c->kbd_level, kbd);
	set_line(&c->aux_irq, &c->aux_level, aux && (ctr & VI8042_CTR_AUX_INT));
}

/* An empty output buffer takes the next byte there is (vi8042.h). */
static void fill_output_buffer(struct vi8042 *c)
{
	if (!c->obf) {
		if (c->ctrl_pending) {
			c->obf = true;
			c->ob_source = c->ctrl_aux ? VI8042_SRC_CTRL_AUX : VI8042_SRC_CTRL;
		} else if (!(c->command_byte & VI8042_CTR_KBD_OFF) && vps2_kbd_pending(&c->kbd)) {
			c->obf = true;
			c->ob_source = VI8042_SRC_KBD;
		} else if (!(c->command_byte & VI8042_CTR_AUX_OFF) && vps2_mouse_pending(&c->mouse)) {
			c->obf = true;
			c->ob_source = VI8042_SRC_AUX;
		}
	}
	update_irqs(c);
}

/* The controller's own answer: one byte, replacing one not yet taken. */
static void controller_answer(struct vi8042 *c, uint8_t b, bool as_aux)
{
	c->ctrl_byte = b;
	c->ctrl_aux = as_aux;
	c->ctrl_pending = true;
	fill_output_buffer(c);
}

static uint8_t read_data(struct vi8042 *c)
{
	if (c->obf) {
		c->obf = false;
		update_irqs(c);   /* lowered: the next byte makes a new edge */
		switch (c->ob_source) {
		case VI8042_SRC_KBD:
			if (vps2_kbd_pending(&c->kbd))
				c->ob_last = vps2_kbd_read(&c->kbd);
			break;
		case VI8042_SRC_AUX:
			if (vps2_mouse_pending(&c->mouse))
				c->ob_last = vps2_mouse_read(&c->mouse);
			break;
		default:
			c->ob_last = c->ctrl_byte;
			c->ctrl_pending = false;
			break;
		}
		fill_output_buffer(c);
	}
	return c->ob_last;
}

static uint8_t read_status(const struct vi8042 *c)
{
	return (uint8_t)(c->status | VI8042_STR_UNLOCKED | (c->obf ? VI8042_STR_OBF : 0) |
			 (c->obf && ob_is_aux(c) ? VI8042_STR_AUX_OBF : 0));
}

static uint8_t read_output_port(const struct vi8042 *c)
{
	return (uint8_t)(c->output_port | (c->obf ? VI8042_OUT_OBF : 0) |
			 (c->obf && ob_is_aux(c) ? VI8042_OUT_AUX_OBF : 0));
}

static void set_a20(struct vi8042 *c, bool on, struct deferred *d)
{
	if (((c->output_port & VI8042_OUT_A20) != 0) != on) {
		d->a20_changed = true;
		d->a20_on = on;
	}
	if (on)
		c->output_port |= VI8042_OUT_A20;
	else
		c->output_port &= (uint8_t)~VI8042_OUT_A20;
}

static void write_output_port(struct vi8042 *c, uint8_t val, struct deferred *d)
{
	set_a20(c, (val & VI8042_OUT_A20) != 0, d);
	c->output_port = val & (uint8_t)~(VI8042_OUT_OBF | VI8042_OUT_AUX_OBF);
	if (!(val & VI8042_OUT_RESET))
		d->reset = true;   /* the reset line low: the CPU resets, as on QEMU */
}

static void write_command(struct vi8042 *c, uint8_t cmd, struct deferred *d)
{
	/* A command that takes no data byte leaves one waiting for its byte
	 * in place (QEMU's write_cmd). */
	if ((cmd & CMD_PULSE_MASK) == CMD_PULSE_MASK) {
		if (!(cmd & VI8042_OUT_RESET))
			d->reset = true;   /* bit 0 pulsed: FE, the classic reset */
		return;                    /* other lines pulse back to where they were */
	}
	switch (cmd) {
	case CMD_READ_COMMAND_BYTE:
		controller_answer(c, c->command_byte, false);
		break;
	case CMD_WRITE_COMMAND_BYTE:
	case CMD_WRITE_OUTPUT_PORT:
	case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF:
	case CMD_WRITE_AUX:
		c->pending_command = cmd;
		break;
	case CMD_AUX_DISABLE:
		c->command_byte |= VI8042_CTR_AUX_OFF;
		break;
	case CMD_AUX_ENABLE:
		c->command_byte &= (uint8_t)~VI8042_CTR_AUX_OFF;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		controller_answer(c, INTERFACE_TEST_PASSED, false);
		break;
	case CMD_SELF_TEST:
		c->status |= VI8042_STR_SYS;
		controller_answer(c, SELF_TEST_PASSED, false);
		break;
	case CMD_KBD_DISABLE:
		c->command_byte |= VI8042_CTR_KBD_OFF;
		break;
	case CMD_KBD_ENABLE:
		c->command_byte &= (uint8_t)~VI8042_CTR_KBD_OFF;
		break;
	case CMD_READ_INPUT_PORT:
		controller_answer(c, INPUT_PORT_VALUE, false);
		break;
	case CMD_READ_OUTPUT_PORT:
		controller_answer(c, read_output_port(c), false);
		break;
	case CMD_A20_OFF:
		set_a20(c, false, d);
		break;
	case CMD_A20_ON:
		set_a20(c, true, d);
		break;
	default:
		break;   /* not modelled (vi8042.h) */
	}
	fill_output_buffer(c);
}

static void write_data(struct vi8042 *c, uint8_t val, struct deferred *d)
{
	uint8_t cmd = c->pending_command;

	c->pending_command = 0;
	switch (cmd) {
	case CMD_WRITE_COMMAND_BYTE:
		c->command_byte = val;   /* its SYS bit stays out of the status, as QEMU */
		break;
	case CMD_WRITE_OUTPUT_PORT:
		write_output_port(c, val, d);
		break;
	case CMD_WRITE_KBD_OBUF:
		controller_answer(c, val, false);
		break;
	case CMD_WRITE_AUX_OBUF:
		controller_answer(c, val, true);
		break;
	case CMD_WRITE_AUX:
		vps2_mouse_write(&c->mouse, val);
		c->command_byte &= (uint8_t)~VI8042_CTR_AUX_OFF;
		break;
	default:
		vps2_kbd_write(&c->kbd, val, (c->command_byte & VI8042_CTR_XLATE) != 0);
		c->command_byte &= (uint8_t)~VI8042_CTR_KBD_OFF;
		break;
	}
	fill_output_buffer(c);
}

static void run_deferred(struct vi8042 *c, const struct deferred *d)
{
	if (d->a20_changed && c->a20_changed)
		c->a20_changed(c->ctx, d->a20_on);
	if (d->reset && c->reset_request)
		c->reset_request(c->ctx, RESET_HOW);
}

/* ---- ports ---------------------------------------------------------------------- */

static uint32_t wide(uint8_t b, unsigned size)
{
	return size <= 1 ? b : (0xffffff00u | b);
}

static uint32_t data_port_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vi8042 *c = dev;
	(void)vcpu;

	if (off != 0 || size == 0)
		return size == 0 ? 0 : 0xffffffffu;
	spin_lock(&c->lock);
	uint8_t b = read_data(c);
	spin_unlock(&c->lock);
	return wide(b, size);
}

static void data_port_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vi8042 *c = dev;
	struct deferred d = { 0 };
	(void)vcpu;

	if (off != 0 || size == 0)
		return;
	spin_lock(&c->lock);
	write_data(c, (uint8_t)val, &d);
	spin_unlock(&c->lock);
	run_deferred(c, &d);
}

static uint32_t status_port_read(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size)
{
	struct vi8042 *c = dev;
	(void)vcpu;

	if (off != 0 || size == 0)
		return size == 0 ? 0 : 0xffffffffu;
	spin_lock(&c->lock);
	uint8_t b = read_status(c);
	spin_unlock(&c->lock);
	return wide(b, size);
}

static void status_port_write(void *dev, struct vcpu *vcpu, uint16_t off, unsigned size, uint32_t val)
{
	struct vi8042 *c = dev;
	struct deferred d = { 0 };
	(void)vcpu;

	if (off != 0 || size == 0)
		return;
	spin_lock(&c->lock);
	write_command(c, (uint8_t)val, &d);
	spin_unlock(&c->lock);
	run_deferred(c, &d);
}

/* One reset op for both ranges, so that the bus resets the device once. */
static void vi8042_reset_op(void *dev)
{
	vi8042_reset(dev);
}

const struct pio_ops vi8042_data_ops = { .name = "i8042-data", .read = data_port_read,
					 .write = data_port_write, .reset = vi8042_reset_op };
const struct pio_ops vi8042_status_ops = { .name = "i8042-status", .read = status_port_read,
					   .write = status_port_write, .reset = vi8042_reset_op };

/* ---- the board's side ------------------------------------------------------------- */

void vi8042_init(struct vi8042 *c, const struct irq_line *kbd_irq, const struct irq_line *aux_irq,
		 void (*reset_request)(void *ctx, const char *how), void (*a20_changed)(void *ctx, bool on),
		 void *ctx)
{
	memset(c, 0, sizeof(*c));
	if (kbd_irq)
		c->kbd_irq = *kbd_irq;
	if (aux_irq)
		c->aux_irq = *aux_irq;
	c->reset_request = reset_request;
	c->a20_changed = a20_changed;
	c->ctx = ctx;
	vi8042_reset(c);
}

void vi8042_reset(struct vi8042 *c)
{
	spin_lock(&c->lock);
	c->command_byte = COMMAND_BYTE_RESET;
	c->status = VI8042_STR_SYS | VI8042_STR_CMD;   /* QEMU's reset CMD, SeaBIOS's self-test SYS */
	c->output_port = OUTPUT_PORT_RESET;
	c->pending_command = 0;
	c->obf = false;
	c->ob_source = VI8042_SRC_CTRL;
	c->ob_last = 0;
	c->ctrl_pending = false;
	c->ctrl_aux = false;
	vps2_kbd_reset(&c->kbd);
	vps2_mouse_reset(&c->mouse);
	/* Lowered whatever they were: the receivers are reset too. */
	c->kbd_level = c->aux_level = false;
	irq_line_set(&c->kbd_irq, false);
	irq_line_set(&c->aux_irq, false);
	spin_unlock(&c->lock);
}

bool vi8042_queue_key(struct vi8042 *c, uint8_t scancode)
{
	spin_lock(&c->lock);
	bool queued = vps2_kbd_queue_scancode(&c->kbd, scancode);
	if (queued)
		fill_output_buffer(c);
	else
		c->keys_dropped++;
	spin_unlock(&c->lock);
	return queued;
}

bool vi8042_kbd_translating(struct vi8042 *c)
{
	spin_lock(&c->lock);
	bool on = (c->command_byte & VI8042_CTR_XLATE) != 0;
	spin_unlock(&c->lock);
	return on;
}

/* tests/unit/test_vi8042.c - The 8042 keyboard controller and its PS/2
 * keyboard and mouse: Linux's i8042 and atkbd probes, the reset and A20
 * paths, interrupts per command byte, output-buffer order, garbage. */
/* UNIT_SRC: hv/vdev/vi8042.c hv/vdev/vps2.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vi8042.h"

static bool level[16];
static int raises[16];
static void line_set(void *ctx, unsigned pin, bool lvl)
{
	(void)ctx;
	if (pin >= 16)
		return;
	if (lvl && !level[pin])
		raises[pin]++;
	level[pin] = lvl;
}

static int resets, a20_calls;
static bool a20_last;
static const char *reset_how;
static void on_reset(void *ctx, const char *how) { (void)ctx; resets++; reset_how = how; }
static void on_a20(void *ctx, bool on) { (void)ctx; a20_calls++; a20_last = on; }

static void setup(struct vi8042 *c)
{
	struct irq_line kbd = { .set = line_set, .pin = PC_IRQ_KBD };
	struct irq_line aux = { .set = line_set, .pin = PC_IRQ_MOUSE };

	memset(level, 0, sizeof(level));
	memset(raises, 0, sizeof(raises));
	resets = a20_calls = 0;
	reset_how = NULL;
	vi8042_init(c, &kbd, &aux, on_reset, on_a20, NULL);
}

static void outb(struct vi8042 *c, uint16_t port, uint8_t v)
{
	if (port == 0x60)
		vi8042_data_ops.write(c, NULL, 0, 1, v);
	else
		vi8042_status_ops.write(c, NULL, 0, 1, v);
}

static uint8_t inb(struct vi8042 *c, uint16_t port)
{
	return (uint8_t)(port == 0x60 ? vi8042_data_ops.read(c, NULL, 0, 1) : vi8042_status_ops.read(c, NULL, 0, 1));
}

/* What Linux's i8042_flush does: read while OBF, at most 16 bytes. */
static int flush(struct vi8042 *c)
{
	int n = 0;
	while ((inb(c, 0x64) & VI8042_STR_OBF) && n < 64) {
		inb(c, 0x60);
		n++;
	}
	return n;
}

/* A controller command answered with one byte, as i8042_command() waits
 * for it: OBF, then the data. Returns -1 when nothing comes. */
static int command(struct vi8042 *c, uint8_t cmd)
{
	outb(c, 0x64, cmd);
	if (!(inb(c, 0x64) & VI8042_STR_OBF))
		return -1;
	return inb(c, 0x60);
}

static void command_arg(struct vi8042 *c, uint8_t cmd, uint8_t arg)
{
	outb(c, 0x64, cmd);
	outb(c, 0x60, arg);
}

/* Expects the bytes waiting, in order, with AUX_OBF as aux says; with
 * last, nothing after them. */
static void expect_out(struct vi8042 *c, const uint8_t *want, int n, bool aux, bool last, int line)
{
	for (int i = 0; i < n; i++) {
		uint8_t st = inb(c, 0x64);
		if (!(st & VI8042_STR_OBF) || ((st & VI8042_STR_AUX_OBF) != 0) != aux) {
			test_case_failed = 1;
			fprintf(stderr, "  line %d: byte %d: status 0x%02x\n", line, i, st);
			return;
		}
		uint8_t got = inb(c, 0x60);
		if (got != want[i]) {
			test_case_failed = 1;
			fprintf(stderr, "  line %d: byte %d = 0x%02x, want 0x%02x\n", line, i, got, want[i]);
		}
	}
	if (last && (inb(c, 0x64) & VI8042_STR_OBF)) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: more bytes than expected\n", line);
	}
}
#define EXPECT_OUT(c, aux, last, ...) do { const uint8_t _w[] = { __VA_ARGS__ }; \
	expect_out(c, _w, sizeof(_w), aux, last, __LINE__); } while (0)
#define EXPECT_KBD(c, ...) EXPECT_OUT(c, false, true, __VA_ARGS__)          /* these, then nothing */
#define EXPECT_AUX(c, ...) EXPECT_OUT(c, true, true, __VA_ARGS__)
#define EXPECT_KBD_THEN(c, ...) EXPECT_OUT(c, false, false, __VA_ARGS__)    /* these, then more */
#define EXPECT_AUX_THEN(c, ...) EXPECT_OUT(c, true, false, __VA_ARGS__)

static void test_reset_state(void)
{
	struct vi8042 c;
	setup(&c);
	EXPECT_EQ(inb(&c, 0x64), VI8042_STR_SYS | VI8042_STR_CMD | VI8042_STR_UNLOCKED);   /* 0x1c, as SeaBIOS leaves QEMU's */
	EXPECT_EQ(command(&c, 0x20), 0x61);
	EXPECT_EQ(inb(&c, 0x64), VI8042_STR_SYS | VI8042_STR_CMD | VI8042_STR_UNLOCKED);
	EXPECT_EQ(command(&c, 0xd0), 0xcf);
	EXPECT_EQ(command(&c, 0xc0), 0x80);
	EXPECT_TRUE(vi8042_kbd_translating(&c));
	EXPECT_EQ(flush(&c), 0);
	EXPECT_EQ(inb(&c, 0x60), 0x80);        /* empty: the last byte again */
	EXPECT_EQ(resets, 0);
	EXPECT_EQ(a20_calls, 0);
}

/* drivers/input/serio/i8042.c: i8042_controller_check, _selftest, _init,
 * i8042_check_aux (loopback, interface test, AUX toggling, the IRQ test),
 * i8042_setup_kbd; then atkbd_probe. */
static void test_linux_probe_sequence(void)
{
	struct vi8042 c;
	setup(&c);
	vi8042_queue_key(&c, 0x1c);            /* a stale key from before: flushed */
	EXPECT_EQ(flush(&c), 1);

	EXPECT_EQ(command(&c, 0xaa), 0x55);
	uint8_t ctr = (uint8_t)command(&c, 0x20);
	EXPECT_EQ(command(&c, 0x20), ctr);     /* stable */
	ctr |= VI8042_CTR_KBD_OFF;
	ctr &= (uint8_t)~VI8042_CTR_KBD_INT;
	command_arg(&c, 0x60, ctr);
	EXPECT_EQ(command(&c, 0x20), ctr);
	EXPECT_EQ(flush(&c), 0);
	EXPECT_EQ(command(&c, 0xab), 0x00);

	/* AUX: the loopback must come back as the mouse's */
	command_arg(&c, 0xd3, 0x5a);
	EXPECT_AUX(&c, 0x5a);
	EXPECT_EQ(command(&c, 0xa9), 0x00);
	outb(&c, 0x64, 0xa7);
	EXPECT_TRUE(command(&c, 0x20) & VI8042_CTR_AUX_OFF);
	outb(&c, 0x64, 0xa8);
	EXPECT_TRUE(!(command(&c, 0x20) & VI8042_CTR_AUX_OFF));
	/* the AUX IRQ test: IRQ 12 for the loopback byte */
	ctr = (uint8_t)command(&c, 0x20);
	ctr = (uint8_t)((ctr | VI8042_CTR_AUX_INT) & ~VI8042_CTR_AUX_OFF);
	command_arg(&c, 0x60, ctr);
	EXPECT_TRUE(!level[PC_IRQ_MOUSE]);
	command_arg(&c, 0xd3, 0xa5);
	EXPECT_TRUE(level[PC_IRQ_MOUSE]);
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	EXPECT_EQ(inb(&c, 0x64) & (VI8042_STR_OBF | VI8042_STR_AUX_OBF), VI8042_STR_OBF | VI8042_STR_AUX_OBF);
	EXPECT_EQ(inb(&c, 0x60), 0xa5);
	EXPECT_TRUE(!level[PC_IRQ_MOUSE]);

	/* i8042_setup_kbd: the keyboard interface and its interrupt on */
	ctr = (uint8_t)((ctr & ~VI8042_CTR_KBD_OFF) | VI8042_CTR_KBD_INT);
	command_arg(&c, 0x60, ctr);
	EXPECT_EQ(command(&c, 0x20), ctr);

	/* atkbd_probe: GETID, through the translation SeaBIOS turned on */
	int before = raises[PC_IRQ_KBD];
	outb(&c, 0x60, 0xf2);
	EXPECT_TRUE(level[PC_IRQ_KBD]);
	EXPECT_KBD(&c, 0xfa, 0xab, 0x41);
	EXPECT_EQ(raises[PC_IRQ_KBD] - before, 3);   /* an edge per byte */
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	/* untranslated, the MF2 ID as the keyboard sends it */
	command_arg(&c, 0x60, ctr & (uint8_t)~VI8042_CTR_XLATE);
	outb(&c, 0x60, 0xf2);
	EXPECT_KBD(&c, 0xfa, 0xab, 0x83);
	/* atkbd_deactivate, LEDs, repeat rate, scancode set 2, activate */
	outb(&c, 0x60, 0xf5);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0xed);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0x02);
	EXPECT_KBD(&c, 0xfa);
	EXPECT_EQ(c.kbd.leds, 0x02);
	outb(&c, 0x60, 0xf3);
	outb(&c, 0x60, 0x20);                 /* the first reply was not read: dropped */
	EXPECT_KBD(&c, 0xfa);
	EXPECT_EQ(c.kbd.typematic, 0x20);
	outb(&c, 0x60, 0xf0);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0x02);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0xf4);
	EXPECT_KBD(&c, 0xfa);
	EXPECT_TRUE(vi8042_queue_key(&c, 0x1e));
	EXPECT_KBD(&c, 0x1e);
	EXPECT_EQ(resets, 0);
}

static void test_keyboard_commands(void)
{
	struct vi8042 c;
	setup(&c);
	outb(&c, 0x60, 0xff);
	EXPECT_KBD(&c, 0xfa, 0xaa);
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x00);
	EXPECT_KBD(&c, 0xfa, 0x41);             /* set 2, translated */
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x01);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x00);
	EXPECT_KBD(&c, 0xfa, 0x43);             /* set 1, translated */
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x03);
	outb(&c, 0x60, 0xf0);                   /* (the unread FA dropped) */
	outb(&c, 0x60, 0x00);
	EXPECT_KBD(&c, 0xfa, 0x3f);             /* set 3, translated */
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x01);
	EXPECT_KBD(&c, 0xfa);
	command_arg(&c, 0x60, 0x01);            /* translation off */
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x00);
	EXPECT_KBD(&c, 0xfa, 0x01);
	outb(&c, 0x60, 0xf0);
	outb(&c, 0x60, 0x07);
	EXPECT_KBD(&c, 0xfe);                   /* no set 7 */
	EXPECT_EQ(c.kbd.scancode_set, 1);
	outb(&c, 0x60, 0xee);
	EXPECT_KBD(&c, 0xee);
	outb(&c, 0x60, 0xe0);
	EXPECT_KBD(&c, 0xfe);                   /* unknown: resend */
	outb(&c, 0x60, 0x00);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0x05);
	EXPECT_KBD(&c, 0xfe);
	outb(&c, 0x60, 0xfa);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0xfc);
	EXPECT_KBD(&c, 0xfa);
	outb(&c, 0x60, 0x1c);
	EXPECT_KBD(&c, 0xfa);
	/* F6 restores set 2; F5 stops scanning, F4 starts it */
	outb(&c, 0x60, 0xf6);
	EXPECT_KBD(&c, 0xfa);
	EXPECT_EQ(c.kbd.scancode_set, 2);
	outb(&c, 0x60, 0xf5);
	EXPECT_KBD(&c, 0xfa);
	EXPECT_TRUE(!vi8042_queue_key(&c, 0x1e));
	EXPECT_EQ(c.keys_dropped, 1);
	outb(&c, 0x60, 0xf4);
	EXPECT_KBD(&c, 0xfa);
	/* a reply goes ahead of the scancodes already queued */
	vi8042_queue_key(&c, 0x1e);
	vi8042_queue_key(&c, 0x9e);
	outb(&c, 0x60, 0xf2);
	EXPECT_KBD(&c, 0xfa, 0xab, 0x83, 0x1e, 0x9e);
	/* the queue is bounded */
	int queued = 0;
	for (int i = 0; i < 40; i++)
		queued += vi8042_queue_key(&c, (uint8_t)i);
	EXPECT_EQ(queued, VPS2_QUEUE_SIZE);
	/* FF empties it, even the byte the buffer holds: that byte is taken
	 * from the keyboard only when read, as on QEMU */
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, VI8042_STR_OBF);
	outb(&c, 0x60, 0xff);
	EXPECT_KBD(&c, 0xfa, 0xaa);
}

static void test_mouse_commands(void)
{
	struct vi8042 c;
	setup(&c);
	command_arg(&c, 0xd4, 0xff);
	EXPECT_AUX(&c, 0xfa, 0xaa, 0x00);
	command_arg(&c, 0xd4, 0xf2);
	EXPECT_AUX(&c, 0xfa, 0x00);
	command_arg(&c, 0xd4, 0xe9);
	EXPECT_AUX(&c, 0xfa, 0x00, 0x02, 100);  /* disabled, stream, 4 counts/mm, 100/s */
	command_arg(&c, 0xd4, 0xe8);
	command_arg(&c, 0xd4, 0x03);
	command_arg(&c, 0xd4, 0xf3);
	command_arg(&c, 0xd4, 40);
	command_arg(&c, 0xd4, 0xf4);
	command_arg(&c, 0xd4, 0xe7);
	command_arg(&c, 0xd4, 0xf0);
	EXPECT_AUX(&c, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
	command_arg(&c, 0xd4, 0xe9);
	EXPECT_AUX(&c, 0xfa, 0x70, 0x03, 40);   /* remote, enabled, 2:1 */
	command_arg(&c, 0xd4, 0xea);
	command_arg(&c, 0xd4, 0xe6);
	command_arg(&c, 0xd4, 0xf5);
	command_arg(&c, 0xd4, 0xe9);
	EXPECT_AUX(&c, 0xfa, 0xfa, 0xfa, 0xfa, 0x00, 0x03, 40);
	command_arg(&c, 0xd4, 0xeb);
	EXPECT_AUX(&c, 0xfa, 0x08, 0x00, 0x00);  /* poll: a packet, no motion */
	/* the IntelliMouse knocks */
	static const uint8_t imps[] = { 200, 100, 80 }, imex[] = { 200, 200, 80 };
	for (int i = 0; i < 3; i++) {
		command_arg(&c, 0xd4, 0xf3);
		command_arg(&c, 0xd4, imps[i]);
	}
	flush(&c);
	command_arg(&c, 0xd4, 0xf2);
	EXPECT_AUX(&c, 0xfa, 0x03);
	command_arg(&c, 0xd4, 0xeb);
	EXPECT_AUX(&c, 0xfa, 0x08, 0x00, 0x00, 0x00);
	for (int i = 0; i < 3; i++) {
		command_arg(&c, 0xd4, 0xf3);
		command_arg(&c, 0xd4, imex[i]);
	}
	flush(&c);
	command_arg(&c, 0xd4, 0xf2);
	EXPECT_AUX(&c, 0xfa, 0x04);
	command_arg(&c, 0xd4, 0xf6);            /* defaults keep the type */
	command_arg(&c, 0xd4, 0xe9);
	EXPECT_AUX(&c, 0xfa, 0xfa, 0x00, 0x02, 100);
	/* wrap mode echoes all but EC and FF */
	command_arg(&c, 0xd4, 0xee);
	command_arg(&c, 0xd4, 0x12);
	command_arg(&c, 0xd4, 0xf2);
	command_arg(&c, 0xd4, 0xec);
	EXPECT_AUX(&c, 0xfa, 0x12, 0xf2, 0xfa);
	command_arg(&c, 0xd4, 0xee);
	command_arg(&c, 0xd4, 0xff);            /* the reset empties the queue, EE's FA too */
	EXPECT_AUX(&c, 0xfa, 0xaa, 0x00);
	EXPECT_EQ(c.mouse.type, 0);
	/* unknown commands get no answer (as on QEMU) */
	command_arg(&c, 0xd4, 0x01);
	command_arg(&c, 0xd4, 0xe1);
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
	/* a reply that does not fit whole is dropped */
	for (int i = 0; i < 7; i++)
		command_arg(&c, 0xd4, 0xe9);    /* 4 bytes each: 4 fit in 16 */
	EXPECT_EQ(flush(&c), 16);
	/* with the mouse interface off its bytes wait */
	command_arg(&c, 0xd4, 0xf2);            /* D4 turns the interface on */
	outb(&c, 0x64, 0xa7);
	EXPECT_AUX(&c, 0xfa);                   /* already in the buffer */
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
	outb(&c, 0x64, 0xa8);
	EXPECT_AUX(&c, 0x00);
}

static void test_reset_and_a20(void)
{
	struct vi8042 c;
	setup(&c);
	outb(&c, 0x64, 0xfe);
	EXPECT_EQ(resets, 1);
	EXPECT_STREQ(reset_how, "keyboard controller");
	outb(&c, 0x64, 0xf0);                   /* bit 0 pulsed among others */
	outb(&c, 0x64, 0xfa);
	EXPECT_EQ(resets, 3);
	outb(&c, 0x64, 0xff);                   /* no bit pulsed */
	outb(&c, 0x64, 0xf1);
	outb(&c, 0x64, 0xfd);
	EXPECT_EQ(resets, 3);
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);

	/* the output port: A20 and the reset line */
	command_arg(&c, 0xd1, 0xcd);            /* A20 off */
	EXPECT_EQ(a20_calls, 1);
	EXPECT_TRUE(!a20_last);
	EXPECT_EQ(command(&c, 0xd0), 0xcd);
	command_arg(&c, 0xd1, 0xcd);            /* no change, no call */
	EXPECT_EQ(a20_calls, 1);
	command_arg(&c, 0xd1, 0xdf);            /* bit 4 written: it reads as OBF */
	EXPECT_EQ(a20_calls, 2);
	EXPECT_TRUE(a20_last);
	EXPECT_EQ(command(&c, 0xd0), 0xcf);
	EXPECT_EQ(resets, 3);
	command_arg(&c, 0xd1, 0xce);            /* reset line low */
	EXPECT_EQ(resets, 4);
	EXPECT_EQ(a20_calls, 2);
	/* HP's A20 commands */
	outb(&c, 0x64, 0xdd);
	EXPECT_EQ(a20_calls, 3);
	EXPECT_TRUE(!a20_last);
	outb(&c, 0x64, 0xdf);
	EXPECT_EQ(a20_calls, 4);
	EXPECT_TRUE(a20_last);
	/* the output port reports the buffer */
	command_arg(&c, 0xd2, 0x11);
	outb(&c, 0x64, 0xd0);
	EXPECT_KBD(&c, 0xde);                   /* 0xce | OBF: the 0x11 was replaced */
	vi8042_reset(&c);
	EXPECT_EQ(command(&c, 0xd0), 0xcf);
	/* a reset with a byte waiting lowers the line */
	command_arg(&c, 0xd2, 0x11);
	EXPECT_TRUE(level[PC_IRQ_KBD]);
	vi8042_status_ops.reset(&c);
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
}

static void test_interrupts_follow_the_command_byte(void)
{
	struct vi8042 c;
	setup(&c);
	command_arg(&c, 0x60, 0x00);            /* no interrupts, both interfaces on */
	command_arg(&c, 0xd2, 0x42);
	EXPECT_TRUE(!level[PC_IRQ_KBD] && !level[PC_IRQ_MOUSE]);
	command_arg(&c, 0x60, VI8042_CTR_KBD_INT);   /* enabling with a byte waiting raises */
	EXPECT_TRUE(level[PC_IRQ_KBD]);
	EXPECT_TRUE(!level[PC_IRQ_MOUSE]);
	outb(&c, 0x64, 0xad);                    /* keyboard interface off: no IRQ 1 (QEMU) */
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	outb(&c, 0x64, 0xae);
	EXPECT_TRUE(level[PC_IRQ_KBD]);
	EXPECT_EQ(inb(&c, 0x60), 0x42);
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	/* mouse bytes raise IRQ 12 only, and only with bit 1 */
	command_arg(&c, 0xd3, 0x43);
	EXPECT_TRUE(!level[PC_IRQ_KBD] && !level[PC_IRQ_MOUSE]);
	command_arg(&c, 0x60, VI8042_CTR_KBD_INT | VI8042_CTR_AUX_INT);
	EXPECT_TRUE(!level[PC_IRQ_KBD] && level[PC_IRQ_MOUSE]);
	EXPECT_EQ(inb(&c, 0x60), 0x43);
	EXPECT_TRUE(!level[PC_IRQ_MOUSE]);
	/* keyboard bytes with the interface off wait, without an interrupt */
	outb(&c, 0x64, 0xad);
	vi8042_queue_key(&c, 0x10);
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
	EXPECT_TRUE(!level[PC_IRQ_KBD]);
	outb(&c, 0x64, 0xae);
	EXPECT_TRUE(level[PC_IRQ_KBD]);
	EXPECT_KBD(&c, 0x10);
	/* the command byte's SYS bit does not reach the status, and a data
	 * write leaves CMD set (QEMU's pckbd) */
	command_arg(&c, 0x60, 0x00);
	EXPECT_EQ(inb(&c, 0x64) & (VI8042_STR_SYS | VI8042_STR_CMD), VI8042_STR_SYS | VI8042_STR_CMD);
	EXPECT_EQ(command(&c, 0xaa), 0x55);
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_SYS, VI8042_STR_SYS);
	command_arg(&c, 0x60, 0x61);
	/* a byte for the keyboard turns its interface back on (QEMU) */
	outb(&c, 0x64, 0xad);
	outb(&c, 0x60, 0xee);
	EXPECT_EQ(command(&c, 0x20) & VI8042_CTR_KBD_OFF, 0);
}

static void test_output_buffer_order(void)
{
	struct vi8042 c;
	setup(&c);
	outb(&c, 0x64, 0xa8);
	/* a mouse byte in the buffer stays; then the keyboard goes first */
	command_arg(&c, 0xd4, 0xf2);            /* FA 00 */
	vi8042_queue_key(&c, 0x1e);
	vi8042_queue_key(&c, 0x9e);
	EXPECT_AUX_THEN(&c, 0xfa);
	EXPECT_KBD_THEN(&c, 0x1e, 0x9e);
	EXPECT_AUX(&c, 0x00);
	/* the controller's answer goes ahead of both, after the byte waiting */
	vi8042_queue_key(&c, 0x30);
	command_arg(&c, 0xd4, 0xf2);
	vi8042_queue_key(&c, 0x31);
	outb(&c, 0x64, 0x20);
	EXPECT_KBD_THEN(&c, 0x30, 0x61 & ~VI8042_CTR_AUX_OFF, 0x31);
	EXPECT_AUX(&c, 0xfa, 0x00);
	/* one answer at a time: a second replaces the first not read */
	outb(&c, 0x64, 0xd0);
	outb(&c, 0x64, 0xc0);
	EXPECT_KBD(&c, 0x80);
	outb(&c, 0x64, 0xaa);
	command_arg(&c, 0xd3, 0x77);             /* now marked as the mouse's */
	uint8_t st = inb(&c, 0x64);
	EXPECT_EQ(st & (VI8042_STR_OBF | VI8042_STR_AUX_OBF), VI8042_STR_OBF);   /* the buffer kept its source */
	EXPECT_EQ(inb(&c, 0x60), 0x77);
	EXPECT_EQ(inb(&c, 0x60), 0x77);         /* empty: the same byte again */
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
}

static void test_garbage_and_command_abort(void)
{
	struct vi8042 c;
	setup(&c);
	/* a command waiting for data keeps waiting across one that takes
	 * none (QEMU's write_cmd) */
	outb(&c, 0x64, 0xd1);
	outb(&c, 0x64, 0xa8);
	outb(&c, 0x60, 0xcd);                   /* still the output port's: A20 off, no reset */
	EXPECT_EQ(resets, 0);
	EXPECT_EQ(command(&c, 0xd0), 0xcd);
	command_arg(&c, 0xd1, 0xcf);
	outb(&c, 0x64, 0x60);
	outb(&c, 0x64, 0xa1);                   /* not modelled: ignored, no answer */
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
	outb(&c, 0x60, 0x41);                   /* so this is the command byte */
	EXPECT_EQ(inb(&c, 0x64) & VI8042_STR_OBF, 0);
	EXPECT_EQ(command(&c, 0x20), 0x41);
	command_arg(&c, 0x60, 0x61 & ~VI8042_CTR_AUX_OFF);
	outb(&c, 0x60, 0x00);                   /* no command waiting: to the keyboard */
	EXPECT_KBD(&c, 0xfa);
	flush(&c);

	srand(42);
	for (int i = 0; i < 50000; i++) {
		int op = rand() % 5;
		uint8_t v = (uint8_t)rand();
		if (op == 0)
			outb(&c, 0x64, v);
		else if (op == 1)
			outb(&c, 0x60, v);
		else if (op == 2)
			vi8042_queue_key(&c, v);
		else
			inb(&c, (op == 3) ? 0x60 : 0x64);
		uint8_t st = inb(&c, 0x64);
		EXPECT_EQ(st & (VI8042_STR_IBF | 0xc0), 0);
		EXPECT_TRUE(st & VI8042_STR_UNLOCKED);
		if (st & VI8042_STR_AUX_OBF)
			EXPECT_TRUE(st & VI8042_STR_OBF);
		EXPECT_TRUE(!level[PC_IRQ_KBD] || ((st & VI8042_STR_OBF) && !(st & VI8042_STR_AUX_OBF)));
		EXPECT_TRUE(!level[PC_IRQ_MOUSE] || (st & VI8042_STR_AUX_OBF));
		EXPECT_TRUE(c.kbd.scan_count <= VPS2_QUEUE_SIZE && c.kbd.reply_count <= VPS2_REPLY_SIZE);
		EXPECT_TRUE(c.mouse.count <= VPS2_QUEUE_SIZE);
		EXPECT_TRUE(c.kbd.scancode_set >= 1 && c.kbd.scancode_set <= 3);
		if (test_case_failed)
			break;
	}
	EXPECT_TRUE(resets > 0);                /* FE and friends came up */
	/* after all that, a reset gives the same controller back */
	vi8042_reset(&c);
	EXPECT_EQ(inb(&c, 0x64), 0x1c);
	EXPECT_EQ(command(&c, 0x20), 0x61);
}

static void test_every_port_size(void)
{
	struct vi8042 c;
	setup(&c);
	for (unsigned size = 1; size <= 4; size *= 2) {
		uint32_t st = vi8042_status_ops.read(&c, NULL, 0, size);
		EXPECT_EQ(st & 0xff, 0x1c);
		if (size > 1)
			EXPECT_EQ(st >> 8, 0xffffffu);      /* nothing beside answers */
	}
	vi8042_status_ops.write(&c, NULL, 0, 2, 0x12aa);   /* the low byte: self-test */
	EXPECT_EQ(vi8042_data_ops.read(&c, NULL, 0, 4) & 0xff, 0x55);
	vi8042_status_ops.write(&c, NULL, 0, 4, 0xffffff20);
	EXPECT_EQ(vi8042_data_ops.read(&c, NULL, 0, 2) & 0xff, 0x61);
	/* offsets past the one port and empty accesses do nothing */
	vi8042_status_ops.write(&c, NULL, 1, 1, 0xfe);
	vi8042_data_ops.write(&c, NULL, 3, 4, 0xff);
	vi8042_status_ops.write(&c, NULL, 0, 0, 0xfe);
	EXPECT_EQ(vi8042_status_ops.read(&c, NULL, 2, 1), 0xffffffffu);
	EXPECT_EQ(vi8042_data_ops.read(&c, NULL, 1, 2), 0xffffffffu);
	EXPECT_EQ(vi8042_data_ops.read(&c, NULL, 0, 0), 0);
	EXPECT_EQ(resets, 0);
	EXPECT_EQ(inb(&c, 0x64), 0x1c);
	/* no interrupt lines connected: still works */
	struct vi8042 bare;
	vi8042_init(&bare, NULL, NULL, on_reset, NULL, NULL);
	command_arg(&bare, 0xd1, 0xcd);         /* A20 off with no a20 callback */
	EXPECT_EQ(command(&bare, 0xd0), 0xcd);
	EXPECT_EQ(command(&bare, 0xaa), 0x55);
}

int main(void)
{
	RUN(test_reset_state);
	RUN(test_linux_probe_sequence);
	RUN(test_keyboard_commands);
	RUN(test_mouse_commands);
	RUN(test_reset_and_a20);
	RUN(test_interrupts_follow_the_command_byte);
	RUN(test_output_buffer_order);
	RUN(test_garbage_and_command_abort);
	RUN(test_every_port_size);
	TEST_MAIN_END();
}

/* tests/guests/mb/kbc.c - The 8042 keyboard controller and its PS/2
 * devices as an OS's probe sees them (IBM PS/2 Technical Reference,
 * "Keyboard/Auxiliary Device Controller"; Linux's i8042.c and atkbd.c do
 * these steps): the status and command byte at entry, the controller's
 * self-test and interface tests, the command byte written and read back
 * (and what the status says after a data write), a command waiting for its
 * data byte across a command that takes none, the output port and A20 (D0,
 * D1, and port 0x92), the output buffer loopbacks D2/D3 with the mouse
 * bit, the keyboard's reset, echo, identify and scancode set, and the
 * mouse's reset and identify through D4. Interrupts stay off: everything
 * is polled, each wait bounded. Exit code: the number of failed checks. */
#include "tkdev.h"

#define KBC_DATA        0x60
#define KBC_STATUS      0x64
#define PORT_92         0x92
#define ST_OBF          0x01
#define ST_AUX          0x20
#define CTR_SEABIOS     0x61        /* keyboard IRQ on, mouse off, translation */
#define POLLS           200000u

/* The next byte of the output buffer, or -1 when none comes. */
static int read_byte(void)
{
	for (unsigned i = 0; i < POLLS; i++)
		if (inb(KBC_STATUS) & ST_OBF)
			return inb(KBC_DATA);
	return -1;
}

/* Every byte waiting, printed as one line (none: "none"). */
static void print_answer(const char *what)
{
	char buf[64];
	unsigned n = 0;
	int b;

	buf[0] = 0;
	while (n + 4 < sizeof(buf) && (b = read_byte()) >= 0) {
		static const char hex[] = "0123456789abcdef";
		buf[n++] = ' ';
		buf[n++] = hex[(b >> 4) & 0xf];
		buf[n++] = hex[b & 0xf];
		buf[n] = 0;
	}
	tk_printf("%s:%s\n", what, n ? buf : " none");
}

static void command(uint8_t cmd)
{
	outb(KBC_STATUS, cmd);
}

static void command_arg(uint8_t cmd, uint8_t arg)
{
	outb(KBC_STATUS, cmd);
	outb(KBC_DATA, arg);
}

static int command_byte(void)
{
	command(0x20);
	return read_byte();
}

static void flush(void)
{
	while (read_byte() >= 0)
		;
}

static void controller(void)
{
	uint8_t st = inb(KBC_STATUS);
	tk_printf("status 0x%02x at entry, command byte 0x%02x\n", st, command_byte());
	command(0xaa);
	print_answer("self-test (aa)");
	command(0xab);
	print_answer("keyboard interface test (ab)");
	command(0xa9);
	print_answer("mouse interface test (a9)");
	command(0xc0);
	print_answer("input port (c0)");
	tk_printf("status 0x%02x after the tests\n", inb(KBC_STATUS));

	/* the command byte's SYS bit and a data write, as the status says */
	command_arg(0x60, CTR_SEABIOS & ~0x04);
	tk_printf("command byte 0x%02x written, reads 0x%02x; status 0x%02x\n", CTR_SEABIOS & ~0x04, command_byte(),
		  inb(KBC_STATUS));
	command_arg(0x60, CTR_SEABIOS);

	/* 60 waits for its byte; a7 (mouse interface off) takes none */
	command(0x60);
	command(0xa7);
	outb(KBC_DATA, 0x41);
	tk_printf("60, a7, then 0x41 to the data port: command byte 0x%02x\n", command_byte());
	flush();
	command_arg(0x60, CTR_SEABIOS);
}

static void output_port(void)
{
	command(0xd0);
	print_answer("output port (d0)");
	/* A20 stays on (bit 1): QEMU's TCG would wrap this kernel's
	 * addresses at 1 MiB, the board does not (docs/pc.md) */
	command_arg(0xd1, 0xcb);            /* bit 2 low, reset line high */
	command(0xd0);
	print_answer("output port after d1 0xcb");
	command_arg(0xd1, 0xcf);
	command(0xd0);
	print_answer("output port after d1 0xcf");
	tk_printf("port 0x92: 0x%02x\n", inb(PORT_92));
	outb(PORT_92, 0x02);
	tk_printf("port 0x92 after 0x02 written: 0x%02x\n", inb(PORT_92));
}

static void loopbacks(void)
{
	command_arg(0xd2, 0x5a);
	uint8_t st = inb(KBC_STATUS);
	print_answer("d2 0x5a");
	tk_printf("d2: status 0x%02x with the byte waiting\n", st);
	command_arg(0xd3, 0xa5);
	st = inb(KBC_STATUS);
	print_answer("d3 0xa5");
	tk_printf("d3: status 0x%02x with the byte waiting (mouse bit %u)\n", st, (st & ST_AUX) ? 1 : 0);
}

static void keyboard(void)
{
	outb(KBC_DATA, 0xff);
	print_answer("keyboard reset (ff)");
	outb(KBC_DATA, 0xee);
	print_answer("keyboard echo (ee)");
	outb(KBC_DATA, 0xf2);
	print_answer("keyboard identify (f2)");
	outb(KBC_DATA, 0xf0);
	outb(KBC_DATA, 0x00);
	print_answer("keyboard get scancode set (f0 00)");
	outb(KBC_DATA, 0xf4);
	print_answer("keyboard enable (f4)");
}

static void mouse(void)
{
	command(0xa8);                      /* mouse interface on */
	tk_printf("command byte 0x%02x after a8\n", command_byte());
	command_arg(0xd4, 0xff);
	print_answer("mouse reset (d4 ff)");
	command_arg(0xd4, 0xf2);
	print_answer("mouse identify (d4 f2)");
	command_arg(0xd4, 0xe9);
	print_answer("mouse status request (d4 e9)");
	command(0xa7);
	command_arg(0x60, CTR_SEABIOS);
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	tk_printf("kbc: the 8042 and its PS/2 devices, polled\n");
	tk_cli();
	controller();
	output_port();
	loopbacks();
	keyboard();
	mouse();
	tk_check(command_byte() == CTR_SEABIOS, "the command byte restored");
	tk_printf("kbc: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

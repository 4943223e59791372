/* tests/unit/test_vdev.c - The I/O bus and the device models behind it. */
/* UNIT_SRC: hv/iobus.c hv/vdev/vuart.c hv/vdev/vsysctl.c */
#include "test.h"
#include "hv/iobus.h"
#include "hv/vdev/vsysctl.h"
#include "hv/vdev/vuart.h"

static char lines[8][VUART_LINE_MAX + 1];
static int nlines;
static void capture_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (nlines < 8) {
		memcpy(lines[nlines], line, len);
		lines[nlines][len] = '\0';
	}
	nlines++;
}

static int exits, resets, poweroffs, last_code;
static void on_poweroff_req(void *ctx) { (void)ctx; poweroffs++; }
static const char *last_how;
static void on_exit_req(void *ctx, uint8_t code) { (void)ctx; exits++; last_code = code; }
static void on_reset_req(void *ctx, const char *how) { (void)ctx; resets++; last_how = how; }

static void test_bus_unclaimed_reads_all_ones(void)
{
	struct iobus bus;
	iobus_init(&bus);
	EXPECT_EQ(iobus_read(&bus, 0x1234, 1), 0xff);
	EXPECT_EQ(iobus_read(&bus, 0x1234, 2), 0xffff);
	EXPECT_EQ(iobus_read(&bus, 0x1234, 4), 0xffffffff);
	iobus_write(&bus, 0x1234, 4, 0);
	EXPECT_EQ(bus.unclaimed_reads, 3);
	EXPECT_EQ(bus.unclaimed_writes, 1);
}

static void test_bus_register_rules(void)
{
	struct iobus bus;
	struct vuart u;
	iobus_init(&bus);
	vuart_init(&u, capture_line, NULL);
	EXPECT_EQ(iobus_register(&bus, 0x3f8, 8, &vuart_ops, &u), 0);
	EXPECT_EQ(iobus_register(&bus, 0x3ff, 1, &vuart_ops, &u), -1);    /* overlaps */
	EXPECT_EQ(iobus_register(&bus, 0x3f0, 9, &vuart_ops, &u), -1);    /* overlaps the start */
	EXPECT_EQ(iobus_register(&bus, 0x3f0, 8, &vuart_ops, &u), 0);     /* touches, fine */
	EXPECT_EQ(iobus_register(&bus, 0xfffc, 8, &vuart_ops, &u), -1);   /* wraps */
	EXPECT_EQ(iobus_register(&bus, 0x100, 0, &vuart_ops, &u), -1);
	for (int i = 0; i < IOBUS_MAX_RANGES; i++)
		iobus_register(&bus, (uint16_t)(0x1000 + i * 8), 8, &vuart_ops, &u);
	EXPECT_EQ(bus.count, IOBUS_MAX_RANGES);
	/* an access straddling the end of a range is unclaimed */
	EXPECT_EQ(iobus_read(&bus, 0x3ff, 2), 0xffff);
}

static void test_uart_lines(void)
{
	struct iobus bus;
	struct vuart u;
	iobus_init(&bus);
	vuart_init(&u, capture_line, NULL);
	iobus_register(&bus, 0x3f8, 8, &vuart_ops, &u);
	nlines = 0;
	const char *text = "hi there\r\nsecond\n";
	for (const char *p = text; *p; p++)
		iobus_write(&bus, 0x3f8, 1, (uint8_t)*p);
	EXPECT_EQ(nlines, 2);
	EXPECT_STREQ(lines[0], "hi there");
	EXPECT_STREQ(lines[1], "second");
	EXPECT_EQ(iobus_read(&bus, 0x3fd, 1), 0x60);   /* LSR: THRE|TEMT */
	iobus_write(&bus, 0x3f8, 1, 'x');
	vuart_flush(&u);
	EXPECT_EQ(nlines, 3);
	EXPECT_STREQ(lines[2], "x");
	vuart_flush(&u);
	EXPECT_EQ(nlines, 3);
}

static void test_uart_filters_control_characters(void)
{
	struct vuart u;
	vuart_init(&u, capture_line, NULL);
	nlines = 0;
	const uint8_t evil[] = { 0x1b, '[', '2', 'J', '\t', 0x07, 0xff, 'k', '\n' };
	for (size_t i = 0; i < sizeof(evil); i++)
		vuart_ops.write(&u, 0, 1, evil[i]);
	EXPECT_STREQ(lines[0], "?[2J\t??k");
}

static void test_uart_long_line_split(void)
{
	struct vuart u;
	vuart_init(&u, capture_line, NULL);
	nlines = 0;
	for (int i = 0; i < VUART_LINE_MAX + 5; i++)
		vuart_ops.write(&u, 0, 1, 'a');
	vuart_ops.write(&u, 0, 1, '\n');
	EXPECT_EQ(nlines, 2);
	EXPECT_EQ(strlen(lines[0]), VUART_LINE_MAX);
	EXPECT_STREQ(lines[1], "aaaaa");
}

static void test_uart_divisor_latch(void)
{
	struct vuart u;
	vuart_init(&u, capture_line, NULL);
	nlines = 0;
	vuart_ops.write(&u, 3, 1, 0x80);       /* DLAB */
	vuart_ops.write(&u, 0, 1, 1);          /* DLL, not a byte to send */
	vuart_ops.write(&u, 1, 1, 0);
	EXPECT_EQ(vuart_ops.read(&u, 0, 1), 1);
	vuart_ops.write(&u, 3, 1, 0x03);
	vuart_ops.write(&u, 0, 1, '\n');
	EXPECT_EQ(nlines, 1);
	EXPECT_EQ(u.bytes_sent, 1);
	vuart_ops.write(&u, 7, 1, 0x5a);
	EXPECT_EQ(vuart_ops.read(&u, 7, 1), 0x5a);   /* scratch register */
}

static void test_sysctl_ports(void)
{
	struct iobus bus;
	struct vsysctl s;
	iobus_init(&bus);
	vsysctl_init(&s, on_exit_req, on_reset_req, on_poweroff_req, NULL);
	EXPECT_EQ(iobus_register(&bus, 0xf4, 1, &vsysctl_debug_exit_ops, &s), 0);
	EXPECT_EQ(iobus_register(&bus, 0x60, 5, &vsysctl_i8042_ops, &s), 0);
	EXPECT_EQ(iobus_register(&bus, 0xcf9, 1, &vsysctl_cf9_ops, &s), 0);
	EXPECT_EQ(iobus_register(&bus, 0x92, 1, &vsysctl_port92_ops, &s), 0);
	exits = resets = 0;

	iobus_write(&bus, 0xf4, 1, 42);
	EXPECT_EQ(exits, 1);
	EXPECT_EQ(last_code, 42);
	EXPECT_EQ(iobus_read(&bus, 0xf4, 1), 0xff);      /* write-only */

	EXPECT_EQ(iobus_read(&bus, 0x64, 1) & 0x03, 0);  /* buffers empty */
	iobus_write(&bus, 0x64, 1, 0xd1);                /* other commands: nothing */
	EXPECT_EQ(resets, 0);
	iobus_write(&bus, 0x64, 1, 0xfe);
	EXPECT_EQ(resets, 1);
	EXPECT_STREQ(last_how, "keyboard controller");

	iobus_write(&bus, 0xcf9, 1, 0x02);               /* arm: no reset yet */
	EXPECT_EQ(resets, 1);
	iobus_write(&bus, 0xcf9, 1, 0x06);
	EXPECT_EQ(resets, 2);
	iobus_write(&bus, 0xcf9, 1, 0x0e);
	EXPECT_EQ(resets, 3);
	EXPECT_STREQ(last_how, "port 0xCF9");

	iobus_write(&bus, 0x92, 1, 0x02);                /* A20 only */
	EXPECT_EQ(resets, 3);
	iobus_write(&bus, 0x92, 1, 0x03);
	EXPECT_EQ(resets, 4);
	EXPECT_EQ(iobus_read(&bus, 0x92, 1), 0x02);
}

static void test_acpi_poweroff_port(void)
{
	struct iobus bus;
	struct vsysctl s;
	iobus_init(&bus);
	vsysctl_init(&s, on_exit_req, on_reset_req, on_poweroff_req, NULL);
	EXPECT_EQ(iobus_register(&bus, 0x604, 2, &vsysctl_pm1_cnt_ops, &s), 0);
	poweroffs = 0;
	EXPECT_EQ(iobus_read(&bus, 0x604, 2), 0x0001);     /* SCI_EN: ACPI mode */
	iobus_write(&bus, 0x604, 2, 0x1401);               /* SLP_TYP=5, no SLP_EN */
	EXPECT_EQ(poweroffs, 0);
	iobus_write(&bus, 0x604, 2, 0x3401);               /* SLP_EN with SLP_TYP=5: not S5 here */
	EXPECT_EQ(poweroffs, 0);
	EXPECT_EQ(iobus_read(&bus, 0x604, 2) & 0x2000, 0); /* SLP_EN reads as 0 */
	iobus_write(&bus, 0x605, 1, 0x20);                 /* byte write of the high half: SLP_EN, SLP_TYP=0 */
	EXPECT_EQ(poweroffs, 1);
	iobus_write(&bus, 0x604, 2, 0x2000);
	EXPECT_EQ(poweroffs, 2);
}

int main(void)
{
	RUN(test_acpi_poweroff_port);
	RUN(test_bus_unclaimed_reads_all_ones);
	RUN(test_bus_register_rules);
	RUN(test_uart_lines);
	RUN(test_uart_filters_control_characters);
	RUN(test_uart_long_line_split);
	RUN(test_uart_divisor_latch);
	RUN(test_sysctl_ports);
	TEST_MAIN_END();
}

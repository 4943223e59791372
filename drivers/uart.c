/* drivers/uart.c - Polled output on a 16550-compatible UART (register map:
 * National Semiconductor PC16550D datasheet). Polled, not interrupt driven:
 * the console must work in a panic with interrupts off. */
#include "arch/x86/io.h"
#include "drivers/uart.h"

#define UART_THR 0      /* transmit holding (DLAB=0) */
#define UART_DLL 0      /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LCR_8N1   0x03
#define LCR_DLAB  0x80
#define FCR_ENABLE_CLEAR_14 0xc7   /* enable FIFOs, clear both, trigger at 14 bytes */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define IER_ERBFI 0x01
#define UART_RBR 0      /* receive buffer (DLAB=0) */

#define UART_CLOCK_DIVISOR_115200 1   /* 1.8432 MHz / 16 / 115200 */
#define THRE_SPIN_LIMIT 200000        /* ~10 ms at 115200 baud is far less than this */

static uint16_t uart_base = COM1_PORT;
static bool uart_ok;

bool uart_init(uint16_t base)
{
	uart_base = base;
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a) {
		uart_ok = false;
		return false;
	}
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, UART_CLOCK_DIVISOR_115200);
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR_14);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	uart_ok = true;
	return true;
}

static void uart_putc(char c)
{
	for (unsigned spin = 0; spin < THRE_SPIN_LIMIT; spin++) {
		if (inb(uart_base + UART_LSR) & LSR_THRE) {
			outb(uart_base + UART_THR, (uint8_t)c);
			return;
		}
	}
	/* The transmitter never emptied: a UART that answers the probe but
	 * does not send. Stop using it rather than stall every later byte. */
	uart_ok = false;
}

void uart_write(const char *s, size_t len)
{
	if (!uart_ok)
		return;
	for (size_t i = 0; i < len && uart_ok; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void uart_write_raw(const char *s, size_t len)
{
	for (size_t i = 0; i < len && uart_ok; i++)
		uart_putc(s[i]);
}

int uart_read_byte(void)
{
	if (!uart_ok || !(inb(uart_base + UART_LSR) & LSR_DR))
		return -1;
	return inb(uart_base + UART_RBR);
}

void uart_enable_rx_interrupt(void)
{
	if (uart_ok)
		outb(uart_base + UART_IER, IER_ERBFI);
}

uint16_t uart_port(void)
{
	return uart_base;
}

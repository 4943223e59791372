/* drivers/uart.c - Polled output on a 16550-compatible UART (register map:
 * National Semiconductor PC16550D datasheet). Polled, not interrupt driven:
 * the console must work in a panic with interrupts off. */
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "drivers/tsc.h"
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
/* A byte takes 87 us at 115200 baud. A transmitter still busy after this
 * long is stuck (or, under emulation, its host side is not draining). */
#define THRE_TIMEOUT_MS 1000
#define TSC_KHZ_UNCALIBRATED 4000000  /* before calibration: assume a fast 4 GHz */

static uint16_t uart_base = COM1_PORT;
static bool uart_ok;
static bool uart_stalled;   /* the last byte timed out: drop bytes until THRE comes back */

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
	uart_stalled = false;
	return true;
}

static void uart_putc(char c)
{
	/* Stalled: one look per byte, no waiting, until the transmitter moves
	 * again; output is lost meanwhile, but the hypervisor never hangs on
	 * its console and the console comes back by itself. */
	if (uart_stalled) {
		if (!(inb(uart_base + UART_LSR) & LSR_THRE))
			return;
		uart_stalled = false;
	}
	uint64_t khz = tsc_khz() ? tsc_khz() : TSC_KHZ_UNCALIBRATED;
	uint64_t start = rdtsc(), limit = khz * THRE_TIMEOUT_MS;
	for (unsigned spin = 1;; spin++) {
		if (inb(uart_base + UART_LSR) & LSR_THRE) {
			outb(uart_base + UART_THR, (uint8_t)c);
			return;
		}
		if (!(spin % 64) && rdtsc() - start > limit) {
			uart_stalled = true;
			return;
		}
		cpu_relax();
	}
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

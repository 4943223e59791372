/* drivers/uart.h - The host's 16550 UART, the hypervisor's console. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "lib/types.h"

#define COM1_PORT 0x3f8

/* Programs the UART at I/O port base for 115200 8N1 with FIFOs. Returns false
 * when no UART answers there (the scratch register does not hold a value);
 * output is then dropped rather than waited for. */
bool uart_init(uint16_t base);
/* Writes len bytes, "\n" as "\r\n". Waits for the transmitter at most a
 * second per byte; after such a timeout bytes are dropped (one status read
 * each) until it moves again. So a stuck UART never hangs the hypervisor,
 * and a slow one (an emulated UART whose host side lags) comes back. */
void uart_write(const char *s, size_t len);
uint16_t uart_port(void);
/* Writes len bytes exactly as given (no "\n" to "\r\n"): a focused guest's
 * own output, which has its own line ends. */
void uart_write_raw(const char *s, size_t len);
/* A received byte, or -1 when none is waiting (LSR.DR clear). */
int uart_read_byte(void);
/* Interrupt on received data (IER.ERBFI); the IRQ line is gated by MCR.OUT2,
 * which uart_init() sets. */
void uart_enable_rx_interrupt(void);

#endif

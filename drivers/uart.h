/* drivers/uart.h - The host's 16550 UART, the hypervisor's console. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "lib/types.h"

#define COM1_PORT 0x3f8

/* Programs the UART at I/O port base for 115200 8N1 with FIFOs. Returns false
 * when no UART answers there (the scratch register does not hold a value);
 * output is then dropped rather than waited for. */
bool uart_init(uint16_t base);
/* Writes len bytes, "\n" as "\r\n". Waits for the transmitter with a bound,
 * so a missing or stuck UART never hangs the hypervisor. */
void uart_write(const char *s, size_t len);
uint16_t uart_port(void);

#endif

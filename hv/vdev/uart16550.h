/* hv/vdev/uart16550.h - The 16550's registers and bits (PC16550D
 * datasheet), names only: the model (vuart.c) and what drives it, its
 * unit test and the uart test kernel, spell them alike. No code, no
 * includes: it builds freestanding, 32- or 64-bit. */
#ifndef HV_VDEV_UART16550_H
#define HV_VDEV_UART16550_H

/* offsets from the base; DLAB (LCR bit 7) turns 0 and 1 into the divisor */
#define UART_RBR        0       /* read */
#define UART_THR        0       /* write */
#define UART_DLL        0
#define UART_IER        1
#define UART_DLM        1
#define UART_IIR        2       /* read */
#define UART_FCR        2       /* write */
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_MSR        6
#define UART_SCR        7

#define UART_IER_ERBFI  0x01    /* received data (and the character timeout) */
#define UART_IER_ETBEI  0x02    /* transmitter holding register empty */
#define UART_IER_ELSI   0x04    /* receiver line status */
#define UART_IER_EDSSI  0x08    /* modem status */
#define UART_IER_MASK   0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRE   0x02
#define UART_IIR_RDA    0x04
#define UART_IIR_RLS    0x06
#define UART_IIR_CTI    0x0c    /* character timeout */
#define UART_IIR_FIFOS  0xc0    /* bits 7:6 with the FIFOs enabled */

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_KEPT     0xc9  /* enable, DMA mode, trigger level: the bits that stay */

#define UART_LCR_8N1    0x03
#define UART_LCR_DLAB   0x80

#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10
#define UART_MCR_MASK   0x1f

#define UART_LSR_DR     0x01    /* data ready */
#define UART_LSR_OE     0x02    /* overrun */
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40

#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80

#endif

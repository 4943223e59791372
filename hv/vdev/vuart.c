/* hv/vdev/vuart.c - 16550 UART model, transmit side.
 *
 * The guest's bytes end up on the operator's terminal, so they are filtered:
 * control characters other than tab become '?', so a guest cannot move the
 * cursor, clear the screen or inject escape sequences into the console. */
#include "hv/vdev/vuart.h"

#define REG_THR_RBR_DLL 0
#define REG_IER_DLM     1
#define REG_IIR_FCR     2
#define REG_LCR         3
#define REG_MCR         4
#define REG_LSR         5
#define REG_MSR         6
#define REG_SCR         7

#define LCR_DLAB        0x80
#define LSR_THRE_TEMT   0x60    /* transmitter always empty: output is instant */
#define IIR_NO_INT      0x01
#define MSR_DCD_DSR_CTS 0xb0

void vuart_init(struct vuart *u, void (*line_out)(void *ctx, const char *line, size_t len), void *ctx)
{
	u->line_out = line_out;
	u->ctx = ctx;
	u->bytes_sent = 0;
	vuart_reset(u);
}

void vuart_reset(struct vuart *u)
{
	u->len = 0;
	u->ier = u->lcr = u->mcr = u->scr = 0;
	u->dll = 12;   /* 9600 baud, as after a PC's power-on */
	u->dlm = 0;
}

void vuart_flush(struct vuart *u)
{
	if (u->len) {
		u->line_out(u->ctx, u->line, u->len);
		u->len = 0;
	}
}

static void transmit(struct vuart *u, uint8_t c)
{
	u->bytes_sent++;
	if (c == '\n') {
		u->line_out(u->ctx, u->line, u->len);
		u->len = 0;
		return;
	}
	if (c == '\r')
		return;
	if ((c < 0x20 && c != '\t') || c >= 0x7f)
		c = '?';
	u->line[u->len++] = (char)c;
	if (u->len == VUART_LINE_MAX)
		vuart_flush(u);
}

static uint32_t vuart_read(void *dev, uint16_t off, unsigned size)
{
	struct vuart *u = dev;
	(void)size;

	switch (off) {
	case REG_THR_RBR_DLL:
		return (u->lcr & LCR_DLAB) ? u->dll : 0;   /* nothing received */
	case REG_IER_DLM:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return IIR_NO_INT;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE_TEMT;
	case REG_MSR:
		return MSR_DCD_DSR_CTS;
	default:
		return u->scr;
	}
}

static void vuart_write(void *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct vuart *u = dev;
	uint8_t v = (uint8_t)val;
	(void)size;

	switch (off) {
	case REG_THR_RBR_DLL:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case REG_IER_DLM:
		if (u->lcr & LCR_DLAB)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:   /* FCR, LSR, MSR: nothing to model for transmit-only output */
		break;
	}
}

const struct pio_ops vuart_ops = { .name = "uart16550", .read = vuart_read, .write = vuart_write };

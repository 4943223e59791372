/* hv/console/vconsole.c - A VM's serial output: history ring and console lines. */
#include "hv/console/vconsole.h"
#include "lib/string.h"

_Static_assert((VCONSOLE_RING_SIZE & (VCONSOLE_RING_SIZE - 1)) == 0, "ring size is a power of two");

void vconsole_init(struct vconsole *c, uint8_t *ring)
{
	c->ring = ring;
	c->written = 0;
	c->line_len = 0;
}

char vconsole_filter(uint8_t c)
{
	return ((c < 0x20 && c != '\t') || c >= 0x7f) ? '?' : (char)c;
}

bool vconsole_put(struct vconsole *c, uint8_t byte, const char **line, size_t *len)
{
	if (c->ring)
		c->ring[c->written & (VCONSOLE_RING_SIZE - 1)] = byte;
	c->written++;
	if (byte == '\r')
		return false;
	if (byte != '\n') {
		c->line[c->line_len++] = vconsole_filter(byte);
		if (c->line_len < VCONSOLE_LINE_MAX)
			return false;
	}
	*line = c->line;
	*len = c->line_len;
	c->line_len = 0;   /* the caller uses the text before the next put */
	return true;
}

size_t vconsole_take_partial(struct vconsole *c, const char **line)
{
	size_t n = c->line_len;

	*line = c->line;
	c->line_len = 0;
	return n;
}

void vconsole_drop_partial(struct vconsole *c)
{
	c->line_len = 0;
}

/* Filters [from, from+n) of the ring through a small buffer into out(). */
static void replay_piece(const struct vconsole *c, uint64_t from, uint64_t n,
			 void (*out)(void *ctx, const char *s, size_t len), void *ctx)
{
	char buf[128];
	size_t used = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint8_t b = c->ring[(from + i) & (VCONSOLE_RING_SIZE - 1)];
		if (b == '\r')
			continue;
		buf[used++] = b == '\n' ? '\n' : vconsole_filter(b);
		if (used == sizeof(buf)) {
			out(ctx, buf, used);
			used = 0;
		}
	}
	if (used)
		out(ctx, buf, used);
}

size_t vconsole_replay(const struct vconsole *c, void (*out)(void *ctx, const char *s, size_t len), void *ctx)
{
	if (!c->ring || c->written == 0)
		return 0;
	uint64_t kept = c->written < VCONSOLE_RING_SIZE ? c->written : VCONSOLE_RING_SIZE;
	replay_piece(c, c->written - kept, kept, out, ctx);
	return (size_t)kept;
}

/* hv/console/vconsole.h - What a VM's serial port has said: the bytes it sent, kept
 * in a ring (for the shell's `log NAME`), and assembled into filtered lines
 * for the shared console ("NAME| text").
 *
 * The filter matters because the operator's terminal is shared: an
 * unfocused guest must not move the cursor, clear the screen or inject
 * escape sequences, so its control characters other than tab become '?'.
 * Pure logic: host-tested. */
#ifndef HV_VCONSOLE_H
#define HV_VCONSOLE_H

#include "lib/types.h"

#define VCONSOLE_RING_SIZE (16 * 1024)   /* power of two */
#define VCONSOLE_LINE_MAX 160            /* longer lines are split */

struct vconsole {
	uint8_t *ring;             /* VCONSOLE_RING_SIZE bytes, or NULL (no history kept) */
	uint64_t written;          /* bytes ever put in the ring */
	char line[VCONSOLE_LINE_MAX];
	size_t line_len;
};

void vconsole_init(struct vconsole *c, uint8_t *ring);
/* Records one byte. Returns true when it completed a line: then line/len
 * hold the filtered text (no newline) and the line buffer starts afresh. A
 * "\n" completes a line, so does the VCONSOLE_LINE_MAXth character; "\r" is
 * dropped from lines (but kept in the ring). */
bool vconsole_put(struct vconsole *c, uint8_t byte, const char **line, size_t *len);
/* The partial line (no "\n" yet), for when the VM stops; empties it. */
size_t vconsole_take_partial(struct vconsole *c, const char **line);
/* Forgets the partial line (it was shown some other way). */
void vconsole_drop_partial(struct vconsole *c);
/* Calls out() on the ring's contents, oldest first, in pieces: "\r" is
 * dropped and control characters other than "\n" and "\t" become '?'
 * (through a bounce buffer, so out() never sees raw bytes). Returns the
 * number of ring bytes replayed. */
size_t vconsole_replay(const struct vconsole *c, void (*out)(void *ctx, const char *s, size_t len), void *ctx);
/* The byte a line keeps for c ('?' for control characters other than tab). */
char vconsole_filter(uint8_t c);

#endif

/* lib/lineedit.h - The line editor of the serial-console debug shell.
 *
 * Bytes from a VT100/xterm-like terminal (PuTTY, screen, minicom, QEMU's
 * stdio) are fed in one at a time; the editor keeps the line being typed,
 * echoes and redraws it through an output callback, and reports when a whole
 * line has been entered. It knows printable ASCII, Enter (CR, LF, CRLF or
 * LFCR as one), Backspace/DEL, Delete, Left/Right, Home/End (also Ctrl-A and
 * Ctrl-E; on the hypervisor's console Ctrl-A is the focus key, and Ctrl-A a
 * hands one to the editor), Up/Down through a small history, Ctrl-U, Ctrl-C, Ctrl-L and Tab
 * completion through a callback. Other escape sequences are swallowed whole;
 * other control bytes are ignored. The console is raw: lines end in "\r\n".
 *
 * Cursor motion assumes prompt + line fit on one terminal row (the width is
 * unknown here), so on a narrow terminal a long line may be redrawn wrongly;
 * the buffer itself stays right.
 *
 * Pure logic: no locking, no I/O of its own; builds and tests on the host. */
#ifndef LIB_LINEEDIT_H
#define LIB_LINEEDIT_H

#include "lib/types.h"

#define LINEEDIT_MAX 75          /* longest line, without NUL: with the 4-character
                                     * prompt it fits one 80-column row, so a redraw
                                     * (which clears one row) always erases it all */
#define LINEEDIT_HISTORY 16       /* lines kept */
#define LINEEDIT_COMPLETIONS 32   /* candidates asked of the completer */

typedef void (*lineedit_out_fn)(void *ctx, const char *s, size_t len);

/* Fills out[] with up to max candidate words that complete `prefix`
 * (prefix_len bytes) as word number word_index (0 = the command) of `line`
 * (line_len bytes: the text before the word); returns how many. Candidates
 * that do not start with the prefix are dropped, and only their printable
 * ASCII bytes are inserted. The strings must stay valid until lineedit_key
 * returns. */
typedef unsigned (*lineedit_complete_fn)(void *ctx, const char *line, size_t line_len,
					 unsigned word_index, const char *prefix,
					 size_t prefix_len, const char **out, unsigned max);

/* All fields are private; use the functions below. */
struct lineedit {
	char buf[LINEEDIT_MAX + 1];    /* the line being edited, NUL-terminated */
	size_t len, cur;               /* its length and the cursor (0..len) */
	char line[LINEEDIT_MAX + 1];   /* the last line entered */
	char hist[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];   /* a ring */
	unsigned hist_count, hist_next;
	int hist_pos;                  /* -1: editing the live line, else k-th newest */
	char saved[LINEEDIT_MAX + 1];  /* the live line while browsing history */
	const char *prompt;
	size_t prompt_len;
	lineedit_out_fn out;
	lineedit_complete_fn complete;
	void *ctx;
	uint8_t esc;                   /* escape-sequence parser state */
	bool esc_odd;                  /* CSI had a byte other than digits */
	unsigned esc_num;              /* CSI numeric parameter (saturating) */
	uint8_t eol;                   /* CR or LF that just ended a line, else 0 */
	bool visible;
};

/* complete may be NULL (Tab then only rings the bell). Prints nothing. */
void lineedit_init(struct lineedit *le, const char *prompt, lineedit_out_fn out,
		   lineedit_complete_fn complete, void *ctx);

/* Feeds one received byte. Returns true when a line is complete: then
 * lineedit_line() holds it (NUL-terminated, possibly empty), it was added to
 * history if non-empty and not equal to the newest entry, "\r\n" was echoed,
 * the prompt is marked hidden and the edit buffer is empty again. The caller
 * runs the command, then calls lineedit_show_prompt().
 * The second byte of a CRLF/LFCR pair is swallowed. Ctrl-C abandons the line:
 * it echoes "^C\r\n" and a fresh prompt, and returns false.
 * A byte that arrives while the prompt is hidden first shows it again, so
 * echo never lands in the middle of other output. */
bool lineedit_key(struct lineedit *le, uint8_t c);

/* The last line entered; stays valid until the next Enter. */
static inline const char *lineedit_line(const struct lineedit *le)
{
	return le->line;
}

/* The line being edited and the cursor position in it (for tests, mostly). */
static inline const char *lineedit_buffer(const struct lineedit *le)
{
	return le->buf;
}

static inline size_t lineedit_cursor(const struct lineedit *le)
{
	return le->cur;
}

/* Writes the prompt and the edit buffer, cursor where it was; marks the
 * prompt visible. */
void lineedit_show_prompt(struct lineedit *le);
/* Erases the visible prompt line ("\r\x1b[K") so other output can be
 * printed; does nothing if it is not visible. */
void lineedit_hide(struct lineedit *le);
/* After other output: the prompt and buffer again (same as show). */
void lineedit_redraw(struct lineedit *le);

static inline bool lineedit_prompt_visible(const struct lineedit *le)
{
	return le->visible;
}

#endif

/* lib/lineedit.c - The debug shell's line editor (see lineedit.h). */
#include "lib/lineedit.h"
#include "lib/string.h"

/* Escape-sequence parser states. Terminals send keys such as the arrows as
 * several bytes that arrive one at a time; the state carries a sequence over
 * from one call to the next so none of its bytes reach the buffer. */
enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

#define ESC_NUM_CAP 1000   /* no key code is this large; stops overflow */

static void put(struct lineedit *le, const char *s, size_t n)
{
	if (n && le->out)
		le->out(le->ctx, s, n);
}

static void put_str(struct lineedit *le, const char *s)
{
	put(le, s, strlen(s));
}

/* Moves the terminal cursor n columns left ('D') or right ('C'). One column
 * is the bare "\x1b[D" an arrow key itself sends, which every terminal
 * knows; more take a count, so a long tail costs a few bytes, not n. */
static void move(struct lineedit *le, size_t n, char dir)
{
	char b[24];
	size_t i = sizeof(b);

	if (n == 0)
		return;
	b[--i] = dir;
	if (n > 1)   /* a count, written backwards from its last digit */
		for (; n; n /= 10)
			b[--i] = (char)('0' + n % 10);
	b[--i] = '[';
	b[--i] = '\x1b';
	put(le, b + i, sizeof(b) - i);
}

/* Prompt and buffer from the current column, then the cursor back to where
 * it belongs in the buffer. */
void lineedit_show_prompt(struct lineedit *le)
{
	put(le, le->prompt, le->prompt_len);
	put(le, le->buf, le->len);
	move(le, le->len - le->cur, 'D');
	le->visible = true;
}

/* Whole-line replacement: back to column 0, clear to the end of the row. */
static void replace_line(struct lineedit *le)
{
	put_str(le, "\r\x1b[K");
	lineedit_show_prompt(le);
}

static void set_buffer(struct lineedit *le, const char *s)
{
	le->len = le->cur = strnlen(s, LINEEDIT_MAX);
	memcpy(le->buf, s, le->len);
	le->buf[le->len] = '\0';
}

/* Inserts the printable bytes of s[0..n) at the cursor and echoes them: at
 * the end of the line the bytes alone, in the middle also the shifted tail,
 * then the cursor back over that tail. Returns false (after a BEL) if not
 * everything fitted; non-printable bytes are dropped so a buffer can never
 * hold a control byte that would confuse the terminal on redraw. */
static bool insert(struct lineedit *le, const char *s, size_t n)
{
	size_t at = le->cur, i;
	bool fitted = true;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c < 0x20 || c > 0x7e)
			continue;
		if (le->len == LINEEDIT_MAX) {
			fitted = false;
			break;
		}
		memmove(le->buf + le->cur + 1, le->buf + le->cur, le->len - le->cur);
		le->buf[le->cur++] = c;
		le->len++;
	}
	le->buf[le->len] = '\0';
	if (le->cur > at) {
		put(le, le->buf + at, le->len - at);
		move(le, le->len - le->cur, 'D');
	}
	if (!fitted)
		put_str(le, "\a");
	return fitted;
}

/* Removes the byte at pos (< len) and redraws from the cursor, which the
 * caller has already placed at pos: the tail moves one column left and a
 * blank covers the column it vacated. */
static void remove_at(struct lineedit *le, size_t pos)
{
	memmove(le->buf + pos, le->buf + pos + 1, le->len - pos - 1);
	le->buf[--le->len] = '\0';
	put(le, le->buf + pos, le->len - pos);
	put(le, " ", 1);
	move(le, le->len - pos + 1, 'D');
}

static void backspace(struct lineedit *le)
{
	if (le->cur == 0)
		return;
	le->cur--;
	if (le->cur + 1 == le->len) {   /* the common case, in the classic form */
		le->buf[--le->len] = '\0';
		put_str(le, "\b \b");
		return;
	}
	put(le, "\b", 1);
	remove_at(le, le->cur);
}

static void kill_before(struct lineedit *le)
{
	if (le->cur == 0)
		return;
	memmove(le->buf, le->buf + le->cur, le->len - le->cur + 1);
	le->len -= le->cur;
	le->cur = 0;
	replace_line(le);
}

static void go_to(struct lineedit *le, size_t pos)
{
	if (pos < le->cur)
		move(le, le->cur - pos, 'D');
	else
		move(le, pos - le->cur, 'C');
	le->cur = pos;
}

/* dir +1 is one entry older (Up), -1 one newer (Down). Leaving the live line
 * saves it, so Down past the newest entry gives back what was being typed. */
static void history(struct lineedit *le, int dir)
{
	int pos = le->hist_pos + dir;

	if (pos >= (int)le->hist_count) {
		put_str(le, "\a");
		return;
	}
	if (pos < -1)
		return;
	if (le->hist_pos == -1)
		memcpy(le->saved, le->buf, le->len + 1);
	le->hist_pos = pos;
	if (pos < 0)
		set_buffer(le, le->saved);
	else
		set_buffer(le, le->hist[(le->hist_next + LINEEDIT_HISTORY - 1 - (unsigned)pos) %
					LINEEDIT_HISTORY]);
	replace_line(le);
}

static void history_add(struct lineedit *le)
{
	unsigned newest = (le->hist_next + LINEEDIT_HISTORY - 1) % LINEEDIT_HISTORY;

	if (le->len == 0 || (le->hist_count && strcmp(le->hist[newest], le->buf) == 0))
		return;
	memcpy(le->hist[le->hist_next], le->buf, le->len + 1);
	le->hist_next = (le->hist_next + 1) % LINEEDIT_HISTORY;
	if (le->hist_count < LINEEDIT_HISTORY)
		le->hist_count++;
}

/* Tab. Only at the end of the line: completing in the middle would have to
 * decide what happens to the text after the cursor, and a BEL is clearer. */
static void tab_complete(struct lineedit *le)
{
	const char *cand[LINEEDIT_COMPLETIONS];
	size_t start = le->cur, plen, common, j;
	unsigned n, i, kept = 0, words = 0;

	if (!le->complete || le->cur != le->len) {
		put_str(le, "\a");
		return;
	}
	while (start > 0 && le->buf[start - 1] != ' ')
		start--;
	for (i = 0; i < start; i++)
		if (le->buf[i] != ' ' && (i == 0 || le->buf[i - 1] == ' '))
			words++;
	plen = le->cur - start;
	n = le->complete(le->ctx, le->buf, start, words, le->buf + start, plen, cand,
			 LINEEDIT_COMPLETIONS);
	/* Only candidates that extend what is typed: the common prefix below
	 * then never ends before the cursor. */
	for (i = 0; i < MIN(n, LINEEDIT_COMPLETIONS); i++)
		if (cand[i] && strncmp(cand[i], le->buf + start, plen) == 0)
			cand[kept++] = cand[i];
	if (kept == 0) {
		put_str(le, "\a");
		return;
	}
	if (kept == 1) {
		/* A word is done: a space follows. A prefix such as "gva:" is
		 * not: what follows it is typed straight on. */
		size_t clen = strlen(cand[0]);
		if (insert(le, cand[0] + plen, clen - plen) && !(clen && cand[0][clen - 1] == ':'))
			insert(le, " ", 1);
		return;
	}
	common = strlen(cand[0]);
	for (i = 1; i < kept; i++) {
		for (j = plen; j < common && cand[i][j] == cand[0][j]; j++)
			;
		common = j;
	}
	if (common > plen) {
		insert(le, cand[0] + plen, common - plen);
		return;
	}
	/* Nothing to add: show the choices, then the line again below them. */
	put_str(le, "\r\n");
	for (i = 0; i < kept; i++) {
		if (i)
			put_str(le, "  ");
		put_str(le, cand[i]);
	}
	put_str(le, "\r\n");
	lineedit_show_prompt(le);
}

static bool enter(struct lineedit *le, uint8_t c)
{
	put_str(le, "\r\n");
	history_add(le);
	memcpy(le->line, le->buf, le->len + 1);
	set_buffer(le, "");
	le->hist_pos = -1;
	le->visible = false;
	le->eol = c;
	return true;
}

/* The final byte of a CSI or SS3 sequence. Only the plain forms are keys
 * here: with modifiers (ESC [ 1 ; 5 C is Ctrl-Right) or unknown numbers
 * (ESC [ 2 0 0 ~ starts a bracketed paste) the sequence is dropped whole. */
static void esc_final(struct lineedit *le, uint8_t c, bool csi)
{
	if (le->esc_odd)
		return;
	if (c == '~' && csi) {
		switch (le->esc_num) {
		case 1: case 7: go_to(le, 0); break;         /* Home (xterm, rxvt) */
		case 4: case 8: go_to(le, le->len); break;   /* End */
		case 3: if (le->cur < le->len) remove_at(le, le->cur); break;   /* Delete */
		}
		return;
	}
	if (le->esc_num != 0)
		return;
	switch (c) {
	case 'A': history(le, 1); break;
	case 'B': history(le, -1); break;
	case 'C': if (le->cur < le->len) go_to(le, le->cur + 1); break;
	case 'D': if (le->cur > 0) go_to(le, le->cur - 1); break;
	case 'H': go_to(le, 0); break;
	case 'F': go_to(le, le->len); break;
	}
}

static bool plain_key(struct lineedit *le, uint8_t c)
{
	if (c >= 0x20 && c <= 0x7e) {
		char ch = (char)c;

		insert(le, &ch, 1);
		return false;
	}
	switch (c) {
	case '\r': case '\n': return enter(le, c);
	case 0x7f: case 0x08: backspace(le); break;
	case 0x15: kill_before(le); break;          /* Ctrl-U */
	case 0x01: go_to(le, 0); break;             /* Ctrl-A */
	case 0x05: go_to(le, le->len); break;       /* Ctrl-E */
	case '\t': tab_complete(le); break;
	case 0x1b: le->esc = ESC_START; break;
	case 0x0c:                                  /* Ctrl-L */
		put_str(le, "\x1b[H\x1b[2J");
		lineedit_show_prompt(le);
		break;
	case 0x03:   /* Ctrl-C drops the line, not the shell: a fresh prompt */
		put_str(le, "^C\r\n");
		set_buffer(le, "");
		le->hist_pos = -1;
		lineedit_show_prompt(le);
		break;
	}
	return false;
}

bool lineedit_key(struct lineedit *le, uint8_t c)
{
	uint8_t eol = le->eol;

	le->eol = 0;
	/* The partner of the CR or LF that just ended a line belongs to the
	 * same Enter; a second identical byte is a new (empty) line. */
	if (eol && (c == '\r' || c == '\n') && c != eol)
		return false;
	if (!le->visible)
		lineedit_show_prompt(le);

	if (le->esc == ESC_START) {
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		le->esc_num = 0;
		le->esc_odd = false;
		if (le->esc != ESC_NONE)
			return false;
		/* else a lone ESC is dropped and c is an ordinary byte */
	} else if (le->esc != ESC_NONE) {
		if (c >= '0' && c <= '9') {
			if (le->esc_num < ESC_NUM_CAP)
				le->esc_num = le->esc_num * 10 + (c - '0');
			return false;
		}
		if (c >= 0x20 && c <= 0x3f) {   /* ; ? < etc. and intermediates */
			le->esc_odd = true;
			return false;
		}
		bool csi = le->esc == ESC_CSI;

		le->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e) {
			esc_final(le, c, csi);
			return false;
		}
		/* A control byte cuts the sequence short (a terminal would not
		 * send one; a line glitch might) and still counts as itself, so
		 * Enter or Ctrl-C is never eaten by a broken sequence. */
	}
	return plain_key(le, c);
}

void lineedit_init(struct lineedit *le, const char *prompt, lineedit_out_fn out,
		   lineedit_complete_fn complete, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt ? prompt : "";
	le->prompt_len = strlen(le->prompt);
	le->out = out;
	le->complete = complete;
	le->ctx = ctx;
	le->hist_pos = -1;
}

void lineedit_hide(struct lineedit *le)
{
	if (!le->visible)
		return;
	put_str(le, "\r\x1b[K");
	le->visible = false;
}

void lineedit_redraw(struct lineedit *le)
{
	lineedit_show_prompt(le);
}

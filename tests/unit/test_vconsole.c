/* tests/unit/test_vconsole.c - A VM's serial output: lines, filter, history ring. */
/* UNIT_SRC: hv/console/vconsole.c */
#include <stdlib.h>
#include "test.h"
#include "hv/console/vconsole.h"

static char lines[8][VCONSOLE_LINE_MAX + 1];
static int nlines;

/* Feeds n bytes; every completed line is copied into lines[]. */
static void feed(struct vconsole *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *line = NULL;
		size_t len = 0;
		if (vconsole_put(c, p[i], &line, &len)) {
			if (nlines < 8) {
				memcpy(lines[nlines], line, len);
				lines[nlines][len] = '\0';
			}
			nlines++;
		}
	}
}

static void feed_str(struct vconsole *c, const char *s)
{
	feed(c, (const uint8_t *)s, strlen(s));
}

/* replay() output, gathered */
static char *replayed;
static size_t replayed_len, replay_calls;
static void gather(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	memcpy(replayed + replayed_len, s, len);
	replayed_len += len;
	replay_calls++;
}

static void test_lines(void)
{
	struct vconsole c;
	vconsole_init(&c, NULL);
	nlines = 0;
	feed_str(&c, "hi there\r\nsecond\n");
	EXPECT_EQ(nlines, 2);
	EXPECT_STREQ(lines[0], "hi there");
	EXPECT_STREQ(lines[1], "second");
	feed_str(&c, "\n");
	EXPECT_EQ(nlines, 3);
	EXPECT_STREQ(lines[2], "");                     /* an empty line is still a line */
	feed_str(&c, "a\rb\r\r\n");
	EXPECT_EQ(nlines, 4);
	EXPECT_STREQ(lines[3], "ab");                   /* '\r' dropped anywhere */
	feed_str(&c, "\r");
	EXPECT_EQ(nlines, 4);                           /* '\r' alone completes nothing */
	EXPECT_EQ(c.line_len, 0);
}

static void test_filter(void)
{
	struct vconsole c;
	vconsole_init(&c, NULL);
	nlines = 0;
	const uint8_t evil[] = { 0x1b, '[', '2', 'J', '\t', 0x07, 0x7f, 0x80, 0xff, 'k', 0x00, '\n' };
	feed(&c, evil, sizeof(evil));
	EXPECT_EQ(nlines, 1);
	EXPECT_STREQ(lines[0], "?[2J\t????k?");
	EXPECT_EQ(vconsole_filter('\t'), '\t');
	EXPECT_EQ(vconsole_filter(' '), ' ');
	EXPECT_EQ(vconsole_filter('~'), '~');
	EXPECT_EQ(vconsole_filter(0x1b), '?');
	EXPECT_EQ(vconsole_filter(0x07), '?');
	EXPECT_EQ(vconsole_filter(0x7f), '?');
	EXPECT_EQ(vconsole_filter(0x80), '?');
	EXPECT_EQ(vconsole_filter(0xff), '?');
	EXPECT_EQ(vconsole_filter('\n'), '?');
}

static void test_long_line_split(void)
{
	struct vconsole c;
	vconsole_init(&c, NULL);
	nlines = 0;
	for (int i = 0; i < VCONSOLE_LINE_MAX - 1; i++)
		feed_str(&c, "a");
	EXPECT_EQ(nlines, 0);
	feed_str(&c, "b");                              /* the 160th character */
	EXPECT_EQ(nlines, 1);
	EXPECT_EQ(strlen(lines[0]), VCONSOLE_LINE_MAX);
	EXPECT_EQ(lines[0][0], 'a');
	EXPECT_EQ(lines[0][VCONSOLE_LINE_MAX - 1], 'b');
	feed_str(&c, "ccccc\n");
	EXPECT_EQ(nlines, 2);
	EXPECT_STREQ(lines[1], "ccccc");

	/* exactly 160 then '\n': the newline ends an empty line */
	nlines = 0;
	for (int i = 0; i < VCONSOLE_LINE_MAX; i++)
		feed_str(&c, "d");
	EXPECT_EQ(nlines, 1);
	feed_str(&c, "\n");
	EXPECT_EQ(nlines, 2);
	EXPECT_STREQ(lines[1], "");
}

static void test_partial(void)
{
	struct vconsole c;
	const char *line = NULL;
	vconsole_init(&c, NULL);
	nlines = 0;
	feed_str(&c, "done\npart\x1b");
	EXPECT_EQ(nlines, 1);
	size_t n = vconsole_take_partial(&c, &line);
	EXPECT_EQ(n, 5);
	EXPECT_TRUE(line != NULL && memcmp(line, "part?", 5) == 0);
	EXPECT_EQ(vconsole_take_partial(&c, &line), 0); /* taken: empty now */

	feed_str(&c, "gone");
	vconsole_drop_partial(&c);
	EXPECT_EQ(vconsole_take_partial(&c, &line), 0);
	feed_str(&c, "new\n");
	EXPECT_EQ(nlines, 2);
	EXPECT_STREQ(lines[1], "new");                  /* nothing of "gone" left */
}

static void test_ring_replay(void)
{
	struct vconsole c;
	uint8_t *ring = malloc(VCONSOLE_RING_SIZE);
	EXPECT_TRUE(ring != NULL);
	if (!ring)
		return;
	vconsole_init(&c, ring);
	replayed = malloc(VCONSOLE_RING_SIZE);
	replayed_len = replay_calls = 0;
	EXPECT_EQ(vconsole_replay(&c, gather, NULL), 0); /* nothing written yet */
	EXPECT_EQ(replay_calls, 0);

	nlines = 0;
	const uint8_t text[] = { 'o', 'k', '\r', '\n', 0x1b, '[', 'H', '\t', 0x7f, 0xc3, '\n', 'x' };
	feed(&c, text, sizeof(text));
	EXPECT_EQ(c.written, sizeof(text));
	EXPECT_EQ(vconsole_replay(&c, gather, NULL), sizeof(text));
	EXPECT_EQ(replayed_len, sizeof(text) - 1);       /* the '\r' dropped */
	EXPECT_TRUE(memcmp(replayed, "ok\n?[H\t??\nx", sizeof(text) - 1) == 0);

	/* more than one bounce buffer's worth, still in order */
	vconsole_init(&c, ring);
	for (int i = 0; i < 1000; i++) {
		uint8_t b = (uint8_t)('a' + i % 26);
		feed(&c, &b, 1);
	}
	replayed_len = replay_calls = 0;
	EXPECT_EQ(vconsole_replay(&c, gather, NULL), 1000);
	EXPECT_EQ(replayed_len, 1000);
	EXPECT_TRUE(replay_calls > 1);
	int in_order = 1;
	for (int i = 0; i < 1000; i++)
		if (replayed[i] != (char)('a' + i % 26))
			in_order = 0;
	EXPECT_TRUE(in_order);
	free(replayed);
	free(ring);
}

static void test_ring_wraps(void)
{
	struct vconsole c;
	uint8_t *ring = malloc(VCONSOLE_RING_SIZE);
	EXPECT_TRUE(ring != NULL);
	if (!ring)
		return;
	vconsole_init(&c, ring);
	replayed = malloc(VCONSOLE_RING_SIZE);
	nlines = 0;
	/* byte i is 'A' + i % 23: distinct around the wrap point, no control chars */
	const size_t total = VCONSOLE_RING_SIZE + 100;
	for (size_t i = 0; i < total; i++) {
		uint8_t b = (uint8_t)('A' + i % 23);
		feed(&c, &b, 1);
	}
	EXPECT_EQ(c.written, total);
	replayed_len = replay_calls = 0;
	EXPECT_EQ(vconsole_replay(&c, gather, NULL), VCONSOLE_RING_SIZE);
	EXPECT_EQ(replayed_len, VCONSOLE_RING_SIZE);
	EXPECT_EQ(replayed[0], (char)('A' + 100 % 23));                 /* oldest kept: byte 100 */
	EXPECT_EQ(replayed[VCONSOLE_RING_SIZE - 1], (char)('A' + (total - 1) % 23));
	int in_order = 1;
	for (size_t i = 0; i < VCONSOLE_RING_SIZE; i++)
		if (replayed[i] != (char)('A' + (i + 100) % 23))
			in_order = 0;
	EXPECT_TRUE(in_order);
	free(replayed);
	free(ring);
}

static void test_no_ring(void)
{
	struct vconsole c;
	vconsole_init(&c, NULL);
	nlines = 0;
	feed_str(&c, "still\r\nlines\n");
	EXPECT_EQ(nlines, 2);                           /* lines without history */
	EXPECT_STREQ(lines[0], "still");
	EXPECT_STREQ(lines[1], "lines");
	replayed = NULL;
	replayed_len = replay_calls = 0;
	EXPECT_EQ(vconsole_replay(&c, gather, NULL), 0);
	EXPECT_EQ(replay_calls, 0);
}

int main(void)
{
	RUN(test_lines);
	RUN(test_filter);
	RUN(test_long_line_split);
	RUN(test_partial);
	RUN(test_ring_replay);
	RUN(test_ring_wraps);
	RUN(test_no_ring);
	TEST_MAIN_END();
}

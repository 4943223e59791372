/* tests/unit/test_inflate.c - gunzip against what gzip(1) makes of known data at test time, hand-made members, and every truncation and many corruptions (an error, never a crash). */
/* UNIT_SRC: lib/inflate.c lib/printf.c */

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"
#include "lib/inflate.h"

static char err[256];

/* gzip(1) run on data: the compressed bytes (malloc'ed) and their size. */
static uint8_t *gzip_of(const uint8_t *data, size_t len, const char *opts, size_t *gz_len)
{
	char path[64], cmd[160];
	int fd;
	size_t cap = len + len / 2 + 1024, n = 0, r;
	uint8_t *gz = malloc(cap);
	FILE *p;

	snprintf(path, sizeof(path), "/tmp/test_inflate.%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !gz || write(fd, data, len) != (ssize_t)len) {
		fprintf(stderr, "  cannot write %s\n", path);
		exit(2);
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "gzip -c %s %s", opts, path);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "  cannot run %s\n", cmd);
		exit(2);
	}
	while ((r = fread(gz + n, 1, cap - n, p)) > 0)
		n += r;
	if (pclose(p) != 0 || n == 0 || n == cap) {
		fprintf(stderr, "  %s failed (is gzip installed?)\n", cmd);
		exit(2);
	}
	unlink(path);
	*gz_len = n;
	return gz;
}

static void expect_round_trip(const uint8_t *data, size_t len, const char *opts)
{
	size_t gz_len, out_len = 0;
	uint8_t *gz = gzip_of(data, len, opts, &gz_len);
	uint8_t *out = malloc(len + 1);
	uint32_t isize = 0;

	EXPECT_TRUE(gzip_has_magic(gz, gz_len));
	EXPECT_EQ(gzip_isize(gz, gz_len, &isize, err, sizeof(err)), 0);
	EXPECT_EQ(isize, len);
	EXPECT_EQ(gunzip(gz, gz_len, out, len, &out_len, err, sizeof(err)), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(out_len, len);
	EXPECT_TRUE(memcmp(out, data, len) == 0);
	/* one byte less room than ISIZE says: refused, nothing written past it */
	if (len) {
		EXPECT_EQ(gunzip(gz, gz_len, out, len - 1, &out_len, err, sizeof(err)), -1);
		EXPECT_TRUE(strstr(err, "larger than") != NULL);
	}
	free(out);
	free(gz);
}

static uint8_t *text_data(size_t len)
{
	static const char *words[] = { "vm=hello ", "type=flat ", "mode=real ", "mem=1M ", "hello from real mode\n" };
	uint8_t *d = malloc(len + 1);
	uint32_t x = 12345;
	for (size_t i = 0; i < len;) {
		x = x * 1103515245 + 12345;
		const char *w = words[(x >> 16) % 5];
		for (; *w && i < len; w++)
			d[i++] = (uint8_t)*w;
	}
	return d;
}

static uint8_t *random_data(size_t len)
{
	uint8_t *d = malloc(len + 1);
	uint32_t x = 99;
	for (size_t i = 0; i < len; i++) {
		x = x * 1664525 + 1013904223;
		d[i] = (uint8_t)(x >> 24);
	}
	return d;
}

static void test_crc32_check_value(void)
{
	/* The CRC-32 check value of RFC 1952's CRC ("123456789"). */
	EXPECT_EQ(crc32_update(0, "123456789", 9), 0xcbf43926);
	EXPECT_EQ(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926);
	EXPECT_EQ(crc32_update(0, "", 0), 0);
}

static void test_gzip_levels_and_kinds(void)
{
	uint8_t *t = text_data(300000), *r = random_data(70000);
	uint8_t zeros[5000] = { 0 };

	expect_round_trip((const uint8_t *)"", 0, "-9");
	expect_round_trip((const uint8_t *)"a", 1, "-9");
	expect_round_trip((const uint8_t *)"hello, hello, hello, hello\n", 27, "-6");
	expect_round_trip(t, 300000, "-1");     /* dynamic blocks, long matches */
	expect_round_trip(t, 300000, "-9");
	expect_round_trip(r, 70000, "-9");      /* incompressible: stored blocks */
	expect_round_trip(zeros, sizeof(zeros), "-9 -n");  /* overlapping copies, no name */
	free(t);
	free(r);
}

/* A stored block made by hand, the header fields added one by one. */
static size_t hand_member(uint8_t *g, uint8_t flags)
{
	static const char payload[] = "hello";
	size_t n = 0;
	uint32_t crc = crc32_update(0, payload, 5);

	g[n++] = 0x1f; g[n++] = 0x8b; g[n++] = 8; g[n++] = flags;
	memset(g + n, 0, 6); n += 6;
	if (flags & 4) { g[n++] = 3; g[n++] = 0; g[n++] = 'x'; g[n++] = 'y'; g[n++] = 'z'; }
	if (flags & 8) { memcpy(g + n, "name", 5); n += 5; }
	if (flags & 16) { memcpy(g + n, "a comment", 10); n += 10; }
	if (flags & 2) {
		uint32_t h = crc32_update(0, g, n);
		g[n++] = (uint8_t)h; g[n++] = (uint8_t)(h >> 8);
	}
	g[n++] = 0x01; g[n++] = 5; g[n++] = 0; g[n++] = 0xfa; g[n++] = 0xff;  /* BFINAL, stored, LEN 5 */
	memcpy(g + n, payload, 5); n += 5;
	for (int i = 0; i < 4; i++) g[n++] = (uint8_t)(crc >> (8 * i));
	g[n++] = 5; g[n++] = 0; g[n++] = 0; g[n++] = 0;
	return n;
}

static void test_header_fields(void)
{
	uint8_t g[128], out[16];
	size_t n, out_len;

	for (unsigned flags = 0; flags < 32; flags += 2) {   /* FTEXT (bit 0) means nothing to us */
		n = hand_member(g, (uint8_t)flags);
		EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), 0);
		EXPECT_EQ(out_len, 5);
		EXPECT_TRUE(memcmp(out, "hello", 5) == 0);
	}
	n = hand_member(g, 2);
	g[10] ^= 1;   /* the header CRC itself */
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "gzip: header CRC") != NULL);
	n = hand_member(g, 0x20);
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "gzip: reserved header flags 0x20 are set");
	n = hand_member(g, 0);
	g[2] = 7;
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "gzip: compression method 7 is not deflate (8)");
	n = hand_member(g, 0);
	g[n - 8] ^= 0x80;   /* CRC-32 */
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "the data is corrupt") != NULL);
	g[n - 8] ^= 0x80;
	g[n - 4] = 6;       /* ISIZE */
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "gzip: 5 bytes out, the trailer says 6: the data is corrupt");
	n = hand_member(g, 0);
	g[13] = 0xfb;       /* NLEN */
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "deflate: a stored block's LEN 0x5 and NLEN 0xfffb do not match");
	n = hand_member(g, 0);
	g[10] = 0x07;       /* BFINAL, BTYPE 3 */
	EXPECT_EQ(gunzip(g, n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "deflate: block type 3 is reserved (not DEFLATE data?)");
	EXPECT_EQ(gunzip("plain text, not gzip", 20, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "gzip: not a gzip file (20 bytes)");
	EXPECT_TRUE(!gzip_has_magic("\x1f", 1));
}

static void test_trailing_member_refused(void)
{
	uint8_t g[256], out[16];
	size_t n = hand_member(g, 0), out_len;

	memcpy(g + n, g, n);   /* a second member, as `cat a.gz b.gz` makes */
	EXPECT_EQ(gunzip(g, 2 * n, out, sizeof(out), &out_len, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "concatenated members are not supported") != NULL);
}

static void test_every_truncation_fails(void)
{
	uint8_t *t = text_data(20000);
	size_t gz_len, out_len;
	uint8_t *gz = gzip_of(t, 20000, "-9", &gz_len), *out = malloc(20000);

	for (size_t n = 0; n < gz_len; n++) {
		/* a copy of exactly n bytes, so ASan sees any read past it */
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, gz, n);
		if (gunzip(cut, n, out, 20000, &out_len, err, sizeof(err)) != -1) {
			fprintf(stderr, "  truncation to %zu of %zu bytes was accepted\n", n, gz_len);
			test_case_failed = 1;
		}
		free(cut);
	}
	free(out);
	free(gz);
	free(t);
}

static void test_corruptions_never_crash(void)
{
	uint8_t *t = text_data(6000);
	size_t gz_len, out_len;
	uint8_t *gz = gzip_of(t, 6000, "-6 -n", &gz_len), *out = malloc(6000);
	unsigned accepted = 0;

	/* Every bit of every byte flipped: an error or, where the flip hits a
	 * field nothing checks (MTIME, XFL, OS), the same data. */
	for (size_t i = 0; i < gz_len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			gz[i] ^= (uint8_t)(1 << bit);
			if (gunzip(gz, gz_len, out, 6000, &out_len, err, sizeof(err)) == 0) {
				accepted++;
				if (out_len != 6000 || memcmp(out, t, 6000) != 0) {
					fprintf(stderr, "  flip of bit %d in byte %zu gave other data\n", bit, i);
					test_case_failed = 1;
				}
			}
			gz[i] ^= (uint8_t)(1 << bit);
		}
	}
	EXPECT_TRUE(accepted <= 8 * 6 + 8);   /* MTIME, XFL, OS, FTEXT and nothing much else */
	free(out);
	free(gz);
	free(t);
}

static void test_raw_garbage(void)
{
	uint8_t *r = random_data(4096), out[4096];
	size_t used, out_len;

	/* Random bytes as DEFLATE: whatever comes out, it ends within bounds. */
	for (size_t off = 0; off < 4000; off += 7)
		(void)inflate_raw(r + off, 96, &used, out, sizeof(out), &out_len, err, sizeof(err));
	free(r);
}

int main(void)
{
	RUN(test_crc32_check_value);
	RUN(test_gzip_levels_and_kinds);
	RUN(test_header_fields);
	RUN(test_trailing_member_refused);
	RUN(test_every_truncation_fails);
	RUN(test_corruptions_never_crash);
	RUN(test_raw_garbage);
	TEST_MAIN_END();
}

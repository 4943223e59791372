/* lib/inflate.c - DEFLATE (RFC 1951) and the gzip member (RFC 1952).
 *
 * The decoder reads canonical Huffman codes one bit at a time (RFC 1951
 * 3.2.2): slow next to table-driven decoders, but a few megabytes of
 * modules at boot take well under a second, and the code stays short
 * enough to check against the RFC line by line. Every read of the input
 * is bounded by in_len and every write of the output by out_cap. */
#include "lib/inflate.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MAX_BITS      15    /* longest Huffman code, RFC 1951 3.2.2 */
#define LITLEN_CODES  288   /* 286 used + 2 that never occur (3.2.6) */
#define DIST_CODES    32    /* 30 used + 2 that never occur */
#define CODELEN_CODES 19    /* the code length alphabet, 3.2.7 */

struct huffman {
	uint16_t count[MAX_BITS + 1];   /* codes of each length; count[0] unused */
	uint16_t symbol[LITLEN_CODES];  /* symbols ordered by code (canonical order) */
};

struct inflater {
	const uint8_t *in;
	size_t in_len, in_pos;
	uint32_t bitbuf;    /* bits not yet used, the next one in bit 0 (3.1.1) */
	unsigned bitcnt;    /* always < 8 between reads: the rest of one byte */
	uint8_t *out;
	size_t out_cap, out_pos;
	char *err;
	size_t errlen;
};

/* RFC 1951 3.2.5: lengths 3..258 for symbols 257..285, distances 1..32768. */
static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
					257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
					8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
					7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* RFC 1951 3.2.7: the order code length code lengths are sent in. */
static const uint8_t codelen_order[CODELEN_CODES] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4,
						       12, 3, 13, 2, 14, 1, 15 };

/* Reads n (<= 16) bits, first bit in bit 0. -1: the input ended. */
static int get_bits(struct inflater *s, unsigned n, uint32_t *v)
{
	while (s->bitcnt < n) {
		if (s->in_pos == s->in_len) {
			hv_set_err(s->err, s->errlen, "deflate: the data ends early (truncated?)");
			return -1;
		}
		s->bitbuf |= (uint32_t)s->in[s->in_pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	*v = s->bitbuf & ((1u << n) - 1);
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return 0;
}

/* Builds the canonical code of RFC 1951 3.2.2 from code lengths. An
 * over-subscribed set (more codes than the lengths leave room for) is
 * refused; an incomplete one is kept, and a code it lacks fails in
 * decode(). */
static int huffman_build(struct huffman *h, const uint8_t *lengths, unsigned n)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned i = 0; i < n; i++)
		h->count[lengths[i]]++;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (unsigned i = 0; i < n; i++)
		if (lengths[i])
			h->symbol[offs[lengths[i]]++] = (uint16_t)i;
	return 0;
}

/* The next symbol: codes of one length are consecutive integers, the
 * first of length L+1 is (first of L + count of L) * 2 (RFC 1951 3.2.2). */
static int decode(struct inflater *s, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;
	uint32_t bit;

	for (unsigned len = 1; len <= MAX_BITS; len++) {
		if (get_bits(s, 1, &bit) != 0)
			return -1;
		code |= (int)bit;
		int count = h->count[len];
		if (code - first < count)
			return h->symbol[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	hv_set_err(s->err, s->errlen, "deflate: a Huffman code that the block's code table lacks");
	return -1;
}

static int out_byte(struct inflater *s, uint8_t b)
{
	if (s->out_pos == s->out_cap) {
		hv_set_err(s->err, s->errlen, "deflate: the output is larger than %zu bytes", s->out_cap);
		return -1;
	}
	s->out[s->out_pos++] = b;
	return 0;
}

/* RFC 1951 3.2.4: a stored block, from the next byte boundary. */
static int stored_block(struct inflater *s)
{
	s->bitbuf = 0;
	s->bitcnt = 0;
	if (s->in_len - s->in_pos < 4) {
		hv_set_err(s->err, s->errlen, "deflate: a stored block's header ends early (truncated?)");
		return -1;
	}
	const uint8_t *p = s->in + s->in_pos;
	unsigned len = p[0] | (unsigned)p[1] << 8, nlen = p[2] | (unsigned)p[3] << 8;
	if (len != (~nlen & 0xffff)) {
		hv_set_err(s->err, s->errlen, "deflate: a stored block's LEN 0x%x and NLEN 0x%x do not match",
			   len, nlen);
		return -1;
	}
	s->in_pos += 4;
	if (s->in_len - s->in_pos < len) {
		hv_set_err(s->err, s->errlen, "deflate: a stored block ends early (truncated?)");
		return -1;
	}
	if (s->out_cap - s->out_pos < len) {
		hv_set_err(s->err, s->errlen, "deflate: the output is larger than %zu bytes", s->out_cap);
		return -1;
	}
	memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
	s->in_pos += len;
	s->out_pos += len;
	return 0;
}

/* RFC 1951 3.2.5: literals and <length, backward distance> pairs up to
 * the end-of-block symbol 256. */
static int codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		int sym = decode(s, lit);
		uint32_t extra;
		if (sym < 0)
			return -1;
		if (sym < 256) {
			if (out_byte(s, (uint8_t)sym) != 0)
				return -1;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29) {
			hv_set_err(s->err, s->errlen, "deflate: length symbol %d does not exist", sym + 257);
			return -1;
		}
		if (get_bits(s, len_extra[sym], &extra) != 0)
			return -1;
		size_t len = len_base[sym] + extra;
		int dsym = decode(s, dist);
		if (dsym < 0)
			return -1;
		if (dsym >= 30) {
			hv_set_err(s->err, s->errlen, "deflate: distance symbol %d does not exist", dsym);
			return -1;
		}
		if (get_bits(s, dist_extra[dsym], &extra) != 0)
			return -1;
		size_t d = dist_base[dsym] + extra;
		if (d > s->out_pos) {
			hv_set_err(s->err, s->errlen, "deflate: a distance of %zu bytes reaches before the start (%zu bytes out)",
				   d, s->out_pos);
			return -1;
		}
		if (s->out_cap - s->out_pos < len) {
			hv_set_err(s->err, s->errlen, "deflate: the output is larger than %zu bytes", s->out_cap);
			return -1;
		}
		/* Byte by byte: the copy may overlap what it writes (d < len). */
		for (size_t i = 0; i < len; i++, s->out_pos++)
			s->out[s->out_pos] = s->out[s->out_pos - d];
	}
}

/* RFC 1951 3.2.6: the fixed codes. */
static int fixed_block(struct inflater *s)
{
	static struct huffman lit, dist;
	static bool built;
	uint8_t lengths[LITLEN_CODES];

	if (!built) {
		unsigned i = 0;
		for (; i < 144; i++) lengths[i] = 8;
		for (; i < 256; i++) lengths[i] = 9;
		for (; i < 280; i++) lengths[i] = 7;
		for (; i < LITLEN_CODES; i++) lengths[i] = 8;
		huffman_build(&lit, lengths, LITLEN_CODES);
		for (i = 0; i < 30; i++) lengths[i] = 5;
		huffman_build(&dist, lengths, 30);
		built = true;
	}
	return codes(s, &lit, &dist);
}

/* RFC 1951 3.2.7: the code length code, then the literal/length and
 * distance code lengths it encodes (with repeats 16, 17, 18). */
static int dynamic_block(struct inflater *s)
{
	struct huffman lit, dist, cl;
	uint8_t lengths[286 + 30];
	uint32_t hlit, hdist, hclen, v;

	if (get_bits(s, 5, &hlit) || get_bits(s, 5, &hdist) || get_bits(s, 4, &hclen))
		return -1;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > 30) {
		hv_set_err(s->err, s->errlen, "deflate: a dynamic block with %u length and %u distance codes (at most 286 and 30)",
			   hlit, hdist);
		return -1;
	}
	memset(lengths, 0, CODELEN_CODES);
	for (unsigned i = 0; i < hclen; i++) {
		if (get_bits(s, 3, &v) != 0)
			return -1;
		lengths[codelen_order[i]] = (uint8_t)v;
	}
	if (huffman_build(&cl, lengths, CODELEN_CODES) != 0) {
		hv_set_err(s->err, s->errlen, "deflate: the code length code is over-subscribed");
		return -1;
	}
	for (unsigned n = 0; n < hlit + hdist;) {
		int sym = decode(s, &cl);
		uint32_t rep;
		uint8_t fill = 0;
		if (sym < 0)
			return -1;
		if (sym < 16) {
			lengths[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0) {
				hv_set_err(s->err, s->errlen, "deflate: code length repeat with no previous length");
				return -1;
			}
			fill = lengths[n - 1];
			if (get_bits(s, 2, &rep) != 0)
				return -1;
			rep += 3;
		} else if (sym == 17) {
			if (get_bits(s, 3, &rep) != 0)
				return -1;
			rep += 3;
		} else {
			if (get_bits(s, 7, &rep) != 0)
				return -1;
			rep += 11;
		}
		if (n + rep > hlit + hdist) {
			hv_set_err(s->err, s->errlen, "deflate: code length repeat runs past the last code");
			return -1;
		}
		while (rep--)
			lengths[n++] = fill;
	}
	if (lengths[256] == 0) {
		hv_set_err(s->err, s->errlen, "deflate: a dynamic block without an end-of-block code");
		return -1;
	}
	if (huffman_build(&lit, lengths, hlit) != 0 || huffman_build(&dist, lengths + hlit, hdist) != 0) {
		hv_set_err(s->err, s->errlen, "deflate: a dynamic block's code is over-subscribed");
		return -1;
	}
	return codes(s, &lit, &dist);
}

int inflate_raw(const void *in, size_t in_len, size_t *in_used, void *out, size_t out_cap,
		size_t *out_len, char *err, size_t errlen)
{
	struct inflater s = { .in = in, .in_len = in_len, .out = out, .out_cap = out_cap,
			      .err = err, .errlen = errlen };
	uint32_t final, type;
	int rc;

	/* RFC 1951 3.2.3: blocks, each with BFINAL and BTYPE. */
	do {
		if (get_bits(&s, 1, &final) != 0 || get_bits(&s, 2, &type) != 0)
			return -1;
		if (type == 0)
			rc = stored_block(&s);
		else if (type == 1)
			rc = fixed_block(&s);
		else if (type == 2)
			rc = dynamic_block(&s);
		else {
			hv_set_err(err, errlen, "deflate: block type 3 is reserved (not DEFLATE data?)");
			rc = -1;
		}
		if (rc != 0)
			return -1;
	} while (!final);
	*in_used = s.in_pos;
	*out_len = s.out_pos;
	return 0;
}

uint32_t crc32_update(uint32_t crc, const void *p, size_t n)
{
	/* Four bits at a time: the reflected polynomial 0xedb88320 (RFC 1952
	 * 8) over a 16-entry table made on first use. */
	static uint32_t table[16];
	const uint8_t *b = p;

	if (!table[8]) {
		for (uint32_t i = 0; i < 16; i++) {
			uint32_t c = i;
			for (int k = 0; k < 4; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		crc = table[crc & 15] ^ (crc >> 4);
		crc = table[crc & 15] ^ (crc >> 4);
	}
	return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool gzip_has_magic(const void *in, size_t len)
{
	const uint8_t *b = in;
	return len >= 2 && b[0] == GZIP_ID1 && b[1] == GZIP_ID2;
}

/* RFC 1952 2.3: the fixed header, the trailer, and nothing shorter. */
#define GZIP_HEADER   10u
#define GZIP_TRAILER  8u
#define GZIP_FHCRC    BIT(1)
#define GZIP_FEXTRA   BIT(2)
#define GZIP_FNAME    BIT(3)
#define GZIP_FCOMMENT BIT(4)
#define GZIP_FRESERVED 0xe0u

int gzip_isize(const void *in, size_t len, uint32_t *isize, char *err, size_t errlen)
{
	if (!gzip_has_magic(in, len) || len < GZIP_HEADER + GZIP_TRAILER) {
		hv_set_err(err, errlen, "gzip: not a gzip file (%zu bytes)", len);
		return -1;
	}
	*isize = le32((const uint8_t *)in + len - 4);
	return 0;
}

/* Skips a NUL-terminated header field (FNAME, FCOMMENT). */
static int skip_string(const uint8_t *b, size_t len, size_t *pos, const char *what, char *err,
		       size_t errlen)
{
	while (*pos < len && b[*pos])
		(*pos)++;
	if (*pos == len) {
		hv_set_err(err, errlen, "gzip: the header's %s runs past the end of the file", what);
		return -1;
	}
	(*pos)++;
	return 0;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
	   char *err, size_t errlen)
{
	const uint8_t *b = in;
	size_t pos = GZIP_HEADER, used, n;
	uint32_t isize;

	hv_set_err(err, errlen, "%s", "");
	if (gzip_isize(in, in_len, &isize, err, errlen) != 0)
		return -1;
	if (b[2] != 8) {
		hv_set_err(err, errlen, "gzip: compression method %u is not deflate (8)", b[2]);
		return -1;
	}
	uint8_t flg = b[3];
	if (flg & GZIP_FRESERVED) {
		hv_set_err(err, errlen, "gzip: reserved header flags 0x%02x are set", flg & GZIP_FRESERVED);
		return -1;
	}
	if (flg & GZIP_FEXTRA) {
		size_t xlen = b[pos] | (size_t)b[pos + 1] << 8;
		if (in_len - pos - 2 < xlen) {
			hv_set_err(err, errlen, "gzip: the header's extra field runs past the end of the file");
			return -1;
		}
		pos += 2 + xlen;
	}
	if ((flg & GZIP_FNAME) && skip_string(b, in_len, &pos, "file name", err, errlen) != 0)
		return -1;
	if ((flg & GZIP_FCOMMENT) && skip_string(b, in_len, &pos, "comment", err, errlen) != 0)
		return -1;
	if (flg & GZIP_FHCRC) {
		if (in_len - pos < 2) {
			hv_set_err(err, errlen, "gzip: the header's CRC runs past the end of the file");
			return -1;
		}
		unsigned want = b[pos] | (unsigned)b[pos + 1] << 8;
		unsigned got = crc32_update(0, b, pos) & 0xffff;
		if (want != got) {
			hv_set_err(err, errlen, "gzip: header CRC 0x%04x, the header says 0x%04x", got, want);
			return -1;
		}
		pos += 2;
	}
	if (in_len - pos < GZIP_TRAILER) {
		hv_set_err(err, errlen, "gzip: the file ends in its header (truncated?)");
		return -1;
	}
	if (inflate_raw(b + pos, in_len - pos - GZIP_TRAILER, &used, out, out_cap, &n, err, errlen) != 0)
		return -1;
	pos += used;
	if (in_len - pos != GZIP_TRAILER) {
		hv_set_err(err, errlen, "gzip: %zu bytes after the first member (concatenated members are not supported)",
			   in_len - pos - GZIP_TRAILER);
		return -1;
	}
	uint32_t want_crc = le32(b + pos), got_crc = crc32_update(0, out, n);
	if (want_crc != got_crc) {
		hv_set_err(err, errlen, "gzip: CRC-32 0x%08x, the trailer says 0x%08x: the data is corrupt",
			   got_crc, want_crc);
		return -1;
	}
	if (isize != (uint32_t)n) {
		hv_set_err(err, errlen, "gzip: %zu bytes out, the trailer says %u: the data is corrupt", n, isize);
		return -1;
	}
	*out_len = n;
	return 0;
}

/* lib/inflate.h - Decompressing gzip files: DEFLATE (RFC 1951) inside the
 * gzip member format (RFC 1952), with its CRC-32 and ISIZE checks.
 *
 * hvboot.efi gunzips a gzip-compressed module as GRUB's gzio does; the
 * hypervisor does not call it. Everything works on whole buffers: the
 * output buffer is given, and nothing is written past out_cap. Malformed,
 * truncated or corrupt input ends in -1 with a one-line reason (such as
 * "gzip: CRC-32 mismatch: the data is corrupt (0x1234abcd, trailer says
 * 0x00000000)"), never in a read outside the input. Pure C, host-tested
 * (tests/unit/test_inflate.c). */
#ifndef LIB_INFLATE_H
#define LIB_INFLATE_H

#include "lib/types.h"

/* RFC 1952, 2.3.1: ID1 ID2 of every member. */
#define GZIP_ID1 0x1f
#define GZIP_ID2 0x8b

/* CRC-32 of RFC 1952 8 (the ISO 3309 / PNG one): crc32_update(0, p, n) is
 * the CRC of p[0..n); pass the last result back in to continue. */
uint32_t crc32_update(uint32_t crc, const void *p, size_t n);

/* True when the data starts like a gzip member (ID1 ID2): what GRUB's gzio
 * looks at, never the file name. */
bool gzip_has_magic(const void *in, size_t len);

/* The uncompressed size the member's trailer states (ISIZE, the size
 * modulo 2^32), for sizing the output buffer before gunzip(). */
int gzip_isize(const void *in, size_t len, uint32_t *isize, char *err, size_t errlen);

/* Decompresses one gzip member that fills in[0..in_len) into out. Checks
 * the header (method 8, no reserved flags, FHCRC when present), the
 * DEFLATE data, then CRC-32 and ISIZE. *out_len gets the output size. */
int gunzip(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
	   char *err, size_t errlen);

/* Decompresses one raw DEFLATE stream (RFC 1951) from in; *in_used gets
 * the bytes it took (the last one maybe in part). */
int inflate_raw(const void *in, size_t in_len, size_t *in_used, void *out, size_t out_cap,
		size_t *out_len, char *err, size_t errlen);

#endif

/* tests/unit/decode_oracle_case.h - One row of the nasm oracle
 * (build/gen/decode_oracle.h, written by scripts/gen-decode-oracle.py): an
 * instruction nasm assembled from source text and the operands that text
 * names. Shared by test_decode_oracle.c and test_emulate_oracle.c. */
#ifndef TESTS_UNIT_DECODE_ORACLE_CASE_H
#define TESTS_UNIT_DECODE_ORACLE_CASE_H

#include <stdint.h>

struct oracle_case {
	uint8_t bits;          /* 16, 32, 64 */
	const char *text;      /* the nasm source line */
	uint8_t len;
	uint8_t bytes[15];
	int8_t op_size;        /* 0: not checked */
	uint8_t addr_size;
	int8_t reg, rm;        /* -1: not checked; AH..BH are 20..23 */
	int8_t has_mem;
	int8_t base, index;    /* -1: none; 16: RIP */
	uint8_t scale, seg;
	uint64_t disp;         /* compared modulo the address size */
	uint8_t imm_width;     /* 0: not checked */
	uint64_t imm;
	int32_t imm2;          /* -1: not checked */
};

static const struct oracle_case cases[] = {
#include "decode_oracle.h"
};

#endif

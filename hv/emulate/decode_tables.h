/* hv/emulate/decode_tables.h - What the decoder needs to know about each
 * opcode of maps 1 and 0F to find the instruction's length and operands:
 * ModRM or not, immediate kind, operand-size rules, validity by mode.
 * Private to hv/emulate/decode.c. */
#ifndef HV_EMULATE_DECODE_TABLES_H
#define HV_EMULATE_DECODE_TABLES_H

#include "lib/types.h"

#define OP_MODRM   BIT(0)    /* a ModRM byte follows the opcode */
#define OP_BYTE    BIT(1)    /* operand size 8 bits (the "b" forms) */
#define OP_IMM8    BIT(2)    /* Ib / Jb */
#define OP_IMMZ    BIT(3)    /* Iz / Jz: 16 bits with a 16-bit operand size, else 32 */
#define OP_IMMV    BIT(4)    /* Iv: as wide as the operand (B8+r: imm64 with REX.W) */
#define OP_IMM16   BIT(5)    /* Iw (RET/RETF imm16) */
#define OP_ENTER   BIT(6)    /* Iw, Ib */
#define OP_FARPTR  BIT(7)    /* Ap: offset of the operand size, then a 16-bit selector */
#define OP_MOFFS   BIT(8)    /* Ob/Ov: an absolute offset as wide as the address size */
#define OP_DEF64   BIT(9)    /* operand size 64 by default in 64-bit mode (APM Vol. 3, 1.2.3 Table 1-5) */
#define OP_INV64   BIT(10)   /* #UD in 64-bit mode (APM Vol. 3, Table A-1 "i64") */
#define OP_INVALID BIT(11)   /* #UD in every mode (on Zen) */
#define OP_SPECIAL BIT(12)   /* more rules in decode.c: groups, VEX/EVEX, mandatory prefixes */
#define OP_REGOP   BIT(13)   /* the low three opcode bits name a register (| REX.B) */
#define OP_CTLREG  BIT(14)   /* MOV CRn/DRn: ModRM.mod is ignored, always a register */

/* Indexed by the opcode byte; entries of prefix bytes and of 0F are unused. */
extern const uint16_t x86_map1_attr[256];
extern const uint16_t x86_map0f_attr[256];

#endif

/* hv/emulate/decode_tables.c - Opcode attributes of maps 1 and 0F.
 *
 * Transcribed from AMD APM Vol. 3, Appendix A: Table A-1 "One-byte Opcodes",
 * Tables A-3/A-4 "Secondary Opcode Map (Two-byte Opcodes)" and A-6 "ModRM.reg
 * Extensions for the Primary Opcode Map" (Intel SDM Vol. 2, Tables
 * agree on lengths). Only what decides length and operand shape is kept:
 * the emulator names the instructions it handles itself. */
#include "hv/emulate/decode_tables.h"

#define M     OP_MODRM
#define B     OP_BYTE
#define I8    OP_IMM8
#define IZ    OP_IMMZ
#define D64   OP_DEF64
#define I64   OP_INV64
#define INV   OP_INVALID
#define SPC   OP_SPECIAL
#define RO    OP_REGOP

/* The eight ALU rows 00-3F share a shape: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz. */
#define ALU_ROW(base) \
	[(base) + 0] = M | B, [(base) + 1] = M, [(base) + 2] = M | B, [(base) + 3] = M, \
	[(base) + 4] = B | I8, [(base) + 5] = IZ

const uint16_t x86_map1_attr[256] = {
	ALU_ROW(0x00), [0x06] = I64, [0x07] = I64,         /* ADD; PUSH/POP ES */
	ALU_ROW(0x08), [0x0e] = I64,                       /* OR; PUSH CS; 0F escape */
	ALU_ROW(0x10), [0x16] = I64, [0x17] = I64,         /* ADC; PUSH/POP SS */
	ALU_ROW(0x18), [0x1e] = I64, [0x1f] = I64,         /* SBB; PUSH/POP DS */
	ALU_ROW(0x20), [0x27] = I64,                       /* AND; ES:; DAA */
	ALU_ROW(0x28), [0x2f] = I64,                       /* SUB; CS:; DAS */
	ALU_ROW(0x30), [0x37] = I64,                       /* XOR; SS:; AAA */
	ALU_ROW(0x38), [0x3f] = I64,                       /* CMP; DS:; AAS */
	[0x40 ... 0x4f] = RO,                              /* INC/DEC r (REX in 64-bit mode) */
	[0x50 ... 0x5f] = RO | D64,                        /* PUSH/POP r */
	[0x60] = I64, [0x61] = I64,                        /* PUSHA, POPA */
	[0x62] = M | SPC,                                  /* BOUND, or EVEX */
	[0x63] = M,                                        /* ARPL; MOVSXD in 64-bit mode */
	[0x68] = IZ | D64, [0x69] = M | IZ, [0x6a] = I8 | D64, [0x6b] = M | I8,
	[0x6c] = B, [0x6e] = B,                            /* INS/OUTS (6D, 6F: no operand bytes) */
	[0x70 ... 0x7f] = I8 | D64,                        /* Jcc rel8 */
	[0x80] = M | B | I8, [0x81] = M | IZ, [0x82] = M | B | I8 | I64, [0x83] = M | I8,
	[0x84] = M | B, [0x85] = M, [0x86] = M | B, [0x87] = M,   /* TEST, XCHG */
	[0x88] = M | B, [0x89] = M, [0x8a] = M | B, [0x8b] = M,   /* MOV */
	[0x8c] = M, [0x8d] = M, [0x8e] = M,                /* MOV Sreg, LEA */
	[0x8f] = M | D64 | SPC,                            /* POP Ev (/1-7: XOP, #UD on Zen) */
	[0x90 ... 0x97] = RO,                              /* XCHG r, rAX; NOP; PAUSE */
	[0x9a] = OP_FARPTR | I64,                          /* CALLF ptr */
	[0x9c] = D64, [0x9d] = D64,                        /* PUSHF, POPF */
	[0xa0] = OP_MOFFS | B, [0xa1] = OP_MOFFS, [0xa2] = OP_MOFFS | B, [0xa3] = OP_MOFFS,
	[0xa4] = B, [0xa6] = B, [0xa8] = B | I8, [0xa9] = IZ,     /* MOVS, CMPS, TEST acc */
	[0xaa] = B, [0xac] = B, [0xae] = B,                /* STOS, LODS, SCAS */
	[0xb0 ... 0xb7] = RO | B | I8,                     /* MOV r8, imm8 */
	[0xb8 ... 0xbf] = RO | OP_IMMV,                    /* MOV r, imm16/32/64 */
	[0xc0] = M | B | I8, [0xc1] = M | I8,              /* shift group 2, imm8 */
	[0xc2] = OP_IMM16 | D64, [0xc3] = D64,             /* RET imm16, RET */
	[0xc4] = M | SPC, [0xc5] = M | SPC,                /* LES, LDS, or VEX */
	[0xc6] = M | B | I8 | SPC, [0xc7] = M | IZ | SPC,  /* MOV Ev, imm (group 11: /0 only) */
	[0xc8] = OP_ENTER | D64, [0xc9] = D64,             /* ENTER, LEAVE */
	[0xca] = OP_IMM16, [0xcd] = I8, [0xce] = I64,      /* RETF imm16, INT imm8, INTO */
	[0xd0] = M | B, [0xd1] = M, [0xd2] = M | B, [0xd3] = M,   /* shift group 2 */
	[0xd4] = I8 | I64, [0xd5] = I8 | I64, [0xd6] = I64,       /* AAM, AAD, SALC */
	[0xd7] = B,                                        /* XLAT */
	[0xd8 ... 0xdf] = M,                               /* x87 */
	[0xe0 ... 0xe3] = I8 | D64,                        /* LOOPcc, JrCXZ */
	[0xe4] = B | I8, [0xe5] = I8, [0xe6] = B | I8, [0xe7] = I8,   /* IN/OUT imm8 */
	[0xe8] = IZ | D64, [0xe9] = IZ | D64,              /* CALL, JMP rel */
	[0xea] = OP_FARPTR | I64, [0xeb] = I8 | D64,       /* JMPF ptr, JMP rel8 */
	[0xec] = B, [0xee] = B,                            /* IN/OUT DX */
	[0xf6] = M | B | SPC, [0xf7] = M | SPC,            /* group 3 (TEST has an immediate) */
	[0xfe] = M | B | SPC, [0xff] = M | SPC,            /* groups 4 and 5 */
};

const uint16_t x86_map0f_attr[256] = {
	[0x00 ... 0x03] = M,                               /* group 6, group 7, LAR, LSL */
	[0x04] = INV, [0x0a] = INV, [0x0c] = INV,
	[0x0d] = M,                                        /* PREFETCH/PREFETCHW */
	[0x0e] = INV, [0x0f] = INV,                        /* FEMMS, 3DNow!: not on Zen */
	[0x10 ... 0x1f] = M,                               /* SSE moves, prefetch, hint NOPs */
	[0x20 ... 0x23] = M | OP_CTLREG,                   /* MOV CRn/DRn */
	[0x24 ... 0x27] = INV,
	[0x28 ... 0x2f] = M,
	[0x34] = I64, [0x35] = I64,                        /* SYSENTER/SYSEXIT: #UD in long mode on AMD */
	[0x36] = INV, [0x37] = INV,                        /* GETSEC is Intel-only */
	[0x38] = SPC, [0x39] = INV, [0x3a] = SPC,          /* three-byte escapes */
	[0x3b ... 0x3f] = INV,
	[0x40 ... 0x4f] = M,                               /* CMOVcc */
	[0x50 ... 0x6f] = M,
	[0x70 ... 0x73] = M | I8,                          /* PSHUF*, groups 12-14 */
	[0x74 ... 0x76] = M,
	[0x78] = M | SPC, [0x79] = M | SPC,                /* SSE4a EXTRQ/INSERTQ (VMREAD/VMWRITE are Intel's) */
	[0x7a] = INV, [0x7b] = INV,
	[0x7c ... 0x7f] = M,
	[0x80 ... 0x8f] = IZ | D64,                        /* Jcc rel16/32 */
	[0x90 ... 0x9f] = M | B,                           /* SETcc */
	[0xa0] = D64, [0xa1] = D64,                        /* PUSH/POP FS */
	[0xa3] = M, [0xa4] = M | I8, [0xa5] = M,           /* BT, SHLD */
	[0xa6] = INV, [0xa7] = INV,
	[0xa8] = D64, [0xa9] = D64,                        /* PUSH/POP GS */
	[0xab] = M, [0xac] = M | I8, [0xad] = M, [0xae] = M, [0xaf] = M,  /* BTS, SHRD, group 15, IMUL */
	[0xb0] = M | B, [0xb1] = M,                        /* CMPXCHG */
	[0xb2 ... 0xb7] = M,                               /* LSS, BTR, LFS, LGS, MOVZX */
	[0xb8] = M | SPC,                                  /* POPCNT (F3); JMPE otherwise: #UD */
	[0xb9] = M,                                        /* UD1 */
	[0xba] = M | I8 | SPC,                             /* group 8: BT* imm8 (/4-7) */
	[0xbb ... 0xbf] = M,                               /* BTC, BSF/TZCNT, BSR/LZCNT, MOVSX */
	[0xc0] = M | B, [0xc1] = M,                        /* XADD */
	[0xc2] = M | I8, [0xc3] = M, [0xc4 ... 0xc6] = M | I8,
	[0xc7] = M,                                        /* group 9 */
	[0xc8 ... 0xcf] = RO,                              /* BSWAP */
	[0xd0 ... 0xfe] = M,
	[0xff] = INV,                                      /* UD0: its length differs by vendor */
};

/* hv/emulate/insn_len.h - Length decoder for the x86 instructions the hypervisor intercepts.
 *
 * QEMU's SVM emulation has neither NRIP save nor decode assists, so after an
 * intercepted instruction the hypervisor must find its length itself to
 * advance the guest RIP; MMIO emulation needs the same decode. Pure logic:
 * the caller fetches the guest's bytes (see mm/guest_walk.h) and passes them
 * in; nothing here touches guest memory or the VMCB. */
#ifndef HV_EMULATE_INSN_LEN_H
#define HV_EMULATE_INSN_LEN_H

#include "lib/types.h"

/* The maximum length of an x86 instruction: longer ones raise #GP
 * (AMD APM Vol. 3, 1.1 "Instruction Encoding Overview"; Intel SDM Vol. 2, 2.3.11). */
#define INSN_MAX_LEN 15

/* The default operand and address size come from the mode and CS.D/CS.L:
 * REAL and PROT16 (CS.D=0) are 16/16, PROT32 (CS.D=1) is 32/32, LONG64
 * (CS.L=1) is 32-bit operands and 64-bit addresses. Compatibility mode is
 * PROT16 or PROT32 by CS.D. */
enum cpu_mode { CPU_MODE_REAL, CPU_MODE_PROT16, CPU_MODE_PROT32, CPU_MODE_LONG64 };

/* A canonical id for each decoded instruction. Byte and word/dword/qword
 * forms of the data-moving instructions get separate ids so an MMIO emulator
 * knows the access width without looking at the opcode again. */
enum insn_id {
	INSN_NONE = 0,          /* not decoded */
	INSN_CPUID,             /* 0F A2 */
	INSN_RDMSR,             /* 0F 32 */
	INSN_WRMSR,             /* 0F 30 */
	INSN_RDTSC,             /* 0F 31 */
	INSN_RDTSCP,            /* 0F 01 F9 */
	INSN_RDPMC,             /* 0F 33 */
	INSN_HLT,               /* F4 */
	INSN_INVD,              /* 0F 08 */
	INSN_WBINVD,            /* 0F 09 */
	INSN_PAUSE,             /* F3 90 */
	INSN_VMRUN,             /* 0F 01 D8 */
	INSN_VMMCALL,           /* 0F 01 D9 */
	INSN_VMLOAD,            /* 0F 01 DA */
	INSN_VMSAVE,            /* 0F 01 DB */
	INSN_STGI,              /* 0F 01 DC */
	INSN_CLGI,              /* 0F 01 DD */
	INSN_SKINIT,            /* 0F 01 DE */
	INSN_INVLPGA,           /* 0F 01 DF */
	INSN_MONITOR,           /* 0F 01 C8 */
	INSN_MONITORX,          /* 0F 01 FA */
	INSN_MWAIT,             /* 0F 01 C9 */
	INSN_MWAITX,            /* 0F 01 FB */
	INSN_XSETBV,            /* 0F 01 D1 */
	INSN_INVLPG,            /* 0F 01 /7, memory operand */
	INSN_IN8_IMM,           /* E4 ib:  IN AL, imm8 */
	INSN_IN_IMM,            /* E5 ib:  IN eAX, imm8 */
	INSN_OUT8_IMM,          /* E6 ib:  OUT imm8, AL */
	INSN_OUT_IMM,           /* E7 ib:  OUT imm8, eAX */
	INSN_IN8_DX,            /* EC:     IN AL, DX */
	INSN_IN_DX,             /* ED:     IN eAX, DX */
	INSN_OUT8_DX,           /* EE:     OUT DX, AL */
	INSN_OUT_DX,            /* EF:     OUT DX, eAX */
	INSN_INS8,              /* 6C:     INSB */
	INSN_INS,               /* 6D:     INSW/INSD */
	INSN_OUTS8,             /* 6E:     OUTSB */
	INSN_OUTS,              /* 6F:     OUTSW/OUTSD */
	INSN_MOV_FROM_CR,       /* 0F 20 /r */
	INSN_MOV_TO_CR,         /* 0F 22 /r */
	INSN_INT3,              /* CC */
	INSN_INT,               /* CD ib */
	INSN_INTO,              /* CE (not valid in 64-bit mode) */
	INSN_IRET,              /* CF */
	INSN_UD2,               /* 0F 0B */
	INSN_MOV_STORE8,        /* 88 /r:  MOV r/m8, r8 */
	INSN_MOV_STORE,         /* 89 /r:  MOV r/m, r */
	INSN_MOV_LOAD8,         /* 8A /r:  MOV r8, r/m8 */
	INSN_MOV_LOAD,          /* 8B /r:  MOV r, r/m */
	INSN_MOV_STORE8_IMM,    /* C6 /0 ib */
	INSN_MOV_STORE_IMM,     /* C7 /0 iw/id */
	INSN_MOV_LOAD8_MOFFS,   /* A0:     MOV AL, moffs */
	INSN_MOV_LOAD_MOFFS,    /* A1:     MOV eAX, moffs */
	INSN_MOV_STORE8_MOFFS,  /* A2:     MOV moffs, AL */
	INSN_MOV_STORE_MOFFS,   /* A3:     MOV moffs, eAX */
	INSN_MOVZX8,            /* 0F B6 /r */
	INSN_MOVZX16,           /* 0F B7 /r */
	INSN_MOVSX8,            /* 0F BE /r */
	INSN_MOVSX16,           /* 0F BF /r */
	INSN_COUNT
};

/* Decodes the instruction in bytes[0..avail). Returns its length (1-15), or
 * 0 when it is not one of the supported instructions, is truncated (avail
 * too small), or exceeds 15 bytes. *opcode_out (may be NULL) receives what
 * was decoded, INSN_NONE on failure. */
unsigned insn_length(const uint8_t *bytes, size_t avail, enum cpu_mode mode, enum insn_id *opcode_out);

/* What the decoder found besides the length: the instruction, its effective
 * address size in bytes (2, 4 or 8: the mode's default, flipped by 0x67),
 * and the segment a prefix overrides to (ES=0 CS=1 SS=2 DS=3 FS=4 GS=5, or
 * -1 for none). Used by string I/O emulation without decode assists. */
struct insn_info {
	enum insn_id id;
	unsigned addr_size;
	int seg;
};
/* insn_length() with the details; *out is filled either way (id INSN_NONE
 * when the return value is 0). */
unsigned insn_decode(const uint8_t *bytes, size_t avail, enum cpu_mode mode, struct insn_info *out);

/* A short lower-case mnemonic for logs and the debugger ("cpuid",
 * "mov-store8", ...); "?" for an id out of range. */
const char *insn_id_name(enum insn_id id);

#endif

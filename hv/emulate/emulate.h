/* hv/emulate/emulate.h - x86 instruction emulator for MMIO accesses.
 *
 * The nested-page-fault handler of an MMIO page fetches up to 15 bytes at
 * the guest's CS:RIP, fills a struct x86_emul_state from the VMCB and the
 * saved GPRs, and calls x86_emulate(): the emulator decodes the instruction
 * (decode.h), computes its effective addresses and performs its memory
 * accesses through the caller's callbacks, then updates the registers,
 * RFLAGS and RIP in the state, which the caller writes back. The shape is
 * bhyve's vmm_instruction_emul: memory only through callbacks, so the same
 * code runs in the kernel and in host unit tests. The emulator knows
 * nothing of devices, RAM or page tables.
 *
 * Callback contract:
 *   - read_mem/write_mem get the segment the access goes through (for the
 *     caller's #GP/#SS choice and any limit check), the linear address
 *     (segment base + effective address, truncated to 32 bits outside
 *     64-bit mode; in 64-bit mode only FS/GS bases are added) and the size:
 *     1, 2, 4 or 8 bytes, little-endian in buf. An access may cross a page:
 *     the callback walks the guest's paging for every byte it touches;
 *   - X86_MEM_OK: done. X86_MEM_FAULT: the callback has arranged the
 *     exception the access raises (#PF, #GP for a non-canonical address,
 *     ...); the emulator stops and leaves the state unchanged.
 *     X86_MEM_UNHANDLED: the caller cannot perform this access (no device,
 *     a page it refuses); the emulator stops likewise;
 *   - a read-modify-write instruction (ALU op on memory, XCHG, CMPXCHG,
 *     XADD, BTS/BTR/BTC, INC/DEC/NOT/NEG) does exactly one read_mem and then
 *     one write_mem of the same bytes. If it is locked (x86_insn_locked():
 *     a LOCK prefix, or XCHG with memory), the guest expects the pair to be
 *     atomic: that is the caller's to arrange (decode first with
 *     x86_decode() and take its lock around x86_emulate_insn()).
 *     CMPXCHG writes even when the comparison fails (the old value back),
 *     as the Intel SDM documents for the processor's bus cycle;
 *   - CMP, TEST and BT read only; MOV stores write only.
 *
 * The state is committed only when an instruction completes: on FAULT,
 * UNHANDLED or UNSUPPORTED nothing in *st changes, except that a REP string
 * instruction keeps the iterations it completed before the failing one
 * (RCX/RSI/RDI advanced, RIP unchanged), exactly as the processor leaves
 * them when an iteration faults. So the caller writes *st back to the vCPU
 * after every result but UNSUPPORTED: after FAULT too, or the guest would
 * redo the elements already done (and repeat their MMIO side effects).
 *
 * No CPL in the state: no emulated instruction depends on it (alignment
 * checking, the one CPL-3 rule for data accesses, is not modelled).
 * Canonical-address checks in 64-bit mode are the callback's (it sees the
 * linear address and raises #GP or #SS through X86_MEM_FAULT).
 *
 * Emulated (memory or register operands, every operand/address size and
 * mode): MOV 88-8B, C6/C7 /0, A0-A3 (moffs), B0-BF; MOVZX/MOVSX 0F B6/B7/
 * BE/BF; MOVSXD 63 (64-bit mode); ADD/OR/ADC/SBB/AND/SUB/XOR/CMP 00-3D and
 * 80-83; TEST 84/85, A8/A9, F6/F7 /0 /1; NOT/NEG F6/F7 /2 /3; INC/DEC FE/FF
 * /0 /1; XCHG 86/87; BT/BTS/BTR/BTC 0F A3/AB/B3/BB, 0F BA /4-7;
 * CMPXCHG 0F B0/B1; XADD 0F C0/C1; MOVS/STOS/LODS A4/A5/AA/AB/AC/AD with
 * REP (F2 or F3: both repeat these).
 * Flags are those the APM defines for each instruction; where it leaves a
 * flag undefined the emulator does what AMD Zen does (AND/OR/XOR/TEST clear
 * AF; BT/BTS/BTR/BTC change only CF; tests/unit/test_emulate_alu.c checks
 * both against the host CPU).
 *
 * Not emulated (X86_EMUL_UNSUPPORTED): everything else, among which
 * MUL/IMUL/DIV/IDIV, shifts and rotates, SETcc, CMOVcc, CMPS/SCAS,
 * PUSH/POP with memory, far and near branches through memory, x87/SSE/AVX
 * loads and stores, CMPXCHG8B/16B, MOV Sreg, LEA (no memory access); a LOCK
 * prefix where it is #UD (a register destination, a non-RMW instruction).
 * Not modelled: segment limit and access-rights checks and alignment
 * checking (#AC) for the accesses the emulator makes (the processor did
 * them for the access that exited; flat segments make them moot), TF
 * single-step traps, RF, interrupts between REP iterations (the caller
 * resumes the guest after X86_EMUL_INCOMPLETE, so interrupts are taken
 * there). */
#ifndef HV_EMULATE_EMULATE_H
#define HV_EMULATE_EMULATE_H

#include "hv/emulate/decode.h"

/* RFLAGS bits (APM Vol. 2, 3.1.6). */
#define X86_FLAG_CF BIT(0)
#define X86_FLAG_PF BIT(2)
#define X86_FLAG_AF BIT(4)
#define X86_FLAG_ZF BIT(6)
#define X86_FLAG_SF BIT(7)
#define X86_FLAG_DF BIT(10)
#define X86_FLAG_OF BIT(11)
#define X86_FLAGS_ARITH (X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | X86_FLAG_ZF | X86_FLAG_SF | X86_FLAG_OF)

struct x86_emul_state {
	uint64_t gpr[X86_GPR_COUNT];       /* RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
	uint64_t rip;
	uint64_t rflags;
	uint64_t seg_base[X86_SEG_COUNT];  /* ES CS SS DS FS GS: the hidden bases (VMCB) */
	enum cpu_mode mode;
};

enum x86_mem_result { X86_MEM_OK, X86_MEM_FAULT, X86_MEM_UNHANDLED };

struct x86_emul_ops {
	enum x86_mem_result (*read_mem)(void *ctx, enum x86_seg seg, uint64_t linear,
					void *buf, unsigned len);
	enum x86_mem_result (*write_mem)(void *ctx, enum x86_seg seg, uint64_t linear,
					 const void *buf, unsigned len);
};

enum x86_emul_result {
	X86_EMUL_OK,           /* done: registers, RFLAGS, RIP (past the instruction) updated */
	X86_EMUL_INCOMPLETE,   /* REP string: a bounded number of iterations done, RCX/RSI/RDI
	                        * updated, RIP unchanged: resume the guest, which re-executes
	                        * the instruction for the rest */
	X86_EMUL_FAULT,        /* a callback returned X86_MEM_FAULT: resume the guest into its exception */
	X86_EMUL_UNHANDLED,    /* a callback returned X86_MEM_UNHANDLED */
	X86_EMUL_UNSUPPORTED,  /* not decodable or not emulated: state unchanged; stop the VM and
	                        * print the bytes (x86_format_unsupported) */
};

/* REP string iterations per call: at most this many, and fewer when the
 * source or destination pointer crosses a 4 KiB page (the guest then runs
 * the rest natively where it is RAM, and exits again where it is MMIO). */
#define X86_EMUL_REP_MAX 64

/* Decodes bytes[0..n) (n may exceed the instruction: at most 15 bytes are
 * looked at) in st->mode and emulates the instruction. insn (may be NULL)
 * receives the decode, zeroed if decoding failed. */
enum x86_emul_result x86_emulate(struct x86_emul_state *st, const struct x86_emul_ops *ops, void *ctx,
				 const uint8_t *bytes, size_t n, struct x86_insn *insn);

/* Emulates an instruction already decoded by x86_decode() in st->mode
 * (X86_EMUL_UNSUPPORTED if insn->mode differs). */
enum x86_emul_result x86_emulate_insn(struct x86_emul_state *st, const struct x86_emul_ops *ops, void *ctx,
				      const struct x86_insn *insn);

/* Whether the guest expects the instruction's read and write to be one
 * atomic access: a LOCK prefix, or XCHG with a memory operand (always
 * locked, APM Vol. 3 "XCHG"). */
bool x86_insn_locked(const struct x86_insn *insn);

/* "ok", "incomplete", "fault", "unhandled", "unsupported"; "?" out of range. */
const char *x86_emul_result_name(enum x86_emul_result r);

/* Formats "unsupported instruction at RIP 0x<rip>: 0f 0b ..." (at most 15
 * bytes; "(no bytes)" when n is 0) into buf, always NUL-terminated when
 * size > 0, cut to fit. Returns the length written, without the NUL. */
size_t x86_format_unsupported(char *buf, size_t size, uint64_t rip, const uint8_t *bytes, size_t n);

#endif

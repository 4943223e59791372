/* hv/exit.h - What exit handlers use: the run loop's helpers to move the
 * guest past an instruction, inject an event, and read guest memory by
 * guest-virtual address. */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/emulate/insn_len.h"
#include "hv/gmem.h"
#include "hv/vm.h"

/* What an exit handler tells the run loop: go on in the guest, or return
 * to the scheduler (the handler stopped or reset the VM, or blocked the
 * vCPU). A stop or reset asked for by a device during the handler reaches
 * the loop as a request (vcpu->requests), not by rewriting this. */
enum exit_action { EXIT_RESUME, EXIT_STOP };

typedef enum exit_action (*exit_handler_t)(struct vcpu *v);

/* Advances RIP past the intercepted instruction: NRIP when the CPU saves it,
 * else the decoded length of the instruction at RIP. Returns false (and asks
 * for the VM to stop) when the instruction cannot be read or decoded. */
bool vcpu_skip_instruction(struct vcpu *v);
/* The general path of both: the bytes at CS:RIP through the guest's
 * paging, decoded and checked against the exit code. */
bool vcpu_skip_decoded(struct vcpu *v);
/* Queue an exception for the guest (hv/inject.c merges it with one already
 * pending by the double-fault rules; a triple fault resets the VM). A #PF
 * carries the address for CR2, written when it is delivered. */
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
void vcpu_inject_page_fault(struct vcpu *v, uint64_t cr2, uint32_t error);
/* What events_queue_exception() said, acted on (a triple fault resets). */
void vcpu_queue_result(struct vcpu *v, enum events_exc_result r);
/* The single-step trap a completed instruction owes when RFLAGS.TF was set
 * (APM Vol. 2, 13.1.4): #DB with DR6.BS on the next instruction boundary. */
void vcpu_single_step_trap(struct vcpu *v);

/* An intercepted instruction is complete (RIP already past it): its
 * interrupt shadow is over, and with RFLAGS.TF the single-step trap
 * follows, exactly as after an instruction the CPU executed. */
static inline void vcpu_insn_done(struct vcpu *v)
{
	v->vmcb->control.int_state &= ~INT_STATE_SHADOW;
	if (unlikely(v->vmcb->save.rflags & RFLAGS_TF))
		vcpu_single_step_trap(v);
}

/* ---- the fast path of skipping, inline on the hottest exits ---------------- */

/* The usual, prefix-free encoding of an instruction: its length and its
 * bytes as a little-endian word. */
struct plain_encoding { uint16_t len; uint32_t bytes; };
#define INSN_CPUID_ENC     { 2, 0xa20fu }      /* 0F A2 */
#define INSN_VMMCALL_ENC   { 3, 0xd9010fu }    /* 0F 01 D9 */
#define INSN_HLT_ENC       { 1, 0xf4u }        /* F4 */
#define INSN_INVD_ENC      { 2, 0x080fu }      /* 0F 08 */
#define INSN_RDMSR_ENC     { 2, 0x320fu }      /* 0F 32 (WRMSR is 0F 30) */
#define INSN_WRMSR_BYTES   0x300fu
#define INSN_CPUID_PLAIN   ((struct plain_encoding)INSN_CPUID_ENC)
#define INSN_VMMCALL_PLAIN ((struct plain_encoding)INSN_VMMCALL_ENC)

/* With NRIP save (real Zen CPUs) the next RIP is in the VMCB. */
static inline bool vcpu_skip_by_nrip(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;

	if (!(svm.features & SVM_FEAT_NRIPS) || !vmcb->control.next_rip)
		return false;
	vmcb->save.rip = vmcb->control.next_rip;
	vcpu_insn_done(v);
	return true;
}

/* Without NRIP (QEMU), the common case: paging off and RAM slot 0 one host
 * run, so CS:RIP is a guest-physical address one addition from a host
 * pointer. The instruction's length if the bytes at RIP are enc's, else 0
 * (take the decoded path). *wide: 32-bit code (EIP wraps at 4 GiB, not
 * 64 KiB). */
static inline __attribute__((always_inline)) unsigned vcpu_plain_match(struct vcpu *v, struct plain_encoding enc,
									bool *wide)
{
	const struct vmcb_save *s = &v->vmcb->save;
	uint32_t word;

	if (!v->vm->ram || (s->cr0 & CR0_PG))
		return 0;
	/* Paging off: real, virtual-8086 or protected mode, never long mode. */
	*wide = (s->cr0 & CR0_PE) && !(s->rflags & RFLAGS_VM) && (s->cs.attrib & VMCB_ATTR_DB);
	uint64_t ip = *wide ? (s->rip & 0xffffffffull) : (s->rip & 0xffff);
	uint64_t lin = (s->cs.base + ip) & 0xffffffffull;
	/* Four bytes are read whatever the length: all must be in slot 0
	 * (vm->ram maps it, at gpa 0). */
	if (lin + 4 > v->vm->slots[0].size || (!*wide && ip + enc.len > 0x10000))
		return 0;
	__builtin_memcpy(&word, v->vm->ram + lin, 4);
	uint32_t mask = (1u << (8 * enc.len)) - 1;
	return (word & mask) == enc.bytes ? enc.len : 0;
}

static inline __attribute__((always_inline)) bool vcpu_skip_by(struct vcpu *v, unsigned len, bool wide)
{
	struct vmcb *vmcb = v->vmcb;

	vmcb->save.rip = (vmcb->save.rip + len) & (wide ? 0xffffffffull : 0xffffull);
	vcpu_insn_done(v);
	return true;
}

/* vcpu_skip_instruction() for an exit whose instruction the handler knows:
 * inline, no table, for the hottest exits (CPUID, VMMCALL). The decoded
 * path still checks what is at RIP. */
static inline bool vcpu_skip_known(struct vcpu *v, struct plain_encoding enc)
{
	bool wide;

	if (vcpu_skip_by_nrip(v))
		return true;
	unsigned len = vcpu_plain_match(v, enc, &wide);
	if (likely(len))
		return vcpu_skip_by(v, len, wide);
	return vcpu_skip_decoded(v);
}
/* Reads the (up to 15) bytes at CS:RIP; returns how many could be read. */
size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN]);
/* The same through the guest's paging, byte runs page by page (the
 * general path of vcpu_fetch_insn_mode). */
size_t vcpu_fetch_insn_walk(struct vcpu *v, enum cpu_mode mode, uint8_t bytes[INSN_MAX_LEN]);

/* Paging off (real, virtual-8086 or protected mode: never long mode) and
 * all INSN_MAX_LEN bytes in RAM slot 0, which vm->ram maps at gpa 0 as one
 * host run: the linear address is the guest-physical one, and one copy
 * reads them (no walk, no slot search). False: take the general path (an
 * IP that wraps within the bytes, the end of RAM, paging on). */
static inline bool vcpu_fetch_flat(const struct vcpu *v, enum cpu_mode mode, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &v->vmcb->save;
	const struct vm *vm = v->vm;

	if ((s->cr0 & CR0_PG) || !vm->ram)
		return false;
	bool wide = mode == CPU_MODE_PROT32;
	uint64_t ip = wide ? (s->rip & 0xffffffffull) : (s->rip & 0xffff);
	/* 32-bit: EIP and the linear address wrap together at 4 GiB, so the
	 * bytes are contiguous; slot 0 ends below 4 GiB. 16-bit: IP wraps at
	 * 64 KiB, within the bytes unless checked. */
	if (!wide && ip + INSN_MAX_LEN > 0x10000)
		return false;
	uint64_t lin = (s->cs.base + ip) & 0xffffffffull;
	if (lin + INSN_MAX_LEN > vm->slots[0].size)
		return false;
	__builtin_memcpy(bytes, vm->ram + lin, INSN_MAX_LEN);
	return true;
}

/* vcpu_fetch_insn with the CPU mode the caller already has
 * (vcpu_cpu_mode): inline, so the paging-off case is one copy. */
static inline size_t vcpu_fetch_insn_mode(struct vcpu *v, enum cpu_mode mode, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (vcpu_fetch_flat(v, mode, bytes))
		return INSN_MAX_LEN;
	/* Paging on: the code page translated last, when it still holds. The
	 * linear address as vcpu_fetch_insn_walk forms it; a 16-bit IP that
	 * wraps within the bytes takes the walk. */
	if (s->cr0 & CR0_PG) {
		uint64_t lin;
		if (mode == CPU_MODE_LONG64)
			lin = s->rip;
		else if (mode == CPU_MODE_PROT32)
			lin = (s->cs.base + (s->rip & 0xffffffffull)) & 0xffffffffull;
		else if ((s->rip & 0xffff) + INSN_MAX_LEN <= 0x10000)
			lin = (s->cs.base + (s->rip & 0xffff)) & 0xffffffffull;
		else
			lin = UINT64_MAX;   /* never in one page: (lin & 0xfff) = 0xfff */
		if (vcpu_fetch_cached(v, lin, bytes))
			return INSN_MAX_LEN;
	}
	return vcpu_fetch_insn_walk(v, mode, bytes);
}
/* True when the guest runs 64-bit code (EFER.LMA and CS.L). */
static inline bool vcpu_in_long_mode64(const struct vcpu *v)
{
	return (v->vmcb->save.efer & EFER_LMA) && (v->vmcb->save.cs.attrib & VMCB_ATTR_L);
}
/* The mode the guest's code runs in (decoding depends on it). */
static inline enum cpu_mode vcpu_cpu_mode(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (vcpu_in_long_mode64(v))
		return CPU_MODE_LONG64;
	if (!(s->cr0 & CR0_PE) || (s->rflags & RFLAGS_VM))
		return CPU_MODE_REAL;
	return (s->cs.attrib & VMCB_ATTR_DB) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}
/* Logs the guest's registers (for "error:" stops). */
void vcpu_dump(const struct vcpu *v);

/* Exit handlers (hv/exit_*.c). */
enum exit_action handle_cpuid(struct vcpu *v);
enum exit_action handle_msr(struct vcpu *v);
enum exit_action handle_ioio(struct vcpu *v);
enum exit_action handle_vmmcall(struct vcpu *v);
enum exit_action handle_xsetbv(struct vcpu *v);
enum exit_action handle_npf(struct vcpu *v);

#endif

/* hv/vcpu_insn.c - What exit handlers do to the guest's instruction
 * stream: the CPU mode, fetching the bytes at CS:RIP, skipping an
 * intercepted instruction (with the single-step trap it owes), injecting
 * exceptions, and the register dump of an "error:" stop. */
#define LOG_PREFIX ""
#include "arch/x86/cpu.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"
#include "hv/gmem.h"
#include "lib/log.h"
#include "lib/string.h"


/* ---- fetching, skipping, events ----------------------------------------------- */

size_t vcpu_fetch_insn_walk(struct vcpu *v, enum cpu_mode mode, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &v->vmcb->save;
	size_t avail = 0;

	/* In 64-bit mode CS has no base; elsewhere IP/EIP wraps at the operand
	 * size and the linear address at 4 GiB (APM Vol. 1, 2.5). */
	for (; avail < INSN_MAX_LEN; avail++) {
		uint64_t ip = s->rip + avail, lin;
		if (mode == CPU_MODE_LONG64)
			lin = ip;
		else if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
			lin = (s->cs.base + (ip & 0xffff)) & 0xffffffffull;
		else
			lin = (s->cs.base + (ip & 0xffffffffull)) & 0xffffffffull;
		/* One walk per page: read the rest of this page in one go. */
		size_t n = MIN(INSN_MAX_LEN - avail, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
			n = MIN(n, 0x10000 - (ip & 0xffff));
		if (!vcpu_read_linear(v, lin, &bytes[avail], n))
			break;
		avail += n - 1;
	}
	return avail;
}

size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN])
{
	return vcpu_fetch_insn_mode(v, vcpu_cpu_mode(v), bytes);
}

/* What each instruction intercept must find at RIP. A mismatch means the
 * guest rewrote its code between the exit and now (another vCPU, DMA
 * later); skipping by the length of something else would corrupt it. */
static enum insn_id expected_insn(uint64_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_CPUID: return INSN_CPUID;
	case SVM_EXIT_HLT: return INSN_HLT;
	case SVM_EXIT_INVD: return INSN_INVD;
	case SVM_EXIT_VMMCALL: return INSN_VMMCALL;
	default: return INSN_NONE;   /* MSR: RDMSR or WRMSR, checked below */
	}
}

/* The usual encodings of what an instruction intercept ran, indexed by
 * exit code from SVM_EXIT_CPUID (0x72) to SVM_EXIT_VMMCALL (0x81): a
 * table, not a switch, on every HLT, MSR and INVD exit. */
#define PLAIN_FIRST SVM_EXIT_CPUID
static const struct plain_encoding plain_encodings[SVM_EXIT_VMMCALL - PLAIN_FIRST + 1] = {
	[SVM_EXIT_CPUID - PLAIN_FIRST] = INSN_CPUID_ENC,
	[SVM_EXIT_INVD - PLAIN_FIRST] = INSN_INVD_ENC,
	[SVM_EXIT_HLT - PLAIN_FIRST] = INSN_HLT_ENC,
	[SVM_EXIT_MSR - PLAIN_FIRST] = INSN_RDMSR_ENC,
	[SVM_EXIT_VMMCALL - PLAIN_FIRST] = INSN_VMMCALL_ENC,
};

static unsigned plain_insn_at_rip(struct vcpu *v, bool *wide)
{
	const struct vmcb_control *c = &v->vmcb->control;
	uint64_t idx = c->exit_code - PLAIN_FIRST;

	if (idx >= ARRAY_SIZE(plain_encodings))
		return 0;
	struct plain_encoding enc = plain_encodings[idx];
	if (c->exit_code == SVM_EXIT_MSR && c->exit_info_1 == MSR_EXIT_WRITE)
		enc.bytes = INSN_WRMSR_BYTES;
	return enc.len ? vcpu_plain_match(v, enc, wide) : 0;
}

/* The general path: the bytes at CS:RIP through the guest's paging,
 * decoded. Not inlined: its frame would cost the fast path. */
__attribute__((noinline)) bool vcpu_skip_decoded(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	uint8_t bytes[INSN_MAX_LEN];
	enum cpu_mode mode = vcpu_cpu_mode(v);
	enum insn_id id;
	size_t avail = vcpu_fetch_insn_mode(v, mode, bytes);
	unsigned len = insn_length(bytes, avail, mode, &id);
	uint64_t code = vmcb->control.exit_code;
	enum insn_id want = expected_insn(code);
	bool matches = want != INSN_NONE ? id == want
		     : code == SVM_EXIT_MSR ? (id == INSN_RDMSR || id == INSN_WRMSR) : true;
	if (len == 0 || !matches) {
		vm_request_stop(v->vm, VM_STOP_ERROR, "error: cannot %s the instruction at RIP 0x%llx (exit %s)",
				len == 0 ? "decode" : "match", (unsigned long long)vmcb->save.rip,
				svm_exit_name(code));
		return false;
	}
	vmcb->save.rip += len;
	if (mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16)
		vmcb->save.rip &= 0xffff;
	else if (mode == CPU_MODE_PROT32)
		vmcb->save.rip &= 0xffffffffull;
	vcpu_insn_done(v);
	return true;
}

bool vcpu_skip_instruction(struct vcpu *v)
{
	bool wide;

	if (vcpu_skip_by_nrip(v))
		return true;
	unsigned plain = plain_insn_at_rip(v, &wide);
	if (likely(plain))
		return vcpu_skip_by(v, plain, wide);
	return vcpu_skip_decoded(v);
}
void vcpu_single_step_trap(struct vcpu *v)
{
	/* RFLAGS is what the instruction began with: none of the instructions
	 * the hypervisor completes (CPUID, IN/OUT, INS/OUTS, RDMSR/WRMSR,
	 * VMMCALL, HLT, INVD) changes it. */
	vcpu_queue_result(v, events_after_emulated_insn(&v->events, v->vmcb, v->vmcb->save.rflags));
}

void vcpu_queue_result(struct vcpu *v, enum events_exc_result r)
{
	/* A fault while delivering #DF: on a PC the chipset resets the machine. */
	if (r == EVENTS_EXC_TRIPLE_FAULT)
		vm_request_reset(v->vm, VM_STOP_TRIPLE_FAULT, "triple fault");
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	vcpu_queue_result(v, events_queue_exception(&v->events, vector, has_error, error, 0));
}

void vcpu_inject_page_fault(struct vcpu *v, uint64_t cr2, uint32_t error)
{
	vcpu_queue_result(v, events_queue_exception(&v->events, X86_EXC_PF, true, error, cr2));
}

void vcpu_dump(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;
	const struct vmcb_control *c = &v->vmcb->control;
	const struct guest_gprs *g = &v->gprs;
	const char *n = v->vm->cfg.name;
#define R(x) ((unsigned long long)(x))
	log_rawf("vm %s: exit %s (0x%llx) info1 0x%llx info2 0x%llx intinfo 0x%llx\n", n,
		 svm_exit_name(c->exit_code), R(c->exit_code), R(c->exit_info_1), R(c->exit_info_2),
		 R(c->exit_int_info));
	log_rawf("vm %s: RIP=0x%016llx RSP=0x%016llx RFLAGS=0x%016llx CPL=%u\n", n, R(s->rip), R(g->rsp),
		 R(s->rflags), s->cpl);
	log_rawf("vm %s: RAX=0x%016llx RBX=0x%016llx RCX=0x%016llx RDX=0x%016llx\n", n, R(g->rax), R(g->rbx),
		 R(g->rcx), R(g->rdx));
	log_rawf("vm %s: RSI=0x%016llx RDI=0x%016llx RBP=0x%016llx R8 =0x%016llx\n", n, R(g->rsi), R(g->rdi),
		 R(g->rbp), R(g->r8));
	log_rawf("vm %s: R9 =0x%016llx R10=0x%016llx R11=0x%016llx R12=0x%016llx\n", n, R(g->r9), R(g->r10),
		 R(g->r11), R(g->r12));
	log_rawf("vm %s: R13=0x%016llx R14=0x%016llx R15=0x%016llx\n", n, R(g->r13), R(g->r14), R(g->r15));
	log_rawf("vm %s: CR0=0x%llx CR2=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx\n", n, R(s->cr0), R(s->cr2),
		 R(s->cr3), R(s->cr4), R(s->efer));
	log_rawf("vm %s: CS=%04x base 0x%llx limit 0x%x attr 0x%x; SS=%04x DS=%04x ES=%04x\n", n,
		 s->cs.selector, R(s->cs.base), s->cs.limit, s->cs.attrib, s->ss.selector, s->ds.selector,
		 s->es.selector);
#undef R
}


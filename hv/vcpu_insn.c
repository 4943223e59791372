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

bool vcpu_in_long_mode64(const struct vcpu *v)
{
	return (v->vmcb->save.efer & EFER_LMA) && (v->vmcb->save.cs.attrib & VMCB_ATTR_L);
}

static enum cpu_mode guest_cpu_mode(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (vcpu_in_long_mode64(v))
		return CPU_MODE_LONG64;
	if (!(s->cr0 & CR0_PE) || (s->rflags & RFLAGS_VM))
		return CPU_MODE_REAL;
	return (s->cs.attrib & VMCB_ATTR_DB) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

/* ---- instruction skipping and events ------------------------------------------ */

enum cpu_mode vcpu_cpu_mode(const struct vcpu *v)
{
	return guest_cpu_mode(v);
}

size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &v->vmcb->save;
	enum cpu_mode mode = guest_cpu_mode(v);
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

/* The usual, prefix-free encoding of what an instruction intercept ran,
 * as a little-endian word to compare against, with its length. */
struct plain_encoding { uint32_t bytes; unsigned len; };

static struct plain_encoding plain_encoding(const struct vmcb_control *c)
{
	switch (c->exit_code) {
	case SVM_EXIT_CPUID: return (struct plain_encoding){ 0xa20f, 2 };
	case SVM_EXIT_VMMCALL: return (struct plain_encoding){ 0xd9010f, 3 };
	case SVM_EXIT_HLT: return (struct plain_encoding){ 0xf4, 1 };
	case SVM_EXIT_INVD: return (struct plain_encoding){ 0x080f, 2 };
	case SVM_EXIT_MSR: return (struct plain_encoding){ c->exit_info_1 == MSR_EXIT_WRITE ? 0x300f : 0x320f, 2 };
	default: return (struct plain_encoding){ 0, 0 };
	}
}

/* The fast path for the common case on CPUs without NRIP: paging off and
 * guest RAM in one run, so CS:RIP is a guest-physical address and a host
 * pointer is one addition away. Returns the instruction's length if the
 * bytes there are the plain encoding of what the exit says ran, else 0
 * (the caller takes the general path). */
static unsigned plain_insn_at_rip(struct vcpu *v, enum cpu_mode mode)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct plain_encoding enc = plain_encoding(&v->vmcb->control);
	uint32_t word;

	if (!enc.len || !v->vm->ram || (s->cr0 & CR0_PG))
		return 0;
	uint64_t ip = (mode == CPU_MODE_PROT32) ? (s->rip & 0xffffffffull) : (s->rip & 0xffff);
	uint64_t lin = (s->cs.base + ip) & 0xffffffffull;
	/* Four bytes are read whatever the length: they must all be RAM. */
	if (lin + 4 > v->vm->cfg.mem_size || (mode != CPU_MODE_PROT32 && ip + enc.len > 0x10000))
		return 0;
	__builtin_memcpy(&word, v->vm->ram + lin, 4);
	uint32_t mask = enc.len == 4 ? ~0u : (1u << (8 * enc.len)) - 1;
	return (word & mask) == enc.bytes ? enc.len : 0;
}

bool vcpu_skip_instruction(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	uint8_t bytes[INSN_MAX_LEN];
	enum cpu_mode mode = guest_cpu_mode(v);
	enum insn_id id;

	/* A STI/MOV SS shadow covers only the next instruction, which just ran. */
	vmcb->control.int_state &= ~INT_STATE_SHADOW;
	if ((svm.features & SVM_FEAT_NRIPS) && vmcb->control.next_rip) {
		vmcb->save.rip = vmcb->control.next_rip;
		return true;
	}
	unsigned plain = plain_insn_at_rip(v, mode);
	if (plain) {
		vmcb->save.rip += plain;
		if (mode != CPU_MODE_PROT32)
			vmcb->save.rip &= 0xffff;
		return true;
	}
	size_t avail = vcpu_fetch_insn(v, bytes);
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
	return true;
}

/* Exception classes for delivering two at once (AMD APM Vol. 2, 8.2.9
 * "Double Fault", table "Double-Fault Exception Conditions"). */
static bool is_contributory(uint8_t vec)
{
	return vec == 0 || vec == 10 || vec == 11 || vec == 12 || vec == 13;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	uint64_t pending = v->vmcb->control.event_inj;

	if (svm_event_valid(pending) && svm_event_type(pending) == SVM_EVENT_TYPE_EXCEPTION) {
		uint8_t first = svm_event_vector(pending);
		if (first == 8) {   /* a fault while delivering #DF: shutdown */
			vm_request_reset(v->vm, VM_STOP_TRIPLE_FAULT, "triple fault");
			return;
		}
		if ((is_contributory(first) && is_contributory(vector)) ||
		    (first == 14 && (is_contributory(vector) || vector == 14))) {
			vector = 8;
			has_error = true;
			error = 0;
		}
	}
	v->vmcb->control.event_inj = vmcb_event(vector, SVM_EVENT_TYPE_EXCEPTION, has_error, error);
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


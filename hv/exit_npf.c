/* hv/exit_npf.c - Nested page faults: the guest touched a guest-physical
 * address that no RAM slot holds. Where a device model claims it (the
 * vCPU's own local APIC page, or a range on the VM's MMIO bus), the
 * instruction at RIP is fetched, decoded and emulated (hv/emulate/), its
 * device accesses going to the model; where nothing claims it the VM stops
 * with the address (docs/pc.md: a missing model is never silent). A store
 * to a read-only page of the legacy window (RAM mapped R+X: reads and
 * fetches never exit) is emulated the same way, its stores there dropped
 * (hv/gmem.c, hv/vdev/pc_legacy.h).
 *
 * Without decode assists (QEMU TCG has none, ../shared/PLATFORM.md) the
 * CPU tells only the address and read/write; the bytes come from the
 * guest's memory through its paging. One fast path: the LAPIC EOI write,
 * which an OS makes after every interrupt (Linux's native_apic_mem_write:
 * `mov %reg, disp(%base)` or to an absolute address): opcode 89 is decoded
 * by length and source register only, and the value goes straight to the
 * LAPIC. */
#include "hv/emulate/emulate.h"
#include "hv/exit.h"
#include "hv/vcpu_apic.h"
#include "lib/printf.h"

#define LAPIC_EOI_OFFSET 0xb0u

/* Where gpa belongs: the vCPU's LAPIC page, the MMIO bus, or nothing.
 * The LAPIC's page in every mode: absent (x2APIC, disabled) it reads 0
 * and drops writes (hv/vdev/vlapic.h). */
enum npf_target { NPF_NOTHING, NPF_LAPIC, NPF_BUS };

static enum npf_target npf_target_of(struct vcpu *v, gpa_t gpa)
{
	if (gpa - vlapic_page_gpa(&v->lapic) < PAGE_SIZE)
		return NPF_LAPIC;
	return mmiobus_claims(&v->vm->board.mmio, gpa) ? NPF_BUS : NPF_NOTHING;
}

struct npf_ctx {
	struct vcpu *v;
	gpa_t missing;          /* an access the emulator made that nothing took */
	bool table_not_ram;     /* a guest page table outside RAM */
};

static bool device_access(struct vcpu *v, gpa_t gpa, unsigned len, bool write, uint64_t *val)
{
	switch (npf_target_of(v, gpa)) {
	case NPF_LAPIC: {
		uint64_t off = gpa - vlapic_page_gpa(&v->lapic);
		if (off + len > PAGE_SIZE)
			return false;
		if (write)
			vcpu_apic_mmio_write(v, (uint32_t)off, len, *val);
		else
			vcpu_apic_mmio_read(v, (uint32_t)off, len, val);
		return true;
	}
	case NPF_BUS:
		return write ? mmiobus_write(&v->vm->board.mmio, v, gpa, len, *val)
			     : mmiobus_read(&v->vm->board.mmio, v, gpa, len, val);
	case NPF_NOTHING:
		break;
	}
	return false;
}

/* One memory access of the emulated instruction: RAM through the guest's
 * paging with the processor's checks (hv/gmem.c), a device where the page
 * is not RAM. A device access must not cross its page (no real device
 * register does). */
static enum x86_mem_result npf_access(struct npf_ctx *c, enum x86_seg seg, uint64_t lin, void *buf, unsigned len,
				      bool write)
{
	struct vcpu *v = c->v;
	struct gmem_fault f;
	unsigned access = (write ? GUEST_ACCESS_WRITE : 0) | (v->vmcb->save.cpl == 3 ? GUEST_ACCESS_USER : 0);

	switch (vcpu_access_linear(v, lin, buf, len, access, &f)) {
	case GMEM_OK:
		return X86_MEM_OK;
	case GMEM_PAGE_FAULT:
		vcpu_inject_page_fault(v, f.lin, f.pf_error);
		return X86_MEM_FAULT;
	case GMEM_NONCANONICAL:
		vcpu_inject_exception(v, seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP, true, 0);
		return X86_MEM_FAULT;
	case GMEM_TABLE_NOT_RAM:
		c->table_not_ram = true;
		return X86_MEM_UNHANDLED;
	case GMEM_NOT_RAM:
		break;
	}
	uint64_t val = 0;
	if (f.lin != lin || (lin & (PAGE_SIZE - 1)) + len > PAGE_SIZE || len > sizeof(val)) {
		c->missing = f.gpa;
		return X86_MEM_UNHANDLED;
	}
	if (write)
		__builtin_memcpy(&val, buf, len);
	if (!device_access(v, f.gpa, len, write, &val)) {
		c->missing = f.gpa;
		return X86_MEM_UNHANDLED;
	}
	if (!write)
		__builtin_memcpy(buf, &val, len);
	return X86_MEM_OK;
}

static enum x86_mem_result npf_read(void *ctx, enum x86_seg seg, uint64_t lin, void *buf, unsigned len)
{
	return npf_access(ctx, seg, lin, buf, len, false);
}

static enum x86_mem_result npf_write(void *ctx, enum x86_seg seg, uint64_t lin, const void *buf, unsigned len)
{
	return npf_access(ctx, seg, lin, (void *)buf, len, true);
}

static const struct x86_emul_ops npf_ops = { npf_read, npf_write };

static const char *npf_kind(uint64_t info1)
{
	return (info1 & NPF_ID) ? "instruction fetch" : (info1 & NPF_RW) ? "write" : "read";
}

static uint64_t rip_mask(enum cpu_mode mode)
{
	return mode == CPU_MODE_LONG64 ? UINT64_MAX : mode == CPU_MODE_PROT32 ? 0xffffffffull : 0xffffull;
}

static void state_from_vcpu(const struct vcpu *v, struct x86_emul_state *st, enum cpu_mode mode)
{
	const struct vmcb_save *s = &v->vmcb->save;

	_Static_assert(sizeof(st->gpr) == sizeof(v->gprs.r), "the emulator's registers are the vCPU's");
	__builtin_memcpy(st->gpr, v->gprs.r, sizeof(st->gpr));
	st->rip = s->rip;
	st->rflags = s->rflags;
	st->seg_base[X86_SEG_ES] = s->es.base;
	st->seg_base[X86_SEG_CS] = s->cs.base;
	st->seg_base[X86_SEG_SS] = s->ss.base;
	st->seg_base[X86_SEG_DS] = s->ds.base;
	st->seg_base[X86_SEG_FS] = s->fs.base;
	st->seg_base[X86_SEG_GS] = s->gs.base;
	st->mode = mode;
}

static void state_to_vcpu(struct vcpu *v, const struct x86_emul_state *st)
{
	__builtin_memcpy(v->gprs.r, st->gpr, sizeof(st->gpr));
	v->vmcb->save.rip = st->rip;
	v->vmcb->save.rflags = st->rflags;
}

/* Fewer than INSN_MAX_LEN bytes from decode assists (APM 15.33.4 gives
 * the number the CPU fetched, 0-15: it may stop at a page boundary): read
 * them again through the guest's paging, which may reach further into a
 * mapped next page; keep the CPU's when it does not. */
static __attribute__((noinline)) size_t npf_insn_bytes_topped_up(struct vcpu *v, enum cpu_mode mode,
								  uint8_t bytes[INSN_MAX_LEN], size_t n)
{
	uint8_t fetched[INSN_MAX_LEN];
	size_t got = vcpu_fetch_insn_mode(v, mode, fetched);

	if (got <= n)
		return n;
	__builtin_memcpy(bytes, fetched, got);
	return got;
}

/* The bytes at RIP: the ones the CPU fetched itself, saved in the VMCB by
 * decode assists (APM 15.33.4 "Nested and intercepted #PF"; 0 bytes when
 * the fetch itself faulted, and never under QEMU, PLATFORM.md), else read
 * through the guest's paging; topped up from there when the CPU's are
 * fewer than an instruction may need. */
static inline __attribute__((always_inline)) size_t npf_insn_bytes(struct vcpu *v, enum cpu_mode mode, uint8_t bytes[INSN_MAX_LEN])
{
	const struct vmcb_control *c = &v->vmcb->control;

	if ((svm.features & SVM_FEAT_DECODE_ASSIST) && c->insn_len) {
		size_t n = MIN(c->insn_len, INSN_MAX_LEN);
		__builtin_memcpy(bytes, c->insn_bytes, n);
		return likely(n == INSN_MAX_LEN) ? n : npf_insn_bytes_topped_up(v, mode, bytes, n);
	}
	return vcpu_fetch_insn_mode(v, mode, bytes);
}

/* A store to a read-only page of the legacy window: the nested entry is
 * there (P), the access a write, not a fetch. */
static bool npf_read_only_store(const struct vcpu *v, uint64_t info1, gpa_t gpa)
{
	return (info1 & (NPF_P | NPF_RW | NPF_ID)) == (NPF_P | NPF_RW) &&
	       pc_legacy_write_dropped(&v->vm->board.legacy, gpa);
}

/* The general path: the instruction at RIP decoded and emulated (bytes:
 * already fetched, n of them, or NULL). Out of line: its frame (the
 * emulator's state) would cost the EOI path below. */
static __attribute__((noinline)) enum exit_action npf_emulate(struct vcpu *v, const uint8_t *fetched, size_t n,
								 enum cpu_mode mode)
{
	const struct vmcb_control *c = &v->vmcb->control;
	gpa_t gpa = c->exit_info_2;
	enum npf_target target = npf_target_of(v, gpa);
	bool read_only_store = npf_read_only_store(v, c->exit_info_1, gpa);

	/* The line's words are the VM core's (tests and users read them):
	 * no RAM and no device there is "outside its RAM". */
	if (!read_only_store && (target == NPF_NOTHING || gmem_is_ram(v->vm, gpa, 1) || (c->exit_info_1 & NPF_ID))) {
		vm_request_stop(v->vm, VM_STOP_ERROR, "error: %s of guest-physical 0x%llx, %s (RIP 0x%llx)",
				npf_kind(c->exit_info_1), (unsigned long long)gpa,
				target == NPF_NOTHING ? "outside its RAM" : "in a device's registers",
				(unsigned long long)v->vmcb->save.rip);
		return EXIT_STOP;
	}
	/* The fault came while the CPU delivered an event (EXITINTINFO valid:
	 * a stack push or an IDT/GDT read in device memory): the instruction
	 * at RIP did not make this access, so emulating it would be wrong. */
	if (c->exit_int_info & SVM_EVENT_V) {
		vm_request_stop(v->vm, VM_STOP_ERROR,
				"error: %s of guest-physical 0x%llx in %s while delivering an event (RIP 0x%llx)",
				npf_kind(c->exit_info_1), (unsigned long long)gpa,
				read_only_store ? "read-only memory" : "a device's registers",
				(unsigned long long)v->vmcb->save.rip);
		return EXIT_STOP;
	}

	uint8_t bytes[INSN_MAX_LEN];
	if (fetched)
		__builtin_memcpy(bytes, fetched, n);
	else
		n = npf_insn_bytes(v, mode, bytes);

	struct x86_emul_state st;
	struct npf_ctx ctx = { .v = v, .missing = UINT64_MAX };
	state_from_vcpu(v, &st, mode);
	switch (x86_emulate(&st, &npf_ops, &ctx, bytes, n, NULL)) {
	case X86_EMUL_OK:
		state_to_vcpu(v, &st);
		vcpu_insn_done(v);
		return EXIT_RESUME;
	case X86_EMUL_INCOMPLETE:   /* REP: RIP stays, the guest runs it again for the rest */
		state_to_vcpu(v, &st);
		return EXIT_RESUME;
	case X86_EMUL_FAULT:
		/* The exception is queued. The state is as the instruction left
		 * it: unchanged, or, for REP, with the elements done before the
		 * fault counted (RCX/RSI/RDI), as the processor leaves them. */
		state_to_vcpu(v, &st);
		return EXIT_RESUME;
	case X86_EMUL_UNHANDLED:
		if (ctx.table_not_ram)
			vm_request_stop(v->vm, VM_STOP_ERROR,
					"error: a guest page table outside RAM, emulating the access to 0x%llx (RIP 0x%llx)",
					(unsigned long long)gpa, (unsigned long long)v->vmcb->save.rip);
		else
			vm_request_stop(v->vm, VM_STOP_ERROR,
					"error: %s of guest-physical 0x%llx: no RAM or device takes it (RIP 0x%llx)",
					npf_kind(c->exit_info_1), (unsigned long long)ctx.missing,
					(unsigned long long)v->vmcb->save.rip);
		return EXIT_STOP;
	case X86_EMUL_UNSUPPORTED:
		break;
	}
	char line[VM_STOP_REASON_MAX - 32];
	x86_format_unsupported(line, sizeof(line), v->vmcb->save.rip, bytes, n);
	vm_request_stop(v->vm, VM_STOP_ERROR, "error: MMIO at 0x%llx: %s", (unsigned long long)gpa, line);
	return EXIT_STOP;
}

/* The LAPIC EOI write, the hottest MMIO exit (an OS makes one after every
 * interrupt): an absent nested entry (all RAM is mapped when the VM is
 * built, hv/vm.c, so the address is no RAM) written at the EOI register of
 * this vCPU's xAPIC page (the access itself, not a guest page-table
 * entry the walk looked for there: NPF_GUEST_TABLE) by `mov %reg, mem` (opcode 89, decoded by its
 * shape alone: x86_decode_mov_store). The value goes straight to the LAPIC;
 * anything else takes the general path with the bytes already read. */
enum exit_action handle_npf(struct vcpu *v)
{
	const struct vmcb_control *c = &v->vmcb->control;
	uint64_t lapic_base = vlapic_mmio_base(&v->lapic);
	enum cpu_mode mode = vcpu_cpu_mode(v);

	if (lapic_base == VLAPIC_MMIO_ABSENT || c->exit_info_2 - lapic_base != LAPIC_EOI_OFFSET ||
	    (c->exit_info_1 & (NPF_P | NPF_RW | NPF_ID | NPF_GUEST_TABLE)) != NPF_RW || (c->exit_int_info & SVM_EVENT_V))
		return npf_emulate(v, NULL, 0, mode);

	uint8_t bytes[INSN_MAX_LEN];
	unsigned len, src, size;
	size_t n = npf_insn_bytes(v, mode, bytes);
	if (!x86_decode_mov_store(bytes, n, mode, &len, &src, &size))
		return npf_emulate(v, bytes, n, mode);
	if (size == 4)
		vcpu_apic_eoi(v);   /* the page is there: xAPIC mode; the value does not matter */
	else
		vcpu_apic_mmio_write(v, LAPIC_EOI_OFFSET, size, v->gprs.r[src]);   /* dropped (vlapic.h) */
	v->vmcb->save.rip = (v->vmcb->save.rip + len) & rip_mask(mode);
	vcpu_insn_done(v);
	return EXIT_RESUME;
}

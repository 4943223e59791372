/* hv/exit_io.c - IN/OUT and INS/OUTS, every port of them (the I/O permission
 * map intercepts all 65536), sent to the VM's I/O bus.
 *
 * EXITINFO1 gives port, size, direction, string/REP, address size and the
 * segment of OUTS (AMD APM Vol. 2, 15.10.2); EXITINFO2 the next RIP, which
 * makes IN/OUT independent of NRIP support. A REP string instruction is done
 * in batches: RIP stays on it until RCX reaches zero, so a huge count
 * cannot hold the CPU in one exit. */
#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"
#include "hv/vdev/vdev.h"

#define STRING_IO_BATCH 256

/* Replaces the low `size` bytes of a register; a 32-bit result zero-extends
 * into the upper half, as every 32-bit register write does in 64-bit mode. */
static uint64_t merge_reg(uint64_t reg, uint64_t val, unsigned size)
{
	if (size == 4)
		return val & 0xffffffffull;
	return (reg & ~vdev_size_mask(size)) | (val & vdev_size_mask(size));
}

/* RSI/RDI/RCX after an element, at the instruction's address size: a
 * 16-bit update keeps the upper bits, a 32-bit one zero-extends (as every
 * 32-bit register write in 64-bit mode does), a 64-bit one is whole. */
static uint64_t addr_reg_write(uint64_t reg, uint64_t val, unsigned addr_size)
{
	if (addr_size == 2)
		return (reg & ~0xffffull) | (val & 0xffff);
	if (addr_size == 4)
		return val & 0xffffffffull;
	return val;
}

/* Address size (in bytes) and segment of an INS/OUTS. With decode assists
 * EXITINFO1 carries both; without them (QEMU) its A16/A32/A64 and SEG
 * fields read 0 (APM 15.10.2), so they come from the instruction itself:
 * the mode's default address size, flipped by a 0x67 prefix, and DS unless
 * a segment override says otherwise (INS always writes through ES). */
struct string_operand { unsigned addr_size; unsigned seg; };

#define SEG_ES 0
#define SEG_CS 1
#define SEG_SS 2
#define SEG_DS 3
#define SEG_FS 4
#define SEG_GS 5

static bool string_operand(struct vcpu *v, uint64_t info1, struct string_operand *op)
{
	if ((svm.features & SVM_FEAT_DECODE_ASSIST) && ioio_addr_size(info1)) {
		op->addr_size = ioio_addr_size(info1);
		op->seg = ioio_seg(info1);
	} else {
		uint8_t b[INSN_MAX_LEN];
		struct insn_info info;
		size_t n = vcpu_fetch_insn(v, b);
		if (!insn_decode(b, n, vcpu_cpu_mode(v), &info) ||
		    (info.id != INSN_INS8 && info.id != INSN_INS && info.id != INSN_OUTS8 && info.id != INSN_OUTS))
			return false;   /* not INS/OUTS: the guest changed its code */
		op->addr_size = info.addr_size;
		op->seg = info.seg >= 0 ? (unsigned)info.seg : SEG_DS;
	}
	if (ioio_is_in(info1))
		op->seg = SEG_ES;
	return true;
}

static const struct vmcb_seg *segment(const struct vcpu *v, unsigned seg)
{
	const struct vmcb_save *s = &v->vmcb->save;
	const struct vmcb_seg *segs[] = { &s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs };

	return seg < ARRAY_SIZE(segs) ? segs[seg] : &s->ds;
}

/* One element of an INS/OUTS through the guest's own paging, with the
 * processor's rules (hv/gmem.h vcpu_access_linear). buf NULL: only check
 * (INS checks its destination for write before the port is read: a port
 * read can have side effects). On a fault the guest gets what the
 * instruction itself would have raised; a buffer or page table outside
 * RAM stops the VM (re-executing could never succeed). False: do not go
 * on with this instruction. */
static bool guest_bytes(struct vcpu *v, uint64_t lin, void *buf, unsigned size, bool write, bool stack_seg)
{
	unsigned access = (write ? GUEST_ACCESS_WRITE : 0) | (v->vmcb->save.cpl == 3 ? GUEST_ACCESS_USER : 0);
	struct gmem_fault f = { 0, 0, 0 };

	switch (vcpu_access_linear(v, lin, buf, size, access, &f)) {
	case GMEM_OK:
		return true;
	case GMEM_PAGE_FAULT:
		vcpu_inject_page_fault(v, f.lin, f.pf_error);
		return false;
	case GMEM_NONCANONICAL:
		/* Through SS it is #SS(0), any other segment #GP(0) (APM Vol. 3, OUTS). */
		vcpu_inject_exception(v, stack_seg ? X86_EXC_SS : X86_EXC_GP, true, 0);
		return false;
	case GMEM_TABLE_NOT_RAM:
		vm_request_stop(v->vm, VM_STOP_ERROR,
				"error: string I/O at RIP 0x%llx: the page tables for 0x%llx are outside its RAM",
				(unsigned long long)v->vmcb->save.rip, (unsigned long long)f.lin);
		return false;
	case GMEM_NOT_RAM:
		vm_request_stop(v->vm, VM_STOP_ERROR,
				"error: string I/O at RIP 0x%llx: its buffer at 0x%llx (guest-physical 0x%llx) is outside its RAM",
				(unsigned long long)v->vmcb->save.rip, (unsigned long long)f.lin,
				(unsigned long long)f.gpa);
		return false;
	}
	return false;
}

/* Not inlined: its frame would cost every plain IN/OUT. */
static __attribute__((noinline)) enum exit_action string_io(struct vcpu *v, uint64_t info1, uint16_t port,
							    unsigned size)
{
	struct vmcb_save *s = &v->vmcb->save;
	bool in = ioio_is_in(info1), rep = ioio_is_rep(info1);
	struct string_operand op;

	if (!string_operand(v, info1, &op)) {
		vm_request_stop(v->vm, VM_STOP_ERROR, "error: cannot decode the string I/O instruction at RIP 0x%llx",
				(unsigned long long)s->rip);
		return EXIT_STOP;
	}
	uint64_t amask = vdev_size_mask(op.addr_size);
	uint64_t *index = in ? &v->gprs.rdi : &v->gprs.rsi;
	const struct vmcb_seg *seg = segment(v, op.seg);
	/* In 64-bit mode only FS and GS have a base. */
	uint64_t base = (vcpu_in_long_mode64(v) && op.seg != SEG_FS && op.seg != SEG_GS) ? 0 : seg->base;
	int64_t step = (s->rflags & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint64_t count = rep ? (v->gprs.rcx & amask) : 1;

	/* Under single-step each iteration is its own trap: one per exit. */
	unsigned batch = (s->rflags & RFLAGS_TF) ? 1 : STRING_IO_BATCH;
	for (unsigned done = 0; count && done < batch; done++) {
		uint64_t lin = base + (*index & amask);
		uint32_t val = 0;
		if (!vcpu_in_long_mode64(v))
			lin &= 0xffffffffull;
		if (in) {
			/* Check the destination first: a port read can have side effects. */
			if (!guest_bytes(v, lin, NULL, size, true, false))
				return vm_stop_pending(v->vm) ? EXIT_STOP : EXIT_RESUME;
			val = iobus_read(&v->vm->iobus, v, port, size);
			if (!guest_bytes(v, lin, &val, size, true, false))
				return vm_stop_pending(v->vm) ? EXIT_STOP : EXIT_RESUME;
		} else {
			if (!guest_bytes(v, lin, &val, size, false, op.seg == SEG_SS))
				return vm_stop_pending(v->vm) ? EXIT_STOP : EXIT_RESUME;
			iobus_write(&v->vm->iobus, v, port, size, val);
		}
		*index = addr_reg_write(*index, *index + (uint64_t)step, op.addr_size);
		count--;
		if (rep)
			v->gprs.rcx = addr_reg_write(v->gprs.rcx, count, op.addr_size);
		if (vm_stop_pending(v->vm))
			return EXIT_STOP;
	}
	if (!count) {
		s->rip = v->vmcb->control.exit_info_2;
		vcpu_insn_done(v);
	} else if (s->rflags & RFLAGS_TF) {
		/* Single-stepping a REP string instruction traps after every
		 * iteration, with RIP still on it (APM Vol. 2, 13.1.4). */
		vcpu_single_step_trap(v);
	}
	return EXIT_RESUME;
}

enum exit_action handle_ioio(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint64_t info1 = v->vmcb->control.exit_info_1;
	uint16_t port = ioio_port(info1);
	unsigned size = ioio_size(info1);

	if (ioio_is_string(info1))
		return string_io(v, info1, port, size);
	if (ioio_is_in(info1))
		v->gprs.rax = merge_reg(v->gprs.rax, iobus_read(&v->vm->iobus, v, port, size), size);
	else
		iobus_write(&v->vm->iobus, v, port, size, (uint32_t)(v->gprs.rax & vdev_size_mask(size)));
	s->rip = v->vmcb->control.exit_info_2;
	vcpu_insn_done(v);
	return EXIT_RESUME;
}

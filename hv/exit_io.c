/* hv/exit_io.c - IN/OUT and INS/OUTS, every port of them (the I/O permission
 * map intercepts all 65536), sent to the VM's I/O bus.
 *
 * EXITINFO1 gives port, size, direction, string/REP, address size and the
 * segment of OUTS (AMD APM Vol. 2, 15.10.2); EXITINFO2 the next RIP, which
 * makes IN/OUT independent of NRIP support. A REP string instruction is done
 * in batches: RIP stays on it until RCX reaches zero, so a huge count
 * cannot hold the CPU in one exit. */
#include "hv/vcpu.h"

#define STRING_IO_BATCH 256
#define RFLAGS_DF BIT(10)

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Replaces the low `size` bytes of a register; a 32-bit result zero-extends
 * into the upper half, as every 32-bit register write does in 64-bit mode. */
static uint64_t merge_reg(uint64_t reg, uint64_t val, unsigned size)
{
	if (size == 4)
		return val & 0xffffffffull;
	return (reg & ~size_mask(size)) | (val & size_mask(size));
}

static const struct vmcb_seg *string_segment(const struct vcpu *v, uint64_t info1)
{
	const struct vmcb_save *s = &v->vmcb->save;
	const struct vmcb_seg *segs[] = { &s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs };

	if (ioio_is_in(info1))
		return &s->es;   /* INS always writes ES:rDI */
	unsigned seg = ioio_seg(info1);
	return seg < ARRAY_SIZE(segs) ? segs[seg] : &s->ds;
}

static enum exit_action string_io(struct vcpu *v, uint64_t info1, uint16_t port, unsigned size)
{
	struct vmcb_save *s = &v->vmcb->save;
	bool in = ioio_is_in(info1), rep = ioio_is_rep(info1);
	uint64_t amask = size_mask(ioio_addr_size(info1));
	uint64_t *index = in ? &v->gprs.rdi : &v->gprs.rsi;
	const struct vmcb_seg *seg = string_segment(v, info1);
	/* In 64-bit mode only FS and GS have a base. */
	uint64_t base = (vcpu_in_long_mode64(v) && seg != &s->fs && seg != &s->gs) ? 0 : seg->base;
	int64_t step = (s->rflags & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint64_t count = rep ? (v->gprs.rcx & amask) : 1;

	for (unsigned done = 0; count && done < STRING_IO_BATCH; done++) {
		uint64_t lin = base + (*index & amask);
		uint32_t val = 0;
		if (in) {
			val = iobus_read(&v->vm->iobus, port, size);
			if (!vcpu_write_linear(v, lin, &val, size))
				goto bad_address;
		} else {
			if (!vcpu_read_linear(v, lin, &val, size))
				goto bad_address;
			iobus_write(&v->vm->iobus, port, size, val);
		}
		*index = (*index & ~amask) | ((*index + (uint64_t)step) & amask);
		count--;
		if (rep)
			v->gprs.rcx = (v->gprs.rcx & ~amask) | count;
		if (v->vm->pending != EXIT_RESUME)
			return v->vm->pending;
	}
	if (!count)
		s->rip = v->vmcb->control.exit_info_2;
	return EXIT_RESUME;

bad_address:
	vm_request_stop(v->vm, "error: %s through an address outside guest RAM (RIP 0x%llx)",
			in ? "INS" : "OUTS", (unsigned long long)s->rip);
	return EXIT_STOP;
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
		s->rax = merge_reg(s->rax, iobus_read(&v->vm->iobus, port, size), size);
	else
		iobus_write(&v->vm->iobus, port, size, (uint32_t)(s->rax & size_mask(size)));
	s->rip = v->vmcb->control.exit_info_2;
	return v->vm->pending;
}

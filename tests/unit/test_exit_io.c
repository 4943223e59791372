/* tests/unit/test_exit_io.c - handle_ioio() (hv/exit_io.c), the real one, on a
 * fake vCPU: IN/OUT into RAX, and the string-I/O decisions of INS/OUTS
 * (addresses, address sizes, segments, REP batches; faults, stops, CPL and
 * single-step are in test_exit_io_faults.c). The I/O bus and the instruction decoder are the real ones;
 * guest memory, event injection and VM stop are the test's stand-ins.
 */
/* UNIT_SRC: hv/exit_io.c hv/vdev/iobus.c hv/emulate/insn_len.c */
#include <stdarg.h>
#include <stdlib.h>
#include "test.h"
#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"
#include "exit_io_fake.h"

/* ---- IN / OUT ------------------------------------------------------------------------ */

static void test_in_merges_into_rax(void)
{
	setup(CPU_MODE_LONG64);
	dev.read_val = 0xa1b2c3d4;
	vmcb.control.exit_info_2 = RIP0 + 2;
	vmcb.control.int_state = INT_STATE_SHADOW;

	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x11223344556677d4ull);          /* AL only */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(vmcb.control.int_state & INT_STATE_SHADOW, 0);   /* the shadow is over */

	vmcb.save.rip = RIP0;
	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT + 2, 2, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x112233445566c3d4ull);          /* AX only */

	vmcb.save.rip = RIP0;
	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT + 4, 4, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0xa1b2c3d4ull);                  /* EAX zero-extends */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);

	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(dev.log[0].off, 0); EXPECT_EQ(dev.log[0].size, 1);
	EXPECT_EQ(dev.log[1].off, 2); EXPECT_EQ(dev.log[1].size, 2);
	EXPECT_EQ(dev.log[2].off, 4); EXPECT_EQ(dev.log[2].size, 4);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(fetches, 0);       /* IN/OUT never decode: exit_info_2 is the next RIP */
	EXPECT_EQ(ninj + traps + stops, 0);
}

static void test_out_passes_masked_value(void)
{
	setup(CPU_MODE_LONG64);
	vcpu.gprs.rax = 0xdeadbeefcafef00dull;
	EXPECT_EQ(run(io(DEV_PORT + 1, 1, 0)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, next_rip());
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT + 2, 2, 0)), EXIT_RESUME);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT + 4, 4, 0)), EXIT_RESUME);

	EXPECT_EQ(dev.writes, 3);
	EXPECT_TRUE(dev.log[0].write);
	EXPECT_EQ(dev.log[0].off, 1); EXPECT_EQ(dev.log[0].size, 1); EXPECT_EQ(dev.log[0].val, 0x0d);
	EXPECT_EQ(dev.log[1].off, 2); EXPECT_EQ(dev.log[1].size, 2); EXPECT_EQ(dev.log[1].val, 0xf00d);
	EXPECT_EQ(dev.log[2].off, 4); EXPECT_EQ(dev.log[2].size, 4); EXPECT_EQ(dev.log[2].val, 0xcafef00d);
	EXPECT_EQ(vcpu.gprs.rax, 0xdeadbeefcafef00dull);
	EXPECT_EQ(nacc, 0);
}

static void test_unclaimed_port(void)
{
	setup(CPU_MODE_PROT32);
	vcpu.gprs.rax = 0x12345678ull;
	EXPECT_EQ(run(io(0x1234, 2, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x1234ffffull);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(0x1234, 1, 0)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, next_rip());
	EXPECT_EQ(dev.n, 0);
}

/* ---- INS / OUTS: one element ----------------------------------------------------------- */

static void test_outsb_follows_rsi_and_df(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6e);                               /* OUTSB */
	vmcb.save.ds.base = 0x10000;
	mem_put(0x10100, "\x5a", 1);
	mem_put(0x100ff, "\xa5", 1);
	vcpu.gprs.rsi = 0x100;
	vcpu.gprs.rcx = 0x55;                     /* not REP: RCX is not looked at */

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 1);
	EXPECT_EQ(dev.log[0].val, 0x5a);
	EXPECT_EQ(vcpu.gprs.rsi, 0x101);
	EXPECT_EQ(vcpu.gprs.rcx, 0x55);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 1);
	EXPECT_EQ(nacc, 1);
	EXPECT_EQ(acc[0].lin, 0x10100); EXPECT_EQ(acc[0].len, 1); EXPECT_EQ(acc[0].flags, 0);
	EXPECT_TRUE(!acc[0].check_only);

	/* DF=1 counts down. */
	vmcb.save.rip = RIP0;
	vmcb.save.rflags |= RFLAGS_DF;
	vcpu.gprs.rsi = 0x100;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rsi, 0xff);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rsi, 0xfe);
	EXPECT_EQ(dev.writes, 3);
	EXPECT_EQ(dev.log[1].val, 0x5a);
	EXPECT_EQ(dev.log[2].val, 0xa5);
	EXPECT_EQ(acc[2].lin, 0x100ff);
	EXPECT_EQ(ninj + stops, 0);
}

static void test_insb_insw_follow_rdi_and_df(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6c);                               /* INSB */
	vmcb.save.es.base = 0x20000;
	vmcb.save.ds.base = 0x30000;              /* not INS's segment */
	vcpu.gprs.rdi = 0x40;
	dev.read_val = 0x77;

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 1);
	EXPECT_EQ(mem8(0x20040), 0x77);
	EXPECT_EQ(vcpu.gprs.rdi, 0x41);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 1);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x20040); EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(acc[0].check_only);           /* the check before the port read */
	EXPECT_EQ(acc[1].lin, 0x20040); EXPECT_EQ(acc[1].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(!acc[1].check_only);

	/* INSW with DF=1: two bytes, RDI down by two. */
	INSN(0x66, 0x6d);
	vmcb.save.rip = RIP0;
	vmcb.save.rflags |= RFLAGS_DF;
	dev.read_val = 0xbeef;
	dev.reads = 0;
	EXPECT_EQ(run(io(DEV_PORT, 2, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(mem16(0x20041), 0xbeef);
	EXPECT_EQ(vcpu.gprs.rdi, 0x3f);
	EXPECT_EQ(acc[3].len, 2);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

/* ---- REP ---------------------------------------------------------------------------------- */

static void test_rep_outsb_whole_count(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 5;
	mem_put(0x5000, "hello", 5);

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 5);
	for (unsigned i = 0; i < 5; i++)
		EXPECT_EQ(dev.log[i].val, (uint8_t)"hello"[i]);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x5005);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(traps, 0);
}

static void test_rep_insw_df1(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x66, 0x6d);                   /* REP INSW */
	vmcb.save.rflags |= RFLAGS_DF;
	vcpu.gprs.rdi = 0x6006;
	vcpu.gprs.rcx = 3;
	dev.read_val = 0x1111;
	dev.read_step = 0x1111;

	EXPECT_EQ(run(io(DEV_PORT, 2, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(mem16(0x6006), 0x1111);
	EXPECT_EQ(mem16(0x6004), 0x2222);
	EXPECT_EQ(mem16(0x6002), 0x3333);
	EXPECT_EQ(vcpu.gprs.rdi, 0x6000);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);
}

static void test_rep_in_batches_of_256(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x8000;
	vcpu.gprs.rcx = 600;
	for (unsigned i = 0; i < 600; i++) {
		uint8_t b = (uint8_t)(i * 7);
		mem_put(0x8000 + i, &b, 1);
	}
	uint64_t info1 = io(DEV_PORT, 1, STR_OUT | IOIO_REP);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 256);
	EXPECT_EQ(vcpu.gprs.rcx, 344);
	EXPECT_EQ(vcpu.gprs.rsi, 0x8100);
	EXPECT_EQ(vmcb.save.rip, RIP0);           /* stays on the instruction */

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 512);
	EXPECT_EQ(vcpu.gprs.rcx, 88);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 600);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x8000 + 600);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	unsigned bad = 0;
	for (unsigned i = 0; i < 600; i++)
		bad += dev.log[i].val != (uint8_t)(i * 7);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(traps + ninj + stops, 0);
}

static void test_rep_with_zero_count(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rcx = 0;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);

	/* 16-bit addressing counts with CX: 0x10000 is zero. */
	setup(CPU_MODE_REAL);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rcx = 0x10000;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(vcpu.gprs.rcx, 0x10000);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);
}

/* ---- address sizes ------------------------------------------------------------------------- */

static void test_addr16_real_mode_wraps_si_and_cx(void)
{
	setup(CPU_MODE_REAL);
	INSN(0xf3, 0x6e);
	vmcb.save.ds.base = 0x12340;
	vcpu.gprs.rsi = 0xabcd00001234ffffull;
	vcpu.gprs.rcx = 0x7777000000010002ull;    /* CX = 2 */
	mem_put(0x12340 + 0xffff, "\x11", 1);
	mem_put(0x12340, "\x22", 1);

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x2233f);
	EXPECT_EQ(acc[1].lin, 0x12340);           /* SI wrapped to 0 */
	EXPECT_EQ(dev.log[0].val, 0x11);
	EXPECT_EQ(dev.log[1].val, 0x22);
	EXPECT_EQ(vcpu.gprs.rsi, 0xabcd000012340001ull);   /* only SI moves */
	EXPECT_EQ(vcpu.gprs.rcx, 0x7777000000010000ull);   /* only CX counts */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

static void test_addr_size_prefix_67(void)
{
	/* 32-bit code, 0x67: 16-bit addresses. */
	setup(CPU_MODE_PROT32);
	INSN(0x67, 0x6e);
	vmcb.save.ds.base = 0x40000;
	vcpu.gprs.rsi = 0x0001ffff;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x4ffff);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00010000);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);

	setup(CPU_MODE_PROT32);
	INSN(0x67, 0xf3, 0x6c);
	vmcb.save.es.base = 0x50000;
	vcpu.gprs.rdi = 0x0003fffe;
	vcpu.gprs.rcx = 0x00050003;               /* CX = 3 */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(acc[1].lin, 0x5fffe);
	EXPECT_EQ(acc[3].lin, 0x5ffff);
	EXPECT_EQ(acc[5].lin, 0x50000);
	EXPECT_EQ(vcpu.gprs.rdi, 0x00030001);
	EXPECT_EQ(vcpu.gprs.rcx, 0x00050000);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);

	/* 16-bit code, 0x67: 32-bit addresses. */
	setup(CPU_MODE_PROT16);
	INSN(0x67, 0x6e);
	vmcb.save.ds.base = 0x1000;
	vcpu.gprs.rsi = 0x00012345;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x13345);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00012346);

	/* 16-bit code, no prefix: SI. */
	setup(CPU_MODE_PROT16);
	INSN(0x6e);
	vmcb.save.ds.base = 0x1000;
	vcpu.gprs.rsi = 0x00012345;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x3345);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00012346);

	/* 64-bit code, 0x67: 32-bit addresses (ESI wraps, ECX counts). */
	setup(CPU_MODE_LONG64);
	INSN(0x67, 0xf3, 0x6e);
	vmcb.save.ds.base = 0x5000;               /* no base in 64-bit mode */
	vcpu.gprs.rsi = 0xfffffffe;
	vcpu.gprs.rcx = 3;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(nacc, 3);
	EXPECT_EQ(acc[0].lin, 0xfffffffe);
	EXPECT_EQ(acc[1].lin, 0xffffffff);
	EXPECT_EQ(acc[2].lin, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 1);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);
}

static void test_long64_default_and_no_ds_es_base(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vmcb.save.ds.base = 0x5000;
	vcpu.gprs.rsi = 0x00007ffffffff000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x00007ffffffff000ull);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00007ffffffff001ull);

	setup(CPU_MODE_LONG64);
	INSN(0x6c);
	vmcb.save.es.base = 0x9000;
	vcpu.gprs.rdi = 0x123456789aull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x123456789aull);
	EXPECT_EQ(acc[1].lin, 0x123456789aull);
	EXPECT_EQ(vcpu.gprs.rdi, 0x123456789bull);

	/* 32-bit code: the linear address wraps at 4 GiB. */
	setup(CPU_MODE_PROT32);
	INSN(0x6e);
	vmcb.save.ds.base = 0xfffff000;
	vcpu.gprs.rsi = 0x2000;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x1000);
}

/* ---- segments --------------------------------------------------------------------------------- */

static uint64_t outs_lin_with(enum cpu_mode m, uint8_t prefix)
{
	setup(m);
	INSN(prefix, 0x6e);
	vmcb.save.es.base = 0x70000;
	vmcb.save.cs.base = 0x60000;
	vmcb.save.ss.base = 0x80000;
	vmcb.save.ds.base = 0x30000;
	vmcb.save.fs.base = m == CPU_MODE_LONG64 ? 0x0000700000000000ull : 0x90000;
	vmcb.save.gs.base = m == CPU_MODE_LONG64 ? 0xffff800000001000ull : 0xa0000;
	vcpu.gprs.rsi = 0x10;
	if (run(io(DEV_PORT, 1, STR_OUT)) != EXIT_RESUME || nacc != 1)
		return ~0ull;
	return acc[0].lin;
}

static void test_outs_segment_override(void)
{
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x26), 0x70010);   /* ES: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x2e), 0x60010);   /* CS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x36), 0x80010);   /* SS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x3e), 0x30010);   /* DS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x64), 0x90010);   /* FS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x65), 0xa0010);   /* GS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x66), 0x30010);   /* no override: DS */

	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x64), 0x0000700000000010ull);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x65), 0xffff800000001010ull);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x26), 0x10);      /* ES/CS/SS/DS: base 0 */
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x2e), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x36), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x3e), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x66), 0x10);
}

static void test_ins_always_writes_through_es(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x64, 0x6c);                         /* FS: INSB: the override does not apply */
	vmcb.save.es.base = 0x70000;
	vmcb.save.fs.base = 0x90000;
	vcpu.gprs.rdi = 0x10;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x70010);
	EXPECT_EQ(acc[1].lin, 0x70010);

	setup(CPU_MODE_LONG64);
	INSN(0x65, 0x6c);                         /* GS: INSB in 64-bit mode: ES, base 0 */
	vmcb.save.es.base = 0x9000;
	vmcb.save.gs.base = 0x0000700000000000ull;
	vcpu.gprs.rdi = 0x10;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x10);
	EXPECT_EQ(acc[1].lin, 0x10);
}

/* With decode assists EXITINFO1 says address size and segment: no fetch. */
static void test_decode_assist_fields_used(void)
{
	setup(CPU_MODE_PROT32);
	svm.features = SVM_FEAT_DECODE_ASSIST;
	INSN(0x90);                               /* would not decode: must not be read */
	vmcb.save.fs.base = 0x90000;
	vcpu.gprs.rsi = 0x00051234;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_A16 | (4ull << IOIO_SEG_SHIFT))), EXIT_RESUME);
	EXPECT_EQ(fetches, 0);
	EXPECT_EQ(acc[0].lin, 0x91234);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00051235);
	svm.features = 0;
}

static void test_undecodable_instruction_stops(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x90);                               /* the guest changed its code: not INS/OUTS */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0x401000") != NULL);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);
}

int main(void)
{
	RUN(test_in_merges_into_rax);
	RUN(test_out_passes_masked_value);
	RUN(test_unclaimed_port);
	RUN(test_outsb_follows_rsi_and_df);
	RUN(test_insb_insw_follow_rdi_and_df);
	RUN(test_rep_outsb_whole_count);
	RUN(test_rep_insw_df1);
	RUN(test_rep_in_batches_of_256);
	RUN(test_rep_with_zero_count);
	RUN(test_addr16_real_mode_wraps_si_and_cx);
	RUN(test_addr_size_prefix_67);
	RUN(test_long64_default_and_no_ds_es_base);
	RUN(test_outs_segment_override);
	RUN(test_ins_always_writes_through_es);
	RUN(test_decode_assist_fields_used);
	RUN(test_undecodable_instruction_stops);
	TEST_MAIN_END();
}

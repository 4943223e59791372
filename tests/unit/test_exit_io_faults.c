/* tests/unit/test_exit_io_faults.c - handle_ioio() (hv/exit_io.c) on the fake vCPU: faults, stops, CPL, single-step, 32-bit address size and SS. */
/* UNIT_SRC: hv/exit_io.c hv/vdev/iobus.c hv/emulate/insn_len.c */
#include <stdarg.h>
#include <stdlib.h>
#include "test.h"
#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"
#include "exit_io_fake.h"

/* ---- faults ----------------------------------------------------------------------------------------- */

static void test_ins_checks_destination_before_port_read(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0x21000;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x3, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 0);                  /* the port's side effect never happened */
	EXPECT_EQ(nacc, 1);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(acc[0].check_only);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x3);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vcpu.gprs.rdi, 0x21000);
	EXPECT_EQ(traps + stops, 0);
}

static void test_rep_ins_page_fault_midway(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rdi = 0x20ffc;
	vcpu.gprs.rcx = 10;
	dev.read_val = 0x40;
	dev.read_step = 1;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x2, 0);
	uint64_t info1 = io(DEV_PORT, 1, STR_IN | IOIO_REP);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 4);
	for (unsigned i = 0; i < 4; i++)
		EXPECT_EQ(mem8(0x20ffc + i), 0x40 + i);
	EXPECT_EQ(vcpu.gprs.rcx, 6);              /* what was done, done */
	EXPECT_EQ(vcpu.gprs.rdi, 0x21000);        /* pointing at the faulting element */
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x2);

	/* The guest maps the page and the instruction resumes. */
	nfaults = 0;
	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 10);
	EXPECT_EQ(mem8(0x21005), 0x49);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rdi, 0x21006);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

static void test_outs_page_fault_reports_fault_address(void)
{
	/* A word across a page boundary, the second page faulting: CR2 is
	 * where the fault is, not where the access starts. */
	setup(CPU_MODE_PROT32);
	INSN(0x66, 0x6f);                         /* OUTSW */
	vcpu.gprs.rsi = 0x20fff;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x9, 0);
	EXPECT_EQ(run(io(DEV_PORT, 2, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 0);
	EXPECT_EQ(acc[0].lin, 0x20fff);
	EXPECT_EQ(acc[0].len, 2);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x9);
	EXPECT_EQ(vcpu.gprs.rsi, 0x20fff);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x20ffe;
	vcpu.gprs.rcx = 0x10;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 0xe);
	EXPECT_EQ(vcpu.gprs.rsi, 0x21000);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

static void test_noncanonical_injects_gp0(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vcpu.gprs.rsi = 0x0000800000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(!inj[0].pf);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);
	EXPECT_TRUE(inj[0].has_error);
	EXPECT_EQ(inj[0].error, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x0000800000000000ull);

	setup(CPU_MODE_LONG64);
	INSN(0x6c);
	vcpu.gprs.rdi = 0xfff0000000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);

	/* A REP running into the hole: two done, then #GP. */
	setup(CPU_MODE_LONG64);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x00007ffffffffffeull;
	vcpu.gprs.rcx = 4;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 2);
	EXPECT_EQ(vcpu.gprs.rsi, 0x0000800000000000ull);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

static void test_buffer_outside_ram_stops(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6e);
	vcpu.gprs.rsi = 0xfee00010;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xc0000000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);   /* never re-executed */
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00010") != NULL);
	EXPECT_TRUE(strstr(stop_reason, "0xc0000010") != NULL);
	EXPECT_EQ(ninj, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0xfee00020;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xfee00000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00020") != NULL);

	/* Mid-REP: what was done stays done, then the stop. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0xfedffffe;
	vcpu.gprs.rcx = 5;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xfee00000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 3);
	EXPECT_EQ(nacc, 3);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00000") != NULL);
	EXPECT_EQ(stops, 1);
}

static void test_page_tables_outside_ram_stop(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vcpu.gprs.rsi = 0x00007f0000000123ull;
	fault_page(0x00007f0000000000ull, GMEM_TABLE_NOT_RAM, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0x7f0000000123") != NULL);
	EXPECT_TRUE(strstr(stop_reason, "page tables") != NULL);
	EXPECT_EQ(ninj, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0x3000;
	fault_page(0x3000, GMEM_TABLE_NOT_RAM, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_TRUE(strstr(stop_reason, "0x3000") != NULL);
}

/* ---- CPL, single-step, device stops ---------------------------------------------------------------- */

static void test_cpl3_accesses_are_user(void)
{
	setup(CPU_MODE_PROT32);
	vmcb.save.cpl = 3;
	INSN(0x6e);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_USER);
	vmcb.save.rip = RIP0;
	INSN(0x6c);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[1].flags, GUEST_ACCESS_WRITE | GUEST_ACCESS_USER);
	EXPECT_EQ(acc[2].flags, GUEST_ACCESS_WRITE | GUEST_ACCESS_USER);

	/* CPL 1 and 2 are supervisor. */
	setup(CPU_MODE_PROT32);
	vmcb.save.cpl = 2;
	INSN(0x6c);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
}

static void test_single_step_rep_one_element_per_exit(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 3;
	mem_put(0x5000, "abc", 3);
	uint64_t info1 = io(DEV_PORT, 1, STR_OUT | IOIO_REP);

	for (unsigned i = 1; i <= 3; i++) {
		EXPECT_EQ(run(info1), EXIT_RESUME);
		EXPECT_EQ(dev.writes, i);
		EXPECT_EQ(vcpu.gprs.rcx, 3 - i);
		EXPECT_EQ(traps, i);                  /* a trap after every iteration */
		EXPECT_EQ(vmcb.save.rip, i < 3 ? RIP0 : RIP0 + 2);
	}
	EXPECT_EQ(dev.log[2].val, 'c');

	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rcx = 300;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 1);
	EXPECT_EQ(vcpu.gprs.rcx, 299);
	EXPECT_EQ(traps, 1);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	/* Plain IN with TF: one trap, after RIP moved. */
	setup(CPU_MODE_PROT32);
	vmcb.save.rflags |= RFLAGS_TF;
	EXPECT_EQ(run(io(DEV_PORT, 1, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(traps, 1);
	EXPECT_EQ(vmcb.save.rip, next_rip());

	/* A fault under TF: the fault, no trap. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rsi = 0x21000;
	vcpu.gprs.rcx = 2;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(traps, 0);
}

static void test_device_stop_ends_rep_batch(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 10;
	dev.stop_at = 3;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.writes, 3);
	EXPECT_EQ(nacc, 3);
	EXPECT_EQ(vcpu.gprs.rcx, 7);
	EXPECT_EQ(vcpu.gprs.rsi, 0x5003);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vm.stop_cause, VM_STOP_EXIT_CODE);
	EXPECT_STREQ(stop_reason, "exit code 3");

	/* INS: the element whose read stopped the VM is still stored. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rdi = 0x6000;
	vcpu.gprs.rcx = 10;
	dev.read_val = 0x10;
	dev.read_step = 1;
	dev.stop_at = 2;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 2);
	EXPECT_EQ(mem8(0x6001), 0x11);
	EXPECT_EQ(vcpu.gprs.rcx, 8);
	EXPECT_EQ(vcpu.gprs.rdi, 0x6002);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

/* ---- 32-bit address size and SS ------------------------------------------------------ */

/* With a 32-bit address size in 64-bit mode, ESI/EDI/ECX are
 * 32-bit register writes and zero-extend into RSI/RDI/RCX (as KVM's
 * emulator and QEMU's TCG do). */
static void test_addr32_zero_extends_in_long64(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x67, 0xf3, 0x6e);
	vcpu.gprs.rsi = 0xffffffff00000010ull;
	vcpu.gprs.rcx = 0x0000000500000002ull;    /* ECX = 2 */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x10);              /* passes: the address is right */
	EXPECT_EQ(acc[1].lin, 0x11);
	EXPECT_EQ(vcpu.gprs.rsi, 0x12);           /* fails: 0xffffffff00000012 */
	EXPECT_EQ(vcpu.gprs.rcx, 0);              /* fails: 0x500000000 */
}

/* A non-canonical address through SS raises #SS(0), not #GP(0)
 * (APM Vol. 3, OUTS exceptions). */
static void test_ss_noncanonical_is_ss(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x36, 0x6e);                         /* SS: OUTSB */
	vcpu.gprs.rsi = 0x0000800000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_SS);     /* fails: X86_EXC_GP */
	EXPECT_EQ(inj[0].error, 0);
}

int main(void)
{
	RUN(test_ins_checks_destination_before_port_read);
	RUN(test_rep_ins_page_fault_midway);
	RUN(test_outs_page_fault_reports_fault_address);
	RUN(test_noncanonical_injects_gp0);
	RUN(test_buffer_outside_ram_stops);
	RUN(test_page_tables_outside_ram_stop);
	RUN(test_cpl3_accesses_are_user);
	RUN(test_single_step_rep_one_element_per_exit);
	RUN(test_device_stop_ends_rep_batch);
	RUN(test_addr32_zero_extends_in_long64);
	RUN(test_ss_noncanonical_is_ss);
	TEST_MAIN_END();
}

/* tests/unit/test_vmcb.c - VMCB layout, exit names, event encoding and EXITINFO1 decoders. */
/* UNIT_SRC: arch/x86/svm/vmcb.c */
#include <stddef.h>
#include "test.h"
#include "arch/x86/svm/vmcb.h"

/* The _Static_asserts in vmcb.h already prove the layout; this repeats the
 * key numbers at run time so a failing build flag or a packed-attribute
 * surprise on the host compiler shows up as a test failure too. */
/* The offsets themselves are _Static_asserts in vmcb.h (a wrong one stops
 * the build); what only a running program shows is where the bytes land. */
static void test_layout_bytes(void)
{
	static struct vmcb v;
	const uint8_t *raw = (const uint8_t *)&v;

	memset(&v, 0, sizeof(v));
	v.control.intercept_misc1 = (uint32_t)SVM_INTERCEPT_MISC1_CPUID;
	v.control.guest_asid = 0x11223344;
	v.control.tlb_control = TLB_CONTROL_FLUSH_ASID;
	v.control.int_vector = 0x5a;
	v.save.cs.attrib = 0x0a9b;
	v.save.rip = 0x1122334455667788ull;

	EXPECT_EQ(raw[0x00e], 0x04);      /* bit 18 of the dword at 0x00c */
	EXPECT_EQ(raw[0x058], 0x44);
	EXPECT_EQ(raw[0x05b], 0x11);
	EXPECT_EQ(raw[0x05c], 0x03);
	EXPECT_EQ(raw[0x064], 0x5a);      /* V_INTR_VECTOR = bits 39:32 of 0x060 */
	EXPECT_EQ(raw[0x412], 0x9b);
	EXPECT_EQ(raw[0x413], 0x0a);
	EXPECT_EQ(raw[0x578], 0x88);
	EXPECT_EQ(raw[0x57f], 0x11);
}

static void test_exit_names(void)
{
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CPUID), "CPUID");
	EXPECT_STREQ(svm_exit_name(0x072), "CPUID");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_IOIO), "IOIO");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_MSR), "MSR");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_HLT), "HLT");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_VMMCALL), "VMMCALL");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_SHUTDOWN), "SHUTDOWN");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INTR), "INTR");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_SWINT), "SWINT");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_NPF), "NPF");
	EXPECT_STREQ(svm_exit_name(0x400), "NPF");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_AVIC_NOACCEL), "AVIC_NOACCEL");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_VMGEXIT), "VMGEXIT");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CR3_READ), "CR3_READ");
	EXPECT_STREQ(svm_exit_name(0x003), "CR3_READ");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CR0_WRITE), "CR0_WRITE");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CR8_WRITE), "CR8_WRITE");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_DR_WRITE(7)), "DR7_WRITE");
	EXPECT_STREQ(svm_exit_name(0x02f), "DR15_READ");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP(14)), "EXCP_PF");
	EXPECT_STREQ(svm_exit_name(0x04e), "EXCP_PF");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP(0)), "EXCP_DE");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP(13)), "EXCP_GP");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP(29)), "EXCP_VC");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP_LAST), "EXCP_31");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_MWAIT_CONDITIONAL), "MWAIT_CONDITIONAL");
	EXPECT_STREQ(svm_exit_name(0x08d), "XSETBV");
	EXPECT_STREQ(svm_exit_name(0x08e), "RDPRU");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EFER_WRITE_TRAP), "EFER_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CR_WRITE_TRAP(4)), "CR4_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(0x09f), "CR15_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INVLPGB), "INVLPGB");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_IDLE_HLT), "IDLE_HLT");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_SW), "SW");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INVALID), "INVALID");
	EXPECT_STREQ(svm_exit_name(0xffffffffffffffffull), "INVALID");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INVALID_PMC), "INVALID_PMC");
}

static void test_exit_names_unknown(void)
{
	EXPECT_STREQ(svm_exit_name(0x0a7), "UNKNOWN");
	EXPECT_STREQ(svm_exit_name(0x3ff), "UNKNOWN");
	EXPECT_STREQ(svm_exit_name(0x404), "UNKNOWN");
	EXPECT_STREQ(svm_exit_name(0xffffffffull), "UNKNOWN");   /* -1 truncated to 32 bits */
	EXPECT_STREQ(svm_exit_name((uint64_t)-5), "UNKNOWN");
}

/* Table C-1 is dense up to IDLE_HLT: every code there has its own name. */
static void test_exit_names_dense(void)
{
	for (uint64_t code = 0; code <= SVM_EXIT_IDLE_HLT; code++) {
		const char *name = svm_exit_name(code);
		if (strcmp(name, "UNKNOWN") == 0) {
			fprintf(stderr, "  code 0x%llx has no name\n", (unsigned long long)code);
			EXPECT_TRUE(0);
		}
		for (uint64_t other = 0; other < code; other++)
			if (strcmp(name, svm_exit_name(other)) == 0) {
				fprintf(stderr, "  0x%llx and 0x%llx are both %s\n",
					(unsigned long long)other, (unsigned long long)code, name);
				EXPECT_TRUE(0);
			}
	}
}

static void test_event_type_names(void)
{
	EXPECT_STREQ(svm_event_type_name(SVM_EVENT_TYPE_INTR), "INTR");
	EXPECT_STREQ(svm_event_type_name(SVM_EVENT_TYPE_NMI), "NMI");
	EXPECT_STREQ(svm_event_type_name(SVM_EVENT_TYPE_EXCEPTION), "EXCEPTION");
	EXPECT_STREQ(svm_event_type_name(SVM_EVENT_TYPE_SOFT_INT), "SOFT_INT");
	EXPECT_STREQ(svm_event_type_name(1), "RESERVED");
	EXPECT_STREQ(svm_event_type_name(7), "RESERVED");
	EXPECT_STREQ(svm_event_type_name(8), "UNKNOWN");
}

static void test_vmcb_event(void)
{
	/* #GP(0): vector 13, type 3, EV, V. */
	EXPECT_EQ(vmcb_event(13, SVM_EVENT_TYPE_EXCEPTION, true, 0), 0x80000b0dull);
	/* #PF with error code 0x2 (write, not present). */
	EXPECT_EQ(vmcb_event(14, SVM_EVENT_TYPE_EXCEPTION, true, 0x2), 0x0000000280000b0eull);
	/* #UD: no error code, so neither EV nor the high dword. */
	EXPECT_EQ(vmcb_event(6, SVM_EVENT_TYPE_EXCEPTION, false, 0xdead), 0x80000306ull);
	/* External interrupt 0x20 and an NMI. */
	EXPECT_EQ(vmcb_event(0x20, SVM_EVENT_TYPE_INTR, false, 0), 0x80000020ull);
	EXPECT_EQ(vmcb_event(2, SVM_EVENT_TYPE_NMI, false, 0), 0x80000202ull);
	EXPECT_EQ(vmcb_event(0x80, SVM_EVENT_TYPE_SOFT_INT, false, 0), 0x80000480ull);
	/* An error code with bit 31 set must not spill into other fields. */
	EXPECT_EQ(vmcb_event(8, SVM_EVENT_TYPE_EXCEPTION, true, 0xffffffffu), 0xffffffff80000b08ull);
	/* Out-of-range types are cut to 3 bits, never into EV. */
	EXPECT_EQ(vmcb_event(1, 0xf, false, 0) & SVM_EVENT_EV, 0);
}

static void test_event_decode(void)
{
	uint64_t e = vmcb_event(14, SVM_EVENT_TYPE_EXCEPTION, true, 0x11);

	EXPECT_TRUE(svm_event_valid(e));
	EXPECT_EQ(svm_event_vector(e), 14);
	EXPECT_EQ(svm_event_type(e), SVM_EVENT_TYPE_EXCEPTION);
	EXPECT_TRUE(svm_event_has_error(e));
	EXPECT_EQ(svm_event_error(e), 0x11);
	EXPECT_STREQ(svm_event_type_name(svm_event_type(e)), "EXCEPTION");

	EXPECT_TRUE(!svm_event_valid(0));
	EXPECT_TRUE(!svm_event_has_error(vmcb_event(0x30, SVM_EVENT_TYPE_INTR, false, 0)));
}

static void test_ioio_out_dx_al(void)
{
	uint64_t i1 = 0x03f80010;   /* out dx, al with dx = 0x3f8 */

	EXPECT_EQ(ioio_port(i1), 0x3f8);
	EXPECT_TRUE(!ioio_is_in(i1));
	EXPECT_TRUE(!ioio_is_string(i1));
	EXPECT_TRUE(!ioio_is_rep(i1));
	EXPECT_EQ(ioio_size(i1), 1);
}

static void test_ioio_in_al_imm(void)
{
	uint64_t i1 = 0x00600011;   /* in al, 0x60 */

	EXPECT_EQ(ioio_port(i1), 0x60);
	EXPECT_TRUE(ioio_is_in(i1));
	EXPECT_EQ(ioio_size(i1), 1);
	EXPECT_EQ(i1, ((uint64_t)0x60 << IOIO_PORT_SHIFT) | IOIO_SZ8 | IOIO_TYPE_IN);
}

static void test_ioio_wide_and_string(void)
{
	/* in eax, dx with dx = 0xcfc, 64-bit address size. */
	uint64_t in32 = ((uint64_t)0xcfc << IOIO_PORT_SHIFT) | IOIO_A64 | IOIO_SZ32 | IOIO_TYPE_IN;
	EXPECT_EQ(in32, 0x0cfc0241);
	EXPECT_EQ(ioio_port(in32), 0xcfc);
	EXPECT_EQ(ioio_size(in32), 4);
	EXPECT_EQ(ioio_addr_size(in32), 8);

	/* rep outsw to 0x1f0 from DS (segment 3) with 64-bit addressing. */
	uint64_t outs = 0x01f00e2c;
	EXPECT_EQ(ioio_port(outs), 0x1f0);
	EXPECT_TRUE(!ioio_is_in(outs));
	EXPECT_TRUE(ioio_is_string(outs));
	EXPECT_TRUE(ioio_is_rep(outs));
	EXPECT_EQ(ioio_size(outs), 2);
	EXPECT_EQ(ioio_addr_size(outs), 8);
	EXPECT_EQ(ioio_seg(outs), 3);

	/* 16-bit addressing; port 0xffff uses every port bit. */
	uint64_t in16 = 0xffff00a1;   /* in ax, dx; A16 */
	EXPECT_EQ(ioio_port(in16), 0xffff);
	EXPECT_EQ(ioio_size(in16), 2);
	EXPECT_EQ(ioio_addr_size(in16), 2);
	EXPECT_TRUE(ioio_is_in(in16));

	/* Malformed one-hot fields decode to 0, not to a size. */
	EXPECT_EQ(ioio_size(IOIO_SZ8 | IOIO_SZ16), 0);
	EXPECT_EQ(ioio_size(0), 0);
	EXPECT_EQ(ioio_addr_size(IOIO_A32 | IOIO_A64), 0);
}

static void test_npf_bits(void)
{
	/* A guest write to a not-present final GPA. */
	uint64_t i1 = NPF_GUEST_FINAL | NPF_US | NPF_RW;
	EXPECT_EQ(i1, 0x100000006ull);
	EXPECT_EQ(NPF_GUEST_TABLE, 0x200000000ull);
	EXPECT_EQ(NPF_P | NPF_RW | NPF_US | NPF_RSV | NPF_ID, 0x1f);
}

static void test_segment_attrs(void)
{
	/* 64-bit ring-0 code: access 0x9b, flags L|G. */
	uint64_t code64 = 0x00af9b000000ffffull;
	uint16_t a = vmcb_attr_from_desc(code64);
	EXPECT_EQ(a, 0x0a9b);
	EXPECT_EQ(vmcb_attr_type(a), VMCB_ATTR_TYPE_CODE_RX_A);
	EXPECT_EQ(vmcb_attr_dpl(a), 0);
	EXPECT_TRUE(a & VMCB_ATTR_S);
	EXPECT_TRUE(a & VMCB_ATTR_P);
	EXPECT_TRUE(a & VMCB_ATTR_L);
	EXPECT_TRUE(a & VMCB_ATTR_G);
	EXPECT_TRUE(!(a & VMCB_ATTR_DB));
	EXPECT_EQ(vmcb_limit_from_desc(code64), 0xffffffffu);

	/* Flat ring-3 data, 4 GiB: access 0xf3, flags DB|G. */
	uint64_t data3 = 0x00cff3000000ffffull;
	a = vmcb_attr_from_desc(data3);
	EXPECT_EQ(a, 0x0cf3);
	EXPECT_EQ(vmcb_attr_dpl(a), 3);
	EXPECT_EQ(a, VMCB_ATTR_G | VMCB_ATTR_DB | VMCB_ATTR_P | VMCB_ATTR_DPL(3) |
		     VMCB_ATTR_S | VMCB_ATTR_TYPE_DATA_RW_A);

	/* Byte-granular limit is taken as is: a 104-byte TSS. */
	uint64_t tss = 0x00008b0000000067ull;
	EXPECT_EQ(vmcb_limit_from_desc(tss), 0x67);
	EXPECT_EQ(vmcb_attr_from_desc(tss), 0x008b);
	EXPECT_EQ(vmcb_attr_type(vmcb_attr_from_desc(tss)), VMCB_ATTR_TYPE_TSS_BUSY);
}

static void test_bit_values(void)
{
	EXPECT_EQ(SVM_INTERCEPT_MISC1_CPUID, 1u << 18);
	EXPECT_EQ(SVM_INTERCEPT_MISC1_IOIO_PROT, 1u << 27);
	EXPECT_EQ(SVM_INTERCEPT_MISC1_SHUTDOWN, 0x80000000u);
	EXPECT_EQ(SVM_INTERCEPT_MISC2_VMRUN, 1);
	EXPECT_EQ(SVM_INTERCEPT_MISC2_CR_WRITE_TRAP(0), 1u << 16);
	EXPECT_EQ(SVM_INTERCEPT_CR_WRITE(3), 1u << 19);
	EXPECT_EQ(SVM_INTERCEPT_MISC3_IDLE_HLT, 1u << 6);
	/* Intercept exit codes equal the bit's position across the vectors. */
	EXPECT_EQ(SVM_EXIT_CPUID, 3 * 32 + 18);
	EXPECT_EQ(SVM_EXIT_VMRUN, 4 * 32 + 0);
	EXPECT_EQ(SVM_EXIT_EFER_WRITE_TRAP, 4 * 32 + 15);
	EXPECT_EQ(SVM_EXIT_CR_WRITE_TRAP(8), 4 * 32 + 16 + 8);
	EXPECT_EQ(SVM_EXIT_INVLPGB, 5 * 32 + 0);
	EXPECT_EQ(SVM_EXIT_IDLE_HLT, 5 * 32 + 6);
	EXPECT_EQ(VMCB_CLEAN_ALL, 0x1fff);
	EXPECT_EQ(INT_CTL_V_INTR_PRIO_MASK, 0x000f0000u);
	EXPECT_EQ(INT_CTL_AVIC_ENABLE, 0x80000000u);
}

int main(void)
{
	RUN(test_layout_bytes);
	RUN(test_exit_names);
	RUN(test_exit_names_unknown);
	RUN(test_exit_names_dense);
	RUN(test_event_type_names);
	RUN(test_vmcb_event);
	RUN(test_event_decode);
	RUN(test_ioio_out_dx_al);
	RUN(test_ioio_in_al_imm);
	RUN(test_ioio_wide_and_string);
	RUN(test_npf_bits);
	RUN(test_segment_attrs);
	RUN(test_bit_values);
	TEST_MAIN_END();
}

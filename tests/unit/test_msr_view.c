/* tests/unit/test_msr_view.c - The guest's view of the intercepted MSRs on a fake vCPU: EFER, PAT, TSC, MTRRs, and #GP for the rest. */
/* UNIT_SRC: hv/msr_view.c */
#include "test.h"
#include "arch/x86/msr.h"
#include "arch/x86/regs.h"
#include "hv/msr_view.h"
#include "hv/vcpu.h"

#define MSR_IA32_XSS 0x00000da0u

static struct vmcb vmcb;
static struct vcpu vcpu;
static uint64_t fake_tsc_now;

static uint64_t fake_tsc(void)
{
	return fake_tsc_now;
}

static struct vcpu *fresh_vcpu(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.vmcb = &vmcb;
	vmcb.save.efer = EFER_SVME;
	vmcb.save.g_pat = 0x0007040600070406ull;
	return &vcpu;
}

static uint64_t rd(struct vcpu *v, uint32_t msr, bool *ok)
{
	uint64_t val = 0xdeadbeef;
	*ok = msr_view_read(v, msr, fake_tsc, &val);
	return val;
}

static void test_efer_hides_and_keeps_svme(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	EXPECT_EQ(rd(v, MSR_EFER, &ok), 0);
	EXPECT_TRUE(ok);
	EXPECT_TRUE(msr_view_write(v, MSR_EFER, EFER_LME | EFER_SCE | EFER_NXE, fake_tsc));
	EXPECT_EQ(vmcb.save.efer, EFER_LME | EFER_SCE | EFER_NXE | EFER_SVME);
	EXPECT_EQ(rd(v, MSR_EFER, &ok), EFER_LME | EFER_SCE | EFER_NXE);
	/* SVME is the host's; clearing it by writing 0 leaves it set */
	EXPECT_TRUE(msr_view_write(v, MSR_EFER, 0, fake_tsc));
	EXPECT_EQ(vmcb.save.efer, EFER_SVME);
	EXPECT_TRUE(msr_view_write(v, MSR_EFER, EFER_FFXSR, fake_tsc));
}

static void test_efer_refused_writes(void)
{
	struct vcpu *v = fresh_vcpu();
	EXPECT_TRUE(!msr_view_write(v, MSR_EFER, EFER_SVME, fake_tsc));
	EXPECT_TRUE(!msr_view_write(v, MSR_EFER, BIT(21), fake_tsc));   /* reserved (automatic IBRS) */
	EXPECT_TRUE(!msr_view_write(v, MSR_EFER, BIT(63), fake_tsc));
	EXPECT_EQ(vmcb.save.efer, EFER_SVME);
	/* LME cannot change with paging on; LMA is read-only */
	vmcb.save.cr0 = CR0_PG | CR0_PE;
	vmcb.save.efer = EFER_SVME | EFER_LME | EFER_LMA;
	EXPECT_TRUE(!msr_view_write(v, MSR_EFER, 0, fake_tsc));
	EXPECT_TRUE(msr_view_write(v, MSR_EFER, EFER_LME | EFER_NXE, fake_tsc));
	EXPECT_EQ(vmcb.save.efer, EFER_SVME | EFER_LME | EFER_LMA | EFER_NXE);
	vmcb.save.cr0 = CR0_PE;
	vmcb.save.efer = EFER_SVME;
	EXPECT_TRUE(msr_view_write(v, MSR_EFER, EFER_LMA, fake_tsc));   /* ignored, not set */
	EXPECT_EQ(vmcb.save.efer, EFER_SVME);
}

static void test_pat(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	EXPECT_EQ(rd(v, MSR_PAT, &ok), 0x0007040600070406ull);
	EXPECT_TRUE(msr_view_write(v, MSR_PAT, 0x0706050401000706ull, fake_tsc));
	EXPECT_EQ(vmcb.save.g_pat, 0x0706050401000706ull);
	EXPECT_TRUE(!msr_view_write(v, MSR_PAT, 0x0000000000000002ull, fake_tsc));   /* type 2 */
	EXPECT_TRUE(!msr_view_write(v, MSR_PAT, 0x0300000000000000ull, fake_tsc));   /* type 3 */
	EXPECT_TRUE(!msr_view_write(v, MSR_PAT, 0x0800000000000000ull, fake_tsc));
	EXPECT_EQ(vmcb.save.g_pat, 0x0706050401000706ull);
}

static void test_tsc_offset(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	fake_tsc_now = 1000000;
	EXPECT_EQ(rd(v, MSR_TSC, &ok), 1000000);
	EXPECT_TRUE(msr_view_write(v, MSR_TSC, 5, fake_tsc));
	EXPECT_EQ(vmcb.control.tsc_offset, 5 - 1000000ull);
	fake_tsc_now = 1000100;
	EXPECT_EQ(rd(v, MSR_TSC, &ok), 105);
}

/* IA32_TSC_ADJUST and the TSC move together (Intel SDM Vol. 3, 18.17.3). */
static void test_tsc_adjust(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	fake_tsc_now = 1000;
	EXPECT_EQ(rd(v, MSR_TSC_ADJUST, &ok), 0);
	EXPECT_TRUE(ok);
	EXPECT_TRUE(msr_view_write(v, MSR_TSC_ADJUST, 500, fake_tsc));
	EXPECT_EQ(rd(v, MSR_TSC, &ok), 1500);
	EXPECT_TRUE(msr_view_write(v, MSR_TSC, 1000, fake_tsc));   /* back by 500 */
	EXPECT_EQ(rd(v, MSR_TSC_ADJUST, &ok), 0);
	EXPECT_TRUE(msr_view_write(v, MSR_TSC_ADJUST, (uint64_t)-100, fake_tsc));
	EXPECT_EQ(rd(v, MSR_TSC, &ok), 900);
}

static void test_tsc_aux_is_the_vcpus(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	EXPECT_EQ(rd(v, MSR_TSC_AUX, &ok), 0);
	EXPECT_TRUE(msr_view_write(v, MSR_TSC_AUX, 0x12345678, fake_tsc));
	EXPECT_EQ(rd(v, MSR_TSC_AUX, &ok), 0x12345678);
	EXPECT_TRUE(!msr_view_write(v, MSR_TSC_AUX, 1ull << 32, fake_tsc));   /* reserved */
	EXPECT_EQ(v->fpu.tsc_aux, 0x12345678);
}

/* No PMU: the legacy counters read zero and take writes; their neighbours #GP. */
static void test_legacy_perf_counters(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	for (uint32_t m = MSR_K7_EVNTSEL0; m <= MSR_K7_PERFCTR3; m++) {
		EXPECT_TRUE(msr_view_write(v, m, 0x530076, fake_tsc));
		EXPECT_EQ(rd(v, m, &ok), 0);
		EXPECT_TRUE(ok);
	}
	rd(v, MSR_K7_PERFCTR3 + 1, &ok);
	EXPECT_TRUE(!ok);
	rd(v, 0xc0010200, &ok);   /* the core extension's counters: not offered */
	EXPECT_TRUE(!ok);
}

static void test_mtrrs(void)
{
	struct vcpu *v = fresh_vcpu();
	bool ok;
	EXPECT_EQ(rd(v, MSR_MTRRCAP, &ok), 0);
	EXPECT_TRUE(ok);
	EXPECT_TRUE(!msr_view_write(v, MSR_MTRRCAP, 0, fake_tsc));   /* read-only */
	EXPECT_EQ(rd(v, MSR_MTRR_DEF_TYPE, &ok), 0);
	EXPECT_TRUE(msr_view_write(v, MSR_MTRR_DEF_TYPE, 0xc06, fake_tsc));
	EXPECT_EQ(rd(v, MSR_MTRR_DEF_TYPE, &ok), 0xc06);
	EXPECT_TRUE(!msr_view_write(v, MSR_MTRR_DEF_TYPE, 0x802, fake_tsc));    /* type 2 */
	EXPECT_TRUE(!msr_view_write(v, MSR_MTRR_DEF_TYPE, 0x1006, fake_tsc));   /* reserved bit 12 */
	EXPECT_EQ(v->mtrr_def_type, 0xc06);
}

static void test_others_are_gp(void)
{
	struct vcpu *v = fresh_vcpu();
	const uint32_t refused[] = { MSR_VM_CR, MSR_VM_HSAVE_PA, MSR_IA32_XSS,
				     MSR_PRED_CMD, MSR_MCG_STATUS, 0xc0011fff, 0xffffffffu };
	for (unsigned i = 0; i < ARRAY_SIZE(refused); i++) {
		bool ok;
		uint64_t val = rd(v, refused[i], &ok);
		EXPECT_TRUE(!ok);
		EXPECT_EQ(val, 0xdeadbeef);   /* untouched */
		EXPECT_TRUE(!msr_view_write(v, refused[i], 0, fake_tsc));
	}
	EXPECT_EQ(vmcb.save.efer, EFER_SVME);
}

int main(void)
{
	RUN(test_efer_hides_and_keeps_svme);
	RUN(test_efer_refused_writes);
	RUN(test_pat);
	RUN(test_tsc_adjust);
	RUN(test_tsc_aux_is_the_vcpus);
	RUN(test_legacy_perf_counters);
	RUN(test_tsc_offset);
	RUN(test_mtrrs);
	RUN(test_others_are_gp);
	TEST_MAIN_END();
}

/* tests/unit/test_cpuid_view.c - The guest's CPUID on made-up hosts: every filtered bit, the topology leaves, XSAVE exposure, leaf 0Dh, and XSETBV's XCR0 rules. */
/* UNIT_SRC: hv/cpuid_view.c arch/x86/xsave.c */
#include "test.h"
#include "arch/x86/xsave.h"
#include "hv/cpuid_view.h"

/* ---- fake hosts: a table of (leaf, sub-leaf) -> registers ------------------- */

struct host_entry {
	uint32_t leaf, subleaf;
	bool any_subleaf;      /* the leaf ignores ECX */
	struct cpuid_regs r;
};

struct fake_host {
	const struct host_entry *e;
	size_t n;
	struct cpuid_regs other;   /* every leaf not in the table */
	uint64_t xcr0;             /* the fake vCPU's XCR0 */
	unsigned xcr0_asked;       /* how often the view read it */
};

static struct cpuid_regs fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf)
{
	const struct fake_host *h = ctx;

	for (size_t i = 0; i < h->n; i++)
		if (h->e[i].leaf == leaf && (h->e[i].any_subleaf || h->e[i].subleaf == subleaf))
			return h->e[i].r;
	return h->other;
}

static uint64_t fake_xcr0(void *ctx)
{
	struct fake_host *h = ctx;

	h->xcr0_asked++;
	return h->xcr0;
}

#define ALL 0xffffffffu
#define ANY(l, a, b, c, d) { (l), 0, true, { (a), (b), (c), (d) } }
#define SUB(l, s, a, b, c, d) { (l), (s), false, { (a), (b), (c), (d) } }

/* An EPYC-Rome as QEMU TCG shows it, with a few bits a Rome lacks (VMX,
 * XOP, FMA4, LWP, GFNI...) so their filtering shows too. */
static const struct host_entry rome_entries[] = {
	ANY(0, 0x10, 0x68747541, 0x444d4163, 0x69746e65),
	ANY(1, 0x00830f10, 0x05a00800 | 0x00ff0000u, 0xfef8322b | BIT(3) | BIT(5) | BIT(21) | BIT(24) | BIT(27),
	    0x178bfbff | BIT(9) | BIT(28)),
	SUB(4, 0, 0xfc004121, 0x01c0003f, 0x3f, 0),
	SUB(7, 0, 1, 0x219c91a9 | BIT(1) | BIT(5), BIT(2) | BIT(3) | BIT(4) | BIT(8) | BIT(9) | BIT(10) | BIT(22),
	    BIT(4) | BIT(26) | BIT(27) | BIT(29) | BIT(31)),
	SUB(7, 1, BIT(4) | BIT(23) | BIT(0), 0, 0, BIT(4) | BIT(5)),
	SUB(0xb, 0, 1, 2, 0x100, 0x77),
	SUB(0xb, 1, 4, 16, 0x201, 0x77),
	SUB(0xd, 0, 0x7, 0x340, 0x340, 0),
	SUB(0xd, 1, 0xf, 0x340, 0, 0),
	SUB(0xd, 2, 0x100, 0x240, 0, 0),
	ANY(0x80000000, 0x8000001f, 0x68747541, 0x444d4163, 0x69746e65),
	ANY(0x80000001, 0x00830f10, 0x40000000, 0x75c237ff | BIT(11) | BIT(15) | BIT(16), 0x2fd3fbff | BIT(27)),
	ANY(0x80000008, 0x3030, 0x0100d205 | BIT(12) | BIT(14) | BIT(15) | BIT(16), 0x703f, 0),
	ANY(0x8000000a, 1, 0x10, 0, 0x1ebbf),
	SUB(0x8000001d, 0, 0x00004121, 0x01c0003f, 0x3f, 0),
	SUB(0x8000001d, 1, 0x00004143, 0x01c0003f, 0x3f, 0),
	SUB(0x8000001d, 3, 0x0003c163, 0x03c0003f, 0x3fff, 1),
	SUB(0x8000001d, 4, 0, 0, 0, 0),
	ANY(0x8000001e, 0x17, 0x10b, 0x303, 0),
	ANY(0x80000021, 0x45 | BIT(8), 0, 0, 0),
};

/* A bigger host: every feature bit set, and XCR0 with AVX-512 and PKRU. */
static const struct host_entry big_entries[] = {
	ANY(0, 0x20, 0, 0, 0),
	SUB(0xd, 0, 0x2e7, 0xa88, 0xa88, 0),
	SUB(0xd, 1, 0xf, 0xa88, 0x1800, 0),
	SUB(0xd, 2, 0x100, 0x240, 0, 0),
	SUB(0xd, 5, 0x40, 0x440, 0, 0),
	SUB(0xd, 6, 0x200, 0x480, 0, 0),
	SUB(0xd, 7, 0x400, 0x680, 0, 0),
	SUB(0xd, 9, 0x8, 0xa80, 0, 0),
	SUB(0xd, 11, 0x10, 0, 1, 0),   /* an IA32_XSS component (CET) */
	SUB(0xd, 63, ALL, ALL, ALL, ALL),
	SUB(0xd, 64, ALL, ALL, ALL, ALL),
};

/* A CPU without XSAVE (leaf 1 ECX[26] clear), whose leaf 0Dh is garbage. */
static const struct host_entry noxsave_entries[] = {
	ANY(0, 0x10, 0, 0, 0),
	ANY(1, 0, 0, ALL & ~(uint32_t)(BIT(26) | BIT(27)), ALL),
};

/* XSAVE with x87 and SSE only (no AVX state), though leaf 1 claims AVX. */
static const struct host_entry sse_only_entries[] = {
	ANY(0, 0x10, 0, 0, 0),
	ANY(1, 0, 0, ALL, ALL),
	SUB(0xd, 0, 0x3, 0x240, 0x240, 0),
	SUB(0xd, 1, 0x5, 0, 0, 0),
	SUB(0xd, 2, 0x100, 0x240, 0, 0),
};

static struct fake_host host_of(const struct host_entry *e, size_t n, struct cpuid_regs other)
{
	return (struct fake_host){ .e = e, .n = n, .other = other, .xcr0 = XCR0_X87 };
}

static struct fake_host rome(void)
{
	return host_of(rome_entries, ARRAY_SIZE(rome_entries), (struct cpuid_regs){ 0, 0, 0, 0 });
}

static struct fake_host big(void)
{
	return host_of(big_entries, ARRAY_SIZE(big_entries), (struct cpuid_regs){ ALL, ALL, ALL, ALL });
}

static struct fake_host noxsave(void)
{
	return host_of(noxsave_entries, ARRAY_SIZE(noxsave_entries), (struct cpuid_regs){ ALL, ALL, ALL, ALL });
}

static struct fake_host sse_only(void)
{
	return host_of(sse_only_entries, ARRAY_SIZE(sse_only_entries), (struct cpuid_regs){ ALL, ALL, ALL, ALL });
}

/* The view for vCPU id of n, with guest CR4 cr4. */
/* The VM's board: local APICs, and TSC_AUX switched per vCPU (the default
 * of every VM); the tests of a VM without them clear these. */
static bool env_lapic = true, env_tsc_aux = true, env_apic_disabled;

static struct cpuid_regs view(struct fake_host *h, uint32_t id, uint32_t n, uint64_t cr4, uint32_t leaf,
			      uint32_t subleaf)
{
	const struct cpuid_view_env env = {
		.host_cpuid = fake_cpuid, .guest_xcr0 = fake_xcr0, .ctx = h,
		.vcpu_id = id, .vcpu_count = n, .guest_cr4 = cr4,
		.lapic = env_lapic, .tsc_aux = env_tsc_aux, .apic_disabled = env_apic_disabled,
	};
	return cpuid_view(&env, leaf, subleaf);
}

static struct cpuid_regs view1(struct fake_host *h, uint32_t leaf, uint32_t subleaf)
{
	return view(h, 0, 1, 0, leaf, subleaf);
}

#define EXT1_NEEDS_HELP (BIT(3) | BIT(9) | BIT(10) | BIT(12) | BIT(13) | BIT(17) | BIT(19) | BIT(26) | BIT(27) | \
			 BIT(29) | BIT(30))

/* ---- hypervisor leaves, pass-through ---------------------------------------- */

static void test_hypervisor_leaves(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view1(&h, 0x40000000, 0);
	EXPECT_EQ(r.eax, 0x40000001);
	EXPECT_EQ(r.ebx, 0x6d4d5653);   /* "SVMm" */
	EXPECT_EQ(r.ecx, 0x6f726369);   /* "icro" */
	EXPECT_EQ(r.edx, 0x20205648);   /* "HV  " */
	r = view1(&h, 0x40000001, 0);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = view1(&h, 0x400000ff, 3);   /* the whole range is ours, never the host's */
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_unfiltered_leaves_pass_through(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view1(&h, 0, 0);
	EXPECT_EQ(r.eax, 0x10);
	EXPECT_EQ(r.ebx, 0x68747541);   /* "Auth" */
	r = view1(&h, 0x80000000, 0);
	EXPECT_EQ(r.eax, 0x8000001f);
	EXPECT_EQ(h.xcr0_asked, 0);     /* XCR0 is read for leaf 0Dh sub-leaf 0 only */
}

/* ---- leaf 1 ---------------------------------------------------------------- */

static void test_leaf1_hidden_and_hypervisor_bits(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view1(&h, 1, 0);
	EXPECT_EQ(r.ecx & (BIT(3) | BIT(5)), 0);                        /* MONITOR VMX */
	EXPECT_EQ(r.ecx & (BIT(21) | BIT(24)), BIT(21) | BIT(24));      /* the VM's x2APIC, TSC-deadline */
	EXPECT_TRUE(r.ecx & BIT(31));
	EXPECT_TRUE(r.edx & BIT(9));                                    /* the VM's APIC */
	EXPECT_EQ(r.edx & (BIT(7) | BIT(14)), 0);                      /* MCE MCA: no banks */
	/* everything else is the host's */
	EXPECT_EQ(r.ecx | BIT(3) | BIT(5) | BIT(27), ALL);
	EXPECT_EQ(r.edx | BIT(7) | BIT(14) | BIT(28), ALL);
	EXPECT_EQ(r.eax, ALL);
}

/* The APIC bits are the VM's, not the host's: shown on a host without
 * them, hidden for a VM without local APICs on a host with them. */
static void test_leaf1_apic_is_the_vms(void)
{
	static const struct host_entry bare[] = { ANY(0, 1, 0, 0, 0), ANY(1, 0, 0, 0, 0) };
	struct fake_host h = { .e = bare, .n = ARRAY_SIZE(bare) };
	struct cpuid_regs r = view1(&h, 1, 0);
	EXPECT_EQ(r.ecx & (BIT(21) | BIT(24)), BIT(21) | BIT(24));
	EXPECT_TRUE(r.edx & BIT(9));
	env_lapic = false;
	h = big();
	r = view1(&h, 1, 0);
	env_lapic = true;
	EXPECT_EQ(r.ecx & (BIT(21) | BIT(24)), 0);
	EXPECT_EQ(r.edx & BIT(9), 0);
	/* the vCPU's APIC disabled in IA32_APIC_BASE: APIC (EDX 9) reads 0,
	 * the rest of the leaf as before */
	h = big();
	struct cpuid_regs on = view1(&h, 1, 0);
	env_apic_disabled = true;
	r = view1(&h, 1, 0);
	env_apic_disabled = false;
	EXPECT_EQ(r.edx, on.edx & ~BIT(9));
	EXPECT_EQ(r.ecx, on.ecx);
	EXPECT_TRUE(on.edx & BIT(9));
}

/* RDTSCP and RDPID need TSC_AUX to be the vCPU's own. */
static void test_tsc_aux_features(void)
{
	struct fake_host h = big();
	EXPECT_TRUE(view1(&h, 0x80000001, 0).edx & BIT(27));
	EXPECT_TRUE(view1(&h, 7, 0).ecx & BIT(22));
	env_tsc_aux = false;
	EXPECT_EQ(view1(&h, 0x80000001, 0).edx & BIT(27), 0);
	EXPECT_EQ(view1(&h, 7, 0).ecx & BIT(22), 0);
	env_tsc_aux = true;
}

/* PKU with the PKRU component; OSPKE is the guest's CR4.PKE, not the host's. */
static void test_pku_follows_guest_cr4(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view(&h, 0, 1, 0, 7, 0);
	EXPECT_TRUE(r.ecx & BIT(3));
	EXPECT_EQ(r.ecx & BIT(4), 0);
	r = view(&h, 0, 1, BIT(22), 7, 0);
	EXPECT_TRUE(r.ecx & BIT(4));
	h = sse_only();   /* no PKRU in XCR0: no PKU, even with CR4.PKE */
	r = view(&h, 0, 1, BIT(22), 7, 0);
	EXPECT_EQ(r.ecx & (BIT(3) | BIT(4)), 0);
}

static void test_leaf1_topology(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view(&h, 3, 4, 0, 1, 0);
	EXPECT_EQ(r.ebx >> 24, 3);                 /* APIC ID = vCPU number */
	EXPECT_EQ((r.ebx >> 16) & 0xff, 4);        /* logical processors */
	EXPECT_EQ(r.ebx & 0xffff, 0x0800);         /* CLFLUSH size, brand: the host's */
	EXPECT_TRUE(r.edx & BIT(28));              /* HTT: more than one */
	r = view(&h, 0, 1, 0, 1, 0);
	EXPECT_EQ(r.ebx >> 16, 1);
	EXPECT_EQ(r.edx & BIT(28), 0);
	r = view(&h, 300, 300, 0, 1, 0);           /* the fields are 8 bits wide */
	EXPECT_EQ(r.ebx >> 24, 300 & 0xff);
	EXPECT_EQ((r.ebx >> 16) & 0xff, 300 & 0xff);
}

static void test_leaf1_xsave_and_osxsave(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view1(&h, 1, 0);   /* host CR4.OSXSAVE is set: not the guest's */
	EXPECT_TRUE(r.ecx & BIT(26));
	EXPECT_EQ(r.ecx & BIT(27), 0);
	EXPECT_EQ(r.ecx & (BIT(12) | BIT(28) | BIT(29)), BIT(12) | BIT(28) | BIT(29));   /* FMA AVX F16C */
	r = view(&h, 0, 1, CR4_OSXSAVE | CR4_PAE, 1, 0);
	EXPECT_TRUE(r.ecx & BIT(26));
	EXPECT_TRUE(r.ecx & BIT(27));
}

static void test_leaf1_without_xsave(void)
{
	struct fake_host h = noxsave();
	struct cpuid_regs r = view(&h, 0, 1, CR4_OSXSAVE, 1, 0);
	EXPECT_EQ(r.ecx & (BIT(26) | BIT(27)), 0);
	EXPECT_EQ(r.ecx & (BIT(12) | BIT(28) | BIT(29)), 0);   /* no YMM state, no AVX */
	EXPECT_TRUE(r.ecx & BIT(30));
	/* XSAVE claimed but no leaf 0Dh: hidden too */
	static const struct host_entry short_max[] = { ANY(0, 0xc, 0, 0, 0), ANY(1, 0, 0, ALL, ALL) };
	h = host_of(short_max, ARRAY_SIZE(short_max), (struct cpuid_regs){ ALL, ALL, ALL, ALL });
	r = view(&h, 0, 1, CR4_OSXSAVE, 1, 0);
	EXPECT_EQ(r.ecx & (BIT(26) | BIT(27) | BIT(28)), 0);
}

static void test_leaf1_xsave_without_ymm(void)
{
	struct fake_host h = sse_only();
	struct cpuid_regs r = view(&h, 0, 1, CR4_OSXSAVE, 1, 0);
	EXPECT_EQ(r.ecx & (BIT(26) | BIT(27)), BIT(26) | BIT(27));
	EXPECT_EQ(r.ecx & (BIT(12) | BIT(28) | BIT(29)), 0);
}

/* ---- leaf 4, 0Bh, 1Fh ------------------------------------------------------- */

static void test_leaf4_counts_cleared(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view(&h, 1, 2, 0, 4, 0);
	EXPECT_EQ(r.eax, 0xfc004121 & 0x3fff);
	EXPECT_EQ(r.ebx, 0x01c0003f);
}

static void test_extended_topology(void)
{
	struct fake_host h = big();   /* max basic leaf 0x20: 0Bh and 1Fh exist */
	uint32_t leaves[] = { 0xb, 0x1f };
	for (unsigned k = 0; k < 2; k++) {
		struct cpuid_regs r = view(&h, 2, 3, 0, leaves[k], 0);
		EXPECT_EQ(r.eax, 0);
		EXPECT_EQ(r.ebx, 1);
		EXPECT_EQ(r.ecx, 0x100);   /* level 0, type SMT */
		EXPECT_EQ(r.edx, 2);       /* x2APIC ID */
		r = view(&h, 2, 3, 0, leaves[k], 1);
		EXPECT_EQ(r.eax, 2);       /* ceil(log2 3) */
		EXPECT_EQ(r.ebx, 3);
		EXPECT_EQ(r.ecx, 0x201);   /* level 1, type core */
		EXPECT_EQ(r.edx, 2);
		r = view(&h, 2, 3, 0, leaves[k], 2);
		EXPECT_EQ(r.eax, 0);
		EXPECT_EQ(r.ebx, 0);
		EXPECT_EQ(r.ecx, 2);       /* invalid level: only the level number */
		EXPECT_EQ(r.edx, 2);
	}
	struct cpuid_regs r = view(&h, 0, 8, 0, 0xb, 1);
	EXPECT_EQ(r.eax, 3);
	EXPECT_EQ(r.ebx, 8);
	r = view(&h, 0, 1, 0, 0xb, 1);
	EXPECT_EQ(r.eax, 0);
	EXPECT_EQ(r.ebx, 1);
	/* Rome's max basic leaf is 0x10: 1Fh is beyond it and left as the host answers */
	h = rome();
	r = view(&h, 1, 2, 0, 0x1f, 0);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = view(&h, 1, 2, 0, 0xb, 0);
	EXPECT_EQ(r.edx, 1);
}

/* ---- leaf 7 ---------------------------------------------------------------- */

static void test_leaf7_with_ymm(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view1(&h, 7, 0);
	uint32_t ebx_hidden = BIT(12) | BIT(15) | BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31);
	uint32_t ecx_hidden = BIT(1) | BIT(4) | BIT(6) | BIT(11) | BIT(12) | BIT(14);   /* OSPKE: CR4.PKE is 0 */
	uint32_t edx_hidden = BIT(2) | BIT(3) | BIT(8) | BIT(22) | BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(27) |
			      BIT(29) | BIT(31);
	EXPECT_EQ(r.ebx, ALL & ~ebx_hidden);   /* AVX2 (5) stays */
	EXPECT_EQ(r.ecx, ALL & ~ecx_hidden);   /* GFNI VAES VPCLMULQDQ (8-10) stay */
	EXPECT_EQ(r.edx, ALL & ~edx_hidden);
	EXPECT_EQ(r.eax, ALL);                 /* max sub-leaf */
	r = view1(&h, 7, 1);
	EXPECT_EQ(r.eax, ALL & ~(BIT(5) | BIT(21)));   /* AVX512_BF16, AMX-FP16 */
	EXPECT_EQ(r.edx, ALL & ~(BIT(8) | BIT(19)));   /* AMX-COMPLEX, AVX10 */
	r = view1(&h, 7, 2);
	EXPECT_EQ(r.edx, ALL);
}

static void test_leaf7_on_rome(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view1(&h, 7, 0);
	EXPECT_TRUE(r.ebx & BIT(5));              /* AVX2 */
	EXPECT_TRUE(r.ebx & BIT(0));              /* FSGSBASE: not filtered */
	EXPECT_TRUE(r.ebx & BIT(1));              /* TSC_ADJUST: the vCPU's own */
	/* UMIP kept; RDPID with TSC_AUX; PKU hidden: this host's XCR0 has no PKRU */
	EXPECT_EQ(r.ecx, BIT(2) | BIT(8) | BIT(9) | BIT(10) | BIT(22));
	EXPECT_EQ(r.edx, BIT(4));                 /* FSRM kept; speculation control hidden */
	r = view1(&h, 7, 1);
	EXPECT_EQ(r.eax, BIT(0) | BIT(4) | BIT(23));
	EXPECT_EQ(r.edx, BIT(4) | BIT(5));
}

static void test_leaf7_without_ymm(void)
{
	struct fake_host hosts[2] = { noxsave(), sse_only() };
	for (unsigned k = 0; k < 2; k++) {
		struct cpuid_regs r = view1(&hosts[k], 7, 0);
		EXPECT_EQ(r.ebx & BIT(5), 0);
		EXPECT_EQ(r.ecx & (BIT(8) | BIT(9) | BIT(10)), 0);
		EXPECT_TRUE(r.ebx & BIT(3));   /* BMI1: needs no XSAVE state */
		r = view1(&hosts[k], 7, 1);
		EXPECT_EQ(r.eax & (BIT(4) | BIT(5) | BIT(21) | BIT(23)), 0);
		EXPECT_EQ(r.edx & (BIT(4) | BIT(5) | BIT(8) | BIT(19)), 0);
	}
}

/* ---- leaf 0Dh -------------------------------------------------------------- */

static void test_leaf0d_on_rome(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view1(&h, 0xd, 0);
	EXPECT_EQ(r.eax, 7);        /* x87 SSE YMM */
	EXPECT_EQ(r.edx, 0);
	EXPECT_EQ(r.ecx, 832);      /* 576 + 256 */
	EXPECT_EQ(r.ebx, 576);      /* XCR0 = 1: legacy region and header */
	EXPECT_EQ(h.xcr0_asked, 1);
	h.xcr0 = 7;
	EXPECT_EQ(view1(&h, 0xd, 0).ebx, 832);
	h.xcr0 = 3;
	EXPECT_EQ(view1(&h, 0xd, 0).ebx, 576);
	r = view1(&h, 0xd, 1);
	EXPECT_EQ(r.eax, BIT(2));   /* XGETBV ECX=1; no XSAVEOPT, XSAVEC, XSAVES */
	EXPECT_EQ(r.ebx | r.ecx | r.edx, 0);
	r = view1(&h, 0xd, 2);
	EXPECT_EQ(r.eax, 256);
	EXPECT_EQ(r.ebx, 576);
	EXPECT_EQ(r.ecx | r.edx, 0);
	uint32_t none[] = { 3, 4, 5, 9, 62, 63, 64, 0xffffffffu };
	for (unsigned k = 0; k < ARRAY_SIZE(none); k++) {
		r = view1(&h, 0xd, none[k]);
		EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	EXPECT_EQ(h.xcr0_asked, 3);
}

static void test_leaf0d_hides_avx512_and_xss(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view1(&h, 0xd, 0);
	EXPECT_EQ(r.eax, 0x207);   /* x87 SSE YMM PKRU */
	EXPECT_EQ(r.edx, 0);
	EXPECT_EQ(r.ecx, 0xa88);   /* PKRU's 8 bytes at 0xa80 end the area */
	EXPECT_EQ(r.ebx, 576);
	/* Under QEMU TCG a guest could enable what the host has behind our
	 * back: EBX then tells the size that really needs. */
	h.xcr0 = 0x2e7;
	EXPECT_EQ(view1(&h, 0xd, 0).ebx, 0xa88);
	h.xcr0 = 0xe7;
	EXPECT_EQ(view1(&h, 0xd, 0).ebx, 0xa80);
	h.xcr0 = ~0ull;   /* bits the host does not have do not count */
	EXPECT_EQ(view1(&h, 0xd, 0).ebx, 0xa88);
	r = view1(&h, 0xd, 1);
	EXPECT_EQ(r.eax, BIT(2));
	EXPECT_EQ(r.ebx | r.ecx | r.edx, 0);
	EXPECT_EQ(view1(&h, 0xd, 2).ebx, 576);
	EXPECT_EQ(view1(&h, 0xd, 9).eax, 8);
	uint32_t none[] = { 5, 6, 7, 11, 63, 64 };
	for (unsigned k = 0; k < ARRAY_SIZE(none); k++) {
		r = view1(&h, 0xd, none[k]);
		EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

static void test_leaf0d_without_xsave(void)
{
	struct fake_host h = noxsave();
	for (uint32_t s = 0; s < 4; s++) {
		struct cpuid_regs r = view1(&h, 0xd, s);
		EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	EXPECT_EQ(h.xcr0_asked, 0);
}

static void test_leaf0d_sse_only(void)
{
	struct fake_host h = sse_only();
	struct cpuid_regs r = view1(&h, 0xd, 0);
	EXPECT_EQ(r.eax, 3);
	EXPECT_EQ(r.ecx, 576);
	EXPECT_EQ(r.ebx, 576);
	r = view1(&h, 0xd, 2);   /* the host has it, but XCR0 cannot enable it */
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	EXPECT_EQ(view1(&h, 0xd, 1).eax, BIT(2));
}

static void test_xcr0_mask(void)
{
	struct fake_host h = rome();
	EXPECT_EQ(cpuid_view_xcr0_mask(fake_cpuid, &h), 7);
	h = big();
	EXPECT_EQ(cpuid_view_xcr0_mask(fake_cpuid, &h), 0x207);
	h = noxsave();
	EXPECT_EQ(cpuid_view_xcr0_mask(fake_cpuid, &h), 0);
	h = sse_only();
	EXPECT_EQ(cpuid_view_xcr0_mask(fake_cpuid, &h), 3);
	/* a CPU claiming XSAVE without x87 or SSE in XCR0 is not believed */
	static const struct host_entry odd[] = { ANY(0, 0xd, 0, 0, 0), ANY(1, 0, 0, BIT(26), 0),
						 SUB(0xd, 0, 0x5, 0, 0, 0) };
	h = host_of(odd, ARRAY_SIZE(odd), (struct cpuid_regs){ 0, 0, 0, 0 });
	EXPECT_EQ(cpuid_view_xcr0_mask(fake_cpuid, &h), 0);
	EXPECT_EQ(view1(&h, 1, 0).ecx & BIT(26), 0);
}

/* ---- extended leaves -------------------------------------------------------- */

static void test_ext1(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view(&h, 0, 2, 0, 0x80000001, 0);
	EXPECT_EQ(r.ecx & (BIT(2) | BIT(15)), 0);   /* SVM, LWP */
	EXPECT_TRUE(r.ecx & BIT(1));                /* CmpLegacy: 2 cores */
	EXPECT_EQ(r.ecx & (BIT(11) | BIT(16)), BIT(11) | BIT(16));   /* XOP FMA4 with YMM */
	EXPECT_EQ(r.ecx & (BIT(23) | BIT(24) | BIT(28)), 0);   /* performance-counter extensions */
	EXPECT_EQ(r.ecx | BIT(1) | BIT(2) | BIT(15) | BIT(23) | BIT(24) | BIT(28) | EXT1_NEEDS_HELP,
		  0x75c237ff | BIT(11) | BIT(16) | BIT(15) | BIT(1) | BIT(23) | BIT(24) | BIT(28) | EXT1_NEEDS_HELP);
	EXPECT_TRUE(r.edx & BIT(27));               /* RDTSCP: TSC_AUX is the vCPU's */
	EXPECT_TRUE(r.edx & BIT(29));               /* LM */
	r = view(&h, 0, 1, 0, 0x80000001, 0);
	EXPECT_EQ(r.ecx & BIT(1), 0);
	h = noxsave();
	r = view1(&h, 0x80000001, 0);
	EXPECT_EQ(r.ecx, ALL & ~(BIT(1) | BIT(2) | BIT(11) | BIT(15) | BIT(16) | BIT(23) | BIT(24) | BIT(28) |
				 EXT1_NEEDS_HELP));
	EXPECT_EQ(r.edx, ALL);
	/* each bit that needs an MSR, instruction or APIC space the VM lacks */
	const unsigned needs_help[] = { 3, 9, 10, 12, 13, 17, 19, 26, 27, 29, 30 };
	for (unsigned i = 0; i < ARRAY_SIZE(needs_help); i++)
		EXPECT_EQ(r.ecx & BIT(needs_help[i]), 0);
}

/* Leaves whose features all need MSRs the VM does not have: power
 * management (but TSC invariance), APERF/MPERF, QoS, SME/SEV. */
static void test_power_qos_and_encryption_leaves(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view1(&h, 6, 0);
	EXPECT_EQ(r.ecx, ALL & ~BIT(0));          /* APERF/MPERF */
	EXPECT_EQ(r.eax, ALL);                    /* ARAT and the rest: the host's */
	r = view1(&h, 0x80000007, 0);
	EXPECT_EQ(r.eax | r.ebx | r.ecx, 0);
	EXPECT_EQ(r.edx, BIT(8));                 /* TscInvariant only */
	for (uint32_t sub = 0; sub < 3; sub++) {
		const uint32_t zero_leaves[] = { 0xf, 0x10, 0x8000001f, 0x80000020 };
		for (unsigned i = 0; i < ARRAY_SIZE(zero_leaves); i++) {
			r = view1(&h, zero_leaves[i], sub);
			EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
		}
	}
	r = view1(&h, 7, 0);
	EXPECT_EQ(r.ebx & (BIT(12) | BIT(15)), 0);   /* PQM PQE */
	h = rome();
	EXPECT_EQ(view1(&h, 0x80000007, 0).edx, 0);  /* a host without TscInvariant: none */
}

static void test_ext8(void)
{
	struct fake_host h = big();
	struct cpuid_regs r = view(&h, 0, 4, 0, 0x80000008, 0);
	uint32_t hidden = BIT(1) | BIT(3) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | BIT(24) |
			  BIT(25) | BIT(26);
	EXPECT_EQ(r.ebx, ALL & ~hidden);
	EXPECT_EQ(r.ecx, 3 | (2 << 12));   /* NC = 4 - 1, ApicIdSize 2 */
	EXPECT_EQ(r.eax, ALL);
	EXPECT_EQ(view(&h, 2, 3, 0, 0x80000008, 0).ecx, 2 | (2 << 12));
	EXPECT_EQ(view(&h, 0, 1, 0, 0x80000008, 0).ecx, 0);
	EXPECT_EQ(view(&h, 0, 5, 0, 0x80000008, 0).ecx, 4 | (3 << 12));
}

static void test_ext1d_cache_sharing(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view(&h, 1, 4, 0, 0x8000001d, 0);   /* L1d */
	EXPECT_EQ(r.eax, 0x00000121);
	EXPECT_EQ(r.ebx, 0x01c0003f);
	r = view(&h, 1, 4, 0, 0x8000001d, 1);                      /* L2 */
	EXPECT_EQ(r.eax, 0x00000143);
	r = view(&h, 1, 4, 0, 0x8000001d, 3);                      /* L3: all 4 */
	EXPECT_EQ(r.eax, 0x00000163 | (3 << 14));
	EXPECT_EQ(r.edx, 1);
	r = view(&h, 0, 1, 0, 0x8000001d, 3);
	EXPECT_EQ(r.eax, 0x00000163);
	r = view(&h, 1, 4, 0, 0x8000001d, 4);                      /* no more caches */
	EXPECT_EQ(r.eax, 0);
}

static void test_ext1e_ext21_ext0a(void)
{
	struct fake_host h = rome();
	struct cpuid_regs r = view(&h, 3, 4, 0, 0x8000001e, 0);
	EXPECT_EQ(r.eax, 3);
	EXPECT_EQ(r.ebx, 3);
	EXPECT_EQ(r.ecx, 0);
	EXPECT_EQ(r.edx, 0);
	r = view1(&h, 0x80000021, 0);
	EXPECT_EQ(r.eax, 0x45);   /* Automatic IBRS hidden */
	r = view1(&h, 0x8000000a, 0);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* ---- the exit handler's shortcut: leaves answered as the host's ------------- */

static bool regs_equal(struct cpuid_regs a, struct cpuid_regs b)
{
	return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static void test_host_leaves_are_the_hosts(void)
{
	struct fake_host hosts[] = { rome(), big(), noxsave(), sse_only() };
	const uint32_t subleaves[] = { 0, 1, 2, 3, 5, 0xffffffffu };
	const struct { uint32_t id, n; uint64_t cr4; } vcpus[] = { { 0, 1, 0 }, { 3, 4, CR4_OSXSAVE }, { 7, 9, 0 } };
	const uint32_t bases[] = { 0, 0x80000000u };

	for (unsigned b = 0; b < 2; b++) {
		for (uint32_t k = 0; k < 64; k++) {
			uint32_t leaf = bases[b] + k;
			bool differs = false;
			for (unsigned h = 0; h < ARRAY_SIZE(hosts); h++)
				for (unsigned c = 0; c < ARRAY_SIZE(vcpus); c++)
					for (unsigned s = 0; s < ARRAY_SIZE(subleaves); s++) {
						hosts[h].xcr0 = 7;
						struct cpuid_regs g = view(&hosts[h], vcpus[c].id, vcpus[c].n, vcpus[c].cr4,
									   leaf, subleaves[s]);
						differs |= !regs_equal(g, fake_cpuid(&hosts[h], leaf, subleaves[s]));
					}
			if (cpuid_view_is_host_leaf(leaf) == differs)
				printf("  leaf 0x%x: is_host %d, view differs %d\n", leaf, cpuid_view_is_host_leaf(leaf),
				       differs);
			EXPECT_TRUE(cpuid_view_is_host_leaf(leaf) != differs);
		}
	}
	EXPECT_TRUE(!cpuid_view_is_host_leaf(0x40000000));
	EXPECT_TRUE(!cpuid_view_is_host_leaf(0x40000001));
	EXPECT_TRUE(!cpuid_view_is_host_leaf(0x40));
	EXPECT_TRUE(!cpuid_view_is_host_leaf(0x80000040));
	EXPECT_TRUE(!cpuid_view_is_host_leaf(0xffffffff));
}

/* ---- XSETBV's rules (arch/x86/xsave.c) --------------------------------------- */

static void test_xcr0_valid(void)
{
	const uint64_t rome_mask = 7, big_mask = 0x2e7;
	EXPECT_TRUE(xcr0_valid(rome_mask, 1));
	EXPECT_TRUE(xcr0_valid(rome_mask, 3));
	EXPECT_TRUE(xcr0_valid(rome_mask, 7));
	EXPECT_TRUE(!xcr0_valid(rome_mask, 0));          /* x87 must stay */
	EXPECT_TRUE(!xcr0_valid(rome_mask, 2));
	EXPECT_TRUE(!xcr0_valid(rome_mask, 6));
	EXPECT_TRUE(!xcr0_valid(rome_mask, 5));          /* YMM without SSE */
	EXPECT_TRUE(!xcr0_valid(rome_mask, 0xf));        /* not supported */
	EXPECT_TRUE(!xcr0_valid(rome_mask, 0xe7));
	EXPECT_TRUE(!xcr0_valid(rome_mask, BIT(63) | 1));
	EXPECT_TRUE(!xcr0_valid(rome_mask, BIT(32) | 1));
	EXPECT_TRUE(!xcr0_valid(3, 7));
	EXPECT_TRUE(xcr0_valid(big_mask, 0xe7));
	EXPECT_TRUE(xcr0_valid(big_mask, 0x2e7));
	EXPECT_TRUE(xcr0_valid(big_mask, 0x203));        /* PKRU on its own */
	EXPECT_TRUE(!xcr0_valid(big_mask, 0x27));        /* AVX-512: all three or none */
	EXPECT_TRUE(!xcr0_valid(big_mask, 0x67));
	EXPECT_TRUE(!xcr0_valid(big_mask, 0xc7));
	EXPECT_TRUE(!xcr0_valid(big_mask, 0xe3));        /* ... and only with YMM */
	EXPECT_TRUE(!xcr0_valid(big_mask, 0xe5));
	EXPECT_TRUE(!xcr0_valid(0, 1));
}

int main(void)
{
	RUN(test_hypervisor_leaves);
	RUN(test_unfiltered_leaves_pass_through);
	RUN(test_leaf1_hidden_and_hypervisor_bits);
	RUN(test_leaf1_apic_is_the_vms);
	RUN(test_tsc_aux_features);
	RUN(test_pku_follows_guest_cr4);
	RUN(test_leaf1_topology);
	RUN(test_leaf1_xsave_and_osxsave);
	RUN(test_leaf1_without_xsave);
	RUN(test_leaf1_xsave_without_ymm);
	RUN(test_leaf4_counts_cleared);
	RUN(test_power_qos_and_encryption_leaves);
	RUN(test_extended_topology);
	RUN(test_leaf7_with_ymm);
	RUN(test_leaf7_on_rome);
	RUN(test_leaf7_without_ymm);
	RUN(test_leaf0d_on_rome);
	RUN(test_leaf0d_hides_avx512_and_xss);
	RUN(test_leaf0d_without_xsave);
	RUN(test_leaf0d_sse_only);
	RUN(test_xcr0_mask);
	RUN(test_ext1);
	RUN(test_ext8);
	RUN(test_ext1d_cache_sharing);
	RUN(test_ext1e_ext21_ext0a);
	RUN(test_host_leaves_are_the_hosts);
	RUN(test_xcr0_valid);
	TEST_MAIN_END();
}

/* arch/x86/fpu.c - The vCPU's FPU/SSE/AVX... registers and XCR0, switched
 * with XSAVE/XRSTOR (AMD APM Vol. 2, 11.5 "XSAVE/XRSTOR Instructions"), or
 * FXSAVE/FXRSTOR on a CPU without XSAVE (APM Vol. 5); plus the other state
 * a guest leaves in the core (DR0-3, TSC_AUX, PKRU, branch predictors).
 *
 * A switch saves and restores every component the host's XCR0 can hold,
 * whatever the guest enabled: XSAVE and XRSTOR act on XCR0 & RFBM, so XCR0
 * is raised to the full mask around them and then set to the incoming
 * vCPU's value. That covers components the guest cannot reach today
 * (AVX-512, PKRU: hidden in CPUID) as well: nothing survives a switch by
 * being left out of the mask. A vCPU with no saved state gets an area whose
 * header says "all components in init state" (XSTATE_BV = 0), so XRSTOR
 * puts the architectural reset values in (APM Vol. 2, 11.5; XRSTOR in
 * Vol. 4).
 *
 *   leaving vCPU:   xcr0 = XGETBV(0); XSETBV(full); XSAVE64(area, full)
 *   incoming vCPU:  XSETBV(full); FNINIT; XRSTOR64(area, full); XSETBV(its xcr0)
 */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/xsave.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/phys.h"

#define CPUID1_ECX_XSAVE      BIT(26)
#define CPUID7_ECX_PKU        BIT(3)
#define CPUID7_ECX_RDPID      BIT(22)
#define CPUID_EXT1_EDX_RDTSCP BIT(27)
#define CPUID_EXT8_EBX_IBPB   BIT(12)
#define PRED_CMD_IBPB  BIT(0)

static const struct fxsave_area clean_state = { .fcw = FCW_RESET, .mxcsr = MXCSR_RESET };

/* Every XCR0 component this machine has (CPUID 0Dh sub-leaf 0 EDX:EAX),
 * 0 without XSAVE; and the size of a standard-format area for all of them
 * (ECX). The same on every CPU: fpu_init finds the same values each time. */
static uint64_t xsave_mask;
static uint32_t xsave_size;

static inline uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* The 64-bit forms: FIP/FDP of the x87 state are 64-bit addresses. */
static inline void xsave64(void *area, uint64_t rfbm)
{
	__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)) : "memory");
}

static inline void xrstor64(const void *area, uint64_t rfbm)
{
	__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)) : "memory");
}

void fpu_init(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (cpuid(0, 0).eax < 0xd || !(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE))
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	struct cpuid_regs d = cpuid(0xd, 0);
	xsave_mask = ((uint64_t)d.edx << 32) | d.eax;
	xsave_size = d.ecx;
	BUG_ON(!(xsave_mask & XCR0_X87) || xsave_size < XSAVE_EXT_OFFSET);
	/* Firmware may have left more enabled; the state itself is replaced
	 * by the first vCPU's load, which restores every component. */
	xsetbv0(XCR0_RESET);
}

size_t fpu_xsave_size(void)
{
	return xsave_mask ? xsave_size : 0;
}

static uint64_t area_frames(void)
{
	return ALIGN_UP(xsave_size, PAGE_SIZE) / PAGE_SIZE;
}

void *fpu_xsave_area_alloc(void)
{
	hpa_t pa;

	if (!xsave_mask || !mm_alloc_frames(area_frames(), 1, &pa))
		return NULL;
	void *area = phys_to_virt(pa);   /* page-aligned, so 64-byte aligned */
	memset(area, 0, area_frames() * PAGE_SIZE);
	return area;
}

void fpu_xsave_area_free(void *area)
{
	if (area)
		mm_free_frames(virt_to_phys(area), area_frames());
}

uint64_t fpu_read_xcr0(void)
{
	return xsave_mask ? xgetbv0() : XCR0_RESET;
}

void fpu_write_xcr0(uint64_t xcr0)
{
	BUG_ON(!xsave_mask);
	xsetbv0(xcr0);
}

static void clear_debug_registers(void)
{
	uint64_t zero = 0, dr6 = DR6_RESET, dr7 = DR7_RESET;
	__asm__ volatile("mov %0, %%dr0; mov %0, %%dr1; mov %0, %%dr2; mov %0, %%dr3;"
			 "mov %1, %%dr6; mov %2, %%dr7" : : "r"(zero), "r"(dr6), "r"(dr7));
}

static void clear_pkru(void)
{
	/* WRPKRU needs CR4.PKE in the host; a guest may have set PKRU with
	 * its own CR4.PKE, and PKRU is not part of what VMRUN switches. */
	uint64_t cr4 = read_cr4();
	write_cr4(cr4 | CR4_PKE);
	__asm__ volatile(".byte 0x0f, 0x01, 0xef" : : "a"(0), "c"(0), "d"(0));   /* wrpkru */
	write_cr4(cr4);
}

/* Before a vCPU gets the core: the state outside the XSAVE/FXSAVE image
 * clean, and the predictors no longer trained by the last one. */
static void scrub_for_next_vcpu(void)
{
	clear_debug_registers();
	if (fpu_has_tsc_aux())
		wrmsr(MSR_TSC_AUX, 0);
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ecx & CPUID7_ECX_PKU))
		clear_pkru();
	/* The next VM must not steer branches the last one trained. */
	if (cpuid(0x80000000, 0).eax >= 0x80000008 && (cpuid(0x80000008, 0).ebx & CPUID_EXT8_EBX_IBPB))
		wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
}

/* An area XRSTOR turns into reset values: XSTATE_BV = 0 puts every
 * component in its init state (x87: FCW 0x37f, empty stack; registers
 * zero), except MXCSR, which the standard form loads from the legacy
 * region whenever SSE or YMM is requested (XRSTOR, APM Vol. 4). XCOMP_BV
 * and the reserved header bytes must be zero, or XRSTOR raises #GP. */
static void xsave_area_reset(struct fpu_context *c)
{
	uint8_t *a = c->xsave;

	memset(a, 0, XSAVE_EXT_OFFSET);
	*(uint16_t *)(a + XSAVE_FCW_OFFSET) = FCW_RESET;
	*(uint32_t *)(a + XSAVE_MXCSR_OFFSET) = MXCSR_RESET;
	c->xcr0 = XCR0_RESET;
}

void fpu_context_save(struct fpu_context *c)
{
	if (xsave_mask) {
		BUG_ON(!c->xsave);
		c->xcr0 = xgetbv0();
		if (c->xcr0 != xsave_mask)
			xsetbv0(xsave_mask);
		xsave64(c->xsave, xsave_mask);
	} else {
		__asm__ volatile("fxsave64 %0" : "=m"(c->fx) : : "memory");   /* 64-bit FIP/FDP */
	}
	__asm__ volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
			 : "=r"(c->dr[0]), "=r"(c->dr[1]), "=r"(c->dr[2]), "=r"(c->dr[3]));
	c->valid = true;
}

void fpu_context_load(struct fpu_context *c)
{
	scrub_for_next_vcpu();
	if (xsave_mask) {
		BUG_ON(!c->xsave);
		if (!c->valid)
			xsave_area_reset(c);
		xsetbv0(xsave_mask);
		/* AMD CPUs without XSaveErPtr (CPUID 8000_0008h EBX[2]) save and
		 * restore the x87 FIP/FDP/FOP only while an exception is pending:
		 * clear them, or the restore would leave the last vCPU's there. */
		__asm__ volatile("fninit" ::: "memory");
		xrstor64(c->xsave, xsave_mask);
		xsetbv0(c->xcr0);
	} else {
		const struct fxsave_area *fx = c->valid ? &c->fx : &clean_state;
		__asm__ volatile("fninit; fxrstor64 %0" : : "m"(*fx) : "memory");   /* FNINIT: as above */
	}
	if (!c->valid) {
		c->tsc_aux = 0;
		return;
	}
	__asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
			 : : "r"(c->dr[0]), "r"(c->dr[1]), "r"(c->dr[2]), "r"(c->dr[3]));
	if (c->tsc_aux && fpu_has_tsc_aux())
		wrmsr(MSR_TSC_AUX, c->tsc_aux);
}

bool fpu_has_tsc_aux(void)
{
	/* Asked on every vCPU switch and CPUID exit: CPUID once. Every CPU
	 * of the machine answers the same. */
	static int has = -1;

	if (has < 0)
		has = (cpuid(0x80000001, 0).edx & CPUID_EXT1_EDX_RDTSCP) ||
		      (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ecx & CPUID7_ECX_RDPID));
	return has;
}

void fpu_set_tsc_aux(struct fpu_context *c, uint32_t val)
{
	c->tsc_aux = val;
	wrmsr(MSR_TSC_AUX, val);
}

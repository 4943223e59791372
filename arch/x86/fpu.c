/* arch/x86/fpu.c - Clean FPU/SSE state for each VM (FXSAVE format: AMD APM
 * Vol. 5, "FXSAVE and FXRSTOR Instructions"; XCR0 stays at its reset value,
 * x87 only, since XSETBV is refused to guests, so FXRSTOR covers all state a
 * guest can reach). */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"

#define CPUID1_ECX_XSAVE      BIT(26)
#define CPUID7_ECX_PKU        BIT(3)
#define CPUID_EXT1_EDX_RDTSCP BIT(27)
#define CPUID_EXT8_EBX_IBPB   BIT(12)
#define PRED_CMD_IBPB  BIT(0)


static const struct fxsave_area clean_state = { .fcw = 0x037f, .mxcsr = 0x1f80 };

void fpu_init(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* Firmware may have left AVX state enabled in XCR0; then YMM/ZMM upper
	 * halves would survive FXRSTOR. Pin XCR0 to x87 only. */
	if (cpuid(1, 0).ecx & CPUID1_ECX_XSAVE) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		__asm__ volatile("xsetbv" : : "c"(0), "a"(XCR0_X87), "d"(0));
	}
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

void cpu_scrub_for_next_vm(void)
{
	__asm__ volatile("fninit; fxrstor %0" : : "m"(clean_state) : "memory");
	clear_debug_registers();
	if (cpuid(0x80000001, 0).edx & CPUID_EXT1_EDX_RDTSCP)
		wrmsr(MSR_TSC_AUX, 0);
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ecx & CPUID7_ECX_PKU))
		clear_pkru();
	/* The next VM must not steer branches the last one trained. */
	if (cpuid(0x80000000, 0).eax >= 0x80000008 && (cpuid(0x80000008, 0).ebx & CPUID_EXT8_EBX_IBPB))
		wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
}

void fpu_context_save(struct fpu_context *c)
{
	__asm__ volatile("fxsave64 %0" : "=m"(c->fx) : : "memory");   /* 64-bit FIP/FDP */
	__asm__ volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
			 : "=r"(c->dr[0]), "=r"(c->dr[1]), "=r"(c->dr[2]), "=r"(c->dr[3]));
	c->valid = true;
}

void fpu_context_load(const struct fpu_context *c)
{
	cpu_scrub_for_next_vm();
	if (!c->valid)
		return;
	__asm__ volatile("fxrstor64 %0" : : "m"(c->fx) : "memory");
	__asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
			 : : "r"(c->dr[0]), "r"(c->dr[1]), "r"(c->dr[2]), "r"(c->dr[3]));
}

/* arch/x86/fpu.c - Clean FPU/SSE state for each VM (FXSAVE format: AMD APM
 * Vol. 5, "FXSAVE and FXRSTOR Instructions"; XCR0 stays at its reset value,
 * x87 only, since XSETBV is refused to guests, so FXRSTOR covers all state a
 * guest can reach). */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"

#define CR4_OSFXSR     BIT(9)
#define CR4_OSXMMEXCPT BIT(10)

struct fxsave_area {
	uint16_t fcw, fsw;
	uint8_t ftw, rsvd0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t regs[512 - 32];   /* ST0-7 / MM0-7, XMM0-15, reserved */
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct fxsave_area) == 512, "FXSAVE area is 512 bytes");
_Static_assert(__builtin_offsetof(struct fxsave_area, mxcsr) == 24, "MXCSR at 24");

static const struct fxsave_area clean_state = { .fcw = 0x037f, .mxcsr = 0x1f80 };

void fpu_init(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_load_clean_state(void)
{
	__asm__ volatile("fninit; fxrstor %0" : : "m"(clean_state) : "memory");
}

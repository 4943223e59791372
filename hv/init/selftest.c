/* hv/init/selftest.c - Deliberately broken code paths for selftest=. */
#define LOG_PREFIX "selftest: "
#include "hv/init/selftest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "mm/phys.h"

/* An address no mapping covers, so CR2 in the dump is recognisable. */
#define UNMAPPED_ADDRESS 0x00000000deadbeefull

/* Far deeper than any stack: the guard page is hit long before. */
static volatile uint64_t recursion_limit = 1ull << 40;

/* Recursion with a frame the compiler cannot drop, until the guard page. */
static __attribute__((noinline)) uint64_t recurse_forever(volatile uint64_t depth)
{
	volatile uint8_t frame[512];
	frame[0] = (uint8_t)depth;
	if (depth >= recursion_limit)
		return 0;
	return recurse_forever(depth + 1) + frame[0];
}

/* A RET instruction in .data: W^X means it must not run. */
static uint8_t data_ret_insn[16] = { 0xc3 };

void selftest_run(enum selftest which)
{
	switch (which) {
	case SELFTEST_NONE:
		return;
	case SELFTEST_PAGEFAULT:
		pr_info("reading unmapped address 0x%llx", UNMAPPED_ADDRESS);
		(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_ADDRESS;
		break;
	case SELFTEST_STACKOVERFLOW:
		pr_info("overflowing the boot stack into its guard page");
		(void)recurse_forever(0);
		break;
	case SELFTEST_UD:
		pr_info("executing ud2");
		__asm__ volatile("ud2");
		break;
	case SELFTEST_WRITE_TEXT:
		pr_info("writing to the hypervisor's own code at %p", (void *)selftest_run);
		*(volatile uint8_t *)(uintptr_t)selftest_run = 0xcc;
		break;
	case SELFTEST_WRITE_TEXT_DIRECT: {
		/* The same code page through its other mapping, the direct map. */
		volatile uint8_t *alias = phys_to_virt(virt_to_phys((const void *)(uintptr_t)selftest_run));
		pr_info("writing to the hypervisor's own code through the direct map at %p", (void *)alias);
		*alias = 0xcc;
		break;
	}
	case SELFTEST_EXEC_DATA:
		pr_info("calling into .data at %p", (void *)data_ret_insn);
		((void (*)(void))(uintptr_t)data_ret_insn)();
		break;
	case SELFTEST_PANIC:
		hv_panic("selftest=panic requested on the command line");
	}
	hv_panic("selftest %d returned", (int)which);
}

/* tests/guests/mb/lib/tksmp.c - INIT-SIPI-SIPI (tksmp.h). */
#include "tksmp.h"
#include "tkdev.h"

extern const uint8_t tk_ap_trampoline[], tk_ap_trampoline_end[];
extern const uint32_t tk_ap_stack_slot[], tk_ap_entry_slot[];

#define SLOT(sym) ((volatile uint32_t *)phys(TK_AP_TRAMPOLINE + (uint32_t)((const uint8_t *)(sym) - tk_ap_trampoline)))

_Static_assert((TK_AP_TRAMPOLINE & 0xfff) == 0 && TK_AP_TRAMPOLINE < 0x100000, "a page below 1 MiB");

bool tk_ap_start(unsigned apic_id, void (*entry)(void), void *stack_top, volatile uint32_t *started,
		 uint32_t max_us)
{
	memcpy((void *)phys(TK_AP_TRAMPOLINE), tk_ap_trampoline, (size_t)(tk_ap_trampoline_end - tk_ap_trampoline));
	*SLOT(tk_ap_stack_slot) = (uint32_t)(uintptr_t)stack_top;
	*SLOT(tk_ap_entry_slot) = (uint32_t)(uintptr_t)entry;
	tk_lapic_ipi(apic_id, ICR_INIT);
	tk_delay_us(10000);
	for (int i = 0; i < 2 && !*started; i++) {
		tk_lapic_ipi(apic_id, ICR_STARTUP | (TK_AP_TRAMPOLINE >> 12));
		tk_delay_us(200);
	}
	for (uint32_t waited = 0; !*started && waited < max_us; waited += 1000)
		tk_delay_us(1000);
	return *started != 0;
}

void tk_ap_setup(void)
{
	tk_idt_load();
	tk_lapic_enable();
}

/* tests/guests/mb/lapic_ioapic_smp.c - The local APIC, the I/O APIC and
 * every vCPU, as an SMP OS brings them up from ACPI alone (Intel SDM Vol.
 * 3, ch. 10; 82093AA datasheet; ACPI 6.5 MADT):
 *   - the BSP's LAPIC (xAPIC page): ID, version, SVR;
 *   - its timer in one-shot mode, its rate measured against the PIT (the
 *     bus clock), one interrupt and then none, the current count 0; in
 *     periodic mode, its rate against the PIT;
 *   - the I/O APIC: version, then the PIT's IRQ 0 routed at the GSI the
 *     MADT's interrupt source override names (2) to a vector, and the
 *     UART's THR-empty interrupt (ISA IRQ 4, its own GSI) to another; the
 *     PIT's pin in ExtINT mode with the 8259s quiet, which delivers the
 *     master 8259's spurious IRQ 7;
 *   - every application processor the MADT lists started by INIT-SIPI-SIPI
 *     with a real-mode trampoline below 1 MiB (lib/tksmp.h), one after the
 *     other, each printing its APIC ID; the count checked against fw_cfg;
 *   - a fixed-IPI ping-pong between the BSP and each AP;
 *   - a lowest-priority IPI to all with the BSP's TPR raised: QEMU's
 *     choice of target (the first APIC), not the SDM's arbitration.
 * The 8259s stay masked throughout. Rates are "~/REGEX/" lines with a
 * tolerance. Run with 1 and 4 vCPUs. Exit code (port 0xF4): the number of
 * failed checks. */
#include "tkacpi.h"
#include "tkdev.h"
#include "tksmp.h"

#define VEC_TIMER_ONESHOT  0x30
#define VEC_TIMER_PERIODIC 0x31
#define VEC_PIT            0x40
#define VEC_UART           0x41
#define VEC_SPURIOUS_IRQ7  (TK_PIC_BASE1 + 7)
#define RTE_EXTINT         0x700u        /* delivery mode 7 */
#define VEC_PING           0x50
#define VEC_PONG           0x51
#define VEC_LOWEST         0x52          /* class 5 */
#define ICR_LOWEST         0x00004100u   /* lowest priority, assert */
#define TPR_ABOVE_LOWEST   0x60
#define NOBODY             0xffffffffu
#define BUS_TICKS_PER_MS_DIV16 62500u     /* a 1 GHz APIC bus, divided by 16 */
#define COM1_IER   (COM1 + 1)
#define COM1_IIR   (COM1 + 2)
#define IER_THRE   0x02
#define PIT_CH0_MODE2 0x34
#define FW_CFG_NB_CPUS 0x0005
#define PING_ROUNDS 8
#define AP_STACK_BYTES 4096
#define WAIT_US 500000u

static volatile uint32_t timer_count, pit_count, uart_count, pong_count, spurious_count;
static volatile uint32_t ping_count[TK_MADT_MAX_CPUS];
static volatile uint32_t ap_started, aps_done;
static volatile uint32_t lowest_count, lowest_taker = NOBODY;

static void on_lapic_timer(struct tk_trap_frame *f)
{
	(void)f;
	timer_count = timer_count + 1;
	lapic_eoi();
}

static void on_pit(struct tk_trap_frame *f)
{
	(void)f;
	pit_count = pit_count + 1;
	lapic_eoi();
}

static void on_spurious_irq7(struct tk_trap_frame *f)
{
	(void)f;
	spurious_count = spurious_count + 1;
	lapic_eoi();                    /* it came through the LAPIC as a fixed vector */
}

static void on_uart(struct tk_trap_frame *f)
{
	(void)f;
	(void)inb(COM1_IIR);            /* reports THR empty: acknowledged */
	outb(COM1_IER, 0);
	uart_count = uart_count + 1;
	lapic_eoi();
}

/* On an AP: a ping from the BSP, answered with a pong. */
static void on_ping(struct tk_trap_frame *f)
{
	(void)f;
	unsigned id = lapic_id();
	if (id < TK_MADT_MAX_CPUS)
		ping_count[id] = ping_count[id] + 1;
	lapic_eoi();
	tk_lapic_ipi(0, ICR_FIXED | VEC_PONG);
}

static void on_lowest(struct tk_trap_frame *f)
{
	(void)f;
	lowest_taker = lapic_id();
	lowest_count = lowest_count + 1;
	lapic_eoi();
}

static void on_pong(struct tk_trap_frame *f)
{
	(void)f;
	pong_count = pong_count + 1;
	lapic_eoi();
}

/* ---- the BSP's LAPIC and its timer ------------------------------------------------ */

static void lapic_basics(void)
{
	tk_lapic_enable();
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);    /* the 8259s are not used */
	tk_printf("lapic: id %u version 0x%08x svr 0x%03x\n", lapic_id(), lapic_read(LAPIC_VERSION),
		  lapic_read(LAPIC_SVR));
}

static void timer_one_shot(void)
{
	const uint32_t init = 100 * BUS_TICKS_PER_MS_DIV16;    /* 100 ms */

	tk_set_vector(VEC_TIMER_ONESHOT, on_lapic_timer);
	timer_count = 0;
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER_ONESHOT);
	lapic_write(LAPIC_TIMER_INIT, init);
	/* The fewest ticks of three 25 ms windows: a vCPU held off its host
	 * CPU at a window's end (4 vCPUs on a 2-core host) only adds ticks. */
	uint32_t ticks = 0xffffffffu;
	for (int i = 0; i < 3; i++) {
		uint32_t c0 = lapic_read(LAPIC_TIMER_CUR);
		tk_delay_us(25000);
		uint32_t c1 = lapic_read(LAPIC_TIMER_CUR);
		ticks = c0 - c1 < ticks ? c0 - c1 : ticks;
	}
	uint32_t mhz = ticks * 16 / 25000;                     /* ticks in 25 ms: bus MHz */
	tk_vary_match("bus (9[0-9][0-9]|10[0-9][0-9]) MHz",
		      "timer one-shot: %u ticks in 25 ms of PIT time at /16 (the least of 3): bus %u MHz", ticks, mhz);
	tk_check(tk_wait_count(&timer_count, 1, WAIT_US), "timer one-shot: interrupt at vector 0x%02x",
		 VEC_TIMER_ONESHOT);
	tk_wait_count(&timer_count, 2, 30000);
	tk_check(timer_count == 1, "timer one-shot: one interrupt only");
	tk_check(lapic_read(LAPIC_TIMER_CUR) == 0, "timer one-shot: current count 0 after it fired");
	tk_printf("timer: lvt 0x%05x divide 0x%x initial %u\n", lapic_read(LAPIC_LVT_TIMER),
		  lapic_read(LAPIC_TIMER_DIV), lapic_read(LAPIC_TIMER_INIT));
}

static void timer_periodic(void)
{
	const uint32_t init = 5 * BUS_TICKS_PER_MS_DIV16;      /* 5 ms: 200 Hz */
	bool below = true;

	tk_set_vector(VEC_TIMER_PERIODIC, on_lapic_timer);
	timer_count = 0;
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER_PERIODIC | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, init);
	tk_check(tk_wait_count(&timer_count, 1, WAIT_US), "timer periodic: interrupt at vector 0x%02x",
		 VEC_TIMER_PERIODIC);
	uint32_t first = timer_count;
	tk_wait_count(&timer_count, 0xffffffffu, 100000);     /* 100 ms of PIT time */
	uint32_t n = timer_count - first;
	for (int i = 0; i < 16; i++)
		below &= lapic_read(LAPIC_TIMER_CUR) <= init;
	lapic_write(LAPIC_TIMER_INIT, 0);                      /* stops it */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	tk_check(below, "timer periodic: the current count stays within its initial count");
	/* 200 Hz; a loaded host lets ticks coalesce in IRR (QEMU's too), so
	 * the window is wide (a divider ignored is 16x off). */
	tk_vary_match("rate (1[0-9][0-9]|2[0-4][0-9]) Hz", "timer periodic: %u interrupts in 100 ms: rate %u Hz", n,
		      n * 10);
	/* An expiry just before the stop may still be in IRR: taken first. */
	tk_wait_count(&timer_count, 0xffffffffu, 2000);
	timer_count = 0;
	tk_wait_count(&timer_count, 1, 20000);
	tk_check(timer_count == 0, "timer periodic: no interrupt after initial count 0");
	tk_check(lapic_read(LAPIC_TIMER_CUR) == 0, "timer periodic: current count 0 once stopped");
}

/* ---- the I/O APIC -------------------------------------------------------------------- */

static void ioapic(uint32_t madt)
{
	uint32_t pit_gsi = tk_madt_isa_gsi(madt, 0), uart_gsi = tk_madt_isa_gsi(madt, 4);

	tk_printf("ioapic: version 0x%08x\n", tk_ioapic_read(1));
	tk_printf("ioapic: isa irq 0 is gsi %u, irq 4 gsi %u (madt)\n", pit_gsi, uart_gsi);

	tk_set_vector(VEC_PIT, on_pit);
	pit_count = 0;
	tk_ioapic_route(pit_gsi, VEC_PIT, lapic_id());          /* fixed, physical, edge, high */
	tk_printf("ioapic: pin %u 0x%08x%08x\n", pit_gsi, tk_ioapic_read((uint8_t)(0x11 + 2 * pit_gsi)),
		  tk_ioapic_read((uint8_t)(0x10 + 2 * pit_gsi)));
	outb(PIT_CMD, PIT_CH0_MODE2);
	outb(PIT_CH0, (uint8_t)11932);                          /* 100 Hz */
	outb(PIT_CH0, (uint8_t)(11932 >> 8));
	tk_check(tk_wait_count(&pit_count, 5, WAIT_US), "ioapic: pit irq 0 through gsi %u at vector 0x%02x", pit_gsi,
		 VEC_PIT);
	tk_ioapic_write((uint8_t)(0x10 + 2 * pit_gsi), LVT_MASKED);

	/* ExtINT: the pin's vector is the 8259s' INTA answer (82093AA
	 * datasheet; QEMU's ioapic_entry_parse reads pic_read_irq). IRQ 0 is
	 * masked at the 8259, so the INTA finds no request and answers the
	 * master's spurious IRQ 7, base + 7, setting no ISR bit. */
	tk_pic_init(0);
	tk_pic_mask(0xffff);
	tk_set_vector(VEC_SPURIOUS_IRQ7, on_spurious_irq7);
	spurious_count = 0;
	tk_ioapic_route(pit_gsi, RTE_EXTINT, lapic_id());
	tk_check(tk_wait_count(&spurious_count, 3, WAIT_US),
		 "ioapic: the pit's pin in ExtINT mode, 8259 masked: spurious IRQ 7 at vector 0x%02x", VEC_SPURIOUS_IRQ7);
	tk_ioapic_write((uint8_t)(0x10 + 2 * pit_gsi), LVT_MASKED);
	tk_printf("ioapic: after the spurious IRQ 7s the 8259's ISR 0x%02x\n", tk_pic_isr(PIC1));

	tk_set_vector(VEC_UART, on_uart);
	uart_count = 0;
	tk_ioapic_route(uart_gsi, VEC_UART, lapic_id());
	outb(COM1_IER, IER_THRE);
	tk_check(tk_wait_count(&uart_count, 1, WAIT_US),
		 "ioapic: uart thr-empty irq 4 through gsi %u at vector 0x%02x", uart_gsi, VEC_UART);
	tk_wait_count(&uart_count, 2, 20000);
	tk_check(uart_count == 1, "ioapic: one uart interrupt (edge, acknowledged by the IIR read)");
	tk_ioapic_write((uint8_t)(0x10 + 2 * uart_gsi), LVT_MASKED);
}

/* ---- the application processors ---------------------------------------------------------- */

static uint8_t ap_stacks[TK_MADT_MAX_CPUS][AP_STACK_BYTES] __attribute__((aligned(16)));

static void ap_main(void)
{
	tk_ap_setup();
	tk_printf("ap: apic id %u up\n", lapic_id());
	ap_started = 1;
	while (!aps_done)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void smp(const struct tk_madt *m)
{
	unsigned fwcfg_cpus = tk_fwcfg_le(FW_CFG_NB_CPUS, 2), up = 1;

	tk_printf("smp: %u cpus in the madt, %u in fw_cfg; bsp apic id %u\n", m->cpus, fwcfg_cpus, lapic_id());
	tk_check(m->cpus == fwcfg_cpus, "smp: the madt and fw_cfg agree");
	tk_set_vector(VEC_PING, on_ping);
	tk_set_vector(VEC_PONG, on_pong);
	for (unsigned i = 0; i < m->cpus; i++) {
		unsigned id = m->apic_id[i];
		if (id == lapic_id())
			continue;
		ap_started = 0;
		bool ok = tk_ap_start(id, ap_main, ap_stacks[i] + AP_STACK_BYTES, &ap_started, 1000000);
		up += ok;
		tk_check(ok, "smp: apic id %u started by INIT-SIPI-SIPI", id);
	}
	tk_printf("smp: %u of %u cpus up\n", up, m->cpus);
	for (unsigned i = 0; i < m->cpus; i++) {
		unsigned id = m->apic_id[i], rounds = 0;
		if (id == lapic_id() || id >= TK_MADT_MAX_CPUS)
			continue;
		pong_count = 0;
		for (unsigned r = 0; r < PING_ROUNDS; r++) {
			tk_lapic_ipi(id, ICR_FIXED | VEC_PING);
			rounds += tk_wait_count(&pong_count, r + 1, WAIT_US);
		}
		tk_check(rounds == PING_ROUNDS && ping_count[id] == PING_ROUNDS,
			 "ipi: %u ping-pongs with apic id %u", PING_ROUNDS, id);
	}
	/* Lowest priority to every APIC (physical 0xff) with the BSP's TPR
	 * above the vector's class: QEMU gives it to the first APIC of the
	 * set, the BSP, whatever the priorities (its IRR holds it until the
	 * TPR comes down), where the SDM's arbitration would pick an AP. */
	tk_set_vector(VEC_LOWEST, on_lowest);
	lapic_write(LAPIC_TPR, TPR_ABOVE_LOWEST);
	tk_lapic_ipi(0xff, ICR_LOWEST | VEC_LOWEST);
	tk_wait_count(&lowest_count, 1, 20000);
	lapic_write(LAPIC_TPR, 0);
	tk_wait_count(&lowest_count, 1, WAIT_US);
	tk_wait_count(&lowest_count, 2, 20000);
	tk_printf("ipi: lowest priority to all, the bsp's tpr 0x%02x: %u taken, by apic id %d\n", TPR_ABOVE_LOWEST,
		  lowest_count, (int)lowest_taker);
	aps_done = 1;
}

int tk_main(const struct tk_entry *e)
{
	(void)e;
	struct tk_madt m;

	tk_printf("lapic_ioapic_smp: LAPIC timer, I/O APIC, every vCPU\n");
	tk_cli();
	tk_pic_init(0);                    /* all masked */
	uint32_t madt = tk_acpi_find("APIC");
	if (!tk_check(madt && tk_madt_read(madt, &m), "madt found and read"))
		return (int)tk_failures();
	tk_printf("madt: %u cpus, ioapic id %u at 0x%08x gsi base %u\n", m.cpus, m.ioapic_id, m.ioapic_addr,
		  m.gsi_base);
	lapic_basics();
	timer_one_shot();
	timer_periodic();
	ioapic(madt);
	smp(&m);
	tk_printf("lapic_ioapic_smp: done, %u failed\n", tk_failures());
	return (int)tk_failures();
}

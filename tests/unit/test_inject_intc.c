/* tests/unit/test_inject_intc.c - Event delivery through an interrupt
 * controller (the vCPU's LAPIC): acknowledge only at injection, windows
 * for IF=0 and for a TPR that holds an interrupt back, HLT wake-ups. */
/* UNIT_SRC: hv/inject.c */
#include "test.h"
#include "hv/inject.h"

#define RFLAGS_1  BIT(1)
#define RFLAGS_IF BIT(9)

static struct vmcb vmcb;
static struct vcpu_events ev;

/* The fake controller: one waiting vector with a priority class, a TPR
 * class that holds back anything not above it, and a count of acks. */
static int waiting = -1;
static unsigned tpr;
static int acks, queries;

static int fake_pending(void *ctx, unsigned *tpr_class)
{
	(void)ctx;
	queries++;
	*tpr_class = 0;
	if (waiting < 0)
		return -1;
	if ((unsigned)waiting >> 4 <= tpr) {
		*tpr_class = (unsigned)waiting >> 4;
		return -1;
	}
	return waiting;
}

static int fake_ack(void *ctx)
{
	(void)ctx;
	unsigned c;
	int v = fake_pending(NULL, &c);
	if (v >= 0) {
		acks++;
		waiting = -1;
	}
	return v;
}

static const struct events_intc fake = { fake_pending, fake_ack, NULL };

static void setup(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&ev, 0, sizeof(ev));
	events_reset(&ev);
	events_set_intc(&ev, &fake);
	vmcb.save.cr0 = 1;
	vmcb.save.rflags = RFLAGS_1 | RFLAGS_IF;
	waiting = -1;
	tpr = 0;
	acks = queries = 0;
}

static uint64_t enter(void)
{
	EXPECT_TRUE(events_before_vmrun(&ev, &vmcb));
	return vmcb.control.event_inj;
}

static void exit_with(uint64_t code)
{
	vmcb.control.exit_code = code;
	vmcb.control.exit_int_info = 0;
	events_after_exit(&ev, &vmcb);
}

static bool vintr_intercepted(void)
{
	return (vmcb.control.intercept_misc1 & SVM_INTERCEPT_MISC1_VINTR) != 0;
}

static unsigned window_prio(void)
{
	return (unsigned)((vmcb.control.int_ctl & INT_CTL_V_INTR_PRIO_MASK) >> INT_CTL_V_INTR_PRIO_SHIFT);
}

static void test_nothing_waiting_stops_asking(void)
{
	setup();
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(!vintr_intercepted());
	int before = queries;
	exit_with(SVM_EXIT_CPUID);
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(queries, before);   /* EVF_INTC dropped: the hot path is quiet */
}

static void test_injects_and_acks_once(void)
{
	setup();
	EXPECT_EQ(enter(), 0);
	waiting = 0x41;
	events_intc_notify(&ev);
	EXPECT_EQ(enter(), vmcb_event(0x41, SVM_EVENT_TYPE_INTR, false, 0));
	EXPECT_EQ(acks, 1);
	EXPECT_TRUE(!vintr_intercepted());
	exit_with(SVM_EXIT_CPUID);
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(acks, 1);
}

static void test_if0_waits_without_ack(void)
{
	setup();
	vmcb.save.rflags = RFLAGS_1;
	waiting = 0x30;
	events_intc_notify(&ev);
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(acks, 0);                      /* not acknowledged while IF=0 */
	EXPECT_TRUE(vintr_intercepted());
	EXPECT_TRUE(vmcb.control.int_ctl & INT_CTL_V_IGN_TPR);
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));
	vmcb.save.rflags |= RFLAGS_IF;
	exit_with(SVM_EXIT_VINTR);
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));
	EXPECT_EQ(enter(), vmcb_event(0x30, SVM_EVENT_TYPE_INTR, false, 0));
	EXPECT_EQ(acks, 1);
}

static void test_tpr_window_waits_for_v_tpr(void)
{
	setup();
	tpr = 5;
	waiting = 0x52;                          /* class 5: held back by TPR 5 */
	events_intc_notify(&ev);
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(acks, 0);
	EXPECT_TRUE(vintr_intercepted());
	EXPECT_TRUE(vmcb.control.int_ctl & INT_CTL_V_IRQ);
	EXPECT_TRUE(!(vmcb.control.int_ctl & INT_CTL_V_IGN_TPR));   /* the CPU compares V_TPR */
	EXPECT_EQ(window_prio(), 5);
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));   /* HLT does not end for it */
	/* The guest lowers CR8 (no exit); the CPU exits for VINTR. */
	tpr = 0;
	exit_with(SVM_EXIT_VINTR);
	EXPECT_EQ(enter(), vmcb_event(0x52, SVM_EVENT_TYPE_INTR, false, 0));
	EXPECT_TRUE(!vintr_intercepted());
}

static void test_plain_window_beats_tpr_window(void)
{
	setup();
	tpr = 5;
	waiting = 0x52;
	events_intc_notify(&ev);
	events_raise_irq(&ev, 0x20);             /* a raw vector while IF=0 */
	vmcb.save.rflags = RFLAGS_1;
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(vmcb.control.int_ctl & INT_CTL_V_IGN_TPR);
	EXPECT_EQ(window_prio(), 15);
}

static void test_exception_first_then_interrupt(void)
{
	setup();
	waiting = 0x40;
	events_intc_notify(&ev);
	events_queue_exception(&ev, 13, true, 0, 0);
	uint64_t inj = enter();
	EXPECT_EQ(inj, vmcb_event(13, SVM_EVENT_TYPE_EXCEPTION, true, 0));
	EXPECT_EQ(acks, 0);
	EXPECT_TRUE(vintr_intercepted());        /* the interrupt asks for the next boundary */
	exit_with(SVM_EXIT_VINTR);
	EXPECT_EQ(enter(), vmcb_event(0x40, SVM_EVENT_TYPE_INTR, false, 0));
}

static void test_cut_short_requeues_not_reacks(void)
{
	setup();
	waiting = 0x44;
	events_intc_notify(&ev);
	EXPECT_EQ(enter(), vmcb_event(0x44, SVM_EVENT_TYPE_INTR, false, 0));
	/* The delivery was cut short by a nested page fault on the IDT. */
	vmcb.control.exit_code = SVM_EXIT_NPF;
	vmcb.control.exit_int_info = vmcb_event(0x44, SVM_EVENT_TYPE_INTR, false, 0);
	events_after_exit(&ev, &vmcb);
	EXPECT_EQ(enter(), vmcb_event(0x44, SVM_EVENT_TYPE_INTR, false, 0));
	EXPECT_EQ(acks, 1);                      /* the controller's ISR already has it */
}

static void test_no_controller(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&ev, 0, sizeof(ev));
	events_reset(&ev);
	struct events_intc none = { 0 };
	events_set_intc(&ev, &none);
	vmcb.save.rflags = RFLAGS_1 | RFLAGS_IF;
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(ev.pending & EVF_INTC, 0);
}

int main(void)
{
	RUN(test_nothing_waiting_stops_asking);
	RUN(test_injects_and_acks_once);
	RUN(test_if0_waits_without_ack);
	RUN(test_tpr_window_waits_for_v_tpr);
	RUN(test_plain_window_beats_tpr_window);
	RUN(test_exception_first_then_interrupt);
	RUN(test_cut_short_requeues_not_reacks);
	RUN(test_no_controller);
	TEST_MAIN_END();
}

/* tests/unit/test_inject.c - Event delivery: merge rules, re-injection, priority, windows, NMI/IRET, #DB. */
/* UNIT_SRC: hv/inject.c */
#include "test.h"
#include "hv/inject.h"

#define CR0_PE    BIT(0)
#define RFLAGS_1  BIT(1)
#define RFLAGS_TF BIT(8)
#define RFLAGS_IF BIT(9)
#define DR6_BS    BIT(14)
#define WINDOW_INT_CTL (INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR)

static struct vmcb vmcb;        /* the fake vCPU's VMCB */
static struct vcpu_events ev;

static void setup(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&ev, 0xa5, sizeof(ev));   /* reset must not depend on zeroed memory */
	events_reset(&ev);
	vmcb.save.cr0 = CR0_PE;
	vmcb.save.rflags = RFLAGS_1 | RFLAGS_IF;
	vmcb.save.rip = 0x1000;
}

/* VMRUN: returns EVENTINJ as the CPU would see it (0 = nothing). */
static uint64_t enter(void)
{
	EXPECT_TRUE(events_before_vmrun(&ev, &vmcb));
	return vmcb.control.event_inj;
}

/* #VMEXIT with `code`, EXITINTINFO `info` (event_inj is left as hardware may). */
static void exit_with(uint64_t code, uint64_t info)
{
	vmcb.control.exit_code = code;
	vmcb.control.exit_int_info = info;
	events_after_exit(&ev, &vmcb);
	EXPECT_EQ(vmcb.control.event_inj, 0);
}

static bool window_open(void)
{
	bool irq = (vmcb.control.int_ctl & WINDOW_INT_CTL) == WINDOW_INT_CTL;
	bool icpt = (vmcb.control.intercept_misc1 & SVM_INTERCEPT_MISC1_VINTR) != 0;

	EXPECT_EQ(irq, icpt);   /* never one without the other */
	return irq && icpt;
}

static bool iret_intercepted(void)
{
	return (vmcb.control.intercept_misc1 & SVM_INTERCEPT_MISC1_IRET) != 0;
}

static uint64_t exc_event(uint8_t vec, bool has_error, uint32_t error)
{
	return vmcb_event(vec, SVM_EVENT_TYPE_EXCEPTION, has_error, error);
}

static uint64_t intr_event(uint8_t vec) { return vmcb_event(vec, SVM_EVENT_TYPE_INTR, false, 0); }
static uint64_t nmi_event(void) { return vmcb_event(2, SVM_EVENT_TYPE_NMI, false, 0); }

static void test_reset_nothing_pending(void)
{
	setup();
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(vmcb.control.int_ctl, 0);
	EXPECT_EQ(vmcb.control.intercept_misc1, 0);
	EXPECT_TRUE(!events_irq_pending(&ev));
	EXPECT_TRUE(!events_triple_fault(&ev));
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));
	exit_with(SVM_EXIT_CPUID, 0);
	EXPECT_EQ(enter(), 0);
}

/* ---- merge rules --------------------------------------------------------------- */

/* The APM 8.2.9 classes, written out independently of inject.c. */
enum { B, C, P, D };
static const int class_of[32] = {
	[0] = C, [10] = C, [11] = C, [12] = C, [13] = C, [14] = P, [8] = D,
};
static bool pushes_error(int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

/* Queue F, VMRUN, exit during its delivery (EXITINTINFO = F): F is in delivery. */
static void make_in_delivery(uint8_t f)
{
	events_queue_exception(&ev, f, pushes_error(f), 0x10, 0);
	uint64_t e = enter();
	EXPECT_EQ(e, exc_event(f, pushes_error(f), 0x10));
	exit_with(SVM_EXIT_NPF, e);
}

/* Every pair of vectors (2 is the NMI; 3 and 4 are never re-injected, so
 * they cannot be F) against the double-fault table. */
static void test_merge_in_delivery_table(void)
{
	for (int f = 0; f < 32; f++) {
		if (f == 2 || f == 3 || f == 4)
			continue;
		for (int s = 0; s < 32; s++) {
			if (s == 2)
				continue;
			setup();
			make_in_delivery((uint8_t)f);
			enum events_exc_result r = events_queue_exception(&ev, (uint8_t)s, pushes_error(s),
									  0x20, 0);
			int c1 = class_of[f], c2 = class_of[s];
			if (c1 == D) {
				EXPECT_EQ(r, EVENTS_EXC_TRIPLE_FAULT);
				EXPECT_TRUE(events_triple_fault(&ev));
				EXPECT_TRUE(!events_before_vmrun(&ev, &vmcb));
				EXPECT_EQ(vmcb.control.event_inj, 0);
			} else if ((c1 == C && c2 == C) || (c1 == P && (c2 == C || c2 == P))) {
				EXPECT_EQ(r, EVENTS_EXC_DOUBLE_FAULT);
				EXPECT_EQ(enter(), exc_event(8, true, 0));
			} else {
				EXPECT_EQ(r, EVENTS_EXC_REPLACED);
				EXPECT_EQ(enter(), exc_event((uint8_t)s, pushes_error(s), 0x20));
			}
			if (test_case_failed) {
				printf("  (F=%d S=%d)\n", f, s);
				return;
			}
		}
	}
}

/* #PF during delivery of a #PF: #DF, and CR2 is the second #PF's address,
 * written only when the #DF is delivered. Then anything during the #DF's
 * delivery shuts down; reset clears it. */
static void test_double_then_triple(void)
{
	setup();
	events_queue_exception(&ev, 14, true, 2, 0xaaaa000);
	uint64_t e = enter();
	EXPECT_EQ(vmcb.save.cr2, 0xaaaa000);
	exit_with(SVM_EXIT_EXCP(14), e);                 /* intercepted #PF while delivering */
	EXPECT_EQ(events_queue_exception(&ev, 14, true, 3, 0xbbbb000), EVENTS_EXC_DOUBLE_FAULT);
	EXPECT_EQ(vmcb.save.cr2, 0xaaaa000);
	e = enter();
	EXPECT_EQ(e, exc_event(8, true, 0));
	EXPECT_EQ(vmcb.save.cr2, 0xbbbb000);
	exit_with(SVM_EXIT_NPF, e);                       /* exit while delivering #DF */
	EXPECT_EQ(events_queue_exception(&ev, 6, false, 0, 0), EVENTS_EXC_TRIPLE_FAULT);
	EXPECT_TRUE(events_triple_fault(&ev));
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));
	EXPECT_EQ(events_queue_exception(&ev, 13, true, 0, 0), EVENTS_EXC_TRIPLE_FAULT);
	EXPECT_TRUE(!events_before_vmrun(&ev, &vmcb));
	events_reset(&ev);
	EXPECT_TRUE(!events_triple_fault(&ev));
	EXPECT_EQ(enter(), 0);
}

/* Two exceptions raised by the hypervisor before either was delivered:
 * simultaneous events, APM 8.5 priority (#MC > #DB trap > faults); the
 * loser is discarded, equal priority keeps the first. No #DF. */
static void test_merge_fresh_priority(void)
{
	static const struct { uint8_t f, s; int r; uint8_t out; } t[] = {
		{ 13, 13, EVENTS_EXC_DISCARDED, 13 },
		{ 14, 14, EVENTS_EXC_DISCARDED, 14 },
		{ 14, 13, EVENTS_EXC_DISCARDED, 14 },
		{ 8, 13, EVENTS_EXC_DISCARDED, 8 },
		{ 6, 13, EVENTS_EXC_DISCARDED, 6 },
		{ 1, 13, EVENTS_EXC_DISCARDED, 1 },   /* single-step trap first */
		{ 13, 1, EVENTS_EXC_REPLACED, 1 },
		{ 1, 1, EVENTS_EXC_DISCARDED, 1 },
		{ 13, 18, EVENTS_EXC_REPLACED, 18 },
		{ 1, 18, EVENTS_EXC_REPLACED, 18 },
		{ 18, 1, EVENTS_EXC_DISCARDED, 18 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		setup();
		EXPECT_EQ(events_queue_exception(&ev, t[i].f, pushes_error(t[i].f), 1, 0), EVENTS_EXC_QUEUED);
		EXPECT_EQ(events_queue_exception(&ev, t[i].s, pushes_error(t[i].s), 2, 0), t[i].r);
		uint32_t err = t[i].out == t[i].s && t[i].r == EVENTS_EXC_REPLACED ? 2 : 1;
		EXPECT_EQ(enter(), exc_event(t[i].out, pushes_error(t[i].out), err));
		exit_with(SVM_EXIT_CPUID, 0);
		EXPECT_EQ(enter(), 0);                     /* exactly one delivered */
		if (test_case_failed) {
			printf("  (row %zu)\n", i);
			return;
		}
	}
}

/* ---- re-injection (EXITINTINFO) ---------------------------------------------------- */

static void test_reinject_exception(void)
{
	setup();
	vmcb.save.cr2 = 0x5000;
	exit_with(SVM_EXIT_NPF, exc_event(14, true, 0x7));
	EXPECT_EQ(enter(), exc_event(14, true, 0x7));
	EXPECT_EQ(vmcb.save.cr2, 0x5000);               /* already written; untouched */
	exit_with(SVM_EXIT_CPUID, 0);

	exit_with(SVM_EXIT_NPF, exc_event(13, true, 0x1234));
	EXPECT_EQ(enter(), exc_event(13, true, 0x1234));
	exit_with(SVM_EXIT_NPF, exc_event(6, false, 0));
	EXPECT_EQ(enter(), exc_event(6, false, 0));
}

static void test_reinject_nmi(void)
{
	setup();
	events_queue_nmi(&ev);
	uint64_t e = enter();
	EXPECT_EQ(e, nmi_event());
	EXPECT_TRUE(iret_intercepted());
	exit_with(SVM_EXIT_NPF, e);                       /* NMI delivery cut short */
	EXPECT_TRUE(!iret_intercepted());
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));
	EXPECT_EQ(enter(), nmi_event());
	EXPECT_TRUE(iret_intercepted());
	exit_with(SVM_EXIT_CPUID, 0);
	EXPECT_EQ(enter(), 0);                            /* once */
}

/* A cut-short INTR goes before any other interrupt, even a higher one. */
static void test_reinject_intr(void)
{
	setup();
	events_raise_irq(&ev, 0x30);
	events_raise_irq(&ev, 0x80);
	uint64_t e = enter();
	EXPECT_EQ(e, intr_event(0x80));
	exit_with(SVM_EXIT_NPF, e);
	events_raise_irq(&ev, 0x90);
	EXPECT_TRUE(events_irq_pending(&ev));
	EXPECT_EQ(enter(), intr_event(0x80));
	EXPECT_TRUE(window_open());                       /* more wait */
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), intr_event(0x90));
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), intr_event(0x30));
	EXPECT_TRUE(!window_open());
	EXPECT_TRUE(!events_irq_pending(&ev));
}

/* INTn, INT3, INTO: RIP is still at the instruction, which runs again. */
static void test_no_reinject_soft(void)
{
	const uint64_t list[] = { vmcb_event(0x80, SVM_EVENT_TYPE_SOFT_INT, false, 0), exc_event(3, false, 0),
				  exc_event(4, false, 0) };

	for (size_t i = 0; i < ARRAY_SIZE(list); i++) {
		setup();
		exit_with(SVM_EXIT_NPF, list[i]);
		EXPECT_EQ(ev.pending, 0);
		EXPECT_EQ(enter(), 0);
	}
}

/* Hardware may leave EVENTINJ set after the exit; it is never injected twice. */
static void test_event_inj_cleared(void)
{
	setup();
	events_raise_irq(&ev, 0x41);
	EXPECT_EQ(enter(), intr_event(0x41));
	vmcb.control.exit_code = SVM_EXIT_CPUID;
	vmcb.control.exit_int_info = 0;
	events_after_exit(&ev, &vmcb);
	EXPECT_EQ(vmcb.control.event_inj, 0);
	EXPECT_EQ(enter(), 0);
}

/* ---- priority and windows ------------------------------------------------------------ */

static void test_priority(void)
{
	setup();
	events_raise_irq(&ev, 0x50);
	events_queue_nmi(&ev);
	events_queue_exception(&ev, 13, true, 0, 0);
	EXPECT_EQ(enter(), exc_event(13, true, 0));
	EXPECT_TRUE(window_open());
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_TRUE(!window_open());
	EXPECT_EQ(enter(), nmi_event());
	EXPECT_TRUE(window_open());
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), intr_event(0x50));
	EXPECT_TRUE(!window_open());
	EXPECT_EQ(vmcb.control.int_ctl, 0);
}

static void test_if0_opens_window(void)
{
	setup();
	vmcb.save.rflags = RFLAGS_1;                      /* IF=0 */
	events_raise_irq(&ev, 0x40);
	vmcb.control.clean = VMCB_CLEAN_ALL;
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(window_open());
	EXPECT_EQ(vmcb.control.clean & (VMCB_CLEAN_TPR | VMCB_CLEAN_I), 0);
	EXPECT_TRUE(events_irq_pending(&ev));
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));
	exit_with(SVM_EXIT_IOIO, 0);                      /* another exit: still waiting */
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(window_open());
	vmcb.save.rflags |= RFLAGS_IF;                    /* the guest ran STI ... */
	exit_with(SVM_EXIT_VINTR, 0);                     /* ... and the window opened */
	EXPECT_TRUE(!window_open());
	EXPECT_EQ(vmcb.control.int_ctl & INT_CTL_V_IRQ, 0);
	EXPECT_EQ(enter(), intr_event(0x40));
	EXPECT_TRUE(!window_open());
	EXPECT_TRUE(!events_irq_pending(&ev));
}

static void test_shadow_opens_window(void)
{
	setup();
	vmcb.control.int_state = INT_STATE_SHADOW;
	events_raise_irq(&ev, 0x40);
	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), 0);                            /* neither NMI nor INTR in a shadow */
	EXPECT_TRUE(window_open());
	vmcb.control.int_state = 0;
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), nmi_event());
	EXPECT_TRUE(window_open());
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), intr_event(0x40));
	EXPECT_TRUE(!window_open());
}

/* The window bits leave V_TPR and the rest of int_ctl alone. */
static void test_window_keeps_tpr(void)
{
	setup();
	vmcb.control.int_ctl = INT_CTL_V_INTR_MASKING | 0x5;
	vmcb.save.rflags = RFLAGS_1;
	events_raise_irq(&ev, 0x40);
	enter();
	EXPECT_EQ(vmcb.control.int_ctl & ~(uint32_t)INT_CTL_V_INTR_PRIO_MASK,
		  INT_CTL_V_INTR_MASKING | 0x5 | WINDOW_INT_CTL);
	vmcb.save.rflags |= RFLAGS_IF;
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(vmcb.control.int_ctl, INT_CTL_V_INTR_MASKING | 0x5);
}

static void test_highest_first(void)
{
	static const uint8_t raise[] = { 0x21, 0xfe, 0x7f, 0x80, 0x40, 0x3f, 0xc0 };
	static const uint8_t want[] = { 0xfe, 0xc0, 0x80, 0x7f, 0x40, 0x3f, 0x21 };

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(raise); i++)
		events_raise_irq(&ev, raise[i]);
	events_raise_irq(&ev, 0x80);                      /* raised twice before delivery: once */
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		EXPECT_EQ(enter(), intr_event(want[i]));
		exit_with(SVM_EXIT_VINTR, 0);
	}
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(!window_open());
	EXPECT_EQ(ev.pending, 0);
}

/* ---- model check --------------------------------------------------------------------- */

static uint32_t rng = 0x2545f491u;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static int model_highest(const bool *set)
{
	for (int v = 255; v >= 0; v--)
		if (set[v])
			return v;
	return -1;
}

/* 1000 random runs of raise / enter / exit (IF and shadow random, a quarter
 * of the deliveries cut short) against a plain set plus one re-queue slot:
 * each injection must be the one the model predicts, an interrupt that
 * could not go must leave a window open, and a drain must deliver every
 * raised interrupt exactly once. */
static void test_model_random(void)
{
	for (int run = 0; run < 1000 && !test_case_failed; run++) {
		bool set[256] = { false };
		int slot = -1;
		unsigned raised = 0, delivered = 0;

		setup();
		for (int step = 0; step < 60 + 600 && !test_case_failed; step++) {
			bool drain = step >= 60;
			if (!drain && rnd() % 2 == 0) {
				uint8_t v = (uint8_t)(32 + rnd() % 224);
				if (!set[v])
					raised++;
				set[v] = true;
				events_raise_irq(&ev, v);
				continue;
			}
			bool if_on = drain || rnd() % 4 != 0;
			bool shadow = !drain && rnd() % 4 == 0;
			vmcb.save.rflags = RFLAGS_1 | (if_on ? RFLAGS_IF : 0);
			vmcb.control.int_state = shadow ? INT_STATE_SHADOW : 0;
			bool waiting = slot >= 0 || model_highest(set) >= 0;
			EXPECT_EQ(events_irq_pending(&ev), waiting);
			if (drain && !waiting)
				break;

			uint64_t e = enter();
			if (waiting && if_on && !shadow) {
				int want = slot >= 0 ? slot : model_highest(set);
				EXPECT_EQ(e, intr_event((uint8_t)want));
				if (slot >= 0)
					slot = -1;
				else
					set[want] = false;
			} else {
				EXPECT_EQ(e, 0);
			}
			waiting = slot >= 0 || model_highest(set) >= 0;
			EXPECT_EQ(window_open(), waiting);

			bool cut = e && !drain && rnd() % 4 == 0;
			if (e && cut)
				slot = svm_event_vector(e);
			else if (e)
				delivered++;
			exit_with(window_open() && rnd() % 2 ? SVM_EXIT_VINTR : SVM_EXIT_INTR, cut ? e : 0);
		}
		EXPECT_EQ(delivered, raised);
		EXPECT_EQ(slot, -1);
		EXPECT_EQ(model_highest(set), -1);
		EXPECT_TRUE(!events_irq_pending(&ev));
		EXPECT_TRUE(!window_open());
		if (test_case_failed)
			printf("  (run %d)\n", run);
	}
}

/* ---- NMI masking ---------------------------------------------------------------------- */

static void test_nmi_masked_until_iret_executed(void)
{
	setup();
	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), nmi_event());
	EXPECT_TRUE(iret_intercepted());
	vmcb.save.rflags = RFLAGS_1;                      /* handler runs with IF=0 */
	vmcb.save.rip = 0x8000;
	exit_with(SVM_EXIT_IOIO, 0);
	events_queue_nmi(&ev);                            /* a second NMI: held */
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(!window_open());                      /* the IRET intercept will exit */

	vmcb.save.rip = 0x8010;                           /* exits *before* the IRET runs */
	exit_with(SVM_EXIT_IRET, 0);
	EXPECT_TRUE(!iret_intercepted());
	EXPECT_EQ(enter(), 0);                            /* still masked */
	EXPECT_TRUE(window_open());                       /* IF=0 here: exit once IRET restores IF */

	exit_with(SVM_EXIT_INTR, 0);                      /* an exit with RIP still on the IRET */
	EXPECT_EQ(enter(), 0);

	vmcb.save.rflags = RFLAGS_1 | RFLAGS_IF;          /* the IRET ran */
	vmcb.save.rip = 0x1234;
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), nmi_event());
	EXPECT_TRUE(iret_intercepted());
	EXPECT_TRUE(!window_open());
}

/* With IF=1 at the IRET a VINTR window would exit before the IRET every
 * time; none is opened, the next exit does it. */
static void test_nmi_iret_if1_no_livelock(void)
{
	setup();
	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), nmi_event());
	exit_with(SVM_EXIT_IOIO, 0);
	events_queue_nmi(&ev);
	vmcb.save.rip = 0x8010;
	exit_with(SVM_EXIT_IRET, 0);
	EXPECT_EQ(enter(), 0);
	EXPECT_TRUE(!window_open());
	vmcb.save.rip = 0x1234;
	exit_with(SVM_EXIT_INTR, 0);
	EXPECT_EQ(enter(), nmi_event());
}

/* An interrupt injected while the intercepted IRET is still to run: its
 * handler's IRET comes first now, so the intercept is armed again. */
static void test_nmi_iret_rearmed_by_injection(void)
{
	setup();
	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), nmi_event());
	exit_with(SVM_EXIT_IRET, 0);
	events_raise_irq(&ev, 0x60);
	EXPECT_EQ(enter(), intr_event(0x60));             /* IF=1 in this handler */
	EXPECT_TRUE(iret_intercepted());
	vmcb.save.rip = 0x4000;                           /* in the INTR handler */
	exit_with(SVM_EXIT_IOIO, 0);
	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), 0);                            /* still masked */
	exit_with(SVM_EXIT_IRET, 0);                      /* the INTR handler's IRET */
	EXPECT_EQ(enter(), 0);
	vmcb.save.rip = 0x1000;
	exit_with(SVM_EXIT_INTR, 0);
	EXPECT_EQ(enter(), nmi_event());
}

/* ---- payloads and single step ----------------------------------------------------------- */

static void test_payload_at_delivery(void)
{
	setup();
	vmcb.control.clean = VMCB_CLEAN_ALL;
	events_queue_exception(&ev, 14, true, 2, 0xdead000);
	EXPECT_EQ(vmcb.save.cr2, 0);
	EXPECT_EQ(enter(), exc_event(14, true, 2));
	EXPECT_EQ(vmcb.save.cr2, 0xdead000);
	EXPECT_EQ(vmcb.control.clean & VMCB_CLEAN_CR2, 0);
	exit_with(SVM_EXIT_CPUID, 0);

	vmcb.save.dr6 = 0xffff0ff1;                       /* B0 already set: kept */
	events_queue_exception(&ev, 1, false, 0, DR6_BS);
	EXPECT_EQ(vmcb.save.dr6, 0xffff0ff1);
	EXPECT_EQ(enter(), exc_event(1, false, 0));
	EXPECT_EQ(vmcb.save.dr6, 0xffff4ff1);
	exit_with(SVM_EXIT_CPUID, 0);

	/* A discarded #PF never touches CR2. */
	events_queue_exception(&ev, 1, false, 0, DR6_BS);
	EXPECT_EQ(events_queue_exception(&ev, 14, true, 0, 0xbad000), EVENTS_EXC_DISCARDED);
	EXPECT_EQ(enter(), exc_event(1, false, 0));
	EXPECT_EQ(vmcb.save.cr2, 0xdead000);
}

static void test_real_mode_no_error_code(void)
{
	setup();
	vmcb.save.cr0 = 0;
	events_queue_exception(&ev, 13, true, 0x99, 0);
	EXPECT_EQ(enter(), exc_event(13, false, 0));
}

static void test_single_step(void)
{
	setup();
	EXPECT_EQ(events_after_emulated_insn(&ev, &vmcb, RFLAGS_1 | RFLAGS_TF), EVENTS_EXC_QUEUED);
	EXPECT_EQ(vmcb.save.dr6, 0);
	EXPECT_EQ(enter(), exc_event(1, false, 0));
	EXPECT_EQ(vmcb.save.dr6, DR6_BS);
	exit_with(SVM_EXIT_CPUID, 0);
	EXPECT_EQ(enter(), 0);
}

static void test_single_step_tf_clear(void)
{
	setup();
	EXPECT_EQ(events_after_emulated_insn(&ev, &vmcb, RFLAGS_1 | RFLAGS_IF), EVENTS_EXC_NONE);
	EXPECT_EQ(enter(), 0);
	EXPECT_EQ(ev.pending, 0);
}

/* An instruction emulated in a MOV SS shadow with TF set: the shadow ends,
 * one #DB follows, and an interrupt waiting behind it waits for the window. */
static void test_single_step_in_mov_ss_shadow(void)
{
	setup();
	vmcb.control.int_state = INT_STATE_SHADOW;
	events_raise_irq(&ev, 0x70);
	EXPECT_EQ(events_after_emulated_insn(&ev, &vmcb, RFLAGS_1 | RFLAGS_IF | RFLAGS_TF),
		  EVENTS_EXC_QUEUED);
	EXPECT_EQ(vmcb.control.int_state & INT_STATE_SHADOW, 0);
	EXPECT_EQ(enter(), exc_event(1, false, 0));
	EXPECT_TRUE(window_open());
	exit_with(SVM_EXIT_VINTR, 0);
	EXPECT_EQ(enter(), intr_event(0x70));
	exit_with(SVM_EXIT_CPUID, 0);
	EXPECT_EQ(enter(), 0);
}

/* ---- HLT and cancellation ---------------------------------------------------------------- */

static void test_wake_from_hlt(void)
{
	setup();
	events_raise_irq(&ev, 0x30);
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));
	vmcb.save.rflags = RFLAGS_1;
	EXPECT_TRUE(!events_wake_from_hlt(&ev, &vmcb));   /* IF=0: an INTR does not */
	events_queue_nmi(&ev);
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));    /* an NMI does */

	setup();
	vmcb.save.rflags = RFLAGS_1;
	events_queue_exception(&ev, 13, true, 0, 0);
	EXPECT_TRUE(events_wake_from_hlt(&ev, &vmcb));
}

static void test_cancel_injection(void)
{
	setup();
	events_raise_irq(&ev, 0x50);
	events_raise_irq(&ev, 0x20);
	EXPECT_EQ(enter(), intr_event(0x50));
	events_cancel_injection(&ev, &vmcb);
	EXPECT_EQ(vmcb.control.event_inj, 0);
	EXPECT_EQ(enter(), intr_event(0x50));
	exit_with(SVM_EXIT_VINTR, 0);

	events_queue_nmi(&ev);
	EXPECT_EQ(enter(), nmi_event());
	events_cancel_injection(&ev, &vmcb);
	EXPECT_TRUE(!iret_intercepted());
	EXPECT_EQ(enter(), nmi_event());
	exit_with(SVM_EXIT_CPUID, 0);

	vmcb.save.cr2 = 0;
	events_queue_exception(&ev, 14, true, 4, 0xc000);
	EXPECT_EQ(enter(), exc_event(14, true, 4));
	events_cancel_injection(&ev, &vmcb);
	vmcb.save.cr2 = 0x1;                               /* guest state not re-written */
	EXPECT_EQ(enter(), exc_event(14, true, 4));
	EXPECT_EQ(vmcb.save.cr2, 0x1);
	/* Fresh before cancel, fresh after: no #DF from a second fault. */
	events_cancel_injection(&ev, &vmcb);
	EXPECT_EQ(events_queue_exception(&ev, 13, true, 0, 0), EVENTS_EXC_DISCARDED);
}

int main(void)
{
	RUN(test_reset_nothing_pending);
	RUN(test_merge_in_delivery_table);
	RUN(test_double_then_triple);
	RUN(test_merge_fresh_priority);
	RUN(test_reinject_exception);
	RUN(test_reinject_nmi);
	RUN(test_reinject_intr);
	RUN(test_no_reinject_soft);
	RUN(test_event_inj_cleared);
	RUN(test_priority);
	RUN(test_if0_opens_window);
	RUN(test_shadow_opens_window);
	RUN(test_window_keeps_tpr);
	RUN(test_highest_first);
	RUN(test_model_random);
	RUN(test_nmi_masked_until_iret_executed);
	RUN(test_nmi_iret_if1_no_livelock);
	RUN(test_nmi_iret_rearmed_by_injection);
	RUN(test_payload_at_delivery);
	RUN(test_real_mode_no_error_code);
	RUN(test_single_step);
	RUN(test_single_step_tf_clear);
	RUN(test_single_step_in_mov_ss_shadow);
	RUN(test_wake_from_hlt);
	RUN(test_cancel_injection);
	TEST_MAIN_END();
}

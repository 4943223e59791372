/* hv/console/shell_vm.c - Shell commands about one VM: its vCPU and VMCB, its
 * memory and nested page table, its exits, its life (pause, resume, reset,
 * stop), its console and log.
 *
 * Reading a vCPU that runs on another CPU would give a mix of two moments,
 * so those commands hold it (hv/vmctl.h) for the few microseconds they
 * read, and let it go before they print what they copied. */
#include "arch/x86/percpu.h"
#include "arch/x86/svm/svm.h"
#include "hv/console/console.h"
#include "hv/sched.h"
#include "hv/console/shell_cmd.h"
#include "hv/exit.h"
#include "hv/gmem.h"
#include "hv/vmctl.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/guest_walk.h"
#include "mm/hpt.h"

#define R(x) ((unsigned long long)(x))

/* The named VM, held; NULL after printing why not. */
static struct vm *hold_vm(const char *name)
{
	char err[120];
	struct vm *vm = sh_vm(name);

	if (vm && !vmctl_hold(vm, err, sizeof(err))) {
		sh_error("%s", err);
		return NULL;
	}
	return vm;
}

/* A consistent copy of a vCPU's state, taken while held. */
struct vcpu_snapshot {
	struct vmcb vmcb;
	struct guest_gprs gprs;
	bool halted;
	bool paused;
	bool fresh;         /* no exit since it started or was reset */
	uint32_t cpu;
	unsigned id;
	hpa_t vmcb_pa;
	const char *state;
};

static struct vcpu_snapshot snap;   /* 4 KiB: not on the stack */

static struct vm *snapshot(int argc, char **argv)
{
	struct vm *vm = sh_vm(argv[1]);
	unsigned id = 0;

	if (!vm || !sh_vcpu_index(vm, argc, argv, 2, &id))
		return NULL;
	struct vcpu *v = vm->vcpus[id];
	snap.id = id;
	snap.cpu = v->cpu;
	snap.vmcb_pa = v->vmcb_pa;
	/* A stopped VM: the state it stopped in. vCPU 0's is copied aside at
	 * the stop; the others' VMCBs are the vCPUs' own, no longer written. */
	if (vm_stopped(vm)) {
		if (id == 0 && vm->final_vmcb) {
			memcpy(&snap.vmcb, vm->final_vmcb, sizeof(snap.vmcb));
			snap.gprs = vm->final_gprs;
		} else {
			memcpy(&snap.vmcb, v->vmcb, sizeof(snap.vmcb));
			snap.gprs = v->gprs;
		}
		snap.halted = false;
		snap.paused = false;
		snap.fresh = false;
		snap.state = "stopped";
		return vm;
	}
	if (!(vm = hold_vm(argv[1])))
		return NULL;
	memcpy(&snap.vmcb, v->vmcb, sizeof(snap.vmcb));
	snap.gprs = v->gprs;
	snap.halted = v->state == VCPU_HALTED || v->state == VCPU_HALTED_NO_IRQ;
	snap.paused = vmctl_is_paused(vm);
	snap.fresh = vm_exit_stats_enabled && v->stats_before.total + v->stats.total == v->exits_at_start;
	snap.state = vcpu_state_name(v);
	vmctl_release(vm);
	return vm;
}

/* `vcpu NAME` first lists every vCPU: where it runs, its state, its exits. */
static void list_vcpus(struct vm *vm)
{
	sh_print("vm %s: %u vCPU%s\n", vm->cfg.name, vm->vcpu_count, vm->vcpu_count == 1 ? "" : "s");
	sh_print("  vcpu  cpu  state        exits\n");
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];
		sh_print("  %-5u %-4u %-10s %7llu\n", i, v->cpu, vm_stopped(vm) ? "stopped" : vcpu_state_name(v),
			 R(v->stats_before.total + v->stats.total));
	}
}

static const char *mode_name(const struct vmcb_save *s)
{
	if ((s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L))
		return "64-bit long mode";
	if (s->efer & EFER_LMA)
		return "compatibility mode";
	if (!(s->cr0 & 1))
		return "real mode";
	if (s->rflags & BIT(17))
		return "virtual-8086 mode";
	return (s->cs.attrib & VMCB_ATTR_DB) ? "32-bit protected mode" : "16-bit protected mode";
}

static void print_seg(const char *name, const struct vmcb_seg *g)
{
	sh_print("  %-4s sel 0x%04x base 0x%016llx limit 0x%08x attr 0x%03x\n", name, g->selector, R(g->base),
		 g->limit, g->attrib);
}

static void print_event(const char *what, uint64_t e)
{
	static const char *const types[8] = { "interrupt", "?", "NMI", "exception", "software interrupt",
					      "?", "?", "?" };
	if (!svm_event_valid(e)) {
		sh_print("  %-22s none\n", what);
		return;
	}
	sh_print("  %-22s vector %u (%s)%s 0x%x\n", what, svm_event_vector(e), types[svm_event_type(e) & 7],
		 (e & BIT(11)) ? " error code" : "", (unsigned)(e >> 32));
}

void cmd_vcpu(int argc, char **argv)
{
	struct vm *vm = snapshot(argc, argv);
	if (!vm)
		return;
	if (argc == 2)
		list_vcpus(vm);
	const struct vmcb_save *s = &snap.vmcb.save;
	const struct vmcb_control *c = &snap.vmcb.control;
	const struct guest_gprs *g = &snap.gprs;

	sh_print("vm %s vcpu %u on cpu%u: %s, %s, CPL %u\n", vm->cfg.name, snap.id, snap.cpu,
		 vm_stopped(vm) ? "stopped" : snap.paused ? vm_state_name(vm) : snap.state, mode_name(s), s->cpl);
	if (vm_stopped(vm))
		sh_print("  as it stopped: %s\n", vm->reason);
	sh_print("  RIP 0x%016llx  RSP 0x%016llx  RFLAGS 0x%016llx\n", R(s->rip), R(g->rsp), R(s->rflags));
	sh_print("  RAX 0x%016llx  RBX 0x%016llx  RCX 0x%016llx  RDX 0x%016llx\n", R(g->rax), R(g->rbx), R(g->rcx),
		 R(g->rdx));
	sh_print("  RSI 0x%016llx  RDI 0x%016llx  RBP 0x%016llx  R8  0x%016llx\n", R(g->rsi), R(g->rdi),
		 R(g->rbp), R(g->r8));
	sh_print("  R9  0x%016llx  R10 0x%016llx  R11 0x%016llx  R12 0x%016llx\n", R(g->r9), R(g->r10),
		 R(g->r11), R(g->r12));
	sh_print("  R13 0x%016llx  R14 0x%016llx  R15 0x%016llx\n", R(g->r13), R(g->r14), R(g->r15));
	sh_print("  CR0 0x%llx  CR2 0x%llx  CR3 0x%llx  CR4 0x%llx  CR8 0x%x  EFER 0x%llx\n", R(s->cr0), R(s->cr2),
		 R(s->cr3), R(s->cr4), c->int_ctl & INT_CTL_V_TPR_MASK, R(s->efer));
	print_seg("CS", &s->cs);
	print_seg("SS", &s->ss);
	print_seg("DS", &s->ds);
	print_seg("ES", &s->es);
	print_seg("FS", &s->fs);
	print_seg("GS", &s->gs);
	print_seg("TR", &s->tr);
	print_seg("LDTR", &s->ldtr);
	sh_print("  GDTR base 0x%016llx limit 0x%04x  IDTR base 0x%016llx limit 0x%04x\n", R(s->gdtr.base),
		 s->gdtr.limit, R(s->idtr.base), s->idtr.limit);
	sh_print("  DR6 0x%llx  DR7 0x%llx\n", R(s->dr6), R(s->dr7));
	sh_print("events:\n");
	print_event("pending injection", c->event_inj);
	print_event("interrupted delivery", c->exit_int_info);
	sh_print("  %-22s %s\n", "interrupt shadow", (c->int_state & INT_STATE_SHADOW) ? "yes" : "no");
	sh_print("  %-22s %s\n", "virtual interrupt", (c->int_ctl & INT_CTL_V_IRQ) ? "pending" : "none");
	sh_print("  %-22s %s\n", "halted (HLT)", snap.halted ? "yes" : "no");
	if (snap.fresh)
		sh_print("last exit: none since it (re)started\n");
	else
		sh_print("last exit: %s (0x%llx) info1 0x%llx info2 0x%llx\n", svm_exit_name(c->exit_code),
			 R(c->exit_code), R(c->exit_info_1), R(c->exit_info_2));
}

void cmd_vmcb(int argc, char **argv)
{
	struct vm *vm = snapshot(argc, argv);
	if (!vm)
		return;
	const struct vmcb_control *c = &snap.vmcb.control;
	const struct vmcb_save *s = &snap.vmcb.save;

	if (vm_stopped(vm))
		sh_print("vm %s vcpu %u VMCB as it stopped (%s)\n", vm->cfg.name, snap.id, vm->reason);
	else
		sh_print("vm %s vcpu %u VMCB at host-physical 0x%llx\n", vm->cfg.name, snap.id, R(snap.vmcb_pa));
	sh_print("control area:\n");
	sh_print("  intercept CR 0x%08x DR 0x%08x exceptions 0x%08x\n", c->intercept_cr, c->intercept_dr,
		 c->intercept_exceptions);
	sh_print("  intercept misc1 0x%08x misc2 0x%08x misc3 0x%08x\n", c->intercept_misc1, c->intercept_misc2,
		 c->intercept_misc3);
	sh_print("  pause filter count %u threshold %u\n", c->pause_filter_count, c->pause_filter_threshold);
	sh_print("  IOPM 0x%llx  MSRPM 0x%llx  TSC offset 0x%llx\n", R(c->iopm_base_pa), R(c->msrpm_base_pa),
		 R(c->tsc_offset));
	sh_print("  ASID %u  TLB control %u\n", c->guest_asid, c->tlb_control);
	sh_print("  int_ctl 0x%08x: V_TPR %u V_IRQ %u V_INTR_PRIO %u V_IGN_TPR %u V_INTR_MASKING %u; V_INTR_VECTOR 0x%x\n",
		 c->int_ctl, c->int_ctl & INT_CTL_V_TPR_MASK, !!(c->int_ctl & INT_CTL_V_IRQ),
		 (unsigned)((c->int_ctl & INT_CTL_V_INTR_PRIO_MASK) >> INT_CTL_V_INTR_PRIO_SHIFT),
		 !!(c->int_ctl & INT_CTL_V_IGN_TPR), !!(c->int_ctl & INT_CTL_V_INTR_MASKING),
		 c->int_vector & INT_VECTOR_MASK);
	sh_print("  int_state 0x%llx (interrupt shadow %s)\n", R(c->int_state),
		 (c->int_state & INT_STATE_SHADOW) ? "yes" : "no");
	if (snap.fresh)
		sh_print("  exit code: none since it (re)started\n");
	else
		sh_print("  exit code 0x%llx (%s) info1 0x%llx info2 0x%llx\n", R(c->exit_code),
			 svm_exit_name(c->exit_code), R(c->exit_info_1), R(c->exit_info_2));
	sh_print("  exit_int_info 0x%llx  event_inj 0x%llx\n", R(c->exit_int_info), R(c->event_inj));
	sh_print("  nested_ctl 0x%llx (NP %s)  nested CR3 0x%llx\n", R(c->nested_ctl),
		 (c->nested_ctl & NESTED_CTL_NP_ENABLE) ? "on" : "off", R(c->nested_cr3));
	sh_print("  virt_ext 0x%llx  clean 0x%x  next RIP 0x%llx  insn bytes %u\n", R(c->virt_ext), c->clean,
		 R(c->next_rip), c->insn_len);
	sh_print("save area:\n");
	print_seg("ES", &s->es);
	print_seg("CS", &s->cs);
	print_seg("SS", &s->ss);
	print_seg("DS", &s->ds);
	print_seg("FS", &s->fs);
	print_seg("GS", &s->gs);
	print_seg("GDTR", &s->gdtr);
	print_seg("LDTR", &s->ldtr);
	print_seg("IDTR", &s->idtr);
	print_seg("TR", &s->tr);
	sh_print("  CPL %u  EFER 0x%llx  CR0 0x%llx  CR2 0x%llx  CR3 0x%llx  CR4 0x%llx\n", s->cpl, R(s->efer),
		 R(s->cr0), R(s->cr2), R(s->cr3), R(s->cr4));
	sh_print("  DR6 0x%llx  DR7 0x%llx  RFLAGS 0x%llx  RIP 0x%llx  RSP 0x%llx  RAX 0x%llx\n", R(s->dr6),
		 R(s->dr7), R(s->rflags), R(s->rip), R(snap.gprs.rsp), R(snap.gprs.rax));
	sh_print("  STAR 0x%llx  LSTAR 0x%llx  CSTAR 0x%llx  SFMASK 0x%llx  KernelGSbase 0x%llx\n", R(s->star),
		 R(s->lstar), R(s->cstar), R(s->sfmask), R(s->kernel_gs_base));
	sh_print("  SYSENTER CS 0x%llx ESP 0x%llx EIP 0x%llx\n", R(s->sysenter_cs), R(s->sysenter_esp),
		 R(s->sysenter_eip));
	sh_print("  G_PAT 0x%llx  DBGCTL 0x%llx  SPEC_CTRL 0x%llx\n", R(s->g_pat), R(s->dbgctl), R(s->spec_ctrl));
}

/* ---- memory ------------------------------------------------------------------ */

#define MEM_DEFAULT_LEN 64
#define MEM_MAX_LEN 4096

static bool read64(void *ctx, gpa_t gpa, uint64_t *val) { return vm_read_gpa(ctx, gpa, val, 8); }
static bool read32(void *ctx, gpa_t gpa, uint32_t *val) { return vm_read_gpa(ctx, gpa, val, 4); }

static const char *level_name(int level, bool legacy32)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4", "PML5" };
	if (legacy32 && level == 2)
		return "PD";
	return level >= 1 && level <= 5 ? names[level] : "?";
}

/* The entry's index in its table, by paging mode (APM Vol. 2, 5.3-5.4). */
static unsigned walk_index(uint64_t gva, int level, bool legacy32, bool pae32)
{
	if (legacy32)
		return (unsigned)((gva >> (level == 2 ? 22 : 12)) & 0x3ff);
	if (pae32 && level == 3)
		return (unsigned)((gva >> 30) & 3);
	return (unsigned)((gva >> (12 + 9 * (level - 1))) & 0x1ff);
}

/* What `mem` copies while it holds the VM: the walk and the bytes. It
 * prints after letting the VM go, so a slow serial line never keeps a
 * guest off its CPU for longer than the copy. */
static struct mem_copy {
	struct guest_paging paging;
	struct walk_step steps[WALK_MAX_STEPS];
	int nsteps;
	enum walk_result walk;      /* of the first address (gva: only) */
	gpa_t first_gpa;
	uint8_t bytes[MEM_MAX_LEN];
	uint64_t got;               /* bytes copied before a failure */
	bool no_ram, no_translation;
	uint64_t fail_addr;         /* the gpa outside RAM, or the gva that did not translate */
} mc;

static void copy_guest_memory(struct vm *vm, uint64_t addr, uint64_t len, bool virt)
{
	const struct vmcb_save *s = &vm->vcpus[0]->vmcb->save;

	mc.paging = (struct guest_paging){ .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };
	mc.got = 0;
	mc.no_ram = mc.no_translation = false;
	mc.nsteps = 0;
	mc.walk = WALK_OK;
	mc.first_gpa = addr;
	if (virt) {
		mc.walk = guest_walk(&mc.paging, addr, read64, read32, vm, &mc.first_gpa, mc.steps, &mc.nsteps);
		if (mc.walk != WALK_OK)
			return;
	}
	/* Page by page: in a gva dump each page is translated on its own. */
	while (mc.got < len) {
		uint64_t at = addr + mc.got;
		uint64_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		gpa_t gpa = mc.got ? at : mc.first_gpa;
		if (chunk > len - mc.got)
			chunk = len - mc.got;
		if (virt && mc.got && guest_walk(&mc.paging, at, read64, read32, vm, &gpa, NULL, NULL) != WALK_OK) {
			mc.no_translation = true;
			mc.fail_addr = at;
			return;
		}
		if (!vm_read_gpa(vm, gpa, mc.bytes + mc.got, chunk)) {
			mc.no_ram = true;
			mc.fail_addr = gpa;
			return;
		}
		mc.got += chunk;
	}
}

static void print_walk(uint64_t gva)
{
	const struct guest_paging *p = &mc.paging;
	bool paging = p->cr0 & BIT(31), lma = p->efer & EFER_LMA, pae = p->cr4 & BIT(5);
	bool legacy32 = paging && !pae, pae32 = paging && pae && !lma;

	sh_print("gva 0x%llx: %s, CR3 0x%llx\n", R(gva),
		 !paging ? "paging off" : lma ? ((p->cr4 & BIT(12)) ? "5-level paging" : "4-level paging")
		 : pae ? "PAE paging" : "32-bit paging", R(p->cr3));
	for (int i = 0; i < mc.nsteps; i++)
		sh_print("  %-4s table 0x%llx [%u] = 0x%016llx\n", level_name(mc.steps[i].level, legacy32),
			 R(mc.steps[i].table_gpa), walk_index(gva, mc.steps[i].level, legacy32, pae32),
			 R(mc.steps[i].entry));
	if (mc.walk == WALK_OK)
		sh_print("  -> gpa 0x%llx\n", R(mc.first_gpa));
}

static void print_dump(uint64_t addr, bool virt)
{
	for (uint64_t off = 0; off < mc.got; off += 16) {
		unsigned n = (unsigned)(mc.got - off < 16 ? mc.got - off : 16);
		const uint8_t *b = mc.bytes + off;
		char hex[16 * 3 + 1], text[17];
		for (unsigned i = 0; i < 16; i++) {
			hv_snprintf(hex + i * 3, 4, i < n ? "%02x " : "   ", i < n ? b[i] : 0);
			text[i] = i < n ? (b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.') : ' ';
		}
		text[16] = '\0';
		sh_print("%s%016llx: %s |%s|\n", virt ? "gva " : "", R(addr + off), hex, text);
	}
}

/* "0x0-0xbfffffff, 0x100000000-0x13fffffff": the guest's RAM, for errors. */
static const char *ram_ranges(const struct vm *vm)
{
	static char buf[96];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < vm->slot_count && used < sizeof(buf); i++)
		used += (size_t)hv_snprintf(buf + used, sizeof(buf) - used, "%s0x%llx-0x%llx", i ? ", " : "",
					    R(vm->slots[i].gpa), R(vm->slots[i].gpa + vm->slots[i].size - 1));
	if (!vm->slot_count)
		hv_snprintf(buf, sizeof(buf), "%llu MiB, given back", R(vm->cfg.mem_size / MiB));
	return buf;
}

void cmd_mem(int argc, char **argv)
{
	uint64_t addr, len = MEM_DEFAULT_LEN;
	bool virt;

	if (argc == 1) {
		cmd_host_mem();
		return;
	}
	if (argc == 2) {
		sh_error("mem takes [NAME GPA|gva:ADDR [LEN]] (missing arguments)");
		return;
	}
	struct vm *vm = sh_vm(argv[1]);
	if (!vm)
		return;
	const char *a = argv[2];
	virt = strncmp(a, "gva:", 4) == 0;
	if (!sh_number(virt ? a + 4 : a, &addr, virt ? "the guest-virtual address" : "the guest-physical address"))
		return;
	if (argc == 4 && !sh_number(argv[3], &len, "the length"))
		return;
	if (len == 0 || len > MEM_MAX_LEN) {
		sh_error("length %llu: from 1 to %u bytes", R(len), MEM_MAX_LEN);
		return;
	}
	/* A VM whose memory is given back gets that error from the hold. */
	if (!virt && !vm->destroyed && !gmem_is_ram(vm, addr, len)) {
		sh_error("gpa 0x%llx+%llu is not all in the guest's RAM (%s)", R(addr), R(len), ram_ranges(vm));
		return;
	}
	if (!(vm = hold_vm(argv[1])))
		return;
	copy_guest_memory(vm, addr, len, virt);
	vmctl_release(vm);
	const char *ramstr = ram_ranges(vm);
	if (virt)
		print_walk(addr);
	print_dump(addr, virt);
	if (mc.walk != WALK_OK)
		sh_error("gva 0x%llx does not translate: %s", R(addr), walk_result_name(mc.walk));
	else if (mc.no_translation)
		sh_error("gva 0x%llx does not translate", R(mc.fail_addr));
	else if (mc.no_ram)
		sh_error("gpa 0x%llx is outside the guest's RAM (%s)", R(mc.fail_addr), ramstr);
}

void cmd_npt(int argc, char **argv)
{
	struct hpt_step steps[HPT_WALK_MAX];
	uint64_t gpa;
	bool mapped;
	(void)argc;

	struct vm *vm = sh_vm(argv[1]);
	if (!vm || !sh_number(argv[2], &gpa, "the guest-physical address"))
		return;
	if (gpa >> 48) {
		sh_error("gpa 0x%llx is beyond 48 bits", R(gpa));
		return;
	}
	if (!(vm = hold_vm(argv[1])))
		return;
	int n = hpt_walk(&vm->npt, gpa, steps, &mapped);
	vmctl_release(vm);
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4" };
	sh_print("vm %s gpa 0x%llx: nested CR3 0x%llx\n", vm->cfg.name, R(gpa), R(steps[0].table_pa));
	for (int i = 0; i < n; i++) {
		uint64_t e = steps[i].entry;
		sh_print("  %-4s table 0x%llx [%u] = 0x%016llx%s%s%s%s%s\n", names[steps[i].level], R(steps[i].table_pa),
			 steps[i].index, R(e), (e & 1) ? " P" : " not present", (e & 2) ? " W" : "", (e & 4) ? " U" : "",
			 (e & BIT(7)) ? " PS" : "", (e & BIT(63)) ? " NX" : "");
	}
	if (!mapped) {
		sh_print("  -> not mapped: an access would exit with NPF\n");
		return;
	}
	const struct hpt_step *leaf = &steps[n - 1];
	uint64_t size = 4096ull << (9 * (leaf->level - 1));
	uint64_t hpa = (leaf->entry & 0x000ffffffffff000ull & ~(size - 1)) | (gpa & (size - 1));
	sh_print("  -> hpa 0x%llx (%s page, %s%s)\n", R(hpa),
		 size == GiB ? "1 GiB" : size == 2 * MiB ? "2 MiB" : "4 KiB", (leaf->entry & 2) ? "read-write" : "read-only",
		 (leaf->entry & BIT(63)) ? ", no execute" : ", executable");
}

/* ---- exits ------------------------------------------------------------------- */

void cmd_exits(int argc, char **argv)
{
	struct vm *vm = sh_vm(argv[1]);
	if (!vm)
		return;
	if (argc == 3) {
		if (strcmp(argv[2], "reset") != 0) {
			sh_error("exits NAME [reset]: '%s' is not 'reset'", argv[2]);
			return;
		}
		/* A stopped VM's counters have no writer left; a live one's
		 * CPU must be kept off them while they move. */
		bool stopped = vm_stopped(vm);
		if (!stopped && !(vm = hold_vm(argv[1])))
			return;
		for (unsigned k = 0; k < vm->vcpu_count; k++) {
			exit_stats_merge(&vm->vcpus[k]->stats_before, &vm->vcpus[k]->stats);
			exit_stats_clear(&vm->vcpus[k]->stats);
		}
		if (!stopped)
			vmctl_release(vm);
		sh_print("vm %s: exit counts since the last reset cleared\n", vm->cfg.name);
		return;
	}
	/* Counters are written by the VM's CPU as we read: each value is a
	 * whole 64-bit word, the table as a whole is a moment or two apart. */
	static struct exit_stats recent, total;
	exit_stats_clear(&recent);
	exit_stats_clear(&total);
	for (unsigned k = 0; k < vm->vcpu_count; k++) {
		exit_stats_merge(&recent, &vm->vcpus[k]->stats);
		exit_stats_merge(&total, &vm->vcpus[k]->stats_before);
	}
	exit_stats_merge(&total, &recent);
	sh_print("vm %s: %llu exits since boot, %llu since the last reset (reset %u time%s); cycles are TSC ticks in the hypervisor per exit\n",
		 vm->cfg.name, R(total.total), R(recent.total), vm->reset_count, vm->reset_count == 1 ? "" : "s");
	sh_print("reason            since-boot   mean-cyc    max-cyc | since-reset   mean-cyc    max-cyc\n");
	static unsigned order[EXIT_STATS_SLOTS];
	unsigned n = exit_stats_busiest(&total, NULL, order, EXIT_STATS_SLOTS);
	for (unsigned k = 0; k < n; k++) {
		const struct exit_stat *t = &total.slot[order[k]], *r = &recent.slot[order[k]];
		const char *name = exit_stats_slot_name(order[k], svm_exit_name);
		sh_print("%-16s %11llu %10llu %10llu | %11llu %10llu %10llu\n", name, R(t->count),
			 R(t->cycles / t->count), R(t->max_cycles), R(r->count), R(r->count ? r->cycles / r->count : 0),
			 R(r->max_cycles));
	}
	if (!total.total)
		sh_print("(no exits yet)\n");
}

/* ---- life ---------------------------------------------------------------------- */

static struct vm *running_vm(const char *name)
{
	struct vm *vm = sh_vm(name);

	if (vm && vm_stopped(vm)) {
		sh_error("vm %s has stopped", vm->cfg.name);
		return NULL;
	}
	return vm;
}

void cmd_pause(int argc, char **argv)
{
	char err[120];
	(void)argc;
	struct vm *vm = running_vm(argv[1]);

	if (!vm)
		return;
	if (vmctl_is_paused(vm)) {
		sh_error("vm %s is already paused", vm->cfg.name);
		return;
	}
	if (!vmctl_pause(vm, err, sizeof(err))) {
		sh_error("%s (it stays marked paused; resume undoes it)", err);
		return;
	}
	/* It may have stopped on its own meanwhile: read it under a hold. */
	if (!vmctl_hold(vm, err, sizeof(err))) {
		sh_error("%s", err);
		return;
	}
	uint64_t rip = vm->vcpus[0]->vmcb->save.rip;
	bool stopped = vm_stopped(vm);
	vmctl_release(vm);
	if (stopped)
		sh_error("vm %s stopped before it could be paused", vm->cfg.name);
	else
		sh_print("vm %s paused at RIP 0x%llx\n", vm->cfg.name, R(rip));
}

void cmd_resume(int argc, char **argv)
{
	(void)argc;
	struct vm *vm = running_vm(argv[1]);

	if (!vm)
		return;
	if (!vmctl_is_paused(vm)) {
		sh_error("vm %s is not paused", vm->cfg.name);
		return;
	}
	vmctl_resume(vm);
	sh_print("vm %s resumed\n", vm->cfg.name);
}

void cmd_reset(int argc, char **argv)
{
	(void)argc;
	struct vm *vm = sh_vm(argv[1]);

	char err[120];

	if (!vm)
		return;
	/* A stopped VM's RAM and nested page tables are given back, and its
	 * vCPUs have left their CPUs' run queues, which are only filled at
	 * start: rebuilding it would need the scheduler to take vCPUs later. */
	if (vm_stopped(vm)) {
		sh_error("vm %s has stopped (%s); a stopped VM cannot be restarted yet", vm->cfg.name,
			 vm->reason);
		return;
	}
	if (!vmctl_reset(vm, err, sizeof(err))) {
		sh_error("%s", err);
		return;
	}
	sh_print("vm %s: reset requested%s\n", vm->cfg.name,
		 vmctl_is_paused(vm) ? " (it stays paused until resume)" : "");
}

void cmd_stop(int argc, char **argv)
{
	(void)argc;
	struct vm *vm = running_vm(argv[1]);

	char err[120];

	if (!vm)
		return;
	if (!vmctl_stop(vm, err, sizeof(err))) {
		sh_error("%s", err);
		return;
	}
	sh_print("vm %s: stop requested\n", vm->cfg.name);
}

/* The board's power button (hv/vdev/vacpi_pm.h): PWRBTN_STS and an SCI if
 * the guest enabled it, else nothing (QEMU drops the press); the guest
 * decides what follows. The model locks itself; the shell runs with host
 * interrupts off, as an exit handler. */
void cmd_powerbtn(int argc, char **argv)
{
	(void)argc;
	struct vm *vm = running_vm(argv[1]);

	if (!vm)
		return;
	if (vacpi_pm_power_button(&vm->board.pm))
		sh_print("vm %s: power button pressed\n", vm->cfg.name);
	else
		sh_print("vm %s: power button pressed; dropped: the guest has not enabled it (PWRBTN_EN)\n",
			 vm->cfg.name);
}

/* ---- console ------------------------------------------------------------------- */

void cmd_console(int argc, char **argv)
{
	char err[96];

	if (argc == 1) {
		struct vm *f = console_focus();
		sh_print("console input goes to %s%s\n", f ? "vm " : "the shell", f ? f->cfg.name : "");
		return;
	}
	struct vm *vm = sh_vm(argv[1]);
	if (vm && !console_set_focus(vm, err, sizeof(err)))
		sh_error("%s", err);
}

/* The replay comes in pieces; lines are printed whole, so another CPU's
 * line never lands in the middle of one. */
struct log_lines { char line[VCONSOLE_LINE_MAX]; size_t len; };

static void log_out(void *ctx, const char *s, size_t len)
{
	struct log_lines *l = ctx;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n')
			l->line[l->len++] = s[i];
		if (s[i] == '\n' || l->len == sizeof(l->line)) {
			sh_print("%.*s\n", (int)l->len, l->line);
			l->len = 0;
		}
	}
}

void cmd_log(int argc, char **argv)
{
	(void)argc;
	struct vm *vm = sh_vm(argv[1]);
	static struct log_lines lines;

	if (!vm)
		return;
	if (!vm->con.ring) {
		sh_error("vm %s keeps no output history (no memory for its ring)", vm->cfg.name);
		return;
	}
	uint64_t all = vm->con.written;
	sh_print("--- log %s: last %llu of %llu bytes ---\n", vm->cfg.name,
		 R(all < VCONSOLE_RING_SIZE ? all : VCONSOLE_RING_SIZE), R(all));
	lines.len = 0;
	vconsole_replay(&vm->con, log_out, &lines);
	if (lines.len)
		sh_print("%.*s\n", (int)lines.len, lines.line);
	sh_print("--- end of log %s ---\n", vm->cfg.name);
}

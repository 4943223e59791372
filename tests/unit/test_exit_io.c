/* tests/unit/test_exit_io.c - handle_ioio() (hv/exit_io.c), the real one, on a
 * fake vCPU: IN/OUT into RAX, and the string-I/O decisions of INS/OUTS
 * (addresses, address sizes, segments, REP batches, faults, stops, CPL,
 * single-step). The I/O bus and the instruction decoder are the real ones;
 * guest memory, event injection and VM stop are the test's stand-ins.
 */
/* UNIT_SRC: hv/exit_io.c hv/vdev/iobus.c hv/emulate/insn_len.c */
#include <stdarg.h>
#include <stdlib.h>
#include "test.h"
#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"

/* ---- the fake vCPU --------------------------------------------------------- */

static struct vm vm;
static struct vcpu vcpu;
static struct vmcb vmcb;
struct svm_info svm;          /* features 0: no decode assists (QEMU) */

#define RIP0     0x401000ull
#define DEV_PORT 0x510        /* the test device: 8 ports */
#define DEV_LEN  8

static enum cpu_mode mode;
static uint8_t insn[INSN_MAX_LEN];
static size_t insn_n;
static unsigned fetches;

/* The bytes vcpu_fetch_insn() returns; exit_info_2 (next RIP) follows them. */
static void set_insn(const uint8_t *b, size_t n)
{
	memcpy(insn, b, n);
	insn_n = n;
	vmcb.control.exit_info_2 = RIP0 + n;
}
#define INSN(...) do { const uint8_t _b[] = { __VA_ARGS__ }; set_insn(_b, sizeof(_b)); } while (0)

size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN])
{
	(void)v;
	fetches++;
	memcpy(bytes, insn, insn_n);
	return insn_n;
}
enum cpu_mode vcpu_cpu_mode(const struct vcpu *v) { (void)v; return mode; }

/* ---- events and stops, recorded ---------------------------------------------- */

struct injection { uint8_t vector; bool has_error; uint32_t error; bool pf; uint64_t cr2; };
static struct injection inj[8];
static unsigned ninj, traps, stops;
static char stop_reason[256];

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	(void)v;
	if (ninj < ARRAY_SIZE(inj))
		inj[ninj] = (struct injection){ vector, has_error, error, false, 0 };
	ninj++;
}
void vcpu_inject_page_fault(struct vcpu *v, uint64_t cr2, uint32_t error)
{
	(void)v;
	if (ninj < ARRAY_SIZE(inj))
		inj[ninj] = (struct injection){ X86_EXC_PF, true, error, true, cr2 };
	ninj++;
}
void vcpu_single_step_trap(struct vcpu *v) { (void)v; traps++; }

/* First cause wins, as the real one; vm_stop_pending() reads stop_cause. */
void vm_request_stop(struct vm *m, enum vm_stop_cause cause, const char *fmt, ...)
{
	stops++;
	if (m->stop_cause != VM_STOP_NONE)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(stop_reason, sizeof(stop_reason), fmt, ap);
	va_end(ap);
	m->stop_cause = cause;
}

/* ---- guest linear memory, with a fault map ------------------------------------- */

#define PAGE 4096ull
#define MAX_PAGES 32
static struct { uint64_t lin; uint8_t b[PAGE]; } pages[MAX_PAGES];
static unsigned npages;

static uint8_t *byte_at(uint64_t lin)
{
	uint64_t pg = lin & ~(PAGE - 1);
	for (unsigned i = 0; i < npages; i++)
		if (pages[i].lin == pg)
			return &pages[i].b[lin - pg];
	if (npages == MAX_PAGES) {
		fprintf(stderr, "test bug: more than %d guest pages\n", MAX_PAGES);
		abort();
	}
	pages[npages].lin = pg;
	memset(pages[npages].b, 0, PAGE);
	return &pages[npages++].b[lin - pg];
}
static void mem_put(uint64_t lin, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*byte_at(lin + i) = ((const uint8_t *)src)[i];
}
static uint8_t mem8(uint64_t lin) { return *byte_at(lin); }
static uint16_t mem16(uint64_t lin) { return (uint16_t)(mem8(lin) | mem8(lin + 1) << 8); }

/* A page that does not translate: result, with pf_error (#PF) or gpa (not RAM). */
static struct { uint64_t page; enum gmem_result r; uint32_t pf_error; gpa_t gpa; } faults[8];
static unsigned nfaults;
static void fault_page(uint64_t page, enum gmem_result r, uint32_t pf_error, gpa_t gpa)
{
	faults[nfaults++] = (typeof(faults[0])){ page, r, pf_error, gpa };
}

/* Every call, as handle_ioio made it. */
struct access { uint64_t lin; size_t len; unsigned flags; bool check_only; };
static struct access acc[2048];
static unsigned nacc;

static bool canonical(uint64_t lin) { return (uint64_t)((int64_t)(lin << 16) >> 16) == lin; }

enum gmem_result vcpu_access_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len, unsigned access,
				    struct gmem_fault *fault)
{
	(void)v;
	if (nacc < ARRAY_SIZE(acc))
		acc[nacc] = (struct access){ lin, len, access, buf == NULL };
	nacc++;
	if (mode == CPU_MODE_LONG64 && (!canonical(lin) || !canonical(lin + len - 1)))
		return GMEM_NONCANONICAL;
	/* Both pages of a crossing access are translated before anything moves. */
	for (uint64_t pg = lin & ~(PAGE - 1); pg <= ((lin + len - 1) & ~(PAGE - 1)); pg += PAGE)
		for (unsigned i = 0; i < nfaults; i++)
			if (faults[i].page == pg) {
				uint64_t at = pg > lin ? pg : lin;
				fault->lin = at;
				fault->gpa = faults[i].gpa + (at - pg);
				fault->pf_error = faults[i].pf_error;
				return faults[i].r;
			}
	if (buf) {
		for (size_t i = 0; i < len; i++) {
			if (access & GUEST_ACCESS_WRITE)
				*byte_at(lin + i) = ((uint8_t *)buf)[i];
			else
				((uint8_t *)buf)[i] = *byte_at(lin + i);
		}
	}
	return GMEM_OK;
}

/* ---- the test device: logs every access, reads a known sequence ---------------- */

struct dev_access { bool write; uint16_t off; unsigned size; uint32_t val; };
static struct {
	unsigned reads, writes;
	struct dev_access log[1024];
	unsigned n;
	uint32_t read_val, read_step;   /* reads return read_val, read_val + step, ... */
	unsigned stop_at;               /* this access (1-based) stops the VM; 0: never */
} dev;

static void dev_log(bool write, uint16_t off, unsigned size, uint32_t val)
{
	if (dev.n < ARRAY_SIZE(dev.log))
		dev.log[dev.n] = (struct dev_access){ write, off, size, val };
	dev.n++;
	if (dev.stop_at && dev.n == dev.stop_at)
		vm_request_stop(&vm, VM_STOP_EXIT_CODE, "exit code %u", 3u);
}
static uint32_t dev_read(void *d, struct vcpu *who, uint16_t off, unsigned size)
{
	(void)d;
	EXPECT_TRUE(who == &vcpu);   /* the accessing vCPU reaches the model */
	uint32_t val = dev.read_val + dev.reads * dev.read_step;
	dev.reads++;
	dev_log(false, off, size, val);
	return val;
}
static void dev_write(void *d, struct vcpu *who, uint16_t off, unsigned size, uint32_t val)
{
	(void)d;
	EXPECT_TRUE(who == &vcpu);
	dev.writes++;
	dev_log(true, off, size, val);
}
static const struct pio_ops dev_ops = { "testdev", dev_read, dev_write, NULL };

/* ---- driving it ------------------------------------------------------------------ */

static void setup(enum cpu_mode m)
{
	memset(&vm, 0, sizeof(vm));
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&dev, 0, sizeof(dev));
	vcpu.vm = &vm;
	vcpu.vmcb = &vmcb;
	vm.vcpus[0] = &vcpu;
	vm.vcpu_count = 1;
	iobus_init(&vm.iobus);
	if (iobus_register(&vm.iobus, DEV_PORT, DEV_LEN, &dev_ops, &dev) != 0)
		abort();
	svm.features = 0;
	mode = m;
	vmcb.save.rip = RIP0;
	vmcb.save.rflags = RFLAGS_FIXED;
	insn_n = 0;
	fetches = 0;
	vmcb.control.exit_info_2 = RIP0 + 1;
	ninj = traps = stops = 0;
	stop_reason[0] = '\0';
	npages = nfaults = nacc = 0;
}

static uint64_t io(uint16_t port, unsigned size, uint64_t flags)
{
	uint64_t sz = size == 1 ? IOIO_SZ8 : size == 2 ? IOIO_SZ16 : IOIO_SZ32;
	return ((uint64_t)port << IOIO_PORT_SHIFT) | sz | flags;
}
#define STR_IN  (IOIO_STR | IOIO_TYPE_IN)
#define STR_OUT IOIO_STR

static enum exit_action run(uint64_t info1)
{
	/* vcpu_in_long_mode64() reads EFER.LMA and CS.L: make them say `mode`. */
	if (mode == CPU_MODE_LONG64) {
		vmcb.save.efer |= EFER_LMA;
		vmcb.save.cs.attrib |= VMCB_ATTR_L;
	} else {
		vmcb.save.efer &= ~EFER_LMA;
		vmcb.save.cs.attrib &= (uint16_t)~VMCB_ATTR_L;
	}
	vmcb.control.exit_info_1 = info1;
	return handle_ioio(&vcpu);
}
static uint64_t next_rip(void) { return vmcb.control.exit_info_2; }

/* ---- IN / OUT ------------------------------------------------------------------------ */

static void test_in_merges_into_rax(void)
{
	setup(CPU_MODE_LONG64);
	dev.read_val = 0xa1b2c3d4;
	vmcb.control.exit_info_2 = RIP0 + 2;
	vmcb.control.int_state = INT_STATE_SHADOW;

	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x11223344556677d4ull);          /* AL only */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(vmcb.control.int_state & INT_STATE_SHADOW, 0);   /* the shadow is over */

	vmcb.save.rip = RIP0;
	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT + 2, 2, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x112233445566c3d4ull);          /* AX only */

	vmcb.save.rip = RIP0;
	vcpu.gprs.rax = 0x1122334455667788ull;
	EXPECT_EQ(run(io(DEV_PORT + 4, 4, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0xa1b2c3d4ull);                  /* EAX zero-extends */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);

	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(dev.log[0].off, 0); EXPECT_EQ(dev.log[0].size, 1);
	EXPECT_EQ(dev.log[1].off, 2); EXPECT_EQ(dev.log[1].size, 2);
	EXPECT_EQ(dev.log[2].off, 4); EXPECT_EQ(dev.log[2].size, 4);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(fetches, 0);       /* IN/OUT never decode: exit_info_2 is the next RIP */
	EXPECT_EQ(ninj + traps + stops, 0);
}

static void test_out_passes_masked_value(void)
{
	setup(CPU_MODE_LONG64);
	vcpu.gprs.rax = 0xdeadbeefcafef00dull;
	EXPECT_EQ(run(io(DEV_PORT + 1, 1, 0)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, next_rip());
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT + 2, 2, 0)), EXIT_RESUME);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT + 4, 4, 0)), EXIT_RESUME);

	EXPECT_EQ(dev.writes, 3);
	EXPECT_TRUE(dev.log[0].write);
	EXPECT_EQ(dev.log[0].off, 1); EXPECT_EQ(dev.log[0].size, 1); EXPECT_EQ(dev.log[0].val, 0x0d);
	EXPECT_EQ(dev.log[1].off, 2); EXPECT_EQ(dev.log[1].size, 2); EXPECT_EQ(dev.log[1].val, 0xf00d);
	EXPECT_EQ(dev.log[2].off, 4); EXPECT_EQ(dev.log[2].size, 4); EXPECT_EQ(dev.log[2].val, 0xcafef00d);
	EXPECT_EQ(vcpu.gprs.rax, 0xdeadbeefcafef00dull);
	EXPECT_EQ(nacc, 0);
}

static void test_unclaimed_port(void)
{
	setup(CPU_MODE_PROT32);
	vcpu.gprs.rax = 0x12345678ull;
	EXPECT_EQ(run(io(0x1234, 2, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rax, 0x1234ffffull);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(0x1234, 1, 0)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, next_rip());
	EXPECT_EQ(dev.n, 0);
}

/* ---- INS / OUTS: one element ----------------------------------------------------------- */

static void test_outsb_follows_rsi_and_df(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6e);                               /* OUTSB */
	vmcb.save.ds.base = 0x10000;
	mem_put(0x10100, "\x5a", 1);
	mem_put(0x100ff, "\xa5", 1);
	vcpu.gprs.rsi = 0x100;
	vcpu.gprs.rcx = 0x55;                     /* not REP: RCX is not looked at */

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 1);
	EXPECT_EQ(dev.log[0].val, 0x5a);
	EXPECT_EQ(vcpu.gprs.rsi, 0x101);
	EXPECT_EQ(vcpu.gprs.rcx, 0x55);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 1);
	EXPECT_EQ(nacc, 1);
	EXPECT_EQ(acc[0].lin, 0x10100); EXPECT_EQ(acc[0].len, 1); EXPECT_EQ(acc[0].flags, 0);
	EXPECT_TRUE(!acc[0].check_only);

	/* DF=1 counts down. */
	vmcb.save.rip = RIP0;
	vmcb.save.rflags |= RFLAGS_DF;
	vcpu.gprs.rsi = 0x100;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rsi, 0xff);
	vmcb.save.rip = RIP0;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(vcpu.gprs.rsi, 0xfe);
	EXPECT_EQ(dev.writes, 3);
	EXPECT_EQ(dev.log[1].val, 0x5a);
	EXPECT_EQ(dev.log[2].val, 0xa5);
	EXPECT_EQ(acc[2].lin, 0x100ff);
	EXPECT_EQ(ninj + stops, 0);
}

static void test_insb_insw_follow_rdi_and_df(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6c);                               /* INSB */
	vmcb.save.es.base = 0x20000;
	vmcb.save.ds.base = 0x30000;              /* not INS's segment */
	vcpu.gprs.rdi = 0x40;
	dev.read_val = 0x77;

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 1);
	EXPECT_EQ(mem8(0x20040), 0x77);
	EXPECT_EQ(vcpu.gprs.rdi, 0x41);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 1);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x20040); EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(acc[0].check_only);           /* the check before the port read */
	EXPECT_EQ(acc[1].lin, 0x20040); EXPECT_EQ(acc[1].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(!acc[1].check_only);

	/* INSW with DF=1: two bytes, RDI down by two. */
	INSN(0x66, 0x6d);
	vmcb.save.rip = RIP0;
	vmcb.save.rflags |= RFLAGS_DF;
	dev.read_val = 0xbeef;
	dev.reads = 0;
	EXPECT_EQ(run(io(DEV_PORT, 2, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(mem16(0x20041), 0xbeef);
	EXPECT_EQ(vcpu.gprs.rdi, 0x3f);
	EXPECT_EQ(acc[3].len, 2);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

/* ---- REP ---------------------------------------------------------------------------------- */

static void test_rep_outsb_whole_count(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 5;
	mem_put(0x5000, "hello", 5);

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 5);
	for (unsigned i = 0; i < 5; i++)
		EXPECT_EQ(dev.log[i].val, (uint8_t)"hello"[i]);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x5005);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(traps, 0);
}

static void test_rep_insw_df1(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x66, 0x6d);                   /* REP INSW */
	vmcb.save.rflags |= RFLAGS_DF;
	vcpu.gprs.rdi = 0x6006;
	vcpu.gprs.rcx = 3;
	dev.read_val = 0x1111;
	dev.read_step = 0x1111;

	EXPECT_EQ(run(io(DEV_PORT, 2, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(mem16(0x6006), 0x1111);
	EXPECT_EQ(mem16(0x6004), 0x2222);
	EXPECT_EQ(mem16(0x6002), 0x3333);
	EXPECT_EQ(vcpu.gprs.rdi, 0x6000);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);
}

static void test_rep_in_batches_of_256(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x8000;
	vcpu.gprs.rcx = 600;
	for (unsigned i = 0; i < 600; i++) {
		uint8_t b = (uint8_t)(i * 7);
		mem_put(0x8000 + i, &b, 1);
	}
	uint64_t info1 = io(DEV_PORT, 1, STR_OUT | IOIO_REP);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 256);
	EXPECT_EQ(vcpu.gprs.rcx, 344);
	EXPECT_EQ(vcpu.gprs.rsi, 0x8100);
	EXPECT_EQ(vmcb.save.rip, RIP0);           /* stays on the instruction */

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 512);
	EXPECT_EQ(vcpu.gprs.rcx, 88);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 600);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x8000 + 600);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	unsigned bad = 0;
	for (unsigned i = 0; i < 600; i++)
		bad += dev.log[i].val != (uint8_t)(i * 7);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(traps + ninj + stops, 0);
}

static void test_rep_with_zero_count(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rcx = 0;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);

	/* 16-bit addressing counts with CX: 0x10000 is zero. */
	setup(CPU_MODE_REAL);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rcx = 0x10000;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
	EXPECT_EQ(vcpu.gprs.rcx, 0x10000);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);
}

/* ---- address sizes ------------------------------------------------------------------------- */

static void test_addr16_real_mode_wraps_si_and_cx(void)
{
	setup(CPU_MODE_REAL);
	INSN(0xf3, 0x6e);
	vmcb.save.ds.base = 0x12340;
	vcpu.gprs.rsi = 0xabcd00001234ffffull;
	vcpu.gprs.rcx = 0x7777000000010002ull;    /* CX = 2 */
	mem_put(0x12340 + 0xffff, "\x11", 1);
	mem_put(0x12340, "\x22", 1);

	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x2233f);
	EXPECT_EQ(acc[1].lin, 0x12340);           /* SI wrapped to 0 */
	EXPECT_EQ(dev.log[0].val, 0x11);
	EXPECT_EQ(dev.log[1].val, 0x22);
	EXPECT_EQ(vcpu.gprs.rsi, 0xabcd000012340001ull);   /* only SI moves */
	EXPECT_EQ(vcpu.gprs.rcx, 0x7777000000010000ull);   /* only CX counts */
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

static void test_addr_size_prefix_67(void)
{
	/* 32-bit code, 0x67: 16-bit addresses. */
	setup(CPU_MODE_PROT32);
	INSN(0x67, 0x6e);
	vmcb.save.ds.base = 0x40000;
	vcpu.gprs.rsi = 0x0001ffff;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x4ffff);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00010000);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);

	setup(CPU_MODE_PROT32);
	INSN(0x67, 0xf3, 0x6c);
	vmcb.save.es.base = 0x50000;
	vcpu.gprs.rdi = 0x0003fffe;
	vcpu.gprs.rcx = 0x00050003;               /* CX = 3 */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 3);
	EXPECT_EQ(acc[1].lin, 0x5fffe);
	EXPECT_EQ(acc[3].lin, 0x5ffff);
	EXPECT_EQ(acc[5].lin, 0x50000);
	EXPECT_EQ(vcpu.gprs.rdi, 0x00030001);
	EXPECT_EQ(vcpu.gprs.rcx, 0x00050000);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);

	/* 16-bit code, 0x67: 32-bit addresses. */
	setup(CPU_MODE_PROT16);
	INSN(0x67, 0x6e);
	vmcb.save.ds.base = 0x1000;
	vcpu.gprs.rsi = 0x00012345;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x13345);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00012346);

	/* 16-bit code, no prefix: SI. */
	setup(CPU_MODE_PROT16);
	INSN(0x6e);
	vmcb.save.ds.base = 0x1000;
	vcpu.gprs.rsi = 0x00012345;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x3345);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00012346);

	/* 64-bit code, 0x67: 32-bit addresses (ESI wraps, ECX counts). */
	setup(CPU_MODE_LONG64);
	INSN(0x67, 0xf3, 0x6e);
	vmcb.save.ds.base = 0x5000;               /* no base in 64-bit mode */
	vcpu.gprs.rsi = 0xfffffffe;
	vcpu.gprs.rcx = 3;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(nacc, 3);
	EXPECT_EQ(acc[0].lin, 0xfffffffe);
	EXPECT_EQ(acc[1].lin, 0xffffffff);
	EXPECT_EQ(acc[2].lin, 0);
	EXPECT_EQ(vcpu.gprs.rsi, 1);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 3);
}

static void test_long64_default_and_no_ds_es_base(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vmcb.save.ds.base = 0x5000;
	vcpu.gprs.rsi = 0x00007ffffffff000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x00007ffffffff000ull);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00007ffffffff001ull);

	setup(CPU_MODE_LONG64);
	INSN(0x6c);
	vmcb.save.es.base = 0x9000;
	vcpu.gprs.rdi = 0x123456789aull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x123456789aull);
	EXPECT_EQ(acc[1].lin, 0x123456789aull);
	EXPECT_EQ(vcpu.gprs.rdi, 0x123456789bull);

	/* 32-bit code: the linear address wraps at 4 GiB. */
	setup(CPU_MODE_PROT32);
	INSN(0x6e);
	vmcb.save.ds.base = 0xfffff000;
	vcpu.gprs.rsi = 0x2000;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x1000);
}

/* ---- segments --------------------------------------------------------------------------------- */

static uint64_t outs_lin_with(enum cpu_mode m, uint8_t prefix)
{
	setup(m);
	INSN(prefix, 0x6e);
	vmcb.save.es.base = 0x70000;
	vmcb.save.cs.base = 0x60000;
	vmcb.save.ss.base = 0x80000;
	vmcb.save.ds.base = 0x30000;
	vmcb.save.fs.base = m == CPU_MODE_LONG64 ? 0x0000700000000000ull : 0x90000;
	vmcb.save.gs.base = m == CPU_MODE_LONG64 ? 0xffff800000001000ull : 0xa0000;
	vcpu.gprs.rsi = 0x10;
	if (run(io(DEV_PORT, 1, STR_OUT)) != EXIT_RESUME || nacc != 1)
		return ~0ull;
	return acc[0].lin;
}

static void test_outs_segment_override(void)
{
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x26), 0x70010);   /* ES: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x2e), 0x60010);   /* CS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x36), 0x80010);   /* SS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x3e), 0x30010);   /* DS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x64), 0x90010);   /* FS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x65), 0xa0010);   /* GS: */
	EXPECT_EQ(outs_lin_with(CPU_MODE_PROT32, 0x66), 0x30010);   /* no override: DS */

	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x64), 0x0000700000000010ull);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x65), 0xffff800000001010ull);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x26), 0x10);      /* ES/CS/SS/DS: base 0 */
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x2e), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x36), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x3e), 0x10);
	EXPECT_EQ(outs_lin_with(CPU_MODE_LONG64, 0x66), 0x10);
}

static void test_ins_always_writes_through_es(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x64, 0x6c);                         /* FS: INSB: the override does not apply */
	vmcb.save.es.base = 0x70000;
	vmcb.save.fs.base = 0x90000;
	vcpu.gprs.rdi = 0x10;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(nacc, 2);
	EXPECT_EQ(acc[0].lin, 0x70010);
	EXPECT_EQ(acc[1].lin, 0x70010);

	setup(CPU_MODE_LONG64);
	INSN(0x65, 0x6c);                         /* GS: INSB in 64-bit mode: ES, base 0 */
	vmcb.save.es.base = 0x9000;
	vmcb.save.gs.base = 0x0000700000000000ull;
	vcpu.gprs.rdi = 0x10;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x10);
	EXPECT_EQ(acc[1].lin, 0x10);
}

/* With decode assists EXITINFO1 says address size and segment: no fetch. */
static void test_decode_assist_fields_used(void)
{
	setup(CPU_MODE_PROT32);
	svm.features = SVM_FEAT_DECODE_ASSIST;
	INSN(0x90);                               /* would not decode: must not be read */
	vmcb.save.fs.base = 0x90000;
	vcpu.gprs.rsi = 0x00051234;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_A16 | (4ull << IOIO_SEG_SHIFT))), EXIT_RESUME);
	EXPECT_EQ(fetches, 0);
	EXPECT_EQ(acc[0].lin, 0x91234);
	EXPECT_EQ(vcpu.gprs.rsi, 0x00051235);
	svm.features = 0;
}

static void test_undecodable_instruction_stops(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x90);                               /* the guest changed its code: not INS/OUTS */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0x401000") != NULL);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(nacc, 0);
	EXPECT_EQ(dev.n, 0);
}

/* ---- faults ----------------------------------------------------------------------------------------- */

static void test_ins_checks_destination_before_port_read(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0x21000;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x3, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 0);                  /* the port's side effect never happened */
	EXPECT_EQ(nacc, 1);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
	EXPECT_TRUE(acc[0].check_only);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x3);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vcpu.gprs.rdi, 0x21000);
	EXPECT_EQ(traps + stops, 0);
}

static void test_rep_ins_page_fault_midway(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rdi = 0x20ffc;
	vcpu.gprs.rcx = 10;
	dev.read_val = 0x40;
	dev.read_step = 1;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x2, 0);
	uint64_t info1 = io(DEV_PORT, 1, STR_IN | IOIO_REP);

	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 4);
	for (unsigned i = 0; i < 4; i++)
		EXPECT_EQ(mem8(0x20ffc + i), 0x40 + i);
	EXPECT_EQ(vcpu.gprs.rcx, 6);              /* what was done, done */
	EXPECT_EQ(vcpu.gprs.rdi, 0x21000);        /* pointing at the faulting element */
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x2);

	/* The guest maps the page and the instruction resumes. */
	nfaults = 0;
	EXPECT_EQ(run(info1), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 10);
	EXPECT_EQ(mem8(0x21005), 0x49);
	EXPECT_EQ(vcpu.gprs.rcx, 0);
	EXPECT_EQ(vcpu.gprs.rdi, 0x21006);
	EXPECT_EQ(vmcb.save.rip, RIP0 + 2);
}

static void test_outs_page_fault_reports_fault_address(void)
{
	/* A word across a page boundary, the second page faulting: CR2 is
	 * where the fault is, not where the access starts. */
	setup(CPU_MODE_PROT32);
	INSN(0x66, 0x6f);                         /* OUTSW */
	vcpu.gprs.rsi = 0x20fff;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x9, 0);
	EXPECT_EQ(run(io(DEV_PORT, 2, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 0);
	EXPECT_EQ(acc[0].lin, 0x20fff);
	EXPECT_EQ(acc[0].len, 2);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(inj[0].pf);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(inj[0].error, 0x9);
	EXPECT_EQ(vcpu.gprs.rsi, 0x20fff);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x20ffe;
	vcpu.gprs.rcx = 0x10;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0x0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 0xe);
	EXPECT_EQ(vcpu.gprs.rsi, 0x21000);
	EXPECT_EQ(inj[0].cr2, 0x21000);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

static void test_noncanonical_injects_gp0(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vcpu.gprs.rsi = 0x0000800000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_TRUE(!inj[0].pf);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);
	EXPECT_TRUE(inj[0].has_error);
	EXPECT_EQ(inj[0].error, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vcpu.gprs.rsi, 0x0000800000000000ull);

	setup(CPU_MODE_LONG64);
	INSN(0x6c);
	vcpu.gprs.rdi = 0xfff0000000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);

	/* A REP running into the hole: two done, then #GP. */
	setup(CPU_MODE_LONG64);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x00007ffffffffffeull;
	vcpu.gprs.rcx = 4;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 2);
	EXPECT_EQ(vcpu.gprs.rsi, 0x0000800000000000ull);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_GP);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

static void test_buffer_outside_ram_stops(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0x6e);
	vcpu.gprs.rsi = 0xfee00010;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xc0000000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);   /* never re-executed */
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00010") != NULL);
	EXPECT_TRUE(strstr(stop_reason, "0xc0000010") != NULL);
	EXPECT_EQ(ninj, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0xfee00020;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xfee00000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00020") != NULL);

	/* Mid-REP: what was done stays done, then the stop. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0xfedffffe;
	vcpu.gprs.rcx = 5;
	fault_page(0xfee00000, GMEM_NOT_RAM, 0, 0xfee00000);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.writes, 2);
	EXPECT_EQ(vcpu.gprs.rcx, 3);
	EXPECT_EQ(nacc, 3);
	EXPECT_TRUE(strstr(stop_reason, "0xfee00000") != NULL);
	EXPECT_EQ(stops, 1);
}

static void test_page_tables_outside_ram_stop(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x6e);
	vcpu.gprs.rsi = 0x00007f0000000123ull;
	fault_page(0x00007f0000000000ull, GMEM_TABLE_NOT_RAM, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_STOP);
	EXPECT_EQ(vm.stop_cause, VM_STOP_ERROR);
	EXPECT_TRUE(strncmp(stop_reason, "error: ", 7) == 0);
	EXPECT_TRUE(strstr(stop_reason, "0x7f0000000123") != NULL);
	EXPECT_TRUE(strstr(stop_reason, "page tables") != NULL);
	EXPECT_EQ(ninj, 0);
	EXPECT_EQ(dev.n, 0);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	setup(CPU_MODE_PROT32);
	INSN(0x6c);
	vcpu.gprs.rdi = 0x3000;
	fault_page(0x3000, GMEM_TABLE_NOT_RAM, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 0);
	EXPECT_TRUE(strstr(stop_reason, "0x3000") != NULL);
}

/* ---- CPL, single-step, device stops ---------------------------------------------------------------- */

static void test_cpl3_accesses_are_user(void)
{
	setup(CPU_MODE_PROT32);
	vmcb.save.cpl = 3;
	INSN(0x6e);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_USER);
	vmcb.save.rip = RIP0;
	INSN(0x6c);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[1].flags, GUEST_ACCESS_WRITE | GUEST_ACCESS_USER);
	EXPECT_EQ(acc[2].flags, GUEST_ACCESS_WRITE | GUEST_ACCESS_USER);

	/* CPL 1 and 2 are supervisor. */
	setup(CPU_MODE_PROT32);
	vmcb.save.cpl = 2;
	INSN(0x6c);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN)), EXIT_RESUME);
	EXPECT_EQ(acc[0].flags, GUEST_ACCESS_WRITE);
}

static void test_single_step_rep_one_element_per_exit(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 3;
	mem_put(0x5000, "abc", 3);
	uint64_t info1 = io(DEV_PORT, 1, STR_OUT | IOIO_REP);

	for (unsigned i = 1; i <= 3; i++) {
		EXPECT_EQ(run(info1), EXIT_RESUME);
		EXPECT_EQ(dev.writes, i);
		EXPECT_EQ(vcpu.gprs.rcx, 3 - i);
		EXPECT_EQ(traps, i);                  /* a trap after every iteration */
		EXPECT_EQ(vmcb.save.rip, i < 3 ? RIP0 : RIP0 + 2);
	}
	EXPECT_EQ(dev.log[2].val, 'c');

	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rcx = 300;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(dev.reads, 1);
	EXPECT_EQ(vcpu.gprs.rcx, 299);
	EXPECT_EQ(traps, 1);
	EXPECT_EQ(vmcb.save.rip, RIP0);

	/* Plain IN with TF: one trap, after RIP moved. */
	setup(CPU_MODE_PROT32);
	vmcb.save.rflags |= RFLAGS_TF;
	EXPECT_EQ(run(io(DEV_PORT, 1, IOIO_TYPE_IN)), EXIT_RESUME);
	EXPECT_EQ(traps, 1);
	EXPECT_EQ(vmcb.save.rip, next_rip());

	/* A fault under TF: the fault, no trap. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vmcb.save.rflags |= RFLAGS_TF;
	vcpu.gprs.rsi = 0x21000;
	vcpu.gprs.rcx = 2;
	fault_page(0x21000, GMEM_PAGE_FAULT, 0, 0);
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(traps, 0);
}

static void test_device_stop_ends_rep_batch(void)
{
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6e);
	vcpu.gprs.rsi = 0x5000;
	vcpu.gprs.rcx = 10;
	dev.stop_at = 3;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.writes, 3);
	EXPECT_EQ(nacc, 3);
	EXPECT_EQ(vcpu.gprs.rcx, 7);
	EXPECT_EQ(vcpu.gprs.rsi, 0x5003);
	EXPECT_EQ(vmcb.save.rip, RIP0);
	EXPECT_EQ(vm.stop_cause, VM_STOP_EXIT_CODE);
	EXPECT_STREQ(stop_reason, "exit code 3");

	/* INS: the element whose read stopped the VM is still stored. */
	setup(CPU_MODE_PROT32);
	INSN(0xf3, 0x6c);
	vcpu.gprs.rdi = 0x6000;
	vcpu.gprs.rcx = 10;
	dev.read_val = 0x10;
	dev.read_step = 1;
	dev.stop_at = 2;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_IN | IOIO_REP)), EXIT_STOP);
	EXPECT_EQ(dev.reads, 2);
	EXPECT_EQ(mem8(0x6001), 0x11);
	EXPECT_EQ(vcpu.gprs.rcx, 8);
	EXPECT_EQ(vcpu.gprs.rdi, 0x6002);
	EXPECT_EQ(vmcb.save.rip, RIP0);
}

/* ---- 32-bit address size and SS ------------------------------------------------------ */

/* With a 32-bit address size in 64-bit mode, ESI/EDI/ECX are
 * 32-bit register writes and zero-extend into RSI/RDI/RCX (as KVM's
 * emulator and QEMU's TCG do). */
static void test_addr32_zero_extends_in_long64(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x67, 0xf3, 0x6e);
	vcpu.gprs.rsi = 0xffffffff00000010ull;
	vcpu.gprs.rcx = 0x0000000500000002ull;    /* ECX = 2 */
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT | IOIO_REP)), EXIT_RESUME);
	EXPECT_EQ(acc[0].lin, 0x10);              /* passes: the address is right */
	EXPECT_EQ(acc[1].lin, 0x11);
	EXPECT_EQ(vcpu.gprs.rsi, 0x12);           /* fails: 0xffffffff00000012 */
	EXPECT_EQ(vcpu.gprs.rcx, 0);              /* fails: 0x500000000 */
}

/* A non-canonical address through SS raises #SS(0), not #GP(0)
 * (APM Vol. 3, OUTS exceptions). */
static void test_ss_noncanonical_is_ss(void)
{
	setup(CPU_MODE_LONG64);
	INSN(0x36, 0x6e);                         /* SS: OUTSB */
	vcpu.gprs.rsi = 0x0000800000000000ull;
	EXPECT_EQ(run(io(DEV_PORT, 1, STR_OUT)), EXIT_RESUME);
	EXPECT_EQ(ninj, 1);
	EXPECT_EQ(inj[0].vector, X86_EXC_SS);     /* fails: X86_EXC_GP */
	EXPECT_EQ(inj[0].error, 0);
}

int main(void)
{
	RUN(test_in_merges_into_rax);
	RUN(test_out_passes_masked_value);
	RUN(test_unclaimed_port);
	RUN(test_outsb_follows_rsi_and_df);
	RUN(test_insb_insw_follow_rdi_and_df);
	RUN(test_rep_outsb_whole_count);
	RUN(test_rep_insw_df1);
	RUN(test_rep_in_batches_of_256);
	RUN(test_rep_with_zero_count);
	RUN(test_addr16_real_mode_wraps_si_and_cx);
	RUN(test_addr_size_prefix_67);
	RUN(test_long64_default_and_no_ds_es_base);
	RUN(test_outs_segment_override);
	RUN(test_ins_always_writes_through_es);
	RUN(test_decode_assist_fields_used);
	RUN(test_undecodable_instruction_stops);
	RUN(test_ins_checks_destination_before_port_read);
	RUN(test_rep_ins_page_fault_midway);
	RUN(test_outs_page_fault_reports_fault_address);
	RUN(test_noncanonical_injects_gp0);
	RUN(test_buffer_outside_ram_stops);
	RUN(test_page_tables_outside_ram_stop);
	RUN(test_cpl3_accesses_are_user);
	RUN(test_single_step_rep_one_element_per_exit);
	RUN(test_device_stop_ends_rep_batch);
	RUN(test_addr32_zero_extends_in_long64);
	RUN(test_ss_noncanonical_is_ss);
	TEST_MAIN_END();
}

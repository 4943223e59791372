/* tests/unit/exit_io_fake.h - the fake vCPU, guest memory, device and stand-ins the handle_ioio() tests run on.
 * Included by the test programs that share it; not every program uses
 * every helper, hence no unused-function warnings here. */
#ifndef TESTS_UNIT_EXIT_IO_FAKE_H
#define TESTS_UNIT_EXIT_IO_FAKE_H

#include <stdarg.h>
#include <stdlib.h>
#include "test.h"
#include "arch/x86/regs.h"
#include "arch/x86/svm/svm.h"
#include "hv/exit.h"

#pragma GCC diagnostic ignored "-Wunused-function"


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
	/* vcpu_cpu_mode() reads EFER.LMA, CS.L, CR0.PE and CS.D: make them
	 * say `mode`. */
	if (mode == CPU_MODE_LONG64) {
		vmcb.save.efer |= EFER_LMA;
		vmcb.save.cs.attrib |= VMCB_ATTR_L;
	} else {
		vmcb.save.efer &= ~EFER_LMA;
		vmcb.save.cs.attrib &= (uint16_t)~VMCB_ATTR_L;
	}
	if (mode == CPU_MODE_REAL)
		vmcb.save.cr0 &= ~CR0_PE;
	else
		vmcb.save.cr0 |= CR0_PE;
	if (mode == CPU_MODE_PROT32)
		vmcb.save.cs.attrib |= VMCB_ATTR_DB;
	else
		vmcb.save.cs.attrib &= (uint16_t)~VMCB_ATTR_DB;
	vmcb.control.exit_info_1 = info1;
	return handle_ioio(&vcpu);
}
static uint64_t next_rip(void) { return vmcb.control.exit_info_2; }
#endif

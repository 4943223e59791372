/* hv/vdev/vpci.c - PCI configuration mechanism #1 and the functions of bus 0
 * (the contract is in vpci.h). */
#include "hv/vdev/vpci.h"
#include "hv/vdev/vdev.h"
#include "hv/vdev/pc_layout.h"
#include "lib/string.h"

_Static_assert(VPCI_MAX_FUNCTIONS < 256, "slot_of holds an index + 1 in a byte");
_Static_assert(PCI_BAR0 + 4 * VPCI_NUM_BARS == 0x28, "six BARs end where CardBus CIS starts");
_Static_assert((VPCI_CONFIG_ADDRESS_MASK & VPCI_CONFIG_ENABLE) != 0, "the enable bit reads back");

#define ALL_ONES 0xffffffffu

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- functions --------------------------------------------------------------- */

void vpci_function_init(struct vpci_function *f, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
			uint8_t revision, uint32_t class_code, bool multifunction)
{
	memset(f, 0, sizeof(*f));
	f->bus = 0;
	f->dev = dev;
	f->fn = fn;
	put_le16(f->config + PCI_VENDOR_ID, vendor);
	put_le16(f->config + PCI_DEVICE_ID, device);
	f->config[PCI_REVISION_ID] = revision;
	f->config[PCI_CLASS_PROG] = (uint8_t)class_code;
	f->config[PCI_CLASS_PROG + 1] = (uint8_t)(class_code >> 8);
	f->config[PCI_CLASS_PROG + 2] = (uint8_t)(class_code >> 16);
	f->config[PCI_HEADER_TYPE] = multifunction ? PCI_HEADER_MULTIFUNCTION : 0;
	put_le16(f->config + PCI_SUBSYSTEM_VENDOR, VPCI_QEMU_SUBSYSTEM_VENDOR);
	put_le16(f->config + PCI_SUBSYSTEM_ID, VPCI_QEMU_SUBSYSTEM_ID);

	/* QEMU's pci_init_wmask / pci_init_w1cmask. Everything of the header
	 * not named here (IDs, class, header type, BIST, latency timer,
	 * subsystem, capability pointer, interrupt pin) is read-only. */
	put_le16(f->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
						 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	memset(f->wmask + PCI_DEVICE_SPECIFIC, 0xff, VPCI_CONFIG_SIZE - PCI_DEVICE_SPECIFIC);
	put_le16(f->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
}

/* The BAR slot holds the upper half of a 64-bit BAR below it. */
static bool bar_is_upper_half(const struct vpci_function *f, unsigned bar)
{
	if (bar == 0 || !f->bar_size[bar - 1])
		return false;
	uint32_t lower = get_le32(f->config + PCI_BAR0 + 4 * (bar - 1));
	return !(lower & VPCI_BAR_IO) && (lower & 0x6u) == VPCI_BAR_MEM64;
}

static bool bar_in_use(const struct vpci_function *f, unsigned bar)
{
	return f->bar_size[bar] || bar_is_upper_half(f, bar);
}

int vpci_function_add_bar(struct vpci_function *f, unsigned bar, uint64_t size, uint32_t flags)
{
	if (bar >= VPCI_NUM_BARS || (flags & ~(VPCI_BAR_IO | VPCI_BAR_MEM64 | VPCI_BAR_PREFETCH)) ||
	    size == 0 || (size & (size - 1)) || bar_in_use(f, bar))
		return -1;
	bool io = flags & VPCI_BAR_IO, mem64 = flags & VPCI_BAR_MEM64;
	if (io) {
		/* 6.2.5.1: an I/O BAR asks for at most 256 bytes; bit 1 is reserved */
		if (flags != VPCI_BAR_IO || size < 4 || size > 256)
			return -1;
	} else if (size < 16 || (mem64 ? size > (1ull << 63) : size > (1ull << 31))) {
		return -1;
	}
	if (mem64 && (bar + 1 >= VPCI_NUM_BARS || bar_in_use(f, bar + 1)))
		return -1;

	unsigned reg = PCI_BAR0 + 4 * bar;
	/* The address bits above the size are writable; below them the type
	 * bits read as declared and the rest as 0: writing all ones reads
	 * back ~(size - 1) | flags, the spec's sizing. */
	put_le32(f->config + reg, flags);
	put_le32(f->wmask + reg, (uint32_t)~(size - 1));
	memset(f->w1cmask + reg, 0, 4);
	if (mem64) {
		put_le32(f->config + reg + 4, 0);
		put_le32(f->wmask + reg + 4, (uint32_t)(~(size - 1) >> 32));
		memset(f->w1cmask + reg + 4, 0, 4);
	}
	f->bar_size[bar] = size;
	return 0;
}

uint64_t vpci_function_bar_address(const struct vpci_function *f, unsigned bar)
{
	if (bar >= VPCI_NUM_BARS || !f->bar_size[bar])
		return 0;
	uint32_t low = get_le32(f->config + PCI_BAR0 + 4 * bar);
	if (low & VPCI_BAR_IO)
		return low & ~0x3u;
	uint64_t addr = low & ~0xfu;
	if ((low & 0x6u) == VPCI_BAR_MEM64)
		addr |= (uint64_t)get_le32(f->config + PCI_BAR0 + 4 * (bar + 1)) << 32;
	return addr;
}

/* ---- the bus ----------------------------------------------------------------- */

void vpci_init(struct vpci *pci)
{
	memset(pci, 0, sizeof(*pci));
}

void vpci_reset(struct vpci *pci)
{
	spin_lock(&pci->lock);
	pci->config_address = 0;
	for (unsigned i = 0; i < pci->count; i++)
		memcpy(pci->functions[i].config, pci->reset_config[i], VPCI_CONFIG_SIZE);
	spin_unlock(&pci->lock);
}

void vpci_chain_port_cf9(struct vpci *pci, const struct pio_ops *ops, void *dev)
{
	spin_lock(&pci->lock);
	pci->cf9_ops = ops;
	pci->cf9_dev = ops ? dev : NULL;
	spin_unlock(&pci->lock);
}

static unsigned devfn_of(uint8_t dev, uint8_t fn)
{
	return (unsigned)dev << 3 | fn;
}

int vpci_add_function(struct vpci *pci, const struct vpci_function *f)
{
	int ret = -1;

	spin_lock(&pci->lock);
	if (pci->count >= VPCI_MAX_FUNCTIONS || f->bus != 0 || f->dev > 31 || f->fn > 7 ||
	    pci->slot_of[devfn_of(f->dev, f->fn)])
		goto out;
	if (f->fn > 0) {
		unsigned fn0 = pci->slot_of[devfn_of(f->dev, 0)];
		if (!fn0 || !(pci->functions[fn0 - 1].config[PCI_HEADER_TYPE] & PCI_HEADER_MULTIFUNCTION))
			goto out;
	}
	unsigned i = pci->count++;
	pci->functions[i] = *f;
	memcpy(pci->reset_config[i], f->config, VPCI_CONFIG_SIZE);
	pci->slot_of[devfn_of(f->dev, f->fn)] = (uint8_t)(i + 1);
	ret = 0;
out:
	spin_unlock(&pci->lock);
	return ret;
}

struct vpci_function *vpci_find_function(struct vpci *pci, uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (bus != 0 || dev > 31 || fn > 7)
		return NULL;
	unsigned i = pci->slot_of[devfn_of(dev, fn)];
	return i ? &pci->functions[i - 1] : NULL;
}

/* ---- CONFIG_ADDRESS (0xCF8-0xCFB) -------------------------------------------- */

#define CF9_OFFSET 1    /* 0xCF9 - 0xCF8 */

static uint32_t config_address_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vpci *pci = dev;

	spin_lock(&pci->lock);
	const struct pio_ops *cf9 = off == CF9_OFFSET ? pci->cf9_ops : NULL;
	void *cf9_dev = pci->cf9_dev;
	uint32_t val = pci->config_address;
	spin_unlock(&pci->lock);
	if (cf9)
		return cf9->read ? cf9->read(cf9_dev, v, 0, size) : ALL_ONES;
	/* Any other read: the register, unshifted, cut to size by the bus
	 * (QEMU's pci_host_config_read returns it whatever the offset). */
	return val & (uint32_t)vdev_size_mask(size);
}

static void config_address_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vpci *pci = dev;

	spin_lock(&pci->lock);
	const struct pio_ops *cf9 = off == CF9_OFFSET ? pci->cf9_ops : NULL;
	void *cf9_dev = pci->cf9_dev;
	/* 3.2.2.3.2: only a dword access at 0xCF8 addresses the register; QEMU
	 * drops every other write to it (pci_host_config_write). */
	if (!cf9 && off == 0 && size == 4)
		pci->config_address = val & VPCI_CONFIG_ADDRESS_MASK;
	spin_unlock(&pci->lock);
	if (cf9 && cf9->write)
		cf9->write(cf9_dev, v, 0, size, val);
}

/* ---- CONFIG_DATA (0xCFC-0xCFF) ----------------------------------------------- */

/* The function CONFIG_ADDRESS selects and the config register an access at
 * window offset off of size bytes reaches, or NULL (disabled, bus > 0,
 * absent, or a malformed access). Under pci->lock. */
static struct vpci_function *selected_function(struct vpci *pci, uint16_t off, unsigned size, unsigned *reg)
{
	uint32_t addr = pci->config_address;

	if ((size != 1 && size != 2 && size != 4) || off + size > VPCI_PORTS)
		return NULL;
	if (!(addr & VPCI_CONFIG_ENABLE) || ((addr >> 16) & 0xff) != 0)
		return NULL;
	unsigned i = pci->slot_of[(addr >> 8) & 0xff];
	if (!i)
		return NULL;
	*reg = (addr & 0xfc) + off;
	if (*reg + size > VPCI_CONFIG_SIZE)    /* cannot happen: 0xfc + 3 + 1 */
		return NULL;
	return &pci->functions[i - 1];
}

static uint32_t config_data_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	struct vpci *pci = dev;
	unsigned reg = 0;
	uint32_t val = ALL_ONES;
	(void)v;

	spin_lock(&pci->lock);
	const struct vpci_function *f = selected_function(pci, off, size, &reg);
	if (f) {
		val = 0;
		for (unsigned i = 0; i < size; i++)
			val |= (uint32_t)f->config[reg + i] << (8 * i);
	}
	spin_unlock(&pci->lock);
	return val;
}

static void config_data_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vpci *pci = dev;
	unsigned reg = 0;
	(void)v;

	spin_lock(&pci->lock);
	struct vpci_function *f = selected_function(pci, off, size, &reg);
	if (f) {
		for (unsigned i = 0; i < size; i++) {
			unsigned r = reg + i;
			uint8_t b = (uint8_t)(val >> (8 * i));
			uint8_t now = (uint8_t)((f->config[r] & ~f->wmask[r]) | (b & f->wmask[r]));
			f->config[r] = (uint8_t)(now & ~(b & f->w1cmask[r]));
		}
		if (f->write_hook)
			f->write_hook(f->hook_ctx, f, reg, size, val & (uint32_t)vdev_size_mask(size));
	}
	spin_unlock(&pci->lock);
}

static void vpci_reset_op(void *dev)
{
	vpci_reset(dev);
}

const struct pio_ops vpci_config_address_ops = {
	.name = "pci-config-address", .read = config_address_read, .write = config_address_write, .reset = vpci_reset_op,
};
const struct pio_ops vpci_config_data_ops = {
	.name = "pci-config-data", .read = config_data_read, .write = config_data_write, .reset = vpci_reset_op,
};

/* ---- the regions behind BARs ------------------------------------------------- */

/* Where BAR bar of f decodes now, QEMU's pci_bar_address: its space
 * enabled in the command register, an address that is not 0 and whose
 * last byte neither wraps nor (32-bit BARs) reaches 0xFFFFFFFF. Under the
 * bus lock. */
static bool bar_mapped(const struct vpci_function *f, unsigned bar, bool io, uint64_t *base)
{
	uint64_t size = f->bar_size[bar];
	if (!size)
		return false;
	uint32_t low = get_le32(f->config + PCI_BAR0 + 4 * bar);
	if (!!(low & VPCI_BAR_IO) != io)
		return false;
	uint16_t cmd = (uint16_t)(f->config[PCI_COMMAND] | f->config[PCI_COMMAND + 1] << 8);
	if (!(cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
		return false;
	uint64_t addr = vpci_function_bar_address(f, bar) & ~(size - 1), last = addr + size - 1;
	bool mem64 = !io && (low & 0x6u) == VPCI_BAR_MEM64;
	if (addr == 0 || last <= addr || (!mem64 && last >= 0xffffffffu))
		return false;
	*base = addr;
	return true;
}

/* The function and BAR whose region holds [addr, addr + size), or NULL.
 * Under the bus lock. */
static struct vpci_function *bar_at(struct vpci *pci, bool io, uint64_t addr, unsigned size, unsigned *bar,
				    uint64_t *off)
{
	if (size != 1 && size != 2 && size != 4 && (io || size != 8))
		return NULL;
	for (unsigned i = 0; i < pci->count; i++) {
		struct vpci_function *f = &pci->functions[i];
		if (!f->bar_ops)
			continue;
		for (unsigned b = 0; b < VPCI_NUM_BARS; b++) {
			uint64_t base;
			if (!bar_mapped(f, b, io, &base) || addr < base || addr - base >= f->bar_size[b] ||
			    size > f->bar_size[b] - (addr - base))
				continue;
			*bar = b;
			*off = addr - base;
			return f;
		}
	}
	return NULL;
}

static bool bar_read(struct vpci *pci, bool io, uint64_t addr, unsigned size, uint64_t *val)
{
	unsigned bar = 0;
	uint64_t off = 0;

	spin_lock(&pci->lock);
	struct vpci_function *f = bar_at(pci, io, addr, size, &bar, &off);
	if (f)
		*val = f->bar_ops->read ? f->bar_ops->read(f->bar_ctx, bar, off, size) : ~0ull;
	spin_unlock(&pci->lock);
	return f != NULL;
}

static bool bar_write(struct vpci *pci, bool io, uint64_t addr, unsigned size, uint64_t val)
{
	unsigned bar = 0;
	uint64_t off = 0;

	spin_lock(&pci->lock);
	struct vpci_function *f = bar_at(pci, io, addr, size, &bar, &off);
	if (f && f->bar_ops->write)
		f->bar_ops->write(f->bar_ctx, bar, off, size, val);
	spin_unlock(&pci->lock);
	return f != NULL;
}

/* The buses cut values to the access's size, both ways (vpci.h). */
bool vpci_io_read(struct vpci *pci, uint16_t port, unsigned size, uint32_t *val)
{
	uint64_t v = 0;
	if (!bar_read(pci, true, port, size, &v))
		return false;
	*val = (uint32_t)v;
	return true;
}

bool vpci_io_write(struct vpci *pci, uint16_t port, unsigned size, uint32_t val)
{
	return bar_write(pci, true, port, size, val);
}

bool vpci_mem_claims(struct vpci *pci, uint64_t gpa)
{
	unsigned bar = 0;
	uint64_t off = 0;

	spin_lock(&pci->lock);
	bool hit = bar_at(pci, false, gpa, 1, &bar, &off) != NULL;
	spin_unlock(&pci->lock);
	return hit;
}

bool vpci_mem_read(struct vpci *pci, uint64_t gpa, unsigned size, uint64_t *val)
{
	return bar_read(pci, false, gpa, size, val);
}

bool vpci_mem_write(struct vpci *pci, uint64_t gpa, unsigned size, uint64_t val)
{
	return bar_write(pci, false, gpa, size, val);
}

/* ---- the board's functions ---------------------------------------------------- */

#define INTEL 0x8086

/* 00:00.0, Intel 82441FX PMC (i440FX): the host bridge. QEMU sets SMRAM to
 * 0x02 (C_BASE_SEG = 010b, compatible SMRAM at 0xA0000, closed); the PAM
 * registers 0x59-0x5F read 0 here until the board's firmware state writes
 * what SeaBIOS leaves in them and in SMRAM, and maps the legacy window as
 * those PAM bytes say (hv/vdev/pc.c, pc_legacy.h). A guest's later writes
 * to them are plain read/write bytes with no effect (the window stays as
 * the firmware left it), and there is no SMM. Not modelled: the byte 0x57
 * QEMU fills with the RAM size for old coreboot (reads 0). */
static int add_host_bridge(struct vpci *pci)
{
	struct vpci_function f;

	vpci_function_init(&f, 0, 0, INTEL, 0x1237, 0x02, 0x060000, false);
	f.config[0x72] = 0x02;
	return vpci_add_function(pci, &f);
}

/* 00:01.0, Intel 82371SB PIIX3 function 0: the PCI-to-ISA bridge, the
 * first function of a multifunction device. Reset values as QEMU's
 * piix3_reset (82371SB datasheet, 2.2): command I/O+memory+master, status
 * DEVSEL medium, IORT 0x4c, XBCS 0x4e-0x4f, PIRQ route control 0x60-0x63
 * (0x80: routing disabled; nothing on the board raises PCI INTx yet),
 * TOM 0x69, MBIRQ0 0x70 (disabled), MBDMA 0x76-0x77 (disabled), PCSC
 * 0x78, SMICNTL 0xa0, FTMR 0xa8. All read/write bytes with no effect. */
static int add_isa_bridge(struct vpci *pci)
{
	struct vpci_function f;

	vpci_function_init(&f, 1, 0, INTEL, 0x7000, 0x00, 0x060100, true);
	put_le16(f.config + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	put_le16(f.config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
	f.config[0x4c] = 0x4d;
	f.config[0x4e] = 0x03;
	memset(f.config + 0x60, 0x80, 4);
	f.config[0x69] = 0x02;
	f.config[0x70] = 0x80;
	f.config[0x76] = 0x0c;
	f.config[0x77] = 0x0c;
	f.config[0x78] = 0x02;
	f.config[0xa0] = 0x08;
	f.config[0xa8] = 0x0f;
	return vpci_add_function(pci, &f);
}

/* 00:01.3, Intel 82371AB PIIX4 function 3: ACPI power management (QEMU's
 * piix4_pm_realize and reset, 82371AB datasheet 3.4). Status fast
 * back-to-back and DEVSEL medium; INTA#, on the SCI, IRQ 9 (SeaBIOS writes
 * the interrupt line: "acpi sci is hardwired to 9").
 *
 * The PM I/O block: PMBA (0x40) = PC_PM_BASE | 1 (bit 0: I/O space) and
 * PMREGMISC (0x80) bit 0 (PMIOSE) set, as SeaBIOS programs them; the
 * board's PM registers are fixed at PC_PM_BASE, so both are read-only
 * here (not modelled: moving or disabling the block; QEMU lets a guest do
 * it). The SMBus controller is absent: SMBBA (0x90) reads just its I/O
 * bit, SMBHSTCFG (0xd2) 0 (host interface disabled), both read-only.
 * DEVACTB byte 0x5b = 0x02 (APMC_EN) as QEMU has it without SMM, which
 * SeaBIOS takes as "SMM already set up" (no APM port 0xB2 is modelled).
 * The device resource bytes 0x5f, 0x63, 0x67 as QEMU's machine-ready
 * hook computes them for a board with COM1 and no parallel port. */
static int add_pm(struct vpci *pci)
{
	struct vpci_function f;

	vpci_function_init(&f, 1, 3, INTEL, 0x7113, 0x03, 0x068000, false);
	put_le16(f.config + PCI_STATUS, PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM);
	f.config[PCI_INTERRUPT_PIN] = 1;
	f.config[PCI_INTERRUPT_LINE] = PC_IRQ_SCI;
	put_le32(f.config + 0x40, PC_PM_BASE | 1);
	memset(f.wmask + 0x40, 0, 4);
	f.config[0x5b] = 0x02;
	f.config[0x5f] = 0x10;
	f.config[0x63] = 0x60;
	f.config[0x67] = 0x08;
	f.config[0x80] = 0x01;
	f.wmask[0x80] = 0;
	put_le32(f.config + 0x90, 1);
	memset(f.wmask + 0x90, 0, 4);
	f.config[0xd2] = 0;
	f.wmask[0xd2] = 0;
	return vpci_add_function(pci, &f);
}

int vpci_pc_board(struct vpci *pci)
{
	spin_lock(&pci->lock);
	bool empty = pci->count == 0;
	spin_unlock(&pci->lock);
	if (!empty)
		return -1;
	return add_host_bridge(pci) || add_isa_bridge(pci) || add_pm(pci) ? -1 : 0;
}

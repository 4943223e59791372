/* tests/unit/test_vpci.c - PCI configuration mechanism #1 and the board's
 * bus 0 (hv/vdev/vpci.h), through the port bus as a guest reaches them. */
/* UNIT_SRC: hv/vdev/iobus.c hv/vdev/vpci.c */
#include <stdlib.h>
#include "test.h"
#include "hv/vdev/iobus.h"
#include "hv/vdev/pc_layout.h"
#include "hv/vdev/vpci.h"

/* The chained reset control register: records what reaches it. */
struct fake_cf9 { uint32_t reads, writes, last_val, last_size, last_off; uint8_t value; };

static uint32_t cf9_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)v;
	struct fake_cf9 *c = dev;
	c->reads++;
	c->last_off = off;
	c->last_size = size;
	return c->value;
}

static void cf9_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	(void)v;
	struct fake_cf9 *c = dev;
	c->writes++;
	c->last_off = off;
	c->last_size = size;
	c->last_val = val;
	c->value = (uint8_t)val;
}

static const struct pio_ops fake_cf9_ops = { .name = "fake-cf9", .read = cf9_read, .write = cf9_write };

struct board { struct iobus bus; struct vpci pci; struct fake_cf9 cf9; };

/* The board wired as vpci.h tells the integrator. */
static struct board *board_new(void)
{
	struct board *b = calloc(1, sizeof(*b));
	iobus_init(&b->bus);
	vpci_init(&b->pci);
	EXPECT_EQ(vpci_pc_board(&b->pci), 0);
	EXPECT_EQ(iobus_register(&b->bus, 0xcf8, 4, &vpci_config_address_ops, &b->pci), 0);
	EXPECT_EQ(iobus_register(&b->bus, 0xcfc, 4, &vpci_config_data_ops, &b->pci), 0);
	vpci_chain_port_cf9(&b->pci, &fake_cf9_ops, &b->cf9);
	return b;
}

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return VPCI_CONFIG_ENABLE | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(struct board *b, unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(bus, dev, fn, reg));
	return iobus_read(&b->bus, NULL, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(struct board *b, unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size,
		      uint32_t val)
{
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(bus, dev, fn, reg));
	iobus_write(&b->bus, NULL, (uint16_t)(0xcfc + (reg & 3)), size, val);
}

static uint32_t cfg_bytes(const struct vpci_function *f, unsigned reg, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->config[reg + i] << (8 * i);
	return v;
}

/* Every register, every size the window takes at every offset it fits:
 * the bytes of config space at (CONFIG_ADDRESS & 0xFC) + (port & 3). */
static void test_mechanism1_every_size_and_offset(void)
{
	struct board *b = board_new();
	const struct vpci_function *hb = vpci_find_function(&b->pci, 0, 0, 0);
	const struct vpci_function *pm = vpci_find_function(&b->pci, 0, 1, 3);
	EXPECT_TRUE(hb && pm);
	int bad = 0;
	for (unsigned reg = 0; reg < 256; reg += 4)
		for (unsigned off = 0; off < 4; off++)
			for (unsigned size = 1; size <= 4; size *= 2) {
				if (off + size > 4)
					continue;
				iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 1, 3, reg));
				if (iobus_read(&b->bus, NULL, (uint16_t)(0xcfc + off), size) != cfg_bytes(pm, reg + off, size))
					bad++;
				/* CONFIG_ADDRESS's low two bits never reach the register */
				iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 0, reg) | 3);
				if (iobus_read(&b->bus, NULL, (uint16_t)(0xcfc + off), size) != cfg_bytes(hb, reg + off, size))
					bad++;
			}
	EXPECT_EQ(bad, 0);
	/* a spot check with the values spelt out */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0, 4), 0x12378086);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 2, 2), 0x1237);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 1, 2), 0x3780);      /* a word at 0xCFD */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 3, 1), 0x12);
	/* an access that leaves the window is not the model's: the bus says all ones */
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 0, 0));
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfd, 4), 0xffffffff);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcff, 2), 0xffff);
	free(b);
}

/* CONFIG_ADDRESS: a dword register at 0xCF8 with its reserved bits 0;
 * other sizes read its low bits and write nothing; 0xCF9 is the chained
 * reset control register; Linux's type 1 probe finds it. */
static void test_config_address_register(void)
{
	struct board *b = board_new();
	iobus_write(&b->bus, NULL, 0xcf8, 4, 0xffffffff);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), VPCI_CONFIG_ADDRESS_MASK);
	iobus_write(&b->bus, NULL, 0xcf8, 4, 0x80001234);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0x80001234);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 1), 0x34);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 2), 0x1234);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfa, 2), 0x1234);   /* QEMU: offset ignored */
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfb, 1), 0x34);
	iobus_write(&b->bus, NULL, 0xcf8, 1, 0x00);
	iobus_write(&b->bus, NULL, 0xcf8, 2, 0x0000);
	iobus_write(&b->bus, NULL, 0xcfa, 2, 0x0000);
	iobus_write(&b->bus, NULL, 0xcfb, 1, 0x00);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0x80001234);

	/* 0xCF9: every access there goes to the reset control register */
	b->cf9.value = 0x02;
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf9, 1), 0x02);
	EXPECT_EQ(b->cf9.reads, 1);
	EXPECT_EQ(b->cf9.last_off, 0);
	iobus_write(&b->bus, NULL, 0xcf9, 1, 0x06);
	EXPECT_EQ(b->cf9.writes, 1);
	EXPECT_EQ(b->cf9.last_val, 0x06);
	EXPECT_EQ(b->cf9.last_size, 1);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0x80001234);   /* untouched */
	iobus_write(&b->bus, NULL, 0xcf9, 2, 0x0102);
	EXPECT_EQ(b->cf9.writes, 2);
	EXPECT_EQ(b->cf9.last_size, 2);
	/* the dword at 0xCF8 never goes to the reset register */
	iobus_write(&b->bus, NULL, 0xcf8, 4, 0x8000ff00);
	EXPECT_EQ(b->cf9.writes, 2);
	/* without a chained register 0xCF9 is one more byte of the register */
	vpci_chain_port_cf9(&b->pci, NULL, NULL);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf9, 1), 0x00);         /* the low byte */
	iobus_write(&b->bus, NULL, 0xcf9, 1, 0x04);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0x8000ff00);
	EXPECT_EQ(b->cf9.writes, 2);

	/* Linux, arch/x86/pci/direct.c pci_check_type1 */
	vpci_chain_port_cf9(&b->pci, &fake_cf9_ops, &b->cf9);
	iobus_write(&b->bus, NULL, 0xcfb, 1, 0x01);
	iobus_write(&b->bus, NULL, 0xcf8, 4, 0x80000000);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0x80000000);
	free(b);
}

/* Enable bit clear: the window reads all ones and drops writes. */
static void test_enable_bit_off(void)
{
	struct board *b = board_new();
	for (unsigned reg = 0; reg < 256; reg += 4) {
		iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 0, reg) & ~VPCI_CONFIG_ENABLE);
		EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfc, 4), 0xffffffff);
		EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfe, 2), 0xffff);
		EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcff, 1), 0xff);
	}
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 0, 0x3c) & ~VPCI_CONFIG_ENABLE);
	iobus_write(&b->bus, NULL, 0xcfc, 1, 0x5a);                   /* interrupt line: writable */
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 1, 0x60) & ~VPCI_CONFIG_ENABLE);
	iobus_write(&b->bus, NULL, 0xcfc, 4, 0x0b0b0a0a);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x3c, 1), 0x00);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x60, 4), 0x80808080);
	free(b);
}

/* Only bus 0 exists, and on it only 00.0, 01.0 and 01.3: everything else
 * reads all ones at every size and ignores writes. */
static void test_absent_buses_devices_functions(void)
{
	struct board *b = board_new();
	int bad = 0;
	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned fn = 0; fn < 8; fn++) {
				bool present = bus == 0 && ((dev == 0 && fn == 0) || (dev == 1 && (fn == 0 || fn == 3)));
				if (present)
					continue;
				cfg_write(b, bus, dev, fn, 0x3c, 4, 0);
				if (cfg_read(b, bus, dev, fn, 0, 4) != 0xffffffff ||
				    cfg_read(b, bus, dev, fn, 0x3c, 1) != 0xff || cfg_read(b, bus, dev, fn, 0x0e, 2) != 0xffff)
					bad++;
			}
	EXPECT_EQ(bad, 0);
	/* the three that exist kept their interrupt lines through all that */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x3c, 1), PC_IRQ_SCI);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x3c, 1), 0);
	free(b);
}

/* An OS's scan (Linux pci_scan_slot): function 0's vendor ID, then 1-7 only
 * when function 0's header type has bit 7. It finds the three functions;
 * a scan of every devfn finds the same three. */
static void test_os_scan_finds_the_board(void)
{
	struct board *b = board_new();
	unsigned found[8], n = 0, brute = 0;
	for (unsigned dev = 0; dev < 32; dev++) {
		if ((cfg_read(b, 0, dev, 0, 0, 4) & 0xffff) == 0xffff)
			continue;
		bool multi = cfg_read(b, 0, dev, 0, 0x0e, 1) & PCI_HEADER_MULTIFUNCTION;
		for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++)
			if ((cfg_read(b, 0, dev, fn, 0, 2)) != 0xffff && n < 8)
				found[n++] = dev << 3 | fn;
	}
	EXPECT_EQ(n, 3);
	EXPECT_EQ(found[0], 0x00);
	EXPECT_EQ(found[1], 0x08);
	EXPECT_EQ(found[2], 0x0b);
	for (unsigned devfn = 0; devfn < 256; devfn++)
		brute += cfg_read(b, 0, devfn >> 3, devfn & 7, 0, 2) != 0xffff;
	EXPECT_EQ(brute, 3);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x0e, 1), 0x00);   /* the host bridge is single-function */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x0e, 1), 0x00);
	free(b);
}

/* The IDs and fixed registers of QEMU 7.2's -M pc functions. */
static void test_board_ids(void)
{
	struct board *b = board_new();
	/* 00:00.0 i440FX */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x00, 4), 0x12378086);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x08, 4), 0x06000002);    /* class 060000, rev 02 */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x2c, 4), 0x11001af4);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x04, 4), 0x00000000);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x72, 1), 0x02);          /* SMRAM */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x3d, 1), 0);
	/* 00:01.0 PIIX3 */
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x00, 4), 0x70008086);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x08, 4), 0x06010000);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x0e, 1), 0x80);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x04, 4), 0x02000007);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x60, 4), 0x80808080);    /* PIRQ routing off */
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x2c, 4), 0x11001af4);
	/* 00:01.3 PIIX4 PM */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x00, 4), 0x71138086);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x08, 4), 0x06800003);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x04, 4), 0x02800000);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x3c, 2), 0x0100 | PC_IRQ_SCI);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x40, 4), PC_PM_BASE | 1);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x80, 1), 0x01);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x90, 4), 0x00000001);    /* SMBus base 0 */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0xd2, 1), 0x00);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x5b, 1), 0x02);
	/* no capabilities anywhere, no ROM */
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x06, 2) & 0x10, 0);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x34, 1), 0);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x30, 4), 0);
	free(b);
}

/* Which bits a guest can change: write ones to every byte, see what
 * stuck; write zeros, see what went. */
static void writable_bits(struct board *b, unsigned dev, unsigned fn, uint8_t out[256])
{
	struct vpci_function *f = vpci_find_function(&b->pci, 0, (uint8_t)dev, (uint8_t)fn);
	uint8_t before[256];
	memcpy(before, f->config, 256);
	for (unsigned r = 0; r < 256; r++) {
		cfg_write(b, 0, dev, fn, r, 1, 0xff);
		uint8_t ones = (uint8_t)cfg_read(b, 0, dev, fn, r, 1);
		cfg_write(b, 0, dev, fn, r, 1, 0x00);
		uint8_t zeros = (uint8_t)cfg_read(b, 0, dev, fn, r, 1);
		out[r] = (uint8_t)(ones & ~zeros);
		f->config[r] = before[r];
	}
}

static void test_writable_and_read_only(void)
{
	struct board *b = board_new();
	uint8_t w[256];

	writable_bits(b, 0, 0, w);
	uint8_t header[0x40] = { 0 };
	header[0x04] = 0x07;     /* I/O, memory, master */
	header[0x05] = 0x05;     /* SERR#, INTx disable */
	header[0x0c] = 0xff;     /* cache line size */
	header[0x3c] = 0xff;     /* interrupt line */
	EXPECT_TRUE(memcmp(w, header, sizeof(header)) == 0);
	int all = 1;
	for (unsigned r = 0x40; r < 256; r++)
		all &= w[r] == 0xff;
	EXPECT_TRUE(all);        /* device-specific bytes: PAM 0x59-0x5f, SMRAM 0x72... */
	cfg_write(b, 0, 0, 0, 0x59, 1, 0x30);                  /* PAM0 */
	cfg_write(b, 0, 0, 0, 0x5a, 2, 0x3333);
	cfg_write(b, 0, 0, 0, 0x5c, 4, 0x33333333);
	cfg_write(b, 0, 0, 0, 0x72, 1, 0x0a);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x58, 4), 0x33333000);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x5c, 4), 0x33333333);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x72, 1), 0x0a);

	writable_bits(b, 1, 0, w);
	EXPECT_TRUE(memcmp(w, header, sizeof(header)) == 0);
	cfg_write(b, 0, 1, 0, 0x60, 4, 0x0b0b0a0a);           /* PIRQ routes as SeaBIOS sets them */
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x60, 4), 0x0b0b0a0a);

	writable_bits(b, 1, 3, w);
	EXPECT_TRUE(memcmp(w, header, sizeof(header)) == 0);
	EXPECT_EQ(w[0x40] | w[0x41] | w[0x42] | w[0x43], 0);   /* PMBA: the PM block is fixed */
	EXPECT_EQ(w[0x80], 0);
	EXPECT_EQ(w[0x90] | w[0x91] | w[0x92] | w[0x93], 0);
	EXPECT_EQ(w[0xd2], 0);
	EXPECT_EQ(w[0x5b], 0xff);
	cfg_write(b, 0, 1, 3, 0x40, 4, 0x0000b001);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x40, 4), PC_PM_BASE | 1);

	/* a word write straddling a read-only and a writable byte changes just the one */
	cfg_write(b, 0, 0, 0, 0x3c, 2, 0x0403);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x3c, 2), 0x0003);
	/* the IDs are read-only at every size */
	cfg_write(b, 0, 1, 0, 0, 4, 0);
	cfg_write(b, 0, 1, 0, 2, 2, 0);
	cfg_write(b, 0, 1, 0, 1, 1, 0);
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0, 4), 0x70008086);
	free(b);
}

/* A device model's status error bits: a guest's 1 clears, a 0 keeps; a
 * dword write to 0x04 sets the command and clears status bits at once. */
static void test_status_write_one_to_clear(void)
{
	struct board *b = board_new();
	struct vpci_function *pm = vpci_find_function(&b->pci, 0, 1, 3);
	/* the device model (here: the test) records errors in status */
	uint16_t st = 0xf900 | PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK;
	pm->config[PCI_STATUS] = (uint8_t)st;
	pm->config[PCI_STATUS + 1] = (uint8_t)(st >> 8);
	cfg_write(b, 0, 1, 3, 0x06, 2, 0x0000);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x06, 2), 0xfb80);
	cfg_write(b, 0, 1, 3, 0x06, 2, 0x0100);                 /* master data parity error */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x06, 2), 0xfb80 & ~0x0100);
	cfg_write(b, 0, 1, 3, 0x07, 1, 0x20);                   /* received master abort, by byte */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x06, 2), 0xfb80 & ~0x2100);
	cfg_write(b, 0, 1, 3, 0x04, 4, 0xffff0103);             /* command + clear the rest */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x04, 4), 0x02800103);   /* DEVSEL and fast b2b stay */
	free(b);
}

/* BAR sizing on a function that declares BARs (what virtio devices will). */
static unsigned hook_calls, hook_reg, hook_size;
static uint32_t hook_val;
static uint64_t hook_bar2;
static void bar_hook(void *ctx, struct vpci_function *f, unsigned reg, unsigned size, uint32_t val)
{
	(void)ctx;
	hook_calls++;
	hook_reg = reg;
	hook_size = size;
	hook_val = val;
	hook_bar2 = vpci_function_bar_address(f, 2);
}

static void test_bar_sizing(void)
{
	struct board *b = board_new();
	struct vpci_function f;
	vpci_function_init(&f, 3, 0, 0x1af4, 0x1041, 1, 0x020000, false);
	EXPECT_EQ(vpci_function_add_bar(&f, 0, 32, VPCI_BAR_IO), 0);
	EXPECT_EQ(vpci_function_add_bar(&f, 1, 4096, 0), 0);
	EXPECT_EQ(vpci_function_add_bar(&f, 2, 1 << 20, VPCI_BAR_MEM64 | VPCI_BAR_PREFETCH), 0);
	/* refused: in use (the upper half too), bad sizes, bad flags, bad index */
	EXPECT_EQ(vpci_function_add_bar(&f, 3, 4096, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 1, 4096, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 3000, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 8, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 512, VPCI_BAR_IO), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 2, VPCI_BAR_IO), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 16, VPCI_BAR_IO | VPCI_BAR_PREFETCH), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 16, 0x2), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 1ull << 32, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 5, 4096, VPCI_BAR_MEM64), -1);   /* no room for the upper half */
	EXPECT_EQ(vpci_function_add_bar(&f, 6, 4096, 0), -1);
	EXPECT_EQ(vpci_function_add_bar(&f, 4, 0, 0), -1);
	f.write_hook = bar_hook;
	EXPECT_EQ(vpci_add_function(&b->pci, &f), 0);

	/* before sizing: type bits only */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x10, 4), 0x00000001);
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x18, 4), 0x0000000c);
	for (unsigned r = 0x10; r < 0x28; r += 4)
		cfg_write(b, 0, 3, 0, r, 4, 0xffffffff);
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x10, 4), 0xffffffe1);    /* 32 bytes of I/O */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x14, 4), 0xfffff000);    /* 4 KiB of memory */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x18, 4), 0xfff0000c);    /* 1 MiB, 64-bit, prefetchable */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x1c, 4), 0xffffffff);    /* its upper half */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x20, 4), 0);             /* undeclared */
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x24, 4), 0);
	/* program them, by dword and by word */
	cfg_write(b, 0, 3, 0, 0x10, 4, 0xc040);
	cfg_write(b, 0, 3, 0, 0x14, 2, 0x1234);                  /* low bits below the size: ignored */
	cfg_write(b, 0, 3, 0, 0x16, 2, 0xfebf);
	cfg_write(b, 0, 3, 0, 0x18, 4, 0x00200000);
	cfg_write(b, 0, 3, 0, 0x1c, 4, 0x00000008);
	const struct vpci_function *on_bus = vpci_find_function(&b->pci, 0, 3, 0);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 0), 0xc040);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 1), 0xfebf1000);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 2), 0x800200000ull);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 3), 0);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 4), 0);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 9), 0);
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x14, 4), 0xfebf1000);
	/* the hook saw each write, after it was applied */
	EXPECT_EQ(hook_calls, 6 + 5);
	EXPECT_EQ(hook_reg, 0x1c);
	EXPECT_EQ(hook_size, 4);
	EXPECT_EQ(hook_val, 8);
	EXPECT_EQ(hook_bar2, 0x800200000ull);
	/* a 1-byte write at the window's last port reaches register 0x1f */
	cfg_write(b, 0, 3, 0, 0x1f, 1, 0x01);
	EXPECT_EQ(hook_reg, 0x1f);
	EXPECT_EQ(hook_size, 1);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 2), 0x0100000800200000ull);
	/* reset: BARs unprogrammed again */
	vpci_reset(&b->pci);
	EXPECT_EQ(vpci_function_bar_address(on_bus, 1), 0);
	EXPECT_EQ(cfg_read(b, 0, 3, 0, 0x18, 4), 0x0000000c);
	free(b);
}

/* Adding functions: the slot rules, multifunction as QEMU checks it, the
 * table's bound, and the board only once. */
static void test_add_function_rules(void)
{
	static struct vpci pci;
	struct vpci_function f;
	vpci_init(&pci);
	vpci_function_init(&f, 4, 1, 0x1234, 0x5678, 0, 0xff0000, false);
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);              /* no function 0 */
	vpci_function_init(&f, 4, 0, 0x1234, 0x5678, 0, 0xff0000, false);
	EXPECT_EQ(vpci_add_function(&pci, &f), 0);
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);              /* taken */
	vpci_function_init(&f, 4, 1, 0x1234, 0x5678, 0, 0xff0000, false);
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);              /* function 0 is single-function */
	vpci_function_init(&f, 32, 0, 0x1234, 0x5678, 0, 0xff0000, false);
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);
	vpci_function_init(&f, 5, 8, 0x1234, 0x5678, 0, 0xff0000, false);
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);
	vpci_function_init(&f, 5, 0, 0x1234, 0x5678, 0, 0xff0000, false);
	f.bus = 1;
	EXPECT_EQ(vpci_add_function(&pci, &f), -1);
	EXPECT_EQ(vpci_pc_board(&pci), -1);                      /* not an empty bus */
	EXPECT_EQ(pci.count, 1);

	vpci_init(&pci);
	EXPECT_EQ(vpci_pc_board(&pci), 0);
	EXPECT_EQ(vpci_pc_board(&pci), -1);
	EXPECT_EQ(pci.count, 3);
	unsigned added = 0;
	for (unsigned dev = 2; dev < 32; dev++) {
		vpci_function_init(&f, (uint8_t)dev, 0, 0x1af4, 0x1000, 0, 0x020000, false);
		added += vpci_add_function(&pci, &f) == 0;
	}
	EXPECT_EQ(added, VPCI_MAX_FUNCTIONS - 3);
	EXPECT_EQ(pci.count, VPCI_MAX_FUNCTIONS);
	EXPECT_TRUE(vpci_find_function(&pci, 0, 2, 0) != NULL);
	EXPECT_TRUE(vpci_find_function(&pci, 0, 31, 0) == NULL);
	EXPECT_TRUE(vpci_find_function(&pci, 1, 0, 0) == NULL);
	EXPECT_TRUE(vpci_find_function(&pci, 0, 40, 0) == NULL);
	EXPECT_TRUE(vpci_find_function(&pci, 0, 0, 9) == NULL);
}

/* Reset: CONFIG_ADDRESS 0 and every function's config as it was added. */
static void test_reset(void)
{
	struct board *b = board_new();
	cfg_write(b, 0, 1, 0, 0x60, 4, 0x0b0b0a0a);
	cfg_write(b, 0, 0, 0, 0x04, 2, 0x0007);
	cfg_write(b, 0, 1, 3, 0x3c, 1, 0x0e);
	iobus_reset(&b->bus);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcf8, 4), 0);
	EXPECT_EQ(iobus_read(&b->bus, NULL, 0xcfc, 4), 0xffffffff);   /* enable is clear again */
	EXPECT_EQ(cfg_read(b, 0, 1, 0, 0x60, 4), 0x80808080);
	EXPECT_EQ(cfg_read(b, 0, 0, 0, 0x04, 2), 0);
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x3c, 1), PC_IRQ_SCI);
	free(b);
}

/* Garbage: every port of both ranges, every size, random values, plus
 * sizes and offsets the bus never passes, straight at the ops. Nothing
 * breaks, and the read-only bytes of every function are as they were. */
static void test_garbage_accesses(void)
{
	struct board *b = board_new();
	uint8_t ro_before[3][256], ro_after[3][256];
	const uint8_t devfns[3] = { 0x00, 0x08, 0x0b };
	for (int i = 0; i < 3; i++) {
		const struct vpci_function *f = vpci_find_function(&b->pci, 0, devfns[i] >> 3, devfns[i] & 7);
		for (int r = 0; r < 256; r++)
			ro_before[i][r] = f->config[r] & ~f->wmask[r] & ~f->w1cmask[r];
	}
	srand(1234);
	const unsigned sizes[] = { 1, 2, 4 };
	for (int i = 0; i < 200000; i++) {
		uint16_t port = (uint16_t)(0xcf8 + rand() % 8);
		unsigned size = sizes[rand() % 3];
		uint32_t val = (uint32_t)rand() << 16 ^ (uint32_t)rand();
		if (rand() & 1)
			iobus_write(&b->bus, NULL, port, size, val);
		else
			(void)iobus_read(&b->bus, NULL, port, size);
	}
	/* straight at the ops: sizes 0, 3, 8 and offsets past the window */
	const unsigned odd_sizes[] = { 0, 3, 5, 8 };
	iobus_write(&b->bus, NULL, 0xcf8, 4, cfg_addr(0, 0, 0, 0));
	for (unsigned s = 0; s < 4; s++)
		for (uint16_t off = 0; off < 8; off++) {
			EXPECT_EQ(vpci_config_data_ops.read(&b->pci, NULL, off, odd_sizes[s]), 0xffffffff);
			vpci_config_data_ops.write(&b->pci, NULL, off, odd_sizes[s], 0);
		}
	EXPECT_EQ(vpci_config_data_ops.read(&b->pci, NULL, 4, 1), 0xffffffff);
	EXPECT_EQ(vpci_config_data_ops.read(&b->pci, NULL, 0xffff, 4), 0xffffffff);
	EXPECT_EQ(vpci_config_data_ops.read(&b->pci, NULL, 0, 4), 0x12378086);
	for (int i = 0; i < 3; i++) {
		const struct vpci_function *f = vpci_find_function(&b->pci, 0, devfns[i] >> 3, devfns[i] & 7);
		for (int r = 0; r < 256; r++)
			ro_after[i][r] = f->config[r] & ~f->wmask[r] & ~f->w1cmask[r];
	}
	EXPECT_TRUE(memcmp(ro_before, ro_after, sizeof(ro_before)) == 0);
	EXPECT_TRUE(b->cf9.writes > 0);        /* the reset register saw its share */
	EXPECT_EQ(cfg_read(b, 0, 1, 3, 0x00, 4), 0x71138086);
	free(b);
}

int main(void)
{
	RUN(test_mechanism1_every_size_and_offset);
	RUN(test_config_address_register);
	RUN(test_enable_bit_off);
	RUN(test_absent_buses_devices_functions);
	RUN(test_os_scan_finds_the_board);
	RUN(test_board_ids);
	RUN(test_writable_and_read_only);
	RUN(test_status_write_one_to_clear);
	RUN(test_bar_sizing);
	RUN(test_add_function_rules);
	RUN(test_reset);
	RUN(test_garbage_accesses);
	TEST_MAIN_END();
}

/* hv/vdev/vpci_testdev.c - QEMU's pci-testdev (the contract is in
 * vpci_testdev.h). */
#include "hv/vdev/vpci_testdev.h"
#include "lib/string.h"

#define TYPE_MMIO      0
#define TYPE_PORTIO    1
#define KINDS          3          /* no-eventfd, wildcard-eventfd, datamatch-eventfd */
#define KIND_NO_EVENTFD 0
#define KIND_WILDCARD  1
#define DATAMATCH      0xfau      /* IOTEST_DATAMATCH */
#define NOMATCH        0xceu      /* IOTEST_NOMATCH */
#define HEADER_BYTES   16u        /* QEMU's PCITestDevHdr before its name */

static const char *const kind_names[KINDS] = { "no-eventfd", "wildcard-eventfd", "datamatch-eventfd" };
static const char *const type_names[2] = { "mmio", "portio" };

static int type_of(int t) { return t / KINDS; }
static int kind_of(int t) { return t % KINDS; }
static bool matches_data(int t) { return kind_of(t) != KIND_WILDCARD; }
static uint8_t data_of(int t) { return matches_data(t) ? DATAMATCH : NOMATCH; }

static uint32_t offset_of(int t)
{
	return (type_of(t) == TYPE_MMIO ? VPCI_TESTDEV_MEM_SIZE / 2 : VPCI_TESTDEV_IO_SIZE / 2) + (uint32_t)t;
}

/* QEMU's bufsize: the header, "TYPE-KIND" and its NUL. */
static uint32_t buffer_bytes(int t)
{
	return HEADER_BYTES + (uint32_t)strlen(type_names[type_of(t)]) + 1 +
	       (uint32_t)strlen(kind_names[kind_of(t)]) + 1;
}

static uint8_t name_byte(int t, uint32_t i)
{
	const char *type = type_names[type_of(t)], *kind = kind_names[kind_of(t)];
	uint32_t tl = (uint32_t)strlen(type);
	if (i < tl)
		return (uint8_t)type[i];
	if (i == tl)
		return '-';
	i -= tl + 1;
	return i < strlen(kind) ? (uint8_t)kind[i] : 0;
}

/* One byte read at addr of either region (QEMU's pci_testdev_read with
 * size 1: 0 without a test or at/past the buffer's last byte). */
static uint8_t read_byte(const struct vpci_testdev *d, uint64_t addr)
{
	int t = d->current;
	if (t < 0 || addr + 1 >= buffer_bytes(t))
		return 0;
	switch (addr) {
	case 0: return (uint8_t)t;
	case 1: return 1;                              /* width: a byte */
	case 4: case 5: case 6: case 7: return (uint8_t)(offset_of(t) >> (8 * (addr - 4)));
	case 8: return data_of(t);
	case 12: case 13: case 14: case 15: return (uint8_t)(d->count >> (8 * (addr - 12)));
	default: return addr >= HEADER_BYTES ? name_byte(t, (uint32_t)(addr - HEADER_BYTES)) : 0;
	}
}

/* One byte write at addr of a region of type type (pci_testdev_write). */
static void write_byte(struct vpci_testdev *d, int type, uint64_t addr, uint8_t val)
{
	if (addr == 0) {
		d->current = -1;
		if (val < KINDS) {
			d->current = type * KINDS + val;
			d->count = 0;
		}
		return;
	}
	int t = d->current;
	if (t < 0 || addr != offset_of(t) || (matches_data(t) && val != data_of(t)))
		return;
	d->count++;
}

/* A write as QEMU's memory core dispatches it: first the ioeventfd check
 * of the whole access, then byte by byte. */
static void dispatch_write(struct vpci_testdev *d, int type, uint64_t addr, unsigned size, uint64_t val)
{
	int t = d->current;
	if (t >= 0 && kind_of(t) != KIND_NO_EVENTFD && type_of(t) == type && addr == offset_of(t) && size == 1 &&
	    (!matches_data(t) || val == data_of(t)))
		return;   /* the eventfd took it */
	for (unsigned i = 0; i < size; i++)
		write_byte(d, type, addr + i, (uint8_t)(val >> (8 * i)));
}

static uint64_t region_size(unsigned bar)
{
	return bar == VPCI_TESTDEV_MEM_BAR ? VPCI_TESTDEV_MEM_SIZE : VPCI_TESTDEV_IO_SIZE;
}

static bool access_ok(unsigned bar, uint64_t off, unsigned size)
{
	unsigned max = bar == VPCI_TESTDEV_MEM_BAR ? 8 : 4;
	return (bar == VPCI_TESTDEV_MEM_BAR || bar == VPCI_TESTDEV_IO_BAR) && size >= 1 && size <= max &&
	       (size & (size - 1)) == 0 && off < region_size(bar) && size <= region_size(bar) - off;
}

static uint64_t bar_read(void *ctx, unsigned bar, uint64_t off, unsigned size)
{
	const struct vpci_testdev *d = ctx;
	uint64_t val = 0;

	/* An unaligned port access is refused; TCG reads unaligned memory
	 * as aligned pieces, whose bytes are these. */
	if (!access_ok(bar, off, size) || (bar == VPCI_TESTDEV_IO_BAR && off % size))
		return 0;
	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)read_byte(d, off + i) << (8 * i);
	return val;
}

static void bar_write(void *ctx, unsigned bar, uint64_t off, unsigned size, uint64_t val)
{
	struct vpci_testdev *d = ctx;
	int type = bar == VPCI_TESTDEV_MEM_BAR ? TYPE_MMIO : TYPE_PORTIO;

	if (!access_ok(bar, off, size))
		return;
	if (off % size == 0) {
		dispatch_write(d, type, off, size, val);
	} else if (type == TYPE_MMIO) {
		/* TCG stores an unaligned MMIO access byte by byte. */
		for (unsigned i = 0; i < size; i++)
			dispatch_write(d, type, off + i, 1, (uint8_t)(val >> (8 * i)));
	}
}

const struct vpci_bar_ops vpci_testdev_bar_ops = { bar_read, bar_write };

void vpci_testdev_reset(struct vpci_testdev *t)
{
	t->current = -1;
	t->count = 0;
}

int vpci_testdev_add(struct vpci *pci, struct vpci_testdev *t, uint8_t dev)
{
	struct vpci_function f;

	vpci_testdev_reset(t);
	/* QEMU's class_id PCI_CLASS_OTHERS (0x00ff) is the 16-bit class word:
	 * base class 0x00, subclass 0xff. */
	vpci_function_init(&f, dev, 0, VPCI_TESTDEV_VENDOR, VPCI_TESTDEV_DEVICE, 0x00, 0x00ff00, false);
	if (vpci_function_add_bar(&f, VPCI_TESTDEV_MEM_BAR, VPCI_TESTDEV_MEM_SIZE, 0) != 0 ||
	    vpci_function_add_bar(&f, VPCI_TESTDEV_IO_BAR, VPCI_TESTDEV_IO_SIZE, VPCI_BAR_IO) != 0)
		return -1;
	f.bar_ops = &vpci_testdev_bar_ops;
	f.bar_ctx = t;
	return vpci_add_function(pci, &f);
}

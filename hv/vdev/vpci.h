/* hv/vdev/vpci.h - The virtual PC's PCI bus 0, reached through
 * configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2),
 * with the functions QEMU 7.2's `-M pc` puts on it.
 *
 * Ports. CONFIG_ADDRESS is the 32-bit register at 0xCF8; CONFIG_DATA is the
 * 4-byte window 0xCFC-0xCFF. The reset control register at 0xCF9 sits
 * inside CONFIG_ADDRESS's dword, as on every PIIX chipset: QEMU's memory
 * core hands a port access whole to the region at its first port (PIIX3's
 * one-byte RCR region overlaps the host bridge's 4-byte index region), so
 * a dword at 0xCF8 is CONFIG_ADDRESS and a byte at 0xCF9 is the reset
 * register. Our port bus (hv/vdev/iobus.h) only delivers an access that
 * lies wholly inside one range, so the ports are registered thus:
 *
 *   iobus_register(bus, 0xcf8, 4, &vpci_config_address_ops, pci)
 *   iobus_register(bus, 0xcfc, 4, &vpci_config_data_ops, pci)
 *   vpci_chain_port_cf9(pci, &vsysctl_cf9_ops, sysctl)     (0xCF9 is then
 *                                     NOT registered on its own: it overlaps)
 *
 * and vpci passes every access whose first port is 0xCF9 to the chained
 * reset control register, unchanged (offset 0, its size, its value). A bus
 * that dispatched by first port, as QEMU's does, could register
 * CONFIG_ADDRESS as the one port 0xCF8 and 0xCF9 separately; these ops
 * work there too (they decode the offset they are given).
 *
 * CONFIG_ADDRESS (range offset 0-3; what QEMU 7.2 does, hw/pci/pci_host.c):
 *   dword write at 0xCF8     sets it; bits 30:24 and 1:0 read back 0 (the
 *                            spec's "reserved, read-only 0"; QEMU keeps
 *                            all 32 bits, no OS depends on either)
 *   dword read at 0xCF8      reads it
 *   any access at 0xCF9      the reset control register, when chained; else
 *                            as a byte/word access below
 *   byte/word reads at 0xCF8, 0xCFA, 0xCFB: the register's low byte/word
 *                            (QEMU's pci_host_config_read ignores the
 *                            offset); byte/word writes: ignored
 *   a dword at 0xCF9-0xCFB   never delivered by the bus (it leaves the
 *                            range): reads all ones, writes dropped
 * CONFIG_DATA (offset 0-3 of 0xCFC): byte, word or dword, at config
 * register (CONFIG_ADDRESS & 0xFC) + offset, of the function CONFIG_ADDRESS
 * names, when its bit 31 (enable) is set. With enable clear, or a bus other
 * than 0 (only bus 0 exists: there are no bridges), or an absent
 * device/function, reads are all ones and writes are dropped: what an OS's
 * scan expects of an empty slot (vendor ID 0xFFFF).
 *
 * Functions. Each has 256 bytes of configuration space (type 0 header)
 * with, per byte, a writable mask (bits a write changes) and a
 * write-1-to-clear mask (bits a 1 clears), QEMU's pci_default_write_config
 * rule: new = (old & ~wmask) | (val & wmask), then new &= ~(val & w1cmask).
 * vpci_function_init() gives QEMU's defaults (hw/pci/pci.c:
 * pci_init_wmask/pci_init_w1cmask): command bits I/O, memory, bus master,
 * SERR# and INTx-disable writable; status error bits write-1-to-clear;
 * cache line size and interrupt line writable; the device-specific bytes
 * 0x40-0xFF writable; everything else read-only. No capability list
 * (status bit 4 clear, 0x34 = 0), no expansion ROM (0x30 reads 0).
 * Base address registers declared with vpci_function_add_bar() size as
 * the spec says (3.6.5.1 / 6.2.5.1): write all ones, read back the size
 * mask with the type bits; an undeclared BAR reads 0.
 *
 * Decoding. A function that gives bar_ops has regions behind its BARs:
 * where the guest placed them, and while its command register enables
 * their space (I/O, memory), an access there reaches bar_ops (vpci_io_*,
 * vpci_mem_*: the port and MMIO buses ask vpci about what no fixed range
 * of theirs claims, iobus_set_fallback / mmiobus_set_fallback). Which
 * addresses are mapped is QEMU's rule (hw/pci/pci.c pci_bar_address): a
 * BAR at address 0, or whose last byte wraps or reaches 0xFFFFFFFF (a
 * 32-bit BAR), maps nothing. Not QEMU's: a BAR over a board device or RAM
 * is behind it (QEMU maps BARs above the ISA devices, priority 1).
 *
 * Reset. vpci_reset() (the ops' reset) clears CONFIG_ADDRESS and puts
 * every function's configuration space back as it was when added.
 *
 * Locking: one spinlock per bus, taken in every entry point; a function's
 * write hook runs under it (it must not call back into vpci; it may read
 * and change its function's config[] directly). The chained 0xCF9 model is
 * called without vpci's lock. */
#ifndef HV_VDEV_VPCI_H
#define HV_VDEV_VPCI_H

#include "hv/vdev/iobus.h"
#include "lib/spinlock.h"

#define VPCI_PORT_CONFIG_ADDRESS 0xcf8u
#define VPCI_PORT_CONFIG_DATA    0xcfcu
#define VPCI_PORTS               4u        /* each of the two ranges */

#define VPCI_CONFIG_ENABLE       0x80000000u   /* CONFIG_ADDRESS bit 31 */
#define VPCI_CONFIG_ADDRESS_MASK 0x80fffffcu   /* the bits that read back */

#define VPCI_MAX_FUNCTIONS 16      /* the board has 3; room for virtio devices */
#define VPCI_CONFIG_SIZE   256     /* conventional configuration space */
#define VPCI_NUM_BARS      6       /* type 0 header: 0x10-0x24 */

/* Type 0 configuration header (PCI 3.0, 6.1, figure 6-1). */
#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION_ID      0x08
#define PCI_CLASS_PROG       0x09   /* class code: 0x09 prog-if, 0x0a sub, 0x0b base */
#define PCI_CACHE_LINE_SIZE  0x0c
#define PCI_LATENCY_TIMER    0x0d
#define PCI_HEADER_TYPE      0x0e
#define PCI_BAR0             0x10
#define PCI_SUBSYSTEM_VENDOR 0x2c
#define PCI_SUBSYSTEM_ID     0x2e
#define PCI_ROM_ADDRESS      0x30
#define PCI_CAPABILITY_LIST  0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_INTERRUPT_PIN    0x3d
#define PCI_DEVICE_SPECIFIC  0x40

#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_SERR         0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400
/* Status bits an error sets and software clears by writing 1 (6.2.3). */
#define PCI_STATUS_FAST_BACK     0x0080
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define PCI_STATUS_W1C           0xf900   /* parity, sig/rec target abort, master abort, SERR, detected parity */
#define PCI_HEADER_MULTIFUNCTION 0x80

/* BAR type bits (6.2.5.1), the flags of vpci_function_add_bar(). */
#define VPCI_BAR_IO        0x1u    /* I/O space; else memory */
#define VPCI_BAR_MEM64     0x4u    /* memory, 64-bit: takes this BAR and the next */
#define VPCI_BAR_PREFETCH  0x8u    /* memory, prefetchable */

/* QEMU gives every device that names no subsystem of its own this one
 * (hw/pci/pci.c, pci_set_default_subsystem_id): Red Hat, "QEMU". */
#define VPCI_QEMU_SUBSYSTEM_VENDOR 0x1af4
#define VPCI_QEMU_SUBSYSTEM_ID     0x1100

struct vpci_function;

/* Called after a guest write to the function's config space has been
 * applied (under vpci's lock): reg is the first byte written, size 1, 2
 * or 4, val the value the guest wrote (before the masks). */
typedef void (*vpci_write_hook)(void *ctx, struct vpci_function *f, unsigned reg, unsigned size, uint32_t val);

/* A function's regions behind its BARs (Decoding above): off from the
 * BAR's address, size 1, 2, 4 or 8 (8: memory only), the access wholly
 * inside the BAR. Called under vpci's lock: the same rules as a write
 * hook. */
struct vpci_bar_ops {
	uint64_t (*read)(void *ctx, unsigned bar, uint64_t off, unsigned size);
	void (*write)(void *ctx, unsigned bar, uint64_t off, unsigned size, uint64_t val);
};

struct vpci_function {
	uint8_t bus, dev, fn;              /* bus 0, device 0-31, function 0-7 */
	uint8_t config[VPCI_CONFIG_SIZE];  /* what the guest reads */
	uint8_t wmask[VPCI_CONFIG_SIZE];   /* 1 = a guest write sets this bit */
	uint8_t w1cmask[VPCI_CONFIG_SIZE]; /* 1 = a guest write of 1 clears this bit */
	uint64_t bar_size[VPCI_NUM_BARS];  /* 0 = no BAR (the upper half of a 64-bit one: 0) */
	vpci_write_hook write_hook;        /* may be NULL */
	void *hook_ctx;
	const struct vpci_bar_ops *bar_ops;   /* NULL: its BARs decode nothing */
	void *bar_ctx;
};

struct vpci {
	struct spinlock lock;
	uint32_t config_address;                      /* CONFIG_ADDRESS, masked */
	unsigned count;
	uint8_t slot_of[256];                         /* dev << 3 | fn: index + 1, 0 absent */
	struct vpci_function functions[VPCI_MAX_FUNCTIONS];
	uint8_t reset_config[VPCI_MAX_FUNCTIONS][VPCI_CONFIG_SIZE];   /* config as added */
	const struct pio_ops *cf9_ops;                /* the chained reset control register */
	void *cf9_dev;
};

extern const struct pio_ops vpci_config_address_ops;   /* 4 ports: 0xcf8-0xcfb (see above) */
extern const struct pio_ops vpci_config_data_ops;      /* 4 ports: 0xcfc-0xcff */

/* An empty bus 0, CONFIG_ADDRESS 0, nothing chained. */
void vpci_init(struct vpci *pci);
/* CONFIG_ADDRESS 0; every function's config as it was added. */
void vpci_reset(struct vpci *pci);
/* Accesses whose first port is 0xCF9 go to ops/dev (offset 0); NULL ops
 * undoes it. */
void vpci_chain_port_cf9(struct vpci *pci, const struct pio_ops *ops, void *dev);

/* A function with QEMU's defaults (above): IDs, revision, class code
 * (base << 16 | sub << 8 | prog-if), header type 0 (with bit 7 when
 * multifunction), subsystem 1af4:1100, command/status 0, no BARs, no hook.
 * The caller then sets registers, masks, BARs and the hook in *f. */
void vpci_function_init(struct vpci_function *f, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
			uint8_t revision, uint32_t class_code, bool multifunction);
/* Declares BAR bar (0-5) of size bytes: a power of two, 16 bytes to 2 GiB
 * (4 bytes to 256 for I/O, 6.2.5.1; up to 2^63 for 64-bit memory), flags
 * VPCI_BAR_*. Its address bits are writable, its type bits and the bits
 * below its size read-only. A 64-bit BAR takes bar and bar + 1. 0, or -1
 * (nothing changed) for a bad index, size or flags, or a BAR in use. */
int vpci_function_add_bar(struct vpci_function *f, unsigned bar, uint64_t size, uint32_t flags);
/* The address BAR bar holds now (its type bits masked off; a 64-bit BAR's
 * both halves), 0 for an undeclared BAR. Under the bus lock, as from a
 * write hook, or on a function not yet on a bus. */
uint64_t vpci_function_bar_address(const struct vpci_function *f, unsigned bar);

/* Copies *f onto the bus (its config as now is also what vpci_reset brings
 * back). 0, or -1 when: the table is full, bus != 0, dev > 31 or fn > 7,
 * the slot is taken, or fn > 0 without function 0 of that device on the
 * bus with the multifunction bit (QEMU refuses that too: an OS's scan
 * looks at functions 1-7 only when function 0 has the bit). */
int vpci_add_function(struct vpci *pci, const struct vpci_function *f);
/* The function on the bus at bus/dev/fn, or NULL. The pointer is stable;
 * touch its config only under pci->lock or before the VM runs. */
struct vpci_function *vpci_find_function(struct vpci *pci, uint8_t bus, uint8_t dev, uint8_t fn);

/* An access to port/gpa where a function's enabled BAR has placed its
 * region: done (the read's value in *val) and true, or false when no BAR
 * holds the whole access (the bus then treats it as unclaimed). Values
 * are not cut to size: the port and MMIO buses, the callers, mask the
 * value written before and the value read after.
 * vpci_mem_claims: whether a BAR's region holds gpa (one byte). */
bool vpci_io_read(struct vpci *pci, uint16_t port, unsigned size, uint32_t *val);
bool vpci_io_write(struct vpci *pci, uint16_t port, unsigned size, uint32_t val);
bool vpci_mem_claims(struct vpci *pci, uint64_t gpa);
bool vpci_mem_read(struct vpci *pci, uint64_t gpa, unsigned size, uint64_t *val);
bool vpci_mem_write(struct vpci *pci, uint64_t gpa, unsigned size, uint64_t val);

/* The functions of QEMU 7.2's `-M pc` that the board has (PCI IDs and reset
 * values from hw/pci-host/i440fx.c, hw/isa/piix3.c, hw/acpi/piix4.c, with
 * the PM base programmed as SeaBIOS leaves it, since no firmware runs):
 *   00:00.0  i440FX host bridge   8086:1237 rev 02, class 060000
 *   00:01.0  PIIX3 ISA bridge     8086:7000 rev 00, class 060100, multifunction
 *   00:01.3  PIIX4 ACPI/PM        8086:7113 rev 03, class 068000, INTA#, line 9 (SCI)
 * vpci.c lists each register and what it does (most: nothing). Not on this
 * board: PIIX3 IDE 01.1 (no disks), USB 01.2, VGA 02.0, the NIC 03.0.
 * 0, or -1 if the bus cannot take them (not empty). */
int vpci_pc_board(struct vpci *pci);

#endif

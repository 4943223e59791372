/* hv/vdev/vpci_testdev.h - QEMU's pci-testdev (QEMU 7.2
 * hw/misc/pci-testdev.c), a PCI function whose BARs hold a table of I/O
 * tests (kvm-unit-tests' pci test); on the board only with the VM option
 * testdev=on (hv/vdev/pc.c). What a guest sees is QEMU's under TCG, the
 * differential tests' reference (tests/guests/mb/testdev.c measures it).
 *
 * The function: 1b36:0005 (Red Hat, "QEMU PCI test device"), revision 0,
 * class 00ff00 (PCI_CLASS_OTHERS in the 16-bit class word), no interrupt
 * pin, vpci's defaults otherwise (subsystem 1af4:1100). BAR 0: 4 KiB of
 * 32-bit memory (QEMU's "mmio" region, IOTEST_MEMSIZE * 2); BAR 1: 256
 * I/O ports ("portio", IOTEST_IOSIZE * 2). vpci places and enables them
 * (vpci.h, Decoding); both regions reach this model's vpci_bar_ops.
 *
 * The tests: six, t = type * 3 + kind, type 0 mmio, 1 portio; kind 0
 * "no-eventfd", 1 "wildcard-eventfd", 2 "datamatch-eventfd". Test t's
 * header, which either region reads while it is the current one:
 *   0 test (t)  1 width (1)  4-7 offset  8 data  12-15 count  16- name
 * with offset 2048 + t (mmio tests) or 128 + t (portio), data 0xFA
 * (IOTEST_DATAMATCH) for kinds 0 and 2 (they match the data) and 0xCE for
 * kind 1, name "TYPE-KIND" and its NUL (QEMU's buffer: 16 + name + 1
 * bytes; a byte at or past its last reads 0).
 * Every region is byte-wide to the test (QEMU's impl 1..1): an access is
 * split into byte writes/reads at consecutive offsets. A byte write at
 * offset 0 of a region ends the current test and, if the byte is below 3,
 * makes test (region's type) * 3 + byte current with count 0; a byte at
 * the current test's offset counts (count + 1) if the test matches any
 * data or the byte is its data. With no current test, reads give 0.
 *
 * TCG's ioeventfd emulation (QEMU memory.c: without KVM eventfds, a write
 * that matches an ioeventfd signals it instead of reaching the device):
 * while a kind 1 or 2 test is current, a write of exactly one byte at its
 * offset in its own type's region, with its data for kind 2, is swallowed
 * (nothing counts). Accesses QEMU refuses: an unaligned one to the I/O
 * region (reads 0, writes dropped); an unaligned one to the memory region
 * is done byte by byte by TCG (each byte a one-byte write, eventfd check
 * included).
 * Not modelled: eventfds themselves (the host side). Reset (the board's):
 * no current test. No lock of its own: vpci calls it under the bus lock. */
#ifndef HV_VDEV_VPCI_TESTDEV_H
#define HV_VDEV_VPCI_TESTDEV_H

#include "hv/vdev/vpci.h"

#define VPCI_TESTDEV_VENDOR   0x1b36u   /* PCI_VENDOR_ID_REDHAT */
#define VPCI_TESTDEV_DEVICE   0x0005u   /* PCI_DEVICE_ID_REDHAT_TEST */
#define VPCI_TESTDEV_MEM_BAR  0u
#define VPCI_TESTDEV_MEM_SIZE 4096u
#define VPCI_TESTDEV_IO_BAR   1u
#define VPCI_TESTDEV_IO_SIZE  256u
#define VPCI_TESTDEV_TESTS    6

struct vpci_testdev {
	int current;      /* the current test, -1 none */
	uint32_t count;   /* its count */
};

extern const struct vpci_bar_ops vpci_testdev_bar_ops;

void vpci_testdev_reset(struct vpci_testdev *t);
/* Function 00:dev.0 on pci, its regions t's. 0, or -1 if vpci refuses it. */
int vpci_testdev_add(struct vpci *pci, struct vpci_testdev *t, uint8_t dev);

#endif

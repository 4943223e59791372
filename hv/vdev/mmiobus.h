/* hv/vdev/mmiobus.h - A VM's MMIO bus: guest-physical ranges in the 3-4 GiB
 * hole (and wherever a model is placed outside RAM) claimed by device
 * models. A nested page fault on a gpa that no RAM slot holds comes here
 * after the instruction is decoded (hv/exit_npf.c); an access no model
 * claims stops the VM with its reason (docs/pc.md: a missing model is never
 * silent). Each vCPU's local APIC page is not on this bus: its base is
 * per vCPU (IA32_APIC_BASE) and the fault handler looks at it first.
 *
 * Contract for models: as for the port bus (hv/vdev/iobus.h): called on
 * the accessing vCPU's CPU, no lock held by the bus, size 1, 2, 4 or 8
 * with the access wholly inside the range (the bus splits nothing: an
 * access that crosses a range's end is refused). Pure logic: host-tested. */
#ifndef HV_VDEV_MMIOBUS_H
#define HV_VDEV_MMIOBUS_H

#include "lib/types.h"

struct vcpu;

struct mmio_ops {
	const char *name;
	/* off = gpa - base of the range. */
	uint64_t (*read)(void *dev, struct vcpu *v, uint64_t off, unsigned size);
	void (*write)(void *dev, struct vcpu *v, uint64_t off, unsigned size, uint64_t val);
};

#define MMIOBUS_MAX_RANGES 16

struct mmio_range {
	gpa_t base;
	uint64_t len;
	const struct mmio_ops *ops;
	void *dev;
};

/* A second look where no range is (the PCI BARs, which the guest places:
 * vpci_mem_claims/read/write): claims says whether it takes gpa at all
 * (the fault handler's first question), read/write true if they took the
 * access. */
struct mmio_fallback {
	bool (*claims)(void *ctx, gpa_t gpa);
	bool (*read)(void *ctx, gpa_t gpa, unsigned size, uint64_t *val);
	bool (*write)(void *ctx, gpa_t gpa, unsigned size, uint64_t val);
	void *ctx;
};

struct mmiobus {
	struct mmio_range ranges[MMIOBUS_MAX_RANGES];   /* sorted by base, disjoint */
	unsigned count;
	struct mmio_fallback fallback;                  /* all NULL: none */
};

void mmiobus_init(struct mmiobus *bus);
/* 0, or -1 (nothing changed) when len is 0, the range wraps, overlaps a
 * claimed one, or the bus is full. */
int mmiobus_register(struct mmiobus *bus, gpa_t base, uint64_t len, const struct mmio_ops *ops, void *dev);
/* The range that holds [gpa, gpa + size), or NULL. */
const struct mmio_range *mmiobus_find(const struct mmiobus *bus, gpa_t gpa, unsigned size);
/* Accesses that no range holds go to fb (NULL: none again). */
void mmiobus_set_fallback(struct mmiobus *bus, const struct mmio_fallback *fb);
/* Whether a range or the fallback takes the byte at gpa. */
bool mmiobus_claims(const struct mmiobus *bus, gpa_t gpa);
/* Read/write through the range (or else the fallback) that holds the access: true if one did
 * (a read of an op the model leaves NULL gives all ones; a write to one is
 * dropped), false when no range holds it (the caller stops the VM). */
bool mmiobus_read(const struct mmiobus *bus, struct vcpu *v, gpa_t gpa, unsigned size, uint64_t *val);
bool mmiobus_write(const struct mmiobus *bus, struct vcpu *v, gpa_t gpa, unsigned size, uint64_t val);

#endif

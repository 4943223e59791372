/* hv/vdev/iobus.h - A VM's I/O-port bus: port ranges claimed by device models.
 * An access no device claims reads as all ones and is otherwise dropped, as
 * on a PC's ISA bus. Pure logic: host-tested.
 *
 * Lookup is on every IN/OUT exit: a two-level port map (256-port pages,
 * allocated only where a device is: a PC uses a handful) names each port's
 * range in two loads, whatever the number of ranges. A fallback (below)
 * costs nothing where none is installed: installing one points every
 * unclaimed map entry, and every page without a device (through one shared
 * page), at a range of its own that spans the port space, so the lookup
 * stays the same two loads.
 *
 * Contract for device models:
 *   - read/write are called on the host CPU of the vCPU that made the
 *     access (passed in: NULL only from host tests), in its exit handler,
 *     with host interrupts off and no lock held by the bus: a model that
 *     several vCPUs of its VM can reach at once takes its own lock;
 *   - reset is called when the VM is (re)built, by the CPU of its last vCPU
 *     to park, with every vCPU of the VM parked: nothing else runs the
 *     model then; it puts the model in its power-on state;
 *   - a model may raise interrupts (vcpu_raise_irq) and stop or reset its
 *     VM (vm_request_stop / vm_request_reset); it never touches host
 *     hardware, never waits, never allocates, never prints. */
#ifndef HV_IOBUS_H
#define HV_IOBUS_H

#include "lib/types.h"

struct vcpu;

/* off = port - base of the claimed range; size is 1, 2 or 4. Any op may be
 * NULL (an unreadable port reads all ones). */
struct pio_ops {
	const char *name;
	uint32_t (*read)(void *dev, struct vcpu *v, uint16_t off, unsigned size);
	void (*write)(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val);
	void (*reset)(void *dev);
};

#define IOBUS_MAX_RANGES 64     /* a PC has a few dozen; the map's bytes index them */
#define IOBUS_PORTS      65536
#define IOBUS_MAP_PAGES  32     /* 256-port pages that hold a device */

struct iobus_range {
	uint16_t base;
	uint32_t len;                                /* the fallback's: IOBUS_PORTS */
	const struct pio_ops *ops;
	void *dev;
};

/* A second look at an access whose first port no range claims (the PCI
 * BARs, whose ports the guest chooses: vpci_io_read/vpci_io_write): true
 * if it took it; an access that starts in a range but runs past its end
 * stays unclaimed. */
struct iobus_fallback {
	bool (*read)(void *ctx, uint16_t port, unsigned size, uint32_t *val);
	bool (*write)(void *ctx, uint16_t port, unsigned size, uint32_t val);
	void *ctx;
};

struct iobus {
	struct iobus_range ranges[IOBUS_MAX_RANGES + 1];   /* + the fallback's, last */
	unsigned count;
	uint8_t page_of[IOBUS_PORTS / 256];          /* ports N*256..: index + 1 into pages, 0 none */
	uint8_t pages[IOBUS_MAP_PAGES + 1][256];     /* per port: range index + 1, 0 unclaimed;
	                                              * + the shared page of a fallback, last */
	unsigned pages_used;
	struct iobus_fallback fallback;              /* read/write NULL: none */
	uint64_t unclaimed_reads, unclaimed_writes;
};

void iobus_init(struct iobus *bus);
/* 0, or -1 when the range overlaps a claimed one, wraps, or the bus (its
 * ranges or its map's pages) is full; nothing is changed then. */
int iobus_register(struct iobus *bus, uint16_t base, uint16_t len, const struct pio_ops *ops, void *dev);
/* The value an IN of size bytes at port by vCPU v reads (all ones, masked
 * to size, when unclaimed). */
uint32_t iobus_read(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size);
void iobus_write(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size, uint32_t val);
/* Accesses whose first port no range claims go to fb first (NULL: none
 * again). Setup only, like iobus_register: both rewrite the port map,
 * which the exit path reads without a lock, so no vCPU of the VM may run
 * (the board calls them from pc_board_setup, before any does). */
void iobus_set_fallback(struct iobus *bus, const struct iobus_fallback *fb);
/* Calls every device's reset op once (a device with several ranges too). */
void iobus_reset(struct iobus *bus);

#endif

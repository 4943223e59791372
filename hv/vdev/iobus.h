/* hv/vdev/iobus.h - A VM's I/O-port bus: port ranges claimed by device models.
 * An access no device claims reads as all ones and is otherwise dropped, as
 * on a PC's ISA bus. Pure logic: host-tested.
 *
 * Lookup is on every IN/OUT exit: with a port map (iobus_set_port_map, 64
 * KiB, one byte per port naming its range) it is one load whatever the
 * number of ranges; without one, a scan of the ranges.
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

struct iobus_range {
	uint16_t base, len;
	const struct pio_ops *ops;
	void *dev;
};

struct iobus {
	struct iobus_range ranges[IOBUS_MAX_RANGES];
	unsigned count;
	uint8_t *port_map;          /* IOBUS_PORTS bytes: range index + 1, 0 unclaimed; or NULL */
	uint64_t unclaimed_reads, unclaimed_writes;
};

void iobus_init(struct iobus *bus);
/* Gives the bus a port map of IOBUS_PORTS bytes (before any iobus_register). */
void iobus_set_port_map(struct iobus *bus, uint8_t *map);
/* 0, or -1 when the range overlaps a claimed one, wraps, or the bus is full. */
int iobus_register(struct iobus *bus, uint16_t base, uint16_t len, const struct pio_ops *ops, void *dev);
/* The value an IN of size bytes at port by vCPU v reads (all ones, masked
 * to size, when unclaimed). */
uint32_t iobus_read(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size);
void iobus_write(struct iobus *bus, struct vcpu *v, uint16_t port, unsigned size, uint32_t val);
/* Calls every device's reset op once (a device with several ranges too). */
void iobus_reset(struct iobus *bus);

#endif

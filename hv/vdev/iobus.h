/* hv/vdev/iobus.h - A VM's I/O-port bus: port ranges claimed by device models.
 * An access no device claims reads as all ones and is otherwise dropped, as
 * on a PC's ISA bus. Pure logic: host-tested. */
#ifndef HV_IOBUS_H
#define HV_IOBUS_H

#include "lib/types.h"

/* off = port - base of the claimed range; size is 1, 2 or 4. */
struct pio_ops {
	const char *name;
	uint32_t (*read)(void *dev, uint16_t off, unsigned size);
	void (*write)(void *dev, uint16_t off, unsigned size, uint32_t val);
};

#define IOBUS_MAX_RANGES 16

struct iobus {
	struct {
		uint16_t base, len;
		const struct pio_ops *ops;
		void *dev;
	} ranges[IOBUS_MAX_RANGES];
	unsigned count;
	uint64_t unclaimed_reads, unclaimed_writes;
};

void iobus_init(struct iobus *bus);
/* 0, or -1 when the range overlaps a claimed one, wraps, or the bus is full. */
int iobus_register(struct iobus *bus, uint16_t base, uint16_t len, const struct pio_ops *ops, void *dev);
/* The value an IN of size bytes at port reads (all ones, masked to size, when unclaimed). */
uint32_t iobus_read(struct iobus *bus, uint16_t port, unsigned size);
void iobus_write(struct iobus *bus, uint16_t port, unsigned size, uint32_t val);

#endif

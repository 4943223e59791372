/* drivers/i8259.c - Remap and mask the legacy PICs (Intel 8259A datasheet:
 * ICW1-ICW4 initialisation sequence, OCW1 mask register). Masked lines can
 * still raise a spurious IRQ7/IRQ15, which then arrives on vector 0x27/0x2f,
 * not on an exception vector. */
#include "arch/x86/io.h"
#include "drivers/i8259.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT_ICW4 0x11     /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086      0x01
#define PIC1_VECTOR    0x20
#define PIC2_VECTOR    0x28
#define PIC1_CASCADE   0x04     /* slave on IRQ2 */
#define PIC2_CASCADE_ID 0x02

void i8259_mask_all(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC1_DATA, PIC1_VECTOR);
	io_delay();
	outb(PIC2_DATA, PIC2_VECTOR);
	io_delay();
	outb(PIC1_DATA, PIC1_CASCADE);
	io_delay();
	outb(PIC2_DATA, PIC2_CASCADE_ID);
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

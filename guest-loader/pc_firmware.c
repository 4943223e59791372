/* guest-loader/pc_firmware.c - The low-memory bytes SeaBIOS and QEMU's
 * Multiboot option ROM leave (pc_firmware.h; measured values in
 * docs/pc.md). */
#include "guest-loader/pc_firmware.h"
#include "hv/vdev/pc_layout.h"
#include "lib/string.h"

/* Offsets in the BDA (from 0x400). */
#define BDA_COM1_BASE      0x00
#define BDA_EBDA_SEGMENT   0x0e
#define BDA_EQUIPMENT      0x10
#define BDA_BASE_MEM_KIB   0x13
#define BDA_KBD_HEAD       0x1a
#define BDA_KBD_TAIL       0x1c
#define BDA_DISK_CONTROL   0x76
#define BDA_COM1_TIMEOUT   0x7c
#define BDA_KBD_START      0x80
#define BDA_KBD_END        0x82
#define BDA_KBD_FLAGS3     0x96

/* Equipment word (INT 11h): bit 1 math coprocessor, bit 2 PS/2 mouse,
 * bits 9-11 one serial port. */
#define EQUIPMENT          0x0206u
#define KBD_BUFFER_START   0x1eu     /* offsets from segment 0x40: 0x41e-0x43d */
#define KBD_BUFFER_END     0x3eu
#define DISK_CONTROL       0xc0u
#define COM_TIMEOUT        0x0au
#define KBD_FLAGS3_101KEY  0x10u     /* an enhanced (101/102-key) keyboard */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void pc_bda_build(uint8_t bda[PC_BDA_BYTES])
{
	memset(bda, 0, PC_BDA_BYTES);
	put16(bda + BDA_COM1_BASE, 0x3f8);
	put16(bda + BDA_EBDA_SEGMENT, PC_EBDA_BASE >> 4);
	put16(bda + BDA_EQUIPMENT, EQUIPMENT);
	put16(bda + BDA_BASE_MEM_KIB, PC_EBDA_BASE / 1024);
	put16(bda + BDA_KBD_HEAD, KBD_BUFFER_START);
	put16(bda + BDA_KBD_TAIL, KBD_BUFFER_START);
	bda[BDA_DISK_CONTROL] = DISK_CONTROL;
	bda[BDA_COM1_TIMEOUT] = COM_TIMEOUT;
	put16(bda + BDA_KBD_START, KBD_BUFFER_START);
	put16(bda + BDA_KBD_END, KBD_BUFFER_END);
	bda[BDA_KBD_FLAGS3] = KBD_FLAGS3_101KEY;
}

/* Intel SDM Vol. 3, 3.4.5 "Segment Descriptors". The data descriptor at
 * 0x10 has its accessed bit set (0x93): the option ROM loaded it; the code
 * descriptor reads 0x9a on QEMU. */
const uint8_t mb_rom_gdt[MB_ROM_GDT_LIMIT + 1] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,   /* 0x08: code, base 0, 4 GiB, 32-bit */
	0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,   /* 0x10: data, base 0, 4 GiB, 32-bit */
	0xff, 0xff, 0x00, 0x00, 0x00, 0x9e, 0x00, 0x00,   /* 0x18: code, 64 KiB, 16-bit, conforming */
	0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0x00, 0x00,   /* 0x20: data, 64 KiB, 16-bit */
};

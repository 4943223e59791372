/* hv/vdev/pc_layout.h - Where the virtual PC keeps things in guest-physical
 * memory and which interrupt each legacy device has: the facts the board
 * (hv/vdev/pc.c), the ACPI tables and the guest loaders' memory maps share.
 * docs/pc.md lists them. */
#ifndef HV_VDEV_PC_LAYOUT_H
#define HV_VDEV_PC_LAYOUT_H

/* Low memory as SeaBIOS leaves it on QEMU's pc machine. */
#define PC_BDA_BASE          0x400u      /* BIOS data area */
#define PC_EBDA_BASE         0x9fc00u    /* extended BIOS data area: 1 KiB below 640 KiB */
#define PC_EBDA_BYTES        0x400u
#define PC_LOW_RAM_TOP       0xa0000u    /* 640 KiB: the legacy VGA window starts here */
#define PC_BIOS_AREA_BASE    0xf0000u    /* the BIOS segment: reserved in the memory map */
#define PC_HIGH_RAM_BASE     0x100000u   /* 1 MiB */
/* The top 128 KiB of the RAM below 4 GiB: reserved in the memory map, at
 * every RAM size, as SeaBIOS reserves it on QEMU's pc machine (its ACPI
 * tables and its own data live there). Our board keeps its ACPI tables in
 * the BIOS segment and leaves this range zero, so that the RAM ranges and
 * Multiboot's mem_upper are QEMU's (measured: docs/pc.md). */
#define PC_FW_HIGH_BYTES     0x20000u

/* The ACPI tables: the RSDP where an OS scans for it (ACPI 6.5, 5.2.5.1:
 * a 16-byte boundary in 0xE0000-0xFFFFF), the other tables after it, all
 * inside the reserved BIOS segment, whatever the VM's RAM size. */
#define PC_ACPI_RSDP_GPA     0xf0000u
#define PC_ACPI_TABLES_GPA   0xf0100u
#define PC_ACPI_TABLES_END   0x100000u

/* MMIO in the 3-4 GiB hole (QEMU's pc machine places the same). */
#define PC_IOAPIC_GPA        0xfec00000u
#define PC_LAPIC_GPA         0xfee00000u  /* IA32_APIC_BASE's reset value; relocatable */

/* ACPI PM block (QEMU's PIIX4 PM at 0x600) and the SCI. */
#define PC_PM_BASE           0x600u
#define PC_PM1A_EVT          (PC_PM_BASE + 0x0)   /* PM1_STS, PM1_EN: 4 bytes */
#define PC_PM1A_CNT          (PC_PM_BASE + 0x4)   /* PM1_CNT: 2 bytes */
#define PC_PM_TMR            (PC_PM_BASE + 0x8)   /* 4 bytes, 24 bits count */
#define PC_GPE0_BLK          0xafe0u              /* GPE0_STS, GPE0_EN: 4 bytes */
#define PC_SMI_CMD           0xb2u                /* FADT SMI_CMD: APM control, then APM status */
#define PC_ACPI_ENABLE       0xf1u                /* FADT ACPI_ENABLE, QEMU's piix4 value */
#define PC_ACPI_DISABLE      0xf0u                /* FADT ACPI_DISABLE */
#define PC_RESET_PORT        0xcf9u               /* FADT RESET_REG */
#define PC_RESET_VALUE       0x06u

/* ISA interrupts (the GSI is the IRQ, except IRQ 0 on GSI 2: the MADT says
 * so with an interrupt source override, as on QEMU). */
#define PC_IRQ_PIT           0
#define PC_IRQ_KBD           1
#define PC_IRQ_COM1          4
#define PC_IRQ_RTC           8
#define PC_IRQ_SCI           9
#define PC_IRQ_MOUSE         12
#define PC_GSI_PIT           2
#define PC_IOAPIC_PINS       24

/* PIIX3 (00:01.0) PIRQ route control registers 0x60-0x63. */
#define PC_PIIX3_PIRQ_ROUTE  0x60u

/* pci-testdev (testdev=on) at 00:02.0, the first free slot of QEMU's pc
 * without default devices, and its BARs as SeaBIOS assigns them there
 * (the I/O window's first 256 ports, the top page of the 32-bit memory
 * window below the I/O APIC; measured: tests/guests/mb/testdev.c). */
#define PC_TESTDEV_PCI_DEV   2u
#define PC_TESTDEV_BAR0      0xfebff000u
#define PC_TESTDEV_BAR1      0xc000u

/* CMOS: the century byte the FADT names. */
#define PC_CMOS_CENTURY      0x32u
/* CMOS: the boot order SeaBIOS reads (QEMU's pc writes it). */
#define PC_CMOS_BOOT_ORDER_12 0x3du
#define PC_CMOS_BOOT_ORDER_3  0x38u

#endif

/*
 * hv/vdev/dsdt.asl - The virtual PC's DSDT: the parts of its ACPI namespace
 * that do not depend on the VM's configuration. iasl compiles it at build
 * time (mk/acpi.mk); hv/vdev/acpi_build.c copies the AML into the guest's
 * tables. What varies per VM (the processors, whether the 8042 is there)
 * is in the SSDT that hv/vdev/acpi_ssdt_build.c writes.
 *
 * Modelled on the DSDT of QEMU 7.2's pc machine (hw/i386/acpi-build.c,
 * build_dsdt; tests/data/acpi/pc/DSDT), keeping what our board has:
 *   \_S5             power off with SLP_TYP ACPI_S5_SLP_TYP (ACPI 6.5, 7.4.2).
 *                    No \_S3 / \_S4: the PM model has no sleep states.
 *   \_SB.PCI0        the PCI root bridge (ACPI 6.5, 6.1.5 and PCI Firmware
 *                    3.0, 4.1): bus 0-255, the I/O ports around 0xCF8-0xCFF,
 *                    the VGA window and one 32-bit window above low RAM.
 *                    No 64-bit window: high RAM ends where the VM size says.
 *   \_SB.PCI0._PRT   INTA-D of slots 1-31 to the link devices LNKA-D in
 *                    QEMU's rotation (ACPI 6.5, 6.2.13), but slot 1's INTA
 *                    (the PIIX4 PM function 00:01.3, whose interrupt is
 *                    the SCI) to LNKS, as QEMU does.
 *   \_SB.LNKA-D, LNKS  the links, each fixed at one level-triggered,
 *                    active-high, shareable interrupt: what QEMU's LNKS is
 *                    for the SCI, here also for LNKA-D at IRQs 10, 10, 11,
 *                    11 (SeaBIOS's defaults for QEMU's PIRQ registers). A
 *                    static link rather than a bare GSI in the _PRT because
 *                    only a link tells the OS the polarity: a bare GSI is
 *                    taken as level, active low (PCI's wire convention;
 *                    Linux's drivers/acpi/pci_irq.c), against the MADT's
 *                    overrides, and our IOAPIC model honours the polarity.
 *   \_SB.PCI0.ISA    the ISA bridge at 00:01.0 (as QEMU's PIIX3), with the
 *                    PS/2 keyboard and mouse, the RTC and COM1 as QEMU
 *                    describes them. QEMU's floppy and LPT1 are not
 *                    modelled, so not described; nor are the PIC, PIT,
 *                    DMA controller or math coprocessor (QEMU's DSDT does
 *                    not describe them either: an OS knows where they are).
 *                    KBD and MOU have no _STA (so: present): the SSDT adds
 *                    _STA = 0 to both when the VM has no 8042.
 *   \_SB.PCI0.FWCF   QEMU's fw_cfg, as QEMU describes it (QEMU0002, so
 *                    Linux's qemu_fw_cfg driver finds it), with the two
 *                    ports our model has (no DMA registers at 0x514).
 * No HPET (not modelled), no CPU or PCI hotplug, no GPE0 or hotplug
 * resource containers (the OS reserves the FADT's blocks itself).
 */
#include "hv/vdev/acpi_dsdt.h"

DefinitionBlock ("", "DSDT", 2, "SVMHV ", "SVMHVPC ", 1)
{
    // SLP_TYPa, SLP_TYPb, reserved, reserved
    Name (\_S5, Package (0x04) { ACPI_S5_SLP_TYP, ACPI_S5_SLP_TYP, Zero, Zero })

    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))   // PCI host bridge
            Name (_UID, Zero)
            Name (_BBN, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000,             // granularity
                    0x0000,             // minimum
                    0x00FF,             // maximum
                    0x0000,             // translation
                    0x0100)             // length
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)   // the configuration ports
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
                    0x00000000, ACPI_PCI_MEM32_BASE, ACPI_PCI_MEM32_LIMIT, 0x00000000, ACPI_PCI_MEM32_LEN)
            })

            // Package (address 0xSSSSFFFF = any function of slot S, pin, source, index)
            Name (_PRT, Package ()
            {
                Package () { 0x0001FFFF, 0, LNKS, 0 },   // 00:01.3, the PM function: the SCI
                Package () { 0x0001FFFF, 1, LNKB, 0 },
                Package () { 0x0001FFFF, 2, LNKC, 0 },
                Package () { 0x0001FFFF, 3, LNKD, 0 },
                Package () { 0x0002FFFF, 0, LNKB, 0 },
                Package () { 0x0002FFFF, 1, LNKC, 0 },
                Package () { 0x0002FFFF, 2, LNKD, 0 },
                Package () { 0x0002FFFF, 3, LNKA, 0 },
                Package () { 0x0003FFFF, 0, LNKC, 0 },
                Package () { 0x0003FFFF, 1, LNKD, 0 },
                Package () { 0x0003FFFF, 2, LNKA, 0 },
                Package () { 0x0003FFFF, 3, LNKB, 0 },
                Package () { 0x0004FFFF, 0, LNKD, 0 },
                Package () { 0x0004FFFF, 1, LNKA, 0 },
                Package () { 0x0004FFFF, 2, LNKB, 0 },
                Package () { 0x0004FFFF, 3, LNKC, 0 },
                Package () { 0x0005FFFF, 0, LNKA, 0 },
                Package () { 0x0005FFFF, 1, LNKB, 0 },
                Package () { 0x0005FFFF, 2, LNKC, 0 },
                Package () { 0x0005FFFF, 3, LNKD, 0 },
                Package () { 0x0006FFFF, 0, LNKB, 0 },
                Package () { 0x0006FFFF, 1, LNKC, 0 },
                Package () { 0x0006FFFF, 2, LNKD, 0 },
                Package () { 0x0006FFFF, 3, LNKA, 0 },
                Package () { 0x0007FFFF, 0, LNKC, 0 },
                Package () { 0x0007FFFF, 1, LNKD, 0 },
                Package () { 0x0007FFFF, 2, LNKA, 0 },
                Package () { 0x0007FFFF, 3, LNKB, 0 },
                Package () { 0x0008FFFF, 0, LNKD, 0 },
                Package () { 0x0008FFFF, 1, LNKA, 0 },
                Package () { 0x0008FFFF, 2, LNKB, 0 },
                Package () { 0x0008FFFF, 3, LNKC, 0 },
                Package () { 0x0009FFFF, 0, LNKA, 0 },
                Package () { 0x0009FFFF, 1, LNKB, 0 },
                Package () { 0x0009FFFF, 2, LNKC, 0 },
                Package () { 0x0009FFFF, 3, LNKD, 0 },
                Package () { 0x000AFFFF, 0, LNKB, 0 },
                Package () { 0x000AFFFF, 1, LNKC, 0 },
                Package () { 0x000AFFFF, 2, LNKD, 0 },
                Package () { 0x000AFFFF, 3, LNKA, 0 },
                Package () { 0x000BFFFF, 0, LNKC, 0 },
                Package () { 0x000BFFFF, 1, LNKD, 0 },
                Package () { 0x000BFFFF, 2, LNKA, 0 },
                Package () { 0x000BFFFF, 3, LNKB, 0 },
                Package () { 0x000CFFFF, 0, LNKD, 0 },
                Package () { 0x000CFFFF, 1, LNKA, 0 },
                Package () { 0x000CFFFF, 2, LNKB, 0 },
                Package () { 0x000CFFFF, 3, LNKC, 0 },
                Package () { 0x000DFFFF, 0, LNKA, 0 },
                Package () { 0x000DFFFF, 1, LNKB, 0 },
                Package () { 0x000DFFFF, 2, LNKC, 0 },
                Package () { 0x000DFFFF, 3, LNKD, 0 },
                Package () { 0x000EFFFF, 0, LNKB, 0 },
                Package () { 0x000EFFFF, 1, LNKC, 0 },
                Package () { 0x000EFFFF, 2, LNKD, 0 },
                Package () { 0x000EFFFF, 3, LNKA, 0 },
                Package () { 0x000FFFFF, 0, LNKC, 0 },
                Package () { 0x000FFFFF, 1, LNKD, 0 },
                Package () { 0x000FFFFF, 2, LNKA, 0 },
                Package () { 0x000FFFFF, 3, LNKB, 0 },
                Package () { 0x0010FFFF, 0, LNKD, 0 },
                Package () { 0x0010FFFF, 1, LNKA, 0 },
                Package () { 0x0010FFFF, 2, LNKB, 0 },
                Package () { 0x0010FFFF, 3, LNKC, 0 },
                Package () { 0x0011FFFF, 0, LNKA, 0 },
                Package () { 0x0011FFFF, 1, LNKB, 0 },
                Package () { 0x0011FFFF, 2, LNKC, 0 },
                Package () { 0x0011FFFF, 3, LNKD, 0 },
                Package () { 0x0012FFFF, 0, LNKB, 0 },
                Package () { 0x0012FFFF, 1, LNKC, 0 },
                Package () { 0x0012FFFF, 2, LNKD, 0 },
                Package () { 0x0012FFFF, 3, LNKA, 0 },
                Package () { 0x0013FFFF, 0, LNKC, 0 },
                Package () { 0x0013FFFF, 1, LNKD, 0 },
                Package () { 0x0013FFFF, 2, LNKA, 0 },
                Package () { 0x0013FFFF, 3, LNKB, 0 },
                Package () { 0x0014FFFF, 0, LNKD, 0 },
                Package () { 0x0014FFFF, 1, LNKA, 0 },
                Package () { 0x0014FFFF, 2, LNKB, 0 },
                Package () { 0x0014FFFF, 3, LNKC, 0 },
                Package () { 0x0015FFFF, 0, LNKA, 0 },
                Package () { 0x0015FFFF, 1, LNKB, 0 },
                Package () { 0x0015FFFF, 2, LNKC, 0 },
                Package () { 0x0015FFFF, 3, LNKD, 0 },
                Package () { 0x0016FFFF, 0, LNKB, 0 },
                Package () { 0x0016FFFF, 1, LNKC, 0 },
                Package () { 0x0016FFFF, 2, LNKD, 0 },
                Package () { 0x0016FFFF, 3, LNKA, 0 },
                Package () { 0x0017FFFF, 0, LNKC, 0 },
                Package () { 0x0017FFFF, 1, LNKD, 0 },
                Package () { 0x0017FFFF, 2, LNKA, 0 },
                Package () { 0x0017FFFF, 3, LNKB, 0 },
                Package () { 0x0018FFFF, 0, LNKD, 0 },
                Package () { 0x0018FFFF, 1, LNKA, 0 },
                Package () { 0x0018FFFF, 2, LNKB, 0 },
                Package () { 0x0018FFFF, 3, LNKC, 0 },
                Package () { 0x0019FFFF, 0, LNKA, 0 },
                Package () { 0x0019FFFF, 1, LNKB, 0 },
                Package () { 0x0019FFFF, 2, LNKC, 0 },
                Package () { 0x0019FFFF, 3, LNKD, 0 },
                Package () { 0x001AFFFF, 0, LNKB, 0 },
                Package () { 0x001AFFFF, 1, LNKC, 0 },
                Package () { 0x001AFFFF, 2, LNKD, 0 },
                Package () { 0x001AFFFF, 3, LNKA, 0 },
                Package () { 0x001BFFFF, 0, LNKC, 0 },
                Package () { 0x001BFFFF, 1, LNKD, 0 },
                Package () { 0x001BFFFF, 2, LNKA, 0 },
                Package () { 0x001BFFFF, 3, LNKB, 0 },
                Package () { 0x001CFFFF, 0, LNKD, 0 },
                Package () { 0x001CFFFF, 1, LNKA, 0 },
                Package () { 0x001CFFFF, 2, LNKB, 0 },
                Package () { 0x001CFFFF, 3, LNKC, 0 },
                Package () { 0x001DFFFF, 0, LNKA, 0 },
                Package () { 0x001DFFFF, 1, LNKB, 0 },
                Package () { 0x001DFFFF, 2, LNKC, 0 },
                Package () { 0x001DFFFF, 3, LNKD, 0 },
                Package () { 0x001EFFFF, 0, LNKB, 0 },
                Package () { 0x001EFFFF, 1, LNKC, 0 },
                Package () { 0x001EFFFF, 2, LNKD, 0 },
                Package () { 0x001EFFFF, 3, LNKA, 0 },
                Package () { 0x001FFFFF, 0, LNKC, 0 },
                Package () { 0x001FFFFF, 1, LNKD, 0 },
                Package () { 0x001FFFFF, 2, LNKA, 0 },
                Package () { 0x001FFFFF, 3, LNKB, 0 }
            })

            Device (ISA)
            {
                Name (_ADR, 0x00010000)       // device 1, function 0

                Device (KBD)
                {
                    Name (_HID, EisaId ("PNP0303"))   // PS/2 keyboard, on the 8042
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
                        IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
                        IRQNoFlags () { ACPI_DSDT_IRQ_KBD }
                    })
                }

                Device (MOU)
                {
                    Name (_HID, EisaId ("PNP0F13"))   // PS/2 mouse, the 8042's aux port
                    Name (_CRS, ResourceTemplate ()
                    {
                        IRQNoFlags () { ACPI_DSDT_IRQ_MOUSE }
                    })
                }

                Device (RTC)
                {
                    Name (_HID, EisaId ("PNP0B00"))   // AT real-time clock (MC146818)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0070, 0x0070, 0x01, 0x08)
                        IRQNoFlags () { ACPI_DSDT_IRQ_RTC }
                    })
                }

                Device (COM1)
                {
                    Name (_HID, EisaId ("PNP0501"))   // 16550A-compatible serial port
                    Name (_UID, One)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08)
                        IRQNoFlags () { ACPI_DSDT_IRQ_COM1 }
                    })
                }
            }

            Device (FWCF)
            {
                Name (_HID, "QEMU0002")           // QEMU fw_cfg
                Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
                Name (_CRS, ResourceTemplate ()
                {
                    IO (Decode16, 0x0510, 0x0510, 0x01, 0x0C)   // selector, data, DMA address (QEMU's 12)
                })
            }
        }

        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))   // PCI interrupt link
            Name (_UID, 0)
            Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
            Name (_PRS, ResourceTemplate ()
            {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { ACPI_PCI_LNKA_GSI }
            })
            Method (_CRS, 0, NotSerialized) { Return (_PRS) }
            Method (_SRS, 1, NotSerialized) { }   // fixed: nothing to program
            Method (_DIS, 0, NotSerialized) { }   // and it cannot be turned off
        }

        Device (LNKB)
        {
            Name (_HID, EisaId ("PNP0C0F"))   // PCI interrupt link
            Name (_UID, 1)
            Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
            Name (_PRS, ResourceTemplate ()
            {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { ACPI_PCI_LNKB_GSI }
            })
            Method (_CRS, 0, NotSerialized) { Return (_PRS) }
            Method (_SRS, 1, NotSerialized) { }   // fixed: nothing to program
            Method (_DIS, 0, NotSerialized) { }   // and it cannot be turned off
        }

        Device (LNKC)
        {
            Name (_HID, EisaId ("PNP0C0F"))   // PCI interrupt link
            Name (_UID, 2)
            Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
            Name (_PRS, ResourceTemplate ()
            {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { ACPI_PCI_LNKC_GSI }
            })
            Method (_CRS, 0, NotSerialized) { Return (_PRS) }
            Method (_SRS, 1, NotSerialized) { }   // fixed: nothing to program
            Method (_DIS, 0, NotSerialized) { }   // and it cannot be turned off
        }

        Device (LNKD)
        {
            Name (_HID, EisaId ("PNP0C0F"))   // PCI interrupt link
            Name (_UID, 3)
            Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
            Name (_PRS, ResourceTemplate ()
            {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { ACPI_PCI_LNKD_GSI }
            })
            Method (_CRS, 0, NotSerialized) { Return (_PRS) }
            Method (_SRS, 1, NotSerialized) { }   // fixed: nothing to program
            Method (_DIS, 0, NotSerialized) { }   // and it cannot be turned off
        }

        Device (LNKS)
        {
            Name (_HID, EisaId ("PNP0C0F"))   // PCI interrupt link
            Name (_UID, 4)
            Name (_STA, 0x0B)                 // present, enabled, functioning (not shown in a UI)
            Name (_PRS, ResourceTemplate ()
            {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { ACPI_PCI_LNKS_GSI }
            })
            Method (_CRS, 0, NotSerialized) { Return (_PRS) }
            Method (_SRS, 1, NotSerialized) { }   // fixed: nothing to program
            Method (_DIS, 0, NotSerialized) { }   // and it cannot be turned off
        }
    }
}

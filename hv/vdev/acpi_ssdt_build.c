/* hv/vdev/acpi_ssdt_build.c - The part of the virtual PC's namespace that
 * depends on the VM: an SSDT, written as AML bytes (ACPI 6.5, chapter 20)
 * because the DSDT is compiled once for every VM.
 *
 * Processors. ACPI 6.5 (5.2.12.2, 8.4) matches each MADT Local APIC entry
 * to a processor device in the namespace by its ACPI Processor UID; the
 * Processor () operator is deprecated, so each vCPU n is
 *     Device (\_SB.Cnnn) { Name (_HID, "ACPI0007") Name (_UID, n) }
 * with nnn = n in three hex digits (QEMU's names; QEMU itself still uses
 * Processor ()). Linux 6.1 brings SMP up from the MADT alone, but binds
 * its processor driver (idle states, thermal/throttling, the "processor"
 * sysfs links) only to namespace objects, and Windows expects one per
 * MADT entry; no _STA, so every one is present and enabled, as its MADT entry.
 * No _CST, _PSS, _PTC or _PDC: C1 (HLT, FADT PROC_C1) is the only idle state.
 *
 * The 8042. The DSDT's KBD and MOU have no _STA (present by default,
 * ACPI 6.5, 6.3.7); a VM without an 8042 gets
 *     Name (\_SB.PCI0.ISA.KBD._STA, Zero), and the same for MOU,
 * so the namespace agrees with the FADT's IAPC_BOOT_ARCH. */
#include "hv/vdev/acpi_build.h"
#include "lib/string.h"

/* AML encodings, ACPI 6.5, 20.2. */
#define AML_ZERO_OP        0x00u
#define AML_NAME_OP        0x08u
#define AML_BYTE_PREFIX    0x0au
#define AML_STRING_PREFIX  0x0du
#define AML_DUAL_NAME      0x2eu
#define AML_MULTI_NAME     0x2fu
#define AML_ROOT_CHAR      0x5cu
#define AML_EXT_OP_PREFIX  0x5bu
#define AML_DEVICE_OP      0x82u   /* after AML_EXT_OP_PREFIX */
#define AML_NAMESEG_LEN    4u
#define AML_PKGLEN_1BYTE_MAX 63u   /* 20.2.4: a one-byte PkgLength holds 0-63 */

#define CPU_HID            "ACPI0007"   /* processor device, ACPI 6.5, 8.4 */

/* Name (_HID, "ACPI0007"): NameOp, NameSeg, StringPrefix, 8 chars, NUL. */
#define CPU_HID_LEN   (1u + AML_NAMESEG_LEN + 1u + 8u + 1u)
/* Name (_UID, n): NameOp, NameSeg, BytePrefix, n. */
#define CPU_UID_LEN   (1u + AML_NAMESEG_LEN + 2u)
/* \_SB_.Cnnn: RootChar, DualNamePrefix, two NameSegs. */
#define CPU_PATH_LEN  (2u + 2u * AML_NAMESEG_LEN)
/* PkgLength counts itself (one byte here), the name and the body. */
#define CPU_PKG_LEN   (1u + CPU_PATH_LEN + CPU_HID_LEN + CPU_UID_LEN)
#define CPU_DEV_LEN   (2u + CPU_PKG_LEN)
_Static_assert(CPU_PKG_LEN <= AML_PKGLEN_1BYTE_MAX, "a processor device fits a one-byte PkgLength");
_Static_assert(ACPI_BUILD_MAX_VCPUS - 1 <= 0xff, "every UID fits a ByteConst (and a name 3 hex digits)");

/* Name (\_SB_.PCI0.ISA_.dev_._STA, Zero): NameOp, RootChar,
 * MultiNamePrefix, SegCount, 5 NameSegs, ZeroOp. */
#define NO_DEV_STA_LEN (1u + 3u + 5u * AML_NAMESEG_LEN + 1u)
#define I8042_DEVICES  2u   /* KBD and MOU */

static void put(uint8_t **p, const void *src, size_t n)
{
	memcpy(*p, src, n);
	*p += n;
}

static void put8(uint8_t **p, uint8_t v)
{
	*(*p)++ = v;
}

static void put_cpu_device(uint8_t **p, unsigned n)
{
	static const char hex[] = "0123456789ABCDEF";
	char seg[AML_NAMESEG_LEN] = { 'C', hex[(n >> 8) & 0xf], hex[(n >> 4) & 0xf], hex[n & 0xf] };

	put8(p, AML_EXT_OP_PREFIX);
	put8(p, AML_DEVICE_OP);
	put8(p, CPU_PKG_LEN);
	put8(p, AML_ROOT_CHAR);
	put8(p, AML_DUAL_NAME);
	put(p, "_SB_", AML_NAMESEG_LEN);
	put(p, seg, AML_NAMESEG_LEN);

	put8(p, AML_NAME_OP);
	put(p, "_HID", AML_NAMESEG_LEN);
	put8(p, AML_STRING_PREFIX);
	put(p, CPU_HID, 8 + 1);                 /* with its NUL */

	put8(p, AML_NAME_OP);
	put(p, "_UID", AML_NAMESEG_LEN);
	put8(p, AML_BYTE_PREFIX);
	put8(p, (uint8_t)n);
}

static void put_absent(uint8_t **p, const char *dev_seg)
{
	put8(p, AML_NAME_OP);
	put8(p, AML_ROOT_CHAR);
	put8(p, AML_MULTI_NAME);
	put8(p, 5);
	put(p, "_SB_PCI0ISA_", 3 * AML_NAMESEG_LEN);
	put(p, dev_seg, AML_NAMESEG_LEN);
	put(p, "_STA", AML_NAMESEG_LEN);
	put8(p, AML_ZERO_OP);
}

size_t acpi_ssdt_size(const struct acpi_board *b)
{
	return sizeof(struct acpi_sdt_header) + b->vcpus * CPU_DEV_LEN +
	       (b->has_i8042 ? 0 : I8042_DEVICES * NO_DEV_STA_LEN);
}

void acpi_ssdt_write(const struct acpi_board *b, uint8_t *dst)
{
	struct acpi_sdt_header h;
	uint8_t *p = dst;

	acpi_sdt_header_init(&h, "SSDT", (uint32_t)acpi_ssdt_size(b), ACPI_SSDT_REVISION);
	put(&p, &h, sizeof(h));
	for (unsigned n = 0; n < b->vcpus; n++)
		put_cpu_device(&p, n);
	if (!b->has_i8042) {
		put_absent(&p, "KBD_");
		put_absent(&p, "MOU_");
	}
	acpi_table_checksum(dst);
}

/* guest-loader/multiboot.h - The multiboot guest type (type=multiboot): a
 * Multiboot v1 kernel, with the files of its type=module lines, loaded and
 * entered as QEMU 7.2's -kernel loads and enters it on the pc machine with
 * SeaBIOS, so that a kernel written for `qemu-system-x86_64 -kernel K
 * -append ARGS -initrd "M1 ARGS1,M2 ..."` runs unchanged as a guest.
 *
 * Its boot operation (at build and after every reset, after the devices'
 * reset): RAM zeroed; the firmware's low memory (pc_firmware.h: the BDA,
 * the EBDA's size, the option ROM's GDT); the memory map at 0x9000 and the
 * information block at 0x9500; the kernel's segments, the module array and
 * strings, the modules (mb_info.h); then the board's firmware device state
 * (vm_firmware_state). vCPU 0 enters in 32-bit protected mode, paging off,
 * at the kernel's entry with EAX = 0x2BADB002, EBX = 0x9500, CS = 0x08 and
 * DS = ES = FS = GS = SS = 0x10 flat 4 GiB, and CR0, EFLAGS, ESP, GDTR and
 * IDTR as the option ROM leaves them (pc_firmware.h). The other vCPUs wait
 * for a start-up IPI, as SeaBIOS leaves the application processors.
 *
 * guests_load() checks each kernel and module when it reads their lines
 * with multiboot_check() (the same rules), so a VM whose kernel cannot be
 * loaded is refused with the module named before anything is built. */
#ifndef GUEST_LOADER_MULTIBOOT_H
#define GUEST_LOADER_MULTIBOOT_H

#include "guest-loader/mb_kernel.h"
#include "hv/vm.h"

/* The boot loader's name in the information block. */
#define MULTIBOOT_LOADER_NAME "svm-hv"

extern const struct vm_boot_ops multiboot_boot_ops;

/* Whether the kernel image (size bytes) of a VM configured as cfg, with
 * the n modules attached so far, can be loaded into its RAM: 0 with k
 * filled in, or -1 with a one-line reason. */
int multiboot_check(const struct vm_config *cfg, const uint8_t *image, uint64_t size, const struct vm_attached *mods,
		    unsigned n, struct mb_kernel *k, char *err, size_t errlen);

#endif

# mk/efi.mk - build/hvboot.efi, the UEFI application that starts the
# hypervisor without GRUB (boot/efi/, docs/boot.md "hvboot.efi"), built with
# GNU-EFI (Debian package gnu-efi): the C files of boot/efi/ and the pure
# helpers they share with the hypervisor and the unit tests, position-
# independent, linked with GNU-EFI's crt0 and linker script into a shared
# object, which objcopy turns into a PE32+ EFI application (subsystem 10).
# boot/efi/ is not in the Makefile's DIRS: nothing of it goes into hv.elf;
# nor does lib/inflate.c, which only hvboot.efi calls.
#
# The Makefile's default goal stays `all` (this file adds to it).
efi_saved_goal := $(.DEFAULT_GOAL)

EFI_INC   ?= /usr/include/efi
EFI_LIB   ?= /usr/lib
EFI_CRT0  := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LDS   := $(EFI_LIB)/elf_x86_64_efi.lds
EFI_BUILD := $(BUILD)/efi

OBJ := $(filter-out $(BUILD)/lib/inflate.c.o,$(OBJ))

# The USB stick's \EFI\BOOT\BOOTX64.EFI (mk/usb.mk): UEFI machines boot the
# stick's /svm-hv.cfg through hvboot.efi; its GRUB for UEFI stays at
# \EFI\svm-hv\grubx64.efi.
USB_EFI_LOADER := $(BUILD)/hvboot.efi

HVBOOT_C   := $(wildcard boot/efi/*.c) lib/printf.c lib/string.c lib/inflate.c
HVBOOT_OBJ := $(patsubst %,$(EFI_BUILD)/%.o,$(HVBOOT_C)) $(EFI_BUILD)/boot/efi/trampoline.asm.o

# GNU-EFI's usual flags: PIC for its self-relocation, the firmware's
# ms_abi for calls (GNU_EFI_USE_MS_ABI), 16-bit wchar_t for L"" strings,
# no red zone (firmware interrupts use our stack).
EFI_CFLAGS := -std=gnu11 -ffreestanding -fpic -fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
              -fno-stack-protector -fno-stack-check -fno-strict-aliasing -fno-common \
              -DGNU_EFI_USE_MS_ABI -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 \
              -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -O2 -g -MMD -MP -I.

$(EFI_BUILD)/%.c.o: %.c mk/efi.mk
	@mkdir -p $(@D)
	@echo "  EFICC   $<"
	$(Q)$(KCC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_BUILD)/%.asm.o: %.asm
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -w+all $< -o $@

$(BUILD)/hvboot.so: $(HVBOOT_OBJ) $(EFI_CRT0) $(EFI_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -shared -Bsymbolic -znocombreloc -T $(EFI_LDS) -L $(EFI_LIB) \
		$(EFI_CRT0) $(HVBOOT_OBJ) -o $@ -lefi -lgnuefi

$(BUILD)/hvboot.efi: $(BUILD)/hvboot.so
	@echo "  EFIAPP  $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

all: $(BUILD)/hvboot.efi
.PHONY: hvboot
hvboot: $(BUILD)/hvboot.efi

-include $(HVBOOT_OBJ:.o=.d)
.SECONDARY: $(HVBOOT_OBJ)
.DEFAULT_GOAL := $(efi_saved_goal)

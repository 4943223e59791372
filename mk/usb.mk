# mk/usb.mk - The USB stick image: `make usb` builds build/hv-usb.img
# (scripts/mkusb.sh), a GPT disk that boots on BIOS (GRUB in the BIOS boot
# partition) and UEFI machines (\EFI\BOOT\BOOTX64.EFI on the ESP), with the
# guests in /svm-hv.cfg on its FAT partition (docs/boot.md, "The images").
#
# The stick boots the same guests as build/hv.iso: the first menu entry of
# the ISO's config (iso/grub.cfg, GRUB_CFG=FILE or GUESTS="PATH:OPTIONS;
# ...", as the Makefile's ISO part resolves them) becomes its svm-hv.cfg,
# and scripts/iso-files.sh finds the module files. The image depends on
# build/hv.iso, which stands for that whole set: the ISO is made again
# whenever the config, the guest files, the command line or hv.elf change
# (and on every build with GRUB_CFG= or GUESTS=), and then the stick too.
#
# USB_EFI_LOADER: the EFI program that becomes \EFI\BOOT\BOOTX64.EFI, the
# one UEFI firmware boots from a stick (empty: GRUB itself, which is
# also at \EFI\svm-hv\grubx64.efi). A fragment with a rule for such a
# loader sets it (mk/efi.mk is included before this file), e.g.
#   USB_EFI_LOADER := $(BUILD)/hvboot.efi
#
# Included before the Makefile's own rules: the default goal is put back as
# it was, so `make` alone still means `all` (which does not build the stick:
# it needs dosfstools and fdisk; `make test` builds it for the usb tests).
usb_saved_goal := $(.DEFAULT_GOAL)

USB_IMG        := $(BUILD)/hv-usb.img
USB_MENU       := iso/usb-grub.cfg
USB_EFI_LOADER ?=
# USB_ESP_MIB: the ESP's size in MiB (scripts/mkusb.sh; empty: its default).
USB_ESP_MIB    ?=

# What the image was last built from, besides its files (as hv.iso.config
# for the ISO): another EFI loader or ESP size makes it again.
USB_STAMP  := $(BUILD)/hv-usb.img.config
USB_CONFIG := $(subst ','',$(USB_EFI_LOADER) | $(USB_ESP_MIB))
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(USB_STAMP) 2>/dev/null)" = '$(USB_CONFIG)' ] || \
	printf '%s\n' '$(USB_CONFIG)' >$(USB_STAMP); })

$(USB_IMG): $(BUILD)/hv.iso $(BUILD)/hv.elf $(USB_MENU) $(USB_EFI_LOADER) $(USB_STAMP) \
		scripts/mkusb.sh scripts/iso-files.sh mk/usb.mk
	@echo "  USB     $@"
	$(Q)files=$$(scripts/iso-files.sh $(ISO_CFG) $(BUILD)/guests $(if $(strip $(GUESTS)),$$(cat $(ISO_CFG).files))) && \
		USB_ESP_MIB='$(USB_ESP_MIB)' scripts/mkusb.sh $@ $(BUILD)/hv.elf $(ISO_CFG) $(USB_MENU) \
			$(if $(strip $(USB_EFI_LOADER)),--efi-loader $(USB_EFI_LOADER)) $$files

# A gathering target: its empty recipe keeps make quiet when all is built.
.PHONY: usb
usb: $(USB_IMG)
	@:

.DEFAULT_GOAL := $(usb_saved_goal)

# tests/integration/usb_tests.sh - The USB stick image, build/hv-usb.img
# (make usb, scripts/mkusb.sh): it boots the default guests under SeaBIOS
# and OVMF with its GRUB menu on the serial line; its menu's other entries
# work; and a new /svm-hv.cfg written onto its FAT partition with mtools, as
# a user would from any computer, changes what boots with no rebuild.
# Sourced by tests.sh (same helpers); `make test` builds the image.

USB_IMG=build/hv-usb.img
USB_ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B

# usb_esp_offset IMAGE: the byte offset of the ESP, read from the GPT.
usb_esp_offset() {
	local start
	start=$(PATH=$PATH:/usr/sbin:/sbin sfdisk --dump "$1" 2>/dev/null |
		sed -n "s/.*start= *\([0-9]*\),.*type=$USB_ESP_TYPE.*/\1/ip")
	[[ -n $start ]] && echo $((start * 512))
}

# usb_grub_is_bootx64 IMAGE: \EFI\BOOT\BOOTX64.EFI is GRUB (not an EFI
# loader of our own), so UEFI firmware shows the GRUB menu too.
usb_grub_is_bootx64() {
	local off dir
	off=$(usb_esp_offset "$1") || return 1
	dir=$(mktemp -d)
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$1@@$off" ::/EFI/BOOT/BOOTX64.EFI ::/EFI/svm-hv/grubx64.efi "$dir/" &&
		cmp -s "$dir/BOOTX64.EFI" "$dir/grubx64.efi"
	local same=$?
	rm -rf "$dir"
	return $same
}

# The stick's menu, as the serial line showed it, and its wait.
expect_usb_menu() {
	expect_line 'svm-hv: the guests of /svm-hv.cfg'
	expect_line 'svm-hv: the hypervisor alone, with its shell'
	expect_line 'svm-hv: the guests of /svm-hv.cfg, verbose log'
	expect_line 'executed automatically in'
	awk -v t="${BANNER_SECONDS:-0}" 'BEGIN { exit !(t >= 4) }' ||
		fail "banner after ${BANNER_SECONDS}s: the menu did not wait its 5 s"
}

expect_default_guests_and_poweroff() {
	expect_memory_summary
	expect_hello_lines hello
	expect_line '\] vm chatty stopped: exit code 0$'
	expect_line 'power: powering off \(ACPI S5'
	expect_no_line 'PANIC|nested trap'
}

test_usb_bios() {
	[[ -f $USB_IMG ]] || { fail "no $USB_IMG (make usb)"; return; }
	boot_default_image usb_bios "$USB_IMG"
	expect_banner_within 60
	expect_line 'hv: boot loader: GRUB'
	expect_no_line 'hv: boot: EFI amd64 entry'   # GRUB i386-pc: the 32-bit entry
	expect_line 'mm: memory map from the Multiboot2 memory map'
	expect_default_guests_and_poweroff
	expect_usb_menu
	expect_guest_lines_as_bios "GRUB BIOS from the stick"
}

# Through \EFI\BOOT\BOOTX64.EFI, as firmware boots a stick: GRUB, or the
# EFI loader the image was built with (USB_EFI_LOADER, mk/usb.mk).
test_usb_uefi() {
	[[ -f $USB_IMG ]] || { fail "no $USB_IMG (make usb)"; return; }
	boot_default_image usb_uefi "$USB_IMG" --uefi
	expect_banner_within 120
	expect_line 'mm: memory map from the EFI memory map'
	expect_default_guests_and_poweroff
	if usb_grub_is_bootx64 "$USB_IMG"; then
		expect_line 'hv: boot loader: GRUB'
		expect_line 'hv: boot: EFI amd64 entry, boot services exited by the hypervisor'
		expect_usb_menu
	else
		# hvboot.efi: the words of iso/grub.cfg's first multiboot2 line
		# (the stick's /svm-hv.cfg), single-spaced as GRUB joins them
		expect_hvboot_start "$(awk '/^[[:space:]]*multiboot2[[:space:]]/ {
			$1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' iso/grub.cfg)"
		expect_no_line 'svm-hv: the guests of /svm-hv.cfg'   # no GRUB menu
		expect_guest_lines_as_bios "hvboot.efi from the stick"
	fi
}

# The stick's other UEFI loader: built with GRUB as BOOTX64.EFI (no
# USB_EFI_LOADER), GRUB for UEFI shows the stick's menu and enters the
# hypervisor through the EFI amd64 entry.
test_usb_uefi_grub() {
	local img=$OUT/usb_uefi_grub.img files
	rm -f "$img"
	files=$(scripts/iso-files.sh iso/grub.cfg build/guests) &&
		scripts/mkusb.sh "$img" "$HV_ELF" iso/grub.cfg iso/usb-grub.cfg $files ||
		{ fail "building $img failed"; return; }
	usb_grub_is_bootx64 "$img" || fail "$img: BOOTX64.EFI is not GRUB"
	boot_default_image usb_uefi_grub "$img" --uefi
	expect_banner_within 120
	expect_line 'hv: boot loader: GRUB'
	expect_line 'hv: boot: EFI amd64 entry, boot services exited by the hypervisor'
	expect_line 'mm: memory map from the EFI memory map'
	expect_default_guests_and_poweroff
	expect_usb_menu
	expect_guest_lines_as_bios "GRUB UEFI from the stick"
}

# The menu's other two entries, chosen with the keys over serial (BIOS):
# the verbose log and the hypervisor alone (shell_tests.py usbverbose,
# usbalone), both from the lines of /svm-hv.cfg.
test_usb_menu_entries() {
	[[ -f $USB_IMG ]] || { fail "no $USB_IMG (make usb)"; return; }
	shell_scenario usbverbose "$USB_IMG"
	shell_scenario usbalone "$USB_IMG"
}

# A copy of the stick gets a new svm-hv.cfg through mtools (at the offset
# README gives), with CRLF line ends as a Windows editor may write them: one
# guest under another name and on_idle=poweroff. SeaBIOS and OVMF both boot
# exactly that, and nothing rebuilt the image.
test_usb_edit_config() {
	local img=$OUT/usb_edit.img cfg=$OUT/usb_edit.svm-hv.cfg off made fw n
	[[ -f $USB_IMG ]] || { fail "no $USB_IMG (make usb)"; return; }
	made=$(stat -c %Y "$USB_IMG")
	rm -f "$img"
	cp "$USB_IMG" "$img"
	off=$(usb_esp_offset "$img") || { fail "no ESP in the GPT of $img"; return; }
	[[ $off == 2097152 ]] || fail "the ESP starts at byte $off, not at 2 MiB as README's mcopy example says"
	printf '%s\r\n' '# edited: one guest under another name, power-off when it is done' \
		'multiboot2 /boot/hv.elf console=com1 loglevel=info on_idle=poweroff' \
		'' 'module2 /boot/hello_real.bin vm=edited type=flat mode=real mem=1M' >"$cfg"
	if ! MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$off" "$cfg" ::/svm-hv.cfg; then
		fail "mcopy of the new svm-hv.cfg onto $img failed"
		return
	fi
	for fw in SeaBIOS OVMF; do
		n=${#FAILS[@]}
		if [[ $fw == OVMF ]]; then
			qemu_boot usb_edit_uefi "$img" 180 --uefi
		else
			qemu_boot usb_edit_bios "$img" 180
		fi
		expect_hello_lines edited
		expect_no_line '\] vm (hello|chatty|lm|probe|echo) started'
		expect_clean_poweroff
		((${#FAILS[@]} == n)) || fail "(the boot under $fw, log $LOG)"
	done
	[[ $(stat -c %Y "$USB_IMG") == "$made" ]] || fail "$USB_IMG was written during the test"
}

INTEGRATION_TESTS+=(test_usb_bios test_usb_uefi test_usb_uefi_grub test_usb_menu_entries test_usb_edit_config)

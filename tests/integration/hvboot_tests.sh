# tests/integration/hvboot_tests.sh - The hypervisor started by hvboot.efi
# under OVMF, with no GRUB anywhere (docs/boot.md, "hvboot.efi"): the FAT
# image of scripts/mkefi-fat.sh, hvboot.efi as \EFI\BOOT\BOOTX64.EFI,
# booted as a hard disk. The guests and their expected lines are those of
# the GRUB tests in tests.sh (HOSTILE_SET, SMP_PINNED_SET, HELLO), so one
# image gives the same boot three ways; hvboot_usb_stick boots the USB
# stick of scripts/mkusb.sh with hvboot.efi as its UEFI loader. Sourced by
# tests.sh.

# make_efi_img NAME "COMMAND LINE" [MODULE...]: the FAT image, its
# \svm-hv.cfg made of the lines make_iso would put in its menu entry.
make_efi_img() {
	local name=$1 cmdline=$2 cfg=$OUT/$1.svm-hv.cfg
	shift 2
	IMG=$OUT/$name.img
	rm -f "$IMG"
	{
		echo "# $name: an hvboot.efi test (tests/integration/hvboot_tests.sh)"
		echo
		boot_lines '' "$cmdline" "$@"
	} >"$cfg"
	scripts/mkefi-fat.sh "$IMG" "$cfg" "$HV_ELF" "${BOOT_FILES[@]}" || fail "building $IMG failed"
}

# What says the hypervisor came through hvboot.efi and took its block whole.
expect_hvboot_start() {   # COMMAND LINE
	expect_line '^hvboot: hvboot\.efi, starting the svm-hv hypervisor from \\svm-hv\.cfg$'
	expect_line '^hvboot: \\boot\\hv\.elf: 0x1000000-0x[0-9a-f]+, entry 0x[0-9a-f]+$'
	expect_line '^hvboot: [0-9]+ modules?; exiting boot services, entering the hypervisor at 0x[0-9a-f]+$'
	expect_line "$BANNER_RE"
	expect_line 'hv: boot loader: hvboot\.efi; boot information at 0x[0-9a-f]+, [0-9]+ bytes, [0-9]+ modules, EFI memory map$'
	expect_line "hv: command line: \"$1\"$"
	expect_line 'mm: memory map from the EFI memory map'
	expect_line 'acpi: RSDP from boot loader copy'
	expect_no_line 'hv: boot: EFI amd64 entry'   # the 32-bit entry, boot services already exited
	expect_memory_summary
	expect_no_line 'PANIC|nested trap'
}

expect_module_line() {   # N "COMMAND LINE": the hypervisor's module N line, GRUB's string
	expect_line "hv: module $1: 0x[0-9a-f]+-0x[0-9a-f]+ \"$2\"$"
}

test_hvboot_hostile() {
	make_efi_img hvboot_hostile "on_idle=poweroff" "${HOSTILE_SET[@]}"
	qemu_boot hvboot_hostile "$IMG" 180 --uefi
	expect_hvboot_start "on_idle=poweroff"
	expect_module_line 0 "vm=evil type=flat mode=long mem=4M"
	expect_module_line 1 "vm=good type=flat mode=protected mem=8M"
	expect_module_line 2 "vm=hello type=flat mode=real mem=1M"
	expect_hostile_lines
}

test_hvboot_smp() {
	make_efi_img hvboot_smp "on_idle=poweroff" "${SMP_PINNED_SET[@]}"
	qemu_boot hvboot_smp "$IMG" 240 --uefi --smp 4
	expect_hvboot_start "on_idle=poweroff"
	expect_smp_pinned_lines
}

# A gzip-compressed guest boots like the plain one (hvboot.efi gunzips it,
# as GRUB's module2 does); a --nounzip line loads its file as it is.
test_hvboot_gzip_module() {
	local gz=$OUT/hello_gz.bin.gz size
	gzip -9 -c build/guests/hello_real.bin >"$gz"
	make_efi_img hvboot_gzip "on_idle=poweroff" "$HELLO" "$gz vm=hellogz type=flat mode=real mem=1M"
	echo 'module2 --nounzip /boot/hello_real.bin vm=plain type=flat mode=real mem=1M' >>"$OUT/hvboot_gzip.svm-hv.cfg"
	scripts/mkefi-fat.sh "$IMG" "$OUT/hvboot_gzip.svm-hv.cfg" "$HV_ELF" "${BOOT_FILES[@]}" ||
		fail "building $IMG failed"
	qemu_boot hvboot_gzip "$IMG" 180 --uefi
	expect_hvboot_start "on_idle=poweroff"
	size=$(stat -c %s "$gz")
	expect_line "^hvboot: \\\\boot\\\\hello_gz\\.bin\\.gz: 0x[0-9a-f]+-0x[0-9a-f]+, gunzipped from $size bytes$"
	expect_module_line 1 "vm=hellogz type=flat mode=real mem=1M"
	expect_module_line 2 "vm=plain type=flat mode=real mem=1M"
	local v
	for v in hello hellogz plain; do expect_hello_lines "$v"; done
	expect_clean_poweroff
}

# A config line GRUB would read otherwise: the error names the file and
# line on the serial console, and hvboot.efi waits for a key (QEMU keeps
# running, nothing reboots, the hypervisor never starts).
test_hvboot_bad_config_line() {
	local cfg=$OUT/hvboot_badcfg.svm-hv.cfg
	IMG=$OUT/hvboot_badcfg.img
	printf '# a bad third line\nmultiboot2 /boot/hv.elf on_idle=poweroff\nmodule2 /boot/hello_real.bin vm=$name type=flat\n' >"$cfg"
	scripts/mkefi-fat.sh "$IMG" "$cfg" "$HV_ELF" build/guests/hello_real.bin || fail "building $IMG failed"
	qemu_boot hvboot_badcfg "$IMG" 120 --uefi --until 'press a key to return to the firmware' --hold 3
	expect_end until
	expect_line "^hvboot: \\\\svm-hv\\.cfg:3: character '\\\$' is not allowed: GRUB's script language would read it otherwise \\(only plain words\\)$"
	expect_line '^hvboot: press a key to return to the firmware$'
	expect_no_line "$BANNER_RE"
}

# A module the config names but the volume lacks: its file and line.
test_hvboot_missing_module() {
	make_efi_img hvboot_missing "on_idle=poweroff" "$HELLO"
	sed -i 's|^module2 /boot/hello_real.bin|module2 /boot/not-here.bin|' "$OUT/hvboot_missing.svm-hv.cfg"
	scripts/mkefi-fat.sh "$IMG" "$OUT/hvboot_missing.svm-hv.cfg" "$HV_ELF" || fail "building $IMG failed"
	qemu_boot hvboot_missing "$IMG" 120 --uefi --until 'press a key to return to the firmware' --hold 3
	expect_end until
	expect_line '^hvboot: \\svm-hv\.cfg:4: \\boot\\not-here\.bin: not found$'
	expect_no_line "$BANNER_RE"
}

INTEGRATION_TESTS+=(test_hvboot_hostile test_hvboot_smp test_hvboot_gzip_module test_hvboot_bad_config_line
	test_hvboot_missing_module)

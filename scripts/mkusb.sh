#!/usr/bin/env bash
# scripts/mkusb.sh OUT.img HV.ELF GRUB.CFG MENU.CFG [--efi-loader EFI] [FILE...]
# Build the USB stick image (make usb): a GPT disk that boots on BIOS and
# UEFI machines, and whose guests a user changes in one text file on its
# FAT partition. Made from plain files, with no root and no loop device
# (grub-install and mount need a block device, so their part is done here).
#
#   MBR      protective MBR, its first 440 bytes GRUB's i386-pc boot.img
#   part 1   BIOS boot partition (1 MiB at LBA 2048): GRUB's i386-pc core.img
#   part 2   the ESP (FAT32, label SVMHV, from LBA 4096):
#              /svm-hv.cfg                 the guests: the one file a user edits
#              /EFI/BOOT/BOOTX64.EFI       what UEFI firmware boots: EFI if given, else GRUB
#              /EFI/svm-hv/grubx64.efi     GRUB for UEFI
#              /boot/hv.elf, /boot/FILE    the hypervisor and each FILE (guests)
#              /boot/grub/grub.cfg         MENU.CFG, the menu of both GRUBs
#              /boot/grub/i386-pc/, x86_64-efi/   GRUB's modules
#
# /svm-hv.cfg is the `multiboot2` and `module2` lines of GRUB.CFG's first
# menu entry (iso/grub.cfg: the default guests), under a comment that says
# how to edit it. Both GRUBs find their modules and the menu through their
# prefix: the BIOS one `(,gpt2)/boot/grub` (partition 2 of the disk the
# BIOS booted), the UEFI one `/boot/grub` on the partition it was loaded
# from. Neither has multiboot2.mod built in, and the stick's command.lst
# does not name it (so GRUB does not load it on first use either): the
# menu loads it with `insmod multiboot2`, so that until then it can read
# /svm-hv.cfg with functions of those names (MENU.CFG says why).
#
# What grub-install's setup step does for a BIOS disk is done here: boot.img
# gets the LBA of core.img (its kernel-sector field, offset 0x5c) and NOPs
# in place of its boot-drive check (offset 0x66, a 2-byte jump), as
# grub-setup writes them for a hard disk; core.img's first sector
# (diskboot.img) gets the blocklist of the rest of core.img in its last 12
# bytes (start LBA, sector count, load segment 0x820). Offsets from GRUB
# 2.06, include/grub/i386/pc/boot.h and boot/i386/pc/diskboot.S.
#
# USB_ESP_MIB sets the ESP's size (default 62; grown when the files need
# more); the disk is the ESP plus 3 MiB.
set -euo pipefail

usage() { echo "usage: $0 OUT.img HV.ELF GRUB.CFG MENU.CFG [--efi-loader EFI] [FILE...]" >&2; exit 2; }
[[ $# -ge 4 ]] || usage
out=$1 elf=$2 cfg=$3 menu=$4
shift 4
efi_loader=""
if [[ ${1:-} == --efi-loader ]]; then
	[[ $# -ge 2 ]] || usage
	efi_loader=$2
	shift 2
fi

BIOS_DIR=/usr/lib/grub/i386-pc
EFI_DIR=/usr/lib/grub/x86_64-efi
BIOS_BOOT_LBA=2048 BIOS_BOOT_SECTORS=2048 ESP_LBA=4096
ESP_LABEL=SVMHV

# --- what the build needs, each missing piece named with its package -------
PATH=$PATH:/usr/sbin:/sbin   # sfdisk and mkfs.fat, also for a user whose PATH lacks them
missing=()
for tool in grub-mkimage:grub-common sfdisk:fdisk mkfs.fat:dosfstools mcopy:mtools mtype:mtools; do
	command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool%%:*} (package ${tool#*:})")
done
[[ -f $BIOS_DIR/boot.img && -f $BIOS_DIR/kernel.img && -f $BIOS_DIR/multiboot2.mod ]] ||
	missing+=("GRUB's BIOS modules in $BIOS_DIR (package grub-pc-bin)")
[[ -f $EFI_DIR/kernel.img && -f $EFI_DIR/multiboot2.mod ]] ||
	missing+=("GRUB's UEFI modules in $EFI_DIR (package grub-efi-amd64-bin)")
if [[ ${#missing[@]} -gt 0 ]]; then
	echo "usb: cannot build $out: missing" >&2
	printf '  %s\n' "${missing[@]}" >&2
	echo "install them with scripts/install-deps.sh (as root)" >&2
	exit 1
fi
for f in "$elf" "$cfg" "$menu" ${efi_loader:+"$efi_loader"} "$@"; do
	[[ -f $f ]] || { echo "usb: no file '$f'" >&2; exit 1; }
done
export MTOOLS_SKIP_CHECK=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/esp

# --- /svm-hv.cfg: the first entry's hypervisor and module lines -------------
mkdir -p "$stage/boot/grub" "$stage/EFI/BOOT" "$stage/EFI/svm-hv"
lines=$(awk '
	/^[[:space:]]*menuentry[[:space:]]/ { n++; next }
	n == 1 && /^[[:space:]]*}/ { exit }
	n == 1 && /^[[:space:]]*(multiboot2|module2)[[:space:]]/ { sub(/^[[:space:]]+/, ""); print }
' "$cfg")
if [[ $(head -n 1 <<<"$lines") != multiboot2\ * ]]; then
	echo "usb: $cfg: the first menu entry has no multiboot2 line before its module2 lines" >&2
	exit 1
fi
if grep -q '\$' <<<"$lines"; then
	echo "usb: $cfg: the first menu entry uses a \$ variable; svm-hv.cfg is read as it is (hvboot.efi does not expand variables)" >&2
	exit 1
fi
loaders="GRUB, on BIOS and UEFI machines"
[[ -z $efi_loader ]] || loaders="GRUB on BIOS machines, $(basename "$efi_loader") on UEFI ones"
{
	cat <<EOF
# svm-hv.cfg - the guests this stick boots (svm-hv: README, "Writing a USB
# stick"). A text file at the root of the stick's FAT partition (label
# SVMHV): edit it on any computer, no rebuild. The stick's boot loaders
# ($loaders) boot what it says.
EOF
	cat <<'EOF'
#
# First one `multiboot2` line: the hypervisor and its command line (README,
# "Hypervisor command line"). Then one `module2` line per guest: its file
# and the words that configure its VM (README, "Guests"). Paths start at
# this partition's root: the guest files are in /boot/, and a new guest is
# a file copied there plus its line here. Blank lines and lines starting
# with # are skipped. The lines are read as they are: no $ variables.

EOF
	printf '%s\n' "$lines"
} >"$stage/svm-hv.cfg"

# --- the files -------------------------------------------------------------
cp "$elf" "$stage/boot/hv.elf"
# A file named twice (a guest that runs as several VMs) goes in once; two
# different files with one name cannot both be /boot/NAME.
declare -A from=([hv.elf]=$elf)
for f in "$@"; do
	name=${f##*/}
	if [[ -n ${from[$name]:-} ]]; then
		[[ ${from[$name]} -ef $f ]] && continue
		echo "usb: $f and ${from[$name]} would both be /boot/$name" >&2
		exit 1
	fi
	from[$name]=$f
	cp "$f" "$stage/boot/"
done
cp "$menu" "$stage/boot/grub/grub.cfg"
for d in "$BIOS_DIR" "$EFI_DIR"; do
	p=$stage/boot/grub/$(basename "$d")
	mkdir -p "$p"
	cp "$d"/*.mod "$d"/*.lst "$p/"
	# multiboot2.mod is loaded by the menu's `insmod multiboot2`, not on use.
	grep -Ev '^\*?(multiboot2|module2):' "$d/command.lst" >"$p/command.lst"
done
grub-mkimage -O i386-pc -p '(,gpt2)/boot/grub' -o "$tmp/core.img" biosdisk part_gpt fat
grub-mkimage -O x86_64-efi -p /boot/grub -o "$stage/EFI/svm-hv/grubx64.efi" part_gpt fat
if [[ -n $efi_loader ]]; then
	cp "$efi_loader" "$stage/EFI/BOOT/BOOTX64.EFI"
else
	cp "$stage/EFI/svm-hv/grubx64.efi" "$stage/EFI/BOOT/BOOTX64.EFI"
fi

# --- the ESP: a FAT32 file system in a file, filled with mtools -------------
need_kib=$(du -sk "$stage" | cut -f1)
esp_mib=${USB_ESP_MIB:-62}
if [[ ! $esp_mib =~ ^[0-9]+$ ]]; then
	echo "usb: USB_ESP_MIB='$esp_mib' is not a size in MiB (a whole number, e.g. 62)" >&2
	exit 1
fi
min_mib=$((need_kib * 5 / 4 / 1024 + 16))   # room for FAT's overhead and a few more guests
((esp_mib >= min_mib)) || esp_mib=$min_mib
# FAT32 needs at least 65525 clusters (Microsoft's FAT specification decides
# the type by the count alone); with mkfs.fat's 512-byte clusters for
# small volumes that is about 33 MiB.
((esp_mib >= 34)) || esp_mib=34
esp_sectors=$((esp_mib * 2048))
mkfs.fat -C -F 32 -h "$ESP_LBA" -n "$ESP_LABEL" "$tmp/esp.img" $((esp_mib * 1024)) >/dev/null
mcopy -s -Q -i "$tmp/esp.img" "$stage"/* ::/

# --- the disk: GPT, then boot.img, core.img and the ESP into place ----------
core_bytes=$(stat -c %s "$tmp/core.img")
core_sectors=$(((core_bytes + 511) / 512))
# diskboot.S loads core.img to 0x8200 upwards; GRUB 2.06 stops it at 0x78000.
if ((core_sectors > BIOS_BOOT_SECTORS || core_sectors > (0x78000 - 0x9000) / 512)); then
	echo "usb: GRUB's core.img is $core_sectors sectors: more than the BIOS boot partition or the loader takes" >&2
	exit 1
fi
disk=$tmp/disk.img
total_sectors=$((ESP_LBA + esp_sectors + 2048))   # 1 MiB after the ESP holds the backup GPT
truncate -s $((total_sectors * 512)) "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" >/dev/null <<EOF
label: gpt
unit: sectors
start=$BIOS_BOOT_LBA, size=$BIOS_BOOT_SECTORS, type=21686148-6449-6E6F-744E-656564454649, name="BIOS boot"
start=$ESP_LBA, size=$esp_sectors, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="svm-hv ESP"
EOF

# put FILE OFFSET VALUE NBYTES: VALUE little-endian into FILE at OFFSET.
put() {
	local esc="" i
	for ((i = 0; i < $4; i++)); do esc+=$(printf '\\x%02x' $((($3 >> (8 * i)) & 0xff))); done
	printf '%b' "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# boot.img's code, up to the disk signature (0x1b8): the partition table stays.
dd if="$BIOS_DIR/boot.img" of="$disk" bs=440 count=1 conv=notrunc status=none
put "$disk" $((0x5c)) "$BIOS_BOOT_LBA" 8   # kernel sector: core.img's first sector
put "$disk" $((0x64)) 0xff 1               # boot drive: the one the BIOS passes in DL
put "$disk" $((0x66)) 0x9090 2             # boot-drive check: NOPs, as for a hard disk
# diskboot.img's blocklist (last 12 bytes of core.img's first sector): the
# rest of core.img, from the next sector, loaded at segment 0x820; the entry
# below it (zero length) ends the list.
put "$tmp/core.img" 500 $((BIOS_BOOT_LBA + 1)) 8
put "$tmp/core.img" 508 $((core_sectors - 1)) 2
put "$tmp/core.img" 510 $((0x820)) 2
dd if="$tmp/core.img" of="$disk" bs=512 seek="$BIOS_BOOT_LBA" conv=notrunc status=none
dd if="$tmp/esp.img" of="$disk" bs=512 seek="$ESP_LBA" conv=notrunc status=none

# The image as a user would read it: the config back from the FAT partition.
if ! mtype -i "$disk@@$((ESP_LBA * 512))" ::/svm-hv.cfg | cmp -s - "$stage/svm-hv.cfg"; then
	echo "usb: $out: svm-hv.cfg does not read back from the ESP" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
mv "$disk" "$out"

#!/usr/bin/env bash
# scripts/mkefi-fat.sh OUT.img CFG [FILE...] - A FAT file system image (no
# partition table, no GRUB) that UEFI firmware boots straight into
# hvboot.efi (docs/boot.md, "hvboot.efi"):
#   \EFI\BOOT\BOOTX64.EFI   hvboot.efi ($HVBOOT_EFI, default build/hvboot.efi)
#   \svm-hv.cfg             CFG, the multiboot2/module2 lines
#   \boot\NAME              each FILE (hv.elf, the guests), by its base name
# Made with mtools (mformat, mmd, mcopy), so no root and no loop device.
# The image is sized for its files with room to spare, at least 16 MiB.
set -euo pipefail
if [[ $# -lt 2 ]]; then
	echo "usage: $0 OUT.img CFG [FILE...]" >&2
	exit 2
fi
out=$1 cfg=$2
shift 2
efi=${HVBOOT_EFI:-build/hvboot.efi}
for f in "$efi" "$cfg" "$@"; do
	[[ -f $f ]] || { echo "mkefi-fat: $f: no such file" >&2; exit 1; }
done
bytes=$(cat "$efi" "$cfg" "$@" | wc -c)
mib=$(((bytes * 5 / 4 + 4 * 1024 * 1024) / (1024 * 1024) + 1))
((mib >= 16)) || mib=16
mkdir -p "$(dirname "$out")"
tmp=$out.tmp
rm -f "$tmp"
trap 'rm -f "$tmp"' EXIT   # a failed build leaves no half-made image
truncate -s "${mib}M" "$tmp"
# 64 heads x 32 sectors: a geometry mformat accepts for any size in MiB.
mformat -i "$tmp" -h 64 -s 32 -T $((mib * 2048)) -v SVMHV ::
mmd -i "$tmp" ::/EFI ::/EFI/BOOT ::/boot
mcopy -i "$tmp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp" "$cfg" ::/svm-hv.cfg
# A file named twice (a guest that runs as several VMs) goes in once; two
# different files with one name cannot both be \boot\NAME.
declare -A from=()
for f in "$@"; do
	name=${f##*/}
	if [[ -n ${from[$name]:-} ]]; then
		[[ ${from[$name]} -ef $f ]] && continue
		echo "mkefi-fat: $f and ${from[$name]} would both be \\boot\\$name" >&2
		rm -f "$tmp"
		exit 1
	fi
	from[$name]=$f
	mcopy -i "$tmp" "$f" "::/boot/$name"
done
mv "$tmp" "$out"

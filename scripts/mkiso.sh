#!/usr/bin/env bash
# scripts/mkiso.sh OUT.iso HV.ELF GRUB.CFG [FILE...] - Build a hybrid BIOS+UEFI
# ISO with grub-mkrescue: /boot/hv.elf, /boot/grub/grub.cfg, and each extra
# FILE under /boot/ (guest images and configs that grub.cfg loads as modules).
set -euo pipefail
out=$1 elf=$2 cfg=$3
shift 3
stage=$(mktemp -d)
log=$(mktemp)      # outside the staged tree: xorriso must not pack a growing file
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/hv.elf"
cp "$cfg" "$stage/boot/grub/grub.cfg"
for f in "$@"; do cp "$f" "$stage/boot/"; done
mkdir -p "$(dirname "$out")"
# grub-mkrescue prints progress on stderr; keep it quiet unless it fails.
# xorriso 1.5.4 has been seen to crash at its exit (SIGSEGV after "Writing
# ... completed successfully"): a crash by a signal is tried once more,
# any other failure is reported at once.
for attempt in 1 2; do
	if grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1; then
		mv "$out.tmp" "$out"
		exit 0
	fi
	rm -f "$out.tmp"
	grep -q 'UNIX-SIGNAL' "$log" && [[ $attempt == 1 ]] || break
	echo "mkiso: xorriso crashed ($(grep -m1 'UNIX-SIGNAL' "$log")); building $out again" >&2
done
cat "$log" >&2
exit 1

#!/usr/bin/env bash
# scripts/guests-cfg.sh OUT.cfg "GUESTS" "HV_CMDLINE" - The grub.cfg for
# `make iso GUESTS=...`: GUESTS is one or more `PATH:OPTIONS` separated by
# `;` (OPTIONS: the module line's words, README "The config grammar"), each
# becoming `module2 /boot/BASENAME OPTIONS` after the hypervisor's line.
# Writes OUT.cfg and OUT.cfg.files (the guest files, one per line); an
# entry without a file, or two files of one name, is an error.
set -euo pipefail
out=$1 guests=$2 cmdline=$3
declare -A names=()
files=() modules=()
IFS=';' read -r -a entries <<<"$guests"
for e in "${entries[@]}"; do
	e=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$e")
	[[ -n $e ]] || continue
	if [[ $e != *:* ]]; then
		echo "GUESTS: '$e' is not PATH:OPTIONS (e.g. build/my.bin:vm=my type=flat mode=long mem=16M)" >&2
		exit 1
	fi
	path=${e%%:*} opts=${e#*:}
	[[ -f $path ]] || { echo "GUESTS: no file '$path'" >&2; exit 1; }
	name=$(basename "$path")
	if [[ -n ${names[$name]:-} ]]; then
		echo "GUESTS: two guests named '$name' ('${names[$name]}' and '$path'): the image keeps one /boot/$name" >&2
		exit 1
	fi
	names[$name]=$path
	files+=("$path")
	modules+=("	module2 /boot/$name $opts")
done
[[ ${#files[@]} -gt 0 ]] || { echo "GUESTS: no guest given" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
{
	echo "# $out - made by scripts/guests-cfg.sh from GUESTS=\"$guests\""
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input serial console"
	echo "terminal_output serial console"
	echo "set timeout=5"
	echo "set default=0"
	echo 'menuentry "svm-hv (own guests)" {'
	echo "	multiboot2 /boot/hv.elf $cmdline"
	printf '%s\n' "${modules[@]}"
	echo "	boot"
	echo "}"
	echo 'menuentry "svm-hv: the hypervisor alone, with its shell" {'
	echo "	multiboot2 /boot/hv.elf $cmdline"
	echo "	boot"
	echo "}"
} >"$out.tmp"
mv "$out.tmp" "$out"
printf '%s\n' "${files[@]}" >"$out.files"

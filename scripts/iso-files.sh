#!/usr/bin/env bash
# scripts/iso-files.sh GRUB.CFG GUEST_DIR [FILE...] - The files an ISO built
# from GRUB.CFG needs under /boot/, one path per line, for scripts/mkiso.sh.
# For each `module2 /boot/NAME` line, in order: the FILE given whose name is
# NAME, else NAME next to GRUB.CFG, else GUEST_DIR/NAME when tests/guests/
# builds it (NAME.bin from NAME.asm). A module that is none of these is an
# error naming the file and line (a guest in the config but not in the image
# must not boot as "module not found" on the machine).
set -euo pipefail
cfg=$1 gdir=$2
shift 2
declare -A given=() seen=()
for f in "$@"; do
	[[ -f $f ]] || { echo "iso: no file '$f' (given for the image)" >&2; exit 1; }
	given[$(basename "$f")]=$f
done
dir=$(dirname "$cfg")
n=0 bad=0
while IFS= read -r line || [[ -n $line ]]; do
	n=$((n + 1))
	[[ $line =~ ^[[:space:]]*module2[[:space:]]+([^[:space:]]+) ]] || continue
	path=${BASH_REMATCH[1]}
	name=${path#/boot/}
	if [[ $path != /boot/* || $name == */* ]]; then
		echo "iso: $cfg:$n: module path '$path' is not /boot/NAME (the image puts every module in /boot/)" >&2
		bad=1
		continue
	fi
	[[ -n ${seen[$name]:-} ]] && continue
	seen[$name]=1
	if [[ -n ${given[$name]:-} ]]; then
		echo "${given[$name]}"
	elif [[ -f $dir/$name && $dir/$name != "$cfg" ]]; then
		echo "$dir/$name"
	elif [[ $name == *.bin && -f tests/guests/${name%.bin}.asm ]]; then
		echo "$gdir/$name"
	else
		echo "iso: $cfg:$n: module '$name' is not in the image: no file of that name given," \
			"none next to $cfg, and no tests/guests/${name%.bin}.asm" >&2
		bad=1
	fi
done <"$cfg"
exit $bad

#!/usr/bin/env bash
# scripts/qemu.sh [--uefi] [--mem SIZE] [--smp N] [--cpu MODEL] IMAGE [QEMU ARGS...]
# Boots IMAGE (an ISO as a CD, a .img file as a hard disk) in QEMU with software emulation of AMD SVM (TCG: there is no KVM
# here), serial console on this terminal. QEMU's escape key is Ctrl-]
# (Ctrl-] x quits, Ctrl-] c is its monitor), so that Ctrl-A, the hypervisor's
# console key, reaches the hypervisor.
set -euo pipefail
# The CPU: scripts/qemu-cpu.sh, the same for make run, make test and make bench.
source "$(dirname "$0")/qemu-cpu.sh"
uefi=0 mem=1G smp=2 cpu=$QEMU_CPU
while [[ $# -gt 0 ]]; do
	case $1 in
	--uefi) uefi=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	*) break ;;
	esac
done
image=$1
shift
medium=(-cdrom "$image")
[[ $image == *.img ]] && medium=(-drive "file=$image,format=raw,if=ide,media=disk")
firmware=()
if [[ $uefi -eq 1 ]]; then
	firmware=(-bios /usr/share/OVMF/OVMF_CODE.fd)
fi
echo "qemu.sh: Ctrl-] x quits QEMU; Ctrl-A is the hypervisor's console key (Ctrl-A ? lists them)" >&2
exec qemu-system-x86_64 -accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" \
	-M pc -display none -no-reboot -serial mon:stdio -echr 0x1d \
	"${firmware[@]}" "${medium[@]}" "$@"

#!/usr/bin/env bash
# scripts/qemu.sh [--uefi] [--mem SIZE] [--smp N] [--cpu MODEL] ISO [QEMU ARGS...]
# Boots ISO in QEMU with software emulation of AMD SVM (TCG: there is no KVM
# here), serial console on this terminal. QEMU's escape key is Ctrl-]
# (Ctrl-] x quits, Ctrl-] c is its monitor), so that Ctrl-A, the hypervisor's
# console key, reaches the hypervisor.
set -euo pipefail
# EPYC-Rome with SVM and nested paging, less the features QEMU's TCG does
# not emulate: QEMU would drop them anyway, with a warning each ("TCG
# doesn't support requested feature"); named here, the boot is quiet and
# the guest's CPUID is the same.
TCG_LACKS=-rdseed,-sha-ni,-rdpid,-fxsr-opt,-misalignsse,-3dnowprefetch,-osvw,-topoext,-perfctr-core,-clzero
TCG_LACKS+=,-xsaveerptr,-wbnoinvd,-ibpb,-amd-stibp,-nrip-save,-xsavec,-xsaves
uefi=0 mem=1G smp=2 cpu=EPYC-Rome,+svm,+npt,$TCG_LACKS
while [[ $# -gt 0 ]]; do
	case $1 in
	--uefi) uefi=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	*) break ;;
	esac
done
iso=$1
shift
firmware=()
if [[ $uefi -eq 1 ]]; then
	firmware=(-bios /usr/share/OVMF/OVMF_CODE.fd)
fi
echo "qemu.sh: Ctrl-] x quits QEMU; Ctrl-A is the hypervisor's console key (Ctrl-A ? lists them)" >&2
exec qemu-system-x86_64 -accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" \
	-M pc -display none -no-reboot -serial mon:stdio -echr 0x1d \
	"${firmware[@]}" -cdrom "$iso" "$@"

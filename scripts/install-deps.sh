#!/usr/bin/env bash
# scripts/install-deps.sh - Make sure this machine can build, run and test the
# hypervisor. As root it installs what is missing with apt-get; otherwise it
# names the exact packages to install and fails.
set -euo pipefail

# command-or-file -> Debian package
declare -A need=(
	[gcc]=gcc
	[make]=make
	[nasm]=nasm
	[iasl]=acpica-tools
	[ld]=binutils
	[qemu-system-x86_64]=qemu-system-x86
	[grub-mkrescue]=grub-common
	[/usr/lib/grub/i386-pc/multiboot2.mod]=grub-pc-bin
	[/usr/lib/grub/x86_64-efi/multiboot2.mod]=grub-efi-amd64-bin
	[xorriso]=xorriso
	[mformat]=mtools
	[/usr/lib/crt0-efi-x86_64.o]=gnu-efi
	[objcopy]=binutils
	[/sbin/sfdisk]=fdisk        # the USB image (make usb); /sbin is not on a user's PATH
	[/sbin/mkfs.fat]=dosfstools
	[/usr/share/OVMF/OVMF_CODE.fd]=ovmf
	[timeout]=coreutils
	[python3]=python3
)

missing=()
for what in "${!need[@]}"; do
	if [[ $what == /* ]]; then
		[[ -e $what ]] || missing+=("${need[$what]}")
	else
		command -v "$what" >/dev/null 2>&1 || missing+=("${need[$what]}")
	fi
done
# libasan/libubsan come with gcc on Debian; check they link.
if command -v gcc >/dev/null 2>&1 &&
   ! echo 'int main(void){return 0;}' | gcc -x c -fsanitize=address,undefined -o /dev/null - >/dev/null 2>&1; then
	missing+=(libgcc-12-dev)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]]; then
	echo "missing packages: ${missing[*]}" >&2
	echo "install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

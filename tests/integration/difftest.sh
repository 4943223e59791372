# tests/integration/difftest.sh - Differential tests: a Multiboot v1 test
# kernel (tests/guests/mb/, built by mk/testkernels.mk) runs once as QEMU's
# own -kernel on bare TCG (no hypervisor: the reference) and once as a
# type=multiboot guest of the hypervisor, and both must print the same
# report (the comparison rule: tests/integration/report_diff.py) and end
# the same way: the same exit code, or both a poweroff (QEMU's ACPI S5, the
# hypervisor's "vm K stopped: poweroff"). Plus the loader's refusals.
# Sourced by tests.sh (make_iso, qemu_boot, expect_*).
#
# difftest NAME KERNEL[:VM] MEM CPUS "ARGS" [MODULE...]   (MODULE: "FILE ARGS")
#   The kernel (build/testkernels/KERNEL.elf) runs as VM VM (default:
#   KERNEL; a VM name has at most 15 characters); on QEMU its file is
#   called VM and module k's VM.modK, the names the hypervisor puts first
#   in the command line and the module strings (guest-loader/mb_info.h), so
#   that every string and address agrees. Reports: $OUT/NAME.ref.txt (QEMU)
#   and $OUT/NAME.hv.txt (the hypervisor's "VM| " lines), diff on failure.

# The reference machine, written once: QEMU's pc without HPET and default
# devices, COM1 to a file, the debug-exit port, an EPYC-Rome less what TCG
# lacks (so it prints no warnings).
source scripts/qemu-cpu.sh
DIFF_CPU=EPYC-Rome,$TCG_LACKS
DIFF_TIMEOUT=60
# Extra words for one test, set around its difftest call (empty for the
# rest): DIFF_QEMU_ARGS goes on QEMU's command line (e.g. "-device
# pc-testdev"), DIFF_VM_OPTS on the VM's line before "--" (e.g.
# "testdev=on").
DIFF_QEMU_ARGS=""
DIFF_VM_OPTS=""

# qemu_kernel_reference DIR KERNEL_FILE MEM CPUS ARGS INITRD LOG: runs QEMU's
# -kernel in DIR (file names relative to it); sets REF_EXIT to the guest's
# exit code, to "poweroff" when the guest powered the machine off (ACPI
# S5: the shutdown-request trace says guest-shutdown), or to
# "timeout"/"status S" when QEMU ended otherwise.
qemu_kernel_reference() {
	local dir=$1 kernel=$2 mem=$3 cpus=$4 args=$5 initrd=$6 log=$7 status
	local initrd_opt=() extra=()
	[[ -n $initrd ]] && initrd_opt=(-initrd "$initrd")
	read -r -a extra <<<"$DIFF_QEMU_ARGS"
	rm -f "$log.trace"
	(cd "$dir" && timeout "$DIFF_TIMEOUT" qemu-system-x86_64 -accel tcg -M pc,hpet=off -nodefaults \
		-cpu "$DIFF_CPU" -m "$mem" -smp "$cpus" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-serial "file:$log" -display none -no-reboot -kernel "$kernel" -append "$args" "${initrd_opt[@]}" "${extra[@]}" \
		-trace qemu_system_shutdown_request -D "$log.trace" </dev/null >"$log.qemu.out" 2>&1)
	status=$?
	if ((status == 124)); then
		REF_EXIT=timeout
	elif ((status == 0)) && grep -qE 'reason=(6|guest-shutdown)$' "$log.trace" 2>/dev/null; then
		REF_EXIT=poweroff
	elif ((status & 1)); then
		REF_EXIT=$((status >> 1))   # isa-debug-exit: (code << 1) | 1
	else
		REF_EXIT="status $status"
	fi
}

# The host QEMU's RAM for a guest of MEM: the guest's and 1 GiB for the
# hypervisor and GRUB.
host_mem_for() {
	local mem=$1 mib
	case $mem in
	*G) mib=$((${mem%G} * 1024)) ;;
	*M) mib=${mem%M} ;;
	*) mib=$((mem / 1048576)) ;;
	esac
	echo "$((mib + 1024))M"
}

difftest() {
	local name=$1 kernel=${2%%:*} vm=${2#*:} mem=$3 cpus=$4 args=$5
	shift 5
	local dir=$OUT/$name.ref elf=build/testkernels/$kernel.elf ref=$OUT/$name.ref.txt got=$OUT/$name.hv.txt
	local initrd="" mods=() k=0 m file margs
	rm -rf "$dir"
	mkdir -p "$dir"
	ln -s "$PWD/$elf" "$dir/$vm"
	for m in "$@"; do
		file=${m%% *}
		margs=""
		[[ $m == *" "* ]] && margs=${m#* }
		cp "$file" "$dir/$vm.mod$k"
		# QEMU's -initrd separates modules with commas: a comma of their
		# own is written twice.
		initrd+="${initrd:+,}$vm.mod$k${margs:+ ${margs//,/,,}}"
		mods+=("$dir/$vm.mod$k vm=$vm type=module${margs:+ -- $margs}")
		k=$((k + 1))
	done
	qemu_kernel_reference "$dir" "$vm" "$mem" "$cpus" "$args" "$initrd" "$PWD/$dir/serial.log"
	# The two ends written alike: "exit code N" (debug exit) or "poweroff"
	# (QEMU's ACPI S5; the hypervisor's "vm K stopped: poweroff").
	{
		cat "$dir/serial.log"
		if [[ $REF_EXIT == poweroff ]]; then echo "exit: poweroff"; else echo "exit: exit code $REF_EXIT"; fi
	} >"$ref"

	hv_kernel_report "$name" "$elf" "$vm" "$mem" "$cpus" "$args" "$got" "${mods[@]}"
	compare_reports "$ref" "$got" "QEMU -kernel"
	[[ $REF_EXIT =~ ^([0-9]+|poweroff)$ ]] || fail "QEMU's -kernel run did not end by debug exit or poweroff: $REF_EXIT"
}

# hv_kernel_report NAME ELF VM MEM CPUS ARGS OUTPUT [MODULE_LINE...]: the
# kernel as VM's type=multiboot guest of the hypervisor; OUTPUT gets its
# "VM| " lines and "exit: ..." from "vm VM stopped: ...".
hv_kernel_report() {
	local name=$1 elf=$2 vm=$3 mem=$4 cpus=$5 args=$6 got=$7
	shift 7
	make_iso "$name" "on_idle=poweroff" "$elf vm=$vm type=multiboot mem=$mem cpus=$cpus${DIFF_VM_OPTS:+ $DIFF_VM_OPTS} -- $args" "$@"
	qemu_boot "$name" "$ISO" 120 --mem "$(host_mem_for "$mem")" --smp "$((cpus > 2 ? cpus : 2))" \
		--until "\\] vm $vm stopped: "
	{
		sed -n "s/^$vm| //p" "$LOG"
		sed -n "s/^\\[ *[0-9.]*\\] vm $vm stopped: /exit: /p" "$LOG"
	} >"$got"
	expect_no_line 'PANIC|nested trap'
}

# compare_reports EXPECTED GOT WHAT: the rule of report_diff.py; a
# difference is the test's failure, with the diff.
compare_reports() {
	local diff m
	if ! diff=$(python3 tests/integration/report_diff.py "$1" "$2"); then
		fail "the reports differ ($3: $1, hypervisor: $2):"
		while IFS= read -r m; do fail "$m"; done <<<"$(head -n 60 <<<"$diff")"
	fi
	INFO="$(grep -c '' "$1") lines agree"
}

# hvtest NAME KERNEL[:VM] MEM CPUS "ARGS": a kernel for what QEMU's TCG
# does not have, under the hypervisor only; its expected report (the same
# rules: "~" lines) comes on standard input.
hvtest() {
	local name=$1 kernel=${2%%:*} vm=${2#*:} mem=$3 cpus=$4 args=$5
	local want=$OUT/$name.expected.txt got=$OUT/$name.hv.txt
	cat >"$want"
	hv_kernel_report "$name" "build/testkernels/$kernel.elf" "$vm" "$mem" "$cpus" "$args" "$got"
	compare_reports "$want" "$got" "expected"
}

# mbinfo with two modules (a text with arguments, random bytes without),
# at the smallest sensible RAM.
test_diff_mbinfo_16m_two_modules() {
	local mod1=$OUT/diff_mod_text mod2=$OUT/diff_mod_random
	printf 'a module of text\n' >"$mod1"
	head -c 5000 /dev/urandom >"$mod2"
	difftest diff_mbinfo_16m mbinfo 16M 1 "console=ttyS0 root=/dev/ram0 quiet" \
		"$mod1 first module args" "$mod2"
}

test_diff_mbinfo_128m_one_cpu() {
	difftest diff_mbinfo_128m mbinfo 128M 1 "mem=128M"
}

# With four vCPUs the application processors wait for a start-up IPI (no
# LAPIC yet to send one): the report is vCPU 0's, and the VM stops whole.
test_diff_mbinfo_128m_four_cpus() {
	difftest diff_mbinfo_128m_smp mbinfo 128M 4 "smp"
	expect_line "vm mbinfo: Multiboot kernel .* 4 vCPUs"
}

# The application processors wait for a start-up IPI: the shell's `vcpu`
# shows vCPU 1 in wait-sipi, with no exit taken (mbinfo "hold" halts after
# its report instead of exiting).
test_multiboot_aps_wait_for_sipi() {
	make_iso mb_sipi "on_idle=halt" "build/testkernels/mbinfo.elf vm=mb type=multiboot mem=16M cpus=2 -- hold"
	shell_scenario mbsipi "$ISO"
}

# RAM above 4 GiB: 3 GiB below the hole and 2 GiB from 4 GiB.
test_diff_mbinfo_5g() {
	difftest diff_mbinfo_5g mbinfo 5G 1 ""
}

# The devices' own test kernels (tests/guests/mb/NAME.c says what each
# covers); one vCPU unless the kernel uses several.
# The device state SeaBIOS leaves (docs/pc.md): the board's firmware state.
test_diff_fwstate() {
	difftest diff_fwstate fwstate 128M 1 ""
}

test_diff_fwstate_four_cpus() {
	difftest diff_fwstate_smp fwstate 128M 4 ""
}

# The legacy window 0xA0000-0xFFFFF (docs/pc.md): which pages are RAM and
# which read-only, stores of each shape there, the PAM and SMRAM bytes.
test_diff_legacy_window() {
	difftest diff_legacy legacy 128M 1 ""
}

# The same at the smallest sensible RAM and with application processors.
test_diff_legacy_window_16m_two_cpus() {
	difftest diff_legacy_16m legacy 16M 2 ""
}

# The legacy window again after a reset through 0xCF9 (on_reset=restart):
# the second boot's report is the first's (the board's firmware state,
# PAM and SMRAM included, is placed afresh at every boot). The hypervisor
# only: QEMU's reference runs with -no-reboot. A CMOS byte, kept across
# the reset as the RTC's RAM is, tells the kernel which boot it is in.
test_legacy_window_after_reset() {
	local got=$OUT/legacy_reset.hv.txt first=$OUT/legacy_reset.first.txt second=$OUT/legacy_reset.second.txt
	DIFF_VM_OPTS="on_reset=restart" hv_kernel_report legacy_reset build/testkernels/legacy.elf legacy 128M 1 "reset" "$got"
	expect_line "vm legacy reset \(.*\); restarting"
	sed -n '1,/^legacy: resetting$/p' "$got" | sed '$d' >"$first"
	sed -n '/^legacy: booted again after the reset$/,$p' "$got" | sed '1d' | grep -v '^legacy: done$\|^exit: ' >"$second"
	grep -qx 'legacy: resetting' "$got" || fail "the first boot did not reset"
	grep -qx 'exit: exit code 0' "$got" || fail "the second boot did not end with exit code 0"
	[[ -s $first ]] || fail "no report before the reset"
	compare_reports "$first" "$second" "before the reset"
}

# ACPI discovery and S5: QEMU powers off, the VM stops with "poweroff".
test_diff_acpi() {
	difftest diff_acpi acpi 128M 1 ""
}

test_diff_acpi_four_cpus() {
	difftest diff_acpi_smp acpi 128M 4 ""
}

test_diff_pic() {
	difftest diff_pic pic 16M 1 ""
}

# The 8042 and its PS/2 devices as an OS's probe sees them (kbc.c).
test_diff_kbc() {
	difftest diff_kbc kbc 16M 1 ""
}

test_diff_pit() {
	difftest diff_pit pit 16M 1 ""
}

test_diff_rtc() {
	difftest diff_rtc rtc 16M 1 ""
}

test_diff_pmtimer() {
	difftest diff_pmtimer pmtimer 16M 1 ""
}

# COM1's 16550 (uart.c): registers, THR-empty interrupt, FIFOs, loopback,
# Linux's 8250 probe, the character timeout.
test_diff_uart() {
	difftest diff_uart uart 16M 1 ""
}

test_diff_fwcfg() {
	difftest diff_fwcfg fwcfg 128M 1 ""
}

# Four vCPUs and RAM above 4 GiB: the CPU count and a second etc/e820 entry.
test_diff_fwcfg_four_cpus_above_4g() {
	difftest diff_fwcfg_smp fwcfg 3584M 4 ""
}

# The acceptance kernel: LAPIC timer, I/O APIC routing from the MADT, every
# AP by INIT-SIPI-SIPI, IPIs; its exit code through port 0xF4. (A VM name
# has at most 15 characters.)
test_diff_lapic_ioapic_smp() {
	difftest diff_apic_smp lapic_ioapic_smp:apic_smp 16M 1 ""
}

test_diff_lapic_ioapic_smp_four_cpus() {
	difftest diff_apic_smp4 lapic_ioapic_smp:apic_smp 16M 4 ""
	expect_line "vm apic_smp: Multiboot kernel .* 4 vCPUs"
}

# x2APIC and the TSC-deadline timer: QEMU 7.2's TCG has neither, so the
# report is checked against what the SDM says (x2apic_tscdl.c).
test_x2apic_tscdl() {
	hvtest x2apic_tscdl x2apic_tscdl 16M 1 "" <<'EOF'
x2apic_tscdl: x2APIC mode and the TSC-deadline timer
~ tsc: (the TSC rate)
ok cpuid 1: x2apic (ecx bit 21)
ok cpuid 1: tsc-deadline timer (ecx bit 24)
apic base 0xfee00900
apic base with EXTD 0xfee00d00
x2apic: id 0 version 0x00050014 ldr 0x00000001
x2apic: the xAPIC page reads 0x00000000 at its version register
x2apic: svr 0x1ff tpr 0
ok icr (0x830): a fixed IPI to itself arrives at 0x60, in ISR while handled
ok self ipi (0x83f): arrives at 0x61, in ISR while handled
ok eoi (0x80b): ISR clear after the handler's EOI
ok #GP: reading EOI
ok #GP: reading SELF IPI
ok #GP: a non-zero EOI
ok #GP: reading the reserved 0x809 (no APR in x2APIC mode)
ok #GP: a reserved bit (63:32 of TPR)
ok #GP: writing the read-only version
ok #GP: x2APIC to xAPIC directly
ok no #GP: reading the ID
ok one-shot (0x838/0x839): counting down from its initial count
ok one-shot: interrupt at 0x63
ok one-shot: current count 0 after it fired
tsc-deadline: lvt timer 0x40062
ok tsc-deadline: 0x6e0 reads the deadline while armed
ok tsc-deadline: interrupt at 0x62
ok tsc-deadline: not before the deadline
~ tsc-deadline: (how late)
ok tsc-deadline: 0x6e0 reads 0 once it fired
ok tsc-deadline: a deadline in the past fires at once
ok tsc-deadline: writing 0 disarms it
ok x2APIC -> disabled
disabled: apic base 0xfee00100
ok #GP: x2APIC MSRs while disabled
ok disabled -> xAPIC
xapic again: apic base 0xfee00900, the page's version 0x00050014 svr 0x0ff
x2apic_tscdl: done, 0 failed
exit: exit code 0
EOF
}

# QEMU's test devices (testdev.c): -device pc-testdev -device pci-testdev
# against testdev=on.
test_diff_testdev() {
	DIFF_QEMU_ARGS="-device pc-testdev -device pci-testdev" DIFF_VM_OPTS="testdev=on" \
		difftest diff_testdev testdev 16M 1 ""
}

# Without them (no option, no -device): the ports read all ones, no PCI
# function is pci-testdev. Then the window at 0xFF000000, which nothing
# claims: QEMU reads 0 (unassigned memory), the hypervisor stops the VM
# (docs/pc.md: a missing model is never silent), each side checked alone.
test_diff_testdev_absent() {
	difftest diff_testdev_absent testdev 16M 1 "absent"
	local dir=$OUT/testdev_absent_mmio.ref
	rm -rf "$dir"
	mkdir -p "$dir"
	ln -s "$PWD/build/testkernels/testdev.elf" "$dir/testdev"
	qemu_kernel_reference "$dir" testdev 16M 1 "absent mmio" "" "$PWD/$dir/serial.log"
	grep -q '^absent: 0xff000000 reads 0x00000000$' "$dir/serial.log" ||
		fail "QEMU: no line 'absent: 0xff000000 reads 0x00000000' in $dir/serial.log"
	[[ $REF_EXIT == 0 ]] || fail "QEMU's run ended with $REF_EXIT, not exit code 0"
	hv_kernel_report testdev_absent_mmio build/testkernels/testdev.elf testdev 16M 1 "absent mmio" \
		"$OUT/testdev_absent_mmio.hv.txt"
	expect_line '^testdev\| absent: reading 0xff000000$'
	expect_no_line '^testdev\| absent: 0xff000000 reads'
	expect_line '\] vm testdev stopped: error: read of guest-physical 0xff000000, outside its RAM'
}

# A copy of a test kernel with bytes changed: patch_kernel OUT KERNEL PYTHON
# (PYTHON edits the bytearray `b`).
patch_kernel() {
	python3 -c "
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
$3
open(sys.argv[2], 'wb').write(b)
" "build/testkernels/$2.elf" "$1" || fail "patching $2 failed"
}

# Each line the loader cannot honour is one clear line naming the module,
# and only the VM it concerns stays down.
test_multiboot_refusals() {
	local bad_sum=$OUT/mb_bad_checksum.elf in_hole=$OUT/mb_in_hole.elf mod=$OUT/mb_refusal_mod
	printf 'module\n' >"$mod"
	# The header's checksum word (magic at the first 0x1BADB002) plus one.
	patch_kernel "$bad_sum" mbinfo "
i = b.find(struct.pack('<I', 0x1badb002))
struct.pack_into('<I', b, i + 8, (struct.unpack_from('<I', b, i + 8)[0] + 1) & 0xffffffff)"
	# The first program header's p_paddr moved to 3 GiB + 1 MiB.
	patch_kernel "$in_hole" mbinfo "
phoff = struct.unpack_from('<I', b, 28)[0]
struct.pack_into('<I', b, phoff + 12, 0xc0100000)"
	make_iso mb_refusals "on_idle=poweroff" \
		"build/testkernels/mbinfo.elf vm=good type=multiboot mem=16M -- fine" \
		"$mod vm=nosuch type=module -- x" \
		"build/testkernels/mbinfo.elf vm=good type=multiboot mem=16M" \
		"hello_real vm=notmb type=multiboot mem=16M" \
		"$bad_sum vm=badsum type=multiboot mem=16M" \
		"$in_hole vm=inhole type=multiboot mem=4G" \
		"build/testkernels/mbinfo.elf vm=withload type=multiboot mem=16M load=0x100000" \
		"build/testkernels/mbinfo.elf vm=elfflat type=flat mem=1M" \
		"build/testkernels/mbinfo.elf vm=badmod type=multiboot mem=16M" \
		"$mod vm=badmod type=module mem=1M -- x" \
		"hello_real vm=hello type=flat mem=1M"
	qemu_boot mb_refusals "$ISO" 90
	local g='guest: module'
	expect_line "$g 1 \"vm=nosuch type=module -- x\": no VM named nosuch was created by an earlier line .*; module not loaded\$"
	expect_line "$g 2 \"vm=good type=multiboot mem=16M\": vm good has its kernel already \\(module 0\\).*; VM not started\$"
	expect_line "$g 3 \"vm=notmb type=multiboot mem=16M\": not a Multiboot kernel: no header \\(magic 0x1BADB002\\) in its first 8192 bytes; VM not started\$"
	expect_line "$g 4 \"vm=badsum type=multiboot mem=16M\": the Multiboot header at offset 0x[0-9a-f]+ has a bad checksum .*; VM not started\$"
	expect_line "$g 5 \"vm=inhole type=multiboot mem=4G\": the kernel's segment at 0xc0100000-0x[0-9a-f]+ reaches into the 3-4 GiB hole \\(MMIO, not RAM\\); VM not started\$"
	expect_line "$g 6 \"vm=withload .*\": type=multiboot: load= does not apply .*; VM not started\$"
	expect_line "$g 7 \"vm=elfflat type=flat mem=1M\": type=flat, but it is an ELF file, not a flat binary: a Multiboot kernel wants type=multiboot; VM not started\$"
	expect_line "$g 9 \"vm=badmod type=module mem=1M -- x\": type=module: mem= does not apply .*; vm badmod not started\$"
	expect_line '^good\| mbinfo: done, 0 failed$'
	expect_line '^good\| cmdline "good fine" \(9 bytes\)$'
	expect_line '\] vm good stopped: exit code 0$'
	expect_hello_lines hello
	expect_no_line '\] vm (nosuch|notmb|badsum|inhole|withload|elfflat|badmod) started'
	expect_clean_poweroff
}

INTEGRATION_TESTS+=(
	test_diff_mbinfo_16m_two_modules test_diff_mbinfo_128m_one_cpu test_diff_mbinfo_128m_four_cpus
	test_diff_mbinfo_5g test_multiboot_refusals test_multiboot_aps_wait_for_sipi
	test_diff_fwstate test_diff_fwstate_four_cpus test_diff_legacy_window test_diff_legacy_window_16m_two_cpus test_legacy_window_after_reset
	test_diff_pic test_diff_kbc test_diff_pit
	test_diff_rtc test_diff_pmtimer test_diff_fwcfg test_diff_fwcfg_four_cpus_above_4g
	test_diff_acpi test_diff_acpi_four_cpus test_diff_lapic_ioapic_smp test_diff_lapic_ioapic_smp_four_cpus
	test_x2apic_tscdl test_diff_testdev test_diff_testdev_absent test_diff_uart
)

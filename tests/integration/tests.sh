# tests/integration/tests.sh - Integration tests: boot the real ISO in QEMU
# (TCG with SVM) under SeaBIOS and OVMF and check what the serial console says.
# Each test_* function is one test; tests/run-tests.sh runs them in order.
# HV_ELF and OUT come from the runner.

# make_iso NAME "COMMAND LINE" [MODULE...]: an ISO like build/hv.iso with
# another hypervisor command line and guest modules. Each MODULE is
# "GUEST ARGS" and becomes "module2 /boot/GUEST.bin ARGS", GUEST from
# build/guests/; or "PATH ARGS" with a PATH that has a slash (a test
# kernel, a Multiboot module), which becomes "module2 /boot/BASENAME ARGS".
# An old ISO is removed first, so a failed build cannot boot stale code.
make_iso() {
	local name=$1 cmdline=$2 cfg=$OUT/$1.grub.cfg
	shift 2
	ISO=$OUT/$name.iso
	rm -f "$ISO"
	{
		cat tests/integration/grub.cfg.in
		echo 'menuentry "svm-hv test" {'
		boot_lines '	' "$cmdline" "$@"
		echo '	boot'
		echo '}'
	} >"$cfg"
	scripts/mkiso.sh "$ISO" "$HV_ELF" "$cfg" "${BOOT_FILES[@]}" || fail "building $ISO failed"
}

# boot_lines INDENT "COMMAND LINE" [MODULE...]: the multiboot2 and module2
# lines of make_iso (and of make_efi_img, hvboot_tests.sh); the module
# files they name are left in BOOT_FILES.
boot_lines() {
	local indent=$1 cmdline=$2 m file
	shift 2
	BOOT_FILES=()
	echo "${indent}multiboot2 /boot/hv.elf $cmdline"
	for m in "$@"; do
		file=${m%% *}
		[[ $file == */* ]] || file=build/guests/$file.bin
		echo "${indent}module2 /boot/${file##*/} ${m#* }"
		BOOT_FILES+=("$file")
	done
}

expect_memory_summary() {
	expect_line '^\[ *[0-9]+\.[0-9]{6}\] mm: RAM [0-9.]+ [KMG]iB: usable [0-9.]+ [KMG]iB, reserved [0-9.]+ [KMG]iB, above 4 GiB'
	expect_line 'mm: highest RAM address 0x[0-9a-f]+; largest free run 0x[0-9a-f]+-0x[0-9a-f]+ \([0-9.]+ [KMG]iB\)'
	expect_line 'mm: page-frame allocator: [0-9]+ free frames'
	expect_line 'mm: direct map 0x0-0x[0-9a-f]+ with (1 GiB|2 MiB) pages'
}

expect_clean_poweroff() {
	expect_line 'hv: nothing left to run \(on_idle=poweroff\)'
	expect_line 'power: powering off \(ACPI S5'
	expect_end poweroff
	expect_no_line 'PANIC|nested trap'
}

# The default ISO (make run) ends when the operator types poweroff at the
# shell: shell_tests.py's "default" scenario boots it, checks the demo
# guests and the echo guest, and types it. The log is then checked here.
# boot_default_image does the same with another image of the default
# guests (the USB stick).
boot_default_iso() {   # NAME [--uefi]
	boot_default_image "$1" build/hv-run.iso "${@:2}"
}
boot_default_image() {   # NAME IMAGE [--uefi]
	local out
	out=$(python3 tests/integration/shell_tests.py default "$2" "$OUT/$1.log" "${@:3}" 2>&1) ||
		fail "$(tail -c 3000 <<<"$out")"
	LOG=$OUT/$1.log
	plain_log <"$LOG" >"$LOG.plain" && mv "$LOG.plain" "$LOG"
	INFO=$(tail -1 <<<"$out")
	BANNER_SECONDS=$(sed -n 's/^banner after \([0-9.]*\)s.*/\1/p' <<<"$INFO")
}

# The default guests' console lines (NAME| text, vm NAME started, vm NAME
# stopped: REASON), without timestamps, sorted (the guests run side by
# side): what every way into the hypervisor must print alike.
default_guest_lines() {   # LOG
	sed -nE -e 's/^\[ *[0-9]+\.[0-9]+\] (vm [A-Za-z0-9_-]+ (started|stopped: .*))$/\1/p' \
		-e '/^[A-Za-z0-9_-]+\| /p' "$1" | LC_ALL=C sort
}
DEFAULT_LINES_BIOS=$OUT/default_guest_lines.bios

test_bios_boot() {
	boot_default_iso bios_boot
	expect_banner_within 15
	expect_line 'hv: boot loader: GRUB'
	# GRUB i386-pc ignores the EFI tags of the header: the 32-bit entry.
	expect_no_line 'hv: boot: EFI amd64 entry'
	expect_line 'mm: memory map from the Multiboot2 memory map'
	expect_memory_summary
	expect_line 'mm: RAM 10[0-9][0-9]\.[0-9] MiB'
	expect_line 'acpi: '
	# the default guests of iso/grub.cfg (make run)
	expect_hello_lines hello
	expect_line '\] vm chatty stopped: exit code 0$'
	expect_line 'power: powering off \(ACPI S5'
	expect_no_line 'PANIC|nested trap'
	default_guest_lines "$LOG" >"$DEFAULT_LINES_BIOS"
}

# GRUB x86_64-efi enters through the EFI amd64 entry (boot/efi64/), which
# exits boot services itself: its line, the map it took, and the guests'
# lines exactly as under BIOS (compared when test_bios_boot ran on this
# build).
test_uefi_boot() {
	boot_default_iso uefi_boot --uefi
	expect_banner_within 40
	expect_line 'hv: boot loader: GRUB'
	expect_line 'hv: boot: EFI amd64 entry, boot services exited by the hypervisor \([1-9][0-9]* memory descriptors\)$'
	expect_line 'mm: memory map from the EFI memory map'
	expect_memory_summary
	expect_hello_lines hello
	expect_line '\] vm chatty stopped: exit code 0$'
	expect_line 'power: powering off \(ACPI S5'
	expect_no_line 'PANIC|nested trap'
	expect_guest_lines_as_bios "GRUB UEFI"
}

# The default guests' lines in $LOG exactly as test_bios_boot's (when it
# ran on this build): the same guests print the same whatever way in.
expect_guest_lines_as_bios() {   # WHAT (the way in, for the message)
	if [[ $DEFAULT_LINES_BIOS -nt $HV_ELF ]]; then
		local diffs
		diffs=$(diff "$DEFAULT_LINES_BIOS" <(default_guest_lines "$LOG")) ||
			fail "the guests' lines differ from the BIOS boot's (< GRUB BIOS, > $1): $(head -c 1500 <<<"$diffs")"
	fi
}

# An own guest added with the documented command (README, "Your own
# guests"): a file whose name has a '-' boots with its options and prints;
# a plain `make iso` gives the default image back; a config naming a
# module the image would not have fails the build, naming the line.
test_own_guest_image() {
	local own=$OUT/my-guest.bin cfg=$OUT/missing.grub.cfg mlog=$OUT/own_guest_make.log out
	cp build/guests/hello_real.bin "$own"
	if ! make --no-print-directory iso GUESTS="$own:vm=mine type=flat mode=real mem=1M" >"$mlog" 2>&1; then
		fail "make iso GUESTS=... failed: $(tail -n 3 "$mlog")"
		return
	fi
	cp build/hv-run.iso "$OUT/own_guest.iso"
	make --no-print-directory iso >>"$mlog" 2>&1 || fail "make iso (the default again) failed: $(tail -n 3 "$mlog")"
	grep -q ' ISO ' "$mlog" || fail "no ISO was built"
	printf 'menuentry x {\n\tmultiboot2 /boot/hv.elf\n\tmodule2 /boot/not-here.bin vm=a type=flat\n}\n' >"$cfg"
	if out=$(make --no-print-directory iso GRUB_CFG="$cfg" 2>&1); then
		fail "make iso GRUB_CFG= with a missing module succeeded"
	fi
	grep -qF "iso: $cfg:3: module 'not-here.bin' is not in the image" <<<"$out" ||
		fail "no error naming the missing module's line: $out"
	make --no-print-directory iso >>"$mlog" 2>&1 || fail "make iso (the default again) failed"
	qemu_boot own_guest "$OUT/own_guest.iso" 60 --until '\] vm mine stopped: '
	expect_hello_lines mine
	expect_no_line 'PANIC|nested trap'
	expect_no_line 'vm (hello|chatty|lm|probe|echo) started'
}

# The menu of build/hv.iso (the image for a stick or CD; make run boots
# hv-run.iso): visible on the serial line with its entries, then the first
# one boots by itself when the timeout runs out.
test_menu_on_serial() {
	qemu_boot menu_on_serial build/hv.iso 90 --until '\] vm probe stopped: '
	expect_end until
	expect_line 'svm-hv: the hypervisor alone, with its shell'
	expect_line 'svm-hv: the default guests, verbose log'
	expect_line 'executed automatically in'
	expect_banner_within 30
	awk -v t="${BANNER_SECONDS:-0}" 'BEGIN { exit !(t >= 4) }' ||
		fail "banner after ${BANNER_SECONDS}s: the menu did not wait its 5 s"
	expect_hello_lines hello
	expect_no_line 'PANIC|nested trap'
}

test_ram_above_4g() {
	qemu_boot ram_above_4g build/hv-run.iso 60 --mem 5G --until '\] vm probe stopped: '
	expect_end until
	expect_memory_summary
	# QEMU's pc machine puts 3 GiB below the PCI hole and 2 GiB above 4 GiB.
	expect_line 'mm: RAM 5[01][0-9][0-9]\.[0-9] MiB: .*above 4 GiB 2048\.0 MiB'
	expect_line 'mm: +0x0000000100000000-0x000000017fffffff usable'
	expect_line 'mm: direct map checked at the highest free frame 0x17ffff000'
	expect_no_line 'PANIC|nested trap'
}

test_uefi_ram_above_4g() {
	qemu_boot uefi_ram_above_4g build/hv-run.iso 120 --uefi --mem 5G --until '\] vm probe stopped: '
	expect_end until
	expect_line 'mm: memory map from the EFI memory map'
	expect_line 'hv: boot: EFI amd64 entry, boot services exited by the hypervisor'
	expect_line 'above 4 GiB 2048\.0 MiB'
	expect_line 'mm: direct map checked at the highest free frame 0x17ffff000'
	expect_no_line 'PANIC|nested trap'
}

expect_register_dump() {
	expect_line '^  RIP=0x[0-9a-f]{16} CS=0x0008 RFLAGS=0x[0-9a-f]{16}( <[A-Za-z_0-9.]+\+0x[0-9a-f]+>)?$'
	expect_line '^  RAX=0x[0-9a-f]{16} RBX=0x[0-9a-f]{16} RCX=0x[0-9a-f]{16} RDX=0x[0-9a-f]{16}$'
	expect_line '^  R13=0x[0-9a-f]{16} R14=0x[0-9a-f]{16} R15=0x[0-9a-f]{16}$'
	expect_line '^  CR0=0x[0-9a-f]{16} CR2=0x[0-9a-f]{16} CR3=0x[0-9a-f]{16} CR4=0x[0-9a-f]{16}$'
	expect_line '^  on cpu0 \(APIC ID 0\)$'
	expect_line '^  stack trace:$'
	expect_line '^    #[0-9]+ +0xffffffff8[0-9a-f]{7} <hv_main\+0x[0-9a-f]+>$'
	expect_line '^\*\*\* powering off \(on_panic=poweroff\)$'
	expect_end poweroff
}

test_selftest_pagefault() {
	make_iso selftest_pagefault "selftest=pagefault on_panic=poweroff"
	qemu_boot selftest_pagefault "$ISO" 60
	expect_line '^\*\*\* PANIC: unexpected exception #PF page fault \(vector 14\) in the hypervisor, error code 0x0 \[read, not present, supervisor\]$'
	expect_line 'CR2=0x00000000deadbeef'
	expect_line '^  RIP=.* <selftest_run\+0x[0-9a-f]+>$'
	expect_register_dump
}

test_selftest_stackoverflow() {
	make_iso selftest_stackoverflow "selftest=stackoverflow on_panic=poweroff"
	qemu_boot selftest_stackoverflow "$ISO" 60
	# The #PF cannot push its frame onto the guard page: #DF on its IST stack.
	expect_line '^\*\*\* PANIC: unexpected exception #DF double fault \(vector 8\)'
	expect_register_dump
}

test_selftest_ud() {
	make_iso selftest_ud "selftest=ud on_panic=poweroff"
	qemu_boot selftest_ud "$ISO" 60
	expect_line '^\*\*\* PANIC: unexpected exception #UD invalid opcode \(vector 6\)'
	expect_register_dump
}

test_selftest_panic() {
	make_iso selftest_panic "selftest=panic on_panic=poweroff"
	qemu_boot selftest_panic "$ISO" 60
	expect_line '^\*\*\* PANIC: selftest=panic requested on the command line$'
	expect_register_dump
}

test_selftest_writetext() {
	make_iso selftest_writetext "selftest=writetext on_panic=poweroff"
	qemu_boot selftest_writetext "$ISO" 60
	# .text is mapped read-only: W^X holds for the hypervisor's own image.
	expect_line '^\*\*\* PANIC: unexpected exception #PF page fault \(vector 14\) in the hypervisor, error code 0x3 \[write, protection violation, supervisor\]$'
	expect_register_dump
}

test_selftest_writetextdirect() {
	make_iso selftest_writetextdirect "selftest=writetextdirect on_panic=poweroff"
	qemu_boot selftest_writetextdirect "$ISO" 60
	# The image's frames are read-only in the direct map too: no W alias of code.
	expect_line 'selftest: writing to the hypervisor.s own code through the direct map at 0xffff800001'
	expect_line '^\*\*\* PANIC: unexpected exception #PF page fault \(vector 14\) in the hypervisor, error code 0x3 \[write, protection violation, supervisor\]$'
	expect_register_dump
}

test_selftest_execdata() {
	make_iso selftest_execdata "selftest=execdata on_panic=poweroff"
	qemu_boot selftest_execdata "$ISO" 60
	# .data is NX: the fetch faults with the instruction-fetch bit set.
	expect_line '^\*\*\* PANIC: unexpected exception #PF page fault \(vector 14\) in the hypervisor, error code 0x11 \[read, protection violation, supervisor, instruction fetch\]$'
	expect_register_dump
}

test_bad_cmdline_reported() {
	make_iso bad_cmdline "foo=bar console=com9 loglevel on_idle=poweroff"
	qemu_boot bad_cmdline "$ISO" 60
	expect_line "hv: cmdline: unknown option 'foo=bar' ignored"
	expect_line "hv: cmdline: bad value in 'console=com9': expected com1\|com2\|com3\|com4 or a UART I/O port"
	expect_line "hv: cmdline: option 'loglevel' has no value"
	expect_clean_poweroff
}

test_on_idle_reset() {
	# A real reset boots the machine again: GRUB, then our banner a second time.
	make_iso on_idle_reset "on_idle=reset"
	qemu_boot on_idle_reset "$ISO" 60 --reboot --until "$BANNER_RE" --until-count 2
	expect_line 'hv: nothing left to run \(on_idle=reset\)'
	expect_line 'power: reset: trying port 0xCF9'
	# The first method must work: a triple fault would also reboot QEMU.
	expect_no_line 'reset: trying keyboard|forcing a triple fault|PANIC|nested trap'
	expect_end until
}

test_on_panic_halt() {
	make_iso on_panic_halt "selftest=panic"
	qemu_boot on_panic_halt "$ISO" 60 --until 'CPU halted' --hold 2
	expect_line '^\*\*\* CPU halted \(on_panic=halt\)$'
	expect_end until
}

test_no_long_mode() {
	# A 32-bit CPU: entry.asm must say why on COM1 instead of triple-faulting.
	qemu_boot no_long_mode build/hv-run.iso 60 --cpu qemu32 --until 'cannot run 64-bit code'
	expect_line '^hv: this CPU cannot run 64-bit code \(no long mode\)'
	expect_end until
}

# --- guests ------------------------------------------------------------------

HELLO="hello_real vm=hello type=flat mode=real mem=1M"

expect_hello_lines() {   # NAME: the three lines of hello_real and its exit code
	expect_line "^$1\| hello from real mode$"
	expect_line "^$1\| line 2 of 3$"
	expect_line "^$1\| line 3 of 3$"
	expect_line "\] vm $1 stopped: exit code 42$"
}

expect_in_order() {   # REGEX...: each matches a line after the previous one's
	local n=0 line re
	for re in "$@"; do
		line=$(awk -v start="$n" -v re="$re" 'NR > start && $0 ~ re { print NR; exit }' "$LOG")
		if [[ -z $line ]]; then
			fail "no line matching /$re/ after line $n"
			return
		fi
		n=$line
	done
}

test_guest_real_mode_hello() {
	make_iso guest_hello "on_idle=poweroff" "$HELLO"
	qemu_boot guest_hello "$ISO" 60
	expect_line 'svm: AMD-V revision [0-9]+, [0-9]+ ASIDs'
	expect_line 'svm:   present: .*NPT'
	expect_line 'guest: vm hello: real mode, 1 MiB RAM, [0-9]+-byte image at 0x7c00, entry 0x7c00, 1 vCPU, cpu0$'
	expect_in_order '\] vm hello started$' '^hello\| hello from real mode$' '^hello\| line 3 of 3$' \
		'\] vm hello stopped: exit code 42$' 'hv: nothing left to run'
	expect_hello_lines hello
	expect_clean_poweroff
}

test_guests_share_the_boot_cpu() {
	# Several VMs on one CPU start in module order and each runs to its end;
	# their lines may interleave (round robin), each VM's own stay in order.
	make_iso guest_order "on_idle=poweroff" "$HELLO cpu=0" "chatty_pm vm=chatty type=flat mode=protected mem=8M cpu=0" \
		"hello_real vm=hello2 type=flat mem=2M cpu=0"
	qemu_boot guest_order "$ISO" 60
	expect_in_order '\] vm hello started$' '\] vm chatty started$' '\] vm hello2 started$'
	expect_in_order '\] vm hello started$' '^hello\| line 3 of 3$' '\] vm hello stopped: exit code 42$'
	expect_in_order '\] vm chatty started$' '^chatty\| line 1$' '^chatty\| line 20$' '\] vm chatty stopped: exit code 0$'
	expect_in_order '\] vm hello2 started$' '^hello2\| line 3 of 3$' '\] vm hello2 stopped: exit code 42$'
	expect_clean_poweroff
}

test_bad_module_lines_reported() {
	make_iso bad_modules "on_idle=poweroff" \
		"hello_real vm=good1 type=flat mem=1M" \
		"hello_real vm=bad type=flat mem=12Q" \
		"hello_real vm=good1 type=flat mem=1M" \
		"hello_real vm=lin type=linux mem=1M" \
		"hello_real vm=big type=flat mem=1M load=0xff000" \
		"hello_real vm=good2 type=flat mem=1M frobnicate=1" \
		"hello_real vm=good2 type=flat mem=1M"
	qemu_boot bad_modules "$ISO" 60
	expect_line "guest: module 1 \"vm=bad type=flat mem=12Q\": option 'mem=12Q': .*; VM not started"
	expect_line 'guest: module 2 "vm=good1 type=flat mem=1M": vm=good1 is already the name of module 0; VM not started'
	expect_line 'guest: module 3 "vm=lin type=linux mem=1M": type=linux is not supported yet.*; VM not started'
	expect_line 'guest: module 4 "vm=big type=flat mem=1M load=0xff000": .*; VM not started'
	expect_line 'guest: module 5 "vm=good2 type=flat mem=1M frobnicate=1": .*frobnicate.*; VM not started'
	expect_hello_lines good1
	expect_hello_lines good2
	expect_no_line '\] vm (bad|lin|big) '
	expect_clean_poweroff
}

test_cpu_without_svm() {
	make_iso no_svm "on_idle=poweroff" "$HELLO"
	qemu_boot no_svm "$ISO" 60 --cpu "EPYC-Rome,-svm,$TCG_LACKS"
	expect_line '^\[ *[0-9.]+\] hv: cannot run guests: this CPU does not support AMD-V \(CPUID 8000_0001h ECX\[2\] SVM is clear\)$'
	expect_no_line '\] vm hello started'
	expect_clean_poweroff
}

test_cpu_without_npt() {
	make_iso no_npt "on_idle=poweroff" "$HELLO"
	qemu_boot no_npt "$ISO" 60 --cpu "EPYC-Rome,+svm,-npt,$TCG_LACKS"
	expect_line 'hv: cannot run guests: this CPU has AMD-V but no nested paging'
	expect_clean_poweroff
}

test_guest_protected_mode_paging() {
	make_iso guest_pm "on_idle=poweroff" "pm_paging vm=pm type=flat mode=protected mem=8M"
	qemu_boot guest_pm "$ISO" 60
	expect_in_order '^pm\| own GDT loaded, segments reloaded$' '^pm\| paging on$' \
		'^pm\| alias reads: hello via virtual 0x40000000$' '\] vm pm stopped: exit code 3$'
	expect_no_line '^pm\| FAIL'
	expect_clean_poweroff
}

test_guest_long_mode_paging_and_hypercalls() {
	make_iso guest_lm "on_idle=poweroff" "lm_paging vm=lm type=flat mode=long mem=8M"
	qemu_boot guest_lm "$ISO" 60
	expect_in_order '^lm\| own page tables loaded$' '^lm\| alias reads: hello via virtual 0x00007f0000000000$' \
		'^lm\| abi 0x00010001$' '^lm\| calling HC_EXIT with code 4$' '\] vm lm stopped: exit code 4$'
	expect_no_line '^lm\| FAIL'
	expect_clean_poweroff
}

test_guest_cpuid_msr_io_view() {
	make_iso guest_probe "on_idle=poweroff" "probe vm=probe type=flat mode=long mem=2M"
	qemu_boot guest_probe "$ISO" 60
	local check
	for check in 'CPUID.1 ECX\[31\] hypervisor bit set' 'CPUID 0x40000000 signature SVMmicroHV' \
		'CPUID 0x80000001 ECX\[2\] SVM clear' 'RDMSR EFER has SVME clear, LME and LMA set' \
		'WRMSR EFER with SVME -> #GP' 'RDMSR 0xC0011FFF -> #GP' 'WRMSR 0xC0011FFF -> #GP' \
		'FS_BASE round-trips' 'IN byte from port 0x1234 = 0xff' 'IN dword from port 0x1234 = 0xffffffff'; do
		expect_line "^probe\| ok $check$"
	done
	expect_line '^probe\| all checks passed$'
	expect_no_line '^probe\| FAIL'
	expect_line '\] vm probe stopped: exit code 0$'
	# the exit counters saw what the probe did (a host interrupt may add
	# an INTR count, depending on timing)
	local kind
	for kind in IOIO MSR CPUID; do
		expect_line "\\] vm probe: [0-9]+ exits: ([A-Z_0-9]+ [0-9]+, )*$kind [0-9]+(, [A-Z_0-9]+ [0-9]+)*\$"
	done
	expect_clean_poweroff
}

test_guest_svm_instructions_raise_ud() {
	make_iso guest_svm_insns "on_idle=poweroff" "svm_insns vm=svmi type=flat mode=long mem=2M"
	qemu_boot guest_svm_insns "$ISO" 60
	local insn
	for insn in VMRUN VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA; do
		expect_line "^svmi\| ok $insn raises #UD$"
	done
	expect_no_line '^svmi\| FAIL'
	expect_line '\] vm svmi stopped: exit code 0$'
	expect_clean_poweroff
}

test_guest_host_msrs_refused() {
	make_iso guest_host_msrs "on_idle=poweroff" "host_msrs vm=msrs type=flat mode=long mem=2M"
	qemu_boot guest_host_msrs "$ISO" 60
	expect_line '^msrs\| ok WRMSR VM_HSAVE_PA -> #GP$'
	expect_line '^msrs\| ok WRMSR VM_CR -> #GP$'
	expect_line '^msrs\| ok WRMSR EFER.SVME -> #GP$'
	expect_line '^msrs\| ok RDMSR VM_HSAVE_PA -> #GP$'
	expect_line '^msrs\| all checks passed$'
	expect_no_line '^msrs\| FAIL'
	expect_line '\] vm msrs stopped: exit code 0$'
	expect_clean_poweroff
}

test_guest_triple_fault() {
	make_iso guest_tf "on_idle=poweroff" "triple_fault vm=tf type=flat mode=real mem=1M" \
		"triple_fault vm=tf2 type=flat mode=real mem=1M on_reset=restart" "$HELLO"
	qemu_boot guest_tf "$ISO" 60
	expect_in_order '^tf\| about to triple fault$' '\] vm tf stopped: triple fault$'
	expect_in_order '^tf2\| about to triple fault$' '\] vm tf2 reset \(triple fault\); restarting$' \
		'^tf2\| booted again after 1 reset, stopping$' '\] vm tf2 stopped: exit code 0$'
	expect_no_line '^tf2?\| FAIL'
	expect_hello_lines hello
	expect_clean_poweroff
}

test_guest_read_outside_ram() {
	make_iso guest_wild "on_idle=poweroff" "wild_read vm=wild type=flat mode=long mem=16M" "$HELLO"
	qemu_boot guest_wild "$ISO" 60
	expect_in_order '^wild\| reading 1 TiB outside my RAM$' \
		'\] vm wild stopped: error: read of guest-physical 0x[0-9a-f]+, outside its RAM \(RIP 0x[0-9a-f]+\)$'
	expect_no_line '^wild\| FAIL'
	expect_hello_lines hello
	expect_clean_poweroff
}

test_guest_reset_stop_and_restart() {
	make_iso guest_reset "on_idle=poweroff" "reset vm=rs type=flat mode=real mem=1M" \
		"reset vm=rr type=flat mode=real mem=1M on_reset=restart"
	qemu_boot guest_reset "$ISO" 60
	expect_in_order '^rs\| first boot, asking for a reset$' '\] vm rs stopped: reset \(keyboard controller\)$'
	expect_in_order '^rr\| first boot, asking for a reset$' '\] vm rr reset \(keyboard controller\); restarting$' \
		'^rr\| booted again after 1 reset$' '\] vm rr stopped: exit code 7$'
	expect_no_line '^r[sr]\| FAIL'
	expect_clean_poweroff
}

test_guest_string_io() {
	make_iso guest_strio "on_idle=poweroff" "strio vm=sio type=flat mode=real mem=1M"
	qemu_boot guest_strio "$ISO" 60
	expect_in_order '^sio\| A$' '^sio\| BCDEFGH$' '^sio\| es override$' '^sio\| a32 ok$' \
		'^sio\| backwards$' '^sio\| ok rep insb read 0xff x4$' '\] vm sio stopped: exit code 0$'
	expect_no_line '^sio\| FAIL'
	expect_clean_poweroff
}

test_no_state_leaks_between_vms() {
	# Debug and SSE registers are not switched by VMRUN: the second VM must
	# not see the marks the first one left.
	make_iso guest_leak "on_idle=poweroff" "leak vm=first type=flat mode=real mem=1M cpu=0" \
		"leak vm=second type=flat mode=real mem=1M cpu=0"
	qemu_boot guest_leak "$ISO" 60
	expect_line '^first\| leak: dr0=00000000 xmm0=00000000$'
	expect_line '^second\| leak: dr0=00000000 xmm0=00000000$'
	expect_line '\] vm second stopped: exit code 0$'
	expect_no_line 'FAIL'
	expect_clean_poweroff
}

test_guest_poweroff() {
	make_iso guest_poweroff "on_idle=poweroff" "poweroff vm=off type=flat mode=real mem=1M" "$HELLO"
	qemu_boot guest_poweroff "$ISO" 60
	expect_in_order '^off\| powering off via ACPI PM1a_CNT$' '\] vm off stopped: poweroff$'
	expect_no_line '^off\| FAIL'
	# only that VM is off: the machine goes on with the next one
	expect_hello_lines hello
	expect_clean_poweroff
}

# The hostile guest and the two good ones after it (test_hostile_guest_contained;
# test_hvboot_hostile boots the same set through hvboot.efi).
HOSTILE_SET=("hostile vm=evil type=flat mode=long mem=4M" "chatty_pm vm=good type=flat mode=protected mem=8M" "$HELLO")

expect_hostile_lines() {
	local what i
	for what in VMRUN VMSAVE CLGI 'WRMSR VM_HSAVE_PA' 'WRMSR VM_CR' 'WRMSR SYSCFG' 'unknown hypercall' \
		'PCI config ports 0xCF8/0xCFC' 'PIC ports 0x20/0x21' 'CMOS ports 0x70/0x71' 'UART garbage on 0x3F8'; do
		expect_line "^evil\| tried $what$"
	done
	expect_line '\] vm evil stopped: reset \(keyboard controller\)$'
	# no escape sequence from the guest reaches the console raw (the
	# firmware's own, before the hypervisor's banner, are not the guest's)
	if sed -n "/$BANNER_RE/,\$p" "$LOG" | grep -q $'\e\\[2J'; then
		fail "a guest's escape sequence reached the console raw: $(grep -m1 -n $'\e\\[2J' "$LOG")"
	fi
	for i in $(seq 1 20); do
		expect_line "^good\| line $i$"
	done
	expect_line '\] vm good stopped: exit code 0$'
	expect_hello_lines hello
	expect_clean_poweroff
}

test_hostile_guest_contained() {
	# The acceptance case: a guest that tries everything, then well-behaved
	# guests in the same boot, which must print every line and exit normally.
	make_iso hostile "on_idle=poweroff" "${HOSTILE_SET[@]}"
	qemu_boot hostile "$ISO" 60
	expect_hostile_lines
}

test_smp_bring_up_4_cpus() {
	qemu_boot smp4 build/hv-run.iso 90 --smp 4 --until '\] vm probe stopped: '
	expect_end until
	expect_line 'hv: MADT: 4 CPUs \(0 disabled\), 1 I/O APICs, local APIC at 0xfee00000$'
	local i
	for i in 1 2 3; do
		expect_line "smp: cpu$i \\(APIC ID $i\\) online, SVM enabled$"
	done
	expect_line 'smp: 4 CPUs online, SVM enabled on 4; local APICs in xAPIC mode$'
	# the default guests run, placed over the four CPUs
	expect_hello_lines hello
	expect_line '\] vm probe stopped: exit code 0$'
	expect_line 'guest: vm probe: .*, cpu3$'
	expect_no_line 'PANIC|nested trap'
}

# Four guests pinned to cpu=0..3 and one pinned to a CPU that is not there
# (test_smp_pinned_guests_run_at_once; test_hvboot_smp through hvboot.efi).
SMP_PINNED_SET=("whereami vm=w0 type=flat mode=real mem=1M cpu=0" "whereami vm=w1 type=flat mode=real mem=1M cpu=1"
	"whereami vm=w2 type=flat mode=real mem=1M cpu=2" "whereami vm=w3 type=flat mode=real mem=1M cpu=3"
	"whereami vm=bad type=flat mode=real mem=1M cpu=7")

expect_smp_pinned_lines() {
	expect_line 'smp: 4 CPUs online, SVM enabled on 4; '
	expect_line 'guest: module 4 "vm=bad type=flat mode=real mem=1M cpu=7": cpu=7 is not an online CPU with SVM \(4 online\); VM not started'
	local c
	for c in 0 1 2 3; do
		expect_line "guest: vm w$c: .*, cpu$c \\(pinned\\)$"
		expect_line "^w$c\\| on cpu $c, line 8 of 8$"
		expect_line "\\] vm w$c stopped: exit code $c$"
	done
	# interleaving: some line of another VM falls between w0's first and last
	local first last
	first=$(grep -n '^w0| on cpu 0, line 1 of 8$' "$LOG" | cut -d: -f1)
	last=$(grep -n '^w0| on cpu 0, line 8 of 8$' "$LOG" | cut -d: -f1)
	if [[ -z $first || -z $last ]] || ! sed -n "${first},${last}p" "$LOG" | grep -qE '^w[123]\| '; then
		fail "no other VM's line between w0's first and last: they did not run at the same time"
	fi
	expect_no_line 'PANIC'
	expect_clean_poweroff
}

test_smp_pinned_guests_run_at_once() {
	# Issue 4's first acceptance point: four guests pinned to cpu=0..3 run at
	# the same time, each reports the CPU it ran on, and their output interleaves.
	make_iso smp_pinned "on_idle=poweroff" "${SMP_PINNED_SET[@]}"
	qemu_boot smp_pinned "$ISO" 120 --smp 4
	expect_smp_pinned_lines
}

test_scheduler_fair_on_one_core() {
	# Three compute-bound guests pinned to one core: round robin with a 10 ms
	# quantum. Whenever one reaches checkpoint k (k >= 8), the slowest must
	# be at 0.75 k or more (the issue's 25% bound). Under -icount the LAPIC
	# timer counts in instructions, so every quantum is the same amount of
	# guest work and the result does not depend on how busy the host is.
	make_iso sched_fair "on_idle=poweroff" "compute vm=c1 type=flat mem=1M cpu=1" \
		"compute vm=c2 type=flat mem=1M cpu=1" "compute vm=c3 type=flat mem=1M cpu=1"
	qemu_boot sched_fair "$ISO" 300 --smp 2 --icount
	local c
	for c in 1 2 3; do
		expect_line "^c$c\\| cp 40$"
		expect_line "\\] vm c$c stopped: exit code 0$"
	done
	local verdict
	verdict=$(awk -F'[| ]+' '/^c[123]\| cp [0-9]+$/ {
			p[$1] = $3; lead = 0; slow = 1e9; n = 0
			for (g in p) { n++; if (p[g] > lead) lead = p[g]; if (p[g] < slow) slow = p[g] }
			if (n < 3) slow = 0
			if (lead >= 8 && lead < 40 && slow < 0.75 * lead) { print "unfair at " $0 ": leader " lead ", slowest " slow; exit }
			if (lead >= 8 && lead < 40) { r = (lead - slow) / lead; if (r > worst) worst = r }
		} END { if (!NR) print "no checkpoints"; else printf "worst spread %.0f%%\n", worst * 100 }' "$LOG")
	[[ $verdict == worst* ]] || fail "$verdict"
	INFO="3 guests on one core, $verdict"
	expect_clean_poweroff
}

test_spinning_and_faulting_guests_contained() {
	# A guest that spins with interrupts off shares a core with a well-behaved
	# one; a triple-faulting guest runs on another core. The well-behaved
	# guests still finish. (The spinner never stops, so QEMU is stopped
	# once the good guests are done.)
	make_iso contain_smp "on_idle=poweroff" "spin vm=spin type=flat mem=1M cpu=1" \
		"chatty_pm vm=good type=flat mode=protected mem=8M cpu=1" \
		"triple_fault vm=tf type=flat mem=1M cpu=0" "hello_real vm=hello type=flat mem=1M cpu=0"
	qemu_boot contain_smp "$ISO" 120 --smp 2 --until '\] vm good stopped: '
	expect_line '^spin\| spinning with interrupts off$'
	expect_line '\] vm tf stopped: triple fault$'
	expect_hello_lines hello
	local i
	for i in $(seq 1 20); do expect_line "^good\\| line $i$"; done
	expect_line '\] vm good stopped: exit code 0$'
	expect_no_line 'PANIC'
	expect_end until
}

test_unpinned_guests_spread_over_cpus() {
	make_iso spread "on_idle=poweroff" "$HELLO" "hello_real vm=h1 type=flat mem=1M" \
		"hello_real vm=h2 type=flat mem=1M cpu=1" "hello_real vm=h3 type=flat mem=1M"
	qemu_boot spread "$ISO" 90 --smp 2
	expect_line 'guest: vm hello: .*, cpu0$'
	expect_line 'guest: vm h1: .*, cpu1$'
	expect_line 'guest: vm h2: .*, cpu1 \(pinned\)$'
	expect_line 'guest: vm h3: .*, cpu0$'
	local v
	for v in hello h1 h2 h3; do expect_hello_lines "$v"; done
	expect_clean_poweroff
}

test_smp_under_uefi() {
	qemu_boot smp_uefi build/hv-run.iso 120 --uefi --smp 2 --until '\] vm probe stopped: '
	expect_end until
	expect_line 'smp: cpu1 \(APIC ID 1\) online, SVM enabled$'
	expect_line 'smp: 2 CPUs online, SVM enabled on 2; '
	expect_line '\] vm probe stopped: exit code 0$'
	expect_no_line 'PANIC|nested trap'
}

test_x2apic_request_without_x2apic() {
	# QEMU 7.2's TCG has no x2APIC (CPUID 1 ECX[21] stays clear), so
	# x2apic=on must say so and everything must keep working in xAPIC mode.
	# (The x2APIC register path itself needs a CPU that has one.)
	make_iso smp_x2apic "on_idle=poweroff x2apic=on" \
		"whereami vm=w1 type=flat mem=1M cpu=1" "compute vm=c1 type=flat mem=1M cpu=2" \
		"compute vm=c2 type=flat mem=1M cpu=2"
	qemu_boot smp_x2apic "$ISO" 180 --smp 4
	expect_line 'hv: x2apic=on: this CPU has no x2APIC \(CPUID 1 ECX\[21\]\); the local APICs stay in xAPIC mode$'
	expect_line 'smp: 4 CPUs online, SVM enabled on 4; local APICs in xAPIC mode$'
	expect_line '^w1\| on cpu 1, line 8 of 8$'
	expect_line '\] vm c1 stopped: exit code 0$'
	expect_line '\] vm c2: [0-9]+ exits: .*INTR [0-9]+'
	expect_clean_poweroff
}

test_bench_smoke() {
	# One icount run of make bench's guest, under the hypervisor and bare:
	# the harness works and the exit paths stay within the issue's targets.
	LOG=$OUT/bench_smoke.log
	scripts/bench.sh --quick >"$LOG" 2>&1 || fail "scripts/bench.sh --quick failed"
	local json=build/bench.json op n
	for op in cpuid out_absorbed in_uart_lsr vmmcall; do
		n=$(grep -oE "\"$op\": \\{\"icount\": [0-9.]+" "$json" | grep -oE '[0-9.]+$')
		if [[ -z $n ]]; then
			fail "no icount figure for $op in $json"
		elif ! awk -v n="$n" 'BEGIN { exit !(n > 0 && n <= 300) }'; then
			fail "$op costs $n instructions per round trip (target <= 300)"
		fi
	done
	grep -qE '"compute_loop": \{"icount": [0-9.]+, "bare_icount": [0-9.]+, "ratio_to_bare": 1\.0' "$json" ||
		fail "compute loop is not at 1.0x bare"
	# The virtual PC's figures: every one measured, the xAPIC EOI (with
	# paging off and on) within twice the CPUID round trip.
	local cpuid eoi
	cpuid=$(grep -oE '"cpuid": \{"icount": [0-9.]+' "$json" | grep -oE '[0-9.]+$')
	for op in pm_timer_read lapic_eoi_x2apic lapic_timer_oneshot lapic_eoi_xapic lapic_eoi_xapic_paged; do
		eoi=$(grep -oE "\"$op\": \\{\"icount\": [0-9.]+" "$json" | grep -oE '[0-9.]+$')
		[[ -n $eoi ]] || fail "no icount figure for $op in $json"
	done
	for op in lapic_eoi_xapic lapic_eoi_xapic_paged; do
		eoi=$(grep -oE "\"$op\": \\{\"icount\": [0-9.]+" "$json" | grep -oE '[0-9.]+$')
		awk -v e="$eoi" -v c="$cpuid" 'BEGIN { exit !(e <= 2 * c) }' ||
			fail "$op costs $eoi instructions, more than 2x the CPUID round trip ($cpuid)"
	done
	grep -qE '^check: lapic_eoi_xapic [0-9]+ <= 2 x cpuid [0-9]+: ok$' "$LOG" || fail "bench.sh printed no EOI check line"
	INFO="cpuid round trip $cpuid instructions, xAPIC EOI $(grep -oE '"lapic_eoi_xapic": \{"icount": [0-9.]+' "$json" | grep -oE '[0-9.]+$')"
}

# The shell: tests/integration/shell_tests.py types at the console (a QEMU
# socket chardev) and checks the answers; it prints why it failed.
shell_scenario() {   # SCENARIO ISO [--uefi]
	local out
	LOG=$OUT/shell_$1.log   # what the runner shows when the test fails
	out=$(python3 tests/integration/shell_tests.py "$1" "$2" "$LOG" "${@:3}" 2>&1) ||
		fail "$(tail -c 3000 <<<"$out")"
}

test_shell_commands() {
	make_iso shell_commands "on_idle=halt" \
		"ticker vm=chatty type=flat mode=protected mem=2M cpu=0" \
		"listener vm=quiet type=flat mode=long mem=2M cpu=1" \
		"wild_read vm=wild type=flat mode=long mem=16M cpu=1" \
		"busy vm=busy type=flat mode=protected mem=2M cpu=1"
	shell_scenario commands "$ISO"
}

# The shell's powerbtn reaches a guest waiting for it in ACPI mode.
test_shell_power_button() {
	make_iso shell_powerbtn "on_idle=halt" "build/testkernels/acpi.elf vm=acpi type=multiboot mem=16M -- button"
	shell_scenario powerbtn "$ISO"
}

test_shell_focus_at_boot() {
	make_iso shell_focus "on_idle=halt focus=quiet" \
		"listener vm=quiet type=flat mode=long mem=2M cpu=0"
	shell_scenario focus "$ISO"
}

test_shell_without_svm() {
	make_iso shell_nosvm "on_idle=halt" "listener vm=quiet type=flat mode=long mem=2M"
	shell_scenario nosvm "$ISO"
}

test_shell_polling_for_input() {
	make_iso shell_polling "console=0x2e0 on_idle=halt" "listener vm=quiet type=flat mode=long mem=2M"
	shell_scenario polling "$ISO"
}

test_shell_survives_garbage() {
	make_iso shell_garbage "on_idle=halt" "listener vm=quiet type=flat mode=long mem=2M cpu=1"
	shell_scenario garbage "$ISO"
}

test_shell_under_uefi() {
	make_iso shell_uefi "on_idle=halt" "listener vm=quiet type=flat mode=long mem=2M"
	shell_scenario uefi "$ISO" --uefi
}

INTEGRATION_TESTS=(
	test_bios_boot test_uefi_boot test_own_guest_image test_menu_on_serial test_ram_above_4g test_uefi_ram_above_4g
	test_selftest_pagefault test_selftest_stackoverflow test_selftest_ud test_selftest_panic
	test_selftest_writetext test_selftest_writetextdirect test_selftest_execdata
	test_bad_cmdline_reported test_on_idle_reset test_on_panic_halt test_no_long_mode
	test_guest_real_mode_hello test_guests_share_the_boot_cpu test_bad_module_lines_reported
	test_cpu_without_svm test_cpu_without_npt test_guest_protected_mode_paging
	test_guest_long_mode_paging_and_hypercalls test_guest_cpuid_msr_io_view
	test_guest_svm_instructions_raise_ud test_guest_host_msrs_refused test_guest_triple_fault
	test_guest_read_outside_ram test_guest_reset_stop_and_restart test_guest_poweroff test_guest_string_io
	test_no_state_leaks_between_vms test_smp_bring_up_4_cpus test_smp_pinned_guests_run_at_once
	test_scheduler_fair_on_one_core test_spinning_and_faulting_guests_contained
	test_unpinned_guests_spread_over_cpus test_smp_under_uefi test_x2apic_request_without_x2apic test_bench_smoke
	test_shell_commands test_shell_power_button test_shell_focus_at_boot test_shell_under_uefi test_shell_without_svm
	test_shell_polling_for_input test_shell_survives_garbage
	test_hostile_guest_contained
)

source tests/integration/vmcore_tests.sh
source tests/integration/timer_tests.sh
source tests/integration/console_tests.sh
source tests/integration/xsave_tests.sh
source tests/integration/difftest.sh
source tests/integration/usb_tests.sh
source tests/integration/hvboot_tests.sh

# tests/integration/vmcore_tests.sh - Integration tests of the VM core:
# vCPUs, ASID generations, memory slots, memory exhaustion. Sourced by
# tests.sh (same helpers: make_iso, qemu_boot, expect_*).

SMP_COUNTER="smp_counter vm=smp type=flat mode=protected load=0x100000 mem=4M"

test_vcpus_2_share_a_counter() {
	make_iso vcpus2 "on_idle=poweroff" "$SMP_COUNTER cpus=2"
	qemu_boot vcpus2 "$ISO" 120 --smp 2
	expect_line 'guest: vm smp: protected mode, 4 MiB RAM, .*, 2 vCPUs, cpu0,1$'
	expect_line '^smp\| vcpu 0: apic 0 x2apic 0 logical 2 host cpu 0$'
	expect_line '^smp\| vcpu 1: apic 1 x2apic 1 logical 2 host cpu 1$'
	expect_line '^smp\| counter 40000 expected 40000$'
	expect_line '^smp\| ok distinct APIC IDs$'
	expect_line '\] vm smp stopped: exit code 0$'
	expect_clean_poweroff
}

test_vcpus_4_in_parallel_on_4_cpus() {
	make_iso vcpus4 "on_idle=poweroff" "$SMP_COUNTER cpus=4"
	qemu_boot vcpus4 "$ISO" 180 --smp 4
	expect_line 'guest: vm smp: .*, 4 vCPUs, cpu0,1,2,3$'
	local k
	for k in 0 1 2 3; do
		expect_line "^smp\\| vcpu $k: apic $k x2apic $k logical 4 host cpu $k\$"
	done
	expect_line '^smp\| counter 80000 expected 80000$'
	expect_line '^smp\| all checks passed$'
	expect_line '\] vm smp stopped: exit code 0$'
	expect_clean_poweroff
}

test_vcpus_4_listed_by_the_shell() {
	make_iso vcpus4shell "on_idle=halt" "spin_smp vm=spin type=flat mode=protected mem=4M cpus=4"
	local out
	out=$(python3 tests/integration/shell_tests.py vcpus4 "$ISO" "$OUT/vcpus4shell.log" 2>&1) || fail "$(tail -c 3000 <<<"$out")"
	LOG=$OUT/vcpus4shell.log
	INFO=$(tail -1 <<<"$out")
}

test_vcpus_4_on_1_cpu() {
	make_iso vcpus4on1 "on_idle=poweroff" "$SMP_COUNTER cpus=4 cpu=1"
	qemu_boot vcpus4on1 "$ISO" 240 --smp 4
	expect_line 'guest: vm smp: .*, 4 vCPUs, cpu1,1,1,1 \(pinned\)$'
	local k
	for k in 0 1 2 3; do
		expect_line "^smp\\| vcpu $k: apic $k x2apic $k logical 4 host cpu 1\$"
	done
	expect_line '^smp\| counter 80000 expected 80000$'
	expect_line '\] vm smp stopped: exit code 0$'
	expect_clean_poweroff
}

test_vcpus_more_than_cpus_refused() {
	make_iso vcpus_many "on_idle=poweroff" "$SMP_COUNTER cpus=3" "$HELLO" \
		"smp_counter vm=bad2 type=flat mode=protected load=0x100000 mem=4M cpus=2 cpu=0,5"
	qemu_boot vcpus_many "$ISO" 90 --smp 2
	expect_line 'guest: module 0 ".*cpus=3": cpus=3 is more than the 2 CPUs with SVM; VM not started$'
	expect_line 'guest: module 2 ".*cpu=0,5": cpu=5 is not an online CPU with SVM \(2 online\); VM not started$'
	expect_hello_lines hello
	expect_clean_poweroff
}

test_24_vms_on_one_cpu_roll_asids_over() {
	# 24 VMs pinned to cpu0 with 16 ASIDs (QEMU TCG: 15 for guests): the
	# per-CPU ASID generations must roll over, and every VM finishes.
	local mods=() i
	for i in $(seq 1 24); do mods+=("hello_real vm=v$i type=flat mode=real mem=2M cpu=0"); done
	make_iso vms24 "on_idle=halt" "${mods[@]}"
	local out
	out=$(python3 tests/integration/shell_tests.py asid24 "$ISO" "$OUT/vms24.log" 2>&1) || fail "$(tail -c 3000 <<<"$out")"
	LOG=$OUT/vms24.log
	plain_log <"$LOG" >"$LOG.plain" && mv "$LOG.plain" "$LOG"
	for i in $(seq 1 24); do
		expect_line "\\] vm v$i stopped: exit code 42\$"
	done
	expect_line 'hv: every VM has stopped: ([0-9]+) free page frames \(\1 before the first VM was built\)$'
	INFO=$(tail -1 <<<"$out")
}

test_vm_out_of_memory_fails_alone() {
	# 512 MiB of QEMU RAM: the middle VM asks for more than is free.
	make_iso oom "on_idle=poweroff" "$HELLO" "hello_real vm=huge type=flat mode=real mem=2G" \
		"hello_real vm=after type=flat mode=real mem=1M"
	qemu_boot oom "$ISO" 90 --mem 512M
	expect_line 'guest: module 1 ".*mem=2G": vm huge: out of memory for 2048 MiB of guest RAM \([0-9]+ MiB free\); VM not started$'
	expect_hello_lines hello
	expect_hello_lines after
	expect_line 'hv: every VM has stopped: ([0-9]+) free page frames \(\1 before the first VM was built\)$'
	expect_no_line 'PANIC'
	expect_clean_poweroff
}

test_events_and_single_step() {
	make_iso events "on_idle=poweroff" "events vm=ev type=flat mode=long mem=4M cpus=2"
	qemu_boot events "$ISO" 120 --smp 2
	expect_line '^ev\| ok IF=1: the interrupt comes right after the hypercall$'
	expect_line '^ev\| ok IF=0: the interrupt waits$'
	expect_line '^ev\| ok STI: the interrupt comes after the instruction in its shadow$'
	expect_line '^ev\| ok two waiting interrupts: the higher vector first$'
	expect_line '^ev\| ok HC_RAISE_IRQ refuses vector 31 and vCPU 9 \(HC_EINVAL\)$'
	expect_line '^ev\| ok an interrupt raised by vCPU 1 wakes vCPU 0 from HLT$'
	local insn
	for insn in cpuid rdmsr wrmsr vmmcall in out hlt; do
		expect_line "^ev\\| ok single-step over $insn: one #DB after it, DR6.BS\$"
	done
	expect_line '^ev\| rep movsb: [1-9][0-9]* traps; rep outsb: [1-9][0-9]* traps$'
	expect_line '^ev\| ok single-step REP OUTSB traps like REP MOVSB$'
	expect_line '^ev\| ok single-step after MOV SS: one #DB, after the emulated CPUID$'
	expect_line '^ev\| ok MOV CR8: the xAPIC page TPR and PPR read it at once$'
	expect_line '^ev\| all checks passed$'
	expect_line '\] vm ev stopped: exit code 0$'
	expect_clean_poweroff
}

test_vm_ram_above_3g() {
	# 3136M: 3G below the hole, 64M from 4G (hv/vm.h); QEMU gets 5G.
	make_iso himem "on_idle=poweroff" "himem vm=big type=flat mode=long mem=3136M"
	qemu_boot himem "$ISO" 180 --mem 5G
	expect_line 'guest: vm big: long mode, 3136 MiB RAM, '
	expect_line '^big\| ok RAM below 3 GiB$'
	expect_line '^big\| ok RAM above 4 GiB$'
	expect_line '^big\| ok top of RAM above 4 GiB$'
	expect_line '^big\| reading the hole at 0xe0000000$'
	expect_line '\] vm big stopped: error: read of guest-physical 0xe0000000, outside its RAM \(RIP 0x[0-9a-f]+\)$'
	expect_line 'hv: every VM has stopped: ([0-9]+) free page frames \(\1 before the first VM was built\)$'
	expect_clean_poweroff
}

test_vcpus_reset_then_stop() {
	# Both vCPUs on one host CPU (the spinning sibling must not starve
	# vCPU 0 after the restart), and spread over two; then the events
	# guest with both vCPUs on one CPU (a raise on a sibling there).
	make_iso reset_smp "on_idle=poweroff" \
		"reset_smp vm=one type=flat mode=protected mem=4M cpus=2 cpu=1 on_reset=restart" \
		"reset_smp vm=two type=flat mode=protected mem=4M cpus=2 on_reset=restart" \
		"events vm=ev1 type=flat mode=long mem=4M cpus=2 cpu=0"
	qemu_boot reset_smp "$ISO" 120 --smp 2
	local v
	for v in one two; do
		expect_line "^$v\\| vcpu 1 resets the VM\$"
		expect_line "\\] vm $v reset \\(keyboard controller\\); restarting\$"
		expect_line "^$v\\| vcpu 0 after 1 reset\$"
		expect_line "\\] vm $v stopped: exit code 5\$"
	done
	expect_line '^ev1\| ok an interrupt raised by vCPU 1 wakes vCPU 0 from HLT$'
	expect_line '\] vm ev1 stopped: exit code 0$'
	expect_line 'hv: every VM has stopped: ([0-9]+) free page frames \(\1 before the first VM was built\)$'
	expect_clean_poweroff
}

test_string_io_at_page_and_ram_edges() {
	make_iso strio_edges "on_idle=poweroff" "strio_edges vm=edge type=flat mode=long mem=4M"
	qemu_boot strio_edges "$ISO" 60
	expect_line '^edge\| ok REP OUTSB into a missing page: #PF at its first byte, error 0, 8 left$'
	expect_line '^edge\| ok REP INSB to a read-only page \(CR0.WP\): #PF error 3, nothing done$'
	expect_line '^edge\| reading a buffer outside RAM$'
	expect_line '\] vm edge stopped: error: string I/O at RIP 0x[0-9a-f]+: its buffer at 0x203000 \(guest-physical 0x7fff0000\) is outside its RAM$'
	expect_no_line '^edge\| FAIL'
	expect_clean_poweroff
}

INTEGRATION_TESTS+=(
	test_string_io_at_page_and_ram_edges
	test_vcpus_reset_then_stop
	test_vm_ram_above_3g
	test_events_and_single_step
	test_vcpus_2_share_a_counter test_vcpus_4_in_parallel_on_4_cpus test_vcpus_4_listed_by_the_shell
	test_vcpus_4_on_1_cpu
	test_vcpus_more_than_cpus_refused test_24_vms_on_one_cpu_roll_asids_over test_vm_out_of_memory_fails_alone
)

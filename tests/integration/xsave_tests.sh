# tests/integration/xsave_tests.sh - XCR0 and the XSAVE-managed registers
# (x87, SSE, AVX) belong to the vCPU: reset values for a new one, nothing of
# one VM visible to the next on the same host CPU, and a guest's own state
# kept while other VMs share its core. Sourced by tests.sh (same helpers:
# make_iso, qemu_boot, expect_*). Guests: tests/guests/xstate.asm and
# xstate_dirty.asm, pinned to cpu 1 so they share one core.

XSTATE_MOD="type=flat mode=long mem=2M cpu=1"

# The lines xstate.asm prints when it found reset values (with XSAVE).
expect_xstate_started_clean() {   # VM
	expect_line "^$1\\| xstate: start xcr0=00000001 fcw=0000037f fsw=00000000 ftw=00000000 mxcsr=00001f80\$"
	expect_line "^$1\\| xstate: start nonzero: st/xmm bytes 0, ymm upper bytes 0\$"
	local what
	for what in 'XCR0 starts at its reset value 1' 'x87 and MXCSR start at reset values' \
		'ST0-7 and XMM0-15 start zero' 'YMM0-15 upper halves start zero'; do
		expect_line "^$1\\| ok $what\$"
	done
}

test_xstate_reset_for_the_next_vm() {
	# dirty raises XCR0 to x87|SSE|AVX, fills YMM0-15 (upper halves too),
	# MXCSR, FCW and the x87 stack, and exits; clean, next on the same CPU,
	# must see XCR0 = 1 and init state. dirty's first slice comes first (the
	# run queue keeps module order) and sets its marks before any exit.
	make_iso xstate_next "on_idle=poweroff" "xstate_dirty vm=dirty $XSTATE_MOD" "xstate vm=clean $XSTATE_MOD"
	qemu_boot xstate_next "$ISO" 120 --smp 2
	expect_in_order '\] vm dirty started$' '\] vm clean started$'
	expect_line '^dirty\| dirty: left xcr0=00000007 mxcsr=0000ff80 fcw=0000027f, YMM0-15 and ST0-7 full$'
	expect_xstate_started_clean clean
	local what
	for what in 'CPUID.1: XSAVE and AVX offered, OSXSAVE clear with CR4.OSXSAVE clear' \
		'CPUID.1: OSXSAVE set with CR4.OSXSAVE set' 'CPUID.7: AVX2 offered' 'CPUID.7: AVX-512 hidden' \
		'CPUID.0Dh.0: XCR0 mask 7, 832 bytes at XCR0=7' 'CPUID.0Dh.1: XSAVEOPT, XSAVEC, XSAVES hidden' \
		'CPUID.0Dh.2: YMM state 256 bytes at 576' 'XSETBV 0 \(x87 clear\) -> #GP' \
		'XSETBV 5 \(YMM without SSE\) -> #GP' 'XSETBV 0xe7 \(AVX-512, not offered\) -> #GP' \
		'XSETBV ECX=1 -> #GP' 'XSETBV with CR4.OSXSAVE clear -> #UD' 'XGETBV with CR4.OSXSAVE clear -> #UD' \
		'own state intact after the checks'; do
		expect_line "^clean\\| ok $what\$"
	done
	expect_line '^clean\| xstate: CPUID.0Dh.0 eax=00000007 ebx=00000340 ecx=00000340 edx=00000000$'
	expect_line '^clean\| all checks passed$'
	expect_line '\] vm dirty stopped: exit code 0$'
	expect_line '\] vm clean stopped: exit code 0$'
	expect_no_line 'FAIL'
	expect_clean_poweroff
}

test_xstate_kept_across_time_slices() {
	# Two copies time-sliced on one core (10 ms quantum): the second starts
	# while the first's AVX state is live (so it is saved, and the second
	# starts clean), and each checks its own state every time it was off the
	# CPU, for 230 ms or more (many slices of the other).
	make_iso xstate_slices "on_idle=poweroff" "xstate vm=x1 $XSTATE_MOD" "xstate vm=x2 $XSTATE_MOD"
	qemu_boot xstate_slices "$ISO" 120 --smp 2
	expect_in_order '\] vm x1 started$' '\] vm x2 started$'
	local vm
	for vm in x1 x2; do
		expect_xstate_started_clean $vm
		expect_line "^$vm\\| xstate: own state intact after ([5-9]|[1-9][0-9]+) times off the CPU\$"
		expect_line "^$vm\\| all checks passed\$"
		expect_line "\\] vm $vm stopped: exit code 0\$"
	done
	expect_no_line 'FAIL'
	expect_clean_poweroff
}

test_xstate_cpu_without_xsave() {
	# No XSAVE: the FXSAVE path switches x87/SSE, and CPUID shows no XSAVE,
	# OSXSAVE, AVX or leaf 0Dh.
	make_iso xstate_noxsave "on_idle=poweroff" "xstate vm=x1 $XSTATE_MOD" "xstate vm=x2 $XSTATE_MOD"
	qemu_boot xstate_noxsave "$ISO" 120 --smp 2 --cpu "$QEMU_CPU,-xsave"
	local vm what
	for vm in x1 x2; do
		expect_line "^$vm\\| xstate: no XSAVE in CPUID: checking the FXSAVE state only\$"
		expect_line "^$vm\\| xstate: start fcw=0000037f fsw=00000000 ftw=00000000 mxcsr=00001f80\$"
		for what in 'x87 and MXCSR start at reset values' 'ST0-7 and XMM0-15 start zero' \
			'CPUID.1: no OSXSAVE, no AVX without XSAVE' 'CPUID.0Dh: all zero without XSAVE'; do
			expect_line "^$vm\\| ok $what\$"
		done
		expect_line "^$vm\\| xstate: own state intact after ([5-9]|[1-9][0-9]+) times off the CPU\$"
		expect_line "\\] vm $vm stopped: exit code 0\$"
	done
	expect_no_line 'FAIL'
	expect_clean_poweroff
}

INTEGRATION_TESTS+=(
	test_xstate_reset_for_the_next_vm test_xstate_kept_across_time_slices test_xstate_cpu_without_xsave
)

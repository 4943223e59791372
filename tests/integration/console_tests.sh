# tests/integration/console_tests.sh - Integration tests of the console's
# output path: guest output goes through each VM's UART transmit ring to
# the console owner, never waits on the real UART in an exit, and with
# nobody typing the serial stream holds whole lines only (docs/console.md).
# Sourced by tests.sh (same helpers: make_iso, shell_scenario, fail).
# Both read the raw bytes of a QEMU socket chardev (shell_tests.py): the
# flood test reads it slowly, as a file chardev never backs up.

test_console_unattended_log_is_clean() {
	# make run's ISO with nobody typing: every line from the hypervisor's
	# first on is "[ SSSSS.uuuuuu] ..." or "NAME| ...", ends in CRLF, no
	# escape sequence, no prompt; the prompt comes with the first key.
	local out
	LOG=$OUT/console_unattended.log
	out=$(python3 tests/integration/shell_tests.py unattended build/hv-run.iso "$LOG" 2>&1) ||
		fail "$(tail -c 3000 <<<"$out")"
	INFO=$(tail -1 <<<"$out")
}

test_console_flood_slows_no_other_vm() {
	# flood on cpu1 writes as fast as its UART takes it; trickle (cpu2) and
	# chatty (cpu0) print a fixed number of lines and exit; the console is
	# read at 3000 bytes/s.
	make_iso console_flood "on_idle=poweroff" \
		"flood vm=flood type=flat mode=protected mem=2M cpu=1" \
		"trickle vm=trickle type=flat mode=real mem=1M cpu=2" \
		"chatty_pm vm=chatty type=flat mode=protected mem=2M cpu=0"
	local out
	LOG=$OUT/console_flood.log
	out=$(python3 tests/integration/shell_tests.py flood "$ISO" "$LOG" 2>&1) ||
		fail "$(tail -c 3000 <<<"$out")"
	INFO=$(tail -1 <<<"$out")
}

INTEGRATION_TESTS+=(test_console_unattended_log_is_clean test_console_flood_slows_no_other_vm)

# tests/integration/lib.sh - Booting the hypervisor in QEMU for a test and
# reading what it printed. Sourced by tests/integration/tests.sh.
#
# qemu_boot NAME IMAGE TIMEOUT [--uefi] [--mem SIZE] [--cpu MODEL] [--until REGEX]
#           [--until-count N] [--hold SECONDS] [--reboot] [--smp N] [--icount]
#   Boots IMAGE (an ISO as a CD; a .img file as a raw IDE hard disk whose
#   writes go to a temporary overlay, snapshot=on, so the file never changes:
#   QEMU refuses a read-only IDE disk) with the serial console in $OUT/NAME.log. Returns when QEMU ends
#   by itself, when N lines (default 1) match REGEX (QEMU is then stopped), or
#   at TIMEOUT seconds. With --hold, QEMU must still be running SECONDS after
#   the match (for "halts and stays halted"). QEMU runs with -no-reboot (a
#   reset ends it) unless --reboot is given. Sets:
#     QEMU_END      poweroff | exited (a reset, with -no-reboot) | until | timeout
#     QEMU_SECONDS  wall time until then
#     LOG           path of the serial log
#   The time to the first line matching $BANNER_RE is kept in BANNER_SECONDS
#   (empty if it never appeared).

BANNER_RE='hv: svm-hv .* starting'
source scripts/qemu-cpu.sh

# Power-off detection reads QEMU's qemu_system_shutdown_request trace event;
# a QEMU built without the "log" trace backend cannot tell, so say so once.
if ! qemu-system-x86_64 -trace help 2>/dev/null | grep -qx qemu_system_shutdown_request; then
	echo "tests: this QEMU has no qemu_system_shutdown_request trace event; power-off tests cannot pass" >&2
fi
: "${OUT:=build/tests}"

now_ms() { date +%s%3N; }

# The serial log as a terminal shows it: CRLF line ends (and GRUB's stray
# CRs) become plain lines, and the shell's prompt, which is erased ("\r ESC
# [K") before each line another part prints and then drawn again, is gone
# from the lines it was erased from.
plain_log() { sed -e 's/^.*\r\x1b\[K//' -e 's/\r//g'; }

qemu_boot() {
	local name=$1 iso=$2 limit=$3
	shift 3
	local firmware=() mem=1G cpu=$QEMU_CPU until="" until_count=1 hold=0 reboot=(-no-reboot) smp=2 icount=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		--uefi) firmware=(-bios /usr/share/OVMF/OVMF_CODE.fd); shift ;;
		--mem) mem=$2; shift 2 ;;
		--cpu) cpu=$2; shift 2 ;;
		--until) until=$2; shift 2 ;;
		--until-count) until_count=$2; shift 2 ;;
		--hold) hold=$2; shift 2 ;;
		--smp) smp=$2; shift 2 ;;
		--icount) icount=(-icount shift=0); shift ;;
		--reboot) reboot=(); shift ;;
		*) echo "qemu_boot: unknown option $1" >&2; return 2 ;;
		esac
	done
	local medium=(-cdrom "$iso")
	[[ $iso == *.img ]] && medium=(-drive "file=$iso,format=raw,if=ide,media=disk,snapshot=on")
	LOG=$OUT/$name.log
	local trace=$OUT/$name.trace
	rm -f "$LOG" "$trace"
	: >"$LOG"
	# The shutdown-request trace tells a power-off (guest-shutdown) from any
	# other way QEMU can end (a reset under -no-reboot, a crash).
	qemu-system-x86_64 -accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" -M pc \
		-display none -nic none "${reboot[@]}" -monitor none -serial "file:$LOG" \
		"${firmware[@]}" "${icount[@]}" "${medium[@]}" \
		-trace qemu_system_shutdown_request -D "$trace" \
		</dev/null >"$OUT/$name.qemu.out" 2>&1 &
	local pid=$! start end
	start=$(now_ms)
	BANNER_SECONDS=""
	QEMU_END=timeout
	while :; do
		end=$(now_ms)
		if [[ -z $BANNER_SECONDS ]] && grep -qE "$BANNER_RE" "$LOG" 2>/dev/null; then
			BANNER_SECONDS=$(awk -v ms=$((end - start)) 'BEGIN { printf "%.1f", ms / 1000 }')
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			QEMU_END=exited
			break
		fi
		if [[ -n $until ]] && (($(plain_log <"$LOG" | grep -cE "$until") >= until_count)); then
			QEMU_END=until
			if [[ $hold != 0 ]]; then
				sleep "$hold"
				kill -0 "$pid" 2>/dev/null || QEMU_END=exited
			fi
			break
		fi
		if (((end - start) > limit * 1000)); then
			break
		fi
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	QEMU_SECONDS=$(awk -v ms=$((end - start)) 'BEGIN { printf "%.1f", ms / 1000 }')
	if [[ -z $BANNER_SECONDS ]] && grep -qE "$BANNER_RE" "$LOG" 2>/dev/null; then
		BANNER_SECONDS=$QEMU_SECONDS
	fi
	if [[ $QEMU_END == exited ]]; then
		# ShutdownCause 6 is SHUTDOWN_CAUSE_GUEST_SHUTDOWN (qapi/run-state.json):
		# the guest powered the machine off (ACPI S5), not a crash or a reset.
		if grep -qE 'reason=(6|guest-shutdown)$' "$trace" 2>/dev/null; then
			QEMU_END=poweroff
		fi
	fi
	plain_log <"$LOG" >"$LOG.plain" && mv "$LOG.plain" "$LOG"
}

# --- assertions: each prints why it failed and returns non-zero ------------
FAILS=()
fail() { FAILS+=("$*"); }

expect_line() {     # REGEX: some log line matches
	grep -qE -- "$1" "$LOG" || fail "no line matching /$1/"
}
expect_no_line() {  # REGEX: no log line matches
	! grep -qE -- "$1" "$LOG" || fail "unexpected line matching /$1/: $(grep -m1 -E -- "$1" "$LOG")"
}
expect_end() {      # poweroff | until | exited
	[[ $QEMU_END == "$1" ]] || fail "QEMU ended by '$QEMU_END' after ${QEMU_SECONDS}s, expected '$1'"
}
expect_banner_within() {   # SECONDS
	if [[ -z $BANNER_SECONDS ]]; then
		fail "banner never appeared"
	elif ! awk -v t="$BANNER_SECONDS" -v max="$1" 'BEGIN { exit !(t < max) }'; then
		fail "banner after ${BANNER_SECONDS}s, limit ${1}s"
	fi
}

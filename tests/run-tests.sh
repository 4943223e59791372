#!/usr/bin/env bash
# tests/run-tests.sh [--unit-only] UNIT_BINARY... - The whole test suite.
# Runs each host unit-test program (every "ok"/"FAIL" line is one case), then
# the QEMU integration tests in tests/integration/tests.sh, prints the unit
# cases and the integration tests counted apart, and ends with the line
# "N passed, N failed" (both together). Exit status is non-zero on any failure.
# ONLY=REGEX limits the integration tests to those whose names match.
set -uo pipefail
cd "$(dirname "$0")/.."

unit_only=0
if [[ ${1:-} == --unit-only ]]; then unit_only=1; shift; fi
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
export OUT=build/tests HV_ELF=build/hv.elf
mkdir -p "$OUT"
passed=0 failed=0 failures=()
int_passed=0 int_failed=0

for bin in "$@"; do
	name=$(basename "$bin")
	output=$(timeout "$UNIT_TIMEOUT" "$bin" 2>&1)
	status=$?
	ok=$(grep -c '^ok ' <<<"$output")
	bad=$(grep -c '^FAIL ' <<<"$output")
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [[ $ok -eq 0 && $bad -eq 0 && $status -eq 0 ]]; then
		failed=$((failed + 1))
		failures+=("$name: ran no test case")
		echo "FAIL $name (ran no test case)"
	elif [[ $status -ne 0 && $bad -eq 0 ]]; then
		# Crashed, timed out or a sanitizer stopped it: that is a failure too.
		failed=$((failed + 1))
		failures+=("$name: exited with status $status")
		echo "FAIL $name (exit status $status)"
		tail -n 20 <<<"$output" | sed 's/^/    /'
	elif [[ $bad -gt 0 ]]; then
		failures+=("$name: $bad case(s) failed")
		echo "FAIL $name"
		grep -v '^ok ' <<<"$output" | sed 's/^/    /'
	else
		echo "ok   $name ($ok cases)"
	fi
done
unit_passed=$passed unit_failed=$failed

if [[ $unit_only -eq 0 ]]; then
	source tests/integration/lib.sh
	source tests/integration/tests.sh
	for t in "${INTEGRATION_TESTS[@]}"; do
		# ONLY=REGEX runs just the integration tests whose names match.
		[[ -n ${ONLY:-} && ! $t =~ $ONLY ]] && continue
		FAILS=() INFO=""
		"$t"
		if [[ ${#FAILS[@]} -eq 0 ]]; then
			passed=$((passed + 1))
			int_passed=$((int_passed + 1))
			echo "ok   ${t#test_}${INFO:+ ($INFO)}"
		else
			failed=$((failed + 1))
			int_failed=$((int_failed + 1))
			failures+=("${t#test_}: ${FAILS[0]}")
			echo "FAIL ${t#test_} (log: $LOG)"
			printf '    %s\n' "${FAILS[@]}"
			echo "    --- last lines of the serial log ---"
			tail -n 15 "$LOG" | sed 's/^/    /'
		fi
	done
fi

if [[ ${#failures[@]} -gt 0 ]]; then
	echo
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "unit test cases: $unit_passed passed, $unit_failed failed ($# programs)"
[[ $unit_only -eq 1 ]] || echo "integration tests: $int_passed passed, $int_failed failed"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

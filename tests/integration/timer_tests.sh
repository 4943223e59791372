# tests/integration/timer_tests.sh - Integration tests of the timers and HLT:
# a vCPU's own deadline (HC_SET_TIMER) ends its HLT on time, a halted vCPU
# with nothing armed costs its CPU nothing (no polling: one HLT exit, the
# CPU idle), and HLT with IF=0 still stops a VM nothing can wake. Sourced by
# tests.sh (same helpers: make_iso, qemu_boot, expect_*).

# check_sleeps NAME: every "NAME| sleep LABEL US us: TICKS ticks" line of
# $LOG against the TSC rate the hypervisor logged: never before the
# deadline (the wake came from the timer, not early from something else),
# and within SLACK_US after it (QEMU TCG's time is the host's, so a busy
# host stretches it; the bound is generous). US 0: only the upper bound.
check_sleeps() {
	local name=$1 verdict
	verdict=$(awk -v name="$name" -v slack_us=150000 '
		/hv: TSC [0-9]+\.[0-9]+ MHz/ { match($0, /TSC [0-9]+\.[0-9]+ MHz/); khz = substr($0, RSTART + 4, RLENGTH - 8) * 1000 }
		$0 ~ "^" name "\\| sleep " {
			n++; us = $4; ticks = $6
			if (!khz) { print "no TSC rate in the log"; exit }
			if (ticks < us * khz / 1000) { print name ": " $3 " woke early: " ticks " ticks < " us " us"; exit }
			if (ticks > (us + slack_us) * khz / 1000) { print name ": " $3 " woke late: " ticks / khz * 1000 " us for " us " us"; exit }
			line = line sprintf(" %s %.1f ms;", $3, ticks / khz)
		}
		END { if (!n) print "no sleep lines for " name; else print "ok" line }' "$LOG")
	[[ $verdict == ok* ]] || fail "$verdict"
	INFO+="${verdict#ok}"
}

test_timer_ends_hlt_at_its_deadline() {
	# One timer guest on each CPU; a sleeper (HLT with IF=1, nothing
	# armed) shares cpu1 with the second and must never wake. The sleeper
	# never stops, so QEMU is stopped once both timer guests are done.
	make_iso timer_hlt "on_idle=poweroff" "timer vm=t0 type=flat mode=long mem=2M cpu=0" \
		"timer vm=t1 type=flat mode=long mem=2M cpu=1" "sleeper vm=sleep type=flat mode=protected mem=2M cpu=1"
	qemu_boot timer_hlt "$ISO" 120 --smp 2 --until '\] vm t[01] stopped: ' --until-count 2 --hold 1
	expect_line 'timer: cpu0: LAPIC timer in (one-shot|TSC-deadline) mode'
	local vm
	for vm in t0 t1; do
		expect_line "^$vm\\| all checks passed\$"
		expect_line "\\] vm $vm stopped: exit code 0\$"
		expect_no_line "^$vm\\| FAIL"
	done
	INFO="t0:"
	check_sleeps t0
	INFO+=" t1:"
	check_sleeps t1
	expect_line '^sleep\| sleeper: halting with IF=1 and no timer$'
	expect_no_line '^sleep\| sleeper: woke'
	expect_no_line 'PANIC|nested trap'
}

test_halted_vcpu_leaves_its_cpu_idle() {
	# The sleeper halts once and stays halted: its CPU takes no timer for
	# it. `exits` counts exactly one HLT, `cpus` shows cpu1 idle, and a
	# key typed to it is what wakes it (the console's kick).
	make_iso timer_idle "on_idle=halt" "sleeper vm=sleep type=flat mode=protected mem=2M cpu=1" \
		"timer vm=tw type=flat mode=long mem=2M cpu=1"
	LOG=$OUT/timer_idle.log
	local out
	out=$(python3 - "$ISO" "$LOG" 2>&1 <<'EOF'
import re, sys, time
sys.path.insert(0, "tests/integration")
from hvconsole import Console

iso, log = sys.argv[1], sys.argv[2]
PROMPT = "hv> "

def run(c, line):
    c.sendline(line)
    m = c.expect(r"(?ms)" + re.escape(line) + r"\n(.*?)^" + re.escape(PROMPT), 15)
    return m.group(1)

def check(cond, what, out=""):
    if not cond:
        raise AssertionError(what + ("\n--- output ---\n" + out if out else ""))

def seen(c, pattern, timeout):
    """Waits for pattern anywhere in the output (lines of both CPUs and the
    prompt come in any order), without moving the expect cursor."""
    deadline = time.time() + timeout
    while not re.search(pattern, c.text):
        check(time.time() < deadline, f"/{pattern}/ never appeared in {timeout} s", c.text[-1500:])
        time.sleep(0.1)

with Console(iso, log, timeout=180) as c:
    seen(c, r"sleep\| sleeper: halting with IF=1 and no timer", 60)
    seen(c, r"vm tw stopped: exit code 0", 120)
    c.send("\r")                        # the shell shows its prompt once someone types
    c.expect_exact(PROMPT, 15)
    run(c, "cpus")                      # starts the idle%(last) interval
    time.sleep(3)
    out = run(c, "cpus")
    m = re.search(r"(?m)^1\s+\d+\s+online\s+\S+\s+(\d+\.\d)\s+(\d+\.\d)\s", out)
    check(m and float(m.group(2)) >= 90.0, "cpu1 (only a halted vCPU left) should be idle", out)
    idle = m.group(2)
    check(re.search(r"(?m)^\d+\s+sleep\s+halted\s", run(c, "vms")), "vms: sleep halted")
    out = run(c, "exits sleep")
    m = re.search(r"(?m)^HLT\s+(\d+)\s", out)
    check(m and int(m.group(1)) == 1, "exactly one HLT exit: nothing woke the sleeper", out)
    c.sendline("console sleep")
    c.expect(r"console: input goes to vm sleep", 10)
    c.send("x")
    c.expect(r"sleeper: woke", 10)
    c.ctrl_a("s")
    c.expect_exact(PROMPT, 10)
    out = run(c, "exits sleep")
    m = re.search(r"(?m)^HLT\s+(\d+)\s", out)
    check(m and int(m.group(1)) == 2, "the key woke it once, and it halted again", out)
    c.sendline("poweroff")
    check(c.wait_exit(30) == "poweroff", "poweroff")
    print(f"cpu1 {idle}% idle with a halted vCPU")
EOF
) || fail "$(tail -c 3000 <<<"$out")"
	plain_log <"$LOG" >"$LOG.plain" && mv "$LOG.plain" "$LOG"
	expect_no_line 'PANIC|nested trap'
	INFO=$(tail -1 <<<"$out")
}

test_hlt_with_if0_stops_a_lone_vcpu() {
	# Its timer is armed, but a timer never ends a HLT with IF=0: nothing
	# can, so the VM stops with the error and the others go on.
	make_iso hlt_if0 "on_idle=poweroff" "hlt_if0 vm=if0 type=flat mode=protected mem=2M cpu=1" "$HELLO"
	qemu_boot hlt_if0 "$ISO" 60 --smp 2
	expect_line '^if0\| hlt_if0: timer armed for 1 ms; HLT with IF=0$'
	expect_line '\] vm if0 stopped: error: HLT with interrupts disabled and nothing to wake it \(RIP 0x[0-9a-f]+\)$'
	expect_no_line '^if0\| FAIL'
	expect_hello_lines hello
	expect_clean_poweroff
}

INTEGRATION_TESTS+=(
	test_timer_ends_hlt_at_its_deadline test_halted_vcpu_leaves_its_cpu_idle test_hlt_with_if0_stops_a_lone_vcpu
)

#!/usr/bin/env python3
"""shell_tests - the operator's seat, driven like an operator drives it.

    python3 tests/integration/shell_tests.py SCENARIO ISO LOG [--uefi]

Boots ISO in QEMU with the console on a socket (hvconsole.Console), types
at the shell and at the guests, and checks what comes back. Exit status 0
when every check held; otherwise the first failure is printed (with the end
of the console output) and the status is 1. The scenarios and the ISOs they
expect are built by tests/integration/tests.sh (test_shell_*).

Scenarios:
  commands  three guests (ticker "chatty" on cpu0, listener "quiet" and
            wild_read "wild" on cpu1): every command, focus switching with
            Ctrl-A, line editing, tab completion, bad input, poweroff.
  focus     boots with focus=quiet: input goes to the VM at once; Ctrl-A s
            brings the shell; reboot ends QEMU.
  uefi      the same console under OVMF: input by interrupt, vms, poweroff.
  polling   the console on a UART with no standard IRQ (0x2e0): input is
            polled on cpu0's tick; the shell and the focus keys still work.
  garbage   6000 random bytes (control characters, broken escape
            sequences, Ctrl-A with any key) at the shell and at a VM: the
            hypervisor and the guests go on, and the shell answers after.
  nosvm     a CPU without SVM: no VM can run, the shell still answers.
  vcpus4    a 4-vCPU VM on 4 CPUs: `vcpu NAME` lists the vCPUs running at
            once on cpu0-3; one vCPU's state, pause, stop.
  asid24    24 VMs on cpu0 with QEMU's 16 ASIDs: after they all stop,
            `cpus` shows cpu0's ASID generation roll-overs.
  default   build/hv-run.iso as `make run` boots it (or build/hv-usb.img, the
            stick, which boots the same guests): the demo guests' results,
            the shell, the echo guest, poweroff. Prints "banner after S s,
            power-off after S s" for the caller.
  usbverbose  build/hv-usb.img's third GRUB entry, chosen with the keys:
            the lines of /svm-hv.cfg with loglevel=debug added, every
            module still there, debug lines in the log.
  usbalone  its second entry: the hypervisor alone, the shell, poweroff.
  unattended  build/hv-run.iso with nobody typing: the raw serial stream holds
            only whole console lines (docs/console.md, "Unattended logs"),
            and the prompt appears only after the first key.
  flood     "flood" (cpu1) writes 3000 lines as fast as its UART takes them,
            "trickle" (cpu2) 40 lines over a second, "chatty" (cpu0) 20,
            while the console reads at 3000 bytes/s (a slow terminal):
            flood is held back (LSR.THRE clear) and loses nothing, trickle
            takes no longer than alone, every line is whole.

Every scenario starts unattended: no prompt until the operator's first key
(first_key), then the shell as always.
"""
import re
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from hvconsole import Console, ExpectError, default_cpu  # noqa: E402

PROMPT = "hv> "
VM_LINE = re.compile(r"^[A-Za-z0-9_-]+\| ")
LOG_LINE = re.compile(r"^\[ *\d+\.\d{6}\] ")
UP = "\x1b[A"
CTRL_U = "\x15"


class Check(AssertionError):
    pass


def check(cond, what, context=""):
    if not cond:
        raise Check(what + ("\n--- output ---\n" + context if context else ""))


def run(c, line, timeout=15):
    """Types line at the prompt; returns the command's own output lines
    (without other VMs' lines and log lines that arrived meanwhile)."""
    c.sendline(line)
    # The echo ends the prompt's line ("hv> " may already be behind the
    # expect cursor); the output runs to the next prompt.
    m = c.expect(r"(?ms)" + re.escape(line) + r"\n(.*?)^" + re.escape(PROMPT), timeout)
    return [l for l in m.group(1).split("\n") if l and not VM_LINE.match(l) and not LOG_LINE.match(l)
            and not l.startswith(PROMPT)]


def field(lines, pattern, what):
    for l in lines:
        m = re.search(pattern, l)
        if m:
            return m
    raise Check(f"{what}: no line matches /{pattern}/\n--- output ---\n" + "\n".join(lines))


def seen(c, pattern, timeout=10, since=0):
    """Waits until pattern appears anywhere in the output from offset
    `since` on, wherever the expect cursor is (for lines from another CPU,
    which may come before or after the command's own answer)."""
    deadline = time.time() + timeout
    while not re.search(pattern, c.text[since:]):
        if time.time() > deadline:
            raise Check(f"/{pattern}/ never appeared in {timeout} s", c.text[-1500:])
        time.sleep(0.1)


# docs/console.md, "Unattended logs": from the hypervisor's first line on,
# with nobody typing, every line is a hypervisor line ("[SSSSS.uuuuuu] "
# first) or a VM's ("NAME| " first), ends in CRLF and holds no other CR, no
# LF and no ESC. The stream is read raw, as a file or a pipe would get it.
CLEAN_LINE = re.compile(rb"(\[ *\d+\.\d{6}\] |[A-Za-z0-9_-]+\| )[^\x1b\r\n]*")
BANNER = re.compile(rb"\[ *\d+\.\d{6}\] hv: svm-hv \S+ \(.*\) starting\r\n")


def unattended_problems(raw: bytes, limit=5):
    """The lines of raw (from the banner on) that break the rule, at most limit."""
    m = BANNER.search(raw)
    if not m:
        return ["no banner line"]
    lines = raw[m.start():].split(b"\r\n")
    bad = [f"line {i + 1} after the banner: {l[:150]!r}" for i, l in enumerate(lines[:-1])
           if not CLEAN_LINE.fullmatch(l)]
    if lines[-1]:
        bad.append(f"the stream ends inside a line: {lines[-1][:150]!r}")
    return bad[:limit]


def check_unattended(c, what):
    problems = unattended_problems(c.raw)
    check(not problems, f"{what}: the raw serial stream is not clean lines only:\n  " + "\n  ".join(problems))


def wait_quiet(c, quiet=1.5, timeout=30):
    """Until no byte has come for `quiet` seconds (so no line is half received)."""
    deadline = time.time() + timeout
    n, since = len(c.raw), time.time()
    while time.time() - since < quiet:
        check(time.time() < deadline, f"the console never went quiet for {quiet} s", c.text[-1500:])
        time.sleep(0.1)
        if len(c.raw) != n:
            n, since = len(c.raw), time.time()


def first_key(c, key="\r", timeout=10):
    """The operator arrives: until now no prompt (not even half of one), and
    the first key brings it."""
    check(PROMPT.encode() not in c.raw, "a prompt before anyone typed", c.text[-1500:])
    c.send(key)
    c.expect_exact(PROMPT, timeout)


def one_line_error(c, line, pattern):
    out = run(c, line)
    errors = [l for l in out if l.startswith("error: ")]
    check(len(out) == 1 and len(errors) == 1 and re.search(pattern, errors[0]),
          f"'{line}' should answer with one line matching /{pattern}/", "\n".join(out))


def scenario_commands(c):
    c.expect(r"vm chatty started", 30)
    c.expect(r"chatty\| tick 2", 30)
    seen(c, r"vm wild stopped: error: read of guest-physical", 30)
    first_key(c)

    # help: one line per command
    out = run(c, "help")
    for name in ("help", "version", "cpus", "vms", "vcpu", "vmcb", "mem", "npt", "exits", "pause",
                 "resume", "reset", "stop", "console", "log", "loglevel", "reboot", "poweroff"):
        field(out, r"^  " + name + r"\b", "help lists " + name)

    field(run(c, "version"), r"^svm-hv \d+\.\d+ \(", "version")

    out = run(c, "cpus")
    field(out, r"^cpu\s+apic\s+state\s+vm\s+idle%\(boot\)\s+idle%\(last\)\s+asid-rollovers\s+placed", "cpus header")
    field(out, r"^0\s+\d+\s+online\s+(chatty|-)\s+\d+\.\d\s+\d+\.\d\s+\d+\s+chatty$", "cpu0 runs chatty")
    field(out, r"^1\s+\d+\s+online\s+(quiet|busy|-)\s+\d+\.\d\s+\d+\.\d\s+\d+\s+quiet,wild,busy$",
          "cpu1 has quiet, wild and busy")

    out = run(c, "vms")
    field(out, r"^#\s+name\s+state\s+cpu\s+vcpus\s+memory\s+uptime\(ms\)\s+exits", "vms header")
    m = field(out, r"^1\s+chatty\s+(running|halted)\s+0\s+1\s+2 MiB\s+(\d+)\s+(\d+)\s+0\s+-$", "vms: chatty")
    check(int(m.group(2)) > 0 and int(m.group(3)) > 0, "chatty has uptime and exits", "\n".join(out))
    field(out, r"^2\s+quiet\s+(running|halted)\s+1\s+1\s+2 MiB", "vms: quiet")
    field(out, r"^3\s+wild\s+stopped\s+1\s+1\s+16 MiB", "vms: wild")

    # vcpu / vmcb of a running guest
    out = run(c, "vcpu chatty")
    field(out, r"^vm chatty vcpu 0 on cpu0: (running|halted), 32-bit protected mode, CPL 0", "vcpu headline")
    field(out, r"^  RIP 0x00000000001[0-9a-f]{5}  RSP ", "vcpu RIP")
    field(out, r"^  RAX 0x[0-9a-f]{16}  RBX ", "vcpu GPRs")
    field(out, r"^  CR0 0x11  CR2 0x0  CR3 0x0  CR4 0x0  CR8 0x0  EFER 0x1000", "vcpu CRs")
    field(out, r"^  CS   sel 0x0008 base 0x0000000000000000 limit 0xffffffff", "vcpu CS")
    field(out, r"^  pending injection\s+none", "vcpu events")
    field(out, r"^last exit: \S+", "vcpu last exit")
    out = run(c, "vmcb quiet")
    field(out, r"^control area:", "vmcb control")
    field(out, r"^  intercept misc1 0x[0-9a-f]{8} misc2", "vmcb intercepts")
    field(out, r"^  nested_ctl 0x1 \(NP on\)  nested CR3 0x[0-9a-f]+", "vmcb NPT")
    field(out, r"^save area:", "vmcb save")
    field(out, r"^  CPL 0  EFER 0x1500", "vmcb EFER of a long-mode guest")

    # memory: physical, and virtual through the long-mode guest's tables
    out = run(c, "mem chatty 0x100000 32")
    field(out, r"^0000000000100000: [0-9a-f]{2} ", "mem hex dump")
    field(out, r"^0000000000100010: ", "mem second line")
    out = run(c, "mem chatty 0x1ffff0 16")            # the last 16 bytes of RAM
    check(len(out) == 1 and out[0].startswith("00000000001ffff0: "), "mem up to the end of RAM", "\n".join(out))
    one_line_error(c, "mem chatty 0x1ffff0 32", r"gpa 0x1ffff0\+32 is not all in the guest's RAM \(0x0-0x1fffff\)")
    one_line_error(c, "mem chatty 0x10000000", r"gpa 0x10000000\+64 is not all in the guest's RAM")
    one_line_error(c, "mem chatty 0x1000 0", r"length 0: from 1 to 4096 bytes")
    out = run(c, "mem quiet gva:0x100000 16")
    field(out, r"^gva 0x100000: 4-level paging, CR3 0x[0-9a-f]+", "gva walk mode")
    field(out, r"^  PML4 table 0x[0-9a-f]+ \[0\] = 0x", "gva walk PML4")
    field(out, r"^  PD   table 0x[0-9a-f]+ \[0\] = 0x[0-9a-f]*[89a-f][0-9a-f]$", "gva walk PD (2 MiB page, PS)")
    field(out, r"^  -> gpa 0x100000", "gva walk result")
    field(out, r"^gva 0000000000100000: 56 ", "gva dump (push rsi)")
    out = run(c, "npt chatty 0x1000")
    field(out, r"^  PML4 table 0x[0-9a-f]+ \[0\] = 0x[0-9a-f]{16} P W U", "npt PML4")
    field(out, r"^  -> hpa 0x[0-9a-f]+ \((2 MiB|4 KiB) page, read-write, executable\)", "npt leaf")
    field(run(c, "npt chatty 0x10000000"), r"not mapped: an access would exit with NPF", "npt hole")
    field(run(c, "mem"), r"^host memory: \d+ KiB usable, \d+ KiB free", "host mem")

    # exits with cycles, for the exits the ticker causes and the NPF of wild
    out = run(c, "exits chatty")
    field(out, r"^vm chatty: \d+ exits since boot, \d+ since the last reset", "exits headline")
    for reason in ("IOIO", "CPUID", "HLT", "INTR"):
        m = field(out, r"^" + reason + r"\s+(\d+)\s+(\d+)\s+(\d+) \|", "exits " + reason)
        check(int(m.group(1)) > 0 and int(m.group(2)) > 0 and int(m.group(3)) > 0,
              reason + " has a count and cycles", "\n".join(out))
    field(run(c, "exits wild"), r"^NPF\s+1\s+[1-9]\d*\s+[1-9]\d*", "exits NPF")
    field(run(c, "exits chatty reset"), r"since the last reset cleared", "exits reset")
    m = field(run(c, "exits chatty"), r"(\d+) exits since boot, (\d+) since the last reset", "exits after reset")
    check(int(m.group(2)) < int(m.group(1)), "since-reset count below since-boot count")

    # pause: RIP stable; resume: it goes on; reset: it restarts
    field(run(c, "pause chatty"), r"^vm chatty paused at RIP 0x", "pause")
    rip1 = field(run(c, "vcpu chatty"), r"RIP (0x[0-9a-f]+)", "paused RIP").group(1)
    time.sleep(0.5)
    out = run(c, "vcpu chatty")
    field(out, r"^vm chatty vcpu 0 on cpu0: paused", "vcpu says paused")
    rip2 = field(out, r"RIP (0x[0-9a-f]+)", "paused RIP again").group(1)
    check(rip1 == rip2, f"RIP stable while paused ({rip1} then {rip2})")
    field(run(c, "vms"), r"^1\s+chatty\s+paused", "vms shows paused")
    one_line_error(c, "pause chatty", r"already paused")
    field(run(c, "resume chatty"), r"^vm chatty resumed", "resume")
    m = c.expect(r"chatty\| tick (\d+)\n", 10)          # \n: never half a number
    c.expect(r"chatty\| tick %d" % (int(m.group(1)) + 1), 10)
    field(run(c, "reset chatty"), r"^vm chatty: reset requested", "reset")
    c.expect(r"vm chatty reset \(by the operator\); restarting", 10)
    c.expect(r"chatty\| ticker: tick every 10 rounds", 10)
    c.expect(r"chatty\| tick 1\n", 10)
    field(run(c, "vms"), r"^1\s+chatty\s+(running|halted)\s+0\s+1\s+2 MiB\s+\d+\s+\d+\s+1", "reset counted")

    # focus: Ctrl-A moves the input; the others still print, prefixed
    c.ctrl_a("2")
    c.expect(r"console: input goes to vm quiet", 10)
    c.expect(r"chatty\| tick \d+", 10)
    c.ctrl_a("s")
    c.expect(r"console: input goes to the shell", 10)
    # The echo checks run with the talkers paused: another VM's line in the
    # middle of the focused VM's raw line rightly ends that line first.
    field(run(c, "pause chatty"), r"^vm chatty paused", "pause chatty")
    field(run(c, "pause busy"), r"^vm busy paused", "pause busy")
    c.ctrl_a("2")
    c.expect(r"console: input goes to vm quiet", 10)
    c.send("hello quiet\r")
    c.expect(r"(?m)^echo: hello quiet$", 10)       # raw: no "quiet| "
    c.send("x")
    c.ctrl_a("a")                                   # a literal Ctrl-A for the VM
    c.send("y\r")
    c.expect(r"(?m)^echo: x\x01y$", 10)
    c.ctrl_a("s")
    c.expect(r"console: input goes to the shell", 10)
    out = run(c, "log quiet")
    field(out, r"^--- log quiet: last \d+ of \d+ bytes ---", "log header")
    field(out, r"^listener: type a line to hear it back", "log replays the banner")
    field(out, r"^echo: hello quiet", "log replays the echo")
    field(out, r"^--- end of log quiet ---", "log footer")
    field(run(c, "log wild"), r"^wild_read: long mode", "log of a stopped VM")
    c.sendline("console quiet")
    c.expect(r"console: input goes to vm quiet", 10)
    c.send("via console\r")
    c.expect(r"(?m)^echo: via console$", 10)
    c.ctrl_a("0")
    c.expect(r"console: input goes to the shell", 10)
    field(run(c, "resume chatty"), r"^vm chatty resumed", "resume chatty")
    field(run(c, "resume busy"), r"^vm busy resumed", "resume busy")
    c.ctrl_a("1")
    c.expect(r"console: input goes to vm chatty", 10)
    c.expect(r"(?m)^tick \d+$", 10)              # raw, no prefix
    c.ctrl_a("n")
    c.expect(r"console: input goes to vm quiet", 10)
    c.ctrl_a("n")
    c.expect(r"console: input goes to vm busy", 10)     # wild has stopped: skipped
    c.ctrl_a("n")
    c.expect(r"console: input goes to the shell", 10)
    c.ctrl_a("?")
    c.expect(r"console keys:\n", 10)
    c.expect(r"(?m)^  Ctrl-A s \(or 0\)\s+the shell$", 10)
    c.expect(r"(?m)^  Ctrl-A \?\s+this list$", 10)
    c.ctrl_a("x")
    c.expect(r"Ctrl-A x: not a console key", 10)
    c.ctrl_a("\x1b[A")                                # an arrow key: swallowed whole
    c.expect(r"Ctrl-A then an arrow or function key: not a console key", 10)
    c.ctrl_a("9")
    c.expect(r"no VM number 9 \(there are 4\)", 10)
    c.ctrl_a("3")
    c.expect(r"vm wild has stopped; input stays where it was", 10)
    c.expect_exact(PROMPT)

    # a VM that never leaves guest mode by itself, on another CPU: the kick
    # gets it out for pause, vcpu, reset and stop; its core-mate goes on
    m = field(run(c, "pause busy"), r"^vm busy paused at RIP (0x[0-9a-f]+)", "pause busy (cross-CPU)")
    time.sleep(0.5)
    out = run(c, "vcpu busy")
    field(out, r"^vm busy vcpu 0 on cpu1: paused, 32-bit protected mode", "vcpu busy paused")
    check(field(out, r"RIP (0x[0-9a-f]+)", "busy RIP").group(1).lstrip("0x").lstrip("0") ==
          m.group(1).lstrip("0x").lstrip("0"), "busy's RIP did not move while paused", "\n".join(out))
    field(run(c, "resume busy"), r"^vm busy resumed", "resume busy")
    m = c.expect(r"busy\| busy (\d+)\n", 15)
    c.expect(r"busy\| busy %d\n" % (int(m.group(1)) + 1), 15)
    mark = len(c.text)
    field(run(c, "reset busy"), r"^vm busy: reset requested$", "reset busy")
    seen(c, r"vm busy reset \(by the operator\); restarting", 10, since=mark)
    seen(c, r"busy\| busy: counting", 10, since=mark)

    # line editing: backspace, Ctrl-U, history, tab completion
    c.expect_exact(PROMPT)
    c.send("vmx\x7fs\r")
    c.expect(r"(?m)^#\s+name\s+state", 10)
    c.send("garbage" + CTRL_U + "version\r")
    c.expect(r"(?m)^svm-hv \d", 10)
    c.send(UP + "\r")
    c.expect(r"(?m)^svm-hv \d", 10)
    c.send("ver\t\r")
    c.expect(r"(?m)^svm-hv \d", 10)
    c.send("exits ch\t\r")
    c.expect(r"(?m)^vm chatty: \d+ exits since boot", 10)

    # bad input: one line each, and the hypervisor goes on
    one_line_error(c, "vsm", r"unknown command 'vsm'")
    one_line_error(c, "mem chatty zz", r"bad number 'zz'")
    one_line_error(c, "vcpu nope", r"no VM named 'nope'")
    one_line_error(c, "vcpu chatty 1", r"has 1 vCPU")
    one_line_error(c, "mem wild 0x1000", r"vm wild has stopped and its memory was given back")
    one_line_error(c, "reset wild", r"^error: vm wild has stopped \(error: read of guest-physical 0x[0-9a-f]+, "
                   r"outside its RAM \(RIP 0x[0-9a-f]+\)\); a stopped VM cannot be restarted yet$")
    out = run(c, "vcpu wild")                          # a dead guest's registers, as it stopped
    field(out, r"^vm wild vcpu 0 on cpu1: stopped, 64-bit long mode, CPL 0", "vcpu of a stopped VM")
    field(out, r"^  as it stopped: error: read of guest-physical 0x[0-9a-f]+, outside its RAM \(RIP 0x1000e0\)",
          "vcpu says why it stopped")
    field(out, r"^  RIP 0x00000000001000e0 ", "the RIP it stopped at")
    field(out, r"^last exit: NPF \(0x400\)", "its last exit")
    field(run(c, "vmcb wild"), r"^vm wild vcpu 0 VMCB as it stopped \(error: ", "vmcb of a stopped VM")
    one_line_error(c, "npt chatty", r"npt takes NAME GPA")
    one_line_error(c, "loglevel loud", r"bad log level 'loud'")
    one_line_error(c, "resume quiet", r"vm quiet is not paused")
    field(run(c, "loglevel"), r"^loglevel info$", "loglevel shows")
    field(run(c, "loglevel debug"), r"^loglevel debug$", "loglevel sets")
    field(run(c, "loglevel info"), r"^loglevel info$", "loglevel back")
    c.expect(r"chatty\| tick \d+", 10)

    # stop: the VM ends with the stop line; the others go on
    field(run(c, "stop chatty"), r"^vm chatty: stop requested", "stop")
    c.expect(r"vm chatty stopped: stopped by the operator", 10)
    one_line_error(c, "stop chatty", r"vm chatty has stopped")
    mark = len(c.text)
    field(run(c, "stop busy"), r"^vm busy: stop requested", "stop busy (cross-CPU)")
    seen(c, r"vm busy stopped: stopped by the operator", 10, since=mark)
    field(run(c, "vms"), r"^4\s+busy\s+stopped\s+1\s+1\s+2 MiB\s+\d+\s+\d+\s+1\s+stopped by the operator$",
          "vms shows why busy stopped")
    c.ctrl_a("2")
    c.send("still here\r")
    c.expect(r"(?m)^echo: still here$", 10)
    c.ctrl_a("s")
    c.expect_exact(PROMPT)
    c.sendline("poweroff")
    c.expect(r"powering off", 10)
    end = c.wait_exit(20)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")
    check("PANIC" not in c.text, "no panic")


def scenario_focus(c):
    c.expect(r"console: input goes to vm quiet", 30)
    c.expect(r"vm quiet started", 30)
    c.expect(r"listener: type a line to hear it back", 30)    # raw: quiet has the focus
    c.send("typed at boot\r")
    c.expect(r"(?m)^echo: typed at boot$", 10)
    check(not re.search(r"(?m)^hv> ", c.text), "no prompt while a VM has the focus", c.text[-2000:])
    c.ctrl_a("s")
    c.expect(r"console: input goes to the shell", 10)
    c.expect_exact(PROMPT)
    field(run(c, "vms"), r"^1\s+quiet\s+(running|halted)\s+0\s+1\s+2 MiB\s+\d+\s+\d+\s+0\s+-", "vms")
    c.sendline("reboot")
    c.expect(r"rebooting", 10)
    end = c.wait_exit(20)
    check(end == "exited", f"QEMU ended by {end}, expected a reset (exited under -no-reboot)")


def scenario_uefi(c):
    c.expect(r"console: input by interrupt", 60)
    c.expect(r"vm quiet started", 60)
    c.expect(r"quiet\| listener: type a line", 30)
    first_key(c)
    field(run(c, "vms"), r"^1\s+quiet\s+(running|halted)", "vms under OVMF")
    c.ctrl_a("1")
    c.send("uefi\r")
    c.expect(r"(?m)^echo: uefi$", 10)
    c.ctrl_a("s")
    c.expect_exact(PROMPT)
    c.sendline("poweroff")
    end = c.wait_exit(20)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def scenario_default(c):
    start = time.time()
    c.expect(r"hv: svm-hv .* starting", 60)
    banner = time.time() - start
    for line in (r"hello\| hello from real mode", r"vm hello stopped: exit code 42",
                 r"vm chatty stopped: exit code 0", r"vm lm stopped: exit code 4",
                 r"probe\| all checks passed", r"vm probe stopped: exit code 0"):
        seen(c, line, 60)
    seen(c, r"vm echo started", 10)
    seen(c, r"echo\| listener: type a line to hear it back", 10)
    wait_quiet(c)
    check_unattended(c, "before anyone typed")
    first_key(c)
    out = run(c, "vms")
    for n, name in enumerate(("hello", "chatty", "lm", "probe"), 1):
        field(out, r"^%d\s+%s\s+stopped" % (n, name), "vms: " + name)
    field(out, r"^5\s+echo\s+(running|halted)", "vms: echo")
    c.ctrl_a("5")
    c.expect(r"console: input goes to vm echo", 10)
    c.send("anyone there?\r")
    c.expect(r"(?m)^echo: anyone there\?$", 10)
    c.ctrl_a("s")
    c.expect_exact(PROMPT, 10)
    off = time.time()
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")
    print(f"banner after {banner:.1f}s, power-off {time.time() - off:.1f}s after the command")


def choose_grub_entry(c, n):
    """At the stick's GRUB menu: Ctrl-N n times (down, on any terminal), then
    Enter, while the menu still counts down."""
    c.expect(r"executed automatically in", 90)
    for _ in range(n):
        c.send("\x0e")
        time.sleep(0.3)
    c.send("\r")


def scenario_usbverbose(c):
    choose_grub_entry(c, 2)
    c.expect(r'hv: command line: "console=com1 loglevel=info on_idle=halt loglevel=debug"', 60)
    for n, opts in enumerate(("vm=hello type=flat mode=real mem=1M",
                              "vm=chatty type=flat mode=protected mem=8M",
                              "vm=lm type=flat mode=long mem=8M",
                              "vm=probe type=flat mode=long mem=2M",
                              "vm=echo type=flat mode=long mem=2M")):
        c.expect(r'hv: module %d: 0x[0-9a-f]+-0x[0-9a-f]+ "%s"' % (n, re.escape(opts)), 10)
    seen(c, r"vm hello stopped: exit code 42", 60)
    seen(c, r"vm probe stopped: exit code 0", 60)
    seen(c, r"\] cpu\d: scheduler quantum (on|off)", 10)   # pr_debug: shown at loglevel=debug only


def scenario_usbalone(c):
    choose_grub_entry(c, 1)
    c.expect(r'hv: command line: "console=com1 loglevel=info on_idle=halt"', 60)
    c.expect(r"hv: no guest modules given", 30)
    c.expect(r"hv: nothing left to run \(on_idle=halt\)", 30)
    check(not re.search(r"vm \S+ started", c.text), "a VM started", c.text[-1500:])
    wait_quiet(c)
    first_key(c)
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def scenario_garbage(c):
    import random
    rnd = random.Random(6)
    c.expect(r"vm quiet started", 30)
    c.expect(r"quiet\| listener: type a line", 30)
    first_key(c)
    # Never Ctrl-A then ']' or the like matters to us; Ctrl-A with any key
    # must be harmless (focus moves, unknown keys are reported).
    shell_only = bytes(b for b in (rnd.randrange(256) for _ in range(4000)) if b != 0x01)
    c.send(shell_only, char_delay=0.0003)
    mixed = bytes(rnd.randrange(256) for _ in range(2000))
    c.send(mixed, char_delay=0.0003)
    c.ctrl_a("s")
    c.send("\x03")                                   # abandon whatever line is half typed
    out = run(c, "version", 30)
    field(out, r"^svm-hv \d+\.\d+ ", "the shell answers after the garbage")
    field(run(c, "vms"), r"^1\s+quiet\s+(running|halted)", "the guest still runs")
    c.ctrl_a("1")
    c.send("\rstill ok\r")
    c.expect(r"(?m)^echo: still ok$", 10)
    c.ctrl_a("s")
    check("PANIC" not in c.text, "no panic")
    c.expect_exact(PROMPT, 10)
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def scenario_nosvm(c):
    c.expect(r"hv: cannot run guests: this CPU does not support AMD-V", 60)
    c.expect(r"the shell still answers", 30)
    wait_quiet(c)
    check_unattended(c, "before anyone typed")
    # the first key: Ctrl-A n, with no VM to go to, says so (and the prompt comes)
    first_key(c, "\x01n")
    c.expect(r"console: Ctrl-A n: no VM to switch to \(there are no VMs\); input stays with the shell", 10)
    field(run(c, "version"), r"^svm-hv \d+\.\d+ ", "version without SVM")
    field(run(c, "vms"), r"^no VMs$", "vms without SVM")
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def scenario_polling(c):
    c.expect(r"console: the UART at 0x2e0 has no standard IRQ; polling for input every 10 ms", 60)
    c.expect(r"vm quiet started", 30)
    c.expect(r"quiet\| listener: type a line", 30)
    first_key(c)
    field(run(c, "vms"), r"^1\s+quiet\s+(running|halted)", "vms while polling")
    c.ctrl_a("1")
    c.expect(r"console: input goes to vm quiet", 10)
    c.send("polled\r")
    c.expect(r"(?m)^echo: polled$", 10)
    c.ctrl_a("s")
    c.expect_exact(PROMPT, 10)
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def stop_and_power_off(c, vm):
    """`stop VM`, its stop line, then `poweroff` and a clean power-off."""
    field(run(c, f"stop {vm}"), rf"^vm {vm}: stop requested", f"stop {vm}")
    c.expect(rf"vm {vm} stopped: stopped by the operator", 20)
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")


def scenario_vcpus4(c):
    """A 4-vCPU VM on a 4-CPU host: `vcpu NAME` lists its vCPUs, each on its
    own host CPU and running at once; `vcpu NAME N` shows one of them."""
    for k in range(4):   # in any order: they print at once
        seen(c, rf"(?m)^spin\| vcpu {k} spinning\r?$", 120)
    c.send("\r")
    c.expect_exact(PROMPT, 10)
    lines = run(c, "vcpu spin")
    field(lines, r"^vm spin: 4 vCPUs$", "vcpu list header")
    cpus = set()
    for k in range(4):
        m = field(lines, rf"^  {k}\s+(\d+)\s+running\s+\d+$", f"vCPU {k}'s row")
        cpus.add(m.group(1))
    check(cpus == {"0", "1", "2", "3"}, f"the 4 vCPUs are not on 4 host CPUs: {sorted(cpus)}", "\n".join(lines))
    field(lines, r"^vm spin vcpu 0 on cpu0: running, 32-bit protected mode", "vCPU 0's state after the list")
    field(run(c, "vcpu spin 2"), r"^vm spin vcpu 2 on cpu2: running, 32-bit protected mode", "vcpu spin 2")
    field(run(c, "vmcb spin 3"), r"^vm spin vcpu 3 VMCB at host-physical 0x", "vmcb spin 3")
    one_line_error(c, "vcpu spin 4", r"vm spin has 4 vCPUs \(numbers 0-3\); there is no vCPU 4")
    field(run(c, "pause spin"), r"^vm spin paused", "pause spin")
    lines = run(c, "vcpu spin")
    field(lines, r"^vm spin vcpu 0 on cpu0: paused", "paused: every vCPU parked")
    field(run(c, "resume spin"), r"^vm spin resumed", "resume spin")
    stop_and_power_off(c, "spin")
    print("4 vCPUs on cpu0-3, listed running at once")


def scenario_mbsipi(c):
    """A 2-vCPU Multiboot guest: vCPU 0 runs the kernel (it halts, with
    interrupts on, after its report), vCPU 1 waits for a start-up IPI as a
    PC's firmware leaves an application processor."""
    seen(c, r"(?m)^mb\| mbinfo: done, 0 failed\r?$", 120)
    c.send("\r")
    c.expect_exact(PROMPT, 10)
    lines = run(c, "vcpu mb")
    field(lines, r"^vm mb: 2 vCPUs$", "vcpu list header")
    field(lines, r"^  0\s+\d+\s+halted\s+\d+$", "vCPU 0 halted")
    field(lines, r"^  1\s+\d+\s+wait-sipi\s+0$", "vCPU 1 waiting for SIPI, no exit taken")
    stop_and_power_off(c, "mb")
    print("vCPU 0 halted, vCPU 1 waiting for SIPI")


def scenario_powerbtn(c):
    """`powerbtn NAME`: a Multiboot kernel in ACPI mode with PWRBTN_EN set
    sees PWRBTN_STS and the SCI, then powers itself off (S5), as an OS's
    orderly shutdown does."""
    seen(c, r"(?m)^acpi\| acpi: waiting for the power button\r?$", 120)
    c.send("\r")
    c.expect_exact(PROMPT, 10)
    field(run(c, "powerbtn acpi"), r"^vm acpi: power button pressed$", "powerbtn acpi")
    seen(c, r"(?m)^acpi\| ok power button: PM1a_STS\.PWRBTN_STS set\r?$", 60)
    seen(c, r"(?m)^acpi\| ok power button: the SCI \(IRQ 9\) asserted while the status is set, not after\r?$", 10)
    c.expect(r"vm acpi stopped: poweroff", 30)
    c.expect_exact(PROMPT, 10)
    one_line_error(c, "powerbtn acpi", r"vm acpi has stopped")
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")
    print("the power button reached the guest: PWRBTN_STS, SCI, then its S5")


def scenario_asid24(c):
    """24 VMs on cpu0 (16 ASIDs): once all have stopped, `cpus` shows the
    ASID generation roll-overs cpu0 went through."""
    c.expect(r"hv: every VM has stopped: ", 240)
    c.expect(r"the shell still answers", 30)
    first_key(c)
    c.ctrl_a("n")
    c.expect(r"console: Ctrl-A n: no VM to switch to \(every VM has stopped\); input stays with the shell", 10)
    c.expect_exact(PROMPT, 10)
    lines = run(c, "cpus")
    field(lines, r"^cpu\s+apic\s+state\s+vm\s+idle%\(boot\)\s+idle%\(last\)\s+asid-rollovers\s+placed$", "cpus header")
    m = field(lines, r"^0\s+\d+\s+online\s+\S+\s+[\d.]+\s+[\d.]+\s+(\d+)\s+v1,v2,", "cpu0's row")
    rollovers = int(m.group(1))
    check(rollovers >= 1, f"cpu0 ran 24 vCPUs with 15 guest ASIDs but shows {rollovers} roll-overs", "\n".join(lines))
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")
    print(f"24 VMs on cpu0: {rollovers} ASID roll-overs")


def scenario_unattended(c):
    """make run's ISO left alone: after the demo guests and a quiet spell, the
    raw stream is whole lines only; the first key brings the prompt, and only
    then does the shell draw it."""
    c.expect(r"hv: svm-hv .* starting", 60)
    for line in (r"vm hello stopped: exit code 42", r"vm chatty stopped: exit code 0",
                 r"vm lm stopped: exit code 4", r"vm probe stopped: exit code 0",
                 r"echo\| listener: type a line to hear it back"):
        seen(c, line, 60)
    wait_quiet(c, 3)
    check_unattended(c, "make run's ISO, nobody typing")
    lines = c.raw.count(b"\r\n")
    first_key(c)
    out = run(c, "vms")
    field(out, r"^5\s+echo\s+(running|halted)", "vms after the first key")
    c.sendline("poweroff")
    end = c.wait_exit(30)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff")
    print(f"{lines} clean lines before the first key")


def scenario_flood(c):
    """A VM flooding its UART while the console is slow holds back only itself."""
    c.read_rate = 3000            # a slow terminal: about a quarter of 115200 baud
    c.expect(r"vm trickle started", 60)
    seen(c, r"vm trickle stopped: ", 120)
    # Slow for a few seconds more (200 lines, 13 KB): long enough for the
    # flooder to find its ring full again and again.
    seen(c, r"flood\| flood 000200 ", 120)
    c.read_rate = None            # the rest as fast as it comes
    seen(c, r"vm flood stopped: ", 120)
    end = c.wait_exit(60)
    check(end == "poweroff", f"QEMU ended by {end}, expected poweroff (on_idle=poweroff)")
    check_unattended(c, "while flooding")
    text = c.text
    lines = text.split("\n")

    # flood: every line, once, in order, whole; and the console held it back
    nums = [int(m.group(1)) for m in (re.fullmatch(
        r"flood\| flood (\d{6}) busy \d{10} abcdefghijklmnopqrstuvwxyz0123456789", l) for l in lines) if m]
    check(nums == list(range(1, 3001)), f"flood's lines 1-3000, each once and in order: got {len(nums)}, "
          f"first wrong at {next((i for i, n in enumerate(nums) if n != i + 1), len(nums)) + 1}")
    check(not [l for l in lines if l.startswith("flood| ") and not l.startswith(("flood| flood 0", "flood| flood: "))],
          "flood printed only whole lines", text[-1500:])
    m = re.search(r"(?m)^flood\| flood: done, (\d{10}) busy reads of LSR$", text)
    check(m, "flood's last line", text[-1500:])
    busy = int(m.group(1))
    check(busy > 0, "the slow console never held flood back (LSR.THRE never read clear): the test proves nothing")
    check(not re.search(r"bytes lost", text), "no byte lost", text[-1500:])
    check(re.search(r"(?m)\] vm flood stopped: exit code 0$", text), "flood ends with exit code 0")

    # trickle: all its lines, in order, and it took about as long as alone
    t = [int(m.group(1)) for m in (re.fullmatch(r"trickle\| trickle line (\d+) of 40", l) for l in lines) if m]
    check(t == list(range(1, 41)), f"trickle's 40 lines in order (got {t})")
    m = re.search(r"(?m)^trickle\| trickle: done in (\d+) Mi TSC ticks$", text)
    check(m, "trickle's last line", text[-1500:])
    mi = int(m.group(1))
    # Alone it takes 40 gaps of 50e6 ticks (1907 Mi) plus its printing; a
    # VM held up behind the flooder's backlog takes many times that.
    check(mi < 4 * 1907, f"trickle took {mi} Mi TSC ticks, more than 4x its {1907} Mi of waiting: "
          "the flooder slowed it")
    stop = text.find("] vm trickle stopped: exit code 0")
    half = text.find("flood| flood 001500 ")
    check(0 <= stop < half, "trickle was done before flood was half way")
    for i in range(1, 21):
        check(re.search(r"(?m)^chatty\| line %d$" % i, text), f"chatty's line {i} (cpu0)")
    print(f"flood held back by {busy} busy LSR reads, nothing lost; trickle {mi} Mi TSC ticks "
          f"(alone: about 1907 + printing)")


SCENARIOS = {"powerbtn": scenario_powerbtn, "mbsipi": scenario_mbsipi, "vcpus4": scenario_vcpus4, "unattended": scenario_unattended, "flood": scenario_flood, "asid24": scenario_asid24, "default": scenario_default, "usbverbose": scenario_usbverbose, "usbalone": scenario_usbalone, "nosvm": scenario_nosvm, "polling": scenario_polling, "garbage": scenario_garbage, "commands": scenario_commands, "focus": scenario_focus, "uefi": scenario_uefi}


def main(argv):
    if len(argv) < 4 or argv[1] not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        return 2
    uefi = "--uefi" in argv[4:]
    cpu = default_cpu().replace("+svm,+npt", "-svm") if argv[1] == "nosvm" else default_cpu()
    serial = ("-serial", "chardev:con")
    if argv[1] == "polling":   # GRUB keeps COM1 (to nowhere); the hypervisor uses 0x2e0
        serial = ("-serial", "null", "-device", "isa-serial,chardev=con,iobase=0x2e0,irq=5")
    # the flooder, the trickle and the boot CPU each their own; a 4-vCPU VM on 4
    smp = {"flood": 3, "vcpus4": 4}.get(argv[1], 2)
    try:
        with Console(argv[2], argv[3], uefi=uefi, cpu=cpu, smp=smp, timeout=240, serial_args=serial) as c:
            SCENARIOS[argv[1]](c)
    except (ExpectError, Check) as e:
        print(f"FAIL {argv[1]}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""hvconsole - drive the hypervisor's interactive serial console in QEMU.

For integration tests that type into the console and check the answers
(tests/integration/lib.sh only boots and reads a log). Standard library only.

QEMU runs as lib.sh runs it, but COM1 is a unix socket QEMU listens on with
wait=on, so the guest starts only once we are connected and no byte is lost.
Every byte received is appended to log_path as it arrives (a failed test
leaves the full log). expect() matches against *normalised* text: per line,
"\\r\\x1b[K" (the shell erasing its prompt to print another line) starts a
new line, so an erased prompt stays visible as a line of its own, ending in
ERASED (" <erased>"); then all
ANSI CSI sequences and all "\\r" are dropped. Each expect searches only output after
the previous match's end (an offset in the normalised text, so a match in the
unfinished last line stays put however that line is later redrawn).
Failures raise ExpectError subclasses (AssertionErrors) naming the pattern and
showing the end of the output.

read_rate (bytes per second, None: as fast as they come; settable at any
time) makes the console a slow terminal: the reader takes at most 10 ms
worth at a time and then waits, so QEMU's UART backs up and the
hypervisor's console must wait for it (a file chardev never backs up).
raw holds every byte received, as received (no normalising).

    from hvconsole import Console
    with Console("build/hv-run.iso", "build/tests/shell.log", timeout=60) as c:
        c.expect(r"hv: svm-hv .* starting")
        c.expect_exact("hv> ")
        c.sendline("help")
        c.expect(r"commands:")
        assert c.wait_exit() == "poweroff"

Debugging: `python3 tests/integration/hvconsole.py ISO [--uefi] [--log PATH]`
boots and bridges the terminal to the console; Ctrl-] quits.
"""
import os, re, select, shutil, socket, subprocess, sys, tempfile, threading, time

_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_CSI_TAIL = re.compile(r"\x1b(\[[0-?]*[ -/]*)?\Z")  # an escape cut off mid-way


ERASED = " <erased>"


def normalise(text: str) -> str:
    """Normalised view of console text (see the module docstring)."""
    out = []
    for line in text.split("\n"):
        # An erased prompt ("hv> " + what was typed) stays, as a line of its
        # own marked ERASED: the view only grows as bytes arrive, a prompt
        # seen once can be matched even after a guest's line erased it, and
        # a half-typed command is never taken for the Enter that ends it.
        pieces = line.split("\r\x1b[K")
        kept = [p + ERASED for p in pieces[:-1] if p] + [pieces[-1]]
        out.extend(_CSI.sub("", p).replace("\r", "") for p in kept)
    return _CSI_TAIL.sub("", "\n".join(out))


class ExpectError(AssertionError):
    """A console expectation failed (an AssertionError: test runners count a failure)."""
class ExpectTimeout(ExpectError):
    """The pattern did not appear in time."""
class ExpectEOF(ExpectError):
    """QEMU closed the console before the pattern appeared."""
class UnexpectedOutput(ExpectError):
    """expect_not saw its pattern."""


def medium(image):
    """QEMU's arguments for IMAGE, as tests/integration/lib.sh attaches it: an ISO
    as a CD, a .img file as a raw IDE hard disk whose writes go to a temporary
    overlay (snapshot=on), so the file never changes."""
    if str(image).endswith(".img"):
        return ["-drive", f"file={image},format=raw,if=ide,media=disk,snapshot=on"]
    return ["-cdrom", str(image)]


def default_cpu():
    """The CPU model of every boot (scripts/qemu-cpu.sh, the one definition)."""
    return subprocess.run(["bash", "scripts/qemu-cpu.sh"], check=True, capture_output=True,
                          text=True).stdout.strip()


class Console:
    def __init__(self, iso, log_path, smp=2, mem="1G", cpu=None,
                 uefi=False, extra_args=(), timeout=60, on_data=None,
                 serial_args=("-serial", "chardev:con"), read_rate=None):
        # serial_args attaches the chardev "con" (the socket) to a UART:
        # COM1 by default, or e.g. ("-serial", "null", "-device",
        # "isa-serial,chardev=con,iobase=0x2e0,irq=5") for another one.
        if not os.path.isfile(iso):
            raise FileNotFoundError(f"no image at {iso}")
        if cpu is None:
            cpu = default_cpu()
        self.deadline = time.monotonic() + timeout
        self.on_data = on_data  # optional callable(bytes), called per chunk received
        self.read_rate = read_rate
        self._closed = False
        self._cond = threading.Condition()
        self._raw = bytearray()
        self._done = ""      # normalised text of the complete lines
        self._line_at = 0    # offset in _raw where the incomplete last line starts
        self._cursor = 0     # offset in the normalised text where expect searches
        self._eof, self._sock, self._thread = False, None, None
        self._dir = tempfile.mkdtemp(prefix="hvc-")  # socket, trace, QEMU's own output
        sock_path, self._trace, self._stderr_path = (
            os.path.join(self._dir, n) for n in ("con", "trace", "qemu.out"))
        self._log = open(log_path, "wb")
        # As tests/integration/lib.sh, but COM1 on a socket; the shutdown-request trace
        # tells a power-off (reason 6, guest-shutdown) from a reset or crash.
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", cpu, "-smp", str(smp),
               "-m", str(mem), "-M", "pc", "-display", "none", "-nic", "none",
               "-no-reboot", "-monitor", "none",
               "-chardev", f"socket,id=con,path={sock_path},server=on,wait=on",
               *serial_args, *extra_args, *medium(iso),
               "-trace", "qemu_system_shutdown_request", "-D", self._trace]
        if uefi:
            cmd[1:1] = ["-bios", "/usr/share/OVMF/OVMF_CODE.fd"]
        with open(self._stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err,
                                         stderr=subprocess.STDOUT)
        try:
            self._connect(sock_path)
        except BaseException:
            self.close()
            raise
        self._thread = threading.Thread(target=self._reader, daemon=True)
        self._thread.start()

    def _qemu_output(self) -> str:
        with open(self._stderr_path, "rb") as f:
            return f.read().decode("latin-1").strip() or "(nothing)"

    @staticmethod
    def _tail(text: str) -> str:
        return f"last {len(text[-1500:])} characters:\n-----\n{text[-1500:]}\n-----"

    def _connect(self, path):
        limit = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"QEMU exited ({self.proc.returncode}) before the console "
                                   f"connected; its output:\n{self._qemu_output()}")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                s.settimeout(0.2)
                self._sock = s
                return
            except OSError as e:
                s.close()
                if time.monotonic() > limit:
                    raise RuntimeError(f"cannot connect to QEMU's console socket {path} in "
                                       f"10 s ({e}); its output:\n{self._qemu_output()}") from None
                time.sleep(0.05)

    def _reader(self):
        while not self._closed:
            rate = self.read_rate
            try:
                # A slow terminal: 10 ms worth, then the time it takes to
                # "print" it. The kernel holds little for a unix socket
                # QEMU writes one byte at a time, so QEMU's UART soon waits.
                data = self._sock.recv(max(1, int(rate / 100)) if rate else 65536)
            except socket.timeout:
                continue
            except OSError:  # closed under us
                data = b""
            if rate and data:
                time.sleep(len(data) / rate)
            self._log.write(data)
            self._log.flush()
            if data and self.on_data:
                self.on_data(data)
            with self._cond:
                self._eof = not data
                self._raw += data
                nl = self._raw.rfind(b"\n", self._line_at)
                if nl >= self._line_at:  # normalise complete lines once
                    self._done += normalise(self._raw[self._line_at:nl + 1].decode("latin-1"))
                    self._line_at = nl + 1
                self._cond.notify_all()
            if not data:
                return

    def _text(self) -> str:  # caller holds _cond
        return self._done + normalise(self._raw[self._line_at:].decode("latin-1"))

    @property
    def raw(self) -> bytes:
        """Every byte received so far, exactly as it came."""
        with self._cond:
            return bytes(self._raw)

    @property
    def text(self) -> str:
        """All normalised output so far."""
        with self._cond:
            return self._text()

    def send(self, data: str | bytes, char_delay=0.002):
        """Send bytes one at a time, char_delay seconds apart (the UART FIFO is small)."""
        data = data.encode("latin-1") if isinstance(data, str) else data
        for i in range(len(data)):
            try:
                self._sock.sendall(data[i:i + 1])
            except OSError as e:   # a timeout too: QEMU stopped taking input
                raise ExpectError(f"cannot send to the console ({e}); QEMU output:\n"
                                  + self._qemu_output()) from None
            if char_delay:
                time.sleep(char_delay)

    def sendline(self, text: str | bytes):
        self.send((text.encode("latin-1") if isinstance(text, str) else text) + b"\r")

    def ctrl_a(self, key: str):
        self.send(b"\x01" + key.encode("latin-1"))

    def expect_exact(self, s: str, timeout=10) -> re.Match:
        return self.expect(re.escape(s), timeout)

    def expect(self, pattern, timeout=10) -> re.Match:
        """Search regex `pattern` in the normalised output since the last match's end."""
        rx = re.compile(pattern)
        end = min(time.monotonic() + timeout, self.deadline)
        with self._cond:
            while True:
                text = self._text()
                self._cursor = min(self._cursor, len(text))
                m = rx.search(text, self._cursor)
                if m:
                    self._cursor = m.end()
                    return m
                left = end - time.monotonic()
                if self._eof or left <= 0:
                    why = ("QEMU closed the console" if self._eof else
                           f"timeout after {timeout} s" if end < self.deadline else
                           "the session's overall deadline passed")
                    msg = (f"pattern /{rx.pattern}/ not seen ({why}); unmatched output, "
                           f"{self._tail(text[self._cursor:])}")
                    if self._eof:
                        raise ExpectEOF(f"{msg}\nQEMU's own output:\n{self._qemu_output()}")
                    raise ExpectTimeout(msg)
                self._cond.wait(min(left, 0.5))

    def expect_not(self, pattern, within=1.0):
        """Fail if `pattern` appears in new output within `within` seconds (cursor unmoved)."""
        rx = re.compile(pattern)
        end = time.monotonic() + within
        with self._cond:
            while True:
                text = self._text()
                m = rx.search(text, min(self._cursor, len(text)))
                if m:
                    raise UnexpectedOutput(f"unexpected /{rx.pattern}/: {m.group(0)!r}; new "
                                           f"output, {self._tail(text[self._cursor:])}")
                left = end - time.monotonic()
                if left <= 0 or self._eof:
                    return
                self._cond.wait(min(left, 0.5))

    def wait_exit(self, timeout=20) -> str:
        """Wait for QEMU to end: "poweroff" (guest shutdown, per the trace) or "exited"."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ExpectTimeout(f"QEMU still running after {timeout} s; output, "
                                f"{self._tail(self.text)}") from None
        self._thread and self._thread.join(2)  # take in the last bytes
        trace = ""
        if os.path.exists(self._trace):
            with open(self._trace, encoding="latin-1") as f:
                trace = f.read()
        return "poweroff" if re.search(r"reason=(6|guest-shutdown)$", trace, re.M) else "exited"

    def close(self):
        """Kill QEMU if still running, close the socket and log; idempotent."""
        if self._closed:
            return
        self._closed = True
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread and self._thread.join(2)
        self._sock and self._sock.close()
        self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.close()


def main(argv):
    import argparse, termios, tty
    ap = argparse.ArgumentParser(description="Boot ISO in QEMU and bridge this terminal "
                                 "to its serial console; Ctrl-] quits.")
    ap.add_argument("iso")
    ap.add_argument("--uefi", action="store_true")
    ap.add_argument("--log", default=os.path.join(tempfile.gettempdir(), "hvconsole.log"))
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", default="1G")
    args = ap.parse_args(argv)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    sys.stderr.write(f"hvconsole: serial log in {args.log}; Ctrl-] quits\n")
    con = Console(args.iso, args.log, smp=args.smp, mem=args.mem, uefi=args.uefi,
                  timeout=10**9, on_data=lambda b: os.write(1, b))
    end, reading = "quit", True
    try:
        if saved:
            tty.setraw(fd)
        while con.proc.poll() is None:
            if select.select([fd] if reading else [], [], [], 0.2)[0]:
                data = os.read(fd, 1024)
                reading = bool(data)  # at EOF of a pipe, watch QEMU until it ends
                con.send(data.split(b"\x1d")[0])
                if b"\x1d" in data:
                    break
        else:
            end = con.wait_exit(5)
    except KeyboardInterrupt:
        pass
    finally:
        if saved:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        con.close()
    sys.stderr.write(f"\nhvconsole: {end}\n")


if __name__ == "__main__":
    main(sys.argv[1:])

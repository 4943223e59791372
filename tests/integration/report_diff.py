#!/usr/bin/env python3
"""tests/integration/report_diff.py REFERENCE UNDER_TEST - Compares two test
kernel reports (tests/guests/mb/lib/tk.h) line by line.

Every line must be equal, except the two kinds a kernel marks itself:
  "~ TEXT"        board identity or timing: only that the line is there;
  "~/REGEX/ TEXT" TEXT must match the (Python, ERE-like) REGEX on each side.
Prints a unified diff of the normalised reports and exits 1 when they
differ, 0 when they agree, 2 on a usage error."""
import difflib
import re
import sys

MATCH_LINE = re.compile(r"^~/(.*?)/ (.*)$")


def normalise(line):
    if line == "~" or line.startswith("~ "):
        return "~ (not compared)"
    m = MATCH_LINE.match(line)
    if m:
        regex, text = m.groups()
        try:
            ok = re.search(regex, text) is not None
        except re.error as e:
            return f"{line}   <- bad regex: {e}"
        return f"~/{regex}/ (matches)" if ok else f"{line}   <- does not match"
    return line


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [normalise(l.rstrip("\n")) for l in f]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref, got = read(sys.argv[1]), read(sys.argv[2])
    if ref == got:
        return 0
    sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
        ref, got, "QEMU -kernel (" + sys.argv[1] + ")", "hypervisor (" + sys.argv[2] + ")", lineterm=""))
    return 1


if __name__ == "__main__":
    sys.exit(main())

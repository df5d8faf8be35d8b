#!/usr/bin/env python3
"""Tabulate make bench's large-BAR runs (guest/bigbar), series against base.

  bigbar.py LOG...

Each LOG is a test-host boot named bigbar-COLUMN-SIZE-KERNEL-N.log
(SIZE: 1G, 4G; KERNEL: series, base, onepass (the alternative to patch 3
in tests/alternatives/) or debug; N: the boot's number). Per size and
measurement it prints, for each kernel, the median and the spread
[min-max] in milliseconds over every round of every boot, and the ratio of
the medians to the base's. Then the kill test: how long a task
killed during its first touch of the BAR took to exit, and in how many
rounds the kill landed before the touch had finished. And for the debug
kernel's boots, whether the host logged a soft lockup, an RCU stall or a
hung task. Figures only; exit 1 when a log holds no complete run.
"""
import os
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^# bigbar round=(\d+) what=(\S+) bytes=(\d+) ns=(\d+)\s*$")
WHATS = ["user-first-touch", "user-touch-all", "disable", "refault", "guest-first-touch"]
STALLS = re.compile(r"soft lockup|rcu_(?:sched|preempt)? ?(?:self-)?detected stall|"
                    r"rcu: INFO: .* stall|blocked for more than \d+ seconds|"
                    r"BUG: workqueue lockup")


def spread(xs):
    if not xs:
        return "-"
    return f"{statistics.median(xs):8.2f} [{min(xs):.2f}-{max(xs):.2f}]"


def read(paths):
    """data[size][kernel][what] = [ms...]; stalls[name] = [lines]"""
    data = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    stalls, bad = {}, 0
    for p in sorted(paths):
        m = re.match(r"bigbar-(\w+)-(\d+G)-(series|base|onepass|debug)-(\d+)\.log$",
                     os.path.basename(p))
        if not m:
            print(f"bigbar.py: {p}: not a bigbar log name", file=sys.stderr)
            bad += 1
            continue
        size, kernel = m.group(2), m.group(3)
        try:
            text = open(p, errors="replace").read()
        except OSError as e:
            print(f"bigbar.py: {e}", file=sys.stderr)
            bad += 1
            continue
        n, rounds, last = 0, defaultdict(list), -1
        lines = text.splitlines()
        for i, line in enumerate(lines):
            r = LINE.match(line)
            if r:
                data[size][kernel][r.group(2)].append(int(r.group(4)) / 1e6)
                n += 1
                rounds[r.group(2)].append(int(r.group(1)))
                last = i
        # Complete: each measurement's rounds in order, then plan-init's "ok" for bigbar.
        done = [i for i, x in enumerate(lines) if re.match(r"^ok \d+ bigbar\b", x)]
        if not n or not done or done[0] < last or any(x != sorted(x) for x in rounds.values()):
            print(f"bigbar.py: {p}: no complete bigbar run", file=sys.stderr)
            bad += 1
        if kernel == "debug":
            stalls[os.path.basename(p)] = [l for l in text.splitlines() if STALLS.search(l)]
    return data, stalls, bad


def main(paths):
    data, stalls, bad = read(paths)
    for size in sorted(data, key=lambda s: int(s[:-1])):
        kernels = data[size]
        print(f"Large BAR, {size}iB ivshmem BAR 2 through vfio-pci: milliseconds, "
              "median [min-max] over all rounds")
        alt = "onepass" in kernels
        head = f"  {'measurement':18} {'series':26} {'base':26} {'series/base':>11}"
        if alt:
            head += f"  {'one-pass':26} {'one-pass/base':>13}"
        print(head)
        for what in WHATS:
            b = kernels["base"].get(what, [])

            def ratio(x):
                return f"{statistics.median(x) / statistics.median(b):.2f}" \
                    if x and b and statistics.median(b) > 0 else "-"
            s_ = kernels["series"].get(what, [])
            row = f"  {what:18} {spread(s_):26} {spread(b):26} {ratio(s_):>11}"
            if alt:
                o = kernels["onepass"].get(what, [])
                row += f"  {spread(o):26} {ratio(o):>13}"
            print(row)
        for kernel in ("series", "base", "onepass", "debug"):
            k = kernels.get(kernel)
            if not k or not k.get("kill-exit"):
                continue
            killed = len(k.get("first-touch-killed", []))
            total = killed + len(k.get("first-touch-done", []))
            print(f"  {kernel}: a task killed during its first touch exits in "
                  f"{spread(k['kill-exit']).strip()} ms; the kill landed during the touch "
                  f"in {killed} of {total} rounds")
        if kernels.get("debug"):
            for what in ("user-first-touch", "guest-first-touch"):
                print(f"  debug kernel (KASAN, lockdep): {what} {spread(kernels['debug'].get(what, [])).strip()} ms")
        print()
    for name, lines in sorted(stalls.items()):
        if lines:
            print(f"{name}: the host reported {len(lines)} stall(s): {lines[0].strip()}")
        else:
            print(f"{name}: no soft lockup, RCU stall or hung task reported")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))

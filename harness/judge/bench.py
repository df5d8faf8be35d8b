#!/usr/bin/env python3
"""Tabulate make bench: the stage-2 fault path, series against base.

  bench.py LOG...

Each LOG is a test-host boot named bench-COLUMN-KERNEL-N.log (KERNEL:
series or base, N: the boot's number) whose guest/s2bench lines plan-init
relayed; bench-icount-COLUMN-KERNEL-N.log is one booted under QEMU's
instruction counting (-icount shift=0), where the guest's counter counts
instructions, and is shown as the column "COLUMN icount". Per column and backing it prints the time per stage-2 fault (one
per 4 KiB page) on each kernel as median [25th-75th percentile] over every
round of every boot; the ratio series / base over pairs of rounds (round
i of the series' boots against round i of the base's); and base / base
over pairs of rounds from the base's first and second boots, the noise
floor the first ratio must be read against. Then the guest's write
throughput into the BAR: an unaligned copy through Normal-NC, and aligned
stores through Device-nGnRE. Then, for the -icount boots, each boot's
median time per fault and the spread of those medians from boot to boot
((max - min) / median): the figure repeats when the spread is small; their
writes are not shown, and where the base's unaligned copy completed (the
emulator did not raise the stage-2 alignment fault) that is said.
Exit 1 if a log has no complete run.
"""
import os
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^# bench round=(\d+) what=(\S+) units=(\d+) "
                  r"(?:ticks=(\d+) freq=(\d+)|result=(\w+))")


def quart(xs):
    """(median, 25th, 75th percentile)."""
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[1], q[0], q[2]


def fmt(xs, unit, digits=1):
    if not xs:
        return "-"
    m, lo, hi = quart(xs)
    return f"{m:.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}] {unit}"


def main(paths):
    # data[col][kernel][what] = [(boot, round, value or None)]
    data = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    bad = 0
    for p in sorted(paths):
        m = re.match(r"bench-(icount-)?(\w+)-(series|base)-(\d+)\.log$", os.path.basename(p))
        if not m:
            print(f"error: {p}: not a bench log name", file=sys.stderr)
            bad = 1
            continue
        col = m.group(2) + (" icount" if m.group(1) else "")
        kernel, boot = m.group(3), int(m.group(4))
        text = open(p, errors="replace").read()
        n, rounds, last = 0, defaultdict(list), -1
        lines = text.splitlines()
        for i, line in enumerate(lines):
            r = LINE.match(line)
            if not r:
                continue
            rnd, what, units = int(r.group(1)), r.group(2), int(r.group(3))
            rounds[what].append(rnd)
            last = i
            if r.group(4):
                secs = int(r.group(4)) / int(r.group(5))
                val = secs * 1e6 / units if what.startswith("fault") else units / secs / 1e6
            else:
                val = None     # the guest's access ended in a stage-2 fault
            data[col][kernel][what].append((boot, rnd, val))
            n += 1
        # Complete: each measurement's rounds in order, then plan-init's
        # "ok" for s2bench.
        done = [i for i, x in enumerate(lines) if re.match(r"^ok \d+ s2bench", x)]
        if not n or not done or done[0] < last or any(x != sorted(x) for x in rounds.values()):
            print(f"error: {p}: no complete s2bench run", file=sys.stderr)
            bad = 1
    if not data:
        print("error: no bench logs", file=sys.stderr)
        return 1
    print("Stage-2 fault path: time per fault (one per 4 KiB page), "
          "median [25th-75th percentile]")
    print(f"  {'column':10} {'backing':7} {'series':26} {'base':26} "
          f"{'series / base':22} {'base / base (noise)'}")
    for col in sorted(data):
        for backing in ("vfio", "anon"):
            what = f"fault-{backing}"
            s = data[col]["series"][what]
            b = data[col]["base"][what]
            sv = [v for _, _, v in sorted(s) if v is not None]
            bv = [v for _, _, v in sorted(b) if v is not None]
            ratio = [x / y for x, y in zip(sv, bv)]
            boots = sorted({bt for bt, _, _ in b})
            b1 = [v for bt, _, v in sorted(b) if bt == boots[0] and v is not None]
            b2 = [v for bt, _, v in sorted(b) if len(boots) > 1 and bt == boots[1] and v is not None]
            noise = [x / y for x, y in zip(b2, b1)]
            print(f"  {col:10} {backing:7} {fmt(sv, 'us'):26} "
                  f"{fmt(bv, 'us'):26} {fmt(ratio, '', 3):22} {fmt(noise, '', 3):22}")
    print()
    print("Guest writes into the 64 MiB vfio BAR (MB/s), median [25th-75th percentile]")
    for col in sorted(c for c in data if not c.endswith(" icount")):
        for kernel in ("series", "base"):
            cp = data[col][kernel]["copy-nc-unaligned"]
            st = data[col][kernel]["store-device-aligned"]
            cv = [v for _, _, v in cp if v is not None]
            faults = sum(v is None for _, _, v in cp)
            copy = fmt(cv, "MB/s") if cv else f"n/a: {faults} of {len(cp)} rounds ended in a stage-2 fault"
            print(f"  {col:10} {kernel:7} unaligned copy via Normal-NC: {copy}; "
                  f"aligned stores via Device-nGnRE: {fmt([v for _, _, v in st if v is not None], 'MB/s')}")
    icount = sorted(c for c in data if c.endswith(" icount"))
    if icount:
        print()
        print("Under -icount: time per stage-2 fault in virtual time (1 ns per instruction), "
              "each boot's median, and their spread from boot to boot")
        for col in icount:
            for backing in ("vfio", "anon"):
                meds = {}
                for kernel in ("series", "base"):
                    per = defaultdict(list)
                    for bt, _, v in data[col][kernel][f"fault-{backing}"]:
                        if v is not None:
                            per[bt].append(v)
                    meds[kernel] = [statistics.median(per[bt]) for bt in sorted(per)]
                    ms = meds[kernel]
                    spread = (max(ms) - min(ms)) / statistics.median(ms) * 100 if ms else 0
                    print(f"  {col:12} {backing:5} {kernel:7} "
                          + " ".join(f"{x:.4f}" for x in ms)
                          + (f" us; spread {spread:.3f}% over {len(ms)} boots" if ms else "-"))
                if meds["series"] and meds["base"]:
                    r = statistics.median(meds["series"]) / statistics.median(meds["base"])
                    print(f"  {col:12} {backing:5} series / base {r:.4f}")
            # The writes are not shown: whether the emulator raises the
            # stage-2 alignment fault under -icount is what the base tells.
            cp = data[col]["base"]["copy-nc-unaligned"]
            done = sum(v is not None for _, _, v in cp)
            if done:
                print(f"  {col}: the base's unaligned copy to its Device stage 2 completed in "
                      f"{done} of {len(cp)} rounds: under -icount this emulator does not raise "
                      "the stage-2 alignment fault, so the writes are not measured there")
    return bad


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))

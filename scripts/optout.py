#!/usr/bin/env python3
"""Judge the administrator's opt-out, vfio_pci_core.disable_any_uncached.

  optout.py COLUMN BASE_LOG CMDLINE_LOG RUNTIME_LOG

BASE_LOG     the base kernel running tests/e2e.plan (gate 70's log)
CMDLINE_LOG  the series booted with vfio_pci_core.disable_any_uncached=1,
             running tests/e2e.plan
RUNTIME_LOG  the series running tests/optout.plan: the switch turned on in
             sysfs, the selftest, the switch turned off, the selftest again

With the switch on, every subtest must come out as on the base and KVM
must map the vfio BAR DEVICE at stage 2; with it off again, every subtest
must pass and the BAR must be NORMAL_NC. Prints PASS:/FAIL: lines and the
vfio column of the table for each run; exit 1 on a FAIL.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e    # noqa: E402
import s2map  # noqa: E402

PARAM = "/sys/module/vfio_pci_core/parameters/disable_any_uncached"


def segments(text, names):
    """The part of text from plan-init's "running FIRST" line up to the
    next "running" line that is not in names (names are consecutive
    steps of the plan)."""
    out, keep = [], False
    for line in text.splitlines(keepends=True):
        m = re.match(r"^# plan-init: running (\S+)", line)
        if m:
            keep = m.group(1) in names
        if keep:
            out.append(line)
    return "".join(out)


def judge_run(label, text, kernel, base):
    """kernel: what the vfio BAR must look like ("base" or "series")."""
    fails = 0
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        subtests, cells = e2e.read(path)
        if not subtests or len(subtests) != e2e.N_SUBTESTS:
            print(f"FAIL: optout {label}: {len(subtests or [])} subtests, want {e2e.N_SUBTESTS}")
            return 1, {}
        if kernel == "base":
            want = {k: s for k, s, _ in base}
            diff = [f"{k}: {s}, base {want.get(k)}" for k, s, _ in subtests if want.get(k) != s]
            what = "every subtest as on the base"
        else:
            diff = [f"{k}: {s}" for k, s, _ in subtests if s != "ok"]
            what = "every subtest passes"
        if diff:
            print(f"FAIL: optout {label}: not {what}: {'; '.join(diff[:3])}")
            fails += 1
        else:
            print(f"PASS: optout {label}: {what}")
        fails += s2map.main(path, kernel, f"optout {label}") != 0
        return fails, cells
    finally:
        os.unlink(path)


def vfio_column(cells):
    return ", ".join(f"{s1} {e2e.observed(cells.get(('vfio', s1)))}" for s1 in e2e.S1)


def main(column, base_log, cmdline_log, runtime_log):
    base, bcells = e2e.read(base_log)
    if not base:
        print(f"FAIL: optout {column}: no base run in {base_log}")
        return 1
    fails = 0
    try:
        cmdline = open(cmdline_log, errors="replace").read()
        runtime = open(runtime_log, errors="replace").read()
    except OSError as e:
        print(f"FAIL: optout {column}: {e}")
        return 1
    if not re.search(r"Kernel command line: .*vfio_pci_core\.disable_any_uncached=1", cmdline):
        print(f"FAIL: optout {column}: the command-line boot did not get the parameter")
        fails += 1
    f, c1 = judge_run(f"{column} command line", cmdline, "base", base)
    fails += f
    shown = re.findall(r"^# (Y|N)\s*$", runtime, re.M)
    if shown[:2] == ["Y", "N"]:
        print(f"PASS: optout {column} sysfs: {PARAM} reads Y, then N")
    else:
        print(f"FAIL: optout {column} sysfs: {PARAM} read {shown}, want ['Y', 'N']")
        fails += 1
    f, c2 = judge_run(f"{column} run time on", segments(
        runtime, {"s2trace-on", "memattr-optout", "s2trace-dump"}), "base", base)
    fails += f
    f, c3 = judge_run(f"{column} run time off", segments(
        runtime, {"s2trace-on2", "memattr-default", "s2trace-dump2"}), "series", base)
    fails += f
    print(f"  [{column}] vfio-pci BAR, combined type observed in the guest:")
    for label, cells in (("base", bcells), ("series, disable_any_uncached=1 at boot", c1),
                         ("series, switched on at run time", c2),
                         ("series, switched off again", c3)):
        print(f"    {label:40} {vfio_column(cells)}")
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

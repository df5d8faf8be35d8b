#!/usr/bin/env python3
"""Judge the administrator's opt-out, vfio-pci's disable_any_uncached.

  optout.py COLUMN BASE_LOG ON_LOG OFF_LOG

BASE_LOG  the base kernel running tests/e2e.plan (gate 70's log)
ON_LOG    the series booted with vfio_pci.disable_any_uncached=1 on the
          kernel command line, running tests/optout.plan
OFF_LOG   the series booted without it, running tests/optout.plan

With the parameter set, every subtest must come out as on the base and
KVM must map the vfio BAR DEVICE at stage 2; without it, every subtest
must pass and the BAR must be NORMAL_NC. Both times the parameter must
read back as it was set (Y, N) and refuse a write (it is read-only).
Prints PASS:/FAIL: lines and the vfio column of the table for each run;
exit 1 on a FAIL.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e    # noqa: E402
import s2map  # noqa: E402

PARAM = "/sys/module/vfio_pci/parameters/disable_any_uncached"
TEST = "memattr"        # vfio_bar_memattr's name in tests/optout.plan


def judge_run(label, path, kernel, base):
    """kernel: what the vfio BAR must look like ("base" or "series")."""
    run = e2e.parse(path, TEST)
    why = e2e.incomplete(run, kernel, TEST)
    if why:
        for w in why:
            print(f"FAIL: optout {label}: {w}")
        return 1, {}
    subtests, cells = run.subtests, run.cells
    if kernel == "base":
        want = {k: s for k, s, _ in base}
        diff = [f"{k}: {s}, base {want.get(k)}" for k, s, _ in subtests if want.get(k) != s]
        what = "every subtest as on the base"
    else:
        diff = [f"{k}: {s}" for k, s, _ in subtests if s != "ok"]
        what = "every subtest passes"
    fails = 0
    if diff:
        print(f"FAIL: optout {label}: not {what}: {'; '.join(diff[:3])}")
        fails += 1
    else:
        print(f"PASS: optout {label}: {what}")
    fails += s2map.main(path, kernel, f"optout {label}") != 0
    return fails, cells


def vfio_column(cells):
    return ", ".join(f"{s1} {e2e.observed(cells.get(('vfio', s1)))}" for s1 in e2e.S1)


def param_checks(label, text, want):
    """The plan's optout-show and optout-readonly steps: the parameter
    reads want (Y or N), and a write to it was refused."""
    fails = 0
    shown = re.findall(r"^# (Y|N)\s*$", text, re.M)
    if shown == [want]:
        print(f"PASS: optout {label}: {PARAM} reads {want}")
    else:
        print(f"FAIL: optout {label}: {PARAM} read {shown}, want ['{want}']")
        fails += 1
    if re.search(r"^# fsio: write '0' to \S+ refused: Permission denied", text, re.M) and \
            re.search(r"^ok \d+ optout-readonly\b", text, re.M):
        print(f"PASS: optout {label}: {PARAM} is read-only (write refused: Permission denied)")
    else:
        print(f"FAIL: optout {label}: a write to {PARAM} was not refused with EACCES")
        fails += 1
    return fails


def judge(column, base_log, on_log, off_log):
    base, bcells = e2e.read(base_log)
    if not base:
        print(f"FAIL: optout {column}: no base run in {base_log}")
        return 1
    fails = 0
    try:
        on = open(on_log, errors="replace").read()
        off = open(off_log, errors="replace").read()
    except OSError as e:
        print(f"FAIL: optout {column}: {e}")
        return 1
    if not re.search(r"Kernel command line: .*vfio_pci\.disable_any_uncached=1", on):
        print(f"FAIL: optout {column}: the boot with the parameter did not get it")
        fails += 1
    if re.search(r"disable_any_uncached", "".join(
            l for l in off.splitlines(keepends=True) if "Kernel command line" in l)):
        print(f"FAIL: optout {column}: the boot without the parameter had it")
        fails += 1
    fails += param_checks(f"{column} set", on, "Y")
    fails += param_checks(f"{column} not set", off, "N")
    f, c1 = judge_run(f"{column} set", on_log, "base", base)
    fails += f
    f, c2 = judge_run(f"{column} not set", off_log, "series", base)
    fails += f
    print(f"  [{column}] vfio-pci BAR, combined type observed in the guest:")
    for label, cells in (("base", bcells), ("series, vfio_pci.disable_any_uncached=1", c1),
                         ("series, parameter not set", c2)):
        print(f"    {label:40} {vfio_column(cells)}")
    return 1 if fails else 0


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    return judge(*argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

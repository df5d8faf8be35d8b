#!/usr/bin/env python3
"""Judge and tabulate the end-to-end selftest (vfio_bar_memattr) runs.

  e2e.py judge COLUMN BASE_LOG PATCHED_LOG
      one PASS:/FAIL: line per subtest: the series must pass all of them,
      and the base must fail exactly those that depend on the series;
      first one line per run: it must be complete (exit status 1 on any
      FAIL)
  e2e.py table COLUMN BASE_LOG PATCHED_LOG
      the guest-observed S1 x S2 table, patched / base / expected

A log is the console of one test-host boot; the selftest's KTAP is in it,
relayed by plan-init with a "# " prefix, between plan-init's "# plan-init:
running vfio_bar_memattr" and its own result line for the test. When the
plan runs the selftest through the kselftest runner (run_kselftest.sh), its
output carries one more "# " and the runner's result line gives its exit
status (ktap.unwrap_runner()).

A run is complete when the selftest printed its plan "1..31", 31 subtest
lines numbered 1..31, and its "# Totals: pass:P fail:F ..." line agreeing
with them, and plan-init reports its exit status: 0 on the series; on the
base 1 (KSFT_FAIL, for the subtests that need the series; 0 if none
failed). A selftest that plan-init reports "killed by signal" or "timed
out", that bailed out, or whose exit status is any other, fails the judge
however many "ok" lines it printed first.

kselftest prints a skipped subtest as "ok N # SKIP MESSAGE"
(ksft_test_result_skip() in tools/testing/selftests/kselftest.h); its key
is MESSAGE. The generic KTAP form "ok N DESCRIPTION # SKIP REASON" is read
too. A skipped subtest fails the judge ("series skip", "base skip").
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid  # noqa: E402
import ktap  # noqa: E402

S1 = ["Device-nGnRE", "Normal-NC", "Normal-WB"]
BACKINGS = [("vfio", "vfio-pci BAR"), ("sysfs", "sysfs resource2"),
            ("anon", "anonymous memory")]
# The combined type the architecture gives with the series applied.
EXPECTED = {
    "vfio": ["Device-nGnRE", "Normal-NC", "Normal-NC"],
    "sysfs": ["Device-nGnRE", "Device-nGnRE", "Device-nGnRE"],
    "anon": ["Device-nGnRE", "Normal-NC", "Normal-WB"],
}
# Subtests that only the series makes pass: the negative control.
SERIES_ONLY = re.compile(r"^vfio Normal-(NC|WB): unaligned (load|store)|"
                         r"^vfio Normal-NC: copy ")
# How the base must fail them: the stage-2 alignment fault, which 6.1
# cannot handle on a Device mapping ("Unsupported FSC") and turns into
# EFAULT from KVM_RUN. A base that fails them otherwise (a guest
# exception, a timeout, wrong data alone) fails the judge.
BASE_FAILURE = re.compile(r"stage-2 fault \(KVM_RUN: EFAULT\b")
COLUMNS = {
    "vhe": "-cpu max, VHE, FWB",
    "nvhe": "-cpu max, kvm-arm.mode=nvhe, FWB",
    "protected": "-cpu max, kvm-arm.mode=protected, FWB",
    "nofwb": "-cpu cortex-a57, nVHE, no FWB",
}
N_SUBTESTS = 31
TEST = "vfio_bar_memattr"       # its name in tests/e2e.plan
KSFT_FAIL = 1                   # ksft_finished() when a subtest failed

CELL = re.compile(r"^# cell (\S+) (\S+) (\S+) (\S+) (\S+)$")


class Run:
    """One boot's selftest run: subtests [(key, status, detail)] in order,
    their numbers, cells {(backing, s1): (aligned, load, store)}, the KTAP
    plan count, the Totals {name: n}, plan-init's exit status for the test,
    and what went wrong on the way (crash, bail out)."""

    def __init__(self, run):
        self.subtests = [subtest(ok, text) for _, ok, text in run.subtests]
        self.numbers = [n for n, _, _ in run.subtests]
        self.cells = {}
        for line in run.lines:
            m = CELL.match(line)
            if m:
                self.cells[(m.group(1), m.group(2))] = m.group(3, 4, 5)
        self.plan, self.totals, self.exit = run.plan, run.totals, run.exit
        self.trouble = run.trouble


def subtest(ok, desc):
    """(key, status, detail) of one subtest line's text after "ok N "."""
    directive = ""
    if desc.startswith("# "):
        # kselftest's own form: "ok N # SKIP message", "not ok N # error ..."
        directive, _, desc = desc[2:].partition(" ")
    elif " # " in desc:
        desc, _, directive = desc.partition(" # ")
        directive = directive.split(" ")[0]
    if not ok:
        status = "fail"
    elif directive:
        status = directive.lower()      # skip, or xfail: not a pass either
    else:
        status = "ok"
    if status == "skip":
        return desc, status, desc
    key, _, detail = desc.partition(" (")
    return key, status, detail.rstrip(")")


def parse(path, test=TEST):
    """The Run in the log at path, or None when it cannot be read. The
    KTAP, plan-init's framing and the kselftest runner are read by
    harness/judge/ktap.py. test: the selftest's name in the plan
    (tests/optout.plan names it memattr)."""
    text = ktap.read(path)
    return None if text is None else Run(ktap.selftest_run(text, test))


def read(path, test=TEST):
    """(subtests, cells) of parse(), for harness/judge/compare.py; (None, {})
    when the log cannot be read."""
    run = parse(path, test)
    if run is None:
        return None, {}
    return run.subtests, run.cells


def incomplete(run, name, test=TEST):
    """Why run (of the base or the series) cannot be trusted; [] if it can."""
    if run is None:
        return ["cannot read the log"]
    why = list(run.trouble)
    if run.plan != N_SUBTESTS:
        why.append(f"the selftest's KTAP plan is {'missing' if run.plan is None else f'1..{run.plan}'}, "
                   f"want 1..{N_SUBTESTS}")
    if run.numbers != list(range(1, len(run.numbers) + 1)):
        why.append(f"subtests numbered {run.numbers[:5]}..., not 1..{len(run.numbers)}")
    statuses = [st for _, st, _ in run.subtests]
    if run.totals is None:
        why.append("no '# Totals:' line: the selftest did not finish")
    else:
        seen = {"pass": statuses.count("ok"), "skip": statuses.count("skip"),
                "fail+error": statuses.count("fail"), "xfail": statuses.count("xfail")}
        said = {"pass": run.totals["pass"], "skip": run.totals["skip"],
                "fail+error": run.totals["fail"] + run.totals["error"],
                "xfail": run.totals["xfail"]}
        if seen != said or run.totals["xpass"]:
            why.append(f"its Totals line says {said}, its subtest lines {seen}")
    if name == "series":
        want = 0
    else:
        want = KSFT_FAIL if "fail" in statuses else 0
    if run.exit is None:
        why.append(f"plan-init reports no result for {test}: the boot was cut short")
    elif run.exit != want:
        why.append(f"the selftest exited {run.exit}, want {want}")
    return why


def judge(column, base_log, patched_log):
    base, patched = parse(base_log), parse(patched_log)
    fails = 0
    for name, run, log in (("base", base, base_log), ("series", patched, patched_log)):
        why = incomplete(run, name)
        for w in why:
            print(f"FAIL: e2e {column}: {name} run: {w} (log: {log})")
        fails += len(why)
        if not why:
            t = run.totals
            print(f"PASS: e2e {column}: {name} run complete: 1..{run.plan}, Totals "
                  f"pass:{t['pass']} fail:{t['fail']} skip:{t['skip']}, exit {run.exit}")
    # Subtests are compared pairwise: only when both runs have them all.
    short = base is None or patched is None
    for name, run, log in (("base", base, base_log), ("series", patched, patched_log)):
        if run is not None and len(run.subtests) != N_SUBTESTS:
            print(f"FAIL: e2e {column}: {name} run reported {len(run.subtests)} "
                  f"subtests, want {N_SUBTESTS} (log: {log})")
            fails += 1
            short = True
    if short:
        return 1
    for (bkey, b, bd), (pkey, p, pd) in zip(base.subtests, patched.subtests):
        # A skip's key is its message: compare what it is about
        # ("vfio Device-nGnRE"), not what it says.
        if "skip" in (b, p):
            same = bkey.split(":")[0] == pkey.split(":")[0]
        else:
            same = bkey == pkey
        if not same:
            print(f"FAIL: e2e {column}: subtests out of step: '{bkey}' / '{pkey}'")
            fails += 1
            continue
        key = pkey if p != "skip" else bkey
        if key.startswith("calibration") and b != "skip" and p != "skip" and \
                (b != "ok" or p != "ok"):
            fails += 1
            if b != "ok" and p != "ok":
                print(f"FAIL: e2e {column} {key}: base {b}, series {p}: the emulator "
                      "does not raise the stage-2 alignment fault, so it cannot tell "
                      "the series from its absence (QEMU >= 10 needed)")
            elif p != "ok":
                print(f"FAIL: e2e {column} {key}: series {p}, base ok: with the series "
                      "an unaligned access to the sysfs BAR (MMIO that is not vfio's) "
                      "no longer faults: the series maps it other than Device-nGnRE")
            else:
                print(f"FAIL: e2e {column} {key}: base {b}, series ok: the base's run "
                      "does not fault on the sysfs BAR, the series' does: the base "
                      "kernel or its run is broken")
            continue
        want_base = "fail" if SERIES_ONLY.search(key) else "ok"
        if p == "ok" and b == "fail" == want_base and not BASE_FAILURE.search(bd):
            print(f"FAIL: e2e {column} {key}: the base fails it for another reason: "
                  f"'{bd}'; the control expects the stage-2 alignment fault, "
                  f"EFAULT from KVM_RUN")
            fails += 1
        elif p == "ok" and b == want_base:
            print(f"PASS: e2e {column} {key}: series ok, base {b}")
        else:
            print(f"FAIL: e2e {column} {key}: series {p} ({pd}), base {b} ({bd}); "
                  f"want series ok, base {want_base}")
            fails += 1
    return 1 if fails else 0


def observed(cell):
    """Combined type as the guest sees it: faults mean Device."""
    if cell is None:
        return "-"
    _, load, store = cell
    if load == store == "device":
        return "Device"
    if load == store == "normal":
        return "Normal"
    return f"load {load}, store {store}"


def table(column, base_log, patched_log):
    base, bcells = read(base_log)
    patched, pcells = read(patched_log)
    print(f"[{column}] {COLUMNS.get(column, '')}: combined type observed in the "
          "guest, series / base (expected with the series)")
    head = ["guest S1 \\ host"] + [b[1] for b in BACKINGS]
    rows = []
    for i, s1 in enumerate(S1):
        row = [s1]
        for b, _ in BACKINGS:
            row.append(f"{observed(pcells.get((b, s1)))} / "
                       f"{observed(bcells.get((b, s1)))} ({EXPECTED[b][i]})")
        rows.append(row)
    grid.print_grid(head, rows)
    extra = {}
    for name, results in (("series", patched), ("base", base)):
        for key, status, detail in results or []:
            if key.startswith(("vfio: execute", "anon: execute", "vfio Normal-NC: copy")):
                extra.setdefault(key, []).append(f"{name} {status} ({detail})")
    for key, res in extra.items():
        print(f"  {key}: " + "; ".join(res))
    return 0


def main(argv):
    if len(argv) != 4 or argv[0] not in ("judge", "table"):
        sys.exit(__doc__)
    return (judge if argv[0] == "judge" else table)(*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

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
status (unwrap_runner()).

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
import re
import sys

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
COLUMNS = {
    "vhe": "-cpu max, VHE, FWB",
    "nvhe": "-cpu max, kvm-arm.mode=nvhe, FWB",
    "protected": "-cpu max, kvm-arm.mode=protected, FWB",
    "nofwb": "-cpu cortex-a57, nVHE, no FWB",
}
N_SUBTESTS = 31
TEST = "vfio_bar_memattr"       # its name in tests/e2e.plan
KSFT_FAIL = 1                   # ksft_finished() when a subtest failed

SUBTEST = re.compile(r"^# (not ok|ok) (\d+) (.*)$")
TOTALS = re.compile(r"^# # Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) "
                    r"skip:(\d+) error:(\d+)$")
CELL = re.compile(r"^# # cell (\S+) (\S+) (\S+) (\S+) (\S+)$")
PLAN_RESULT = re.compile(rf"^(not ok|ok) \d+ {TEST}(?: # (.*))?$")


class Run:
    """One boot's selftest run: subtests [(key, status, detail)] in order,
    their numbers, cells {(backing, s1): (aligned, load, store)}, the KTAP
    plan count, the Totals {name: n}, plan-init's exit status for the test,
    and what went wrong on the way (crash, bail out)."""

    def __init__(self):
        self.subtests, self.numbers, self.cells = [], [], {}
        self.plan = self.totals = self.exit = None
        self.trouble = []


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


RUNNER_HDR = f"# # selftests: kvm: {TEST}"
RUNNER_RESULT = re.compile(rf"^# (not ok|ok) \d+ selftests: kvm: {TEST}(?: # (.*))?$")


def unwrap_runner(lines):
    """The selftest run through the kselftest runner (run_kselftest.sh)
    as if plan-init had run it directly. The runner prefixes the test's
    output with "# " (plan-init adds another) and reports its exit status
    in its own result line, "ok N selftests: kvm: TEST", "... # SKIP" or
    "not ok N selftests: kvm: TEST # exit=R" (or "# TIMEOUT S seconds"):
    that line stands in for plan-init's, whose status is the shell's."""
    try:
        begin = lines.index(f"# plan-init: running {TEST}")
        hdr = lines.index(RUNNER_HDR, begin)
    except ValueError:
        return lines
    out = lines[:begin + 1]
    for line in lines[hdr + 1:]:
        if PLAN_RESULT.match(line):
            # The shell ended before the runner reported the test: its own
            # exit status says nothing about the test's.
            out.append(f"not ok 0 {TEST} # no result from the kselftest runner")
            break
        m = RUNNER_RESULT.match(line)
        if m:
            note = m.group(2) or ""
            if m.group(1) == "ok":
                out.append(f"ok 0 {TEST}" + (" # SKIP" if note.startswith("SKIP") else ""))
            elif note.startswith("TIMEOUT"):
                out.append(f"# plan-init: {TEST} timed out (kselftest runner: {note})")
                out.append(f"not ok 0 {TEST} # timed out")
            else:
                e = re.match(r"exit=(\d+)", note)
                out.append(f"not ok 0 {TEST} # exit {e.group(1) if e else '?'}")
            break
        out.append(line[2:] if line.startswith("# # ") or line == "# #" else line)
    return out


def parse(path):
    """The Run in the log at path, or None when it cannot be read."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    lines = unwrap_runner([x.rstrip("\r") for x in text.splitlines()])
    # Only the selftest's own stretch: other tests of the plan are
    # relayed with "# " too.
    begin = next((i for i, x in enumerate(lines)
                  if x == f"# plan-init: running {TEST}"), -1)
    run = Run()
    for line in lines[begin + 1:]:
        m = SUBTEST.match(line)
        if m:
            run.numbers.append(int(m.group(2)))
            run.subtests.append(subtest(m.group(1) == "ok", m.group(3)))
            continue
        m = CELL.match(line)
        if m:
            run.cells[(m.group(1), m.group(2))] = m.group(3, 4, 5)
            continue
        m = TOTALS.match(line)
        if m:
            run.totals = dict(zip(("pass", "fail", "xfail", "xpass", "skip", "error"),
                                  map(int, m.groups())))
            continue
        m = re.match(r"^# 1\.\.(\d+)", line)
        if m and run.plan is None:
            run.plan = int(m.group(1))
            continue
        if re.match(rf"^# plan-init: {TEST} (killed by signal|timed out)", line):
            run.trouble.append("the selftest was " + line.split(f"{TEST} ", 1)[1])
        elif line.startswith("# Bail out!"):
            run.trouble.append("the selftest bailed out: " + line[2:])
        elif line.startswith("# # Planned tests != run tests"):
            run.trouble.append("the selftest says: " + line[4:])
        m = PLAN_RESULT.match(line)
        if m and begin >= 0:
            note = m.group(2) or ""
            if m.group(1) == "ok":
                run.exit = 4 if note.startswith("SKIP") else 0
            else:
                e = re.match(r"exit (\d+)", note)
                run.exit = int(e.group(1)) if e else -1
            break
        if begin >= 0 and (line.startswith("# plan-init: running ") or line == "PLAN-END"):
            break
    return run


def read(path):
    """(subtests, cells) of parse(), for harness/judge/compare.py; (None, {})
    when the log cannot be read."""
    run = parse(path)
    if run is None:
        return None, {}
    return run.subtests, run.cells


def incomplete(run, name):
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
        why.append(f"plan-init reports no result for {TEST}: the boot was cut short")
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
        if p == "ok" and b == want_base:
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
    widths = [max(len(r[c]) for r in [head] + rows) for c in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + rows:
        print(("  " + " | ".join(x.ljust(w) for x, w in zip(r, widths))).rstrip())
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

#!/usr/bin/env python3
"""Judge and tabulate guest/barcover: the first, middle and last page of a
whole BAR of 64 MiB, pages mmap'd alone at a non-zero offset, the register
BAR, and the revocation of every page (gate 72, tests/contain.plan).

  barcover.py judge COLUMN BASE_LOG SERIES_LOG
      one PASS:/FAIL: line per run (it must be complete: plan 1..13, the
      13 subtests in order, Totals agreeing, exit 0 on the series and 1 on
      the base) and per subtest: the series must pass every one; the base
      must fail those that need Normal-NC at stage 2, with the stage-2
      alignment fault (EFAULT from KVM_RUN) and nothing else, and pass
      the rest. Exit status 1 on any FAIL.
  barcover.py table COLUMN BASE_LOG SERIES_LOG
      the places x base / series, as the guest observed them
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid  # noqa: E402
import ktap  # noqa: E402

TEST = "barcover"       # its name in tests/contain.plan
KSFT_FAIL = 1
EFAULT = r"^KVM_RUN: EFAULT$"
EFAULT3 = r"^KVM_RUN: EFAULT; KVM_RUN: EFAULT; KVM_RUN: EFAULT$"

# (place, check, the subtest's name as a pattern, how the base must fail
# it: a pattern of its detail, or None when the base passes it too)
SUBTESTS = [
    ("BAR 2 first page (whole BAR)", "unaligned load, Normal-NC",
     r"BAR 2 first page, in a memslot of the whole \d+ MiB BAR: .*", EFAULT),
    ("BAR 2 middle page (whole BAR)", "unaligned load, Normal-NC",
     r"BAR 2 middle page, in a memslot of the whole \d+ MiB BAR: .*", EFAULT),
    ("BAR 2 last page (whole BAR)", "unaligned load, Normal-NC",
     r"BAR 2 last page, in a memslot of the whole \d+ MiB BAR: .*", EFAULT),
    ("BAR 2 middle page (mmap at its offset)", "unaligned load, Normal-NC",
     r"BAR 2 middle page, mmap'd alone at its offset: .*", EFAULT),
    ("BAR 2 last page (mmap at its offset)", "unaligned load, Normal-NC",
     r"BAR 2 last page, mmap'd alone at its offset: .*", EFAULT),
    ("BAR 0 (registers, sub-page)", "unaligned load, Normal-NC",
     r"BAR 0 \(registers, smaller than a page, not prefetchable\): .*", EFAULT),
    ("BAR 0 (registers, sub-page)", "aligned load, Device: what the host wrote",
     r"BAR 0: an aligned guest load of a register through Device .*", None),
    ("whole BAR 2", "every page faulted in at stage 2",
     r"whole BAR 2: the guest's aligned loads fault in all \d+ pages at stage 2", None),
    ("whole BAR 2, memory disabled", "host: every page SIGBUS BUS_ADRERR",
     r"memory disabled: the host's access to each of the \d+ pages of BAR 2 .*", None),
    ("whole BAR 2, memory disabled", "guest: EFAULT at first/middle/last",
     r"memory disabled: the guest's loads from the first, middle and last page .*", None),
    ("BAR 0, memory disabled", "host: SIGBUS BUS_ADRERR",
     r"memory disabled: the host's access to BAR 0 .*", None),
    ("whole BAR 2, memory enabled again", "aligned loads, Device",
     r"memory enabled again: the guest's aligned loads .*", None),
    ("whole BAR 2, memory enabled again", "unaligned loads, Normal-NC",
     r"memory enabled again: the guest's unaligned loads .*", EFAULT3),
]
# What the series' run must say in detail where the check is the revocation
# (the selftest's own verdict aside): the right signal at the right place.
SERIES_DETAIL = {8: r"^0 pages not$", 10: r"^SIGBUS BUS_ADRERR at the address$"}


def split(text):
    """(name, detail) of the text after "ok N "."""
    if text.startswith("# SKIP "):
        text = text[len("# SKIP "):]
    name, _, detail = text.rpartition(" (")
    return (name, detail[:-1]) if name and detail.endswith(")") else (text, "")


def parse(path):
    text = ktap.read(path)
    return None if text is None else ktap.selftest_run(text, TEST)


def incomplete(run, kernel):
    """Why the run cannot be trusted; [] if it can (ktap.run_problems(), and
    no skip: the test host has every BAR the test needs)."""
    if run is None:
        return ["cannot read the log"]
    why = ktap.run_problems(run, len(SUBTESTS), 0 if kernel == "series" else KSFT_FAIL, TEST)
    if any(text.startswith("# SKIP") for _, _, text in run.subtests):
        why.append("a subtest skipped: coverage lost")
    return why


def judge(column, base_log, series_log):
    runs = {"base": parse(base_log), "series": parse(series_log)}
    bad = 0
    for kernel in ("base", "series"):
        why = incomplete(runs[kernel], kernel)
        for w in why:
            print(f"FAIL: barcover {column}: {kernel} run: {w}")
        bad += bool(why)
        if not why:
            t = runs[kernel].totals
            print(f"PASS: barcover {column}: {kernel} run complete: 1..{runs[kernel].plan}, "
                  f"Totals pass:{t['pass']} fail:{t['fail']}, exit {runs[kernel].exit}")
    got = {k: [(ok,) + split(text) for _, ok, text in (runs[k].subtests if runs[k] else [])]
           for k in runs}
    for i, (place, check, name, base_fails) in enumerate(SUBTESTS):
        res = {}
        for k in runs:
            if i >= len(got[k]):
                res[k] = ("missing", "")
            elif not re.fullmatch(name, got[k][i][1]):
                res[k] = ("misnamed", got[k][i][1])
            else:
                res[k] = ("ok" if got[k][i][0] else "fail", got[k][i][2])
        (s, sd), (b, bd) = res["series"], res["base"]
        label = f"barcover {column} {place}: {check}"
        want_base = "fail" if base_fails else "ok"
        problems = []
        if s != "ok":
            problems.append(f"series {s} ({sd})")
        elif i in SERIES_DETAIL and not re.search(SERIES_DETAIL[i], sd):
            problems.append(f"series ok but says '{sd}', want /{SERIES_DETAIL[i]}/")
        if b != want_base:
            problems.append(f"base {b} ({bd}), want {want_base}")
        elif base_fails and not re.search(base_fails, bd):
            problems.append(f"the base fails it for another reason: '{bd}'; "
                            f"the control expects the stage-2 alignment fault (/{base_fails}/)")
        if problems:
            print(f"FAIL: {label}: " + "; ".join(problems))
            bad += 1
        else:
            print(f"PASS: {label}: series ok, base {b}"
                  + (" (EFAULT: Device at stage 2 without the series)" if base_fails else ""))
    return 1 if bad else 0


def table(column, base_log, series_log):
    runs = {k: parse(p) for k, p in (("base", base_log), ("series", series_log))}
    res = {k: [("ok" if ok else "fail") for _, ok, _ in (runs[k].subtests if runs[k] else [])]
           for k in runs}
    head = ["place", "check", "base", "series"]
    rows = [[place, check, *(res[k][i] if i < len(res[k]) else "-" for k in ("base", "series"))]
            for i, (place, check, _, _) in enumerate(SUBTESTS)]
    print(f"[{column}] BAR coverage, base / series")
    grid.print_grid(head, rows)
    return 0


def main(argv):
    if len(argv) != 4 or argv[0] not in ("judge", "table"):
        sys.exit(__doc__)
    return (judge if argv[0] == "judge" else table)(*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

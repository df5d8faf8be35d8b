#!/usr/bin/env python3
"""Judge guest/resetset: a hot reset of a set of two devices (two functions
of one slot behind a PCIe root port) revokes the mappings of both
(gate 72, tests/contain.plan).

  resetset.py judge COLUMN BASE_LOG SERIES_LOG
      one PASS:/FAIL: line per subtest: both kernels must pass all 7 (6.1
      zaps each device's list of VMAs, the series each device's address
      space), and each run must be complete. Exit status 1 on any FAIL.
  resetset.py mutant NAME LOG
      one PASS:/FAIL: line: the run of a kernel that revokes the mappings
      of the first device of the set only must be complete and fail the
      two subtests of the second function's mapping, and no other.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

TEST = "resetset"
SUBTESTS = [
    r"the hot reset of the first function resets both, and only them",
    r"before a reset, the mapping of each function takes no page fault",
    r"a hot reset through function 0 revokes the mapping of function 0",
    r"a hot reset through function 0 revokes the mapping of function 1",
    r"a hot reset through function 1 revokes the mapping of function 0",
    r"a hot reset through function 1 revokes the mapping of function 1",
    r"after the resets, the mappings stay mapped",
]


def parse(path):
    """([(number, ok, name, detail)], why the run cannot be trusted)."""
    text = ktap.read(path)
    if text is None:
        return [], ["cannot read the log"]
    run = ktap.selftest_run(text, TEST)
    subs = []
    for n, ok, rest in run.subtests:
        name, _, detail = rest.rpartition(" (")
        subs.append((n, ok, name or rest, detail[:-1] if detail.endswith(")") else ""))
    why = ktap.run_problems(run, len(SUBTESTS), 0 if all(s[1] for s in subs) else 1, TEST)
    for (n, _, name, _), want in zip(subs, SUBTESTS):
        if name != want:
            why.append(f"subtest {n} is '{name}', want '{want}'")
    return subs, why


def judge(column, base_log, series_log):
    bad = 0
    for kernel, log in (("base", base_log), ("series", series_log)):
        subs, why = parse(log)
        for w in why:
            print(f"FAIL: resetset {column} {kernel} run: {w} (log: {log})")
        bad += bool(why)
        for i, want in enumerate(SUBTESTS):
            n, ok, _, detail = subs[i] if i < len(subs) else (i + 1, False, "", "missing")
            print(f"{'PASS' if ok else 'FAIL'}: resetset {column} {kernel}: {want} ({detail})")
            bad += not ok
    return 1 if bad else 0


def main(argv):
    if len(argv) == 4 and argv[0] == "judge":
        return judge(*argv[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

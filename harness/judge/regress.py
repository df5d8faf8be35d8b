#!/usr/bin/env python3
"""Judge the regression gate: upstream's KVM selftests on base and series.

  regress.py judge LABEL PLAN BASE_LOG SERIES_LOG [VARIANT]

One line per test of PLAN (tests/regress.plan):
  PASS  the base and the series both pass it;
  FAIL  the base passes it and the series does not;
  SKIP  the base does not pass it, the series does the same, and the plan
        lists it as "# known-skip NAME: reason", or, for the kernel
        variant VARIANT (16k, 64k, ...) only, "# known-skip@VARIANT,...
        NAME: reason";
  FAIL  the base does not pass it (fails, skips, times out, or never
        reports it) and the plan gives no reason: a regression test that
        does not run is no test.
A boot whose plan did not finish (guest-log.py plan) fails too, whatever
its tests say. Exit status 1 on any FAIL.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402


def plan_tests(path, variant="4k"):
    """(test names in order, {name: known-skip reason} for variant)."""
    names, known = [], {}
    for line in open(path):
        m = re.match(r"^# known-skip(?:@([\w,]+))? ([^:]+): *(.*)$", line)
        if m:
            if m.group(1) is None or variant in m.group(1).split(","):
                known[m.group(2)] = m.group(3).strip()
        elif line.strip() and not line.startswith(("#", "!")):
            names.append(line.split()[0])
    return names, known


def results(path):
    """({name: ok|skip|fail}, why the plan did not finish or None)."""
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        return {}, str(e)
    res, error = ktap.plan_results(text)
    return dict(res), f"error: {error}" if error else None


def judge(label, plan, base_log, series_log, variant="4k"):
    names, known = plan_tests(plan, variant)
    fails = 0
    runs = {}
    for kernel, log in (("base", base_log), ("series", series_log)):
        res, unfinished = results(log)
        runs[kernel] = res
        if unfinished:
            print(f"FAIL: regress {label} {kernel}: {unfinished} (log: {log})")
            fails += 1
    for name in names:
        b = runs["base"].get(name, "missing")
        s = runs["series"].get(name, "missing")
        if b == "ok" and s == "ok":
            print(f"PASS: regress {label} {name}")
        elif b == "ok":
            print(f"FAIL: regress {label} {name}: base ok, series {s}")
            fails += 1
        elif name in known and s == b:
            print(f"SKIP: regress {label} {name}: base {b}, series {s} (known: {known[name]})")
        else:
            print(f"FAIL: regress {label} {name}: base {b}, series {s}, and the plan lists no reason")
            fails += 1
    return 1 if fails else 0


def main(argv):
    if len(argv) not in (5, 6) or argv[0] != "judge":
        sys.exit(__doc__)
    return judge(*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

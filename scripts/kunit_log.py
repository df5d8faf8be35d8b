#!/usr/bin/env python3
"""Read a boot-time KUnit suite out of a test-host console log.

  kunit_log.py LOG [SUITE]   print "pass|fail|skip CASE" per case, with
                             "CASE/PARAM" for the parameters of a
                             parameterised case; exit 1 when the suite is
                             absent or did not finish

SUITE defaults to the series' suite, kvm_arm64_s2_pgtable. Used by
gates/65-kunit.sh and scripts/compare.py.
"""
import re
import sys

SUITE = "kvm_arm64_s2_pgtable"


def kunit(path, suite=SUITE):
    """{case: status} of the suite, "case/param" for parameters, plus
    {case: [failure lines]}; None when the suite is absent or unfinished.
    A parameter counts as skipped when its case is: 6.1 prints no SKIP
    directive on a parameter's own line."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None, {}
    lines = [re.sub(r"^\[\s*\d+\.\d+\] ", "", x) for x in text.splitlines()]
    start = next((i for i, x in enumerate(lines)
                  if x.strip() == "# Subtest: " + suite), None)
    if start is None:
        return None, {}
    depth = len(lines[start]) - len(lines[start].lstrip(" "))
    result = re.compile(r"^ *(not ok|ok) \d+ (\S+)(?: # SKIP.*)?$")
    res, msgs, params, current, pending = {}, {}, {}, None, []
    for x in lines[start + 1:]:
        indent = len(x) - len(x.lstrip(" "))
        m = re.match(r"^ *# Subtest: (\S+)$", x)
        if m and indent == depth + 4:
            current = m.group(1)
            params[current] = []
            continue
        r = result.match(x)
        if not r:
            pending.append(x.strip())
            continue
        ok, name, skip = r.group(1) == "ok", r.group(2), "# SKIP" in x
        if indent == depth + 4 and current is not None:
            params[current].append((ok, name))
        elif indent == depth:
            status = "fail" if not ok else "skip" if skip else "pass"
            if not ok:
                msgs[name] = pending
            pending = []
            children = params.pop(name, None)
            if children is None:
                res[name] = status
            for pok, pname in children or []:
                res[f"{name}/{pname}"] = "fail" if not pok else \
                    "skip" if skip else "pass"
        elif indent == depth - 4 and name == suite:
            return res, msgs
    return None, {}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    res, _ = kunit(*sys.argv[1:])
    if res is None:
        sys.exit(f"suite {sys.argv[2] if len(sys.argv) > 2 else SUITE} did not run or did not finish")
    for case, status in res.items():
        print(status, case)

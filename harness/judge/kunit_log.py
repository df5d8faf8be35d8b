#!/usr/bin/env python3
"""Read a boot-time KUnit suite out of a test-host console log.

  kunit_log.py LOG [SUITE] [--expect-cases N] [--totals]

Prints "pass|fail|skip CASE" per case, with "CASE/PARAM" for each
parameter of a parameterised case (each parameter counts as one case).
SUITE defaults to the series' suite, kvm_arm64_s2_pgtable.

Exit status 1, saying why on stderr, when the suite is absent, did not
finish (the log is cut short), holds garbled result lines, or its own
accounting disagrees with its case lines: the suite's result line
("ok N SUITE"), its "1..N" plan, each parameterised case's own result
line and "# CASE: pass:..." count line, the suite's "# SUITE: pass:..."
line (cases) and its "# Totals: pass:..." line (parameters). A case that
failed in a well-formed log is listed as "fail" with exit status 0:
callers count the "fail" lines.

  --expect-cases N   also exit 1 unless exactly N cases (parameters
                     counted one each, as listed) ran
  --totals           print one line "pass:P fail:F skip:S total:T"
                     (over the listed cases, checked against the suite's
                     Totals line) instead of the per-case lines

What 6.1 prints (lib/kunit/test.c), which the checks rely on: a
parameter's line has no SKIP directive, even when it skipped, and its
case's line says "ok N CASE # SKIP ..." exactly when every parameter
skipped; so a parameter is taken as skipped when its own line says so
(newer kernels) or its case's does (6.1). The count lines are printed
for more than one test (kunit.stats_enabled=1, the default).

Used by gates/65-kunit.sh and harness/judge/compare.py (kunit() below).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

SUITE = "kvm_arm64_s2_pgtable"

# The KTAP line forms (harness/judge/ktap.py says why the kernel's
# kunit_parser.py does not read these logs right).
TIMESTAMP, RESULT, LOOKS_LIKE_RESULT = ktap.TIMESTAMP, ktap.RESULT, ktap.LOOKS_LIKE_RESULT
STAMP_INSIDE, COUNTS = ktap.STAMP_INSIDE, ktap.COUNTS


class Suite:
    """What one suite's KTAP says. entries: {case or case/param: status},
    msgs: {case: [lines before its result]}, errors: why the log cannot
    be trusted (empty when it can)."""

    def __init__(self):
        self.entries, self.msgs, self.errors = {}, {}, []
        self.totals = None          # the "# Totals:" line, per parameter
        self.suite_counts = None    # the "# SUITE:" line, per case
        self.status = None          # the suite's own result


def _counts(m):
    return dict(zip(("pass", "fail", "skip", "total"),
                    (int(x) for x in m.group(2, 3, 4, 5))))


def _tally(statuses):
    statuses = list(statuses)
    out = {s: statuses.count(s) for s in ("pass", "fail", "skip")}
    out["total"] = len(statuses)
    return out


def _fmt(c):
    return f"pass:{c['pass']} fail:{c['fail']} skip:{c['skip']} total:{c['total']}"


def _own_status(ok, directive):
    return "fail" if not ok else "skip" if directive.startswith("SKIP") else "pass"


def parse(text, suite=SUITE):
    """The Suite read from a console log's text."""
    s = Suite()
    lines = [TIMESTAMP.sub("", x.rstrip("\r")) for x in text.splitlines()]
    start = next((i for i, x in enumerate(lines)
                  if x.strip() == "# Subtest: " + suite), None)
    if start is None:
        why = ": KUnit is disabled on this boot" if "kunit: disabled" in text else ""
        s.errors.append(f"suite {suite} did not run (no '# Subtest: {suite}'){why}")
        return s
    depth = len(lines[start]) - len(lines[start].lstrip(" "))
    plan = None
    cases = []          # (name, own status, [(param, ok, directive)] or None)
    params = None       # the parameters of the case being run, if any
    param_case = None
    counts = {}         # per case: its "# CASE: pass:..." line
    pending = []

    def garbled(x, why):
        s.errors.append(f"garbled line ({why}): '{x.strip()}'")

    for x in lines[start + 1:]:
        indent = len(x) - len(x.lstrip(" "))
        body = x.strip()
        r = RESULT.match(body)
        if LOOKS_LIKE_RESULT.match(body) and not r:
            garbled(x, "not a KTAP result")
            continue
        if r:
            ok, num, name = r.group(1) == "ok", int(r.group(2)), r.group(3)
            directive = r.group(4) or ""
            if directive and not directive.startswith("SKIP"):
                garbled(x, f"unknown directive '# {directive}'")
            if STAMP_INSIDE.search(body):
                garbled(x, "another message inside it")
            elif indent == depth and " " in name:
                garbled(x, f"case name '{name}'")
            if indent == depth + 4 and params is not None:
                if num != len(params) + 1:
                    garbled(x, f"parameter {num} of {param_case}, want {len(params) + 1}")
                params.append((name, ok, directive))
            elif indent == depth:
                if num != len(cases) + 1:
                    garbled(x, f"case number {num}, want {len(cases) + 1}")
                if params is not None and name != param_case:
                    garbled(x, f"result of {name} ends the parameters of {param_case}")
                cases.append((name, _own_status(ok, directive), params))
                if not ok:
                    s.msgs[name] = pending
                pending, params, param_case = [], None, None
            elif indent == depth - 4 and name == suite:
                s.status = _own_status(ok, directive)
                break
            else:
                garbled(x, f"result at indent {indent}")
            continue
        m = re.match(r"^# Subtest: (\S+)$", body)
        if m and indent == depth + 4:
            if params is not None:
                garbled(x, f"parameters of {param_case} have no case result")
            params, param_case = [], m.group(1)
            continue
        m = COUNTS.match(body)
        if m and indent in (depth, depth - 4):
            # 6.1 prints the suite's two lines unindented, a case's at the
            # case's depth; tell them by name, not by a depth that may move.
            if m.group(1) == "Totals":
                s.totals = _counts(m)
            elif m.group(1) == suite:
                s.suite_counts = _counts(m)
            else:
                counts[m.group(1)] = _counts(m)
            continue
        m = ktap.PLAN.fullmatch(body)
        if m and indent == depth and plan is None:
            plan = int(m.group(1))
            continue
        pending.append(body)

    if s.status is None:
        s.errors.append(f"suite {suite} did not finish (no 'ok N {suite}' line): "
                        "the log is cut short")
    if plan is None:
        s.errors.append(f"suite {suite} has no '1..N' plan line")
    elif len(cases) != plan:
        s.errors.append(f"suite {suite} planned {plan} cases, reported {len(cases)}")

    for name, own, plist in cases:
        if plist is None:
            s.entries[name] = own
            continue
        if not plist:
            s.errors.append(f"case {name}: its parameter subtest holds no result")
        got = []
        for pname, ok, directive in plist:
            # 6.1 marks only the case as skipped (see the docstring).
            st = "fail" if not ok else "skip" if directive or own == "skip" else "pass"
            s.entries[f"{name}/{pname}"] = st
            got.append(st)
        t = _tally(got)
        want = "fail" if t["fail"] else "pass" if t["pass"] else "skip"
        if plist and own != want:
            s.errors.append(f"case {name}: its own result is {own}, its parameters "
                            f"say {want} ({_fmt(t)})")
        if name in counts and counts[name] != t:
            s.errors.append(f"case {name}: its count line says {_fmt(counts[name])}, "
                            f"its parameter lines {_fmt(t)}")
        elif name not in counts and len(plist) > 1:
            s.errors.append(f"case {name}: no '# {name}: pass:...' count line")

    if s.status is not None and cases:
        t = _tally(own for _, own, _ in cases)
        want = "fail" if t["fail"] else "pass" if t["pass"] else "skip"
        if s.status != want:
            s.errors.append(f"suite {suite}: its own result is {s.status}, "
                            f"its cases say {want} ({_fmt(t)})")
        if s.suite_counts is not None and s.suite_counts != t:
            s.errors.append(f"suite {suite}: its count line says {_fmt(s.suite_counts)}, "
                            f"its case lines {_fmt(t)}")
        elif s.suite_counts is None and len(cases) > 1:
            s.errors.append(f"suite {suite}: no '# {suite}: pass:...' count line")
        t = _tally(s.entries.values())
        if s.totals is not None and s.totals != t:
            s.errors.append(f"suite {suite}: its Totals line says {_fmt(s.totals)}, "
                            f"its case and parameter lines {_fmt(t)}")
        elif s.totals is None and len(s.entries) > 1:
            s.errors.append(f"suite {suite}: no '# Totals: pass:...' line")
    return s


def read_suite(path, suite=SUITE):
    """parse() of the log at path; a Suite with an error if unreadable."""
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        s = Suite()
        s.errors.append(f"cannot read {path}: {e.strerror}")
        return s
    return parse(text, suite)


def kunit(path, suite=SUITE):
    """{case: status} of the suite, "case/param" for parameters, plus
    {case: [lines before its failure]}; None (and {}) when the suite is
    absent, unfinished, or its log cannot be trusted (see parse())."""
    s = read_suite(path, suite)
    if s.errors:
        return None, {}
    return s.entries, s.msgs


def main(argv):
    args, expect, totals = [], None, False
    it = iter(argv)
    for a in it:
        if a == "--expect-cases":
            try:
                expect = int(next(it))
            except (StopIteration, ValueError):
                sys.exit("--expect-cases needs a number\n" + __doc__)
        elif a == "--totals":
            totals = True
        elif a.startswith("-"):
            sys.exit(f"unknown option {a}\n" + __doc__)
        else:
            args.append(a)
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    s = read_suite(*args)
    if expect is not None and not s.errors and len(s.entries) != expect:
        s.errors.append(f"{len(s.entries)} cases ran, expected {expect}")
    if not s.errors:
        if totals:
            print(_fmt(_tally(s.entries.values())))
        else:
            for case, status in s.entries.items():
                print(status, case)
        return 0
    # Still list what was read: it helps to see where the log went wrong.
    if not totals:
        for case, status in s.entries.items():
            print(status, case)
    for e in s.errors:
        print(f"error: {e} (log: {args[0]})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

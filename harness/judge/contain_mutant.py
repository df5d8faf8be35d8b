#!/usr/bin/env python3
"""Judge a mutant's containment boot (gate 72): is it caught, and by what
it was meant to be caught by?

  contain_mutant.py COLUMN PATCH BASE_LOG MUTANT_LOG

MUTANT_LOG is a boot of tests/contain.plan on the series with PATCH
(tests/mutants/contain/NAME.patch) applied; BASE_LOG the base's boot of
the same plan. The mutant's log is judged as the series' by the three
judges of that boot (contain.py, barcover.py, resetset.py). PATCH says in
its header what must fail, one "# Fails: REGEX" line per check (matched
against the judges' FAIL lines), and "# Nothing else fails." where the
failures must be exactly those. Prints one PASS:/FAIL: line; exit 1 when
the mutant was not caught as its patch says.
"""
import contextlib
import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import barcover  # noqa: E402
import contain  # noqa: E402
import resetset  # noqa: E402

JUDGES = (("contain.py", contain.judge), ("barcover.py", barcover.judge),
          ("resetset.py", resetset.judge))


def expected(patch):
    """([regex], only) from the patch's header, or None if it has none."""
    try:
        text = open(patch).read()
    except OSError:
        return None
    head = text.split("\ndiff --git ", 1)[0]
    fails = [m.group(1).strip() for m in re.finditer(r"^# Fails: (.+)$", head, re.M)]
    return fails, bool(re.search(r"^# Nothing else fails\.$", head, re.M))


def failures(column, base_log, mutant_log):
    """The FAIL lines of every judge, the mutant's log taken for the series'."""
    lines = []
    for _, judge in JUDGES:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            judge(column, base_log, mutant_log)
        lines += [x for x in out.getvalue().splitlines() if x.startswith("FAIL: ")]
    return lines


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    column, patch, base_log, mutant_log = argv
    name = os.path.basename(patch)[:-len(".patch")] if patch.endswith(".patch") else patch
    want = expected(patch)
    if not want or not want[0]:
        print(f"FAIL: contain mutant {name}: {patch} names no '# Fails:' check")
        return 1
    regexes, only = want
    got = failures(column, base_log, mutant_log)
    missing = [r for r in regexes if not any(re.search(r, x) for x in got)]
    extra = [x for x in got if not any(re.search(r, x) for r in regexes)]
    if missing or (only and extra):
        why = [f"no FAIL line matches /{r}/" for r in missing]
        if only and extra:
            why.append(f"{len(extra)} other checks fail too, first: {extra[0][6:]}")
        print(f"FAIL: contain mutant {name} not caught as its patch says: {'; '.join(why)} "
              f"(log: {mutant_log})")
        return 1
    first = next(x for x in got if re.search(regexes[0], x))
    print(f"PASS: contain mutant {name} caught ({len(got)} checks fail"
          f"{', only those named' if only else ''}; first: {first[6:]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The one KTAP reader of the harness's judges.

Every verdict reads KTAP out of a test host's console: a selftest's
output relayed by plan-init (each line prefixed with "# "), sometimes
through the kselftest runner (another "# "), plan-init's own result
lines, and the KUnit suite's nested KTAP. This module turns that text
into lines and results; each judge (e2e.py, contain.py, optout.py,
realvmm.py, regress.py, kunit_log.py, compare.py) keeps only what its
verdict needs.

Why not the kernel's own reader, tools/testing/kunit/kunit_parser.py
(`kunit.py parse`), which the base tree ships? It was run on every log
in tests/harness/fixtures (2026-12-02), and it reads our logs wrongly
where a verdict depends on them:
  - 6.1's KUnit prints a parameter's result line without its SKIP
    directive and marks only the case as skipped; kunit_parser then
    counts the 24 parameters of a skipped parameterised case as one
    skipped test (kunit-nofwb.log: "49 passed, 1 skipped", where 25
    cases pass and 25 skip);
  - it looks for KTAP only at the top level: the selftests' results,
    relayed by plan-init with a "# " prefix, are diagnostics to it, and
    so are the kselftest runner's, so it finds no test in the e2e,
    containment, regression or real-stack logs;
  - it knows nothing of plan-init's framing ("# plan-init: running T",
    "ok N T" for the program's exit status), which is how a judge tells
    a finished run from a boot cut short.
So the harness reads KTAP here, in one place, and the judges' self-tests
(tests/harness/test_*.py) hold it to the recorded logs.
"""
import re

# A KTAP result line: "ok 3 name", "not ok 3 name # SKIP why". A name
# (KUnit's parameter description) may hold spaces.
RESULT = re.compile(r"^(not ok|ok) (\d+) (.+?)(?: # (.*))?$")
# The beginning of something that wants to be a result line.
LOOKS_LIKE_RESULT = re.compile(r"^(not )?ok\b")
PLAN = re.compile(r"^1\.\.(\d+)")
# kselftest's closing count line (ksft_print_cnts()).
TOTALS = re.compile(r"^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) "
                    r"skip:(\d+) error:(\d+)$")
TOTALS_KEYS = ("pass", "fail", "xfail", "xpass", "skip", "error")
# KUnit's count lines: "# SUITE: pass:P fail:F skip:S total:T".
COUNTS = re.compile(r"^# (\S+): pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)$")
# A kernel message's timestamp at the start of a console line, and one
# that landed in the middle of a line.
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
STAMP_INSIDE = re.compile(r"\[\s*\d+\.\d+\]")
# A relayed line that a kernel message cut in two: "# ok 3 foo[  1.2] kvm ...".
SPLIT = re.compile(r"^(# .*?)\[\s*\d+\.\d+\] .*$")


def read(path):
    """The text of a log, or None when it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def console_lines(text):
    """The console's lines without CRs, a relayed line that a kernel
    message cut in two joined again."""
    lines = [x.rstrip("\r") for x in text.splitlines()]
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        m = SPLIT.match(line)
        if m and i + 1 < len(lines) and not lines[i + 1].startswith(("#", "[")):
            out.append(m.group(1) + lines[i + 1])
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def result(line, prefix=""):
    """(ok, number, name, directive) of a KTAP result line after prefix,
    or None."""
    if not line.startswith(prefix):
        return None
    m = RESULT.match(line[len(prefix):])
    if not m:
        return None
    return m.group(1) == "ok", int(m.group(2)), m.group(3), m.group(4) or ""


# plan-init's result line for one program of a plan: "ok N NAME # ...".
PLAN_RESULT = re.compile(r"^(not ok|ok) \d+ (\S+)(.*)$")


def plan_results(text):
    """([(program, ok|skip|fail)], None) of the plan plan-init ran in a
    console log, between its PLAN-BEGIN and PLAN-END lines; the error
    instead of None when the plan did not finish: no PLAN-END, fewer
    results than its "1..N" announced, or a "Bail out!"."""
    m = re.search(r"^PLAN-BEGIN$(.*?)^PLAN-END$", text, re.M | re.S)
    body = m.group(1) if m else text.split("PLAN-BEGIN", 1)[-1]
    results, planned, bail = [], None, None
    for line in body.splitlines():
        line = line.rstrip("\r")
        r = PLAN_RESULT.match(line)
        if r:
            status = "fail" if r.group(1) == "not ok" else \
                     "skip" if "# SKIP" in r.group(3) else "ok"
            results.append((r.group(2), status))
            continue
        p = PLAN.match(line)
        if p and planned is None:
            planned = int(p.group(1))
        elif line.startswith("Bail out!"):
            bail = line
    if not m:
        return results, "the plan did not finish (no PLAN-END)"
    if planned != len(results):
        return results, (f"the plan did not finish: plan-init announced "
                         f"{'no plan' if planned is None else f'1..{planned}'}, "
                         f"reported {len(results)} tests")
    if bail:
        return results, f"the plan did not finish: {bail}"
    return results, None


def exit_status(ok, directive):
    """plan-init's exit status for a program from its result line: 0, 4
    (kselftest's skip), N from "# exit N", or -1 when it does not say."""
    if ok:
        return 4 if directive.startswith("SKIP") else 0
    e = re.match(r"exit (\d+)", directive)
    return int(e.group(1)) if e else -1


def unwrap_runner(lines, test):
    """The lines of a selftest run through the kselftest runner
    (run_kselftest.sh) as if plan-init had run it directly. The runner
    prefixes the test's output with "# " (plan-init adds another) and
    reports its exit status in its own result line, "ok N selftests: kvm:
    TEST", "... # SKIP" or "not ok N selftests: kvm: TEST # exit=R" (or "#
    TIMEOUT S seconds"): that line stands in for plan-init's, whose status
    is the shell's. Lines without the runner come back as they are."""
    try:
        begin = lines.index(f"# plan-init: running {test}")
        hdr = lines.index(f"# # selftests: kvm: {test}", begin)
    except ValueError:
        return lines
    out = lines[:begin + 1]
    for line in lines[hdr + 1:]:
        r = result(line)
        if r and r[2] == test:
            # The shell ended before the runner reported the test: its own
            # exit status says nothing about the test's.
            out.append(f"not ok 0 {test} # no result from the kselftest runner")
            break
        r = result(line, "# ")
        if r and r[2] == f"selftests: kvm: {test}":
            ok, _, _, note = r
            if ok:
                out.append(f"ok 0 {test}" + (" # SKIP" if note.startswith("SKIP") else ""))
            elif note.startswith("TIMEOUT"):
                out.append(f"# plan-init: {test} timed out (kselftest runner: {note})")
                out.append(f"not ok 0 {test} # timed out")
            else:
                e = re.match(r"exit=(\d+)", note)
                out.append(f"not ok 0 {test} # exit {e.group(1) if e else '?'}")
            break
        out.append(line[2:] if line.startswith("# # ") or line == "# #" else line)
    return out


class SelftestRun:
    """One selftest's stretch of a plan run by plan-init.

    subtests: [(number, ok, text after "ok N ")] in order; plan: its
    "1..N" count; totals: {pass, fail, xfail, xpass, skip, error} of its
    Totals line; exit: its exit status as plan-init reports it (see
    exit_status()); lines: every line of the stretch without plan-init's
    "# " (for a judge's own diagnostics); trouble: what went wrong on the
    way (never started, crash, bail out, a failed TEST_ASSERT)."""

    def __init__(self):
        self.subtests, self.lines, self.trouble = [], [], []
        self.plan = self.totals = self.exit = None
        self.started = False


def status(ok, text):
    """"ok", "fail" or "skip" of a subtest's result line (kselftest's skip
    is "ok N # SKIP ...")."""
    return "skip" if text.startswith("# SKIP") else "ok" if ok else "fail"


def run_problems(run, n, want_exit, test):
    """Why the SelftestRun of TEST, whose plan is N subtests, cannot be
    trusted; [] if it can: what went wrong on the way, a plan other than
    1..N, subtests not numbered 1..N, no Totals line or one that disagrees
    with the subtests' lines (or counts an xfail or xpass), and an exit
    status other than WANT_EXIT, or none (the boot was cut short)."""
    why = list(run.trouble)
    if run.plan != n:
        why.append(f"the selftest's KTAP plan is "
                   f"{'missing' if run.plan is None else f'1..{run.plan}'}, want 1..{n}")
    numbers = [k for k, _, _ in run.subtests]
    if numbers != list(range(1, len(numbers) + 1)):
        why.append(f"subtests numbered {numbers[:5]}..., not 1..{len(numbers)}")
    if len(numbers) != n:
        why.append(f"{len(numbers)} subtests reported, want {n}")
    statuses = [status(ok, text) for _, ok, text in run.subtests]
    if run.totals is None:
        why.append("no '# Totals:' line: the selftest did not finish")
    else:
        seen = (statuses.count("ok"), statuses.count("fail"), statuses.count("skip"))
        said = (run.totals["pass"], run.totals["fail"] + run.totals["error"],
                run.totals["skip"])
        if seen != said or run.totals["xfail"] or run.totals["xpass"]:
            why.append(f"its Totals line says pass/fail/skip {said}, "
                       f"its subtest lines {seen}")
    if run.exit is None:
        why.append(f"plan-init reports no result for {test}: the boot was cut short")
    elif run.exit != want_exit:
        why.append(f"the selftest exited {run.exit}, want {want_exit}")
    return why


def selftest_run(text, test):
    """The SelftestRun of the kselftest program TEST in a console log."""
    run = SelftestRun()
    lines = unwrap_runner(console_lines(text), test)
    for line in lines:
        if not run.started:
            run.started = line == f"# plan-init: running {test}"
            continue
        if line.startswith("# plan-init: running ") or line == "PLAN-END":
            break
        r = result(line)
        if r and r[2] == test:
            run.exit = exit_status(r[0], r[3])
            break
        if re.match(rf"^# plan-init: {test} (killed by signal|timed out)", line):
            run.trouble.append("the selftest was " + line.split(f"{test} ", 1)[1])
            continue
        if not line.startswith("#"):
            continue            # a kernel message
        own = line[2:]
        run.lines.append(own)
        m = re.match(r"^(not ok|ok) (\d+) (.*)$", own)
        if m:
            run.subtests.append((int(m.group(2)), m.group(1) == "ok", m.group(3)))
            continue
        m = TOTALS.match(own)
        if m:
            run.totals = dict(zip(TOTALS_KEYS, map(int, m.groups())))
            continue
        m = PLAN.match(own)
        if m and run.plan is None:
            run.plan = int(m.group(1))
            continue
        if own.startswith("Bail out!"):
            run.trouble.append("the selftest bailed out: " + own)
        elif own.startswith("# Planned tests != run tests"):
            run.trouble.append("the selftest says: " + own[2:])
        elif own.startswith("==== Test Assertion Failure ===="):
            run.trouble.append("a TEST_ASSERT failed (see the log)")
    if not run.started:
        run.trouble.append(f"plan-init never ran {test}")
    return run

#!/usr/bin/env python3
"""Self-tests of the harness's log readers: harness/judge/kunit_log.py,
harness/judge/e2e.py, harness/judge/regress.py, harness/judge/realvmm.py,
harness/judge/contain.py, harness/judge/optout.py, harness/judge/s2map.py and
harness/judge/guest-log.py
(all reading KTAP through harness/judge/ktap.py), run as the gates run them, on
real console logs (tests/harness/fixtures/, trimmed copies of a real run)
and on copies broken in one way each. Every broken copy must make its
script fail, and every real one must pass, or the check proves nothing.

  test_scripts.py TMPDIR [PLAN_OUTPUT]

Prints one "PASS: harness: ..." or "FAIL: harness: ... (why)" line per
check; exit status 1 if one failed. PLAN_OUTPUT is plan-init's KTAP for a
plan with malformed lines (written by plan-init-test), for guest-log.py.
"""
import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(HERE, "fixtures")
SCRIPTS = os.path.join(TOP, "harness", "judge")
sys.path.insert(0, SCRIPTS)
sys.dont_write_bytecode = True      # leave harness/judge/ as it was

failures = 0
tmpdir = None


def check(ok, what, why=""):
    global failures
    if ok:
        print(f"PASS: harness: {what}")
    else:
        failures += 1
        why = " ".join(why.split())
        print(f"FAIL: harness: {what} ({why[:400]})")


def fixture(name):
    with open(os.path.join(FIX, name)) as f:
        return f.read()


def write(name, text):
    path = os.path.join(tmpdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def load(script):
    """harness/judge/SCRIPT as a module (guest-log.py has no importable name)."""
    name = script[:-3].replace("-", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(SCRIPTS, script))
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def run(script, *args):
    """(exit status, stdout + stderr) of harness/judge/SCRIPT ARGS, run by its
    main() in this process: a hundred interpreters would take seconds."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            rc = load(script).main(list(args))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
            if isinstance(e.code, str):
                print(e.code)
    return rc or 0, out.getvalue()


def run_process(script, *args):
    """The same as a process of its own, as the gates run it."""
    p = subprocess.run([os.path.join(SCRIPTS, script), *args],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def sub(text, pattern, repl, count=1):
    """text with pattern (a multi-line regex) replaced; the edit must hit,
    or the check would test nothing."""
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0:
        raise AssertionError(f"fixture edit /{pattern}/ matched nothing")
    return new


def expect_fail(what, script, args, pattern):
    """script must exit non-zero and say pattern."""
    rc, out = run(script, *args)
    check(rc != 0 and re.search(pattern, out), what,
          f"exit {rc}, want a failure saying /{pattern}/; output: {out[-300:]}")


# --- harness/judge/kunit_log.py ----------------------------------------------------

def test_kunit():
    vhe, nofwb = fixture("kunit-vhe.log"), fixture("kunit-nofwb.log")
    p = write("kunit-vhe.log", vhe)
    rc, out = run_process("kunit_log.py", p, "--expect-cases", "50")
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 50 and all(x.startswith("pass ") for x in lines),
          "kunit_log.py: the real vhe log gives 50 cases, all pass", f"exit {rc}: {out[-300:]}")
    rc, out = run("kunit_log.py", write("kunit-vhe-crlf.log", vhe.replace("\n", "\r\n")),
                  "--expect-cases", "50")
    check(rc == 0 and out.count("pass ") == 50, "kunit_log.py: the same log with CRLF line ends",
          f"exit {rc}: {out[-300:]}")
    rc, out = run("kunit_log.py", p, "--totals")
    check(rc == 0 and out.strip() == "pass:50 fail:0 skip:0 total:50",
          "kunit_log.py --totals: pass:50 fail:0 skip:0 total:50 on the real vhe log",
          f"exit {rc}: {out}")
    rc, out = run("kunit_log.py", write("kunit-nofwb.log", nofwb), "kvm_arm64_s2_pgtable")
    lines = out.splitlines()
    fwb_skips = all(x.startswith("skip ") == bool(re.search(r"_fwb(/|$)", x)) for x in lines)
    check(rc == 0 and len(lines) == 50 and fwb_skips and
          sum(x.startswith("pass ") for x in lines) == 25,
          "kunit_log.py: the real nofwb log gives 25 pass and 25 skip (the FWB cases)",
          f"exit {rc}: {out[-300:]}")

    from kunit_log import kunit
    res, msgs = kunit(p)
    check(isinstance(res, dict) and len(res) == 50 and isinstance(msgs, dict),
          "kunit_log.kunit() keeps its return shape for harness/judge/compare.py",
          f"got {type(res)} {len(res or {})}")

    # One parameter fails under a parent that says ok (and counts that
    # say all passed): the parameter must come out failed, the log refused.
    bad = sub(vhe, r"^(.*)ok 3 normal_w$", r"\1not ok 3 normal_w")
    rc, out = run("kunit_log.py", write("k-param.log", bad))
    check(rc != 0 and re.search(r"^fail s2_attr_nofwb/normal_w$", out, re.M) and
          "its own result is pass" in out,
          "kunit_log.py: a parameter 'not ok' under an 'ok' case is a failure",
          f"exit {rc}: {out[-300:]}")

    # A case whose own line fails while all its parameters pass.
    bad = sub(vhe, r"^(.*)ok 3 s2_attr_nofwb$", r"\1not ok 3 s2_attr_nofwb")
    expect_fail("kunit_log.py: a case 'not ok' over parameters all ok is refused",
                "kunit_log.py", [write("k-case.log", bad)], r"s2_attr_nofwb: its own result is fail")

    # Cut short: the boot died in the middle of the suite.
    cut = vhe[:vhe.index("s2_attr_fwb")]
    expect_fail("kunit_log.py: a log cut short in the suite fails", "kunit_log.py",
                [write("k-cut.log", cut)], r"did not finish")
    cut = vhe[:vhe.index("# Totals")]
    expect_fail("kunit_log.py: a log cut short after the last case fails", "kunit_log.py",
                [write("k-cut2.log", cut)], r"did not finish")

    bad = sub(vhe, r"# Totals: pass:50 fail:0 skip:0 total:50", "# Totals: pass:49 fail:0 skip:0 total:49")
    expect_fail("kunit_log.py: a Totals line that disagrees with the cases fails",
                "kunit_log.py", [write("k-totals.log", bad)], r"Totals line says pass:49")
    bad = sub(vhe, r"# kvm_arm64_s2_pgtable: pass:4 fail:0 skip:0 total:4",
              "# kvm_arm64_s2_pgtable: pass:3 fail:1 skip:0 total:4")
    expect_fail("kunit_log.py: a suite count line that disagrees with the cases fails",
                "kunit_log.py", [write("k-suite.log", bad)], r"count line says pass:3 fail:1")
    bad = sub(vhe, r"# s2_attr_fwb: pass:24 fail:0 skip:0 total:24",
              "# s2_attr_fwb: pass:23 fail:0 skip:1 total:24")
    expect_fail("kunit_log.py: a case's count line that disagrees with its parameters fails",
                "kunit_log.py", [write("k-casecount.log", bad)], r"s2_attr_fwb: its count line")
    bad = sub(vhe, r"^(.*)ok 1 kvm_arm64_s2_pgtable$", r"\1not ok 1 kvm_arm64_s2_pgtable")
    expect_fail("kunit_log.py: a suite 'not ok' over cases all ok is refused",
                "kunit_log.py", [write("k-suitefail.log", bad)], r"its own result is fail")

    # Garbled: a kernel message in the middle of a case's result line,
    # and a parameter numbered out of turn.
    bad = sub(vhe, r"^(.*ok 2 s2_device_and_normal_nc_fwb)$",
              r"\1[   12.345678] kvm [1]: some message")
    expect_fail("kunit_log.py: a garbled result line fails", "kunit_log.py",
                [write("k-garbled.log", bad)], r"garbled line")
    bad = sub(vhe, r"^(.*)ok 5 normal_x$", r"\1ok 7 normal_x")
    expect_fail("kunit_log.py: a parameter numbered out of turn fails", "kunit_log.py",
                [write("k-number.log", bad)], r"garbled line.*parameter 7")

    expect_fail("kunit_log.py --expect-cases: another number of cases fails", "kunit_log.py",
                [p, "--expect-cases", "51"], r"50 cases ran, expected 51")
    expect_fail("kunit_log.py: an absent suite fails", "kunit_log.py",
                [p, "no_such_suite"], r"did not run")

    # A well-formed log with a failing case (what a mutant gives): listed
    # as "fail", exit 0, so that gate 65 can count the failures.
    bad = sub(vhe, r"^(.*)ok 1 s2_device_and_normal_nc_nofwb$", r"\1not ok 1 s2_device_and_normal_nc_nofwb")
    bad = sub(bad, r"# kvm_arm64_s2_pgtable: pass:4 fail:0", "# kvm_arm64_s2_pgtable: pass:3 fail:1")
    bad = sub(bad, r"# Totals: pass:50 fail:0", "# Totals: pass:49 fail:1")
    bad = sub(bad, r"^(.*)ok 1 kvm_arm64_s2_pgtable$", r"\1not ok 1 kvm_arm64_s2_pgtable")
    rc, out = run("kunit_log.py", write("k-mutant.log", bad), "--expect-cases", "50")
    check(rc == 0 and re.search(r"^fail s2_device_and_normal_nc_nofwb$", out, re.M) and
          out.count("\npass ") + out.startswith("pass ") == 49,
          "kunit_log.py: a consistent log with a failing case lists it as fail (exit 0)",
          f"exit {rc}: {out[-300:]}")

    # Newer kernels put "# SKIP" on each skipped parameter: same result.
    skip = re.sub(r"^(\S* +ok \d+ \w+_\w+)$", r"\1 # SKIP the CPUs do not implement FEAT_S2FWB",
                  nofwb[nofwb.index("# Subtest: s2_attr_fwb"):], flags=re.M)
    newer = nofwb[:nofwb.index("# Subtest: s2_attr_fwb")] + skip
    rc, out = run("kunit_log.py", write("k-newer.log", newer))
    check(rc == 0 and out.count("skip s2_attr_fwb/") == 24,
          "kunit_log.py: a parameter's own '# SKIP' is read as a skip", f"exit {rc}: {out[-300:]}")


# --- harness/judge/e2e.py ----------------------------------------------------------

def test_e2e():
    base, patched = fixture("e2e-vhe-base.log"), fixture("e2e-vhe-patched.log")
    b, p = write("e2e-base.log", base), write("e2e-patched.log", patched)
    rc, out = run_process("e2e.py", "judge", "vhe", b, p)
    lines = out.splitlines()
    check(rc == 0 and lines and all(x.startswith("PASS: ") for x in lines) and
          sum("run complete" in x for x in lines) == 2 and len(lines) == 33,
          "e2e.py judge: the real vhe logs pass (31 subtests, both runs complete)",
          f"exit {rc}: {out[-400:]}")

    # The console gives CRLF line ends; the harness must read them alike.
    rc, out = run("e2e.py", "judge", "vhe", write("e2e-base-crlf.log", base.replace("\n", "\r\n")),
                  write("e2e-patched-crlf.log", patched.replace("\n", "\r\n")))
    check(rc == 0 and out.count("PASS: ") == 33, "e2e.py judge: the same logs with CRLF line ends pass",
          f"exit {rc}: {out[-300:]}")

    # The series' selftest crashes after its 31st "ok": no Totals, no
    # cells, killed by a signal.
    crash = re.sub(r"^# # (cell|Totals).*\n", "", patched, flags=re.M)
    crash = sub(crash, r"^ok (\d+) vfio_bar_memattr # .*$",
                r"# plan-init: vfio_bar_memattr killed by signal 11\n"
                r"not ok \1 vfio_bar_memattr # exit 139 after 9.9s")
    expect_fail("e2e.py judge: a series selftest that crashed after 31 'ok' lines fails",
                "e2e.py", ["judge", "vhe", b, write("e2e-crash.log", crash)],
                r"series run: the selftest was killed by signal 11")
    out = run("e2e.py", "judge", "vhe", b, write("e2e-crash.log", crash))[1]
    check("no '# Totals:' line" in out and "exited 139, want 0" in out,
          "e2e.py judge: ... and says that Totals is missing and the exit status is wrong",
          out[-300:])

    bad = sub(patched, r"^ok (\d+) vfio_bar_memattr # .*$", r"not ok \1 vfio_bar_memattr # exit 1 after 9.9s")
    expect_fail("e2e.py judge: a series selftest that exits non-zero fails", "e2e.py",
                ["judge", "vhe", b, write("e2e-exit.log", bad)], r"series run: the selftest exited 1, want 0")

    # On the base a non-zero exit is expected, a timeout is not.
    bad = sub(base, r"^not ok (\d+) vfio_bar_memattr # exit 1 .*$",
              r"# plan-init: vfio_bar_memattr timed out after 600 s\n"
              r"not ok \1 vfio_bar_memattr # exit 125 after 600.0s")
    expect_fail("e2e.py judge: a base selftest that timed out fails", "e2e.py",
                ["judge", "vhe", write("e2e-basetimeout.log", bad), p],
                r"base run: the selftest was timed out")
    bad = sub(base, r"^not ok (\d+) vfio_bar_memattr # exit 1 .*$",
              r"# plan-init: vfio_bar_memattr killed by signal 9\n"
              r"not ok \1 vfio_bar_memattr # exit 137 after 9.9s")
    expect_fail("e2e.py judge: a base selftest killed by a signal fails", "e2e.py",
                ["judge", "vhe", write("e2e-basekill.log", bad), p], r"base run: the selftest was killed by signal 9")

    bad = sub(patched, r"^# 1\.\.31$", "# 1..32")
    expect_fail("e2e.py judge: a KTAP plan other than 1..31 fails", "e2e.py",
                ["judge", "vhe", b, write("e2e-plan.log", bad)], r"KTAP plan is 1\.\.32")
    bad = sub(patched, r"^# # Totals: pass:31 fail:0", "# # Totals: pass:30 fail:1")
    expect_fail("e2e.py judge: a Totals line that disagrees with the subtests fails", "e2e.py",
                ["judge", "vhe", b, write("e2e-totals.log", bad)], r"Totals line says")
    bad = patched[:patched.index("# plan-init: vfio_bar_memattr") if "# plan-init: vfio_bar_memattr" in patched
                  else re.search(r"^ok \d+ vfio_bar_memattr", patched, re.M).start()]
    expect_fail("e2e.py judge: a boot cut short before plan-init's verdict fails", "e2e.py",
                ["judge", "vhe", b, write("e2e-cut.log", bad)], r"plan-init reports no result")

    # No vfio device: kselftest's real skip lines ("ok N # SKIP MESSAGE").
    novfio = fixture("e2e-vhe-novfio-patched.log")
    rc, out = run("e2e.py", "judge", "vhe", b, write("e2e-novfio.log", novfio))
    check(rc != 0 and "series skip" in out and "out of step" not in out and
          "run complete" in out.split("\n")[1],
          "e2e.py judge: real-form skip lines of a run without a vfio device give 'series skip'",
          f"exit {rc}: {out[-400:]}")
    from e2e import read
    subtests, _ = read(os.path.join(FIX, "e2e-vhe-novfio-patched.log"))
    skipped = [k for k, st, _ in subtests if st == "skip"]
    check(len(skipped) == 11 and all(k.startswith("vfio") for k in skipped),
          "e2e.py: 'ok N # SKIP MESSAGE' parses as a skip keyed by MESSAGE",
          f"{len(skipped)} skipped: {skipped[:2]}")

    # Calibration: failing on both runs blames the emulator; failing only
    # with the series blames the series.
    def uncalibrated(text):
        text = re.sub(r"^# ok (\d+) (sysfs Normal-(NC|WB): unaligned)", r"# not ok \1 \2", text, flags=re.M)
        text = sub(text, r"^# ok (\d+) calibration", r"# not ok \1 calibration")
        fails = len(re.findall(r"^# not ok ", text, re.M))
        return sub(text, r"^# # Totals: pass:\d+ fail:\d+",
                   f"# # Totals: pass:{31 - fails} fail:{fails}")
    old_b, old_p = uncalibrated(base), uncalibrated(patched)
    old_p = sub(old_p, r"^ok (\d+) vfio_bar_memattr # .*$", r"not ok \1 vfio_bar_memattr # exit 1 after 9.9s")
    rc, out = run("e2e.py", "judge", "vhe", write("e2e-oldq-b.log", old_b), write("e2e-oldq-p.log", old_p))
    check(rc != 0 and "the emulator does not raise the stage-2 alignment fault" in out,
          "e2e.py judge: calibration failing on both runs names the emulator", f"exit {rc}: {out[-300:]}")
    rc, out = run("e2e.py", "judge", "vhe", b, write("e2e-oldq-p.log", old_p))
    cal = [x for x in out.splitlines() if " calibration" in x]
    check(rc != 0 and cal and "series fail, base ok" in cal[0] and "emulator" not in cal[0],
          "e2e.py judge: calibration failing only with the series names the series",
          f"exit {rc}: {cal}")

    bad = sub(base, r"^(# not ok 5 vfio Normal-NC: unaligned load completes \().*\)$",
              r"\1guest exception ESR_EL1 0x96000021 FAR 0x1080001801)")
    expect_fail("e2e.py judge: a base that fails an unaligned load with a guest exception, "
                "not the stage-2 fault, fails (the control names the failure it expects)",
                "e2e.py", ["judge", "vhe", write("e2e-base-other.log", bad), p],
                r"for another reason: 'guest exception")
    expect_fail("e2e.py judge: a base that passes the series' cells fails the control",
                "e2e.py", ["judge", "vhe", p, p], r"base ok.*want series ok, base fail")
    rc, out = run("e2e.py", "table", "vhe", b, p)
    check(rc == 0 and "Normal / Device (Normal-NC)" in out,
          "e2e.py table: the real vhe logs give the table", f"exit {rc}: {out[-300:]}")


def test_e2e_runner():
    """The selftest run through the kselftest runner (tests/e2e.plan): its
    output nested one "# " deeper, its exit status in the runner's line."""
    text = fixture("e2e-vhe-runner-patched.log")
    b = write("runner-base.log", fixture("e2e-vhe-runner-base.log"))
    p = write("runner-patched.log", text)
    rc, out = run("e2e.py", "judge", "vhe", b, p)
    lines = out.strip().splitlines()
    check(rc == 0 and lines and all(x.startswith("PASS: ") for x in lines) and
          "series run complete" in out and "exit 1" in out,
          "e2e.py judge: the real runs through run_kselftest.sh pass", out[-300:])
    crashed = write("runner-crash.log", sub(
        text, r"^# ok (\d+) selftests: kvm: vfio_bar_memattr$",
        r"# not ok \1 selftests: kvm: vfio_bar_memattr # exit=139"))
    expect_fail("e2e.py judge: a run the runner reports as exit=139 fails",
                "e2e.py", ["judge", "vhe", b, crashed], r"exited 139, want 0")
    timeout = write("runner-timeout.log", sub(
        text, r"^# ok (\d+) selftests: kvm: vfio_bar_memattr$",
        r"# not ok \1 selftests: kvm: vfio_bar_memattr # TIMEOUT 120 seconds"))
    expect_fail("e2e.py judge: a run the runner reports as timed out fails",
                "e2e.py", ["judge", "vhe", b, timeout], r"timed out")
    cut = write("runner-cut.log", "\n".join(
        x for x in text.splitlines() if "selftests: kvm: vfio_bar_memattr" not in x
        or x.startswith("# # ")) + "\n")
    expect_fail("e2e.py judge: a runner that never reports the test's result fails",
                "e2e.py", ["judge", "vhe", b, cut], r"no result|exited")


def test_regress():
    """harness/judge/regress.py, the regression gate's verdict (gates/80)."""
    plan = os.path.join(TOP, "tests", "regress.plan")
    base = fixture("regress-vhe-base.log")
    b = write("regress-base.log", base)
    p = write("regress-patched.log", fixture("regress-vhe-patched.log"))
    rc, out = run("regress.py", "judge", "vhe", plan, b, p)
    check(rc == 0 and out.count("PASS: ") == 15 and out.count("SKIP: ") == 1 and
          "known: " in out, "regress.py: the real vhe runs pass (15 pass, aarch32_id_regs a known skip)",
          out[-300:])
    failed = write("regress-base-fail.log", sub(base, r"^ok (\d+) hypercalls .*$",
                                                r"not ok \1 hypercalls # exit 1 after 2.0s"))
    expect_fail("regress.py: a test the base fails, with no reason in the plan, fails the gate",
                "regress.py", ["judge", "vhe", plan, failed, p],
                r"FAIL: regress vhe hypercalls: base fail, series ok, and the plan lists no reason")
    sfail = write("regress-series-fail.log", sub(
        fixture("regress-vhe-patched.log"), r"^ok (\d+) steal_time .*$",
        r"not ok \1 steal_time # exit 1 after 2.0s"))
    expect_fail("regress.py: a test the series fails where the base passes fails the gate",
                "regress.py", ["judge", "vhe", plan, b, sfail], r"steal_time: base ok, series fail")
    cut = write("regress-base-cut.log", base.split("PLAN-END")[0])
    expect_fail("regress.py: a base boot whose plan did not finish fails the gate",
                "regress.py", ["judge", "vhe", plan, cut, p], r"FAIL: regress vhe base: .*did not finish")
    lost = write("regress-base-lost.log", sub(base, r"^ok \d+ get-reg-list .*\n", ""))
    expect_fail("regress.py: a test the base never reports fails the gate",
                "regress.py", ["judge", "vhe", plan, lost, p], r"get-reg-list: base missing")
    skipped = write("regress-series-skip.log", sub(
        fixture("regress-vhe-patched.log"), r"^ok (\d+) aarch32_id_regs .*$",
        r"not ok \1 aarch32_id_regs # exit 1 after 0.1s"))
    expect_fail("regress.py: a known skip the series turns into a failure fails the gate",
                "regress.py", ["judge", "vhe", plan, b, skipped], r"aarch32_id_regs: base skip, series fail")
    both = [write(f"regress-{k}-mps.log", sub(fixture(f"regress-vhe-{f}.log"),
                  r"^ok (\d+) memslot_perf_test .*$", r"not ok \1 memslot_perf_test # exit 254 after 0.1s"))
            for k, f in (("base", "base"), ("series", "patched"))]
    rc, out = run("regress.py", "judge", "vhe-16k", plan, *both, "16k")
    check(rc == 0 and "SKIP: regress vhe-16k memslot_perf_test" in out,
          "regress.py: a known skip listed for 16k only is a skip with 16K pages", out[-300:])
    expect_fail("regress.py: the same failure with 4K pages, where no reason is listed, fails the gate",
                "regress.py", ["judge", "vhe", plan, *both], r"memslot_perf_test: base fail, series fail, and the plan lists no reason")


# --- harness/judge/realvmm.py -----------------------------------------------------

def test_realvmm():
    """harness/judge/realvmm.py, the real-stack gate's verdict (gates/76): the
    plan's shared L2 boot (realvmm-run -1) and the cases with their own."""
    base, series = fixture("realvmm-vhe-base.log"), fixture("realvmm-vhe-series.log")
    b, s = write("realvmm-base.log", base), write("realvmm-series.log", series)
    rc, out = run("realvmm.py", "judge", "vhe", b, s)
    check(rc == 0 and out.count("PASS: ") == 10 and "FAIL" not in out,
          "realvmm.py: the real vhe runs pass (10 cases, 6 of them in one L2 boot)", out[-300:])
    crlf = write("realvmm-series-crlf.log", series.replace("\n", "\r\n"))
    rc, out = run("realvmm.py", "judge", "vhe", b, crlf)
    check(rc == 0 and out.count("PASS: ") == 10, "realvmm.py: reads CRLF consoles the same",
          out[-300:])
    expect_fail("realvmm.py: the logs swapped (the base passing what needs the series) fail",
                "realvmm.py", ["judge", "vhe", s, b],
                r"FAIL: realvmm vhe user-wc-memcpy: .*base must stop L2")
    # L2 stops in the fifth case of the shared boot: that case fails, the
    # one after it was not run and fails, the four before it still pass.
    stop = sub(series, r"^(# L2: # realvmm: running kern-dev-memcpy)$",
               r"\1\n[   33.1] kvm [40]: Unsupported FSC: EC=0x24 xFSC=0x21 ESR_EL2=0x92000061\n"
               r"# qemu: error: kvm run failed Bad address")
    stop = sub(stop, r"^# (ok 5 kern-dev-memcpy)$",
               r"# not ok 5 kern-dev-memcpy # KVM_RUN failed in L1 (kvm run failed): L2 stopped")
    stop = sub(stop, r"^# (ok 6 kern-dev-unaligned)$",
               r"# not ok 6 kern-dev-unaligned # not run: L2 stopped in an earlier case")
    stop = sub(stop, r"^# L2: ok 5 kern-dev-memcpy\n", "")
    stop = sub(stop, r"^# L2: ok 6 kern-dev-unaligned\n", "")
    rc, out = run("realvmm.py", "judge", "vhe", b, write("realvmm-series-stop.log", stop))
    check(rc != 0 and re.search(r"FAIL: realvmm vhe kern-dev-memcpy: series must pass, got stopped", out)
          and re.search(r"FAIL: realvmm vhe kern-dev-unaligned: series must pass, got fail: not run", out)
          and "PASS: realvmm vhe kern-wc-memcpy" in out and "PASS: realvmm vhe user-dev-memcpy" in out,
          "realvmm.py: L2 stopped mid-way through the shared boot fails that case and the ones "
          "after it, and only those", out[-600:])
    # An "Unsupported FSC" on the base while the shared boot runs a case
    # that must not provoke one.
    fsc = sub(base, r"^(# L2: # realvmm: running kern-wc-memcpy)$",
              r"\1\n[   40.1] kvm [40]: Unsupported FSC: EC=0x24 xFSC=0x21 ESR_EL2=0x92000061")
    expect_fail("realvmm.py: an 'Unsupported FSC' during a case of the shared boot fails that case",
                "realvmm.py", ["judge", "vhe", write("realvmm-base-fsc.log", fsc), s],
                r"FAIL: realvmm vhe kern-wc-memcpy: base: 1 'Unsupported FSC'")
    # A case that stops L2 on the base must not share a boot.
    shared = sub(series, r"realvmm\.case=user-dev-memcpy,", "realvmm.case=user-wc-memcpy,user-dev-memcpy,")
    expect_fail("realvmm.py: a plan that puts a case depending on the series in the shared boot fails",
                "realvmm.py", ["judge", "vhe", b, write("realvmm-series-shared.log", shared)],
                r"user-wc-memcpy: series: shares its L2 boot with user-dev-memcpy")
    # plan-init gave up on the shared boot: no verdicts from realvmm-run.
    cut = sub(series, r"^# L2: # realvmm: running kern-dev-memcpy\n(.*\n)*?(?=ok \d+ one-boot)",
              "")
    cut = sub(cut, r"^ok (\d+) one-boot.*$", r"not ok \1 one-boot # timed out after 300s")
    rc, out = run("realvmm.py", "judge", "vhe", b, write("realvmm-series-cut.log", cut))
    check(rc != 0 and re.search(r"FAIL: realvmm vhe kern-dev-memcpy: series must pass", out)
          and re.search(r"FAIL: realvmm vhe user-dev-memcpy: series must pass", out),
          "realvmm.py: a shared boot that plan-init timed out fails each of its cases", out[-600:])
    expect_fail("realvmm.py: a case L2 never reports fails", "realvmm.py",
                ["judge", "vhe", b, write("realvmm-series-lost.log", sub(
                    series, r"^# plan-init: running kern-wc-unaligned\n(.*\n)*?ok \d+ kern-wc-unaligned.*\n", ""))],
                r"FAIL: realvmm vhe kern-wc-unaligned: series must pass, got missing")
    crash = sub(series, r"^(# L2: # realvmm: running user-dev-memset)$",
                r"\1\n# L2: [    9.1] Unable to handle kernel paging request at virtual address 0")
    expect_fail("realvmm.py: an L2 oops in a case of the shared boot fails that case", "realvmm.py",
                ["judge", "vhe", b, write("realvmm-series-crash.log", crash)],
                r"FAIL: realvmm vhe user-dev-memset: series must pass, got crash")


# --- harness/judge/guest-log.py ----------------------------------------------------

# One line of each kernel problem, as the kernel prints it.
PROBLEM_LINES = [
    ("a WARN", "WARNING: CPU: 1 PID: 77 at mm/memory.c:123 do_thing+0x10/0x40"),
    ("an RCU stall", "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:"),
    ("an RCU self-detected stall", "rcu: INFO: rcu_preempt self-detected stall on CPU"),
    ("a hung task", "INFO: task kworker/0:1:23 blocked for more than 122 seconds."),
    ("a soft lockup", "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [vfio_bar_memat:88]"),
    ("a hard lockup", "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1"),
    ("Unable to handle kernel", "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008"),
    ("Internal error", "Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP"),
    ("kernel BUG at", "kernel BUG at mm/slub.c:379!"),
    ("a general protection fault", "general protection fault, probably for non-canonical address 0xdead: 0000 [#1]"),
    ("a KASAN report", "BUG: KASAN: slab-out-of-bounds in kvm_pgtable_walk+0x44/0x90"),
    ("a UBSAN report", "UBSAN: shift-out-of-bounds in arch/arm64/kvm/hyp/pgtable.c:99:12"),
    ("a kmemleak report", "kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"),
    ("a kmemleak object", "unreferenced object 0xffff000004a1c000 (size 64):"),
    ("a circular locking dependency", "WARNING: possible circular locking dependency detected"),
    ("recursive locking", "WARNING: possible recursive locking detected"),
    ("sleeping in atomic context", "BUG: sleeping function called from invalid context at mm/slab.h:709"),
    ("an inconsistent lock state", "WARNING: inconsistent lock state"),
    ("a panic", "Kernel panic - not syncing: Oops: Fatal exception"),
    ("an nVHE hyp panic", "kvm [1]: nVHE hyp panic at: [<ffff800008e1a2b4>] __kvm_nvhe_foo+0x14/0x30!"),
]

# Test output that mentions such words in its own, ordinary way.
HARMLESS = """\
# ok 1 vfio Device-nGnRE: aligned store and load round-trip (completed)
# # BUG: none here, this is a test talking about BUG: handling
# # Oops, the device was busy; retrying
# # WARNING: this test takes a while under emulation
# # INFO: task list has 3 entries
# # checking rcu stall detection is off
# # lockdep is not enabled in this kernel
# # soft lockup and hard LOCKUP detectors: see dmesg
"""


def test_guest_log():
    for kernel, fsc in (("base", "9"), ("patched", "4")):
        log = write(f"scan-{kernel}.log", fixture(f"e2e-vhe-{kernel}.log"))
        rc, out = run_process("guest-log.py", "scan", log, fsc)
        check(rc == 0, f"guest-log.py scan: the real vhe {kernel} log passes with {fsc} 'Unsupported FSC'",
              f"exit {rc}: {out[-300:]}")
        n = int(fsc)
        expect_fail(f"guest-log.py scan: {n - 1} 'Unsupported FSC' expected on the {kernel} log fails",
                    "guest-log.py", ["scan", log, str(n - 1)], rf"{n} 'Unsupported FSC' lines, expected {n - 1}")

    patched = fixture("e2e-vhe-patched.log")
    rc, out = run("guest-log.py", "scan", write("scan-crlf.log", patched.replace("\n", "\r\n")),
                  "4", "--strict")
    check(rc == 0, "guest-log.py scan --strict: the patched log with CRLF line ends passes",
          f"exit {rc}: {out[-300:]}")
    for what, line in PROBLEM_LINES:
        kernel_line = f"[   42.123456] {line}\n"
        expect_fail(f"guest-log.py scan finds {what}", "guest-log.py",
                    ["scan", write("p1.log", patched + kernel_line), "4", "--strict"], re.escape(line[:20]))
        # The same message landing in the middle of a relayed test line,
        # from a kernel that prints no timestamps: only its form tells.
        mid = sub(patched, r"^# ok 3 ", "# ok 3 " + line.replace("\\", r"\\"))
        expect_fail(f"guest-log.py scan finds {what} in the middle of a relayed '# ' line",
                    "guest-log.py", ["scan", write("p2.log", mid), "4", "--strict"], re.escape(line[:20]))
    mid = sub(patched, r"^(# ok 3 [^\n]*)$",
              r"\1[   12.345678] WARNING: CPU: 1 PID: 9 at mm/memory.c:1 foo+0x0/0x4")
    expect_fail("guest-log.py scan finds '# ok 3 foo[   12.3] WARNING: CPU: ...'",
                "guest-log.py", ["scan", write("p3.log", mid), "4", "--strict"], r"WARNING: CPU: 1")

    rc, out = run("guest-log.py", "scan", write("harmless.log", patched + HARMLESS), "4", "--strict")
    check(rc == 0, "guest-log.py scan: ordinary words in relayed test output are not kernel problems",
          f"exit {rc}: {out[-300:]}")

    kunit = fixture("kunit-vhe.log")
    warn = write("kunit-warn.log", kunit)
    rc, out = run("guest-log.py", "scan", warn)
    check(rc == 0, "guest-log.py scan: the KUnit suite's one intended WARN is allowed by default",
          f"exit {rc}: {out[-300:]}")
    expect_fail("guest-log.py scan --strict: the KUnit suite's WARN is refused", "guest-log.py",
                ["scan", warn, "--strict"], r"WARN.*pgtable\.c")
    expect_fail("guest-log.py scan --warns 0: the same as --strict", "guest-log.py",
                ["scan", warn, "0", "--warns", "0"], r"WARN.*pgtable\.c")
    twice = re.search(r"^.*WARNING: CPU: .*$", kunit, re.M).group(0)
    expect_fail("guest-log.py scan: a second intended WARN is refused", "guest-log.py",
                ["scan", write("kunit-2warn.log", kunit + twice + "\n")], r"WARN.*1 allowed")

    plan = re.search(r"^PLAN-BEGIN$.*?^PLAN-END$", patched, re.M | re.S).group(0)
    rc, out = run("guest-log.py", "plan", write("plan-full.log", plan + "\n"))
    check(rc == 0 and "vfio_bar_memattr ok" in out, "guest-log.py plan: a finished plan passes",
          f"exit {rc}: {out}")
    expect_fail("guest-log.py plan: a plan cut short is reported", "guest-log.py",
                ["plan", write("plan-cut.log", plan[:plan.index("PLAN-END")])], r"did not finish")
    short = sub(plan, r"^ok \d+ vfio_bar_memattr .*\n", "")
    expect_fail("guest-log.py plan: a plan that lost a result line fails", "guest-log.py",
                ["plan", write("plan-lost.log", short)], r"did not finish.*reported")


# --- harness/judge/contain.py -----------------------------------------------------

def test_contain():
    """The containment judge on two real vhe boots (gate 72), and on copies
    broken in one way each."""
    base, series = fixture("contain-vhe-base.log"), fixture("contain-vhe-series.log")
    b, s = write("contain-base.log", base), write("contain-series.log", series)
    rc, out = run("contain.py", "judge", "vhe", b, s)
    check(rc == 0 and out.count("PASS: ") == 34 and "FAIL" not in out,
          "contain.py judge: the real vhe logs pass (32 subtests, both runs complete)",
          f"exit {rc}: {out[-300:]}")
    rc, out = run("contain.py", "judge", "vhe", write("contain-base-crlf.log", base.replace("\n", "\r\n")),
                  write("contain-series-crlf.log", series.replace("\n", "\r\n")))
    check(rc == 0 and out.count("PASS: ") == 34, "contain.py judge: the same logs with CRLF line ends pass",
          f"exit {rc}: {out[-300:]}")
    cut = series[:series.index("# ok 20 ")]
    expect_fail("contain.py judge: a series run cut short after 19 subtests fails", "contain.py",
                ["judge", "vhe", b, write("contain-cut.log", cut)], r"did not finish|boot was cut short")
    bad = sub(series, r"^# ok 9 ", "# not ok 9 ")
    expect_fail("contain.py judge: a series subtest that fails fails the judge", "contain.py",
                ["judge", "vhe", b, write("contain-fail.log", bad)], r"FAIL: .*fork")
    expect_fail("contain.py judge: a base that passes the fix's subtests fails the control",
                "contain.py", ["judge", "vhe", s, s], r"base")
    bad = series.replace("# plan-init: running vfio_bar_revoke", "# plan-init: running something-else")
    expect_fail("contain.py judge: a log in which plan-init never ran the test says so", "contain.py",
                ["judge", "vhe", b, write("contain-notrun.log", bad)], r"plan-init never ran vfio_bar_revoke")
    bad = sub(series, r"^# ok 5 owner: (.*) \(KVM_RUN: EFAULT\)$", r"# ok 5 # SKIP owner: \1: no reset")
    expect_fail("contain.py judge: a skipped subtest fails (coverage lost)", "contain.py",
                ["judge", "vhe", b, write("contain-skip.log", bad)], r"skip")
    bad = sub(series, r"^(# ok 12 .*)$", "\\1\n# ==== Test Assertion Failure ====")
    expect_fail("contain.py judge: a failed TEST_ASSERT in the run fails", "contain.py",
                ["judge", "vhe", b, write("contain-assert.log", bad)], r"TEST_ASSERT")
    bad = sub(base, r"^(# not ok 9 fork: .*after: )completed, 0 page faults\)$",
              r"\1SIGSEGV code 1)")
    expect_fail("contain.py judge: a base that fails the fork case with another signal fails "
                "(the control names the failure it expects)", "contain.py",
                ["judge", "vhe", write("contain-base-segv.log", bad), s],
                r"for another reason: .*SIGSEGV")
    bad = sub(base, r"^(# not ok 10 fork: .*\()still running after \d+ s, \d+ loads\)$",
              r"\1KVM_RUN: EINTR)")
    expect_fail("contain.py judge: a base whose forked guest stops with EINTR, not running on, fails",
                "contain.py", ["judge", "vhe", write("contain-base-eintr.log", bad), s],
                r"for another reason: 'KVM_RUN: EINTR'")
    bad = sub(base, r"^(# not ok 32 memslot swap: .*\()0 of (\d+) phases\)$", r"\g<1>5 of \2 phases)")
    expect_fail("contain.py judge: a base on which some unaligned vfio loads complete fails",
                "contain.py", ["judge", "vhe", write("contain-base-partial.log", bad), s],
                r"for another reason: '5 of")
    rc, out = run("contain.py", "table", "vhe", b, s)
    check(rc == 0 and "fork" in out, "contain.py table: the real vhe logs give the table",
          f"exit {rc}: {out[-300:]}")


# --- harness/judge/optout.py ------------------------------------------------------

def test_optout():
    """The opt-out judge on real vhe boots (gate 74: the e2e base run, the
    series with and without vfio_pci.disable_any_uncached=1)."""
    base = write("optout-base.log", fixture("e2e-vhe-base.log"))
    on, off = fixture("optout-vhe-set.log"), fixture("optout-vhe-unset.log")
    o, f = write("optout-on.log", on), write("optout-off.log", off)
    rc, out = run("optout.py", "vhe", base, o, f)
    check(rc == 0 and out.count("PASS: ") == 12 and "FAIL" not in out,
          "optout.py: the real vhe logs pass", f"exit {rc}: {out[-300:]}")
    expect_fail("optout.py: the runs with and without the parameter swapped fail", "optout.py",
                ["vhe", base, f, o], r"did not get it|reads N|want")
    bad = on.replace(" vfio_pci.disable_any_uncached=1", "")
    expect_fail("optout.py: a 'set' boot whose command line lacks the parameter fails", "optout.py",
                ["vhe", base, write("optout-nocmd.log", bad), f], r"did not get it")
    cut = on[:on.index("# ok 20 ")]
    expect_fail("optout.py: a 'set' run cut short fails, whatever its first subtests said",
                "optout.py", ["vhe", base, write("optout-cut.log", cut), f],
                r"did not finish|cut short")
    bad = on.replace("refused: Permission denied", "written")
    expect_fail("optout.py: a parameter that took a write fails", "optout.py",
                ["vhe", base, write("optout-writable.log", bad), f], r"not refused")
    bad = sub(off, r"^# ok 1 (.*)$", r"# not ok 1 \1")
    expect_fail("optout.py: a subtest failing without the parameter fails", "optout.py",
                ["vhe", base, o, write("optout-offfail.log", bad)], r"not set")


# --- harness/judge/s2map.py -------------------------------------------------------

def s2map(path, kernel):
    """(exit status, output) of s2map.main(), as e2e.py and optout.py call it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = load("s2map.py").main(path, kernel)
    return rc or 0, out.getvalue()


def test_s2map():
    """Stage 2 as KVM installed it (s2trace's record in a real e2e boot)."""
    base, patched = fixture("e2e-vhe-base.log"), fixture("e2e-vhe-patched.log")
    b, p = write("s2-base.log", base), write("s2-patched.log", patched)
    rc_b, out_b = s2map(b, "base")
    rc_p, out_p = s2map(p, "series")
    check(rc_b == 0 and rc_p == 0 and out_b.count("PASS") == 3 and out_p.count("PASS") == 3
          and "vfio: NORMAL_NC x1024" in out_p and "vfio: DEVICE" in out_b,
          "s2map.py: the real vhe records pass (series NORMAL_NC, base DEVICE for the vfio BAR)",
          f"{rc_b} {rc_p}: {out_b} {out_p}")
    rc, out = s2map(b, "series")
    check(rc == 1 and re.search(r"FAIL: stage 2 series vfio: DEVICE", out),
          "s2map.py: the base's record judged as the series' fails (vfio DEVICE, want NORMAL_NC)", out)
    # (name, edit of the series' record: pattern, replacement, what the FAIL says)
    broken = [
        ("an executable vfio BAR at stage 2 fails",
         r"^# s2map gib=4 prot=0x16 ", "# s2map gib=4 prot=0x17 ", r"NORMAL_NC\+X"),
        ("the sysfs BAR mapped NORMAL_NC fails",
         r"^# s2map gib=5 prot=0xe ", "# s2map gib=5 prot=0x16 ", r"FAIL: stage 2 series sysfs: NORMAL_NC"),
        ("anonymous memory mapped DEVICE fails",
         r"^# s2map gib=6 prot=0x7 ", "# s2map gib=6 prot=0xf ", r"FAIL: stage 2 series anon"),
        ("a vfio BAR never mapped fails",
         r"^# s2map gib=4 .*\n", "", r"vfio: nothing mapped"),
        ("a record without its closing count (cut or overflowed) fails",
         r"^# s2trace: \d+ stage-2 maps recorded\n", "", r"no complete s2trace record"),
    ]
    for i, (what, pattern, repl, says) in enumerate(broken):
        rc, out = s2map(write(f"s2-broken-{i}.log", sub(patched, pattern, repl)), "series")
        check(rc == 1 and re.search(says, out), f"s2map.py: {what}", out)


def test_plan_output(path):
    """plan-init's own KTAP for a plan with malformed lines."""
    rc, out = run("guest-log.py", "plan", path)
    check(rc == 0 and re.search(r"^zero fail$", out, re.M) and re.search(r"^!enable fail$", out, re.M),
          "guest-log.py plan: plan-init's malformed plan lines come out as failures",
          f"exit {rc}: {out}")


def main(argv):
    global tmpdir
    if len(argv) not in (1, 2):
        sys.exit(__doc__)
    tmpdir = argv[0]
    for test in (test_kunit, test_e2e, test_e2e_runner, test_regress, test_realvmm,
                 test_guest_log, test_contain, test_optout, test_s2map):
        try:
            test()
        except Exception as e:          # a broken fixture is a failure too
            check(False, f"{test.__name__} ran to its end", repr(e))
    if len(argv) > 1:
        test_plan_output(argv[1])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

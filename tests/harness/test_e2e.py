"""harness/judge/e2e.py, the verdict of make's table and of gate 70: the
selftest vfio_bar_memattr on the base and on the series, as plan-init
relayed it, directly and through the kselftest runner."""
import os
import re

import pytest

from judges import DAMAGE, FIX, crlf, fails, fixture, judge_damaged, passes, run, run_process, sub

BASE = fixture("e2e-vhe-base.log")
PATCHED = fixture("e2e-vhe-patched.log")
RUNNER_BASE = fixture("e2e-vhe-runner-base.log")
RUNNER = fixture("e2e-vhe-runner-patched.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("patched.log", PATCHED)


def test_real_vhe_logs_pass(logs):
    """31 subtests, both runs complete."""
    rc, out = run_process("e2e.py", "judge", "vhe", *logs)
    lines = out.splitlines()
    passes(rc, out, lines and all(x.startswith("PASS: ") for x in lines) and
           sum("run complete" in x for x in lines) == 2 and len(lines) == 33)


def test_crlf_line_ends_read_the_same(put):
    rc, out = run("e2e.py", "judge", "vhe", put("b.log", crlf(BASE)),
                  put("p.log", crlf(PATCHED)))
    passes(rc, out, out.count("PASS: ") == 33)


def crashed():
    """The series' selftest killed after its 31st "ok": no Totals, no cells."""
    crash = re.sub(r"^# # (cell|Totals).*\n", "", PATCHED, flags=re.M)
    return sub(crash, r"^ok (\d+) vfio_bar_memattr # .*$",
               r"# plan-init: vfio_bar_memattr killed by signal 11\n"
               r"not ok \1 vfio_bar_memattr # exit 139 after 9.9s")


def test_series_selftest_that_crashed_after_31_ok_lines_fails(logs, put):
    fails("e2e.py", ["judge", "vhe", logs[0], put("crash.log", crashed())],
          r"series run: the selftest was killed by signal 11")


def test_crash_is_named_as_missing_totals_and_wrong_exit_status(logs, put):
    out = run("e2e.py", "judge", "vhe", logs[0], put("crash.log", crashed()))[1]
    assert "no '# Totals:' line" in out and "exited 139, want 0" in out, out[-300:]


def test_series_selftest_that_exits_non_zero_fails(logs, put):
    bad = sub(PATCHED, r"^ok (\d+) vfio_bar_memattr # .*$", r"not ok \1 vfio_bar_memattr # exit 1 after 9.9s")
    fails("e2e.py", ["judge", "vhe", logs[0], put("p.log", bad)], r"series run: the selftest exited 1, want 0")


@pytest.mark.parametrize("how, says", [
    ("# plan-init: vfio_bar_memattr timed out after 600 s\n"
     "not ok \\1 vfio_bar_memattr # exit 125 after 600.0s", r"base run: the selftest was timed out"),
    ("# plan-init: vfio_bar_memattr killed by signal 9\n"
     "not ok \\1 vfio_bar_memattr # exit 137 after 9.9s", r"base run: the selftest was killed by signal 9"),
], ids=["timed-out", "killed"])
def test_base_selftest_that_did_not_end_by_itself_fails(logs, put, how, says):
    """On the base a non-zero exit is expected, a timeout or a kill is not."""
    bad = sub(BASE, r"^not ok (\d+) vfio_bar_memattr # exit 1 .*$", how)
    fails("e2e.py", ["judge", "vhe", put("b.log", bad), logs[1]], says)


def test_ktap_plan_other_than_1_31_fails(logs, put):
    fails("e2e.py", ["judge", "vhe", logs[0], put("p.log", sub(PATCHED, r"^# 1\.\.31$", "# 1..32"))],
          r"KTAP plan is 1\.\.32")


def test_totals_line_that_disagrees_with_the_subtests_fails(logs, put):
    bad = sub(PATCHED, r"^# # Totals: pass:31 fail:0", "# # Totals: pass:30 fail:1")
    fails("e2e.py", ["judge", "vhe", logs[0], put("p.log", bad)], r"Totals line says")


def test_boot_cut_short_before_plan_inits_verdict_fails(logs, put):
    m = re.search(r"^(# plan-init: vfio_bar_memattr|ok \d+ vfio_bar_memattr)", PATCHED, re.M)
    fails("e2e.py", ["judge", "vhe", logs[0], put("p.log", PATCHED[:m.start()])],
          r"plan-init reports no result")


def test_real_skip_lines_of_a_run_without_a_vfio_device_give_series_skip(logs, put):
    rc, out = run("e2e.py", "judge", "vhe", logs[0], put("p.log", fixture("e2e-vhe-novfio-patched.log")))
    assert rc != 0 and "series skip" in out and "out of step" not in out and \
        "run complete" in out.split("\n")[1], out[-400:]


def test_ok_skip_message_parses_as_a_skip_keyed_by_message():
    from e2e import read
    subtests, _ = read(os.path.join(FIX, "e2e-vhe-novfio-patched.log"))
    skipped = [k for k, st, _ in subtests if st == "skip"]
    assert len(skipped) == 11 and all(k.startswith("vfio") for k in skipped), skipped[:2]


def uncalibrated(text):
    """The run of an emulator that does not raise the alignment fault."""
    text = re.sub(r"^# ok (\d+) (sysfs Normal-(NC|WB): unaligned)", r"# not ok \1 \2", text, flags=re.M)
    text = sub(text, r"^# ok (\d+) calibration", r"# not ok \1 calibration")
    n = len(re.findall(r"^# not ok ", text, re.M))
    return sub(text, r"^# # Totals: pass:\d+ fail:\d+", f"# # Totals: pass:{31 - n} fail:{n}")


def uncalibrated_series():
    return sub(uncalibrated(PATCHED), r"^ok (\d+) vfio_bar_memattr # .*$",
               r"not ok \1 vfio_bar_memattr # exit 1 after 9.9s")


def test_calibration_failing_on_both_runs_names_the_emulator(put):
    rc, out = run("e2e.py", "judge", "vhe", put("b.log", uncalibrated(BASE)),
                  put("p.log", uncalibrated_series()))
    assert rc != 0 and "the emulator does not raise the stage-2 alignment fault" in out, out[-300:]


def test_calibration_failing_only_with_the_series_names_the_series(logs, put):
    rc, out = run("e2e.py", "judge", "vhe", logs[0], put("p.log", uncalibrated_series()))
    cal = [x for x in out.splitlines() if " calibration" in x]
    assert rc != 0 and cal and "series fail, base ok" in cal[0] and "emulator" not in cal[0], cal


def test_base_failing_for_another_reason_than_the_stage2_fault_fails(logs, put):
    """The control names the failure it expects: a guest exception is not
    the stage-2 fault (EFAULT from KVM_RUN)."""
    bad = sub(BASE, r"^(# not ok 5 vfio Normal-NC: unaligned load completes \().*\)$",
              r"\1guest exception ESR_EL1 0x96000021 FAR 0x1080001801)")
    fails("e2e.py", ["judge", "vhe", put("b.log", bad), logs[1]], r"for another reason: 'guest exception")


def test_base_that_passes_the_series_cells_fails_the_control(logs):
    fails("e2e.py", ["judge", "vhe", logs[1], logs[1]], r"base ok.*want series ok, base fail")


def test_table_of_the_real_vhe_logs(logs):
    rc, out = run("e2e.py", "table", "vhe", *logs)
    passes(rc, out, "Normal / Device (Normal-NC)" in out)


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "series"])
def test_damaged_log_fails(put, damage, which):
    rc, out = judge_damaged(put, "e2e.py", BASE, PATCHED, which, damage)
    assert rc != 0, out[-300:]


# Through the kselftest runner (tests/e2e.plan): the output nested one
# "# " deeper, the exit status in the runner's line.

@pytest.fixture
def runner(put):
    return put("rb.log", RUNNER_BASE), put("rp.log", RUNNER)


def test_runner_real_runs_pass(runner):
    rc, out = run("e2e.py", "judge", "vhe", *runner)
    lines = out.strip().splitlines()
    passes(rc, out, lines and all(x.startswith("PASS: ") for x in lines) and
           "series run complete" in out and "exit 1" in out)


@pytest.mark.parametrize("how, says", [
    ("exit=139", r"exited 139, want 0"),
    ("TIMEOUT 120 seconds", r"timed out"),
])
def test_runner_reporting_a_crash_or_timeout_fails(runner, put, how, says):
    bad = sub(RUNNER, r"^# ok (\d+) selftests: kvm: vfio_bar_memattr$",
              rf"# not ok \1 selftests: kvm: vfio_bar_memattr # {how}")
    fails("e2e.py", ["judge", "vhe", runner[0], put("p.log", bad)], says)


def test_runner_that_never_reports_the_tests_result_fails(runner, put):
    cut = "\n".join(x for x in RUNNER.splitlines() if "selftests: kvm: vfio_bar_memattr" not in x
                    or x.startswith("# # ")) + "\n"
    fails("e2e.py", ["judge", "vhe", runner[0], put("p.log", cut)], r"no result|exited")

"""harness/judge/contain.py, gate 72's verdict: vfio_bar_revoke on the base
and on the series (what the first three patches contain)."""
import pytest

from judges import DAMAGE, crlf, fails, fixture, judge_damaged, passes, run, sub

BASE = fixture("contain-vhe-base.log")
SERIES = fixture("contain-vhe-series.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("series.log", SERIES)


def test_real_vhe_logs_pass(logs):
    """32 subtests, both runs complete."""
    rc, out = run("contain.py", "judge", "vhe", *logs)
    passes(rc, out, out.count("PASS: ") == 34 and "FAIL" not in out)


def test_crlf_line_ends_read_the_same(put):
    rc, out = run("contain.py", "judge", "vhe", put("b.log", crlf(BASE)),
                  put("s.log", crlf(SERIES)))
    passes(rc, out, out.count("PASS: ") == 34)


def test_series_run_cut_short_after_19_subtests_fails(logs, put):
    fails("contain.py", ["judge", "vhe", logs[0], put("s.log", SERIES[:SERIES.index("# ok 20 ")])],
          r"did not finish|boot was cut short")


def test_series_subtest_that_fails_fails_the_judge(logs, put):
    fails("contain.py", ["judge", "vhe", logs[0], put("s.log", sub(SERIES, r"^# ok 9 ", "# not ok 9 "))],
          r"FAIL: .*fork")


def test_base_that_passes_the_fixs_subtests_fails_the_control(logs):
    fails("contain.py", ["judge", "vhe", logs[1], logs[1]], r"base")


def test_log_in_which_plan_init_never_ran_the_test_says_so(logs, put):
    bad = SERIES.replace("# plan-init: running vfio_bar_revoke", "# plan-init: running something-else")
    fails("contain.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"plan-init never ran vfio_bar_revoke")


def test_skipped_subtest_fails(logs, put):
    """Coverage lost is not a pass."""
    bad = sub(SERIES, r"^# ok 5 owner: (.*) \(KVM_RUN: EFAULT\)$", r"# ok 5 # SKIP owner: \1: no reset")
    fails("contain.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"skip")


def test_failed_test_assert_in_the_run_fails(logs, put):
    bad = sub(SERIES, r"^(# ok 12 .*)$", "\\1\n# ==== Test Assertion Failure ====")
    fails("contain.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"TEST_ASSERT")


# The base fails where the series is needed, and only in the way expected.
@pytest.mark.parametrize("edit, says", [
    ((r"^(# not ok 9 fork: .*after: )completed, 0 page faults\)$", r"\1SIGSEGV code 1)"),
     r"for another reason: .*SIGSEGV"),
    ((r"^(# not ok 10 fork: .*\()still running after \d+ s, \d+ loads\)$", r"\1KVM_RUN: EINTR)"),
     r"for another reason: 'KVM_RUN: EINTR'"),
    ((r"^(# not ok 32 memslot swap: .*\()0 of (\d+) phases\)$", r"\g<1>5 of \2 phases)"),
     r"for another reason: '5 of"),
], ids=["fork-sigsegv", "forked-guest-eintr", "some-loads-complete"])
def test_base_failing_for_another_reason_fails(logs, put, edit, says):
    fails("contain.py", ["judge", "vhe", put("b.log", sub(BASE, *edit)), logs[1]], says)


def test_revoked_access_must_be_sigbus_bus_adrerr_at_the_address(logs, put):
    """Patch 13's check: the series' run must say so, a run that does not
    fails."""
    assert "BUS_ADRERR" in SERIES
    bad = SERIES.replace("BUS_ADRERR", "BUS_OBJERR")
    rc, out = run("contain.py", "judge", "vhe", logs[0], put("s.log", bad))
    assert rc != 0, out[-300:]


def test_table_of_the_real_vhe_logs(logs):
    rc, out = run("contain.py", "table", "vhe", *logs)
    passes(rc, out, "fork" in out)


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "series"])
def test_damaged_log_fails(put, damage, which):
    rc, out = judge_damaged(put, "contain.py", BASE, SERIES, which, damage)
    assert rc != 0, out[-300:]

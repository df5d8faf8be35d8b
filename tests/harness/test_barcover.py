"""harness/judge/barcover.py, gate 72's verdict on guest/barcover: the whole
of a 64 MiB BAR, pages at an offset into it, the register BAR, and the
revocation of every page, on the base and on the series."""
import pytest

from judges import DAMAGE, crlf, fails, fixture, judge_damaged, passes, run, sub

BASE = fixture("contain-vhe-base.log")
SERIES = fixture("contain-vhe-series.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("series.log", SERIES)


def test_real_vhe_logs_pass(logs):
    """13 subtests, both runs complete."""
    rc, out = run("barcover.py", "judge", "vhe", *logs)
    passes(rc, out, out.count("PASS: ") == 15 and "FAIL" not in out)


def test_crlf_line_ends_read_the_same(put):
    rc, out = run("barcover.py", "judge", "vhe", put("b.log", crlf(BASE)),
                  put("s.log", crlf(SERIES)))
    passes(rc, out, out.count("PASS: ") == 15)


def test_logs_swapped_fail(logs):
    fails("barcover.py", ["judge", "vhe", logs[1], logs[0]], r"series fail .*KVM_RUN: EFAULT")


def test_series_that_fails_the_last_page_fails(logs, put):
    bad = sub(SERIES, r"^# ok 3 (.*) \(completed\)$", r"# not ok 3 \1 (completed, data 0x0, want 0x1)")
    bad = sub(bad, r"^# # Totals: pass:13 fail:0", "# # Totals: pass:12 fail:1")
    fails("barcover.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"last page .*series fail")


def test_series_whose_revocation_check_says_another_signal_fails(logs, put):
    """The selftest's own verdict aside, the detail must name SIGBUS
    BUS_ADRERR at the address."""
    bad = sub(SERIES, r"^(# ok 11 .*)\(SIGBUS BUS_ADRERR at the address\)$", r"\1(SIGBUS code 3 at 0x0)")
    fails("barcover.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"want /\^SIGBUS BUS_ADRERR")


def test_base_failing_for_another_reason_than_the_stage2_fault_fails(logs, put):
    bad = sub(BASE, r"^(# not ok 2 .*)\(KVM_RUN: EFAULT\)$", r"\1(completed, data 0x0, want 0x1)")
    fails("barcover.py", ["judge", "vhe", put("b.log", bad), logs[1]], r"for another reason")


def test_base_that_passes_a_normal_nc_load_fails_the_control(logs, put):
    bad = sub(BASE, r"^# not ok 6 (.*)\(KVM_RUN: EFAULT\)$", r"# ok 6 \1(completed)")
    bad = sub(bad, r"^# # Totals: pass:6 fail:7", "# # Totals: pass:7 fail:6")
    fails("barcover.py", ["judge", "vhe", put("b.log", bad), logs[1]], r"BAR 0 .*base ok .*want fail")


def test_skipped_subtest_fails(logs, put):
    bad = sub(SERIES, r"^# ok 8 (whole BAR 2: .*) \(completed\)$", r"# ok 8 # SKIP \1 (no memory)")
    fails("barcover.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"skipped: coverage lost")


def test_run_that_bailed_out_fails(logs, put):
    bad = sub(SERIES, r"^# ok 1 BAR 2 first page.*$", "# Bail out! 0000:00:01.0 BAR 0 (256 bytes) cannot be mmap'd")
    fails("barcover.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"bailed out")


def test_table_of_the_real_vhe_logs(logs):
    rc, out = run("barcover.py", "table", "vhe", *logs)
    passes(rc, out, "BAR 0 (registers, sub-page)" in out and out.count(" | fail ") == 7)


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "series"])
def test_damaged_log_fails(put, damage, which):
    rc, out = judge_damaged(put, "barcover.py", BASE, SERIES, which, damage)
    assert rc != 0, out[-300:]

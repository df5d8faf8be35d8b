"""harness/judge/resetset.py, gate 72's verdict on guest/resetset: a hot
reset of two functions of one slot revokes the mappings of both (the
mutant that revokes the first device's only: test_contain_mutant.py)."""
import pytest

from judges import DAMAGE, fails, fixture, judge_damaged, passes, run, sub

BASE = fixture("contain-vhe-base.log")
SERIES = fixture("contain-vhe-series.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("series.log", SERIES)


def test_real_vhe_logs_pass(logs):
    """7 subtests on each kernel."""
    rc, out = run("resetset.py", "judge", "vhe", *logs)
    passes(rc, out, out.count("PASS: ") == 14 and "FAIL" not in out)


def test_series_whose_second_function_survives_the_reset_fails(logs, put):
    bad = sub(SERIES, r"^# ok 4 (.*)\(1 page faults on the next access\)$",
              r"# not ok 4 \1(0 page faults on the next access)")
    bad = sub(bad, r"^# # Totals: pass:7 fail:0", "# # Totals: pass:6 fail:1")
    bad = sub(bad, r"^ok (\d+) resetset # (.*)$", r"not ok \1 resetset # exit 1 after 0.2s")
    fails("resetset.py", ["judge", "vhe", logs[0], put("s.log", bad)],
          r"FAIL: resetset vhe series: a hot reset through function 0 revokes the mapping of function 1")


def test_reset_set_of_one_device_fails(logs, put):
    bad = sub(SERIES, r"^# ok 1 (.*)\(2 devices in the reset, (.*)\)$",
              r"# not ok 1 \1(1 devices in the reset, \2)")
    fails("resetset.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"resets both")


def test_run_that_bailed_out_fails(logs, put):
    bad = sub(SERIES, r"^# ok 1 the hot reset of the first function.*$", "# Bail out! 0000:02:00.1: IOMMU group not viable")
    fails("resetset.py", ["judge", "vhe", logs[0], put("s.log", bad)], r"bailed out")


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "series"])
def test_damaged_log_fails(put, damage, which):
    rc, out = judge_damaged(put, "resetset.py", BASE, SERIES, which, damage)
    assert rc != 0, out[-300:]

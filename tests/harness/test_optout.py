"""harness/judge/optout.py, gate 74's verdict: the series booted with and
without vfio_pci.disable_any_uncached=1, against the e2e base run."""
import pytest

from judges import DAMAGE, fails, fixture, passes, run, sub

BASE = fixture("e2e-vhe-base.log")
ON = fixture("optout-vhe-set.log")
OFF = fixture("optout-vhe-unset.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("on.log", ON), put("off.log", OFF)


def test_real_vhe_logs_pass(logs):
    rc, out = run("optout.py", "vhe", *logs)
    passes(rc, out, out.count("PASS: ") == 12 and "FAIL" not in out)


def test_runs_with_and_without_the_parameter_swapped_fail(logs):
    fails("optout.py", ["vhe", logs[0], logs[2], logs[1]], r"did not get it|reads N|want")


def test_set_boot_whose_command_line_lacks_the_parameter_fails(logs, put):
    bad = ON.replace(" vfio_pci.disable_any_uncached=1", "")
    fails("optout.py", ["vhe", logs[0], put("on.log", bad), logs[2]], r"did not get it")


def test_set_run_cut_short_fails_whatever_its_first_subtests_said(logs, put):
    fails("optout.py", ["vhe", logs[0], put("on.log", ON[:ON.index("# ok 20 ")]), logs[2]],
          r"did not finish|cut short")


def test_parameter_that_took_a_write_fails(logs, put):
    bad = ON.replace("refused: Permission denied", "written")
    fails("optout.py", ["vhe", logs[0], put("on.log", bad), logs[2]], r"not refused")


def test_subtest_failing_without_the_parameter_fails(logs, put):
    bad = sub(OFF, r"^# ok 1 (.*)$", r"# not ok 1 \1")
    fails("optout.py", ["vhe", logs[0], logs[1], put("off.log", bad)], r"not set")


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["on", "off"])
def test_damaged_log_fails(logs, put, damage, which):
    bad = put("bad.log", DAMAGE[damage](ON if which == "on" else OFF))
    args = (logs[0], bad, logs[2]) if which == "on" else (logs[0], logs[1], bad)
    rc, out = run("optout.py", "vhe", *args)
    assert rc != 0, out[-300:]

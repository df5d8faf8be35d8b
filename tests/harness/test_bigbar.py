"""harness/judge/bigbar.py, make bench's large-BAR figures: series, base,
the one-pass alternative and the debug kernel. It passes or fails no
number; it must refuse a log with no complete run, and report a stall."""
import pytest

from judges import DAMAGE, call, fixture, load, sub

NAMES = ["bigbar-vhe-1G-series-1.log", "bigbar-vhe-1G-base-1.log",
         "bigbar-vhe-1G-onepass-1.log", "bigbar-vhe-4G-debug-1.log"]


@pytest.fixture
def logs(put):
    return [put(n, fixture(n)) for n in NAMES]


def bigbar(paths):
    return call(load("bigbar.py").main, paths)


def test_real_logs_give_the_tables(logs):
    rc, out = bigbar(logs)
    assert rc == 0 and "Large BAR, 1GiB" in out and "one-pass/base" in out and \
        "bigbar-vhe-4G-debug-1.log: no soft lockup, RCU stall or hung task reported" in out, out[-600:]


def test_a_stall_on_the_debug_kernel_is_reported(logs, put):
    bad = sub(fixture(NAMES[3]), r"^(# bigbar round=1 what=user-first-touch .*)$",
              r"[  120.1] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [bigbar:91]\n\1")
    rc, out = bigbar(logs[:3] + [put(NAMES[3], bad)])
    assert "reported 1 stall(s): [  120.1] watchdog: BUG: soft lockup" in out, out[-400:]


def test_a_log_of_another_name_fails(logs, put):
    rc, out = bigbar(logs + [put("bigbar-1G.log", fixture(NAMES[0]))])
    assert rc == 1 and "not a bigbar log name" in out, out[-300:]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_log_fails(logs, put, damage):
    bad = put(NAMES[0], DAMAGE[damage](fixture(NAMES[0])))
    rc, out = bigbar([bad] + logs[1:])
    assert rc == 1 and "no complete bigbar run" in out, out[-300:]

"""harness/judge/bench.py, make bench's figures: the stage-2 fault path and
the write throughput, wall clock and under QEMU's -icount. It passes or
fails no number; it must refuse a log that holds no complete run."""
import re

import pytest

from judges import DAMAGE, call, fixture, load

NAMES = [f"bench-vhe-{k}-{n}.log" for k in ("series", "base") for n in (1, 2)] + \
    [f"bench-icount-vhe-{k}-{n}.log" for k in ("series", "base") for n in (1, 2, 3)]


@pytest.fixture
def logs(put):
    return [put(n, fixture(n)) for n in NAMES]


def bench(paths):
    return call(load("bench.py").main, paths)


def test_real_logs_give_the_tables(logs):
    rc, out = bench(logs)
    assert rc == 0 and re.search(r"^  vhe +vfio ", out, re.M) and \
        re.search(r"^  vhe icount vfio ", out, re.M) and "Under -icount" in out, out[-600:]


def test_the_base_cannot_do_the_unaligned_copy(logs):
    rc, out = bench(logs)
    assert re.search(r"^  vhe +base +unaligned copy via Normal-NC: n/a: 12 of 12 rounds ended "
                     r"in a stage-2 fault", out, re.M), out[-600:]


def test_recorded_icount_figures_repeat_within_one_percent(logs):
    """What -icount is for: the boots' medians agree, series and base."""
    rc, out = bench(logs)
    spreads = re.findall(r"spread ([\d.]+)% over 3 boots", out)
    assert rc == 0 and len(spreads) == 4 and all(float(x) < 1 for x in spreads), out[-600:]


def test_icount_series_over_base_is_printed_per_backing(logs):
    rc, out = bench(logs)
    assert len(re.findall(r"^  vhe icount +(vfio|anon) +series / base \d\.\d{4}$", out, re.M)) == 2, \
        out[-600:]


def test_no_logs_fail():
    rc, out = bench([])
    assert rc == 1 and "no bench logs" in out, out


def test_a_log_of_another_name_fails(logs, put):
    rc, out = bench(logs + [put("bench-vhe.log", fixture(NAMES[0]))])
    assert rc == 1 and "not a bench log name" in out, out[-300:]


def test_a_run_plan_init_did_not_see_end_fails(logs, put):
    cut = re.sub(r"^ok \d+ s2bench.*\n", "", fixture(NAMES[0]), flags=re.M)
    rc, out = bench(logs[1:] + [put(NAMES[0], cut)])
    assert rc == 1 and "no complete s2bench run" in out, out[-300:]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_log_fails(logs, put, damage):
    bad = put(NAMES[-1], DAMAGE[damage](fixture(NAMES[-1])))
    rc, out = bench(logs[:-1] + [bad])
    assert rc == 1 and "no complete s2bench run" in out, out[-300:]


def test_icount_writes_are_left_out_and_the_missing_alignment_fault_named(logs):
    rc, out = bench(logs)
    assert not re.search(r"^  vhe icount +(series|base) +unaligned copy", out, re.M) and \
        "completed in 18 of 18 rounds: under -icount this emulator does not raise" in out, out[-600:]

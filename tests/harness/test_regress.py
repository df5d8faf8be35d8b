"""harness/judge/regress.py, gate 80's verdict: the KVM selftests the base
and the series run, against tests/regress.plan's known reasons."""
import os

import pytest

from judges import DAMAGE, TOP, fails, fixture, passes, run, sub

PLAN = os.path.join(TOP, "tests", "regress.plan")
BASE = fixture("regress-vhe-base.log")
PATCHED = fixture("regress-vhe-patched.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("patched.log", PATCHED)


def test_real_vhe_runs_pass(logs):
    """15 pass, aarch32_id_regs a known skip."""
    rc, out = run("regress.py", "judge", "vhe", PLAN, *logs)
    passes(rc, out, out.count("PASS: ") == 15 and out.count("SKIP: ") == 1 and "known: " in out)


def test_base_failure_the_plan_gives_no_reason_for_fails(logs, put):
    bad = sub(BASE, r"^ok (\d+) hypercalls .*$", r"not ok \1 hypercalls # exit 1 after 2.0s")
    fails("regress.py", ["judge", "vhe", PLAN, put("b.log", bad), logs[1]],
          r"FAIL: regress vhe hypercalls: base fail, series ok, and the plan lists no reason")


def test_series_failure_where_the_base_passes_fails(logs, put):
    bad = sub(PATCHED, r"^ok (\d+) steal_time .*$", r"not ok \1 steal_time # exit 1 after 2.0s")
    fails("regress.py", ["judge", "vhe", PLAN, logs[0], put("p.log", bad)], r"steal_time: base ok, series fail")


def test_base_boot_whose_plan_did_not_finish_fails(logs, put):
    fails("regress.py", ["judge", "vhe", PLAN, put("b.log", BASE.split("PLAN-END")[0]), logs[1]],
          r"FAIL: regress vhe base: .*did not finish")


def test_test_the_base_never_reports_fails(logs, put):
    bad = sub(BASE, r"^ok \d+ get-reg-list .*\n", "")
    fails("regress.py", ["judge", "vhe", PLAN, put("b.log", bad), logs[1]], r"get-reg-list: base missing")


def test_known_skip_the_series_turns_into_a_failure_fails(logs, put):
    bad = sub(PATCHED, r"^ok (\d+) aarch32_id_regs .*$", r"not ok \1 aarch32_id_regs # exit 1 after 0.1s")
    fails("regress.py", ["judge", "vhe", PLAN, logs[0], put("p.log", bad)],
          r"aarch32_id_regs: base skip, series fail")


@pytest.fixture
def mps_fails(put):
    """memslot_perf_test failing on both kernels (as with 16K pages)."""
    return [put(f"{k}.log", sub(text, r"^ok (\d+) memslot_perf_test .*$",
                                r"not ok \1 memslot_perf_test # exit 254 after 0.1s"))
            for k, text in (("base", BASE), ("series", PATCHED))]


def test_known_skip_listed_for_16k_only_is_a_skip_with_16k_pages(mps_fails):
    rc, out = run("regress.py", "judge", "vhe-16k", PLAN, *mps_fails, "16k")
    passes(rc, out, "SKIP: regress vhe-16k memslot_perf_test" in out)


def test_the_same_failure_with_4k_pages_fails(mps_fails):
    fails("regress.py", ["judge", "vhe", PLAN, *mps_fails],
          r"memslot_perf_test: base fail, series fail, and the plan lists no reason")


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_series_log_fails(logs, put, damage):
    rc, out = run("regress.py", "judge", "vhe", PLAN, logs[0], put("bad.log", DAMAGE[damage](PATCHED)))
    assert rc != 0, out[-300:]

"""harness/judge/contain_mutant.py, gate 72's verdict on its mutants: a
mutant's boot is caught when the checks its patch names fail (and, where
the patch says so, nothing else)."""
import os

import pytest

from judges import DAMAGE, TOP, fails, fixture, passes, run, sub

BASE = fixture("contain-vhe-base.log")
SERIES = fixture("contain-vhe-series.log")
M51 = fixture("contain-vhe-mutant-51.log")
M52 = fixture("contain-vhe-mutant-52.log")
P51 = os.path.join(TOP, "tests", "mutants", "contain", "51-hot-reset-first-only.patch")
P52 = os.path.join(TOP, "tests", "mutants", "contain", "52-revoked-sigsegv.patch")


@pytest.fixture
def base(put):
    return put("base.log", BASE)


def test_real_hot_reset_mutant_is_caught_by_exactly_its_checks(base, put):
    rc, out = run("contain_mutant.py", "vhe", P51, base, put("m.log", M51))
    passes(rc, out, "caught (2 checks fail, only those named" in out)


def test_real_sigsegv_mutant_is_caught_by_its_checks(base, put):
    rc, out = run("contain_mutant.py", "vhe", P52, base, put("m.log", M52))
    passes(rc, out, "contain mutant 52-revoked-sigsegv caught" in out)


@pytest.mark.parametrize("patch", [P51, P52], ids=["51", "52"])
def test_the_series_log_taken_for_a_mutants_is_not_caught(base, put, patch):
    fails("contain_mutant.py", ["vhe", patch, base, put("s.log", SERIES)], r"not caught as its patch says")


def test_failures_beyond_those_named_are_not_what_the_patch_says(base, put):
    """51 says that nothing else fails: 52's many failures are not 51's."""
    fails("contain_mutant.py", ["vhe", P51, base, put("m.log", M52)], r"other checks fail too")


def test_one_more_failure_than_named_is_not_what_the_patch_says(base, put):
    bad = sub(M51, r"^# ok 3 (a hot reset through .*)$", r"# not ok 3 \1")
    bad = sub(bad, r"^# # Totals: pass:5 fail:2 ", "# # Totals: pass:4 fail:3 ")
    fails("contain_mutant.py", ["vhe", P51, base, put("m.log", bad)],
          r"1 other checks fail too, first: resetset vhe series: a hot reset through function 0 "
          r"revokes the mapping of function 0")


def test_a_patch_that_names_no_check_fails(base, put):
    patch = put("53-unnamed.patch", open(P52).read().replace("# Fails:", "# Maybe:"))
    fails("contain_mutant.py", ["vhe", patch, base, put("m.log", M52)], r"names no '# Fails:' check")


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_mutant_log_is_not_what_its_patch_says(base, put, damage):
    """51 names exactly its failures: a damaged log fails in other ways."""
    rc, out = run("contain_mutant.py", "vhe", P51, base, put("m.log", DAMAGE[damage](M51)))
    assert rc != 0, out[-300:]

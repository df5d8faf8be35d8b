"""harness/judge/compare.py, gate 78's verdict: the same boots of the base,
the series and upstream's merged implementation (Debian's 6.12), row by
row, where the series and upstream must agree or the difference must be
one that is expected or explained."""
import shutil

import pytest

from judges import DAMAGE, FIX, call, fixture, load, sub

LOGS = {
    "e2e-vhe-base.log": "e2e-vhe-base.log",
    "e2e-vhe-patched.log": "e2e-vhe-patched.log",
    "e2e-vhe-upstream.log": "e2e-vhe-upstream.log",
    "kunit-vhe.log": "kunit-vhe.log",
    "kunit-vhe-upstream.log": "kunit-vhe-upstream.log",
}


@pytest.fixture
def logs(tmp_path, monkeypatch):
    """A build/logs of the recorded vhe boots, and vfio.rst as each tree has
    it (the series documents the flag, the base and upstream do not)."""
    for name, src in LOGS.items():
        shutil.copy(f"{FIX}/{src}", tmp_path / name)
    compare = load("compare.py")
    monkeypatch.setattr(compare, "LOGS", str(tmp_path))
    monkeypatch.setattr(compare, "doc_present", lambda tree, ref: "yes" if ref == "v4" else "no")
    return tmp_path


def compare():
    return call(load("compare.py").main, ["vhe"])


def test_real_vhe_logs_agree_or_differ_as_explained(logs):
    rc, out = compare()
    assert rc == 0 and "0 unexpected" in out and "MISSING" not in out, out[-600:]


def test_real_logs_give_the_expected_rows(logs):
    """The table covers the cells, stage 2 per backing and the KUnit cases."""
    rc, out = compare()
    assert "cell vfio S1 Normal-NC" in out and "stage-2 attribute, vfio" in out \
        and "kunit s2_attr_fwb" in out and "vfio.rst documents" in out, out[:600]


def test_a_missing_upstream_log_fails(logs):
    (logs / "e2e-vhe-upstream.log").unlink()
    rc, out = compare()
    assert rc == 1 and "MISSING" in out, out[-400:]


def test_a_missing_kunit_log_fails(logs):
    (logs / "kunit-vhe-upstream.log").unlink()
    rc, out = compare()
    assert rc == 1 and "MISSING: KUnit suite" in out, out[-400:]


def test_a_tree_whose_vfio_rst_cannot_be_read_fails(logs, monkeypatch):
    monkeypatch.setattr(load("compare.py"), "doc_present", lambda tree, ref: "?")
    rc, out = compare()
    assert rc == 1 and "no Documentation/driver-api/vfio.rst" in out, out[-400:]


@pytest.mark.parametrize("what, pattern, repl, row", [
    ("the vfio BAR DEVICE at stage 2", r"^# s2map gib=4 prot=0x16 ", "# s2map gib=4 prot=0xe ",
     "stage-2 attribute, vfio"),
    ("a cell the guest sees as Device", r"^# # cell vfio Normal-NC ok normal normal$",
     "# # cell vfio Normal-NC ok device device", "cell vfio S1 Normal-NC"),
], ids=["stage-2", "cell"])
def test_series_that_departs_from_upstream_is_an_unexpected_difference(logs, what, pattern, repl, row):
    p = logs / "e2e-vhe-patched.log"
    p.write_text(sub(p.read_text(), pattern, repl))
    rc, out = compare()
    assert rc == 1 and f"DIFF [vhe] {row}" in out and "UNEXPECTED" in out, out[-600:]


def test_series_kunit_case_that_fails_is_an_unexpected_difference(logs):
    p = logs / "kunit-vhe.log"
    p.write_text(sub(p.read_text(), r"^(.*)ok 3 normal_w$", r"\1not ok 3 normal_w"))
    rc, out = compare()
    assert rc == 1 and "UNEXPECTED" in out, out[-600:]


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "patched", "upstream"])
def test_damaged_e2e_log_fails(logs, damage, which):
    p = logs / f"e2e-vhe-{which}.log"
    p.write_text(DAMAGE[damage](p.read_text()))
    rc, out = compare()
    assert rc == 1, out[-400:]

"""harness/judge/s2map.py: stage 2 as KVM installed it, from guest/s2trace's
record in a real e2e boot (gates 70 and 74)."""
import re

import pytest

from judges import DAMAGE, call, crlf, fixture, load

BASE = fixture("e2e-vhe-base.log")
PATCHED = fixture("e2e-vhe-patched.log")


def s2map(path, kernel):
    """(exit status, output) of s2map.main(), as e2e.py and optout.py call it."""
    return call(load("s2map.py").main, path, kernel)


def test_real_vhe_records_pass(put):
    """The series maps the vfio BAR NORMAL_NC, the base DEVICE."""
    rc_b, out_b = s2map(put("b.log", BASE), "base")
    rc_p, out_p = s2map(put("p.log", PATCHED), "series")
    assert rc_b == 0 and rc_p == 0 and out_b.count("PASS") == 3 and out_p.count("PASS") == 3 \
        and "vfio: NORMAL_NC x1024" in out_p and "vfio: DEVICE" in out_b, out_b + out_p


def test_crlf_line_ends_read_the_same(put):
    rc, out = s2map(put("p.log", crlf(PATCHED)), "series")
    assert rc == 0 and out.count("PASS") == 3, out


def test_the_bases_record_judged_as_the_series_fails(put):
    rc, out = s2map(put("b.log", BASE), "series")
    assert rc == 1 and re.search(r"FAIL: stage 2 series vfio: DEVICE", out), out


# (edit of the series' record: pattern, replacement, what the FAIL says)
BROKEN = {
    "executable vfio BAR": (r"^# s2map gib=4 prot=0x16 ", "# s2map gib=4 prot=0x17 ", r"NORMAL_NC\+X"),
    "sysfs BAR NORMAL_NC": (r"^# s2map gib=5 prot=0xe ", "# s2map gib=5 prot=0x16 ",
                            r"FAIL: stage 2 series sysfs: NORMAL_NC"),
    "anonymous memory DEVICE": (r"^# s2map gib=6 prot=0x7 ", "# s2map gib=6 prot=0xf ",
                                r"FAIL: stage 2 series anon"),
    "vfio BAR never mapped": (r"^# s2map gib=4 (.*) count=1024 ", r"# s2map gib=5 \1 count=1024 ",
                              r"vfio: nothing mapped"),
    "record without its closing count": (r"^# s2trace: \d+ stage-2 maps recorded\n", "",
                                         r"no complete s2trace record"),
    "counts that do not add up": (r"^# s2map gib=0 prot=0x4 .*\n", "", r"no complete s2trace record"),
}


@pytest.mark.parametrize("what", BROKEN)
def test_broken_record_fails(put, what):
    pattern, repl, says = BROKEN[what]
    new, n = re.subn(pattern, repl, PATCHED, count=1, flags=re.M)
    assert n == 1
    rc, out = s2map(put("p.log", new), "series")
    assert rc == 1 and re.search(says, out), out


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_log_fails(put, damage):
    rc, out = s2map(put("p.log", DAMAGE[damage](PATCHED)), "series")
    assert rc == 1 and "no complete s2trace record" in out, out

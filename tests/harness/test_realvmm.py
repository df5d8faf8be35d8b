"""harness/judge/realvmm.py, gate 76's verdict: the real stack (QEMU as the
VMM inside the test host, an L2 guest on the vfio BAR), the plan's shared
L2 boot (realvmm-run -1) and the cases with their own."""
import pytest

from judges import DAMAGE, crlf, fails, fixture, judge_damaged, passes, run, sub
import re

BASE = fixture("realvmm-vhe-base.log")
SERIES = fixture("realvmm-vhe-series.log")


@pytest.fixture
def logs(put):
    return put("base.log", BASE), put("series.log", SERIES)


def test_real_vhe_runs_pass(logs):
    """10 cases, 6 of them in one L2 boot."""
    rc, out = run("realvmm.py", "judge", "vhe", *logs)
    passes(rc, out, out.count("PASS: ") == 10 and "FAIL" not in out)


def test_crlf_consoles_read_the_same(logs, put):
    rc, out = run("realvmm.py", "judge", "vhe", logs[0], put("s.log", crlf(SERIES)))
    passes(rc, out, out.count("PASS: ") == 10)


def test_logs_swapped_fail(logs):
    """The base passing what needs the series."""
    fails("realvmm.py", ["judge", "vhe", logs[1], logs[0]],
          r"FAIL: realvmm vhe user-wc-memcpy: .*base must stop L2")


def test_l2_stopped_midway_fails_that_case_and_the_ones_after_it_only(logs, put):
    """L2 stops in the fifth case of the shared boot: that case fails, the
    one after it was not run and fails, the four before it still pass."""
    stop = sub(SERIES, r"^(# L2: # realvmm: running kern-dev-memcpy)$",
               r"\1\n[   33.1] kvm [40]: Unsupported FSC: EC=0x24 xFSC=0x21 ESR_EL2=0x92000061\n"
               r"# qemu: error: kvm run failed Bad address")
    stop = sub(stop, r"^# (ok 5 kern-dev-memcpy)$",
               r"# not ok 5 kern-dev-memcpy # KVM_RUN failed in L1 (kvm run failed): L2 stopped")
    stop = sub(stop, r"^# (ok 6 kern-dev-unaligned)$",
               r"# not ok 6 kern-dev-unaligned # not run: L2 stopped in an earlier case")
    stop = sub(stop, r"^# L2: ok 5 kern-dev-memcpy\n", "")
    stop = sub(stop, r"^# L2: ok 6 kern-dev-unaligned\n", "")
    rc, out = run("realvmm.py", "judge", "vhe", logs[0], put("s.log", stop))
    assert rc != 0 and re.search(r"FAIL: realvmm vhe kern-dev-memcpy: series must pass, got stopped", out) \
        and re.search(r"FAIL: realvmm vhe kern-dev-unaligned: series must pass, got fail: not run", out) \
        and "PASS: realvmm vhe kern-wc-memcpy" in out and "PASS: realvmm vhe user-dev-memcpy" in out, out[-600:]


def test_unsupported_fsc_during_a_case_of_the_shared_boot_fails_that_case(logs, put):
    fsc = sub(BASE, r"^(# L2: # realvmm: running kern-wc-memcpy)$",
              r"\1\n[   40.1] kvm [40]: Unsupported FSC: EC=0x24 xFSC=0x21 ESR_EL2=0x92000061")
    fails("realvmm.py", ["judge", "vhe", put("b.log", fsc), logs[1]],
          r"FAIL: realvmm vhe kern-wc-memcpy: base: 1 'Unsupported FSC'")


def test_case_that_depends_on_the_series_in_the_shared_boot_fails(logs, put):
    """A case that stops L2 on the base must not share a boot."""
    shared = sub(SERIES, r"realvmm\.case=user-dev-memcpy,", "realvmm.case=user-wc-memcpy,user-dev-memcpy,")
    fails("realvmm.py", ["judge", "vhe", logs[0], put("s.log", shared)],
          r"user-wc-memcpy: series: shares its L2 boot with user-dev-memcpy")


def test_shared_boot_that_plan_init_timed_out_fails_each_of_its_cases(logs, put):
    cut = sub(SERIES, r"^# L2: # realvmm: running kern-dev-memcpy\n(.*\n)*?(?=ok \d+ one-boot)", "")
    cut = sub(cut, r"^ok (\d+) one-boot.*$", r"not ok \1 one-boot # timed out after 300s")
    rc, out = run("realvmm.py", "judge", "vhe", logs[0], put("s.log", cut))
    assert rc != 0 and re.search(r"FAIL: realvmm vhe kern-dev-memcpy: series must pass", out) \
        and re.search(r"FAIL: realvmm vhe user-dev-memcpy: series must pass", out), out[-600:]


def test_case_l2_never_reports_fails(logs, put):
    lost = sub(SERIES, r"^# plan-init: running kern-wc-unaligned\n(.*\n)*?ok \d+ kern-wc-unaligned.*\n", "")
    fails("realvmm.py", ["judge", "vhe", logs[0], put("s.log", lost)],
          r"FAIL: realvmm vhe kern-wc-unaligned: series must pass, got missing")


def test_l2_oops_in_a_case_of_the_shared_boot_fails_that_case(logs, put):
    crash = sub(SERIES, r"^(# L2: # realvmm: running user-dev-memset)$",
                r"\1\n# L2: [    9.1] Unable to handle kernel paging request at virtual address 0")
    fails("realvmm.py", ["judge", "vhe", logs[0], put("s.log", crash)],
          r"FAIL: realvmm vhe user-dev-memset: series must pass, got crash")


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", ["base", "series"])
def test_damaged_log_fails(put, damage, which):
    rc, out = judge_damaged(put, "realvmm.py", BASE, SERIES, which, damage)
    assert rc != 0, out[-300:]

"""harness/judge/kunit_log.py, gate 65's reader of the KUnit suite's KTAP."""
import re

import pytest

from judges import DAMAGE, crlf, fails, fixture, passes, run, run_process, sub

VHE = fixture("kunit-vhe.log")
NOFWB = fixture("kunit-nofwb.log")


def test_real_vhe_log_gives_50_cases_all_pass(put):
    rc, out = run_process("kunit_log.py", put("k.log", VHE), "--expect-cases", "50")
    lines = out.splitlines()
    passes(rc, out, len(lines) == 50 and all(x.startswith("pass ") for x in lines))


def test_crlf_line_ends_read_the_same(put):
    rc, out = run("kunit_log.py", put("k.log", crlf(VHE)), "--expect-cases", "50")
    passes(rc, out, out.count("pass ") == 50)


def test_totals_of_the_real_vhe_log(put):
    rc, out = run("kunit_log.py", put("k.log", VHE), "--totals")
    passes(rc, out, out.strip() == "pass:50 fail:0 skip:0 total:50")


def test_real_nofwb_log_gives_25_pass_and_the_25_fwb_cases_skip(put):
    rc, out = run("kunit_log.py", put("k.log", NOFWB), "kvm_arm64_s2_pgtable")
    lines = out.splitlines()
    fwb_skips = all(x.startswith("skip ") == bool(re.search(r"_fwb(/|$)", x)) for x in lines)
    passes(rc, out, len(lines) == 50 and fwb_skips and
           sum(x.startswith("pass ") for x in lines) == 25)


def test_kunit_keeps_its_return_shape_for_compare(put):
    from kunit_log import kunit
    res, msgs = kunit(put("k.log", VHE))
    assert isinstance(res, dict) and len(res) == 50 and isinstance(msgs, dict)


def test_parameter_not_ok_under_an_ok_case_is_a_failure(put):
    bad = sub(VHE, r"^(.*)ok 3 normal_w$", r"\1not ok 3 normal_w")
    rc, out = run("kunit_log.py", put("k.log", bad))
    assert rc != 0 and re.search(r"^fail s2_attr_nofwb/normal_w$", out, re.M) and \
        "its own result is pass" in out, out[-300:]


def test_case_not_ok_over_parameters_all_ok_is_refused(put):
    bad = sub(VHE, r"^(.*)ok 3 s2_attr_nofwb$", r"\1not ok 3 s2_attr_nofwb")
    fails("kunit_log.py", [put("k.log", bad)], r"s2_attr_nofwb: its own result is fail")


def test_log_cut_short_in_the_suite_fails(put):
    fails("kunit_log.py", [put("k.log", VHE[:VHE.index("s2_attr_fwb")])], r"did not finish")


def test_log_cut_short_after_the_last_case_fails(put):
    fails("kunit_log.py", [put("k.log", VHE[:VHE.index("# Totals")])], r"did not finish")


@pytest.mark.parametrize("line, edit, says", [
    ("Totals", (r"# Totals: pass:50 fail:0 skip:0 total:50", "# Totals: pass:49 fail:0 skip:0 total:49"),
     r"Totals line says pass:49"),
    ("suite count", (r"# kvm_arm64_s2_pgtable: pass:4 fail:0 skip:0 total:4",
                     "# kvm_arm64_s2_pgtable: pass:3 fail:1 skip:0 total:4"), r"count line says pass:3 fail:1"),
    ("case count", (r"# s2_attr_fwb: pass:24 fail:0 skip:0 total:24",
                    "# s2_attr_fwb: pass:23 fail:0 skip:1 total:24"), r"s2_attr_fwb: its count line"),
])
def test_count_line_that_disagrees_with_the_results_fails(put, line, edit, says):
    fails("kunit_log.py", [put("k.log", sub(VHE, *edit))], says)


def test_suite_not_ok_over_cases_all_ok_is_refused(put):
    bad = sub(VHE, r"^(.*)ok 1 kvm_arm64_s2_pgtable$", r"\1not ok 1 kvm_arm64_s2_pgtable")
    fails("kunit_log.py", [put("k.log", bad)], r"its own result is fail")


def test_kernel_message_inside_a_result_line_fails(put):
    bad = sub(VHE, r"^(.*ok 2 s2_device_and_normal_nc_fwb)$", r"\1[   12.345678] kvm [1]: some message")
    fails("kunit_log.py", [put("k.log", bad)], r"garbled line")


def test_parameter_numbered_out_of_turn_fails(put):
    bad = sub(VHE, r"^(.*)ok 5 normal_x$", r"\1ok 7 normal_x")
    fails("kunit_log.py", [put("k.log", bad)], r"garbled line.*parameter 7")


def test_another_number_of_cases_than_expected_fails(put):
    fails("kunit_log.py", [put("k.log", VHE), "--expect-cases", "51"], r"50 cases ran, expected 51")


def test_an_absent_suite_fails(put):
    fails("kunit_log.py", [put("k.log", VHE), "no_such_suite"], r"did not run")


def test_consistent_log_with_a_failing_case_lists_it_as_fail(put):
    """What a mutant gives: listed as "fail", exit 0, so that gate 65 can
    count the failures."""
    bad = sub(VHE, r"^(.*)ok 1 s2_device_and_normal_nc_nofwb$", r"\1not ok 1 s2_device_and_normal_nc_nofwb")
    bad = sub(bad, r"# kvm_arm64_s2_pgtable: pass:4 fail:0", "# kvm_arm64_s2_pgtable: pass:3 fail:1")
    bad = sub(bad, r"# Totals: pass:50 fail:0", "# Totals: pass:49 fail:1")
    bad = sub(bad, r"^(.*)ok 1 kvm_arm64_s2_pgtable$", r"\1not ok 1 kvm_arm64_s2_pgtable")
    rc, out = run("kunit_log.py", put("k.log", bad), "--expect-cases", "50")
    passes(rc, out, re.search(r"^fail s2_device_and_normal_nc_nofwb$", out, re.M) and
           out.count("\npass ") + out.startswith("pass ") == 49)


def test_a_parameters_own_skip_directive_is_a_skip(put):
    """Newer kernels put "# SKIP" on each skipped parameter: same result."""
    at = NOFWB.index("# Subtest: s2_attr_fwb")
    skip = re.sub(r"^(\S* +ok \d+ \w+_\w+)$", r"\1 # SKIP the CPUs do not implement FEAT_S2FWB",
                  NOFWB[at:], flags=re.M)
    rc, out = run("kunit_log.py", put("k.log", NOFWB[:at] + skip))
    passes(rc, out, out.count("skip s2_attr_fwb/") == 24)


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_log_fails(put, damage):
    rc, out = run("kunit_log.py", put("k.log", DAMAGE[damage](VHE)), "--expect-cases", "50")
    assert rc != 0, out[-300:]

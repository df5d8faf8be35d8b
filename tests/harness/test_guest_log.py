"""harness/judge/guest-log.py: the kernel problems every gate looks for in a
console log (scan) and plan-init's own verdict (plan)."""
import os
import re

import pytest

from judges import DAMAGE, crlf, fails, fixture, passes, run, run_process, sub

PATCHED = fixture("e2e-vhe-patched.log")
KUNIT = fixture("kunit-vhe.log")

# One line of each kernel problem, as the kernel prints it.
PROBLEM_LINES = [
    ("a WARN", "WARNING: CPU: 1 PID: 77 at mm/memory.c:123 do_thing+0x10/0x40"),
    ("an RCU stall", "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:"),
    ("an RCU self-detected stall", "rcu: INFO: rcu_preempt self-detected stall on CPU"),
    ("a hung task", "INFO: task kworker/0:1:23 blocked for more than 122 seconds."),
    ("a soft lockup", "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [vfio_bar_memat:88]"),
    ("a hard lockup", "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1"),
    ("Unable to handle kernel", "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008"),
    ("Internal error", "Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP"),
    ("kernel BUG at", "kernel BUG at mm/slub.c:379!"),
    ("a general protection fault", "general protection fault, probably for non-canonical address 0xdead: 0000 [#1]"),
    ("a KASAN report", "BUG: KASAN: slab-out-of-bounds in kvm_pgtable_walk+0x44/0x90"),
    ("a UBSAN report", "UBSAN: shift-out-of-bounds in arch/arm64/kvm/hyp/pgtable.c:99:12"),
    ("a kmemleak report", "kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"),
    ("a kmemleak object", "unreferenced object 0xffff000004a1c000 (size 64):"),
    ("a circular locking dependency", "WARNING: possible circular locking dependency detected"),
    ("recursive locking", "WARNING: possible recursive locking detected"),
    ("sleeping in atomic context", "BUG: sleeping function called from invalid context at mm/slab.h:709"),
    ("an inconsistent lock state", "WARNING: inconsistent lock state"),
    ("a panic", "Kernel panic - not syncing: Oops: Fatal exception"),
    ("an nVHE hyp panic", "kvm [1]: nVHE hyp panic at: [<ffff800008e1a2b4>] __kvm_nvhe_foo+0x14/0x30!"),
]

# Test output that mentions such words in its own, ordinary way.
HARMLESS = """\
# ok 1 vfio Device-nGnRE: aligned store and load round-trip (completed)
# # BUG: none here, this is a test talking about BUG: handling
# # Oops, the device was busy; retrying
# # WARNING: this test takes a while under emulation
# # INFO: task list has 3 entries
# # checking rcu stall detection is off
# # lockdep is not enabled in this kernel
# # soft lockup and hard LOCKUP detectors: see dmesg
"""


@pytest.mark.parametrize("kernel, fsc", [("base", 9), ("patched", 4)])
def test_real_log_passes_with_its_unsupported_fsc_lines(put, kernel, fsc):
    rc, out = run_process("guest-log.py", "scan", put("l.log", fixture(f"e2e-vhe-{kernel}.log")), str(fsc))
    passes(rc, out, True)


@pytest.mark.parametrize("kernel, fsc", [("base", 9), ("patched", 4)])
def test_one_unsupported_fsc_line_fewer_expected_fails(put, kernel, fsc):
    fails("guest-log.py", ["scan", put("l.log", fixture(f"e2e-vhe-{kernel}.log")), str(fsc - 1)],
          rf"{fsc} 'Unsupported FSC' lines, expected {fsc - 1}")


def test_strict_scan_reads_crlf_line_ends_the_same(put):
    rc, out = run("guest-log.py", "scan", put("l.log", crlf(PATCHED)), "4", "--strict")
    passes(rc, out, True)


@pytest.mark.parametrize("line", [x for _, x in PROBLEM_LINES], ids=[w for w, _ in PROBLEM_LINES])
def test_scan_finds_the_kernel_problem(put, line):
    fails("guest-log.py", ["scan", put("l.log", PATCHED + f"[   42.123456] {line}\n"), "4", "--strict"],
          re.escape(line[:20]))


@pytest.mark.parametrize("line", [x for _, x in PROBLEM_LINES], ids=[w for w, _ in PROBLEM_LINES])
def test_scan_finds_the_kernel_problem_in_the_middle_of_a_relayed_line(put, line):
    """The message lands in a relayed test line, from a kernel that prints
    no timestamps: only its form tells."""
    mid = sub(PATCHED, r"^# ok 3 ", "# ok 3 " + line.replace("\\", r"\\"))
    fails("guest-log.py", ["scan", put("l.log", mid), "4", "--strict"], re.escape(line[:20]))


def test_scan_finds_a_timestamped_warn_inside_a_relayed_line(put):
    mid = sub(PATCHED, r"^(# ok 3 [^\n]*)$", r"\1[   12.345678] WARNING: CPU: 1 PID: 9 at mm/memory.c:1 foo+0x0/0x4")
    fails("guest-log.py", ["scan", put("l.log", mid), "4", "--strict"], r"WARNING: CPU: 1")


def test_ordinary_words_in_relayed_test_output_are_not_kernel_problems(put):
    rc, out = run("guest-log.py", "scan", put("l.log", PATCHED + HARMLESS), "4", "--strict")
    passes(rc, out, True)


def test_the_kunit_suites_one_intended_warn_is_allowed_by_default(put):
    rc, out = run("guest-log.py", "scan", put("k.log", KUNIT))
    passes(rc, out, True)


@pytest.mark.parametrize("flags", [["--strict"], ["0", "--warns", "0"]], ids=["strict", "warns-0"])
def test_the_kunit_suites_warn_is_refused_when_none_is_allowed(put, flags):
    fails("guest-log.py", ["scan", put("k.log", KUNIT), *flags], r"WARN.*pgtable\.c")


def test_a_second_intended_warn_is_refused(put):
    twice = re.search(r"^.*WARNING: CPU: .*$", KUNIT, re.M).group(0)
    fails("guest-log.py", ["scan", put("k.log", KUNIT + twice + "\n")], r"WARN.*1 allowed")


PLAN = re.search(r"^PLAN-BEGIN$.*?^PLAN-END$", PATCHED, re.M | re.S).group(0)


def test_a_finished_plan_passes(put):
    rc, out = run("guest-log.py", "plan", put("p.log", PLAN + "\n"))
    passes(rc, out, "vfio_bar_memattr ok" in out)


def test_a_plan_cut_short_is_reported(put):
    fails("guest-log.py", ["plan", put("p.log", PLAN[:PLAN.index("PLAN-END")])], r"did not finish")


def test_a_plan_that_lost_a_result_line_fails(put):
    fails("guest-log.py", ["plan", put("p.log", sub(PLAN, r"^ok \d+ vfio_bar_memattr .*\n", ""))],
          r"did not finish.*reported")


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_plan_fails(put, damage):
    rc, out = run("guest-log.py", "plan", put("p.log", DAMAGE[damage](PLAN + "\n")))
    assert rc != 0, out[-300:]


@pytest.mark.parametrize("damage", ["empty", "garbled"])
def test_damaged_log_does_not_show_its_unsupported_fsc_lines(put, damage):
    """scan counts lines wherever they are: a cut or reordered log is the
    plan's to refuse (test_damaged_plan_fails), which every gate reads too."""
    rc, out = run("guest-log.py", "scan", put("l.log", DAMAGE[damage](PATCHED)), "4")
    assert rc != 0, out[-300:]


def test_plan_inits_malformed_plan_lines_come_out_as_failures():
    """plan-init's own KTAP for tests/harness/fixtures/malformed.plan, which
    tests/harness/run.sh has plan-init-test write (NC_PLAN_OUTPUT)."""
    path = os.environ.get("NC_PLAN_OUTPUT")
    if not path:
        pytest.skip("NC_PLAN_OUTPUT not set: run through tests/harness/run.sh")
    rc, out = run("guest-log.py", "plan", path)
    passes(rc, out, re.search(r"^zero fail$", out, re.M) and re.search(r"^!enable fail$", out, re.M))

#!/usr/bin/env python3
"""Judge and tabulate the containment selftest (vfio_bar_revoke) runs.

  contain.py judge COLUMN BASE_LOG SERIES_LOG
      one PASS:/FAIL: line per subtest: the series must pass every one;
      the base must fail exactly those in BASE_FAILS (each needs the fix,
      patches 1-3, or the feature, the series' Normal-NC stage 2), each in
      the way BASE_FAILS names (a base that fails one for another reason
      fails the judge), and pass the rest. First one
      line per run: it must be complete. Exit status 1 on any FAIL.
  contain.py table COLUMN BASE_LOG SERIES_LOG
      the cases x base / series, as the guest-side test observed them

A log is the console of one test-host boot (gates/72-contain.sh). The
selftest's KTAP is relayed by plan-init with a "# " prefix, between
"# plan-init: running vfio_bar_revoke" and plan-init's own result line for
it ("ok N vfio_bar_revoke # ..." or "not ok N vfio_bar_revoke # exit E
after ..."). A run is complete when the selftest printed its plan
"1..32", the 32 subtests in order with the names below, and its
"# Totals: ..." line agreeing with them, and plan-init reported its exit
status: 0 on the series, 1 (KSFT_FAIL) on the base. A run that crashed,
bailed out or timed out is a failure however many subtests it printed.
A skipped subtest fails too: the gate's test host has every device and
reset method the test needs, so a skip means coverage was lost.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid  # noqa: E402
import ktap  # noqa: E402

TEST = "vfio_bar_revoke"        # its name in tests/contain.plan
KSFT_FAIL = 1

# The subtests, in order: (case, label for the table, the subtest's name as
# the selftest prints it before " (detail)").
SUBTESTS = [
    ("MAP_PRIVATE", "mmap(MAP_PRIVATE) refused",
     "MAP_PRIVATE of the vfio BAR is refused with EINVAL"),
    ("other MMIO", "sysfs resource2 Device at S2",
     "sysfs resource2: Device at stage 2, an unaligned guest load ends KVM_RUN with EFAULT"),
    ("other MMIO", "sysfs resource2_wc Device at S2",
     "sysfs resource2_wc: Device at stage 2, an unaligned guest load ends KVM_RUN with EFAULT"),
    ("other MMIO", "/dev/mem Device at S2",
     "/dev/mem: Device at stage 2, an unaligned guest load ends KVM_RUN with EFAULT"),
    ("owner", "looping guest: EFAULT",
     "owner: a guest looping over the BAR ends KVM_RUN with EFAULT when memory is disabled"),
    ("owner", "VMM: SIGBUS",
     "owner: the VMM's access gets SIGBUS while memory is disabled"),
    ("owner", "re-enable: works, data intact",
     "owner: after re-enable the guest's aligned loads complete and the data is intact"),
    ("owner", "re-enable: unaligned load (Normal-NC)",
     "owner: after re-enable the guest's unaligned load completes, Normal-NC again"),
    ("fork", "child's mapping: SIGBUS",
     "fork: the child's inherited mapping gets SIGBUS after the parent disables memory"),
    ("fork", "child's guest: EFAULT",
     "fork: a guest on the child's inherited mapping ends KVM_RUN with EFAULT "
     "when the parent disables memory"),
    ("mprotect", "read-only piece revoked",
     "mprotect: the read-only piece is revoked by memory disable"),
    ("mprotect", "read-write pieces revoked",
     "mprotect: the read-write pieces are revoked by memory disable"),
    ("mprotect", "PROT_NONE -> RW while off: revoked",
     "mprotect: pieces made read-write again while memory is disabled stay revoked"),
    ("mprotect", "re-enable: works, data intact",
     "mprotect: every piece works again after re-enable, data intact"),
    ("munmap", "pieces left revoked",
     "munmap: the pieces left by a partial munmap are revoked by memory disable"),
    ("munmap", "re-enable: works, data intact",
     "munmap: the pieces left work again after re-enable, data intact"),
    ("mremap", "moved mapping: SIGBUS",
     "mremap: the moved mapping is revoked by memory disable"),
    ("mremap", "guest at the new address: EFAULT",
     "mremap: a guest on a memslot at the new address ends KVM_RUN with EFAULT "
     "when memory is disabled"),
    ("mremap", "re-enable: works, data intact",
     "mremap: the moved mapping works again after re-enable, data intact"),
    ("low power", "looping guest: EFAULT",
     "low power: a guest looping over the BAR ends KVM_RUN with EFAULT at low power entry"),
    ("low power", "VMM: SIGBUS",
     "low power: the VMM's access gets SIGBUS in low power"),
    ("low power", "forked child: SIGBUS",
     "low power: a forked child's inherited mapping gets SIGBUS in low power"),
    ("low power", "exit: works, data intact",
     "low power: after exit the guest's and the VMM's accesses complete, data intact"),
    ("reset", "VMM's mapping revoked",
     "reset: the VMM's mapping is revoked"),
    ("reset", "guest's mapping revoked",
     "reset: a guest's mapping is revoked"),
    ("reset", "forked child's mapping revoked",
     "reset: a forked child's inherited mapping is revoked"),
    ("hot reset", "VMM's mapping revoked",
     "hot reset: the VMM's mapping is revoked"),
    ("hot reset", "guest's mapping revoked",
     "hot reset: a guest's mapping is revoked"),
    ("hot reset", "forked child's mapping revoked",
     "hot reset: a forked child's inherited mapping is revoked"),
    ("memslot swap", "never the sysfs data",
     "memslot swap: no unaligned load that completes returns the sysfs BAR's data"),
    ("memslot swap", "sysfs phases: EFAULT",
     "memslot swap: every unaligned load from the sysfs BAR ends KVM_RUN with EFAULT"),
    ("memslot swap", "vfio phases: unaligned loads (Normal-NC)",
     "memslot swap: unaligned loads from the vfio BAR complete, Normal-NC"),
]

FIX = "fix"
FEATURE = "feature"
# The subtests the base must fail, and why. Everything else must pass on
# the base as on the series.
# How the base must fail each of them: the subtest's own detail (what the
# selftest prints in parentheses) must match, so that a base run that
# fails for another reason (a timeout, a wrong signal, a partial count)
# is not taken for the hole the series closes. (pattern, what it says)
ALIGNMENT_FAULT = (r"^KVM_RUN: EFAULT$",
                   "the stage-2 alignment fault, EFAULT from KVM_RUN")
NEVER_LOADED = (r"^0 of \d+ phases$",
                "every unaligned load from the vfio BAR ended in the stage-2 "
                "alignment fault (0 phases completed)")
COPIED_ENTRY = (r"after: completed, 0 page faults$",
                "the access after the disable completed without a page fault: "
                "the child's copied entry was never zapped")
GUEST_RUNS_ON = (r"^still running after \d+ s, \d+ loads$",
                 "the guest went on loading from the BAR after the disable")
MOVED_ENTRIES = (r"^[1-9]\d* pages not; after the move: completed, 0 page faults$",
                 "pages of the moved mapping still accessible after the disable")
MOVED_GUEST = (r"^completed, [1-9]\d* not$",
               "the guest's loads at the new address completed after the disable")

# What a subtest whose name says "gets SIGBUS" must report on the series:
# the signal with the code of an access to a revoked mapping, at the
# address the test touched.
REVOKED_SIGBUS = "SIGBUS BUS_ADRERR at the address"

BASE_FAILS = {
    # The feature: only with the series does KVM map the vfio BAR Normal-NC
    # at stage 2; on the base it is Device and an unaligned load faults.
    "owner: after re-enable the guest's unaligned load completes, Normal-NC again":
        (FEATURE, "the vfio BAR is Device at stage 2 without the series: the "
                  "unaligned load faults", ALIGNMENT_FAULT),
    "memslot swap: unaligned loads from the vfio BAR complete, Normal-NC":
        (FEATURE, "the vfio BAR is Device at stage 2 without the series: every "
                  "unaligned load from it faults", NEVER_LOADED),
    # The fix: 6.1's dup_mmap() calls vm_ops->open() (vfio-pci's zap) before
    # copy_page_range(), so the child's VMA gets the parent's entries after
    # the zap, never faults and is not on vfio-pci's list of VMAs to zap.
    "fork: the child's inherited mapping gets SIGBUS after the parent disables memory":
        (FIX, "the child's copied entries are on no list vfio-pci zaps", COPIED_ENTRY),
    "fork: a guest on the child's inherited mapping ends KVM_RUN with EFAULT "
    "when the parent disables memory":
        (FIX, "no zap of the child's VMA, so no MMU notifier for its VM", GUEST_RUNS_ON),
    "low power: a forked child's inherited mapping gets SIGBUS in low power":
        (FIX, "the child's copied entries are on no list vfio-pci zaps", COPIED_ENTRY),
    "reset: a forked child's inherited mapping is revoked":
        (FIX, "the child's copied entries are on no list vfio-pci zaps", COPIED_ENTRY),
    "hot reset: a forked child's inherited mapping is revoked":
        (FIX, "the child's copied entries are on no list vfio-pci zaps", COPIED_ENTRY),
    # The fix: mremap()'s copy_vma() calls ->open() on the new VMA before
    # move_page_tables() moves the entries into it, and the old, tracked VMA
    # is unmapped: the moved entries are on no list either.
    "mremap: the moved mapping is revoked by memory disable":
        (FIX, "the moved entries are on no list vfio-pci zaps", MOVED_ENTRIES),
    "mremap: a guest on a memslot at the new address ends KVM_RUN with EFAULT "
    "when memory is disabled":
        (FIX, "no zap of the moved VMA, so no MMU notifier for the VM", MOVED_GUEST),
}

COLUMNS = {
    "vhe": "-cpu max, VHE, FWB",
    "nvhe": "-cpu max, kvm-arm.mode=nvhe, FWB",
    "protected": "-cpu max, kvm-arm.mode=protected, FWB",
    "nofwb": "-cpu cortex-a57, nVHE, no FWB",
}



class Run:
    """One boot's selftest run: subtests [(number, status, name, detail)],
    the KTAP plan count, the Totals {name: n}, plan-init's exit status for
    the test, and what went wrong on the way."""

    def __init__(self, run):
        self.subtests = [(n,) + split_subtest(ok, text) for n, ok, text in run.subtests]
        self.plan, self.totals, self.exit = run.plan, run.totals, run.exit
        self.trouble = run.trouble
        self.ktap = run


def split_subtest(ok, text):
    """(status, name, detail) of the text after "ok N "."""
    if text.startswith("# SKIP "):
        # kselftest's skip: "ok N # SKIP NAME: REASON"
        text = text[len("# SKIP "):]
        for _, _, name in SUBTESTS:
            if text.startswith(name + ": "):
                return "skip", name, text[len(name) + 2:]
        return "skip", text, ""
    name, _, detail = text.partition(" (")
    return ("ok" if ok else "fail"), name, detail[:-1] if detail.endswith(")") else detail


def parse(path):
    """The Run in the log at path, or None if it cannot be read. The KTAP
    and plan-init's framing are read by harness/judge/ktap.py."""
    text = ktap.read(path)
    return None if text is None else Run(ktap.selftest_run(text, TEST))


def incomplete(run, kernel):
    """Why the run cannot be trusted; [] if it can (ktap.run_problems())."""
    if run is None:
        return ["cannot read the log"]
    statuses = [st for _, st, _, _ in run.subtests]
    want = 0 if kernel == "series" or "fail" not in statuses else KSFT_FAIL
    return ktap.run_problems(run.ktap, len(SUBTESTS), want, TEST)


def results(run):
    """{name: (status, detail)} of a run, by subtest name."""
    return {name: (st, detail) for _, st, name, detail in (run.subtests if run else [])}


def judge(column, base_log, series_log):
    runs = {"base": parse(base_log), "series": parse(series_log)}
    logs = {"base": base_log, "series": series_log}
    fails = 0
    for kernel in ("base", "series"):
        run, why = runs[kernel], incomplete(runs[kernel], kernel)
        for w in why:
            print(f"FAIL: contain {column}: {kernel} run: {w} (log: {logs[kernel]})")
        fails += bool(why)
        if not why:
            t = run.totals
            print(f"PASS: contain {column}: {kernel} run complete: 1..{run.plan}, "
                  f"Totals pass:{t['pass']} fail:{t['fail']} skip:{t['skip']}, "
                  f"exit {run.exit}")
    for kernel in ("base", "series"):
        run = runs[kernel]
        if run is None:
            continue
        names = [name for _, _, name, _ in run.subtests]
        for i, (_, _, name) in enumerate(SUBTESTS):
            if i < len(names) and names[i] != name:
                print(f"FAIL: contain {column}: {kernel} subtest {i + 1} is '{names[i]}', "
                      f"want '{name}'")
                fails += 1
    base, series = results(runs["base"]), results(runs["series"])
    for _, _, name in SUBTESTS:
        b, bd = base.get(name, ("missing", ""))
        s, sd = series.get(name, ("missing", ""))
        why = BASE_FAILS.get(name)
        want_base = "fail" if why else "ok"
        if s == "ok" and "gets SIGBUS" in name and REVOKED_SIGBUS not in sd:
            # The selftest's own verdict aside: the series' run must say
            # that the signal was the right one, at the right place.
            print(f"FAIL: contain {column} {name}: the series passes it but says "
                  f"'{sd}', not '{REVOKED_SIGBUS}'")
            fails += 1
        elif s == "ok" and b == "fail" and why and not re.search(why[2][0], bd):
            # The negative control names the failure it expects.
            print(f"FAIL: contain {column} {name}: the base fails it for another "
                  f"reason: '{bd}'; the control expects {why[2][1]} (/{why[2][0]}/)")
            fails += 1
        elif s == "ok" and b == want_base:
            note = f" (needs the {why[0]}: {why[1]}; the base: {why[2][1]})" if why else ""
            print(f"PASS: contain {column} {name}: series ok, base {b}{note}")
        else:
            print(f"FAIL: contain {column} {name}: series {s} ({sd}), base {b} ({bd}); "
                  f"want series ok, base {want_base}"
                  + (f" (needs the {why[0]}: {why[1]})" if why else ""))
            fails += 1
    return 1 if fails else 0


def table(column, base_log, series_log):
    base, series = results(parse(base_log)), results(parse(series_log))
    print(f"[{column}] {COLUMNS.get(column, '')}: containment, base / series "
          "(base must fail: fix = needs patches 1-3, feature = needs Normal-NC at S2)")
    head = ["case", "check", "base", "series", "base must"]
    rows = []
    for case, label, name in SUBTESTS:
        why = BASE_FAILS.get(name)
        rows.append([case, label, base.get(name, ("-", ""))[0],
                     series.get(name, ("-", ""))[0],
                     f"fail ({why[0]})" if why else "pass"])
    grid.print_grid(head, rows)
    return 0


def main(argv):
    if len(argv) != 4 or argv[0] not in ("judge", "table"):
        sys.exit(__doc__)
    return (judge if argv[0] == "judge" else table)(*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

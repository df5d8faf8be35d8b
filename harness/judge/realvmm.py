#!/usr/bin/env python3
"""Judge and tabulate the real-stack runs (tests/realvmm.plan).

  realvmm.py judge COLUMN BASE_LOG SERIES_LOG
      one PASS:/FAIL: line per case: the series must pass every case with
      L1's QEMU exiting cleanly; the base must pass the same cases except
      those that depend on the series, which must stop L2 (L1's QEMU
      reports "kvm run failed", one "Unsupported FSC" in L1's log, and
      realvmm-run stops QEMU); the Device cases must fault inside L2 on
      both kernels. A missing case, a crash or a timeout fails. Cases that
      cannot stop L2 share one L2 boot; a case that stops L2 on the base
      must have one of its own (the plan's one-boot line must not hold it).
  realvmm.py table COLUMN BASE_LOG SERIES_LOG
      cases x series / base

A log is the console of one test-host (L1) boot. guest/plan-init relays
what guest/realvmm-run prints behind "# ": L2's console behind "# L2: ",
QEMU's own messages behind "# qemu: ", the runner's behind
"# realvmm-run: "; L1 kernel lines are not prefixed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

# case: (mapping, depends on the series, faults L2 must report).
CASES = {
    "user-wc-memcpy": ("resource2_wc", True, 0),
    "user-wc-memset": ("resource2_wc", True, 0),
    "user-wc-unaligned": ("resource2_wc", True, 0),
    "user-dev-memcpy": ("resource2", False, 2),
    "user-dev-memset": ("resource2", False, 2),
    "user-dev-unaligned": ("resource2", False, 2),
    # arm64's memcpy_toio() never makes an unaligned access: no difference.
    "kern-wc-memcpy": ("pci_iomap_wc", False, 0),
    "kern-wc-unaligned": ("pci_iomap_wc", True, 0),
    "kern-dev-memcpy": ("pci_iomap", False, 0),
    "kern-dev-unaligned": ("pci_iomap", False, 2),
}
COLUMNS = {"vhe": "-cpu max, VHE, FWB", "nvhe": "-cpu max, nVHE, FWB",
           "protected": "-cpu max, pKVM, FWB", "nofwb": "-cpu cortex-a57, nVHE, no FWB"}
CRASH = re.compile(r"Unable to handle kernel|Internal error:|Kernel panic|"
                   r"\bOops\b|BUG:|WARNING:|Call trace:")


class Case:
    def __init__(self):
        self.plan = None        # plan-init's verdict: True ok, False not ok
        self.runner = None      # realvmm-run's KTAP verdict
        self.why = ""           # and its reason when not ok
        self.l2 = None          # L2's own "ok 1 CASE" (True) or "not ok" (False)
        self.exit = None        # "status N" or "signal N"
        self.secs = None
        self.kvm_failed = None  # QEMU's "kvm run failed" line
        self.fsc = 0            # "Unsupported FSC" lines of L1 meanwhile
        self.faults = []        # steps L2 reported as faulting
        self.notes = []         # other findings worth a table cell
        self.crash = None
        self.boot_with = []     # the other cases of its L2 boot


def parse(path):
    """{case: Case} from one L1 console log, or None if it cannot be read.

    A plan line runs one case (named as the case) or several in one L2
    boot (realvmm-run -1): then realvmm-run's "starting" line lists them
    (realvmm.case=A,B,...), L2 says which one it runs, and what happens
    in between belongs to that case; the first one until L2 says.
    """
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    cases, section, batch, cur = {}, None, [], None
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = re.match(r"# plan-init: running (\S+)$", line)
        if m:
            section, batch, cur = m.group(1), [], None
            if section in CASES:
                batch = [section]
                cur = cases.setdefault(section, Case())
            continue
        r = ktap.result(line)
        if r and section and r[2] == section:
            for name in batch:
                # One case: plan-init's verdict. Several: plan-init saw
                # them end; realvmm-run's verdicts say which passed.
                cases[name].plan = (r[0] if section in CASES
                                    else cases[name].runner is not None)
            section, batch, cur = None, [], None
            continue
        if section is None:
            continue
        m = re.match(r"# realvmm-run: \S+: starting .* realvmm\.case=(\S+)", line)
        if m and section not in CASES:
            batch = m.group(1).split(",")
            for name in batch:
                cases.setdefault(name, Case()).boot_with = [n for n in batch if n != name]
            cur = cases[batch[0]]
            continue
        if cur is None:
            continue
        if "Unsupported FSC" in line and not line.startswith("# "):
            cur.fsc += 1
        if line.startswith("# L2: "):
            l2 = line[len("# L2: "):]
            m = re.match(r"# realvmm: running (\S+)$", l2)
            if m and m.group(1) in batch:
                cur = cases[m.group(1)]
            r = ktap.result(l2)
            if r and r[2] in batch:
                cases[r[2]].l2 = r[0]
            m = re.search(r"realvmm(?:_wc)?: (\S+): (.*?): (fault|faulted)", l2)
            if m and m.group(1) in batch:
                cases[m.group(1)].faults.append(m.group(2))
            if "on Device: completes" in l2:
                cur.notes.append("dc zva completes")
            if CRASH.search(l2) and not cur.crash:
                cur.crash = l2
        elif line.startswith("# qemu: ") and "kvm run failed" in line:
            cur.kvm_failed = line[len("# qemu: "):]
        m = re.match(r"# realvmm-run: \S+: L1 QEMU "
                     r"(?:exited with (status \d+)|killed by (signal \d+)) after ([\d.]+)s", line)
        if m:
            for name in batch:
                cases[name].exit = m.group(1) or m.group(2)
                cases[name].secs = float(m.group(3))
        r = ktap.result(line, "# ")
        if r and r[2] in batch:
            cases[r[2]].runner, cases[r[2]].why = r[0], r[3]
    return cases


def outcome(c):
    """ok, stopped (L2 stopped by a failed KVM_RUN), crash, fail or missing."""
    if c is None or c.plan is None:
        return "missing"
    if c.crash:
        return "crash"
    if c.kvm_failed and c.runner is False and c.why.startswith("KVM_RUN failed"):
        return "stopped"
    if c.plan and c.runner and c.l2 and c.exit == "status 0" and not c.kvm_failed:
        return "ok"
    return "fail"


def describe(c):
    o = outcome(c)
    if o == "missing":
        return "missing"
    if o == "crash":
        return f"crash: {c.crash.strip()}"
    if o == "stopped":
        return f"stopped: {c.kvm_failed} ({c.fsc} Unsupported FSC), QEMU stopped after {c.secs}s"
    if o == "fail":
        why = c.why or ("L2 passed, L1 QEMU did not exit cleanly" if c.l2 else "L2 gave no result")
        return f"fail: {why} (L1 QEMU {c.exit or 'did not end'})"
    text = "ok"
    if c.faults:
        text += f", {len(c.faults)} faults in L2"
    return text + "".join(f", {n}" for n in c.notes)


def check(case, kernel, c):
    """Why c breaks what kernel (series or base) must show, or None."""
    _, depends, faults = CASES[case]
    o = outcome(c)
    if depends and c and c.boot_with:
        return (f"{kernel}: shares its L2 boot with {', '.join(c.boot_with)}; it stops L2 "
                "on the base and needs a boot of its own (tests/realvmm.plan)")
    if kernel == "base" and depends:
        if o != "stopped":
            return f"base must stop L2 at the first unaligned access, got {describe(c)}"
        if c.fsc != 1:
            return f"base: {c.fsc} 'Unsupported FSC' lines in L1 during the case, want 1"
        return None
    if o != "ok":
        return f"{kernel} must pass, got {describe(c)}"
    if c.fsc:
        return f"{kernel}: {c.fsc} 'Unsupported FSC' lines in L1 during the case"
    if len(c.faults) < faults:
        return f"{kernel}: L2 reported {len(c.faults)} faults, want {faults} (Device: every unaligned access faults in L2)"
    if faults == 0 and c.faults:
        return f"{kernel}: L2 reported faults: {'; '.join(c.faults)}"
    return None


def judge(column, base_log, series_log):
    logs = {"base": parse(base_log), "series": parse(series_log)}
    for kernel, cases in logs.items():
        if cases is None:
            print(f"FAIL: realvmm {column}: cannot read the {kernel} log")
            return 1
        for extra in sorted(set(cases) - set(CASES)):
            print(f"FAIL: realvmm {column} {extra}: not a known case ({kernel})")
    failed = 0
    for case in CASES:
        problems = [p for k in ("series", "base")
                    if (p := check(case, k, logs[k].get(case)))]
        if problems:
            failed += 1
            print(f"FAIL: realvmm {column} {case}: {'; '.join(problems)}")
        else:
            print(f"PASS: realvmm {column} {case}: series {describe(logs['series'][case])}; "
                  f"base {describe(logs['base'][case])}")
    return 1 if failed else 0


def cell(c):
    """A table cell: what L2 saw, shorter than describe()."""
    o = outcome(c)
    if o == "stopped":
        return "L2 stopped (kvm run failed)"
    if o != "ok":
        return describe(c)
    text = f"faults in L2 ({len(c.faults)})" if c.faults else "completes"
    return text + "".join(f", {n}" for n in c.notes)


def table(column, base_log, series_log):
    logs = {"base": parse(base_log) or {}, "series": parse(series_log) or {}}
    print(f"[{column}] {COLUMNS.get(column, column)}: Debian's QEMU 7.2 in L1, Linux in L2, "
          f"ivshmem BAR 2 through vfio-pci; series / base")
    print(f"  {'case':<19} {'L2 maps with':<13} {'series':<36} base")
    for case, (mapping, _, _) in CASES.items():
        print(f"  {case:<19} {mapping:<13} {cell(logs['series'].get(case)):<36} "
              f"{cell(logs['base'].get(case))}")
    return 0


def main(argv):
    if len(argv) != 4 or argv[0] not in ("judge", "table"):
        sys.exit(__doc__)
    return (judge if argv[0] == "judge" else table)(*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

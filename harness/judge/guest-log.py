#!/usr/bin/env python3
"""Read the console log of a test-host boot.

  guest-log.py plan LOG
      print "NAME ok|skip|fail" for each line of the plan-init KTAP; exit 1
      if the plan did not finish (no PLAN-END), reported another number of
      tests than its "1..N" line, or bailed out
  guest-log.py scan LOG [N] [--warns W | --strict]
      exit 1, naming each, if the host kernel logged a problem: a WARNING,
      BUG, Oops or panic, an RCU stall, a hung task, a soft or hard lockup,
      a KASAN, UBSAN or kmemleak report, a lockdep splat; or other than N
      (default 0) "Unsupported FSC" lines (the selftest provokes them).
      Up to W (default 1) WARNs that are the KUnit suite's intended one
      (EXPECTED_WARN) are allowed; --strict is --warns 0, for boots that
      run with kunit.enable=0 and must have no WARN at all.

A kernel message can land in the middle of a line that plan-init relays
from a test ("# ok 3 foo[   12.3] WARNING: CPU: 1 PID: ..."), so the scan
looks anywhere in a line for the kernel's own message forms; bare words
("WARNING:", "BUG:", "Oops", "Kernel panic") count anywhere in a kernel
line but in a relayed "# " line only right after a printk timestamp, so
that a test's own words do not.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

# The KUnit suite checks that stage2_set_prot_attr() warns once when asked
# for DEVICE together with NORMAL_NC; that single WARN is expected.
# The path may carry a prefix (ccache's base directory makes __FILE__
# relative) and the function may be the one stage2_set_prot_attr() is
# inlined into.
EXPECTED_WARN = re.compile(r"WARNING: CPU: \d+ PID: \d+ at (\S*/)?arch/arm64/kvm/hyp/pgtable\.c:\d+ "
                           r"(stage2_set_prot_attr|kvm_pgtable_stage2_map)\+")
WARN = re.compile(r"WARNING: CPU: \d+ PID: \d+ at ")
FSC = re.compile(r"Unsupported FSC: ")
# Kernel message forms (as 6.1 prints them), found anywhere in a line:
# (what, pattern).
PROBLEMS = [(what, re.compile(p)) for what, p in [
    ("lockdep", r"WARNING: possible circular locking dependency detected|"
                r"WARNING: possible recursive locking detected|"
                r"WARNING: inconsistent lock state|"
                r"BUG: sleeping function called from invalid context"),
    ("RCU stall", r"INFO: rcu_\w+ (detected (expedited )?stalls|self-detected stall)|"
                  r"rcu_\w+ self-detected stall on CPU"),
    ("hung task", r"INFO: task .+ blocked for more than \d+ seconds"),
    ("soft lockup", r"BUG: soft lockup - CPU#\d+ stuck"),
    ("hard lockup", r"[Ww]atchdog detected hard LOCKUP on cpu \d+"),
    ("KASAN", r"BUG: KASAN: "),
    ("UBSAN", r"UBSAN: [\w-]+ in \S+"),
    ("kmemleak", r"kmemleak: \d+ new suspected memory leaks|"
                 r"unreferenced object 0x[0-9a-f]+ \(size \d+\)"),
    ("Oops", r"Unable to handle kernel [\w -]+ at virtual address|"
             r"Internal error: .*\[#\d+\]|general protection fault(: |, )|"
             r"\bOops: .*\[#\d+\]|kernel BUG at \S+:\d+"),
    ("panic", r"Kernel panic - not syncing|nVHE hyp (panic|BUG) at"),
    ("BUG", r"BUG: (unable to handle|scheduling while atomic|spinlock|Bad page|"
            r"workqueue lockup|kernel NULL pointer)"),
]]
# The bare words: anywhere in a line that is not relayed test output (as
# the scan always did), and after a printk timestamp in one that is.
BARE = re.compile(r"WARNING:|BUG:|Oops|Kernel panic")
BARE_AFTER_STAMP = re.compile(r"\[\s*\d+\.\d+\]\s*(WARNING:|BUG:|Oops|Kernel panic)")


def plan(text):
    """Print "PROGRAM ok|skip|fail" per result of plan-init's plan (read
    by harness/judge/ktap.py); 1, saying why on stderr, when it did not
    finish."""
    results, error = ktap.plan_results(text)
    for name, status in results:
        print(name, status)
    if error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def problem(line):
    """What kernel problem line shows, or None."""
    for what, pattern in PROBLEMS:
        if pattern.search(line):
            return what
    if WARN.search(line):
        return "WARN"
    relayed = line.lstrip().startswith("# ")
    if (not relayed and BARE.search(line)) or BARE_AFTER_STAMP.search(line):
        return "kernel problem"
    return None


def scan(text, fsc_allowed, warns_allowed=1):
    """Problems in the host kernel log; fsc_allowed "Unsupported FSC" lines
    are expected (the selftest provokes them on purpose), no more, no less;
    up to warns_allowed WARNs that are the KUnit suite's intended one."""
    bad, warns, fsc = [], 0, 0
    for line in text.splitlines():
        line = line.rstrip("\r")
        fsc += len(FSC.findall(line))
        what = problem(line)
        if what is None:
            continue
        if what == "WARN" and EXPECTED_WARN.search(line):
            warns += 1
            if warns <= warns_allowed:
                continue
            what = f"WARN (the KUnit suite's intended one, but {warns_allowed} allowed)"
        bad.append(f"{what}: {line.strip()}")
    if fsc != fsc_allowed:
        bad.append(f"{fsc} 'Unsupported FSC' lines, expected {fsc_allowed}")
    for b in bad:
        print(b)
    return 1 if bad else 0


def main(argv):
    if len(argv) < 2 or argv[0] not in ("plan", "scan"):
        sys.exit(__doc__)
    cmd, path, rest = argv[0], argv[1], argv[2:]
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        sys.exit(f"error: cannot read {path}: {e.strerror}")
    if cmd == "plan":
        if rest:
            sys.exit(__doc__)
        return plan(text)
    fsc, warns = 0, 1
    it = iter(rest)
    try:
        for a in it:
            if a == "--strict":
                warns = 0
            elif a == "--warns":
                warns = int(next(it))
            elif re.fullmatch(r"\d+", a):
                fsc = int(a)
            else:
                sys.exit(f"unknown argument {a}\n" + __doc__)
    except (StopIteration, ValueError):
        sys.exit("--warns needs a number\n" + __doc__)
    return scan(text, fsc, warns)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

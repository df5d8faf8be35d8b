#!/usr/bin/env python3
"""Read the console log of a test-host boot.

  guest-log.py plan LOG    print "NAME ok|skip|fail" for each line of the
                           plan-init KTAP; exit 1 if the plan did not finish
  guest-log.py scan LOG [N]
                           exit 1, naming each, if the host kernel logged a
                           WARNING, BUG, Oops or panic (the KUnit suite's one
                           intended WARN is allowed), or other than N
                           (default 0) "Unsupported FSC" lines
"""
import re
import sys

# The KUnit suite checks that stage2_set_prot_attr() warns once when asked
# for DEVICE together with NORMAL_NC; that single WARN is expected.
# The path may carry a prefix (ccache's base directory makes __FILE__
# relative) and the function may be the one stage2_set_prot_attr() is
# inlined into.
EXPECTED_WARN = re.compile(r"WARNING: CPU: \d+ PID: \d+ at (\S*/)?arch/arm64/kvm/hyp/pgtable\.c:\d+ "
                           r"(stage2_set_prot_attr|kvm_pgtable_stage2_map)\+")
BAD = re.compile(r"WARNING:|BUG:|Oops|Kernel panic")


def plan(text):
    m = re.search(r"^PLAN-BEGIN$(.*?)^PLAN-END$", text, re.M | re.S)
    body = m.group(1) if m else text.split("PLAN-BEGIN", 1)[-1]
    for line in body.splitlines():
        r = re.match(r"^(not ok|ok) \d+ (\S+)(.*)$", line)
        if r:
            status = "fail" if r.group(1) == "not ok" else \
                     "skip" if "# SKIP" in r.group(3) else "ok"
            print(r.group(2), status)
    if not m:
        print("error: the plan did not finish (no PLAN-END)", file=sys.stderr)
        return 1
    return 0


def scan(text, fsc_allowed):
    """Problems in the host kernel log; fsc_allowed "Unsupported FSC" lines
    are expected (the selftest provokes them on purpose), no more, no less."""
    bad, warns, fsc = [], 0, 0
    for line in text.splitlines():
        if line.lstrip().startswith("# "):
            continue        # test output relayed by plan-init
        if EXPECTED_WARN.search(line) and warns == 0:
            warns += 1
        elif "Unsupported FSC" in line:
            fsc += 1
        elif BAD.search(line):
            bad.append(line.strip())
    if fsc != fsc_allowed:
        bad.append(f"{fsc} 'Unsupported FSC' lines, expected {fsc_allowed}")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("plan", "scan"):
        sys.exit(__doc__)
    text = open(sys.argv[2], errors="replace").read()
    if sys.argv[1] == "plan":
        sys.exit(plan(text))
    sys.exit(scan(text, int(sys.argv[3]) if len(sys.argv) > 3 else 0))

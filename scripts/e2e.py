#!/usr/bin/env python3
"""Judge and tabulate the end-to-end selftest (vfio_bar_memattr) runs.

  e2e.py judge COLUMN BASE_LOG PATCHED_LOG
      one PASS:/FAIL: line per subtest: the series must pass all of them,
      and the base must fail exactly those that depend on the series
  e2e.py table COLUMN BASE_LOG PATCHED_LOG
      the guest-observed S1 x S2 table, patched / base / expected

A log is the console of one test-host boot; the selftest's KTAP is in it,
relayed by plan-init with a "# " prefix.
"""
import re
import sys

S1 = ["Device-nGnRE", "Normal-NC", "Normal-WB"]
BACKINGS = [("vfio", "vfio-pci BAR"), ("sysfs", "sysfs resource2"),
            ("anon", "anonymous memory")]
# The combined type the architecture gives with the series applied.
EXPECTED = {
    "vfio": ["Device-nGnRE", "Normal-NC", "Normal-NC"],
    "sysfs": ["Device-nGnRE", "Device-nGnRE", "Device-nGnRE"],
    "anon": ["Device-nGnRE", "Normal-NC", "Normal-WB"],
}
# Subtests that only the series makes pass: the negative control.
SERIES_ONLY = re.compile(r"^vfio Normal-(NC|WB): unaligned (load|store)|"
                         r"^vfio Normal-NC: copy ")
COLUMNS = {
    "vhe": "-cpu max, VHE, FWB",
    "nvhe": "-cpu max, kvm-arm.mode=nvhe, FWB",
    "protected": "-cpu max, kvm-arm.mode=protected, FWB",
    "nofwb": "-cpu cortex-a57, nVHE, no FWB",
}
N_SUBTESTS = 31


def read(path):
    """(subtests, cells): subtests is [(key, status, detail)] in order."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None, {}
    subtests, cells = [], {}
    for line in text.splitlines():
        m = re.match(r"^# (not ok|ok) \d+ (.*)$", line)
        if m:
            desc = m.group(2)
            status = "fail" if m.group(1) == "not ok" else \
                     "skip" if "# SKIP" in desc else "ok"
            desc = desc.split(" # SKIP")[0]
            key, _, detail = desc.partition(" (")
            subtests.append((key, status, detail.rstrip(")")))
            continue
        m = re.match(r"^# # cell (\S+) (\S+) (\S+) (\S+) (\S+)$", line)
        if m:
            cells[(m.group(1), m.group(2))] = m.group(3, 4, 5)
    return subtests, cells


def observed(cell):
    """Combined type as the guest sees it: faults mean Device."""
    if cell is None:
        return "-"
    _, load, store = cell
    if load == store == "device":
        return "Device"
    if load == store == "normal":
        return "Normal"
    return f"load {load}, store {store}"


def judge(column, base_log, patched_log):
    base, _ = read(base_log)
    patched, _ = read(patched_log)
    fails = 0
    for name, results in (("base", base), ("series", patched)):
        if results is None or len(results) != N_SUBTESTS:
            n = "no" if results is None else len(results)
            print(f"FAIL: e2e {column}: {name} run reported {n} subtests, "
                  f"want {N_SUBTESTS} (log: {base_log if name == 'base' else patched_log})")
            fails += 1
    if fails:
        return 1
    for (key, b, bd), (key2, p, pd) in zip(base, patched):
        if key != key2:
            print(f"FAIL: e2e {column}: subtests out of step: '{key}' / '{key2}'")
            fails += 1
            continue
        if key.startswith("calibration") and (b != "ok" or p != "ok"):
            print(f"FAIL: e2e {column} {key}: base {b}, series {p}: the emulator "
                  "does not raise the stage-2 alignment fault, so it cannot tell "
                  "the series from its absence (QEMU >= 10 needed)")
            fails += 1
            continue
        want_base = "fail" if SERIES_ONLY.search(key) else "ok"
        if p == "ok" and b == want_base:
            print(f"PASS: e2e {column} {key}: series ok, base {b}")
        else:
            print(f"FAIL: e2e {column} {key}: series {p} ({pd}), base {b} ({bd}); "
                  f"want series ok, base {want_base}")
            fails += 1
    return 1 if fails else 0


def table(column, base_log, patched_log):
    base, bcells = read(base_log)
    patched, pcells = read(patched_log)
    print(f"[{column}] {COLUMNS.get(column, '')}: combined type observed in the "
          "guest, series / base (expected with the series)")
    head = ["guest S1 \\ host"] + [b[1] for b in BACKINGS]
    rows = []
    for i, s1 in enumerate(S1):
        row = [s1]
        for b, _ in BACKINGS:
            row.append(f"{observed(pcells.get((b, s1)))} / "
                       f"{observed(bcells.get((b, s1)))} ({EXPECTED[b][i]})")
        rows.append(row)
    widths = [max(len(r[c]) for r in [head] + rows) for c in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + rows:
        print(("  " + " | ".join(x.ljust(w) for x, w in zip(r, widths))).rstrip())
    extra = {}
    for name, results in (("series", patched), ("base", base)):
        for key, status, detail in results or []:
            if key.startswith(("vfio: execute", "anon: execute", "vfio Normal-NC: copy")):
                extra.setdefault(key, []).append(f"{name} {status} ({detail})")
    for key, res in extra.items():
        print(f"  {key}: " + "; ".join(res))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("judge", "table"):
        sys.exit(__doc__)
    fn = judge if sys.argv[1] == "judge" else table
    sys.exit(fn(*sys.argv[2:]))

#!/usr/bin/env python3
"""Three-way comparison: Debian 6.1 base, 6.1 + our series, and upstream's
merged implementation (Debian 6.12), from the logs of the same QEMU boots.

  compare.py [COLUMN...]      (default: vhe nvhe protected nofwb)

Reads build/logs/e2e-COLUMN-{base,patched,upstream}.log (the selftest,
which e2e.py parses, and the stage-2 attributes guest/s2trace recorded)
and the boot-time KUnit suite: none on the base ("-"), the series' from
build/logs/kunit-COLUMN.log (gate 65), upstream's from
kunit-COLUMN-upstream.log. Also whether each tree's
Documentation/driver-api/vfio.rst documents the flag.

A row is "same" when the series and upstream agree ("DIFF" otherwise); the
base is shown for reference. The differences are listed at the end, each
marked expected or explained; exit status 1 if one is neither, or a log is
missing.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import e2e  # noqa: E402  (its parser and constants; its CLI is unchanged)
import s2map  # noqa: E402
from kunit_log import SUITE, kunit  # noqa: E402

LOGS = os.path.join(TOP, "build", "logs")
# (label, tree, ref) of each vfio.rst to check
DOCS = [("base", "build/linux", "base"), ("series", "build/linux", "v4"),
        ("upstream", "build/linux-6.12", "base")]
WARN_MSG = "refused without a warning"
EXPECTED_KUNIT_DIFF = re.compile(r"^s2_device_and_normal_nc_(no)?fwb$")


def log(name):
    return os.path.join(LOGS, name)


def kunit_summary(res, case):
    """One cell for a case: its status, or "pass 24" / "pass 22, fail 2"
    over its parameters."""
    if res is None:
        return "-"
    if case in res:
        return res[case]
    counts = {}
    for k, v in res.items():
        if k.startswith(case + "/"):
            counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{s} {n}" for s, n in sorted(counts.items())) or "absent"


def boot_problem(path):
    """Why a boot has no results: its first panic or timeout line."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return "no log"
    m = re.search(r"(Kernel panic - not syncing:.*|nVHE hyp panic at:.*)", text)
    return m.group(1).strip() if m else "no selftest output"


def doc_present(tree, ref):
    path = os.path.join(TOP, tree)
    try:
        text = subprocess.run(
            ["git", "-C", path, "show", f"{ref}:Documentation/driver-api/vfio.rst"],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    flag = "VM_ALLOW_ANY_UNCACHED" in text
    section = bool(re.search(r"^Memory types of device MMIO", text, re.M))
    return "yes" if flag or section else "no"


def main(columns):
    rows, diffs, missing, nores = [], [], [], {}

    def row(col, what, b, s, u, why=None):
        if why is None and s != u and col in nores:
            why = "UNEXPECTED: no result: " + nores[col]
        same = s == u
        rows.append((col, what, b, s, u, "same" if same else "DIFF"))
        if not same:
            diffs.append((col, what, b, s, u, why))

    for col in columns:
        runs = {}
        for k in ("base", "patched", "upstream"):
            path = log(f"e2e-{col}-{k}.log")
            subtests, cells = e2e.read(path)
            if not subtests:
                missing.append(f"{path}: no selftest results")
                nores[col] = f"{k} boot: {boot_problem(path)}"
            else:
                # A run cut short or garbled would put holes in the table
                # that read as differences, or hide them: it is refused.
                # Upstream must finish as the series does (exit 0).
                for why in e2e.incomplete(e2e.parse(path), "base" if k == "base" else "series"):
                    missing.append(f"{path}: {why}")
            runs[k] = ({key: (st, d) for key, st, d in subtests or []}, cells)
        for b, _ in e2e.BACKINGS:
            for s1 in e2e.S1:
                b_, s_, u_ = (e2e.observed(runs[k][1].get((b, s1)))
                              for k in ("base", "patched", "upstream"))
                row(col, f"cell {b} S1 {s1}", b_, s_, u_)
        for key in ("vfio: execute from the BAR is refused",
                    "anon: execute from memory returns"):
            row(col, key, *(runs[k][0].get(key, ("-",))[0]
                            for k in ("base", "patched", "upstream")))
        copy = [next((st for k2, (st, _) in runs[k][0].items()
                      if k2.startswith("vfio Normal-NC: copy")), "-")
                for k in ("base", "patched", "upstream")]
        row(col, "vfio Normal-NC: copy over the whole BAR", *copy)
        npass = [f"{sum(st == 'ok' for st, _ in runs[k][0].values())}/"
                 f"{e2e.N_SUBTESTS} ok" if runs[k][0] else "-"
                 for k in ("base", "patched", "upstream")]
        row(col, "selftest subtests ok", *npass)
        # What KVM installed at stage 2, per backing (guest/s2trace).
        for backing, gib in s2map.GIB.items():
            seen = []
            for k in ("base", "patched", "upstream"):
                gs = s2map.groups(log(f"e2e-{col}-{k}.log"))
                attrs = sorted({s2map.attr(p & ~s2map.PROT_X) for g, p, _ in gs or [] if g == gib})
                seen.append("/".join(attrs) or "-")
            row(col, f"stage-2 attribute, {backing}", *seen)

        # Each kernel's KUnit boot (the e2e boots run with KUnit off).
        sres, smsg = kunit(log(f"kunit-{col}.log"))
        ures, umsg = kunit(log(f"kunit-{col}-upstream.log"))
        for name, r in (("series", sres), ("upstream", ures)):
            if r is None:
                missing.append(f"KUnit suite {SUITE} ({name}, {col})")
        cases = []
        for r in (sres or {}, ures or {}):
            for k in r:
                c = k.split("/")[0]
                if c not in cases:
                    cases.append(c)
        for case in cases:
            s, u = kunit_summary(sres, case), kunit_summary(ures, case)
            why = None
            if s != u and EXPECTED_KUNIT_DIFF.match(case) and s in ("pass", "skip"):
                lines = [x for x in umsg.get(case, []) if "Expected" in x
                         or "EXPECTATION" in x or WARN_MSG in x]
                failed = [x for x in lines if "Expected" in x]
                if u == "fail" and any(WARN_MSG in x for x in lines) and \
                        all("test_taint" in x for x in failed):
                    why = ("expected: upstream returns -EINVAL without a WARN; "
                           "only the WARN/taint assertion failed")
            if s != u and why is None:
                detail = [k for k in sorted(set(sres or {}) | set(ures or {}))
                          if k.startswith(case) and (sres or {}).get(k) != (ures or {}).get(k)]
                why = "UNEXPECTED: " + ", ".join(
                    f"{k}: series {(sres or {}).get(k, '-')}, upstream {(ures or {}).get(k, '-')}"
                    for k in detail[:6]) + (" ..." if len(detail) > 6 else "")
            row(col, f"kunit {case}", "-", s, u, why)

    docs = [doc_present(t, r) for _, t, r in DOCS]
    for (label, tree, ref), d in zip(DOCS, docs):
        if d == "?":
            missing.append(f"{tree} ({ref}): no Documentation/driver-api/vfio.rst to read ({label})")
    row("all", "vfio.rst documents VM_ALLOW_ANY_UNCACHED", *docs,
        why="explained: a documentation difference, not a behavioural one. "
            "Upstream explains the flag in code comments (include/linux/mm.h, "
            "vfio_pci_core.c, nvgrace-gpu) and its commit messages only; "
            "v4 adds a section to Documentation/driver-api/vfio.rst")

    head = ("column", "check", "base 6.1", "series v4", "upstream 6.12", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(6)]
    for r in [head, tuple("-" * w for w in widths)] + rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())
    print()
    print(f"{len(rows)} rows: {len(rows) - len(diffs)} same, {len(diffs)} DIFF")
    bad = 0
    for col, what, b, s, u, why in diffs:
        why = why or "UNEXPECTED: series and upstream disagree"
        bad += why.startswith("UNEXPECTED")
        print(f"DIFF [{col}] {what}: base {b}, series {s}, upstream {u}\n     {why}")
    for m in missing:
        print(f"MISSING: {m}")
    print(f"{len(diffs) - bad} differences expected or explained, {bad} unexpected"
          + (f", {len(missing)} inputs missing" if missing else ""))
    return 1 if bad or missing else 0


if __name__ == "__main__":
    cols = sys.argv[1:] or list(e2e.COLUMNS)
    unknown = [c for c in cols if c not in e2e.COLUMNS]
    if unknown:
        sys.exit(f"unknown column(s): {' '.join(unknown)} ({' '.join(e2e.COLUMNS)})")
    sys.exit(main(cols))

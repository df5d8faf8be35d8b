#!/usr/bin/env python3
"""Judge what KVM installed at stage 2 during an end-to-end run.

  s2map.py LOG series|base [LABEL]
      one PASS:/FAIL: line per backing of the selftest; exit 1 on a FAIL

guest/s2trace records every kvm_pgtable_stage2_map() call of the run (its
IPA and enum kvm_pgtable_prot) and prints one "s2map gib=G prot=0xP
count=N ..." line per GiB of IPA and prot; plan-init relays them with a
"# " prefix. vfio_bar_memattr puts backing i at IPA (4 + i) GiB: the
vfio-pci BAR at 4 GiB, the sysfs resource2 BAR at 5, anonymous memory at 6.

What each backing must get, whatever the guest does at stage 1:
  vfio   series: NORMAL_NC, never DEVICE, never X; base: DEVICE, never X
  sysfs  DEVICE, never NORMAL_NC, never X (both kernels)
  anon   neither DEVICE nor NORMAL_NC: cacheable Normal memory
This is the attribute itself, not its effect: a kernel that mapped the BAR
cacheable would pass the guest-observed table without FWB, not this.
"""
import re
import sys

PROT_X, PROT_DEVICE, PROT_NORMAL_NC = 1 << 0, 1 << 3, 1 << 4
GIB = {"vfio": 4, "sysfs": 5, "anon": 6}


def groups(path):
    """[(gib, prot, count)] from the relayed s2trace lines, or None when the
    record is not whole: it runs from plan-init's "running s2trace-dump" to
    s2trace's closing count, and its counts add up to that count (a dump
    cut short, overflowed or out of order is no record)."""
    try:
        text = open(path, errors="replace").read().replace("\r\n", "\n")
    except OSError:
        return None
    ends = list(re.finditer(r"^# s2trace: (\d+) stage-2 maps recorded$", text, re.M))
    if not ends:
        return None     # dump did not run to its end, or overflowed
    end = ends[-1]
    start = text.rfind("# plan-init: running s2trace-dump\n", 0, end.start())
    if start < 0:
        return None
    out = []
    for m in re.finditer(r"^# s2map gib=(\d+) prot=(0x[0-9a-f]+|0) count=(\d+)",
                         text[start:end.start()], re.M):
        out.append((int(m.group(1)), int(m.group(2), 16), int(m.group(3))))
    if sum(n for _, _, n in out) != int(end.group(1)):
        return None
    return out


def attr(prot):
    kind = "DEVICE" if prot & PROT_DEVICE else "NORMAL_NC" if prot & PROT_NORMAL_NC \
        else "Normal"
    if prot & PROT_DEVICE and prot & PROT_NORMAL_NC:
        kind = "DEVICE|NORMAL_NC"
    return kind + ("+X" if prot & PROT_X else "")


def main(path, kernel, label=None):
    label = label or kernel
    gs = groups(path)
    if gs is None:
        print(f"FAIL: stage 2 {label}: no complete s2trace record in {path}")
        return 1
    want = {
        "vfio": "NORMAL_NC" if kernel == "series" else "DEVICE",
        "sysfs": "DEVICE",
        "anon": "Normal",
    }
    bad = 0
    for backing, gib in GIB.items():
        mine = [(p, n) for g, p, n in gs if g == gib]
        seen = ", ".join(f"{attr(p)} x{n}" for p, n in mine) or "nothing mapped"
        ok = bool(mine)
        for p, _ in mine:
            kind = attr(p & ~PROT_X)
            if kind != want[backing] or (backing != "anon" and p & PROT_X):
                ok = False
        verdict = "PASS" if ok else "FAIL"
        print(f"{verdict}: stage 2 {label} {backing}: {seen} (want {want[backing]}"
              f"{'' if backing == 'anon' else ', never X'})")
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in ("series", "base"):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

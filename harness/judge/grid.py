"""The judges' tables (e2e.py, contain.py, barcover.py): columns padded to
their widest cell, a rule of dashes under the head, two spaces of indent."""


def print_grid(head, rows):
    widths = [max(len(r[c]) for r in [head] + rows) for c in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + rows:
        print(("  " + " | ".join(x.ljust(w) for x, w in zip(r, widths))).rstrip())

#!/usr/bin/env python3
"""The files the series adds, mirrored at their kernel paths in this repo.

  mirror.py write   (re)write each file a patch in patches/ adds
  mirror.py check   exit 1, naming it, if a mirrored file differs from
                    its patch or is missing

The mirror is generated from patches/ (the single source of truth) so that
the selftest and the KUnit suite can be read without applying the series.
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def added_files():
    """{path: content} of every file a patch creates."""
    files = {}
    for patch in sorted(glob.glob(os.path.join(TOP, "patches", "0*.patch"))):
        lines = open(patch).read().split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"^diff --git a/\S+ b/(\S+)$", lines[i])
            if m and i + 1 < len(lines) and lines[i + 1].startswith("new file mode"):
                path, body = m.group(1), []
                while not lines[i].startswith("@@ -0,0 "):
                    i += 1
                i += 1
                while i < len(lines) and lines[i].startswith("+"):
                    body.append(lines[i][1:])
                    i += 1
                files[path] = "\n".join(body) + "\n"
                continue
            i += 1
    return files


def main(cmd):
    bad = 0
    for path, text in added_files().items():
        dest = os.path.join(TOP, path)
        if cmd == "write":
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w") as f:
                f.write(text)
        elif not os.path.exists(dest) or open(dest).read() != text:
            print(f"{path}: differs from the patch that adds it (run 'make export')")
            bad += 1
        else:
            print(f"{path}: identical to its patch")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

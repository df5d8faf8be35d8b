#!/usr/bin/env python3
"""Check the commit references of patches against docs/commit-ids.list.

  commit_refs.py LIST PATCH...

In each PATCH's message (up to the "---" line that starts the diffstat;
the whole text of a cover letter up to its shortlog), every reference to
a commit must name a commit of LIST:
  - 'commit ID ("TITLE")', 'ID ("TITLE")' (Fixes: tags) and 'ID "TITLE"':
    ID a prefix of a listed commit, of at least 12 hex digits, and TITLE
    its title;
  - any other string of 12 to 40 hex digits with a letter among them: a
    prefix of a listed commit.
Titles may wrap over lines. Prints PASS:/FAIL: per patch; exit 1 on FAIL.
--ids PATCH prints the ids a patch cites, one a line (for checkpatch's
UNKNOWN_COMMIT_ID).
"""
import re
import sys


def load(path):
    commits = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 5 or not re.fullmatch(r"[0-9a-f]{40}", fields[0]):
            raise SystemExit(f"error: {path}: malformed line: {line}")
        commits[fields[0]] = fields[3]
    return commits


def message(text):
    """The part of a patch file that is prose: up to the diffstat's "---"
    line, or for a cover letter up to its shortlog ("Name (N):")."""
    m = re.search(r"^---$", text, re.M)
    if m:
        text = text[:m.start()]
    m = re.search(r"^\S.* \(\d+\):$", text, re.M)
    if m:
        text = text[:m.start()]
    # Drop the mail headers, but keep the Subject: it may cite a commit.
    head, _, body = text.partition("\n\n")
    subject = re.search(r"^Subject: (.*(?:\n .*)*)", head, re.M)
    return (subject.group(1) if subject else "") + "\n" + body


def lookup(commits, ident):
    found = [c for c in commits if c.startswith(ident)]
    return found[0] if len(found) == 1 else None


def check(commits, path):
    text = " ".join(message(open(path, encoding="utf-8").read()).split())
    problems, refs, spans = [], 0, []
    for m in re.finditer(r'\b([0-9a-f]{12,40}) \(?"(.+?)"\)?', text):
        refs += 1
        spans.append(m.span(1))
        full = lookup(commits, m.group(1))
        if not full:
            problems.append(f"{m.group(1)} is not in the list")
        elif commits[full] != m.group(2):
            problems.append(f'{m.group(1)} is "{commits[full]}", not "{m.group(2)}"')
    for m in re.finditer(r"\b[0-9a-f]{12,40}\b", text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        # A run of digits only is a date or a Message-ID, not a commit.
        if not re.search(r"[a-f]", m.group(0)):
            continue
        refs += 1
        if not lookup(commits, m.group(0)):
            problems.append(f"{m.group(0)} is not in the list")
    return refs, problems


def main(argv):
    if len(argv) >= 3 and argv[1] == "--ids":
        for path in argv[2:]:
            text = message(open(path, encoding="utf-8").read())
            for ident in sorted(set(re.findall(r"\b[0-9a-f]{12,40}\b", text))):
                if re.search(r"[a-f]", ident):
                    print(ident)
        return 0
    if len(argv) < 3:
        sys.exit(__doc__)
    commits = load(argv[1])
    fails = 0
    for path in argv[2:]:
        name = path.rsplit("/", 1)[-1]
        refs, problems = check(commits, path)
        if problems:
            fails += 1
            print(f"FAIL: commit references in {name}: {'; '.join(problems)}")
        else:
            print(f"PASS: commit references in {name}: {refs} cited, each listed with its title")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

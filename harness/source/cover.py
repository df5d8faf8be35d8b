#!/usr/bin/env python3
"""Pull the hand-written text out of a format-patch cover letter.

Prints the subject (without the [PATCH ...] prefix), a blank line, then the
body up to the shortlog that format-patch generates. That is the form
`git format-patch --cover-from-description=subject` reads back from the
branch description, so export(tree(patches)) gives the same cover letter.
"""
import re
import sys


def main(path):
    text = open(path, encoding="utf-8").read()
    head, _, body = text.partition("\n\n")
    subject = re.search(r"^Subject: (.*(?:\n .*)*)", head, re.M)
    if not subject:
        sys.exit(f"error: {path}: no Subject header")
    subject = re.sub(r"\n ", " ", subject.group(1))
    subject = re.sub(r"^\[[^]]*\] *", "", subject)
    # The generated part starts with the shortlog header "Name (N):".
    m = re.search(r"^\S.* \(\d+\):$", body, re.M)
    if not m:
        sys.exit(f"error: {path}: no shortlog found after the cover text")
    print(subject + "\n\n" + body[:m.start()].rstrip("\n"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: cover.py COVER-LETTER")
    main(sys.argv[1])

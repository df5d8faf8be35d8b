#!/usr/bin/env bash
# patches/ must hold what the editable tree holds: a local tree with commits
# or edits that were never exported means patches/ is stale.
. "$(dirname "$0")/../harness/lib.sh"
# The mirror of the files the series adds must match patches/.
if m=$("$TOP/harness/source/mirror.py" check); then
	echo "PASS: mirrored files identical to patches/ ($(echo "$m" | wc -l) files)"
else
	echo "$m" | grep -v identical
	echo "FAIL: the mirrored files differ from patches/"
fi
if ! git -C "$TREE" rev-parse -q --verify refs/heads/v4 >/dev/null 2>&1; then
	echo "PASS: patches/ not stale (no local tree yet; it is made from patches/)"
	exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! err=$("$TOP/harness/source/export.sh" "$tmp" 2>&1); then
	echo "FAIL: patches/ is stale: $err"
elif ! d=$(diff -r "$TOP/patches" "$tmp"); then
	if tree_behind; then
		echo "PASS: patches/ not stale: it changed since $TREE was made from it (a pull); make and gate 20 import it again"
	else
		head -n 20 <<<"$d"
		echo "FAIL: patches/ is stale: $TREE differs (run 'make export', or 'make tree FORCE=1' to drop the tree's changes)"
	fi
else
	echo "PASS: patches/ matches the series in $TREE"
fi

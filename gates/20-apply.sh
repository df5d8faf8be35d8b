#!/usr/bin/env bash
# git am of every patch onto a clean checkout of the base (a scratch
# worktree), then the export round trip from there; finally make sure the
# editable tree build/linux holds the series for the later gates.
. "$(dirname "$0")/../harness/lib.sh"
"$TOP/harness/source/prepare-base.sh" >/dev/null
wt=$BUILD/wt-apply
git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$TREE" worktree prune
git -C "$TREE" branch -D v4-apply-check >/dev/null 2>&1 || true
git -C "$TREE" worktree add -q -b v4-apply-check "$wt" base
if err=$("$TOP/harness/source/apply.sh" "$wt" 2>&1 >/dev/null); then
	for p in "$TOP"/patches/0*.patch; do
		case $p in *0000-cover-letter.patch) continue ;; esac
		echo "PASS: git am $(basename "$p")"
	done
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	NC_TREE=$wt NC_REV=v4-apply-check NC_COVER_DESC=$("$TOP/harness/source/cover.py" "$TOP/patches/0000-cover-letter.patch") \
		"$TOP/harness/source/export.sh" "$tmp" >/dev/null
	if diff -r "$TOP/patches" "$tmp"; then
		echo "PASS: exporting the applied series reproduces patches/ byte for byte"
	else
		echo "FAIL: export is not deterministic (diff above)"
	fi
else
	echo "$err"
	echo "FAIL: git am: $(echo "$err" | head -n 1)"
fi
git -C "$TREE" worktree remove --force "$wt"
git -C "$TREE" branch -D v4-apply-check >/dev/null
"$TOP/harness/source/tree.sh"

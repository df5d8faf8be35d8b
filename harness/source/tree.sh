#!/usr/bin/env bash
# tree.sh: give an editable kernel tree in build/linux: the base commit
# (tag "base") and, on branch v4, one commit per patch of patches/, applied
# with git am. Refuses to discard commits that were not exported yet, unless
# FORCE=1.
. "$(dirname "$0")/../lib.sh"
"$TOP/harness/source/prepare-base.sh"
cd "$TREE"
cover=$TOP/patches/0000-cover-letter.patch
[ -f "$cover" ] || die "$cover is missing"

# A tree that already holds exactly patches/ is left alone, so that its
# files keep their timestamps and builds stay incremental.
if git rev-parse -q --verify refs/heads/v4 >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if "$TOP/harness/source/export.sh" "$tmp" >/dev/null 2>&1 && diff -rq "$tmp" "$TOP/patches" >/dev/null; then
		git checkout -q v4
		tree_synced
		note "$TREE already holds patches/ on branch v4 ($(git rev-parse --short v4))"
		exit 0
	fi
	if tree_behind; then
		note "patches/ changed since $TREE was made from it or exported to it; importing it again"
	else
		[ "${FORCE:-0}" = 1 ] ||
			die "$TREE has changes that are not in patches/ (run 'make export'" \
			    "to keep them, or 'make tree FORCE=1' to discard them)"
	fi
fi

git am --abort >/dev/null 2>&1 || true
git checkout -q -f -B v4 base
git clean -fdq
"$TOP/harness/source/apply.sh" "$TREE" >/dev/null
git config branch.v4.description "$("$TOP/harness/source/cover.py" "$cover")"
tree_synced
note "$TREE: v4 = base + $(git rev-list --count base..v4) patches ($(git rev-parse --short HEAD))"

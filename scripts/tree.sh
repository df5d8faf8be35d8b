#!/usr/bin/env bash
# tree.sh: give an editable kernel tree in build/linux: the base commit
# (tag "base") and, on branch v4, one commit per patch of patches/, applied
# with git am. Refuses to discard commits that were not exported yet, unless
# FORCE=1.
. "$(dirname "$0")/lib.sh"
"$TOP/scripts/prepare-base.sh"
cd "$TREE"
cover=$TOP/patches/0000-cover-letter.patch
[ -f "$cover" ] || die "$cover is missing"

if [ "${FORCE:-0}" != 1 ] && git rev-parse -q --verify refs/heads/v4 >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if ! "$TOP/scripts/export.sh" "$tmp" >/dev/null 2>&1 ||
	   ! diff -rq "$tmp" "$TOP/patches" --exclude='*.md' >/dev/null; then
		die "$TREE has changes that are not in patches/ (run 'make export'" \
		    "to keep them, or 'make tree FORCE=1' to discard them)"
	fi
fi

git am --abort >/dev/null 2>&1 || true
git checkout -q -f -B v4 base
git clean -fdq
n=0
for p in "$TOP"/patches/0*.patch; do
	[ "$p" != "$cover" ] || continue
	n=$((n + 1))
	if ! out=$(git am -q --committer-date-is-author-date "$p" 2>&1); then
		git am --abort >/dev/null 2>&1 || true
		echo "error: $(basename "$p") does not apply to $BASE_PKG $BASE_VERSION:" >&2
		echo "$out" | grep -E '^(error|Patch failed)' >&2 || echo "$out" >&2
		exit 1
	fi
done
git config branch.v4.description "$("$TOP/scripts/cover.py" "$cover")"
note "$TREE: v4 = base + $n patches ($(git rev-parse --short HEAD))"

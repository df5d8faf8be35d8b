#!/usr/bin/env bash
# apply.sh DIR [PATCHDIR]: git am every patch of PATCHDIR (default patches/)
# onto the current commit of the git tree DIR. On failure, names the patch
# and the file that no longer applies, leaves DIR as it was and exits 1.
. "$(dirname "$0")/../lib.sh"
dir=$1 pdir=${2:-$TOP/patches}
n=0
for p in "$pdir"/0*.patch; do
	case $p in *0000-cover-letter.patch) continue ;; esac
	if ! out=$(git -C "$dir" am -q --committer-date-is-author-date "$p" 2>&1); then
		git -C "$dir" am --abort >/dev/null 2>&1 || true
		echo "error: $(basename "$p") does not apply to $BASE_PKG $BASE_VERSION:" >&2
		echo "$out" | grep -E '^(error|Patch failed)' >&2 || echo "$out" >&2
		exit 1
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no patches in $pdir"
note "applied $n patches"

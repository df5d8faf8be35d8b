#!/usr/bin/env bash
# checkpatch --strict on every patch: no errors, warnings or checks.
. "$(dirname "$0")/../scripts/lib.sh"
for p in "$TOP"/patches/0*.patch; do
	case $p in *0000-cover-letter.patch) continue ;; esac
	out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --show-types "$p" 2>&1 || true)
	sum=$(echo "$out" | grep -E '^total:' || echo "no summary from checkpatch")
	if echo "$sum" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		echo "PASS: checkpatch --strict $(basename "$p")"
	else
		echo "$out" | grep -E -A3 '^(ERROR|WARNING|CHECK):' || true
		echo "FAIL: checkpatch --strict $(basename "$p"): $sum"
	fi
done

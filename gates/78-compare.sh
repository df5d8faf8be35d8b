#!/usr/bin/env bash
# Side by side with upstream's merged implementation (Debian's 6.12):
# harness/compare.sh boots it with our ported tests in every column and
# prints the three-way table base 6.1 / series / upstream 6.12. Every
# difference between the series and upstream must be expected or
# explained (harness/judge/compare.py says which), or this fails.
. "$(dirname "$0")/../harness/lib.sh"
log=$BUILD/logs/compare.log
rc=0
bash "$TOP/harness/compare.sh" 2>&1 | tee "$log" || rc=$?
summary=$(grep -E '^[0-9]+ rows:' "$log" || echo "no table")
if [ "$rc" = 0 ]; then
	echo "PASS: compare: $summary; $(grep -E 'differences expected or explained' "$log")"
else
	echo "FAIL: compare: $summary; $(grep -E 'differences expected|MISSING' "$log" | head -n 3 | paste -sd ';')"
fi

#!/usr/bin/env bash
# check.sh [GATE...]: run the gates in gates/ (all by default, in name order),
# time each, and end with one line "N passed, N failed[, N skipped]".
# A gate prints "PASS: ...", "FAIL: ..." or "SKIP: ..." lines; a gate that
# exits non-zero without printing a FAIL line counts as one failure.
. "$(dirname "$0")/lib.sh"
cd "$TOP"
mkdir -p "$BUILD/logs"
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=(gates/[0-9]*.sh)
pass=0 fail=0 skip=0 times=()
start=$SECONDS
for g in "${gates[@]}"; do
	name=$(basename "$g" .sh)
	log=$BUILD/logs/$name.log
	t0=$SECONDS
	echo "=== $name"
	set +e
	bash "$g" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	p=$(grep -c '^PASS:' "$log" || true)
	f=$(grep -c '^FAIL:' "$log" || true)
	s=$(grep -c '^SKIP:' "$log" || true)
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $name exited with status $rc (log: $log)"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	times+=("$(printf '%-24s %5ss  %3s passed, %s failed' "$name" $((SECONDS - t0)) "$p" "$f")")
done
echo
echo "Stage times:"
printf '  %s\n' "${times[@]}"
printf '  %-24s %5ss\n' total $((SECONDS - start))
echo
echo "Not in make check (about 15 more minutes cold, beyond what CI's 90 fit"
echo "safely): 'make compare', the same tests on upstream's merged"
echo "implementation in Debian's linux-source-6.12, as a three-way table."
echo
line="$pass passed, $fail failed"
[ "$skip" = 0 ] || line="$line, $skip skipped"
echo "$line"
[ "$fail" = 0 ]

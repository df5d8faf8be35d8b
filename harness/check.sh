#!/usr/bin/env bash
# check.sh SUITE [GATE...]: run the gates of SUITE (check: gates/*.sh,
# matrix: gates/matrix/*.sh; all of them by default, in name order), time
# each, and end with one line "N passed, N failed[, N skipped]".
# A gate prints "PASS: ...", "FAIL: ..." or "SKIP: ..." lines; a gate that
# exits non-zero without printing a FAIL line counts as one failure, and so
# does one that ran fewer checks than tests/gate-counts says it runs.
. "$(dirname "$0")/lib.sh"
cd "$TOP"
suite=${1:-check}; shift || true
case $suite in
check) dir=gates ;;
matrix) dir=gates/matrix ;;
*) die "unknown suite '$suite' (check, matrix)" ;;
esac
mkdir -p "$BUILD/logs"
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=("$dir"/[0-9]*.sh)
pass=0 fail=0 skip=0 times=()
start=$SECONDS
# ccache's state, so that a cold figure and a warm one cannot be confused:
# "FILES HITS MISSES" (files in the cache; compilations served from it, and
# compiled, since its statistics were last zeroed).
cache_state() {
	ccache --print-stats 2>/dev/null | awk '
		$1 == "files_in_cache" { f = $2 }
		$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { h += $2 }
		$1 == "cache_miss" { m = $2 }
		END { printf "%d %d %d\n", f, h, m }'
}
read -r files0 hits0 miss0 <<<"$(cache_state)"
for g in "${gates[@]}"; do
	name=$(basename "$g" .sh)
	[ "$suite" = check ] || name=$suite-$name
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
	# The gate's own count: a gate that ran fewer checks than it is known
	# to run (tests/gate-counts, for the default columns and variants)
	# lost some on the way, however green the rest.
	want=$(awk -v g="$name" '$1 == g { print $2 }' "${GATE_COUNTS:-$TOP/tests/gate-counts}" 2>/dev/null || true)
	if [ -n "$want" ] && [ -z "${COLUMNS:-}${VARIANT:-}" ] && [ $((p + s)) -lt "$want" ]; then
		echo "FAIL: $name ran $((p + s)) checks (passed or skipped), fewer than the $want it runs (tests/gate-counts)" |
			tee -a "$log"
		f=$((f + 1))
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	times+=("$(printf '%-26s %5ss  %3s passed, %s failed%s' "$name" $((SECONDS - t0)) "$p" "$f" \
		"$([ "$s" = 0 ] || echo ", $s skipped")")")
done
echo
echo "Stage times:"
printf '  %s\n' "${times[@]}"
printf '  %-26s %5ss\n' total $((SECONDS - start))
read -r files1 hits1 miss1 <<<"$(cache_state)"
h=$((hits1 - hits0)) m=$((miss1 - miss0))
echo "ccache ($CCACHE_DIR): $files0 files at the start, $files1 at the end;" \
	"this run $h hits, $m misses ($([ $((h + m)) -gt 0 ] && echo "$((100 * h / (h + m)))% hits" || echo "no compilations"))"
if [ "$suite" = check ]; then
	echo
	echo "Not in make check, because CI's 90 minutes cannot hold it next to the"
	echo "rest: 'make matrix' (see README): the full-kernel build at every"
	echo "commit, the debug kernel with the stress and the soak, 16K and 64K"
	echo "pages, Debian's arm64 config with its modules, clang, and the other"
	echo "KVM modes of the slower gates. It builds eight more kernels: on two"
	echo "cores about 100 minutes, its gates' last measured times summed."
fi
echo
line="$pass passed, $fail failed"
[ "$skip" = 0 ] || line="$line, $skip skipped"
echo "$line"
[ "$fail" = 0 ]

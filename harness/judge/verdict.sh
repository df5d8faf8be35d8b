#!/usr/bin/env bash
# verdict.sh [LOGDIR]: the verdict of `make` on the tables it printed: each
# column's selftest table (harness/judge/e2e.py judge, base and series logs) and
# the real stack's (harness/judge/realvmm.py judge, vhe). Prints the judges' FAIL
# lines and exits 1 naming every column whose table is not the expected
# one, or whose logs a judge could not read (a judge that fails without a
# FAIL line counts too). LOGDIR defaults to build/logs.
. "$(dirname "$0")/../lib.sh"
logs=${1:-$BUILD/logs}
bad=()
# judge LABEL CMD...: run a judge; its FAIL lines are printed, and LABEL is
# bad when it printed one or exited non-zero.
judge() {
	local label=$1 out rc=0; shift
	out=$("$@" 2>&1) || rc=$?
	grep '^FAIL' <<<"$out" || true
	if [ "$rc" != 0 ] || grep -q '^FAIL' <<<"$out"; then
		[ "$rc" = 0 ] || grep -q '^FAIL' <<<"$out" || echo "FAIL: $label: the judge exited with status $rc: $(tail -n 1 <<<"$out")"
		bad+=("$label")
	fi
}
for col in vhe nvhe protected nofwb; do
	judge "selftest $col" "$TOP/harness/judge/e2e.py" judge "$col" "$logs/e2e-$col-base.log" "$logs/e2e-$col-patched.log"
done
judge "real stack vhe" "$TOP/harness/judge/realvmm.py" judge vhe "$logs/realvmm-vhe-base.log" "$logs/realvmm-vhe-series.log"
[ ${#bad[@]} = 0 ] || die "the observed table is not the expected one in: ${bad[*]} (see the FAIL lines above; make check gives details)"

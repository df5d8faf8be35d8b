#!/usr/bin/env bash
# clang: the base and the series built with Debian's clang and lld
# (LLVM=1) in the test config. The series may add no compiler warning the
# base built the same way does not have (compared without line numbers),
# and its kernel boots in the vhe column and passes the KUnit suite and
# the e2e selftest with the same assertions as the gcc kernels.
. "$(dirname "$0")/../../harness/lib.sh"
. "$TOP/harness/kernel/klib.sh"
command -v clang >/dev/null && command -v ld.lld >/dev/null ||
	die "clang and lld are missing (run: bash harness/source/deps.sh matrix)"
if ! "$TOP/harness/kernel/kernel.sh" build base/clang series/clang; then
	echo "FAIL: clang: the kernels do not build"
	exit 0
fi
norm() { grep -E 'warning:' "$1" | sed -E 's|^(\.\./)*(src/)?||; s/:[0-9]+(:[0-9]+)?:/:/' | sort -u; }
# Compared as sets: a warning in the series' build log that the base's
# lacks is new. A kernel rebuilt in part logs only what it rebuilt, which
# is where a change can bring a new warning.
new=$(comm -13 <(norm "$K/base/clang/build.log") <(norm "$K/series/clang/build.log"))
if [ -z "$new" ]; then
	echo "PASS: clang: no warning the base does not have ($(norm "$K/series/clang/build.log" | wc -l) in both; $(clang --version | head -n 1))"
else
	head -n 10 <<<"$new"
	echo "FAIL: clang: $(echo "$new" | wc -l) warnings the base does not have"
fi
VARIANT=clang COLUMNS=vhe bash "$TOP/gates/65-kunit.sh"
VARIANT=clang COLUMNS=vhe bash "$TOP/gates/70-e2e.sh"

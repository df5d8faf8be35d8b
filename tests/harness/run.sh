#!/usr/bin/env bash
# tests/harness/run.sh: self-tests of the harness itself, on the build host
# (python3 and the host gcc; no root, no kernel, no QEMU; a few seconds).
#  - guest/plan-init.c builds warning-free, statically, with the host gcc
#    (and with aarch64-linux-gnu-gcc where installed), and its real parser
#    and relay pass tests/harness/plan-init-test.c;
#  - scripts/kunit_log.py, scripts/e2e.py and scripts/guest-log.py pass on
#    real logs (tests/harness/fixtures/) and fail on each broken copy
#    (tests/harness/test_scripts.py).
# One line per check, "PASS: harness: WHAT" or "FAIL: harness: WHAT (WHY)";
# exit status 1 if one failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
: > "$out"
say() { echo "$*" | tee -a "$out"; }
flags="-static -O2 -Wall -Wextra -Werror"

# build NAME CC SRC BIN [CFLAGS...]: SRC must build with the gates' flags.
build() {
	local name=$1 cc=$2 src=$3 bin=$4 log
	shift 4
	if log=$($cc $flags "$@" -o "$bin" "$src" 2>&1); then
		say "PASS: harness: $name builds with $cc $flags"
	else
		say "FAIL: harness: $name builds with $cc $flags ($(echo "$log" | head -n 3 | tr '\n' ' '))"
		return 1
	fi
}

build guest/plan-init.c gcc "$top/guest/plan-init.c" "$tmp/plan-init.host"
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	build guest/plan-init.c aarch64-linux-gnu-gcc "$top/guest/plan-init.c" "$tmp/plan-init-arm64"
fi

# The selftest's real output, as plan-init relayed it, to relay again.
sed -n '/^# plan-init: running vfio_bar_memattr$/,/^\(not \)\?ok [0-9]* vfio_bar_memattr/p' \
	"$here/fixtures/e2e-vhe-patched.log" | sed -n 's/^# //p' | sed '1d' > "$tmp/e2e-output"
mkdir -p "$tmp/pi"
if build tests/harness/plan-init-test.c gcc "$here/plan-init-test.c" "$tmp/plan-init-test"; then
	"$tmp/plan-init-test" "$tmp/pi" "$top" "$tmp/e2e-output" | tee -a "$out"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || grep -q '^FAIL' "$out" ||
		say "FAIL: harness: plan-init-test ran to its end (exit $rc)"
fi

python3 "$here/test_scripts.py" "$tmp" "$tmp/pi/mixed.out" | tee -a "$out"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || grep -q '^FAIL' "$out" || say "FAIL: harness: test_scripts.py ran to its end (exit $rc)"

pass=$(grep -c '^PASS' "$out")
fail=$(grep -c '^FAIL' "$out")
echo "harness self-tests: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/usr/bin/env bash
# tests/harness/run.sh: self-tests of the harness itself, on the build host
# (python3 and the host gcc; no root, no kernel, no QEMU; a few seconds).
#  - guest/plan-init.c and guest/realvmm-run.c build warning-free,
#    statically, with the host gcc (and, with guest/realvmm-init.c, with
#    aarch64-linux-gnu-gcc where installed); plan-init's real parser and
#    relay pass tests/harness/plan-init-test.c; realvmm-run refuses bad
#    arguments with its usage;
#  - every judge in harness/judge/ passes on real logs
#    (tests/harness/fixtures/) and fails on each broken copy: one pytest
#    module per judge, tests/harness/test_*.py, helpers in judges.py.
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
build guest/realvmm-run.c gcc "$top/guest/realvmm-run.c" "$tmp/realvmm-run.host"
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	build guest/plan-init.c aarch64-linux-gnu-gcc "$top/guest/plan-init.c" "$tmp/plan-init-arm64"
	build guest/realvmm-run.c aarch64-linux-gnu-gcc "$top/guest/realvmm-run.c" "$tmp/realvmm-run-arm64"
	build guest/realvmm-init.c aarch64-linux-gnu-gcc "$top/guest/realvmm-init.c" "$tmp/realvmm-init-arm64"
fi
# realvmm-run refuses what it cannot run, with its usage.
for args in "" "0000:00:01.0" "-t 0 0000:00:01.0 c" "-1 0000:00:01.0 a b c d e f g h i j k l m n o p q"; do
	# shellcheck disable=SC2086
	if "$tmp/realvmm-run.host" $args >"$tmp/rr.out" 2>&1; then rc=0; else rc=$?; fi
	if [ "$rc" = 2 ] && grep -q '^usage: realvmm-run' "$tmp/rr.out"; then
		say "PASS: harness: realvmm-run '$args': usage, exit 2"
	else
		say "FAIL: harness: realvmm-run '$args': usage, exit 2 (exit $rc: $(head -c 200 "$tmp/rr.out"))"
	fi
done

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

# Background stages (harness/lib.sh): one that fails fails the job, after
# the others ended, and every one is listed with its own time.
bg=$(bash -c '. "$1/harness/lib.sh"; stage_bg ok sleep 1; stage_bg bad bash -c "echo why; exit 3"
	stage_bg late sleep 2; stage_wait; echo reached' _ "$top" 2>&1)
if [ $? = 3 ] && ! grep -q reached <<<"$bg" && grep -q '^why' <<<"$bg" &&
   grep -q 'FAILED: bad (exit status 3)' <<<"$bg"; then
	say "PASS: harness: a failing background stage fails the job with its output"
else
	say "FAIL: harness: a failing background stage fails the job with its output ($(tr '\n' ' ' <<<"$bg" | head -c 300))"
fi
# The times are bash's SECONDS, which ticks on the wall clock's whole
# seconds: start just after one, or a stage can be counted a second long.
bg=$(bash -c '. "$1/harness/lib.sh"
	us=$((1020000 - 10#${EPOCHREALTIME#*.}))
	sleep "$((us / 1000000)).$(printf %06d $((us % 1000000)))"
	stage_bg one sleep 2; stage_bg two true; stage fg sleep 1
	stage_wait; print_stages' _ "$top" 2>&1)
if grep -Eq '^  fg +1s$' <<<"$bg" && grep -Eq '^  \|\| one +2s$' <<<"$bg" &&
   grep -Eq '^  \|\| two +0s$' <<<"$bg"; then
	say "PASS: harness: a background stage is listed with its own time"
else
	say "FAIL: harness: a background stage is listed with its own time ($(tr '\n' ' ' <<<"$bg" | head -c 300))"
fi

# make series refuses to sign for nobody, or for a placeholder.
ident() { # ident NAME EMAIL: a git config file with that identity
	printf '[user]\n\tname = %s\n\temail = %s\n' "$1" "$2" > "$tmp/gitcfg"
	echo "$tmp/gitcfg"
}
for who in ":" "KVM arm64 NC series:kvm-arm64-nc@example.org" "Seed:maintainers@users.noreply.r-seed.example" \
	   "Jane Doe:jane@example.com" "Jane Doe:jane"; do
	cfg=/dev/null
	[ "$who" = ":" ] || cfg=$(ident "${who%%:*}" "${who#*:}")
	# GIT_DIR: no repository's own config may supply an identity.
	if r=$(HOME=$tmp GIT_CONFIG_GLOBAL=$cfg GIT_CONFIG_NOSYSTEM=1 GIT_DIR=$tmp/nogit \
		bash "$top/harness/source/series.sh" 2>&1); then
		say "FAIL: harness: make series refuses the identity '$who' (it ran)"
	elif grep -qE 'no git identity|placeholder|not a mail address' <<<"$r"; then
		say "PASS: harness: make series refuses the identity '$who': $(head -n 1 <<<"$r" | cut -c1-90)"
	else
		say "FAIL: harness: make series refuses the identity '$who' ($(head -c 200 <<<"$r"))"
	fi
done

# Commit references: the real cover letter's pass, a wrong title, an id
# the list lacks, and a title that wraps over lines.
list=$top/docs/commit-ids.list
refs() { printf 'Subject: [PATCH] x\n\n%s\n---\n' "$1" > "$tmp/ref.patch"; python3 "$top/harness/source/commit_refs.py" "$list" "$tmp/ref.patch"; }
if refs 'Fixes: b7c5e64fecfa ("vfio/pci: Insert full vma on mmap'"'"'d MMIO fault")' >/dev/null; then
	say "FAIL: harness: commit_refs.py catches a wrong title"
else
	say "PASS: harness: commit_refs.py catches a wrong title (b7c5e64fecfa named with d71a989cf5d9's)"
fi
if refs 'as commit deadbeefcafe1 did' >/dev/null; then
	say "FAIL: harness: commit_refs.py catches an id it does not list"
else
	say "PASS: harness: commit_refs.py catches an id it does not list"
fi
if refs "$(printf 'since commit 35e351780fa9 ("fork: defer linking file\n vma until vma is fully initialized")')" >/dev/null; then
	say "PASS: harness: commit_refs.py reads a title that wraps over lines"
else
	say "FAIL: harness: commit_refs.py reads a title that wraps over lines"
fi

# make's own verdict (harness/judge/verdict.sh) on recorded logs: the right
# tables pass; a wrong table, or a log a judge cannot read, makes it exit
# non-zero and name the column.
vlogs() { # vlogs DIR: the vhe fixtures standing for every column
	mkdir -p "$1"
	for c in vhe nvhe protected nofwb; do
		cp "$here/fixtures/e2e-vhe-base.log" "$1/e2e-$c-base.log"
		cp "$here/fixtures/e2e-vhe-patched.log" "$1/e2e-$c-patched.log"
	done
	cp "$here/fixtures/realvmm-vhe-base.log" "$here/fixtures/realvmm-vhe-series.log" "$1/"
}
verdict() { # verdict LABEL DIR WANT-RC PATTERN
	local r rc=0
	r=$(bash "$top/harness/judge/verdict.sh" "$2" 2>&1) || rc=$?
	if [ "$rc" = "$3" ] && grep -qE "$4" <<<"$r"; then
		say "PASS: harness: make's verdict, $1: exit $rc"
	else
		say "FAIL: harness: make's verdict, $1: exit $rc, want $3 and /$4/ ($(tail -n 2 <<<"$r" | tr '\n' ' ' | cut -c1-200))"
	fi
}
vlogs "$tmp/v-good"
verdict "the expected tables" "$tmp/v-good" 0 '^$|.'
vlogs "$tmp/v-wrong"
mv "$tmp/v-wrong/e2e-nofwb-base.log" "$tmp/v-wrong/x"
mv "$tmp/v-wrong/e2e-nofwb-patched.log" "$tmp/v-wrong/e2e-nofwb-base.log"
mv "$tmp/v-wrong/x" "$tmp/v-wrong/e2e-nofwb-patched.log"
verdict "a wrong table (nofwb's logs swapped)" "$tmp/v-wrong" 1 'not the expected one in: selftest nofwb \('
vlogs "$tmp/v-gone"
rm "$tmp/v-gone/realvmm-vhe-series.log"
verdict "an unreadable log (the real stack's series log gone)" "$tmp/v-gone" 1 'in: real stack vhe \('

# A gate that runs fewer checks than it is known to run fails, however
# green its lines (harness/check.sh, tests/gate-counts).
mkdir -p "$tmp/gates"
printf '#!/bin/bash\necho "PASS: one"\necho "PASS: two"\n' > "$tmp/gates/99-selftest.sh"
printf '99-selftest 3\n' > "$tmp/counts"
r=$(GATE_COUNTS=$tmp/counts bash "$top/harness/check.sh" check "$tmp/gates/99-selftest.sh" 2>&1 | tail -n 1)
if [ "$r" = "2 passed, 1 failed" ]; then
	say "PASS: harness: a gate that runs 2 of its 3 checks fails the run ($r)"
else
	say "FAIL: harness: a gate that runs 2 of its 3 checks fails the run ($r)"
fi
printf '99-selftest 2\n' > "$tmp/counts"
r=$(GATE_COUNTS=$tmp/counts bash "$top/harness/check.sh" check "$tmp/gates/99-selftest.sh" 2>&1 | tail -n 1)
if [ "$r" = "2 passed, 0 failed" ]; then
	say "PASS: harness: a gate that runs all its checks passes ($r)"
else
	say "FAIL: harness: a gate that runs all its checks passes ($r)"
fi

# The judges (harness/judge/*.py) on real logs and broken copies of them:
# one pytest module per judge (tests/harness/test_*.py), run by Debian's
# pytest with the system python3 (python3-pytest, harness/source/deps.sh).
# Its per-test result lines become this file's PASS:/FAIL:/SKIP: lines;
# its own summary line is kept, and must agree with them.
NC_PLAN_OUTPUT=$tmp/pi/mixed.out PYTHONDONTWRITEBYTECODE=1 \
	/usr/bin/python3 -m pytest -rA -q -p no:cacheprovider --color=no \
	--rootdir="$here" "$here" > "$tmp/pytest.out" 2>&1
rc=$?
sed -nE 's/^PASSED (.*)$/PASS: harness: pytest \1/p
	s/^(FAILED|ERROR) (.*)$/FAIL: harness: pytest \2/p
	s/^SKIPPED \[[0-9]+\] (.*)$/SKIP: harness: pytest \1/p' "$tmp/pytest.out" | tee -a "$out"
summary=$(grep -E '^=* *[0-9]+ (passed|failed|error)' "$tmp/pytest.out" | tail -n 1 | tr -d '=' | sed 's/^ *//;s/ *$//')
echo "pytest: ${summary:-no summary line}"
npass=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
if [ "$rc" != 0 ] && ! grep -q '^FAIL: harness: pytest' "$out"; then
	tail -n 20 "$tmp/pytest.out"
	say "FAIL: harness: pytest ran its tests (exit $rc, no failing test named)"
elif [ "$npass" != "$(grep -c '^PASS: harness: pytest' "$out")" ]; then
	say "FAIL: harness: pytest's summary ($summary) agrees with its result lines"
fi

pass=$(grep -c '^PASS' "$out")
fail=$(grep -c '^FAIL' "$out")
echo "harness self-tests: $pass passed, $fail failed"
[ "$fail" = 0 ]

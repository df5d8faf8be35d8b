#!/usr/bin/env bash
# The debug column: the series built with KASAN, lockdep (PROVE_LOCKING),
# DEBUG_VM, DEBUG_ATOMIC_SLEEP, UBSAN and kmemleak (config/arm64-debug.
# config), booted in the vhe column. It runs the KUnit suite, the e2e
# selftest, the containment test and the soak; every boot must end with no
# report from any checker (guest-log.py scan --strict: not one WARN, KASAN,
# UBSAN, lockdep, RCU stall, hung task or kmemleak line; the KUnit boot
# alone may hold the suite's one deliberate WARN).
. "$(dirname "$0")/../../harness/lib.sh"
col=${COLUMNS:-vhe}
"$TOP/harness/kernel/kernel.sh" build series/debug base >/dev/null
"$TOP/harness/guest/build-guest.sh" >/dev/null
image=$("$TOP/harness/kernel/kernel.sh" image series/debug)
g=$BUILD/guest
mkdir -p "$BUILD/logs"

# boot NAME CPIO [qemu-boot options]: boot the debug kernel; the log is
# build/logs/debug-NAME.log. Debug kernels are slow under emulation.
boot() {
	local name=$1 cpio=$2 log=$BUILD/logs/debug-$1.log t0=$SECONDS; shift 2
	if ! "$TOP/harness/boot/qemu-boot.sh" "$@" "$image" "$cpio" "$col" "$log" 2400; then
		echo "FAIL: debug $name: boot failed (log: $log)"
		return 1
	fi
	grep -q '^PLAN-END' "$log" || { echo "FAIL: debug $name: plan did not finish (log: $log)"; return 1; }
	note "debug $name: $((SECONDS - t0))s"
}

# clean NAME FSC [--strict]: the host log of that boot holds no report.
clean() {
	local log=$BUILD/logs/debug-$1.log problems
	if problems=$("$TOP/harness/judge/guest-log.py" scan "$log" "$2" ${3:-}); then
		echo "PASS: debug $1: no report from KASAN, lockdep, UBSAN, DEBUG_VM, kmemleak or the watchdogs"
	else
		head -n 10 <<<"$problems"
		echo "FAIL: debug $1: the checkers reported the problems above"
	fi
}

# KUnit: every case passes, one WARN (the suite's own).
"$TOP/harness/guest/mkinitramfs.sh" "$g/kunit.cpio" "$g/plan-init" /dev/null
if boot kunit "$g/kunit.cpio" -k; then
	if res=$("$TOP/harness/judge/kunit_log.py" "$BUILD/logs/debug-kunit.log" --expect-cases 50); then
		n=$(echo "$res" | grep -c '^pass ' || true)
		[ "$n" = 50 ] && echo "PASS: debug kunit: 50 of 50 cases pass" ||
			{ echo "$res" | grep -v '^pass '; echo "FAIL: debug kunit: $n of 50 cases pass"; }
	else
		echo "FAIL: debug kunit: $res"
	fi
	clean kunit 0
fi

# The e2e selftest: all 31 subtests, stage 2 as the series must map it.
if boot e2e "$(plan_cpio e2e)"; then
	base=$BUILD/logs/e2e-$col-base.log
	fresh "$base" "$("$TOP/harness/kernel/kernel.sh" image base)" "$(plan_cpio e2e)" ||
		"$TOP/harness/boot/e2e-run.sh" "$col" >/dev/null || true
	fails=$("$TOP/harness/judge/e2e.py" judge "$col" "$base" "$BUILD/logs/debug-e2e.log" | grep -c '^FAIL' || true)
	[ "$fails" = 0 ] && echo "PASS: debug e2e: the selftest gives the series' table (31 subtests)" ||
		echo "FAIL: debug e2e: $fails subtests not as the series must give them"
	"$TOP/harness/judge/s2map.py" "$BUILD/logs/debug-e2e.log" series "debug" || true
	clean e2e 4 --strict
fi

# The containment test: every case passes on the series (judged against
# the base's run in the same column, gate 72's).
if boot contain "$(plan_cpio contain)" "${CONTAIN_QEMU[@]}"; then
	base=$BUILD/logs/contain-$col-base.log
	fresh "$base" "$("$TOP/harness/kernel/kernel.sh" image base)" "$(plan_cpio contain)" ||
		COLUMNS=$col bash "$TOP/gates/72-contain.sh" >/dev/null
	fails=$("$TOP/harness/judge/contain.py" judge "$col" "$base" "$BUILD/logs/debug-contain.log" | grep -c '^FAIL' || true)
	[ "$fails" = 0 ] && echo "PASS: debug contain: every containment case as the series must give it (32 subtests)" ||
		echo "FAIL: debug contain: $fails containment checks fail on the debug kernel"
	fails=$("$TOP/harness/judge/barcover.py" judge "$col" "$base" "$BUILD/logs/debug-contain.log" | grep -c '^FAIL' || true)
	[ "$fails" = 0 ] && echo "PASS: debug barcover: every place of the BARs as the series must give it (13 subtests, all 16384 pages revoked)" ||
		echo "FAIL: debug barcover: $fails checks of guest/barcover fail on the debug kernel"
	fails=$("$TOP/harness/judge/resetset.py" judge "$col" "$base" "$BUILD/logs/debug-contain.log" | grep -c '^FAIL' || true)
	[ "$fails" = 0 ] && echo "PASS: debug resetset: a hot reset revokes the mappings of both functions of its set" ||
		echo "FAIL: debug resetset: $fails checks of guest/resetset fail on the debug kernel"
	clean contain 35 --strict
fi

# The soak: 200 cycles, no leak, kmemleak silent.
if boot soak "$(plan_cpio soak)"; then
	log=$BUILD/logs/debug-soak.log
	grep -E '^# (ok|not ok) [0-9]+ soak:' "$log" | sed -E 's/^# ok [0-9]+ /PASS: debug /; s/^# not ok [0-9]+ /FAIL: debug /'
	grep -qE '^# (ok|not ok) 4 soak:' "$log" || echo "FAIL: debug soak: did not report all its checks (log: $log)"
	if grep -q 'unreferenced object' "$log"; then
		echo "FAIL: debug soak: kmemleak reports $(grep -c 'unreferenced object' "$log") leaked objects"
	else
		echo "PASS: debug soak: kmemleak reports no leak after two scans"
	fi
	clean soak 0 --strict
fi

# The concurrency stress (guest/revstress, tests/stress.plan): for a minute,
# threads fault the BAR, toggle memory enable, fork, mremap and split
# mappings at once. No read may complete while memory is off, a refused
# read must be SIGBUS with BUS_ADRERR at its address, and the checkers must
# stay silent.
stress_result() { # stress_result LOG: the revstress summary line
	sed -n '/^# revstress: checks=/{s//checks=/p;q}' "$1"
}
if boot stress "$(plan_cpio stress)"; then
	log=$BUILD/logs/debug-stress.log
	if grep -qE '^ok [0-9]+ revstress\b' "$log"; then
		echo "PASS: debug stress: no access got through while memory was off ($(stress_result "$log"))"
	else
		echo "FAIL: debug stress: $(stress_result "$log") (log: $log)"
	fi
	clean stress 0 --strict
fi

# Its mutants (tests/mutants/stress/), each the series' debug kernel with one
# deliberate race: the zap before memory_lock is taken, the fault handler
# without memory_lock. A race shows only sometimes: each mutant is booted
# up to STRESS_RUNS times (default 3) and is caught when a run lets a read
# through while memory is off (or a checker reports it). How many runs it
# took is part of the result.
for patch in "$TOP"/tests/mutants/stress/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	if ! "$TOP/harness/kernel/kernel.sh" build "mutant-$name/debug" >"$BUILD/logs/debug-mutant-$name.build" 2>&1; then
		tail -n 5 "$BUILD/logs/debug-mutant-$name.build"
		echo "FAIL: stress mutant $name: does not build"
		continue
	fi
	mimage=$("$TOP/harness/kernel/kernel.sh" image "mutant-$name/debug")
	caught=0 runs=${STRESS_RUNS:-3}
	for i in $(seq 1 "$runs"); do
		log=$BUILD/logs/debug-stress-$name-$i.log
		"$TOP/harness/boot/qemu-boot.sh" "$mimage" "$(plan_cpio stress)" "$col" "$log" 2400 || true
		if grep -qE '^not ok [0-9]+ revstress\b' "$log" && grep -qE '^# revstress: .*violations=[1-9]' "$log"; then
			caught=$i
			break
		fi
	done
	if [ "$caught" != 0 ]; then
		echo "PASS: stress mutant $name caught in run $caught of $runs: $(stress_result "$log")"
	else
		echo "FAIL: stress mutant $name not caught in $runs runs: $(stress_result "$log")"
	fi
done

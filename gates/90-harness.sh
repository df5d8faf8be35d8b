#!/usr/bin/env bash
# The harness itself must fail loudly on bad input: a patch that no longer
# applies, a base package of another version, a guest that never finishes,
# a kernel log with a WARN, a plan that did not complete, an emulator that
# cannot model the fault, a missing device, a base that passes the control.
. "$(dirname "$0")/../scripts/lib.sh"
tmp=$(mktemp -d)
wt=$BUILD/wt-harness
cleanup() {
	git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
expect() { # expect NAME PATTERN CMD...: CMD must fail and say PATTERN
	local name=$1 pat=$2 out rc=0; shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ] && echo "$out" | grep -qE "$pat"; then
		echo "PASS: harness: $name (exit $rc: $(echo "$out" | grep -m1 -E "$pat"))"
	else
		echo "$out" | tail -n 5
		echo "FAIL: harness: $name (exit $rc, expected a failure saying /$pat/)"
	fi
}

# A patch whose context no longer matches: change one context line of 0004.
cp -r "$TOP/patches" "$tmp/patches"
p3=$(ls "$tmp"/patches/0004-*.patch)
sed -i '0,/^ 	bool shared;$/s//  	bool shared_mapping;/' "$p3"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$wt" base
expect "a patch that no longer applies is named with its file" \
	"$(basename "$p3").*does not apply|patch failed: arch/arm64/kvm/mmu.c" \
	"$TOP/scripts/apply.sh" "$wt" "$tmp/patches"

expect "a base package of another version is refused" \
	"is $BASE_VERSION but the series is pinned to 0.0-test" \
	env NC_BASE_VERSION=0.0-test "$TOP/scripts/prepare-base.sh"

img=$("$TOP/scripts/kernel.sh" image series 2>/dev/null || true)
if [ -f "$img" ] && [ -f "$BUILD/guest/regress.cpio" ]; then
	expect "a guest that does not finish in time is stopped" "timed out after 2s" \
		"$TOP/scripts/qemu-boot.sh" "$img" "$BUILD/guest/regress.cpio" vhe "$tmp/boot.log" 2
else
	echo "FAIL: harness: no test-host kernel and initramfs to try a timeout with (run gate 80 first)"
fi
expect "an unknown column is refused" "unknown column" \
	"$TOP/scripts/qemu-boot.sh" "$img" "$img" nosuchcpu "$tmp/boot.log"

printf '[    1.0] WARNING: CPU: 0 PID: 1 at mm/memory.c:1 foo+0x0/0x4\n' > "$tmp/warn.log"
expect "a WARN in the host kernel log fails the run" "WARNING: CPU" \
	"$TOP/scripts/guest-log.py" scan "$tmp/warn.log"
printf 'PLAN-BEGIN\nTAP version 13\n1..2\nok 1 a\n' > "$tmp/cut.log"
expect "a plan cut short is reported" "did not finish" \
	"$TOP/scripts/guest-log.py" plan "$tmp/cut.log"

# The end-to-end judge, on logs derived from the real e2e run of gate 70.
b=$BUILD/logs/e2e-vhe-base.log p=$BUILD/logs/e2e-vhe-patched.log
if [ -f "$b" ] && [ -f "$p" ]; then
	# An emulator that does not raise the stage-2 alignment fault (QEMU 7.2):
	# the sysfs BAR behaves like memory on both kernels.
	for k in base patched; do
		src=$BUILD/logs/e2e-vhe-$k.log
		tr -d '\r' < "$src" | sed -E 's/^# ok ([0-9]+) (sysfs Normal-(NC|WB): unaligned)/# not ok \1 \2/;
			s/^# ok 28 calibration/# not ok 28 calibration/' > "$tmp/old-qemu-$k.log"
	done
	expect "an emulator that cannot model the fault is named as such" \
		"cannot tell the series from its absence" \
		"$TOP/scripts/e2e.py" judge vhe "$tmp/old-qemu-base.log" "$tmp/old-qemu-patched.log"
	# No vfio device in the test host: the vfio cells are skipped.
	tr -d '\r' < "$p" |
		sed -E 's/^# ok ([0-9]+) (vfio[^#]*)$/# ok \1 \2 # SKIP no vfio-pci device given (-v)/' > "$tmp/novfio.log"
	expect "a missing vfio device fails the run" "series skip" \
		"$TOP/scripts/e2e.py" judge vhe "$b" "$tmp/novfio.log"
	# The negative control: a base that passes what needs the series.
	expect "a base that passes the series' cells fails the control" "base ok.*want series ok, base fail" \
		"$TOP/scripts/e2e.py" judge vhe "$p" "$p"
else
	echo "FAIL: harness: no e2e logs to try the judge with (run gate 70 first)"
fi

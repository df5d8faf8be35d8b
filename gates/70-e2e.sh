#!/usr/bin/env bash
# End to end: the series' KVM selftest on a vfio-pci BAR in every column,
# on the patched kernel and, as the negative control, on the base.
#  - The guest's view (harness/judge/e2e.py): the series must pass every subtest;
#    the base must fail exactly the ones that depend on the series (vfio
#    BAR with guest Normal-NC/WB, the WC copy); the sysfs calibration must
#    fault on both.
#  - The host's view (harness/judge/s2map.py): what KVM actually installed at
#    stage 2 for each backing, recorded by guest/s2trace: NORMAL_NC and
#    never X for the vfio BAR with the series, DEVICE on the base and for
#    the sysfs BAR, plain Normal for memory.
#  - The host kernel log: no WARN at all (KUnit is off in these boots) and
#    exactly the "Unsupported FSC" lines the test provokes: 4 with the
#    series (sysfs BAR), 9 on the base (sysfs and vfio).
#  - vfio-pci was loaded as modules, with modprobe, as on a Debian host.
# Then each mutant in tests/mutants/e2e/ (the series with a deliberate bug
# in KVM's or vfio-pci's part) runs in the column without FWB, where only
# the host's view can tell a cacheable BAR from a Normal-NC one: the gate
# must catch each.
# VARIANT (default 4k) runs the same on base/VARIANT and series/VARIANT
# (gates/matrix: page sizes, clang), without the mutants.
. "$(dirname "$0")/../harness/lib.sh"
v=${VARIANT:-4k}
"$TOP/harness/kernel/kernel.sh" build "base/$v" "series/$v" >/dev/null
"$TOP/harness/guest/build-guest.sh" >/dev/null
read -r -a cols <<<"${COLUMNS:-vhe nvhe protected nofwb}"
"$TOP/harness/boot/e2e-run.sh" "${cols[@]}" || true

# judge_boot LABEL LOG KERNEL FSC: the boot finished its plan, its log is
# clean, and stage 2 holds what KERNEL (series|base) must install.
judge_boot() {
	boot_verdict "e2e $1" "$2" "$4"
	modprobe_verdict "e2e $1" "$2"
	"$TOP/harness/judge/s2map.py" "$2" "$3" "$1" || true
}

t=$(logtag)
for col in "${cols[@]}"; do
	judge_boot "$col$t base" "$BUILD/logs/e2e-$col$t-base.log" base 9
	judge_boot "$col$t patched" "$BUILD/logs/e2e-$col$t-patched.log" series 4
	"$TOP/harness/judge/e2e.py" judge "$col$t" "$BUILD/logs/e2e-$col$t-base.log" \
		"$BUILD/logs/e2e-$col$t-patched.log" || true
	"$TOP/harness/judge/e2e.py" table "$col" "$BUILD/logs/e2e-$col$t-base.log" \
		"$BUILD/logs/e2e-$col$t-patched.log" | sed 's/^/  /'
done
[ "$v" = 4k ] || exit 0

# The mutants: each is a kernel of its own (build/k/mutant-NAME/4k), judged
# against the base's run in the same column.
cpio=$(plan_cpio e2e)
base=$BUILD/logs/e2e-nofwb-base.log
fresh "$base" "$("$TOP/harness/kernel/kernel.sh" image base)" "$cpio" ||
	"$TOP/harness/boot/e2e-run.sh" nofwb >/dev/null || true
for patch in "$TOP"/tests/mutants/e2e/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	log=$BUILD/logs/e2e-nofwb-mutant-$name.log
	t0=$SECONDS
	if ! "$TOP/harness/kernel/kernel.sh" build "mutant-$name" >/dev/null; then
		echo "FAIL: e2e mutant $name: does not apply or does not build"
		continue
	fi
	"$TOP/harness/boot/qemu-boot.sh" "$("$TOP/harness/kernel/kernel.sh" image "mutant-$name")" \
		"$cpio" nofwb "$log" 600 || true
	caught=$( {
		"$TOP/harness/judge/e2e.py" judge nofwb "$base" "$log"
		"$TOP/harness/judge/s2map.py" "$log" series "mutant"
	} | grep '^FAIL' | sed 's/^FAIL: //' || true)
	if [ -n "$caught" ]; then
		echo "PASS: e2e mutant $name caught ($(echo "$caught" | wc -l) failures, first: $(echo "$caught" | head -n 1); $((SECONDS - t0))s)"
	else
		echo "FAIL: e2e mutant $name not caught: the selftest and stage 2 look right (log: $log)"
	fi
done

#!/usr/bin/env bash
# End to end: the series' KVM selftest on a vfio-pci BAR in every column,
# on the patched kernel and, as the negative control, on the base. The
# series must pass every subtest; the base must fail exactly the ones that
# depend on the series (vfio BAR with guest Normal-NC/WB, the WC copy);
# the sysfs calibration must fault on both. The host kernel log must hold
# no WARN/BUG/Oops and exactly the "Unsupported FSC" lines the test
# provokes: 4 with the series (sysfs BAR), 9 on the base (sysfs and vfio).
. "$(dirname "$0")/../scripts/lib.sh"
"$TOP/scripts/images.sh" >/dev/null
"$TOP/scripts/build-guest.sh" >/dev/null
read -r -a cols <<<"${COLUMNS:-vhe nvhe protected nofwb}"
"$TOP/scripts/e2e-run.sh" "${cols[@]}" || true
for col in "${cols[@]}"; do
	for k in base patched; do
		log=$BUILD/logs/e2e-$col-$k.log
		fsc=4; [ $k = patched ] || fsc=9
		if ! grep -q '^PLAN-END' "$log" 2>/dev/null; then
			echo "FAIL: e2e $col $k: the boot did not finish its plan (log: $log)"
		elif problems=$("$TOP/scripts/guest-log.py" scan "$log" $fsc); then
			echo "PASS: e2e $col $k: host kernel log clean ($fsc 'Unsupported FSC' as provoked)"
		else
			echo "$problems" | head -n 5
			echo "FAIL: e2e $col $k: host kernel log has the problems above"
		fi
	done
	"$TOP/scripts/e2e.py" judge "$col" "$BUILD/logs/e2e-$col-base.log" \
		"$BUILD/logs/e2e-$col-patched.log" || true
	"$TOP/scripts/e2e.py" table "$col" "$BUILD/logs/e2e-$col-base.log" \
		"$BUILD/logs/e2e-$col-patched.log" | sed 's/^/  /'
done

#!/usr/bin/env bash
# Upstream's own 6.1 KVM selftests (tests/regress.plan), built from the
# series' tree, on the base and on the patched kernel, in the vhe and nofwb
# columns (make matrix runs nvhe and protected; COLUMNS overrides): the
# series must pass every test the base passes, and the host kernel log must
# hold no problem at all (the boots run with kunit.enable=0, so no WARN is
# expected). A test that the base fails, skips, times out on or does not
# report fails the gate, unless the plan lists it as a known skip with its
# reason ("# known-skip NAME: reason"); a boot whose plan did not finish
# fails the gate (harness/judge/regress.py judges). VARIANT (default 4k) runs it
# on base/VARIANT and series/VARIANT (gates/matrix).
. "$(dirname "$0")/../harness/lib.sh"
v=${VARIANT:-4k} t=$(logtag)
"$TOP/harness/kernel/kernel.sh" build "base/$v" "series/$v" >/dev/null
"$TOP/harness/guest/build-guest.sh" >/dev/null
g=$BUILD/guest
plan=$TOP/tests/regress.plan
cpio=$(plan_cpio regress)
declare -A image
image[base]=$("$TOP/harness/kernel/kernel.sh" image "base/$v")
image[patched]=$("$TOP/harness/kernel/kernel.sh" image "series/$v")
for col in ${COLUMNS:-vhe nofwb}; do
	# The two boots of a column run at the same time: each is mostly one
	# busy vCPU thread, and the machine has two cores.
	declare -A rc=()
	t0=$SECONDS
	for k in base patched; do
		"$TOP/harness/boot/qemu-boot.sh" "${image[$k]}" "$cpio" "$col" \
			"$BUILD/logs/regress-$col$t-$k.log" 900 2>"$BUILD/logs/regress-$col$t-$k.err" &
		rc[$k]=$!
	done
	for k in base patched; do
		wait "${rc[$k]}" && rc[$k]=0 || rc[$k]=$?
	done
	for k in base patched; do
		log=$BUILD/logs/regress-$col$t-$k.log
		if [ "${rc[$k]}" != 0 ]; then
			cat "$BUILD/logs/regress-$col$t-$k.err"
			echo "FAIL: regress $col$t $k: boot failed (log: $log)"
			continue
		fi
		boot_verdict "regress $col$t $k" "$log" 0
		note "regress $col$t $k: $((SECONDS - t0))s"
	done
	"$TOP/harness/judge/regress.py" judge "$col$t" "$plan" "$BUILD/logs/regress-$col$t-base.log" \
		"$BUILD/logs/regress-$col$t-patched.log" "$v" || true
done

#!/usr/bin/env bash
# Containment: no mapping of a vfio-pci BAR outlives the device's memory
# enable, reset or low power entry, whatever created it (fault, fork,
# mprotect/munmap split, mremap), at stage 1 or stage 2. The series' KVM
# selftest aarch64/vfio_bar_revoke (tests/contain.plan) runs on the base
# and on the series in each column of ${COLUMNS:-vhe nofwb}:
#  - the guest's view (harness/judge/contain.py): the series passes all 32
#    subtests; the base fails exactly the 9 that need patches 1-3 (a fork()ed
#    child's and an mremap()ed mapping survive) or the feature (unaligned
#    loads from the vfio BAR), and passes the rest;
#  - the host's log: the plan finished, no WARN, BUG, lockdep or other
#    problem, and exactly the "Unsupported FSC" lines the test provokes.
#    Each is an unaligned guest load that stage 2 makes Device: sysfs
#    resource2, resource2_wc and /dev/mem once each, and once per memslot
#    swap phase on the sysfs BAR (32): 35 on the series. The base adds the
#    vfio BAR's: the owner's load after re-enable and once per swap phase
#    on the vfio BAR (33), and guest/barcover's nine unaligned loads
#    through Normal-NC: 78;
#  - guest/barcover on the first device, whose BAR 2 is 64 MiB
#    (harness/judge/barcover.py): the first, middle and last page of the
#    whole BAR in one memslot, the middle and last page mmap'd alone at
#    their offset, the 256-byte register BAR 0, then every page of the
#    whole BAR revoked by a memory disable and back after the enable. The
#    series passes all 13; the base fails the 7 unaligned Normal-NC loads,
#    each with the stage-2 alignment fault, and passes the rest;
#  - guest/resetset on two functions of one slot, which one hot reset
#    resets together (harness/judge/resetset.py): a hot reset through
#    either revokes the mappings of both, on both kernels;
# and the mutants of tests/mutants/contain/ (the series with a deliberate
# bug: a hot reset that revokes the first device of its set only, a revoked
# access that gets SIGSEGV) must each be caught, by the checks their patch
# names (harness/judge/contain_mutant.py).
# The test host gets a third ivshmem-plain behind a PCIe root port, so
# that vfio-pci can reset it (secondary bus reset: the two on the root
# bus have no reset method), and two more behind another (CONTAIN_QEMU,
# harness/lib.sh).
. "$(dirname "$0")/../harness/lib.sh"
"$TOP/harness/kernel/kernel.sh" build base series >/dev/null
"$TOP/harness/guest/build-guest.sh" >/dev/null
read -r -a cols <<<"${COLUMNS:-vhe nofwb}"
cpio=$(plan_cpio contain)
declare -A fsc=([base]=78 [series]=35)
mkdir -p "$BUILD/logs"

for col in "${cols[@]}"; do
	for k in base series; do
		log=$BUILD/logs/contain-$col-$k.log
		t0=$SECONDS
		if ! "$TOP/harness/boot/qemu-boot.sh" "${CONTAIN_QEMU[@]}" "$("$TOP/harness/kernel/kernel.sh" image "$k")" \
			"$cpio" "$col" "$log" 600; then
			echo "FAIL: contain $col $k: the boot failed, timed out or was not its column (log: $log)"
		else
			boot_verdict "contain $col $k" "$log" "${fsc[$k]}"
			modprobe_verdict "contain $col $k" "$log"
			note "contain $col $k: $((SECONDS - t0))s"
		fi
	done
	"$TOP/harness/judge/contain.py" judge "$col" "$BUILD/logs/contain-$col-base.log" \
		"$BUILD/logs/contain-$col-series.log" || true
	"$TOP/harness/judge/contain.py" table "$col" "$BUILD/logs/contain-$col-base.log" \
		"$BUILD/logs/contain-$col-series.log" | sed 's/^/  /'
	"$TOP/harness/judge/barcover.py" judge "$col" "$BUILD/logs/contain-$col-base.log" \
		"$BUILD/logs/contain-$col-series.log" || true
	"$TOP/harness/judge/barcover.py" table "$col" "$BUILD/logs/contain-$col-base.log" \
		"$BUILD/logs/contain-$col-series.log" | sed 's/^/  /'
	"$TOP/harness/judge/resetset.py" judge "$col" "$BUILD/logs/contain-$col-base.log" \
		"$BUILD/logs/contain-$col-series.log" || true
done

# The mutants, each a kernel of its own built like gate 70's, booted once
# in the first column with the whole plan.
col=${cols[0]}
for patch in "$TOP"/tests/mutants/contain/*.patch; do
	[ -e "$patch" ] || continue
	name=$(basename "$patch" .patch)
	log=$BUILD/logs/contain-$col-mutant-$name.log
	t0=$SECONDS
	if ! "$TOP/harness/kernel/kernel.sh" build "mutant-$name" >/dev/null; then
		echo "FAIL: contain mutant $name: does not apply or does not build"
		continue
	fi
	if ! "$TOP/harness/boot/qemu-boot.sh" "${CONTAIN_QEMU[@]}" "$("$TOP/harness/kernel/kernel.sh" image "mutant-$name")" \
		"$cpio" "$col" "$log" 600; then
		echo "FAIL: contain mutant $name: the boot failed or timed out (log: $log)"
		continue
	fi
	"$TOP/harness/judge/contain_mutant.py" "$col" "$patch" "$BUILD/logs/contain-$col-base.log" "$log" || true
	note "contain mutant $name: $((SECONDS - t0))s"
done

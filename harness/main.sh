#!/usr/bin/env bash
# The main job behind plain `make`: every stage timed. Builds what changed
# (nothing, on a second run), boots the base and the series, and prints two
# tables: the S1 x S2 table as the series' selftest observes it in every
# column, and the real stack's (stock QEMU as the VMM, a Linux guest's
# write-combining mappings) in the vhe column.
. "$(dirname "$0")/lib.sh"
realvmm_boot() { # realvmm_boot COLUMN KERNEL
	"$TOP/harness/boot/qemu-boot.sh" "$("$TOP/harness/kernel/kernel.sh" image "$2")" \
		"$BUILD/realvmm/$2.cpio" "$1" "$BUILD/logs/realvmm-$1-$2.log" 900 || true
}
start=$SECONDS
mkdir -p "$BUILD/logs"  # for the .out files below; qemu-boot.sh makes its own
stage "dependencies" "$TOP/harness/source/deps.sh"
stage "base tree + series (git am)" "$TOP/harness/source/tree.sh"
# Debian's QEMU is downloaded and unpacked while the kernels build: it waits
# on the network and the disk. The builds themselves run one after the
# other; each keeps both cores busy (side by side, two kernels took longer
# than one after the other: 624 s against 2 x 233 s).
stage_bg "real stack: Debian's arm64 QEMU" "$TOP/harness/guest/realvmm-fetch.sh"
stage "kernel series/4k" "$TOP/harness/kernel/kernel.sh" build series
stage "kernel base/4k" "$TOP/harness/kernel/kernel.sh" build base
stage "guest user space (selftests)" "$TOP/harness/guest/build-guest.sh"
stage_wait
stage "real stack: initramfs, test module" "$TOP/harness/guest/realvmm-build.sh" base series
# The boots are independent and mostly single-threaded: three at a time.
boots() {
	local rc=0
	"$TOP/harness/boot/e2e-run.sh" >"$BUILD/logs/main-e2e.out" 2>&1 &
	realvmm_boot vhe series 2>"$BUILD/logs/main-realvmm-series.out" &
	realvmm_boot vhe base 2>"$BUILD/logs/main-realvmm-base.out" &
	wait %1 || rc=1
	wait
	cat "$BUILD"/logs/main-*.out
	return $rc
}
stage "QEMU: selftest x 8, real stack x 2" boots
echo
echo "The S1 x S2 table as the guest observes it (tools/testing/selftests/kvm/"
echo "aarch64/vfio_bar_memattr): Device = unaligned accesses fault, Normal ="
echo "they complete; series / base, then the architectural expectation. The"
echo "stage-2 attribute KVM installed is checked too (make check, gate 70)."
for col in vhe nvhe protected nofwb; do
	echo
	"$TOP/harness/judge/e2e.py" table "$col" "$BUILD/logs/e2e-$col-base.log" \
		"$BUILD/logs/e2e-$col-patched.log"
done
echo
echo "Real VMM + Linux guest: Debian's qemu-system-aarch64 in the test host"
echo "passes the BAR through with -device vfio-pci; the guest (the same"
echo "kernel) maps it write-combining or Device, from user space and from a"
echo "module; series / base per case (docs/realvmm.md):"
"$TOP/harness/judge/realvmm.py" table vhe "$BUILD/logs/realvmm-vhe-base.log" \
	"$BUILD/logs/realvmm-vhe-series.log"
echo
print_stages "$start"
# The tables are for reading; still say when they are not what they must
# be: make exits non-zero, naming the column (harness/judge/verdict.sh).
"$TOP/harness/judge/verdict.sh" "$BUILD/logs"

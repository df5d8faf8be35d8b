#!/usr/bin/env bash
# The real stack: Debian's own arm64 qemu-system-aarch64 as the VMM in the
# test host (L1), the first ivshmem passed through with vfio-pci to a Linux
# guest (L2, the same kernel) that maps its BAR write-combining, from user
# space (sysfs resource2_wc, glibc's memcpy()/memset()) and from a kernel
# module (pci_iomap_wc()), and Device for comparison; one shared L2 boot for
# the cases that cannot stop L2, one each for those that can
# (tests/realvmm.plan). In each column, on the base and on the series:
#  - the boot finishes its plan, and L1's kernel log is clean, with exactly
#    the "Unsupported FSC" lines the base's cases provoke: one for each case
#    that depends on the series (BASE_FSC), none with the series;
#  - harness/judge/realvmm.py: the series passes every case and L1's QEMU exits
#    cleanly; the base stops L2 at the first unaligned write-combining
#    access of exactly the cases that depend on the series and passes the
#    rest; every unaligned Device access faults inside L2 on both.
. "$(dirname "$0")/../harness/lib.sh"
BASE_FSC=4  # user-wc-memcpy, user-wc-memset, user-wc-unaligned, kern-wc-unaligned
"$TOP/harness/kernel/kernel.sh" build base series >/dev/null
"$TOP/harness/guest/realvmm-fetch.sh"
"$TOP/harness/guest/realvmm-build.sh" base series
mkdir -p "$BUILD/logs"
for col in ${COLUMNS:-vhe nofwb}; do
	# The base's and the series' boot run at the same time (two cores).
	t0=$SECONDS
	for k in base series; do
		"$TOP/harness/boot/qemu-boot.sh" "$("$TOP/harness/kernel/kernel.sh" image $k)" \
			"$BUILD/realvmm/$k.cpio" "$col" "$BUILD/logs/realvmm-$col-$k.log" 900 || true &
	done
	wait
	note "realvmm $col: $((SECONDS - t0))s"
	for k in base series; do
		log=$BUILD/logs/realvmm-$col-$k.log
		fsc=0
		[ $k = series ] || fsc=$BASE_FSC
		boot_verdict "realvmm $col $k" "$log" "$fsc"
	done
	"$TOP/harness/judge/realvmm.py" judge "$col" "$BUILD/logs/realvmm-$col-base.log" \
		"$BUILD/logs/realvmm-$col-series.log" || true
	"$TOP/harness/judge/realvmm.py" table "$col" "$BUILD/logs/realvmm-$col-base.log" \
		"$BUILD/logs/realvmm-$col-series.log" | sed 's/^/  /'
done

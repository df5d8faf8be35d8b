#!/usr/bin/env bash
# e2e-run.sh [COLUMN...]: boot the base and the patched test host in each
# column (default: all four) with the series' selftest on a vfio-pci BAR
# (tests/e2e.plan), keeping each console in build/logs/e2e-COLUMN-KERNEL.log
# (KERNEL: base, patched). Needs the kernels base and series
# (harness/kernel/kernel.sh) and the guest user space (harness/guest/build-guest.sh).
# VARIANT (default 4k) picks the kernels base/VARIANT and series/VARIANT;
# other than 4k, it is part of the log names (e2e-COLUMN-VARIANT-KERNEL).
# Exit status 1 if a boot failed, timed out or was not its column.
. "$(dirname "$0")/../lib.sh"
cpio=$(plan_cpio e2e)
cols=("$@")
[ ${#cols[@]} -gt 0 ] || cols=(vhe nvhe protected nofwb)
v=${VARIANT:-4k}
declare -A image=([base]=$("$TOP/harness/kernel/kernel.sh" image "base/$v")
		  [patched]=$("$TOP/harness/kernel/kernel.sh" image "series/$v"))
rc=0
for col in "${cols[@]}"; do
	for k in base patched; do
		log=$BUILD/logs/e2e-$col$(logtag)-$k.log
		t0=$SECONDS
		if "$TOP/harness/boot/qemu-boot.sh" "${image[$k]}" "$cpio" "$col" "$log" 600; then
			note "e2e $col$(logtag) $k: $((SECONDS - t0))s"
		else
			rc=1
		fi
	done
done
exit $rc

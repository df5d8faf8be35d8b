#!/usr/bin/env bash
# e2e-run.sh [COLUMN...]: boot the base and the patched test host in each
# column (default: all four) with the series' selftest on a vfio-pci BAR
# (tests/e2e.plan), keeping each console in build/logs/e2e-COLUMN-KERNEL.log.
# Needs both kernels (scripts/images.sh) and the guest userspace
# (scripts/build-guest.sh). Exit status 1 if a boot failed or timed out.
. "$(dirname "$0")/lib.sh"
g=$BUILD/guest
mkdir -p "$BUILD/logs"
"$TOP/scripts/mkinitramfs.sh" "$g/e2e.cpio" "$g/plan-init" "$TOP/tests/e2e.plan" \
	"$g/e2e/aarch64/vfio_bar_memattr"
cols=("$@")
[ ${#cols[@]} -gt 0 ] || cols=(vhe nvhe protected nofwb)
rc=0
for col in "${cols[@]}"; do
	for k in base patched; do
		log=$BUILD/logs/e2e-$col-$k.log
		t0=$SECONDS
		if "$TOP/scripts/qemu-boot.sh" "$BUILD/out/$k/arch/arm64/boot/Image" \
			"$g/e2e.cpio" "$col" "$log" 600; then
			note "e2e $col $k: $((SECONDS - t0))s"
		else
			rc=1
		fi
	done
done
exit $rc

#!/usr/bin/env bash
# The administrator's opt-out (patch 6): with vfio_pci_core.
# disable_any_uncached set, on the kernel command line or at run time in
# sysfs, the vfio BAR must give the base's table and DEVICE at stage 2
# while everything else is unchanged; switched off again, the series'
# table. The base logs come from gate 70 (run here if missing).
. "$(dirname "$0")/../scripts/lib.sh"
"$TOP/scripts/kernel.sh" build base series >/dev/null
"$TOP/scripts/build-guest.sh" >/dev/null
g=$BUILD/guest
image=$("$TOP/scripts/kernel.sh" image series)
e2e=$(plan_cpio e2e)
optout=$(plan_cpio optout)
for col in ${COLUMNS:-vhe}; do
	base=$BUILD/logs/e2e-$col-base.log
	fresh "$base" "$("$TOP/scripts/kernel.sh" image base)" "$e2e" ||
		"$TOP/scripts/e2e-run.sh" "$col" >/dev/null || true
	cmdline=$BUILD/logs/optout-$col-cmdline.log
	runtime=$BUILD/logs/optout-$col-runtime.log
	t0=$SECONDS
	"$TOP/scripts/qemu-boot.sh" -a vfio_pci_core.disable_any_uncached=1 \
		"$image" "$e2e" "$col" "$cmdline" 600 || true
	"$TOP/scripts/qemu-boot.sh" "$image" "$optout" "$col" "$runtime" 900 || true
	boot_verdict "optout $col command line" "$cmdline" 9
	boot_verdict "optout $col run time" "$runtime" 13
	"$TOP/scripts/optout.py" "$col" "$base" "$cmdline" "$runtime" || true
	note "optout $col: $((SECONDS - t0))s"
done

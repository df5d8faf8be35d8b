#!/usr/bin/env bash
# The administrator's opt-out: with vfio-pci's disable_any_uncached module
# parameter set on the kernel command line (modprobe hands it to the
# module), the vfio BAR must give the base's table and DEVICE at stage 2
# while everything else is unchanged; without it, the series' table. The
# parameter is read-only: a write must be refused. The base logs come
# from gate 70 (run here if missing).
. "$(dirname "$0")/../harness/lib.sh"
"$TOP/harness/kernel/kernel.sh" build base series >/dev/null
"$TOP/harness/guest/build-guest.sh" >/dev/null
image=$("$TOP/harness/kernel/kernel.sh" image series)
e2e=$(plan_cpio e2e)
optout=$(plan_cpio optout)
for col in ${COLUMNS:-vhe}; do
	base=$BUILD/logs/e2e-$col-base.log
	fresh "$base" "$("$TOP/harness/kernel/kernel.sh" image base)" "$e2e" ||
		"$TOP/harness/boot/e2e-run.sh" "$col" >/dev/null || true
	on=$BUILD/logs/optout-$col-set.log
	off=$BUILD/logs/optout-$col-unset.log
	t0=$SECONDS
	"$TOP/harness/boot/qemu-boot.sh" -a vfio_pci.disable_any_uncached=1 \
		"$image" "$optout" "$col" "$on" 600 || true
	"$TOP/harness/boot/qemu-boot.sh" "$image" "$optout" "$col" "$off" 600 || true
	boot_verdict "optout $col parameter set" "$on" 9
	boot_verdict "optout $col parameter not set" "$off" 4
	"$TOP/harness/judge/optout.py" "$col" "$base" "$on" "$off" || true
	note "optout $col: $((SECONDS - t0))s"
done

#!/usr/bin/env bash
# qemu-boot.sh [OPTIONS] IMAGE INITRD COLUMN LOG [TIMEOUT]: boot the arm64
# test host under software emulation and keep its console in LOG (removed
# first, so that a log is never left over from an earlier boot). Always
# under a timeout. Two ivshmem-plain devices give RAM-backed 64-bit
# prefetchable BAR 2s behind the SMMUv3.
#
# COLUMN picks the CPU and KVM mode:
#   vhe        -cpu max                         VHE, FWB
#   nvhe       -cpu max, kvm-arm.mode=nvhe      nVHE, FWB
#   protected  -cpu max, kvm-arm.mode=protected pKVM, FWB
#   nofwb      -cpu cortex-a57                  nVHE, no FWB
# and every boot must prove it: the kernel's KVM mode line and the presence
# (or absence) of FEAT_S2FWB are checked in LOG.
#
# Options:
#   -k          run the KUnit suites at boot (default: kunit.enable=0, so
#               that a boot that runs tests has no WARN of KUnit's making)
#   -a ARGS     more kernel command line
#   -s SIZE     size of each ivshmem BAR (default 4M)
#   -q ARG      one more QEMU argument (repeatable)
#   -m MEM      memory of the test host (default 2G)
# Exit status: 0 when the guest powered off by itself, 2 on timeout,
# 3 when the boot is not the column it claims, 1 on any other failure.
set -euo pipefail
kunit=0 append= shm=4M mem=2G extra=()
while getopts ka:s:q:m: opt; do
	case $opt in
	k) kunit=1 ;;
	a) append="$append $OPTARG" ;;
	s) shm=$OPTARG ;;
	q) extra+=("$OPTARG") ;;
	m) mem=$OPTARG ;;
	*) exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 4 ] || { echo "usage: qemu-boot.sh [-k] [-a ARGS] [-s SIZE] [-q ARG] [-m MEM] IMAGE INITRD COLUMN LOG [TIMEOUT]" >&2; exit 1; }
image=$1 initrd=$2 column=$3 log=$4 timeout=${5:-600}
case $column in
vhe)       cpu=max        mode= ;                      want="VHE mode" fwb=1 ;;
nvhe)      cpu=max        mode=kvm-arm.mode=nvhe ;     want="Hyp (nVHE )?mode" fwb=1 ;;
protected) cpu=max        mode=kvm-arm.mode=protected; want="Protected [nh]VHE mode" fwb=1 ;;
nofwb)     cpu=cortex-a57 mode= ;                      want="Hyp (nVHE )?mode" fwb=0 ;;
*) echo "error: unknown column '$column' (vhe, nvhe, protected, nofwb)" >&2; exit 1 ;;
esac
[ -f "$image" ] || { echo "error: no kernel image $image" >&2; exit 1; }
[ -f "$initrd" ] || { echo "error: no initramfs $initrd" >&2; exit 1; }
[ $kunit = 1 ] || mode="$mode kunit.enable=0"
rm -f "$log"
mkdir -p "$(dirname "$log")"

# A kernel built by harness/kernel/kernel.sh has its modules next to it
# (modules.cpio, in its output directory): they are appended to the
# initramfs, with busybox as /sbin/modprobe, so that the test host loads
# vfio-pci the way a Debian host does. The kernel unpacks concatenated
# cpio archives one after the other.
kout=${image%/arch/arm64/boot/Image}
if [ "$kout" != "$image" ] && [ -f "$kout/modules.cpio" ]; then
	modprobe_cpio=$(cd "$(dirname "$0")/../.." && pwd)/build/guest/modprobe.cpio
	[ -f "$modprobe_cpio" ] ||
		{ echo "error: no $modprobe_cpio (run: harness/guest/build-guest.sh)" >&2; exit 1; }
	full=$(mktemp)
	trap 'rm -f "$full"' EXIT
	cat "$initrd" "$modprobe_cpio" "$kout/modules.cpio" > "$full"
	initrd=$full
fi

set +e
timeout --kill-after=10 "$timeout" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu "$cpu" \
	-smp 2 -m "$mem" -nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$image" -initrd "$initrd" \
	-append "console=ttyAMA0 panic=-1 oops=panic $mode$append" \
	-object memory-backend-ram,id=shm0,size="$shm" -device ivshmem-plain,memdev=shm0 \
	-object memory-backend-ram,id=shm1,size="$shm" -device ivshmem-plain,memdev=shm1 \
	"${extra[@]}" </dev/null >"$log" 2>&1
rc=$?
set -e
case $rc in
0) ;;
124|137) echo "error: QEMU ($column) timed out after ${timeout}s; log: $log" >&2; exit 2 ;;
*) echo "error: QEMU ($column) exited with status $rc; log: $log" >&2; tail -n 5 "$log" >&2; exit 1 ;;
esac

# The host kernel's own lines (not a nested guest's, which plan-init
# relays behind "# "): its KVM mode (where 6.1 says "Hyp mode", 6.12 says
# "Hyp nVHE mode", and in protected mode on a CPU with VHE it runs pKVM as
# "Protected hVHE mode"), and FWB among the detected features.
kline() { grep -qE "^\[ *[0-9]+\.[0-9]+\] $1" "$log"; }
if ! kline "kvm \[1\]: $want initialized successfully"; then
	echo "error: $column boot did not log 'kvm [1]: $want initialized successfully'; log: $log" >&2
	exit 3
fi
if kline "CPU features: detected: Stage-2 Force Write-Back"; then has=1; else has=0; fi
if [ $has != $fwb ]; then
	echo "error: $column boot: FEAT_S2FWB $([ $has = 1 ] && echo present || echo absent), expected the opposite; log: $log" >&2
	exit 3
fi
